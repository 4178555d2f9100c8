/* icc.h — the six intraclass correlations of Shrout & Fleiss (1979), "Intraclass
 * correlations: uses in assessing rater reliability", Psychological Bulletin 86(2), 420–428.
 *
 * Assessor agreement on an evidence indicator (DESIGN §4): n targets (organizations) each
 * rated by the same k judges (assessors). From the two-way table of ratings x[i][j]:
 *
 *   BMS  between-targets mean square    k Σi (x̄i· − x̄)² / (n − 1)
 *   WMS  within-target mean square      Σi Σj (xij − x̄i·)² / (n (k − 1))
 *   JMS  between-judges mean square     n Σj (x̄·j − x̄)² / (k − 1)
 *   EMS  residual mean square           Σi Σj (xij − x̄i· − x̄·j + x̄)² / ((n − 1)(k − 1))
 *
 *   ICC(1,1) = (BMS − WMS) / (BMS + (k − 1) WMS)                 one-way random
 *   ICC(2,1) = (BMS − EMS) / (BMS + (k − 1) EMS + k (JMS − EMS) / n)   two-way random
 *   ICC(3,1) = (BMS − EMS) / (BMS + (k − 1) EMS)                 two-way mixed (consistency)
 *   ICC(1,k) = (BMS − WMS) / BMS
 *   ICC(2,k) = (BMS − EMS) / (BMS + (JMS − EMS) / n)
 *   ICC(3,k) = (BMS − EMS) / BMS
 *
 * These are R psych::ICC's ICC1, ICC2, ICC3, ICC1k, ICC2k, ICC3k (tests/unit/test_icc.c
 * checks them against the paper's Table 2 example and against psych). */
#ifndef LOTK_ICC_H
#define LOTK_ICC_H

#include <stddef.h>

struct lotk_icc {
    size_t n, k;                 /* targets and judges */
    double bms, wms, jms, ems;   /* mean squares; NaN when undefined */
    double icc1, icc2, icc3;     /* single rater */
    double icc1k, icc2k, icc3k;  /* mean of the k raters */
};

/* Computes the six forms from x, an n × k table stored by rows (target i, judge j at
 * x[i * k + j]), every cell a finite rating. The sums run in a fixed order with two passes
 * (means first, then squared deviations), so equal tables give bit-identical results.
 * With n < 2 or k < 2 everything is NaN; a form whose denominator is 0 (for example every
 * target rated alike, BMS = 0) is NaN, never ±Inf. Fills *out; O(n k) time, O(k) memory. */
void lotk_icc_compute(const double *x, size_t n, size_t k, struct lotk_icc *out);

#endif
