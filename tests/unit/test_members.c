/* test_members.c — member organizations' results streamed from JSON and the membership
 * file (core/input/members.c, core/input/membership.c, issue 13): a version that is not the
 * one on the search path, an unknown standard, the same organizations twice, a grade that
 * is no band, a file cut short; the membership's columns, duplicates and rows without a
 * unit. */
#include "testutil.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "city_fixtures.h"
#include "input/members.h"
#include "input/membership.h"
#include "score/rollup.h"

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
        cmocka_unit_test(member_results_refused),
        cmocka_unit_test(membership_file),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
