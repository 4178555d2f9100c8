/* test_statistics.c — a city standard's statistics file (core/input/statistics.c, issue 13):
 * goalposts both ways and clipping, blank and non-numeric cells reported at
 * file:line:column, a missing column, a unit given twice. */
#include "testutil.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "city_fixtures.h"
#include "input/statistics.h"

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

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(goalposts),
        cmocka_unit_test(statistics_file),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
