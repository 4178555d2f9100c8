/* test_plugin.c — the Lua twins of the built-in aggregates (the .lua files in plugins/) and the
 * leaf_mean respondent plugin agree with the C code to 1e-12, on random inputs. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "lua/plugin.h"
#include "score/score.h"
#include "standard/standard.h"
#include "input/survey.h"
#include "base/mem.h"

static const char *const twin_yaml =
    "format: lotk/1\nid: twins\nversion: '1'\nkind: other\ntitle: {en: twins}\n"
    "scales: {s5: {min: 1, max: 5}}\nsurvey: {org_column: org}\n"
    "aggregate: AGG\n"
    "indicators:\n"
    "  - {id: A, weight: 1, items: [{id: a, scale: s5}]}\n"
    "  - {id: B, weight: 2.5, items: [{id: b, scale: s5}]}\n"
    "  - {id: C, weight: 0.75, items: [{id: c, scale: s5}]}\n"
    "  - {id: D, weight: 4, items: [{id: d, scale: s5}]}\n";

static char *write_temp(const char *text)
{
    char path[] = "/tmp/lotk-test-plugin-XXXXXX";
    int fd = mkstemp(path);
    assert_true(fd >= 0);
    assert_int_equal(write(fd, text, strlen(text)), (ssize_t)strlen(text));
    close(fd);
    return lotk_xstrdup(path);
}

static struct lotk_standard *load_with_aggregate(const char *aggregate, char **path)
{
    char *yaml = lotk_xstrdup(twin_yaml);
    char *at = strstr(yaml, "AGG");
    char *full = lotk_xasprintf("%.*s%s%s", (int)(at - yaml), yaml, aggregate, at + 3);
    *path = write_temp(full);
    struct lotk_diags d = {0};
    struct lotk_standard *s = NULL;
    assert_int_equal(lotk_standard_load(*path, &s, &d), 0);
    lotk_diags_free(&d);
    free(full);
    free(yaml);
    return s;
}

static void twin_agrees(const char *name)
{
    char *path_c, *path_lua;
    struct lotk_standard *sc = load_with_aggregate(name, &path_c);
    char *plugin_file = lotk_xasprintf("%s/%s.lua", LOTK_PLUGINS_DIR, name);
    struct lotk_standard *sl = load_with_aggregate(plugin_file, &path_lua);
    assert_int_equal(sl->nodes[0].aggregate, LOTK_AGG_PLUGIN);
    struct lotk_err err;
    struct lotk_plugins *p = lotk_plugins_new(NULL, sl, &err);
    assert_non_null(p);

    double norm[5];
    unsigned seed = 20141030;
    for (int trial = 0; trial < 2000; trial++) {
        for (int i = 1; i < 5; i++) {
            seed = seed * 1103515245u + 12345u;
            norm[i] = (double)(seed >> 8) / (double)(1u << 24);
            if (trial % 50 == 0 && i == 2)
                norm[i] = 0; /* geomean's zero rule */
        }
        norm[0] = NAN;
        double want, got;
        bool inc1 = false, inc2 = false;
        assert_int_equal(lotk_score_aggregate(sc, NULL, 0, norm, &want, &inc1, &err), 0);
        int rc = lotk_score_aggregate(sl, p, 0, norm, &got, &inc2, &err);
        if (rc)
            fail_msg("%s: %s", name, err.msg);
        if (fabs(want - got) > 1e-12)
            fail_msg("%s: C %.17g, Lua %.17g", name, want, got);
    }
    lotk_plugins_free(p);
    lotk_standard_free(sc);
    lotk_standard_free(sl);
    unlink(path_c);
    unlink(path_lua);
    free(path_c);
    free(path_lua);
    free(plugin_file);
}

static void test_mean(void **state) { twin_agrees("mean"); }
static void test_weighted_mean(void **state) { twin_agrees("weighted_mean"); }
static void test_min(void **state) { twin_agrees("min"); }
static void test_max(void **state) { twin_agrees("max"); }
static void test_geomean(void **state) { twin_agrees("geomean"); }

/* Scores the psych fixture once with the built-in leaf mean and once with the leaf_mean
 * respondent plugin: every organization mean must agree. */
static struct lotk_result *score_fixture(struct lotk_standard *s, struct lotk_plugins *p)
{
    struct lotk_err err;
    struct lotk_scorer *sc = lotk_scorer_new(s, p, false);
    struct lotk_survey_sink sink = {lotk_scorer_add, sc, NULL, NULL, false};
    struct lotk_survey *sv = lotk_survey_new(s, &sink);
    if (lotk_survey_read(sv, LOTK_PSYCH_DIR "/responses.csv", &err) != 0)
        fail_msg("%s", err.msg);
    struct lotk_result *r;
    assert_int_equal(lotk_scorer_finish(sc, lotk_survey_counts(sv), &r, &err), 0);
    lotk_survey_free(sv);
    lotk_scorer_free(sc);
    return r;
}

static void test_leaf_mean_plugin(void **state)
{
    struct lotk_diags d = {0};
    struct lotk_standard *s;
    assert_int_equal(lotk_standard_load(LOTK_PSYCH_DIR "/standard.yaml", &s, &d), 0);
    struct lotk_result *builtin = score_fixture(s, NULL);
    s->respondent_plugin = lotk_xstrdup(LOTK_PLUGINS_DIR "/leaf_mean.lua");
    struct lotk_err err;
    struct lotk_plugins *p = lotk_plugins_new(NULL, s, &err);
    struct lotk_result *lua = score_fixture(s, p);
    assert_int_equal(builtin->norgs, lua->norgs);
    for (size_t o = 0; o < builtin->norgs; o++)
        for (size_t n = 0; n < s->nnodes; n++) {
            double x = builtin->orgs[o].mean[n], y = lua->orgs[o].mean[n];
            assert_true((x != x && y != y) || fabs(x - y) <= 1e-12);
            assert_int_equal(builtin->orgs[o].n[n], lua->orgs[o].n[n]);
        }
    lotk_result_free(builtin);
    lotk_result_free(lua);
    lotk_plugins_free(p);
    lotk_standard_free(s);
    lotk_diags_free(&d);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_mean),     cmocka_unit_test(test_weighted_mean),
        cmocka_unit_test(test_min),      cmocka_unit_test(test_max),
        cmocka_unit_test(test_geomean),  cmocka_unit_test(test_leaf_mean_plugin),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
