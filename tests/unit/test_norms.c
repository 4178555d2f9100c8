/* test_norms.c — norm tables and percentile ranks (core/norms.c).
 *
 * Quantiles and percentile ranks are checked against R 4 (quantile(x, p, type = 7) and
 * (sum(x < v) + 0.5 * sum(x == v)) / length(x) * 100, cross-checked with
 * (rank(x, ties.method = "average") - 0.5) / n * 100); the values were printed with
 * sprintf("%.17g") by the script in the comment of each test. */
#include "testutil.h"

#include <jansson.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "analysis/doc.h"
#include "analysis/norms.h"
#include "output/json.h"
#include "base/buf.h"
#include "base/num.h"

/* x <- c(72.5, 55.04, 87.09, 62.59, 79.35, 77.51, 61.2, 68.0, 68.0, 90.1, 45.3) */
static const double sample[] = {72.5, 55.04, 87.09, 62.59, 79.35, 77.51,
                                61.2, 68.0,  68.0,  90.1,  45.3};
enum { NSAMPLE = sizeof sample / sizeof *sample };

static int compare_doubles(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return (x > y) - (x < y);
}

static void sorted_sample(double out[NSAMPLE])
{
    memcpy(out, sample, sizeof sample);
    qsort(out, NSAMPLE, sizeof *out, compare_doubles);
}

/* Bit for bit: lotk_norms_quantile does R's arithmetic. */
#define assert_same(got, want)                                                               \
    do {                                                                                     \
        double g_ = (got), w_ = (want);                                                      \
        if (!(g_ == w_))                                                                     \
            fail_msg("%s = %.17g, R gives %.17g", #got, g_, w_);                             \
    } while (0)

/* quantile(x, c(.1,.2,.25,.3,.4,.5,.6,.7,.75,.8,.9), type = 7) */
static void quantiles_match_r(void **state)
{
    (void)state;
    double x[NSAMPLE];
    sorted_sample(x);
    static const double p[] = {0.1, 0.2, 0.25, 0.3, 0.4, 0.5, 0.6, 0.7, 0.75, 0.8, 0.9};
    static const double r[] = {55.039999999999999, 61.200000000000003, 61.895000000000003,
                               62.590000000000003, 68, 68, 72.5, 77.510000000000005,
                               78.430000000000007, 79.349999999999994, 87.090000000000003};
    for (size_t i = 0; i < sizeof p / sizeof *p; i++)
        assert_same(lotk_norms_quantile(x, NSAMPLE, p[i]), r[i]);
    assert_same(lotk_norms_quantile(x, NSAMPLE, 0), 45.3);
    assert_same(lotk_norms_quantile(x, NSAMPLE, 1), 90.1);
}

/* quantile(c(3, 10), c(.1,.25,.5,.75,.9), type = 7); quantile(42, ...) */
static void quantiles_of_small_groups(void **state)
{
    (void)state;
    static const double two[] = {3, 10};
    static const double p[] = {0.1, 0.25, 0.5, 0.75, 0.9};
    static const double r[] = {3.7000000000000006, 4.75, 6.5, 8.25, 9.3000000000000007};
    for (size_t i = 0; i < 5; i++)
        assert_same(lotk_norms_quantile(two, 2, p[i]), r[i]);
    static const double one[] = {42};
    assert_same(lotk_norms_quantile(one, 1, 0.1), 42);
    assert_same(lotk_norms_quantile(one, 1, 0.9), 42);
    assert_nan(lotk_norms_quantile(one, 0, 0.5));
}

/* pr <- function(v, x) (sum(x < v) + 0.5 * sum(x == v)) / length(x) * 100 */
static void percentile_ranks_match_r(void **state)
{
    (void)state;
    double x[NSAMPLE];
    sorted_sample(x);
    static const double v[] = {68.0, 45.3, 90.1, 50, 100, 72.5, 40};
    static const double r[] = {45.454545454545453, 4.5454545454545459, 95.454545454545453,
                               9.0909090909090917, 100, 59.090909090909093, 0};
    for (size_t i = 0; i < sizeof v / sizeof *v; i++)
        assert_close(lotk_norms_percentile(x, NSAMPLE, v[i]), r[i], 1e-15);
    /* Each member of the group: (rank(x, ties.method = "average") - 0.5) / n * 100, in the
     * order of `sample`. */
    static const double ranks[] = {59.090909090909093, 13.636363636363635, 86.36363636363636,
                                   31.818181818181817, 77.272727272727266, 68.181818181818173,
                                   22.727272727272727, 45.454545454545453, 45.454545454545453,
                                   95.454545454545453, 4.5454545454545459};
    for (size_t i = 0; i < NSAMPLE; i++)
        assert_close(lotk_norms_percentile(x, NSAMPLE, sample[i]), ranks[i], 1e-14);
    assert_nan(lotk_norms_percentile(x, NSAMPLE, NAN));
    assert_nan(lotk_norms_percentile(x, 0, 50));
}

/* The searches run side by side give each value what one search gives it: group sizes
 * from 0 to 40 (lane counts and halvings of every parity), values below, above, between,
 * on and tied with the group's, NaN, and counts that leave a partial set of lanes. */
static void percentiles_side_by_side_as_one_by_one(void **state)
{
    (void)state;
    double sorted[40];
    for (size_t n = 0; n <= 40; n++) {
        for (size_t i = 0; i < n; i++) /* ascending, in runs of three ties */
            sorted[i] = (double)(i / 3) * 2.5;
        double x[37], want[37];
        for (size_t count = 0; count <= 37; count += 9) {
            for (size_t i = 0; i < count; i++) {
                x[i] = i % 11 == 5 ? NAN : (double)i * 1.25 - 3;
                want[i] = lotk_norms_percentile(sorted, n, x[i]);
            }
            lotk_norms_percentiles(sorted, n, x, count);
            for (size_t i = 0; i < count; i++) {
                if (want[i] != want[i])
                    assert_nan(x[i]);
                else
                    assert_same(x[i], want[i]);
            }
        }
    }
}

/* lotk_norms_median gives what sorting and lotk_norms_quantile(…, 0.5) give, to the bit
 * (a zero's sign too), on lists of every length to 120 and a long one, of few distinct
 * values (ties), of distinct ones, with -0 and 0 in either order, with negatives; and
 * lotk_select_double gives every order statistic. */
static void median_by_selection_as_by_sorting(void **state)
{
    (void)state;
    double x[5000], y[5000];
    uint64_t seed = 12345;
    for (int kind = 0; kind < 4; kind++)
        for (size_t n = 0; n <= 5000; n = n < 120 ? n + 1 : n + 4880) {
            for (size_t i = 0; i < n; i++) {
                seed = seed * 6364136223846793005u + 1442695040888963407u;
                uint32_t r = (uint32_t)(seed >> 33);
                switch (kind) {
                case 0: x[i] = (double)(r % 5); break;                  /* ties */
                case 1: x[i] = (double)r / 4096.0 - 200000; break;      /* distinct */
                case 2: x[i] = r % 3 == 0 ? -0.0 : r % 3 == 1 ? 0.0 : 1; break;
                default: x[i] = (double)(r % 7) * 0.1 - 0.3; break;     /* fractions */
                }
            }
            memcpy(y, x, n * sizeof *x);
            lotk_sort_doubles(y, n);
            double want = lotk_norms_quantile(y, n, 0.5);
            double got = lotk_norms_median(x, n);
            if (n == 0)
                assert_nan(got);
            else
                assert_memory_equal(&got, &want, sizeof got);
            for (size_t k = 0; k < n && kind != 2; k += 1 + n / 7) {
                memcpy(x, y, n * sizeof *x);
                for (size_t i = 0; i + 1 < n; i += 2) { /* some other order */
                    double t = x[i];
                    x[i] = x[n - 1 - i];
                    x[n - 1 - i] = t;
                }
                assert_memory_equal(&(double){lotk_select_double(x, n, k)}, &y[k], sizeof y[k]);
            }
        }
}

/* ---- norm tables from results ------------------------------------------------------ */

/* A minimal result document: organizations ORG-<first> … with total points first + k and
 * node A's points 10 + k. Those listed in few get the few_respondents flag. */
static char *result_json(const char *version, int first, int count, int few)
{
    struct lotk_buf b = {0};
    lotk_buf_printf(&b,
                    "{\"standard\": {\"id\": \"t\", \"version\": \"%s\", \"sha256\": \"ab\", "
                    "\"points\": 100.0},\n \"organizations\": [\n",
                    version);
    for (int k = 0; k < count; k++)
        lotk_buf_printf(&b,
                        "  {\"id\": \"ORG-%d\", \"points\": %d.5, \"grade\": null, "
                        "\"nodes\": {\"A\": {\"norm\": 0.5, \"points\": %d}, "
                        "\"B\": {\"norm\": null, \"points\": null}}, \"flags\": [%s]}%s\n",
                        first + k, 60 + first + k, 10 + first + k,
                        first + k == few ? "\"few_respondents\"" : "",
                        k + 1 < count ? "," : "");
    lotk_buf_puts(&b, " ]}\n");
    return b.data;
}

static void table_from_results(void **state)
{
    (void)state;
    char *dir = tu_tempdir();
    char *a = result_json("1.0", 1, 4, 2), *b = result_json("1.0", 4, 3, 0);
    char *pa = tu_write(dir, "a.json", a, -1), *pb = tu_write(dir, "b.json", b, -1);
    const char *paths[] = {pa, pb};
    struct lotk_norms *nm = NULL;
    struct lotk_err err;
    lotk_err_clear(&err);
    FILE *warn = tmpfile();
    assert_int_equal(lotk_norms_build(paths, 2, 3, warn, &nm, &err), 0);
    /* a: ORG-1..4 (ORG-2 few_respondents, left out); b: ORG-4 again (counted once, from a),
     * ORG-5, ORG-6. Total points 61.5, 63.5, 64.5, 65.5, 66.5. */
    const struct lotk_norm_group *total = lotk_norms_group(nm, "total");
    assert_non_null(total);
    assert_int_equal(total->n, 5);
    assert_false(total->suppressed);
    static const double want[] = {61.5, 63.5, 64.5, 65.5, 66.5};
    for (size_t i = 0; i < 5; i++)
        assert_close(total->values[i], want[i], 0);
    const struct lotk_norm_group *node_a = lotk_norms_group(nm, "A");
    assert_int_equal(node_a->n, 5);
    assert_close(node_a->values[0], 11, 0);
    const struct lotk_norm_group *node_b = lotk_norms_group(nm, "B");
    assert_true(node_b->suppressed); /* nobody has a value */
    assert_int_equal(node_b->n, 0);
    /* The warnings name the duplicate and the suppressed group. */
    char text[2048] = {0};
    rewind(warn);
    size_t len = fread(text, 1, sizeof text - 1, warn);
    text[len] = '\0';
    fclose(warn);
    assert_non_null(strstr(text, "1 organization is already in an earlier file"));
    assert_non_null(strstr(text, "ORG-4 (in "));
    assert_non_null(strstr(text, "suppressed (no quantiles, no percentile ranks): B (0)"));

    /* Written and read back, the table is the same. */
    struct lotk_buf out = {0};
    lotk_write_json_norms(nm, &out);
    char *pn = tu_write(dir, "norms.json", out.data, -1);
    struct lotk_norms *back = NULL;
    assert_int_equal(lotk_norms_load(pn, &back, &err), 0);
    assert_true(back->from_file);
    assert_int_equal(back->min_group, 3);
    const struct lotk_norm_group *t2 = lotk_norms_group(back, "total");
    assert_int_equal(t2->n, 5);
    for (size_t i = 0; i < 5; i++)
        assert_close(t2->values[i], want[i], 0);
    assert_true(lotk_norms_group(back, "B")->suppressed);
    /* quantile(c(61.5, 63.5, 64.5, 65.5, 66.5), .25) = 63.5 */
    json_error_t je;
    json_t *j = json_loads(out.data, 0, &je);
    json_t *q = json_object_get(json_object_get(json_object_get(j, "nodes"), "total"),
                                "quartiles");
    assert_close(json_real_value(json_array_get(q, 0)), 63.5, 0);
    assert_close(json_real_value(json_array_get(q, 1)), 64.5, 0);
    json_decref(j);

    lotk_norms_free(back);
    lotk_norms_free(nm);
    lotk_buf_free(&out);
    free(a);
    free(b);
    free(pa);
    free(pb);
    free(pn);
    tu_rmtree(dir);
}

static void versions_must_match(void **state)
{
    (void)state;
    char *dir = tu_tempdir();
    char *a = result_json("1.0", 1, 2, 0), *b = result_json("2.0", 3, 2, 0);
    char *pa = tu_write(dir, "a.json", a, -1), *pb = tu_write(dir, "b.json", b, -1);
    const char *paths[] = {pa, pb};
    struct lotk_norms *nm = NULL;
    struct lotk_err err;
    lotk_err_clear(&err);
    assert_int_equal(lotk_norms_build(paths, 2, 1, NULL, &nm, &err), LOTK_EUSAGE);
    assert_null(nm);
    assert_non_null(strstr(err.msg, "scored with standard t 2.0"));
    free(a);
    free(b);
    free(pa);
    free(pb);
    tu_rmtree(dir);
}

static void bad_json_has_a_position(void **state)
{
    (void)state;
    char *dir = tu_tempdir();
    char *p = tu_write(dir, "bad.json", "{\n  \"standard\": {\n    \"id\": tru\n", -1);
    struct lotk_doc doc;
    struct lotk_err err;
    lotk_err_clear(&err);
    assert_int_equal(lotk_doc_load(p, &doc, &err), LOTK_EIO);
    assert_int_equal(err.line, 3);
    assert_true(err.column > 0);
    assert_non_null(strstr(err.msg, "invalid JSON: "));
    free(p);
    p = tu_write(dir, "other.json", "{\"standard\": {\"id\": \"x\"}}", -1);
    assert_int_equal(lotk_doc_load(p, &doc, &err), LOTK_EIO);
    assert_non_null(strstr(err.msg, "not a lotk score result"));
    free(p);
    tu_rmtree(dir);
}

/* ---- percentile ranks of a batch --------------------------------------------------- */

static const char *mini_yaml =
    "format: lotk/1\nid: mini\nversion: \"1\"\nkind: other\ntitle: {en: Mini}\n"
    "scales: {s: {min: 0, max: 10}}\n"
    "survey: {org_column: org, min_respondents: 2}\n"
    "indicators:\n"
    "  - {id: A, weight: 1, items: [{id: a, scale: s}]}\n"
    "  - {id: B, weight: 3, items: [{id: b, scale: s}]}\n";

static void ranks_of_the_batch(void **state)
{
    (void)state;
    struct lotk_standard *s = tu_load_ok(mini_yaml);
    /* Totals: O1 = (1·2 + 3·2)/4·10 = 20, O2 = 40, O3 = 40, O4 (one respondent: few, not in
     * the group) = 100, O5 = 80. */
    struct lotk_result *r = tu_score_csv(s, "org,a,b\n"
                                            "O1,2,2\nO1,2,2\n"
                                            "O2,4,4\nO2,4,4\n"
                                            "O3,2,5\nO3,6,3\n"
                                            "O4,10,10\n"
                                            "O5,8,8\nO5,8,8\n");
    struct lotk_norms *nm = lotk_norms_from_result(r, 2, 1);
    const struct lotk_norm_group *total = lotk_norms_group(nm, "total");
    assert_int_equal(total->n, 4);
    struct lotk_ranks *rk = lotk_ranks_compute(nm, r, 1);
    assert_int_equal(rk->organizations, 4);
    assert_int_equal(rk->nsuppressed, 0);
    int root = 0, a = tu_node(s, "A");
    size_t nn = s->nnodes;
    /* Group {20, 40, 40, 80}: O1 (0 + .5)/4, O2 and O3 (1 + 1)/4, O5 (3 + .5)/4, O4 above
     * all (4 + 0)/4. */
    assert_close(rk->pct[0 * nn + root], 12.5, 1e-15);
    assert_close(rk->pct[1 * nn + root], 50, 1e-15);
    assert_close(rk->pct[2 * nn + root], 50, 1e-15);
    assert_close(rk->pct[3 * nn + root], 100, 1e-15);
    assert_close(rk->pct[4 * nn + root], 87.5, 1e-15);
    /* A: points 5, 10, 10, (25), 20 of its 25. */
    assert_close(rk->pct[0 * nn + a], 12.5, 1e-15);
    assert_close(rk->pct[4 * nn + a], 87.5, 1e-15);
    lotk_ranks_free(rk);
    lotk_norms_free(nm);

    /* A minimum group of 5 suppresses everything; ranks are NaN and listed. */
    nm = lotk_norms_from_result(r, 5, 2);
    rk = lotk_ranks_compute(nm, r, 2);
    assert_int_equal(rk->nsuppressed, s->nnodes);
    assert_nan(rk->pct[0]);
    lotk_ranks_free(rk);
    lotk_norms_free(nm);
    lotk_result_free(r);
    lotk_standard_free(s);
}

/* Norms and ranks of a batch of 2,000 organizations (eight blocks of ranks, tied and
 * distinct points) are the same, bit for bit, on one thread and on three. */
static void ranks_the_same_on_threads(void **state)
{
    (void)state;
    struct lotk_standard *s = tu_load_ok(mini_yaml);
    struct lotk_buf csv = {0};
    lotk_buf_puts(&csv, "org,a,b\n");
    for (int k = 0; k < 2000; k++)
        for (int rep = 0; rep < 2; rep++)
            lotk_buf_printf(&csv, "O%d,%d,%d\n", k, (k * 7 + rep) % 11, (k * 13) % 11);
    struct lotk_result *r = tu_score_csv(s, csv.data);
    struct lotk_norms *one = lotk_norms_from_result(r, 2, 1);
    struct lotk_norms *three = lotk_norms_from_result(r, 2, 3);
    assert_int_equal(one->ngroups, three->ngroups);
    for (size_t g = 0; g < one->ngroups; g++) {
        assert_int_equal(one->groups[g].n, three->groups[g].n);
        assert_memory_equal(one->groups[g].values, three->groups[g].values,
                            one->groups[g].n * sizeof *one->groups[g].values);
    }
    struct lotk_ranks *rk1 = lotk_ranks_compute(one, r, 1);
    struct lotk_ranks *rk3 = lotk_ranks_compute(one, r, 3);
    size_t cells = r->norgs * s->nnodes;
    assert_int_equal(r->norgs, 2000);
    for (size_t i = 0; i < cells; i++)
        if (rk1->pct[i] == rk1->pct[i])
            assert_memory_equal(&rk1->pct[i], &rk3->pct[i], sizeof rk1->pct[i]);
        else
            assert_nan(rk3->pct[i]);
    lotk_ranks_free(rk1);
    lotk_ranks_free(rk3);
    lotk_norms_free(one);
    lotk_norms_free(three);
    lotk_result_free(r);
    lotk_buf_free(&csv);
    lotk_standard_free(s);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(quantiles_match_r),
        cmocka_unit_test(quantiles_of_small_groups),
        cmocka_unit_test(percentile_ranks_match_r),
        cmocka_unit_test(percentiles_side_by_side_as_one_by_one),
        cmocka_unit_test(median_by_selection_as_by_sorting),
        cmocka_unit_test(ranks_the_same_on_threads),
        cmocka_unit_test(table_from_results),
        cmocka_unit_test(versions_must_match),
        cmocka_unit_test(bad_json_has_a_position),
        cmocka_unit_test(ranks_of_the_batch),
    };
    return cmocka_run_group_tests_name("norms", tests, NULL, NULL);
}
