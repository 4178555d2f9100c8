/* bootstrap.c — seeded bootstrap of organization totals over respondents; see bootstrap.h. */
#include "base/json_tree.h"
#include "analysis/bootstrap.h"

#include <jansson.h>
#include <math.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>

#include "analysis/norms.h"
#include "base/mem.h"
#include "base/buf.h"
#include "base/num.h"

/* ---- PCG32 and splitmix64 ------------------------------------------------------------ */

uint64_t lotk_bootstrap_splitmix64(uint64_t *x)
{
    uint64_t z = (*x += 0x9e3779b97f4a7c15ULL);
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
    return z ^ (z >> 31);
}

uint32_t lotk_bootstrap_pcg32(struct lotk_pcg32 *rng)
{
    uint64_t old = rng->state;
    rng->state = old * 6364136223846793005ULL + rng->inc;
    uint32_t xorshifted = (uint32_t)(((old >> 18u) ^ old) >> 27u);
    uint32_t rot = (uint32_t)(old >> 59u);
    return (xorshifted >> rot) | (xorshifted << ((-rot) & 31));
}

void lotk_bootstrap_pcg32_seed(struct lotk_pcg32 *rng, uint64_t initstate, uint64_t initseq)
{
    rng->state = 0;
    rng->inc = (initseq << 1u) | 1u;
    lotk_bootstrap_pcg32(rng);
    rng->state += initstate;
    lotk_bootstrap_pcg32(rng);
}

uint32_t lotk_bootstrap_pcg32_bounded(struct lotk_pcg32 *rng, uint32_t bound)
{
    uint32_t threshold = -bound % bound;
    for (;;) {
        uint32_t r = lotk_bootstrap_pcg32(rng);
        if (r >= threshold)
            return r % bound;
    }
}

void lotk_bootstrap_seed_org(struct lotk_pcg32 *rng, uint64_t seed, const char *org_id)
{
    /* Our own FNV-1a rather than lotk_hash: the streams must not change if the hash
     * table's function ever does. */
    uint64_t h = 1469598103934665603ULL;
    for (const unsigned char *p = (const unsigned char *)org_id; *p; p++) {
        h ^= *p;
        h *= 1099511628211ULL;
    }
    uint64_t x = seed ^ h;
    uint64_t initstate = lotk_bootstrap_splitmix64(&x);
    uint64_t initseq = lotk_bootstrap_splitmix64(&x);
    lotk_bootstrap_pcg32_seed(rng, initstate, initseq);
}

/* ---- collecting respondents ---------------------------------------------------------- */

/* One organization's respondents: rows of width doubles, one after another. */
struct boot_org_rows {
    double *v;
    size_t n, cap; /* rows; cap in doubles */
};

struct lotk_boot_rows {
    const struct lotk_standard *s;
    int *leaves;   /* survey leaf node indices, in node order */
    size_t nleaves;
    struct boot_org_rows *orgs; /* by scorer organization index */
    size_t norgs, cap_orgs;
    long count;
    pthread_mutex_t lock;
};

struct lotk_boot_rows *lotk_bootstrap_rows_new(const struct lotk_standard *s)
{
    struct lotk_boot_rows *c = lotk_xcalloc(1, sizeof *c);
    c->s = s;
    c->leaves = lotk_xcalloc(s->nnodes, sizeof *c->leaves);
    for (size_t i = 0; i < s->nnodes; i++)
        if (s->nodes[i].nitems > 0)
            c->leaves[c->nleaves++] = (int)i;
    pthread_mutex_init(&c->lock, NULL);
    return c;
}

void lotk_bootstrap_observe(void *rows, int org, const double *values, const double *keyed)
{
    struct lotk_boot_rows *c = rows;
    (void)keyed;
    if (org < 0)
        return;
    pthread_mutex_lock(&c->lock);
    if ((size_t)org >= c->norgs) {
        lotk_grow(&c->orgs, &c->cap_orgs, (size_t)org + 1, sizeof *c->orgs);
        memset(&c->orgs[c->norgs], 0, ((size_t)org + 1 - c->norgs) * sizeof *c->orgs);
        c->norgs = (size_t)org + 1;
    }
    struct boot_org_rows *o = &c->orgs[org];
    size_t w = c->nleaves;
    lotk_grow(&o->v, &o->cap, (o->n + 1) * w + 1, sizeof *o->v);
    double *row = &o->v[o->n * w];
    for (size_t l = 0; l < w; l++) {
        double x = values[c->leaves[l]];
        row[l] = x == x ? x : NAN; /* one NaN, so that canonical order is well defined */
    }
    o->n++;
    c->count++;
    pthread_mutex_unlock(&c->lock);
}

long lotk_bootstrap_rows_count(const struct lotk_boot_rows *rows)
{
    return rows->count;
}

void lotk_bootstrap_rows_free(struct lotk_boot_rows *rows)
{
    if (!rows)
        return;
    for (size_t i = 0; i < rows->norgs; i++)
        free(rows->orgs[i].v);
    free(rows->orgs);
    free(rows->leaves);
    pthread_mutex_destroy(&rows->lock);
    free(rows);
}

/* ---- running ----------------------------------------------------------------------------- */

/* Canonical order of rows: lexicographic by value, NaN after every number. Rows that
 * compare equal are identical, so the sorted order depends only on the set of rows. */
static size_t sort_width; /* qsort has no context; set under run_lock */
static pthread_mutex_t run_lock = PTHREAD_MUTEX_INITIALIZER;

static int compare_rows(const void *a, const void *b)
{
    const double *x = *(const double *const *)a, *y = *(const double *const *)b;
    for (size_t l = 0; l < sort_width; l++) {
        bool xn = x[l] != x[l], yn = y[l] != y[l];
        if (xn || yn) {
            if (xn != yn)
                return xn ? 1 : -1;
            continue;
        }
        if (x[l] != y[l])
            return x[l] < y[l] ? -1 : 1;
    }
    return 0;
}

/* Scratch shared by the replicates of one run. */
struct replicate {
    const struct lotk_standard *s;
    struct lotk_plugins *plugins;
    const struct lotk_boot_rows *rows;
    double *norm;    /* per node */
    double *sum;     /* per survey leaf */
    long *count;     /* per survey leaf */
};

/* One replicate's total for organization rows o (sorted row pointers), with the fixed
 * (evidence) leaves taken from fixed_norm. */
static int replicate_total(struct replicate *rp, double *const *sorted, size_t n,
                           const double *fixed_norm, struct lotk_pcg32 *rng, double *total,
                           struct lotk_err *err)
{
    const struct lotk_standard *s = rp->s;
    size_t w = rp->rows->nleaves;
    memcpy(rp->norm, fixed_norm, s->nnodes * sizeof *rp->norm);
    memset(rp->sum, 0, w * sizeof *rp->sum);
    memset(rp->count, 0, w * sizeof *rp->count);
    for (size_t i = 0; i < n; i++) {
        const double *row = sorted[lotk_bootstrap_pcg32_bounded(rng, (uint32_t)n)];
        for (size_t l = 0; l < w; l++)
            if (row[l] == row[l]) {
                rp->sum[l] += row[l];
                rp->count[l]++;
            }
    }
    for (size_t l = 0; l < w; l++) {
        int node = rp->rows->leaves[l];
        const struct lotk_scale *scale = &s->scales[s->nodes[node].scale];
        rp->norm[node] = rp->count[l] ? (rp->sum[l] / (double)rp->count[l] - scale->min) /
                                            (scale->max - scale->min)
                                      : NAN;
    }
    /* Children follow their parent in preorder: walking backwards sees children first. */
    for (size_t i = s->nnodes; i-- > 0;) {
        if (s->nodes[i].nchildren == 0)
            continue;
        bool incomplete = false;
        int rc = lotk_score_aggregate(s, rp->plugins, (int)i, rp->norm, &rp->norm[i],
                                      &incomplete, err);
        if (rc)
            return rc;
    }
    *total = s->points * s->nodes[0].share * rp->norm[0];
    return 0;
}

int lotk_bootstrap_run(const struct lotk_boot_rows *rows, const struct lotk_result *r,
                       struct lotk_plugins *plugins, const struct lotk_bootstrap_opts *opts,
                       struct lotk_bootstrap **out, struct lotk_err *err)
{
    const struct lotk_standard *s = r->standard;
    struct lotk_bootstrap *b = lotk_xcalloc(1, sizeof *b);
    struct replicate rp = {s, plugins, rows, NULL, NULL, NULL};
    double *totals = lotk_xmalloc((size_t)opts->replicates * sizeof *totals);
    long *band_count = lotk_xcalloc(s->nbands + 1, sizeof *band_count);
    double **sorted = NULL;
    size_t cap_sorted = 0;
    int rc = 0;
    b->opts = *opts;
    b->norgs = r->norgs;
    b->nbands = s->nbands;
    b->orgs = lotk_xcalloc(r->norgs ? r->norgs : 1, sizeof *b->orgs);
    for (size_t k = 0; k < r->norgs; k++)
        b->orgs[k].lo = b->orgs[k].hi = NAN;
    rp.norm = lotk_xmalloc(s->nnodes * sizeof *rp.norm);
    rp.sum = lotk_xmalloc((rows->nleaves ? rows->nleaves : 1) * sizeof *rp.sum);
    rp.count = lotk_xmalloc((rows->nleaves ? rows->nleaves : 1) * sizeof *rp.count);
    double lo_p = (1 - opts->confidence) / 2, hi_p = (1 + opts->confidence) / 2;
    for (size_t so = 0; so < rows->norgs && rc == 0; so++) {
        const struct boot_org_rows *orows = &rows->orgs[so];
        int k = lotk_result_org_index(r, (int)so);
        if (k < 0 || orows->n == 0)
            continue;
        const struct lotk_org_result *o = &r->orgs[k];
        struct lotk_boot_org *bo = &b->orgs[k];
        lotk_grow(&sorted, &cap_sorted, orows->n, sizeof *sorted);
        for (size_t i = 0; i < orows->n; i++)
            sorted[i] = &orows->v[i * rows->nleaves];
        pthread_mutex_lock(&run_lock);
        sort_width = rows->nleaves;
        qsort(sorted, orows->n, sizeof *sorted, compare_rows);
        pthread_mutex_unlock(&run_lock);
        struct lotk_pcg32 rng;
        lotk_bootstrap_seed_org(&rng, opts->seed, o->id);
        size_t defined = 0;
        memset(band_count, 0, (s->nbands + 1) * sizeof *band_count);
        for (long rep = 0; rep < opts->replicates; rep++) {
            double total;
            if ((rc = replicate_total(&rp, sorted, orows->n, o->norm, &rng, &total, err)) != 0)
                break;
            if (total != total) {
                bo->undefined++;
                continue;
            }
            totals[defined++] = total;
            int band = lotk_score_band(s, total);
            band_count[band >= 0 ? (size_t)band : s->nbands]++;
        }
        qsort(totals, defined, sizeof *totals, lotk_double_cmp);
        bo->lo = lotk_norms_quantile(totals, defined, lo_p);
        bo->hi = lotk_norms_quantile(totals, defined, hi_p);
        if (!(o->flags & LOTK_FLAG_FEW_RESPONDENTS) && s->nbands > 0) {
            bo->grade_p = lotk_xmalloc(s->nbands * sizeof *bo->grade_p);
            for (size_t g = 0; g < s->nbands; g++)
                bo->grade_p[g] = (double)band_count[g] / (double)opts->replicates;
        }
    }
    free(sorted);
    free(totals);
    free(band_count);
    free(rp.norm);
    free(rp.sum);
    free(rp.count);
    if (rc) {
        lotk_bootstrap_free(b);
        *out = NULL;
        return rc;
    }
    *out = b;
    return 0;
}

void lotk_bootstrap_free(struct lotk_bootstrap *b)
{
    if (!b)
        return;
    for (size_t k = 0; k < b->norgs; k++)
        free(b->orgs[k].grade_p);
    free(b->orgs);
    free(b);
}
