/* csvread.h — the one CSV reader under every input lotk reads (surveys, evidence sheets,
 * statistics files): bytes through the decoder (encoding.h) into libcsv, with every row
 * given the line it starts on and every field its column.
 *
 * libcsv is fed whole chunks with CSV_REPALL_NL, so that it reports every line break, and
 * lines are counted from its callbacks: a row end is one line (CR, LF and CR LF alike) and
 * a quoted cell adds the LFs it holds, so a row whose cells span lines keeps the line it
 * started on. On top come what every reader needs and none should write twice: the
 * delimiter read off the first line, a cap on one field's bytes (an unclosed quote would
 * otherwise swallow the file), the check for a quote left open at the end, and the error
 * for a file without a single row.
 *
 * Two ways to receive the rows. Most readers set on_field and on_row (lotk_csvread_on_rows)
 * and are called with each field's text and column and each row's field count and line.
 * A reader whose per-field work is a few instructions (the survey reader, on millions of
 * rows) would pay more for that indirection than for its own work; it hands libcsv its own
 * callbacks instead (lotk_csvread_on_parse), which keep the count with the inline helpers
 * at the end of this header. */
#ifndef LOTK_CSVREAD_H
#define LOTK_CSVREAD_H

#include <csv.h>
#include <stdbool.h>
#include <stddef.h>
#include <string.h>

#include "base/buf.h"
#include "base/err.h"
#include "base/text.h"
#include "input/encoding.h"

enum {
    /* Bytes in one field, by default; a header or answer is never near it. */
    LOTK_CSVREAD_MAX_FIELD = 1 << 20,
    /* A stop code (struct lotk_csvread.stop) that is no error: the reader has what it
     * wanted, the rest of the input is skipped. */
    LOTK_CSVREAD_END = 1,
};

struct lotk_csvread_options {
    char delimiter;              /* 0: the most frequent of , \t ; on the first line */
    enum lotk_encoding encoding; /* LOTK_ENC_AUTO: detected (encoding.h) */
    /* The input is a range of rows cut out of a file after its header: the delimiter is
     * given, parsing starts at once, and no row at all is no error. Otherwise the input
     * starts a file: parsing waits until its first line is decoded whole, and a file
     * without a row is "empty". */
    bool range;
    long first_line;             /* the line the input starts on; 0: 1 */
    /* Bytes in one field; 0: LOTK_CSVREAD_MAX_FIELD. Measured on libcsv's field buffer,
     * which grows 128 bytes at a time, so a field a little under the cap may trip it. */
    size_t max_field;
};

struct lotk_csvread {
    /* For the callbacks to read; only the functions below change them. */
    const char *file;       /* as messages name it */
    struct lotk_err *err;
    long line;              /* the line of the byte being parsed */
    long row_line;          /* the line the current row started on */
    size_t column;          /* 0-based column of the next field; the row's fields at its end */
    long rows;              /* rows ended that had a field (a blank line is none) */
    int stop;               /* 0; a negative code with err filled; or LOTK_CSVREAD_END */
    char delimiter;         /* given or detected; 0 until the first line is whole */
    bool unclosed;          /* lotk_csvread_finish found a quoted field still open */

    /* Private. */
    bool pending_cr;        /* the last row ended on CR: an LF now ends the same line */
    bool settled;           /* the delimiter is set and parsing has begun */
    bool flushed;           /* the decoder is finished */
    bool range;
    size_t max_field;
    struct csv_parser parser;
    bool have_parser;
    struct lotk_decoder *dec;
    struct lotk_buf text;   /* decoded, not yet parsed */
    void (*cb_field)(void *data, size_t len, void *ctx);
    void (*cb_row)(int terminator, void *ctx);
    void *cb_ctx;
    int (*on_field)(void *ctx, const char *text, size_t len, size_t column);
    int (*on_row)(void *ctx, size_t nfields, long line);
    void *ctx;
};

/* Sets r up to read the file named file (for messages) as opts says (NULL: all defaults).
 * Returns 0, or LOTK_EIO with err filled when the parser or the decoder cannot be made.
 * Either way r is to be freed with lotk_csvread_free. err must outlive r. */
int lotk_csvread_init(struct lotk_csvread *r, const char *file,
                      const struct lotk_csvread_options *opts, struct lotk_err *err);

/* Calls on_field(ctx, text, len, column) for each field (text NUL-terminated, column
 * 0-based) and on_row(ctx, nfields, line) at the end of each row that has a field, line
 * being where the row started. A callback returns 0 to go on, or a negative code (with
 * err filled) or LOTK_CSVREAD_END to stop: nothing more is called then. A field over the
 * cap is never handed over: the read stops there, on the line of its own row. */
void lotk_csvread_on_rows(struct lotk_csvread *r,
                          int (*on_field)(void *ctx, const char *text, size_t len,
                                          size_t column),
                          int (*on_row)(void *ctx, size_t nfields, long line), void *ctx);

/* Hands libcsv cb_field and cb_row themselves, with ctx as their data. They keep r's
 * count with the helpers below: cb_field calls lotk_csvread_next_column for every field
 * and lotk_csvread_field_lines for every field that may hold a line break; cb_row reads
 * r->column (the row's fields) and r->row_line, then calls lotk_csvread_next_row. Both
 * do nothing once r->stop is set. */
void lotk_csvread_on_parse(struct lotk_csvread *r, void (*cb_field)(void *, size_t, void *),
                           void (*cb_row)(int, void *), void *ctx);

/* Decodes and parses the next n bytes of the input. Returns 0 (also once a callback ended
 * the read with LOTK_CSVREAD_END), or the negative code the read stopped with: a decoding
 * error, a field over the cap ("a field longer than N bytes (an unclosed quote?)" on the
 * line its row starts), libcsv failing, or what a callback returned. */
int lotk_csvread_feed(struct lotk_csvread *r, const char *bytes, size_t n);

/* Ends the input: the decoder gives up what it held back (a short file's detection, a
 * character cut at the end) and that is parsed. The last row stays open (a file may end
 * without a line break). Returns as lotk_csvread_feed. Called by lotk_csvread_finish when
 * not before. */
int lotk_csvread_flush(struct lotk_csvread *r);

/* Ends the read: flushes, then fails with "a quoted field that starts on this line is
 * never closed" (r->unclosed set) when the input ended inside quotes, else ends the last
 * row; then, unless the input is a range, fails for a file without a row (see
 * lotk_csvread_empty). Returns 0 or the negative code the read stopped with. */
int lotk_csvread_finish(struct lotk_csvread *r);

/* A whole file in memory, read through: decoded completely before any of it is parsed, so
 * that an encoding error anywhere comes before any row is seen; then parsed and finished
 * (lotk_csvread_finish). Returns as that. */
int lotk_csvread_all(struct lotk_csvread *r, const char *bytes, size_t n);

/* A whole file of at most max_bytes, read (base/file.h) and then through lotk_csvread_init,
 * lotk_csvread_on_rows and lotk_csvread_all: what every reader of a small CSV (evidence
 * sheets, statistics, membership, an export for lotk init) does. The caller frees r with
 * lotk_csvread_free, also after a failure. Returns 0 or the negative code it stopped with. */
int lotk_csvread_file(struct lotk_csvread *r, const char *path, size_t max_bytes,
                      const struct lotk_csvread_options *opts,
                      int (*on_field)(void *ctx, const char *text, size_t len, size_t column),
                      int (*on_row)(void *ctx, size_t nfields, long line), void *ctx,
                      struct lotk_err *err);

/* Fails the read with "the file is empty; expected a header row naming the columns" on
 * line 1 and returns LOTK_EIO: for a reader that found no header row. */
int lotk_csvread_empty(struct lotk_csvread *r);

/* The encoding being read: as given, or as detected so far (LOTK_ENC_AUTO while
 * undecided). */
enum lotk_encoding lotk_csvread_encoding(const struct lotk_csvread *r);

/* Frees what r holds (not r); safe after a failed lotk_csvread_init, and twice. */
void lotk_csvread_free(struct lotk_csvread *r);

/* ---- helpers for libcsv callbacks of one's own (lotk_csvread_on_parse) ----------------- */

/* The 0-based column of the field libcsv hands over now; call once per field. */
static inline size_t lotk_csvread_next_column(struct lotk_csvread *r)
{
    return r->column++;
}

/* Counts the line breaks inside a field. Only a quoted field holds one, so a caller that
 * knows a field is one character other than LF may skip the call. */
static inline void lotk_csvread_field_lines(struct lotk_csvread *r, const char *text,
                                            size_t len)
{
    if (!lotk_has_byte(text, len, '\n'))
        return;
    for (const char *p = memchr(text, '\n', len); p;
         p = memchr(p + 1, '\n', len - (size_t)(p + 1 - text)))
        r->line++;
}

/* Ends the row libcsv ended with terminator (CR, LF, or -1 at the end of the input),
 * after the caller has handled it: counts the line and starts the next row there. A CR
 * then an LF, with no field between them, end one line: libcsv reports the LF as a row of
 * no fields. */
static inline void lotk_csvread_next_row(struct lotk_csvread *r, int terminator)
{
    if (r->column > 0)
        r->rows++;
    if (terminator == '\r') {
        r->line++;
        r->pending_cr = true;
    } else if (terminator == '\n') {
        if (!(r->pending_cr && r->column == 0))
            r->line++;
        r->pending_cr = false;
    }
    r->column = 0;
    r->row_line = r->line;
}

#endif
