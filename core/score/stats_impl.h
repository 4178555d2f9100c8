/* stats_impl.h — the accumulators of the statistics module, shared by its files and by no
 * one else: stats.c adds and merges rows, stats_compute.c computes the statistics from the
 * sums, stats_wire.c writes and reads them. Callers use stats.h. */
#ifndef LOTK_STATS_IMPL_H
#define LOTK_STATS_IMPL_H

#include <stdint.h>
#include <string.h>

#include "base/exact.h"
#include "base/mem.h"
#include "base/wide.h"
#include "score/stats.h"

typedef lotk_i128 i128;
typedef lotk_u128 u128;

/* Every accumulated quantity is an exact sum, so it depends only on the multiset of values
 * added, never on their order or grouping, and so does everything computed from it. A
 * contribution is an integer in fixed units when its value allows (see the units below),
 * otherwise it goes to a lotk_exact accumulator, allocated on first need. Which of the two a
 * value takes depends only on the value, and both hold it exactly, so the split does not
 * leak into the results either. */
enum {
    /* Item values are counted in 1/ITEM_UNIT: answers that are whole numbers, halves,
     * quarters, … up to sixteenths (labels such as 2.5 or 3.25) stay integers. */
    ITEM_UNIT = 16,
    /* |x · ITEM_UNIT| below this takes the integer path (|x| < 2048). */
    ITEM_INT_LIMIT = 1 << 15,
    /* Open pair sums are folded into the int128 totals this often. They are doubles, yet
     * exact: Σx is a multiple of 2^-4 below 2^31 and Σxy a multiple of 2^-8 below 2^42,
     * both within a double's 53 bits. */
    FLUSH_ROWS = 1 << 20,
    /* Leaf values (means of answered items) are counted in 1/(ITEM_UNIT · lcm(1..k')),
     * k' = min(k, LCM_ITEMS_MAX): then the mean of any a ≤ k' items that are multiples of
     * 1/ITEM_UNIT is an integer in those units. lcm(1..12) = 27720, so units stay below
     * 2^19. */
    LCM_ITEMS_MAX = 12,
    /* A leaf's rows whose answers are all whole numbers in [-SMALL_MAX, SMALL_MAX] are
     * kept as 16-bit columns, BLOCK_ROWS at a time, and their pair sums taken as dot
     * products of whole columns (a Gram matrix), which vectorise; per row that is a few
     * stores instead of four additions per item pair. Products stay below 2^14 and a
     * column's dot product below 2^22, well within int32. */
    BLOCK_ROWS = 256,
    SMALL_MAX = 127,
};

/* A leaf value takes the integer path when |value · unit| < 2^31, so its square is below
 * 2^62 and an organization's sum of squares (at most 2^31 − 1 rows) below 2^93. */
#define LEAF_INT_LIMIT 0x1p31
/* Values at or beyond ±2^40 (or infinite) would overflow the exact accumulators' range
 * (±2^127) once squared and summed; they make the leaf's statistics NaN instead. */
#define VALUE_LIMIT 0x1p40
/* Row counts stay far below this (2^62) in every sum, which keeps the int128 totals from
 * overflowing; a serialised record that would exceed it is refused. */
#define COUNT_LIMIT ((int64_t)1 << 62)

/* ---- pairwise-complete sums of a leaf (over all respondents) ------------------------ */

/* Open sums of one item pair over values on the integer path: rows answering both, Σx,
 * Σy, Σxy, exact in double (see FLUSH_ROWS), so the hot loop is plain double additions.
 * Folded into struct pair_tot, in units of 1/16 and 1/256, every FLUSH_ROWS rows. */
struct pair_blk {
    int64_t n;
    double sx, sy, sxy;
};

/* Integer-path sums of one item pair: Σx, Σy in 1/16, Σxy in 1/256. */
struct pair_tot {
    int64_t n;
    i128 sx, sy, sxy;
};

/* The contributions that are not integers in those units, in plain value units. */
struct pair_ext {
    struct lotk_exact sx, sy, sxy;
};

/* A survey leaf as the accumulators see it. */
struct leaf {
    int node;
    size_t k;                 /* items */
    const int *items;         /* the standard's item indices */
    size_t first;             /* offset of its first item in per-organization item arrays */
    uint32_t lcm;             /* lcm(1..min(k, LCM_ITEMS_MAX)) */
    double unit;              /* leaf value unit: ITEM_UNIT · lcm */
    double null_var;          /* uniform null (A² − 1)/12 */
    int64_t answered;         /* respondents with at least one answered item */
    int64_t range_errors;     /* values out of range; any makes the leaf's statistics NaN */
    struct pair_blk *blk;     /* k × k, upper triangle used */
    struct pair_tot *tot;     /* k × k, upper triangle used */
    /* The open block of small whole-number rows (see BLOCK_ROWS): 2k columns of
     * BLOCK_ROWS, the k items' values (0 when unanswered), then their answered marks. */
    int16_t *small;
    int small_rows;
    struct pair_ext *ext;     /* k × k or NULL until a non-integral contribution */
};

/* ---- per organization ---------------------------------------------------------------- */

/* One organization and leaf, integer path: 40 bytes. n, sm, sm2 feed the ANOVA (sm in leaf
 * value units, sm2 in their squares, a 128-bit sum in two halves); complete and q feed
 * rwg(j): the rows that answered every item and Σ over them and the items of x² (units
 * 1/256; a row takes this path only when its Σ(16x)² is below 2^32, so q < 2^63). The
 * per-item sums Σx over the complete rows follow the leaves, 4 bytes per item, in units of
 * 1/16: a row whose addition would leave int32 takes the exact path instead (add_complete),
 * which keeps an organization's memory at a minimum for the usual answer scales. */
struct org_leaf {
    int32_t n, complete;
    int64_t sm;
    uint64_t sm2_lo, sm2_hi;
    int64_t q;
};

/* The same sums for contributions off the integer path, in value units. */
struct org_ext {
    struct lotk_exact sv, sv2, q;
    struct lotk_exact s[]; /* per item of the leaf */
};

struct org {
    struct org_leaf *leaf; /* per leaf, then the item sums; NULL until the first row */
    struct org_ext **ext;  /* per leaf; NULL until an organization needs one */
};

struct lotk_stats {
    const struct lotk_standard *s;
    struct leaf *leaves;
    size_t nleaves;
    int *leaf_of_node;      /* node → index into leaves, or -1 */
    size_t nitems;          /* Σ k over leaves */
    struct org *orgs;
    size_t norgs, cap_orgs;
    long open_rows;         /* rows in the open pair_blk sums */
    double *x;              /* scratch: one leaf's values of a row (NaN = none) */
    unsigned char *off;     /* scratch: 1 where x is off the integer path */
    int64_t *item_sums;     /* scratch: one leaf's item sums of an organization, merging */
    int32_t *item_units;    /* scratch: one leaf's values of a row in 1/ITEM_UNIT */
};

/* The per-item sums of organization g, after its leaves (one allocation: org_at). */
static inline int32_t *org_item_sums(const struct lotk_stats *st, const struct org *g)
{
    return (int32_t *)(g->leaf + st->nleaves);
}

/* Makes organization index org exist. Indices skipped over get no memory until their first
 * row (a merge may map organizations sparsely). */
static inline void org_slot(struct lotk_stats *st, int org)
{
    if ((size_t)org >= st->norgs) {
        size_t need = (size_t)org + 1;
        lotk_grow(&st->orgs, &st->cap_orgs, need, sizeof *st->orgs);
        memset(st->orgs + st->norgs, 0, (need - st->norgs) * sizeof *st->orgs);
        st->norgs = need;
    }
}

/* Organization org with its sums allocated. */
static inline struct org *org_at(struct lotk_stats *st, int org)
{
    org_slot(st, org);
    struct org *g = &st->orgs[org];
    if (!g->leaf) {
        /* One allocation: the item sums follow the 8-byte aligned leaves. */
        size_t bytes = st->nleaves * sizeof *g->leaf + st->nitems * sizeof(int32_t);
        g->leaf = lotk_xcalloc(1, bytes ? bytes : 1);
    }
    return g;
}

/* Leaf l's exact sums of organization g, allocated on first need. */
static inline struct org_ext *org_ext_at(const struct lotk_stats *st, struct org *g, size_t l)
{
    if (!g->ext)
        g->ext = lotk_xcalloc(st->nleaves, sizeof *g->ext);
    if (!g->ext[l])
        g->ext[l] = lotk_xcalloc(1, sizeof **g->ext + st->leaves[l].k * sizeof(struct lotk_exact));
    return g->ext[l];
}

/* Leaf l's exact sums of organization g, or NULL when it has none. */
static inline const struct org_ext *org_ext_of(const struct org *g, size_t l)
{
    return g->ext ? g->ext[l] : NULL;
}

/* The leaf's exact pair sums, allocated on first need. */
static inline struct pair_ext *leaf_ext(struct leaf *lf)
{
    if (!lf->ext)
        lf->ext = lotk_xcalloc(lf->k * lf->k, sizeof *lf->ext);
    return lf->ext;
}

/* An organization's Σv² of a leaf as one integer. */
static inline i128 org_sm2(const struct org_leaf *ol)
{
    return (i128)(((u128)ol->sm2_hi << 64) | ol->sm2_lo);
}

/* Pair p's integer-path totals with the open sums and the open block folded in. */
struct pair_tot lotk_stats_pair_total(const struct leaf *lf, size_t p);

/* Adds one organization's sums of leaf l (lb, its item sums sb in 1/ITEM_UNIT, its exact
 * sums eb or NULL) into organization ga of a. Counts that would pass INT32_MAX are refused
 * as a range error of the leaf. */
void lotk_stats_org_leaf_merge(struct lotk_stats *a, struct org *ga, size_t l,
                               const struct org_leaf *lb, const int64_t *sb,
                               const struct org_ext *eb);

#endif
