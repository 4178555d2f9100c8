/* result_table.h — everything scoring and analysis computed for one batch, in one place:
 * what every writer reads (output/), and nothing else does. Domain modules compute into
 * their own structs; the result table gathers them, so a writer needs no other module's
 * help and a new writer (a report plugin, a workbook) reads the same thing.
 *
 * It also says which organizations are shown (--org): ranks, medians and percentiles stay
 * those of the whole batch, so an organization's own report reads as it would in the
 * batch's. */
#ifndef LOTK_RESULT_TABLE_H
#define LOTK_RESULT_TABLE_H

#include <stdbool.h>
#include <stddef.h>

#include "analysis/bootstrap.h"
#include "analysis/compare.h"
#include "analysis/norms.h"
#include "analysis/summary.h"
#include "analysis/targets.h"
#include "score/rollup.h"
#include "base/err.h"
#include "input/rejects.h"
#include "score/score.h"

struct lotk_result_table {
    const struct lotk_result *result;       /* scored, rules applied */
    const struct lotk_ranks *ranks;         /* percentile ranks; NULL when not computed */
    const struct lotk_bootstrap *bootstrap; /* NULL without --bootstrap */
    struct lotk_compare_basis *basis;       /* org_reliability, owned; NULL when not wanted */
    struct lotk_summary *summary;           /* the batch as a whole, owned; NULL when not
                                             * wanted */
    const struct lotk_rejects *rejects; /* the rows rejected or screened out, borrowed; NULL
                                         * when the run kept none (lotk merge) */
    long *screened;   /* per organization of the result: respondents screened out; owned;
                       * NULL without rejects */
    size_t *shown;    /* the organizations shown, as indices into result->orgs in result
                       * order; owned */
    size_t nshown;
    bool selected;    /* shown is a --org selection, not every organization */
    const struct lotk_target_report *targets; /* a city standard's targets, borrowed; NULL
                                               * when it sets none */
    const struct lotk_statistics *statistics; /* a city standard's inputs, borrowed; NULL */
    const struct lotk_rollup *rollup;         /* when not given */
};

/* What lotk_result_table_init computes beside borrowing. */
enum {
    LOTK_TABLE_BASIS = 1 << 0,   /* the measurement error lotk compare needs later */
    LOTK_TABLE_SUMMARY = 1 << 1, /* medians, grade counts and ranks */
};

/* Fills t with r and what was computed of it (ranks, bootstrap: NULL when not computed),
 * all borrowed, every organization shown; computes what the LOTK_TABLE_* bits of compute
 * ask for. Free with lotk_result_table_clear, before r. */
void lotk_result_table_init(struct lotk_result_table *t, const struct lotk_result *r,
                            const struct lotk_ranks *ranks, const struct lotk_bootstrap *bootstrap,
                            unsigned compute);

/* Shows only the organizations ids[0..n) (--org, repeatable; each once, in result order).
 * Returns 0, or LOTK_EUSAGE naming an id that is no organization of the result, with the
 * closest ones. */
int lotk_result_table_select(struct lotk_result_table *t, const char *const *ids, size_t n,
                             struct lotk_err *err);

/* Gives t the run's rejected and screened rows (borrowed: they must outlive t), and counts
 * each organization's screened respondents. */
void lotk_result_table_set_rejects(struct lotk_result_table *t, const struct lotk_rejects *rj);

/* Frees what t owns and zeroes it; safe on a zeroed table. */
void lotk_result_table_clear(struct lotk_result_table *t);

#endif
