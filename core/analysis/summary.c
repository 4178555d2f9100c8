/* summary.c — the batch as a whole; see summary.h. */
#include "analysis/summary.h"

#include <math.h>
#include <stdlib.h>

#include "analysis/norms.h"
#include "base/mem.h"
#include "base/num.h"

static bool in_reference(const struct lotk_org_result *o)
{
    return !(o->flags & LOTK_FLAG_FEW_RESPONDENTS);
}

/* The median of the values of x[0..n) that are not NaN; moves them to the front. */
static double median(double *x, size_t n)
{
    size_t m = 0;
    for (size_t i = 0; i < n; i++)
        if (x[i] == x[i])
            x[m++] = x[i];
    return lotk_norms_median(x, m);
}

struct ranked {
    double points;
    size_t org;
};

static int by_points_desc(const void *a, const void *b)
{
    const struct ranked *x = a, *y = b;
    if (x->points != y->points)
        return x->points > y->points ? -1 : 1;
    return (x->org > y->org) - (x->org < y->org); /* a stable order for equal totals */
}

static void rank_orgs(const struct lotk_result *r, struct lotk_summary *sm)
{
    struct ranked *list = lotk_xmalloc((r->norgs ? r->norgs : 1) * sizeof *list);
    size_t n = 0;
    for (size_t k = 0; k < r->norgs; k++)
        if (in_reference(&r->orgs[k]) && r->orgs[k].points == r->orgs[k].points)
            list[n++] = (struct ranked){r->orgs[k].points, k};
    qsort(list, n, sizeof *list, by_points_desc);
    for (size_t i = 0; i < n; i++)
        sm->rank[list[i].org] = i > 0 && list[i].points == list[i - 1].points ?
                                    sm->rank[list[i - 1].org] : i + 1;
    sm->ranked = n;
    free(list);
}

struct lotk_summary *lotk_summary_new(const struct lotk_result *r)
{
    const struct lotk_standard *s = r->standard;
    struct lotk_summary *sm = lotk_xcalloc(1, sizeof *sm);
    sm->organizations = r->norgs;
    sm->grades = lotk_xcalloc(s->nbands ? s->nbands : 1, sizeof *sm->grades);
    sm->rank = lotk_xcalloc(r->norgs ? r->norgs : 1, sizeof *sm->rank);
    sm->median_norm = lotk_xmalloc(s->nnodes * sizeof *sm->median_norm);
    sm->median_points_of = lotk_xmalloc(s->nnodes * sizeof *sm->median_points_of);
    for (size_t k = 0; k < r->norgs; k++) {
        if (r->orgs[k].band >= 0)
            sm->grades[r->orgs[k].band]++;
        else
            sm->ungraded++;
    }
    rank_orgs(r, sm);
    double *x = lotk_xmalloc((r->norgs ? r->norgs : 1) * sizeof *x);
    for (size_t i = 0; i < s->nnodes; i++) {
        for (int field = 0; field < 2; field++) {
            size_t n = 0;
            for (size_t k = 0; k < r->norgs; k++)
                if (in_reference(&r->orgs[k]))
                    x[n++] = field == 0 ? r->orgs[k].norm[i] : r->orgs[k].points_of[i];
            double m = median(x, n);
            if (field == 0)
                sm->median_norm[i] = m;
            else
                sm->median_points_of[i] = m;
        }
    }
    size_t n = 0;
    for (size_t k = 0; k < r->norgs; k++)
        if (sm->rank[k])
            x[n++] = r->orgs[k].points;
    sm->median_points = median(x, n);
    free(x);
    return sm;
}

void lotk_summary_free(struct lotk_summary *sm)
{
    if (!sm)
        return;
    free(sm->grades);
    free(sm->median_norm);
    free(sm->median_points_of);
    free(sm->rank);
    free(sm);
}
