/* stats.c — the statistics' accumulators: adding rows, merging accumulators, freeing them.
 * What is computed from them is in stats_compute.c, their file form in stats_wire.c; the
 * structures are in stats_impl.h. See stats.h. */
#include "score/stats.h"

#include <float.h>
#include <math.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "base/exact.h"
#include "base/mem.h"
#include "score/stats_impl.h"

/* The rounding tricks below ((a + 1.5·2^p) − 1.5·2^p) need every operation rounded to
 * double, not to a wider register format. */
_Static_assert(FLT_EVAL_METHOD == 0, "lotk's statistics need FLT_EVAL_METHOD 0 (SSE2 math)");

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
    /* What the rows write goes on cache lines of its own: with two jobs these are written on
     * the scorer's thread while the reader's works beside them (lotk_xcalloc_lines). */
    struct lotk_stats *st = lotk_xcalloc_lines(1, sizeof *st);
    st->s = s;
    st->leaf_of_node = lotk_xmalloc((s->nnodes ? s->nnodes : 1) * sizeof *st->leaf_of_node);
    st->leaves = lotk_xcalloc_lines(s->nnodes ? s->nnodes : 1, sizeof *st->leaves);
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
        lf->blk = lotk_xcalloc_lines(lf->k * lf->k, sizeof *lf->blk);
        lf->tot = lotk_xcalloc_lines(lf->k * lf->k, sizeof *lf->tot);
        lf->small = lotk_xcalloc_lines(2 * lf->k * BLOCK_ROWS, sizeof *lf->small);
        if (lf->k > maxk)
            maxk = lf->k;
    }
    st->x = lotk_xcalloc_lines(maxk, sizeof *st->x);
    st->off = lotk_xcalloc_lines(maxk, sizeof *st->off);
    st->item_sums = lotk_xcalloc_lines(maxk, sizeof *st->item_sums);
    st->item_units = lotk_xcalloc_lines(maxk, sizeof *st->item_units);
    return st;
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

struct pair_tot lotk_stats_pair_total(const struct leaf *lf, size_t p)
{
    return pair_total(lf, p);
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
static inline void add_value(const struct lotk_stats *st, struct leaf *lf, struct org *g, size_t l,
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

/* Counts a row that answered every item of the leaf; false (a range error) when the count
 * is full. */
static bool count_complete(struct leaf *lf, struct org_leaf *ol)
{
    if (ol->complete == INT32_MAX) {
        lf->range_errors++;
        return false;
    }
    ol->complete++;
    return true;
}

/* The integer path of a complete row's rwg(j) sums: d the items' values in 1/ITEM_UNIT
 * (overwritten), q256 their Σ(16x)² (below 2^32, so the organization's q stays below 2^63).
 * False, with nothing added, when an item sum would leave int32. */
static inline bool add_complete_int(const struct lotk_stats *st, const struct leaf *lf,
                                    struct org *g, size_t l, int32_t *d, int64_t q256)
{
    int32_t *s = org_item_sums(st, g) + lf->first;
    bool over = false;
    for (size_t i = 0; i < lf->k; i++)
        over |= __builtin_add_overflow(s[i], d[i], &d[i]);
    if (over)
        return false;
    for (size_t i = 0; i < lf->k; i++)
        s[i] = d[i];
    g->leaf[l].q += q256;
    return true;
}

/* The exact path of a complete row's rwg(j) sums: the whole row. Which path a row takes
 * depends on its values and, only at int32's end, on the sums so far; both hold every value
 * exactly, so the result does not depend on the route. */
static void add_complete_exact(const struct lotk_stats *st, const struct leaf *lf, struct org *g,
                               size_t l, const double *x)
{
    struct org_ext *e = org_ext_at(st, g, l);
    for (size_t i = 0; i < lf->k; i++) {
        lotk_exact_add(&e->s[i], x[i]);
        exact_add_product(&e->q, x[i], x[i]);
    }
}

/* A row that answered every item of the leaf into its organization's rwg(j) sums; q is
 * the row's Σx² when every value is on the integer path (exact: a multiple of 2^-8), else
 * -1. */
static void add_complete(const struct lotk_stats *st, struct leaf *lf, struct org *g, size_t l,
                         const double *x, double q)
{
    if (!count_complete(lf, &g->leaf[l]))
        return;
    if (q >= 0 && q < 0x1p24) { /* Σ (16x)² < 2^32, so each |16x| < 2^16 */
        int32_t *d = st->item_units;
        for (size_t i = 0; i < lf->k; i++)
            d[i] = (int32_t)(x[i] * ITEM_UNIT);
        if (add_complete_int(st, lf, g, l, d, (int64_t)(q * (ITEM_UNIT * ITEM_UNIT))))
            return;
    }
    add_complete_exact(st, lf, g, l, x);
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

static void add_row(struct lotk_stats *st, int org, const double *keyed, const double *leaf)
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
            /* Adding 1.5·2^48 rounds to a multiple of 2^-4 (for |a| < 2^47), adding
             * 1.5·2^52 to a whole number; NaN (no answer) fails both. */
            on_grid += (a + 0x1.8p48) - 0x1.8p48 == a;
            small += a != a || ((a + 0x1.8p52) - 0x1.8p52 == a && fabs(a) <= SMALL_MAX);
        }
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

void lotk_stats_prefetch_entry(const struct lotk_stats *st, int org)
{
    if (org >= 0 && (size_t)org < st->norgs)
        __builtin_prefetch(&st->orgs[org]);
}

void lotk_stats_prefetch(const struct lotk_stats *st, int org)
{
    if (org < 0 || (size_t)org >= st->norgs || !st->orgs[org].leaf)
        return;
    const char *p = (const char *)st->orgs[org].leaf;
    size_t bytes = st->nleaves * sizeof(struct org_leaf) + st->nitems * sizeof(int32_t);
    for (size_t b = 0; b < bytes; b += 64)
        __builtin_prefetch(p + b, 1);
}

void lotk_stats_add(struct lotk_stats *st, int org, const double *keyed, const double *leaf)
{
    add_row(st, org, keyed, leaf);
}

/* add_row for a row known small: each value goes from double to int16 once, and the block's
 * columns, the answered count, Σx² and a complete row's item sums all come from those
 * integers; the sums are the same. */
void lotk_stats_add_small(struct lotk_stats *st, int org, const double *keyed,
                          const double *leaf)
{
    if (org < 0)
        return;
    struct org *g = org_at(st, org);
    int32_t *d = st->item_units;
    for (size_t l = 0; l < st->nleaves; l++) {
        struct leaf *lf = &st->leaves[l];
        size_t k = lf->k, answered = 0;
        int64_t q = 0; /* Σx², for rwg(j) */
        /* Stored before the row is known to have an answer: a row without one leaves the
         * block's row count as it is, and the next row overwrites its columns. */
        int16_t *col = lf->small + lf->small_rows;
        for (size_t i = 0; i < k; i++) {
            double a = keyed[lf->items[i]];
            bool m = a == a;
            int16_t x = m ? (int16_t)a : 0;
            col[i * BLOCK_ROWS] = x;
            col[(k + i) * BLOCK_ROWS] = m;
            answered += m;
            q += x * x;
            d[i] = x * ITEM_UNIT;
        }
        double v = leaf[lf->node];
        if (v == v) /* read even without answers: a respondent plugin may give one */
            add_value(st, lf, g, l, v);
        if (answered == 0)
            continue;
        lf->answered++;
        if (++lf->small_rows == BLOCK_ROWS)
            fold_small(lf);
        if (answered < k || !count_complete(lf, &g->leaf[l]))
            continue;
        if (q < (1 << 24) && add_complete_int(st, lf, g, l, d, q * (ITEM_UNIT * ITEM_UNIT)))
            continue;
        for (size_t i = 0; i < k; i++)
            st->x[i] = keyed[lf->items[i]];
        add_complete_exact(st, lf, g, l, st->x);
    }
    if (++st->open_rows >= FLUSH_ROWS)
        flush_leaves(st);
}

/* ---- merging ------------------------------------------------------------------------ */

void lotk_stats_org_leaf_merge(struct lotk_stats *a, struct org *ga, size_t l,
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
        lotk_stats_org_leaf_merge(a, ga, l, &gb->leaf[l], a->item_sums, org_ext_of(gb, l));
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
    free(st->item_units);
    free(st);
}

