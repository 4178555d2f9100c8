/* survey_private.h — what the survey reader's files share and nothing outside input/ sees:
 * the reader's state, a file's mapped header and the per-column plan. survey.c reads
 * (rows → decoded rows → sink), colmap.c maps a header to the standard, answer.c decodes
 * one answer, screen.c screens a decoded row. */
#ifndef LOTK_SURVEY_PRIVATE_H
#define LOTK_SURVEY_PRIVATE_H

#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "base/buf.h"
#include "base/err.h"
#include "base/strmap.h"
#include "input/csvread.h"
#include "input/idset.h"
#include "input/survey.h"
#include "standard/standard.h"

enum {
    LOTK_SURVEY_MAX_COLUMNS = 1 << 16, /* a header wider than this is not a survey */
    LOTK_SURVEY_MAX_REASON = 512,
};

struct lotk_survey {
    const struct lotk_standard *s;
    struct lotk_survey_sink sink;
    struct lotk_survey_counts counts;
    /* Respondent ids over all files: rows add to the last set; the others came from the
     * ranges of files read on threads, moved here whole rather than copied. */
    struct lotk_idset *ids;
    size_t nids;
    size_t expect_rows; /* sizes the first id set (0: unknown) */
    struct lotk_progress *progress; /* may be NULL */
    struct lotk_survey_options opts;
    void (*on_header)(void *ctx, const struct lotk_survey_header *h);
    void (*on_org)(void *ctx, const char *org, size_t len); /* lotk_survey_on_org */
    void *on_header_ctx;
    enum lotk_encoding last_encoding; /* how the last file was read */
    char last_delimiter;
};

/* How one column is read: the item it feeds, and what each single-digit answer means
 * there, worked out once so the common case costs one table lookup per field. */
struct lotk_column_plan {
    int item;          /* -1 when the column feeds no item */
    int option;        /* a multi item's 0/1 column: the option it stands for; else -1 */
    int extra;         /* index of the screening cell it feeds (duration, attention); -1 */
    signed char digit[10]; /* LOTK_DIGIT_* for the answers "0" to "9" */
    /* Bit d set: the one-character answer "d" needs nothing but storing value[d] (an item
     * column that is not a screening cell). Kept beside the values so that the field
     * callback reads one cache line. */
    uint16_t fast;
    double value[10];
};
enum { LOTK_DIGIT_SLOW = 0, LOTK_DIGIT_VALUE = 1, LOTK_DIGIT_MISSING = 2 };

/* A column's one-digit answers as the field callback reads them: the plan's mask and
 * values beside this reader's answer slot (NULL for a column that feeds no item), so that
 * storing an answer takes one lookup. */
struct lotk_fast_column {
    double *slot;
    uint16_t mask; /* the plan's fast */
    double value[10];
};

/* A file's header mapped to the standard. Built once, then only read, so the threads
 * that read a file's chunks share it. */
struct lotk_survey_header {
    char *file;
    char **headers;
    size_t nheaders, cap_headers;
    struct lotk_column_plan *plan; /* per column */
    char **norm;        /* each header normalised (header.h) */
    int *question, *qrow; /* each header's question and row number (0: none) */
    int org_column, id_column;
    int duration_column;  /* -1: none */
    int *attention_column; /* per attention check of the standard */
    double *attention_expect; /* the expected answer as a number, NaN: compare text */
    char delimiter;     /* as detected (or forced) from the header line */
    enum lotk_encoding encoding; /* as detected (or forced); AUTO until known */
    bool splittable;    /* data_offset is exact in the file's bytes (parallel reads) */
    long data_line;     /* line where the first data row starts */
    uint64_t data_offset; /* byte offset of that line */
};

/* One file (or range of one) being read: the CSV reader and the row being decoded. */
struct lotk_survey_reader {
    struct lotk_csvread csv; /* lines, columns, the stop code and err */
    struct lotk_survey *sv;
    struct lotk_survey_header *h; /* being built while in_header, then only read */
    bool in_header;
    bool header_only;   /* stop once the header is mapped (lotk_survey_header_read) */
    bool keep_fields;   /* the rejects sink wants the row as read */
    /* Per column once data rows begin and no row is kept whole: where a one-digit answer
     * goes and what it means; 0 columns (every field to the slow path) before that. */
    struct lotk_fast_column *fast;
    size_t fast_columns;
    /* current row */
    double *answers;
    double *no_answers; /* every item NaN: what answers start each row from, in one copy */
    struct lotk_buf org, resp;
    /* resp's key, set with it: a row that reaches the id check read its id column. */
    struct lotk_idset_key id_key;
    struct lotk_buf row_bytes;  /* the row's fields back to back, when keep_fields */
    struct lotk_buf typed;      /* answer.c's scratch for answers read as typed */
    size_t *field_starts;
    size_t cap_field_starts;
    struct lotk_buf *extras; /* this row's screening cells: duration, then attention */
    size_t nextras;
    long reject_column;
    bool screened;      /* the reason is a screening result, not a rejection */
    bool small;         /* lotk_row.small so far */
    char reason[LOTK_SURVEY_MAX_REASON];
};

/* Rejects the current row for the reason fmt gives, about 1-based column (0: the whole
 * row); the first reason given is the one reported, later ones are dropped. */
static inline void lotk_survey_reject_row(struct lotk_survey_reader *rd, long column,
                                          const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

static inline void lotk_survey_reject_row(struct lotk_survey_reader *rd, long column,
                                          const char *fmt, ...)
{
    if (rd->reason[0])
        return;
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(rd->reason, sizeof rd->reason, fmt, ap);
    va_end(ap);
    rd->reject_column = column;
}

/* The header text of column col, "" past the header's end (a ragged row). */
static inline const char *lotk_survey_header_text(const struct lotk_survey_reader *rd,
                                                  size_t col)
{
    return col < rd->h->nheaders ? rd->h->headers[col] : "";
}

/* colmap.c — a new, empty header for the file at path (columns to none); the caller owns
 * it (lotk_survey_header_free). */
struct lotk_survey_header *lotk_colmap_header_new(const char *path);

/* colmap.c — maps rd->h's headers to the standard's items, organization and id columns
 * and screening cells, and plans each column's one-digit answers. Returns 0, or LOTK_EIO
 * with rd->csv.err naming what has no column (with the closest headers), fits several, or
 * is claimed twice; when there are several such problems, each is printed on stderr and
 * rd->csv.err counts them. */
int lotk_colmap_map(struct lotk_survey_reader *rd);

/* answer.c — decodes the answer text[0..len) in column col (plan cp, an item's column)
 * into rd->answers through the item's scale or options; an answer that is none of them
 * rejects the row (lotk_survey_reject_row) and leaves the value as it was. */
void lotk_answer_decode(struct lotk_survey_reader *rd, size_t col,
                        const struct lotk_column_plan *cp, const char *text, size_t len);

/* screen.c — applies the standard's screening to the decoded row in rd: the first check
 * the respondent fails sets rd->reason and rd->screened. */
void lotk_screen_row(struct lotk_survey_reader *rd);

#endif
