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
 * Order independence. lotk must print the same bytes whether a file is scored by one
 * thread, by --jobs N threads whose accumulators are merged, or in shards merged later
 * (lotk_stats_write / lotk_stats_read), so every accumulated quantity is an exact sum: it
 * depends only on the multiset of values added. Values that are multiples of 1/16 (item
 * values; whole-number answers, and labels such as 2.5 or 3.25) or of 1/(16·lcm(1..k))
 * (leaf values, k ≤ 12 items: the mean of answered items; a mean such as 10/3, rounded to
 * double, counts as the exact fraction, less than an ulp away) are summed as integers in
 * those units (int64, int128 where a sum of squares needs it); any other value goes to a
 * lotk_exact accumulator (exact.h), allocated on first need. The route depends on the value
 * alone and both routes are exact, so their sum is too. The results are then computed from
 * exact centred forms — n·Σxy − Σx·Σy for a covariance, n_g·Σv² − (Σv)² and N·S_g − n_g·T
 * per organization for the ANOVA, c·Σx² − Σ(Σx_i)² for rwg(j) — in int128 or, when a sum
 * has an exact part, in 768-bit integers, and rounded once; per-organization terms of the
 * ANOVA are added exactly as well, so the numbering of organizations does not matter
 * either. Covariances are thus the correctly rounded value divided by n(n − 1). Against R on
 * the fixture every statistic agrees within 1e-15 relative; on 10M off-centre, non-integer
 * rows with missing answers (tests/unit/test_stats.c, against a two-pass long double
 * computation) within 2e-14, the largest being ICC(1), ill-conditioned there.
 *
 * Ranges. Values must lie within ±2^40 (a larger or infinite value makes the leaf's
 * statistics NaN), an organization holds fewer than 2^31 respondents (more: the same), and
 * all accumulators together fewer than 2^62 rows. */
#ifndef LOTK_STATS_H
#define LOTK_STATS_H

#include <stddef.h>

#include "standard/standard.h"

struct lotk_buf;
struct lotk_err;
struct lotk_stats;

/* Creates empty accumulators for the survey leaves of s, which must outlive them. Memory is
 * O(leaves × items² + organizations × items), never rows: 96 bytes per item pair of a leaf
 * (96 more once the leaf sees a value off the integer path) and 1 KiB per item of a leaf for
 * its block of rows of small whole numbers (stats.c), and per organization 16 bytes plus, from its first
 * row, 40 bytes per leaf and 4 per item; an organization that sees a value off the integer
 * path in a leaf (or item sums beyond int32) gets 8 bytes per leaf and 96 + 32 per item of
 * that leaf more. The caller owns the result and frees it with lotk_stats_free. */
struct lotk_stats *lotk_stats_new(const struct lotk_standard *s);

/* Adds one respondent. org is the scorer's organization index (0-based, in order of first
 * appearance; the accumulator grows as new indices appear, a negative index is ignored).
 * keyed[i] is the keyed value of item i of the standard (reverse items already turned into
 * min + max − x; NaN = no answer); leaf[n] is the respondent's value of node n (NaN = none;
 * only survey leaves are read). Costs O(Σ over leaves of answered items²) integer
 * additions (about 0.35 µs for 60 items in 12 leaves of 5), about three times that for a
 * leaf with values off the integer path; allocates only when a new organization index appears
 * or a value first leaves the integer path. */
void lotk_stats_add(struct lotk_stats *st, int org, const double *keyed, const double *leaf);

/* Starts loading organization org's sums into cache (nothing when it has none yet): for a
 * caller that knows a row's organization well before it adds the row. */
void lotk_stats_prefetch(const struct lotk_stats *st, int org);
/* The step before: starts loading the entry that says where org's sums are. */
void lotk_stats_prefetch_entry(const struct lotk_stats *st, int org);

/* lotk_stats_add for a row whose keyed values the caller knows to be no answer or whole
 * numbers within ±127 (a survey row with lotk_row.small, keyed with whole min + max): the
 * same sums, without testing each value. */
void lotk_stats_add_small(struct lotk_stats *st, int org, const double *keyed,
                          const double *leaf);

/* Merges b into a (a ≠ b); both were created for the same standard. Organization o of b
 * becomes organization b_org_to_a[o] of a (NULL = the same index; a negative entry drops
 * it); a grows as needed. The result equals feeding a's and b's rows to one accumulator
 * exactly: every statistic is then bit for bit what one accumulator fed all rows, in any
 * order and under any numbering of organizations, gives. b is unchanged. */
void lotk_stats_merge(struct lotk_stats *a, const struct lotk_stats *b, const int *b_org_to_a);

/* lotk_stats_merge for a b that is done with: an organization a has no sums for yet takes
 * b's as they are, without a copy (so merging the ranges of threads needs no new memory);
 * b is left to be freed. */
void lotk_stats_absorb(struct lotk_stats *a, struct lotk_stats *b, const int *b_org_to_a);

/* The number of organization indices st knows: one more than the highest index added or
 * merged in (0 when none). A record written from st holds this many organizations. */
size_t lotk_stats_orgs(const struct lotk_stats *st);

/* Appends all of st's accumulators to out as one self-delimiting binary record, for
 * lotk_stats_read on another run or machine (lotk merge). Returns 0. st is unchanged; out
 * grows as needed (it belongs to the caller).
 *
 * Format, version 1. Every integer is little-endian with the width given (i = two's
 * complement, u = unsigned); i128 is its low u64 then its high u64; an "exact" is the 4
 * u64 limbs of a struct lotk_exact, lowest first (a 256-bit two's complement count of
 * 2^-128). "Units" below: item sums count 1/16, products of two items 1/256; leaf value
 * sums count 1/(16·lcm), their squares that unit squared. Exact parts are in value units.
 *   header   char[8] "lotkstat"; u32 version = 1; u32 L = leaves; u64 G = organizations;
 *            u64 size of the whole record in bytes, header included
 *   leaves   L × {u32 node; u32 k = items; u32 item unit = 16; u32 lcm = lcm(1..min(k,12))}
 *            — must match the reader's standard
 *   per leaf u64 respondents with an answer; u64 range errors; u8 has_exact (0 or 1);
 *            then for each item pair i ≤ j in row-major order {u64 n; i128 Σx_i; i128 Σx_j;
 *            i128 Σx_i·x_j} over the integer path; then, when has_exact, for each pair the
 *            same three sums off it as 3 exacts
 *   orgs     for each organization 0..G−1, for each leaf: u8 flags (bit 0: integer sums
 *            follow, bit 1: exact sums follow; 0 for an organization without rows); bit 0:
 *            {i32 respondents with a value; i32 complete respondents; i64 Σv; u128 Σv²
 *            (low u64, high u64); i64 Σ over complete rows and items of x²; k × i64 Σx_i
 *            over the complete rows}; bit 1: {exact Σv; exact Σv²; exact Σx²; k × exact Σx_i}
 * A reader refuses another version. */
int lotk_stats_write(const struct lotk_stats *st, struct lotk_buf *out);

/* Merges the record at data (len bytes available; it may be followed by more records) into
 * st, as lotk_stats_merge would merge the accumulator that wrote it: organization o of the
 * record becomes org_map[o] of st (NULL = the same index; a negative entry drops it).
 * org_map must hold an entry for every organization of the record (lotk_stats_peek tells
 * how many: the writer's lotk_stats_orgs). Returns 0 with the record's size in *used; or
 * LOTK_EIO with err filled and *used 0 for a record that is truncated, of another
 * version, written for another standard (its leaves, items or units differ), or whose
 * counts and integer sums are out of the ranges the writer can produce — then st is
 * unchanged. A well-formed record with implausible exact sums gives wrong statistics but no
 * crash or undefined behaviour. */
int lotk_stats_read(struct lotk_stats *st, const char *data, size_t len, size_t *used,
                    const int *org_map, struct lotk_err *err);

/* Reads the header of the record at data: its organization count to *norgs and its size in
 * bytes to *size (either may be NULL). Returns 0, or LOTK_EIO (err filled) when data
 * does not start with a record of this version that fits in len bytes. */
int lotk_stats_peek(const char *data, size_t len, size_t *norgs, size_t *size,
                    struct lotk_err *err);

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

/* Frees what st holds for one organization, once its rwg(j) has been read and the ICCs
 * (which need every organization) have been computed: afterwards it counts as an
 * organization never seen. Lets the scorer keep results and accumulators from both
 * being whole at once. */
void lotk_stats_release_org(struct lotk_stats *st, int org);

/* Frees st; NULL-safe. */
void lotk_stats_free(struct lotk_stats *st);

#endif
