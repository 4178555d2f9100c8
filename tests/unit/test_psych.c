/* test_psych.c — lotk's respondent values and organization means against R, on the
 * fixture in tests/fixtures/psych (computed once with psych::scoreItems(impute = "none")
 * and aggregate(mean); see its README.md). The whole library path: standard loader,
 * survey reader, scorer with respondents kept. */
#include "testutil.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/mem.h"
#include "base/num.h"

#ifndef LOTK_PSYCH_DIR
#error "LOTK_PSYCH_DIR must name tests/fixtures/psych"
#endif

/* R's rowMeans and mean accumulate in long double: compare relatively (README.md). */
static const double REL = 1e-12;

/* The fields of one line of an unquoted CSV, split in place. */
static size_t split(char *line, char **fields, size_t max)
{
    size_t n = 0;
    fields[n++] = line;
    for (char *p = line; *p && n < max; p++)
        if (*p == ',') {
            *p = '\0';
            fields[n++] = p + 1;
        }
    return n;
}

/* Reads an expected file into lines (the header is checked, then dropped). */
static char **read_lines(const char *name, const char *header, size_t *count)
{
    char *path = lotk_xasprintf("%s/%s", LOTK_PSYCH_DIR, name);
    char *data = tu_slurp(path, NULL);
    if (!data)
        fail_msg("cannot read %s", path);
    free(path);
    char **lines = NULL;
    size_t n = 0;
    char *save = NULL;
    for (char *l = strtok_r(data, "\r\n", &save); l; l = strtok_r(NULL, "\r\n", &save)) {
        lines = lotk_xrealloc(lines, (n + 1) * sizeof *lines);
        lines[n++] = lotk_xstrdup(l);
    }
    free(data);
    assert_true(n > 1);
    assert_string_equal(lines[0], header);
    free(lines[0]);
    memmove(lines, lines + 1, (n - 1) * sizeof *lines);
    *count = n - 1;
    return lines;
}

static void free_lines(char **lines, size_t n)
{
    for (size_t i = 0; i < n; i++)
        free(lines[i]);
    free(lines);
}

/* An expected number; empty means no value. */
static double expected(const char *field)
{
    if (!*field)
        return NAN;
    double v;
    if (lotk_parse_double(field, strlen(field), &v) != 0)
        fail_msg("bad number '%s' in an expected file", field);
    return v;
}

static void compare(double got, double want, const char *what, const char *who)
{
    if (!tu_close(got, want, REL))
        fail_msg("%s %s: lotk %.17g, R %.17g", who, what, got, want);
}

struct fixture {
    struct lotk_standard *s;
    struct lotk_result *r;
};

static int setup(void **state)
{
    struct fixture *f = lotk_xcalloc(1, sizeof *f);
    struct lotk_diags diags = {0};
    if (lotk_standard_load(LOTK_PSYCH_DIR "/standard.yaml", &f->s, &diags) != 0) {
        lotk_diags_print(&diags, stderr);
        return -1;
    }
    lotk_diags_free(&diags);
    struct lotk_scorer *sc = lotk_scorer_new(f->s, NULL, true);
    struct lotk_survey_sink sink = {.on_row = lotk_scorer_add, .row_ctx = sc};
    struct lotk_survey *sv = lotk_survey_new(f->s, &sink);
    struct lotk_err err;
    lotk_err_clear(&err);
    if (lotk_survey_read(sv, LOTK_PSYCH_DIR "/responses.csv", &err) != 0 ||
        lotk_scorer_finish(sc, lotk_survey_counts(sv), &f->r, &err) != 0) {
        lotk_err_print(&err, stderr);
        return -1;
    }
    lotk_survey_free(sv);
    lotk_scorer_free(sc);
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

static void every_row_scored(void **state)
{
    struct fixture *f = *state;
    assert_int_equal(f->r->counts.rows, 85);
    assert_int_equal(f->r->counts.scored, 85);
    assert_int_equal(f->r->counts.rejected, 0);
    assert_int_equal(f->r->nrespondents, 85);
    assert_int_equal(f->r->norgs, 5);
}

static void respondents_match_scoreitems(void **state)
{
    struct fixture *f = *state;
    const struct lotk_standard *s = f->s;
    const int node[3] = {tu_node(s, "A"), tu_node(s, "B"), tu_node(s, "C")};
    static const char *const names[3] = {"A", "B", "C"};
    size_t n;
    char **lines = read_lines("expected-respondents.csv", "resp,org,A,B,C", &n);
    assert_int_equal(n, f->r->nrespondents);
    size_t missing = 0;
    for (size_t i = 0; i < n; i++) {
        char *fields[5];
        assert_int_equal(split(lines[i], fields, 5), 5);
        const struct lotk_respondent *p = &f->r->respondents[i]; /* both in file order */
        assert_string_equal(p->id, fields[0]);
        assert_string_equal(f->r->orgs[p->org].id, fields[1]);
        for (int k = 0; k < 3; k++) {
            double want = expected(fields[2 + k]);
            missing += isnan(want);
            compare(p->values[node[k]], want, names[k], p->id);
        }
    }
    /* README.md: 3 answered nothing, 3 no A item, 2 no B item, 3 no C item. */
    assert_int_equal(missing, 3 * 3 + 3 + 2 + 3);
    free_lines(lines, n);
}

static void organizations_match_aggregate_mean(void **state)
{
    struct fixture *f = *state;
    const struct lotk_standard *s = f->s;
    const int node[3] = {tu_node(s, "A"), tu_node(s, "B"), tu_node(s, "C")};
    static const char *const names[3] = {"A", "B", "C"};
    size_t n;
    char **lines = read_lines("expected-orgs.csv", "org,A_mean,A_n,B_mean,B_n,C_mean,C_n", &n);
    assert_int_equal(n, f->r->norgs);
    for (size_t i = 0; i < n; i++) {
        char *fields[7];
        assert_int_equal(split(lines[i], fields, 7), 7);
        const struct lotk_org_result *o = tu_org(f->r, fields[0]);
        for (int k = 0; k < 3; k++) {
            compare(o->mean[node[k]], expected(fields[1 + 2 * k]), names[k], o->id);
            long want_n = strtol(fields[2 + 2 * k], NULL, 10);
            if (o->n[node[k]] != want_n)
                fail_msg("%s %s: n %ld, R %ld", o->id, names[k], o->n[node[k]], want_n);
            /* norm follows from the mean on the 1..5 scale. */
            compare(o->norm[node[k]], (o->mean[node[k]] - 1) / 4, "norm", o->id);
        }
    }
    /* Respondent counts per organization as the README gives them. */
    static const struct {
        const char *id;
        long n;
    } sizes[] = {{"O1", 12}, {"O2", 20}, {"O3", 7}, {"O4", 31}, {"O5", 15}};
    for (size_t i = 0; i < 5; i++)
        assert_int_equal(tu_org(f->r, sizes[i].id)->respondents, sizes[i].n);
    free_lines(lines, n);
}

/* The organization mean is the mean of respondents' values, so it can be recomputed from
 * the respondents lotk kept: the two paths through the scorer agree. */
static void organization_means_from_respondents(void **state)
{
    struct fixture *f = *state;
    const struct lotk_standard *s = f->s;
    for (size_t o = 0; o < f->r->norgs; o++)
        for (size_t leaf = 1; leaf < s->nnodes; leaf++) {
            if (s->nodes[leaf].nitems == 0)
                continue;
            double sum = 0;
            long n = 0;
            for (size_t i = 0; i < f->r->nrespondents; i++) {
                const struct lotk_respondent *p = &f->r->respondents[i];
                if ((size_t)p->org == o && !isnan(p->values[leaf])) {
                    sum += p->values[leaf];
                    n++;
                }
            }
            assert_int_equal(n, f->r->orgs[o].n[leaf]);
            compare(f->r->orgs[o].mean[leaf], sum / (double)n, s->nodes[leaf].id,
                    f->r->orgs[o].id);
        }
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(every_row_scored),
        cmocka_unit_test(respondents_match_scoreitems),
        cmocka_unit_test(organizations_match_aggregate_mean),
        cmocka_unit_test(organization_means_from_respondents),
    };
    return cmocka_run_group_tests_name("psych fixture", tests, setup, teardown);
}
