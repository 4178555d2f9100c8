/* test_summary.c — the batch summary (core/analysis/summary.c) and the result table's
 * --org selection (core/analysis/result_table.c): medians, grade counts and ranks checked
 * against values worked out by hand from the answers below, never against lotk's output. */
#include "testutil.h"

#include <string.h>

#include "analysis/result_table.h"
#include "analysis/summary.h"

/* One leaf of one item on 1..5 (norm = (x − 1) / 4), 100 points, min_respondents 2. */
static const char std_yaml[] =
    "format: lotk/1\n"
    "id: sum\n"
    "version: \"1\"\n"
    "kind: other\n"
    "title: {en: Summary test}\n"
    "scales: {s5: {min: 1, max: 5}}\n"
    "survey: {org_column: org, min_respondents: 2}\n"
    "points: 100\n"
    "bands:\n"
    "  - {grade: good, min: 60}\n"
    "  - {grade: fail, min: 0}\n"
    "indicators:\n"
    "  - {id: A, items: [{id: q, scale: s5}]}\n";

/* Totals: O1 (5,5) 100, O2 (4,4) 75, O3 (4,4) 75, O4 (1,3) 25, Solo (5) 100 but one
 * respondent: few_respondents, so no grade, no rank and not in the medians. */
static const char csv_in[] = "org,q\nO1,5\nO1,5\nO2,4\nO2,4\nO3,4\nO3,4\nO4,1\nO4,3\nSolo,5\n";

static int find(const struct lotk_result *r, const char *id)
{
    for (size_t k = 0; k < r->norgs; k++)
        if (strcmp(r->orgs[k].id, id) == 0)
            return (int)k;
    fail_msg("no organization %s", id);
    return -1;
}

static void medians_grades_and_ranks(void **state)
{
    (void)state;
    struct lotk_standard *s = tu_load_ok(std_yaml);
    struct lotk_result *r = tu_score_csv(s, csv_in);
    struct lotk_summary *sm = lotk_summary_new(r);
    assert_int_equal(sm->organizations, 5);
    assert_int_equal(sm->ranked, 4);
    assert_int_equal(sm->grades[0], 3); /* good: O1, O2, O3 */
    assert_int_equal(sm->grades[1], 1); /* fail: O4 */
    assert_int_equal(sm->ungraded, 1);  /* Solo */
    /* Median of 100, 75, 75, 25: the mean of the two middle values. */
    assert_true(sm->median_points == 75);
    int a = lotk_standard_find_node(s, "A");
    assert_true(sm->median_norm[a] == 0.75);       /* norms 1, .75, .75, .25 */
    assert_true(sm->median_points_of[a] == 75);
    /* Highest first; equal totals share the better rank (1, 2, 2, 4). */
    assert_int_equal(sm->rank[find(r, "O1")], 1);
    assert_int_equal(sm->rank[find(r, "O2")], 2);
    assert_int_equal(sm->rank[find(r, "O3")], 2);
    assert_int_equal(sm->rank[find(r, "O4")], 4);
    assert_int_equal(sm->rank[find(r, "Solo")], 0);
    lotk_summary_free(sm);
    lotk_result_free(r);
    lotk_standard_free(s);
}

static void selection_keeps_result_order(void **state)
{
    (void)state;
    struct lotk_standard *s = tu_load_ok(std_yaml);
    struct lotk_result *r = tu_score_csv(s, csv_in);
    struct lotk_result_table t;
    lotk_result_table_init(&t, r, NULL, NULL, LOTK_TABLE_SUMMARY);
    assert_int_equal(t.nshown, 5);
    assert_false(t.selected);
    struct lotk_err err;
    lotk_err_clear(&err);
    const char *ids[] = {"O4", "O1", "O4"};
    assert_int_equal(lotk_result_table_select(&t, ids, 3, &err), 0);
    assert_true(t.selected);
    assert_int_equal(t.nshown, 2);
    assert_string_equal(r->orgs[t.shown[0]].id, "O1");
    assert_string_equal(r->orgs[t.shown[1]].id, "O4");
    /* Ranks stay the batch's. */
    assert_int_equal(t.summary->rank[t.shown[1]], 4);
    const char *bad[] = {"O5"};
    assert_int_equal(lotk_result_table_select(&t, bad, 1, &err), LOTK_EUSAGE);
    assert_non_null(strstr(err.msg, "no organization 'O5'"));
    assert_non_null(strstr(err.msg, "closest: "));
    lotk_result_table_clear(&t);
    lotk_result_free(r);
    lotk_standard_free(s);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(medians_grades_and_ranks),
        cmocka_unit_test(selection_keeps_result_order),
    };
    return cmocka_run_group_tests_name("summary", tests, NULL, NULL);
}
