/* test_rx.c — the PCRE2 wrapper: compile errors with their offsets, matches with capture
 * groups, UTF-8 patterns and subjects, and the limits that make a catastrophic pattern
 * fail quickly instead of hanging. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "base/err.h"
#include "standard/rx.h"

static struct lotk_rx *compile_ok(const char *pattern)
{
    struct lotk_rx *rx = NULL;
    struct lotk_err err = {0};
    size_t offset = 0;
    int rc = lotk_rx_compile(&rx, pattern, &offset, &err);
    if (rc != 0)
        fail_msg("'%s' did not compile: %s", pattern, err.msg);
    assert_non_null(rx);
    assert_string_equal(lotk_rx_pattern(rx), pattern);
    return rx;
}

static double seconds_since(const struct timespec *t0)
{
    struct timespec t1;
    clock_gettime(CLOCK_MONOTONIC, &t1);
    return (double)(t1.tv_sec - t0->tv_sec) + (double)(t1.tv_nsec - t0->tv_nsec) / 1e9;
}

/* The offset is 1-based and in bytes (standard/colspec.c turns it into a column); the
 * message names the pattern and PCRE2's 0-based offset. */
static void compile_errors_with_offsets(void **state)
{
    (void)state;
    static const struct {
        const char *pattern;
        size_t offset;
        const char *msg;
    } cases[] = {
        {"a(b", 4, "invalid regular expression 'a(b': missing closing parenthesis at offset 3"},
        {"ab[", 4,
         "invalid regular expression 'ab[': missing terminating ] for character class at "
         "offset 3"},
        {"x\\", 3, "invalid regular expression 'x\\': \\ at end of pattern at offset 2"},
        {"a{2,1}", 6,
         "invalid regular expression 'a{2,1}': numbers out of order in {} quantifier at "
         "offset 5"},
        /* é is two bytes: the offset counts bytes, not characters. */
        {"é(", 4, "invalid regular expression 'é(': missing closing parenthesis at offset 3"},
    };
    for (size_t i = 0; i < sizeof cases / sizeof *cases; i++) {
        struct lotk_rx *rx = (struct lotk_rx *)1;
        struct lotk_err err = {0};
        size_t offset = 0;
        assert_int_equal(lotk_rx_compile(&rx, cases[i].pattern, &offset, &err),
                         LOTK_ESTANDARD);
        assert_null(rx);
        assert_int_equal(err.code, LOTK_ESTANDARD);
        assert_string_equal(err.msg, cases[i].msg);
        if (offset != cases[i].offset)
            fail_msg("'%s': offset %zu, expected %zu", cases[i].pattern, offset,
                     cases[i].offset);
    }
    /* error_offset may be NULL. */
    struct lotk_rx *rx = NULL;
    struct lotk_err err = {0};
    assert_int_equal(lotk_rx_compile(&rx, "(", NULL, &err), LOTK_ESTANDARD);
    assert_null(rx);
}

static void match_with_groups(void **state)
{
    (void)state;
    struct lotk_rx *rx = compile_ok("^Q(\\d+)(?:_(\\d+))?$");
    struct lotk_err err = {0};
    long g[8];
    int n = -1;
    const char *s = "Q12_3";
    assert_int_equal(lotk_rx_match(rx, s, strlen(s), g, 4, &n, &err), 1);
    assert_int_equal(n, 3);
    assert_int_equal(g[0], 0); /* the whole match */
    assert_int_equal(g[1], 5);
    assert_int_equal(g[2], 1); /* "12" */
    assert_int_equal(g[3], 3);
    assert_int_equal(g[4], 4); /* "3" */
    assert_int_equal(g[5], 5);

    /* An unset group in the middle is -1, -1; groups after the last set one are not
     * counted. */
    lotk_rx_free(rx);
    rx = compile_ok("(a)|(b)|(c)");
    for (int i = 0; i < 8; i++)
        g[i] = 99;
    assert_int_equal(lotk_rx_match(rx, "xb", 2, g, 4, &n, &err), 1);
    assert_int_equal(n, 3);
    assert_int_equal(g[0], 1);
    assert_int_equal(g[1], 2);
    assert_int_equal(g[2], -1);
    assert_int_equal(g[3], -1);
    assert_int_equal(g[4], 1);
    assert_int_equal(g[5], 2);
    assert_int_equal(g[6], 99); /* beyond n: untouched */

    /* max_groups caps what is written. */
    g[2] = g[3] = 99;
    assert_int_equal(lotk_rx_match(rx, "xb", 2, g, 1, &n, &err), 1);
    assert_int_equal(n, 1);
    assert_int_equal(g[2], 99);

    /* No groups wanted, and none written. */
    n = -1;
    assert_int_equal(lotk_rx_match(rx, "c", 1, NULL, 0, &n, &err), 1);
    assert_int_equal(n, 0);
    assert_int_equal(lotk_rx_match(rx, "c", 1, NULL, 0, NULL, &err), 1);

    /* No match: 0, and no groups. */
    n = -1;
    assert_int_equal(lotk_rx_match(rx, "xyz", 3, g, 4, &n, &err), 0);
    assert_int_equal(n, 0);

    /* The subject is len bytes, not up to a NUL. */
    assert_int_equal(lotk_rx_match(rx, "xxa", 2, g, 4, &n, &err), 0);
    assert_int_equal(lotk_rx_match(rx, "xxa", 3, g, 4, &n, &err), 1);
    lotk_rx_free(rx);
}

static void utf8_patterns(void **state)
{
    (void)state;
    struct lotk_err err = {0};
    long g[4];
    int n;
    /* Offsets are in bytes: 第 is three. */
    struct lotk_rx *rx = compile_ok("^第(\\d+)题");
    const char *s = "第12题 你的年龄";
    assert_int_equal(lotk_rx_match(rx, s, strlen(s), g, 2, &n, &err), 1);
    assert_int_equal(n, 2);
    assert_int_equal(g[0], 0);
    assert_int_equal(g[1], 8);
    assert_int_equal(g[2], 3);
    assert_int_equal(g[3], 5);
    lotk_rx_free(rx);

    /* In UTF mode . is one character, however many bytes it takes. */
    rx = compile_ok("^.$");
    assert_int_equal(lotk_rx_match(rx, "题", strlen("题"), NULL, 0, NULL, &err), 1);
    assert_int_equal(lotk_rx_match(rx, "ab", 2, NULL, 0, NULL, &err), 0);
    /* An invalid subject is no error (PCRE2_MATCH_INVALID_UTF): it just does not match. */
    assert_int_equal(lotk_rx_match(rx, "\xff", 1, NULL, 0, NULL, &err), 0);
    lotk_rx_free(rx);

    /* A pattern that is not UTF-8 does not compile. */
    struct lotk_rx *bad = NULL;
    size_t offset = 0;
    assert_int_equal(lotk_rx_compile(&bad, "\xff", &offset, &err), LOTK_ESTANDARD);
    assert_null(bad);
    assert_non_null(strstr(err.msg, "UTF-8 error"));
    assert_int_equal(offset, 1);
}

/* (a+)+$ against n a's and a b backtracks about 2^n ways. At n = 21 PCRE2 needs a match
 * limit of about 5 million: more than lotk's, less than PCRE2's default of 10 million,
 * so this fails only when lotk's own limit is in force. At n = 40 no limit of any size
 * would let it finish; it must still return at once. */
static void match_limit_stops_a_catastrophic_pattern(void **state)
{
    (void)state;
    struct lotk_rx *rx = compile_ok("^(a+)+$");
    char s[64];
    long g[4];
    int n = -1;
    for (int len = 21; len <= 40; len += 19) {
        memset(s, 'a', (size_t)len);
        s[len] = 'b';
        struct lotk_err err = {0};
        struct timespec t0;
        clock_gettime(CLOCK_MONOTONIC, &t0);
        assert_int_equal(lotk_rx_match(rx, s, (size_t)len + 1, g, 2, &n, &err), LOTK_EUSAGE);
        double t = seconds_since(&t0);
        if (t > 2)
            fail_msg("%d a's took %.2f s to give up", len, t);
        assert_int_equal(err.code, LOTK_EUSAGE);
        assert_string_equal(err.msg, "regular expression '^(a+)+$': match limit exceeded");
        assert_int_equal(n, 0);
    }
    /* The same pattern on a subject it can settle without backtracking still matches. */
    struct lotk_err err = {0};
    memset(s, 'a', 30);
    assert_int_equal(lotk_rx_match(rx, s, 30, g, 2, &n, &err), 1);
    lotk_rx_free(rx);
}

/* ^(a)*$ nests one backtracking frame per a: 10,000 of them pass PCRE2's default depth
 * and heap limits but not lotk's depth limit. */
static void depth_limit_stops_deep_backtracking(void **state)
{
    (void)state;
    struct lotk_rx *rx = compile_ok("^(a)*$");
    enum { N = 10000 };
    char *s = malloc(N);
    assert_non_null(s);
    memset(s, 'a', N);
    struct lotk_err err = {0};
    struct timespec t0;
    clock_gettime(CLOCK_MONOTONIC, &t0);
    assert_int_equal(lotk_rx_match(rx, s, N, NULL, 0, NULL, &err), LOTK_EUSAGE);
    assert_true(seconds_since(&t0) < 2);
    assert_string_equal(err.msg, "regular expression '^(a)*$': matching depth limit exceeded");
    /* Short subjects are well within the limit. */
    assert_int_equal(lotk_rx_match(rx, s, 100, NULL, 0, NULL, &err), 1);
    free(s);
    lotk_rx_free(rx);
}

static void free_null(void **state)
{
    (void)state;
    lotk_rx_free(NULL);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(compile_errors_with_offsets),
        cmocka_unit_test(match_with_groups),
        cmocka_unit_test(utf8_patterns),
        cmocka_unit_test(match_limit_stops_a_catastrophic_pattern),
        cmocka_unit_test(depth_limit_stops_deep_backtracking),
        cmocka_unit_test(free_null),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
