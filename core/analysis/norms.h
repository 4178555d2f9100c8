/* norms.h — norm tables (reference distributions of organization scores) and percentile
 * ranks against them (issue 6; formulas in docs/statistics.md), and reading lotk JSON
 * results back, which `lotk norms` and `lotk compare` share.
 *
 * A norm group is, per node and for the total, the points of the organizations of one or
 * more results of the same standard (id and version), leaving out organizations flagged
 * few_respondents (no grade: their scores are too unsure to serve as a reference) and
 * those without a value. A group smaller than the declared minimum is suppressed: it has
 * no quantiles and gives no percentile ranks.
 *
 *   quantile (R type 7)  h = (n − 1)·p, x₍⌊h⌋₎ + (h − ⌊h⌋)·(x₍⌊h⌋+1₎ − x₍⌊h⌋₎) over the sorted
 *                        values x₍0₎ ≤ … ≤ x₍n−1₎ (0-based); R's default quantile()
 *   percentile rank      (below + 0.5·equal) / n · 100, the mid-rank percentage: below and
 *                        equal count the group's values under and equal to the score */
#ifndef LOTK_NORMS_H
#define LOTK_NORMS_H

#include <stdbool.h>
#include <stddef.h>

#include "base/err.h"
#include "score/score.h"
#include "standard/standard.h"

enum { LOTK_NORMS_MIN_GROUP = 10 };

/* The quantile of probability p (in [0, 1]) of sorted[0..n), ascending, by R's type 7.
 * NaN when n is 0. */
double lotk_norms_quantile(const double *sorted, size_t n, double p);

/* lotk_norms_quantile(x sorted, n, 0.5), to the bit, without sorting x[0..n) (no NaN
 * among them): the two middle values selected in linear time; x is left reordered. */
double lotk_norms_median(double *x, size_t n);

/* The mid-rank percentile rank of x among sorted[0..n), ascending: (below + 0.5·equal)/n
 * ·100, in (0, 100) when x is one of the values. NaN when n is 0 or x is NaN. O(log n). */
double lotk_norms_percentile(const double *sorted, size_t n, double x);

/* x[i] = lotk_norms_percentile(sorted, n, x[i]) for i < count, the searches run side by
 * side. */
void lotk_norms_percentiles(const double *sorted, size_t n, double *x, size_t count);

/* ---- norm tables ---------------------------------------------------------------- */

struct lotk_norm_group {
    char *node;        /* node id; "total" for the total */
    size_t n;          /* organizations in the group */
    double *values;    /* their points, ascending; NULL when suppressed */
    bool suppressed;   /* n < min_group (or n = 0) */
};

struct lotk_norms {
    char *std_id, *std_version, *std_sha256;
    long min_group;
    bool from_file;    /* read from a norms file, not the batch being scored */
    struct lotk_norm_group *groups; /* "total" first, then the nodes in standard order */
    size_t ngroups;
    char **sources;    /* the results it was built from (lotk norms), as given */
    size_t nsources;
};

/* Builds the norm table of the results at paths[0..n): their standard ids and versions
 * must match (LOTK_EUSAGE otherwise; a differing sha256 of one id and version is only a
 * warning). An organization id met again in a later file is counted once, with a warning.
 * Warnings and suppression messages go to warn (may be NULL). Returns 0 and *out (the
 * caller frees it with lotk_norms_free), or a negative code with err filled. */
int lotk_norms_build(const char *const *paths, size_t n, long min_group, FILE *warn,
                     struct lotk_norms **out, struct lotk_err *err);

/* The batch r as its own norm group: r's organizations, by the same rules as
 * lotk_norms_build, its groups sorted on up to jobs threads (the same table whatever
 * jobs). The caller frees the result with lotk_norms_free. */
struct lotk_norms *lotk_norms_from_result(const struct lotk_result *r, long min_group,
                                          int jobs);

/* Reads a norm table written by lotk_norms_write_json. Returns 0 and *out (the caller
 * frees it with lotk_norms_free), or LOTK_EIO with err filled. */
int lotk_norms_load(const char *path, struct lotk_norms **out, struct lotk_err *err);

/* Checks that nm was built for s: the same id and version. Returns 0, or LOTK_EUSAGE with
 * err saying what differs. */
int lotk_norms_check_standard(const struct lotk_norms *nm, const struct lotk_standard *s,
                              const char *path, struct lotk_err *err);

/* The group of node_id, or NULL. */
const struct lotk_norm_group *lotk_norms_group(const struct lotk_norms *nm,
                                               const char *node_id);

void lotk_norms_free(struct lotk_norms *nm);

/* ---- percentile ranks of a scored batch ----------------------------------------- */

struct lotk_ranks {
    bool from_file;
    size_t organizations; /* in the norm group of the total */
    long min_group;
    size_t norgs, nnodes; /* as the result */
    double *pct;          /* pct[org × nnodes + node]; node 0 is the total; NaN = none */
    char **suppressed;    /* node ids without usable norms, in node order */
    size_t nsuppressed;
};

/* Percentile ranks of every organization of r, per node and for the total (the reported
 * points), against nm, on up to jobs threads (the same ranks whatever jobs). Returns a new
 * struct the caller frees with lotk_ranks_free. */
struct lotk_ranks *lotk_ranks_compute(const struct lotk_norms *nm, const struct lotk_result *r,
                                      int jobs);

void lotk_ranks_free(struct lotk_ranks *rk);

#endif
