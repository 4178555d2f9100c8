/* evidence.c — combining assessors' ratings: each rating through its rubric, the
 * assessors of a role pooled, the roles weighted, the findings flagged and the third
 * party's agreement computed; see evidence.h and docs/evidence.md. */
#include "score/evidence.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "base/exact.h"
#include "base/mem.h"
#include "base/num.h"
#include "base/strmap.h"
#include "base/text.h"
#include "score/score.h"

/* Spread and margin are compared as shares of a scale: 1/3 of a 0–3 scale against a
 * declared 0.3333333333 must not flag, or not, by the last bit. */
#define SLACK 1e-9

static double pool(double *v, size_t n, bool median)
{
    if (n == 0)
        return NAN;
    qsort(v, n, sizeof *v, lotk_double_cmp);
    if (median)
        return n % 2 ? v[n / 2] : (v[n / 2 - 1] + v[n / 2]) / 2;
    struct lotk_exact sum = {{0}};
    for (size_t i = 0; i < n; i++)
        lotk_exact_add(&sum, v[i]);
    return lotk_exact_value(&sum) / (double)n;
}

static int compare_names(const char *a, const char *b)
{
    int c = lotk_natural_cmp(a, b);
    return c ? c : strcmp(a, b); /* "A1" and "A01" compare equal naturally */
}

static int compare_rows(const void *a, const void *b)
{
    const struct lotk_evidence_row *x = a, *y = b;
    if (x->role != y->role)
        return x->role == LOTK_ROLE_THIRD_PARTY ? -1 : 1;
    return compare_names(x->assessor, y->assessor);
}

static int compare_eorgs(const void *a, const void *b)
{
    return compare_names(((const struct lotk_evidence_org *)a)->id,
                         ((const struct lotk_evidence_org *)b)->id);
}

static void finish_org(struct lotk_evidence *ev, struct lotk_evidence_org *eo)
{
    const struct lotk_standard *s = ev->s;
    const struct lotk_evidence_spec *spec = &s->evidence;
    double *self = lotk_xmalloc((eo->nrows ? eo->nrows : 1) * sizeof *self);
    double *third = lotk_xmalloc((eo->nrows ? eo->nrows : 1) * sizeof *third);
    qsort(eo->rows, eo->nrows, sizeof *eo->rows, compare_rows);
    eo->leaves = lotk_xcalloc(ev->nleaves ? ev->nleaves : 1, sizeof *eo->leaves);
    for (size_t l = 0; l < ev->nleaves; l++) {
        const struct lotk_node *node = &s->nodes[ev->leaves[l]];
        const struct lotk_scale *sc = &s->scales[node->scale];
        double range = sc->max - sc->min;
        struct lotk_evidence_leaf *lf = &eo->leaves[l];
        size_t ns = 0, nt = 0;
        bool uncited = false;
        for (size_t r = 0; r < eo->nrows; r++) {
            const struct lotk_rating *rt = &eo->rows[r].ratings[l];
            if (rt->value != rt->value)
                continue;
            if (eo->rows[r].role == LOTK_ROLE_SELF)
                self[ns++] = rt->value;
            else
                third[nt++] = rt->value;
            uncited |= node->rubric->nevidence > 0 && !rt->evidence;
        }
        lf->nself = (long)ns;
        lf->nthird = (long)nt;
        lf->self = pool(self, ns, spec->median);
        lf->third = pool(third, nt, spec->median);
        /* pool sorted the values: the spread is last minus first. */
        lf->spread_self = ns >= 2 ? (self[ns - 1] - self[0]) / range : NAN;
        lf->spread_third = nt >= 2 ? (third[nt - 1] - third[0]) / range : NAN;
        /* When the third party has a weight, its rating is required: a self-assessment
         * nobody checked scores nothing (flag self_only). One role alone is taken as it is,
         * not as w·x/w, which need not round back to x. */
        double ws = spec->self_weight, wt = spec->third_weight;
        if (nt && ns && ws > 0 && wt > 0) /* as a step from third towards self: equal
                                           * ratings combine to exactly themselves */
            lf->value = lf->third + (lf->self - lf->third) * (ws / (ws + wt));
        else if (nt && wt > 0)
            lf->value = lf->third;
        else if (ns && ws > 0 && wt == 0)
            lf->value = lf->self;
        else
            lf->value = NAN;
        if (spec->spread == spec->spread) {
            if (lf->spread_third > spec->spread + SLACK)
                lf->spread_roles |= 1u << LOTK_ROLE_THIRD_PARTY;
            if (lf->spread_self > spec->spread + SLACK)
                lf->spread_roles |= 1u << LOTK_ROLE_SELF;
        }
        if (lf->spread_roles)
            lf->flags |= LOTK_EVIDENCE_SPREAD;
        if (spec->margin == spec->margin && ns && nt &&
            (lf->self - lf->third) / range > spec->margin + SLACK)
            lf->flags |= LOTK_EVIDENCE_SELF_EXCEEDS;
        if (ns && !nt && spec->third_weight > 0)
            lf->flags |= LOTK_EVIDENCE_SELF_ONLY;
        if (uncited)
            lf->flags |= LOTK_EVIDENCE_UNCITED;
    }
    free(self);
    free(third);
}

/* The third-party assessors who rated leaf l, and the organizations all of them rated. */
static void finish_agreement(struct lotk_evidence *ev, size_t l,
                             struct lotk_evidence_agreement *ag)
{
    struct lotk_strmap seen = {0};
    size_t cap = 0;
    for (size_t o = 0; o < ev->norgs; o++)
        for (size_t r = 0; r < ev->orgs[o].nrows; r++) {
            const struct lotk_evidence_row *row = &ev->orgs[o].rows[r];
            if (row->role != LOTK_ROLE_THIRD_PARTY || row->ratings[l].recorded !=
                                                          row->ratings[l].recorded)
                continue;
            size_t len = strlen(row->assessor);
            if (lotk_strmap_put(&seen, row->assessor, len, (int)ag->njudges) ==
                (int)ag->njudges) {
                lotk_grow(&ag->judges, &cap, ag->njudges + 1, sizeof *ag->judges);
                ag->judges[ag->njudges++] = lotk_xstrdup(row->assessor);
            }
        }
    lotk_strmap_free(&seen);
    for (size_t i = 1; i < ag->njudges; i++) /* few judges: insertion sort */
        for (size_t j = i; j > 0 && compare_names(ag->judges[j - 1], ag->judges[j]) > 0; j--) {
            char *t = ag->judges[j];
            ag->judges[j] = ag->judges[j - 1];
            ag->judges[j - 1] = t;
        }
    size_t k = ag->njudges, n = 0;
    double *x = lotk_xmalloc((ev->norgs ? ev->norgs : 1) * (k ? k : 1) * sizeof *x);
    for (size_t o = 0; o < ev->norgs; o++) {
        double *row = &x[n * k];
        size_t filled = 0;
        for (size_t j = 0; j < k; j++)
            row[j] = NAN;
        for (size_t r = 0; r < ev->orgs[o].nrows; r++) {
            const struct lotk_evidence_row *er = &ev->orgs[o].rows[r];
            if (er->role != LOTK_ROLE_THIRD_PARTY ||
                er->ratings[l].recorded != er->ratings[l].recorded)
                continue;
            for (size_t j = 0; j < k; j++)
                if (strcmp(ag->judges[j], er->assessor) == 0) {
                    row[j] = er->ratings[l].recorded;
                    filled++;
                }
        }
        if (k > 0 && filled == k)
            n++;
        else if (filled > 0)
            ag->excluded++;
    }
    lotk_icc_compute(x, n, k, &ag->icc);
    free(x);
}

void lotk_evidence_finish(struct lotk_evidence *ev)
{
    if (ev->finished)
        return;
    ev->finished = true;
    if (ev->norgs > 1)
        qsort(ev->orgs, ev->norgs, sizeof *ev->orgs, compare_eorgs);
    lotk_strmap_free(&ev->org_index);
    memset(&ev->org_index, 0, sizeof ev->org_index);
    for (size_t o = 0; o < ev->norgs; o++) {
        lotk_strmap_put(&ev->org_index, ev->orgs[o].id, strlen(ev->orgs[o].id), (int)o);
        finish_org(ev, &ev->orgs[o]);
    }
    ev->agreement = lotk_xcalloc(ev->nleaves ? ev->nleaves : 1, sizeof *ev->agreement);
    for (size_t l = 0; l < ev->nleaves; l++)
        finish_agreement(ev, l, &ev->agreement[l]);
}


unsigned lotk_evidence_org_flags(const struct lotk_evidence *ev,
                                 const struct lotk_evidence_org *eo)
{
    unsigned flags = 0;
    for (size_t l = 0; eo && eo->leaves && l < ev->nleaves; l++) {
        unsigned f = eo->leaves[l].flags;
        if (f & LOTK_EVIDENCE_SPREAD)
            flags |= LOTK_FLAG_ASSESSOR_SPREAD;
        if (f & LOTK_EVIDENCE_SELF_EXCEEDS)
            flags |= LOTK_FLAG_SELF_EXCEEDS;
        if (f & LOTK_EVIDENCE_SELF_ONLY)
            flags |= LOTK_FLAG_SELF_ONLY;
        if (f & LOTK_EVIDENCE_UNCITED)
            flags |= LOTK_FLAG_UNCITED;
    }
    return flags;
}

