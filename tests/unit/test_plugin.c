/* test_plugin.c — the plugin tier behind lua/plugin.h. The Lua twins of the built-in
 * aggregates (the .lua files in plugins/) and the leaf_mean respondent plugin agree with the
 * C code to 1e-12, on random inputs; library plugins and lotk.require (registry.c); report
 * plugins' ctx, result type and budget (call.c); a library's own tests (ptest.c). */
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

#include <jansson.h>

#include "testutil.h"
#include "base/buf.h"
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

/* ---- library plugins and lotk.require --------------------------------------------- */

/* Writes dir/name (tu_write without the path to free). */
static void put(const char *dir, const char *name, const char *text, long len)
{
    free(tu_write(dir, name, text, len));
}

/* A registry whose search path is dirs (colon-separated), with limits (NULL: defaults). */
static struct lotk_plugins *registry_on(const char *dirs, const struct lotk_lhost_limits *limits)
{
    setenv("LOTK_PLUGIN_PATH", dirs, 1);
    struct lotk_err err;
    struct lotk_plugins *p = lotk_plugins_new(limits, NULL, &err);
    if (!p)
        fail_msg("lotk_plugins_new: %s", err.msg);
    unsetenv("LOTK_PLUGIN_PATH");
    return p;
}

/* Loads dir/name.lua, expecting rc; on failure, an error containing needle. */
static const struct lotk_plugin *load_expect(struct lotk_plugins *p, const char *dir,
                                             const char *name, int rc, const char *needle,
                                             struct lotk_err *err)
{
    char *path = lotk_xasprintf("%s/%s.lua", dir, name);
    const struct lotk_plugin *pl = NULL;
    lotk_err_clear(err);
    int got = lotk_plugins_load_file(p, path, &pl, err);
    if (got != rc)
        fail_msg("%s: rc %d, expected %d (%s)", name, got, rc, err->msg);
    if (needle && !strstr(err->msg, needle))
        fail_msg("%s: error '%s' lacks '%s'", name, err->msg, needle);
    free(path);
    return pl;
}

#define PLUGIN_HEAD(name, kind)                                                              \
    "return {api = 1, name = '" name "', version = '1', kind = '" kind "', description = 'x',\n"

static void test_library_fields(void **state)
{
    (void)state;
    char *dir = tu_tempdir();
    put(dir, "lib_ok.lua", PLUGIN_HEAD("lib_ok", "library") "exports = {f = tostring}}", -1);
    put(dir, "lib_none.lua", PLUGIN_HEAD("lib_none", "library") "}", -1);
    put(dir, "lib_str.lua", PLUGIN_HEAD("lib_str", "library") "exports = 'x'}", -1);
    put(dir, "lib_fn.lua",
             PLUGIN_HEAD("lib_fn", "library") "exports = {}, report = function() end}", -1);
    put(dir, "lib_self.lua",
             PLUGIN_HEAD("lib_self", "library") "exports = {}, library = function() end}", -1);
    put(dir, "agg_exp.lua", PLUGIN_HEAD("agg_exp", "aggregate")
             "exports = {}, aggregate = function() return 0 end}", -1);
    put(dir, "bad_kind.lua", PLUGIN_HEAD("bad_kind", "helper") "exports = {}}", -1);
    struct lotk_plugins *p = registry_on(dir, NULL);
    struct lotk_err err;
    const struct lotk_plugin *pl = load_expect(p, dir, "lib_ok", 0, NULL, &err);
    assert_int_equal(pl->kind, LOTK_PLUGIN_LIBRARY);
    assert_string_equal(lotk_plugin_kind_name(pl->kind), "library");
    load_expect(p, dir, "lib_none", LOTK_ESTANDARD, "plugin of kind library: missing the "
                "table 'exports'", &err);
    load_expect(p, dir, "lib_str", LOTK_ESTANDARD, "plugin field 'exports': expected a table",
                &err);
    load_expect(p, dir, "lib_fn", LOTK_ESTANDARD, "a library has no function 'report'", &err);
    load_expect(p, dir, "lib_self", LOTK_ESTANDARD, "unknown field 'library'", &err);
    load_expect(p, dir, "agg_exp", LOTK_ESTANDARD, "plugin of kind aggregate: only a library "
                "has 'exports'", &err);
    load_expect(p, dir, "bad_kind", LOTK_ESTANDARD, "expected aggregate, respondent, rule, "
                "report or library, found 'helper'", &err);
    lotk_plugins_free(p);
    tu_rmtree(dir);
}

/* Calls report plugin name (found like `-f NAME` would) with result, returning its text. */
static char *report_text(struct lotk_plugins *p, const char *name, const char *result_json,
                         const struct lotk_report_ctx *ctx)
{
    const struct lotk_plugin *pl;
    struct lotk_err err;
    lotk_err_clear(&err);
    if (lotk_plugins_find(p, name, LOTK_PLUGIN_REPORT, &pl, &err) != 0)
        fail_msg("%s: %s", name, err.msg);
    json_t *result = json_loads(result_json, 0, NULL);
    assert_non_null(result);
    struct lotk_buf out = {0};
    if (lotk_plugin_report(p, pl, result, ctx, &out, &err) != 0)
        fail_msg("%s: %s", name, err.msg);
    json_decref(result);
    char *text = lotk_xstrdup(out.data ? out.data : "");
    lotk_buf_free(&out);
    return text;
}

static const char *const counter_lib =
    PLUGIN_HEAD("fmt", "library")
    "exports = (function()\n"
    "  local n = 0\n"
    "  return {who = 'user', next = function() n = n + 1 return n end,\n"
    "          colours = {red = '#f00'}}\n"
    "end)()}\n";

static void test_require_once_readonly(void **state)
{
    (void)state;
    char *dir = tu_tempdir();
    put(dir, "fmt.lua", counter_lib, -1);
    /* Two report plugins require it when they load; they get one table and one state. */
    const char *rep = "local fmt = lotk.require('fmt')\n"
                      PLUGIN_HEAD("%s", "report")
                      "report = function(result, ctx)\n"
                      "  local ok, e = pcall(function() fmt.colours.red = 1 end)\n"
                      "  local ok2 = pcall(function() fmt.extra = 1 end)\n"
                      "  return tostring(fmt) .. ' ' .. fmt.next() .. ' ' .. tostring(ok) .. ' '"
                      " .. tostring(ok2) .. ' ' .. fmt.colours.red\n"
                      "end}\n";
    for (int i = 0; i < 2; i++) {
        char name[16], file[32];
        snprintf(name, sizeof name, "rep_%c", 'a' + i);
        snprintf(file, sizeof file, "%s.lua", name);
        char *src = lotk_xasprintf("local fmt = lotk.require('fmt')\n"
                                   "return {api = 1, name = '%s', version = '1', kind = 'report',"
                                   " description = 'x',\n%s", name,
                                   strstr(rep, "report = function"));
        put(dir, file, src, -1);
        free(src);
    }
    struct lotk_plugins *p = registry_on(dir, NULL);
    char *a = report_text(p, "rep_a", "{}", NULL), *b = report_text(p, "rep_b", "{}", NULL);
    /* "table: 0x… N false false #f00": the same exports (address), one counter (1 then 2),
     * writes refused at every level */
    char addr_a[64], addr_b[64];
    int n_a, n_b;
    assert_int_equal(sscanf(a, "table: %63s %d", addr_a, &n_a), 2);
    assert_int_equal(sscanf(b, "table: %63s %d", addr_b, &n_b), 2);
    assert_string_equal(addr_a, addr_b);
    assert_int_equal(n_a, 1);
    assert_int_equal(n_b, 2);
    assert_non_null(strstr(a, " false false #f00"));
    free(a);
    free(b);
    lotk_plugins_free(p);
    tu_rmtree(dir);
}

static void test_require_user_replaces_shipped(void **state)
{
    (void)state;
    char *user = tu_tempdir(), *shipped = tu_tempdir();
    put(user, "fmt.lua", counter_lib, -1);
    char *theirs = lotk_xstrdup(counter_lib);
    memcpy(strstr(theirs, "'user'"), "'ship'", 6);
    put(shipped, "fmt.lua", theirs, -1);
    free(theirs);
    const char *rep = PLUGIN_HEAD("html", "report")
                      "report = function(result, ctx) return lotk.require('fmt').who end}\n";
    put(user, "html.lua", rep, -1);
    put(shipped, "html.lua", "error('the shipped html must not be loaded')", -1);
    char *path = lotk_xasprintf("%s:%s", user, shipped);
    struct lotk_plugins *p = registry_on(path, NULL);
    /* The first file on the path wins for a report plugin and for a library... */
    char *text = report_text(p, "html", "{}", NULL);
    assert_string_equal(text, "user");
    free(text);
    /* ...while a name on the path twice stays ambiguous for the scoring kinds' lookup. */
    const struct lotk_plugin *pl;
    struct lotk_err err;
    lotk_err_clear(&err);
    lotk_plugins_free(p);
    p = registry_on(path, NULL);
    assert_int_equal(lotk_plugins_get(p, "fmt", &pl, &err), LOTK_ESTANDARD);
    assert_non_null(strstr(err.msg, "two plugins named 'fmt'"));
    /* A report plugin that is asked for as one but is not one. */
    assert_int_equal(lotk_plugins_find(p, "html", LOTK_PLUGIN_LIBRARY, &pl, &err),
                     LOTK_ESTANDARD);
    assert_non_null(strstr(err.msg, "plugin 'html' is of kind report, not a library plugin"));
    lotk_plugins_free(p);
    free(path);
    tu_rmtree(user);
    tu_rmtree(shipped);
}

static void test_require_errors(void **state)
{
    (void)state;
    char *dir = tu_tempdir();
    put(dir, "cyc_a.lua", "local b = lotk.require('cyc_b')\n"
             PLUGIN_HEAD("cyc_a", "library") "exports = {}}", -1);
    put(dir, "cyc_b.lua", "\nlocal a = lotk.require('cyc_a')\n"
             PLUGIN_HEAD("cyc_b", "library") "exports = {}}", -1);
    put(dir, "use_cyc.lua", "local a = lotk.require('cyc_a')\n"
             PLUGIN_HEAD("use_cyc", "report") "report = function() return '' end}", -1);
    put(dir, "use_missing.lua", "\n\nlocal a = lotk.require('nowhere')\n"
             PLUGIN_HEAD("use_missing", "report") "report = function() return '' end}", -1);
    put(dir, "plain.lua", PLUGIN_HEAD("plain", "report") "report = function() return '' end}", -1);
    put(dir, "use_report.lua", "local a = lotk.require('plain')\n"
             PLUGIN_HEAD("use_report", "report") "report = function() return '' end}", -1);
    put(dir, "use_path.lua", "local a = lotk.require('../fmt.lua')\n"
             PLUGIN_HEAD("use_path", "report") "report = function() return '' end}", -1);
    put(dir, "use_broken.lua", "local a = lotk.require('broken')\n"
             PLUGIN_HEAD("use_broken", "report") "report = function() return '' end}", -1);
    put(dir, "broken.lua", "local x = 1\nerror('broken library')\n", -1);
    struct lotk_plugins *p = registry_on(dir, NULL);
    struct lotk_err err;
    char *where;
    /* The cycle is named where it closes: cyc_b's line 2. */
    load_expect(p, dir, "use_cyc", LOTK_ESTANDARD,
                "lotk.require('cyc_a'): a cycle of requires: cyc_a → cyc_b → cyc_a", &err);
    where = lotk_xasprintf("%s/cyc_b.lua", dir);
    assert_string_equal(err.file, where);
    assert_int_equal(err.line, 2);
    free(where);
    load_expect(p, dir, "use_missing", LOTK_ESTANDARD,
                "lotk.require('nowhere'): no plugin named 'nowhere'", &err);
    where = lotk_xasprintf("%s/use_missing.lua", dir);
    assert_string_equal(err.file, where);
    assert_int_equal(err.line, 3);
    free(where);
    load_expect(p, dir, "use_report", LOTK_ESTANDARD, "lotk.require('plain'): ", &err);
    assert_non_null(strstr(err.msg, "plugin 'plain' is of kind report, not a library plugin"));
    assert_int_equal(err.line, 1);
    load_expect(p, dir, "use_path", LOTK_ESTANDARD, "expected a library's name, not "
                "'../fmt.lua'", &err);
    assert_int_equal(err.line, 1);
    /* An error inside the library keeps the library's own place. */
    load_expect(p, dir, "use_broken", LOTK_ESTANDARD, "broken library", &err);
    where = lotk_xasprintf("%s/broken.lua", dir);
    assert_string_equal(err.file, where);
    assert_int_equal(err.line, 2);
    free(where);
    /* After all that, the registry still works: nothing is left marked as loading. */
    put(dir, "fine.lua", PLUGIN_HEAD("fine", "library") "exports = {x = 1}}", -1);
    put(dir, "use_fine.lua", "local f = lotk.require('fine')\n"
             PLUGIN_HEAD("use_fine", "report") "report = function() return ''..f.x end}", -1);
    char *text = report_text(p, "use_fine", "{}", NULL);
    assert_string_equal(text, "1");
    free(text);
    lotk_plugins_free(p);
    tu_rmtree(dir);
}

/* ---- report plugins ---------------------------------------------------------------- */

static void test_report_ctx(void **state)
{
    (void)state;
    char *dir = tu_tempdir();
    put(dir, "show.lua", PLUGIN_HEAD("show", "report")
             "report = function(result, ctx)\n"
             "  local t = {tostring(ctx.format), tostring(ctx.lang),\n"
             "             tostring(ctx.messages and ctx.messages.total),\n"
             "             tostring(ctx.messages and ctx.messages.rank),\n"
             "             result.standard.id, tostring(#result.organizations),\n"
             "             tostring(result.organizations[2].points), tostring(result.none)}\n"
             "  return table.concat(t, '|')\n"
             "end}\n", -1);
    struct lotk_plugins *p = registry_on(dir, NULL);
    const struct lotk_report_message zh[] = {{"total", "总分"}, {"rank", "排名"}};
    struct lotk_report_ctx ctx = {"html", "zh", zh, 2};
    const char *result = "{\"standard\": {\"id\": \"enterprise\"}, \"none\": null,"
                         " \"organizations\": [{\"id\": \"A\"}, {\"id\": \"B\", \"points\": 7.5}]}";
    char *text = report_text(p, "show", result, &ctx);
    assert_string_equal(text, "html|zh|总分|排名|enterprise|2|7.5|nil");
    free(text);
    text = report_text(p, "show", result, NULL);
    assert_string_equal(text, "nil|nil|nil|nil|enterprise|2|7.5|nil");
    free(text);
    lotk_plugins_free(p);
    tu_rmtree(dir);
}

static void test_report_returns_string(void **state)
{
    (void)state;
    char *dir = tu_tempdir();
    char *path = tu_write(dir, "tbl.lua", PLUGIN_HEAD("tbl", "report")
                          "\n\nreport = function(result, ctx) return {} end}\n", -1);
    struct lotk_plugins *p = registry_on(dir, NULL);
    const struct lotk_plugin *pl;
    struct lotk_err err;
    lotk_err_clear(&err);
    assert_int_equal(lotk_plugins_find(p, "tbl", LOTK_PLUGIN_REPORT, &pl, &err), 0);
    json_t *result = json_object();
    struct lotk_buf out = {0};
    assert_int_equal(lotk_plugin_report(p, pl, result, NULL, &out, &err), LOTK_EPLUGIN);
    assert_int_equal(lotk_err_exit_code(err.code), 4);
    assert_string_equal(err.file, pl->path);
    assert_int_equal(err.line, 4);
    assert_string_equal(err.plugin, "tbl");
    assert_non_null(strstr(err.msg, "report returned table where the report text belongs"));
    assert_null(out.data);
    json_decref(result);
    lotk_plugins_free(p);
    free(path);
    tu_rmtree(dir);
}

static void test_report_budget(void **state)
{
    (void)state;
    char *dir = tu_tempdir();
    const char *spin = "local n = 0 for i = 1, 300000 do n = n + 1 end return n\n";
    char *src = lotk_xasprintf(PLUGIN_HEAD("slow_report", "report")
                               "report = function() return tostring((function() %s end)()) end}\n", spin);
    put(dir, "slow_report.lua", src, -1);
    free(src);
    src = lotk_xasprintf("local lib = lotk.require('slow_lib')\n" PLUGIN_HEAD("lib_user", "report")
                         "report = function() return tostring(lib.spin()) end}\n");
    put(dir, "lib_user.lua", src, -1);
    free(src);
    src = lotk_xasprintf(PLUGIN_HEAD("slow_lib", "library")
                         "exports = {spin = function() %s end}}\n", spin);
    put(dir, "slow_lib.lua", src, -1);
    free(src);
    /* Long enough for the budget's watchdog to tick: a call shorter than 10 ms of CPU
     * time runs uncounted (lhost.h). */
    src = lotk_xasprintf(PLUGIN_HEAD("slow_agg", "aggregate")
                         "aggregate = function() %s end,\n"
                         "tests = {{args = {}, expect = 30000000}}}\n",
                         "local n = 0 for i = 1, 30000000 do n = n + 1 end return n\n");
    put(dir, "slow_agg.lua", src, -1);
    free(src);
    put(dir, "loop_report.lua", PLUGIN_HEAD("loop_report", "report")
             "report = function() while true do end end}\n", -1);
    struct lotk_lhost_limits limits = {.instructions = 100000, .report_instructions = 5000000};
    struct lotk_plugins *p = registry_on(dir, &limits);
    /* The work a report (or a library it calls) may do is more than a scoring plugin's. */
    char *text = report_text(p, "slow_report", "{}", NULL);
    assert_string_equal(text, "300000");
    free(text);
    text = report_text(p, "lib_user", "{}", NULL);
    assert_string_equal(text, "300000");
    free(text);
    const struct lotk_plugin *pl;
    struct lotk_err err;
    lotk_err_clear(&err);
    assert_int_equal(lotk_plugins_get(p, "slow_agg", &pl, &err), 0);
    int passed, failed;
    FILE *out = tmpfile();
    lotk_plugin_test(p, pl, &passed, &failed, out, &err);
    assert_int_equal(failed, 1);
    fclose(out);
    /* ...but still bounded. */
    assert_int_equal(lotk_plugins_find(p, "loop_report", LOTK_PLUGIN_REPORT, &pl, &err), 0);
    json_t *result = json_object();
    struct lotk_buf buf = {0};
    assert_int_equal(lotk_plugin_report(p, pl, result, NULL, &buf, &err), LOTK_EPLUGIN);
    assert_non_null(strstr(err.msg, "instruction budget of 5000000 exceeded"));
    assert_string_equal(err.file, pl->path);
    assert_int_equal(err.line, 2);
    json_decref(result);
    lotk_plugins_free(p);
    tu_rmtree(dir);
}

/* ---- a plugin's own tests ----------------------------------------------------------- */

static void test_library_tests(void **state)
{
    (void)state;
    char *dir = tu_tempdir();
    put(dir, "twice.lua", PLUGIN_HEAD("twice", "library")
             "exports = {double = function(x) return 2 * x end, pi = 3},\n"
             "tests = {{name = 'two', fn = 'double', args = {2}, expect = 4},\n"
             "         {name = 'wrong', fn = 'double', args = {2}, expect = 5},\n"
             "         {name = 'no fn', args = {2}, expect = 4},\n"
             "         {name = 'not a function', fn = 'pi', args = {}, expect = 3},\n"
             "         7}}\n", -1);
    struct lotk_plugins *p = registry_on(dir, NULL);
    struct lotk_err err;
    const struct lotk_plugin *pl = load_expect(p, dir, "twice", 0, NULL, &err);
    int passed, failed;
    char *log = NULL;
    size_t len = 0;
    FILE *out = open_memstream(&log, &len);
    lotk_plugin_test(p, pl, &passed, &failed, out, &err);
    fclose(out);
    assert_int_equal(passed, 1);
    assert_int_equal(failed, 4);
    assert_non_null(strstr(log, "FAIL twice: wrong: expected 5, got 4"));
    assert_non_null(strstr(log, "FAIL twice: no fn: a library's test names the export"));
    assert_non_null(strstr(log, "FAIL twice: not a function: exports.pi is not a function"));
    assert_non_null(strstr(log, "FAIL twice: test 5: a test needs args"));
    free(log);
    lotk_plugins_free(p);
    tu_rmtree(dir);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_mean),     cmocka_unit_test(test_weighted_mean),
        cmocka_unit_test(test_min),      cmocka_unit_test(test_max),
        cmocka_unit_test(test_geomean),  cmocka_unit_test(test_leaf_mean_plugin),
        cmocka_unit_test(test_library_fields),
        cmocka_unit_test(test_require_once_readonly),
        cmocka_unit_test(test_require_user_replaces_shipped),
        cmocka_unit_test(test_require_errors),
        cmocka_unit_test(test_report_ctx),
        cmocka_unit_test(test_report_returns_string),
        cmocka_unit_test(test_report_budget),
        cmocka_unit_test(test_library_tests),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
