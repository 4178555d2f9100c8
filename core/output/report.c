/* report.c — JSON, CSV and table writers; see report.h. */
#include "base/json.h"
#include "output/report.h"

#include <jansson.h>
#include <math.h>
#include <pthread.h>
#include <string.h>

#include "analysis/bootstrap.h"
#include "analysis/compare.h"
#include "score/evidence.h"
#include "base/jsonw.h"
#include "analysis/norms.h"
#include "base/mem.h"
#include "base/buf.h"
#include "base/num.h"
#include "base/file.h"
#include "base/csvw.h"
#include "base/text.h"

enum { FLUSH_AT = 1 << 16 };

static void maybe_flush(const struct lotk_report_opts *opts, struct lotk_buf *out)
{
    if (opts->flush && out->len >= FLUSH_AT)
        opts->flush(opts->flush_ctx, out);
}

static json_t *text_json(const struct lotk_text *t)
{
    json_t *o = json_object();
    if (t->zh)
        json_object_set_new(o, "zh", json_string(t->zh));
    if (t->en)
        json_object_set_new(o, "en", json_string(t->en));
    return o;
}

static json_t *flags_json(unsigned flags)
{
    json_t *a = json_array();
    for (unsigned b = 0; b < LOTK_FLAG_COUNT; b++)
        if (flags & (1u << b))
            json_array_append_new(a, json_string(lotk_flag_name(b)));
    return a;
}

static json_t *adjustments_json(const struct lotk_org_result *o)
{
    json_t *a = json_array();
    for (size_t i = 0; i < o->nadjustments; i++) {
        const struct lotk_adjustment *adj = &o->adjustments[i];
        json_t *j = json_object();
        json_object_set_new(j, "rule", json_string(adj->rule));
        json_object_set_new(j, "reason", json_string(adj->reason));
        if (adj->grade)
            json_object_set_new(j, "grade", json_string(adj->grade));
        if (adj->max_grade)
            json_object_set_new(j, "max_grade", json_string(adj->max_grade));
        if (adj->points != 0)
            json_object_set_new(j, "points", json_real(adj->points));
        json_array_append_new(a, j);
    }
    return a;
}

json_t *lotk_report_org_json(const struct lotk_standard *s, const struct lotk_org_result *o)
{
    json_t *j = json_object();
    json_object_set_new(j, "id", json_string(o->id));
    json_object_set_new(j, "respondents", json_integer(o->respondents));
    json_object_set_new(j, "points", lotk_json_real_or_null(o->points));
    json_object_set_new(j, "grade",
                        o->band >= 0 ? json_string(s->bands[o->band].grade) : json_null());
    json_t *nodes = json_object();
    for (size_t i = 1; i < s->nnodes; i++) {
        json_t *n = json_object();
        json_object_set_new(n, "mean", lotk_json_real_or_null(o->mean[i]));
        json_object_set_new(n, "norm", lotk_json_real_or_null(o->norm[i]));
        json_object_set_new(n, "points", lotk_json_real_or_null(o->points_of[i]));
        if (s->nodes[i].nitems > 0) {
            json_object_set_new(n, "n", json_integer(o->n[i]));
            json_object_set_new(n, "rwg_j", lotk_json_real_or_null(o->rwg_j[i]));
            json_object_set_new(n, "rwg_n", json_integer(o->rwg_n[i]));
            if (o->rwg_j[i] < s->min_rwg_j)
                json_object_set_new(n, "low_agreement", json_true());
        }
        json_object_set_new(nodes, s->nodes[i].id, n);
    }
    json_object_set_new(j, "nodes", nodes);
    json_object_set_new(j, "flags", flags_json(o->flags));
    if (s->nevidence > 0) /* ratings, citations and findings beside the values */
        lotk_evidence_org_json(s, o->evidence, j);
    json_object_set_new(j, "adjustments", adjustments_json(o));
    return j;
}

/* Per item of a leaf, keyed by item id. */
static json_t *per_item_json(const struct lotk_standard *s, const struct lotk_node *leaf,
                             const double *values)
{
    json_t *o = json_object();
    for (size_t k = 0; k < leaf->nitems; k++)
        json_object_set_new(o, s->items[leaf->items[k]].id,
                            lotk_json_real_or_null(values ? values[k] : NAN));
    return o;
}

static json_t *reliability_json(const struct lotk_result *r)
{
    const struct lotk_standard *s = r->standard;
    json_t *o = json_object();
    for (size_t i = 0; i < s->nnodes; i++) {
        if (s->nodes[i].nitems == 0)
            continue;
        const struct lotk_reliability *rel = &r->leaf_stats[i].reliability;
        json_t *j = json_object();
        json_object_set_new(j, "alpha", lotk_json_real_or_null(rel->alpha));
        json_object_set_new(j, "std_alpha", lotk_json_real_or_null(rel->std_alpha));
        json_object_set_new(j, "average_r", lotk_json_real_or_null(rel->average_r));
        json_object_set_new(j, "mean_r", lotk_json_real_or_null(rel->mean_r));
        json_object_set_new(j, "items", json_integer((json_int_t)s->nodes[i].nitems));
        json_object_set_new(j, "n", json_integer(rel->n));
        json_object_set_new(j, "item_total", per_item_json(s, &s->nodes[i], rel->item_total));
        json_object_set_new(j, "alpha_if_dropped",
                            per_item_json(s, &s->nodes[i], rel->alpha_if_dropped));
        json_t *keying = json_array();
        for (size_t k = 0; rel->item_total && k < s->nodes[i].nitems; k++)
            if (rel->item_total[k] < 0)
                json_array_append_new(keying, json_string(s->items[s->nodes[i].items[k]].id));
        json_object_set_new(j, "likely_keying_errors", keying);
        json_object_set_new(o, s->nodes[i].id, j);
    }
    return o;
}

static json_t *aggregation_json(const struct lotk_result *r)
{
    const struct lotk_standard *s = r->standard;
    json_t *o = json_object();
    for (size_t i = 0; i < s->nnodes; i++) {
        if (s->nodes[i].nitems == 0)
            continue;
        const struct lotk_leaf_stats *ls = &r->leaf_stats[i];
        json_t *j = json_object();
        json_object_set_new(j, "icc1", lotk_json_real_or_null(ls->icc1));
        json_object_set_new(j, "icc2", lotk_json_real_or_null(ls->icc2));
        json_object_set_new(j, "n", json_integer(ls->icc_n));
        json_object_set_new(j, "groups", json_integer(ls->icc_groups));
        if (ls->icc1 < s->min_icc1 || ls->icc2 < s->min_icc2)
            json_object_set_new(j, "low_agreement", json_true());
        json_object_set_new(o, s->nodes[i].id, j);
    }
    return o;
}

/* A member of the top-level object, one level deep, and the separator that follows it. */
static void member(struct lotk_buf *out, const char *key, json_t *value, bool last)
{
    lotk_buf_puts(out, "  ");
    lotk_jsonw_string(out, key, strlen(key));
    lotk_buf_puts(out, ": ");
    lotk_jsonw_write(out, value, 1);
    lotk_buf_puts(out, last ? "\n" : ",\n");
    json_decref(value);
}

static json_t *respondent_json(const struct lotk_result *r, const struct lotk_respondent *p)
{
    const struct lotk_standard *s = r->standard;
    json_t *j = json_object();
    json_object_set_new(j, "id", json_string(p->id));
    json_object_set_new(j, "org", json_string(r->orgs[p->org].id));
    json_t *nodes = json_object();
    for (size_t n = 1; n < s->nnodes; n++)
        json_object_set_new(nodes, s->nodes[n].id, lotk_json_real_or_null(p->values[n]));
    json_object_set_new(j, "nodes", nodes);
    return j;
}

/* One organization of the JSON array, with the separator that follows it. */
static void json_org(const struct lotk_result *r, const struct lotk_report_opts *opts,
                     size_t i, struct lotk_buf *out)
{
    const struct lotk_standard *s = r->standard;
    json_t *o = lotk_report_org_json(s, &r->orgs[i]);
    if (opts->ranks)
        lotk_ranks_add_org_json(opts->ranks, s, i, o);
    if (opts->bootstrap)
        lotk_bootstrap_add_org_json(opts->bootstrap, s, i, o);
    lotk_buf_puts(out, "    ");
    lotk_jsonw_write(out, o, 2);
    json_decref(o);
    lotk_buf_puts(out, i + 1 < r->norgs ? ",\n" : "\n  ]");
}

/* ---- organizations written by several threads ------------------------------------- */

typedef void org_writer(const struct lotk_result *r, const struct lotk_report_opts *opts,
                        size_t i, struct lotk_buf *out);

/* Organizations per thread and round: enough to make a thread worth starting, few enough
 * that the rounds' text (a few KiB per organization in JSON) stays small beside the
 * result. */
enum { ORGS_PER_BLOCK = 256, MAX_WRITERS = 64 };

struct writer {
    const struct lotk_result *r;
    const struct lotk_report_opts *opts;
    org_writer *write;
    size_t from, to;
    struct lotk_buf text;
};

static void *run_writer(void *arg)
{
    struct writer *w = arg;
    for (size_t i = w->from; i < w->to; i++)
        w->write(w->r, w->opts, i, &w->text);
    return NULL;
}

/* Writes every organization in order. Formatting numbers is most of the cost with many
 * organizations, so with opts->jobs > 1 blocks of them are formatted by threads, each
 * into its own buffer, and appended in order: the text is the same, byte for byte. */
static void each_org(const struct lotk_result *r, const struct lotk_report_opts *opts,
                     org_writer *write, struct lotk_buf *out)
{
    int jobs = opts->jobs > MAX_WRITERS ? MAX_WRITERS : opts->jobs;
    if (jobs <= 1 || r->norgs < 2 * ORGS_PER_BLOCK) {
        for (size_t i = 0; i < r->norgs; i++) {
            write(r, opts, i, out);
            maybe_flush(opts, out);
        }
        return;
    }
    struct writer w[MAX_WRITERS];
    pthread_t threads[MAX_WRITERS];
    memset(w, 0, sizeof w);
    for (size_t next = 0; next < r->norgs;) {
        int n = 0;
        for (; n < jobs && next < r->norgs; n++) {
            size_t to = next + ORGS_PER_BLOCK < r->norgs ? next + ORGS_PER_BLOCK : r->norgs;
            w[n].r = r;
            w[n].opts = opts;
            w[n].write = write;
            w[n].from = next;
            w[n].to = to;
            lotk_buf_reset(&w[n].text);
            next = to;
        }
        int started = 0;
        for (; started < n; started++)
            if (pthread_create(&threads[started], NULL, run_writer, &w[started]) != 0)
                break;
        for (int t = started; t < n; t++) /* no thread to be had: this one writes */
            run_writer(&w[t]);
        for (int t = 0; t < started; t++)
            pthread_join(threads[t], NULL);
        for (int t = 0; t < n; t++) {
            if (opts->flush) { /* straight out: no copy, and no block held twice */
                opts->flush(opts->flush_ctx, out);
                opts->flush(opts->flush_ctx, &w[t].text);
            } else {
                lotk_buf_append(out, w[t].text.data ? w[t].text.data : "", w[t].text.len);
            }
        }
    }
    for (int t = 0; t < jobs; t++)
        lotk_buf_free(&w[t].text);
}

void lotk_report_json(const struct lotk_result *r, const struct lotk_report_opts *opts,
                      struct lotk_buf *out)
{
    const struct lotk_standard *s = r->standard;
    lotk_buf_puts(out, "{\n");
    member(out, "lotk", json_string(LOTK_VERSION), false);
    json_t *std = json_object();
    json_object_set_new(std, "id", json_string(s->id));
    json_object_set_new(std, "version", json_string(s->version));
    json_object_set_new(std, "sha256", json_string(s->sha256));
    json_object_set_new(std, "title", text_json(&s->title));
    json_object_set_new(std, "points", json_real(s->points));
    member(out, "standard", std, false);
    json_t *input = json_object();
    json_object_set_new(input, "rows", json_integer(r->counts.rows));
    json_object_set_new(input, "scored", json_integer(r->counts.scored));
    json_object_set_new(input, "rejected", json_integer(r->counts.rejected));
    json_object_set_new(input, "screened", json_integer(r->counts.screened));
    if (s->nevidence > 0)
        json_object_set_new(input, "evidence", lotk_evidence_counts_json(r->evidence));
    member(out, "input", input, false);
    member(out, "reliability", reliability_json(r), false);
    member(out, "aggregation", aggregation_json(r), false);
    if (s->nevidence > 0)
        member(out, "agreement", lotk_evidence_agreement_json(s, r->evidence), false);
    if (opts->org_reliability)
        member(out, "org_reliability", lotk_compare_basis_json(r), false);
    if (opts->ranks)
        member(out, "norms", lotk_ranks_json(opts->ranks), false);
    if (opts->bootstrap)
        member(out, "bootstrap", lotk_bootstrap_json(opts->bootstrap), false);
    /* Organizations (and respondents) one at a time: the document is never held whole. */
    lotk_buf_puts(out, r->norgs ? "  \"organizations\": [\n" : "  \"organizations\": []");
    each_org(r, opts, json_org, out);
    if (opts->respondents) {
        lotk_buf_puts(out, r->nrespondents ? ",\n  \"respondents\": [\n" :
                                             ",\n  \"respondents\": []");
        for (size_t i = 0; i < r->nrespondents; i++) {
            json_t *j = respondent_json(r, &r->respondents[i]);
            lotk_buf_puts(out, "    ");
            lotk_jsonw_write(out, j, 2);
            json_decref(j);
            lotk_buf_puts(out, i + 1 < r->nrespondents ? ",\n" : "\n  ]");
            maybe_flush(opts, out);
        }
    }
    lotk_buf_puts(out, "\n}\n");
}

/* One organization's CSV row. */
static void csv_org(const struct lotk_result *r, const struct lotk_report_opts *opts,
                    size_t k, struct lotk_buf *out)
{
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
            lotk_evidence_csv_cells(s, o->evidence, (int)i, out);
    }
    lotk_buf_puts(out, "\r\n");
    (void)opts;
}

void lotk_report_csv(const struct lotk_result *r, const struct lotk_report_opts *opts,
                     struct lotk_buf *out)
{
    const struct lotk_standard *s = r->standard;
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
            lotk_evidence_csv_header(s, (int)i, out);
    }
    lotk_buf_puts(out, "\r\n");
    each_org(r, opts, csv_org, out);
}

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

void lotk_report_table(const struct lotk_result *r, const struct lotk_report_opts *opts,
                       struct lotk_buf *out)
{
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
        maybe_flush(opts, out);
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
    lotk_evidence_table(r, out);
    table_reliability(r, out);
    if (opts->ranks && opts->ranks->from_file)
        lotk_ranks_table(opts->ranks, r, out);
    if (opts->bootstrap)
        lotk_bootstrap_table(opts->bootstrap, r, out);
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

bool lotk_report_format_known(const char *format)
{
    return strcmp(format, "table") == 0 || strcmp(format, "json") == 0 ||
           strcmp(format, "csv") == 0;
}

static void flush_to_output(void *ctx, struct lotk_buf *text)
{
    lotk_output_write(ctx, text->data, text->len);
    lotk_buf_reset(text);
}

int lotk_report_write(const struct lotk_result *r, const char *format, const char *path,
                      const struct lotk_report_opts *base, struct lotk_err *err)
{
    struct lotk_output dest;
    struct lotk_buf text = {0};
    int rc = lotk_output_open(&dest, path, err);
    if (rc)
        return rc;
    struct lotk_report_opts opts = *base;
    opts.flush = flush_to_output;
    opts.flush_ctx = &dest;
    if (strcmp(format, "json") == 0)
        lotk_report_json(r, &opts, &text);
    else if (strcmp(format, "csv") == 0)
        lotk_report_csv(r, &opts, &text);
    else
        lotk_report_table(r, &opts, &text);
    flush_to_output(&dest, &text);
    lotk_buf_free(&text);
    return lotk_output_commit(&dest, err);
}
