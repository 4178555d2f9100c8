/* table.c — the text tables for people: a result (one line per organization, then what
 * needs attention) and a comparison of rounds; see table.h. */
#include "output/table.h"

#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "base/num.h"
#include "base/text.h"
#include "input/evidence_sheet.h"
#include "output/messages.h"

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

/* A label of the message table in the writer's language. */
static const char *msg(const struct lotk_write_opts *o, const char *key)
{
    return lotk_message(key, o->lang);
}

/* Appends a message with printf conversions (messages.def keeps them in the same order in
 * every language; test_messages checks it). */
static void msgf(struct lotk_buf *out, const struct lotk_write_opts *o, const char *key, ...)
{
    va_list ap;
    va_start(ap, key);
    char text[1024];
    vsnprintf(text, sizeof text, msg(o, key), ap);
    va_end(ap);
    lotk_buf_puts(out, text);
}

static int band_of(const struct lotk_standard *s, const char *grade)
{
    for (size_t b = 0; b < s->nbands; b++)
        if (strcmp(s->bands[b].grade, grade) == 0)
            return (int)b;
    return -1;
}

static const char *grade_label(const struct lotk_standard *s, int band,
                               const struct lotk_write_opts *o)
{
    if (band < 0 || (size_t)band >= s->nbands)
        return "-";
    const struct lotk_band *b = &s->bands[band];
    return lotk_message_pick(b->label.zh, b->label.en, o->lang, b->grade);
}

static void table_findings(const struct lotk_result_table *t, const struct lotk_write_opts *o,
                           struct lotk_buf *out)
{
    const struct lotk_result *r = t->result;
    const struct lotk_standard *s = r->standard;
    const struct lotk_evidence_spec *spec = &s->evidence;
    char a[32], b[32], c[32], d[32];
    bool any = false;
    for (size_t pos = 0; pos < t->nshown; pos++) {
        const struct lotk_evidence_org *eo = r->orgs[t->shown[pos]].evidence;
        size_t l = 0;
        for (size_t i = 0; eo && eo->leaves && i < s->nnodes; i++) {
            const struct lotk_node *node = &s->nodes[i];
            if (!lotk_evidence_is_rated(node))
                continue;
            const struct lotk_evidence_leaf *lf = &eo->leaves[l];
            const struct lotk_scale *sc = &s->scales[node->scale];
            if (lf->flags && !any)
                lotk_buf_printf(out, "\n%s\n", msg(o, "tbl_findings"));
            any |= lf->flags != 0;
            const double spreads[2] = {lf->spread_third, lf->spread_self};
            for (int role = 0; role < 2; role++) {
                if (!(lf->spread_roles & (1u << role)))
                    continue;
                lotk_buf_puts(out, "  ");
                msgf(out, o, "tbl_spread", eo->id, node->id,
                     msg(o, role == LOTK_ROLE_SELF ? "role_self" : "role_third_party"));
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
                msgf(out, o, "tbl_spread_end", a, b);
                lotk_buf_putc(out, '\n');
            }
            if (lf->flags & LOTK_EVIDENCE_SELF_EXCEEDS) {
                brief(a, lf->self);
                brief(b, lf->third);
                brief(c, (lf->self - lf->third) / (sc->max - sc->min));
                brief(d, spec->margin);
                lotk_buf_puts(out, "  ");
                msgf(out, o, "tbl_self_exceeds", eo->id, node->id, a, b, c, d);
                lotk_buf_putc(out, '\n');
            }
            if (lf->flags & LOTK_EVIDENCE_SELF_ONLY) {
                lotk_buf_puts(out, "  ");
                msgf(out, o, "tbl_self_only", eo->id, node->id);
                lotk_buf_putc(out, '\n');
            }
            if (lf->flags & LOTK_EVIDENCE_UNCITED) {
                lotk_buf_puts(out, "  ");
                msgf(out, o, "tbl_uncited", eo->id, node->id);
                for (size_t q = 0, first = 1; q < eo->nrows; q++) {
                    const struct lotk_rating *rt = &eo->rows[q].ratings[l];
                    if (rt->value != rt->value || rt->evidence)
                        continue;
                    lotk_buf_printf(out, "%s %s", first ? "" : ",", eo->rows[q].assessor);
                    first = 0;
                }
                lotk_buf_printf(out, "%s\n", msg(o, "tbl_uncited_end"));
            }
            l++;
        }
    }
}

static void evidence_table(const struct lotk_result_table *t, const struct lotk_write_opts *o,
                           struct lotk_buf *out)
{
    const struct lotk_result *r = t->result;
    const struct lotk_standard *s = r->standard;
    const struct lotk_evidence *ev = r->evidence;
    if (s->nevidence == 0 || !ev) /* no sheets: the unrated flag says it all */
        return;
    table_findings(t, o, out);
    lotk_buf_printf(out, "\n%s\n", msg(o, "tbl_agreement"));
    for (size_t i = 0; i < s->nnodes; i++) {
        if (!lotk_evidence_is_rated(&s->nodes[i]))
            continue;
        const struct lotk_evidence_agreement *ag =
            ev && ev->agreement ? &ev->agreement[ev->leaf_of[i]] : NULL;
        lotk_buf_printf(out, "  %-10s", s->nodes[i].id);
        if (!ag || ag->icc.icc1 != ag->icc.icc1) {
            msgf(out, o, "tbl_agreement_undefined", ag ? ag->icc.n : (size_t)0,
                 ag ? ag->njudges : (size_t)0);
            lotk_buf_putc(out, '\n');
            continue;
        }
        const double v[6] = {ag->icc.icc1, ag->icc.icc2, ag->icc.icc3, ag->icc.icc1k,
                             ag->icc.icc2k, ag->icc.icc3k};
        static const char *const names[6] = {"ICC1", "ICC2", "ICC3", "ICC1k", "ICC2k", "ICC3k"};
        for (int k = 0; k < 6; k++)
            lotk_buf_printf(out, "%s%s %.2f", k ? "  " : " ", names[k], v[k]);
        msgf(out, o, "tbl_agreement_counts", ag->icc.n, ag->njudges);
        if (ag->excluded)
            msgf(out, o, "tbl_agreement_some", ag->excluded);
        lotk_buf_printf(out, "%s\n", msg(o, "tbl_agreement_end"));
    }
}

static void pct_cell(struct lotk_buf *out, double x, int width)
{
    if (x == x)
        lotk_buf_printf(out, "  %*.1f", width, x);
    else
        lotk_buf_printf(out, "  %*s", width, "-");
}

/* The width of the organization column: the widest id shown, at least the heading. */
static size_t org_width(const struct lotk_result_table *t, const char *heading)
{
    size_t w = lotk_text_width(heading);
    for (size_t pos = 0; pos < t->nshown; pos++) {
        size_t id = lotk_text_width(t->result->orgs[t->shown[pos]].id);
        if (id > w)
            w = id;
    }
    return w;
}

static void ranks_table(const struct lotk_result_table *t, const struct lotk_write_opts *o,
                        struct lotk_buf *out)
{
    const struct lotk_ranks *rk = t->ranks;
    const struct lotk_result *r = t->result;
    const struct lotk_standard *s = r->standard;
    const struct lotk_node *root = &s->nodes[0];
    const char *heading = msg(o, "tbl_organization");
    size_t id_width = org_width(t, heading);
    lotk_buf_putc(out, '\n');
    msgf(out, o, "tbl_percentiles", rk->organizations,
         msg(o, rk->from_file ? "tbl_norms_file" : "tbl_norms_batch"));
    lotk_buf_puts(out, "\n  ");
    pad_right(out, heading, id_width);
    lotk_buf_puts(out, "  ");
    pad_left(out, msg(o, "tbl_total"), 6);
    for (size_t c = 0; c < root->nchildren; c++)
        lotk_buf_printf(out, "  %6s", s->nodes[root->children[c]].id);
    lotk_buf_putc(out, '\n');
    for (size_t pos = 0; pos < t->nshown; pos++) {
        size_t k = t->shown[pos];
        const double *pct = &rk->pct[k * rk->nnodes];
        lotk_buf_puts(out, "  ");
        pad_right(out, r->orgs[k].id, id_width);
        pct_cell(out, pct[0], 6);
        for (size_t c = 0; c < root->nchildren; c++)
            pct_cell(out, pct[root->children[c]], 6);
        lotk_buf_putc(out, '\n');
    }
}

static void bootstrap_table(const struct lotk_result_table *t, const struct lotk_write_opts *o,
                            struct lotk_buf *out)
{
    const struct lotk_bootstrap *b = t->bootstrap;
    const struct lotk_result *r = t->result;
    const struct lotk_standard *s = r->standard;
    size_t id_width = org_width(t, msg(o, "tbl_organization"));
    char conf[32];
    lotk_fmt_double(conf, b->opts.confidence * 100);
    lotk_buf_putc(out, '\n');
    msgf(out, o, "tbl_bootstrap", b->opts.replicates, (unsigned long long)b->opts.seed, conf);
    lotk_buf_putc(out, '\n');
    for (size_t pos = 0; pos < t->nshown; pos++) {
        size_t k = t->shown[pos];
        const struct lotk_boot_org *bo = &b->orgs[k];
        lotk_buf_puts(out, "  ");
        pad_right(out, r->orgs[k].id, id_width);
        if (bo->lo == bo->lo)
            msgf(out, o, "tbl_boot_range", bo->lo, bo->hi);
        else
            lotk_buf_printf(out, "  %16s", "-");
        for (size_t g = 0; bo->grade_p && g < b->nbands; g++)
            lotk_buf_printf(out, "  %s %.3f", grade_label(s, (int)g, o), bo->grade_p[g]);
        if (!bo->grade_p)
            lotk_buf_puts(out, msg(o, "tbl_boot_no_grade"));
        if (bo->undefined)
            msgf(out, o, "tbl_boot_undefined", bo->undefined);
        lotk_buf_putc(out, '\n');
    }
}

/* One line per survey leaf: is the measurement good enough to speak of the
 * organization's score? Then the items that look reverse-keyed the wrong way. */
static void table_reliability(const struct lotk_result *r, const struct lotk_write_opts *o,
                              struct lotk_buf *out)
{
    const struct lotk_standard *s = r->standard;
    char a[32], i1[32], i2[32];
    if (s->nitems == 0) /* document review or statistics only: nothing to say */
        return;
    lotk_buf_printf(out, "\n%s\n", msg(o, "tbl_reliability"));
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
                msgf(out, o, "tbl_keying", s->items[s->nodes[i].items[k]].id, rel->item_total[k]);
        lotk_buf_putc(out, '\n');
    }
}

/* The first lines: which standard, what was read. */
static void table_heading(const struct lotk_result *r, const struct lotk_write_opts *o,
                          struct lotk_buf *out)
{
    const struct lotk_standard *s = r->standard;
    char points[32];
    lotk_buf_printf(out, "%s %s  %s\n", s->id, s->version,
                    lotk_message_pick(s->title.zh, s->title.en, o->lang, ""));
    msgf(out, o, "tbl_counts", r->counts.rows, r->counts.scored, r->counts.rejected);
    if (r->counts.screened)
        msgf(out, o, "tbl_screened", r->counts.screened);
    lotk_fmt_double(points, s->points);
    if (r->norgs == 1)
        msgf(out, o, "tbl_org1", points);
    else
        msgf(out, o, "tbl_orgs", r->norgs, points);
    lotk_buf_puts(out, "\n\n");
}

/* One line per organization shown: respondents, total, grade, top-level indicators, flags. */
static void table_orgs(const struct lotk_result_table *t, const struct lotk_write_opts *o,
                       struct lotk_buf *out)
{
    const struct lotk_result *r = t->result;
    const struct lotk_standard *s = r->standard;
    const struct lotk_node *root = &s->nodes[0];
    char cell[64];
    const char *heading = msg(o, "tbl_organization");
    size_t id_width = org_width(t, heading);
    size_t grade_width = lotk_text_width(msg(o, "tbl_grade"));
    for (size_t b = 0; b < s->nbands; b++)
        if (lotk_text_width(grade_label(s, (int)b, o)) > grade_width)
            grade_width = lotk_text_width(grade_label(s, (int)b, o));
    pad_right(out, heading, id_width);
    lotk_buf_puts(out, "  ");
    pad_left(out, msg(o, "tbl_resp"), 4);
    lotk_buf_puts(out, "  ");
    pad_left(out, msg(o, "tbl_points"), 6);
    lotk_buf_puts(out, "  ");
    pad_right(out, msg(o, "tbl_grade"), grade_width);
    for (size_t c = 0; c < root->nchildren; c++) {
        lotk_buf_puts(out, "  ");
        pad_left(out, s->nodes[root->children[c]].id, 6);
    }
    lotk_buf_printf(out, "  %s\n", msg(o, "tbl_flags"));
    for (size_t pos = 0; pos < t->nshown; pos++) {
        const struct lotk_org_result *org = &r->orgs[t->shown[pos]];
        pad_right(out, org->id, id_width);
        snprintf(cell, sizeof cell, "%ld", org->respondents);
        lotk_buf_puts(out, "  ");
        pad_left(out, cell, 4);
        points_cell(cell, sizeof cell, org->points);
        lotk_buf_puts(out, "  ");
        pad_left(out, cell, 6);
        lotk_buf_puts(out, "  ");
        pad_right(out, grade_label(s, org->band, o), grade_width);
        for (size_t c = 0; c < root->nchildren; c++) {
            int node = root->children[c];
            points_cell(cell, sizeof cell, org->points_of[node]);
            lotk_buf_puts(out, "  ");
            pad_left(out, cell, lotk_text_width(s->nodes[node].id) > 6 ?
                                    lotk_text_width(s->nodes[node].id) : 6);
        }
        lotk_buf_puts(out, "  ");
        for (unsigned b = 0, first = 1; b < LOTK_FLAG_COUNT; b++)
            if (org->flags & (1u << b)) {
                lotk_buf_printf(out, "%s%s", first ? "" : ",", lotk_flag_name(b));
                first = 0;
            }
        /* Trailing blanks help nobody and make golden files fragile. */
        while (out->len && out->data[out->len - 1] == ' ')
            out->data[--out->len] = '\0';
        lotk_buf_putc(out, '\n');
        lotk_emit_maybe_flush(o, out);
    }
}

static void table_rules(const struct lotk_result_table *t, const struct lotk_write_opts *o,
                        struct lotk_buf *out)
{
    const struct lotk_result *r = t->result;
    const struct lotk_standard *s = r->standard;
    bool any = false;
    for (size_t pos = 0; pos < t->nshown; pos++) {
        const struct lotk_org_result *org = &r->orgs[t->shown[pos]];
        for (size_t a = 0; a < org->nadjustments; a++) {
            if (!any)
                lotk_buf_printf(out, "\n%s\n", msg(o, "tbl_rules"));
            any = true;
            const struct lotk_adjustment *adj = &org->adjustments[a];
            lotk_buf_printf(out, "  %s  %s: %s", org->id, adj->rule, adj->reason);
            if (adj->grade)
                msgf(out, o, "tbl_rule_grade",
                     grade_label(s, band_of(s, adj->grade), o));
            if (adj->max_grade)
                msgf(out, o, "tbl_rule_ceiling",
                     grade_label(s, band_of(s, adj->max_grade), o));
            if (adj->points != 0) {
                char p[40];
                snprintf(p, sizeof p, "%+g", adj->points);
                msgf(out, o, "tbl_rule_points", p);
            }
            lotk_buf_putc(out, '\n');
        }
    }
}

/* A city standard's targets: per group, the share meeting the grade against the target,
 * and the units still short, closest first. */
static void table_targets(const struct lotk_result_table *t, const struct lotk_write_opts *o,
                          struct lotk_buf *out)
{
    const struct lotk_target_report *tr = t->targets;
    const struct lotk_standard *s = t->result->standard;
    char a[32], b[32], share[32], target[32];
    lotk_buf_puts(out, "\n");
    msgf(out, o, "tbl_targets", tr->group_by, grade_label(s, tr->band, o));
    lotk_buf_putc(out, '\n');
    for (size_t g = 0; g < tr->ngroups; g++) {
        const struct lotk_target_group *gr = &tr->groups[g];
        snprintf(a, sizeof a, "%zu", gr->units);
        snprintf(b, sizeof b, "%zu", gr->meeting);
        brief(share, gr->share * 100);
        brief(target, gr->target * 100);
        lotk_buf_printf(out, "  %-10s ", gr->group);
        msgf(out, o, "tbl_target_group", a, b, share, target,
             msg(o, gr->target != gr->target ? "target_none" :
                    gr->met                  ? "target_met" : "target_missed"));
        lotk_buf_putc(out, '\n');
        if (!gr->nshorts)
            continue;
        struct lotk_buf list = {0};
        char text[256];
        for (size_t k = 0; k < gr->nshorts; k++) {
            const struct lotk_target_short *sh = &gr->shorts[k];
            points_cell(a, sizeof a, sh->gap);
            snprintf(text, sizeof text, msg(o, sh->gap > 0 || sh->gap != sh->gap ?
                                                   "target_gap" : "target_held"),
                     sh->id, sh->gap > 0 || sh->gap != sh->gap ? a : grade_label(s, sh->band, o));
            lotk_buf_printf(&list, "%s%s", k ? msg(o, "list_separator") : "", text);
        }
        lotk_buf_puts(out, "             ");
        msgf(out, o, "tbl_target_short", list.data);
        lotk_buf_putc(out, '\n');
        lotk_buf_free(&list);
    }
    if (tr->ungrouped) {
        snprintf(a, sizeof a, "%zu", tr->ungrouped);
        lotk_buf_puts(out, "  ");
        msgf(out, o, "tbl_targets_ungrouped", a);
        lotk_buf_putc(out, '\n');
    }
}

/* What the column ids stand for, and the grade bands. */
static void table_legend(const struct lotk_result *r, const struct lotk_write_opts *o,
                         struct lotk_buf *out)
{
    const struct lotk_standard *s = r->standard;
    const struct lotk_node *root = &s->nodes[0];
    char max[32];
    if (root->nchildren) {
        lotk_buf_printf(out, "\n%s\n", msg(o, "tbl_dimensions"));
        for (size_t c = 0; c < root->nchildren; c++) {
            const struct lotk_node *n = &s->nodes[root->children[c]];
            lotk_fmt_double(max, s->points * n->share);
            lotk_buf_printf(out, "  %-10s %s (%s)\n", n->id,
                            lotk_message_pick(n->title.zh, n->title.en, o->lang, n->id), max);
        }
    }
    if (s->nbands) {
        lotk_buf_printf(out, "\n%s", msg(o, "tbl_grades"));
        for (size_t b = 0; b < s->nbands; b++)
            lotk_buf_printf(out, "%s%s (>= %g)", b ? msg(o, "list_separator") : "",
                            grade_label(s, (int)b, o), s->bands[b].min);
        lotk_buf_putc(out, '\n');
    }
}

void lotk_write_table_result(const struct lotk_result_table *t, const struct lotk_write_opts *opts,
                             struct lotk_buf *out)
{
    const struct lotk_result *r = t->result;
    table_heading(r, opts, out);
    table_orgs(t, opts, out);
    table_rules(t, opts, out);
    evidence_table(t, opts, out);
    table_reliability(r, opts, out);
    if (t->ranks && t->ranks->from_file)
        ranks_table(t, opts, out);
    if (t->bootstrap)
        bootstrap_table(t, opts, out);
    if (t->targets)
        table_targets(t, opts, out);
    table_legend(r, opts, out);
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

/* A city standard's targets in both rounds: each group's share then and now. */
static void progress_table(const struct lotk_comparison *c, struct lotk_buf *out)
{
    lotk_buf_printf(out, "\ntargets: share of units meeting the grade, old → new\n");
    lotk_buf_printf(out, "%-10s  %8s  %8s  %8s  %7s  met\n", "group", "old", "new", "change",
                    "target");
    for (size_t i = 0; i < c->nprogress; i++) {
        const struct lotk_target_progress *p = &c->progress[i];
        lotk_buf_printf(out, "%-10s", p->group);
        cell(out, "%.1f%%", p->old_share * 100, 8);
        cell(out, "%.1f%%", p->new_share * 100, 8);
        cell(out, "%+.1f", (p->new_share - p->old_share) * 100, 8);
        cell(out, "%.0f%%", p->target * 100, 7);
        const char *met[] = {"no", "yes"};
        lotk_buf_printf(out, "  %s → %s\n", p->old_met >= 0 ? met[p->old_met] : "-",
                        p->new_met >= 0 ? met[p->new_met] : "-");
    }
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
    if (c->nprogress)
        progress_table(c, out);
}
