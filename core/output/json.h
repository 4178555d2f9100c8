/* json.h — the JSON writers: a result (DESIGN §7), a norm table (docs/statistics.md) and a
 * comparison of rounds. */
#ifndef LOTK_OUTPUT_JSON_H
#define LOTK_OUTPUT_JSON_H

#include <jansson.h>

#include "analysis/compare.h"
#include "analysis/norms.h"
#include "input/evidence_sheet.h"
#include "output/emit.h"

/* Appends the JSON result: standard, input counts, reliability, aggregation, agreement,
 * then what t carries (org_reliability, norms, bootstrap), the organizations and, with
 * opts->respondents, the respondents. */
void lotk_write_json_result(const struct lotk_result_table *t, const struct lotk_write_opts *opts,
                            struct lotk_buf *out);

/* The "agreement" block of a result: per evidence indicator the six ICC forms, the mean
 * squares, the organizations and assessors behind them. ev may be NULL (no sheets: every
 * value null). New reference. */
json_t *lotk_write_json_agreement(const struct lotk_standard *s, const struct lotk_evidence *ev);

/* The "org_reliability" block of a result for s. New reference. */
json_t *lotk_write_json_basis(const struct lotk_standard *s, const struct lotk_compare_basis *b);

/* Appends the norm table as JSON (the format lotk_norms_load reads). */
void lotk_write_json_norms(const struct lotk_norms *nm, struct lotk_buf *out);

/* Appends the comparison as JSON. */
void lotk_write_json_comparison(const struct lotk_comparison *c, struct lotk_buf *out);

#endif
