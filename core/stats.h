/* stats.h — reliability and aggregation statistics from streamed sufficient statistics
 * (DESIGN §4, issue 6).
 *
 * The scorer hands every respondent's keyed item values and leaf values to one
 * accumulator; nothing per row is kept, so memory is O(leaves × items² + organizations ×
 * items) however many rows are read. Only survey leaves (nodes that own items) are
 * tracked; evidence leaves and inner nodes are ignored.
 *
 * Reference implementations, matched to rounding (see tests/unit/test_stats.c):
 *   alpha, average_r             psych::scoreItems(impute = "none") $alpha, $av.r
 *   std_alpha, mean_r,
 *   item_total, alpha_if_dropped psych::alpha(keyed items, use = "pairwise"): total
 *                                std.alpha and average_r, item.stats r.drop,
 *                                alpha.drop raw_alpha
 *   ICC(1), ICC(2)               multilevel::ICC1/ICC2 of aov(value ~ as.factor(org))
 *   rwg(j)                       multilevel::rwg.j(keyed items, org, ranvar = (A²−1)/12)
 *
 * Numerics. Item covariances (over all respondents, per leaf): per row only plain sums are
 * added, 4 flops per answered item pair, over blocks of 1024 rows, each value shifted by a
 * centre (the scale midpoint for the first block, the item's mean so far after that) so
 * that Σxy − ΣxΣy/n cancels little; each full block is folded into mean / co-moment form
 * with Chan's update, which is also how accumulators merge. Per organization (there may be
 * hundreds of thousands) the state is kept small instead: Welford running means and sums of
 * squares, 40 bytes per leaf and 8 per item. On 10M off-centre, non-integer rows with
 * missing answers (tests/unit/test_stats.c, against a two-pass long double computation)
 * alpha and the other reliability values stay within 2e-14 relative, rwg(j) and ICC(2)
 * within 1e-15, ICC(1) — ill-conditioned there, its group means differ by 1e-3 of their
 * size — within 2e-11; plain sums shifted by the midpoint are off by 1e-8. */
#ifndef LOTK_STATS_H
#define LOTK_STATS_H

#include <stddef.h>

#include "standard.h"

struct lotk_stats;

/* Creates empty accumulators for the survey leaves of s, which must outlive them. Memory is
 * O(leaves × items² + organizations × items), never rows: 64 bytes per item pair of a leaf,
 * and per organization 40 bytes per leaf plus 8 per item. The caller owns the result and
 * frees it with lotk_stats_free. */
struct lotk_stats *lotk_stats_new(const struct lotk_standard *s);

/* Adds one respondent. org is the scorer's organization index (0-based, in order of first
 * appearance; the accumulator grows as new indices appear, a negative index is ignored).
 * keyed[i] is the keyed value of item i of the standard (reverse items already turned into
 * min + max − x; NaN = no answer); leaf[n] is the respondent's value of node n (NaN = none;
 * only survey leaves are read). Costs O(Σ over leaves of answered items²) flops (about
 * 0.3 µs for 60 items in 12 leaves of 5), no allocation except when a new organization
 * index appears. */
void lotk_stats_add(struct lotk_stats *st, int org, const double *keyed, const double *leaf);

/* Merges b into a (a ≠ b); both were created for the same standard. Organization o of b
 * becomes organization b_org_to_a[o] of a (NULL = the same index; a negative entry drops
 * it); a grows as needed. The result equals feeding a's and b's rows to one accumulator,
 * to rounding. b is unchanged. */
void lotk_stats_merge(struct lotk_stats *a, const struct lotk_stats *b, const int *b_org_to_a);

/* Reliability of one leaf over all respondents, from the pairwise-complete covariance
 * matrix C of its keyed items (C[i][j] over the rows answering both i and j, centred on
 * those rows' own means; C[i][i] over every row answering i; n − 1 denominators), exactly
 * as psych builds it. With k items, V = ΣC, T = trace C, R = C scaled to unit diagonal:
 *   alpha            k/(k−1) · (1 − T/V)                        (psych scoreItems $alpha)
 *   std_alpha        k/(k−1) · (1 − k/ΣR) = k·mean_r/(1+(k−1)·mean_r)
 *   mean_r           mean off-diagonal R, psych::alpha's average_r
 *   average_r        alpha/(k − (k−1)·alpha): scoreItems' $av.r, the r̄ that would give
 *                    the raw alpha by Spearman-Brown; equals mean_r when all items have
 *                    equal variances
 *   item_total[i]    corrected item-total r: cov(i, sum of the others) /
 *                    sqrt(C[i][i] · var(sum of the others)), every term taken from C, i.e.
 *                    Σ_{j≠i} C[i][j] / sqrt(C[i][i] · Σ_{j,l≠i} C[j][l]) (psych::alpha r.drop)
 *   alpha_if_dropped[i]  alpha of C without row and column i (psych::alpha alpha.drop
 *                    raw_alpha); NaN when k < 3 (psych reports C[1][2]/C[j][j] for k = 2,
 *                    which is not an alpha)
 * Undefined values are NaN: everything when a pair of items was answered together by fewer
 * than 2 rows (R's cov gives NA) or k < 2; std_alpha, mean_r and the item's item_total
 * when an item has zero variance. Where psych differs: it drops a zero-variance item from
 * the keys (scoreItems, with a warning), which changes alpha, and reports a NaN alpha as 1.
 * n counts the respondents who answered at least one item of the leaf. */
struct lotk_reliability {
    long n;
    size_t items;
    double alpha, std_alpha, average_r, mean_r;
    double *item_total;       /* per item of the leaf, in the leaf's order */
    double *alpha_if_dropped; /* per item of the leaf, in the leaf's order */
};

/* Fills out for leaf_node (a node that owns items). Returns 0, or LOTK_EUSAGE (out cleared)
 * when leaf_node is not such a node. out's arrays belong to the caller, who frees them with
 * lotk_reliability_clear. */
int lotk_stats_reliability(const struct lotk_stats *st, int leaf_node,
                           struct lotk_reliability *out);

/* Frees out's arrays and zeroes it; NULL-safe, and safe on a zeroed struct. */
void lotk_reliability_clear(struct lotk_reliability *out);

/* ICC(1) and ICC(2) of the leaf values of leaf_node by organization, from a one-way ANOVA
 * over the respondents with a value: ICC(1) = (MSB − MSW)/(MSB + (k − 1)·MSW) with k = N/G,
 * ICC(2) = (MSB − MSW)/MSB, as multilevel's ICC1/ICC2. N is the respondents with a value
 * and G the organizations with at least one (stored in *n and *groups; any output pointer
 * may be NULL). Both are NaN when G < 2 or N = G; ICC(2) also when MSB = 0, ICC(1) when
 * MSB + (k − 1)·MSW = 0 (R gives -Inf or NaN there). Returns 0, or LOTK_EUSAGE (outputs
 * NaN and 0) when leaf_node does not own items. */
int lotk_stats_icc(const struct lotk_stats *st, int leaf_node, double *icc1, double *icc2,
                   long *n, long *groups);

/* rwg(j) of organization org for leaf_node, as multilevel's rwg.j: over the org's
 * respondents who answered every item of the leaf (their count goes to *gsize, which may be
 * NULL), S = the mean of the items' variances (n − 1), capped at the uniform null
 * σ² = (A² − 1)/12 with A = max − min + 1 of the leaf's scale (its number of points when
 * they are whole numbers apart); rwg(j) = J(1 − S/σ²) /
 * (J(1 − S/σ²) + S/σ²) with J items, so 0 when S ≥ σ². NaN with fewer than 2 complete
 * respondents, an unknown org, or a node that does not own items (*gsize 0). */
double lotk_stats_rwg_j(const struct lotk_stats *st, int org, int leaf_node, long *gsize);

/* Frees st; NULL-safe. */
void lotk_stats_free(struct lotk_stats *st);

#endif
