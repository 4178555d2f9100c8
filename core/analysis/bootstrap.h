/* bootstrap.h — how sure is an organization's total? A seeded bootstrap over its
 * respondents (issue 6; method and caveats in docs/statistics.md).
 *
 * Each replicate draws as many respondents as the organization has, with replacement, from
 * its own respondents; recomputes every survey leaf's mean from the drawn respondents'
 * leaf values; keeps evidence leaves as scored; and re-aggregates the tree with
 * lotk_score_aggregate, so built-in and plugin aggregates, weights and min_children act as
 * in scoring. Rules are not re-run: the interval and the grade probabilities are those of
 * the measured total before rules.
 *
 * The collector keeps every respondent's leaf values (8 bytes per survey leaf per row), so
 * unlike the rest of lotk its memory grows with rows: it is only created for --bootstrap.
 *
 * Determinism: each organization's respondents are put in a canonical order (by their
 * values) before resampling, and each organization draws from its own PCG32 stream seeded
 * from the seed and its id, so the result depends on the seed and on the set of rows of
 * each organization only — not on the order rows arrive in, on threads, or on which other
 * organizations are in the batch. */
#ifndef LOTK_BOOTSTRAP_H
#define LOTK_BOOTSTRAP_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "base/err.h"
#include "score/score.h"
#include "base/buf.h"

struct json_t;
struct lotk_plugins;

/* ---- the generator: PCG32 (O'Neill 2014, XSH RR 64/32), seeded through splitmix64 --- */

struct lotk_pcg32 {
    uint64_t state, inc;
};

/* splitmix64 (Steele, Lea & Flood 2014): advances *x and returns the next output. */
uint64_t lotk_bootstrap_splitmix64(uint64_t *x);

/* Seeds rng as pcg32_srandom_r(initstate, initseq) of the reference implementation. */
void lotk_bootstrap_pcg32_seed(struct lotk_pcg32 *rng, uint64_t initstate, uint64_t initseq);

/* The next 32 random bits (pcg32_random_r). */
uint32_t lotk_bootstrap_pcg32(struct lotk_pcg32 *rng);

/* A uniform integer in [0, bound), bound > 0, without modulo bias (pcg32_boundedrand_r:
 * draws below 2^32 mod bound are rejected). */
uint32_t lotk_bootstrap_pcg32_bounded(struct lotk_pcg32 *rng, uint32_t bound);

/* Seeds rng for the organization called org_id: splitmix64 started at seed XOR the 64-bit
 * FNV-1a hash of the id gives initstate and initseq. */
void lotk_bootstrap_seed_org(struct lotk_pcg32 *rng, uint64_t seed, const char *org_id);

/* ---- collecting respondents --------------------------------------------------------- */

struct lotk_boot_rows;

/* An empty collector for the survey leaves of s (which must outlive it). The caller frees
 * it with lotk_bootstrap_rows_free. */
struct lotk_boot_rows *lotk_bootstrap_rows_new(const struct lotk_standard *s);

/* Keeps one respondent of the scorer's organization org: values[node] are its node values
 * (only survey leaves are read; NaN = none). Safe to call from several threads. Has the
 * shape of a lotk_scorer_observe observer (keyed is ignored). */
void lotk_bootstrap_observe(void *rows, int org, const double *values, const double *keyed);

/* Respondents kept so far. */
long lotk_bootstrap_rows_count(const struct lotk_boot_rows *rows);

void lotk_bootstrap_rows_free(struct lotk_boot_rows *rows);

/* ---- running it ---------------------------------------------------------------------- */

struct lotk_bootstrap_opts {
    long replicates;   /* >= 1 */
    uint64_t seed;
    double confidence; /* in (0, 1), e.g. 0.95 */
};

struct lotk_boot_org {
    long undefined;    /* replicates whose total had no value (not in the interval) */
    double lo, hi;     /* percentile interval of the total points; NaN when none */
    double *grade_p;   /* per band: share of replicates whose total falls in it; NULL when
                        * the organization gets no grade (few_respondents) */
};

struct lotk_bootstrap {
    struct lotk_bootstrap_opts opts;
    size_t norgs, nbands;
    struct lotk_boot_org *orgs; /* indexed like the result's orgs */
};

/* Runs opts->replicates replicates for every organization of r (scored from the rows
 * collected in rows, with the scorer's organization indices mapped by
 * lotk_result_org_index). plugins may be NULL when the standard uses no aggregate plugin.
 * The interval is [Q((1 − c)/2), Q((1 + c)/2)] of the replicate totals with a value, Q the
 * R type 7 quantile (norms.h). Returns 0 and *out (the caller frees it with
 * lotk_bootstrap_free), or LOTK_EPLUGIN when an aggregate plugin failed. */
int lotk_bootstrap_run(const struct lotk_boot_rows *rows, const struct lotk_result *r,
                       struct lotk_plugins *plugins, const struct lotk_bootstrap_opts *opts,
                       struct lotk_bootstrap **out, struct lotk_err *err);

void lotk_bootstrap_free(struct lotk_bootstrap *b);

#endif
