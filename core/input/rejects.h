/* rejects.h — the rows a read rejected, kept in file order: shown on stderr (the first
 * few), counted, and written whole to --rejects FILE. Readers in several threads each fill
 * their own log; the logs are then appended in file order.
 *
 * With stream set, memory does not grow with the rows: only the first LOTK_REJECTS_KEPT
 * entries stay in memory (what the messages and the result's list show); later ones go to
 * an unlinked temporary file when their fields are wanted (keep_fields, for --rejects) and
 * are otherwise only counted. Each organization's screened respondents are counted for
 * every row either way. */
#ifndef LOTK_REJECTS_H
#define LOTK_REJECTS_H

#include <stdbool.h>
#include <stdio.h>

#include "input/survey.h"
#include "base/buf.h"
#include "base/err.h"
#include "base/strmap.h"

enum { LOTK_REJECTS_KEPT = 1000 };

struct lotk_rejects {
    struct lotk_reject_entry {
        char *file;
        long line, column;
        char *reason;
        char **fields;
        size_t nfields;
        bool screened; /* screened out by the standard, not a malformed row */
        char *org;     /* screened rows: their organization's id; NULL otherwise */
    } *entries;       /* the first `kept` of them */
    size_t count, cap; /* count: every rejected or screened row */
    size_t kept;      /* entries in memory: count, unless stream */
    bool keep_fields; /* whether rows are kept as read (for the --rejects file) */
    bool stream;      /* keep at most LOTK_REJECTS_KEPT in memory (see above) */
    FILE *spool;      /* entries past the kept ones, with keep_fields; NULL until needed */
    bool spool_failed; /* a write to the spool failed: the --rejects file cannot be made */
    int spool_errno;   /* why, as errno said when the failure was seen */
    size_t spooled;    /* records written to the spool: what reading it back must give */
    struct lotk_buf scratch; /* one spooled record being written */
    struct lotk_strmap screened_index; /* organization id → index into screened_counts */
    long *screened_counts;
    size_t cap_screened;
};

/* Matches on_reject of struct lotk_survey_sink (and of the evidence sink): ctx is a struct
 * lotk_rejects. Adds a copy of reject (file, reason, and its fields when keep_fields), so
 * the reader may reuse its buffers at once. */
void lotk_rejects_add(void *ctx, const struct lotk_reject *reject);

/* Moves every entry of src to the end of dst, adding line_offset to their lines (a range
 * read on a thread counts lines from its start). src is left empty, its entries owned by
 * dst. */
void lotk_rejects_append(struct lotk_rejects *dst, struct lotk_rejects *src, long line_offset);

/* How many rows of organization org (len bytes) were screened out. */
long lotk_rejects_screened(const struct lotk_rejects *r, const char *org, size_t len);

/* Prints the first `shown` entries (at most LOTK_REJECTS_KEPT) to out as warnings ("file:line:column: row rejected:
 * reason", or "row screened out"), then, when there are more, how many; that count points
 * to --rejects FILE unless point_to_file says such a file is being written already. */
void lotk_rejects_print(const struct lotk_rejects *r, size_t shown, bool point_to_file,
                        FILE *out);

/* Appends the rejects as CSV: file,line,column,outcome (rejected or screened),reason, then
 * the row's fields; every row, the spooled ones included. Returns 0, or LOTK_EIO with err
 * set ("cannot spool rejected rows: <reason>") when a write to the spool failed or it
 * cannot be read back whole (remembered in r for the next call): never a short list. */
int lotk_rejects_csv(struct lotk_rejects *r, struct lotk_buf *out, struct lotk_err *err);

/* The same CSV written to path atomically (base/file.h), a piece at a time: memory stays
 * bounded however many rows there are. Returns 0 or LOTK_EIO. */
int lotk_rejects_write(struct lotk_rejects *r, const char *path, struct lotk_err *err);

/* Frees every entry (and the spool); r is empty afterwards, with its keep_fields and
 * stream, and may be filled again. */
void lotk_rejects_clear(struct lotk_rejects *r);

#endif
