/* csv.h — the CSV writers: a result and a comparison of rounds. */
#ifndef LOTK_OUTPUT_CSV_H
#define LOTK_OUTPUT_CSV_H

#include "analysis/compare.h"
#include "output/emit.h"

/* Appends one CSV row per organization: id, respondents, points, grade, flags, the rules'
 * reasons, then each node's points and mean (evidence indicators also their self and
 * third-party values, citations and notes). */
void lotk_write_csv_result(const struct lotk_result_table *t, const struct lotk_write_opts *opts,
                           struct lotk_buf *out);

/* Appends one CSV row per organization and node of a comparison. */
void lotk_write_csv_comparison(const struct lotk_comparison *c, struct lotk_buf *out);

#endif
