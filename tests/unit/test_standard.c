/* test_standard.c — loading standards: the tree, weight shares, and every error class
 * with its line and column (issue 2). */
#include "testutil.h"

#include <nettle/sha2.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "standard/rx.h"
#include "base/mem.h"
#include "base/strmap.h"

/* Lines 1-13; indicators start on line 14. Tests append their own indicators. */
#define HEAD                                                                                 \
    "format: lotk/1\n"                                    /*  1 */                           \
    "id: unit\n"                                          /*  2 */                           \
    "version: \"1.0.0\"\n"                                /*  3 */                           \
    "kind: other\n"                                       /*  4 */                           \
    "title: {zh: 单元, en: Unit}\n"                       /*  5 */                           \
    "scales:\n"                                           /*  6 */                           \
    "  s5: {min: 1, max: 5, labels: {同意: 4, yes: 5}, missing: [\"-2\", n/a]}\n" /* 7 */     \
    "  s3: {min: 0, max: 2}\n"                            /*  8 */                           \
    "survey: {org_column: org, id_column: resp, min_respondents: 3}\n" /* 9 */               \
    "bands:\n"                                            /* 10 */                           \
    "  - {grade: good, min: 70, label: {zh: 良好, en: Good}}\n" /* 11 */                     \
    "  - {grade: fail, min: 0}\n"                         /* 12 */                           \
    "indicators:\n"                                       /* 13 */

static const char valid[] =
    HEAD
    "  - id: D1\n"                                        /* 14 */
    "    title: {zh: 领导, en: Leadership}\n"             /* 15 */
    "    weight: 3\n"                                     /* 16 */
    "    aggregate: mean\n"                               /* 17 */
    "    min_children: 0.5\n"                             /* 18 */
    "    indicators:\n"                                   /* 19 */
    "      - id: D1.1\n"                                  /* 20 */
    "        items:\n"                                    /* 21 */
    "          - {id: q1, scale: s5}\n"                   /* 22 */
    "          - {id: q2, scale: s5, reverse: true, column: Q2}\n" /* 23 */
    "      - id: D1.2\n"                                  /* 24 */
    "        weight: 3\n"                                 /* 25 */
    "        min_answered: 0.75\n"                        /* 26 */
    "        scale: s3\n"                                 /* 27 */
    "        items:\n"                                    /* 28 */
    "          - {id: q3, column: {match: '^3、'}}\n"     /* 29 */
    "          - {id: q4}\n"                              /* 30 */
    "  - id: D2\n"                                        /* 31 */
    "    weight: 1\n"                                     /* 32 */
    "    title: Learning\n"                               /* 33 */
    "    items:\n"                                        /* 34 */
    "      - {id: q5, scale: s5, text: {zh: 题目五}}\n"   /* 35 */
    "  - id: D3\n"                                        /* 36 */
    "    weight: 0.5\n"                                   /* 37 */
    "    indicators:\n"                                   /* 38 */
    "      - id: D3.1\n"                                  /* 39 */
    "        items: [{id: q6, scale: s5}]\n"              /* 40 */
    "      - id: D3.2\n"                                  /* 41 */
    "        source: evidence\n"                          /* 42 */
    "        scale: {min: 0, max: 4}\n"                   /* 43 */
    "rules:\n"                                            /* 44 */
    "  - {plugin: veto, when: {indicator: D3.2, below: 1}, grade: fail}\n"; /* 45 */

static void loads_the_tree(void **state)
{
    (void)state;
    struct lotk_diags diags = {0};
    struct lotk_standard *s = tu_load(valid, &diags);
    if (!s)
        lotk_diags_print(&diags, stderr);
    assert_non_null(s);
    assert_int_equal(diags.errors, 0);
    lotk_diags_free(&diags);

    assert_string_equal(s->id, "unit");
    assert_string_equal(s->version, "1.0.0");
    assert_string_equal(s->kind, "other");
    assert_string_equal(s->title.zh, "单元");
    assert_string_equal(s->title.en, "Unit");
    assert_string_equal(s->org_column, "org");
    assert_string_equal(s->id_column, "resp");
    assert_int_equal(s->min_respondents, 3);
    assert_true(s->points == 100); /* the default */
    assert_int_equal(s->nrules, 1);
    assert_string_equal(s->rules[0].plugin, "veto");
    assert_int_equal(s->rules[0].loc.line, 45);
    assert_int_equal(s->nevidence, 1);

    /* Preorder: total, D1, D1.1, D1.2, D2, D3, D3.1, D3.2. */
    static const char *const order[] = {"total", "D1", "D1.1", "D1.2", "D2", "D3", "D3.1",
                                        "D3.2"};
    static const int parent[] = {-1, 0, 1, 1, 0, 0, 5, 5};
    static const int depth[] = {0, 1, 2, 2, 1, 1, 2, 2};
    assert_int_equal(s->nnodes, 8);
    for (int i = 0; i < 8; i++) {
        assert_string_equal(s->nodes[i].id, order[i]);
        assert_int_equal(s->nodes[i].parent, parent[i]);
        assert_int_equal(s->nodes[i].depth, depth[i]);
        assert_int_equal(lotk_standard_find_node(s, order[i]), i);
    }
    assert_int_equal(lotk_standard_find_node(s, "D4"), -1);
    assert_int_equal(s->nodes[0].nchildren, 3);
    assert_int_equal(s->nodes[0].children[0], 1);
    assert_int_equal(s->nodes[0].children[1], 4);
    assert_int_equal(s->nodes[0].children[2], 5);
    assert_int_equal(s->nodes[1].nchildren, 2);
    assert_int_equal(s->nodes[5].nchildren, 2);

    /* Weight shares: D1 3/4.5, D2 1/4.5, D3 0.5/4.5; D1.1 1/4 and D1.2 3/4 of D1. */
    assert_close(s->nodes[0].share, 1, 0);
    assert_close(s->nodes[1].share, 3 / 4.5, 1e-15);
    assert_close(s->nodes[2].share, 3 / 4.5 * 0.25, 1e-15);
    assert_close(s->nodes[3].share, 3 / 4.5 * 0.75, 1e-15);
    assert_close(s->nodes[4].share, 1 / 4.5, 1e-15);
    assert_close(s->nodes[5].share, 0.5 / 4.5, 1e-15);
    assert_close(s->nodes[6].share, 0.5 / 4.5 * 0.5, 1e-15);
    assert_close(s->nodes[7].share, 0.5 / 4.5 * 0.5, 1e-15);
    double leaves = 0;
    for (size_t i = 0; i < s->nnodes; i++)
        if (s->nodes[i].nchildren == 0)
            leaves += s->nodes[i].share;
    assert_close(leaves, 1, 1e-15);

    /* Node settings and their defaults. */
    assert_int_equal(s->nodes[0].aggregate, LOTK_AGG_WEIGHTED_MEAN);
    assert_int_equal(s->nodes[1].aggregate, LOTK_AGG_MEAN);
    assert_string_equal(lotk_aggregate_name(LOTK_AGG_GEOMEAN), "geomean");
    assert_string_equal(lotk_aggregate_name(LOTK_AGG_WEIGHTED_MEAN), "weighted_mean");
    assert_close(s->nodes[1].min_children, 0.5, 0);
    assert_true(s->nodes[2].min_children < 0);
    assert_close(s->nodes[3].min_answered, 0.75, 0);
    assert_close(s->nodes[2].min_answered, 0, 0);
    assert_close(s->nodes[1].weight, 3, 0);
    assert_close(s->nodes[2].weight, 1, 0); /* default weight */
    assert_int_equal(s->nodes[7].source, LOTK_SOURCE_EVIDENCE);
    assert_int_equal(s->nodes[7].nitems, 0);
    assert_string_equal(s->nodes[1].title.en, "Leadership");
    assert_int_equal(s->nodes[1].loc.line, 14);
    assert_int_equal(s->nodes[1].loc.column, 5);

    /* Items: column defaults to the id; a pattern is compiled; the leaf's scale is
     * inherited; each item knows its leaf. */
    assert_int_equal(s->nitems, 6);
    assert_string_equal(s->items[0].id, "q1");
    assert_string_equal(s->items[0].column, "q1");
    assert_null(s->items[0].match);
    assert_false(s->items[0].reverse);
    assert_string_equal(s->items[1].column, "Q2");
    assert_true(s->items[1].reverse);
    assert_null(s->items[2].column);
    assert_non_null(s->items[2].match);
    assert_string_equal(lotk_rx_pattern(s->items[2].match), "^3、");
    assert_int_equal(s->items[2].column_loc.line, 29);
    assert_int_equal(s->items[3].leaf, 3);
    assert_int_equal(s->items[0].leaf, 2);
    assert_string_equal(s->items[4].text.zh, "题目五");
    assert_int_equal(s->nodes[2].nitems, 2);
    assert_int_equal(s->nodes[2].items[1], 1);
    assert_int_equal(s->nodes[3].items[0], 2);

    /* Scales: labels, missing answers ("" always), the leaf scale of D1.2, the inline
     * scale of the evidence leaf. */
    int s5 = s->items[0].scale, s3 = s->items[3].scale;
    assert_string_equal(s->scales[s5].id, "s5");
    assert_string_equal(s->scales[s3].id, "s3");
    assert_int_equal(s->items[2].scale, s3);
    assert_int_equal(s->nodes[3].scale, s3);
    assert_int_equal(s->nodes[2].scale, s5);
    assert_close(s->scales[s5].min, 1, 0);
    assert_close(s->scales[s5].max, 5, 0);
    assert_int_equal(s->scales[s5].nlabels, 2);
    int l = lotk_strmap_get(&s->scales[s5].labels, "同意", strlen("同意"));
    assert_true(l >= 0);
    assert_close(s->scales[s5].label_values[l], 4, 0);
    assert_true(lotk_strmap_get(&s->scales[s5].missing, "-2", 2) >= 0);
    assert_true(lotk_strmap_get(&s->scales[s5].missing, "n/a", 3) >= 0);
    assert_true(lotk_strmap_get(&s->scales[s5].missing, "", 0) >= 0);
    assert_true(lotk_strmap_get(&s->scales[s3].missing, "", 0) >= 0);
    assert_int_equal(lotk_strmap_get(&s->scales[s5].missing, "3", 1), -1);
    int ev = s->nodes[7].scale;
    assert_true(ev >= 0);
    assert_close(s->scales[ev].max, 4, 0);

    /* Bands, highest first. */
    assert_int_equal(s->nbands, 2);
    assert_string_equal(s->bands[0].grade, "good");
    assert_close(s->bands[0].min, 70, 0);
    assert_string_equal(s->bands[0].label.zh, "良好");
    assert_string_equal(s->bands[1].grade, "fail");
    assert_null(s->bands[1].label.zh);

    /* The sha256 is of the file's bytes. */
    struct sha256_ctx ctx;
    uint8_t digest[SHA256_DIGEST_SIZE];
    char hex[65];
    sha256_init(&ctx);
    sha256_update(&ctx, strlen(valid), (const uint8_t *)valid);
    sha256_digest(&ctx, sizeof digest, digest);
    for (int i = 0; i < SHA256_DIGEST_SIZE; i++)
        snprintf(hex + 2 * i, 3, "%02x", digest[i]);
    assert_string_equal(s->sha256, hex);
    lotk_standard_free(s);
}

static void defaults_and_scalar_title(void **state)
{
    (void)state;
    struct lotk_standard *s = tu_load_ok("format: lotk/1\n"
                                         "id: d\n"
                                         "version: '2'\n"
                                         "kind: agency\n"
                                         "title: 只有中文\n"
                                         "points: 50\n"
                                         "aggregate: min\n"
                                         "scales: {s: {min: 1, max: 4}}\n"
                                         "survey: {org_column: o}\n"
                                         "indicators:\n"
                                         "  - {id: A, items: [{id: a, scale: s}]}\n");
    assert_string_equal(s->title.zh, "只有中文");
    assert_null(s->title.en);
    assert_null(s->id_column);
    assert_int_equal(s->min_respondents, 1);
    assert_close(s->points, 50, 0);
    assert_int_equal(s->nodes[0].aggregate, LOTK_AGG_MIN);
    assert_int_equal(s->nbands, 0);
    assert_int_equal(s->nrules, 0);
    assert_close(s->nodes[1].share, 1, 0);
    lotk_standard_free(s);
}

/* ---- every error class, at its line and column ------------------------------------ */

/* Loads text, expects it to fail, and returns the diagnostics (caller frees). */
static struct lotk_diags load_bad(const char *yaml)
{
    struct lotk_diags d = {0};
    struct lotk_standard *s = tu_load(yaml, &d);
    if (s) {
        lotk_standard_free(s);
        fail_msg("the standard loaded, but an error was expected");
    }
    assert_true(d.errors > 0);
    for (size_t i = 0; i < d.count; i++) {
        const struct lotk_err *e = &d.entries[i].err;
        /* Every error names the file, line and column. */
        if (!d.entries[i].warning && (e->line < 1 || e->column < 1 || !e->file[0])) {
            lotk_diags_print(&d, stderr);
            fail_msg("error without a position: %s", e->msg);
        }
    }
    return d;
}

static void error_yaml_syntax(void **state)
{
    (void)state;
    struct lotk_diags d = load_bad("format: lotk/1\nid: t\n  version: 1\n");
    assert_int_equal(d.errors, 1);
    expect_diag(&d, 3, 10, "YAML syntax: mapping values are not allowed");
    lotk_diags_free(&d);

    /* Left open: reported where it was opened, where libyaml noticed it said after. */
    d = load_bad("format: lotk/1\nid: t\nkind: [a, b\n");
    expect_diag(&d, 3, 7, "YAML syntax: the list [ opened here is never closed (did not "
                "find expected ',' or ']' at line 4, column 1)");
    lotk_diags_free(&d);

    d = load_bad("format: lotk/1\nid: t\ntitle: {zh: a\nkind: x\n");
    expect_diag(&d, 3, 8, "YAML syntax: the mapping { opened here is never closed");
    lotk_diags_free(&d);

    d = load_bad("format: lotk/1\nid: \"t\n");
    expect_diag(&d, 2, 5, "YAML syntax: the quoted string opened here is never closed "
                "(found unexpected end of stream at line 3, column 1)");
    lotk_diags_free(&d);

    /* A tab for indentation, said as such, at the tab (also after spaces). */
    d = load_bad("format: lotk/1\nscales:\n  \ts: 1\n");
    expect_diag(&d, 3, 3, "YAML syntax: a tab in the indentation; YAML indents with spaces "
                "only");
    lotk_diags_free(&d);
    d = load_bad("format: lotk/1\nscales:\n\ts: 1\n");
    assert_int_equal(d.errors, 1);
    assert_true(tu_find_diag(&d, "YAML syntax: a tab in the indentation") >= 0);
    assert_int_equal(d.entries[0].err.line, 3);
    assert_int_equal(d.entries[0].err.column, 1);
    lotk_diags_free(&d);
}

static void error_empty_and_not_a_mapping(void **state)
{
    (void)state;
    struct lotk_diags d = load_bad("");
    expect_diag(&d, 1, 1, "the file is empty");
    lotk_diags_free(&d);
    d = load_bad("# only a comment\n");
    expect_diag(&d, 1, 1, "the file is empty");
    lotk_diags_free(&d);
    d = load_bad("- 1\n- 2\n");
    expect_diag(&d, 1, 1, "standard: expected a mapping, found a list");
    lotk_diags_free(&d);
}

static void error_unknown_key(void **state)
{
    (void)state;
    struct lotk_diags d = load_bad(HEAD
                                   "  - id: A\n"                              /* 14 */
                                   "    weigth: 2\n"                          /* 15 */
                                   "    colour: red\n"                        /* 16 */
                                   "    items:\n"                             /* 17 */
                                   "      - {id: a, scale: s5, revrse: true}\n" /* 18 */
                                   "titel: x\n");                             /* 19 */
    expect_diag(&d, 15, 5, "indicator 'A': unknown key 'weigth'; did you mean 'weight'?");
    /* Nothing near enough: no suggestion. */
    expect_diag(&d, 16, 5, "indicator 'A': unknown key 'colour'");
    assert_null(strstr(d.entries[tu_find_diag(&d, "'colour'")].err.msg, "did you mean"));
    expect_diag(&d, 18, 28, "item 'a': unknown key 'revrse'; did you mean 'reverse'?");
    expect_diag(&d, 19, 1, "standard: unknown key 'titel'; did you mean 'title'?");
    assert_int_equal(d.errors, 4);
    lotk_diags_free(&d);
}

static void error_wrong_type(void **state)
{
    (void)state;
    struct lotk_diags d = load_bad(HEAD
                                   "  - id: A\n"                              /* 14 */
                                   "    weight: heavy\n"                      /* 15 */
                                   "    title: [1, 2]\n"                      /* 16 */
                                   "    min_answered: 1.5\n"                  /* 17 */
                                   "    aggregate: [median]\n"                /* 18 */
                                   "    items:\n"                             /* 19 */
                                   "      - {id: a, scale: s5, reverse: maybe}\n" /* 20 */
                                   "      - {id: b, scale: s5, column: [x]}\n" /* 21 */
                                   "  - id: B\n"                              /* 22 */
                                   "    items: {id: b}\n"                     /* 23 */
                                   "  - just a string\n");                    /* 24 */
    expect_diag(&d, 15, 13, "weight: expected a number, found 'heavy'");
    expect_diag(&d, 16, 12, "indicator 'A': expected a mapping, found a list");
    expect_diag(&d, 17, 19, "min_answered: expected a share in (0, 1], found 1.5");
    expect_diag(&d, 18, 16, "aggregate: expected weighted_mean, mean, min, max, geomean");
    expect_diag(&d, 20, 37, "reverse: expected true or false, found 'maybe'");
    expect_diag(&d, 21, 36, "column: expected a header");
    assert_non_null(strstr(d.entries[tu_find_diag(&d, "column: expected a header")].err.msg,
                           "found a list"));
    expect_diag(&d, 23, 12, "items: expected a list, found a mapping");
    expect_diag(&d, 24, 5, "indicator: expected a mapping, found a scalar");
    lotk_diags_free(&d);

    /* Top-level types. */
    d = load_bad("format: lotk/1\n"           /* 1 */
                 "id: Bad_Id\n"               /* 2 */
                 "version: [1]\n"             /* 3 */
                 "kind: school\n"             /* 4 */
                 "title: {fr: x}\n"           /* 5 */
                 "points: -5\n"               /* 6 */
                 "survey: []\n"               /* 7 */
                 "scales: {s: {min: one, max: 5}}\n" /* 8 */
                 "indicators: {}\n");         /* 9 */
    expect_diag(&d, 2, 5, "id: expected lowercase letters, digits and '-', found 'Bad_Id'");
    expect_diag(&d, 3, 10, "version: expected a string, found a list");
    expect_diag(&d, 4, 7, "kind: expected agency, enterprise, public-institution, social-group, "
                          "community, family, city or other, found 'school'");
    expect_diag(&d, 5, 9, "title: unknown key 'fr'");
    expect_diag(&d, 5, 8, "title: give the text in zh, en or both");
    expect_diag(&d, 6, 9, "points: must be greater than 0");
    expect_diag(&d, 7, 9, "survey: expected a mapping, found a list");
    expect_diag(&d, 8, 19, "min: expected a number, found 'one'");
    expect_diag(&d, 9, 13, "indicators: expected a list, found a mapping");
    lotk_diags_free(&d);

    d = load_bad("format: lotk/2\nid: x\n");
    expect_diag(&d, 1, 9, "format: expected lotk/1");
    expect_diag(&d, 1, 1, "standard: missing required key 'version'");
    expect_diag(&d, 1, 1, "standard: missing required key 'indicators'");
    lotk_diags_free(&d);
}

static void error_duplicate_id(void **state)
{
    (void)state;
    struct lotk_diags d = load_bad(HEAD
                                   "  - id: A\n"                              /* 14 */
                                   "    items:\n"                             /* 15 */
                                   "      - {id: a, scale: s5}\n"             /* 16 */
                                   "      - {id: a, scale: s5}\n"             /* 17 */
                                   "  - id: B\n"                              /* 18 */
                                   "    indicators:\n"                        /* 19 */
                                   "      - id: A\n"                          /* 20 */
                                   "        items: [{id: b, scale: s5}]\n"    /* 21 */
                                   "  - id: total\n"                          /* 22 */
                                   "    items: [{id: c, scale: s5}]\n");      /* 23 */
    expect_diag(&d, 17, 14, "duplicate item id 'a'");
    expect_diag(&d, 20, 13, "duplicate indicator id 'A'");
    /* "total" names the root in results. */
    expect_diag(&d, 22, 9, "duplicate indicator id 'total'");
    assert_int_equal(d.errors, 3);
    lotk_diags_free(&d);

    /* Duplicate keys in a mapping, a duplicate scale and a duplicate grade. */
    d = load_bad("format: lotk/1\n"                  /* 1 */
                 "id: x\n"                           /* 2 */
                 "id: y\n"                           /* 3 */
                 "version: '1'\n"                    /* 4 */
                 "kind: other\n"                     /* 5 */
                 "title: T\n"                        /* 6 */
                 "scales:\n"                         /* 7 */
                 "  s: {min: 1, max: 5}\n"           /* 8 */
                 "  s: {min: 1, max: 3}\n"           /* 9 */
                 "survey: {org_column: o}\n"         /* 10 */
                 "bands: [{grade: a, min: 5}, {grade: a, min: 1}]\n" /* 11 */
                 "indicators: [{id: A, items: [{id: a, scale: s}]}]\n");
    expect_diag(&d, 3, 1, "standard: duplicate key 'id' (first at line 2)");
    expect_diag(&d, 9, 3, "scales: duplicate key 's' (first at line 8)");
    expect_diag(&d, 9, 3, "scale 's' is defined twice");
    expect_diag(&d, 11, 37, "duplicate grade 'a'");
    lotk_diags_free(&d);
}

static void error_undefined_scale(void **state)
{
    (void)state;
    struct lotk_diags d = load_bad(HEAD
                                   "  - id: A\n"                              /* 14 */
                                   "    items:\n"                             /* 15 */
                                   "      - {id: a, scale: s7}\n"             /* 16 */
                                   "      - {id: b}\n"                        /* 17 */
                                   "  - id: B\n"                              /* 18 */
                                   "    scale: nope\n"                        /* 19 */
                                   "    items: [{id: c}]\n");                 /* 20 */
    expect_diag(&d, 16, 24, "undefined scale 's7'");
    expect_diag(&d, 17, 9, "item 'b': missing required key 'scale'");
    expect_diag(&d, 19, 12, "undefined scale 'nope'");
    lotk_diags_free(&d);
}

static void error_mixed_scales_in_a_leaf(void **state)
{
    (void)state;
    struct lotk_diags d = load_bad(HEAD
                                   "  - id: A\n"                              /* 14 */
                                   "    items:\n"                             /* 15 */
                                   "      - {id: a, scale: s5}\n"             /* 16 */
                                   "      - {id: b, scale: s3}\n");           /* 17 */
    expect_diag(&d, 17, 9, "indicator 'A': item 'b' uses scale 's3' but item 'a' uses 's5'");
    lotk_diags_free(&d);
}

static void error_weight_not_positive(void **state)
{
    (void)state;
    struct lotk_diags d = load_bad(HEAD
                                   "  - id: A\n"                              /* 14 */
                                   "    weight: 0\n"                          /* 15 */
                                   "    items: [{id: a, scale: s5}]\n"        /* 16 */
                                   "  - id: B\n"                              /* 17 */
                                   "    weight: -1.5\n"                       /* 18 */
                                   "    items: [{id: b, scale: s5}]\n");      /* 19 */
    expect_diag(&d, 15, 13, "indicator 'A': weight must be greater than 0, found 0");
    expect_diag(&d, 18, 13, "indicator 'B': weight must be greater than 0, found -1.5");
    assert_int_equal(d.errors, 2);
    lotk_diags_free(&d);
}

static void error_neither_items_nor_children(void **state)
{
    (void)state;
    struct lotk_diags d = load_bad(HEAD
                                   "  - id: A\n"                              /* 14 */
                                   "    title: Empty\n"                       /* 15 */
                                   "  - id: B\n"                              /* 16 */
                                   "    items: [{id: b, scale: s5}]\n"        /* 17 */
                                   "    indicators: [{id: B.1, items: [{id: c, scale: s5}]}]\n"
                                   "  - id: C\n"                              /* 19 */
                                   "    items: []\n"                          /* 20 */
                                   "  - id: D\n"                              /* 21 */
                                   "    indicators: []\n");                   /* 22 */
    expect_diag(&d, 14, 5, "indicator 'A': has neither items nor indicators");
    expect_diag(&d, 16, 5, "indicator 'B': has both items and indicators");
    expect_diag(&d, 20, 12, "indicator 'C': has no items");
    expect_diag(&d, 22, 17, "indicators: the list is empty");
    lotk_diags_free(&d);
}

static const char bands_tail[] = "indicators: [{id: A, items: [{id: a, scale: s5}]}]\n";

static void error_bands_not_descending(void **state)
{
    (void)state;
    char *yaml = lotk_xasprintf("format: lotk/1\nid: b\nversion: '1'\nkind: other\ntitle: T\n"
                                "scales: {s5: {min: 1, max: 5}}\n"
                                "survey: {org_column: o}\n"     /* 7 */
                                "bands:\n"                      /* 8 */
                                "  - {grade: a, min: 85}\n"     /* 9 */
                                "  - {grade: b, min: 85}\n"     /* 10 */
                                "  - {grade: c, min: 60}\n"     /* 11 */
                                "  - {grade: d, min: 70}\n"     /* 12 */
                                "  - {grade: e, min: 0}\n"      /* 13 */
                                "%s", bands_tail);
    struct lotk_diags d = load_bad(yaml);
    expect_diag(&d, 10, 21, "bands must be listed highest first with strictly descending min: "
                            "85 follows 85");
    expect_diag(&d, 12, 21, "strictly descending min: 70 follows 60");
    assert_int_equal(d.errors, 2);
    lotk_diags_free(&d);
    free(yaml);
}

static void error_min_not_below_max(void **state)
{
    (void)state;
    struct lotk_diags d = load_bad("format: lotk/1\nid: m\nversion: '1'\nkind: other\n"
                                   "title: T\n"
                                   "scales:\n"                           /* 6 */
                                   "  a: {min: 5, max: 1}\n"             /* 7 */
                                   "  b: {min: 3, max: 3}\n"             /* 8 */
                                   "  c:\n"                              /* 9 */
                                   "    min: 1\n"                        /* 10 */
                                   "    max: 5\n"                        /* 11 */
                                   "    labels: {much: 9}\n"             /* 12 */
                                   "  d: {max: 5}\n"                     /* 13 */
                                   "survey: {org_column: o}\n"
                                   "indicators: [{id: A, items: [{id: x, scale: c}]}]\n");
    expect_diag(&d, 7, 20, "scale 'a': min (5) must be less than max (1)");
    expect_diag(&d, 8, 20, "scale 'b': min (3) must be less than max (3)");
    expect_diag(&d, 12, 20, "scale 'c': label 'much' has value 9 outside [1, 5]");
    expect_diag(&d, 13, 6, "scale 'd': missing required key 'min'");
    assert_int_equal(d.errors, 4);
    lotk_diags_free(&d);
}

static void error_invalid_regex(void **state)
{
    (void)state;
    struct lotk_diags d = load_bad(HEAD
                                   "  - id: A\n"                                 /* 14 */
                                   "    items:\n"                                /* 15 */
                                   "      - {id: a, scale: s5, column: {match: '^(ab'}}\n"
                                   "      - {id: b, scale: s5, column: {match: \"x[z\"}}\n"
                                   "      - {id: c, scale: s5, column: {match: a**}}\n"
                                   "      - {id: d, scale: s5, column: {match: [x]}}\n"
                                   "      - {id: e, scale: s5, column: {matches: x}}\n");
    /* PCRE2's message and offset; the column points into the pattern: the pattern of a
     * starts at column 45 (after the quote), offset 4 is just past "^(ab". */
    expect_diag(&d, 16, 49,
                "item 'a': invalid regular expression '^(ab': missing closing parenthesis "
                "at offset 4");
    expect_diag(&d, 17, 48,
                "item 'b': invalid regular expression 'x[z': missing terminating ] for "
                "character class at offset 3");
    /* a** : PCRE2 reports the second '*' (offset 2); plain scalar, no quote. */
    expect_diag(&d, 18, 46, "item 'c': invalid regular expression 'a**': quantifier does not "
                            "follow a repeatable item at offset 2");
    expect_diag(&d, 19, 44, "column.match: expected a regular expression, found a list");
    expect_diag(&d, 20, 37, "column: unknown key 'matches'; did you mean 'match'?");
    expect_diag(&d, 20, 36, "item 'e': column: expected match");
    lotk_diags_free(&d);
}

static void error_missing_survey_keys(void **state)
{
    (void)state;
    struct lotk_diags d = load_bad("format: lotk/1\nid: m\nversion: '1'\nkind: other\n"
                                   "title: T\n"
                                   "scales: {s: {min: 1, max: 5}}\n"
                                   "survey: {id_column: r, min_respondents: 2.5}\n" /* 7 */
                                   "indicators: [{id: A, items: [{id: x, scale: s}]}]\n");
    expect_diag(&d, 7, 9, "survey: missing required key 'org_column'");
    expect_diag(&d, 7, 41, "min_respondents: expected a whole number of at least 1, found 2.5");
    lotk_diags_free(&d);
}

/* lotk check promises every error in one run: one file with one error of each class. */
static void several_errors_in_one_load(void **state)
{
    (void)state;
    struct lotk_diags d = load_bad("format: lotk/1\n"                          /* 1 */
                                   "id: many\n"                                /* 2 */
                                   "version: '1'\n"                            /* 3 */
                                   "kind: other\n"                             /* 4 */
                                   "title: T\n"                                /* 5 */
                                   "scales:\n"                                 /* 6 */
                                   "  s5: {min: 5, max: 1}\n"                  /* 7 */
                                   "survey: {org_column: o}\n"                 /* 8 */
                                   "bands:\n"                                  /* 9 */
                                   "  - {grade: a, min: 50}\n"                 /* 10 */
                                   "  - {grade: b, min: 60}\n"                 /* 11 */
                                   "indicators:\n"                             /* 12 */
                                   "  - id: A\n"                               /* 13 */
                                   "    weigth: 2\n"                           /* 14 */
                                   "    weight: 0\n"                           /* 15 */
                                   "    items:\n"                              /* 16 */
                                   "      - {id: a, scale: s5, column: {match: '(('}}\n"
                                   "      - {id: b, scale: s9}\n"              /* 18 */
                                   "  - id: A\n"                               /* 19 */
                                   "    items: [{id: c, scale: s5}]\n"         /* 20 */
                                   "  - id: B\n"                               /* 21 */
                                   "    title: [x]\n");                        /* 22 */
    expect_diag(&d, 7, 21, "scale 's5': min (5) must be less than max (1)");
    expect_diag(&d, 11, 21, "strictly descending min: 60 follows 50");
    expect_diag(&d, 14, 5, "unknown key 'weigth'; did you mean 'weight'?");
    expect_diag(&d, 15, 13, "weight must be greater than 0, found 0");
    expect_diag(&d, 17, 47, "invalid regular expression '((': missing closing parenthesis at "
                            "offset 2");
    expect_diag(&d, 18, 24, "undefined scale 's9'");
    expect_diag(&d, 19, 9, "duplicate indicator id 'A'");
    expect_diag(&d, 22, 12, "indicator 'B': expected a mapping, found a list");
    expect_diag(&d, 21, 5, "indicator 'B': has neither items nor indicators");
    assert_int_equal(d.errors, 9);
    /* In file order, except where one construct reports after its children. */
    for (size_t i = 1; i + 1 < d.count; i++)
        assert_true(d.entries[i].err.line >= d.entries[i - 1].err.line ||
                    d.entries[i - 1].err.line == 22);
    lotk_diags_free(&d);
}

static void missing_file_is_io(void **state)
{
    (void)state;
    struct lotk_diags d = {0};
    struct lotk_standard *s = (void *)1;
    assert_int_equal(lotk_standard_load("/nonexistent/lotk/standard.yaml", &s, &d), LOTK_EIO);
    assert_null(s);
    assert_int_equal(d.errors, 1);
    assert_int_equal(d.entries[0].err.code, LOTK_EIO);
    assert_non_null(strstr(d.entries[0].err.msg, "cannot open"));
    lotk_diags_free(&d);
}

/* ---- the search path ------------------------------------------------------------- */

struct seen {
    char names[8][512];
    int n;
};

static void collect(const char *path, void *ctx)
{
    struct seen *s = ctx;
    if (s->n < 8)
        snprintf(s->names[s->n++], sizeof s->names[0], "%s", path);
}

static void resolve_by_path_and_id(void **state)
{
    (void)state;
    char *dir = tu_tempdir();
    char *b = tu_write(dir, "b.yaml", "format: lotk/1\nid: beta\n", -1);
    char *a = tu_write(dir, "a.yaml", "format: lotk/1\nid: alpha\n", -1);
    char *t = tu_write(dir, "notes.txt", "id: gamma\n", -1);
    char *old = getenv("LOTK_STANDARD_PATH") ? lotk_xstrdup(getenv("LOTK_STANDARD_PATH"))
                                             : NULL;
    char *envpath = lotk_xasprintf("/nonexistent/lotk-dir:%s", dir);
    setenv("LOTK_STANDARD_PATH", envpath, 1);
    struct lotk_err err;
    lotk_err_clear(&err);

    /* A path is taken as it is. */
    char *p = lotk_standard_resolve(a, &err);
    assert_non_null(p);
    assert_string_equal(p, a);
    free(p);
    /* An id is looked up by the id inside the files, not the file name. */
    p = lotk_standard_resolve("beta", &err);
    assert_non_null(p);
    assert_string_equal(p, b);
    free(p);
    assert_null(lotk_standard_resolve("gamma", &err)); /* only *.yaml */
    assert_int_equal(err.code, LOTK_EUSAGE);
    assert_non_null(strstr(err.msg, "no standard with id 'gamma'"));
    lotk_err_clear(&err);
    char *missing = lotk_xasprintf("%s/missing.yaml", dir);
    assert_null(lotk_standard_resolve(missing, &err));
    assert_int_equal(err.code, LOTK_EIO);
    assert_non_null(strstr(err.msg, "cannot open standard"));
    free(missing);

    /* Files of a directory in name order, only *.yaml. */
    struct seen seen = {0};
    lotk_standard_each_file(collect, &seen);
    int first = -1;
    for (int i = 0; i < seen.n; i++)
        if (strcmp(seen.names[i], a) == 0)
            first = i;
    assert_true(first >= 0);
    assert_true(first + 1 < seen.n);
    assert_string_equal(seen.names[first + 1], b);
    for (int i = 0; i < seen.n; i++)
        assert_null(strstr(seen.names[i], "notes.txt"));

    if (old) {
        setenv("LOTK_STANDARD_PATH", old, 1);
        free(old);
    } else {
        unsetenv("LOTK_STANDARD_PATH");
    }
    free(envpath);
    free(a);
    free(b);
    free(t);
    tu_rmtree(dir);
}

/* A duplicate id stops the checks of that item, or of the indicator's whole subtree: the
 * errors inside are not reported, though `lotk check` promises every problem in one run. */
static void duplicate_ids_still_checked(void **state)
{
    (void)state;
    struct lotk_diags d = load_bad(HEAD
                                   "  - id: A\n"                              /* 14 */
                                   "    items:\n"                             /* 15 */
                                   "      - {id: a, scale: s5}\n"             /* 16 */
                                   "      - {id: a, scale: nope}\n"           /* 17 */
                                   "  - id: A\n"                              /* 18 */
                                   "    weight: -1\n"                         /* 19 */
                                   "    items: [{id: b, scale: s5}]\n");      /* 20 */
    expect_diag(&d, 17, 14, "duplicate item id 'a'");
    expect_diag(&d, 18, 9, "duplicate indicator id 'A'");
    expect_diag(&d, 17, 24, "undefined scale 'nope'");
    expect_diag(&d, 19, 13, "weight must be greater than 0, found -1");
    lotk_diags_free(&d);
}

/* The column of a regex error is the pattern's start column (libyaml counts characters)
 * plus PCRE2's offset (bytes): a multi-byte character before the error, such as the '、' of
 * wjx headers, pushes the column too far right. */
static void regex_error_column_counts_characters(void **state)
{
    (void)state;
    struct lotk_diags d = load_bad(HEAD
                                   "  - id: A\n"                                 /* 14 */
                                   "    items:\n"                                /* 15 */
                                   "      - {id: a, scale: s5, column: {match: '^3、(x'}}\n");
    /* '^' is at column 45; "^3、(x" is 5 characters (7 bytes); PCRE2 reports offset 7,
     * the end of the pattern, which is column 45 + 5 = 50. */
    expect_diag(&d, 16, 50, "missing closing parenthesis at offset 7");
    lotk_diags_free(&d);
}

/* What an indicator may say depends on its shape: each misplaced key is reported at its
 * value, and the shape's own problems at the indicator (issue 16 split load_indicator). */
static void indicator_keys_that_do_not_fit_its_shape(void **state)
{
    (void)state;
    struct lotk_diags d = load_bad(HEAD
                                   "  - id: A\n"                                   /* 14 */
                                   "    aggregate: min\n"                          /* 15 */
                                   "    params: {k: 1}\n"                          /* 16 */
                                   "    source: paper\n"                           /* 17 */
                                   "    items: [{id: a, scale: s5}]\n"             /* 18 */
                                   "    indicators: [{id: A1, items: [{id: b}]}]\n" /* 19 */
                                   "  - id: B\n"                                   /* 20 */
                                   "    min_children: 0.5\n"                       /* 21 */
                                   "    source: evidence\n"                        /* 22 */
                                   "    items: [{id: c, scale: s5}]\n"             /* 23 */
                                   "  - id: C\n"                                   /* 24 */
                                   "    rubric: {yes_no: ok}\n"                    /* 25 */
                                   "    items: [{id: d}]\n");                      /* 26 */
    expect_diag(&d, 16, 13,
                "indicator 'A': params are for an aggregate plugin, and this indicator uses "
                "the built-in min");
    expect_diag(&d, 17, 13, "source: expected survey, evidence, statistic or members");
    expect_diag(&d, 14, 5,
                "indicator 'A': has both items and indicators; give one or the other");
    expect_diag(&d, 21, 19,
                "indicator 'B': min_children is for indicators with indicators below them");
    expect_diag(&d, 20, 5, "indicator 'B': an evidence indicator has no items or indicators");
    expect_diag(&d, 20, 5,
                "indicator 'B': an evidence indicator needs a rubric (levels, fact or yes_no) "
                "or a scale");
    expect_diag(&d, 25, 13,
                "indicator 'C': rubric is for evidence indicators (source: evidence)");
    expect_diag(&d, 26, 13,
                "item 'd': missing required key 'scale' (or give the indicator a scale)");
    /* A's children are not read when it also has items: A1's scale-less item says nothing. */
    assert_int_equal(tu_find_diag(&d, "item 'b'"), -1);
    assert_int_equal(d.errors, 8);
    lotk_diags_free(&d);
}

/* An inner indicator's scale and min_answered are defaults for the indicators below it;
 * a child's own settings win. */
static void inner_indicators_hand_down_scale_and_min_answered(void **state)
{
    (void)state;
    struct lotk_standard *s = tu_load_ok(HEAD
                                         "  - id: E\n"
                                         "    scale: s3\n"
                                         "    min_answered: 0.5\n"
                                         "    indicators:\n"
                                         "      - id: E1\n"
                                         "        items: [{id: e1}]\n"
                                         "      - id: E2\n"
                                         "        scale: s5\n"
                                         "        min_answered: 1\n"
                                         "        items: [{id: e2}]\n");
    int i3 = -1, i5 = -1;
    for (size_t i = 0; i < s->nscales; i++) {
        if (strcmp(s->scales[i].id, "s3") == 0)
            i3 = (int)i;
        if (strcmp(s->scales[i].id, "s5") == 0)
            i5 = (int)i;
    }
    const struct lotk_node *e1 = &s->nodes[tu_node(s, "E1")], *e2 = &s->nodes[tu_node(s, "E2")];
    assert_int_equal(e1->scale, i3);
    assert_close(e1->min_answered, 0.5, 1e-15);
    assert_int_equal(s->items[e1->items[0]].scale, i3);
    assert_int_equal(e2->scale, i5);
    assert_close(e2->min_answered, 1, 1e-15);
    assert_int_equal(s->items[e2->items[0]].scale, i5);
    lotk_standard_free(s);
}

int main(int argc, char **argv)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(loads_the_tree),
        cmocka_unit_test(defaults_and_scalar_title),
        cmocka_unit_test(error_yaml_syntax),
        cmocka_unit_test(error_empty_and_not_a_mapping),
        cmocka_unit_test(error_unknown_key),
        cmocka_unit_test(error_wrong_type),
        cmocka_unit_test(error_duplicate_id),
        cmocka_unit_test(error_undefined_scale),
        cmocka_unit_test(error_mixed_scales_in_a_leaf),
        cmocka_unit_test(error_weight_not_positive),
        cmocka_unit_test(error_neither_items_nor_children),
        cmocka_unit_test(error_bands_not_descending),
        cmocka_unit_test(error_min_not_below_max),
        cmocka_unit_test(error_invalid_regex),
        cmocka_unit_test(error_missing_survey_keys),
        cmocka_unit_test(several_errors_in_one_load),
        cmocka_unit_test(missing_file_is_io),
        cmocka_unit_test(resolve_by_path_and_id),
        cmocka_unit_test(indicator_keys_that_do_not_fit_its_shape),
        cmocka_unit_test(inner_indicators_hand_down_scale_and_min_answered),
    };
    const struct CMUnitTest bugs[] = {
        cmocka_unit_test(duplicate_ids_still_checked),
        cmocka_unit_test(regex_error_column_counts_characters),
    };
    if (argc > 1 && strcmp(argv[1], "bugs") == 0)
        return cmocka_run_group_tests_name("standard: known core bugs", bugs, NULL, NULL);
    return cmocka_run_group_tests_name("standard", tests, NULL, NULL);
}
