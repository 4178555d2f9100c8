/* test_encoding.c — encoding names, UTF-8 validation, detection, and the streaming decoder
 * on UTF-8 and GB18030 input fed whole, byte by byte and in random chunks. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include <errno.h>
#include <iconv.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "input/encoding.h"
#include "../fuzz/fuzz.h"
#include "base/buf.h"

/* A wjx text export: metadata columns, a question, a matrix sub-column, CRLF, and a quoted
 * multi-line cell. Written in UTF-8 here; the GB18030 twin is made with iconv(3). */
static const char EXPORT_UTF8[] =
    "序号,提交答卷时间,所用时间,来源,来源详情,来自IP,1、您的性别,"
    "2、您对本单位学习氛围的评价—1.领导重视学习,3、其他意见\r\n"
    "1,2021/07/16 12:00:00,2分30秒,微信,N/A,1.2.3.4(北京-北京),男,非常同意,\"无\r\n第二行\"\r\n"
    "2,2021/07/16 12:05:10,120秒,链接,N/A,5.6.7.8(上海-上海),女,同意,(跳过)\r\n"
    "3,2021/07/16 12:09:00,95秒,手机提交,N/A,9.9.9.9(广东-深圳),女,一般,€ 与 😀 与 ㊣\r\n";

/* The first two lines of a similar header made with `iconv -f UTF-8 -t GB18030` when the
 * test was written, so the decoder is checked against bytes iconv(3) did not produce in
 * this very run. */
static const char GB_HEADER[] =
    "\xd0\xf2\xba\xc5\x2c\x31\xa1\xa2\xc4\xfa\xb5\xc4\xd0\xd4\xb1\xf0"
    "\x2c\x32\xa1\xa2\xc4\xfa\xb6\xd4\xb1\xbe\xb5\xa5\xce\xbb\xd1\xa7"
    "\xcf\xb0\xb7\xd5\xce\xa7\xb5\xc4\xc6\xc0\xbc\xdb\xa1\xaa\x31\x2e"
    "\xc1\xec\xb5\xbc\xd6\xd8\xca\xd3\xd1\xa7\xcf\xb0\x0d\x0a\x31\x2c"
    "\xc4\xd0\x2c\xb7\xc7\xb3\xa3\xcd\xac\xd2\xe2\x0d\x0a";
static const char GB_HEADER_UTF8[] =
    "序号,1、您的性别,2、您对本单位学习氛围的评价—1.领导重视学习\r\n1,男,非常同意\r\n";

/* ---- helpers ------------------------------------------------------------------------ */

/* Converts UTF-8 to GB18030 with iconv(3); the caller frees. */
static char *to_gb18030(const char *utf8, size_t len, size_t *outlen)
{
    iconv_t cd = iconv_open("GB18030", "UTF-8");
    assert_true(cd != (iconv_t)-1);
    size_t cap = len * 2 + 16;
    char *out = malloc(cap);
    char *in = (char *)utf8, *o = out;
    size_t inleft = len, outleft = cap;
    assert_int_not_equal(iconv(cd, &in, &inleft, &o, &outleft), (size_t)-1);
    iconv_close(cd);
    *outlen = cap - outleft;
    return out;
}

/* Deterministic xorshift, so random chunkings repeat from run to run. */
static uint64_t next_random(uint64_t *s)
{
    *s ^= *s << 13;
    *s ^= *s >> 7;
    *s ^= *s << 17;
    return *s;
}

struct run {
    int rc;
    struct lotk_buf out;
    struct lotk_err err;
    enum lotk_encoding enc;
    int bom;
};

/* Decodes data with enc, fed in chunks: chunk 0 = all at once, 1 = byte by byte,
 * otherwise random sizes from 1 to chunk drawn with seed. */
static void decode(enum lotk_encoding enc, const char *data, size_t len, size_t chunk,
                   uint64_t seed, struct run *r)
{
    memset(r, 0, sizeof *r);
    lotk_err_clear(&r->err);
    struct lotk_decoder *dec = lotk_decoder_new(enc, "x.csv", &r->err);
    assert_non_null(dec);
    size_t pos = 0;
    uint64_t s = seed ? seed : 88172645463325252ULL;
    while (pos < len) {
        size_t n = chunk == 0 ? len - pos : chunk == 1 ? 1 : 1 + next_random(&s) % chunk;
        if (n > len - pos)
            n = len - pos;
        r->rc = lotk_decoder_feed(dec, data + pos, n, &r->out, &r->err);
        if (r->rc)
            goto done;
        pos += n;
    }
    r->rc = lotk_decoder_finish(dec, &r->out, &r->err);
done:
    r->enc = lotk_decoder_encoding(dec);
    r->bom = lotk_decoder_had_bom(dec);
    lotk_decoder_free(dec);
}

static void run_free(struct run *r)
{
    lotk_buf_free(&r->out);
}

/* Decodes whole, byte by byte and in random chunks, and checks every way gives expected
 * (or the same error). */
static void expect_decodes(enum lotk_encoding enc, const char *data, size_t len,
                           const char *expected, size_t explen)
{
    static const size_t chunks[] = {0, 1, 2, 3, 5, 7, 64, 4096};
    for (size_t c = 0; c < sizeof chunks / sizeof chunks[0]; c++) {
        for (uint64_t seed = 1; seed <= (chunks[c] > 1 ? 8u : 1u); seed++) {
            struct run r;
            decode(enc, data, len, chunks[c], seed * 0x9E3779B97F4A7C15ULL, &r);
            if (r.rc)
                fail_msg("chunk %zu seed %llu: %s", chunks[c], (unsigned long long)seed,
                         r.err.msg);
            assert_int_equal(r.out.len, explen);
            assert_memory_equal(r.out.data, expected, explen);
            run_free(&r);
        }
    }
}

/* Decodes in every chunking and checks each stops with the same message and line. */
static void expect_error(enum lotk_encoding enc, const char *data, size_t len, long line,
                         const char *msg)
{
    static const size_t chunks[] = {0, 1, 2, 3, 5, 64};
    for (size_t c = 0; c < sizeof chunks / sizeof chunks[0]; c++) {
        for (uint64_t seed = 1; seed <= (chunks[c] > 1 ? 8u : 1u); seed++) {
            struct run r;
            decode(enc, data, len, chunks[c], seed * 0x2545F4914F6CDD1DULL, &r);
            if (r.rc != LOTK_EIO)
                fail_msg("chunk %zu: expected an error \"%s\", got rc %d", chunks[c], msg, r.rc);
            if (strcmp(r.err.msg, msg) != 0)
                fail_msg("chunk %zu seed %llu: message\n  \"%s\"\nexpected\n  \"%s\"", chunks[c],
                         (unsigned long long)seed, r.err.msg, msg);
            assert_int_equal(r.err.line, line);
            assert_string_equal(r.err.file, "x.csv");
            run_free(&r);
        }
    }
}

/* ---- names and validation ------------------------------------------------------------ */

static void names_parse(void **state)
{
    (void)state;
    enum lotk_encoding e = LOTK_ENC_AUTO;
    assert_int_equal(lotk_encoding_parse("utf-8", &e), 0);
    assert_int_equal(e, LOTK_ENC_UTF8);
    assert_int_equal(lotk_encoding_parse("auto", &e), 0);
    assert_int_equal(e, LOTK_ENC_AUTO);
    assert_int_equal(lotk_encoding_parse("UTF8", &e), 0);
    assert_int_equal(e, LOTK_ENC_UTF8);
    assert_int_equal(lotk_encoding_parse("GBK", &e), 0);
    assert_int_equal(e, LOTK_ENC_GB18030);
    assert_int_equal(lotk_encoding_parse("gb18030", &e), 0);
    assert_int_equal(e, LOTK_ENC_GB18030);
    assert_int_equal(lotk_encoding_parse("Gb2312", &e), 0);
    assert_int_equal(e, LOTK_ENC_GB18030);
    e = LOTK_ENC_UTF8;
    assert_int_equal(lotk_encoding_parse("latin1", &e), -1);
    assert_int_equal(lotk_encoding_parse("", &e), -1);
    assert_int_equal(lotk_encoding_parse("utf-8 ", &e), -1);
    assert_int_equal(lotk_encoding_parse(NULL, &e), -1);
    assert_int_equal(e, LOTK_ENC_UTF8);
    assert_string_equal(lotk_encoding_name(LOTK_ENC_UTF8), "UTF-8");
    assert_string_equal(lotk_encoding_name(LOTK_ENC_GB18030), "GB18030");
    assert_string_equal(lotk_encoding_name(LOTK_ENC_AUTO), "auto");
}

static void validate_table(void **state)
{
    (void)state;
    static const struct {
        const char *s;
        long bad; /* -1 = valid */
    } cases[] = {
        {"", -1},
        {"plain ASCII, with a newline\n", -1},
        {"中文、全角：（）", -1},
        {"\xC2\x80 \xDF\xBF \xE0\xA0\x80 \xEF\xBF\xBF \xF0\x90\x80\x80 \xF4\x8F\xBF\xBF", -1},
        {"\xED\x9F\xBF \xEE\x80\x80", -1},                 /* around the surrogates */
        {"ab\xC0\x80", 2},                                   /* overlong NUL */
        {"ab\xC1\xBF", 2},                                   /* overlong */
        {"\xE0\x80\x80", 0},                                 /* overlong 3-byte */
        {"\xE0\x9F\xBF", 0},                                 /* overlong 3-byte, top */
        {"\xF0\x80\x80\x80", 0},                             /* overlong 4-byte */
        {"\xF0\x8F\xBF\xBF", 0},
        {"x\xED\xA0\x80", 1},                                /* high surrogate */
        {"xy\xED\xBF\xBF", 2},                               /* low surrogate */
        {"\xF4\x90\x80\x80", 0},                             /* U+110000 */
        {"\xF5\x80\x80\x80", 0},
        {"\xFF", 0},
        {"\xFE", 0},
        {"abc\x80", 3},                                      /* lone continuation */
        {"\xE4\xB8", 0},                                     /* truncated at the end */
        {"\xE4\xB8x", 0},                                    /* cut short */
        {"\xE4x\xAD", 0},
        {"0123456789abcdef0123456789abcdef\xA0", 32},        /* after the fast path */
        {"0123456789abcde\xE4\xB8\xAD" "0123456789abcdef\xE4\xB8", 34},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        size_t bad = 999;
        int rc = lotk_utf8_validate(cases[i].s, strlen(cases[i].s), &bad);
        if (cases[i].bad < 0) {
            if (rc != 0)
                fail_msg("case %zu: valid input rejected at %zu", i, bad);
        } else {
            if (rc != -1)
                fail_msg("case %zu: invalid input accepted", i);
            if ((long)bad != cases[i].bad)
                fail_msg("case %zu: bad offset %zu, expected %ld", i, bad, cases[i].bad);
        }
    }
}

/* The validator against the definition (tests/fuzz/fuzz.h: decode the bits, then demand
 * the shortest form, no surrogate, at most U+10FFFF) over every 1-, 2- and 3-byte string
 * and a sample of 4-byte ones. */
static int reference_valid(const unsigned char *s, size_t n)
{
    return fuzz_utf8_valid(s, n);
}

static void validate_exhaustive(void **state)
{
    (void)state;
    unsigned char b[4];
    for (uint32_t v = 0; v < (1u << 24); v++) {
        b[0] = (unsigned char)(v >> 16);
        b[1] = (unsigned char)(v >> 8);
        b[2] = (unsigned char)v;
        size_t n = v < 256 ? 1 : v < 65536 ? 2 : 3;
        const unsigned char *p = b + (3 - n);
        int ok = lotk_utf8_validate((const char *)p, n, NULL) == 0;
        if (ok != reference_valid(p, n))
            fail_msg("%06X (%zu bytes): validator says %d", v, n, ok);
    }
    uint64_t s = 42;
    for (int i = 0; i < 4000000; i++) {
        uint64_t r = next_random(&s);
        b[0] = (unsigned char)(0xF0 | (r & 0x0F)); /* bias towards 4-byte leads */
        if (i % 2)
            b[0] = (unsigned char)r;
        b[1] = (unsigned char)(r >> 8);
        b[2] = (unsigned char)(r >> 16);
        b[3] = (unsigned char)(r >> 24);
        int ok = lotk_utf8_validate((const char *)b, 4, NULL) == 0;
        if (ok != reference_valid(b, 4))
            fail_msg("%02X %02X %02X %02X: validator says %d", b[0], b[1], b[2], b[3], ok);
    }
}

/* ---- detection ---------------------------------------------------------------------- */

static void detect_kinds(void **state)
{
    (void)state;
    enum lotk_encoding e;
    struct lotk_err err;
    lotk_err_clear(&err);
    char bom[256];
    snprintf(bom, sizeof bom, "\xEF\xBB\xBF%s", "序号,1、题干\r\n");
    assert_int_equal(lotk_encoding_detect(bom, strlen(bom), true, &e, &err), 0);
    assert_int_equal(e, LOTK_ENC_UTF8);
    assert_int_equal(lotk_encoding_detect(EXPORT_UTF8, strlen(EXPORT_UTF8), true, &e, &err), 0);
    assert_int_equal(e, LOTK_ENC_UTF8);
    assert_int_equal(lotk_encoding_detect("a,b\n1,2\n", 8, true, &e, &err), 0);
    assert_int_equal(e, LOTK_ENC_UTF8);
    assert_int_equal(lotk_encoding_detect("", 0, true, &e, &err), 0);
    assert_int_equal(e, LOTK_ENC_UTF8);
    assert_int_equal(lotk_encoding_detect(GB_HEADER, strlen(GB_HEADER), true, &e, &err), 0);
    assert_int_equal(e, LOTK_ENC_GB18030);
    size_t gblen;
    char *gb = to_gb18030(EXPORT_UTF8, strlen(EXPORT_UTF8), &gblen);
    assert_int_equal(lotk_encoding_detect(gb, gblen, true, &e, &err), 0);
    assert_int_equal(e, LOTK_ENC_GB18030);
    /* A prefix may end inside a character in either encoding. */
    for (size_t cut = 1; cut < 60; cut++) {
        assert_int_equal(lotk_encoding_detect(gb, cut, false, &e, &err), 0);
        if (cut >= 8)
            assert_int_equal(e, LOTK_ENC_GB18030);
        assert_int_equal(lotk_encoding_detect(EXPORT_UTF8, cut, false, &e, &err), 0);
        assert_int_equal(e, LOTK_ENC_UTF8);
    }
    free(gb);
}

static void detect_neither(void **state)
{
    (void)state;
    enum lotk_encoding e = LOTK_ENC_AUTO;
    struct lotk_err err;
    lotk_err_clear(&err);
    /* 0x80 and 0xFF are GB18030's two never-valid single bytes. */
    const char bad[] = "a,b\n1,\xC3\x80\x80\n";
    assert_int_equal(lotk_encoding_detect(bad, strlen(bad), true, &e, &err), LOTK_EIO);
    assert_string_equal(err.msg, "not UTF-8 or GB18030: invalid UTF-8 byte 0x80 at byte offset 8 "
                                 "(continuation byte without a lead byte)");
    assert_int_equal(err.line, 2);
    assert_int_equal(e, LOTK_ENC_AUTO);
    /* UTF-8 Chinese text with one corrupt byte is often structurally GB18030 too; after
     * this much UTF-8 it is reported as broken UTF-8, not decoded as mojibake. */
    struct lotk_buf b = {0};
    for (int i = 0; i < 20; i++)
        lotk_buf_puts(&b, "非常同意,");
    lotk_buf_puts(&b, "\n\xB5\xC4");
    assert_int_equal(lotk_encoding_detect(b.data, b.len, true, &e, &err), LOTK_EIO);
    assert_int_equal(err.line, 2);
    assert_string_equal(err.msg, "invalid UTF-8 byte 0xB5 at byte offset 261 (continuation "
                                 "byte without a lead byte)");
    lotk_buf_free(&b);
}

/* GB18030 text never reads as more than a few UTF-8 multibyte characters before an invalid
 * byte, from whatever byte one starts: that is what lets detection call a file with many
 * UTF-8 characters before its first bad byte broken UTF-8 rather than GB18030. */
static void detect_gb_text_is_not_long_utf8(void **state)
{
    (void)state;
    struct lotk_buf text = {0};
    lotk_buf_puts(&text, EXPORT_UTF8);
    lotk_buf_puts(&text, GB_HEADER_UTF8);
    lotk_buf_puts(&text, "学习型组织评价标准：组织领导、学习制度、学习资源、学习活动、学习成效。"
                         "非常不同意，不同意，一般，同意，非常同意。培训经费足额提取。");
    size_t gblen;
    char *gb = to_gb18030(text.data, text.len, &gblen);
    size_t most = 0;
    for (size_t start = 0; start < gblen; start++) {
        size_t bad = gblen - start;
        lotk_utf8_validate(gb + start, gblen - start, &bad);
        size_t multi = 0;
        for (size_t i = start; i < start + bad; i++)
            multi += (unsigned char)gb[i] >= 0xC0;
        if (multi > most)
            most = multi;
    }
    if (most >= 8)
        fail_msg("GB18030 text read as %zu UTF-8 characters in a row", most);
    free(gb);
    lotk_buf_free(&text);
}

/* ---- the decoder on UTF-8 ------------------------------------------------------------ */

static void utf8_passes_through(void **state)
{
    (void)state;
    expect_decodes(LOTK_ENC_UTF8, EXPORT_UTF8, strlen(EXPORT_UTF8), EXPORT_UTF8,
                   strlen(EXPORT_UTF8));
    expect_decodes(LOTK_ENC_AUTO, EXPORT_UTF8, strlen(EXPORT_UTF8), EXPORT_UTF8,
                   strlen(EXPORT_UTF8));
    expect_decodes(LOTK_ENC_UTF8, "", 0, "", 0);
    expect_decodes(LOTK_ENC_AUTO, "", 0, "", 0);
    /* An empty file still gives a C string. */
    static const enum lotk_encoding encs[] = {LOTK_ENC_AUTO, LOTK_ENC_UTF8, LOTK_ENC_GB18030};
    for (size_t i = 0; i < 3; i++) {
        struct run r;
        decode(encs[i], "", 0, 0, 0, &r);
        assert_int_equal(r.rc, 0);
        assert_non_null(r.out.data);
        assert_string_equal(r.out.data, "");
        run_free(&r);
    }
}

static void utf8_bom_dropped(void **state)
{
    (void)state;
    struct lotk_buf in = {0};
    lotk_buf_puts(&in, "\xEF\xBB\xBF");
    lotk_buf_puts(&in, EXPORT_UTF8);
    expect_decodes(LOTK_ENC_UTF8, in.data, in.len, EXPORT_UTF8, strlen(EXPORT_UTF8));
    expect_decodes(LOTK_ENC_AUTO, in.data, in.len, EXPORT_UTF8, strlen(EXPORT_UTF8));
    struct run r;
    decode(LOTK_ENC_AUTO, in.data, in.len, 1, 0, &r);
    assert_int_equal(r.rc, 0);
    assert_int_equal(r.enc, LOTK_ENC_UTF8);
    assert_true(r.bom);
    run_free(&r);
    /* A BOM alone is an empty file; a second one is data. */
    expect_decodes(LOTK_ENC_UTF8, "\xEF\xBB\xBF", 3, "", 0);
    expect_decodes(LOTK_ENC_UTF8, "\xEF\xBB\xBF\xEF\xBB\xBF", 6, "\xEF\xBB\xBF", 3);
    expect_decodes(LOTK_ENC_UTF8, "a\xEF\xBB\xBF", 4, "a\xEF\xBB\xBF", 4);
    lotk_buf_free(&in);
}

static void utf8_errors_name_line_and_offset(void **state)
{
    (void)state;
    expect_error(LOTK_ENC_UTF8, "a,b\n1,\xC3(\n", 9, 2,
                 "invalid UTF-8 byte 0xC3 at byte offset 6 (expected a continuation byte)");
    expect_error(LOTK_ENC_UTF8, "a\nb\nc\xC0\x80\n", 8, 3,
                 "invalid UTF-8 byte 0xC0 at byte offset 5 (overlong encoding)");
    expect_error(LOTK_ENC_UTF8, "\n\n\n\xE0\x80\x80", 6, 4,
                 "invalid UTF-8 byte 0xE0 at byte offset 3 (overlong encoding)");
    expect_error(LOTK_ENC_UTF8, "中\n\xED\xA0\x80", 7, 2,
                 "invalid UTF-8 byte 0xED at byte offset 4 (UTF-16 surrogate)");
    expect_error(LOTK_ENC_UTF8, "x\xF4\x90\x80\x80", 5, 1,
                 "invalid UTF-8 byte 0xF4 at byte offset 1 (above U+10FFFF)");
    expect_error(LOTK_ENC_UTF8, "x\xF0\x8F\xBF\xBF", 5, 1,
                 "invalid UTF-8 byte 0xF0 at byte offset 1 (overlong encoding)");
    expect_error(LOTK_ENC_UTF8, "\xFF", 1, 1,
                 "invalid UTF-8 byte 0xFF at byte offset 0 (never valid in UTF-8)");
    expect_error(LOTK_ENC_UTF8, "ok\n中\xE4\xB8", 8, 2,
                 "invalid UTF-8 byte 0xE4 at byte offset 6 (the input ends inside a multibyte "
                 "character)");
    /* A BOM counts in offsets: they are offsets into the file as it is on disk. */
    expect_error(LOTK_ENC_UTF8, "\xEF\xBB\xBF" "a\n\x80", 6, 2,
                 "invalid UTF-8 byte 0x80 at byte offset 5 (continuation byte without a lead "
                 "byte)");
}

/* An error deep in a large file: the line count crosses many chunks and the fast path. */
static void utf8_error_far_in(void **state)
{
    (void)state;
    struct lotk_buf in = {0};
    lotk_buf_puts(&in, "序号,1、题干\r\n");
    for (int i = 0; i < 30000; i++)
        lotk_buf_printf(&in, "%d,%s\r\n", i, i % 3 ? "非常同意" : "agree");
    size_t off = in.len + 2;
    lotk_buf_puts(&in, "x,\xE4\xB8\x41\r\n");
    char msg[200];
    snprintf(msg, sizeof msg, "invalid UTF-8 byte 0xE4 at byte offset %zu (expected a "
             "continuation byte)", off);
    expect_error(LOTK_ENC_UTF8, in.data, in.len, 30002, msg);
    expect_error(LOTK_ENC_AUTO, in.data, in.len, 30002, msg);
    lotk_buf_free(&in);
}

static void errors_are_sticky(void **state)
{
    (void)state;
    struct lotk_err err;
    lotk_err_clear(&err);
    struct lotk_buf out = {0};
    struct lotk_decoder *dec = lotk_decoder_new(LOTK_ENC_UTF8, NULL, &err);
    assert_int_equal(lotk_decoder_feed(dec, "ab\xFF", 3, &out, &err), LOTK_EIO);
    assert_int_equal(err.code, LOTK_EIO);
    assert_string_equal(err.file, "");
    size_t len = out.len;
    lotk_err_clear(&err);
    assert_int_equal(lotk_decoder_feed(dec, "cd", 2, &out, &err), LOTK_EIO);
    assert_non_null(strstr(err.msg, "0xFF at byte offset 2"));
    assert_int_equal(lotk_decoder_finish(dec, &out, &err), LOTK_EIO);
    assert_int_equal(out.len, len);
    lotk_decoder_free(dec);
    lotk_decoder_free(NULL);
    lotk_buf_free(&out);
}

/* Every prefix split of text with 1- to 4-byte characters decodes to the same bytes. */
static void utf8_every_split(void **state)
{
    (void)state;
    const char *text = "a\xC3\xA9" "中\xF0\x9F\x98\x80" "b\r\n㊣€";
    size_t n = strlen(text);
    for (size_t i = 0; i <= n; i++) {
        for (size_t j = i; j <= n; j++) {
            struct lotk_err err;
            struct lotk_buf out = {0};
            struct lotk_decoder *dec = lotk_decoder_new(LOTK_ENC_UTF8, NULL, &err);
            assert_int_equal(lotk_decoder_feed(dec, text, i, &out, &err), 0);
            assert_int_equal(lotk_utf8_validate(out.data ? out.data : "", out.len, NULL), 0);
            assert_int_equal(lotk_decoder_feed(dec, text + i, j - i, &out, &err), 0);
            assert_int_equal(lotk_decoder_feed(dec, text + j, n - j, &out, &err), 0);
            assert_int_equal(lotk_decoder_finish(dec, &out, &err), 0);
            assert_int_equal(out.len, n);
            assert_memory_equal(out.data, text, n);
            assert_int_equal(lotk_decoder_offset(dec), n);
            lotk_decoder_free(dec);
            lotk_buf_free(&out);
        }
    }
}

/* ---- the decoder on GB18030 --------------------------------------------------------- */

static void gb18030_embedded_fixture(void **state)
{
    (void)state;
    expect_decodes(LOTK_ENC_GB18030, GB_HEADER, strlen(GB_HEADER), GB_HEADER_UTF8,
                   strlen(GB_HEADER_UTF8));
    expect_decodes(LOTK_ENC_AUTO, GB_HEADER, strlen(GB_HEADER), GB_HEADER_UTF8,
                   strlen(GB_HEADER_UTF8));
    struct run r;
    decode(LOTK_ENC_AUTO, GB_HEADER, strlen(GB_HEADER), 3, 7, &r);
    assert_int_equal(r.rc, 0);
    assert_int_equal(r.enc, LOTK_ENC_GB18030);
    assert_false(r.bom);
    run_free(&r);
}

static void gb18030_export_round_trip(void **state)
{
    (void)state;
    size_t gblen;
    /* € is two bytes, 😀 and ㊣ four in GB18030: every length is carried across chunks. */
    char *gb = to_gb18030(EXPORT_UTF8, strlen(EXPORT_UTF8), &gblen);
    expect_decodes(LOTK_ENC_GB18030, gb, gblen, EXPORT_UTF8, strlen(EXPORT_UTF8));
    expect_decodes(LOTK_ENC_AUTO, gb, gblen, EXPORT_UTF8, strlen(EXPORT_UTF8));
    /* GB18030's own byte-order mark, 84 31 95 33, is dropped like UTF-8's. */
    char *withbom = malloc(gblen + 4);
    memcpy(withbom, "\x84\x31\x95\x33", 4);
    memcpy(withbom + 4, gb, gblen);
    expect_decodes(LOTK_ENC_GB18030, withbom, gblen + 4, EXPORT_UTF8, strlen(EXPORT_UTF8));
    struct run r;
    decode(LOTK_ENC_GB18030, withbom, gblen + 4, 1, 0, &r);
    assert_true(r.bom);
    run_free(&r);
    free(withbom);
    free(gb);
}

static void gb18030_errors(void **state)
{
    (void)state;
    /* 0xB0 0x20: a lead byte followed by a space. */
    expect_error(LOTK_ENC_GB18030, "a,b\r\n\xC4\xD0,\xB0 \r\n", 12, 2,
                 "invalid GB18030 sequence 0xB0 0x20 at byte offset 8");
    expect_error(LOTK_ENC_GB18030, "\xC4\xD0\n\x80", 4, 2,
                 "invalid GB18030 sequence 0x80 at byte offset 3");
    expect_error(LOTK_ENC_GB18030, "\n\n\xFF", 3, 3,
                 "invalid GB18030 sequence 0xFF at byte offset 2");
    /* Four-byte forms: past U+10FFFF, and a bad third byte. */
    expect_error(LOTK_ENC_GB18030, "x\xE3\x32\x9A\x36", 5, 1,
                 "invalid GB18030 sequence 0xE3 0x32 0x9A 0x36 at byte offset 1");
    expect_error(LOTK_ENC_GB18030, "xy\x81\x30\x20\x30", 6, 1,
                 "invalid GB18030 sequence 0x81 0x30 0x20 at byte offset 2");
    expect_error(LOTK_ENC_GB18030, "ok\r\n\xC4", 5, 2,
                 "invalid GB18030 sequence 0xC4 at byte offset 4 (the input ends inside a "
                 "multibyte character)");
    expect_error(LOTK_ENC_GB18030, "ok\r\n\x81\x30\x81", 7, 2,
                 "invalid GB18030 sequence 0x81 0x30 0x81 at byte offset 4 (the input ends "
                 "inside a multibyte character)");
}

static void gb18030_error_far_in(void **state)
{
    (void)state;
    struct lotk_buf u = {0};
    lotk_buf_puts(&u, "序号,1、您的性别\r\n");
    for (int i = 0; i < 20000; i++)
        lotk_buf_printf(&u, "%d,%s\r\n", i, i % 2 ? "男" : "女");
    size_t gblen;
    char *gb = to_gb18030(u.data, u.len, &gblen);
    gb = realloc(gb, gblen + 8);
    memcpy(gb + gblen, "9,\xC4\x7F\r\n", 6);
    char msg[200];
    snprintf(msg, sizeof msg, "invalid GB18030 sequence 0xC4 0x7F at byte offset %zu",
             gblen + 2);
    expect_error(LOTK_ENC_GB18030, gb, gblen + 6, 20002, msg);
    expect_error(LOTK_ENC_AUTO, gb, gblen + 6, 20002, msg);
    free(gb);
    lotk_buf_free(&u);
}

/* ---- auto-detection in the stream --------------------------------------------------- */

/* More than the sniff window of ASCII before the first Chinese byte: detection waits for
 * it instead of taking the file for UTF-8. */
static void auto_waits_for_non_ascii(void **state)
{
    (void)state;
    struct lotk_buf u = {0};
    lotk_buf_puts(&u, "org_id,resp_id,q1,q2\r\n");
    for (int i = 0; u.len < 3 * LOTK_ENCODING_SNIFF_BYTES; i++)
        lotk_buf_printf(&u, "ORG%d,R%d,%d,%d\r\n", i % 7, i, i % 5 + 1, (i * 3) % 5 + 1);
    lotk_buf_puts(&u, "ORG1,R-last,非常同意,一般\r\n");
    size_t gblen;
    char *gb = to_gb18030(u.data, u.len, &gblen);
    expect_decodes(LOTK_ENC_AUTO, gb, gblen, u.data, u.len);
    expect_decodes(LOTK_ENC_AUTO, u.data, u.len, u.data, u.len);
    struct run r;
    decode(LOTK_ENC_AUTO, gb, gblen, 4096, 3, &r);
    assert_int_equal(r.enc, LOTK_ENC_GB18030);
    run_free(&r);
    decode(LOTK_ENC_AUTO, "a,b\n", 4, 0, 0, &r);
    assert_int_equal(r.rc, 0);
    assert_int_equal(r.enc, LOTK_ENC_UTF8);
    run_free(&r);
    free(gb);
    lotk_buf_free(&u);
}

/* The sniff window fills in the middle of a feed and of a character. */
static void auto_window_boundary(void **state)
{
    (void)state;
    struct lotk_buf u = {0};
    lotk_buf_puts(&u, "题");
    while (u.len < 2 * LOTK_ENCODING_SNIFF_BYTES)
        lotk_buf_puts(&u, "非常同意,一般😀\n");
    expect_decodes(LOTK_ENC_AUTO, u.data, u.len, u.data, u.len);
    size_t gblen;
    char *gb = to_gb18030(u.data, u.len, &gblen);
    expect_decodes(LOTK_ENC_AUTO, gb, gblen, u.data, u.len);
    free(gb);
    lotk_buf_free(&u);
}

static void auto_neither(void **state)
{
    (void)state;
    expect_error(LOTK_ENC_AUTO, "a,b\nc,d\n\xC3\x80\x80 x\n", 14, 3,
                 "not UTF-8 or GB18030: invalid UTF-8 byte 0x80 at byte offset 10 "
                 "(continuation byte without a lead byte)");
    /* Short and cut off: neither a whole UTF-8 nor a whole GB18030 character. */
    expect_error(LOTK_ENC_AUTO, "abc\n\x81", 5, 2,
                 "not UTF-8 or GB18030: invalid UTF-8 byte 0x81 at byte offset 4 "
                 "(continuation byte without a lead byte)");
    /* GB18030 (单位 = B5 A5 CE BB) cut off inside its last character: said as such, not
     * "not UTF-8 or GB18030". */
    expect_error(LOTK_ENC_AUTO, "org\n\xB5\xA5\xCE\xBB\n\xB5", 10, 3,
                 "invalid GB18030 sequence 0xB5 at byte offset 9 "
                 "(the input ends inside a multibyte character)");
    /* The inherent ambiguity: a short file whose only non-ASCII bytes are a UTF-8
     * character cut off is whole GB18030. */
    struct run r;
    decode(LOTK_ENC_AUTO, "abc\n\xE4\xB8", 6, 0, 0, &r);
    assert_int_equal(r.rc, 0);
    assert_int_equal(r.enc, LOTK_ENC_GB18030);
    assert_string_equal(r.out.data, "abc\n涓");
    run_free(&r);
}

/* A GB18030 file with a UTF-8 line of 8 or more Chinese characters mixes two encodings:
 * an error at that line in every chunking, also when it is the last line without a LF; a
 * GB18030 line that happens to read as UTF-8 for fewer is no evidence. */
static void mixed_encodings(void **state)
{
    (void)state;
    /* 单位 in GB18030, then 学习型组织建设评估 (9 characters) in UTF-8. */
    static const char gb[] = "org\n\xB5\xA5\xCE\xBB\n";
    static const char utf8[] = "\xE5\xAD\xA6\xE4\xB9\xA0\xE5\x9E\x8B\xE7\xBB\x84\xE7\xBB"
                               "\x87\xE5\xBB\xBA\xE8\xAE\xBE\xE8\xAF\x84\xE4\xBC\xB0";
    static const char msg[] = "this line is UTF-8 but the file is read as GB18030: it mixes two "
                              "encodings, and this line would be garbled (save the file in one "
                              "encoding, e.g. iconv -f GB18030 -t UTF-8, then fix the lines that "
                              "were UTF-8)";
    char data[128];
    int n = snprintf(data, sizeof data, "%s%s\nnext\n", gb, utf8);
    expect_error(LOTK_ENC_GB18030, data, (size_t)n, 3, msg);
    /* Detected: GB18030 from the sniffed start, the UTF-8 line beyond it. */
    struct lotk_buf big = {0};
    lotk_buf_append(&big, "org\n", 4);
    enum { LINES = 2 * LOTK_ENCODING_SNIFF_BYTES / 5 };
    for (int i = 0; i < LINES; i++)
        lotk_buf_append(&big, gb + 4, 5);
    lotk_buf_append(&big, utf8, strlen(utf8));
    lotk_buf_append(&big, "\n", 1);
    expect_error(LOTK_ENC_AUTO, big.data, big.len, 2 + LINES, msg);
    lotk_buf_free(&big);
    n = snprintf(data, sizeof data, "%s%s", gb, utf8);
    expect_error(LOTK_ENC_GB18030, data, (size_t)n, 3, msg);
    /* Four UTF-8 characters (学习型组) are not enough to tell. */
    n = snprintf(data, sizeof data, "%s%.12s\n", gb, utf8);
    struct run r;
    decode(LOTK_ENC_GB18030, data, (size_t)n, 0, 0, &r);
    assert_int_equal(r.rc, 0);
    run_free(&r);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(names_parse),
        cmocka_unit_test(validate_table),
        cmocka_unit_test(validate_exhaustive),
        cmocka_unit_test(detect_kinds),
        cmocka_unit_test(detect_neither),
        cmocka_unit_test(detect_gb_text_is_not_long_utf8),
        cmocka_unit_test(utf8_passes_through),
        cmocka_unit_test(utf8_bom_dropped),
        cmocka_unit_test(utf8_errors_name_line_and_offset),
        cmocka_unit_test(utf8_error_far_in),
        cmocka_unit_test(errors_are_sticky),
        cmocka_unit_test(utf8_every_split),
        cmocka_unit_test(gb18030_embedded_fixture),
        cmocka_unit_test(gb18030_export_round_trip),
        cmocka_unit_test(gb18030_errors),
        cmocka_unit_test(gb18030_error_far_in),
        cmocka_unit_test(auto_waits_for_non_ascii),
        cmocka_unit_test(auto_window_boundary),
        cmocka_unit_test(auto_neither),
        cmocka_unit_test(mixed_encodings),
    };
    return cmocka_run_group_tests_name("encoding", tests, NULL, NULL);
}
