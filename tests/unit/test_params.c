/* test_params.c — lua/params.c: a plugin's declared params read at load (a bad declaration
 * fails the plugin), and a standard's rule mappings checked against them. */
#include "testutil.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "base/mem.h"
#include "lua/plugin.h"

static const char plugin_head[] =
    "return {api = 1, name = \"p\", version = \"1\", kind = \"rule\", description = \"d\",\n"
    "  rule = function(result, params) return nil end,\n";

static const char standard[] =
    "format: lotk/1\nid: t\nversion: \"1\"\nkind: other\ntitle: T\n"
    "scales:\n  s5: {min: 1, max: 5}\nsurvey: {org_column: org}\n"
    "bands:\n  - {grade: good, min: 70}\n  - {grade: fail, min: 0}\n"
    "indicators:\n  - id: D1\n    items:\n      - {id: a1, scale: s5}\n"
    "      - {id: a2, scale: s5}\n"
    "rules:\n  - %s\n";

/* Writes the plugin (params as given) and a standard with the rule, resolves, and returns
 * the diagnostics; *loaded says whether the plugin itself loaded. */
static struct lotk_diags resolve(const char *params, const char *rule, bool *loaded)
{
    char *dir = tu_tempdir();
    char *pdir = lotk_xasprintf("%s/plugins", dir);
    assert_int_equal(mkdir(pdir, 0777), 0);
    char *lua = lotk_xasprintf("%s  params = %s,\n}\n", plugin_head, params);
    free(tu_write(pdir, "p.lua", lua, -1));
    char *yaml = lotk_xasprintf(standard, rule);
    char *path = tu_write(dir, "standard.yaml", yaml, -1);
    struct lotk_diags d = {0};
    struct lotk_standard *s = NULL;
    assert_int_equal(lotk_standard_load(path, &s, &d), 0);
    struct lotk_err err;
    struct lotk_plugins *p = lotk_plugins_new(NULL, s, &err);
    assert_non_null(p);
    lotk_plugins_resolve_standard(p, &d);
    const struct lotk_plugin *pl;
    *loaded = lotk_plugins_get(p, "p", &pl, &err) == 0;
    lotk_plugins_free(p);
    lotk_standard_free(s);
    char *plugfile = lotk_xasprintf("%s/p.lua", pdir);
    remove(plugfile);
    rmdir(pdir);
    free(plugfile);
    free(pdir);
    free(lua);
    free(yaml);
    free(path);
    tu_rmtree(dir);
    return d;
}

static void expect_at(const struct lotk_diags *d, long line, long column, const char *needle)
{
    tu_expect_diag(d, line, column, needle, __FILE__, __LINE__);
}

static const char veto_like[] =
    "{when = {type = \"table\", required = true, fields = {\n"
    "    indicator = {type = \"indicator\", required = true},\n"
    "    below = {type = \"number\", required = true},\n"
    "    on = {type = \"string\", one_of = {\"norm\", \"mean\", \"third_party\"}}}},\n"
    "  grade = {type = \"grade\", required = true},\n"
    "  items = {type = \"indicators\"}, flag = {type = \"boolean\"}}";

static void a_good_mapping_passes(void **state)
{
    (void)state;
    bool loaded;
    struct lotk_diags d = resolve(veto_like, "{plugin: p, when: {indicator: D1, below: 0.5, "
                                  "on: third_party}, grade: fail, items: [D1], flag: true}",
                                  &loaded);
    assert_true(loaded);
    assert_int_equal(d.count, 0);
    lotk_diags_free(&d);
}

static void every_mistake_at_its_place(void **state)
{
    (void)state;
    bool loaded;
    /* rules: is line 17; the rule mapping starts at column 5. */
    struct lotk_diags d = resolve(veto_like, "{plugin: p, when: {indicator: D2, below: \"0.5\", "
                                  "on: third-party, bellow: 1}, grade: good!, items: D1, "
                                  "flag: yes, extra: 1}", &loaded);
    assert_true(loaded);
    expect_at(&d, 18, 35, "rule 1 (plugin p): when.indicator: the standard has no indicator "
              "'D2'; did you mean 'D1'?");
    expect_at(&d, 18, 46, "when.below: expected a number, found the string \"0.5\"; unquote it");
    expect_at(&d, 18, 57, "when.on: 'third-party' is not one of norm, mean, third_party; did "
              "you mean 'third_party'?");
    expect_at(&d, 18, 78, "unknown parameter 'when.bellow'; did you mean 'below'?");
    expect_at(&d, 18, 89, "grade: 'good!' is no band's grade; did you mean 'good'?");
    expect_at(&d, 18, 103, "items: expected a list, found a string");
    expect_at(&d, 18, 113, "flag: expected true or false, found a string");
    expect_at(&d, 18, 125, "unknown parameter 'extra'");
    assert_int_equal(d.errors, 8);
    lotk_diags_free(&d);

    d = resolve(veto_like, "{plugin: p, when: {indicator: D1}}", &loaded);
    expect_at(&d, 18, 5, "missing required parameter 'grade'");
    expect_at(&d, 18, 23, "missing required parameter 'when.below'");
    assert_int_equal(d.errors, 2);
    lotk_diags_free(&d);
}

static void a_bad_declaration_fails_the_plugin(void **state)
{
    (void)state;
    static const char *const bad[] = {
        "{x = {type = \"text\"}}", "{x = 3}", "{x = {type = \"string\", oneof = {}}}",
        "{x = {type = \"string\", fields = {}}}", "{[1] = {type = \"string\"}}",
    };
    for (size_t i = 0; i < sizeof bad / sizeof *bad; i++) {
        bool loaded;
        struct lotk_diags d = resolve(bad[i], "{plugin: p}", &loaded);
        assert_false(loaded);
        assert_true(tu_find_diag(&d, "plugin field 'params'") >= 0);
        lotk_diags_free(&d);
    }
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(a_good_mapping_passes),
        cmocka_unit_test(every_mistake_at_its_place),
        cmocka_unit_test(a_bad_declaration_fails_the_plugin),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
