/* norms.c — norm tables and percentile ranks; see norms.h. */
#include "base/json_tree.h"
#include "analysis/norms.h"

#include "analysis/doc.h"

#include <jansson.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "base/jsonw.h"
#include "base/mem.h"
#include "base/parallel.h"
#include "base/buf.h"
#include "base/strmap.h"
#include "base/file.h"
#include "base/num.h"


/* R's own arithmetic (quantile.default, type 7), so that results agree to the bit:
 * index = 1 + (n − 1)·p, h = index − ⌊index⌋, (1 − h)·x[lo] + h·x[hi] (1-based). The
 * places lo and hi (1-based, n > 0) and h. */
static double type7_index(size_t n, double p, size_t *lo, size_t *hi)
{
    double index = 1 + (double)(n - 1) * p;
    *lo = (size_t)floor(index);
    *hi = (size_t)ceil(index);
    return index - floor(index);
}

static double type7(double xlo, double xhi, double h)
{
    return h > 0 && xhi != xlo ? (1 - h) * xlo + h * xhi : xlo;
}

double lotk_norms_quantile(const double *sorted, size_t n, double p)
{
    if (n == 0)
        return NAN;
    size_t lo, hi;
    double h = type7_index(n, p, &lo, &hi);
    return type7(sorted[lo - 1], sorted[hi - 1], h);
}

double lotk_norms_median(double *x, size_t n)
{
    if (n == 0)
        return NAN;
    /* Which of -0 and 0 a stable sort puts in the middle depends on their order in x, which
     * selecting would lose: with a zero among them, the sort. */
    for (size_t i = 0; i < n; i++)
        if (x[i] == 0) {
            lotk_sort_doubles(x, n);
            return lotk_norms_quantile(x, n, 0.5);
        }
    size_t lo, hi;
    double h = type7_index(n, 0.5, &lo, &hi);
    double xlo = lotk_select_double(x, n, lo - 1);
    double xhi = hi == lo ? xlo : lotk_select_double(x, n, hi - 1);
    return type7(xlo, xhi, h);
}

/* The first index whose value is >= x (strict: > x). */
static size_t bound(const double *sorted, size_t n, double x, bool strict)
{
    /* Halving without a branch on the comparison (a conditional move instead): ranks are
     * looked up for every organization and node, and a mispredicted branch per step was
     * most of their cost. */
    if (n == 0)
        return 0;
    const double *base = sorted;
    while (n > 1) {
        size_t half = n / 2;
        double v = base[half - 1];
        base += (strict ? v <= x : v < x) ? half : 0;
        n -= half;
    }
    return (size_t)(base - sorted) + (strict ? *base <= x : *base < x);
}

/* The percentile of x, below of sorted[0..n) under it (n > 0, x not NaN). */
static double percentile_from(const double *sorted, size_t n, double x, size_t below)
{
    size_t above = below;
    /* Ties are usually few: a short walk finds their end sooner than a second search. */
    while (above < n && above - below < 8 && sorted[above] == x)
        above++;
    if (above < n && sorted[above] == x)
        above = bound(sorted, n, x, true);
    size_t equal = above - below;
    return ((double)below + 0.5 * (double)equal) / (double)n * 100;
}

double lotk_norms_percentile(const double *sorted, size_t n, double x)
{
    if (n == 0 || x != x)
        return NAN;
    return percentile_from(sorted, n, x, bound(sorted, n, x, false));
}

void lotk_norms_percentiles(const double *sorted, size_t n, double *x, size_t count)
{
    /* LANES searches at once, in step: each takes the same halvings (n is the same), so
     * the loads of one step do not wait on each other, where one search at a time waits on
     * every load in turn. Each lane computes what bound(…, false) does. */
    enum { LANES = 8 };
    size_t i = 0;
    for (; n > 0 && i + LANES <= count; i += LANES) {
        const double *base[LANES];
        for (int j = 0; j < LANES; j++)
            base[j] = sorted;
        for (size_t m = n; m > 1;) {
            size_t half = m / 2;
            for (int j = 0; j < LANES; j++)
                base[j] += base[j][half - 1] < x[i + j] ? half : 0;
            m -= half;
        }
        for (int j = 0; j < LANES; j++) {
            double v = x[i + j];
            size_t below = (size_t)(base[j] - sorted) + (*base[j] < v);
            x[i + j] = v != v ? NAN : percentile_from(sorted, n, v, below);
        }
    }
    for (; i < count; i++)
        x[i] = lotk_norms_percentile(sorted, n, x[i]);
}

/* ---- building norm tables ------------------------------------------------------------ */

/* Groups under construction: node id → growable array of points. */
struct builder {
    struct lotk_strmap index;
    struct lotk_norm_group *groups;
    size_t ngroups, cap;
    size_t *caps;
};

static struct lotk_norm_group *builder_group(struct builder *b, const char *id)
{
    int i = lotk_strmap_put(&b->index, id, strlen(id), (int)b->ngroups);
    if (i == (int)b->ngroups) {
        size_t cap = b->cap;
        lotk_grow(&b->groups, &b->cap, b->ngroups + 1, sizeof *b->groups);
        lotk_grow(&b->caps, &cap, b->ngroups + 1, sizeof *b->caps);
        memset(&b->groups[i], 0, sizeof b->groups[i]);
        b->caps[i] = 0;
        b->groups[i].node = lotk_xstrdup(id);
        b->ngroups++;
    }
    return &b->groups[i];
}

/* Adds x (NaN: nothing) to group gi. */
static void builder_add_at(struct builder *b, size_t gi, double x)
{
    if (x != x)
        return;
    struct lotk_norm_group *g = &b->groups[gi];
    lotk_grow(&g->values, &b->caps[gi], g->n + 1, sizeof *g->values);
    g->values[g->n++] = x;
}

static void builder_add(struct builder *b, const char *id, double x)
{
    builder_add_at(b, (size_t)(builder_group(b, id) - b->groups), x);
}

struct group_sort {
    struct lotk_norm_group *groups;
    size_t min_group;
};

/* Sorts group i, or suppresses it when it is small. */
static void finish_group(void *ctx, size_t i)
{
    const struct group_sort *gs = ctx;
    struct lotk_norm_group *g = &gs->groups[i];
    if (g->n < gs->min_group || g->n == 0) {
        g->suppressed = true;
        free(g->values);
        g->values = NULL;
    } else {
        lotk_sort_doubles(g->values, g->n);
    }
}

/* Sorts every group (on up to jobs threads: each group is its own) and suppresses the
 * small ones; hands the groups to nm. */
static void builder_finish(struct builder *b, struct lotk_norms *nm, int jobs)
{
    struct group_sort gs = {b->groups, (size_t)nm->min_group};
    lotk_parallel_for(b->ngroups, jobs, finish_group, &gs);
    nm->groups = b->groups;
    nm->ngroups = b->ngroups;
    free(b->caps);
    lotk_strmap_free(&b->index);
}

/* One line naming every suppressed group, so that a small batch does not print a screen. */
static void warn_suppressed(const struct lotk_norms *nm, FILE *warn, const char *what)
{
    struct lotk_buf b = {0};
    for (size_t i = 0; i < nm->ngroups; i++)
        if (nm->groups[i].suppressed)
            lotk_buf_printf(&b, "%s%s (%zu)", b.len ? ", " : "", nm->groups[i].node,
                            nm->groups[i].n);
    if (b.len && warn)
        lotk_diag(warn, "warning", NULL, 0, 0,
                  "%s: groups of fewer than %ld organizations are suppressed (no quantiles, "
                  "no percentile ranks): %s",
                  what, nm->min_group, b.data);
    lotk_buf_free(&b);
}

int lotk_norms_build(const char *const *paths, size_t n, long min_group, FILE *warn,
                     struct lotk_norms **out, struct lotk_err *err)
{
    struct lotk_norms *nm = lotk_xcalloc(1, sizeof *nm);
    struct builder b = {0};
    struct lotk_strmap seen = {0};
    struct lotk_doc doc = {0};
    char **seen_in = NULL; /* org index → file it came from, for the warning */
    size_t nseen = 0, cap_seen = 0;
    int rc = 0;
    nm->min_group = min_group;
    nm->sources = lotk_xcalloc(n ? n : 1, sizeof *nm->sources);
    *out = NULL;
    builder_group(&b, "total");
    for (size_t f = 0; f < n; f++) {
        if ((rc = lotk_doc_load(paths[f], &doc, err)) != 0)
            goto done;
        if (f == 0) {
            nm->std_id = lotk_xstrdup(doc.std_id);
            nm->std_version = lotk_xstrdup(doc.std_version);
            nm->std_sha256 = lotk_xstrdup(doc.std_sha256 ? doc.std_sha256 : "");
        } else if (strcmp(doc.std_id, nm->std_id) || strcmp(doc.std_version, nm->std_version)) {
            rc = lotk_err_set(err, LOTK_EUSAGE, paths[f], 0, 0,
                              "scored with standard %s %s, but %s was scored with %s %s; a "
                              "norm table takes results of one standard id and version",
                              doc.std_id, doc.std_version, paths[0], nm->std_id,
                              nm->std_version);
            goto done;
        } else if (doc.std_sha256 && strcmp(doc.std_sha256, nm->std_sha256) && warn) {
            lotk_diag(warn, "warning", paths[f], 0, 0,
                      "standard %s %s differs from the one %s was scored with (sha256 %.12s… "
                      "vs %.12s…); same id and version, so it is used",
                      doc.std_id, doc.std_version, paths[0], doc.std_sha256, nm->std_sha256);
        }
        nm->sources[nm->nsources++] = lotk_xstrdup(paths[f]);
        struct lotk_buf dups = {0};
        size_t ndups = 0;
        for (size_t i = 0; i < doc.norgs; i++) {
            const struct lotk_doc_org *o = &doc.orgs[i];
            int k = lotk_strmap_put(&seen, o->id, strlen(o->id), (int)nseen);
            if (k != (int)nseen) {
                /* One line per file, not per organization: a round passed twice would
                 * otherwise print the whole batch. */
                if (ndups++ < 3)
                    lotk_buf_printf(&dups, "%s%s (in %s)", ndups > 1 ? ", " : "", o->id,
                                    seen_in[k]);
                continue;
            }
            lotk_grow(&seen_in, &cap_seen, nseen + 1, sizeof *seen_in);
            seen_in[nseen++] = nm->sources[f];
            if (o->few_respondents)
                continue;
            builder_add(&b, "total", o->points);
            const char *key;
            json_t *node;
            json_object_foreach(o->nodes, key, node) {
                json_t *p = json_object_get(node, "points");
                builder_add(&b, key, json_is_number(p) ? json_number_value(p) : NAN);
            }
        }
        if (ndups && warn)
            lotk_diag(warn, "warning", paths[f], 0, 0,
                      "%zu organization%s already in an earlier file, counted once from "
                      "there: %s%s",
                      ndups, ndups == 1 ? " is" : "s are", dups.data, ndups > 3 ? ", …" : "");
        lotk_buf_free(&dups);
        lotk_doc_clear(&doc);
    }
done:
    builder_finish(&b, nm, 1);
    lotk_doc_clear(&doc);
    lotk_strmap_free(&seen);
    free(seen_in);
    if (rc) {
        lotk_norms_free(nm);
        return rc;
    }
    warn_suppressed(nm, warn, "norms");
    *out = nm;
    return 0;
}

struct lotk_norms *lotk_norms_from_result(const struct lotk_result *r, long min_group,
                                          int jobs)
{
    const struct lotk_standard *s = r->standard;
    struct lotk_norms *nm = lotk_xcalloc(1, sizeof *nm);
    struct builder b = {0};
    nm->std_id = lotk_xstrdup(s->id);
    nm->std_version = lotk_xstrdup(s->version);
    nm->std_sha256 = lotk_xstrdup(s->sha256);
    nm->min_group = min_group;
    /* Each node's group found once, not once per organization (node 0 is "total"). */
    size_t *group = lotk_xmalloc((s->nnodes ? s->nnodes : 1) * sizeof *group);
    for (size_t i = 0; i < s->nnodes; i++)
        group[i] = (size_t)(builder_group(&b, s->nodes[i].id) - b.groups);
    if (s->nnodes)
        group[0] = (size_t)(builder_group(&b, "total") - b.groups);
    for (size_t k = 0; k < r->norgs; k++) {
        const struct lotk_org_result *o = &r->orgs[k];
        if (o->flags & LOTK_FLAG_FEW_RESPONDENTS)
            continue;
        for (size_t i = 0; i < s->nnodes; i++)
            builder_add_at(&b, group[i], i ? o->points_of[i] : o->points);
    }
    free(group);
    builder_finish(&b, nm, jobs);
    return nm;
}

static int bad_norms(const char *path, struct lotk_err *err, const char *what)
{
    return lotk_err_set(err, LOTK_EIO, path, 0, 0,
                        "not a lotk norm table (lotk norms -o FILE): %s", what);
}

int lotk_norms_load(const char *path, struct lotk_norms **out, struct lotk_err *err)
{
    json_t *j;
    *out = NULL;
    int rc = lotk_doc_read_json(path, &j, err);
    if (rc)
        return rc;
    struct lotk_norms *nm = lotk_xcalloc(1, sizeof *nm);
    nm->from_file = true;
    json_t *std = json_object_get(j, "standard"), *nodes = json_object_get(j, "nodes");
    json_t *min_group = json_object_get(j, "min_group");
    const char *format = lotk_json_get_string(j, "format");
    if (!format || strcmp(format, "lotk-norms/1") != 0) {
        rc = bad_norms(path, err, "\"format\" is not \"lotk-norms/1\"");
        goto done;
    }
    if (!lotk_json_get_string(std, "id") || !lotk_json_get_string(std, "version") || !json_is_object(nodes) ||
        !json_is_integer(min_group)) {
        rc = bad_norms(path, err, "it lacks \"standard\" id and version, \"min_group\" or "
                                  "\"nodes\"");
        goto done;
    }
    nm->std_id = lotk_xstrdup(lotk_json_get_string(std, "id"));
    nm->std_version = lotk_xstrdup(lotk_json_get_string(std, "version"));
    nm->std_sha256 = lotk_xstrdup(lotk_json_get_string(std, "sha256") ? lotk_json_get_string(std, "sha256") : "");
    nm->min_group = (long)json_integer_value(min_group);
    nm->groups = lotk_xcalloc(json_object_size(nodes) + 1, sizeof *nm->groups);
    const char *key;
    json_t *g;
    json_object_foreach(nodes, key, g) {
        struct lotk_norm_group *group = &nm->groups[nm->ngroups++];
        group->node = lotk_xstrdup(key);
        json_t *values = json_object_get(g, "values");
        group->suppressed = json_is_true(json_object_get(g, "suppressed")) || !values;
        if (group->suppressed) {
            json_t *count = json_object_get(g, "organizations");
            group->n = json_is_integer(count) ? (size_t)json_integer_value(count) : 0;
            continue;
        }
        group->n = json_array_size(values);
        group->values = lotk_xmalloc((group->n ? group->n : 1) * sizeof *group->values);
        for (size_t k = 0; k < group->n; k++) {
            json_t *v = json_array_get(values, k);
            if (!json_is_number(v) || (k > 0 && json_number_value(v) < group->values[k - 1])) {
                char what[160];
                snprintf(what, sizeof what,
                         "nodes.%.60s.values[%zu] is not a number in ascending order", key, k);
                rc = bad_norms(path, err, what);
                goto done;
            }
            group->values[k] = json_number_value(v);
        }
    }
done:
    json_decref(j);
    if (rc) {
        lotk_norms_free(nm);
        return rc;
    }
    *out = nm;
    return 0;
}

int lotk_norms_check_standard(const struct lotk_norms *nm, const struct lotk_standard *s,
                              const char *path, struct lotk_err *err)
{
    if (strcmp(nm->std_id, s->id) != 0 || strcmp(nm->std_version, s->version) != 0)
        return lotk_err_set(err, LOTK_EUSAGE, path, 0, 0,
                            "the norm table is for standard %s %s, not %s %s; build one from "
                            "results of this standard with lotk norms",
                            nm->std_id, nm->std_version, s->id, s->version);
    return 0;
}

const struct lotk_norm_group *lotk_norms_group(const struct lotk_norms *nm, const char *node_id)
{
    for (size_t i = 0; i < nm->ngroups; i++)
        if (strcmp(nm->groups[i].node, node_id) == 0)
            return &nm->groups[i];
    return NULL;
}

void lotk_norms_free(struct lotk_norms *nm)
{
    if (!nm)
        return;
    for (size_t i = 0; i < nm->ngroups; i++) {
        free(nm->groups[i].node);
        free(nm->groups[i].values);
    }
    free(nm->groups);
    for (size_t i = 0; i < nm->nsources; i++)
        free(nm->sources[i]);
    free(nm->sources);
    free(nm->std_id);
    free(nm->std_version);
    free(nm->std_sha256);
    free(nm);
}

/* ---- percentile ranks ------------------------------------------------------------------ */

/* Organizations a block at a time, and in a block node by node: an organization's
 * points are read once (not once per node, a cache miss each among thousands), and one
 * node's sorted values serve a whole block of searches while in cache. Blocks are
 * independent (each writes its own organizations' rows of pct), so threads take them in
 * turn. */
enum { RANK_BLOCK = 256 };

struct rank_blocks {
    const struct lotk_result *r;
    const struct lotk_norm_group **groups; /* per node; NULL: suppressed */
    struct lotk_ranks *rk;
};

static void rank_block(void *ctx, size_t block)
{
    const struct rank_blocks *rb = ctx;
    const struct lotk_result *r = rb->r;
    struct lotk_ranks *rk = rb->rk;
    size_t nn = rk->nnodes;
    size_t from = block * RANK_BLOCK;
    size_t to = from + RANK_BLOCK < r->norgs ? from + RANK_BLOCK : r->norgs;
    for (size_t k = from; k < to; k++) {
        const struct lotk_org_result *o = &r->orgs[k];
        rk->pct[k * nn] = o->points;
        for (size_t i = 1; i < nn; i++)
            rk->pct[k * nn + i] = o->points_of[i];
    }
    for (size_t i = 0; i < nn; i++) {
        const struct lotk_norm_group *g = rb->groups[i];
        double x[RANK_BLOCK];
        for (size_t k = from; k < to; k++)
            x[k - from] = rk->pct[k * nn + i];
        if (g)
            lotk_norms_percentiles(g->values, g->n, x, to - from);
        for (size_t k = from; k < to; k++)
            rk->pct[k * nn + i] = g ? x[k - from] : NAN;
    }
}

struct lotk_ranks *lotk_ranks_compute(const struct lotk_norms *nm, const struct lotk_result *r,
                                      int jobs)
{
    const struct lotk_standard *s = r->standard;
    struct lotk_ranks *rk = lotk_xcalloc(1, sizeof *rk);
    size_t nn = s->nnodes;
    rk->from_file = nm->from_file;
    rk->min_group = nm->min_group;
    rk->norgs = r->norgs;
    rk->nnodes = nn;
    rk->pct = lotk_xmalloc((r->norgs ? r->norgs : 1) * nn * sizeof *rk->pct);
    rk->suppressed = lotk_xcalloc(nn, sizeof *rk->suppressed);
    const struct lotk_norm_group *total = lotk_norms_group(nm, "total");
    rk->organizations = total ? total->n : 0;
    const struct lotk_norm_group **groups = lotk_xcalloc(nn ? nn : 1, sizeof *groups);
    for (size_t i = 0; i < nn; i++) {
        const struct lotk_norm_group *g = lotk_norms_group(nm, s->nodes[i].id);
        if (g && !g->suppressed)
            groups[i] = g;
        else
            rk->suppressed[rk->nsuppressed++] = lotk_xstrdup(s->nodes[i].id);
    }
    struct rank_blocks rb = {r, groups, rk};
    lotk_parallel_for((r->norgs + RANK_BLOCK - 1) / RANK_BLOCK, jobs, rank_block, &rb);
    free(groups);
    return rk;
}

void lotk_ranks_free(struct lotk_ranks *rk)
{
    if (!rk)
        return;
    for (size_t i = 0; i < rk->nsuppressed; i++)
        free(rk->suppressed[i]);
    free(rk->suppressed);
    free(rk->pct);
    free(rk);
}
