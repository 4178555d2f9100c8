/* csv.c — the CSV writers: a result (one row per organization) and a comparison of rounds
 * (one row per organization and node); see csv.h. */
#include "output/csv.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "base/csvw.h"
#include "base/mem.h"
#include "base/num.h"
#include "input/evidence_sheet.h"

/* The position of evidence indicator node among the evidence indicators (preorder). */
static int leaf_position(const struct lotk_standard *s, int node)
{
    int l = 0;
    for (int i = 0; i < node; i++)
        l += lotk_evidence_is_rated(&s->nodes[i]);
    return l;
}

static void evidence_header(const struct lotk_standard *s, int node, struct lotk_buf *out)
{
    static const char *const suffixes[] = {"self", "third_party", "evidence", "note"};
    for (int k = 0; k < 4; k++) {
        char *h = lotk_xasprintf("%s.%s", s->nodes[node].id, suffixes[k]);
        lotk_buf_putc(out, ',');
        lotk_csvw_field(out, h);
        free(h);
    }
}

static void evidence_cells(const struct lotk_standard *s, const struct lotk_evidence_org *eo,
                           int node, struct lotk_buf *out)
{
    int l = leaf_position(s, node);
    const struct lotk_evidence_leaf *lf = eo && eo->leaves ? &eo->leaves[l] : NULL;
    char num[32];
    double values[2] = {lf ? lf->self : NAN, lf ? lf->third : NAN};
    for (int k = 0; k < 2; k++) {
        lotk_buf_putc(out, ',');
        if (values[k] == values[k]) {
            lotk_fmt_double(num, values[k]);
            lotk_buf_puts(out, num);
        }
    }
    for (int k = 0; k < 2; k++) {
        struct lotk_buf text = {0};
        for (size_t r = 0; lf && r < eo->nrows; r++) {
            const struct lotk_rating *rt = &eo->rows[r].ratings[l];
            const char *t = k == 0 ? rt->evidence : rt->note;
            if (t)
                lotk_buf_printf(&text, "%s%s: %s", text.len ? " | " : "", eo->rows[r].assessor,
                                t);
        }
        lotk_buf_putc(out, ',');
        lotk_csvw_field(out, text.data ? text.data : "");
        lotk_buf_free(&text);
    }
}

/* One organization's CSV row. */
static void csv_org(const struct lotk_result_table *t, const struct lotk_write_opts *opts,
                    size_t pos, struct lotk_buf *out)
{
    size_t k = t->shown[pos];
    const struct lotk_result *r = t->result;
    const struct lotk_standard *s = r->standard;
    const struct lotk_org_result *o = &r->orgs[k];
    lotk_csvw_field(out, o->id);
    lotk_buf_printf(out, ",%ld,", o->respondents);
    lotk_csvw_number(out, o->points);
    lotk_buf_putc(out, ',');
    if (o->band >= 0)
        lotk_csvw_field(out, s->bands[o->band].grade);
    lotk_buf_putc(out, ',');
    for (unsigned b = 0, first = 1; b < LOTK_FLAG_COUNT; b++)
        if (o->flags & (1u << b)) {
            lotk_buf_printf(out, "%s%s", first ? "" : ";", lotk_flag_name(b));
            first = 0;
        }
    lotk_buf_putc(out, ',');
    struct lotk_buf reasons = {0};
    for (size_t a = 0; a < o->nadjustments; a++)
        lotk_buf_printf(&reasons, "%s%s: %s", a ? "; " : "", o->adjustments[a].rule,
                        o->adjustments[a].reason);
    lotk_csvw_field(out, reasons.data ? reasons.data : "");
    lotk_buf_free(&reasons);
    for (size_t i = 1; i < s->nnodes; i++) {
        lotk_buf_putc(out, ',');
        lotk_csvw_number(out, o->points_of[i]);
        lotk_buf_putc(out, ',');
        lotk_csvw_number(out, o->mean[i]);
        if (s->nodes[i].source == LOTK_SOURCE_EVIDENCE)
            evidence_cells(s, o->evidence, (int)i, out);
    }
    lotk_buf_puts(out, "\r\n");
    (void)opts;
}

void lotk_write_csv_result(const struct lotk_result_table *t, const struct lotk_write_opts *opts,
                           struct lotk_buf *out)
{
    const struct lotk_standard *s = t->result->standard;
    if (opts->bom)
        lotk_buf_puts(out, "\xEF\xBB\xBF");
    lotk_buf_puts(out, "id,respondents,points,grade,flags,adjustments");
    for (size_t i = 1; i < s->nnodes; i++) {
        lotk_buf_putc(out, ',');
        char *h = lotk_xasprintf("%s.points", s->nodes[i].id);
        lotk_csvw_field(out, h);
        free(h);
        lotk_buf_putc(out, ',');
        h = lotk_xasprintf("%s.mean", s->nodes[i].id);
        lotk_csvw_field(out, h);
        free(h);
        if (s->nodes[i].source == LOTK_SOURCE_EVIDENCE)
            evidence_header(s, (int)i, out);
    }
    lotk_buf_puts(out, "\r\n");
    lotk_emit_orgs(t, opts, csv_org, out);
}

void lotk_write_csv_comparison(const struct lotk_comparison *c, struct lotk_buf *out)
{
    lotk_buf_puts(out, "organization,node,old_node,old,new,diff,se_diff,rci,change\r\n");
    for (size_t k = 0; k < c->norgs; k++) {
        const struct lotk_compare_org *co = &c->orgs[k];
        for (size_t i = 0; i < c->nnodes; i++) {
            const struct lotk_compare_change *ch = &co->changes[i];
            lotk_csvw_field(out, co->new_org->id);
            lotk_buf_putc(out, ',');
            lotk_csvw_field(out, c->nodes[i].id);
            lotk_buf_putc(out, ',');
            lotk_csvw_field(out, c->nodes[i].old_id);
            const double cells[] = {ch->old_value, ch->new_value, ch->diff,
                                    c->nodes[i].se_diff, ch->rci};
            for (size_t f = 0; f < sizeof cells / sizeof *cells; f++) {
                lotk_buf_putc(out, ',');
                lotk_csvw_number(out, cells[f]);
            }
            lotk_buf_printf(out, ",%s\r\n",
                            lotk_compare_change_name(ch->change) ? lotk_compare_change_name(ch->change) :
                                                          "unknown");
        }
    }
}
