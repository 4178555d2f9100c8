/* csvread.c — bytes → decoded text → libcsv rows with lines and columns; see csvread.h. */
#include "input/csvread.h"

#include <stdlib.h>
#include <string.h>

#include "base/buf.h"
#include "base/file.h"
#include "base/err.h"
#include "input/encoding.h"

/* CSV_REPALL_NL makes libcsv report every line break, even blank lines, so that lines can
 * be counted from its callbacks while it parses whole chunks. */
#define PARSER_OPTIONS (CSV_APPEND_NULL | CSV_REPALL_NL)

/* libcsv 3's parser state for "inside a field" (FIELD_BEGUN in its libcsv.c); with the
 * public `quoted` flag it tells that input ended inside a quoted cell. CSV_STRICT_FINI
 * would tell it too, but only together with CSV_STRICT, which stops the whole file at the
 * first stray quote instead of rejecting one row. */
enum { LIBCSV_FIELD_BEGUN = 2 };

static bool in_quoted_field(const struct csv_parser *p)
{
    return p->quoted && p->pstate == LIBCSV_FIELD_BEGUN;
}

/* libcsv trims blanks (spaces and tabs) around unquoted fields; a tab is no blank when it
 * separates them. Only then is a function set: libcsv calls it for every byte. */
static int is_blank(unsigned char c)
{
    return c == ' ';
}

static void set_delimiter(struct lotk_csvread *r, char delimiter)
{
    r->delimiter = delimiter;
    csv_set_delim(&r->parser, (unsigned char)delimiter);
    if (delimiter == '\t')
        csv_set_space_func(&r->parser, is_blank);
}

/* The delimiter of a header line: whichever of comma, tab and semicolon occurs most
 * outside quotes before the first line break outside quotes (comma on a tie or when none
 * occurs). *ended says whether data holds that line break: until it does, more of the line
 * may follow. */
static char detect_delimiter(const char *data, size_t len, bool *ended)
{
    size_t comma = 0, tab = 0, semicolon = 0;
    bool quoted = false;
    *ended = false;
    for (size_t i = 0; i < len && !*ended; i++) {
        char c = data[i];
        if (c == '"')
            quoted = !quoted;
        else if (!quoted && (c == '\n' || c == '\r'))
            *ended = true;
        else if (!quoted)
            comma += c == ',', tab += c == '\t', semicolon += c == ';';
    }
    if (tab > comma && tab >= semicolon)
        return '\t';
    if (semicolon > comma && semicolon > tab)
        return ';';
    return ',';
}

static int field_too_long(struct lotk_csvread *r)
{
    return lotk_err_set(r->err, LOTK_EIO, r->file, r->row_line, 0,
                        "a field longer than %zu bytes (an unclosed quote?)", r->max_field);
}

/* ---- the callbacks of lotk_csvread_on_rows ------------------------------------------ */

static void rows_field(void *data, size_t len, void *vr)
{
    struct lotk_csvread *r = vr;
    if (r->stop)
        return;
    /* A field over the cap that did end is caught here, in its own row: the buffer grew
     * while it was read, and it is the first field handed over since. (One still open at
     * the end of a piece is parse's to catch.) */
    if (csv_get_buffer_size(&r->parser) > r->max_field) {
        r->stop = field_too_long(r);
        return;
    }
    const char *text = data ? data : "";
    size_t column = lotk_csvread_next_column(r);
    lotk_csvread_field_lines(r, text, len);
    int rc = r->on_field ? r->on_field(r->ctx, text, len, column) : 0;
    if (rc)
        r->stop = rc;
}

static void rows_end(int terminator, void *vr)
{
    struct lotk_csvread *r = vr;
    if (r->stop)
        return;
    if (r->column > 0 && r->on_row) { /* a line break alone is a blank line, not a row */
        int rc = r->on_row(r->ctx, r->column, r->row_line);
        if (rc)
            r->stop = rc;
    }
    lotk_csvread_next_row(r, terminator);
}

int lotk_csvread_init(struct lotk_csvread *r, const char *file,
                      const struct lotk_csvread_options *opts, struct lotk_err *err)
{
    static const struct lotk_csvread_options defaults = {0};
    if (!opts)
        opts = &defaults;
    memset(r, 0, sizeof *r);
    r->file = file;
    r->err = err;
    r->line = r->row_line = opts->first_line > 0 ? opts->first_line : 1;
    r->range = opts->range;
    r->max_field = opts->max_field ? opts->max_field : LOTK_CSVREAD_MAX_FIELD;
    r->cb_field = rows_field;
    r->cb_row = rows_end;
    r->cb_ctx = r;
    if (csv_init(&r->parser, PARSER_OPTIONS) != 0)
        return r->stop = lotk_err_set(err, LOTK_EIO, file, 0, 0, "cannot start the CSV parser");
    r->have_parser = true;
    if (opts->delimiter)
        set_delimiter(r, opts->delimiter);
    /* A range goes straight to the parser; a file's start waits for its first line. */
    r->settled = opts->range;
    if (!(r->dec = lotk_decoder_new(opts->encoding, file, err)))
        return r->stop = err->code;
    return 0;
}

void lotk_csvread_on_rows(struct lotk_csvread *r,
                          int (*on_field)(void *ctx, const char *text, size_t len,
                                          size_t column),
                          int (*on_row)(void *ctx, size_t nfields, long line), void *ctx)
{
    r->on_field = on_field;
    r->on_row = on_row;
    r->ctx = ctx;
    r->cb_field = rows_field;
    r->cb_row = rows_end;
    r->cb_ctx = r;
}

void lotk_csvread_on_parse(struct lotk_csvread *r, void (*cb_field)(void *, size_t, void *),
                           void (*cb_row)(int, void *), void *ctx)
{
    r->cb_field = cb_field;
    r->cb_row = cb_row;
    r->cb_ctx = ctx;
}

/* Parses data[0..len) in pieces no longer than the cap, checking the cap after each, so
 * that no field grows past twice the cap before it is caught. */
static void parse(struct lotk_csvread *r, const char *data, size_t len)
{
    while (len > 0 && !r->stop) {
        size_t n = len < r->max_field ? len : r->max_field;
        if (csv_parse(&r->parser, data, n, r->cb_field, r->cb_row, r->cb_ctx) != n &&
            !r->stop)
            r->stop = lotk_err_set(r->err, LOTK_EIO, r->file, r->line, 0, "cannot parse: %s",
                                   csv_strerror(csv_error(&r->parser)));
        if (csv_get_buffer_size(&r->parser) > r->max_field && !r->stop)
            r->stop = field_too_long(r);
        data += n;
        len -= n;
    }
}

/* Parses what has been decoded. At a file's start nothing is parsed until the first line
 * is whole (or the input ended: last), and the delimiter is read off it unless given. */
static int parse_text(struct lotk_csvread *r, bool last)
{
    const char *text = r->text.data ? r->text.data : "";
    if (!r->settled) {
        /* The delimiter must not depend on where the input was cut into pieces: wait for
         * the line break that ends the first line as detect_delimiter reads it (a quote
         * left open on it runs on to later lines), the end, or a first line over the cap
         * (which the parser then reports). Read off the same bytes either way: no more
         * than the cap and one, which is where a piece-by-piece read stops waiting. */
        bool ended;
        size_t window = r->text.len < r->max_field + 1 ? r->text.len : r->max_field + 1;
        char delimiter = detect_delimiter(text, window, &ended);
        if (!last && !ended && r->text.len <= r->max_field)
            return 0;
        r->settled = true;
        if (!r->delimiter)
            set_delimiter(r, delimiter);
    }
    parse(r, text, r->text.len);
    lotk_buf_reset(&r->text);
    return r->stop < 0 ? r->stop : 0;
}

int lotk_csvread_feed(struct lotk_csvread *r, const char *bytes, size_t n)
{
    if (r->stop)
        return r->stop < 0 ? r->stop : 0;
    int rc = lotk_decoder_feed(r->dec, bytes, n, &r->text, r->err);
    if (rc)
        return r->stop = rc;
    return parse_text(r, false);
}

/* Finishes the decoder, leaving what it held back in r->text. */
static int finish_decoding(struct lotk_csvread *r)
{
    r->flushed = true;
    int rc = lotk_decoder_finish(r->dec, &r->text, r->err);
    if (rc)
        r->stop = rc;
    return rc;
}

int lotk_csvread_flush(struct lotk_csvread *r)
{
    if (r->stop)
        return r->stop < 0 ? r->stop : 0;
    if (r->flushed)
        return 0;
    int rc = finish_decoding(r);
    return rc ? rc : parse_text(r, true);
}

int lotk_csvread_finish(struct lotk_csvread *r)
{
    int rc = lotk_csvread_flush(r);
    if (rc || r->stop)
        return rc;
    if (in_quoted_field(&r->parser)) {
        r->unclosed = true;
        return r->stop = lotk_err_set(r->err, LOTK_EIO, r->file, r->row_line, 0,
                                      "a quoted field that starts on this line is never "
                                      "closed");
    }
    csv_fini(&r->parser, r->cb_field, r->cb_row, r->cb_ctx);
    if (r->stop)
        return r->stop < 0 ? r->stop : 0;
    if (!r->range && r->rows == 0)
        return lotk_csvread_empty(r);
    return 0;
}

int lotk_csvread_all(struct lotk_csvread *r, const char *bytes, size_t n)
{
    if (r->stop)
        return r->stop < 0 ? r->stop : 0;
    int rc = lotk_decoder_feed(r->dec, bytes, n, &r->text, r->err);
    if (rc)
        return r->stop = rc;
    if ((rc = finish_decoding(r)) != 0)
        return rc;
    if ((rc = parse_text(r, true)) != 0)
        return rc;
    return lotk_csvread_finish(r);
}

int lotk_csvread_file(struct lotk_csvread *r, const char *path, size_t max_bytes,
                      const struct lotk_csvread_options *opts,
                      int (*on_field)(void *ctx, const char *text, size_t len, size_t column),
                      int (*on_row)(void *ctx, size_t nfields, long line), void *ctx,
                      struct lotk_err *err)
{
    char *data = NULL;
    size_t len = 0;
    memset(r, 0, sizeof *r); /* freeable whatever happens below */
    int rc = lotk_file_read(path, max_bytes, &data, &len, err);
    if (rc == 0 && (rc = lotk_csvread_init(r, path, opts, err)) == 0) {
        lotk_csvread_on_rows(r, on_field, on_row, ctx);
        rc = lotk_csvread_all(r, data, len);
    }
    free(data);
    return rc;
}

int lotk_csvread_empty(struct lotk_csvread *r)
{
    return r->stop = lotk_err_set(r->err, LOTK_EIO, r->file, 1, 0,
                                  "the file is empty; expected a header row naming the "
                                  "columns");
}

enum lotk_encoding lotk_csvread_encoding(const struct lotk_csvread *r)
{
    return r->dec ? lotk_decoder_encoding(r->dec) : LOTK_ENC_AUTO;
}

void lotk_csvread_free(struct lotk_csvread *r)
{
    if (r->have_parser)
        csv_free(&r->parser);
    r->have_parser = false;
    lotk_decoder_free(r->dec);
    r->dec = NULL;
    lotk_buf_free(&r->text);
}
