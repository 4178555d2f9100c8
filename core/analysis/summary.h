/* summary.h — the batch as a whole, for reports: how many organizations and grades, the
 * median of every node (what an organization's strengths and weaknesses are measured
 * against), and each organization's rank "N of M".
 *
 * The reference group is the one the batch's norms use (norms.h): organizations with a
 * value that are not flagged few_respondents — their scores are too unsure to serve as a
 * reference, and they get no grade, so they get no rank either. Medians are R's
 * (quantile type 7 at 0.5: the middle value, or the mean of the two middle ones). Ranks go
 * by total points, highest first; equal totals share the better rank (1, 2, 2, 4). */
#ifndef LOTK_SUMMARY_H
#define LOTK_SUMMARY_H

#include <stddef.h>

#include "score/score.h"

struct lotk_summary {
    size_t organizations;  /* every organization of the result */
    size_t ranked;         /* M: in the reference group and with points */
    size_t *grades;        /* per band of the standard: organizations with that grade */
    size_t ungraded;       /* organizations without a grade */
    double median_points;  /* of the ranked totals; NaN when none */
    double *median_norm;   /* per node (index 0: the total's norm); NaN when no value */
    double *median_points_of; /* per node, the same for points */
    size_t *rank;          /* per organization of the result: 1-based, 0 = not ranked */
};

/* Summarises r. The caller frees it with lotk_summary_free. */
struct lotk_summary *lotk_summary_new(const struct lotk_result *r);

void lotk_summary_free(struct lotk_summary *sm);

#endif
