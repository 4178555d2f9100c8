/* test_util.c — number formatting and parsing, the string map, natural order, edit
 * distance, files. */
#include "testutil.h"

#include <float.h>
#include <locale.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <dirent.h>
#include <unistd.h>

#include "base/mem.h"
#include "base/buf.h"
#include "base/strmap.h"
#include "base/num.h"
#include "base/text.h"
#include "base/file.h"

static const char *fmt(double x)
{
    static char out[32];
    memset(out, 'X', sizeof out);
    lotk_fmt_double(out, x);
    assert_true(strlen(out) < 32);
    return out;
}

/* lotk_xcalloc_huge: zeroed, writable to the last byte, and freed by lotk_free_huge, for
 * a size below 2 MB (calloc's) and sizes of 2 MB and over (whole 2 MB pages, aligned to
 * them so that they can be huge pages), one not a multiple of 2 MB among them. */
static void huge_tables_zeroed_and_whole(void **state)
{
    (void)state;
    static const size_t sizes[] = {1, 4096, (2u << 20) - 1, 2u << 20, (5u << 20) + 3};
    for (size_t k = 0; k < sizeof sizes / sizeof *sizes; k++) {
        size_t n = sizes[k];
        unsigned char *p = lotk_xcalloc_huge(n);
        assert_non_null(p);
        if (n >= (2u << 20))
            assert_int_equal((uintptr_t)p % (2u << 20), 0);
        for (size_t i = 0; i < n; i += 4093)
            assert_int_equal(p[i], 0);
        assert_int_equal(p[n - 1], 0);
        memset(p, 0xA5, n);
        assert_int_equal(p[n - 1], 0xA5);
        lotk_free_huge(p, n);
    }
    lotk_free_huge(NULL, 1 << 22); /* as free(NULL) */
}

/* lotk_has_byte agrees with memchr for every length to 40 and every place of the byte,
 * among bytes of every kind (high bytes of UTF-8 beside it, its neighbours 0x01 and 0xFF,
 * which borrow in the word test), and for its absence. */
static void has_byte_as_memchr(void **state)
{
    (void)state;
    static const unsigned char fill[] = {0x01, 0xFF, 0x80, 'a', 0xE4, 0x7F, '\r', 0x0B};
    static const unsigned char wanted[] = {'\n', '\0', 0x80, 0xFF};
    char text[48];
    for (size_t w = 0; w < sizeof wanted; w++)
        for (size_t n = 0; n <= 40; n++)
            for (size_t at = 0; at <= n; at++) { /* at == n: not there */
                for (size_t i = 0; i < n; i++) {
                    unsigned char b = fill[(i * 5 + n) % sizeof fill];
                    text[i] = (char)(b == wanted[w] ? 'z' : b);
                }
                if (at < n)
                    text[at] = (char)wanted[w];
                text[n] = (char)wanted[w]; /* just past the end: must not count */
                bool want = memchr(text, wanted[w], n) != NULL;
                assert_int_equal(lotk_has_byte(text, n, wanted[w]), want);
            }
}

static void fmt_shortest_examples(void **state)
{
    (void)state;
    assert_string_equal(fmt(0.1), "0.1");
    assert_string_equal(fmt(72.5), "72.5");
    assert_string_equal(fmt(0.74), "0.74");
    assert_string_equal(fmt(1e-7), "1e-07");
    assert_string_equal(fmt(-2.5), "-2.5");
    assert_string_equal(fmt(3), "3");
    assert_string_equal(fmt(1e21), "1e+21");
    assert_string_equal(fmt(0.1 + 0.2), "0.30000000000000004");
    assert_string_equal(fmt(1.0 / 3), "0.3333333333333333");
    assert_string_equal(fmt(2.0 / 3), "0.6666666666666666");
    assert_string_equal(fmt(123456789012345678.0), "1.2345678901234568e+17");
    assert_string_equal(fmt(DBL_MAX), "1.7976931348623157e+308");
    assert_string_equal(fmt(DBL_MIN), "2.2250738585072014e-308");
}

/* Whole numbers such as a full 100 points or a dimension's 20 points: "%.1g" would
 * round-trip them as "1e+02" and "2e+01", which no reader of a CSV of scores expects. */
static void fmt_whole_numbers_without_exponent(void **state)
{
    (void)state;
    assert_string_equal(fmt(100), "100");
    assert_string_equal(fmt(20), "20");
    assert_string_equal(fmt(1500), "1500");
    assert_string_equal(fmt(-40), "-40");
}

static void fmt_zero_nan_inf(void **state)
{
    (void)state;
    assert_string_equal(fmt(0.0), "0");
    /* Negative zero prints as "0": it compares equal to 0 and "-0" in a score table would
     * only confuse. */
    assert_string_equal(fmt(-0.0), "0");
    assert_string_equal(fmt(NAN), "nan");
    assert_string_equal(fmt(INFINITY), "inf");
    assert_string_equal(fmt(-INFINITY), "-inf");
}

/* Deterministic xorshift so the sample of doubles is the same on every run. */
static uint64_t next_random(uint64_t *s)
{
    *s ^= *s << 13;
    *s ^= *s >> 7;
    *s ^= *s << 17;
    return *s;
}

static void fmt_round_trips_and_is_shortest(void **state)
{
    (void)state;
    uint64_t seed = 0x9E3779B97F4A7C15ULL;
    for (int i = 0; i < 20000; i++) {
        double x;
        uint64_t bits = next_random(&seed);
        switch (i % 4) {
        case 0: /* typical scores: means of small integers, norms, points */
            x = (double)(bits % 100000) / (double)(1 + (bits >> 40) % 97);
            break;
        case 1:
            x = (double)(bits % 1000001) / 10000.0;
            break;
        case 2: /* any finite normal double */
            memcpy(&x, &bits, sizeof x);
            if (!isnormal(x))
                continue;
            break;
        default:
            x = ldexp((double)(bits >> 11), -53) * 100;
            break;
        }
        char out[32];
        lotk_fmt_double(out, x);
        double back;
        if (lotk_parse_double(out, strlen(out), &back) != 0 || back != x)
            fail_msg("%.17g printed as '%s' does not read back", x, out);
        /* Shortest: no form with fewer significant digits reads back as x. */
        int fewest = 17;
        for (int d = 1; d < 17; d++) {
            char shorter[400];
            snprintf(shorter, sizeof shorter, "%.*g", d, x);
            if (strtod(shorter, NULL) == x) {
                fewest = d;
                break;
            }
        }
        /* Significant digits of out: without sign, point, exponent, leading zeros and the
         * trailing zeros of the digits. */
        char digits[40];
        size_t nd = 0;
        for (const char *p = out; *p && *p != 'e' && *p != 'E'; p++)
            if (*p >= '0' && *p <= '9' && (nd > 0 || *p != '0'))
                digits[nd++] = *p;
        while (nd > 0 && digits[nd - 1] == '0')
            nd--;
        if ((int)nd != fewest)
            fail_msg("%.17g printed as '%s' (%zu digits) but %d digits read back", x, out, nd,
                     fewest);
    }
}

/* ---- lotk_fmt_double against printf ------------------------------------------------ */

/* Significant digits of a printed number: from the first non-zero digit to the last one
 * before the exponent ("0.0250" → 2, "1500" → 2, "1.5e-07" → 2). */
static int significant_digits(const char *s)
{
    int n = 0, pending_zeros = 0;
    for (const char *p = s; *p && *p != 'e' && *p != 'E'; p++) {
        if (*p == '0') {
            pending_zeros += n > 0;
        } else if (*p >= '1' && *p <= '9') {
            n += pending_zeros + 1;
            pending_zeros = 0;
        }
    }
    return n;
}

/* How many values check_fmt saw, and to how many of them comparison (c) applied. */
struct fmt_tally {
    long checked, same_as_g;
};

/* Checks lotk_fmt_double(x) against glibc's printf and strtod, which share no code with
 * std::to_chars (core/dtoa.cc): (a) it reads back as x; (b) it has the fewest significant digits
 * that do: one digit fewer, correctly rounded, does not read back, and up to 15 digits it
 * is %.15g byte for byte (normal numbers; a subnormal's 15 digits are more than it has);
 * (c) it is laid out as %g with precision max(digits, 15), wherever that printf output
 * has the same digits (it may not at a power of two, whose shortest form need not be the
 * correctly rounded one). */
static void check_fmt(double x, struct fmt_tally *t)
{
    char out[32];
    memset(out, 'X', sizeof out);
    lotk_fmt_double(out, x);
    if (!memchr(out, '\0', sizeof out))
        fail_msg("%a: output not terminated within 32 bytes", x);
    char *end;
    double back = strtod(out, &end);
    if (*end != '\0' || back != x)
        fail_msg("%a (%.17g) printed as '%s', which reads back as %.17g", x, x, out, back);
    int n = significant_digits(out);
    if (n < 1 || n > 17)
        fail_msg("%.17g printed as '%s' with %d significant digits", x, out, n);
    const char *e = strchr(out, 'e');
    size_t mantissa = e ? (size_t)(e - out) : strlen(out);
    if (memchr(out, '.', mantissa) && (out[mantissa - 1] == '0' || out[mantissa - 1] == '.'))
        fail_msg("%.17g printed as '%s': trailing zeros or point", x, out);
    char ref[64];
    if (n >= 2) {
        snprintf(ref, sizeof ref, "%.*e", n - 2, x);
        if (strtod(ref, NULL) == x)
            fail_msg("%.17g printed as '%s' (%d digits) but '%s' reads back too", x, out, n,
                     ref);
    }
    if (n <= 15 && isnormal(x)) {
        snprintf(ref, sizeof ref, "%.15g", x);
        if (strcmp(out, ref) != 0)
            fail_msg("%.17g printed as '%s', %%.15g prints '%s'", x, out, ref);
    }
    int prec = n > 15 ? n : 15;
    snprintf(ref, sizeof ref, "%.*g", prec, x);
    if (strtod(ref, NULL) == x && significant_digits(ref) == n) {
        if (strcmp(out, ref) != 0)
            fail_msg("%.17g printed as '%s', %%.%dg prints '%s'", x, out, prec, ref);
        t->same_as_g++;
    }
    t->checked++;
}

static void check_fmt_both_signs(double x, struct fmt_tally *t)
{
    check_fmt(x, t);
    check_fmt(-x, t);
}

/* Nearly every value must have met the %g comparison, or (c) checked nothing. */
static void expect_mostly_g(const struct fmt_tally *t, const char *what)
{
    if (t->same_as_g * 100 < t->checked * 99)
        fail_msg("%s: only %ld of %ld values compared with %%g", what, t->same_as_g,
                 t->checked);
}

/* Any bit pattern that is a finite non-zero double: every exponent, subnormals, both
 * signs. */
static void fmt_agrees_with_printf_on_random_doubles(void **state)
{
    (void)state;
    struct fmt_tally t = {0};
    uint64_t seed = 0x2545F4914F6CDD1DULL;
    for (int i = 0; i < 120000; i++) {
        uint64_t bits = next_random(&seed);
        if (i % 8 == 0) /* subnormals are 1 in 2048 of all patterns: give them more */
            bits &= 0x800FFFFFFFFFFFFFULL;
        double x;
        memcpy(&x, &bits, sizeof x);
        if (!isfinite(x) || x == 0)
            continue;
        check_fmt(x, &t);
    }
    assert_true(t.checked > 119000);
    expect_mostly_g(&t, "random doubles");
}

/* The numbers lotk prints: thirds and sevenths (means of a few answers), tenths, points
 * between 0 and 100 with any number of decimals, and their negatives (changes). */
static void fmt_agrees_with_printf_on_scores(void **state)
{
    (void)state;
    struct fmt_tally t = {0};
    uint64_t seed = 0x9E3779B97F4A7C15ULL;
    for (int k = 1; k <= 10000; k++) {
        check_fmt_both_signs(k / 3.0, &t);
        check_fmt_both_signs(k / 7.0, &t);
        check_fmt(0.1 * k, &t);
    }
    for (int i = 0; i < 20000; i++) {
        uint64_t bits = next_random(&seed);
        double x = ldexp((double)(bits >> 11), -53) * 100; /* [0, 100), all 53 bits */
        if (x != 0)
            check_fmt_both_signs(x, &t);
        double y = (double)(bits % 10000001) / 100000.0; /* 0.00000 to 100.00000 */
        if (y != 0)
            check_fmt(y, &t);
    }
    assert_true(t.checked > 109000);
    expect_mostly_g(&t, "scores");
}

/* Powers of two (the asymmetric neighbours) and of ten, their neighbours, the ends of
 * the range and the subnormals. */
static void fmt_agrees_with_printf_at_the_edges(void **state)
{
    (void)state;
    struct fmt_tally t = {0};
    for (int k = -1074; k <= 1023; k++) {
        double p = ldexp(1, k);
        check_fmt_both_signs(p, &t);
        if (k > -1074) /* below 2^-1074 is 0 */
            check_fmt_both_signs(nextafter(p, 0), &t);
        check_fmt_both_signs(nextafter(p, INFINITY), &t);
    }
    for (int k = -323; k <= 308; k++) {
        char s[16];
        snprintf(s, sizeof s, "1e%d", k);
        double p = strtod(s, NULL);
        check_fmt_both_signs(p, &t);
        check_fmt_both_signs(nextafter(p, 0), &t);
        check_fmt_both_signs(nextafter(p, INFINITY), &t);
    }
    check_fmt_both_signs(DBL_MIN, &t);
    check_fmt_both_signs(DBL_MAX, &t);
    check_fmt_both_signs(DBL_TRUE_MIN, &t);
    check_fmt_both_signs(nextafter(DBL_MIN, 0), &t); /* the largest subnormal */
    uint64_t seed = 0xD1B54A32D192ED03ULL;
    for (int i = 0; i < 10000; i++) {
        uint64_t bits = next_random(&seed) & 0x000FFFFFFFFFFFFFULL;
        double x;
        memcpy(&x, &bits, sizeof x);
        if (x != 0)
            check_fmt_both_signs(x, &t);
    }
    assert_true(t.checked > 30000);
    /* No expect_mostly_g here: %.15g prints a subnormal with more digits than it holds,
     * and at some powers of two %.16g misses where other 16 digits read back. */
    assert_string_equal(fmt(DBL_TRUE_MIN), "5e-324");
    assert_string_equal(fmt(-DBL_TRUE_MIN), "-5e-324");
    assert_string_equal(fmt(1e23), "1e+23");
    assert_string_equal(fmt(9007199254740992.0), "9007199254740992"); /* 2^53 */
    /* Where %.16g ("5.960464477539062e-08") misses, other 16 digits read back. */
    assert_string_equal(fmt(ldexp(1, -24)), "5.960464477539063e-08");
}

static int parse(const char *s, double *out)
{
    return lotk_parse_double(s, strlen(s), out);
}

static void parse_accepts_plain_decimals(void **state)
{
    (void)state;
    double v = -1;
    assert_int_equal(parse("72.5", &v), 0);
    assert_true(v == 72.5);
    assert_int_equal(parse("3", &v), 0);
    assert_true(v == 3);
    assert_int_equal(parse(" 4 ", &v), 0);
    assert_true(v == 4);
    assert_int_equal(parse("\t-2\t", &v), 0);
    assert_true(v == -2);
    assert_int_equal(parse("+1", &v), 0);
    assert_true(v == 1);
    assert_int_equal(parse(".5", &v), 0);
    assert_true(v == 0.5);
    assert_int_equal(parse("5.", &v), 0);
    assert_true(v == 5);
    assert_int_equal(parse("1e-7", &v), 0);
    assert_true(v == 1e-7);
    assert_int_equal(parse("2E3", &v), 0);
    assert_true(v == 2000);
    assert_int_equal(parse("0.30000000000000004", &v), 0);
    assert_true(v == 0.1 + 0.2);
    /* Only s[0..n) is read: the rest of a CSV buffer is not part of the number. */
    assert_int_equal(lotk_parse_double("12,34", 2, &v), 0);
    assert_true(v == 12);
}

static void parse_rejects_everything_else(void **state)
{
    (void)state;
    static const char *const bad[] = {
        "", " ", "\t", "inf", "-inf", "INF", "infinity", "nan", "NaN", "0x1p3", "0x10", "1,5",
        "1.5.2", "--1", "+-1", "1e", "e5", ".", "-", "abc", "3a", "1 2", "1e999", "-1e999",
        "五", "１", NULL,
    };
    for (int i = 0; bad[i]; i++) {
        double v = 12345;
        if (parse(bad[i], &v) == 0)
            fail_msg("'%s' parsed as %.17g", bad[i], v);
        assert_true(v == 12345); /* *out untouched on failure */
    }
}

/* A host library or plugin runtime may call setlocale(LC_NUMERIC); util.h promises that
 * numbers still use '.' then. Skips when no comma-decimal locale is installed (the ctest
 * fixture builds one into LOCPATH). */
static bool try_comma_locale(void)
{
    static const char *const names[] = {"de_DE.UTF-8", "de_DE.utf8", "fr_FR.UTF-8", NULL};
    for (int i = 0; names[i]; i++)
        if (setlocale(LC_NUMERIC, names[i])) {
            if (strcmp(localeconv()->decimal_point, ",") == 0)
                return true;
            setlocale(LC_NUMERIC, "C");
        }
    return false;
}

static bool set_comma_locale(void)
{
    if (try_comma_locale())
        return true;
    const char *built = getenv("LOTK_TEST_LOCPATH");
    if (!built || !*built)
        return false;
    setenv("LOCPATH", built, 1);
    return try_comma_locale();
}

static void numbers_ignore_lc_numeric(void **state)
{
    (void)state;
    if (!set_comma_locale())
        skip();
    char out[32];
    double v = 0;
    int rc_parse = parse("72.5", &v);
    int rc_comma = parse("72,5", &v);
    lotk_fmt_double(out, 0.1);
    char out2[32];
    lotk_fmt_double(out2, 72.25);
    setlocale(LC_NUMERIC, "C");
    assert_string_equal(out, "0.1");
    assert_string_equal(out2, "72.25");
    assert_int_equal(rc_parse, 0);
    assert_true(v == 72.5);
    assert_int_not_equal(rc_comma, 0);
}

/* ---- buffers and the map --------------------------------------------------------- */

static void buf_appends(void **state)
{
    (void)state;
    struct lotk_buf b = {0};
    lotk_buf_puts(&b, "ab");
    lotk_buf_putc(&b, 'c');
    lotk_buf_printf(&b, "%d-%s", 42, "x");
    lotk_buf_append(&b, "yz\0w", 4);
    assert_int_equal(b.len, 11);
    assert_memory_equal(b.data, "abc42-xyz\0w", 11);
    lotk_buf_reset(&b);
    assert_int_equal(b.len, 0);
    assert_string_equal(b.data, "");
    for (int i = 0; i < 10000; i++)
        lotk_buf_printf(&b, "%04d", i);
    assert_int_equal(b.len, 40000);
    assert_memory_equal(b.data + 39996, "9999", 4);
    lotk_buf_free(&b);
    assert_null(b.data);
}

static void strmap_put_get(void **state)
{
    (void)state;
    struct lotk_strmap m = {0};
    assert_int_equal(lotk_strmap_get(&m, "x", 1), -1); /* empty map */
    assert_int_equal(lotk_strmap_put(&m, "同意", strlen("同意"), 4), 4);
    assert_int_equal(lotk_strmap_put(&m, "", 0, 7), 7);
    assert_int_equal(lotk_strmap_put(&m, "a\0b", 3, 9), 9);
    /* An existing key keeps its value. */
    assert_int_equal(lotk_strmap_put(&m, "同意", strlen("同意"), 5), 4);
    assert_int_equal(m.count, 3);
    assert_int_equal(lotk_strmap_get(&m, "同意", strlen("同意")), 4);
    assert_int_equal(lotk_strmap_get(&m, "", 0), 7);
    assert_int_equal(lotk_strmap_get(&m, "a\0b", 3), 9);
    assert_int_equal(lotk_strmap_get(&m, "a", 1), -1); /* by length, not NUL */
    assert_int_equal(lotk_strmap_get(&m, "a\0c", 3), -1);
    lotk_strmap_free(&m);
    assert_int_equal(lotk_strmap_get(&m, "", 0), -1);
}

static void strmap_grows(void **state)
{
    (void)state;
    struct lotk_strmap m = {0};
    char key[32];
    for (int i = 0; i < 50000; i++) {
        int n = snprintf(key, sizeof key, "R%05d", i);
        assert_int_equal(lotk_strmap_put(&m, key, (size_t)n, i), i);
    }
    assert_int_equal(m.count, 50000);
    assert_true(m.cap >= m.count);
    for (int i = 0; i < 50000; i++) {
        int n = snprintf(key, sizeof key, "R%05d", i);
        assert_int_equal(lotk_strmap_get(&m, key, (size_t)n), i);
    }
    assert_int_equal(lotk_strmap_get(&m, "R50000", 6), -1);
    lotk_strmap_free(&m);
}

/* ---- natural order and edit distance --------------------------------------------- */

static int sign(int x)
{
    return (x > 0) - (x < 0);
}

static void natural_order(void **state)
{
    (void)state;
    assert_int_equal(sign(lotk_natural_cmp("ORG2", "ORG10")), -1);
    assert_int_equal(sign(lotk_natural_cmp("ORG10", "ORG2")), 1);
    assert_int_equal(sign(lotk_natural_cmp("ORG-9", "ORG-10")), -1);
    assert_int_equal(sign(lotk_natural_cmp("a", "b")), -1);
    assert_int_equal(sign(lotk_natural_cmp("a", "a1")), -1);
    assert_int_equal(sign(lotk_natural_cmp("", "")), 0);
    assert_int_equal(sign(lotk_natural_cmp("", "a")), -1);
    assert_int_equal(sign(lotk_natural_cmp("x9y", "x9z")), -1);
    assert_int_equal(sign(lotk_natural_cmp("x2y10", "x2y9")), 1);
    assert_int_equal(sign(lotk_natural_cmp("ENT-001", "ENT-002")), -1);
    /* Digit runs longer than any integer type still compare as numbers. */
    assert_int_equal(sign(lotk_natural_cmp("n123456789012345678901234567890", "n99")), 1);
    assert_int_equal(sign(lotk_natural_cmp("n99999999999999999999", "n100000000000000000000")),
                     -1);
    /* Bytes above 0x7f sort after ASCII (unsigned comparison). */
    assert_int_equal(sign(lotk_natural_cmp("组织", "zz")), 1);
    assert_int_equal(sign(lotk_natural_cmp("A", "a")), -1);
}

/* Organizations are sorted with lotk_natural_cmp; two distinct ids that compare equal
 * ("O2" and "O02") leave their order to the order of the input rows. */
static void natural_order_is_total(void **state)
{
    (void)state;
    assert_int_not_equal(lotk_natural_cmp("O02", "O2"), 0);
    assert_int_equal(sign(lotk_natural_cmp("O02", "O2")), -sign(lotk_natural_cmp("O2", "O02")));
}

static void edit_distance(void **state)
{
    (void)state;
    assert_int_equal(lotk_edit_distance("", ""), 0);
    assert_int_equal(lotk_edit_distance("abc", ""), 3);
    assert_int_equal(lotk_edit_distance("", "abc"), 3);
    assert_int_equal(lotk_edit_distance("same", "same"), 0);
    assert_int_equal(lotk_edit_distance("kitten", "sitting"), 3);
    assert_int_equal(lotk_edit_distance("flaw", "lawn"), 2);
    assert_int_equal(lotk_edit_distance("weigth", "weight"), 2);
    assert_int_equal(lotk_edit_distance("weight", "weigth"), 2);
    assert_int_equal(lotk_edit_distance("respondent", "respondents"), 1);
    assert_int_equal(lotk_edit_distance("format", "fromat"), 2);
}

/* ---- files --------------------------------------------------------------------- */

static size_t count_entries(const char *dir)
{
    size_t n = 0;
    DIR *d = opendir(dir);
    assert_non_null(d);
    struct dirent *e;
    while ((e = readdir(d)))
        n += strcmp(e->d_name, ".") != 0 && strcmp(e->d_name, "..") != 0;
    closedir(d);
    return n;
}

static void atomic_write(void **state)
{
    (void)state;
    char *dir = tu_tempdir();
    char *path = lotk_xasprintf("%s/out.json", dir);
    struct lotk_err io = {0};
    assert_int_equal(lotk_file_write_atomic(path, "first\n", 6, &io), 0);
    size_t len;
    char *got = tu_slurp(path, &len);
    assert_non_null(got);
    assert_int_equal(len, 6);
    assert_string_equal(got, "first\n");
    free(got);
    /* Overwrites, with binary data, and leaves no temporary file behind. */
    assert_int_equal(lotk_file_write_atomic(path, "a\0b", 3, &io), 0);
    got = tu_slurp(path, &len);
    assert_int_equal(len, 3);
    assert_memory_equal(got, "a\0b", 3);
    free(got);
    assert_int_equal(count_entries(dir), 1);
    /* The usual permissions for a shared result file, not mkstemp's 0600. */
    mode_t mask = umask(022);
    assert_int_equal(lotk_file_write_atomic(path, "", 0, &io), 0);
    umask(mask);
    struct stat st;
    assert_int_equal(stat(path, &st), 0);
    assert_int_equal(st.st_mode & 0777, 0644);
    assert_int_equal(st.st_size, 0);
    free(path);
    tu_rmtree(dir);
}

static void atomic_write_failures(void **state)
{
    (void)state;
    char *dir = tu_tempdir();
    struct lotk_err io = {0};
    char *msg = io.msg;
    char *path = lotk_xasprintf("%s/no-such-dir/out.csv", dir);
    assert_int_equal(lotk_file_write_atomic(path, "x", 1, &io), LOTK_EIO);
    assert_non_null(strstr(msg, "no-such-dir"));
    free(path);
    /* A directory in the way: the rename fails and the temporary file is removed. */
    path = lotk_xasprintf("%s/sub", dir);
    assert_int_equal(mkdir(path, 0755), 0);
    msg[0] = '\0';
    assert_int_equal(lotk_file_write_atomic(path, "x", 1, &io), LOTK_EIO);
    assert_true(msg[0] != '\0');
    assert_int_equal(count_entries(dir), 1);
    rmdir(path);
    free(path);
    tu_rmtree(dir);
}

/* The streaming writer behind -o: nothing at the destination until commit, nothing left
 * behind by abort, devices written in place rather than replaced. */
static void output_commit_and_abort(void **state)
{
    (void)state;
    char *dir = tu_tempdir();
    char *path = lotk_xasprintf("%s/result.csv", dir);
    struct lotk_err io = {0};
    struct lotk_output o;
    assert_int_equal(lotk_output_open(&o, path, &io), 0);
    assert_int_equal(lotk_output_write(&o, "a,b\r\n", 5), 0);
    assert_int_equal(lotk_output_write(&o, "1,2\r\n", 5), 0);
    assert_null(tu_slurp(path, NULL)); /* readers never see half a result */
    assert_int_equal(lotk_output_commit(&o, &io), 0);
    size_t len;
    char *got = tu_slurp(path, &len);
    assert_non_null(got);
    assert_int_equal(len, 10);
    assert_memory_equal(got, "a,b\r\n1,2\r\n", 10);
    free(got);
    assert_int_equal(count_entries(dir), 1);
    /* A failed run leaves the earlier result alone. */
    assert_int_equal(lotk_output_open(&o, path, &io), 0);
    assert_int_equal(lotk_output_write(&o, "partial", 7), 0);
    lotk_output_abort(&o);
    got = tu_slurp(path, &len);
    assert_int_equal(len, 10);
    free(got);
    assert_int_equal(count_entries(dir), 1);
    /* /dev/null stays a device. */
    assert_int_equal(lotk_output_open(&o, "/dev/null", &io), 0);
    assert_int_equal(lotk_output_write(&o, "x", 1), 0);
    assert_int_equal(lotk_output_commit(&o, &io), 0);
    struct stat st;
    assert_int_equal(stat("/dev/null", &st), 0);
    assert_true(S_ISCHR(st.st_mode));
    free(path);
    tu_rmtree(dir);
}

static void read_file_limits(void **state)
{
    (void)state;
    char *dir = tu_tempdir();
    char *path = tu_write(dir, "f.txt", "0123456789", -1);
    char *data = NULL;
    struct lotk_err io = {0};
    char *msg = io.msg;
    size_t len = 0;
    assert_int_equal(lotk_file_read(path, 10, &data, &len, &io), 0);
    assert_int_equal(len, 10);
    assert_string_equal(data, "0123456789");
    free(data);
    data = NULL;
    assert_int_equal(lotk_file_read(path, 9, &data, &len, &io), LOTK_EIO);
    assert_null(data);
    assert_non_null(strstr(msg, "larger than 9 bytes"));
    char *missing = lotk_xasprintf("%s/missing", dir);
    assert_int_equal(lotk_file_read(missing, 100, &data, &len, &io), LOTK_EIO);
    assert_non_null(strstr(msg, "cannot open"));
    char *empty = tu_write(dir, "empty", "", 0);
    assert_int_equal(lotk_file_read(empty, 100, &data, &len, &io), 0);
    assert_int_equal(len, 0);
    assert_string_equal(data, "");
    free(data);
    free(empty);
    free(missing);
    free(path);
    tu_rmtree(dir);
}


/* A plain stable merge sort by value (-0 equal to 0): what lotk_sort_doubles must match. */
static void reference_sort(double *v, double *tmp, size_t n)
{
    if (n < 2)
        return;
    size_t h = n / 2;
    reference_sort(v, tmp, h);
    reference_sort(v + h, tmp, n - h);
    size_t i = 0, j = h, k = 0;
    while (i < h && j < n)
        tmp[k++] = v[j] < v[i] ? v[j++] : v[i++];
    while (i < h)
        tmp[k++] = v[i++];
    while (j < n)
        tmp[k++] = v[j++];
    memcpy(v, tmp, n * sizeof *v);
}

/* Every size around the insertion-sort cut, values that share their high bits (scores)
 * and values that do not, duplicates, both zeros: the same bits in the same places as the
 * stable reference, -0 and 0 in their first order. */
static void sort_doubles_matches_a_stable_sort(void **state)
{
    (void)state;
    static const size_t sizes[] = {0, 1, 2, 63, 64, 65, 1000, 40000};
    uint64_t x = 88172645463325252ull;
    for (size_t si = 0; si < sizeof sizes / sizeof *sizes; si++)
        for (int kind = 0; kind < 3; kind++) {
            size_t n = sizes[si];
            double *a = malloc((n + 1) * sizeof *a), *b = malloc((n + 1) * sizeof *b);
            double *tmp = malloc((n + 1) * sizeof *tmp);
            for (size_t i = 0; i < n; i++) {
                x ^= x << 13, x ^= x >> 7, x ^= x << 17;
                double v;
                if (kind == 0) /* scores: a few hundred distinct values in [0, 100] */
                    v = (double)(x % 400) / 4;
                else if (kind == 1) /* anything: signs, magnitudes, subnormals */
                    memcpy(&v, &x, sizeof v), v = v == v ? v : 1.5;
                else /* zeros of both signs among a few values */
                    v = (const double[]){0.0, -0.0, 1, -1, 0.5}[x % 5];
                a[i] = b[i] = v;
            }
            lotk_sort_doubles(a, n);
            reference_sort(b, tmp, n);
            assert_memory_equal(a, b, n * sizeof *a);
            free(a);
            free(b);
            free(tmp);
        }
}

int main(int argc, char **argv)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(has_byte_as_memchr),
        cmocka_unit_test(huge_tables_zeroed_and_whole),
        cmocka_unit_test(fmt_shortest_examples),
        cmocka_unit_test(fmt_whole_numbers_without_exponent),
        cmocka_unit_test(fmt_zero_nan_inf),
        cmocka_unit_test(fmt_round_trips_and_is_shortest),
        cmocka_unit_test(fmt_agrees_with_printf_on_random_doubles),
        cmocka_unit_test(fmt_agrees_with_printf_on_scores),
        cmocka_unit_test(fmt_agrees_with_printf_at_the_edges),
        cmocka_unit_test(parse_accepts_plain_decimals),
        cmocka_unit_test(parse_rejects_everything_else),
        cmocka_unit_test(buf_appends),
        cmocka_unit_test(strmap_put_get),
        cmocka_unit_test(strmap_grows),
        cmocka_unit_test(natural_order),
        cmocka_unit_test(edit_distance),
        cmocka_unit_test(atomic_write),
        cmocka_unit_test(atomic_write_failures),
        cmocka_unit_test(output_commit_and_abort),
        cmocka_unit_test(read_file_limits),
        cmocka_unit_test(sort_doubles_matches_a_stable_sort),
    };
    const struct CMUnitTest bugs[] = {
        cmocka_unit_test(numbers_ignore_lc_numeric),
        cmocka_unit_test(natural_order_is_total),
    };
    if (argc > 1 && strcmp(argv[1], "bugs") == 0)
        return cmocka_run_group_tests_name("util: known core bugs", bugs, NULL, NULL);
    return cmocka_run_group_tests_name("util", tests, NULL, NULL);
}
