/* test_compare.c — change between rounds (core/compare.c): the reliable change index, the
 * org_reliability block it rests on, and matching organizations and nodes across rounds
 * and standard versions. */
#include "testutil.h"

#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "analysis/compare.h"
#include "output/json.h"
#include "base/mem.h"
#include "base/buf.h"

/* RCI = (new − old) / (√2·SD·√(1 − r)), worked by hand:
 *   old .60, new .70, SD .10, r .80: SE_diff = 1.41421356·.1·.44721360 = .063245553,
 *   RCI = .1/.063245553 = 1.5811388 (= √2.5). */
static void rci_arithmetic(void **state)
{
    (void)state;
    double se;
    assert_close(lotk_compare_rci(0.6, 0.7, 0.1, 0.8, &se), sqrt(2.5), 1e-12);
    assert_close(se, 0.06324555320336759, 1e-12);
    /* Symmetric, and exact zero for no change. */
    assert_close(lotk_compare_rci(0.7, 0.6, 0.1, 0.8, NULL), -sqrt(2.5), 1e-12);
    assert_close(lotk_compare_rci(0.5, 0.5, 0.1, 0.8, NULL), 0, 0);
    /* r = .9, SD = .2: SE_diff = √2·.2·√.1 = .0894427191; a change of .2 is 2.236 → real. */
    assert_close(lotk_compare_rci(0.4, 0.6, 0.2, 0.9, &se), sqrt(5), 1e-12);
    assert_true(lotk_compare_rci(0.4, 0.6, 0.2, 0.9, NULL) > 1.96);
    /* A negative ICC(2) is used as it is: √(1 − (−.25)) = √1.25. */
    assert_close(lotk_compare_rci(0, 1, 1, -0.25, &se), 1 / (sqrt(2) * sqrt(1.25)), 1e-12);
    /* Perfect reliability, a missing basis: no index. */
    assert_nan(lotk_compare_rci(0.4, 0.6, 0.2, 1, &se));
    assert_close(se, 0, 0);
    assert_nan(lotk_compare_rci(0.4, 0.6, NAN, 0.5, NULL));
    assert_nan(lotk_compare_rci(0.4, 0.6, 0.2, NAN, &se));
    assert_nan(se);
}

static const char *tree_yaml =
    "format: lotk/1\nid: cmp\nversion: \"1\"\nkind: other\ntitle: {en: Compare}\n"
    "scales: {s: {min: 1, max: 5}}\nsurvey: {org_column: org}\n"
    "indicators:\n"
    "  - {id: A, weight: 1, items: [{id: a1, scale: s}, {id: a2, scale: s}]}\n"
    "  - id: B\n    weight: 3\n    aggregate: mean\n    indicators:\n"
    "      - {id: B1, weight: 1, items: [{id: b1, scale: s}]}\n"
    "      - {id: B2, weight: 5, items: [{id: b2, scale: s}]}\n";

static double field(json_t *block, const char *node, const char *key)
{
    json_t *v = json_object_get(json_object_get(block, node), key);
    return json_is_number(v) ? json_number_value(v) : NAN;
}

/* Leaves: sem = sd·√(1 − ICC(2)); inner nodes: the weight-share sum of the children's sem
 * (1/n under mean); r = 1 − sem²/sd². */
static void basis_block(void **state)
{
    (void)state;
    struct lotk_standard *s = tu_load_ok(tree_yaml);
    struct lotk_result *r = tu_score_csv(s, "org,a1,a2,b1,b2\n"
                                            "O1,1,2,2,3\nO1,2,2,3,3\nO1,2,1,2,4\n"
                                            "O2,4,4,3,5\nO2,5,4,4,4\nO2,3,4,4,5\n"
                                            "O3,3,3,1,2\nO3,2,3,2,2\nO3,3,4,1,1\n");
    struct lotk_compare_basis *basis = lotk_compare_basis_new(r);
    json_t *j = lotk_write_json_basis(s, basis);
    lotk_compare_basis_free(basis);
    for (const char *const *id = (const char *const[]){"A", "B1", "B2", NULL}; *id; id++) {
        int n = tu_node(s, *id);
        assert_close(field(j, *id, "r"), r->leaf_stats[n].icc2, 0);
        /* sd over the three organizations' norms */
        double m = 0, ss = 0;
        for (size_t k = 0; k < 3; k++)
            m += r->orgs[k].norm[n] / 3;
        for (size_t k = 0; k < 3; k++)
            ss += (r->orgs[k].norm[n] - m) * (r->orgs[k].norm[n] - m);
        assert_close(field(j, *id, "sd"), sqrt(ss / 2), 1e-12);
        assert_close(field(j, *id, "sem"), sqrt(ss / 2) * sqrt(1 - r->leaf_stats[n].icc2),
                     1e-12);
        assert_string_equal(json_string_value(json_object_get(json_object_get(j, *id),
                                                              "method")),
                            "icc2");
    }
    /* B aggregates by mean: weights ignored. */
    double sem_b = (field(j, "B1", "sem") + field(j, "B2", "sem")) / 2;
    assert_close(field(j, "B", "sem"), sem_b, 1e-12);
    double sem_total = 0.25 * field(j, "A", "sem") + 0.75 * sem_b;
    assert_close(field(j, "total", "sem"), sem_total, 1e-12);
    double sd = field(j, "total", "sd");
    assert_close(field(j, "total", "r"), 1 - sem_total * sem_total / (sd * sd), 1e-12);
    assert_string_equal(json_string_value(json_object_get(json_object_get(j, "total"),
                                                          "method")),
                        "composite");
    /* SD·√(1 − r) gives back the sem. */
    assert_close(sd * sqrt(1 - field(j, "total", "r")), sem_total, 1e-12);
    json_decref(j);
    lotk_result_free(r);
    lotk_standard_free(s);
}

/* A result document for round tests: orgs with the given total points; every node's norm
 * is points/100; org_reliability gives each node sd .1 and r .8. */
static char *round_json(const char *version, const char *node_b, const char *const *orgs,
                        const double *points, size_t n)
{
    struct lotk_buf b = {0};
    lotk_buf_printf(&b,
                    "{\"standard\": {\"id\": \"cmp\", \"version\": \"%s\", \"points\": 100.0},\n"
                    " \"org_reliability\": {\"total\": {\"sd\": 0.1, \"r\": 0.8},"
                    " \"A\": {\"sd\": 0.1, \"r\": 0.8}, \"%s\": {\"sd\": 0.2, \"r\": 0.9}},\n"
                    " \"organizations\": [\n",
                    version, node_b);
    for (size_t k = 0; k < n; k++)
        lotk_buf_printf(&b,
                        "  {\"id\": \"%s\", \"points\": %.17g, \"grade\": null, \"flags\": [],"
                        " \"nodes\": {\"A\": {\"norm\": %.17g}, \"%s\": {\"norm\": %.17g}}}%s\n",
                        orgs[k], points[k], points[k] / 100, node_b, points[k] / 100,
                        k + 1 < n ? "," : "");
    lotk_buf_puts(&b, " ]}\n");
    return b.data;
}

static void rounds_matched_by_id_and_crosswalk(void **state)
{
    (void)state;
    char *dir = tu_tempdir();
    const char *old_orgs[] = {"X", "Y", "Z"}, *new_orgs[] = {"W", "X", "Y"};
    const double old_points[] = {60, 70, 80}, new_points[] = {50, 80, 71};
    char *o = round_json("1", "B", old_orgs, old_points, 3);
    char *n = round_json("2", "C", new_orgs, new_points, 3);
    char *po = tu_write(dir, "old.json", o, -1), *pn = tu_write(dir, "new.json", n, -1);
    char *ps = tu_write(dir, "v2.yaml",
                        "format: lotk/1\nid: cmp\nversion: \"2\"\nkind: other\n"
                        "title: {en: Compare}\nscales: {s: {min: 1, max: 5}}\n"
                        "survey: {org_column: org}\n"
                        "indicators:\n  - {id: A, items: [{id: a1, scale: s}]}\n"
                        "  - {id: C, items: [{id: c1, scale: s}]}\n"
                        "crosswalk:\n  - {from: B, to: C}\n",
                        -1);
    struct lotk_comparison *c = NULL;
    struct lotk_err err;
    lotk_err_clear(&err);
    FILE *warn = tmpfile();
    assert_int_equal(lotk_compare_run(po, pn, ps, warn, &c, &err), 0);
    assert_true(c->version_mismatch);
    assert_int_equal(c->nnodes, 3); /* total, A, C */
    assert_string_equal(c->nodes[2].id, "C");
    assert_string_equal(c->nodes[2].old_id, "B");
    assert_string_equal(c->nodes[2].basis, "old");
    assert_close(c->nodes[2].sd, 0.2, 0);
    assert_int_equal(c->norgs, 2);
    assert_int_equal(c->nonly_new, 1);
    assert_string_equal(c->only_new[0], "W");
    assert_int_equal(c->nonly_old, 1);
    assert_string_equal(c->only_old[0], "Z");
    /* X: .60 → .80 on the total, SE_diff = √2·.1·√.2: RCI = .2/.0632456 = 3.162 (√10). */
    const struct lotk_compare_org *x = &c->orgs[0];
    assert_string_equal(x->new_org->id, "X");
    assert_close(x->changes[0].diff, 0.2, 1e-12);
    assert_close(x->changes[0].rci, sqrt(10), 1e-12);
    assert_int_equal(x->changes[0].change, 1);
    /* C (from B): SD .2, r .9: SE_diff = √2·.2·√.1; .2/.0894 = 2.236 (√5). */
    assert_close(x->changes[2].rci, sqrt(5), 1e-12);
    /* Y: .70 → .71: noise. */
    assert_close(c->orgs[1].changes[0].rci, 0.01 / (sqrt(2) * 0.1 * sqrt(0.2)), 1e-9);
    assert_int_equal(c->orgs[1].changes[0].change, 0);
    char text[4096] = {0};
    rewind(warn);
    text[fread(text, 1, sizeof text - 1, warn)] = '\0';
    fclose(warn);
    assert_non_null(strstr(text, "standard versions differ"));
    assert_non_null(strstr(text, "organization Z is missing from"));
    assert_non_null(strstr(text, "organization W is not in"));
    lotk_compare_free(c);

    /* Without the standard the crosswalk is unknown: C has no old counterpart, B none in the
     * new round. */
    lotk_err_clear(&err);
    assert_int_equal(lotk_compare_run(po, pn, NULL, NULL, &c, &err), 0);
    assert_string_equal(c->nodes[2].old_id, "C");
    assert_nan(c->orgs[0].changes[2].old_value);
    assert_int_equal(c->orgs[0].changes[2].change, 2);
    assert_int_equal(c->nunmatched_old, 1);
    assert_string_equal(c->unmatched_old[0], "B");
    lotk_compare_free(c);

    /* Different standards are refused. */
    char *other = tu_write(dir, "other.json",
                           "{\"standard\": {\"id\": \"zzz\", \"version\": \"1\"}, "
                           "\"organizations\": []}",
                           -1);
    assert_int_equal(lotk_compare_run(po, other, NULL, NULL, &c, &err), LOTK_EUSAGE);
    assert_null(c);
    assert_non_null(strstr(err.msg, "compares rounds of one standard"));
    free(other);
    free(o);
    free(n);
    free(po);
    free(pn);
    free(ps);
    tu_rmtree(dir);
}

/* The crosswalk: block of a standard: each `to` must be one of its indicators, once. */
static void crosswalk_block(void **state)
{
    (void)state;
    static const char *head =
        "format: lotk/1\nid: cw\nversion: \"2\"\nkind: other\ntitle: {en: Crosswalk}\n"
        "scales: {s: {min: 1, max: 5}}\nsurvey: {org_column: org}\n"
        "indicators:\n  - {id: A, items: [{id: a1, scale: s}]}\n"
        "  - {id: C, items: [{id: c1, scale: s}]}\n";
    char *ok = lotk_xasprintf("%scrosswalk:\n  - {from: B, to: C}\n  - {from: Z, to: A}\n",
                              head);
    struct lotk_standard *s = tu_load_ok(ok);
    assert_int_equal(s->ncrosswalk, 2);
    assert_string_equal(s->crosswalk[0].from, "B");
    assert_string_equal(s->crosswalk[0].to, "C");
    assert_int_equal(s->crosswalk[0].loc.line, 12);
    lotk_standard_free(s);
    char *bad = lotk_xasprintf("%scrosswalk:\n  - {from: B, to: X}\n  - {from: D, to: C}\n"
                               "  - {from: E, to: C}\n  - {from: F}\n  - {form: G, to: A}\n",
                               head);
    struct lotk_diags d = {0};
    assert_null(tu_load(bad, &d));
    expect_diag(&d, 12, 19, "crosswalk to: 'X' is not an indicator of this standard");
    expect_diag(&d, 14, 19, "crosswalk to: 'C' is mapped twice (first at line 13)");
    expect_diag(&d, 15, 5, "crosswalk entry: missing required key 'to'");
    expect_diag(&d, 16, 6, "crosswalk entry: unknown key 'form'; did you mean 'from'?");
    lotk_diags_free(&d);
    free(ok);
    free(bad);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(crosswalk_block),
        cmocka_unit_test(rci_arithmetic),
        cmocka_unit_test(basis_block),
        cmocka_unit_test(rounds_matched_by_id_and_crosswalk),
    };
    return cmocka_run_group_tests_name("compare", tests, NULL, NULL);
}
