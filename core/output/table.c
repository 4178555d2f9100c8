/* table.c — the text tables for people: a result (one line per organization, then what
 * needs attention) and a comparison of rounds; see table.h. */
#include "output/table.h"

#include <math.h>
#include <stdio.h>
#include <string.h>

#include "base/num.h"
#include "base/text.h"
#include "input/evidence_sheet.h"

static void pad_left(struct lotk_buf *out, const char *s, size_t width)
{
    for (size_t w = lotk_text_width(s); w < width; w++)
        lotk_buf_putc(out, ' ');
    lotk_buf_puts(out, s);
}

static void pad_right(struct lotk_buf *out, const char *s, size_t width)
{
    lotk_buf_puts(out, s);
    for (size_t w = lotk_text_width(s); w < width; w++)
        lotk_buf_putc(out, ' ');
}

static void points_cell(char *cell, size_t size, double x)
{
    if (x == x)
        snprintf(cell, size, "%.2f", x);
    else
        snprintf(cell, size, "-");
}

/* A number for people: at most two decimals, no trailing zeros ("2.6", "0.25", "3"). */
static void brief(char out[32], double x)
{
    if (x != x) {
        snprintf(out, 32, "-");
        return;
    }
    snprintf(out, 32, "%.2f", x);
    char *end = out + strlen(out);
    while (end > out && end[-1] == '0')
        *--end = '\0';
    if (end > out && end[-1] == '.')
        *--end = '\0';
    if (strcmp(out, "-0") == 0)
        snprintf(out, 32, "0");
}

static void table_findings(const struct lotk_result *r, struct lotk_buf *out)
{
    const struct lotk_standard *s = r->standard;
    const struct lotk_evidence_spec *spec = &s->evidence;
    char a[32], b[32], c[32];
    bool any = false;
    for (size_t k = 0; k < r->norgs; k++) {
        const struct lotk_evidence_org *eo = r->orgs[k].evidence;
        size_t l = 0;
        for (size_t i = 0; eo && eo->leaves && i < s->nnodes; i++) {
            const struct lotk_node *node = &s->nodes[i];
            if (!lotk_evidence_is_rated(node))
                continue;
            const struct lotk_evidence_leaf *lf = &eo->leaves[l];
            const struct lotk_scale *sc = &s->scales[node->scale];
            if (lf->flags && !any)
                lotk_buf_puts(out, "\nevidence findings:\n");
            any |= lf->flags != 0;
            const double spreads[2] = {lf->spread_third, lf->spread_self};
            for (int role = 0; role < 2; role++) {
                if (!(lf->spread_roles & (1u << role)))
                    continue;
                lotk_buf_printf(out, "  %s  assessor_spread %s (%s):", eo->id, node->id,
                                lotk_role_name((enum lotk_role)role));
                for (size_t q = 0, first = 1; q < eo->nrows; q++) {
                    const struct lotk_rating *rt = &eo->rows[q].ratings[l];
                    if ((int)eo->rows[q].role != role || rt->value != rt->value)
                        continue;
                    brief(a, rt->value);
                    lotk_buf_printf(out, "%s %s %s", first ? "" : ",", eo->rows[q].assessor, a);
                    first = 0;
                }
                brief(a, spreads[role]);
                brief(b, spec->spread);
                lotk_buf_printf(out, " (spread %s > %s)\n", a, b);
            }
            if (lf->flags & LOTK_EVIDENCE_SELF_EXCEEDS) {
                brief(a, lf->self);
                brief(b, lf->third);
                brief(c, (lf->self - lf->third) / (sc->max - sc->min));
                lotk_buf_printf(out, "  %s  self_exceeds %s: self %s, third party %s "
                                "(difference %s > ", eo->id, node->id, a, b, c);
                brief(a, spec->margin);
                lotk_buf_printf(out, "%s)\n", a);
            }
            if (lf->flags & LOTK_EVIDENCE_SELF_ONLY)
                lotk_buf_printf(out, "  %s  self_only %s: no third-party rating\n", eo->id,
                                node->id);
            if (lf->flags & LOTK_EVIDENCE_UNCITED) {
                lotk_buf_printf(out, "  %s  uncited %s:", eo->id, node->id);
                for (size_t q = 0, first = 1; q < eo->nrows; q++) {
                    const struct lotk_rating *rt = &eo->rows[q].ratings[l];
                    if (rt->value != rt->value || rt->evidence)
                        continue;
                    lotk_buf_printf(out, "%s %s", first ? "" : ",", eo->rows[q].assessor);
                    first = 0;
                }
                lotk_buf_puts(out, " gave no citation\n");
            }
            l++;
        }
    }
}

static void evidence_table(const struct lotk_result *r, struct lotk_buf *out)
{
    const struct lotk_standard *s = r->standard;
    const struct lotk_evidence *ev = r->evidence;
    if (s->nevidence == 0 || !ev) /* no sheets: the unrated flag says it all */
        return;
    table_findings(r, out);
    lotk_buf_puts(out, "\nassessor agreement (Shrout & Fleiss ICC of the third-party "
                       "ratings):\n");
    for (size_t i = 0; i < s->nnodes; i++) {
        if (!lotk_evidence_is_rated(&s->nodes[i]))
            continue;
        const struct lotk_evidence_agreement *ag =
            ev && ev->agreement ? &ev->agreement[ev->leaf_of[i]] : NULL;
        lotk_buf_printf(out, "  %-10s", s->nodes[i].id);
        if (!ag || ag->icc.icc1 != ag->icc.icc1) {
            lotk_buf_printf(out, " -  (undefined: organizations rated by every assessor %zu, "
                                 "assessors %zu; it takes 2 of each and ratings that differ)\n",
                            ag ? ag->icc.n : 0, ag ? ag->njudges : 0);
            continue;
        }
        const double v[6] = {ag->icc.icc1, ag->icc.icc2, ag->icc.icc3, ag->icc.icc1k,
                             ag->icc.icc2k, ag->icc.icc3k};
        static const char *const names[6] = {"ICC1", "ICC2", "ICC3", "ICC1k", "ICC2k", "ICC3k"};
        for (int k = 0; k < 6; k++)
            lotk_buf_printf(out, "%s%s %.2f", k ? "  " : " ", names[k], v[k]);
        lotk_buf_printf(out, "  (%zu organizations, %zu assessors", ag->icc.n, ag->njudges);
        if (ag->excluded)
            lotk_buf_printf(out, "; %zu rated by some only", ag->excluded);
        lotk_buf_puts(out, ")\n");
    }
}

static void pct_cell(struct lotk_buf *out, double x, int width)
{
    if (x == x)
        lotk_buf_printf(out, "  %*.1f", width, x);
    else
        lotk_buf_printf(out, "  %*s", width, "-");
}

static void ranks_table(const struct lotk_ranks *rk, const struct lotk_result *r,
                        struct lotk_buf *out)
{
    const struct lotk_standard *s = r->standard;
    const struct lotk_node *root = &s->nodes[0];
    size_t id_width = strlen("organization");
    for (size_t k = 0; k < r->norgs; k++)
        if (strlen(r->orgs[k].id) > id_width)
            id_width = strlen(r->orgs[k].id);
    lotk_buf_printf(out, "\npercentile ranks (mid-rank %%, against %zu organizations of %s):\n",
                    rk->organizations, rk->from_file ? "the norm table" : "this batch");
    lotk_buf_printf(out, "  %-*s   total", (int)id_width, "organization");
    for (size_t c = 0; c < root->nchildren; c++)
        lotk_buf_printf(out, "  %6s", s->nodes[root->children[c]].id);
    lotk_buf_putc(out, '\n');
    for (size_t k = 0; k < r->norgs; k++) {
        const double *pct = &rk->pct[k * rk->nnodes];
        lotk_buf_printf(out, "  %-*s", (int)id_width, r->orgs[k].id);
        pct_cell(out, pct[0], 6);
        for (size_t c = 0; c < root->nchildren; c++)
            pct_cell(out, pct[root->children[c]], 6);
        lotk_buf_putc(out, '\n');
    }
}

static void bootstrap_table(const struct lotk_bootstrap *b, const struct lotk_result *r,
                            struct lotk_buf *out)
{
    const struct lotk_standard *s = r->standard;
    size_t id_width = strlen("organization");
    for (size_t k = 0; k < r->norgs; k++)
        if (strlen(r->orgs[k].id) > id_width)
            id_width = strlen(r->orgs[k].id);
    char conf[32];
    lotk_fmt_double(conf, b->opts.confidence * 100);
    lotk_buf_printf(out,
                    "\nbootstrap (%ld replicates over each organization's respondents, seed "
                    "%llu): %s%% interval\nof the total before rules, and the share of "
                    "replicates reaching each grade (rules not re-run):\n",
                    b->opts.replicates, (unsigned long long)b->opts.seed, conf);
    for (size_t k = 0; k < r->norgs; k++) {
        const struct lotk_boot_org *bo = &b->orgs[k];
        lotk_buf_printf(out, "  %-*s", (int)id_width, r->orgs[k].id);
        if (bo->lo == bo->lo)
            lotk_buf_printf(out, "  %6.2f to %6.2f", bo->lo, bo->hi);
        else
            lotk_buf_printf(out, "  %16s", "-");
        for (size_t g = 0; bo->grade_p && g < b->nbands; g++)
            lotk_buf_printf(out, "  %s %.3f", s->bands[g].grade, bo->grade_p[g]);
        if (!bo->grade_p)
            lotk_buf_puts(out, "  no grade");
        if (bo->undefined)
            lotk_buf_printf(out, "  (%ld replicates without a total)", bo->undefined);
        lotk_buf_putc(out, '\n');
    }
}

/* One line per survey leaf: is the measurement good enough to speak of the
 * organization's score? Then the items that look reverse-keyed the wrong way. */
static void table_reliability(const struct lotk_result *r, struct lotk_buf *out)
{
    const struct lotk_standard *s = r->standard;
    char a[32], i1[32], i2[32];
    lotk_buf_puts(out, "\nreliability and agreement:\n");
    for (size_t i = 0; i < s->nnodes; i++) {
        if (s->nodes[i].nitems == 0)
            continue;
        const struct lotk_leaf_stats *ls = &r->leaf_stats[i];
        points_cell(a, sizeof a, ls->reliability.alpha);
        points_cell(i1, sizeof i1, ls->icc1);
        points_cell(i2, sizeof i2, ls->icc2);
        lotk_buf_printf(out, "  %-10s alpha %5s  icc1 %5s  icc2 %5s", s->nodes[i].id, a, i1, i2);
        const struct lotk_reliability *rel = &ls->reliability;
        for (size_t k = 0; rel->item_total && k < s->nodes[i].nitems; k++)
            if (rel->item_total[k] < 0)
                lotk_buf_printf(out, "  likely keying error: %s (item-total r %.2f)",
                                s->items[s->nodes[i].items[k]].id, rel->item_total[k]);
        lotk_buf_putc(out, '\n');
    }
}

void lotk_write_table_result(const struct lotk_result_table *t, const struct lotk_write_opts *opts,
                             struct lotk_buf *out)
{
    const struct lotk_result *r = t->result;
    const struct lotk_standard *s = r->standard;
    const struct lotk_node *root = &s->nodes[0];
    char cell[64];

    lotk_buf_printf(out, "%s %s", s->id, s->version);
    if (s->title.zh)
        lotk_buf_printf(out, "  %s", s->title.zh);
    if (s->title.en)
        lotk_buf_printf(out, "  %s", s->title.en);
    lotk_buf_printf(out, "\nrows %ld, scored %ld, rejected %ld", r->counts.rows,
                    r->counts.scored, r->counts.rejected);
    if (r->counts.screened)
        lotk_buf_printf(out, ", screened out %ld", r->counts.screened);
    lotk_buf_printf(out, "; %zu organization%s; points out of %g\n\n", r->norgs,
                    r->norgs == 1 ? "" : "s", s->points);

    size_t id_width = strlen("organization");
    for (size_t k = 0; k < r->norgs; k++)
        if (lotk_text_width(r->orgs[k].id) > id_width)
            id_width = lotk_text_width(r->orgs[k].id);
    size_t grade_width = strlen("grade");
    for (size_t b = 0; b < s->nbands; b++)
        if (strlen(s->bands[b].grade) > grade_width)
            grade_width = strlen(s->bands[b].grade);

    pad_right(out, "organization", id_width);
    lotk_buf_puts(out, "  resp  points  ");
    pad_right(out, "grade", grade_width);
    for (size_t c = 0; c < root->nchildren; c++) {
        lotk_buf_puts(out, "  ");
        pad_left(out, s->nodes[root->children[c]].id, 6);
    }
    lotk_buf_puts(out, "  flags\n");
    for (size_t k = 0; k < r->norgs; k++) {
        const struct lotk_org_result *o = &r->orgs[k];
        pad_right(out, o->id, id_width);
        snprintf(cell, sizeof cell, "%ld", o->respondents);
        lotk_buf_puts(out, "  ");
        pad_left(out, cell, 4);
        points_cell(cell, sizeof cell, o->points);
        lotk_buf_puts(out, "  ");
        pad_left(out, cell, 6);
        lotk_buf_puts(out, "  ");
        pad_right(out, o->band >= 0 ? s->bands[o->band].grade : "-", grade_width);
        for (size_t c = 0; c < root->nchildren; c++) {
            int node = root->children[c];
            points_cell(cell, sizeof cell, o->points_of[node]);
            lotk_buf_puts(out, "  ");
            pad_left(out, cell, lotk_text_width(s->nodes[node].id) > 6 ?
                                    lotk_text_width(s->nodes[node].id) : 6);
        }
        lotk_buf_puts(out, "  ");
        for (unsigned b = 0, first = 1; b < LOTK_FLAG_COUNT; b++)
            if (o->flags & (1u << b)) {
                lotk_buf_printf(out, "%s%s", first ? "" : ",", lotk_flag_name(b));
                first = 0;
            }
        /* Trailing blanks help nobody and make golden files fragile. */
        while (out->len && out->data[out->len - 1] == ' ')
            out->data[--out->len] = '\0';
        lotk_buf_putc(out, '\n');
        lotk_emit_maybe_flush(opts, out);
    }
    bool any = false;
    for (size_t k = 0; k < r->norgs; k++)
        for (size_t a = 0; a < r->orgs[k].nadjustments; a++) {
            if (!any)
                lotk_buf_puts(out, "\nrules:\n");
            any = true;
            const struct lotk_adjustment *adj = &r->orgs[k].adjustments[a];
            lotk_buf_printf(out, "  %s  %s: %s", r->orgs[k].id, adj->rule, adj->reason);
            if (adj->grade)
                lotk_buf_printf(out, " (grade %s)", adj->grade);
            if (adj->max_grade)
                lotk_buf_printf(out, " (at most %s)", adj->max_grade);
            if (adj->points != 0)
                lotk_buf_printf(out, " (%+g points)", adj->points);
            lotk_buf_putc(out, '\n');
        }
    evidence_table(r, out);
    table_reliability(r, out);
    if (t->ranks && t->ranks->from_file)
        ranks_table(t->ranks, r, out);
    if (t->bootstrap)
        bootstrap_table(t->bootstrap, r, out);
    if (s->nbands) {
        lotk_buf_puts(out, "\ngrades:");
        for (size_t b = 0; b < s->nbands; b++) {
            lotk_buf_printf(out, " %s", s->bands[b].grade);
            if (s->bands[b].label.zh)
                lotk_buf_printf(out, " %s", s->bands[b].label.zh);
            lotk_buf_printf(out, " (>= %g)%s", s->bands[b].min, b + 1 < s->nbands ? "," : "");
        }
        lotk_buf_putc(out, '\n');
    }
}

/* ---- a comparison of rounds ------------------------------------------------------------ */

static void cell(struct lotk_buf *out, const char *fmt, double x, int width)
{
    char text[64];
    if (x == x)
        snprintf(text, sizeof text, fmt, x);
    else
        snprintf(text, sizeof text, "-");
    lotk_buf_printf(out, "  %*s", width, text);
}

/* "only in the old round: A, B, … (12)": the first ten ids, then the count. */
static void only_in(struct lotk_buf *out, const char *round, const char *const *ids, size_t n)
{
    if (n == 0)
        return;
    lotk_buf_printf(out, "only in the %s round:", round);
    for (size_t i = 0; i < n && i < 10; i++)
        lotk_buf_printf(out, "%s %s", i ? "," : "", ids[i]);
    if (n > 10)
        lotk_buf_printf(out, ", … (%zu organizations)", n);
    lotk_buf_putc(out, '\n');
}

void lotk_write_table_comparison(const struct lotk_comparison *c, struct lotk_buf *out)
{
    int id_width = (int)strlen("organization"), node_width = (int)strlen("node");
    for (size_t k = 0; k < c->norgs; k++)
        if ((int)strlen(c->orgs[k].new_org->id) > id_width)
            id_width = (int)strlen(c->orgs[k].new_org->id);
    for (size_t i = 0; i < c->nnodes; i++) {
        int w = (int)strlen(c->nodes[i].id);
        if (strcmp(c->nodes[i].id, c->nodes[i].old_id) != 0)
            w += 4 + (int)strlen(c->nodes[i].old_id); /* " (← OLD)" */
        if (w > node_width)
            node_width = w;
    }
    lotk_buf_printf(out, "%s %s (%s) → %s (%s): %zu organizations in both rounds\n",
                    c->new_doc.std_id, c->old_doc.std_version, c->old_path,
                    c->new_doc.std_version, c->new_path, c->norgs);
    lotk_buf_puts(out,
                  "values are 100 × norm, the % of each node's maximum (the total: points as "
                  "% of the standard's points);\nRCI = (new − old) / (√2 · SD · √(1 − r)) with SD "
                  "and r of the old round; |RCI| > 1.96 is a real change\n\n");
    lotk_buf_printf(out, "%-*s  %-*s     old     new    diff     RCI  change\n", id_width,
                    "organization", node_width, "node");
    for (size_t k = 0; k < c->norgs; k++) {
        const struct lotk_compare_org *co = &c->orgs[k];
        for (size_t i = 0; i < c->nnodes; i++) {
            const struct lotk_compare_change *ch = &co->changes[i];
            const struct lotk_compare_node *n = &c->nodes[i];
            lotk_buf_printf(out, "%-*s  ", id_width, i == 0 ? co->new_org->id : "");
            size_t before = out->len;
            lotk_buf_puts(out, n->id);
            if (strcmp(n->id, n->old_id) != 0)
                lotk_buf_printf(out, " (← %s)", n->old_id);
            /* "←" is one column wide but three bytes. */
            int shown = (int)(out->len - before) - (strcmp(n->id, n->old_id) != 0 ? 2 : 0);
            lotk_buf_printf(out, "%*s", node_width - shown, "");
            cell(out, "%.2f", 100 * ch->old_value, 6);
            cell(out, "%.2f", 100 * ch->new_value, 6);
            cell(out, "%+.2f", 100 * ch->diff, 6);
            cell(out, "%.2f", ch->rci, 6);
            const char *name = ch->change == 1 ? "improved" : ch->change == -1 ? "declined" : "";
            lotk_buf_printf(out, "  %s", name);
            while (out->len && out->data[out->len - 1] == ' ')
                out->data[--out->len] = '\0';
            lotk_buf_putc(out, '\n');
        }
    }
    size_t real = 0;
    for (size_t k = 0; k < c->norgs; k++)
        real += c->orgs[k].changes[0].change == 1 || c->orgs[k].changes[0].change == -1;
    lotk_buf_printf(out, "\n%zu of %zu organizations changed their total beyond measurement "
                    "error\n", real, c->norgs);
    only_in(out, "old", c->only_old, c->nonly_old);
    only_in(out, "new", c->only_new, c->nonly_new);
}
