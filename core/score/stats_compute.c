/* stats_compute.c — the statistics computed from the accumulated sums (stats_impl.h):
 * reliability of a leaf, ICC(1)/ICC(2) by organization, rwg(j) of an organization, each from
 * exact centred forms rounded once (base/wide.h). See stats.h. */
#include "score/stats.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "base/err.h"
#include "base/exact.h"
#include "base/mem.h"
#include "base/wide.h"
#include "score/stats_impl.h"

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
    struct pair_tot t = lotk_stats_pair_total(lf, p);
    int64_t n = t.n;
    if (n < 2)
        return NAN;
    i128 sx = t.sx, sy = t.sy, sxy = t.sxy, d;
    double num;
    if (!lf->ext && !lotk_i128_cross(n, sxy, sx, sy, &d)) {
        num = lotk_i128_to_double(d, 8); /* Σxy in 1/256, Σx and Σy in 1/16 */
    } else {
        const struct pair_ext *e = lf->ext ? &lf->ext[p] : NULL;
        struct lotk_wide x, y, xy;
        lotk_wide_sum(&x, sx, e ? &e->sx : NULL, ITEM_UNIT);
        lotk_wide_sum(&y, sy, e ? &e->sy : NULL, ITEM_UNIT);
        lotk_wide_sum(&xy, sxy, e ? &e->sxy : NULL, ITEM_UNIT * ITEM_UNIT);
        /* n·Σxy·2^128 − Σx·Σy, in units of 2^-256 of value · 256. */
        lotk_wide_shift_limbs(&xy, 2);
        lotk_wide_mul_i128(&xy, n);
        lotk_wide_mul(&x, &x, &y);
        lotk_wide_neg(&x);
        lotk_wide_add(&xy, &x);
        num = lotk_wide_to_double(&xy, 256 + 8);
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

/* n_g·Q_g − S_g² of one organization's leaf values (Q_g = Σv², S_g = Σv), exactly and
 * rounded once, in leaf value units squared. */
static double centred_within(const struct org_leaf *ol, const struct org_ext *e, uint64_t unit)
{
    i128 wi;
    if (!e && !lotk_i128_cross(ol->n, org_sm2(ol), ol->sm, ol->sm, &wi))
        return lotk_i128_to_double(wi, 0);
    struct lotk_wide s, q, s2;
    lotk_wide_sum(&s, ol->sm, e ? &e->sv : NULL, unit);
    lotk_wide_sum(&q, org_sm2(ol), e ? &e->sv2 : NULL, unit * unit);
    lotk_wide_shift_limbs(&q, 2);
    lotk_wide_mul_i128(&q, ol->n);
    lotk_wide_mul(&s2, &s, &s);
    lotk_wide_neg(&s2);
    lotk_wide_add(&q, &s2);
    return lotk_wide_to_double(&q, 256);
}

/* The grand sum T of a leaf's values over the organizations, exactly: its integer part in
 * leaf value units, its exact part; with N and G, the respondents with a value and the
 * organizations with any. */
struct grand_sum {
    i128 t_int;
    struct lotk_exact t_ex;
    int any_ext;
    long big_n, g;
};

/* N·S_g − n_g·T of one organization, exactly and rounded once, in leaf value units; tw is
 * T as lotk_wide_sum gives it. */
static double centred_between(const struct org_leaf *ol, const struct org_ext *e,
                              const struct grand_sum *t, const struct lotk_wide *tw,
                              uint64_t unit)
{
    i128 di;
    if (!t->any_ext && !e && !lotk_i128_cross(t->big_n, ol->sm, ol->n, t->t_int, &di))
        return lotk_i128_to_double(di, 0);
    struct lotk_wide s, tn = *tw;
    lotk_wide_sum(&s, ol->sm, e ? &e->sv : NULL, unit);
    lotk_wide_mul_i128(&s, t->big_n);
    lotk_wide_mul_i128(&tn, -(i128)ol->n);
    lotk_wide_add(&s, &tn);
    return lotk_wide_to_double(&s, 128);
}

static struct grand_sum grand_sum_of(const struct lotk_stats *st, size_t l)
{
    struct grand_sum t = {0, {{0, 0, 0, 0}}, 0, 0, 0};
    for (size_t o = 0; o < st->norgs; o++) {
        const struct org *og = &st->orgs[o];
        if (!og->leaf || og->leaf[l].n == 0)
            continue;
        t.g++;
        t.big_n += og->leaf[l].n;
        t.t_int += og->leaf[l].sm;
        const struct org_ext *e = org_ext_of(og, l);
        if (e) {
            lotk_exact_merge(&t.t_ex, &e->sv);
            t.any_ext = 1;
        }
    }
    return t;
}

/* MSB and MSW of leaf l's one-way ANOVA by organization (G ≥ 2, N > G). Each
 * organization's terms come from its exact sums in centred form,
 *   SSW_g = (n_g·Q_g − S_g²) / n_g,   SSB_g = ((N·S_g − n_g·T) / N)² / n_g,
 * the two differences exact, each term rounded a few times in a way that depends on that
 * organization's sums alone, and the terms summed exactly: so neither the order of rows
 * nor the numbering of organizations can change the result. */
static void anova(const struct lotk_stats *st, const struct leaf *lf, const struct grand_sum *t,
                  double *msb, double *msw)
{
    size_t l = (size_t)(lf - st->leaves);
    uint64_t unit = (uint64_t)ITEM_UNIT * lf->lcm;
    struct lotk_exact_buckets *ssw = lotk_xcalloc(1, sizeof *ssw);
    struct lotk_exact_buckets *ssb = lotk_xcalloc(1, sizeof *ssb);
    struct lotk_wide tw;
    lotk_wide_sum(&tw, t->t_int, t->any_ext ? &t->t_ex : NULL, unit);
    double scale_n = (double)t->big_n * (double)unit, unit2 = (double)unit * (double)unit;
    double scale_n2 = scale_n * scale_n;
    for (size_t o = 0; o < st->norgs; o++) {
        const struct org *og = &st->orgs[o];
        if (!og->leaf || og->leaf[l].n == 0)
            continue;
        const struct org_leaf *ol = &og->leaf[l];
        const struct org_ext *e = org_ext_of(og, l);
        double w = centred_within(ol, e, unit), d = centred_between(ol, e, t, &tw, unit);
        /* w / n_g in value units; d / (N · unit) is n_g · (group mean − grand mean). */
        lotk_exact_buckets_add(ssw, w / ((double)ol->n * unit2));
        lotk_exact_buckets_add(ssb, d * d / (scale_n2 * (double)ol->n));
    }
    *msb = lotk_exact_buckets_value(ssb) / (double)(t->g - 1);
    *msw = lotk_exact_buckets_value(ssw) / (double)(t->big_n - t->g);
    free(ssw);
    free(ssb);
}

int lotk_stats_icc(const struct lotk_stats *st, int leaf_node, double *icc1, double *icc2,
                   long *n, long *groups)
{
    double r1 = NAN, r2 = NAN;
    const struct leaf *lf = leaf_for(st, leaf_node);
    struct grand_sum t = {0, {{0, 0, 0, 0}}, 0, 0, 0};
    if (lf)
        t = grand_sum_of(st, (size_t)(lf - st->leaves));
    if (lf && t.g >= 2 && t.big_n > t.g && !lf->range_errors) {
        double msb, msw;
        anova(st, lf, &t, &msb, &msw);
        double k = (double)t.big_n / (double)t.g;
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
        *n = t.big_n;
    if (groups)
        *groups = t.g;
    return lf ? 0 : LOTK_EUSAGE;
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
        r = lotk_i128_to_double(acc, 8);
    } else {
        struct lotk_wide q, si, sum;
        lotk_wide_sum(&q, ol->q, e ? &e->q : NULL, ITEM_UNIT * ITEM_UNIT);
        lotk_wide_shift_limbs(&q, 2);
        lotk_wide_mul_i128(&q, c);
        memset(&sum, 0, sizeof sum);
        for (size_t i = 0; i < k; i++) {
            lotk_wide_sum(&si, sx[i], e ? &e->s[i] : NULL, ITEM_UNIT);
            lotk_wide_mul(&si, &si, &si);
            lotk_wide_add(&sum, &si);
        }
        lotk_wide_neg(&sum);
        lotk_wide_add(&q, &sum);
        r = lotk_wide_to_double(&q, 256 + 8);
    }
    double svar = r / ((double)c * (double)(c - 1)) / (double)k;
    if (svar > lf->null_var) /* rwg.j's truncation: more spread than the null means none */
        svar = lf->null_var;
    double j = (double)k, q = svar / lf->null_var;
    return j * (1 - q) / (j * (1 - q) + q);
}

