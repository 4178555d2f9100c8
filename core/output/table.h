/* table.h — text tables for people: a result and a comparison of rounds. */
#ifndef LOTK_OUTPUT_TABLE_H
#define LOTK_OUTPUT_TABLE_H

#include "analysis/compare.h"
#include "output/emit.h"

/* Appends a table: one line per organization with the total, the grade and the points of
 * each top-level indicator, then what needs attention (rules, evidence findings and
 * agreement, reliability, percentile ranks against a norm table, the bootstrap) and the
 * grade bands. */
void lotk_write_table_result(const struct lotk_result_table *t, const struct lotk_write_opts *opts,
                             struct lotk_buf *out);

/* Appends a comparison of rounds: per organization and node old, new, difference and RCI. */
void lotk_write_table_comparison(const struct lotk_comparison *c, struct lotk_buf *out);

#endif
