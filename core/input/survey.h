/* survey.h — streaming a survey CSV into decoded respondent rows.
 *
 * The file is read once with libcsv, fed one physical line at a time so that every field
 * and row knows its line. The header maps columns to items (exact header or PCRE2
 * pattern); each later row is decoded through the items' scales into raw answer values
 * (NaN = no answer) and handed to on_row, or rejected with a reason via on_reject.
 * Nothing is kept per row: memory is bounded by the columns (and by respondent ids when
 * the standard declares an id column, to find duplicates: a few bytes each, idset.h). */
#ifndef LOTK_SURVEY_H
#define LOTK_SURVEY_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "input/encoding.h"
#include "base/err.h"
#include "standard/standard.h"

/* One decoded row; valid only during the on_row call. */
struct lotk_row {
    const char *file;
    long line;             /* where the row starts */
    const char *org;       /* NUL-terminated */
    size_t org_len;
    const char *resp;      /* NULL when the standard has no id column */
    const double *answers; /* per item of the standard, raw (not yet keyed); NaN = none */
    /* Every answer is no answer or a whole number within ±LOTK_SMALL_ANSWER: statistics
     * then take their fastest path without testing each value again. */
    bool small;
};

/* See lotk_row.small: one-digit answers and the labels of ordinary Likert scales. */
#define LOTK_SMALL_ANSWER 63

/* One rejected row; valid only during the on_reject call. */
struct lotk_reject {
    const char *file;
    long line;
    long column;           /* 1-based CSV column the reason is about, 0 for the whole row */
    const char *reason;
    const char *const *fields; /* the row as read */
    size_t nfields;
    bool screened;         /* screened out by the standard's screening, not malformed */
    const char *org;       /* screened rows: the organization id (a respondent of it was
                            * screened out); NULL otherwise */
};

struct lotk_survey_sink {
    /* Return 0 to go on, or a negative code (with err filled) to stop reading. */
    int (*on_row)(void *ctx, const struct lotk_row *row, struct lotk_err *err);
    void *row_ctx;
    /* May be NULL: rejected rows are still counted. */
    void (*on_reject)(void *ctx, const struct lotk_reject *reject);
    void *reject_ctx;
    /* Whether on_reject needs the rejected row's fields; keeping them costs a copy of
     * every field of every row, so only ask when writing them out. */
    bool reject_fields;
};

/* rows = scored + rejected + screened, always. */
struct lotk_survey_counts {
    long rows, scored, rejected, screened;
};

struct lotk_survey;
struct lotk_survey_header;

/* How survey files are to be read. */
struct lotk_survey_options {
    char delimiter; /* ',', '\t' or ';'; 0 = detect from each file's header line */
    enum lotk_encoding encoding; /* LOTK_ENC_AUTO: detect UTF-8 or GB18030 per file */
};

/* Creates a reader for standard s that reports to sink. The reader remembers respondent
 * ids across files, so one respondent cannot be counted twice in a batch (input/idset.h:
 * exact, 10 to 15 bytes an id for the usual short ids). The caller owns
 * the result and frees it with lotk_survey_free. */
struct lotk_survey *lotk_survey_new(const struct lotk_standard *s,
                                    const struct lotk_survey_sink *sink);

/* Reads path ("-" = standard input), calling the sink for every row after the header.
 * Returns 0; LOTK_EIO for a file that cannot be read, is not valid CSV, changed while it was
 * read (lotk_survey_unchanged), or whose header does not fit the standard (err names the item, the pattern and the candidate headers);
 * or what on_row returned. */
int lotk_survey_read(struct lotk_survey *sv, const char *path, struct lotk_err *err);

/* Whether the regular file open as fd still has the size and modification time it had in
 * *before (anything else passes): 0, or LOTK_EIO with err saying the file changed while it
 * was read. lotk_survey_read checks this itself; a caller reading ranges checks it once
 * every range is read. */
struct stat;
int lotk_survey_unchanged(int fd, const struct stat *before, const char *name,
                          struct lotk_err *err);

/* lotk_survey_read on an open stream; name is what messages call it. */
int lotk_survey_read_stream(struct lotk_survey *sv, FILE *f, const char *name,
                            struct lotk_err *err);

/* Rows read, scored and rejected over every file read so far. */
struct lotk_survey_counts lotk_survey_counts(const struct lotk_survey *sv);

/* Parses a --delimiter argument: comma, tab, semicolon, auto (0), or the character.
 * Returns 0, or -1 for anything else. */
int lotk_survey_parse_delimiter(const char *text, char *out);

/* Fills opts from --delimiter and --encoding arguments (either may be NULL: detected).
 * Returns 0, or LOTK_EUSAGE with err naming the command and what the option takes. */
int lotk_survey_options_parse(const char *command, const char *delimiter, const char *encoding,
                              struct lotk_survey_options *opts, struct lotk_err *err);

/* Sets how files are read (the default: everything detected). */
void lotk_survey_set_options(struct lotk_survey *sv, const struct lotk_survey_options *opts);

/* Calls fn with each file's header once it is mapped to the standard (for lotk validate). */
void lotk_survey_on_header(struct lotk_survey *sv,
                           void (*fn)(void *ctx, const struct lotk_survey_header *h),
                           void *ctx);

/* Calls fn with the sink's row_ctx and the organization id of the row being read as soon
 * as that field is read, before the row is complete: a hint (the row may still be
 * rejected; on_row gets the id again) that lets a scorer start loading the organization's
 * sums while the rest of the row is parsed. fn NULL: none. */
void lotk_survey_on_org(struct lotk_survey *sv, void (*fn)(void *ctx, const char *org, size_t len));

/* Says on stderr how the last file read was read: its encoding and delimiter. */
void lotk_survey_note(const struct lotk_survey *sv, const char *file);

/* Reports bytes and rows read to progress (NULL: none). */
struct lotk_progress;
void lotk_survey_set_progress(struct lotk_survey *sv, struct lotk_progress *progress);

/* ---- reading one file in parallel chunks ---------------------------------------------
 * A file can be read as several byte ranges, each by its own survey (and scorer) in its
 * own thread: lotk_survey_header_read maps the header once, then each range of the data
 * is read with lotk_survey_read_range. The caller cuts ranges at line starts; whether a
 * cut fell inside a quoted field is only known afterwards, from ends_in_quote of the range
 * before it, and the caller then reads the file sequentially instead. */
struct lotk_survey_header;

/* Reads and maps the header of the file at path (a regular file) for the standard and
 * options of the survey `like`. The caller owns *out (lotk_survey_header_free). Errors
 * as lotk_survey_read. */
int lotk_survey_header_read(struct lotk_survey *like, const char *path,
                            struct lotk_survey_header **out, struct lotk_err *err);
/* The delimiter the header was read with. */
char lotk_survey_header_delimiter(const struct lotk_survey_header *h);
/* The file, its columns, each column's header text and the item it feeds (-1: none), and
 * the organization and respondent id columns (-1: none). */
const char *lotk_survey_header_file(const struct lotk_survey_header *h);
size_t lotk_survey_header_columns(const struct lotk_survey_header *h);
const char *lotk_survey_header_name(const struct lotk_survey_header *h, size_t column);
int lotk_survey_header_item(const struct lotk_survey_header *h, size_t column);
int lotk_survey_header_org_column(const struct lotk_survey_header *h);
int lotk_survey_header_id_column(const struct lotk_survey_header *h);
/* The screening columns: the answering time (-1: none) and attention check k. */
int lotk_survey_header_duration_column(const struct lotk_survey_header *h);
int lotk_survey_header_attention_column(const struct lotk_survey_header *h, size_t k);
/* Where the data rows begin: byte offset and line number. */
uint64_t lotk_survey_header_data_offset(const struct lotk_survey_header *h);
long lotk_survey_header_data_line(const struct lotk_survey_header *h);
/* Whether the standard's respondent id column is in play (duplicates must be checked
 * across ranges). */
bool lotk_survey_header_has_ids(const struct lotk_survey_header *h);
/* Whether the file can be cut into ranges after its header (lines end in LF). */
bool lotk_survey_header_splittable(const struct lotk_survey_header *h);
/* The encoding the file is read in (detected or forced). */
enum lotk_encoding lotk_survey_header_encoding(const struct lotk_survey_header *h);
void lotk_survey_header_free(struct lotk_survey_header *h);

/* Reads the rows in bytes [start, end) of fd (the file h was read from), the first of them
 * on line first_line; *lines receives the number of line breaks read. Sets *ends_in_quote when the range ends inside a quoted field (then
 * also returns LOTK_EIO: for the last range, that is an unclosed quote). Otherwise as
 * lotk_survey_read. Thread-safe for distinct sv. */
int lotk_survey_read_range(struct lotk_survey *sv, const struct lotk_survey_header *h,
                           int fd, uint64_t start, uint64_t end, long first_line,
                           long *lines, bool *ends_in_quote, struct lotk_err *err);

/* Whether any respondent id that b accepted was also accepted by a. */
bool lotk_survey_ids_overlap(const struct lotk_survey *a, const struct lotk_survey *b);

/* Moves b's respondent ids to a and adds b's counts to a's (b read the ranges after a's);
 * b keeps no ids. */
void lotk_survey_absorb(struct lotk_survey *a, struct lotk_survey *b);

/* How many rows the next file (or range) probably has: the respondent id set is sized for
 * them at once instead of growing (0: unknown). */
void lotk_survey_expect_rows(struct lotk_survey *sv, size_t rows);

void lotk_survey_free(struct lotk_survey *sv);

#endif
