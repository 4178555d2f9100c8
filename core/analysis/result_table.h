/* result_table.h — everything scoring and analysis computed for one batch, in one place:
 * what every writer reads (output/), and nothing else does. Domain modules compute into
 * their own structs; the result table gathers them, so a writer needs no other module's
 * help and a new writer (a report plugin, a workbook) reads the same thing. */
#ifndef LOTK_RESULT_TABLE_H
#define LOTK_RESULT_TABLE_H

#include <stdbool.h>

#include "analysis/bootstrap.h"
#include "analysis/compare.h"
#include "analysis/norms.h"
#include "score/score.h"

struct lotk_result_table {
    const struct lotk_result *result;       /* scored, rules applied */
    const struct lotk_ranks *ranks;         /* percentile ranks; NULL when not computed */
    const struct lotk_bootstrap *bootstrap; /* NULL without --bootstrap */
    struct lotk_compare_basis *basis;       /* org_reliability, owned; NULL when not wanted */
};

/* Fills t with r and what was computed of it (ranks, bootstrap: NULL when not computed),
 * all borrowed; with_basis computes the measurement error that lotk compare needs later.
 * Free with lotk_result_table_clear, before r. */
void lotk_result_table_init(struct lotk_result_table *t, const struct lotk_result *r,
                            const struct lotk_ranks *ranks, const struct lotk_bootstrap *bootstrap,
                            bool with_basis);

/* Frees what t owns and zeroes it; safe on a zeroed table. */
void lotk_result_table_clear(struct lotk_result_table *t);

#endif
