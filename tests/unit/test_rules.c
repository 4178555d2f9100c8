/* test_rules.c — rule plugins applied after aggregation (core/score/rules.c, DESIGN §4) on a
 * hand-checked batch: points added to the total, the grade re-banded from the new total,
 * a ceiling that holds, a forced grade that a later bonus cannot undo, organizations without
 * a grade keeping none, every change recorded with its rule and reason in order, and a rule
 * naming a grade the standard lacks failing with the plugin's name. */
#include "testutil.h"

#include <stdlib.h>
#include <string.h>

#include "base/mem.h"
#include "lua/plugin.h"
#include "score/rules.h"

/* One leaf on a 1–5 scale, 100 points: X answers 5 (norm 1, 100 points), Y 3 (50), Z 1
 * (0), W 5 but alone (min_respondents 2: no grade). */
static const char survey_csv[] = "org,q\n"
                                 "X,5\nX,5\n"
                                 "Y,3\nY,3\n"
                                 "Z,1\nZ,1\n"
                                 "W,5\n";

static const char standard_head[] = "format: lotk/1\n"
                                    "id: rules\n"
                                    "version: '1'\n"
                                    "kind: other\n"
                                    "title: T\n"
                                    "scales: {s5: {min: 1, max: 5}}\n"
                                    "survey: {org_column: org, min_respondents: 2}\n"
                                    "points: 100\n"
                                    "bands:\n"
                                    "  - {grade: top, min: 80}\n"
                                    "  - {grade: mid, min: 50}\n"
                                    "  - {grade: low, min: 0}\n"
                                    "indicators:\n"
                                    "  - id: D\n"
                                    "    items: [{id: q, scale: s5}]\n"
                                    "rules:\n";

/* A rule plugin file named NAME.lua whose rule body is BODY. */
static char *write_rule(const char *dir, const char *name, const char *body)
{
    char *file = lotk_xasprintf("%s.lua", name);
    char *text = lotk_xasprintf("return {api = 1, name = '%s', version = '1.0.0', kind = 'rule',\n"
                                "  description = 'test rule',\n"
                                "  rule = function(result, params)\n%s\n  end}\n",
                                name, body);
    char *path = tu_write(dir, file, text, -1);
    free(text);
    free(file);
    return path;
}

struct batch {
    char *dir;
    char *paths[8];
    size_t npaths;
    struct lotk_standard *s;
    struct lotk_result *r;
    struct lotk_plugins *p;
    struct lotk_err err;
};

/* Loads the standard with the given rules (each "- {plugin: NAME.lua}") and scores it. */
static void batch_open(struct batch *b, const char *rules_yaml)
{
    char *yaml = lotk_xasprintf("%s%s", standard_head, rules_yaml);
    b->paths[b->npaths++] = tu_write(b->dir, "standard.yaml", yaml, -1);
    free(yaml);
    struct lotk_diags diags = {0};
    assert_int_equal(lotk_standard_load(b->paths[b->npaths - 1], &b->s, &diags), 0);
    lotk_diags_free(&diags);
    b->r = tu_score_csv(b->s, survey_csv);
    lotk_err_clear(&b->err);
    b->p = lotk_plugins_new(NULL, b->s, &b->err);
    assert_non_null(b->p);
}

static void batch_close(struct batch *b)
{
    lotk_plugins_free(b->p);
    lotk_result_free(b->r);
    lotk_standard_free(b->s);
    for (size_t i = 0; i < b->npaths; i++)
        free(b->paths[i]);
    tu_rmtree(b->dir);
}

static const char *grade_of(const struct lotk_standard *s, const struct lotk_org_result *o)
{
    return o->band < 0 ? NULL : s->bands[o->band].grade;
}

static void bonus_ceiling_and_veto(void **state)
{
    (void)state;
    struct batch b = {.dir = tu_tempdir()};
    b.paths[b.npaths++] = write_rule(b.dir, "bonus",
        "    if result.points ~= nil and result.points >= 45 then\n"
        "      return {points = 10, reason = 'ten more'} end");
    b.paths[b.npaths++] = write_rule(b.dir, "veto",
        "    if result.id == 'X' then return {grade = 'low', reason = 'vetoed'} end");
    b.paths[b.npaths++] = write_rule(b.dir, "ceiling",
        "    return {max_grade = 'mid', reason = 'no better than mid'}");
    batch_open(&b, "  - {plugin: bonus.lua}\n  - {plugin: veto.lua}\n"
                   "  - {plugin: ceiling.lua}\n  - {plugin: bonus.lua}\n");
    assert_int_equal(lotk_rules_apply(b.r, b.p, &b.err), 0);

    /* X: 100 + 10 + 10; vetoed to low, and neither the ceiling nor the second bonus
     * lifts it. */
    const struct lotk_org_result *x = tu_org(b.r, "X");
    assert_close(x->points, 120, 0);
    assert_string_equal(grade_of(b.s, x), "low");
    assert_int_equal(x->nadjustments, 4);
    const char *rules[] = {"bonus", "veto", "ceiling", "bonus"};
    const char *reasons[] = {"ten more", "vetoed", "no better than mid", "ten more"};
    for (size_t i = 0; i < 4; i++) {
        assert_string_equal(x->adjustments[i].rule, rules[i]);
        assert_string_equal(x->adjustments[i].reason, reasons[i]);
    }
    /* Y: 50 + 10 = 60 (mid), + 10 = 70, still mid and under the ceiling. */
    const struct lotk_org_result *y = tu_org(b.r, "Y");
    assert_close(y->points, 70, 0);
    assert_string_equal(grade_of(b.s, y), "mid");
    /* Z: 0, no bonus; the ceiling applies but low is below it anyway. */
    const struct lotk_org_result *z = tu_org(b.r, "Z");
    assert_close(z->points, 0, 0);
    assert_string_equal(grade_of(b.s, z), "low");
    assert_int_equal(z->nadjustments, 1);
    /* W: too few respondents, no grade whatever the rules say. */
    const struct lotk_org_result *w = tu_org(b.r, "W");
    assert_null(grade_of(b.s, w));
    batch_close(&b);
}

static void ceiling_lowers_a_grade(void **state)
{
    (void)state;
    struct batch b = {.dir = tu_tempdir()};
    b.paths[b.npaths++] = write_rule(b.dir, "ceiling",
        "    return {max_grade = 'mid', reason = 'capped'}");
    batch_open(&b, "  - {plugin: ceiling.lua}\n");
    assert_int_equal(lotk_rules_apply(b.r, b.p, &b.err), 0);
    const struct lotk_org_result *x = tu_org(b.r, "X");
    assert_close(x->points, 100, 0); /* points untouched */
    assert_string_equal(grade_of(b.s, x), "mid");
    batch_close(&b);
}

static void unknown_grade_fails_naming_the_plugin(void **state)
{
    (void)state;
    struct batch b = {.dir = tu_tempdir()};
    b.paths[b.npaths++] = write_rule(b.dir, "typo",
        "    return {grade = 'excelent', reason = 'oops'}");
    batch_open(&b, "  - {plugin: typo.lua}\n");
    assert_int_equal(lotk_rules_apply(b.r, b.p, &b.err), LOTK_EPLUGIN);
    assert_string_equal(b.err.plugin, "typo");
    assert_non_null(strstr(b.err.msg, "grade 'excelent', which is not a band"));
    batch_close(&b);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(bonus_ceiling_and_veto),
        cmocka_unit_test(ceiling_lowers_a_grade),
        cmocka_unit_test(unknown_grade_fails_naming_the_plugin),
    };
    return cmocka_run_group_tests_name("rules", tests, NULL, NULL);
}
