/* test_rollup.c — a city standard's units (core/score/rollup.c, core/analysis/targets.c,
 * issue 13): the statistics, membership and member results rolled up into the statistic and
 * member leaves, the scorer scoring units without a survey, and the targets per group.
 * Every expected value is computed by hand in the comments. */
#include "testutil.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "analysis/targets.h"
#include "city_fixtures.h"
#include "input/members.h"
#include "input/membership.h"
#include "input/statistics.h"
#include "score/rollup.h"

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
    /* 8 rows: E1-E4 in U1 and E5 in U2 counted, E6 without a result, E7 without a unit,
     * E8's unit in no statistics; E9's result in no row. */
    assert_int_equal(ru->counts.rows, 8);
    assert_int_equal(ru->counts.counted, 5);
    assert_int_equal(ru->counts.no_result, 1);
    assert_int_equal(ru->counts.no_unit, 1);
    assert_int_equal(ru->counts.unknown_unit, 1);
    assert_int_equal(ru->counts.unlisted, 1);
    assert_int_equal(ru->counts.results, 7);

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

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(rolled_up_and_scored),
        cmocka_unit_test(members_by_standard),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
