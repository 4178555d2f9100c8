/* test_rollup.c — a city standard's units (issue 13): the statistics file (goalposts both
 * ways, clipping, blank and non-numeric cells), the membership file, member results
 * streamed from JSON (a refused version, a grade that is no band, a truncated file), the
 * rolled-up member shares and mean points, the scorer scoring units without a survey, and
 * the targets. Every expected value is computed by hand in the comments. */
#include "testutil.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "analysis/targets.h"
#include "input/members.h"
#include "input/membership.h"
#include "input/statistics.h"
#include "score/rollup.h"

static const char *const town =
    "format: lotk/1\n"
    "id: town\n"
    "version: '1'\n"
    "kind: city\n"
    "title: T\n"
    "survey: {org_column: unit_id}\n"
    "points: 100\n"
    "bands:\n"
    "  - {grade: good, min: 60}\n"
    "  - {grade: fail, min: 0}\n"
    "targets: {group_by: region, at_least: good, share: {east: 0.5, west: 1}}\n"
    "indicators:\n"
    "  - id: D\n"
    "    min_children: 0.25\n"
    "    indicators:\n"
    "      - {id: S1, source: statistic, statistic: {column: a, goalposts: [10, 50]}}\n"
    "      - {id: S2, source: statistic, statistic: {column: b, goalposts: [8, 2]}}\n"
    "      - id: M1\n"
    "        weight: 2\n"
    "        source: members\n"
    "        members: {kind: enterprise, at_least: pass}\n"
    "      - id: M2\n"
    "        source: members\n"
    "        members: {kind: enterprise, at_least: pass, measure: mean_points}\n";

/* Line 5: a blank cell (column 3) and one that is no number (column 4). */
static const char *const stats_csv = "unit_id,region,a,b\n"
                                     "U1,east,30,5\n"
                                     "U2,east,60,1\n"
                                     "U3,west,5,9\n"
                                     "U4,west,,x\n";

/* Braces and escaped quotes inside strings, nested nodes, a top-level array before the
 * organizations: the scanner must see through all of them. */
static const char *const results_json =
    "{\"lotk\": \"0.1.0\", \"note\": \"a \\\"}\\\" b {[\",\n"
    " \"standard\": {\"id\": \"ent\", \"version\": \"2\", \"kind\": \"enterprise\",\n"
    "   \"points\": 100, \"bands\": [{\"grade\": \"excellent\"}, {\"grade\": \"pass\"},\n"
    "   {\"grade\": \"fail\"}]},\n"
    " \"reliability\": [[1, 2], {\"x\": \"]\"}],\n"
    " \"organizations\": [\n"
    "  {\"id\": \"E1\", \"points\": 90, \"grade\": \"excellent\",\n"
    "   \"nodes\": {\"x\": [1, {\"b\": \"}\"}]}},\n"
    "  {\"id\": \"E2\", \"points\": 65, \"grade\": \"pass\"},\n"
    "  {\"id\": \"E3\", \"points\": 40, \"grade\": \"fail\"},\n"
    "  {\"id\": \"E4\", \"points\": 70, \"grade\": null},\n"
    "  {\"id\": \"E5\", \"points\": 80, \"grade\": \"pass\"},\n"
    "  {\"id\": \"E8\", \"points\": 80, \"grade\": \"pass\"},\n"
    "  {\"id\": \"E9\", \"points\": 80, \"grade\": \"pass\"}\n"
    " ]}\n";

/* E6 has no result, E7 no unit, E8 a unit that is in no statistics; E9 no row. */
static const char *const membership_csv = "org,unit\n"
                                          "E1,U1\nE2,U1\nE3,U1\nE4,U1\n"
                                          "E5,U2\nE6,U2\nE7,\nE8,U9\n";

/* Fails unless a warning containing needle was reported at line:column. */
static void expect_warning(const struct lotk_diags *d, long line, long column,
                           const char *needle)
{
    for (size_t i = 0; i < d->count; i++) {
        const struct lotk_err *e = &d->entries[i].err;
        if (d->entries[i].warning && strstr(e->msg, needle) && e->line == line &&
            e->column == column)
            return;
    }
    for (size_t i = 0; i < d->count; i++)
        fprintf(stderr, "  %ld:%ld %s\n", d->entries[i].err.line, d->entries[i].err.column,
                d->entries[i].err.msg);
    fail_msg("no warning at %ld:%ld containing \"%s\"", line, column, needle);
}

static int accept_all(const char *file, const char *id, const char *version,
                      struct lotk_err *err)
{
    (void)file, (void)id, (void)version, (void)err;
    return 0;
}

static void goalposts(void **state)
{
    (void)state;
    assert_close(lotk_statistic_norm(30, 10, 50), 0.5, 1e-15);  /* (30-10)/40 */
    assert_close(lotk_statistic_norm(5, 8, 2), 0.5, 1e-15);     /* (5-8)/(2-8): lower better */
    assert_close(lotk_statistic_norm(60, 10, 50), 1, 0);        /* 1.25 clipped */
    assert_close(lotk_statistic_norm(1, 8, 2), 1, 0);           /* 7/6 clipped */
    assert_close(lotk_statistic_norm(5, 10, 50), 0, 0);         /* -0.125 clipped */
    assert_close(lotk_statistic_norm(9, 8, 2), 0, 0);           /* -1/6 clipped */
    assert_close(lotk_statistic_norm(10, 10, 50), 0, 0);
    assert_close(lotk_statistic_norm(2, 8, 2), 1, 0);
    assert_nan(lotk_statistic_norm(NAN, 10, 50));
}

static void statistics_file(void **state)
{
    (void)state;
    struct lotk_standard *s = tu_load_ok(town);
    char *dir = tu_tempdir(), *path = tu_write(dir, "stats.csv", stats_csv, -1);
    struct lotk_diags w = {0};
    struct lotk_statistics *st = NULL;
    struct lotk_err err;
    assert_int_equal(lotk_statistics_read(s, path, NULL, &w, &st, &err), 0);
    assert_int_equal(st->nunits, 4);
    assert_int_equal(st->rows, 4);
    assert_int_equal(st->rejected_cells, 2);
    const struct lotk_stat_unit *u4 = lotk_statistics_find(st, "U4");
    assert_string_equal(u4->group, "west");
    assert_nan(u4->values[0]);
    assert_nan(u4->values[1]);
    assert_close(lotk_statistics_find(st, "U1")->values[1], 5, 0);
    expect_warning(&w, 5, 3, "a of U4 is blank");
    expect_warning(&w, 5, 4, "b of U4 is 'x', not a number");
    lotk_statistics_free(st);
    lotk_diags_free(&w);

    /* A column the standard needs, missing: named with the closest header. */
    char *bad = tu_write(dir, "bad.csv", "unit_id,region,aa,b\nU1,east,1,2\n", -1);
    assert_int_equal(lotk_statistics_read(s, bad, NULL, &w, &st, &err), LOTK_EIO);
    assert_null(st);
    assert_non_null(strstr(err.msg, "no column 'a' (the statistic of S1); did you mean 'aa'"));
    /* One row per unit. */
    char *twice = tu_write(dir, "twice.csv", "unit_id,region,a,b\nU1,east,1,2\nU1,west,1,2\n", -1);
    assert_int_equal(lotk_statistics_read(s, twice, NULL, &w, &st, &err), LOTK_EIO);
    assert_int_equal(err.line, 3);
    assert_non_null(strstr(err.msg, "unit 'U1' appears twice (first on line 2)"));
    lotk_diags_free(&w);
    free(bad);
    free(twice);
    free(path);
    tu_rmtree(dir);
    lotk_standard_free(s);
}

/* Everything read, rolled up and scored; the values against the hand computation. */
static void rolled_up_and_scored(void **state)
{
    (void)state;
    struct lotk_standard *s = tu_load_ok(town);
    char *dir = tu_tempdir();
    char *sp = tu_write(dir, "stats.csv", stats_csv, -1);
    char *mp = tu_write(dir, "membership.csv", membership_csv, -1);
    char *rp = tu_write(dir, "ent.json", results_json, -1);
    struct lotk_diags w = {0};
    struct lotk_statistics *st = NULL;
    struct lotk_membership *m = NULL;
    struct lotk_members_set ms = {0};
    struct lotk_rollup *ru = NULL;
    struct lotk_err err;
    assert_int_equal(lotk_statistics_read(s, sp, NULL, &w, &st, &err), 0);
    assert_int_equal(lotk_membership_read(mp, NULL, &w, &m, &err), 0);
    assert_int_equal(lotk_members_read(&ms, rp, accept_all, &err), 0);
    assert_int_equal(ms.norgs, 7);
    assert_int_equal(lotk_members_find(&ms, "E4")->band, -1);
    assert_int_equal(lotk_rollup_build(s, st, m, &ms, &w, &ru, &err), 0);
    expect_warning(&w, 8, 2, "member E7 has no unit");
    assert_true(tu_find_diag(&w, "1 member has no result in the --members files and is not "
                                 "counted: E6 (line 7)") >= 0);
    expect_warning(&w, 9, 2, "unit U9 of member E8 is in no statistics file");
    assert_true(tu_find_diag(&w, "1 member result is in no row of the membership file (E9)") >= 0);
    assert_int_equal(ru->members_counted, 5); /* E1-E4 in U1, E5 in U2 */

    struct lotk_scorer *sc = lotk_scorer_new(s, NULL, false);
    lotk_scorer_set_rollup(sc, ru);
    struct lotk_result *r = NULL;
    assert_int_equal(lotk_scorer_finish(sc, (struct lotk_survey_counts){0}, &r, &err), 0);
    lotk_scorer_free(sc);
    assert_int_equal(r->norgs, 4);
    int S1 = tu_node(s, "S1"), S2 = tu_node(s, "S2"), M1 = tu_node(s, "M1"), M2 = tu_node(s, "M2");
    const struct lotk_org_result *u1 = tu_org(r, "U1"), *u2 = tu_org(r, "U2");
    const struct lotk_org_result *u3 = tu_org(r, "U3"), *u4 = tu_org(r, "U4");
    /* U1: S1 (30-10)/40 = 0.5, S2 (5-8)/(2-8) = 0.5; M1: E1 excellent and E2 pass of 4
     * members = 0.5; M2: (0.90 + 0.65 + 0.40 + 0.70) / 4 = 0.6625. Weights 1, 1, 2, 1:
     * (0.5 + 0.5 + 2 × 0.5 + 0.6625) / 5 = 0.5325 → 53.25 points, fail. */
    assert_close(u1->mean[S1], 30, 0);
    assert_close(u1->norm[S2], 0.5, 1e-15);
    assert_close(u1->norm[M1], 0.5, 0);
    assert_int_equal(u1->n[M1], 4);
    assert_close(u1->norm[M2], 0.6625, 1e-15);
    assert_close(u1->points, 53.25, 1e-12);
    assert_string_equal(s->bands[u1->band].grade, "fail");
    assert_int_equal(u1->flags, 0); /* no survey items: min_respondents does not apply */
    /* U2: S1 and S2 clipped to 1; M1 1 of 1 (E6 has no result); M2 0.8:
     * (1 + 1 + 2 + 0.8) / 5 = 0.96 → 96, good. */
    assert_close(u2->norm[S1], 1, 0);
    assert_int_equal(u2->n[M1], 1);
    assert_close(u2->points, 96, 1e-12);
    assert_string_equal(s->bands[u2->band].grade, "good");
    /* U3: both statistics clipped to 0, no member: M1 and M2 without value (n 0); D on
     * its two statistic children (min_children 0.25 is met, so not incomplete): 0 points. */
    assert_nan(u3->norm[M1]);
    assert_int_equal(u3->n[M1], 0);
    assert_close(u3->points, 0, 0);
    assert_int_equal(u3->flags, 0);
    /* U4: nothing has a value: incomplete. */
    assert_nan(u4->points);
    assert_true(u4->flags & LOTK_FLAG_INCOMPLETE);
    assert_int_equal(u4->band, -1);

    /* east: U1 (53.25, 6.75 short) and U2 (good): 1 of 2 = 0.5, target 0.5: met. west: U3
     * (0, 60 short) and U4 (no total): 0 of 2, target 1: missed. */
    struct lotk_target_report *t = lotk_targets_compute(r, st);
    assert_int_equal(t->ngroups, 2);
    assert_string_equal(t->groups[0].group, "east");
    assert_int_equal(t->groups[0].units, 2);
    assert_int_equal(t->groups[0].meeting, 1);
    assert_close(t->groups[0].share, 0.5, 0);
    assert_true(t->groups[0].met);
    assert_int_equal(t->groups[0].nshorts, 1);
    assert_close(t->groups[0].shorts[0].gap, 6.75, 1e-12);
    assert_false(t->groups[1].met);
    assert_close(t->groups[1].share, 0, 0);
    assert_string_equal(t->groups[1].shorts[0].id, "U3");
    assert_close(t->groups[1].shorts[0].gap, 60, 0);
    assert_string_equal(t->groups[1].shorts[1].id, "U4");
    assert_nan(t->groups[1].shorts[1].gap);
    lotk_targets_free(t);

    lotk_result_free(r);
    lotk_rollup_free(ru);
    lotk_members_clear(&ms);
    lotk_membership_free(m);
    lotk_statistics_free(st);
    lotk_diags_free(&w);
    free(sp);
    free(mp);
    free(rp);
    tu_rmtree(dir);
    lotk_standard_free(s);
}

static void member_results_refused(void **state)
{
    (void)state;
    struct lotk_standard *s = tu_load_ok(town);
    char *dir = tu_tempdir();
    struct lotk_members_set ms = {0};
    struct lotk_err err;
    /* The standard on the search path is ent 1; the results are of ent 2. */
    char *std = tu_write(dir, "ent.yaml",
                         "format: lotk/1\nid: ent\nversion: '1'\nkind: enterprise\ntitle: E\n"
                         "scales: {s: {min: 1, max: 5}}\nsurvey: {org_column: org}\n"
                         "indicators: [{id: A, items: [{id: q, scale: s}]}]\n", -1);
    char *rp = tu_write(dir, "ent.json", results_json, -1);
    setenv("LOTK_STANDARD_PATH", dir, 1);
    assert_int_equal(lotk_members_read(&ms, rp, NULL, &err), LOTK_EIO);
    assert_non_null(strstr(err.msg, "member results of ent 2, an unknown version"));
    assert_non_null(strstr(err.msg, "is ent 1"));
    assert_int_equal(ms.norgs, 0);
    unsetenv("LOTK_STANDARD_PATH");
    assert_int_equal(lotk_members_read(&ms, rp, NULL, &err), LOTK_EIO);
    assert_non_null(strstr(err.msg, "member results of standard 'ent', which is not on the "
                                    "search path"));
    /* The same organizations twice. */
    assert_int_equal(lotk_members_read(&ms, rp, accept_all, &err), 0);
    assert_int_equal(lotk_members_read(&ms, rp, accept_all, &err), LOTK_EIO);
    assert_non_null(strstr(err.msg, "organization 'E1' is already a member"));
    assert_int_equal(err.line, 7);
    lotk_members_clear(&ms);
    /* A leaf's grade that the members' standard does not have. */
    char *other = tu_write(dir, "other.json",
                           "{\"standard\": {\"id\": \"x\", \"version\": \"1\", \"kind\": "
                           "\"enterprise\", \"points\": 10, \"bands\": [{\"grade\": \"top\"}]},"
                           " \"organizations\": [{\"id\": \"X1\", \"points\": 9, \"grade\": "
                           "\"top\"}]}", -1);
    struct lotk_rollup *ru = NULL;
    assert_int_equal(lotk_members_read(&ms, other, accept_all, &err), 0);
    assert_int_equal(lotk_rollup_build(s, NULL, NULL, &ms, NULL, &ru, &err), LOTK_EIO);
    assert_non_null(strstr(err.msg, "M1 counts members graded pass or better, but 'pass' is no "
                                    "grade of x 1"));
    lotk_members_clear(&ms);
    /* A grade that is no band, a file cut short. */
    char *nogr = tu_write(dir, "nogr.json",
                          "{\"standard\": {\"id\": \"x\", \"version\": \"1\", \"kind\": \"k\", "
                          "\"points\": 10, \"bands\": [{\"grade\": \"top\"}]},\n"
                          "\"organizations\": [{\"id\": \"X1\", \"points\": 9, \"grade\": "
                          "\"pass\"}]}", -1);
    assert_int_equal(lotk_members_read(&ms, nogr, accept_all, &err), LOTK_EIO);
    assert_non_null(strstr(err.msg, "X1's grade 'pass' is no band of its standard"));
    assert_int_equal(err.line, 2);
    char *cut = tu_write(dir, "cut.json", results_json, (long)strlen(results_json) - 10);
    lotk_members_clear(&ms);
    assert_int_equal(lotk_members_read(&ms, cut, accept_all, &err), LOTK_EIO);
    assert_non_null(strstr(err.msg, "ends before its JSON object does"));
    lotk_members_clear(&ms);
    free(std);
    free(rp);
    free(other);
    free(nogr);
    free(cut);
    tu_rmtree(dir);
    lotk_standard_free(s);
}

/* members: {standard: ID}: the members scored against that standard, whatever its kind. U1's
 * members E1-E4 are of ent: 2 of 4 pass or better = 0.5; of another standard, none. */
static void members_by_standard(void **state)
{
    (void)state;
    char yaml[2048];
    snprintf(yaml, sizeof yaml, "%s",
             "format: lotk/1\nid: t2\nversion: '1'\nkind: city\ntitle: T\n"
             "survey: {org_column: unit_id}\n"
             "indicators:\n"
             "  - {id: A, source: members, members: {standard: ent, at_least: pass}}\n"
             "  - {id: B, source: members, members: {standard: other, at_least: pass}}\n");
    struct lotk_standard *s = tu_load_ok(yaml);
    char *dir = tu_tempdir();
    char *mp = tu_write(dir, "membership.csv", membership_csv, -1);
    char *rp = tu_write(dir, "ent.json", results_json, -1);
    struct lotk_diags w = {0};
    struct lotk_membership *m = NULL;
    struct lotk_members_set ms = {0};
    struct lotk_rollup *ru = NULL;
    struct lotk_err err;
    assert_int_equal(lotk_membership_read(mp, NULL, &w, &m, &err), 0);
    assert_int_equal(lotk_members_read(&ms, rp, accept_all, &err), 0);
    assert_int_equal(lotk_rollup_build(s, NULL, m, &ms, &w, &ru, &err), 0);
    double mean = -1, norm = -1;
    long n = -1;
    /* Without statistics the units are those the membership names: U1, U2, U9. */
    assert_int_equal(ru->nunits, 3);
    lotk_rollup_leaf(ru, "U1", tu_node(s, "A"), &mean, &norm, &n);
    assert_close(norm, 0.5, 0);
    assert_int_equal(n, 4);
    lotk_rollup_leaf(ru, "U1", tu_node(s, "B"), &mean, &norm, &n);
    assert_nan(norm);
    assert_int_equal(n, 0);
    lotk_rollup_leaf(ru, "U9", tu_node(s, "A"), &mean, &norm, &n);
    assert_close(norm, 1, 0); /* E8, pass */
    lotk_rollup_free(ru);
    lotk_members_clear(&ms);
    lotk_membership_free(m);
    lotk_diags_free(&w);
    free(mp);
    free(rp);
    tu_rmtree(dir);
    lotk_standard_free(s);
}

static void membership_file(void **state)
{
    (void)state;
    char *dir = tu_tempdir();
    struct lotk_diags w = {0};
    struct lotk_membership *m = NULL;
    struct lotk_err err;
    char *twice = tu_write(dir, "m.csv", "unit,org\nU1,A\nU2,B\nU3,A\n", -1);
    assert_int_equal(lotk_membership_read(twice, NULL, &w, &m, &err), LOTK_EIO);
    assert_int_equal(err.line, 4);
    assert_non_null(strstr(err.msg, "member 'A' is listed twice (first on line 2)"));
    char *nocol = tu_write(dir, "n.csv", "member,unit\nA,U1\n", -1);
    assert_int_equal(lotk_membership_read(nocol, NULL, &w, &m, &err), LOTK_EIO);
    assert_non_null(strstr(err.msg, "no column 'org'"));
    char *ok = tu_write(dir, "ok.csv", "unit;org;note\nU1;A;x\n;B;y\n", -1);
    assert_int_equal(lotk_membership_read(ok, NULL, &w, &m, &err), 0);
    assert_int_equal(m->nrows, 2);
    assert_string_equal(lotk_membership_find(m, "A")->unit, "U1");
    assert_null(lotk_membership_find(m, "B")->unit);
    expect_warning(&w, 3, 1, "member B has no unit");
    lotk_membership_free(m);
    lotk_diags_free(&w);
    free(twice);
    free(nocol);
    free(ok);
    tu_rmtree(dir);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(goalposts),
        cmocka_unit_test(statistics_file),
        cmocka_unit_test(rolled_up_and_scored),
        cmocka_unit_test(member_results_refused),
        cmocka_unit_test(members_by_standard),
        cmocka_unit_test(membership_file),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
