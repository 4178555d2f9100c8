/* icc.c — Shrout & Fleiss intraclass correlations; see icc.h. */
#include "base/icc.h"

#include <math.h>
#include <stdlib.h>

#include "base/mem.h"

/* num / den, or NaN when the ratio is undefined: a zero denominator means the ratings do
 * not tell targets apart, which is no agreement statistic at all. */
static double ratio(double num, double den)
{
    return den != 0 && num == num && den == den ? num / den : NAN;
}

void lotk_icc_compute(const double *x, size_t n, size_t k, struct lotk_icc *out)
{
    *out = (struct lotk_icc){n, k, NAN, NAN, NAN, NAN, NAN, NAN, NAN, NAN, NAN, NAN};
    if (n < 2 || k < 2)
        return;
    double dn = (double)n, dk = (double)k;

    /* Pass 1: the grand mean. Pass 2 uses deviations from it, so that ratings far from 0
     * (a payroll share of 2.5 %, a year) lose no digits to cancellation. */
    double grand = 0;
    for (size_t i = 0; i < n * k; i++)
        grand += x[i];
    grand /= dn * dk;

    /* Column (judge) means, as deviations from the grand mean. */
    double *col = lotk_xcalloc(k, sizeof *col);
    double ss_rows = 0, ss_cols = 0, ss_within = 0, ss_error = 0;
    for (size_t j = 0; j < k; j++) {
        for (size_t i = 0; i < n; i++)
            col[j] += x[i * k + j] - grand;
        col[j] /= dn;
        ss_cols += col[j] * col[j];
    }
    /* The within and residual sums directly, not as differences of totals: both stay
     * non-negative, and exact for small integer ratings. */
    for (size_t i = 0; i < n; i++) {
        double r = 0;
        for (size_t j = 0; j < k; j++)
            r += x[i * k + j] - grand;
        r /= dk;
        ss_rows += r * r;
        for (size_t j = 0; j < k; j++) {
            double d = x[i * k + j] - grand;
            ss_within += (d - r) * (d - r);
            ss_error += (d - r - col[j]) * (d - r - col[j]);
        }
    }
    free(col);
    ss_rows *= dk;
    ss_cols *= dn;

    double bms = ss_rows / (dn - 1);
    double wms = ss_within / (dn * (dk - 1));
    double jms = ss_cols / (dk - 1);
    double ems = ss_error / ((dn - 1) * (dk - 1));
    out->bms = bms;
    out->wms = wms;
    out->jms = jms;
    out->ems = ems;
    out->icc1 = ratio(bms - wms, bms + (dk - 1) * wms);
    out->icc2 = ratio(bms - ems, bms + (dk - 1) * ems + dk * (jms - ems) / dn);
    out->icc3 = ratio(bms - ems, bms + (dk - 1) * ems);
    out->icc1k = ratio(bms - wms, bms);
    out->icc2k = ratio(bms - ems, bms + (jms - ems) / dn);
    out->icc3k = ratio(bms - ems, bms);
}
