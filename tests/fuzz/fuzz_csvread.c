/* fuzz_csvread.c — the one CSV reader under every input (input/csvread.c: the decoder,
 * libcsv, line counting, the delimiter sniffed off the first line, the field cap) on
 * arbitrary bytes. The first byte picks the delimiter (sniffed, comma, tab, semicolon),
 * the encoding and the field cap, and seeds the chunking; the rest is the file.
 * Properties: no crash or leak; fed whole, fed in random chunks (empty ones included) and
 * read as a whole file in memory (lotk_csvread_all), the input is read by all three or by
 * none, and read, gives the same fields, rows and lines; an error names the file and a
 * line within it; fields come in column order, every row has one or more, and rows start on
 * lines within the input, in order; a field is never over the cap. */
#include <string.h>

#include "fuzz.h"
#include "base/buf.h"
#include "input/csvread.h"

struct events {
    struct lotk_buf log; /* what the callbacks saw, in order */
    size_t next_column;
    long last_line, max_line;
    size_t max_field;
};

static int on_field(void *ctx, const char *text, size_t len, size_t column)
{
    struct events *e = ctx;
    FUZZ_CHECK(column == e->next_column++);
    FUZZ_CHECK(len <= e->max_field && text[len] == '\0');
    lotk_buf_printf(&e->log, "F%zu:%zu:", column, len);
    lotk_buf_append(&e->log, text, len);
    return 0;
}

static int on_row(void *ctx, size_t nfields, long line)
{
    struct events *e = ctx;
    FUZZ_CHECK(nfields >= 1 && nfields == e->next_column);
    FUZZ_CHECK(line >= e->last_line && line <= e->max_line);
    e->last_line = line;
    e->next_column = 0;
    lotk_buf_printf(&e->log, "R%zu@%ld\n", nfields, line);
    return 0;
}

static uint64_t next_random(uint64_t *s)
{
    *s ^= *s << 13;
    *s ^= *s >> 7;
    *s ^= *s << 17;
    return *s;
}

struct outcome {
    int rc;
    struct lotk_err err;
    struct events ev;
    long rows;
};

/* mode 0: one feed; 1: random chunks of up to max_chunk; 2: lotk_csvread_all. */
static void run(const struct lotk_csvread_options *opts, const char *in, size_t len, int mode,
                size_t max_chunk, uint64_t seed, long max_line, struct outcome *o)
{
    memset(o, 0, sizeof *o);
    o->ev.last_line = 1;
    o->ev.max_line = max_line;
    o->ev.max_field = opts->max_field;
    struct lotk_csvread r;
    FUZZ_CHECK(lotk_csvread_init(&r, "fuzz.csv", opts, &o->err) == 0);
    lotk_csvread_on_rows(&r, on_field, on_row, &o->ev);
    if (mode == 2) {
        o->rc = lotk_csvread_all(&r, in, len);
    } else {
        size_t pos = 0;
        o->rc = 0;
        while (pos < len && o->rc == 0) {
            size_t n = mode == 1 ? next_random(&seed) % (max_chunk + 1) : len;
            if (n > len - pos)
                n = len - pos;
            o->rc = lotk_csvread_feed(&r, in + pos, n);
            pos += n;
        }
        if (o->rc == 0)
            o->rc = lotk_csvread_finish(&r);
    }
    o->rows = r.rows;
    FUZZ_CHECK(o->rc == 0 || (o->rc < 0 && o->err.msg[0] && strcmp(o->err.file, "fuzz.csv") == 0));
    FUZZ_CHECK(o->rc == 0 || (o->err.line >= 1 && o->err.line <= max_line));
    lotk_csvread_free(&r);
}

/* Both read the input, or neither; and, read without error, the same rows and fields.
 * (Which error, and what was handed on before it, depends on where the pieces were cut:
 * the decoder checks each piece before any of it is parsed, so a piece that holds an
 * encoding error and, before it, a field over the cap, fails on the encoding.) */
static void same(const struct outcome *a, const struct outcome *b)
{
    FUZZ_CHECK((a->rc == 0) == (b->rc == 0));
    if (a->rc)
        return;
    FUZZ_CHECK(a->rows == b->rows);
    FUZZ_CHECK(a->ev.log.len == b->ev.log.len &&
               (a->ev.log.len == 0 || memcmp(a->ev.log.data, b->ev.log.data, a->ev.log.len) == 0));
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size < 1)
        return 0;
    static const char delimiters[] = {0, ',', '\t', ';'};
    static const enum lotk_encoding encs[] = {LOTK_ENC_AUTO, LOTK_ENC_UTF8, LOTK_ENC_GB18030};
    struct lotk_csvread_options opts = {
        .delimiter = delimiters[data[0] & 3],
        .encoding = encs[(data[0] >> 2) % 3],
        /* A small cap now and then, so that inputs this small reach it. */
        .max_field = data[0] & 0x80 ? 200 : LOTK_CSVREAD_MAX_FIELD,
    };
    const char *in = (const char *)data + 1;
    size_t len = size - 1;
    long max_line = 1;
    for (size_t i = 0; i < len; i++)
        max_line += in[i] == '\n' || in[i] == '\r';
    uint64_t seed = 0x9E3779B97F4A7C15ULL ^ size ^ ((uint64_t)data[0] << 40);
    struct outcome whole, chunked, all;
    run(&opts, in, len, 0, 0, 0, max_line, &whole);
    run(&opts, in, len, 1, 1 + (data[0] >> 4) % 7, seed, max_line, &chunked);
    same(&whole, &chunked);
    run(&opts, in, len, 2, 0, 0, max_line, &all);
    same(&whole, &all);
    lotk_buf_free(&whole.ev.log);
    lotk_buf_free(&chunked.ev.log);
    lotk_buf_free(&all.ev.log);
    return 0;
}
