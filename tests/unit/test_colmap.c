/* test_colmap.c — a survey header mapped to the standard (issue 12): items, the organization
 * and the respondent id found by their column spec, their id or their question text as the
 * platforms head it; every problem of a header reported in one run, each with the closest
 * headers nothing else reads. */
#include "testutil.h"

#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "base/buf.h"
#include "base/mem.h"

/* The enterprise survey as the issue tried it: texts in Chinese and English, one item named
 * by a pattern, the organization question declared. */
static const char std_yaml[] =
    "format: lotk/1\n"
    "id: cm\n"
    "version: '1'\n"
    "kind: other\n"
    "title: T\n"
    "scales:\n"
    "  a5: {min: 1, max: 5, labels: {非常不同意: 1, 不同意: 2, 一般: 3, 同意: 4, 非常同意: 5}}\n"
    "survey:\n"
    "  org_column: {name: org_id, text: {zh: 您所在的单位, en: Your organization},\n"
    "               match: '^(\\d+[、.]\\s*)?(您)?(所在)?(的)?单位(名称)?$'}\n"
    "  id_column: {name: resp_id, match: '^(序号|编号)$'}\n"
    "indicators:\n"
    "  - id: A\n"
    "    items:\n"
    "      - {id: q01, scale: a5, text: {zh: 公司有成文的职工教育培训制度, en: Training is written down}}\n"
    "      - {id: q02, scale: a5, text: {zh: 我能从同事那里学到东西，并用于工作, en: I learn from colleagues}}\n"
    "      - {id: q03, scale: a5, column: {match: '^5、'}, text: {zh: 领导带头学习}}\n";

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

static void expect_row(const struct tu_read *r, size_t k, const char *org, const char *resp,
                       double a1, double a2, double a3)
{
    const double want[3] = {a1, a2, a3};
    if (k >= r->nrows)
        fail_msg("row %zu not read (%zu rows, rc %d: %s)", k, r->nrows, r->rc, r->err.msg);
    assert_string_equal(r->rows[k].org, org);
    assert_string_equal(r->rows[k].resp, resp);
    for (int i = 0; i < 3; i++)
        if (r->rows[k].answers[i] != want[i])
            fail_msg("row %zu item %d: %g, expected %g", k, i + 1, r->rows[k].answers[i],
                     want[i]);
}

/* 问卷星: numbered questions, the organization question, a scale hint in full-width
 * parentheses after one stem; the pattern item is question 5. */
static void wjx_text_headers(void **state)
{
    const struct lotk_standard *s = *state;
    struct tu_read r;
    tu_read_csv(s,
                "序号,所用时间,1、您所在的单位,2、您的性别,"
                "3、公司有成文的职工教育培训制度（非常不同意…非常同意）,"
                "4、我能从同事那里学到东西，并用于工作,5、领导带头学习（非常不同意…非常同意）\n"
                "1,120秒,甲公司,男,同意,4,非常同意\n",
                -1, &r);
    assert_int_equal(r.rc, 0);
    expect_row(&r, 0, "甲公司", "1", 4, 4, 5);
    tu_read_free(&r);
}

/* 腾讯问卷: bare stems with ASCII punctuation for full-width, stray blanks and U+3000,
 * 编号 as the response number, the organization as `您所在单位名称` or `单位`; an English
 * text names a header as well. */
static void tencent_headers_and_english(void **state)
{
    const struct lotk_standard *s = *state;
    static const char *const orgs[] = {"您所在单位名称", "单位", "Your organization",
                                       "org_id"};
    for (size_t k = 0; k < sizeof orgs / sizeof orgs[0]; k++) {
        char csv[512];
        snprintf(csv, sizeof csv,
                 "编号,%s, 公司有成文的职工教育培训制度\xE3\x80\x80,"
                 "\"I learn from colleagues  \",5.领导带头学习\n"
                 "7,乙,2,3,1\n", orgs[k]);
        struct tu_read r;
        tu_read_csv(s, csv, -1, &r);
        if (r.rc != 0)
            fail_msg("organization header '%s': %s", orgs[k], r.err.msg);
        expect_row(&r, 0, "乙", "7", 2, 3, 1);
        tu_read_free(&r);
    }
}

/* An explicit column wins over the text, and an item's id names a header too. */
static void spec_before_text(void **state)
{
    (void)state;
    struct lotk_standard *s = tu_load_ok(
        "format: lotk/1\nid: n\nversion: '1'\nkind: other\ntitle: T\n"
        "scales: {s: {min: 0, max: 9}}\nsurvey: {org_column: org}\n"
        "indicators: [{id: A, items: [{id: x, scale: s, column: X1, text: 题干},"
        " {id: y, scale: s, column: {match: '^9、'}, text: 另一题}]}]\n");
    struct tu_read r;
    tu_read_csv(s, "org,题干,X1,y\nO,1,2,3\n", -1, &r);
    assert_int_equal(r.rc, 0);
    assert_true(r.rows[0].answers[0] == 2); /* X1, not the header that reads its text */
    assert_true(r.rows[0].answers[1] == 3); /* by its id */
    tu_read_free(&r);
    lotk_standard_free(s);
}

/* Runs a read with stderr captured into *text (the caller frees it). */
static void read_capturing(const struct lotk_standard *s, const char *csv, struct tu_read *r,
                           char **text)
{
    char path[] = "/tmp/lotk-colmap-XXXXXX";
    int fd = mkstemp(path);
    assert_true(fd >= 0);
    fflush(stderr);
    int saved = dup(STDERR_FILENO);
    dup2(fd, STDERR_FILENO);
    tu_read_csv(s, csv, -1, r);
    fflush(stderr);
    dup2(saved, STDERR_FILENO);
    close(saved);
    off_t n = lseek(fd, 0, SEEK_END);
    *text = lotk_xcalloc((size_t)n + 1, 1);
    assert_int_equal(pread(fd, *text, (size_t)n, 0), n);
    close(fd);
    unlink(path);
}

/* Every item without a column in one run, each with the closest headers that nothing else
 * reads (ranked by its text as well), and a summary as the error. */
static void every_problem_in_one_run(void **state)
{
    const struct lotk_standard *s = *state;
    struct tu_read r;
    char *text;
    read_capturing(s,
                   "序号,1、您所在的单位,2、公司有成文的职工教育制度,3、我能从同事那里学到东西,"
                   "4、领导带头学习吗\n1,甲,1,2,3\n",
                   &r, &text);
    assert_int_equal(r.rc, LOTK_EIO);
    assert_int_equal(r.counts.rows, 0);
    if (!strstr(r.err.msg, "3 problems"))
        fail_msg("%s\n%s", r.err.msg, text);
    static const char *const needles[] = {
        "item q01: no column 'q01' (",
        "and no header reads its text '公司有成文的职工教育培训制度'; closest headers: "
        "'2、公司有成文的职工教育制度'",
        "item q02: no column 'q02'", "its text '我能从同事那里学到东西，并用于工作'",
        "closest headers: '3、我能从同事那里学到东西'",
        "item q03: no header matching /^5、/", "and no header reads its text '领导带头学习'",
        "closest headers: '4、领导带头学习吗'",
    };
    for (size_t k = 0; k < sizeof needles / sizeof needles[0]; k++)
        if (!strstr(text, needles[k]))
            fail_msg("stderr lacks '%s':\n%s", needles[k], text);
    /* Headers other needs took are no candidates. */
    assert_null(strstr(text, "closest headers: '序号'"));
    assert_null(strstr(text, "'1、您所在的单位'"));
    free(text);
    tu_read_free(&r);
}

/* A text that fits two headers, and a column that is the organization's. */
static void ambiguity_and_claims(void **state)
{
    const struct lotk_standard *s = *state;
    struct tu_read r;
    tu_read_csv(s,
                "序号,单位,3、公司有成文的职工教育培训制度,9、公司有成文的职工教育培训制度,"
                "I learn from colleagues,5、x\n",
                -1, &r);
    assert_int_equal(r.rc, LOTK_EIO);
    assert_non_null(strstr(r.err.msg, "item q01: its text '公司有成文的职工教育培训制度'"));
    assert_non_null(strstr(r.err.msg, "fits 2 headers: '3、公司有成文的职工教育培训制度' "
                                      "(column 3), '9、公司有成文的职工教育培训制度' (column 4)"));
    assert_non_null(strstr(r.err.msg, "give it a column: that names exactly one"));
    tu_read_free(&r);

    struct lotk_standard *s2 = tu_load_ok(
        "format: lotk/1\nid: n\nversion: '1'\nkind: other\ntitle: T\n"
        "scales: {s: {min: 0, max: 9}}\nsurvey: {org_column: org}\n"
        "indicators: [{id: A, items: [{id: x, scale: s}, {id: z, scale: s, column: org}]}]\n");
    tu_read_csv(s2, "org,x\n", -1, &r);
    assert_int_equal(r.rc, LOTK_EIO);
    assert_non_null(strstr(r.err.msg, "item z: column 1 (org) is the organization column"));
    tu_read_free(&r);
    lotk_standard_free(s2);
}

/* The organization column when nothing names it: its spec, its text, and what is left. */
static void organization_missing(void **state)
{
    const struct lotk_standard *s = *state;
    struct tu_read r;
    tu_read_csv(s,
                "序号,您工作的企业,公司有成文的职工教育培训制度,I learn from colleagues,"
                "5、领导带头学习\n",
                -1, &r);
    assert_int_equal(r.rc, LOTK_EIO);
    assert_non_null(strstr(r.err.msg, "the organization id (survey.org_column): no column "
                                      "'org_id' ("));
    assert_non_null(strstr(r.err.msg, "and no header reads its text '您所在的单位'; closest "
                                      "headers: '您工作的企业'"));
    tu_read_free(&r);
}

/* survey.org_column and id_column take name, text, match and question; an item's column:
 * does not take text (the item has its own). */
static void loader_column_specs(void **state)
{
    (void)state;
    static const char head[] = "format: lotk/1\nid: n\nversion: '1'\nkind: other\ntitle: T\n"
                               "scales: {s: {min: 0, max: 9}}\n";
    static const struct {
        const char *rest, *error; /* NULL: loads */
    } cases[] = {
        {"survey: {org_column: {text: 单位}}\nindicators: [{id: A, items: [{id: x, scale: s}]}]\n",
         NULL},
        {"survey: {org_column: {name: o, question: 1}}\n"
         "indicators: [{id: A, items: [{id: x, scale: s}]}]\n", NULL},
        {"survey: {org_column: {}}\nindicators: [{id: A, items: [{id: x, scale: s}]}]\n",
         "org_column: expected name, text, match or question"},
        {"survey: {org_column: {nmae: o}}\nindicators: [{id: A, items: [{id: x, scale: s}]}]\n",
         "nmae"},
        {"survey: {org_column: o, id_column: [a]}\n"
         "indicators: [{id: A, items: [{id: x, scale: s}]}]\n",
         "id_column: expected a header or {name, text, match, question}"},
        {"survey: {org_column: o}\n"
         "indicators: [{id: A, items: [{id: x, scale: s, column: {text: 题干}}]}]\n", "text"},
    };
    for (size_t k = 0; k < sizeof cases / sizeof cases[0]; k++) {
        struct lotk_buf y = {0};
        lotk_buf_printf(&y, "%s%s", head, cases[k].rest);
        struct lotk_diags d = {0};
        struct lotk_standard *s = tu_load(y.data, &d);
        if (!cases[k].error) {
            if (!s || d.errors)
                fail_msg("case %zu does not load: %s", k,
                         d.count ? d.entries[0].err.msg : "?");
            if (k == 0)
                assert_string_equal(s->org_column, "单位");
        } else {
            assert_null(s);
            if (tu_find_diag(&d, cases[k].error) < 0)
                fail_msg("case %zu: no error with '%s' (first: %s)", k, cases[k].error,
                         d.count ? d.entries[0].err.msg : "none");
        }
        lotk_standard_free(s);
        lotk_diags_free(&d);
        lotk_buf_free(&y);
    }
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(wjx_text_headers),
        cmocka_unit_test(tencent_headers_and_english),
        cmocka_unit_test(spec_before_text),
        cmocka_unit_test(every_problem_in_one_run),
        cmocka_unit_test(ambiguity_and_claims),
        cmocka_unit_test(organization_missing),
        cmocka_unit_test(loader_column_specs),
    };
    return cmocka_run_group_tests_name("colmap", tests, setup, teardown);
}
