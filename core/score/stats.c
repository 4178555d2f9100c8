/* stats.c — streamed reliability and aggregation statistics; see stats.h. */
#include "score/stats.h"

#include <float.h>
#include <math.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "base/err.h"
#include "base/exact.h"
#include "base/mem.h"
#include "base/buf.h"

/* The rounding tricks below ((a + 1.5·2^p) − 1.5·2^p) need every operation rounded to
 * double, not to a wider register format. */
_Static_assert(FLT_EVAL_METHOD == 0, "lotk's statistics need FLT_EVAL_METHOD 0 (SSE2 math)");

__extension__ typedef __int128 i128;
__extension__ typedef unsigned __int128 u128;

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
    /* Serialisation format version (stats.h documents the format). */
    FORMAT_VERSION = 1,
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
};

static int32_t *org_item_sums(const struct lotk_stats *st, const struct org *g)
{
    return (int32_t *)(g->leaf + st->nleaves);
}

static uint32_t lcm_upto(size_t k)
{
    uint32_t l = 1;
    for (uint32_t a = 2; a <= k && a <= LCM_ITEMS_MAX; a++) {
        uint32_t x = l, y = a;
        while (y) {
            uint32_t t = x % y;
            x = y;
            y = t;
        }
        l = l / x * a;
    }
    return l;
}

struct lotk_stats *lotk_stats_new(const struct lotk_standard *s)
{
    struct lotk_stats *st = lotk_xcalloc(1, sizeof *st);
    st->s = s;
    st->leaf_of_node = lotk_xmalloc((s->nnodes ? s->nnodes : 1) * sizeof *st->leaf_of_node);
    st->leaves = lotk_xcalloc(s->nnodes ? s->nnodes : 1, sizeof *st->leaves);
    size_t maxk = 1;
    for (size_t i = 0; i < s->nnodes; i++) {
        const struct lotk_node *node = &s->nodes[i];
        st->leaf_of_node[i] = -1;
        if (node->nitems == 0 || node->scale < 0)
            continue;
        const struct lotk_scale *scale = &s->scales[node->scale];
        struct leaf *lf = &st->leaves[st->nleaves];
        st->leaf_of_node[i] = (int)st->nleaves++;
        lf->node = (int)i;
        lf->k = node->nitems;
        lf->items = node->items;
        lf->first = st->nitems;
        st->nitems += lf->k;
        lf->lcm = lcm_upto(lf->k);
        lf->unit = (double)ITEM_UNIT * lf->lcm;
        double a = scale->max - scale->min + 1;
        lf->null_var = (a * a - 1) / 12;
        lf->blk = lotk_xcalloc(lf->k * lf->k, sizeof *lf->blk);
        lf->tot = lotk_xcalloc(lf->k * lf->k, sizeof *lf->tot);
        lf->small = lotk_xcalloc(2 * lf->k * BLOCK_ROWS, sizeof *lf->small);
        if (lf->k > maxk)
            maxk = lf->k;
    }
    st->x = lotk_xmalloc(maxk * sizeof *st->x);
    st->off = lotk_xmalloc(maxk * sizeof *st->off);
    st->item_sums = lotk_xmalloc(maxk * sizeof *st->item_sums);
    return st;
}

/* Makes organization index org exist. Indices skipped over get no memory until their first
 * row (a merge may map organizations sparsely). */
static void org_slot(struct lotk_stats *st, int org)
{
    if ((size_t)org >= st->norgs) {
        size_t need = (size_t)org + 1;
        lotk_grow(&st->orgs, &st->cap_orgs, need, sizeof *st->orgs);
        memset(st->orgs + st->norgs, 0, (need - st->norgs) * sizeof *st->orgs);
        st->norgs = need;
    }
}

/* Organization org with its sums allocated. */
static struct org *org_at(struct lotk_stats *st, int org)
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

static struct org_ext *org_ext_at(const struct lotk_stats *st, struct org *g, size_t l)
{
    if (!g->ext)
        g->ext = lotk_xcalloc(st->nleaves, sizeof *g->ext);
    if (!g->ext[l])
        g->ext[l] = lotk_xcalloc(1, sizeof **g->ext + st->leaves[l].k * sizeof(struct lotk_exact));
    return g->ext[l];
}

static struct pair_ext *leaf_ext(struct leaf *lf)
{
    if (!lf->ext)
        lf->ext = lotk_xcalloc(lf->k * lf->k, sizeof *lf->ext);
    return lf->ext;
}

/* Adds a·b exactly: the rounded product and its rounding error, both exact doubles. */
static void exact_add_product(struct lotk_exact *e, double a, double b)
{
    double p = a * b;
    lotk_exact_add(e, p);
    lotk_exact_add(e, fma(a, b, -p));
}

/* The four dot products of an item pair's columns over the first `rows` rows. */
struct small_dots {
    int32_t n, sx, sy, sxy;
};

static struct small_dots dot_small(const int16_t *xi, const int16_t *mi, const int16_t *xj,
                                   const int16_t *mj, int rows)
{
    int32_t n = 0, sx = 0, sy = 0, sxy = 0;
    for (int r = 0; r < rows; r++) {
        n += (int32_t)mi[r] * mj[r];
        sx += (int32_t)xi[r] * mj[r];
        sy += (int32_t)mi[r] * xj[r];
        sxy += (int32_t)xi[r] * xj[r];
    }
    return (struct small_dots){n, sx, sy, sxy};
}

/* Pair p's sums over the small-number block's first `rows` rows, in the totals' units. */
static struct pair_tot small_pair(const struct leaf *lf, size_t p, int rows)
{
    size_t k = lf->k, i = p / k, j = p % k;
    struct pair_tot r = {0, 0, 0, 0};
    if (i > j || rows == 0)
        return r;
    const int16_t *xi = lf->small + i * BLOCK_ROWS, *xj = lf->small + j * BLOCK_ROWS;
    const int16_t *mi = xi + k * BLOCK_ROWS, *mj = xj + k * BLOCK_ROWS;
    /* A full block with the trip count fixed, so that the loop vectorises. */
    struct small_dots d = rows == BLOCK_ROWS ? dot_small(xi, mi, xj, mj, BLOCK_ROWS)
                                             : dot_small(xi, mi, xj, mj, rows);
    r.n = d.n;
    r.sx = (i128)d.sx * ITEM_UNIT;
    r.sy = (i128)d.sy * ITEM_UNIT;
    r.sxy = (i128)d.sxy * (ITEM_UNIT * ITEM_UNIT);
    return r;
}

/* Folds a full small-number block into the totals and empties it. */
static void fold_small(struct leaf *lf)
{
    for (size_t p = 0; p < lf->k * lf->k; p++) {
        struct pair_tot add = small_pair(lf, p, lf->small_rows);
        lf->tot[p].n += add.n;
        lf->tot[p].sx += add.sx;
        lf->tot[p].sy += add.sy;
        lf->tot[p].sxy += add.sxy;
    }
    lf->small_rows = 0;
}

/* The totals with the open sums folded in (exact conversions: see FLUSH_ROWS). */
static struct pair_tot pair_total(const struct leaf *lf, size_t p)
{
    const struct pair_tot *t = &lf->tot[p];
    const struct pair_blk *b = &lf->blk[p];
    struct pair_tot s = small_pair(lf, p, lf->small_rows);
    struct pair_tot r = {t->n + b->n + s.n, t->sx + (int64_t)(b->sx * ITEM_UNIT) + s.sx,
                         t->sy + (int64_t)(b->sy * ITEM_UNIT) + s.sy,
                         t->sxy + (int64_t)(b->sxy * (ITEM_UNIT * ITEM_UNIT)) + s.sxy};
    return r;
}

static void flush_leaves(struct lotk_stats *st)
{
    for (size_t l = 0; l < st->nleaves; l++) {
        struct leaf *lf = &st->leaves[l];
        fold_small(lf);
        for (size_t p = 0; p < lf->k * lf->k; p++) {
            lf->tot[p] = pair_total(lf, p);
            memset(&lf->blk[p], 0, sizeof lf->blk[p]);
        }
    }
    st->open_rows = 0;
}

/* The pair sums of a row with a value off the integer path (rare): each sum takes the
 * path of the value(s) it adds. */
static void add_pairs_mixed(struct leaf *lf, const double *x, const unsigned char *off)
{
    size_t k = lf->k;
    struct pair_ext *ext = leaf_ext(lf);
    for (size_t i = 0; i < k; i++) {
        if (x[i] != x[i])
            continue;
        for (size_t j = i; j < k; j++) {
            if (x[j] != x[j])
                continue;
            struct pair_blk *b = &lf->blk[i * k + j];
            struct pair_ext *e = &ext[i * k + j];
            b->n++;
            if (!off[i])
                b->sx += x[i];
            else
                lotk_exact_add(&e->sx, x[i]);
            if (!off[j])
                b->sy += x[j];
            else
                lotk_exact_add(&e->sy, x[j]);
            if (!off[i] && !off[j])
                b->sxy += x[i] * x[j];
            else
                exact_add_product(&e->sxy, x[i], x[j]);
        }
    }
}

/* The leaf value of one row into its organization's ANOVA sums. */
static void add_value(const struct lotk_stats *st, struct leaf *lf, struct org *g, size_t l,
                      double v)
{
    struct org_leaf *ol = &g->leaf[l];
    if (ol->n == INT32_MAX) { /* more rows in one organization than the sums allow */
        lf->range_errors++;
        return;
    }
    double y = v * lf->unit;
    if (fabs(y) < LEAF_INT_LIMIT) {
        /* The nearest multiple of the unit; it is v itself when v is that multiple rounded
         * to double, and then no other multiple rounds to v (their spacing is far above
         * v's ulp), so which integer v stands for depends on v alone. */
        double r = (y + 0x1.8p52) - 0x1.8p52;
        if (r / lf->unit == v) {
            int64_t mv = (int64_t)r;
            uint64_t sq = (uint64_t)(mv * mv);
            ol->n++;
            ol->sm += mv;
            ol->sm2_lo += sq;
            ol->sm2_hi += ol->sm2_lo < sq;
            return;
        }
    }
    if (!(fabs(v) < VALUE_LIMIT)) {
        lf->range_errors++;
        return;
    }
    struct org_ext *e = org_ext_at(st, g, l);
    ol->n++;
    lotk_exact_add(&e->sv, v);
    exact_add_product(&e->sv2, v, v);
}

/* A row that answered every item of the leaf into its organization's rwg(j) sums; q is
 * the row's Σx² when every value is on the integer path (exact: a multiple of 2^-8), else
 * -1. */
static void add_complete(const struct lotk_stats *st, struct leaf *lf, struct org *g, size_t l,
                         const double *x, double q)
{
    struct org_leaf *ol = &g->leaf[l];
    size_t k = lf->k;
    if (ol->complete == INT32_MAX) {
        lf->range_errors++;
        return;
    }
    ol->complete++;
    if (q >= 0 && q < 0x1p24) { /* Σ (16x)² < 2^32: q stays below 2^63 */
        int32_t *s = org_item_sums(st, g) + lf->first;
        bool fits = true;
        for (size_t i = 0; i < k; i++) {
            int64_t t = (int64_t)s[i] + (int64_t)(x[i] * ITEM_UNIT);
            fits &= t >= INT32_MIN && t <= INT32_MAX;
        }
        if (fits) {
            for (size_t i = 0; i < k; i++)
                s[i] += (int32_t)(x[i] * ITEM_UNIT);
            ol->q += (int64_t)(q * (ITEM_UNIT * ITEM_UNIT));
            return;
        }
    }
    /* The whole row takes the exact path. Which path a row takes depends on its values
     * and, only at int32's end, on the sums so far; both hold every value exactly, so the
     * result does not depend on the route. */
    struct org_ext *e = org_ext_at(st, g, l);
    for (size_t i = 0; i < k; i++) {
        lotk_exact_add(&e->s[i], x[i]);
        exact_add_product(&e->q, x[i], x[i]);
    }
}

/* Classifies a leaf's values of a row one by one, when the fast test in lotk_stats_add
 * did not clear them all: off[i] = 1 for a value off the integer path, a range error
 * becomes no answer. Returns how many are off the path and sets *answered. */
static size_t classify_slow(struct leaf *lf, double *x, unsigned char *off, size_t *answered)
{
    size_t n = 0;
    *answered = 0;
    for (size_t i = 0; i < lf->k; i++) {
        double a = x[i];
        off[i] = 0;
        if (a != a)
            continue;
        if ((a + 0x1.8p48) - 0x1.8p48 == a && fabs(a) < ITEM_INT_LIMIT / ITEM_UNIT) {
            ++*answered;
        } else if (fabs(a) < VALUE_LIMIT) {
            off[i] = 1;
            n++;
            ++*answered;
        } else {
            lf->range_errors++;
            x[i] = NAN;
        }
    }
    return n;
}

static inline void add_row(struct lotk_stats *st, int org, const double *keyed,
                           const double *leaf, bool known_small)
{
    if (org < 0)
        return;
    struct org *g = org_at(st, org);
    double *x = st->x;
    for (size_t l = 0; l < st->nleaves; l++) {
        struct leaf *lf = &st->leaves[l];
        size_t k = lf->k, answered = 0, on_grid = 0, small = 0, off_int = 0;
        double q = 0; /* Σx², for rwg(j) */
        for (size_t i = 0; i < k; i++) {
            double a = keyed[lf->items[i]];
            x[i] = a;
            q += a * a;
            answered += a == a;
            if (known_small) /* a constant in each caller: the tests below drop out */
                continue;
            /* Adding 1.5·2^48 rounds to a multiple of 2^-4 (for |a| < 2^47), adding
             * 1.5·2^52 to a whole number; NaN (no answer) fails both. */
            on_grid += (a + 0x1.8p48) - 0x1.8p48 == a;
            small += a != a || ((a + 0x1.8p52) - 0x1.8p52 == a && fabs(a) <= SMALL_MAX);
        }
        if (known_small)
            small = k;
        /* The common cases in one or two tests: every value a small whole number or no
         * answer; or every item answered on the grid with Σx² < 2^22, so each |x| < 2^11.
         * Anything else is sorted out item by item. */
        if (small != k && (on_grid != k || !(q < 0x1p22)))
            off_int = classify_slow(lf, x, st->off, &answered);
        double v = leaf[lf->node];
        if (v == v) /* read even without answers: a respondent plugin may give one */
            add_value(st, lf, g, l, v);
        if (answered == 0)
            continue;
        lf->answered++;
        if (small == k) {
            int16_t *col = lf->small + lf->small_rows;
            for (size_t i = 0; i < k; i++) {
                bool m = x[i] == x[i];
                col[i * BLOCK_ROWS] = m ? (int16_t)x[i] : 0;
                col[(k + i) * BLOCK_ROWS] = m;
            }
            if (++lf->small_rows == BLOCK_ROWS)
                fold_small(lf);
        } else if (off_int) {
            add_pairs_mixed(lf, x, st->off);
        } else {
            /* The upper triangle of pairwise-complete sums, diagonal included. (A branch-free
             * form that adds zeros for missing answers measured 20% slower at 5% missing:
             * the stores into row[] then force x and the mask to be reloaded.) */
            for (size_t i = 0; i < k; i++) {
                double xi = x[i];
                if (xi != xi)
                    continue;
                struct pair_blk *row = &lf->blk[i * k];
                for (size_t j = i; j < k; j++) {
                    double xj = x[j];
                    if (xj != xj)
                        continue;
                    row[j].n++;
                    row[j].sx += xi;
                    row[j].sy += xj;
                    row[j].sxy += xi * xj;
                }
            }
        }
        if (answered == k)
            add_complete(st, lf, g, l, x, off_int ? -1 : q);
    }
    if (++st->open_rows >= FLUSH_ROWS)
        flush_leaves(st);
}

void lotk_stats_add(struct lotk_stats *st, int org, const double *keyed, const double *leaf)
{
    add_row(st, org, keyed, leaf, false);
}

void lotk_stats_add_small(struct lotk_stats *st, int org, const double *keyed,
                          const double *leaf)
{
    add_row(st, org, keyed, leaf, true);
}

/* ---- merging ------------------------------------------------------------------------ */

/* Adds one organization's sums of one leaf (ol_b, item sums sb, ext eb) into ga's. Counts
 * that would pass INT32_MAX are refused as a range error of the leaf. */
static void org_leaf_merge(struct lotk_stats *a, struct org *ga, size_t l,
                           const struct org_leaf *lb, const int64_t *sb,
                           const struct org_ext *eb)
{
    struct leaf *lf = &a->leaves[l];
    struct org_leaf *la = &ga->leaf[l];
    if ((int64_t)la->n + lb->n > INT32_MAX || (int64_t)la->complete + lb->complete > INT32_MAX) {
        lf->range_errors++;
        return;
    }
    la->n += lb->n;
    la->sm += lb->sm;
    la->sm2_lo += lb->sm2_lo;
    la->sm2_hi += lb->sm2_hi + (la->sm2_lo < lb->sm2_lo);
    la->complete += lb->complete;
    la->q += lb->q;
    int32_t *sa = org_item_sums(a, ga) + lf->first;
    for (size_t i = 0; i < lf->k; i++) {
        int64_t t = sa[i] + sb[i];
        if (t >= INT32_MIN && t <= INT32_MAX) {
            sa[i] = (int32_t)t;
        } else { /* beyond int32: the sum goes on exactly (exact below 2^53 as a double) */
            lotk_exact_add(&org_ext_at(a, ga, l)->s[i], (double)sb[i] / ITEM_UNIT);
        }
    }
    if (eb) {
        struct org_ext *ea = org_ext_at(a, ga, l);
        lotk_exact_merge(&ea->sv, &eb->sv);
        lotk_exact_merge(&ea->sv2, &eb->sv2);
        lotk_exact_merge(&ea->q, &eb->q);
        for (size_t i = 0; i < lf->k; i++)
            lotk_exact_merge(&ea->s[i], &eb->s[i]);
    }
}

/* The pairwise sums of every leaf of b into a's. */
static void merge_pairs(struct lotk_stats *a, const struct lotk_stats *b)
{
    for (size_t l = 0; l < a->nleaves && l < b->nleaves; l++) {
        struct leaf *la = &a->leaves[l];
        const struct leaf *lb = &b->leaves[l];
        size_t k = lb->k;
        la->answered += lb->answered;
        la->range_errors += lb->range_errors;
        for (size_t p = 0; p < k * k; p++) {
            struct pair_tot *t = &la->tot[p], add = pair_total(lb, p);
            t->n += add.n;
            t->sx += add.sx;
            t->sy += add.sy;
            t->sxy += add.sxy;
        }
        if (lb->ext) {
            struct pair_ext *ext = leaf_ext(la);
            for (size_t p = 0; p < k * k; p++) {
                lotk_exact_merge(&ext[p].sx, &lb->ext[p].sx);
                lotk_exact_merge(&ext[p].sy, &lb->ext[p].sy);
                lotk_exact_merge(&ext[p].sxy, &lb->ext[p].sxy);
            }
        }
    }
}

static void merge_org(struct lotk_stats *a, struct org *ga, const struct lotk_stats *b,
                      const struct org *gb)
{
    const int32_t *sb = org_item_sums(b, gb);
    for (size_t l = 0; l < a->nleaves && l < b->nleaves; l++) {
        const struct leaf *lf = &b->leaves[l];
        for (size_t i = 0; i < lf->k; i++)
            a->item_sums[i] = sb[lf->first + i];
        org_leaf_merge(a, ga, l, &gb->leaf[l], a->item_sums, gb->ext ? gb->ext[l] : NULL);
    }
}

void lotk_stats_merge(struct lotk_stats *a, const struct lotk_stats *b, const int *b_org_to_a)
{
    merge_pairs(a, b);
    for (size_t o = 0; o < b->norgs; o++) {
        int to = b_org_to_a ? b_org_to_a[o] : (int)o;
        const struct org *gb = &b->orgs[o];
        if (to >= 0 && gb->leaf)
            merge_org(a, org_at(a, to), b, gb);
    }
}

void lotk_stats_absorb(struct lotk_stats *a, struct lotk_stats *b, const int *b_org_to_a)
{
    merge_pairs(a, b);
    for (size_t o = 0; o < b->norgs; o++) {
        int to = b_org_to_a ? b_org_to_a[o] : (int)o;
        struct org *gb = &b->orgs[o];
        if (to < 0 || !gb->leaf)
            continue;
        org_slot(a, to);
        struct org *ga = &a->orgs[to];
        if (ga->leaf) {
            merge_org(a, ga, b, gb);
            continue;
        }
        /* Same standard, same layout: the sums move as they are. */
        *ga = *gb;
        gb->leaf = NULL;
        gb->ext = NULL;
    }
}

/* ---- exact arithmetic for the final centred forms ------------------------------------ */

/* A 768-bit two's complement integer, limb 0 lowest: wide enough for every product below
 * even of sums at the ends of their ranges (sums of up to 2^255 units of 2^-128, scaled by
 * up to 2^38, squared). Only used when a sum has an exact part or int128 would overflow. */
enum { WL = 12 };
struct wide {
    uint64_t w[WL];
};

/* r = v · 2^(64·shift). */
static void wide_from_i128(struct wide *r, i128 v, int shift)
{
    uint64_t fill = v < 0 ? ~(uint64_t)0 : 0;
    for (int i = 0; i < WL; i++)
        r->w[i] = i < shift ? 0 : fill;
    r->w[shift] = (uint64_t)v;
    r->w[shift + 1] = (uint64_t)((u128)v >> 64);
}

static void wide_add(struct wide *r, const struct wide *a)
{
    uint64_t carry = 0;
    for (int i = 0; i < WL; i++) {
        u128 t = (u128)r->w[i] + a->w[i] + carry;
        r->w[i] = (uint64_t)t;
        carry = (uint64_t)(t >> 64);
    }
}

static void wide_neg(struct wide *r)
{
    uint64_t carry = 1;
    for (int i = 0; i < WL; i++) {
        u128 t = (u128)(~r->w[i]) + carry;
        r->w[i] = (uint64_t)t;
        carry = (uint64_t)(t >> 64);
    }
}

/* The number of limbs that hold a non-negative value. */
static int wide_len(const struct wide *a)
{
    int n = WL;
    while (n > 0 && a->w[n - 1] == 0)
        n--;
    return n;
}

/* r = a · b modulo 2^(64·WL), which is the signed product when it fits. r may alias. The
 * magnitudes are multiplied over the limbs they use (a few, not WL), then the sign set. */
static void wide_mul(struct wide *r, const struct wide *a, const struct wide *b)
{
    struct wide x = *a, y = *b;
    int negative = (int)((x.w[WL - 1] ^ y.w[WL - 1]) >> 63);
    if (x.w[WL - 1] >> 63)
        wide_neg(&x);
    if (y.w[WL - 1] >> 63)
        wide_neg(&y);
    int lx = wide_len(&x), ly = wide_len(&y);
    uint64_t out[WL] = {0};
    for (int i = 0; i < lx; i++) {
        u128 carry = 0;
        int j;
        for (j = 0; j < ly && i + j < WL; j++) {
            u128 t = (u128)x.w[i] * y.w[j] + out[i + j] + carry;
            out[i + j] = (uint64_t)t;
            carry = t >> 64;
        }
        if (i + j < WL)
            out[i + j] = (uint64_t)carry;
    }
    memcpy(r->w, out, sizeof out);
    if (negative)
        wide_neg(r);
}

/* r = r · m modulo 2^(64·WL): one pass, right for negative r too (two's complement is
 * multiplication modulo 2^(64·WL)). */
static void wide_mul_u64(struct wide *r, uint64_t m)
{
    u128 carry = 0;
    for (int i = 0; i < WL; i++) {
        u128 t = (u128)r->w[i] * m + carry;
        r->w[i] = (uint64_t)t;
        carry = t >> 64;
    }
}

static void wide_mul_i128(struct wide *r, i128 v)
{
    u128 mag = v < 0 ? -(u128)v : (u128)v;
    if (mag >> 64) {
        struct wide f;
        wide_from_i128(&f, v, 0);
        wide_mul(r, r, &f);
        return;
    }
    wide_mul_u64(r, (uint64_t)mag);
    if (v < 0)
        wide_neg(r);
}

/* A sum whose integer part ip counts units of 1/scale and whose exact part ex (or NULL) is
 * in value units, as one integer: value · scale in units of 2^-128. */
static void wide_sum(struct wide *r, i128 ip, const struct lotk_exact *ex, uint64_t scale)
{
    wide_from_i128(r, ip, 2);
    if (!ex)
        return;
    struct wide e;
    uint64_t fill = ex->limb[3] >> 63 ? ~(uint64_t)0 : 0;
    for (int i = 0; i < WL; i++)
        e.w[i] = i < 4 ? ex->limb[i] : fill;
    wide_mul_u64(&e, scale);
    wide_add(r, &e);
}

static double wide_to_double(const struct wide *r, int frac_bits)
{
    struct wide a = *r;
    int negative = (int)(a.w[WL - 1] >> 63);
    if (negative)
        wide_neg(&a);
    return lotk_limbs_to_double(a.w, WL, negative, frac_bits);
}

/* v × 2^-frac_bits rounded once, as wide_to_double would round it (so both paths give the
 * same double): an int64 converts correctly rounded by itself, and the scaling is exact. */
static double i128_to_double(i128 v, int frac_bits)
{
    if (v == (int64_t)v)
        return (double)(int64_t)v * ldexp(1.0, -frac_bits);
    u128 mag = v < 0 ? -(u128)v : (u128)v;
    uint64_t m[2] = {(uint64_t)mag, (uint64_t)(mag >> 64)};
    return lotk_limbs_to_double(m, 2, v < 0, frac_bits);
}

/* Whether |v| < 2^62, so that a product of two such values and the difference of two such
 * products fit in int128. */
static int small(i128 v)
{
    return v > -((i128)1 << 62) && v < ((i128)1 << 62);
}

/* a · b − c · d, or 1 when int128 might overflow. */
static int i128_cross(i128 a, i128 b, i128 c, i128 d, i128 *out)
{
    if (small(a) && small(b) && small(c) && small(d)) {
        *out = a * b - c * d;
        return 0;
    }
    i128 x, y;
    if (__builtin_mul_overflow(a, b, &x) || __builtin_mul_overflow(c, d, &y) ||
        __builtin_sub_overflow(x, y, out))
        return 1;
    return 0;
}

/* An order-independent sum of many doubles, cheaper per term than lotk_exact: the
 * mantissas of terms with the same exponent add up as integers, exactly, and only the
 * per-exponent sums are combined at the end. The result is the exact sum (parts below
 * 2^-128 dropped, as lotk_exact drops them), rounded once. */
struct bucket_sum {
    i128 bucket[2047]; /* by biased exponent */
    int nonfinite;
};

static void bucket_add(struct bucket_sum *f, double x)
{
    uint64_t b;
    memcpy(&b, &x, sizeof b);
    unsigned e = (unsigned)(b >> 52) & 0x7ff;
    if (e == 0x7ff) {
        f->nonfinite = 1;
        return;
    }
    int64_t m = (int64_t)(b & 0x000fffffffffffffu) | (e ? (int64_t)1 << 52 : 0);
    f->bucket[e] += b >> 63 ? -m : m; /* below 2^53 · 2^31 terms: no overflow */
}

static double bucket_value(const struct bucket_sum *f)
{
    if (f->nonfinite)
        return NAN;
    struct lotk_exact acc = {{0, 0, 0, 0}};
    for (int e = 0; e < 2047; e++) {
        i128 v = f->bucket[e];
        if (v == 0)
            continue;
        u128 mag = v < 0 ? -(u128)v : (u128)v;
        int scale = (e ? e : 1) - 1075; /* the value is v · 2^scale */
        for (int piece = 0; piece < 3; piece++) { /* 43-bit pieces: exact doubles */
            uint64_t chunk = (uint64_t)(mag >> (43 * piece)) & ((1ULL << 43) - 1);
            if (!chunk)
                continue;
            double x = ldexp((double)chunk, scale + 43 * piece);
            if (v < 0)
                lotk_exact_sub(&acc, x);
            else
                lotk_exact_add(&acc, x);
        }
    }
    return lotk_exact_value(&acc);
}

/* ---- results ------------------------------------------------------------------------- */

static const struct leaf *leaf_for(const struct lotk_stats *st, int node)
{
    if (!st || node < 0 || (size_t)node >= st->s->nnodes || st->leaf_of_node[node] < 0)
        return NULL;
    return &st->leaves[st->leaf_of_node[node]];
}

/* The pairwise-complete covariance of pair p, n − 1 denominator (NaN below two rows):
 * D = n·Σxy − Σx·Σy exactly, rounded once, then divided by n(n − 1). */
static double pair_cov(const struct leaf *lf, size_t p)
{
    struct pair_tot t = pair_total(lf, p);
    int64_t n = t.n;
    if (n < 2)
        return NAN;
    i128 sx = t.sx, sy = t.sy, sxy = t.sxy, d;
    double num;
    if (!lf->ext && !i128_cross(n, sxy, sx, sy, &d)) {
        num = i128_to_double(d, 8); /* Σxy in 1/256, Σx and Σy in 1/16 */
    } else {
        const struct pair_ext *e = lf->ext ? &lf->ext[p] : NULL;
        struct wide x, y, xy;
        wide_sum(&x, sx, e ? &e->sx : NULL, ITEM_UNIT);
        wide_sum(&y, sy, e ? &e->sy : NULL, ITEM_UNIT);
        wide_sum(&xy, sxy, e ? &e->sxy : NULL, ITEM_UNIT * ITEM_UNIT);
        /* n·Σxy·2^128 − Σx·Σy, in units of 2^-256 of value · 256. */
        for (int i = WL - 1; i >= 2; i--)
            xy.w[i] = xy.w[i - 2];
        xy.w[0] = xy.w[1] = 0;
        wide_mul_i128(&xy, n);
        wide_mul(&x, &x, &y);
        wide_neg(&x);
        wide_add(&xy, &x);
        num = wide_to_double(&xy, 256 + 8);
    }
    return num / ((double)n * (double)(n - 1));
}

/* Raw alpha of the covariance matrix c (k × k, symmetric, full) without item skip (or
 * with every item when skip ≥ k). */
static double alpha_of(const double *c, size_t k, size_t skip)
{
    double total = 0, trace = 0;
    size_t m = 0;
    for (size_t i = 0; i < k; i++) {
        if (i == skip)
            continue;
        m++;
        trace += c[i * k + i];
        for (size_t j = 0; j < k; j++)
            if (j != skip)
                total += c[i * k + j];
    }
    if (m < 2)
        return NAN;
    return (double)m / (double)(m - 1) * (1 - trace / total);
}

int lotk_stats_reliability(const struct lotk_stats *st, int leaf_node,
                           struct lotk_reliability *out)
{
    memset(out, 0, sizeof *out);
    const struct leaf *lf = leaf_for(st, leaf_node);
    if (!lf)
        return LOTK_EUSAGE;
    size_t k = lf->k;
    out->n = (long)lf->answered;
    out->items = k;
    out->item_total = lotk_xmalloc(k * sizeof *out->item_total);
    out->alpha_if_dropped = lotk_xmalloc(k * sizeof *out->alpha_if_dropped);
    double *c = lotk_xmalloc(k * k * sizeof *c);
    for (size_t i = 0; i < k; i++)
        for (size_t j = i; j < k; j++)
            c[i * k + j] = c[j * k + i] = lf->range_errors ? NAN : pair_cov(lf, i * k + j);

    out->alpha = alpha_of(c, k, k);
    out->average_r = out->alpha / ((double)k - out->alpha * (double)(k - 1));
    double rsum = 0;
    for (size_t i = 0; i < k; i++)
        for (size_t j = i + 1; j < k; j++)
            rsum += c[i * k + j] / sqrt(c[i * k + i] * c[j * k + j]);
    if (k >= 2) {
        out->mean_r = rsum / ((double)k * (double)(k - 1) / 2);
        double sum_r = (double)k + 2 * rsum;
        out->std_alpha = (double)k / (double)(k - 1) * (1 - (double)k / sum_r);
    } else {
        out->mean_r = out->std_alpha = NAN;
    }

    double total = 0;
    for (size_t p = 0; p < k * k; p++)
        total += c[p];
    for (size_t i = 0; i < k; i++) {
        double with_others = 0; /* Σ_{j≠i} C[i][j] */
        for (size_t j = 0; j < k; j++)
            if (j != i)
                with_others += c[i * k + j];
        double others = total - 2 * with_others - c[i * k + i]; /* var(sum of the others) */
        out->item_total[i] = k >= 2 ? with_others / sqrt(c[i * k + i] * others) : NAN;
        out->alpha_if_dropped[i] = k >= 3 ? alpha_of(c, k, i) : NAN;
    }
    free(c);
    return 0;
}

void lotk_reliability_clear(struct lotk_reliability *out)
{
    if (!out)
        return;
    free(out->item_total);
    free(out->alpha_if_dropped);
    memset(out, 0, sizeof *out);
}

static const struct org_ext *org_ext_of(const struct org *g, size_t l)
{
    return g->ext ? g->ext[l] : NULL;
}

static i128 org_sm2(const struct org_leaf *ol)
{
    return (i128)(((u128)ol->sm2_hi << 64) | ol->sm2_lo);
}

int lotk_stats_icc(const struct lotk_stats *st, int leaf_node, double *icc1, double *icc2,
                   long *n, long *groups)
{
    double r1 = NAN, r2 = NAN;
    long big_n = 0, g = 0;
    const struct leaf *lf = leaf_for(st, leaf_node);
    if (!lf) {
        if (icc1)
            *icc1 = r1;
        if (icc2)
            *icc2 = r2;
        if (n)
            *n = 0;
        if (groups)
            *groups = 0;
        return LOTK_EUSAGE;
    }
    size_t l = (size_t)(lf - st->leaves);
    uint64_t unit = (uint64_t)ITEM_UNIT * lf->lcm;
    /* The grand sum T, exactly: its integer part in leaf value units, its exact part. */
    i128 t_int = 0;
    struct lotk_exact t_ex = {{0, 0, 0, 0}};
    int any_ext = 0;
    for (size_t o = 0; o < st->norgs; o++) {
        const struct org *og = &st->orgs[o];
        if (!og->leaf || og->leaf[l].n == 0)
            continue;
        g++;
        big_n += og->leaf[l].n;
        t_int += og->leaf[l].sm;
        const struct org_ext *e = org_ext_of(og, l);
        if (e) {
            lotk_exact_merge(&t_ex, &e->sv);
            any_ext = 1;
        }
    }
    if (g >= 2 && big_n > g && !lf->range_errors) {
        /* Each organization's terms come from its exact sums in centred form,
         *   SSW_g = (n_g·Q_g − S_g²) / n_g,   SSB_g = ((N·S_g − n_g·T) / N)² / n_g,
         * the two differences exact, each term rounded a few times in a way that depends
         * on that organization's sums alone, and the terms summed exactly: so neither the
         * order of rows nor the numbering of organizations can change the result. */
        struct bucket_sum *ssw = lotk_xcalloc(1, sizeof *ssw), *ssb = lotk_xcalloc(1, sizeof *ssb);
        struct wide tw;
        wide_sum(&tw, t_int, any_ext ? &t_ex : NULL, unit);
        double scale_n = (double)big_n * (double)unit, unit2 = (double)unit * (double)unit;
        double scale_n2 = scale_n * scale_n;
        for (size_t o = 0; o < st->norgs; o++) {
            const struct org *og = &st->orgs[o];
            if (!og->leaf || og->leaf[l].n == 0)
                continue;
            const struct org_leaf *ol = &og->leaf[l];
            const struct org_ext *e = org_ext_of(og, l);
            double w, d;
            i128 wi, di;
            if (!e && !i128_cross(ol->n, org_sm2(ol), ol->sm, ol->sm, &wi)) {
                w = i128_to_double(wi, 0);
            } else {
                struct wide s, q, s2;
                wide_sum(&s, ol->sm, e ? &e->sv : NULL, unit);
                wide_sum(&q, org_sm2(ol), e ? &e->sv2 : NULL, unit * unit);
                for (int i = WL - 1; i >= 2; i--)
                    q.w[i] = q.w[i - 2];
                q.w[0] = q.w[1] = 0;
                wide_mul_i128(&q, ol->n);
                wide_mul(&s2, &s, &s);
                wide_neg(&s2);
                wide_add(&q, &s2);
                w = wide_to_double(&q, 256);
            }
            if (!any_ext && !e && !i128_cross(big_n, ol->sm, ol->n, t_int, &di)) {
                d = i128_to_double(di, 0);
            } else {
                struct wide s, t = tw;
                wide_sum(&s, ol->sm, e ? &e->sv : NULL, unit);
                wide_mul_i128(&s, big_n);
                wide_mul_i128(&t, -(i128)ol->n);
                wide_add(&s, &t);
                d = wide_to_double(&s, 128);
            }
            /* w / n_g in value units; d / (N · unit) is n_g · (group mean − grand mean). */
            bucket_add(ssw, w / ((double)ol->n * unit2));
            bucket_add(ssb, d * d / (scale_n2 * (double)ol->n));
        }
        double msb = bucket_value(ssb) / (double)(g - 1);
        double msw = bucket_value(ssw) / (double)(big_n - g);
        free(ssw);
        free(ssb);
        double k = (double)big_n / (double)g;
        double den = msb + (k - 1) * msw;
        if (den != 0)
            r1 = (msb - msw) / den;
        if (msb != 0)
            r2 = (msb - msw) / msb;
    }
    if (icc1)
        *icc1 = r1;
    if (icc2)
        *icc2 = r2;
    if (n)
        *n = big_n;
    if (groups)
        *groups = g;
    return 0;
}

double lotk_stats_rwg_j(const struct lotk_stats *st, int org, int leaf_node, long *gsize)
{
    if (gsize)
        *gsize = 0;
    const struct leaf *lf = leaf_for(st, leaf_node);
    if (!lf || org < 0 || (size_t)org >= st->norgs || !st->orgs[org].leaf)
        return NAN;
    const struct org *g = &st->orgs[org];
    size_t l = (size_t)(lf - st->leaves), k = lf->k;
    const struct org_leaf *ol = &g->leaf[l];
    long c = ol->complete;
    if (gsize)
        *gsize = c;
    if (c < 2 || !(lf->null_var > 0) || lf->range_errors)
        return NAN;
    /* Σ over items of the sums of squared deviations, times c: c·Σx² − Σ_i (Σx_i)². */
    const int32_t *sx = org_item_sums(st, g) + lf->first;
    const struct org_ext *e = org_ext_of(g, l);
    double r;
    i128 acc = 0, sq;
    /* On the integer path c < 2^31, q < 2^63 and |Σx_i| < 2^31 in 1/16, so c·q and each
     * square are below 2^94 and their difference cannot overflow int128 for k < 2^32. */
    int big = e != NULL || k > 0xffffffffu;
    if (!big) {
        acc = (i128)c * ol->q;
        for (size_t i = 0; i < k; i++) {
            i128 si = sx[i];
            sq = si * si;
            acc -= sq;
        }
    }
    if (!big) {
        r = i128_to_double(acc, 8);
    } else {
        struct wide q, si, sum;
        wide_sum(&q, ol->q, e ? &e->q : NULL, ITEM_UNIT * ITEM_UNIT);
        for (int i = WL - 1; i >= 2; i--)
            q.w[i] = q.w[i - 2];
        q.w[0] = q.w[1] = 0;
        wide_mul_i128(&q, c);
        memset(&sum, 0, sizeof sum);
        for (size_t i = 0; i < k; i++) {
            wide_sum(&si, sx[i], e ? &e->s[i] : NULL, ITEM_UNIT);
            wide_mul(&si, &si, &si);
            wide_add(&sum, &si);
        }
        wide_neg(&sum);
        wide_add(&q, &sum);
        r = wide_to_double(&q, 256 + 8);
    }
    double svar = r / ((double)c * (double)(c - 1)) / (double)k;
    if (svar > lf->null_var) /* rwg.j's truncation: more spread than the null means none */
        svar = lf->null_var;
    double j = (double)k, q = svar / lf->null_var;
    return j * (1 - q) / (j * (1 - q) + q);
}

/* ---- serialisation ------------------------------------------------------------------ */

static const char MAGIC[8] = {'l', 'o', 't', 'k', 's', 't', 'a', 't'};
enum { HEADER_BYTES = 32, LEAF_HEADER_BYTES = 16, EXACT_BYTES = 32 };

static void put_u8(struct lotk_buf *b, unsigned v)
{
    char c = (char)(unsigned char)v;
    lotk_buf_append(b, &c, 1);
}

static void put_u32(struct lotk_buf *b, uint32_t v)
{
    char c[4];
    for (int i = 0; i < 4; i++)
        c[i] = (char)(unsigned char)(v >> (8 * i));
    lotk_buf_append(b, c, 4);
}

static void put_u64(struct lotk_buf *b, uint64_t v)
{
    char c[8];
    for (int i = 0; i < 8; i++)
        c[i] = (char)(unsigned char)(v >> (8 * i));
    lotk_buf_append(b, c, 8);
}

static void put_i128(struct lotk_buf *b, i128 v)
{
    put_u64(b, (uint64_t)v);
    put_u64(b, (uint64_t)((u128)v >> 64));
}

static void put_exact(struct lotk_buf *b, const struct lotk_exact *e)
{
    for (int i = 0; i < 4; i++)
        put_u64(b, e->limb[i]);
}

int lotk_stats_write(const struct lotk_stats *st, struct lotk_buf *out)
{
    size_t start = out->len;
    lotk_buf_append(out, MAGIC, sizeof MAGIC);
    put_u32(out, FORMAT_VERSION);
    put_u32(out, (uint32_t)st->nleaves);
    put_u64(out, st->norgs);
    put_u64(out, 0); /* the record's length, filled in below */
    for (size_t l = 0; l < st->nleaves; l++) {
        const struct leaf *lf = &st->leaves[l];
        put_u32(out, (uint32_t)lf->node);
        put_u32(out, (uint32_t)lf->k);
        put_u32(out, ITEM_UNIT);
        put_u32(out, lf->lcm);
    }
    for (size_t l = 0; l < st->nleaves; l++) {
        const struct leaf *lf = &st->leaves[l];
        size_t k = lf->k;
        put_u64(out, (uint64_t)lf->answered);
        put_u64(out, (uint64_t)lf->range_errors);
        put_u8(out, lf->ext != NULL);
        for (size_t i = 0; i < k; i++)
            for (size_t j = i; j < k; j++) {
                struct pair_tot t = pair_total(lf, i * k + j);
                put_u64(out, (uint64_t)t.n);
                put_i128(out, t.sx);
                put_i128(out, t.sy);
                put_i128(out, t.sxy);
            }
        if (lf->ext)
            for (size_t i = 0; i < k; i++)
                for (size_t j = i; j < k; j++) {
                    const struct pair_ext *e = &lf->ext[i * k + j];
                    put_exact(out, &e->sx);
                    put_exact(out, &e->sy);
                    put_exact(out, &e->sxy);
                }
    }
    for (size_t o = 0; o < st->norgs; o++) {
        const struct org *g = &st->orgs[o];
        for (size_t l = 0; l < st->nleaves; l++) {
            const struct leaf *lf = &st->leaves[l];
            const struct org_leaf *ol = g->leaf ? &g->leaf[l] : NULL;
            const struct org_ext *e = g->leaf ? org_ext_of(g, l) : NULL;
            int sums = ol && (ol->n || ol->complete);
            put_u8(out, (unsigned)(sums | (e ? 2 : 0)));
            if (sums) {
                put_u32(out, (uint32_t)ol->n);
                put_u32(out, (uint32_t)ol->complete);
                put_u64(out, (uint64_t)ol->sm);
                put_u64(out, ol->sm2_lo);
                put_u64(out, ol->sm2_hi);
                put_u64(out, (uint64_t)ol->q);
                const int32_t *s = org_item_sums(st, g) + lf->first;
                for (size_t i = 0; i < lf->k; i++)
                    put_u64(out, (uint64_t)(int64_t)s[i]);
            }
            if (e) {
                put_exact(out, &e->sv);
                put_exact(out, &e->sv2);
                put_exact(out, &e->q);
                for (size_t i = 0; i < lf->k; i++)
                    put_exact(out, &e->s[i]);
            }
        }
    }
    uint64_t total = out->len - start;
    for (int i = 0; i < 8; i++)
        out->data[start + 24 + i] = (char)(unsigned char)(total >> (8 * i));
    return 0;
}

/* A bounds-checked reader over one record. */
struct cursor {
    const unsigned char *p;
    size_t len, pos;
    int short_read;
};

static uint64_t get_le(struct cursor *c, int bytes)
{
    if (c->len - c->pos < (size_t)bytes) {
        c->short_read = 1;
        c->pos = c->len;
        return 0;
    }
    uint64_t v = 0;
    for (int i = 0; i < bytes; i++)
        v |= (uint64_t)c->p[c->pos + i] << (8 * i);
    c->pos += (size_t)bytes;
    return v;
}

static i128 get_i128(struct cursor *c)
{
    uint64_t lo = get_le(c, 8), hi = get_le(c, 8);
    return (i128)(((u128)hi << 64) | lo);
}

static void get_exact(struct cursor *c, struct lotk_exact *e)
{
    for (int i = 0; i < 4; i++)
        e->limb[i] = get_le(c, 8);
}

static int corrupt(struct lotk_err *err, const char *what)
{
    return lotk_err_set(err, LOTK_EIO, NULL, 0, 0, "statistics record: %s", what);
}

static u128 abs128(i128 v)
{
    return v < 0 ? -(u128)v : (u128)v;
}

/* Reads one record. With apply = 0 it only checks it (st is read, never changed: every
 * bound that keeps the sums from overflowing, against st's current totals too); with
 * apply = 1 it merges the checked record into st and cannot fail. */
static int parse_record(struct lotk_stats *st, const char *data, size_t len, size_t *used,
                        const int *org_map, int apply, struct lotk_err *err)
{
    struct cursor c = {(const unsigned char *)data, len, 0, 0};
    if (len < HEADER_BYTES || memcmp(data, MAGIC, sizeof MAGIC) != 0)
        return corrupt(err, "not a lotk statistics record");
    c.pos = sizeof MAGIC;
    uint32_t version = (uint32_t)get_le(&c, 4);
    if (version != FORMAT_VERSION)
        return lotk_err_set(err, LOTK_EIO, NULL, 0, 0,
                            "statistics record: format version %u, this lotk reads %d",
                            (unsigned)version, FORMAT_VERSION);
    uint32_t nleaves = (uint32_t)get_le(&c, 4);
    uint64_t norgs = get_le(&c, 8), total = get_le(&c, 8);
    if (total > len || total < HEADER_BYTES)
        return corrupt(err, "truncated");
    c.len = (size_t)total;
    if (nleaves != st->nleaves)
        return corrupt(err, "written for a different standard (number of leaves)");
    for (size_t l = 0; l < st->nleaves; l++) {
        const struct leaf *lf = &st->leaves[l];
        uint32_t node = (uint32_t)get_le(&c, 4), k = (uint32_t)get_le(&c, 4);
        uint32_t unit = (uint32_t)get_le(&c, 4), lcm = (uint32_t)get_le(&c, 4);
        if (c.short_read)
            return corrupt(err, "truncated");
        if (node != (uint32_t)lf->node || k != lf->k || unit != ITEM_UNIT || lcm != lf->lcm)
            return corrupt(err, "written for a different standard (leaf layout)");
    }
    /* Every organization takes at least one byte per leaf, which bounds norgs by the
     * record's size before anything is allocated for it. */
    if (st->nleaves && norgs > (total - c.pos) / st->nleaves)
        return corrupt(err, "truncated");
    if (norgs > INT32_MAX)
        return corrupt(err, "too many organizations");
    for (size_t l = 0; l < st->nleaves; l++) {
        struct leaf *lf = &st->leaves[l];
        size_t k = lf->k;
        int64_t answered = (int64_t)get_le(&c, 8), range_errors = (int64_t)get_le(&c, 8);
        unsigned has_ext = (unsigned)get_le(&c, 1);
        if (c.short_read)
            return corrupt(err, "truncated");
        if (answered < 0 || answered > COUNT_LIMIT - lf->answered || range_errors < 0 ||
            range_errors > COUNT_LIMIT - lf->range_errors || has_ext > 1)
            return corrupt(err, "count out of range");
        if (apply) {
            lf->answered += answered;
            lf->range_errors += range_errors;
        }
        for (size_t i = 0; i < k; i++)
            for (size_t j = i; j < k; j++) {
                struct pair_tot *t = &lf->tot[i * k + j];
                int64_t n = (int64_t)get_le(&c, 8);
                i128 sx = get_i128(&c), sy = get_i128(&c), sxy = get_i128(&c);
                if (c.short_read)
                    return corrupt(err, "truncated");
                /* Integer-path values are below 2^15 in units of 1/16. */
                if (n < 0 || n > COUNT_LIMIT - t->n - lf->blk[i * k + j].n ||
                    abs128(sx) > (u128)n << 15 || abs128(sy) > (u128)n << 15 ||
                    abs128(sxy) > (u128)n << 30)
                    return corrupt(err, "pair sums out of range");
                if (apply) {
                    t->n += n;
                    t->sx += sx;
                    t->sy += sy;
                    t->sxy += sxy;
                }
            }
        if (has_ext) {
            struct pair_ext *ext = apply ? leaf_ext(lf) : NULL;
            for (size_t i = 0; i < k; i++)
                for (size_t j = i; j < k; j++) {
                    struct pair_ext e;
                    get_exact(&c, &e.sx);
                    get_exact(&c, &e.sy);
                    get_exact(&c, &e.sxy);
                    if (c.short_read)
                        return corrupt(err, "truncated");
                    if (apply) {
                        lotk_exact_merge(&ext[i * k + j].sx, &e.sx);
                        lotk_exact_merge(&ext[i * k + j].sy, &e.sy);
                        lotk_exact_merge(&ext[i * k + j].sxy, &e.sxy);
                    }
                }
        }
    }
    size_t maxk = 1;
    for (size_t l = 0; l < st->nleaves; l++)
        if (st->leaves[l].k > maxk)
            maxk = st->leaves[l].k;
    int64_t *sums = lotk_xmalloc(maxk * sizeof *sums);
    struct org_ext *ext = lotk_xcalloc(1, sizeof *ext + maxk * sizeof(struct lotk_exact));
    int rc = 0;
    for (uint64_t o = 0; o < norgs && rc == 0; o++) {
        int to = org_map ? org_map[o] : (int)o;
        for (size_t l = 0; l < st->nleaves; l++) {
            const struct leaf *lf = &st->leaves[l];
            unsigned flags = (unsigned)get_le(&c, 1);
            struct org_leaf ol = {0, 0, 0, 0, 0, 0};
            memset(sums, 0, lf->k * sizeof *sums);
            if (flags & 1) {
                int64_t n = (int32_t)(uint32_t)get_le(&c, 4);
                int64_t complete = (int32_t)(uint32_t)get_le(&c, 4);
                ol.n = (int32_t)n;
                ol.complete = (int32_t)complete;
                ol.sm = (int64_t)get_le(&c, 8);
                ol.sm2_lo = get_le(&c, 8);
                ol.sm2_hi = get_le(&c, 8);
                ol.q = (int64_t)get_le(&c, 8);
                int bad = n < 0 || complete < 0 || ol.sm2_hi >> 63 ||
                          abs128(ol.sm) > (u128)n << 31 || org_sm2(&ol) > (i128)n << 62 ||
                          ol.q < 0 || ol.q > complete << 32;
                for (size_t i = 0; i < lf->k; i++) {
                    int64_t si = (int64_t)get_le(&c, 8);
                    bad |= abs128(si) > (u128)(complete < 0 ? 0 : complete) << 15;
                    sums[i] = si; /* below 2^46: merged exactly (org_leaf_merge) */
                }
                if (bad && !c.short_read) {
                    rc = corrupt(err, "organization sums out of range");
                    break;
                }
            }
            if (flags & 2) {
                get_exact(&c, &ext->sv);
                get_exact(&c, &ext->sv2);
                get_exact(&c, &ext->q);
                for (size_t i = 0; i < lf->k; i++)
                    get_exact(&c, &ext->s[i]);
            }
            if (c.short_read) {
                rc = corrupt(err, "truncated");
                break;
            }
            if (flags > 3) {
                rc = corrupt(err, "unknown organization flags");
                break;
            }
            if (apply && to >= 0 && flags)
                org_leaf_merge(st, org_at(st, to), l, &ol, sums, flags & 2 ? ext : NULL);
        }
    }
    free(sums);
    free(ext);
    if (rc)
        return rc;
    if (c.pos != c.len)
        return corrupt(err, "trailing bytes inside the record");
    *used = c.pos;
    return 0;
}

int lotk_stats_read(struct lotk_stats *st, const char *data, size_t len, size_t *used,
                    const int *org_map, struct lotk_err *err)
{
    size_t n = 0;
    int rc = parse_record(st, data, len, &n, org_map, 0, err);
    if (rc == 0)
        parse_record(st, data, len, &n, org_map, 1, err);
    if (used)
        *used = rc == 0 ? n : 0;
    return rc;
}

int lotk_stats_peek(const char *data, size_t len, size_t *norgs, size_t *size,
                    struct lotk_err *err)
{
    if (len < HEADER_BYTES || memcmp(data, MAGIC, sizeof MAGIC) != 0)
        return corrupt(err, "not a lotk statistics record");
    struct cursor c = {(const unsigned char *)data, len, sizeof MAGIC, 0};
    uint32_t version = (uint32_t)get_le(&c, 4);
    if (version != FORMAT_VERSION)
        return lotk_err_set(err, LOTK_EIO, NULL, 0, 0,
                            "statistics record: format version %u, this lotk reads %d",
                            (unsigned)version, FORMAT_VERSION);
    get_le(&c, 4);
    uint64_t orgs = get_le(&c, 8), total = get_le(&c, 8);
    if (total > len || total < HEADER_BYTES)
        return corrupt(err, "truncated");
    if (norgs)
        *norgs = (size_t)orgs;
    if (size)
        *size = (size_t)total;
    return 0;
}

size_t lotk_stats_orgs(const struct lotk_stats *st)
{
    return st ? st->norgs : 0;
}

void lotk_stats_release_org(struct lotk_stats *st, int org)
{
    if (org < 0 || (size_t)org >= st->norgs)
        return;
    struct org *g = &st->orgs[org];
    free(g->leaf);
    if (g->ext)
        for (size_t l = 0; l < st->nleaves; l++)
            free(g->ext[l]);
    free(g->ext);
    g->leaf = NULL;
    g->ext = NULL;
}

void lotk_stats_free(struct lotk_stats *st)
{
    if (!st)
        return;
    for (size_t l = 0; l < st->nleaves; l++) {
        free(st->leaves[l].blk);
        free(st->leaves[l].tot);
        free(st->leaves[l].small);
        free(st->leaves[l].ext);
    }
    for (size_t o = 0; o < st->norgs; o++) {
        free(st->orgs[o].leaf);
        if (st->orgs[o].ext)
            for (size_t l = 0; l < st->nleaves; l++)
                free(st->orgs[o].ext[l]);
        free(st->orgs[o].ext);
    }
    free(st->orgs);
    free(st->leaves);
    free(st->leaf_of_node);
    free(st->x);
    free(st->off);
    free(st->item_sums);
    free(st);
}
