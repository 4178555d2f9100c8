/* diag.h — a list of diagnostics, for commands that report every problem in an input
 * (lotk check) rather than stopping at the first. */
#ifndef LOTK_DIAG_H
#define LOTK_DIAG_H

#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>

#include "base/err.h"

struct lotk_diags {
    struct lotk_diag_entry {
        bool warning;
        struct lotk_err err;
    } *entries;
    size_t count, cap;
    size_t errors, warnings;
};

/* Appends an error (warning = false) or warning at file:line:column. */
void lotk_diags_add(struct lotk_diags *d, bool warning, int code, const char *file, long line,
                    long column, const char *fmt, ...) __attribute__((format(printf, 7, 8)));

/* Appends a copy of err (an error, or a warning when warning is set). */
void lotk_diags_add_err(struct lotk_diags *d, bool warning, const struct lotk_err *err);

/* Prints every entry in order as "lotk: error: …" or "lotk: warning: …". */
void lotk_diags_print(const struct lotk_diags *d, FILE *out);

void lotk_diags_free(struct lotk_diags *d);

#endif
