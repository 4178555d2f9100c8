/* rejects.h — the rows a read rejected, kept in file order: shown on stderr (the first
 * few), counted, and written whole to --rejects FILE. Readers in several threads each fill
 * their own log; the logs are then appended in file order. */
#ifndef LOTK_REJECTS_H
#define LOTK_REJECTS_H

#include <stdbool.h>
#include <stdio.h>

#include "input/survey.h"
#include "base/buf.h"

struct lotk_rejects {
    struct lotk_reject_entry {
        char *file;
        long line, column;
        char *reason;
        char **fields;
        size_t nfields;
        bool screened; /* screened out by the standard, not a malformed row */
        char *org;     /* screened rows: their organization's id; NULL otherwise */
    } *entries;
    size_t count, cap;
    bool keep_fields; /* whether rows are kept as read (for the --rejects file) */
};

/* Matches on_reject of struct lotk_survey_sink (and of the evidence sink): ctx is a struct
 * lotk_rejects. Adds a copy of reject (file, reason, and its fields when keep_fields), so
 * the reader may reuse its buffers at once. */
void lotk_rejects_add(void *ctx, const struct lotk_reject *reject);

/* Moves every entry of src to the end of dst, adding line_offset to their lines (a range
 * read on a thread counts lines from its start). src is left empty, its entries owned by
 * dst. */
void lotk_rejects_append(struct lotk_rejects *dst, struct lotk_rejects *src, long line_offset);

/* Prints the first `shown` entries to out as warnings ("file:line:column: row rejected:
 * reason", or "row screened out"), then, when there are more, how many; that count points
 * to --rejects FILE unless point_to_file says such a file is being written already. */
void lotk_rejects_print(const struct lotk_rejects *r, size_t shown, bool point_to_file,
                        FILE *out);

/* Appends the rejects as CSV: file,line,column,outcome (rejected or screened),reason, then
 * the row's fields. */
void lotk_rejects_csv(const struct lotk_rejects *r, struct lotk_buf *out);

/* Frees every entry; r is empty afterwards and may be filled again. */
void lotk_rejects_clear(struct lotk_rejects *r);

#endif
