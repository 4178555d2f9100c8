/* test_report.c — the writers: JSON as DESIGN §7 (read back with jansson), CSV (read back
 * with libcsv: header, quoting, CRLF, --bom) and the table. */
#include "testutil.h"

#include <csv.h>
#include <jansson.h>
#include <stdlib.h>
#include <string.h>

#include "output/csv.h"
#include "output/json.h"
#include "output/table.h"
#include "base/mem.h"
#include "base/buf.h"
#include "base/num.h"
#include "base/csvw.h"

static const char std_yaml[] =
    "format: lotk/1\n"
    "id: rep\n"
    "version: \"2.1.0\"\n"
    "kind: enterprise\n"
    "title: {zh: 报告测试, en: Report test}\n"
    "scales: {s5: {min: 1, max: 5}}\n"
    "survey: {org_column: org, id_column: resp, min_respondents: 2}\n"
    "points: 100\n"
    "bands:\n"
    "  - {grade: good, min: 70, label: {zh: 良好}}\n"
    "  - {grade: fail, min: 0, label: {zh: 不合格}}\n"
    "indicators:\n"
    "  - id: D1\n"
    "    weight: 3\n"
    "    indicators:\n"
    "      - {id: D1.1, items: [{id: q1, scale: s5}, {id: q2, scale: s5, reverse: true}]}\n"
    "      - {id: D1.2, items: [{id: q3, scale: s5}]}\n"
    "  - {id: D2, items: [{id: q4, scale: s5}]}\n";

/* ORG2 < ORG10 in natural order; "ACME, Inc." and the quote need CSV quoting; Solo has too
 * few respondents; Gap never answers q4. */
static const char csv_in[] =
    "org,resp,q1,q2,q3,q4\n"
    "ORG10,R1,5,1,5,4\n"
    "\"ACME, Inc.\",R2,4,2,3,3\n"
    "ORG10,R3,4,2,4,5\n"
    "\"Say \"\"hi\"\"\",R4,3,3,3,3\n"
    "ORG2,R5,1,5,2,1\n"
    "\"ACME, Inc.\",R6,2,2,2,2\n"
    "\"Say \"\"hi\"\"\",R7,3,3,3,3\n"
    "ORG2,R8,2,4,1,2\n"
    "Gap,R9,5,5,5,\n"
    "Gap,R10,5,5,5,\n";

struct fixture {
    struct lotk_standard *s;
    struct lotk_result *r;
};

static int setup(void **state)
{
    struct fixture *f = lotk_xcalloc(1, sizeof *f);
    f->s = tu_load_ok(std_yaml);
    f->r = tu_score_csv(f->s, csv_in);
    f->r->counts.rows = 12; /* as if two rows had been rejected */
    f->r->counts.rejected = 2;
    *state = f;
    return 0;
}

static int teardown(void **state)
{
    struct fixture *f = *state;
    lotk_result_free(f->r);
    lotk_standard_free(f->s);
    free(f);
    return 0;
}

static json_t *json_of(const struct lotk_result *r, bool respondents, struct lotk_buf *text)
{
    struct lotk_result_table rt;
    lotk_result_table_init(&rt, r, NULL, NULL, 0);
    struct lotk_write_opts opts = {.respondents = respondents};
    lotk_write_json_result(&rt, &opts, text);
    lotk_result_table_clear(&rt);
    json_error_t jerr;
    json_t *root = json_loadb(text->data, text->len, 0, &jerr);
    if (!root)
        fail_msg("the JSON does not parse: %s at line %d: %s", jerr.text, jerr.line,
                 text->data);
    return root;
}

/* A JSON number or null compared with a result value (NaN = null), exactly. */
static void expect_number(const json_t *j, double want, const char *what)
{
    if (isnan(want)) {
        if (!json_is_null(j))
            fail_msg("%s: expected null", what);
        return;
    }
    if (!json_is_number(j))
        fail_msg("%s: expected a number", what);
    if (json_number_value(j) != want)
        fail_msg("%s: %.17g, expected %.17g", what, json_number_value(j), want);
}

static void json_shape(void **state)
{
    struct fixture *f = *state;
    const struct lotk_standard *s = f->s;
    struct lotk_buf text = {0};
    json_t *root = json_of(f->r, false, &text);
    assert_true(json_is_object(root));
    assert_string_equal(json_string_value(json_object_get(root, "lotk")), LOTK_VERSION);

    json_t *std = json_object_get(root, "standard");
    assert_string_equal(json_string_value(json_object_get(std, "id")), "rep");
    assert_string_equal(json_string_value(json_object_get(std, "version")), "2.1.0");
    const char *sha = json_string_value(json_object_get(std, "sha256"));
    assert_non_null(sha);
    assert_int_equal(strlen(sha), 64);
    assert_int_equal(strspn(sha, "0123456789abcdef"), 64);
    assert_string_equal(sha, s->sha256);

    json_t *input = json_object_get(root, "input");
    assert_true(json_is_integer(json_object_get(input, "rows")));
    assert_int_equal(json_integer_value(json_object_get(input, "rows")), 12);
    assert_int_equal(json_integer_value(json_object_get(input, "scored")), 10);
    assert_int_equal(json_integer_value(json_object_get(input, "rejected")), 2);

    /* Without --respondents there is no respondents array. */
    assert_null(json_object_get(root, "respondents"));

    json_t *orgs = json_object_get(root, "organizations");
    assert_true(json_is_array(orgs));
    assert_int_equal(json_array_size(orgs), f->r->norgs);
    static const char *const order[] = {"ACME, Inc.", "Gap", "ORG2", "ORG10", "Say \"hi\""};
    assert_int_equal(f->r->norgs, 5);
    for (size_t i = 0; i < 5; i++) {
        const struct lotk_org_result *o = &f->r->orgs[i];
        json_t *jo = json_array_get(orgs, i);
        assert_string_equal(json_string_value(json_object_get(jo, "id")), order[i]);
        assert_true(json_is_integer(json_object_get(jo, "respondents")));
        assert_int_equal(json_integer_value(json_object_get(jo, "respondents")), o->respondents);
        expect_number(json_object_get(jo, "points"), o->points, "points");
        json_t *grade = json_object_get(jo, "grade");
        if (o->band >= 0)
            assert_string_equal(json_string_value(grade), s->bands[o->band].grade);
        else
            assert_true(json_is_null(grade));
        /* Every node but the root, by id, with mean, norm and points; n on leaves. */
        json_t *nodes = json_object_get(jo, "nodes");
        assert_int_equal(json_object_size(nodes), s->nnodes - 1);
        assert_null(json_object_get(nodes, "total"));
        for (size_t n = 1; n < s->nnodes; n++) {
            json_t *jn = json_object_get(nodes, s->nodes[n].id);
            assert_non_null(jn);
            expect_number(json_object_get(jn, "mean"), o->mean[n], s->nodes[n].id);
            expect_number(json_object_get(jn, "norm"), o->norm[n], s->nodes[n].id);
            expect_number(json_object_get(jn, "points"), o->points_of[n], s->nodes[n].id);
            json_t *jcount = json_object_get(jn, "n");
            if (s->nodes[n].nitems > 0) {
                assert_true(json_is_integer(jcount));
                assert_int_equal(json_integer_value(jcount), o->n[n]);
            } else {
                assert_null(jcount);
                assert_true(json_is_null(json_object_get(jn, "mean")));
            }
        }
        json_t *flags = json_object_get(jo, "flags");
        assert_true(json_is_array(flags));
        size_t nflags = 0;
        for (unsigned b = 0; b < LOTK_FLAG_COUNT; b++)
            if (o->flags & (1u << b)) {
                assert_string_equal(json_string_value(json_array_get(flags, nflags)),
                                    lotk_flag_name(b));
                nflags++;
            }
        assert_int_equal(json_array_size(flags), nflags);
    }
    /* The cases the fixture was made for. */
    json_t *gap = json_array_get(orgs, 1);
    assert_true(json_is_null(json_object_get(gap, "points")));
    assert_true(json_is_null(json_object_get(gap, "grade")));
    assert_string_equal(json_string_value(json_array_get(json_object_get(gap, "flags"), 0)),
                        "incomplete");
    json_t *org2 = json_array_get(orgs, 2);
    /* ORG2: D1.1 (1 + 1, 2 + 2) / 2 → 1.5, D1.2 1.5, D2 1.5: norm 0.125 everywhere. */
    assert_true(json_real_value(json_object_get(org2, "points")) == 12.5);
    assert_string_equal(json_string_value(json_object_get(org2, "grade")), "fail");
    json_t *d11 = json_object_get(json_object_get(org2, "nodes"), "D1.1");
    assert_true(json_real_value(json_object_get(d11, "mean")) == 1.5);
    assert_true(json_real_value(json_object_get(d11, "norm")) == 0.125);
    assert_int_equal(json_integer_value(json_object_get(d11, "n")), 2);

    /* Key order as DESIGN §7 shows it, and a final newline. */
    const char *t = text.data;
    assert_true(strstr(t, "\"lotk\"") < strstr(t, "\"standard\""));
    assert_true(strstr(t, "\"standard\"") < strstr(t, "\"input\""));
    assert_true(strstr(t, "\"input\"") < strstr(t, "\"organizations\""));
    assert_true(strstr(t, "\"rows\"") < strstr(t, "\"scored\""));
    assert_true(strstr(t, "\"scored\"") < strstr(t, "\"rejected\""));
    assert_true(strstr(t, "\"mean\"") < strstr(t, "\"norm\""));
    assert_true(text.len > 2 && t[text.len - 1] == '\n' && t[text.len - 2] == '}');
    assert_null(strchr(t, '\r'));
    json_decref(root);
    lotk_buf_free(&text);
}

static void json_respondents(void **state)
{
    struct fixture *f = *state;
    const struct lotk_standard *s = f->s;
    struct lotk_buf text = {0};
    json_t *root = json_of(f->r, true, &text);
    json_t *resp = json_object_get(root, "respondents");
    assert_true(json_is_array(resp));
    assert_int_equal(json_array_size(resp), 10);
    for (size_t i = 0; i < 10; i++) {
        const struct lotk_respondent *p = &f->r->respondents[i];
        json_t *j = json_array_get(resp, i);
        assert_string_equal(json_string_value(json_object_get(j, "id")), p->id);
        assert_string_equal(json_string_value(json_object_get(j, "org")),
                            f->r->orgs[p->org].id);
        json_t *nodes = json_object_get(j, "nodes");
        assert_int_equal(json_object_size(nodes), s->nnodes - 1);
        for (size_t n = 1; n < s->nnodes; n++)
            expect_number(json_object_get(nodes, s->nodes[n].id), p->values[n],
                          s->nodes[n].id);
    }
    /* R1 (first in input): D1.1 = (5 + 6-1) / 2 = 5, D1.2 = 5, D2 = 4. */
    json_t *r1 = json_object_get(json_array_get(resp, 0), "nodes");
    assert_string_equal(json_string_value(json_object_get(json_array_get(resp, 0), "id")), "R1");
    assert_true(json_real_value(json_object_get(r1, "D1.1")) == 5);
    assert_true(json_real_value(json_object_get(r1, "D2")) == 4);
    assert_true(json_real_value(json_object_get(r1, "D1")) == 1);
    /* R9 has no D2 value: null, not 0. */
    json_t *r9 = json_object_get(json_array_get(resp, 8), "nodes");
    assert_true(json_is_null(json_object_get(r9, "D2")));
    json_decref(root);
    lotk_buf_free(&text);
}

/* Full precision: every number reads back as the same double. */
static void json_numbers_round_trip(void **state)
{
    struct fixture *f = *state;
    struct lotk_buf a = {0}, b = {0};
    json_t *root = json_of(f->r, false, &a);
    json_t *org10 = json_array_get(json_object_get(root, "organizations"), 3);
    assert_string_equal(json_string_value(json_object_get(org10, "id")), "ORG10");
    const struct lotk_org_result *o = tu_org(f->r, "ORG10");
    assert_true(json_real_value(json_object_get(org10, "points")) == o->points);
    json_decref(root);
    /* The same result gives the same bytes. */
    struct lotk_result_table rt;
    lotk_result_table_init(&rt, f->r, NULL, NULL, 0);
    struct lotk_write_opts opts = {0};
    lotk_write_json_result(&rt, &opts, &b);
    assert_int_equal(a.len, b.len);
    assert_memory_equal(a.data, b.data, a.len);
    lotk_buf_free(&a);
    lotk_buf_free(&b);
    lotk_result_table_clear(&rt);
}

/* ---- CSV ------------------------------------------------------------------------ */

struct table {
    char ***rows; /* rows of NUL-terminated fields */
    size_t *widths;
    size_t nrows;
    size_t field;
};

static void on_field(void *data, size_t len, void *ctx)
{
    struct table *t = ctx;
    if (t->field == 0) {
        t->rows = lotk_xrealloc(t->rows, (t->nrows + 1) * sizeof *t->rows);
        t->widths = lotk_xrealloc(t->widths, (t->nrows + 1) * sizeof *t->widths);
        t->rows[t->nrows] = NULL;
        t->widths[t->nrows] = 0;
        t->nrows++;
    }
    size_t r = t->nrows - 1;
    t->rows[r] = lotk_xrealloc(t->rows[r], (t->field + 1) * sizeof **t->rows);
    t->rows[r][t->field] = lotk_xstrndup(data ? data : "", len);
    t->widths[r] = ++t->field;
}

static void on_row(int c, void *ctx)
{
    (void)c;
    ((struct table *)ctx)->field = 0;
}

static struct table parse_csv(const char *data, size_t len)
{
    struct table t = {0};
    struct csv_parser p;
    assert_int_equal(csv_init(&p, CSV_STRICT | CSV_STRICT_FINI), 0);
    assert_int_equal(csv_parse(&p, data, len, on_field, on_row, &t), len);
    assert_int_equal(csv_fini(&p, on_field, on_row, &t), 0);
    csv_free(&p);
    return t;
}

static void free_table(struct table *t)
{
    for (size_t r = 0; r < t->nrows; r++) {
        for (size_t c = 0; c < t->widths[r]; c++)
            free(t->rows[r][c]);
        free(t->rows[r]);
    }
    free(t->rows);
    free(t->widths);
}

static void csv_rows(void **state)
{
    struct fixture *f = *state;
    const struct lotk_standard *s = f->s;
    struct lotk_buf out = {0};
    struct lotk_result_table rt;
    lotk_result_table_init(&rt, f->r, NULL, NULL, 0);
    struct lotk_write_opts opts = {0};
    lotk_write_csv_result(&rt, &opts, &out);
    assert_true(out.len > 3 && memcmp(out.data, "id,", 3) == 0); /* no BOM */
    /* CRLF after every row, including the last; no bare LF. */
    size_t crlf = 0;
    for (size_t i = 0; i < out.len; i++)
        if (out.data[i] == '\n') {
            assert_true(i > 0 && out.data[i - 1] == '\r');
            crlf++;
        }
    assert_int_equal(crlf, 1 + f->r->norgs);
    assert_true(out.data[out.len - 1] == '\n');

    struct table t = parse_csv(out.data, out.len);
    assert_int_equal(t.nrows, 1 + f->r->norgs);
    char **h = t.rows[0];
    size_t width = t.widths[0];
    /* id, respondents, points, grade, then flags (and maybe more), then each node's points
     * and mean in tree order. */
    assert_string_equal(h[0], "id");
    assert_string_equal(h[1], "respondents");
    assert_string_equal(h[2], "points");
    assert_string_equal(h[3], "grade");
    assert_string_equal(h[4], "flags");
    size_t first_node = width - 2 * (s->nnodes - 1);
    for (size_t n = 1; n < s->nnodes; n++) {
        char *p = lotk_xasprintf("%s.points", s->nodes[n].id);
        char *m = lotk_xasprintf("%s.mean", s->nodes[n].id);
        assert_string_equal(h[first_node + 2 * (n - 1)], p);
        assert_string_equal(h[first_node + 2 * (n - 1) + 1], m);
        free(p);
        free(m);
    }
    for (size_t r = 1; r < t.nrows; r++)
        assert_int_equal(t.widths[r], width);

    /* Organizations in natural order, ids quoted as needed and read back intact. */
    static const char *const order[] = {"ACME, Inc.", "Gap", "ORG2", "ORG10", "Say \"hi\""};
    for (size_t r = 1; r < t.nrows; r++)
        assert_string_equal(t.rows[r][0], order[r - 1]);
    assert_non_null(strstr(out.data, "\r\n\"ACME, Inc.\",2,"));
    assert_non_null(strstr(out.data, "\r\n\"Say \"\"hi\"\"\",2,"));

    /* ORG2 (row 3): 12.5 points, grade fail; numbers in shortest form. */
    char **org2 = t.rows[3];
    assert_string_equal(org2[1], "2");
    assert_string_equal(org2[2], "12.5");
    assert_string_equal(org2[3], "fail");
    assert_string_equal(org2[4], "");
    int d11 = tu_node(s, "D1.1"), d1 = tu_node(s, "D1");
    assert_string_equal(org2[first_node + 2 * (d11 - 1) + 1], "1.5");      /* D1.1.mean */
    assert_string_equal(org2[first_node + 2 * (d1 - 1) + 1], "");         /* D1 has no mean */
    /* Every number reads back as the result's double. */
    for (size_t r = 1; r < t.nrows; r++) {
        const struct lotk_org_result *o = &f->r->orgs[r - 1];
        double v;
        if (isnan(o->points))
            assert_string_equal(t.rows[r][2], "");
        else
            assert_true(lotk_parse_double(t.rows[r][2], strlen(t.rows[r][2]), &v) == 0 &&
                        v == o->points);
        for (size_t n = 1; n < s->nnodes; n++) {
            const char *cell = t.rows[r][first_node + 2 * (n - 1)];
            if (isnan(o->points_of[n]))
                assert_string_equal(cell, "");
            else
                assert_true(lotk_parse_double(cell, strlen(cell), &v) == 0 &&
                            v == o->points_of[n]);
        }
    }
    /* Gap: no points, no grade, flagged. */
    assert_string_equal(t.rows[2][2], "");
    assert_string_equal(t.rows[2][3], "");
    assert_string_equal(t.rows[2][4], "incomplete");
    free_table(&t);
    lotk_buf_free(&out);
    lotk_result_table_clear(&rt);
}

static void csv_bom(void **state)
{
    struct fixture *f = *state;
    struct lotk_buf plain = {0}, bom = {0};
    struct lotk_result_table rt;
    lotk_result_table_init(&rt, f->r, NULL, NULL, 0);
    struct lotk_write_opts opts = {0};
    lotk_write_csv_result(&rt, &opts, &plain);
    opts.bom = true;
    lotk_write_csv_result(&rt, &opts, &bom);
    assert_int_equal(bom.len, plain.len + 3);
    assert_memory_equal(bom.data, "\xEF\xBB\xBF", 3);
    assert_memory_equal(bom.data + 3, plain.data, plain.len);
    /* --bom is for CSV only. */
    struct lotk_buf json = {0};
    lotk_write_json_result(&rt, &opts, &json);
    assert_true(json.data[0] == '{');
    lotk_buf_free(&plain);
    lotk_buf_free(&bom);
    lotk_buf_free(&json);
    lotk_result_table_clear(&rt);
}

static void csv_field_quoting(void **state)
{
    (void)state;
    static const struct {
        const char *in, *out;
    } cases[] = {
        {"plain", "plain"},
        {"", ""},
        {"学习型企业", "学习型企业"},
        {"a,b", "\"a,b\""},
        {"say \"x\"", "\"say \"\"x\"\"\""},
        {"\"", "\"\"\"\""},
        {"line\nbreak", "\"line\nbreak\""},
        {"cr\r", "\"cr\r\""},
        {" spaced ", " spaced "},
    };
    for (size_t i = 0; i < sizeof cases / sizeof *cases; i++) {
        struct lotk_buf b = {0};
        lotk_buf_puts(&b, "");
        lotk_csvw_field(&b, cases[i].in);
        assert_string_equal(b.data, cases[i].out);
        lotk_buf_free(&b);
    }
}

/* ---- table --------------------------------------------------------------------- */

static void table_for_people(void **state)
{
    struct fixture *f = *state;
    struct lotk_buf out = {0};
    struct lotk_result_table rt;
    lotk_result_table_init(&rt, f->r, NULL, NULL, 0);
    struct lotk_write_opts opts = {.lang = "en"};
    lotk_write_table_result(&rt, &opts, &out);
    const char *t = out.data;
    static const char head[] = "rep 2.1.0  Report test\n"
                               "rows 12, scored 10, rejected 2; 5 organizations; points out "
                               "of 100\n\n";
    assert_true(strncmp(t, head, strlen(head)) == 0);
    assert_non_null(strstr(t, "organization  resp  points  grade       D1      D2  flags\n"));
    /* 3.125 is a tie: printf rounds it to even. The standard has no English band labels:
     * the Chinese ones stand in (two columns each character). */
    assert_non_null(strstr(t, "\nORG2             2   12.50  不合格    9.38    3.12\n"));
    assert_non_null(strstr(t, "\nGap              2       -  -        56.25       -  incomplete\n"));
    assert_non_null(strstr(t, "\ngrades: 良好 (>= 70), 不合格 (>= 0)\n"));
    /* The dimensions with their maximum points (ids stand in for missing titles). */
    assert_non_null(strstr(t, "\ndimensions:\n  D1         D1 (75)\n  D2         D2 (25)\n"));
    /* Organizations in natural order, no trailing blanks. */
    assert_true(strstr(t, "\nORG2 ") < strstr(t, "\nORG10 "));
    assert_null(strstr(t, " \n"));
    /* In Chinese: the title, the headings and the counts too, no English. */
    lotk_buf_reset(&out);
    opts.lang = "zh";
    lotk_write_table_result(&rt, &opts, &out);
    t = out.data;
    static const char head_zh[] = "rep 2.1.0  报告测试\n"
                                  "读取 12 行，计分 10 行，拒收 2 行；5 个组织；满分 100\n\n";
    assert_true(strncmp(t, head_zh, strlen(head_zh)) == 0);
    assert_non_null(strstr(t, "组织        答卷    得分  等级        D1      D2  提示\n"));
    assert_non_null(strstr(t, "\n等级：良好 (>= 70)、不合格 (>= 0)\n"));
    assert_null(strstr(t, "organization"));
    assert_null(strstr(t, "grades"));
    assert_null(strstr(t, "rows"));
    lotk_result_table_clear(&rt);
    lotk_buf_free(&out);
}

int main(void)
{
#define T(f) cmocka_unit_test_setup_teardown(f, setup, teardown)
    const struct CMUnitTest tests[] = {
        T(json_shape),
        T(json_respondents),
        T(json_numbers_round_trip),
        T(csv_rows),
        T(csv_bom),
        cmocka_unit_test(csv_field_quoting),
        T(table_for_people),
    };
#undef T
    return cmocka_run_group_tests_name("report", tests, NULL, NULL);
}
