/* json.c — the JSON writers: a result (DESIGN §7, one organization at a time), a norm
 * table and a comparison of rounds; see json.h. Trees are built with jansson and written
 * by base/jsonw.h. */
#include "output/json.h"

#include <jansson.h>
#include <math.h>
#include <string.h>

#include "base/json_tree.h"
#include "base/jsonw.h"
#include "input/evidence_sheet.h"
#include "score/result_json.h"

static const double quartile_p[] = {0.25, 0.5, 0.75};
static const double decile_p[] = {0.1, 0.2, 0.3, 0.4, 0.5, 0.6, 0.7, 0.8, 0.9};

/* ---- the standard, as a report needs it ---------------------------------------------- */

static const char *source_name(const struct lotk_node *n)
{
    if (n->nchildren > 0)
        return "inner";
    switch (n->source) {
    case LOTK_SOURCE_EVIDENCE:
        return "evidence";
    case LOTK_SOURCE_STATISTIC:
        return "statistic";
    case LOTK_SOURCE_MEMBERS:
        return "members";
    case LOTK_SOURCE_SURVEY:
        break;
    }
    return "survey";
}

static const char *rubric_name(const struct lotk_rubric *rb)
{
    switch (rb->kind) {
    case LOTK_RUBRIC_LEVELS:
        return "levels";
    case LOTK_RUBRIC_FACT:
        return "fact";
    case LOTK_RUBRIC_YES_NO:
        return "yes_no";
    case LOTK_RUBRIC_SCALE:
        break;
    }
    return "scale";
}

/* A yes/no indicator: rated yes or no, or answered on a scale of two whole values. Such an
 * indicator is either met or not, so a report never counts it among the strengths. */
static bool is_binary(const struct lotk_standard *s, const struct lotk_node *n)
{
    if (n->nchildren > 0 || n->scale < 0)
        return false;
    if (n->rubric)
        return n->rubric->kind == LOTK_RUBRIC_YES_NO;
    const struct lotk_scale *sc = &s->scales[n->scale];
    return sc->max - sc->min == 1 && sc->min == floor(sc->min);
}

static json_t *node_json(const struct lotk_standard *s, size_t i)
{
    const struct lotk_node *n = &s->nodes[i];
    json_t *j = json_object();
    json_object_set_new(j, "id", json_string(n->id));
    json_object_set_new(j, "parent",
                        n->parent > 0 ? json_string(s->nodes[n->parent].id) : json_null());
    json_object_set_new(j, "level", json_integer(n->depth));
    json_object_set_new(j, "title", lotk_result_text_json(&n->title));
    if (n->rationale.zh || n->rationale.en)
        json_object_set_new(j, "rationale", lotk_result_text_json(&n->rationale));
    json_object_set_new(j, "weight", json_real(n->weight));
    json_object_set_new(j, "share", json_real(n->share));
    json_object_set_new(j, "max_points", json_real(s->points * n->share));
    json_object_set_new(j, "source", json_string(source_name(n)));
    if (n->nchildren > 0) {
        json_t *c = json_array();
        for (size_t k = 0; k < n->nchildren; k++)
            json_array_append_new(c, json_string(s->nodes[n->children[k]].id));
        json_object_set_new(j, "children", c);
        return j;
    }
    if (n->scale >= 0) {
        json_t *sc = json_object();
        json_object_set_new(sc, "min", json_real(s->scales[n->scale].min));
        json_object_set_new(sc, "max", json_real(s->scales[n->scale].max));
        json_object_set_new(j, "scale", sc);
    }
    if (n->nitems > 0)
        json_object_set_new(j, "items", json_integer((json_int_t)n->nitems));
    if (n->rubric)
        json_object_set_new(j, "rubric", json_string(rubric_name(n->rubric)));
    if (n->statistic) {
        const struct lotk_statistic *st = n->statistic;
        json_t *o = json_object(), *gp = json_array();
        json_object_set_new(o, "column", lotk_json_string_or_null(st->column));
        json_array_append_new(gp, lotk_json_real_or_null(st->low));
        json_array_append_new(gp, lotk_json_real_or_null(st->high));
        json_object_set_new(o, "goalposts", gp);
        if (st->unit)
            json_object_set_new(o, "unit", json_string(st->unit));
        if (st->note.zh || st->note.en)
            json_object_set_new(o, "source_note", lotk_result_text_json(&st->note));
        json_object_set_new(j, "statistic", o);
    }
    if (n->members) {
        const struct lotk_members *m = n->members;
        json_t *o = json_object();
        if (m->kind)
            json_object_set_new(o, "kind", json_string(m->kind));
        if (m->standard)
            json_object_set_new(o, "standard", json_string(m->standard));
        json_object_set_new(o, "at_least", lotk_json_string_or_null(m->at_least));
        json_object_set_new(o, "measure", json_string(m->measure == LOTK_MEMBERS_MEAN_POINTS ?
                                                          "mean_points" : "share"));
        json_object_set_new(j, "members", o);
    }
    json_object_set_new(j, "binary", json_boolean(is_binary(s, n)));
    return j;
}

/* The standard block: what the result was scored against, and everything a renderer needs
 * to show it without the standard file (titles, weights, maximum points, bands). */
static json_t *standard_json(const struct lotk_standard *s)
{
    json_t *std = json_object();
    json_object_set_new(std, "id", json_string(s->id));
    json_object_set_new(std, "version", json_string(s->version));
    json_object_set_new(std, "sha256", json_string(s->sha256));
    json_object_set_new(std, "title", lotk_result_text_json(&s->title));
    json_object_set_new(std, "points", json_real(s->points));
    json_object_set_new(std, "kind", json_string(s->kind));
    /* The title's languages, the one it names first first: the default of --lang. */
    json_t *langs = json_array();
    const char *first = s->lang ? s->lang : "zh", *second = strcmp(first, "zh") ? "zh" : "en";
    if (strcmp(first, "zh") == 0 ? s->title.zh != NULL : s->title.en != NULL)
        json_array_append_new(langs, json_string(first));
    if (strcmp(second, "zh") == 0 ? s->title.zh != NULL : s->title.en != NULL)
        json_array_append_new(langs, json_string(second));
    json_object_set_new(std, "languages", langs);
    json_t *bands = json_array();
    for (size_t b = 0; b < s->nbands; b++) {
        json_t *j = json_object();
        json_object_set_new(j, "grade", json_string(s->bands[b].grade));
        json_object_set_new(j, "min", json_real(s->bands[b].min));
        json_object_set_new(j, "label", lotk_result_text_json(&s->bands[b].label));
        json_array_append_new(bands, j);
    }
    json_object_set_new(std, "bands", bands);
    if (s->targets.group_by) {
        json_t *tg = json_object(), *share = json_object();
        json_object_set_new(tg, "group_by", json_string(s->targets.group_by));
        json_object_set_new(tg, "at_least", json_string(s->targets.at_least));
        for (size_t k = 0; k < s->targets.nshares; k++)
            json_object_set_new(share, s->targets.shares[k].group,
                                json_real(s->targets.shares[k].share));
        json_object_set_new(tg, "share", share);
        json_object_set_new(std, "targets", tg);
    }
    json_t *th = json_object();
    json_object_set_new(th, "min_respondents", json_integer(s->min_respondents));
    json_object_set_new(th, "rwg_j", lotk_json_real_or_null(s->min_rwg_j));
    json_object_set_new(th, "icc1", lotk_json_real_or_null(s->min_icc1));
    json_object_set_new(th, "icc2", lotk_json_real_or_null(s->min_icc2));
    json_object_set_new(std, "thresholds", th);
    json_t *nodes = json_array();
    for (size_t i = 1; i < s->nnodes; i++)
        json_array_append_new(nodes, node_json(s, i));
    json_object_set_new(std, "nodes", nodes);
    return std;
}

/* The batch as a whole: counts, grades, medians; which organizations are shown. */
static json_t *batch_json(const struct lotk_result_table *t)
{
    const struct lotk_result *r = t->result;
    const struct lotk_standard *s = r->standard;
    const struct lotk_summary *sm = t->summary;
    json_t *j = json_object();
    json_object_set_new(j, "organizations", json_integer((json_int_t)sm->organizations));
    json_object_set_new(j, "ranked", json_integer((json_int_t)sm->ranked));
    json_t *grades = json_array();
    for (size_t b = 0; b < s->nbands; b++) {
        json_t *g = json_object();
        json_object_set_new(g, "grade", json_string(s->bands[b].grade));
        json_object_set_new(g, "count", json_integer((json_int_t)sm->grades[b]));
        json_array_append_new(grades, g);
    }
    json_object_set_new(j, "grades", grades);
    json_object_set_new(j, "ungraded", json_integer((json_int_t)sm->ungraded));
    json_t *median = json_object(), *nodes = json_object();
    json_object_set_new(median, "points", lotk_json_real_or_null(sm->median_points));
    for (size_t i = 1; i < s->nnodes; i++) {
        json_t *n = json_object();
        json_object_set_new(n, "norm", lotk_json_real_or_null(sm->median_norm[i]));
        json_object_set_new(n, "points", lotk_json_real_or_null(sm->median_points_of[i]));
        json_object_set_new(nodes, s->nodes[i].id, n);
    }
    json_object_set_new(median, "nodes", nodes);
    json_object_set_new(j, "median", median);
    if (t->selected) {
        json_t *sel = json_array();
        for (size_t pos = 0; pos < t->nshown; pos++)
            json_array_append_new(sel, json_string(r->orgs[t->shown[pos]].id));
        json_object_set_new(j, "selected", sel);
    }
    return j;
}

/* A city standard's inputs, counted: the statistics' rows and rejected cells, and where
 * every membership row went. null for what was not given. */
static json_t *units_counts_json(const struct lotk_result_table *t)
{
    json_t *j = json_object(), *st = json_null(), *m = json_null();
    if (t->statistics) {
        st = json_object();
        json_object_set_new(st, "file", json_string(t->statistics->file));
        json_object_set_new(st, "rows", json_integer(t->statistics->rows));
        json_object_set_new(st, "units", json_integer((json_int_t)t->statistics->nunits));
        json_object_set_new(st, "rejected_rows", json_integer(t->statistics->rejected_rows));
        json_object_set_new(st, "rejected_cells", json_integer(t->statistics->rejected_cells));
    }
    if (t->rollup) {
        const struct lotk_rollup_counts *c = &t->rollup->counts;
        m = json_object();
        json_object_set_new(m, "files", json_integer(c->files));
        json_object_set_new(m, "results", json_integer(c->results));
        json_object_set_new(m, "membership_rows", json_integer(c->rows));
        json_object_set_new(m, "counted", json_integer(c->counted));
        json_object_set_new(m, "no_unit", json_integer(c->no_unit));
        json_object_set_new(m, "no_result", json_integer(c->no_result));
        json_object_set_new(m, "unknown_unit", json_integer(c->unknown_unit));
        json_object_set_new(m, "unlisted", json_integer(c->unlisted));
    }
    json_object_set_new(j, "statistics", st);
    json_object_set_new(j, "members", m);
    return j;
}

/* A city standard's targets (DESIGN §10): per group, its units, those meeting the grade,
 * their share against the target, and the units still short, closest first. */
static json_t *targets_json(const struct lotk_result_table *t)
{
    const struct lotk_target_report *tr = t->targets;
    const struct lotk_standard *s = t->result->standard;
    json_t *a = json_array();
    for (size_t g = 0; g < tr->ngroups; g++) {
        const struct lotk_target_group *gr = &tr->groups[g];
        json_t *j = json_object(), *shorts = json_array();
        json_object_set_new(j, "group", json_string(gr->group));
        json_object_set_new(j, "units", json_integer((json_int_t)gr->units));
        json_object_set_new(j, "meeting", json_integer((json_int_t)gr->meeting));
        json_object_set_new(j, "share", lotk_json_real_or_null(gr->share));
        json_object_set_new(j, "target", lotk_json_real_or_null(gr->target));
        json_object_set_new(j, "met", gr->target == gr->target ? json_boolean(gr->met) :
                                                                 json_null());
        json_object_set_new(j, "at_least", json_string(tr->at_least));
        for (size_t k = 0; k < gr->nshorts; k++) {
            const struct lotk_target_short *sh = &gr->shorts[k];
            json_t *u = json_object();
            json_object_set_new(u, "unit", json_string(sh->id));
            json_object_set_new(u, "points", lotk_json_real_or_null(sh->points));
            json_object_set_new(u, "grade", sh->band >= 0 ? json_string(s->bands[sh->band].grade) :
                                                            json_null());
            json_object_set_new(u, "gap", lotk_json_real_or_null(sh->gap));
            json_array_append_new(shorts, u);
        }
        json_object_set_new(j, "short", shorts);
        json_t *ids = json_array();
        for (size_t k = 0; k < gr->units; k++)
            json_array_append_new(ids, json_string(gr->ids[k]));
        json_object_set_new(j, "unit_ids", ids);
        json_array_append_new(a, j);
    }
    return a;
}

/* ---- a result ------------------------------------------------------------------------ */

/* The rows rejected or screened out, for a report's "rejected rows" sheet: the first
 * REJECTS_LISTED of them (the --rejects file has them all, with their fields). */
enum { REJECTS_LISTED = 1000 };

static json_t *rejects_json(const struct lotk_rejects *rj)
{
    json_t *a = json_array();
    for (size_t i = 0; i < rj->count && i < REJECTS_LISTED; i++) {
        const struct lotk_reject_entry *e = &rj->entries[i];
        json_t *j = json_object();
        json_object_set_new(j, "file", json_string(e->file ? e->file : ""));
        json_object_set_new(j, "line", json_integer(e->line));
        json_object_set_new(j, "column", json_integer(e->column));
        json_object_set_new(j, "outcome", json_string(e->screened ? "screened" : "rejected"));
        json_object_set_new(j, "reason", json_string(e->reason ? e->reason : ""));
        json_array_append_new(a, j);
    }
    return a;
}

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

json_t *lotk_write_json_agreement(const struct lotk_standard *s, const struct lotk_evidence *ev)
{
    json_t *o = json_object();
    for (size_t i = 0; i < s->nnodes; i++) {
        if (!lotk_evidence_is_rated(&s->nodes[i]))
            continue;
        const struct lotk_evidence_agreement *ag =
            ev && ev->agreement ? &ev->agreement[ev->leaf_of[i]] : NULL;
        struct lotk_icc none;
        lotk_icc_compute(NULL, 0, 0, &none);
        const struct lotk_icc *icc = ag ? &ag->icc : &none;
        json_t *j = json_object(), *judges = json_array(), *ms = json_object();
        json_object_set_new(j, "ICC1", lotk_json_real_or_null(icc->icc1));
        json_object_set_new(j, "ICC2", lotk_json_real_or_null(icc->icc2));
        json_object_set_new(j, "ICC3", lotk_json_real_or_null(icc->icc3));
        json_object_set_new(j, "ICC1k", lotk_json_real_or_null(icc->icc1k));
        json_object_set_new(j, "ICC2k", lotk_json_real_or_null(icc->icc2k));
        json_object_set_new(j, "ICC3k", lotk_json_real_or_null(icc->icc3k));
        json_object_set_new(j, "organizations", json_integer((json_int_t)icc->n));
        for (size_t k = 0; ag && k < ag->njudges; k++)
            json_array_append_new(judges, json_string(ag->judges[k]));
        json_object_set_new(j, "assessors", judges);
        json_object_set_new(j, "excluded", json_integer(ag ? (json_int_t)ag->excluded : 0));
        json_object_set_new(ms, "BMS", lotk_json_real_or_null(icc->bms));
        json_object_set_new(ms, "WMS", lotk_json_real_or_null(icc->wms));
        json_object_set_new(ms, "JMS", lotk_json_real_or_null(icc->jms));
        json_object_set_new(ms, "EMS", lotk_json_real_or_null(icc->ems));
        json_object_set_new(j, "mean_squares", ms);
        json_object_set_new(o, s->nodes[i].id, j);
    }
    return o;
}

static json_t *evidence_counts_json(const struct lotk_evidence *ev)
{
    struct lotk_evidence_counts c = ev ? ev->counts : (struct lotk_evidence_counts){0};
    json_t *j = json_object();
    json_object_set_new(j, "files", json_integer(c.files));
    json_object_set_new(j, "rows", json_integer(c.rows));
    json_object_set_new(j, "used", json_integer(c.used));
    json_object_set_new(j, "rejected", json_integer(c.rejected));
    return j;
}

static json_t *ranks_json(const struct lotk_ranks *rk)
{
    json_t *j = json_object();
    json_object_set_new(j, "source", json_string(rk->from_file ? "file" : "batch"));
    json_object_set_new(j, "organizations", json_integer((json_int_t)rk->organizations));
    json_object_set_new(j, "min_group", json_integer(rk->min_group));
    json_t *sup = json_array();
    for (size_t i = 0; i < rk->nsuppressed; i++)
        json_array_append_new(sup, json_string(rk->suppressed[i]));
    json_object_set_new(j, "suppressed", sup);
    return j;
}

/* What json_org adds to an organization after its own members. */
struct org_extras {
    const struct lotk_result_table *t;
    size_t org;
};

static void node_extras(void *ctx, struct lotk_jsonw *w, size_t node)
{
    const struct org_extras *x = ctx;
    const struct lotk_ranks *rk = x->t->ranks;
    if (rk) {
        lotk_jsonw_key(w, "percentile");
        lotk_jsonw_real(w, rk->pct[x->org * rk->nnodes + node]);
    }
}

static void write_org_bootstrap(struct lotk_jsonw *w, const struct lotk_bootstrap *b,
                                const struct lotk_standard *s, size_t org)
{
    const struct lotk_boot_org *bo = &b->orgs[org];
    lotk_jsonw_object(w);
    lotk_jsonw_key(w, "replicates");
    lotk_jsonw_int(w, b->opts.replicates);
    lotk_jsonw_key(w, "confidence");
    lotk_jsonw_real(w, b->opts.confidence);
    lotk_jsonw_key(w, "points_ci");
    lotk_jsonw_array(w);
    lotk_jsonw_real(w, bo->lo);
    lotk_jsonw_real(w, bo->hi);
    lotk_jsonw_end(w);
    lotk_jsonw_key(w, "undefined");
    lotk_jsonw_int(w, bo->undefined);
    lotk_jsonw_key(w, "grades");
    if (bo->grade_p) {
        lotk_jsonw_object(w);
        for (size_t k = 0; k < b->nbands; k++) {
            lotk_jsonw_key(w, s->bands[k].grade);
            lotk_jsonw_real(w, bo->grade_p[k]);
        }
        lotk_jsonw_end(w);
    } else {
        lotk_jsonw_null(w);
    }
    lotk_jsonw_end(w);
}

static void org_extras(void *ctx, struct lotk_jsonw *w)
{
    const struct org_extras *x = ctx;
    const struct lotk_result_table *t = x->t;
    size_t i = x->org;
    if (t->ranks) {
        lotk_jsonw_key(w, "percentile");
        lotk_jsonw_real(w, t->ranks->pct[i * t->ranks->nnodes]);
    }
    if (t->bootstrap) {
        lotk_jsonw_key(w, "bootstrap");
        write_org_bootstrap(w, t->bootstrap, t->result->standard, i);
    }
    if (t->screened) {
        lotk_jsonw_key(w, "screened");
        lotk_jsonw_int(w, t->screened[i]);
    }
    if (t->summary && t->summary->rank[i]) {
        lotk_jsonw_key(w, "rank");
        lotk_jsonw_object(w);
        lotk_jsonw_key(w, "position");
        lotk_jsonw_int(w, (long long)t->summary->rank[i]);
        lotk_jsonw_key(w, "of");
        lotk_jsonw_int(w, (long long)t->summary->ranked);
        lotk_jsonw_end(w);
    }
}

static json_t *bootstrap_json(const struct lotk_bootstrap *b)
{
    json_t *j = json_object();
    json_object_set_new(j, "replicates", json_integer(b->opts.replicates));
    json_object_set_new(j, "seed", json_integer((json_int_t)b->opts.seed));
    json_object_set_new(j, "confidence", json_real(b->opts.confidence));
    json_object_set_new(j, "interval", json_string("percentile"));
    json_object_set_new(j, "resampled", json_string("respondents within each organization"));
    json_object_set_new(j, "rules", json_string("not re-run: total before rules"));
    return j;
}

json_t *lotk_write_json_basis(const struct lotk_standard *s, const struct lotk_compare_basis *b)
{
    json_t *j = json_object();
    for (size_t i = 0; i < b->nnodes; i++) {
        json_t *o = json_object();
        json_object_set_new(o, "organizations", json_integer((json_int_t)b->organizations[i]));
        json_object_set_new(o, "sd", lotk_json_real_or_null(b->sd[i]));
        json_object_set_new(o, "sem", lotk_json_real_or_null(b->sem[i]));
        json_object_set_new(o, "r", lotk_json_real_or_null(b->r[i]));
        json_object_set_new(o, "method", json_string(b->method[i]));
        json_object_set_new(j, s->nodes[i].id, o);
    }
    return j;
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
static void json_org(const struct lotk_result_table *t, const struct lotk_write_opts *opts,
                     size_t pos, struct lotk_buf *out)
{
    (void)opts;
    const struct lotk_result *r = t->result;
    size_t i = t->shown[pos];
    struct org_extras x = {t, i};
    struct lotk_result_json_extras extras = {node_extras, org_extras, &x};
    struct lotk_jsonw w;
    lotk_buf_puts(out, "    ");
    lotk_jsonw_begin(&w, out, 2);
    lotk_result_org_write(&w, r->standard, &r->orgs[i], &extras);
    lotk_buf_puts(out, pos + 1 < t->nshown ? ",\n" : "\n  ]");
}

void lotk_write_json_result(const struct lotk_result_table *t, const struct lotk_write_opts *opts,
                            struct lotk_buf *out)
{
    const struct lotk_result *r = t->result;
    const struct lotk_standard *s = r->standard;
    lotk_buf_puts(out, "{\n");
    member(out, "lotk", json_string(LOTK_VERSION), false);
    member(out, "standard", standard_json(s), false);
    json_t *input = json_object();
    json_object_set_new(input, "rows", json_integer(r->counts.rows));
    json_object_set_new(input, "scored", json_integer(r->counts.scored));
    json_object_set_new(input, "rejected", json_integer(r->counts.rejected));
    json_object_set_new(input, "screened", json_integer(r->counts.screened));
    if (s->nevidence > 0)
        json_object_set_new(input, "evidence", evidence_counts_json(r->evidence));
    if (s->nstatistic + s->nmembers > 0)
        json_object_set_new(input, "units", units_counts_json(t));
    member(out, "input", input, false);
    if (t->summary)
        member(out, "batch", batch_json(t), false);
    if (t->targets)
        member(out, "targets", targets_json(t), false);
    if (t->rejects) {
        member(out, "rejects", rejects_json(t->rejects), false);
        if (t->rejects->count > REJECTS_LISTED)
            member(out, "rejects_not_listed",
                   json_integer((json_int_t)(t->rejects->count - REJECTS_LISTED)), false);
    }
    member(out, "reliability", reliability_json(r), false);
    member(out, "aggregation", aggregation_json(r), false);
    if (s->nevidence > 0)
        member(out, "agreement", lotk_write_json_agreement(s, r->evidence), false);
    if (t->basis)
        member(out, "org_reliability", lotk_write_json_basis(s, t->basis), false);
    if (t->ranks)
        member(out, "norms", ranks_json(t->ranks), false);
    if (t->bootstrap)
        member(out, "bootstrap", bootstrap_json(t->bootstrap), false);
    /* Organizations (and respondents) one at a time: the document is never held whole. */
    lotk_buf_puts(out, t->nshown ? "  \"organizations\": [\n" : "  \"organizations\": []");
    lotk_emit_orgs(t, opts, json_org, out);
    if (opts->respondents) {
        lotk_buf_puts(out, r->nrespondents ? ",\n  \"respondents\": [\n" :
                                             ",\n  \"respondents\": []");
        for (size_t i = 0; i < r->nrespondents; i++) {
            json_t *j = respondent_json(r, &r->respondents[i]);
            lotk_buf_puts(out, "    ");
            lotk_jsonw_write(out, j, 2);
            json_decref(j);
            lotk_buf_puts(out, i + 1 < r->nrespondents ? ",\n" : "\n  ]");
            lotk_emit_maybe_flush(opts, out);
        }
    }
    lotk_buf_puts(out, "\n}\n");
}

/* ---- a norm table ------------------------------------------------------------------ */

static json_t *quantiles_json(const struct lotk_norm_group *g, const double *p, size_t np)
{
    json_t *a = json_array();
    for (size_t i = 0; i < np; i++)
        json_array_append_new(a, lotk_json_real_or_null(lotk_norms_quantile(g->values, g->n, p[i])));
    return a;
}

void lotk_write_json_norms(const struct lotk_norms *nm, struct lotk_buf *out)
{
    json_t *j = json_object();
    json_object_set_new(j, "format", json_string("lotk-norms/1"));
    json_object_set_new(j, "lotk", json_string(LOTK_VERSION));
    json_t *std = json_object();
    json_object_set_new(std, "id", json_string(nm->std_id));
    json_object_set_new(std, "version", json_string(nm->std_version));
    json_object_set_new(std, "sha256", json_string(nm->std_sha256 ? nm->std_sha256 : ""));
    json_object_set_new(j, "standard", std);
    json_object_set_new(j, "measure", json_string("points"));
    json_object_set_new(j, "quantile_type", json_integer(7));
    json_object_set_new(j, "min_group", json_integer(nm->min_group));
    json_t *sources = json_array();
    for (size_t i = 0; i < nm->nsources; i++)
        json_array_append_new(sources, json_string(nm->sources[i]));
    json_object_set_new(j, "sources", sources);
    json_t *nodes = json_object();
    for (size_t i = 0; i < nm->ngroups; i++) {
        const struct lotk_norm_group *g = &nm->groups[i];
        json_t *o = json_object();
        json_object_set_new(o, "organizations", json_integer((json_int_t)g->n));
        if (g->suppressed) {
            json_object_set_new(o, "suppressed", json_true());
        } else {
            json_object_set_new(o, "quartiles", quantiles_json(g, quartile_p, 3));
            json_object_set_new(o, "deciles", quantiles_json(g, decile_p, 9));
            json_t *values = json_array();
            for (size_t k = 0; k < g->n; k++)
                json_array_append_new(values, json_real(g->values[k]));
            json_object_set_new(o, "values", values);
        }
        json_object_set_new(nodes, g->node, o);
    }
    json_object_set_new(j, "nodes", nodes);
    lotk_jsonw_write(out, j, 0); /* every real reads back as the double: score --norms */
    lotk_buf_putc(out, '\n');
    json_decref(j);
}

/* ---- a comparison of rounds ------------------------------------------------------------ */

static json_t *strings_json(const char *const *s, size_t n)
{
    json_t *a = json_array();
    for (size_t i = 0; i < n; i++)
        json_array_append_new(a, json_string(s[i]));
    return a;
}

static json_t *count_or_null(long n)
{
    return n >= 0 ? json_integer(n) : json_null();
}

static json_t *met_or_null(int met)
{
    return met >= 0 ? json_boolean(met) : json_null();
}

static json_t *progress_json(const struct lotk_comparison *c)
{
    json_t *a = json_array();
    for (size_t i = 0; i < c->nprogress; i++) {
        const struct lotk_target_progress *p = &c->progress[i];
        json_t *g = json_object();
        json_object_set_new(g, "group", json_string(p->group));
        json_object_set_new(g, "target", lotk_json_real_or_null(p->target));
        json_object_set_new(g, "old_units", count_or_null(p->old_units));
        json_object_set_new(g, "old_meeting", count_or_null(p->old_meeting));
        json_object_set_new(g, "old_share", lotk_json_real_or_null(p->old_share));
        json_object_set_new(g, "old_met", met_or_null(p->old_met));
        json_object_set_new(g, "new_units", count_or_null(p->new_units));
        json_object_set_new(g, "new_meeting", count_or_null(p->new_meeting));
        json_object_set_new(g, "new_share", lotk_json_real_or_null(p->new_share));
        json_object_set_new(g, "new_met", met_or_null(p->new_met));
        json_object_set_new(g, "change", lotk_json_real_or_null(p->new_share - p->old_share));
        json_array_append_new(a, g);
    }
    return a;
}

void lotk_write_json_comparison(const struct lotk_comparison *c, struct lotk_buf *out)
{
    json_t *j = json_object();
    json_object_set_new(j, "lotk", json_string(LOTK_VERSION));
    json_t *rounds = json_object();
    json_object_set_new(rounds, "old", json_string(c->old_path));
    json_object_set_new(rounds, "new", json_string(c->new_path));
    json_object_set_new(j, "rounds", rounds);
    json_t *std = json_object();
    json_object_set_new(std, "id", json_string(c->new_doc.std_id));
    json_object_set_new(std, "old_version", json_string(c->old_doc.std_version));
    json_object_set_new(std, "new_version", json_string(c->new_doc.std_version));
    json_object_set_new(std, "version_mismatch", json_boolean(c->version_mismatch));
    json_t *cw = json_array();
    for (size_t i = 0; i < c->nnodes; i++)
        if (strcmp(c->nodes[i].id, c->nodes[i].old_id) != 0) {
            json_t *e = json_object();
            json_object_set_new(e, "from", json_string(c->nodes[i].old_id));
            json_object_set_new(e, "to", json_string(c->nodes[i].id));
            json_array_append_new(cw, e);
        }
    json_object_set_new(std, "crosswalk", cw);
    json_object_set_new(j, "standard", std);
    json_t *method = json_object();
    json_object_set_new(method, "value", json_string("norm (the total: points / standard points)"));
    json_object_set_new(method, "rci", json_string("(new - old) / (sqrt(2) * sd * sqrt(1 - r))"));
    json_object_set_new(method, "basis", json_string("sd and r of the old round's org_reliability"));
    json_object_set_new(method, "critical", json_real(c->critical));
    json_object_set_new(j, "method", method);
    json_t *nodes = json_object();
    for (size_t i = 0; i < c->nnodes; i++) {
        const struct lotk_compare_node *n = &c->nodes[i];
        json_t *o = json_object();
        json_object_set_new(o, "old_id", json_string(n->old_id));
        json_object_set_new(o, "basis", lotk_json_string_or_null(n->basis));
        json_object_set_new(o, "sd", lotk_json_real_or_null(n->sd));
        json_object_set_new(o, "r", lotk_json_real_or_null(n->r));
        json_object_set_new(o, "se_diff", lotk_json_real_or_null(n->se_diff));
        json_object_set_new(nodes, n->id, o);
    }
    json_object_set_new(j, "nodes", nodes);
    json_t *orgs = json_array();
    for (size_t k = 0; k < c->norgs; k++) {
        const struct lotk_compare_org *co = &c->orgs[k];
        json_t *o = json_object();
        json_object_set_new(o, "id", json_string(co->new_org->id));
        json_object_set_new(o, "old_points", lotk_json_real_or_null(co->old_org->points));
        json_object_set_new(o, "new_points", lotk_json_real_or_null(co->new_org->points));
        json_object_set_new(o, "old_grade", lotk_json_string_or_null(co->old_org->grade));
        json_object_set_new(o, "new_grade", lotk_json_string_or_null(co->new_org->grade));
        json_t *changes = json_object();
        for (size_t i = 0; i < c->nnodes; i++) {
            const struct lotk_compare_change *ch = &co->changes[i];
            json_t *e = json_object();
            json_object_set_new(e, "old", lotk_json_real_or_null(ch->old_value));
            json_object_set_new(e, "new", lotk_json_real_or_null(ch->new_value));
            json_object_set_new(e, "diff", lotk_json_real_or_null(ch->diff));
            json_object_set_new(e, "rci", lotk_json_real_or_null(ch->rci));
            json_object_set_new(e, "change", lotk_json_string_or_null(lotk_compare_change_name(ch->change)));
            json_object_set_new(changes, c->nodes[i].id, e);
        }
        json_object_set_new(o, "changes", changes);
        json_array_append_new(orgs, o);
    }
    json_object_set_new(j, "organizations", orgs);
    json_object_set_new(j, "only_in_old", strings_json(c->only_old, c->nonly_old));
    json_object_set_new(j, "only_in_new", strings_json(c->only_new, c->nonly_new));
    json_object_set_new(j, "unmatched_old_nodes",
                        strings_json(c->unmatched_old, c->nunmatched_old));
    if (c->nprogress) /* a city standard: each group's progress toward its target */
        json_object_set_new(j, "targets", progress_json(c));
    lotk_jsonw_write(out, j, 0);
    lotk_buf_putc(out, '\n');
    json_decref(j);
}
