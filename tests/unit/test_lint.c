/* test_lint.c — standard/lint.c: each lint fires on the flaw it names, at its place, and
 * stays quiet on the same standard without it. */
#include "testutil.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "standard/lint.h"

static const char head[] =
    "format: lotk/1\nid: t\nversion: \"1\"\nkind: other\ntitle: T\n"
    "scales:\n  s5: {min: 1, max: 5}\nsurvey: {org_column: org}\n"
    "bands:\n  - {grade: good, min: 70}\n  - {grade: fail, min: 0}\n";

/* Lints yaml (head + body) and returns the diagnostics; the standard must load. */
static struct lotk_diags lint(const char *body)
{
    char *yaml = malloc(strlen(head) + strlen(body) + 1);
    strcpy(yaml, head);
    strcat(yaml, body);
    struct lotk_standard *s = tu_load_ok(yaml);
    struct lotk_diags d = {0};
    size_t n = lotk_lint_standard(s, &d);
    assert_int_equal(n, d.warnings);
    assert_int_equal(d.errors, 0);
    lotk_standard_free(s);
    free(yaml);
    return d;
}

static void expect_warning(const struct lotk_diags *d, long line, const char *needle)
{
    int k = tu_find_diag(d, needle);
    if (k < 0) {
        for (size_t i = 0; i < d->count; i++)
            fprintf(stderr, "  got: %ld: %s\n", d->entries[i].err.line, d->entries[i].err.msg);
        fail_msg("no warning containing \"%s\"", needle);
    }
    assert_true(d->entries[k].warning);
    assert_int_equal(d->entries[k].err.line, line);
}

static void clean_standard_has_no_warning(void **state)
{
    (void)state;
    struct lotk_diags d = lint("indicators:\n  - id: D1\n    title: One\n"
                               "    items:\n      - {id: a1, scale: s5}\n"
                               "      - {id: a2, scale: s5}\n"
                               "  - id: D2\n    title: Two\n"
                               "    items:\n      - {id: b1, scale: s5}\n"
                               "      - {id: b2, scale: s5}\n");
    assert_int_equal(d.count, 0);
    lotk_diags_free(&d);
}

static void evidence_without_min_children(void **state)
{
    (void)state;
    const char *body = "indicators:\n  - id: D1\n    indicators:\n      - id: D1.1\n"
                       "        items:\n          - {id: a1, scale: s5}\n"
                       "          - {id: a2, scale: s5}\n"
                       "      - id: D1.2\n        source: evidence\n"
                       "        rubric: {yes_no: Records kept}\n";
    struct lotk_diags d = lint(body);
    expect_warning(&d, 13, "indicator D1: D1.2 has no value without its evidence, and D1 has "
                   "no min_children");
    expect_warning(&d, 13, "set min_children: 0.5");
    assert_int_equal(d.warnings, 1); /* not the total as well: D1 is the place to fix */
    lotk_diags_free(&d);

    /* With min_children, quiet; too high a min_children is said as such. */
    char fixed[1024];
    snprintf(fixed, sizeof fixed, "%s", body);
    char *at = strstr(fixed, "    indicators:");
    memmove(at + 22, at, strlen(at) + 1);
    memcpy(at, "    min_children: 0.5\n", 22);
    d = lint(fixed);
    assert_int_equal(d.count, 0);
    lotk_diags_free(&d);
    memcpy(at, "    min_children: 0.9\n", 22);
    d = lint(fixed);
    expect_warning(&d, 13, "min_children 0.9 needs more than the 1 of 2 children");
    lotk_diags_free(&d);

    /* Evidence only (document review): scored without a survey, nothing to say. */
    d = lint("indicators:\n  - id: D1\n    source: evidence\n    rubric: {yes_no: Kept}\n");
    assert_int_equal(d.count, 0);
    lotk_diags_free(&d);
}

static void weights_bands_items_titles(void **state)
{
    (void)state;
    const char *body =
        "indicators:\n  - id: D1\n    title: Same\n    weight: 100000\n"
        "    items:\n      - {id: a1, scale: s5}\n      - {id: a2, scale: s5}\n"
        "  - id: D2\n    title: Same\n    weight: 1\n"
        "    items:\n      - {id: b1, scale: s5}\n      - {id: b2, scale: s5}\n"
        "  - id: D3\n    title: Other\n    aggregate: min\n    indicators:\n"
        "      - id: D3.1\n        weight: 2\n        items:\n"
        "          - {id: c1, scale: s5}\n"
        "      - id: D3.2\n        items:\n          - {id: d1, scale: s5}\n"
        "          - {id: d2, scale: s5}\n";
    struct lotk_diags d = lint(body);
    expect_warning(&d, 19, "indicator D2: its weight 1 gives it");
    expect_warning(&d, 19, "no share of the total");
    expect_warning(&d, 19, "indicator D2 has the title 'Same' of D1 (line 13)");
    expect_warning(&d, 29, "indicator D3.1 has a single item (c1): no reliability");
    lotk_diags_free(&d);

    /* 50 points: the band at 70 is out of reach. */
    d = lint("points: 50\nindicators:\n  - id: D1\n    items:\n      - {id: a1, scale: s5}\n"
             "      - {id: a2, scale: s5}\n");
    expect_warning(&d, 10, "band good: min 70 is above the standard's 50 points: no score "
                   "can reach it");
    assert_int_equal(d.warnings, 1);
    lotk_diags_free(&d);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(clean_standard_has_no_warning),
        cmocka_unit_test(evidence_without_min_children),
        cmocka_unit_test(weights_bands_items_titles),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
