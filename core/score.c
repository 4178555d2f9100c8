/* score.c — per-organization accumulation and tree scoring; see score.h. */
#include "score.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "util.h"

static const char *const flag_names[LOTK_FLAG_COUNT] = {"few_respondents", "incomplete",
                                                        "no_band"};

const char *lotk_flag_name(unsigned bit_index)
{
    return bit_index < LOTK_FLAG_COUNT ? flag_names[bit_index] : "?";
}

/* A leaf as the hot path needs it: flat item indices and keying constants. */
struct leaf_plan {
    int node;
    int first_item;   /* into plan_items */
    int nitems;
    int need;         /* answered items a respondent needs for a value */
};

struct plan_item {
    int item;
    double reverse_sum; /* min + max of the scale when reverse-keyed, else 0 */
};

struct org_acc {
    char *id;
    long respondents;
    double *sum;  /* per node (leaves used) */
    long *n;
};

struct lotk_scorer {
    const struct lotk_standard *s;
    bool keep_respondents;
    struct leaf_plan *leaves;
    size_t nleaves;
    struct plan_item *items;
    struct lotk_strmap org_index;
    struct org_acc *orgs;
    size_t norgs, cap_orgs;
    int last_org; /* rows usually come grouped by organization */
    double *values; /* scratch: one row's node values */
    struct lotk_respondent *respondents;
    size_t nrespondents, cap_respondents;
};

struct lotk_scorer *lotk_scorer_new(const struct lotk_standard *s, bool keep_respondents)
{
    struct lotk_scorer *sc = lotk_xcalloc(1, sizeof *sc);
    sc->s = s;
    sc->keep_respondents = keep_respondents;
    sc->last_org = -1;
    sc->values = lotk_xcalloc(s->nnodes, sizeof *sc->values);
    sc->items = lotk_xcalloc(s->nitems ? s->nitems : 1, sizeof *sc->items);
    sc->leaves = lotk_xcalloc(s->nnodes, sizeof *sc->leaves);
    int next_item = 0;
    for (size_t i = 0; i < s->nnodes; i++) {
        const struct lotk_node *node = &s->nodes[i];
        if (node->nitems == 0)
            continue;
        struct leaf_plan *lp = &sc->leaves[sc->nleaves++];
        lp->node = (int)i;
        lp->first_item = next_item;
        lp->nitems = (int)node->nitems;
        /* min_answered is a share; 0.75 of 4 items is 3, of 5 items 3.75 → 4. The small
         * slack keeps 0.6 × 5 = 3.0000000000000004 from demanding 4. */
        lp->need = node->min_answered > 0 ? (int)ceil(node->min_answered * node->nitems - 1e-9)
                                          : 1;
        if (lp->need < 1)
            lp->need = 1;
        for (size_t k = 0; k < node->nitems; k++) {
            const struct lotk_item *it = &s->items[node->items[k]];
            const struct lotk_scale *scale = &s->scales[it->scale];
            sc->items[next_item].item = node->items[k];
            sc->items[next_item].reverse_sum = it->reverse ? scale->min + scale->max : 0;
            next_item++;
        }
    }
    return sc;
}

static int org_for(struct lotk_scorer *sc, const char *id, size_t len)
{
    if (sc->last_org >= 0 && strlen(sc->orgs[sc->last_org].id) == len &&
        memcmp(sc->orgs[sc->last_org].id, id, len) == 0)
        return sc->last_org;
    int index = lotk_strmap_put(&sc->org_index, id, len, (int)sc->norgs);
    if (index == (int)sc->norgs) {
        lotk_grow(&sc->orgs, &sc->cap_orgs, sc->norgs + 1, sizeof *sc->orgs);
        struct org_acc *o = &sc->orgs[sc->norgs++];
        o->id = lotk_xstrndup(id, len);
        o->respondents = 0;
        o->sum = lotk_xcalloc(sc->s->nnodes, sizeof *o->sum);
        o->n = lotk_xcalloc(sc->s->nnodes, sizeof *o->n);
    }
    sc->last_org = index;
    return index;
}

static double norm_of(const struct lotk_standard *s, int node, double value)
{
    const struct lotk_scale *scale = &s->scales[s->nodes[node].scale];
    return (value - scale->min) / (scale->max - scale->min);
}

int lotk_scorer_add(void *scorer, const struct lotk_row *row, struct lotk_err *err)
{
    struct lotk_scorer *sc = scorer;
    const struct lotk_standard *s = sc->s;
    int org = org_for(sc, row->org, row->org_len); /* may move sc->orgs */
    struct org_acc *o = &sc->orgs[org];
    o->respondents++;
    for (size_t l = 0; l < sc->nleaves; l++) {
        const struct leaf_plan *lp = &sc->leaves[l];
        double sum = 0;
        int answered = 0;
        for (int k = 0; k < lp->nitems; k++) {
            const struct plan_item *pi = &sc->items[lp->first_item + k];
            double a = row->answers[pi->item];
            if (a == a) { /* not NaN */
                sum += pi->reverse_sum ? pi->reverse_sum - a : a;
                answered++;
            }
        }
        double value = NAN;
        if (answered >= lp->need) {
            value = sum / answered;
            o->sum[lp->node] += value;
            o->n[lp->node]++;
        }
        sc->values[lp->node] = value;
    }
    if (!sc->keep_respondents)
        return 0;

    /* Inner nodes of a respondent aggregate the children's normalised values; children
     * follow their parent in preorder, so walking backwards sees children first. */
    double *v = lotk_xmalloc(s->nnodes * sizeof *v);
    double *norm = lotk_xmalloc(s->nnodes * sizeof *norm);
    for (size_t i = s->nnodes; i-- > 0;) {
        const struct lotk_node *node = &s->nodes[i];
        if (node->nitems > 0) {
            v[i] = sc->values[i];
            norm[i] = v[i] == v[i] ? norm_of(s, (int)i, v[i]) : NAN;
        } else if (node->nchildren > 0) {
            bool incomplete = false;
            v[i] = norm[i] = lotk_score_aggregate(s, (int)i, norm, &incomplete);
        } else {
            v[i] = norm[i] = NAN; /* evidence: not rated by respondents */
        }
    }
    free(norm);
    lotk_grow(&sc->respondents, &sc->cap_respondents, sc->nrespondents + 1,
              sizeof *sc->respondents);
    struct lotk_respondent *r = &sc->respondents[sc->nrespondents++];
    r->id = row->resp ? lotk_xstrdup(row->resp) : lotk_xasprintf("%s:%ld", row->file, row->line);
    r->org = (int)(o - sc->orgs);
    r->values = v;
    (void)err;
    return 0;
}

double lotk_score_aggregate(const struct lotk_standard *s, int node, const double *norm,
                            bool *incomplete)
{
    const struct lotk_node *p = &s->nodes[node];
    size_t present = 0;
    for (size_t c = 0; c < p->nchildren; c++)
        present += norm[p->children[c]] == norm[p->children[c]];
    if (present == 0 || present < p->nchildren) {
        bool enough = present > 0 && p->min_children >= 0 &&
                      (double)present >= p->min_children * (double)p->nchildren - 1e-9;
        if (!enough) {
            *incomplete = true;
            return NAN;
        }
    }
    double acc = 0, wsum = 0;
    double best = NAN;
    for (size_t c = 0; c < p->nchildren; c++) {
        double x = norm[p->children[c]];
        double w = s->nodes[p->children[c]].weight;
        if (x != x)
            continue;
        switch (p->aggregate) {
        case LOTK_AGG_WEIGHTED_MEAN:
            acc += w * x;
            wsum += w;
            break;
        case LOTK_AGG_MEAN:
            acc += x;
            wsum += 1;
            break;
        case LOTK_AGG_GEOMEAN:
            /* A zero child makes the product zero; log(0) would make it -inf · w. */
            acc += x > 0 ? w * log(x) : -INFINITY;
            wsum += w;
            break;
        case LOTK_AGG_MIN:
            best = best == best && best < x ? best : x;
            break;
        case LOTK_AGG_MAX:
            best = best == best && best > x ? best : x;
            break;
        }
    }
    switch (p->aggregate) {
    case LOTK_AGG_MIN:
    case LOTK_AGG_MAX:
        return best;
    case LOTK_AGG_GEOMEAN:
        return acc == -INFINITY ? 0 : exp(acc / wsum);
    default:
        return acc / wsum;
    }
}

static int compare_orgs(const void *a, const void *b)
{
    const struct lotk_org_result *x = a, *y = b;
    return lotk_natural_cmp(x->id, y->id);
}

static void score_org(const struct lotk_standard *s, const struct org_acc *acc,
                      struct lotk_org_result *o)
{
    size_t nn = s->nnodes;
    o->id = lotk_xstrdup(acc->id);
    o->respondents = acc->respondents;
    o->mean = lotk_xmalloc(nn * sizeof *o->mean);
    o->norm = lotk_xmalloc(nn * sizeof *o->norm);
    o->points_of = lotk_xmalloc(nn * sizeof *o->points_of);
    o->n = lotk_xcalloc(nn, sizeof *o->n);
    bool incomplete = false;
    for (size_t i = nn; i-- > 0;) {
        const struct lotk_node *node = &s->nodes[i];
        o->mean[i] = o->norm[i] = NAN;
        if (node->nitems > 0) {
            o->n[i] = acc->n[i];
            if (acc->n[i] > 0) {
                o->mean[i] = acc->sum[i] / (double)acc->n[i];
                o->norm[i] = norm_of(s, (int)i, o->mean[i]);
            }
        } else if (node->nchildren > 0) {
            o->norm[i] = lotk_score_aggregate(s, (int)i, o->norm, &incomplete);
        }
        o->points_of[i] = s->points * node->share * o->norm[i];
    }
    o->points = o->points_of[0];
    o->band = -1;
    if (incomplete)
        o->flags |= LOTK_FLAG_INCOMPLETE;
    if (o->respondents < s->min_respondents) {
        o->flags |= LOTK_FLAG_FEW_RESPONDENTS;
        return;
    }
    if (o->points != o->points)
        return;
    for (size_t b = 0; b < s->nbands; b++) {
        /* Points come from products of weight shares: a total meant to be exactly 85 may
         * land at 84.99999999999999, which must still reach the 85 band. */
        double slack = 1e-9 * (fabs(s->bands[b].min) > 1 ? fabs(s->bands[b].min) : 1);
        if (o->points >= s->bands[b].min - slack) {
            o->band = (int)b;
            return;
        }
    }
    if (s->nbands > 0)
        o->flags |= LOTK_FLAG_NO_BAND;
}

struct lotk_result *lotk_scorer_finish(struct lotk_scorer *sc, struct lotk_survey_counts counts)
{
    struct lotk_result *r = lotk_xcalloc(1, sizeof *r);
    r->standard = sc->s;
    r->counts = counts;
    r->norgs = sc->norgs;
    r->orgs = lotk_xcalloc(sc->norgs ? sc->norgs : 1, sizeof *r->orgs);
    for (size_t i = 0; i < sc->norgs; i++)
        score_org(sc->s, &sc->orgs[i], &r->orgs[i]);
    qsort(r->orgs, r->norgs, sizeof *r->orgs, compare_orgs);
    /* Respondents point at organizations by index: renumber them to the sorted order. */
    if (sc->nrespondents) {
        int *sorted_index = lotk_xmalloc(sc->norgs * sizeof *sorted_index);
        for (size_t i = 0; i < r->norgs; i++)
            sorted_index[lotk_strmap_get(&sc->org_index, r->orgs[i].id,
                                         strlen(r->orgs[i].id))] = (int)i;
        for (size_t i = 0; i < sc->nrespondents; i++)
            sc->respondents[i].org = sorted_index[sc->respondents[i].org];
        free(sorted_index);
    }
    r->respondents = sc->respondents;
    r->nrespondents = sc->nrespondents;
    sc->respondents = NULL;
    sc->nrespondents = sc->cap_respondents = 0;
    return r;
}

void lotk_scorer_free(struct lotk_scorer *sc)
{
    if (!sc)
        return;
    for (size_t i = 0; i < sc->norgs; i++) {
        free(sc->orgs[i].id);
        free(sc->orgs[i].sum);
        free(sc->orgs[i].n);
    }
    free(sc->orgs);
    for (size_t i = 0; i < sc->nrespondents; i++) {
        free(sc->respondents[i].id);
        free(sc->respondents[i].values);
    }
    free(sc->respondents);
    lotk_strmap_free(&sc->org_index);
    free(sc->leaves);
    free(sc->items);
    free(sc->values);
    free(sc);
}

void lotk_result_free(struct lotk_result *r)
{
    if (!r)
        return;
    for (size_t i = 0; i < r->norgs; i++) {
        free(r->orgs[i].id);
        free(r->orgs[i].mean);
        free(r->orgs[i].norm);
        free(r->orgs[i].points_of);
        free(r->orgs[i].n);
    }
    free(r->orgs);
    for (size_t i = 0; i < r->nrespondents; i++) {
        free(r->respondents[i].id);
        free(r->respondents[i].values);
    }
    free(r->respondents);
    free(r);
}
