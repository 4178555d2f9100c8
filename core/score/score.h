/* score.h — accumulating respondent rows per organization and scoring the tree (DESIGN §4).
 *
 * The scorer keeps sufficient statistics only (per organization and leaf: respondents
 * with a value and the sum of their values), so memory grows with organizations ×
 * indicators, never with rows — unless respondent values were asked for. */
#ifndef LOTK_SCORE_H
#define LOTK_SCORE_H

#include <stdbool.h>
#include <stddef.h>

#include "base/err.h"
#include "standard/standard.h"
#include "score/stats.h"
#include "input/survey.h"

enum lotk_flag {
    LOTK_FLAG_FEW_RESPONDENTS = 1 << 0, /* fewer than survey.min_respondents: no grade */
    LOTK_FLAG_INCOMPLETE = 1 << 1,      /* a node lacks a value because a child has none */
    LOTK_FLAG_NO_BAND = 1 << 2,         /* the total is below every band */
    LOTK_FLAG_LOW_AGREEMENT = 1 << 3,   /* a leaf's rwg(j) is under agreement.rwg_j */
    /* Evidence (evidence.h, docs/evidence.md): */
    LOTK_FLAG_EVIDENCE_ONLY = 1 << 4,   /* rated by assessors, but no survey rows */
    LOTK_FLAG_UNRATED = 1 << 5,         /* an evidence indicator has no rating */
    LOTK_FLAG_ASSESSOR_SPREAD = 1 << 6, /* assessors of one role differ by more than spread */
    LOTK_FLAG_SELF_EXCEEDS = 1 << 7,    /* self-assessment above third party by > margin */
    LOTK_FLAG_SELF_ONLY = 1 << 8,       /* self-assessed, no third-party rating */
    LOTK_FLAG_UNCITED = 1 << 9,         /* a rating without the citation its rubric asks */
};

/* Names of the flags in output, in bit order. */
const char *lotk_flag_name(unsigned bit_index);
enum { LOTK_FLAG_COUNT = 10 };

/* What a rule plugin did to an organization, shown in every output. */
struct lotk_adjustment {
    char *rule;       /* the plugin's name */
    char *reason;
    char *grade;      /* forced grade, or NULL */
    char *max_grade;  /* grade ceiling, or NULL */
    double points;    /* added to the total */
};

struct lotk_org_result {
    char *id;
    long respondents;
    double points;     /* total; NaN when the root has no value */
    int band;          /* index into the standard's bands; -1 = no grade */
    unsigned flags;    /* enum lotk_flag bits */
    /* per node, indexed like the standard's nodes; NaN = no value. The six arrays share
     * one allocation, owned by mean. */
    double *mean;      /* leaves: mean of respondents' values on the scale; inner: NaN */
    double *norm;      /* in [0, 1] */
    double *points_of; /* points × share × norm */
    long *n;           /* leaves: respondents with a value; inner: 0 */
    double *rwg_j;     /* survey leaves: rwg(j) of the org's staff; NaN when undefined */
    long *rwg_n;       /* respondents who answered every item of the leaf */
    struct lotk_adjustment *adjustments; /* by rules, in the order they ran */
    size_t nadjustments;
    /* the organization's assessor ratings (borrowed from the scorer's evidence), or NULL */
    const struct lotk_evidence_org *evidence;
};

struct lotk_respondent {
    char *id;          /* the id column, or "FILE:LINE" when the standard has none */
    int org;           /* index into result orgs */
    double *values;    /* per node: leaves on their scale, inner nodes in [0, 1]; NaN = none */
};

/* Statistics of one survey leaf over the whole batch. */
struct lotk_leaf_stats {
    struct lotk_reliability reliability;
    double icc1, icc2;
    long icc_n, icc_groups;
};

struct lotk_result {
    const struct lotk_standard *standard;
    struct lotk_leaf_stats *leaf_stats; /* per node; filled for survey leaves only */
    struct lotk_survey_counts counts;
    struct lotk_org_result *orgs; /* in natural order of id */
    size_t norgs;
    struct lotk_respondent *respondents; /* in input order; only when kept */
    size_t nrespondents;
    int *org_order; /* scorer organization index → index in orgs */
    const struct lotk_evidence *evidence; /* borrowed (lotk_scorer_set_evidence), or NULL */
};

struct lotk_scorer;
struct lotk_plugins;
struct lotk_evidence;
struct lotk_evidence_org;

/* Scores the standard's evidence indicators from ev (finished here if it was not), which
 * is borrowed: it must outlive the scorer and every result it finishes. Organizations that
 * have evidence but no survey rows are scored too, on what they have, and flagged
 * evidence_only. Without it, evidence indicators have no value (flag unrated). */
void lotk_scorer_set_evidence(struct lotk_scorer *sc, struct lotk_evidence *ev);

/* Gives the scorer a city standard's statistic and member leaves of every unit (rollup.h),
 * borrowed: it must outlive the scorer. Units that have such values but no survey rows are
 * scored too, on what they have, like organizations with evidence only. */
struct lotk_rollup;
void lotk_scorer_set_rollup(struct lotk_scorer *sc, const struct lotk_rollup *ru);

/* Says that no survey file is given (a standard scored on evidence, statistics or members
 * alone): the survey leaves have no value, and min_respondents and evidence_only, which
 * are about a survey's respondents, do not apply. */
void lotk_scorer_set_no_survey(struct lotk_scorer *sc);

/* Creates a scorer for s. plugins (may be NULL when the standard names none) runs the
 * standard's aggregate and respondent plugins; keep_respondents keeps each respondent's
 * node values for output. The caller owns the result (lotk_scorer_free). */
struct lotk_scorer *lotk_scorer_new(const struct lotk_standard *s, struct lotk_plugins *plugins,
                                    bool keep_respondents);

/* Calls fn for every scored row, after the scorer has used it: org is the scorer's
 * organization index (order of first appearance; lotk_result_org_index maps it to the
 * result), values the row's node values (leaves on their scale; NaN = none), keyed the
 * row's keyed item values. For consumers that need more than sums (a bootstrap). */
void lotk_scorer_observe(struct lotk_scorer *sc,
                         void (*fn)(void *ctx, int org, const double *values,
                                    const double *keyed),
                         void *ctx);

/* Lets lotk_scorer_finish compute the leaves' statistics over all organizations
 * (reliability, ICC) on up to jobs threads (default 1); the result is the same either
 * way. */
void lotk_scorer_set_jobs(struct lotk_scorer *sc, int jobs);

/* Adds one decoded row. Matches the on_row signature of struct lotk_survey_sink; fails
 * only when a plugin does (LOTK_EPLUGIN). */
int lotk_scorer_add(void *scorer, const struct lotk_row *row, struct lotk_err *err);

/* Matches on_org of struct lotk_survey_sink: the reader has just read the organization id
 * of the row it is reading; the scorer finds the organization (it adds none) and starts
 * loading its sums, so that lotk_scorer_add finds them in cache when organizations come
 * interleaved. Only a hint: lotk_scorer_add checks it is the row's organization. */
void lotk_scorer_prefetch_org(void *scorer, const char *id, size_t len);

/* Scores every organization seen into *out (owned by the caller, freed with
 * lotk_result_free; it borrows the standard, which must outlive it). The scorer's sums are
 * released on the way: afterwards it can only be freed. Rules are not applied
 * here: see lotk_rules_apply. Returns 0, or LOTK_EPLUGIN when an aggregate plugin failed. */
int lotk_scorer_finish(struct lotk_scorer *sc, struct lotk_survey_counts counts,
                       struct lotk_result **out, struct lotk_err *err);

/* Adds everything src accumulated to dst (both for the same standard): the result is the
 * same, bit for bit, as if dst had read src's rows itself, since every sum is exact. */
void lotk_scorer_merge(struct lotk_scorer *dst, const struct lotk_scorer *src);

/* The statistics accumulated so far (reliability, agreement), owned by the scorer. */
const struct lotk_stats *lotk_scorer_stats(const struct lotk_scorer *sc);

/* lotk_scorer_merge, for a src that is done with: the organizations dst does not know yet
 * move over with their sums instead of being copied (src is left to be freed). */
void lotk_scorer_absorb(struct lotk_scorer *dst, struct lotk_scorer *src);

/* Appends sc's accumulated state (organizations, exact sums, statistics) to out, for a
 * partial result (partial.h). Little-endian, explicit widths. */
void lotk_scorer_write(const struct lotk_scorer *sc, struct lotk_buf *out);

/* Merges a state written by lotk_scorer_write (for the same standard) into sc, as
 * lotk_scorer_merge would. Returns 0, or LOTK_EIO naming file when the state is damaged
 * or was written for another standard. */
int lotk_scorer_read(struct lotk_scorer *sc, const char *data, size_t len, const char *file,
                     struct lotk_err *err);

/* The index in r->orgs of the scorer's organization index org (as observers see it). */
int lotk_result_org_index(const struct lotk_result *r, int org);

void lotk_scorer_free(struct lotk_scorer *sc);
void lotk_result_free(struct lotk_result *r);

/* Aggregates the values of node's children (NaN = none) the way the node declares,
 * weights and min_children included, into *out (NaN when the node has no value); sets
 * *incomplete when that is because a child has none. plugins may be NULL unless the node
 * uses an aggregate plugin. Returns 0 or LOTK_EPLUGIN. */
int lotk_score_aggregate(const struct lotk_standard *s, struct lotk_plugins *plugins, int node,
                         const double *norm, double *out, bool *incomplete,
                         struct lotk_err *err);

/* The band a total reaches (index into the standard's bands), or -1 when below all. */
int lotk_score_band(const struct lotk_standard *s, double points);

#endif
