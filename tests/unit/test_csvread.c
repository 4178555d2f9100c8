/* test_csvread.c — the one CSV reader under surveys and evidence sheets
 * (core/input/csvread.c): the line each row starts on across quoted multi-line cells, CRLF
 * and lone CR line endings, blank lines, the delimiter read off the first line, the BOM,
 * the cap on a field, a quote left open at the end, empty files, ranges, callbacks that stop
 * the read, and libcsv callbacks of one's own through the inline helpers. Every input that
 * reads is also fed in small chunks, which must not change a thing. */
#include "testutil.h"

#include <string.h>

#include "base/buf.h"
#include "input/csvread.h"

/* What a read saw: one line per row, "LINE: field|field", with line breaks inside fields
 * written as \n and \r. */
struct seen {
    struct lotk_buf rows;
    struct lotk_buf row;   /* the fields of the row being read */
    size_t nfields;
    size_t stop_after;     /* rows; 0: never stop */
    int stop_code;
    size_t nrows;
};

static int seen_field(void *ctx, const char *text, size_t len, size_t column)
{
    struct seen *s = ctx;
    assert_int_equal(column, s->nfields); /* columns count up from 0 in every row */
    assert_int_equal(strlen(text), len);  /* NUL-terminated */
    if (s->nfields++)
        lotk_buf_putc(&s->row, '|');
    for (size_t i = 0; i < len; i++) {
        if (text[i] == '\n')
            lotk_buf_puts(&s->row, "\\n");
        else if (text[i] == '\r')
            lotk_buf_puts(&s->row, "\\r");
        else
            lotk_buf_putc(&s->row, text[i]);
    }
    return 0;
}

static int seen_row(void *ctx, size_t nfields, long line)
{
    struct seen *s = ctx;
    assert_int_equal(nfields, s->nfields);
    lotk_buf_printf(&s->rows, "%ld: %s\n", line, s->row.data ? s->row.data : "");
    lotk_buf_reset(&s->row);
    s->nfields = 0;
    s->nrows++;
    return s->stop_after && s->nrows == s->stop_after ? s->stop_code : 0;
}

static const char *seen_text(const struct seen *s)
{
    return s->rows.data ? s->rows.data : "";
}

static void seen_free(struct seen *s)
{
    lotk_buf_free(&s->rows);
    lotk_buf_free(&s->row);
}

/* Reads input whole (lotk_csvread_all), or fed chunk bytes at a time then finished
 * (chunk > 0). Returns the code; *r is left for the caller to look at and free. */
static int read_with(struct lotk_csvread *r, struct seen *s, const char *input, size_t len,
                     const struct lotk_csvread_options *opts, size_t chunk,
                     struct lotk_err *err)
{
    lotk_err_clear(err);
    int rc = lotk_csvread_init(r, "t.csv", opts, err);
    assert_int_equal(rc, 0);
    lotk_csvread_on_rows(r, seen_field, seen_row, s);
    if (chunk == 0)
        return lotk_csvread_all(r, input, len);
    for (size_t at = 0; at < len && rc == 0; at += chunk)
        rc = lotk_csvread_feed(r, input + at, len - at < chunk ? len - at : chunk);
    return rc ? rc : lotk_csvread_finish(r);
}

/* Reads input that must read without error, and checks that it gives expect whole and in
 * chunks of every size from 1 to 8 bytes. */
static void expect_rows_opts(const char *input, const struct lotk_csvread_options *opts,
                             const char *expect)
{
    size_t len = strlen(input);
    for (size_t chunk = 0; chunk <= 8; chunk++) {
        struct lotk_csvread r;
        struct seen s = {0};
        struct lotk_err err;
        int rc = read_with(&r, &s, input, len, opts, chunk, &err);
        if (rc != 0)
            fail_msg("chunk %zu: rc %d: %s:%ld: %s", chunk, rc, err.file ? err.file : "",
                     err.line, err.msg);
        if (strcmp(seen_text(&s), expect) != 0)
            fail_msg("chunk %zu: read\n%s\nexpected\n%s", chunk, seen_text(&s), expect);
        lotk_csvread_free(&r);
        seen_free(&s);
    }
}

static void expect_rows(const char *input, const char *expect)
{
    expect_rows_opts(input, NULL, expect);
}

/* Reads input that must fail with LOTK_EIO at line with a message holding needle, having
 * seen the rows before (expect), whole and in chunks of 1 and 3 bytes. */
static void expect_error_opts(const char *input, const struct lotk_csvread_options *opts,
                              long line, const char *needle, const char *expect)
{
    static const size_t chunks[] = {0, 1, 3};
    for (size_t k = 0; k < sizeof chunks / sizeof *chunks; k++) {
        struct lotk_csvread r;
        struct seen s = {0};
        struct lotk_err err;
        int rc = read_with(&r, &s, input, strlen(input), opts, chunks[k], &err);
        if (rc != LOTK_EIO || err.line != line || !strstr(err.msg, needle) ||
            strcmp(err.file, "t.csv") != 0)
            fail_msg("chunk %zu: rc %d: %s:%ld: %s; expected line %ld and '%s'", chunks[k],
                     rc, err.file ? err.file : "", err.line, err.msg, line, needle);
        if (strcmp(seen_text(&s), expect) != 0)
            fail_msg("chunk %zu: read\n%s\nexpected\n%s", chunks[k], seen_text(&s), expect);
        lotk_csvread_free(&r);
        seen_free(&s);
    }
}

static void expect_error(const char *input, long line, const char *needle, const char *expect)
{
    expect_error_opts(input, NULL, line, needle, expect);
}

/* ---- lines ------------------------------------------------------------------------------ */

/* A row whose quoted cells span lines keeps the line it started on; the next row starts
 * after them. */
static void lines_across_quoted_cells(void **state)
{
    (void)state;
    expect_rows("a,b\n\"x\ny\",1\nz,\"p\nq\nr\"\nlast,1\n",
                "1: a|b\n2: x\\ny|1\n4: z|p\\nq\\nr\n7: last|1\n");
    /* A cell that is nothing but a line break, and one in the last column of the file. */
    expect_rows("a,b\n\"\n\",1\n2,\"\n\"", "1: a|b\n2: \\n|1\n4: 2|\\n\n");
    /* A quoted CR LF is kept as it is and counts once. */
    expect_rows("a,b\r\n\"x\r\ny\",1\r\nz,2\r\n", "1: a|b\n2: x\\r\\ny|1\n4: z|2\n");
}

static void crlf_line_endings(void **state)
{
    (void)state;
    expect_rows("a,b\r\nc,d\r\n\r\ne,f\r\n", "1: a|b\n2: c|d\n4: e|f\n");
    /* An empty last field before CR LF is a field, not a line. */
    expect_rows("a,b\r\nc,\r\ne,f", "1: a|b\n2: c|\n3: e|f\n");
}

static void lone_cr_line_endings(void **state)
{
    (void)state;
    expect_rows("a,b\rc,d\r\re,f", "1: a|b\n2: c|d\n4: e|f\n");
    /* Mixed in one file: every kind of break is one line. */
    expect_rows("a\nb\r\nc\rd\n\ne\r\rf\n", "1: a\n2: b\n3: c\n4: d\n6: e\n8: f\n");
}

/* Blank lines are no rows but count as lines, at the start of the file too. */
static void blank_lines(void **state)
{
    (void)state;
    expect_rows("\n\na,b\n\n\n c , d \n", "3: a|b\n6: c|d\n");
}

/* ---- delimiter, BOM, encoding -------------------------------------------------------------- */

static void delimiter_from_first_line(void **state)
{
    (void)state;
    expect_rows("a;b;c\n1;2,5;3\n", "1: a|b|c\n2: 1|2,5|3\n");
    expect_rows("a\tb c\td\n1\t \t3\n", "1: a|b c|d\n2: 1||3\n");
    /* Delimiters inside quotes do not count; a tie goes to the comma. */
    expect_rows("\"a;b;c\",d\n", "1: a;b;c|d\n");
    expect_rows("a;b,c\n", "1: a;b|c\n");
    /* A quote left open on the first line runs on to the next (found by fuzz_csvread):
     * the delimiter is counted up to the line break outside quotes, whatever pieces the
     * input came in (fed a byte at a time, the first line once ended at the first LF). */
    expect_rows("h;\"i\nj\",k,l\n1,2,3\n", "1: h;\"i\n2: j\"|k|l\n3: 1|2|3\n");
    /* A first line longer than the field cap: counted over the same bytes (the cap and
     * one) whether the input is read whole or piece by piece (found by fuzz_csvread: the
     * whole read counted the whole line and chose the comma, pieces chose the semicolon). */
    const struct lotk_csvread_options cap = {.max_field = 200};
    char x[51], y[51], line[400], expect[400];
    memset(x, 'x', 50), x[50] = '\0';
    memset(y, 'y', 50), y[50] = '\0';
    /* Three semicolons in the first 201 bytes, ten commas after them. */
    snprintf(line, sizeof line, "%s;%s;%s;%s,a,a,a,a,a,a,a,a,a,a\n1;2\n", x, x, x, y);
    snprintf(expect, sizeof expect, "1: %s|%s|%s|%s,a,a,a,a,a,a,a,a,a,a\n2: 1|2\n", x, x, x, y);
    expect_rows_opts(line, &cap, expect);
    /* Given, it is not guessed. */
    const struct lotk_csvread_options comma = {.delimiter = ','};
    expect_rows_opts("a;b;c\n", &comma, "1: a;b;c\n");
    struct lotk_csvread r;
    struct seen s = {0};
    struct lotk_err err;
    assert_int_equal(read_with(&r, &s, "x;y\n", 4, NULL, 0, &err), 0);
    assert_int_equal(r.delimiter, ';');
    lotk_csvread_free(&r);
    seen_free(&s);
}

/* A UTF-8 BOM is not part of the first header, nor of the first line's delimiter count. */
static void bom_is_dropped(void **state)
{
    (void)state;
    const char *input = "\xEF\xBB\xBF"
                        "a\tb\n1\t2\n";
    expect_rows(input, "1: a|b\n2: 1|2\n");
    struct lotk_csvread r;
    struct seen s = {0};
    struct lotk_err err;
    assert_int_equal(read_with(&r, &s, input, strlen(input), NULL, 0, &err), 0);
    assert_int_equal(lotk_csvread_encoding(&r), LOTK_ENC_UTF8);
    assert_int_equal(r.delimiter, '\t');
    lotk_csvread_free(&r);
    seen_free(&s);
}

/* A whole file is decoded before a row is parsed: an encoding error anywhere comes first.
 * Fed in chunks, the rows before it are seen. */
static void encoding_error_before_rows_when_whole(void **state)
{
    (void)state;
    const char *input = "a,b\n1,2\n\xFF\n";
    struct lotk_csvread r;
    struct seen s = {0};
    struct lotk_err err;
    const struct lotk_csvread_options utf8 = {.encoding = LOTK_ENC_UTF8};
    assert_int_equal(read_with(&r, &s, input, strlen(input), &utf8, 0, &err), LOTK_EIO);
    assert_int_equal(err.line, 3);
    assert_non_null(strstr(err.msg, "invalid UTF-8 byte 0xFF at byte offset 8"));
    assert_string_equal(seen_text(&s), "");
    lotk_csvread_free(&r);
    seen_free(&s);
    /* Detected, the text after the leading ASCII is held back until the end: still no
     * row before the error. */
    s = (struct seen){0};
    assert_int_equal(read_with(&r, &s, input, strlen(input), NULL, 0, &err), LOTK_EIO);
    assert_int_equal(err.line, 3);
    assert_non_null(strstr(err.msg, "not UTF-8 or GB18030"));
    assert_string_equal(seen_text(&s), "");
    lotk_csvread_free(&r);
    seen_free(&s);
    s = (struct seen){0};
    assert_int_equal(read_with(&r, &s, input, strlen(input), &utf8, 4, &err), LOTK_EIO);
    assert_string_equal(seen_text(&s), "1: a|b\n2: 1|2\n");
    lotk_csvread_free(&r);
    seen_free(&s);
}

/* ---- the cap on a field, quotes left open ------------------------------------------------- */

static char *repeat(const char *head, char c, size_t n, const char *tail)
{
    struct lotk_buf b = {0};
    lotk_buf_puts(&b, head);
    for (size_t i = 0; i < n; i++)
        lotk_buf_putc(&b, c);
    lotk_buf_puts(&b, tail);
    return b.data;
}

/* The cap is measured on libcsv's field buffer, which grows 128 bytes at a time: a field
 * well under it reads, one well over it stops the read on the line its row starts. */
static void field_over_the_cap(void **state)
{
    (void)state;
    const struct lotk_csvread_options cap = {.max_field = 1000};
    char *fine = repeat("a,b\n1,\"", 'x', 700, "\"\n");
    struct lotk_csvread r;
    struct seen s = {0};
    struct lotk_err err;
    assert_int_equal(read_with(&r, &s, fine, strlen(fine), &cap, 0, &err), 0);
    assert_int_equal(s.nrows, 2);
    lotk_csvread_free(&r);
    seen_free(&s);
    free(fine);

    char *open = repeat("a,b\n1,2\n3,\"", 'x', 3000, "\n");
    expect_error_opts(open, &cap, 3, "a field longer than 1000 bytes (an unclosed quote?)",
                      "1: a|b\n2: 1|2\n");
    free(open);

    /* Closed, on line 376, with more rows after it in the same stretch the parser is given:
     * the message still names its own row. */
    struct lotk_buf text = {0};
    lotk_buf_puts(&text, "a,b\n");
    for (int i = 0; i < 374; i++)
        lotk_buf_puts(&text, "1,2\n");
    char *big = repeat("x,\"", 'y', 1100, "\"\n");
    lotk_buf_puts(&text, big);
    for (int i = 0; i < 50; i++)
        lotk_buf_puts(&text, "3,4\n");
    lotk_csvread_init(&r, "t.csv", &cap, &err);
    s = (struct seen){0};
    lotk_csvread_on_rows(&r, seen_field, seen_row, &s);
    assert_int_equal(lotk_csvread_all(&r, text.data, text.len), LOTK_EIO);
    assert_int_equal(err.line, 376);
    assert_non_null(strstr(err.msg, "a field longer than 1000 bytes"));
    assert_int_equal(s.nrows, 375);
    lotk_csvread_free(&r);
    seen_free(&s);
    free(big);
    lotk_buf_free(&text);
}

static void unclosed_quote_at_eof(void **state)
{
    (void)state;
    const char *never = "a quoted field that starts on this line is never closed";
    expect_error("a,b\nc,\"d\ne\n", 2, never, "1: a|b\n");
    /* In the first column too, after blank lines: the row's own line. */
    expect_error("a,b\n\n\"c,d\ne\n", 3, never, "1: a|b\n");
    /* A doubled quote is a quote inside the field, not its end. */
    expect_error("a\n\"b\"\"", 2, never, "1: a\n");
    /* Closed at the very end, with no line break after it: fine. */
    expect_rows("a,b\nc,\"d\"", "1: a|b\n2: c|d\n");

    struct lotk_csvread r;
    struct seen s = {0};
    struct lotk_err err;
    assert_int_equal(read_with(&r, &s, "a,\"b\n", 5, NULL, 0, &err), LOTK_EIO);
    assert_true(r.unclosed);
    lotk_csvread_free(&r);
    seen_free(&s);
}

/* ---- empty files, ranges, stopping ---------------------------------------------------------- */

static void empty_file(void **state)
{
    (void)state;
    const char *empty = "the file is empty; expected a header row naming the columns";
    expect_error("", 1, empty, "");
    expect_error("\n\r\n\r", 1, empty, "");
    expect_error("\xEF\xBB\xBF", 1, empty, "");
}

/* A range of a file after its header: lines count from first_line, the delimiter is given,
 * no row is no error, and a quote open at its end is flagged (the next range may have begun
 * inside the field). */
static void range_of_a_file(void **state)
{
    (void)state;
    const struct lotk_csvread_options range = {.delimiter = ';', .range = true,
                                               .first_line = 10};
    expect_rows_opts("a;b\nc,d;e\n", &range, "10: a|b\n11: c,d|e\n");
    expect_rows_opts("", &range, "");
    expect_rows_opts("\n\n", &range, "");

    struct lotk_csvread r;
    struct seen s = {0};
    struct lotk_err err;
    assert_int_equal(read_with(&r, &s, "x;y\nz;\"w\n", 9, &range, 2, &err), LOTK_EIO);
    assert_true(r.unclosed);
    assert_int_equal(err.line, 11);
    /* Lines are those of the rows that ended: the field still open counts for nothing. */
    assert_int_equal(r.line, 11);
    lotk_csvread_free(&r);
    seen_free(&s);
}

static void callbacks_stop_the_read(void **state)
{
    (void)state;
    const char *input = "a,b\n1,2\n3,4\n";
    struct lotk_csvread r;
    struct lotk_err err;
    for (size_t chunk = 0; chunk <= 2; chunk++) {
        /* LOTK_CSVREAD_END: no error, nothing more is called, later feeds do nothing. */
        struct seen s = {.stop_after = 1, .stop_code = LOTK_CSVREAD_END};
        assert_int_equal(read_with(&r, &s, input, strlen(input), NULL, chunk, &err), 0);
        assert_string_equal(seen_text(&s), "1: a|b\n");
        assert_int_equal(lotk_csvread_feed(&r, "5,6\n", 4), 0);
        assert_int_equal(lotk_csvread_finish(&r), 0);
        assert_int_equal(s.nrows, 1);
        lotk_csvread_free(&r);
        seen_free(&s);

        /* A negative code is the read's result, and stays so. */
        s = (struct seen){.stop_after = 2, .stop_code = LOTK_EREJECT};
        assert_int_equal(read_with(&r, &s, input, strlen(input), NULL, chunk, &err),
                         LOTK_EREJECT);
        assert_int_equal(s.nrows, 2);
        assert_int_equal(lotk_csvread_feed(&r, "5,6\n", 4), LOTK_EREJECT);
        assert_int_equal(lotk_csvread_finish(&r), LOTK_EREJECT);
        lotk_csvread_free(&r);
        seen_free(&s);
    }
}

/* ---- libcsv callbacks of one's own -------------------------------------------------------- */

struct own {
    struct lotk_csvread *r;
    struct lotk_buf out;
};

static void own_field(void *data, size_t len, void *ctx)
{
    struct own *o = ctx;
    size_t column = lotk_csvread_next_column(o->r);
    /* What the survey reader does: a one-character field other than LF skips the count. */
    if (!(len == 1 && ((const char *)data)[0] != '\n'))
        lotk_csvread_field_lines(o->r, data ? data : "", len);
    lotk_buf_printf(&o->out, "%s%zu", column ? "," : "", column);
}

static void own_row(int terminator, void *ctx)
{
    struct own *o = ctx;
    if (o->r->column > 0)
        lotk_buf_printf(&o->out, "@%ld\n", o->r->row_line);
    lotk_csvread_next_row(o->r, terminator);
}

/* The inline helpers keep the same count as the reader's own callbacks. */
static void own_callbacks_count_alike(void **state)
{
    (void)state;
    const char *input = "a,b,c\r\n\"x\ny\",1,2\r\rz\n\n\"p\n\n\",q\r\nlast";
    for (size_t chunk = 1; chunk <= 64; chunk *= 4) {
        struct lotk_csvread r;
        struct lotk_err err;
        struct own o = {.r = &r};
        assert_int_equal(lotk_csvread_init(&r, "t.csv", NULL, &err), 0);
        lotk_csvread_on_parse(&r, own_field, own_row, &o);
        int rc = 0;
        size_t len = strlen(input);
        for (size_t at = 0; at < len && rc == 0; at += chunk)
            rc = lotk_csvread_feed(&r, input + at, len - at < chunk ? len - at : chunk);
        assert_int_equal(rc, 0);
        assert_int_equal(lotk_csvread_finish(&r), 0);
        assert_string_equal(o.out.data, "0,1,2@1\n0,1,2@2\n0@5\n0,1@7\n0@10\n");
        assert_int_equal(r.rows, 5);
        lotk_buf_free(&o.out);
        lotk_csvread_free(&r);
    }
    expect_rows(input, "1: a|b|c\n2: x\\ny|1|2\n5: z\n7: p\\n\\n|q\n10: last\n");
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(lines_across_quoted_cells),
        cmocka_unit_test(crlf_line_endings),
        cmocka_unit_test(lone_cr_line_endings),
        cmocka_unit_test(blank_lines),
        cmocka_unit_test(delimiter_from_first_line),
        cmocka_unit_test(bom_is_dropped),
        cmocka_unit_test(encoding_error_before_rows_when_whole),
        cmocka_unit_test(field_over_the_cap),
        cmocka_unit_test(unclosed_quote_at_eof),
        cmocka_unit_test(empty_file),
        cmocka_unit_test(range_of_a_file),
        cmocka_unit_test(callbacks_stop_the_read),
        cmocka_unit_test(own_callbacks_count_alike),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
