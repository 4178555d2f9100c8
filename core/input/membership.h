/* membership.h — which unit each member organization belongs to (DESIGN §10): a CSV with
 * the columns `org` and `unit` (others are ignored), read through csvread.h. A row without
 * a unit is reported (file:line:column) and kept as a member of no unit, never dropped
 * silently; an organization listed twice is an error. */
#ifndef LOTK_MEMBERSHIP_H
#define LOTK_MEMBERSHIP_H

#include <stddef.h>

#include "base/diag.h"
#include "base/err.h"
#include "base/strmap.h"
#include "input/survey.h"

struct lotk_membership {
    char *file;
    struct lotk_member_row {
        char *org;
        char *unit;  /* NULL: the row names no unit */
        long line;
    } *rows;         /* in file order */
    size_t nrows, cap_rows;
    struct lotk_strmap index; /* org → position in rows */
    long unit_column;         /* 1-based column of `unit`, for messages about a row's unit */
};

/* Reads the membership file at path (delimiter and encoding as opts says, detected when 0 /
 * auto). Rows without a unit, or without an org (rejected), are warnings. Returns 0 with
 * *out set (owned by the caller, lotk_membership_free), or LOTK_EIO with err filled: the file
 * cannot be read, it has no `org` or `unit` column, or an organization is listed twice. */
int lotk_membership_read(const char *path, const struct lotk_survey_options *opts,
                         struct lotk_diags *warnings, struct lotk_membership **out,
                         struct lotk_err *err);

/* The row of member org, or NULL. */
const struct lotk_member_row *lotk_membership_find(const struct lotk_membership *m,
                                                   const char *org);

void lotk_membership_free(struct lotk_membership *m);

#endif
