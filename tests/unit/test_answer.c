/* test_answer.c — one answer decoded through its item's scale (issue 12): numbers, labels
 * and missing codes as declared, and as people type them — full-width digits, a unit, a
 * number with its label, a label with a full stop; what is still no answer on the scale
 * rejects the row, with the closest label only when the answer is text. */
#include "testutil.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/buf.h"

static const char std_yaml[] =
    "format: lotk/1\n"
    "id: an\n"
    "version: '1'\n"
    "kind: other\n"
    "title: T\n"
    "scales:\n"
    "  a5: {min: 1, max: 5, labels: {非常不同意: 1, 不同意: 2, 一般: 3, 同意: 4, 非常同意: 5},\n"
    "       missing: ['', '-2', '(跳过)', 不适用]}\n"
    "  n200: {min: 0, max: 200}\n"
    "survey: {org_column: org}\n"
    "indicators:\n"
    "  - id: A\n"
    "    items:\n"
    "      - {id: a, scale: a5}\n"
    "  - id: B\n"
    "    items:\n"
    "      - {id: n, scale: n200}\n";

static int setup(void **state)
{
    *state = tu_load_ok(std_yaml);
    return 0;
}

static int teardown(void **state)
{
    lotk_standard_free(*state);
    return 0;
}

/* Reads one row "O,<a>,<n>" and returns it; the caller frees r. */
static void read_one(const struct lotk_standard *s, const char *a, const char *n,
                     struct tu_read *r)
{
    struct lotk_buf csv = {0};
    lotk_buf_printf(&csv, "org,a,n\nO,\"%s\",\"%s\"\n", a, n);
    tu_read_csv(s, csv.data, -1, r);
    lotk_buf_free(&csv);
    assert_int_equal(r->rc, 0);
    assert_int_equal(r->counts.rows, 1);
}

static void typed_answers_read_as_meant(void **state)
{
    const struct lotk_standard *s = *state;
    static const struct {
        const char *a, *n;
        double va, vn; /* NaN: no answer */
    } cases[] = {
        {"\xEF\xBC\x95", "\xEF\xBC\x91\xEF\xBC\x92\xEF\xBC\x93", 5, 123}, /* ５, １２３ */
        {"5分", "12分", 5, 12},
        {"5 分", "\xEF\xBC\x91\xEF\xBC\x92分", 5, 12},
        {"4（同意）", "7(七)", 4, 7},
        {"4(同意)", "3.5", 4, 3.5},
        {"同意。", "0", 4, 0},
        {"非常同意！", "200", 5, 200},
        {"一般.", "\xEF\xBC\x93\xEF\xBC\x8E\xEF\xBC\x95", 3, 3.5}, /* ３．５ */
        {"\xE3\x80\x80同意 ", " 8 ", 4, 8},
        {"不适用。", "", NAN, NAN},
        {"（跳过）", "-2", NAN, NAN},
    };
    for (size_t k = 0; k < sizeof cases / sizeof cases[0]; k++) {
        struct tu_read r;
        read_one(s, cases[k].a, cases[k].n, &r);
        if (r.nrows != 1)
            fail_msg("'%s', '%s': rejected: %s", cases[k].a, cases[k].n,
                     r.nrejects ? r.rejects[0].reason : "?");
        double got[2] = {r.rows[0].answers[0], r.rows[0].answers[1]};
        double want[2] = {cases[k].va, cases[k].vn};
        for (int i = 0; i < 2; i++)
            if (isnan(want[i]) ? !isnan(got[i]) : got[i] != want[i])
                fail_msg("'%s', '%s': item %d read %g, expected %g", cases[k].a, cases[k].n,
                         i + 1, got[i], want[i]);
        tu_read_free(&r);
    }
}

static void still_no_answer(void **state)
{
    const struct lotk_standard *s = *state;
    static const struct {
        const char *a, *n, *reason, *absent; /* absent: must not be in the reason */
    } cases[] = {
        {"很同意", "1", "unknown answer '很同意'; the closest label of scale a5 is '同意'", NULL},
        {"7", "1", "answer 7 is outside the scale a5 [1, 5]", "closest"},
        {"\xEF\xBC\x97", "1", "answer \xEF\xBC\x97 is outside the scale a5 [1, 5]", "closest"},
        {"7分", "1", "answer 7分 is outside the scale a5 [1, 5]", "closest"},
        {"4（不同意）", "1", "answer '4（不同意）' says 4, but its label means 2 on scale a5",
         NULL},
        {"3-4", "1", "unknown answer '3-4' (scale a5 takes numbers in [1, 5] or one of its "
                     "labels)", "closest"},
        {"4分钟", "1", "unknown answer '4分钟' (scale a5", "closest"},
        {"1", "201分", "answer 201分 is outside the scale n200 [0, 200]", NULL},
        {"1", "很多", "unknown answer '很多' (scale n200 takes numbers in [0, 200])", NULL},
        {"同意。。x", "1", "unknown answer '同意。。x'", NULL},
    };
    for (size_t k = 0; k < sizeof cases / sizeof cases[0]; k++) {
        struct tu_read r;
        read_one(s, cases[k].a, cases[k].n, &r);
        if (r.nrejects != 1)
            fail_msg("'%s', '%s': not rejected", cases[k].a, cases[k].n);
        if (!strstr(r.rejects[0].reason, cases[k].reason))
            fail_msg("'%s', '%s': reason '%s' lacks '%s'", cases[k].a, cases[k].n,
                     r.rejects[0].reason, cases[k].reason);
        if (cases[k].absent && strstr(r.rejects[0].reason, cases[k].absent))
            fail_msg("'%s': reason '%s' has '%s'", cases[k].a, r.rejects[0].reason,
                     cases[k].absent);
        assert_int_equal(r.nrows, 0);
        tu_read_free(&r);
    }
}

/* The one-digit fast path and the general path agree on typed answers beside plain ones. */
static void fast_path_agrees(void **state)
{
    const struct lotk_standard *s = *state;
    static const char csv[] = "org,a,n\nO,5,1\nO,\xEF\xBC\x95,1分\nO,4（同意）,2\nO,同意。,9\n";
    struct tu_read slow, fast;
    tu_read_csv(s, csv, -1, &slow);
    tu_read_csv_fast(s, csv, -1, &fast);
    assert_int_equal(slow.nrows, 4);
    assert_int_equal(fast.nrows, 4);
    static const double want[4][2] = {{5, 1}, {5, 1}, {4, 2}, {4, 9}};
    for (size_t k = 0; k < 4; k++)
        for (int i = 0; i < 2; i++) {
            assert_true(slow.rows[k].answers[i] == want[k][i]);
            assert_true(fast.rows[k].answers[i] == want[k][i]);
        }
    tu_read_free(&slow);
    tu_read_free(&fast);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(typed_answers_read_as_meant),
        cmocka_unit_test(still_no_answer),
        cmocka_unit_test(fast_path_agrees),
    };
    return cmocka_run_group_tests_name("answer", tests, setup, teardown);
}
