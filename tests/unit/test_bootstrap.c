/* test_bootstrap.c — the bootstrap of organization totals (core/bootstrap.c): the
 * generator against its reference outputs, determinism (same seed → the same numbers,
 * whatever the order rows arrive in), and the coverage of the interval on synthetic data
 * whose true values are known. */
#include "testutil.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "analysis/bootstrap.h"
#include "base/mem.h"
#include "base/buf.h"

/* pcg32-demo of the reference implementation: pcg32_srandom_r(&rng, 42u, 54u). */
static void pcg32_reference(void **state)
{
    (void)state;
    struct lotk_pcg32 rng;
    lotk_bootstrap_pcg32_seed(&rng, 42, 54);
    static const uint32_t want[] = {0xa15c02b7, 0x7b47f409, 0xba1d3330,
                                    0x83d2f293, 0xbfa4784b, 0xcbed606e};
    for (size_t i = 0; i < 6; i++)
        assert_int_equal(lotk_bootstrap_pcg32(&rng), want[i]);
}

/* The published test vector of splitmix64 with seed 1234567. */
static void splitmix64_reference(void **state)
{
    (void)state;
    uint64_t x = 1234567;
    static const uint64_t want[] = {6457827717110365317ULL, 3203168211198807973ULL,
                                    9817491932198370423ULL, 4593380528125082431ULL,
                                    16408922859458223821ULL};
    for (size_t i = 0; i < 5; i++)
        assert_true(lotk_bootstrap_splitmix64(&x) == want[i]);
}

/* Bounded draws stay in range and are uniform enough: chi-square over 7 cells. */
static void bounded_draws(void **state)
{
    (void)state;
    struct lotk_pcg32 rng;
    lotk_bootstrap_seed_org(&rng, 1, "ORG");
    long count[7] = {0};
    enum { N = 70000 };
    for (int i = 0; i < N; i++) {
        uint32_t k = lotk_bootstrap_pcg32_bounded(&rng, 7);
        assert_true(k < 7);
        count[k]++;
    }
    double chi2 = 0;
    for (int k = 0; k < 7; k++)
        chi2 += (count[k] - N / 7.0) * (count[k] - N / 7.0) / (N / 7.0);
    assert_true(chi2 < 22.46); /* the 0.999 quantile with 6 degrees of freedom */
    for (int i = 0; i < 100; i++)
        assert_int_equal(lotk_bootstrap_pcg32_bounded(&rng, 1), 0);
}

/* Scores csv with a bootstrap collector observing the scorer. */
static struct lotk_result *score_collecting(const struct lotk_standard *s, const char *csv,
                                            struct lotk_boot_rows **rows)
{
    char *dir = tu_tempdir();
    char *path = tu_write(dir, "responses.csv", csv, -1);
    struct lotk_scorer *sc = lotk_scorer_new(s, NULL, false);
    *rows = lotk_bootstrap_rows_new(s);
    lotk_scorer_observe(sc, lotk_bootstrap_observe, *rows);
    struct lotk_survey_sink sink = {.on_row = lotk_scorer_add, .row_ctx = sc};
    struct lotk_survey *sv = lotk_survey_new(s, &sink);
    struct lotk_err err;
    lotk_err_clear(&err);
    if (lotk_survey_read(sv, path, &err) != 0) {
        lotk_err_print(&err, stderr);
        fail_msg("reading the survey failed");
    }
    struct lotk_result *r = NULL;
    if (lotk_scorer_finish(sc, lotk_survey_counts(sv), &r, &err) != 0)
        fail_msg("lotk_scorer_finish failed");
    lotk_survey_free(sv);
    lotk_scorer_free(sc);
    free(path);
    tu_rmtree(dir);
    return r;
}

static const char *two_leaf_yaml =
    "format: lotk/1\nid: boot\nversion: \"1\"\nkind: other\ntitle: {en: Boot}\n"
    "scales: {s: {min: 1, max: 5}}\n"
    "survey: {org_column: org, min_respondents: 3}\n"
    "bands:\n  - {grade: high, min: 60}\n  - {grade: low, min: 0}\n"
    "indicators:\n"
    "  - {id: A, weight: 1, items: [{id: a1, scale: s}, {id: a2, scale: s}]}\n"
    "  - {id: B, weight: 2, items: [{id: b1, scale: s}]}\n";

/* A small deterministic generator for test data (splitmix64). */
static double unit(uint64_t *x)
{
    return (double)(lotk_bootstrap_splitmix64(x) >> 11) / 9007199254740992.0;
}

static char *make_csv(uint64_t seed, bool reversed)
{
    struct lotk_buf b = {0};
    uint64_t x = seed;
    enum { ORGS = 5, EACH = 12 };
    char *rows[ORGS * EACH];
    for (int g = 0; g < ORGS; g++)
        for (int i = 0; i < EACH; i++) {
            int a1 = 1 + (int)(unit(&x) * 5), a2 = 1 + (int)(unit(&x) * 5);
            int b1 = 1 + (int)(unit(&x) * 5);
            /* Some answers missing, so leaves go without a value now and then. */
            char cell[16];
            snprintf(cell, sizeof cell, "%d", a2);
            rows[g * EACH + i] = lotk_xasprintf("ORG-%d,%d,%s,%d", g + 1, a1,
                                                unit(&x) < 0.2 ? "" : cell, b1);
        }
    lotk_buf_puts(&b, "org,a1,a2,b1\n");
    for (int k = 0; k < ORGS * EACH; k++) {
        int i = reversed ? ORGS * EACH - 1 - k : k;
        lotk_buf_printf(&b, "%s\n", rows[i]);
        free(rows[i]);
    }
    return b.data;
}

static struct lotk_bootstrap *run(const struct lotk_standard *s, const char *csv,
                                  uint64_t seed, struct lotk_result **r_out)
{
    struct lotk_boot_rows *rows;
    struct lotk_result *r = score_collecting(s, csv, &rows);
    struct lotk_bootstrap_opts opts = {500, seed, 0.95};
    struct lotk_bootstrap *b = NULL;
    struct lotk_err err;
    lotk_err_clear(&err);
    assert_int_equal(lotk_bootstrap_run(rows, r, NULL, &opts, &b, &err), 0);
    lotk_bootstrap_rows_free(rows);
    *r_out = r;
    return b;
}

static bool same(const struct lotk_bootstrap *x, const struct lotk_bootstrap *y)
{
    if (x->norgs != y->norgs)
        return false;
    for (size_t k = 0; k < x->norgs; k++) {
        const struct lotk_boot_org *a = &x->orgs[k], *b = &y->orgs[k];
        if (memcmp(&a->lo, &b->lo, sizeof a->lo) || memcmp(&a->hi, &b->hi, sizeof a->hi) ||
            a->undefined != b->undefined || !a->grade_p != !b->grade_p)
            return false;
        if (a->grade_p && memcmp(a->grade_p, b->grade_p, x->nbands * sizeof *a->grade_p))
            return false;
    }
    return true;
}

static void deterministic(void **state)
{
    (void)state;
    struct lotk_standard *s = tu_load_ok(two_leaf_yaml);
    char *csv = make_csv(7, false), *backwards = make_csv(7, true);
    struct lotk_result *r1, *r2, *r3, *r4;
    struct lotk_bootstrap *b1 = run(s, csv, 11, &r1);
    struct lotk_bootstrap *b2 = run(s, csv, 11, &r2);
    struct lotk_bootstrap *b3 = run(s, backwards, 11, &r3); /* rows in the other order */
    struct lotk_bootstrap *b4 = run(s, csv, 12, &r4);
    assert_true(same(b1, b2));
    assert_true(same(b1, b3));
    assert_false(same(b1, b4));
    for (size_t k = 0; k < r1->norgs; k++) {
        const struct lotk_boot_org *o = &b1->orgs[k];
        assert_true(o->lo <= r1->orgs[k].points && r1->orgs[k].points <= o->hi);
        assert_non_null(o->grade_p);
        assert_close(o->grade_p[0] + o->grade_p[1] + (double)o->undefined / 500, 1, 1e-12);
    }
    lotk_bootstrap_free(b1);
    lotk_bootstrap_free(b2);
    lotk_bootstrap_free(b3);
    lotk_bootstrap_free(b4);
    lotk_result_free(r1);
    lotk_result_free(r2);
    lotk_result_free(r3);
    lotk_result_free(r4);
    free(csv);
    free(backwards);
    lotk_standard_free(s);
}

/* Organizations with fewer respondents than min_respondents get no grade probabilities;
 * one respondent gives a degenerate interval at the point estimate. */
static void no_grade_for_few_respondents(void **state)
{
    (void)state;
    struct lotk_standard *s = tu_load_ok(two_leaf_yaml);
    struct lotk_result *r;
    struct lotk_bootstrap *b = run(s, "org,a1,a2,b1\nX,4,5,3\n", 1, &r);
    assert_null(b->orgs[0].grade_p);
    assert_close(b->orgs[0].lo, r->orgs[0].points, 1e-12);
    assert_close(b->orgs[0].hi, r->orgs[0].points, 1e-12);
    lotk_bootstrap_free(b);
    lotk_result_free(r);
    lotk_standard_free(s);
}

/* Coverage: 300 organizations of 40 respondents answer one item on 0..10 drawn from
 * Binomial(10, p) with p known, so the true total is 100·p. A 95 % percentile interval
 * should hold it about 95 % of the time (a little less for n = 40: the percentile
 * bootstrap of a mean is known to under-cover slightly). */
static void coverage_on_synthetic_data(void **state)
{
    (void)state;
    struct lotk_standard *s = tu_load_ok(
        "format: lotk/1\nid: cov\nversion: \"1\"\nkind: other\ntitle: {en: Coverage}\n"
        "scales: {s: {min: 0, max: 10}}\nsurvey: {org_column: org}\n"
        "indicators:\n  - {id: A, items: [{id: a, scale: s}]}\n");
    enum { ORGS = 300, EACH = 40 };
    struct lotk_buf csv = {0};
    double truth[ORGS];
    uint64_t x = 2024;
    lotk_buf_puts(&csv, "org,a\n");
    for (int g = 0; g < ORGS; g++) {
        truth[g] = 0.3 + 0.4 * unit(&x);
        for (int i = 0; i < EACH; i++) {
            int k = 0;
            for (int t = 0; t < 10; t++)
                k += unit(&x) < truth[g];
            lotk_buf_printf(&csv, "G%03d,%d\n", g, k);
        }
    }
    struct lotk_boot_rows *rows;
    struct lotk_result *r = score_collecting(s, csv.data, &rows);
    struct lotk_bootstrap_opts opts = {1000, 1, 0.95};
    struct lotk_bootstrap *b = NULL;
    struct lotk_err err;
    assert_int_equal(lotk_bootstrap_run(rows, r, NULL, &opts, &b, &err), 0);
    int covered = 0;
    for (size_t k = 0; k < r->norgs; k++) {
        int g = atoi(r->orgs[k].id + 1);
        covered += b->orgs[k].lo <= 100 * truth[g] && 100 * truth[g] <= b->orgs[k].hi;
    }
    double coverage = covered / (double)ORGS;
    print_message("coverage of the 95 %% interval: %.3f (%d of %d)\n", coverage, covered, ORGS);
    assert_true(coverage >= 0.90 && coverage <= 0.98);
    lotk_bootstrap_free(b);
    lotk_bootstrap_rows_free(rows);
    lotk_result_free(r);
    lotk_buf_free(&csv);
    lotk_standard_free(s);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(pcg32_reference),
        cmocka_unit_test(splitmix64_reference),
        cmocka_unit_test(bounded_draws),
        cmocka_unit_test(deterministic),
        cmocka_unit_test(no_grade_for_few_respondents),
        cmocka_unit_test(coverage_on_synthetic_data),
    };
    return cmocka_run_group_tests_name("bootstrap", tests, NULL, NULL);
}
