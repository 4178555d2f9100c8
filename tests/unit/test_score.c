/* test_score.c — DESIGN §4 on small hand-computed examples: keying, min_answered, leaf
 * means, norm, the built-in aggregates, min_children, incomplete, points by weight shares,
 * bands (including a total that is 85 only up to rounding), few_respondents. */
#include "testutil.h"

#include "base/buf.h"
#include "base/exact.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/mem.h"

/* Two levels: A (weight 3) = A1 (weight 1, s5, a2 reversed) + A2 (weight 3, s3,
 * min_answered 0.6 of 3 items = 2); B (weight 1, s5). 200 points. */
static const char tree_yaml[] =
    "format: lotk/1\n"
    "id: sc\n"
    "version: '1'\n"
    "kind: other\n"
    "title: T\n"
    "scales:\n"
    "  s5: {min: 1, max: 5}\n"
    "  s3: {min: 0, max: 2}\n"
    "survey: {org_column: org, id_column: resp, min_respondents: 2}\n"
    "points: 200\n"
    "bands:\n"
    "  - {grade: top, min: 150}\n"
    "  - {grade: mid, min: 100}\n"
    "  - {grade: low, min: 50}\n"
    "indicators:\n"
    "  - id: A\n"
    "    weight: 3\n"
    "    indicators:\n"
    "      - id: A1\n"
    "        items: [{id: a1, scale: s5}, {id: a2, scale: s5, reverse: true}]\n"
    "      - id: A2\n"
    "        weight: 3\n"
    "        min_answered: 0.6\n"
    "        items: [{id: a3, scale: s3}, {id: a4, scale: s3}, {id: a5, scale: s3}]\n"
    "  - id: B\n"
    "    items: [{id: b1, scale: s5}]\n";

static const char tree_csv[] =
    "org,resp,a1,a2,a3,a4,a5,b1\n"
    "X,R1,5,1,2,1,,3\n"  /* A1 (5 + 6-1)/2 = 5; A2 (2+1)/2 = 1.5 (2 of 3 answered); B 3 */
    "Y,R4,1,5,0,0,0,1\n" /* alone in Y: few respondents */
    "X,R2,3,,0,,,5\n"    /* A1 3; A2 none (1 of 3 < 2); B 5 */
    "Z,R5,3,3,1,1,1,\n"  /* Z never answers B */
    "X,R3,,4,2,2,2,\n"   /* A1 6-4 = 2; A2 2; B none */
    "Z,R6,3,3,1,1,1,\n"
    "V,R7,1,5,0,1,0,1\n" /* V: below every band */
    "V,R8,1,5,0,1,0,1\n";

static int setup(void **state)
{
    *state = tu_load_ok(tree_yaml);
    return 0;
}

static int teardown(void **state)
{
    lotk_standard_free(*state);
    return 0;
}

static void organization_values(void **state)
{
    const struct lotk_standard *s = *state;
    struct lotk_result *r = tu_score_csv(s, tree_csv);
    int A = tu_node(s, "A"), A1 = tu_node(s, "A1"), A2 = tu_node(s, "A2"), B = tu_node(s, "B");
    assert_int_equal(r->counts.rows, 8);
    assert_int_equal(r->norgs, 4);
    const struct lotk_org_result *x = tu_org(r, "X");
    assert_int_equal(x->respondents, 3);
    /* Leaf means over respondents with a value, and their n. */
    assert_close(x->mean[A1], 10.0 / 3, 1e-15);
    assert_int_equal(x->n[A1], 3);
    assert_close(x->mean[A2], 1.75, 0);
    assert_int_equal(x->n[A2], 2);
    assert_close(x->mean[B], 4, 0);
    assert_int_equal(x->n[B], 2);
    /* norm = (mean - min) / (max - min) of each leaf's own scale. */
    assert_close(x->norm[A1], 7.0 / 12, 1e-15);
    assert_close(x->norm[A2], 0.875, 0);
    assert_close(x->norm[B], 0.75, 0);
    /* Inner nodes: no mean, weighted mean of the children's norms. */
    assert_nan(x->mean[A]);
    assert_int_equal(x->n[A], 0);
    assert_close(x->norm[A], 77.0 / 96, 1e-15);       /* (7/12 + 3 × 7/8) / 4 */
    assert_close(x->norm[0], 303.0 / 384, 1e-15);     /* (3 × 77/96 + 3/4) / 4 */
    /* Points = 200 × product of weight shares × norm. */
    assert_close(x->points_of[A1], 200 * 0.75 * 0.25 * 7 / 12, 1e-15); /* 21.875 */
    assert_close(x->points_of[A2], 98.4375, 1e-15);
    assert_close(x->points_of[A], 120.3125, 1e-15);
    assert_close(x->points_of[B], 37.5, 1e-15);
    assert_close(x->points, 157.8125, 1e-15);
    assert_close(x->points, x->points_of[A] + x->points_of[B], 1e-15);
    assert_close(x->points_of[A], x->points_of[A1] + x->points_of[A2], 1e-15);
    assert_int_equal(x->band, 0);
    assert_string_equal(s->bands[x->band].grade, "top");
    assert_int_equal(x->flags, 0);
    lotk_result_free(r);
}

static void flags_and_grades(void **state)
{
    const struct lotk_standard *s = *state;
    struct lotk_result *r = tu_score_csv(s, tree_csv);
    int A = tu_node(s, "A"), B = tu_node(s, "B");

    /* Y: scored, flagged, no grade. Everything is at the scale minimum. */
    const struct lotk_org_result *y = tu_org(r, "Y");
    assert_int_equal(y->respondents, 1);
    assert_close(y->points, 0, 0);
    assert_int_equal(y->band, -1);
    assert_int_equal(y->flags, LOTK_FLAG_FEW_RESPONDENTS);

    /* Z: B has no value, so neither has the root: incomplete, no grade. */
    const struct lotk_org_result *z = tu_org(r, "Z");
    assert_int_equal(z->n[B], 0);
    assert_nan(z->mean[B]);
    assert_nan(z->norm[B]);
    assert_nan(z->points_of[B]);
    assert_close(z->norm[A], 0.5, 0);
    assert_close(z->points_of[A], 75, 0);
    assert_nan(z->points);
    assert_nan(z->norm[0]);
    assert_int_equal(z->band, -1);
    assert_int_equal(z->flags, LOTK_FLAG_INCOMPLETE);

    /* V: A2 = 1/3 → norm 1/6; A = (0 + 3/6) / 4; total = 3/32 → 18.75 points, below
     * every band. */
    const struct lotk_org_result *v = tu_org(r, "V");
    assert_close(v->points, 18.75, 1e-14);
    assert_int_equal(v->band, -1);
    assert_int_equal(v->flags, LOTK_FLAG_NO_BAND);

    assert_string_equal(lotk_flag_name(0), "few_respondents");
    assert_string_equal(lotk_flag_name(1), "incomplete");
    assert_string_equal(lotk_flag_name(2), "no_band");
    lotk_result_free(r);
}

static void respondent_values(void **state)
{
    const struct lotk_standard *s = *state;
    struct lotk_result *r = tu_score_csv(s, tree_csv);
    int A = tu_node(s, "A"), A1 = tu_node(s, "A1"), A2 = tu_node(s, "A2"), B = tu_node(s, "B");
    assert_int_equal(r->nrespondents, 8);
    /* In input order, pointing at organizations in sorted order. */
    static const char *const ids[] = {"R1", "R4", "R2", "R5", "R3", "R6", "R7", "R8"};
    static const char *const orgs[] = {"X", "Y", "X", "Z", "X", "Z", "V", "V"};
    for (int i = 0; i < 8; i++) {
        assert_string_equal(r->respondents[i].id, ids[i]);
        assert_string_equal(r->orgs[r->respondents[i].org].id, orgs[i]);
    }
    const double *r1 = r->respondents[0].values;
    assert_close(r1[A1], 5, 0); /* leaves on their scale */
    assert_close(r1[A2], 1.5, 0);
    assert_close(r1[B], 3, 0);
    assert_close(r1[A], 0.8125, 0); /* inner nodes in [0, 1]: (1 + 3 × 0.75) / 4 */
    assert_close(r1[0], 0.734375, 0);
    const double *r2 = r->respondents[2].values;
    assert_close(r2[A1], 3, 0);
    assert_nan(r2[A2]); /* 1 of 3 answered, 2 needed */
    assert_nan(r2[A]);
    assert_nan(r2[0]);
    const double *r3 = r->respondents[4].values;
    assert_close(r3[A1], 2, 0); /* a2 = 4 reversed */
    assert_close(r3[A2], 2, 0);
    assert_close(r3[A], 0.8125, 0);
    assert_nan(r3[B]);
    assert_nan(r3[0]);
    lotk_result_free(r);
}

static void organizations_in_natural_order(void **state)
{
    const struct lotk_standard *s = *state;
    struct lotk_result *r = tu_score_csv(s, "org,resp,a1,a2,a3,a4,a5,b1\n"
                                            "ORG10,R1,1,1,1,1,1,1\n"
                                            "ORG9,R2,1,1,1,1,1,1\n"
                                            "B,R3,1,1,1,1,1,1\n"
                                            "ORG9,R4,1,1,1,1,1,1\n"
                                            "A,R5,1,1,1,1,1,1\n"
                                            "ORG100,R6,1,1,1,1,1,1\n");
    static const char *const order[] = {"A", "B", "ORG9", "ORG10", "ORG100"};
    assert_int_equal(r->norgs, 5);
    for (int i = 0; i < 5; i++)
        assert_string_equal(r->orgs[i].id, order[i]);
    assert_int_equal(r->orgs[2].respondents, 2);
    /* Respondents follow their organization through the sort. */
    assert_string_equal(r->orgs[r->respondents[0].org].id, "ORG10");
    assert_string_equal(r->orgs[r->respondents[5].org].id, "ORG100");
    lotk_result_free(r);
}

/* Issue 14: ids are bytes, not C strings. Two organizations whose ids differ only after a
 * NUL (as a partial file or an evidence sheet could carry them) are scored apart, and the
 * respondents' map to the sorted order is found by address: the old lookup by strlen found
 * neither and wrote before the map. */
static void ids_with_a_nul_are_kept_apart(void **state)
{
    const struct lotk_standard *s = *state;
    struct lotk_scorer *sc = lotk_scorer_new(s, NULL, true);
    double answers[6] = {1, 1, 1, 1, 1, 1};
    struct lotk_err err;
    lotk_err_clear(&err);
    static const char *const ids[] = {"Z\0a", "A\0b", "A\0b", "A"};
    for (int i = 0; i < 4; i++) {
        size_t len = i == 3 ? 1 : 3;
        struct lotk_row row = {"x.csv", i + 2, ids[i], len, NULL, answers, true};
        assert_int_equal(lotk_scorer_add(sc, &row, &err), 0);
    }
    struct lotk_result *r = NULL;
    struct lotk_survey_counts counts = {4, 4, 0, 0};
    assert_int_equal(lotk_scorer_finish(sc, counts, &r, &err), 0);
    assert_int_equal(r->norgs, 3);
    assert_int_equal(r->nrespondents, 4);
    for (int i = 0; i < 4; i++) /* each respondent points at an organization of its id */
        assert_memory_equal(r->orgs[r->respondents[i].org].id, ids[i], i == 3 ? 2 : 3);
    assert_int_equal(r->orgs[r->respondents[1].org].respondents, 2);
    assert_int_equal(r->respondents[1].org, r->respondents[2].org);
    assert_true(r->respondents[0].org != r->respondents[1].org);
    lotk_scorer_free(sc);
    lotk_result_free(r);
}

/* Thousands of organizations met in a shuffled order, so that putting the results in the
 * natural order of their ids follows long cycles of the permutation: on one thread, and
 * with the ids sorted on a thread of their own (jobs 2). Each respondent's id names its
 * organization, and each organization's respondent count is its number mod 3 + 1. */
static void many_organizations_in_natural_order(void **state)
{
    const struct lotk_standard *s = *state;
    enum { NORGS = 3000 };
    for (int jobs = 1; jobs <= 2; jobs++) {
        struct lotk_scorer *sc = lotk_scorer_new(s, NULL, true);
        lotk_scorer_set_jobs(sc, jobs);
        double answers[6] = {1, 1, 1, 1, 1, 1};
        struct lotk_err err;
        lotk_err_clear(&err);
        long line = 2, rows = 0;
        for (int round = 0; round < 3; round++)
            for (int k = 0; k < NORGS; k++) {
                int org = (k * 1237 + 11) % NORGS; /* 1237 is prime to 3000: a permutation */
                if (round > org % 3)
                    continue;
                char id[16], resp[32];
                snprintf(id, sizeof id, "O%d", org);
                snprintf(resp, sizeof resp, "O%d/%d", org, round);
                struct lotk_row row = {"x.csv", line++, id, strlen(id), resp, answers, true};
                assert_int_equal(lotk_scorer_add(sc, &row, &err), 0);
                rows++;
            }
        struct lotk_result *r = NULL;
        struct lotk_survey_counts counts = {rows, rows, 0, 0};
        assert_int_equal(lotk_scorer_finish(sc, counts, &r, &err), 0);
        assert_int_equal(r->norgs, NORGS);
        for (int i = 0; i < NORGS; i++) {
            char id[16];
            snprintf(id, sizeof id, "O%d", i);
            assert_string_equal(r->orgs[i].id, id);
            assert_int_equal(r->orgs[i].respondents, i % 3 + 1);
        }
        assert_int_equal(r->nrespondents, rows);
        for (size_t i = 0; i < r->nrespondents; i++) {
            const char *id = r->orgs[r->respondents[i].org].id;
            size_t n = strlen(id);
            assert_memory_equal(r->respondents[i].id, id, n);
            assert_int_equal(r->respondents[i].id[n], '/');
        }
        lotk_scorer_free(sc);
        lotk_result_free(r);
    }
}

/* A leaf's sum is kept as a 128-bit integer of 2^-60 units for values on that grid below 8
 * in magnitude, exactly for every other value: mixed in one organization, negative, tiny,
 * and beyond 8, the mean is the exactly rounded one either way. */
static void leaf_sums_exact_on_and_off_the_grid(void **state)
{
    (void)state;
    struct lotk_standard *s = tu_load_ok("format: lotk/1\nid: g\nversion: '1'\nkind: other\n"
                                         "title: T\nscales:\n  w: {min: -100, max: 100}\n"
                                         "survey: {org_column: org}\nindicators:\n"
                                         "  - id: A\n    items: [{id: a, scale: w}]\n");
    static const double values[] = {-7.25, 1e-9, 9.999999999, 3, -99.5, 0.1, 1e-30, -5};
    struct lotk_buf csv = {0};
    lotk_buf_puts(&csv, "org,a\n");
    struct lotk_exact want = {{0}};
    for (size_t i = 0; i < sizeof values / sizeof *values; i++) {
        lotk_buf_printf(&csv, "X,%.17g\n", values[i]);
        lotk_exact_add(&want, values[i]);
    }
    struct lotk_result *r = tu_score_csv(s, csv.data);
    const struct lotk_org_result *x = tu_org(r, "X");
    int A = tu_node(s, "A");
    assert_int_equal(x->n[A], 8);
    double mean = lotk_exact_value(&want) / 8;
    assert_memory_equal(&x->mean[A], &mean, sizeof mean);
    lotk_result_free(r);
    lotk_buf_free(&csv);
    lotk_standard_free(s);
}

/* Sums that stay on the 2^-60 grid (no exact parts) but need more than 53 bits: the
 * mean is still the exactly rounded one, ties to even included, negative sums too. Each
 * organization gets one value a little under 8 and ones of 2^-50 and -2^-58, whose sum's
 * low bits fall below a double's precision. */
static void leaf_sums_on_the_grid_round_once(void **state)
{
    (void)state;
    struct lotk_standard *s = tu_load_ok("format: lotk/1\nid: g\nversion: '1'\nkind: other\n"
                                         "title: T\nscales:\n  w: {min: -100, max: 100}\n"
                                         "survey: {org_column: org}\nindicators:\n"
                                         "  - id: A\n    items: [{id: a, scale: w}]\n");
    enum { NORGS = 40 };
    struct lotk_buf csv = {0};
    lotk_buf_puts(&csv, "org,a\n");
    struct lotk_exact want[NORGS];
    int count[NORGS];
    for (int g = 0; g < NORGS; g++) {
        double big = (g % 2 ? -1 : 1) * (7.0 + g * 0x1p-45), tiny = 0x1p-50, tinier = -0x1p-58;
        double v[] = {big, tiny, tinier, g % 3 ? tiny : tinier};
        memset(&want[g], 0, sizeof want[g]);
        count[g] = 0;
        for (int k = 0; k < 4; k++) {
            for (int rep = 0; rep <= g % 4; rep++) {
                lotk_buf_printf(&csv, "G%02d,%.17g\n", g, v[k]);
                lotk_exact_add(&want[g], v[k]);
                count[g]++;
            }
        }
    }
    struct lotk_result *r = tu_score_csv(s, csv.data);
    int A = tu_node(s, "A");
    for (int g = 0; g < NORGS; g++) {
        char id[8];
        snprintf(id, sizeof id, "G%02d", g);
        const struct lotk_org_result *x = tu_org(r, id);
        assert_int_equal(x->n[A], count[g]);
        double mean = lotk_exact_value(&want[g]) / count[g];
        assert_memory_equal(&x->mean[A], &mean, sizeof mean);
    }
    lotk_result_free(r);
    lotk_buf_free(&csv);
    lotk_standard_free(s);
}

/* Without keep_respondents nothing per row is kept. */
static void no_respondents_unless_asked(void **state)
{
    const struct lotk_standard *s = *state;
    char *dir = tu_tempdir();
    char *path = tu_write(dir, "r.csv", tree_csv, -1);
    struct lotk_scorer *sc = lotk_scorer_new(s, NULL, false);
    struct lotk_survey_sink sink = {.on_row = lotk_scorer_add, .row_ctx = sc};
    struct lotk_survey *sv = lotk_survey_new(s, &sink);
    struct lotk_err err;
    lotk_err_clear(&err);
    assert_int_equal(lotk_survey_read(sv, path, &err), 0);
    struct lotk_result *r = NULL;
    assert_int_equal(lotk_scorer_finish(sc, lotk_survey_counts(sv), &r, &err), 0);
    assert_int_equal(r->nrespondents, 0);
    assert_null(r->respondents);
    assert_close(tu_org(r, "X")->points, 157.8125, 1e-15);
    lotk_result_free(r);
    lotk_survey_free(sv);
    lotk_scorer_free(sc);
    free(path);
    tu_rmtree(dir);
}

/* ---- the aggregates, on one node with three children ---------------------------- */

static struct lotk_standard *three_children(const char *aggregate, const char *min_children)
{
    char *yaml = lotk_xasprintf("format: lotk/1\nid: ag\nversion: '1'\nkind: other\ntitle: T\n"
                                "scales: {s: {min: 0, max: 1}}\n"
                                "survey: {org_column: org}\n"
                                "indicators:\n"
                                "  - id: P\n"
                                "    aggregate: %s\n"
                                "%s%s%s"
                                "    indicators:\n"
                                "      - {id: C1, weight: 1, items: [{id: c1, scale: s}]}\n"
                                "      - {id: C2, weight: 2, items: [{id: c2, scale: s}]}\n"
                                "      - {id: C3, weight: 3, items: [{id: c3, scale: s}]}\n",
                                aggregate, min_children ? "    min_children: " : "",
                                min_children ? min_children : "", min_children ? "\n" : "");
    struct lotk_standard *s = tu_load_ok(yaml);
    free(yaml);
    return s;
}

/* Aggregates node P of s over children norms c1..c3 (NaN = no value). */
static double aggregate(const struct lotk_standard *s, double c1, double c2, double c3,
                        bool *incomplete)
{
    double *norm = lotk_xcalloc(s->nnodes, sizeof *norm);
    for (size_t i = 0; i < s->nnodes; i++)
        norm[i] = NAN;
    norm[tu_node(s, "C1")] = c1;
    norm[tu_node(s, "C2")] = c2;
    norm[tu_node(s, "C3")] = c3;
    double out = -1;
    struct lotk_err err;
    lotk_err_clear(&err);
    *incomplete = false;
    assert_int_equal(lotk_score_aggregate(s, NULL, tu_node(s, "P"), norm, &out, incomplete,
                                          &err),
                     0);
    free(norm);
    return out;
}

static void builtin_aggregates(void **state)
{
    (void)state;
    static const struct {
        const char *name;
        double all;      /* of 0.2 (w1), 0.5 (w2), 0.8 (w3) */
        double with_zero; /* of 0 (w1), 0.5, 0.8 */
    } cases[] = {
        {"weighted_mean", 0.6, 0.5666666666666667},   /* 3.6/6, 3.4/6 */
        {"mean", 0.5, 1.3 / 3},                       /* weights ignored */
        {"min", 0.2, 0},
        {"max", 0.8, 0.8},
        {"geomean", 0.5428835233189814, 0},           /* (0.2 · 0.5² · 0.8³)^(1/6) = 0.4^(2/3) */
    };
    for (size_t i = 0; i < sizeof cases / sizeof *cases; i++) {
        struct lotk_standard *s = three_children(cases[i].name, NULL);
        bool incomplete;
        double v = aggregate(s, 0.2, 0.5, 0.8, &incomplete);
        if (!tu_close(v, cases[i].all, 1e-15))
            fail_msg("%s: %.17g, expected %.17g", cases[i].name, v, cases[i].all);
        assert_false(incomplete);
        v = aggregate(s, 0, 0.5, 0.8, &incomplete);
        if (!tu_close(v, cases[i].with_zero, 1e-15))
            fail_msg("%s with a zero child: %.17g, expected %.17g", cases[i].name, v,
                     cases[i].with_zero);
        /* A child without a value leaves the node without one, and says why. */
        v = aggregate(s, 0.2, NAN, 0.8, &incomplete);
        assert_nan(v);
        assert_true(incomplete);
        v = aggregate(s, NAN, NAN, NAN, &incomplete);
        assert_nan(v);
        assert_true(incomplete);
        lotk_standard_free(s);
    }
}

static void min_children_renormalises(void **state)
{
    (void)state;
    static const struct {
        const char *name;
        double without_c1; /* of 0.5 (w2), 0.8 (w3), weights renormalised to 2/5, 3/5 */
    } cases[] = {
        {"weighted_mean", 0.68},
        {"mean", 0.65},
        {"min", 0.5},
        {"max", 0.8},
        {"geomean", 0.6628908034679973}, /* (0.5² · 0.8³)^(1/5) = 0.128^0.2 */
    };
    for (size_t i = 0; i < sizeof cases / sizeof *cases; i++) {
        struct lotk_standard *s = three_children(cases[i].name, "0.5");
        bool incomplete;
        double v = aggregate(s, NAN, 0.5, 0.8, &incomplete);
        if (!tu_close(v, cases[i].without_c1, 1e-15))
            fail_msg("%s: %.17g, expected %.17g", cases[i].name, v, cases[i].without_c1);
        assert_false(incomplete);
        /* 1 of 3 is less than half: no value. */
        v = aggregate(s, NAN, NAN, 0.8, &incomplete);
        assert_nan(v);
        assert_true(incomplete);
        lotk_standard_free(s);
    }
    /* A share that is exactly reached: 1 of 3 children at min_children 1/3 (written
     * 0.3333333333333333, just under 1/3 · 3 = 1). */
    struct lotk_standard *s = three_children("weighted_mean", "0.3333333333333333");
    bool incomplete;
    assert_close(aggregate(s, NAN, NAN, 0.8, &incomplete), 0.8, 1e-15);
    assert_false(incomplete);
    lotk_standard_free(s);
}

/* min_children through the whole pipeline: Z never answers B, but the root needs only half
 * of its children, so Z gets A's value, weights renormalised, and a grade. */
static void min_children_in_scoring(void **state)
{
    (void)state;
    /* The head of tree_yaml, with the tree one level deeper under R. */
    char *yaml = lotk_xasprintf("%.*s", (int)(strstr(tree_yaml, "indicators:\n") - tree_yaml),
                                tree_yaml);
    char *full = NULL;
    full = lotk_xasprintf("%sindicators:\n"
                          "  - id: R\n"
                          "    min_children: 0.5\n"
                          "    indicators:\n"
                          "      - id: A\n"
                          "        weight: 3\n"
                          "        indicators:\n"
                          "          - {id: A1, items: [{id: a1, scale: s5}, "
                          "{id: a2, scale: s5, reverse: true}]}\n"
                          "          - {id: A2, weight: 3, min_answered: 0.6, items: "
                          "[{id: a3, scale: s3}, {id: a4, scale: s3}, {id: a5, scale: s3}]}\n"
                          "      - {id: B, items: [{id: b1, scale: s5}]}\n",
                          yaml);
    struct lotk_standard *s = tu_load_ok(full);
    struct lotk_result *r = tu_score_csv(s, tree_csv);
    const struct lotk_org_result *z = tu_org(r, "Z");
    int R = tu_node(s, "R");
    assert_close(z->norm[R], 0.5, 0); /* A alone, its weight share now 1 */
    assert_close(z->points, 100, 0);
    assert_close(z->points_of[tu_node(s, "A")], 75, 0); /* shares are not renormalised */
    assert_nan(z->points_of[tu_node(s, "B")]);
    assert_int_equal(z->flags, 0);
    assert_int_equal(z->band, 1); /* mid, >= 100 */
    /* X has every child: same total as without the extra level. */
    assert_close(tu_org(r, "X")->points, 157.8125, 1e-15);
    lotk_result_free(r);
    lotk_standard_free(s);
    free(full);
    free(yaml);
}

/* ---- bands --------------------------------------------------------------------- */

/* Weights 0.1, 0.3, 0.1 and answers 5, 4, 5 on 1..5: exactly 85 points, computed as
 * 84.99999999999999, which must reach the 85 band. */
static void band_at_85_within_rounding(void **state)
{
    (void)state;
    struct lotk_standard *s = tu_load_ok(
        "format: lotk/1\nid: b85\nversion: '1'\nkind: other\ntitle: T\n"
        "scales: {s5: {min: 1, max: 5}}\n"
        "survey: {org_column: org}\n"
        "bands:\n"
        "  - {grade: excellent, min: 85}\n"
        "  - {grade: good, min: 70}\n"
        "indicators:\n"
        "  - {id: A, weight: 0.1, items: [{id: a, scale: s5}]}\n"
        "  - {id: B, weight: 0.3, items: [{id: b, scale: s5}]}\n"
        "  - {id: C, weight: 0.1, items: [{id: c, scale: s5}]}\n");
    struct lotk_result *r = tu_score_csv(s, "org,a,b,c\nO,5,4,5\nP,5,4,4.99\n");
    const struct lotk_org_result *o = tu_org(r, "O");
    assert_close(o->points, 85, 1e-14);
    assert_int_equal(o->band, 0);
    assert_string_equal(s->bands[o->band].grade, "excellent");
    /* Clearly below 85 is the next band. */
    const struct lotk_org_result *p = tu_org(r, "P");
    assert_true(p->points < 84.99);
    assert_int_equal(p->band, 1);
    assert_int_equal(lotk_score_band(s, 84.99999999999999), 0);
    assert_int_equal(lotk_score_band(s, 85), 0);
    assert_int_equal(lotk_score_band(s, 84.9999), 1);
    assert_int_equal(lotk_score_band(s, 70), 1);
    assert_int_equal(lotk_score_band(s, 69.99), -1);
    assert_int_equal(lotk_score_band(s, 100), 0);
    lotk_result_free(r);
    lotk_standard_free(s);
}

/* ---- keying and min_answered ----------------------------------------------------- */

static void keying_and_min_answered(void **state)
{
    (void)state;
    /* Reverse keying is min + max − x on the item's own scale, fractional answers too;
     * min_answered 0.75 of 4 items needs 3, of 5 items 3.75 → 4. */
    struct lotk_standard *s = tu_load_ok(
        "format: lotk/1\nid: k\nversion: '1'\nkind: other\ntitle: T\n"
        "scales: {s5: {min: 1, max: 5}, s10: {min: 0, max: 10}}\n"
        "survey: {org_column: org, id_column: id}\n"
        "indicators:\n"
        "  - id: F\n"
        "    min_answered: 0.75\n"
        "    items: [{id: f1, scale: s5}, {id: f2, scale: s5, reverse: true},\n"
        "            {id: f3, scale: s5}, {id: f4, scale: s5, reverse: true}]\n"
        "  - id: G\n"
        "    min_answered: 0.75\n"
        "    items: [{id: g1, scale: s10, reverse: true}, {id: g2, scale: s10},\n"
        "            {id: g3, scale: s10}, {id: g4, scale: s10}, {id: g5, scale: s10}]\n"
        "  - id: H\n"
        "    min_answered: 1\n"
        "    items: [{id: h1, scale: s5}, {id: h2, scale: s5}]\n");
    struct lotk_result *r = tu_score_csv(s, "org,id,f1,f2,f3,f4,g1,g2,g3,g4,g5,h1,h2\n"
                                            "O,1,5,4.5,,1,2.5,10,0,,,3,4\n"
                                            "O,2,5,4.5,,,2.5,10,0,1,,3,\n"
                                            "O,3,,,,,,,,,,,\n");
    int F = tu_node(s, "F"), G = tu_node(s, "G"), H = tu_node(s, "H");
    const double *r1 = r->respondents[0].values, *r2 = r->respondents[1].values;
    assert_close(r1[F], (5 + 1.5 + 5) / 3.0, 1e-15); /* 3 of 4 answered */
    assert_nan(r1[G]);                               /* 3 of 5 < 4 */
    assert_close(r1[H], 3.5, 0);
    assert_nan(r2[F]);                               /* 2 of 4 < 3 */
    assert_close(r2[G], (7.5 + 10 + 0 + 1) / 4.0, 1e-15);
    assert_nan(r2[H]);                               /* min_answered 1: all items */
    assert_nan(r->respondents[2].values[F]);
    const struct lotk_org_result *o = tu_org(r, "O");
    assert_int_equal(o->respondents, 3);
    assert_int_equal(o->n[F], 1);
    assert_int_equal(o->n[G], 1);
    assert_int_equal(o->n[H], 1);
    assert_close(o->mean[F], 11.5 / 3, 1e-15);
    assert_close(o->norm[G], 18.5 / 4 / 10, 1e-15);
    lotk_result_free(r);
    lotk_standard_free(s);
}

/* Without min_answered one answered item is enough (psych impute = "none"); the mean is
 * over the respondents that have a value, not all respondents. */
static void leaf_means_skip_respondents_without_value(void **state)
{
    (void)state;
    struct lotk_standard *s = tu_load_ok(
        "format: lotk/1\nid: m\nversion: '1'\nkind: other\ntitle: T\n"
        "scales: {s5: {min: 1, max: 5}}\n"
        "survey: {org_column: org}\n"
        "indicators:\n"
        "  - {id: L, items: [{id: x, scale: s5}, {id: y, scale: s5}, {id: z, scale: s5}]}\n");
    struct lotk_result *r = tu_score_csv(s, "org,x,y,z\nO,1,,\nO,,,\nO,4,5,3\nO,,2,\n");
    const struct lotk_org_result *o = tu_org(r, "O");
    int L = tu_node(s, "L");
    assert_int_equal(o->respondents, 4);
    assert_int_equal(o->n[L], 3);
    assert_close(o->mean[L], (1 + 4 + 2) / 3.0, 1e-15);
    assert_close(o->norm[L], ((1 + 4 + 2) / 3.0 - 1) / 4, 1e-15);
    /* Without an id column a respondent is named by file and line. */
    const char *id = r->respondents[1].id;
    assert_non_null(strstr(id, "responses.csv:3"));
    lotk_result_free(r);
    lotk_standard_free(s);
}

/* An evidence leaf has no value until evidence sheets are scored: its parent is
 * incomplete unless min_children allows for it. */
static void evidence_leaf_leaves_parent_incomplete(void **state)
{
    (void)state;
    struct lotk_standard *s = tu_load_ok(
        "format: lotk/1\nid: e\nversion: '1'\nkind: other\ntitle: T\n"
        "scales: {s5: {min: 1, max: 5}}\n"
        "survey: {org_column: org}\n"
        "indicators:\n"
        "  - id: P\n"
        "    indicators:\n"
        "      - {id: S, items: [{id: x, scale: s5}]}\n"
        "      - {id: E, source: evidence, scale: {min: 0, max: 4}}\n"
        "  - id: Q\n"
        "    min_children: 0.5\n"
        "    indicators:\n"
        "      - {id: S2, items: [{id: y, scale: s5}]}\n"
        "      - {id: E2, source: evidence, scale: {min: 0, max: 4}}\n");
    struct lotk_result *r = tu_score_csv(s, "org,x,y\nO,5,3\n");
    const struct lotk_org_result *o = tu_org(r, "O");
    assert_nan(o->norm[tu_node(s, "P")]);
    assert_close(o->norm[tu_node(s, "Q")], 0.5, 0);
    assert_close(o->points_of[tu_node(s, "Q")], 25, 0);
    assert_nan(o->points);
    assert_true(o->flags & LOTK_FLAG_INCOMPLETE);
    lotk_result_free(r);
    lotk_standard_free(s);
}

int main(void)
{
#define T(f) cmocka_unit_test_setup_teardown(f, setup, teardown)
    const struct CMUnitTest tests[] = {
        T(organization_values),
        T(flags_and_grades),
        T(respondent_values),
        T(organizations_in_natural_order),
        T(many_organizations_in_natural_order),
        T(leaf_sums_on_the_grid_round_once),
        T(ids_with_a_nul_are_kept_apart),
        cmocka_unit_test(leaf_sums_exact_on_and_off_the_grid),
        T(no_respondents_unless_asked),
        cmocka_unit_test(builtin_aggregates),
        cmocka_unit_test(min_children_renormalises),
        cmocka_unit_test(min_children_in_scoring),
        cmocka_unit_test(band_at_85_within_rounding),
        cmocka_unit_test(keying_and_min_answered),
        cmocka_unit_test(leaf_means_skip_respondents_without_value),
        cmocka_unit_test(evidence_leaf_leaves_parent_incomplete),
    };
#undef T
    return cmocka_run_group_tests_name("score", tests, NULL, NULL);
}
