/* compare.h — change between rounds: what a result must carry for it (the spread and
 * reliability of organization scores per node, the "org_reliability" block of lotk score)
 * and `lotk compare` itself (issue 6; formulas and their justification in
 * docs/statistics.md).
 *
 * Values compared are on each node's normalised scale: a node's `norm` in [0, 1], and for
 * the total the reported points over the standard's points (so rule point adjustments
 * count). The reliable change index (Jacobson & Truax 1991) of a node is
 *
 *     RCI = (new − old) / SE_diff,   SE_diff = √2 · SD · √(1 − r)
 *
 * with SD the standard deviation of the organizations' values and r the reliability of an
 * organization's value, both of the old (baseline) round's org_reliability block: for a
 * leaf r = ICC(2); for inner nodes and the total r follows from a composite standard
 * error of measurement (see lotk_compare_basis_json). SD·√(1 − r) is the standard error
 * of an organization's value, so SE_diff is the standard error of the difference of two
 * independent rounds. |RCI| > 1.96 marks a change beyond measurement error (two-sided
 * 5 %). */
#ifndef LOTK_COMPARE_H
#define LOTK_COMPARE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>

#include "base/err.h"
#include "analysis/doc.h"
#include "analysis/norms.h"
#include "analysis/targets.h"
#include "score/score.h"
#include "base/buf.h"

/* ---- what lotk score adds for compare ------------------------------------------------ */

/* The measurement error of result r's organization values, per node (node 0 is the total;
 * the JSON's "org_reliability" block):
 *   organizations  those not flagged few_respondents that have a value
 *   sd             the sample SD (n − 1) of their values on the normalised scale
 *   sem            the standard error of measurement of an organization's value
 *   r              the reliability of an organization's value, 1 − sem²/sd²
 *   method         how sem was found:
 *     "icc2"       survey leaves: r = ICC(2) of the leaf (the aggregation block) and
 *                  sem = sd·√(1 − r); sd²·(1 − ICC(2)) ≈ MSW/k, the sampling variance of
 *                  the mean of an organization of k respondents
 *     "composite"  inner nodes and the total: sem = Σ c·sem of the children, c the
 *                  children's weight shares (1/n under `mean`): the sampling error of a
 *                  weighted mean when the children's errors are perfectly correlated —
 *                  an upper bound, since respondents' errors on sibling indicators are
 *                  positively but not perfectly correlated; a linear approximation under
 *                  min, max, geomean and plugin aggregates
 *     "evidence"   evidence leaves: no sampling error (sem 0; rater error is not modelled)
 * Only result-level quantities are used, so the block is the same whatever --jobs was. */
struct lotk_compare_basis {
    size_t nnodes;          /* as the standard */
    size_t *organizations;  /* per node */
    double *sd, *sem, *r;   /* per node; NaN when undefined */
    const char **method;    /* per node: "icc2", "composite" or "evidence" (static text) */
};

/* Computes the basis of r. The caller frees it with lotk_compare_basis_free. */
struct lotk_compare_basis *lotk_compare_basis_new(const struct lotk_result *r);
void lotk_compare_basis_free(struct lotk_compare_basis *b);

/* ---- lotk compare ---------------------------------------------------------------------- */

/* The RCI of a change from old to new given the baseline SD and reliability r (< 1; a
 * negative ICC(2) is used as it is, since SD²·(1 − ICC(2)) stays the sampling variance of
 * a mean). Stores SE_diff = √2·SD·√(1 − r) in *se_diff (may be NULL). NaN when any input
 * is NaN or SE_diff is not positive. */
double lotk_compare_rci(double old_value, double new_value, double sd, double r,
                        double *se_diff);

/* How a node of the newer round is matched and judged. */
struct lotk_compare_node {
    const char *id;      /* in the newer round */
    const char *old_id;  /* in the older round (differs when crosswalked) */
    double sd, r, se_diff; /* the basis; NaN when unknown */
    const char *basis;   /* "old", "new" (old round lacked it) or NULL */
};

struct lotk_compare_change {
    double old_value, new_value, diff, rci; /* NaN when unknown */
    int change; /* +1 improved, −1 declined (|RCI| > critical), 0 within error, 2 unknown */
};

struct lotk_compare_org {
    const struct lotk_doc_org *old_org, *new_org;
    struct lotk_compare_change *changes; /* per node */
};

struct lotk_comparison {
    struct lotk_doc old_doc, new_doc;
    const char *old_path, *new_path;
    bool version_mismatch;
    double critical;
    struct lotk_compare_node *nodes; /* total first, then the newer round's nodes */
    size_t nnodes;
    struct lotk_compare_org *orgs;   /* in both rounds, in the newer round's order */
    size_t norgs;
    const char **only_old, **only_new; /* organization ids */
    size_t nonly_old, nonly_new;
    const char **unmatched_old;      /* old node ids nothing in the new round maps to */
    size_t nunmatched_old;
    struct lotk_standard *standard;  /* the newer standard, when found (for the crosswalk) */
    struct lotk_target_progress *progress; /* a city standard's targets in both rounds */
    size_t nprogress;
    size_t ncrosswalk_used;
};

/* Compares the results at old_path and new_path. standard_path (may be NULL) names the
 * newer standard; without it, when the versions differ, the newer standard is looked up
 * by id on the search path for its crosswalk. Warnings (version mismatch, organizations
 * in one round only, nodes without a counterpart) go to warn (may be NULL). Returns 0
 * and *out (the caller frees it with lotk_compare_free); LOTK_EIO for a file that is not
 * a lotk result, LOTK_EUSAGE when the standard ids differ, LOTK_ESTANDARD when the given
 * standard does not load (its problems printed to warn). */
int lotk_compare_run(const char *old_path, const char *new_path, const char *standard_path,
                     FILE *warn, struct lotk_comparison **out, struct lotk_err *err);

/* +1 "improved", −1 "declined", 0 "none"; NULL for unknown (2). */
const char *lotk_compare_change_name(int change);

void lotk_compare_free(struct lotk_comparison *c);

#endif
