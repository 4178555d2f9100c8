/* statistics.h — a city standard's statistics file (DESIGN §10): one row per unit, its id
 * in the standard's survey.org_column, one column per statistic leaf, and the targets'
 * group_by column. Read through the one CSV layer (csvread.h), in the encodings and with
 * the delimiters of surveys. A blank or non-numeric cell leaves its leaf without a value and
 * is reported (file:line:column) as a rejected cell; the row itself is kept. */
#ifndef LOTK_STATISTICS_H
#define LOTK_STATISTICS_H

#include <stddef.h>

#include "base/diag.h"
#include "base/err.h"
#include "base/strmap.h"
#include "input/survey.h"
#include "standard/standard.h"

struct lotk_stat_unit {
    char *id;
    char *group;    /* the group_by cell; NULL when the standard sets no targets or blank */
    long line;      /* where its row starts */
    double *values; /* per statistic leaf, in preorder (lotk_statistics.leaves); NaN: none */
};

struct lotk_statistics {
    const struct lotk_standard *s;
    char *file;
    int *leaves;            /* the statistic leaves' node indices, in preorder */
    size_t nleaves;
    int *leaf_of;           /* node → position in leaves, -1 */
    struct lotk_stat_unit *units; /* in file order */
    size_t nunits, cap_units;
    struct lotk_strmap index; /* unit id → position in units */
    long rows;              /* data rows read */
    long rejected_rows;     /* rows without a unit id (reported, not kept) */
    long rejected_cells;    /* blank or non-numeric cells (reported, leaf without value) */
};

/* Reads the statistics file at path for standard s, as opts says (delimiter and encoding:
 * detected when 0 / auto). Warnings (rejected cells, rows without an id) go to warnings,
 * each with file:line:column. Returns 0 with *out set (owned by the caller, freed with
 * lotk_statistics_free), or LOTK_EIO with err filled: the file cannot be read, a column the
 * standard needs is missing (with the closest header), or a unit appears twice. */
int lotk_statistics_read(const struct lotk_standard *s, const char *path,
                         const struct lotk_survey_options *opts, struct lotk_diags *warnings,
                         struct lotk_statistics **out, struct lotk_err *err);

/* The unit with this id, or NULL. */
const struct lotk_stat_unit *lotk_statistics_find(const struct lotk_statistics *st,
                                                  const char *id);

/* The norm of a statistic x between goalposts low and high: (x − low) / (high − low),
 * clipped to [0, 1] (low > high: lower is better); NaN for NaN. */
double lotk_statistic_norm(double x, double low, double high);

void lotk_statistics_free(struct lotk_statistics *st);

#endif
