/* test_evidence.c — evidence indicators (issue 5): rubrics in the standard, reading evidence
 * sheets with every kind of bad input, combining assessors and roles, the flags, the
 * agreement statistics, and the scorer's use of it all (core/evidence.c, core/standard.c,
 * core/score.c). */
#include "testutil.h"

#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli/cli.h"
#include "cli/commands.h"
#include "score/evidence.h"
#include "base/icc.h"
#include "output/json.h"
#include "score/result_json.h"
#include "base/mem.h"
#include "base/buf.h"

/* Line numbers in comments: the tests below point at them. */
static const char *const standard =
    "format: lotk/1\n"                                   /* 1 */
    "id: ev\n"                                           /* 2 */
    "version: '1'\n"                                     /* 3 */
    "kind: other\n"                                      /* 4 */
    "title: T\n"                                         /* 5 */
    "scales: {s5: {min: 1, max: 5}}\n"                   /* 6 */
    "survey: {org_column: org}\n"                        /* 7 */
    "evidence:\n"                                        /* 8 */
    "  assessors: median\n"                              /* 9 */
    "  combine: {self: 0.25, third-party: 0.75}\n"       /* 10 */
    "  spread: 0.25\n"                                   /* 11 */
    "  margin: 0.25\n"                                   /* 12 */
    "indicators:\n"                                      /* 13 */
    "  - id: S\n"                                        /* 14 */
    "    items: [{id: x, scale: s5}]\n"                  /* 15 */
    "  - id: E\n"                                        /* 16 */
    "    min_children: 0.25\n"                           /* 17 */
    "    indicators:\n"                                  /* 18 */
    "      - id: L\n"                                    /* 19 */
    "        source: evidence\n"                         /* 20 */
    "        rubric:\n"                                  /* 21 */
    "          levels:\n"                                /* 22 */
    "            - {value: 4, text: 全部}\n"             /* 23 */
    "            - {value: 0, text: 无}\n"               /* 24 */
    "            - {value: 1, text: 少}\n"               /* 25 */
    "            - {value: 2, text: {zh: 半, en: half}}\n" /* 26 */
    "            - {value: 3, text: 多}\n"               /* 27 */
    "        evidence: [制度文件, {zh: 台账, en: Records}]\n" /* 28 */
    "      - id: F\n"                                    /* 29 */
    "        source: evidence\n"                         /* 30 */
    "        rubric:\n"                                  /* 31 */
    "          fact: {zh: 经费比例, en: Funding share}\n" /* 32 */
    "          unit: '%'\n"                              /* 33 */
    "          min: 0\n"                                 /* 34 */
    "          max: 100\n"                               /* 35 */
    "          thresholds:\n"                            /* 36 */
    "            - {at_least: 2.5, score: 1}\n"          /* 37 */
    "            - {at_least: 1.5, score: 0.5}\n"        /* 38 */
    "      - id: Y\n"                                    /* 39 */
    "        source: evidence\n"                         /* 40 */
    "        rubric: {yes_no: 开放}\n"                   /* 41 */
    "      - id: P\n"                                    /* 42 */
    "        source: evidence\n"                         /* 43 */
    "        scale: {min: 0, max: 10}\n";                /* 44 */

#define HEADER "org,assessor,role,L,L.evidence,L.note,F,F.evidence,Y,P\n"

/* ---- helpers --------------------------------------------------------------------------- */

struct rejected {
    char *file;
    long line, column;
    char *reason;
};

struct run {
    struct lotk_evidence *ev;
    struct lotk_diags warnings;
    struct rejected rejects[32];
    size_t nrejects;
    int rc;
    struct lotk_err err;
};

static void on_reject(void *ctx, const struct lotk_reject *rj)
{
    struct run *r = ctx;
    if (r->nrejects >= 32)
        fail_msg("too many rejects");
    const char *slash = strrchr(rj->file, '/');
    r->rejects[r->nrejects++] = (struct rejected){lotk_xstrdup(slash ? slash + 1 : rj->file),
                                                  rj->line, rj->column,
                                                  lotk_xstrdup(rj->reason)};
}

/* Reads the sheets (name, text, name, text, …, NULL) in order, stopping at an error, then
 * finishes the evidence. */
static void run_sheets(struct run *r, const struct lotk_standard *s, ...)
{
    memset(r, 0, sizeof *r);
    lotk_err_clear(&r->err);
    struct lotk_evidence_sink sink = {on_reject, r};
    r->ev = lotk_evidence_new(s, &sink);
    char *dir = tu_tempdir();
    va_list ap;
    va_start(ap, s);
    const char *name;
    while (r->rc == 0 && (name = va_arg(ap, const char *))) {
        const char *text = va_arg(ap, const char *);
        char *path = tu_write(dir, name, text, -1);
        r->rc = lotk_evidence_read(r->ev, path, &r->warnings, &r->err);
        free(path);
    }
    va_end(ap);
    tu_rmtree(dir);
    lotk_evidence_finish(r->ev);
}

static void run_free(struct run *r)
{
    for (size_t i = 0; i < r->nrejects; i++) {
        free(r->rejects[i].file);
        free(r->rejects[i].reason);
    }
    lotk_diags_free(&r->warnings);
    lotk_evidence_free(r->ev);
}

static void expect_reject(const struct run *r, size_t i, long line, long column,
                          const char *needle)
{
    if (i >= r->nrejects)
        fail_msg("reject %zu expected (%s), only %zu", i, needle, r->nrejects);
    const struct rejected *rj = &r->rejects[i];
    if (rj->line != line || rj->column != column || !strstr(rj->reason, needle))
        fail_msg("reject %zu: %s:%ld:%ld: %s; expected %ld:%ld and '%s'", i, rj->file, rj->line,
                 rj->column, rj->reason, line, column, needle);
}

static const struct lotk_evidence_leaf *leaf(const struct run *r, const char *org, int l)
{
    const struct lotk_evidence_org *eo = lotk_evidence_find(r->ev, org);
    if (!eo)
        fail_msg("no evidence for %s", org);
    return &eo->leaves[l];
}

enum { L_, F_, Y_, P_ }; /* positions of the evidence leaves */

/* ---- the standard ------------------------------------------------------------------------ */

static void loads_rubrics(void **state)
{
    (void)state;
    struct lotk_standard *s = tu_load_ok(standard);
    assert_int_equal(s->nevidence, 4);
    const struct lotk_node *l = &s->nodes[tu_node(s, "L")], *f = &s->nodes[tu_node(s, "F")];
    const struct lotk_node *y = &s->nodes[tu_node(s, "Y")], *p = &s->nodes[tu_node(s, "P")];
    assert_null(s->nodes[tu_node(s, "S")].rubric);

    /* Levels are sorted whichever way the standard lists them; they fix the scale. */
    assert_int_equal(l->rubric->kind, LOTK_RUBRIC_LEVELS);
    assert_int_equal(l->rubric->nlevels, 5);
    for (int i = 0; i < 5; i++)
        assert_true(l->rubric->levels[i].value == i);
    assert_string_equal(l->rubric->levels[0].text.zh, "无");
    assert_string_equal(l->rubric->levels[2].text.en, "half");
    assert_true(s->scales[l->scale].min == 0 && s->scales[l->scale].max == 4);
    assert_string_equal(s->scales[l->scale].id, "L.scale");
    assert_int_equal(l->rubric->nevidence, 2);
    assert_string_equal(l->rubric->evidence[1].en, "Records");

    assert_int_equal(f->rubric->kind, LOTK_RUBRIC_FACT);
    assert_string_equal(f->rubric->unit, "%");
    assert_string_equal(f->rubric->what.en, "Funding share");
    assert_true(f->rubric->fact_min == 0 && f->rubric->fact_max == 100);
    assert_int_equal(f->rubric->nthresholds, 2);
    assert_true(f->rubric->thresholds[0].at_least == 2.5 && f->rubric->thresholds[0].score == 1);
    assert_true(f->rubric->thresholds[1].score == 0.5);
    assert_true(f->rubric->otherwise == 0); /* the default */
    assert_true(s->scales[f->scale].min == 0 && s->scales[f->scale].max == 1);
    assert_int_equal(f->rubric->nevidence, 0);

    assert_int_equal(y->rubric->kind, LOTK_RUBRIC_YES_NO);
    assert_string_equal(y->rubric->what.zh, "开放");
    assert_true(s->scales[y->scale].min == 0 && s->scales[y->scale].max == 1);
    assert_int_equal(p->rubric->kind, LOTK_RUBRIC_SCALE);
    assert_true(s->scales[p->scale].max == 10);

    const struct lotk_evidence_spec *e = &s->evidence;
    assert_true(e->median);
    assert_true(e->self_weight == 0.25 && e->third_weight == 0.75);
    assert_true(e->spread == 0.25 && e->margin == 0.25);
    assert_string_equal(e->org_column, "org"); /* survey.org_column */
    assert_string_equal(e->assessor_column, "assessor");
    assert_string_equal(e->role_column, "role");
    assert_int_equal(e->loc.line, 9);
    lotk_standard_free(s);

    /* Without an evidence block: third party only, mean, no checks. */
    s = tu_load_ok("format: lotk/1\nid: d\nversion: '1'\nkind: other\ntitle: T\n"
                   "survey: {org_column: o}\n"
                   "indicators:\n  - {id: A, source: evidence, rubric: {yes_no: ok}}\n");
    assert_false(s->evidence.median);
    assert_true(s->evidence.self_weight == 0 && s->evidence.third_weight == 1);
    assert_nan(s->evidence.spread);
    assert_nan(s->evidence.margin);
    assert_string_equal(s->evidence.org_column, "o");
    lotk_standard_free(s);
}

/* Loads a standard whose indicators are given, expecting errors. */
static struct lotk_diags load_bad(const char *indicators, const char *extra)
{
    struct lotk_diags d = {0};
    char *yaml = lotk_xasprintf("format: lotk/1\n"  /* 1 */
                                "id: b\n"           /* 2 */
                                "version: '1'\n"    /* 3 */
                                "kind: other\n"     /* 4 */
                                "title: T\n"        /* 5 */
                                "survey: {org_column: o}\n" /* 6 */
                                "%s"                /* 7: extra (one line) */
                                "indicators:\n"     /* 8 */
                                "%s", extra, indicators);
    struct lotk_standard *s = tu_load(yaml, &d);
    assert_null(s);
    free(yaml);
    return d;
}

static void rubric_errors(void **state)
{
    (void)state;
    struct lotk_diags d;
    d = load_bad("  - {id: A, source: evidence}\n", "#\n");
    expect_diag(&d, 9, 5, "indicator 'A': an evidence indicator needs a rubric (levels, fact "
                          "or yes_no) or a scale");
    lotk_diags_free(&d);
    d = load_bad("  - {id: A, source: evidence, scale: {min: 0, max: 4}, rubric: {yes_no: x}}\n",
                 "#\n");
    expect_diag(&d, 9, 38, "give a rubric or a scale, not both");
    lotk_diags_free(&d);
    d = load_bad("  - {id: A, source: evidence, rubric: {yes_no: x, levels: []}}\n", "#\n");
    expect_diag(&d, 9, 39, "a rubric has exactly one of levels, fact or yes_no");
    lotk_diags_free(&d);
    d = load_bad("  - id: A\n"                                      /* 9 */
                 "    source: evidence\n"                           /* 10 */
                 "    rubric:\n"                                    /* 11 */
                 "      levels:\n"                                  /* 12 */
                 "        - {value: 0, text: a}\n"                  /* 13 */
                 "        - {value: 0, text: b}\n"                  /* 14 */
                 "        - {value: x, txt: c}\n"                   /* 15 */
                 "      unit: '%'\n",                               /* 16 */
                 "#\n");
    expect_diag(&d, 14, 19, "level 0 is listed twice");
    expect_diag(&d, 15, 19, "level value: expected a number, found 'x'");
    expect_diag(&d, 15, 22, "level: unknown key 'txt'; did you mean 'text'?");
    expect_diag(&d, 15, 11, "level: missing required key 'text'");
    expect_diag(&d, 13, 9, "a rubric needs at least two levels");
    expect_diag(&d, 16, 13, "rubric.unit belongs to a fact rubric");
    lotk_diags_free(&d);
    d = load_bad("  - id: A\n"                                      /* 9 */
                 "    source: evidence\n"                           /* 10 */
                 "    rubric:\n"                                    /* 11 */
                 "      fact: share\n"                              /* 12 */
                 "      min: 5\n"                                   /* 13 */
                 "      max: 1\n"                                   /* 14 */
                 "      thresolds: []\n"                            /* 15 */
                 "      otherwise: 2\n",                            /* 16 */
                 "#\n");
    expect_diag(&d, 14, 12, "rubric.min (5) must be less than rubric.max (1)");
    expect_diag(&d, 15, 7, "rubric: unknown key 'thresolds'; did you mean 'thresholds'?");
    expect_diag(&d, 12, 7, "missing required key 'thresholds'");
    expect_diag(&d, 16, 18, "otherwise is a share of full marks in [0, 1], found 2");
    lotk_diags_free(&d);
    d = load_bad("  - id: A\n"                                      /* 9 */
                 "    source: evidence\n"                           /* 10 */
                 "    rubric:\n"                                    /* 11 */
                 "      fact: share\n"                              /* 12 */
                 "      thresholds:\n"                              /* 13 */
                 "        - {at_least: 1, score: 0.5}\n"            /* 14 */
                 "        - {at_least: 2, score: 1}\n"              /* 15 */
                 "        - {at_least: 0.5, score: 0.7}\n"          /* 16 */
                 "        - {at_least: 0.2, score: 1.5}\n",         /* 17 */
                 "#\n");
    expect_diag(&d, 15, 22, "list thresholds highest first with strictly descending at_least: "
                            "2 follows 1");
    expect_diag(&d, 16, 34, "threshold at_least 0.5 scores 0.7, more than the higher "
                            "threshold's 0.5");
    expect_diag(&d, 17, 34, "a threshold's score is a share of full marks in [0, 1], found 1.5");
    lotk_diags_free(&d);
    /* A rubric on a survey indicator; the evidence block's own checks. */
    d = load_bad("  - {id: A, items: [{id: q, scale: {min: 1, max: 5}}], rubric: {yes_no: x}, "
                 "evidence: [doc]}\n",
                 "evidence: {combine: {self: -1, third-party: 1}, assessors: mode, spread: 2, "
                 "role_colum: r}\n");
    expect_diag(&d, 9, 64, "indicator 'A': rubric is for evidence indicators (source: evidence)");
    expect_diag(&d, 9, 87, "indicator 'A': evidence is for evidence indicators");
    expect_diag(&d, 7, 28, "evidence.combine.self: a weight cannot be negative, found -1");
    expect_diag(&d, 7, 60, "evidence.assessors: expected mean or median");
    expect_diag(&d, 7, 74, "evidence.spread: expected a share of the scale in [0, 1], found 2");
    expect_diag(&d, 7, 77, "evidence: unknown key 'role_colum'; did you mean 'role_column'?");
    lotk_diags_free(&d);
    d = load_bad("  - {id: A, source: evidence, rubric: {yes_no: x}}\n",
                 "evidence: {combine: auditors}\n");
    expect_diag(&d, 7, 21, "evidence.combine: expected {self: W, third-party: W}, self or "
                           "third-party, found 'auditors'");
    lotk_diags_free(&d);
    d = load_bad("  - {id: A, source: evidence, rubric: {yes_no: x}}\n",
                 "evidence: {combine: {self: 0}}\n");
    expect_diag(&d, 7, 21, "evidence.combine: give self or third-party a weight above 0");
    lotk_diags_free(&d);
}

/* ---- reading sheets ------------------------------------------------------------------------ */

static void reads_ratings(void **state)
{
    (void)state;
    struct lotk_standard *s = tu_load_ok(standard);
    struct run r;
    run_sheets(&r, s, "a.csv",
               "\xEF\xBB\xBF" HEADER
               "O1,A1,third-party,3,制度文件; 台账,ok,2.6%,ledger,是,7.5\n"
               "O1,A2,Third-Party,2,台账,,2.5,ledger,有,8\n"
               "O1,A3,第三方,4,制度文件,,1.8％,,yes,\n"
               "O1,me,自评,4,制度文件,,1.49,,1,\n"
               "O2,A1,third-party,,,,0,ledger,NO,0\n", NULL);
    assert_int_equal(r.rc, 0);
    assert_int_equal(r.nrejects, 0);
    assert_int_equal(r.warnings.count, 0);
    assert_int_equal(r.ev->counts.files, 1);
    assert_int_equal(r.ev->counts.rows, 5);
    assert_int_equal(r.ev->counts.used, 5);
    const struct lotk_evidence_org *o1 = lotk_evidence_find(r.ev, "O1");
    assert_non_null(o1);
    assert_int_equal(o1->nrows, 4);
    /* Third party first in natural order of assessor, then self. */
    assert_string_equal(o1->rows[0].assessor, "A1");
    assert_string_equal(o1->rows[2].assessor, "A3");
    assert_int_equal(o1->rows[3].role, LOTK_ROLE_SELF);
    assert_int_equal(o1->rows[1].role, LOTK_ROLE_THIRD_PARTY);
    /* Facts are kept as written and scored by the thresholds. */
    assert_true(o1->rows[0].ratings[F_].recorded == 2.6 && o1->rows[0].ratings[F_].value == 1);
    assert_true(o1->rows[1].ratings[F_].value == 1);       /* 2.5 is "at least 2.5" */
    assert_true(o1->rows[2].ratings[F_].recorded == 1.8 && o1->rows[2].ratings[F_].value == 0.5);
    assert_true(o1->rows[3].ratings[F_].value == 0);       /* 1.49: below every threshold */
    assert_true(o1->rows[0].ratings[Y_].value == 1 && o1->rows[2].ratings[Y_].value == 1);
    assert_true(o1->rows[3].ratings[Y_].value == 1);
    assert_true(o1->rows[0].ratings[P_].value == 7.5);
    assert_nan(o1->rows[2].ratings[P_].value);
    assert_string_equal(o1->rows[0].ratings[L_].evidence, "制度文件; 台账");
    assert_string_equal(o1->rows[0].ratings[L_].note, "ok");
    assert_null(o1->rows[1].ratings[L_].note);
    const struct lotk_evidence_org *o2 = lotk_evidence_find(r.ev, "O2");
    assert_nan(o2->rows[0].ratings[L_].value);
    assert_true(o2->rows[0].ratings[Y_].value == 0);
    assert_null(lotk_evidence_find(r.ev, "O3"));
    run_free(&r);
    lotk_standard_free(s);
}

static void rejects_bad_rows(void **state)
{
    (void)state;
    struct lotk_standard *s = tu_load_ok(standard);
    struct run r;
    run_sheets(&r, s, "a.csv",
               HEADER                                            /* 1 */
               "O1,A1,third-party,3,doc,,2,x,yes,1\n"            /* 2 ok */
               "O1,A2,third-party,3,doc,,2,x,yes\n"              /* 3 ragged */
               ",A2,third-party,3,doc,,2,x,yes,1\n"              /* 4 no org */
               "O1,,third-party,3,doc,,2,x,yes,1\n"              /* 5 no assessor */
               "O1,A2,expert,3,doc,,2,x,yes,1\n"                 /* 6 unknown role */
               "O1,A2,self,5,doc,,2,x,yes,1\n"                   /* 7 not a level */
               "O1,A2,self,2.5,doc,,2,x,yes,1\n"                 /* 8 not a level */
               "O1,A2,self,2,doc,,101,x,yes,1\n"                 /* 9 fact out of range */
               "O1,A2,self,2,doc,,two,x,yes,1\n"                 /* 10 not a number */
               "O1,A2,self,2,doc,,2,x,maybe,1\n"                 /* 11 not yes/no */
               "O1,A2,self,2,doc,,2,x,yes,11\n"                  /* 12 outside the scale */
               "O1,A2,self,,doc,note,,x,,\n"                     /* 13 rates nothing */
               "\"O1\",\"A1\",self,1,,,,,,\n"                    /* 14 duplicate */
               "O1,A2,self,\"2\",\"a\nb\",,,,,\n"                /* 15-16 ok, two lines */
               "O1,A2,self,2,,,,,,\n",                           /* 17 duplicate */
               "b.csv",
               "org,assessor,L\n"
               "O1,A1,2\n"                                       /* duplicate of a.csv:2 */
               "O3,A1,2\n", NULL);
    assert_int_equal(r.rc, 0);
    expect_reject(&r, 0, 3, 0, "the row has 9 fields but the header has 10");
    expect_reject(&r, 1, 4, 1, "no organization id in column 1 (org)");
    expect_reject(&r, 2, 5, 2, "no assessor in column 2 (assessor)");
    expect_reject(&r, 3, 6, 3, "unknown role 'expert' in column 3 (role); expected self or "
                               "third-party (自评 or 第三方)");
    expect_reject(&r, 4, 7, 4, "indicator L (column 'L'): rating '5' is not a level of the "
                               "rubric (0, 1, 2, 3, 4)");
    expect_reject(&r, 5, 8, 4, "rating '2.5' is not a level");
    expect_reject(&r, 6, 9, 7, "indicator F (column 'F'): fact 101 is outside the rubric's "
                               "range [0, 100]");
    expect_reject(&r, 7, 10, 7, "'two' is not a number (the rubric records a fact in %)");
    expect_reject(&r, 8, 11, 9, "indicator Y (column 'Y'): 'maybe' is not yes or no");
    expect_reject(&r, 9, 12, 10, "indicator P (column 'P'): rating '11' is outside the scale "
                                 "[0, 10]");
    expect_reject(&r, 10, 13, 0, "the row rates no evidence indicator");
    expect_reject(&r, 11, 14, 2, "a second row for organization 'O1' and assessor 'A1'; the "
                                 "first is ");
    assert_non_null(strstr(r.rejects[11].reason, "a.csv:2"));
    expect_reject(&r, 12, 17, 2, "a second row for organization 'O1' and assessor 'A2'");
    assert_non_null(strstr(r.rejects[12].reason, "a.csv:15"));
    expect_reject(&r, 13, 2, 2, "a second row for organization 'O1' and assessor 'A1'");
    assert_string_equal(r.rejects[13].file, "b.csv");
    assert_int_equal(r.nrejects, 14);
    /* Nothing dropped silently: every row is used or rejected. */
    assert_int_equal(r.ev->counts.files, 2);
    assert_int_equal(r.ev->counts.rows, 17);
    assert_int_equal(r.ev->counts.used, 3);
    assert_int_equal(r.ev->counts.rejected, 14);
    /* A sheet without a role column is all third party; the note spanning lines is kept. */
    const struct lotk_evidence_org *o1 = lotk_evidence_find(r.ev, "O1");
    assert_int_equal(o1->nrows, 2);
    assert_string_equal(o1->rows[1].ratings[L_].evidence, "a\nb");
    assert_int_equal(lotk_evidence_find(r.ev, "O3")->rows[0].role, LOTK_ROLE_THIRD_PARTY);
    run_free(&r);
    lotk_standard_free(s);
}

static void header_problems(void **state)
{
    (void)state;
    struct lotk_standard *s = tu_load_ok(standard);
    struct run r;
    run_sheets(&r, s, "a.csv", "organisation,assessor,L\nO1,A1,2\n", NULL);
    assert_int_equal(r.rc, LOTK_EIO);
    assert_int_equal(r.err.line, 1);
    assert_non_null(strstr(r.err.msg, "no column 'org' for the organization "
                                      "(evidence.org_column of "));
    assert_non_null(strstr(r.err.msg, "; closest headers: "));
    assert_non_null(strstr(r.err.msg, "'organisation'"));
    run_free(&r);
    run_sheets(&r, s, "a.csv", "org,rater,L\nO1,A1,2\n", NULL);
    assert_int_equal(r.rc, LOTK_EIO);
    assert_non_null(strstr(r.err.msg, "no column 'assessor' for the assessor"));
    run_free(&r);
    run_sheets(&r, s, "a.csv", "org,assessor,x,L.note\nO1,A1,2,n\n", NULL);
    assert_int_equal(r.rc, LOTK_EIO);
    assert_non_null(strstr(r.err.msg, "no column rates an evidence indicator of ev (a rating "
                                      "column is named by the indicator id: L, F, Y, P)"));
    run_free(&r);
    run_sheets(&r, s, "a.csv", "org,assessor,L,F,L\nO1,A1,2,2,2\n", NULL);
    assert_int_equal(r.rc, LOTK_EIO);
    assert_int_equal(r.err.column, 5);
    assert_non_null(strstr(r.err.msg, "column 'L' appears twice (columns 3 and 5)"));
    run_free(&r);
    run_sheets(&r, s, "a.csv", "", NULL);
    assert_int_equal(r.rc, LOTK_EIO);
    assert_non_null(strstr(r.err.msg, "the file is empty"));
    run_free(&r);
    run_sheets(&r, s, "a.csv", "org,assessor,L\nO1,A1,\"2\n", NULL);
    assert_int_equal(r.rc, LOTK_EIO);
    assert_non_null(strstr(r.err.msg, "never closed"));
    run_free(&r);
    /* Columns that rate nothing are warnings, each at its column, and ignored. */
    run_sheets(&r, s, "a.csv", "org,assessor,L,Lx,S,F.evidence,remarks,Y.note\nO1,A1,2,,,,,\n",
               NULL);
    assert_int_equal(r.rc, 0);
    assert_int_equal(r.warnings.warnings, 5);
    assert_int_equal(r.warnings.entries[0].err.column, 4);
    assert_non_null(strstr(r.warnings.entries[0].err.msg, "column 'Lx' is no evidence column "
                                                          "of ev; did you mean 'L'? Ignored"));
    assert_non_null(strstr(r.warnings.entries[1].err.msg, "column 'S' names an indicator that "
                                                          "respondents answer (source: survey)"));
    assert_non_null(strstr(r.warnings.entries[2].err.msg, "column 'remarks' is no evidence "
                                                          "column of ev; ignored"));
    assert_int_equal(r.warnings.entries[3].err.column, 6);
    assert_non_null(strstr(r.warnings.entries[3].err.msg, "column 'F.evidence' has no rating "
                                                          "column 'F' beside it; ignored"));
    assert_non_null(strstr(r.warnings.entries[4].err.msg, "'Y.note'"));
    assert_int_equal(r.ev->counts.used, 1);
    run_free(&r);
    lotk_standard_free(s);
}

static void gb18030_sheet(void **state)
{
    (void)state;
    struct lotk_standard *s = tu_load_ok(standard);
    struct run r;
    /* 自评 / 第三方 / 是 / 台账 in GB18030, as Excel on Chinese Windows saves them. */
    run_sheets(&r, s, "gbk.csv",
               "org,assessor,role,Y,Y.evidence\r\n"
               "O1,A1,\xb5\xda\xc8\xfd\xb7\xbd,\xca\xc7,\xcc\xa8\xd5\xcb\r\n"
               "O1,S,\xd7\xd4\xc6\xc0,\xca\xc7,\r\n", NULL);
    assert_int_equal(r.rc, 0);
    assert_int_equal(r.nrejects, 0);
    const struct lotk_evidence_org *o1 = lotk_evidence_find(r.ev, "O1");
    assert_int_equal(o1->nrows, 2);
    assert_int_equal(o1->rows[1].role, LOTK_ROLE_SELF);
    assert_string_equal(o1->rows[0].ratings[Y_].evidence, "台账");
    run_free(&r);
    lotk_standard_free(s);
}

/* ---- combining -------------------------------------------------------------------------- */

static void combines_roles_and_flags(void **state)
{
    (void)state;
    struct lotk_standard *s = tu_load_ok(standard);
    struct run r;
    run_sheets(&r, s, "a.csv",
               HEADER
               /* O1: median of 1, 3, 3 = 3; spread 2/4 = 0.5 flags; self 4 is 0.25 above:
                * not more than the margin. Value = 3 + (4 − 3) × 0.25. */
               "O1,A1,third-party,1,doc,,2,x,yes,\n"
               "O1,A2,third-party,3,doc,,2.6,x,yes,\n"
               "O1,A3,third-party,3,doc,,2.6,x,no,\n"
               "O1,S,self,4,doc,,2.6,x,yes,\n"
               /* O2: third party 1, self 3: margin flag; A2 gave no citation on L. */
               "O2,A1,third-party,1,doc,,,,,\n"
               "O2,A2,third-party,1,,,,,,\n"
               "O2,S,self,3,doc,,,,,\n"
               /* O3: self only — no value, flagged; P unrated. */
               "O3,S,self,2,doc,,1.5,x,yes,\n"
               /* O4: an even number of third-party ratings: the median is their mean. */
               "O4,A1,third-party,2,doc,,,,,4\n"
               "O4,A2,third-party,3,doc,,,,,6\n", NULL);
    assert_int_equal(r.rc, 0);
    assert_int_equal(r.nrejects, 0);
    const struct lotk_evidence_leaf *lf = leaf(&r, "O1", L_);
    assert_true(lf->third == 3 && lf->self == 4 && lf->nthird == 3 && lf->nself == 1);
    assert_true(lf->value == 3.25);
    assert_true(lf->spread_third == 0.5);
    assert_nan(lf->spread_self);
    assert_int_equal(lf->flags, LOTK_EVIDENCE_SPREAD);
    /* F: scores 0.5, 1, 1 → median 1; self 1 → 1 exactly (equal roles combine to
     * themselves). Y: yes, yes, no → median 1, spread 1: flagged. */
    assert_true(leaf(&r, "O1", F_)->value == 1);
    assert_int_equal(leaf(&r, "O1", F_)->flags, LOTK_EVIDENCE_SPREAD);
    assert_true(leaf(&r, "O1", Y_)->value == 1);
    assert_int_equal(leaf(&r, "O1", Y_)->flags, LOTK_EVIDENCE_SPREAD);
    assert_nan(leaf(&r, "O1", P_)->value);

    lf = leaf(&r, "O2", L_);
    assert_true(lf->third == 1 && lf->self == 3);
    assert_true(lf->value == 1.5);
    assert_int_equal(lf->flags, LOTK_EVIDENCE_SELF_EXCEEDS | LOTK_EVIDENCE_UNCITED);

    lf = leaf(&r, "O3", L_);
    assert_nan(lf->value);
    assert_true(lf->self == 2);
    assert_nan(lf->third);
    assert_int_equal(lf->flags, LOTK_EVIDENCE_SELF_ONLY);
    assert_true(leaf(&r, "O4", L_)->third == 2.5);
    assert_true(leaf(&r, "O4", P_)->third == 5);

    unsigned f1 = lotk_evidence_org_flags(r.ev, lotk_evidence_find(r.ev, "O1"));
    unsigned f2 = lotk_evidence_org_flags(r.ev, lotk_evidence_find(r.ev, "O2"));
    unsigned f3 = lotk_evidence_org_flags(r.ev, lotk_evidence_find(r.ev, "O3"));
    assert_int_equal(f1, LOTK_FLAG_ASSESSOR_SPREAD);
    assert_int_equal(f2, LOTK_FLAG_SELF_EXCEEDS | LOTK_FLAG_UNCITED);
    assert_int_equal(f3, LOTK_FLAG_SELF_ONLY);
    run_free(&r);
    lotk_standard_free(s);

    /* Mean of the assessors; third party only: self is shown, never scored. */
    static const char *const from = "  assessors: median\n  combine: {self: 0.25, "
                                     "third-party: 0.75}\n";
    const char *at = strstr(standard, from);
    assert_non_null(at);
    char *yaml = lotk_xasprintf("%.*s  assessors: mean\n  combine: third-party\n%s",
                                (int)(at - standard), standard, at + strlen(from));
    s = tu_load_ok(yaml);
    free(yaml);
    assert_false(s->evidence.median);
    assert_true(s->evidence.self_weight == 0 && s->evidence.third_weight == 1);
    run_sheets(&r, s, "a.csv",
               HEADER
               "O1,A1,third-party,1,doc,,,,,\n"
               "O1,A2,third-party,2,doc,,,,,\n"
               "O1,A3,third-party,2,doc,,,,,\n"
               "O1,S,self,4,doc,,,,,\n"
               "O3,S,self,2,doc,,,,,\n", NULL);
    lf = leaf(&r, "O1", L_);
    assert_true(lf->third == 5.0 / 3 && lf->value == 5.0 / 3 && lf->self == 4);
    assert_int_equal(lf->flags, LOTK_EVIDENCE_SELF_EXCEEDS);
    assert_nan(leaf(&r, "O3", L_)->value);
    assert_int_equal(leaf(&r, "O3", L_)->flags, LOTK_EVIDENCE_SELF_ONLY);
    run_free(&r);
    lotk_standard_free(s);
}

/* The agreement block is the Shrout & Fleiss table of the third-party ratings: the paper's
 * Table 2 written as a sheet (targets are organizations, judges are assessors), with a self
 * row and an organization that only two assessors rated, which both stay out of it. */
static void agreement_is_shrout_fleiss(void **state)
{
    (void)state;
    static const double table2[6][4] = {{9, 2, 5, 8}, {6, 1, 3, 2}, {8, 4, 6, 8},
                                        {7, 1, 2, 6}, {10, 5, 6, 9}, {6, 2, 4, 7}};
    struct lotk_standard *s = tu_load_ok(standard);
    struct lotk_buf sheet = {0};
    lotk_buf_puts(&sheet, "org,assessor,role,P\n");
    for (int j = 3; j >= 0; j--) /* rows in no particular order */
        for (int i = 0; i < 6; i++)
            lotk_buf_printf(&sheet, "T%d,J%d,third-party,%g\n", i + 1, j + 1, table2[i][j]);
    lotk_buf_puts(&sheet, "T1,S,self,10\nT7,J1,third-party,3\nT7,J2,third-party,4\n");
    struct run r;
    run_sheets(&r, s, "sf.csv", sheet.data, NULL);
    lotk_buf_free(&sheet);
    assert_int_equal(r.rc, 0);
    const struct lotk_evidence_agreement *ag = &r.ev->agreement[P_];
    assert_int_equal(ag->njudges, 4);
    assert_string_equal(ag->judges[0], "J1");
    assert_int_equal(ag->icc.n, 6);
    assert_int_equal(ag->icc.k, 4);
    assert_int_equal(ag->excluded, 1);
    /* psych::ICC (tests/fixtures/icc/expected-icc.csv, shrout-fleiss-1979). */
    assert_close(ag->icc.icc1, 0.16574176840547555, 1e-9);
    assert_close(ag->icc.icc2, 0.28976377952755922, 1e-9);
    assert_close(ag->icc.icc3, 0.71484071484071487, 1e-9);
    assert_close(ag->icc.icc1k, 0.44279713367926893, 1e-9);
    assert_close(ag->icc.icc2k, 0.62005054759898925, 1e-9);
    assert_close(ag->icc.icc3k, 0.90931554237706946, 1e-9);
    /* No third-party ratings at all: undefined, not zero. */
    assert_int_equal(r.ev->agreement[L_].njudges, 0);
    assert_nan(r.ev->agreement[L_].icc.icc1);

    json_t *j = lotk_write_json_agreement(s, r.ev);
    json_t *p = json_object_get(j, "P");
    assert_close(json_real_value(json_object_get(p, "ICC2")), 0.28976377952755922, 1e-9);
    assert_int_equal(json_integer_value(json_object_get(p, "organizations")), 6);
    assert_int_equal(json_integer_value(json_object_get(p, "excluded")), 1);
    assert_true(json_is_null(json_object_get(json_object_get(j, "L"), "ICC1")));
    json_decref(j);
    run_free(&r);
    lotk_standard_free(s);
}

/* ---- scoring ----------------------------------------------------------------------------- */

static struct lotk_result *score_with(const struct lotk_standard *s, const char *survey,
                                      struct lotk_evidence *ev)
{
    char *dir = tu_tempdir();
    char *path = tu_write(dir, "responses.csv", survey, -1);
    struct lotk_scorer *sc = lotk_scorer_new(s, NULL, false);
    struct lotk_survey_sink sink = {.on_row = lotk_scorer_add, .row_ctx = sc};
    struct lotk_survey *sv = lotk_survey_new(s, &sink);
    struct lotk_err err;
    lotk_err_clear(&err);
    if (lotk_survey_read(sv, path, &err) != 0)
        fail_msg("reading the survey failed: %s", err.msg);
    lotk_scorer_set_evidence(sc, ev);
    struct lotk_result *r = NULL;
    if (lotk_scorer_finish(sc, lotk_survey_counts(sv), &r, &err) != 0)
        fail_msg("lotk_scorer_finish failed: %s", err.msg);
    lotk_survey_free(sv);
    lotk_scorer_free(sc);
    free(path);
    tu_rmtree(dir);
    return r;
}

static void scores_evidence_leaves(void **state)
{
    (void)state;
    struct lotk_standard *s = tu_load_ok(standard);
    struct run r;
    run_sheets(&r, s, "a.csv",
               HEADER
               "O1,A1,third-party,2,doc,,3,x,yes,5\n"
               "O1,A2,third-party,2,doc,,3,x,yes,5\n"
               "O9,A1,third-party,4,doc,,,,,\n", NULL);
    struct lotk_result *res = score_with(s, "org,x\nO1,5\nO1,3\nO2,4\n", r.ev);
    assert_int_equal(res->norgs, 3);
    assert_true(res->evidence == r.ev);
    int L = tu_node(s, "L"), F = tu_node(s, "F"), E = tu_node(s, "E"), Y = tu_node(s, "Y");

    const struct lotk_org_result *o1 = tu_org(res, "O1");
    assert_non_null(o1->evidence);
    assert_true(o1->mean[L] == 2 && o1->norm[L] == 0.5);
    assert_true(o1->mean[F] == 1 && o1->norm[F] == 1 && o1->norm[Y] == 1);
    assert_close(o1->norm[E], (0.5 + 1 + 1 + 0.5) / 4, 1e-15);
    assert_close(o1->points, 100 * 0.5 * (0.75 + 0.75), 1e-12);
    assert_int_equal(o1->flags, 0);

    /* No evidence for O2: its evidence leaves are unrated, E has no value. */
    const struct lotk_org_result *o2 = tu_org(res, "O2");
    assert_null(o2->evidence);
    assert_nan(o2->norm[L]);
    assert_nan(o2->norm[E]);
    assert_true(o2->flags & LOTK_FLAG_UNRATED);
    assert_true(o2->flags & LOTK_FLAG_INCOMPLETE);

    /* O9 has evidence and no survey rows: scored on what it has, and marked. */
    const struct lotk_org_result *o9 = tu_org(res, "O9");
    assert_int_equal(o9->respondents, 0);
    assert_true(o9->norm[L] == 1);
    assert_true(o9->norm[E] == 1); /* min_children 0.25: one of four children */
    assert_nan(o9->points);
    assert_true(o9->flags & LOTK_FLAG_EVIDENCE_ONLY);
    assert_true(o9->flags & LOTK_FLAG_UNRATED);
    assert_true(o9->flags & LOTK_FLAG_FEW_RESPONDENTS);
    assert_int_equal(o9->band, -1);

    /* The JSON carries the ratings, citations and flags; rules see the same object. */
    json_t *j = lotk_result_org_json(s, o1);
    json_t *n = json_object_get(json_object_get(j, "nodes"), "L");
    assert_string_equal(json_string_value(json_object_get(n, "source")), "evidence");
    assert_true(json_real_value(json_object_get(n, "norm")) == 0.5);
    assert_true(json_real_value(json_object_get(n, "third_party")) == 2);
    assert_true(json_is_null(json_object_get(n, "self")));
    json_t *ratings = json_object_get(n, "ratings");
    assert_int_equal(json_array_size(ratings), 2);
    assert_string_equal(json_string_value(json_object_get(json_array_get(ratings, 0),
                                                          "evidence")), "doc");
    json_t *f = json_object_get(json_object_get(j, "nodes"), "F");
    assert_true(json_real_value(json_object_get(json_array_get(json_object_get(f, "ratings"),
                                                               0), "fact")) == 3);
    json_t *e = json_object_get(j, "evidence");
    assert_int_equal(json_array_size(json_object_get(e, "assessors")), 2);
    assert_false(json_is_true(json_object_get(e, "self_assessed")));
    json_decref(j);
    j = lotk_result_org_json(s, o9);
    json_t *flags = json_object_get(j, "flags");
    bool found = false;
    for (size_t i = 0; i < json_array_size(flags); i++)
        found |= strcmp(json_string_value(json_array_get(flags, i)), "evidence_only") == 0;
    assert_true(found);
    json_decref(j);
    lotk_result_free(res);
    run_free(&r);
    lotk_standard_free(s);
}

/* The same rows in another order and split over other files give the same result, bit for
 * bit. */
static void order_does_not_matter(void **state)
{
    (void)state;
    struct lotk_standard *s = tu_load_ok(standard);
    struct run a, b;
    run_sheets(&a, s, "a.csv",
               HEADER
               "O1,A1,third-party,1,d1,,2.2,x,yes,3.3\n"
               "O1,A2,third-party,3,d2,,2.6,x,no,4.1\n"
               "O2,A1,third-party,2,d3,,1.6,x,yes,7.7\n"
               "O1,S,self,4,d4,,2.6,x,yes,9.9\n"
               "O2,A2,third-party,4,d5,,3,x,no,0.1\n", NULL);
    run_sheets(&b, s, "b1.csv",
               "assessor,org,P,Y,F,F.evidence,L,L.note,L.evidence,role\n"
               "A2,O2,0.1,no,3,x,4,,d5,third-party\n"
               "S,O1,9.9,yes,2.6,x,4,,d4,self\n",
               "b2.csv",
               HEADER
               "O2,A1,third-party,2,d3,,1.6,x,yes,7.7\n"
               "O1,A2,third-party,3,d2,,2.6,x,no,4.1\n"
               "O1,A1,third-party,1,d1,,2.2,x,yes,3.3\n", NULL);
    assert_int_equal(a.rc, 0);
    assert_int_equal(b.rc, 0);
    struct lotk_result *ra = score_with(s, "org,x\nO1,5\nO2,2\n", a.ev);
    struct lotk_result *rb = score_with(s, "org,x\nO2,2\nO1,5\n", b.ev);
    for (size_t i = 0; i < ra->norgs; i++) {
        json_t *ja = lotk_result_org_json(s, &ra->orgs[i]);
        json_t *jb = lotk_result_org_json(s, &rb->orgs[i]);
        char *ta = json_dumps(ja, JSON_PRESERVE_ORDER | JSON_REAL_PRECISION(17));
        char *tb = json_dumps(jb, JSON_PRESERVE_ORDER | JSON_REAL_PRECISION(17));
        assert_string_equal(ta, tb);
        free(ta);
        free(tb);
        json_decref(ja);
        json_decref(jb);
    }
    json_t *ga = lotk_write_json_agreement(s, a.ev), *gb = lotk_write_json_agreement(s, b.ev);
    assert_true(json_equal(ga, gb));
    json_decref(ga);
    json_decref(gb);
    lotk_result_free(ra);
    lotk_result_free(rb);
    run_free(&a);
    run_free(&b);
    lotk_standard_free(s);
}

/* --evidence FILE repeats; every value is kept in order (cli.c's lotk_cli_values). */
static void evidence_option_repeats(void **state)
{
    (void)state;
    static struct lotk_args args;
    const char *argv[] = {"std.yaml", "--evidence", "team.csv", "r.csv", "-e", "self.csv",
                          "--evidence=more.csv", "-q"};
    struct lotk_err err;
    bool help;
    lotk_err_clear(&err);
    assert_int_equal(lotk_cli_parse(&lotk_cmd_score, 8, (char **)argv, &args, &help, &err), 0);
    const char *files[4] = {NULL};
    assert_int_equal(lotk_cli_values(&args, SCORE_EVIDENCE, files, 4), 3);
    assert_string_equal(files[0], "team.csv");
    assert_string_equal(files[1], "self.csv");
    assert_string_equal(files[2], "more.csv");
    assert_int_equal(lotk_cli_values(&args, SCORE_EVIDENCE, files, 1), 3);
    assert_string_equal(lotk_cli_value(&args, SCORE_EVIDENCE), "more.csv");
    assert_int_equal(lotk_cli_values(&args, SCORE_REJECTS, files, 4), 0);
    /* An option score lacks (SCORE_NO_SUCH) no longer compiles: nothing to ask at run time. */
    assert_int_equal(args.npos, 2);
}

/* A sheet saved with semicolons or tabs reads as one with commas; an organization that is
 * a typo of a surveyed one is warned about with the closest, ids that differ only in their
 * numbers and ids close to none are not. */
static void delimiters_and_near_organizations(void **state)
{
    (void)state;
    struct lotk_standard *s = tu_load_ok(standard);
    static const char *const sheets[] = {
        "org;assessor;role;Y\n阳光社区;A1;third-party;yes\n阳光小区;A1;third-party;yes\n"
        "ENT-007;A1;third-party;no\n新城社区;A1;third-party;yes\n",
        "org\tassessor\trole\tY\n阳光社区\tA1\tthird-party\tyes\n阳光小区\tA1\tthird-party\tyes\n"
        "ENT-007\tA1\tthird-party\tno\n新城社区\tA1\tthird-party\tyes\n",
        /* The organization in the third column: the warning points at it (it said :0). */
        "assessor,role,org,Y\nA1,third-party,阳光社区,yes\nA1,third-party,阳光小区,yes\n"
        "A1,third-party,ENT-007,no\nA1,third-party,新城社区,yes\n",
    };
    for (size_t k = 0; k < 3; k++) {
        struct run r;
        run_sheets(&r, s, "e.csv", sheets[k], NULL);
        assert_int_equal(r.rc, 0);
        assert_int_equal(r.ev->counts.used, 4);
        const char *const known[] = {"阳光社区", "ENT-001", "滨江社区"};
        struct lotk_diags w = {0};
        assert_int_equal(lotk_evidence_check_orgs(r.ev, known, 3, &w), 1);
        assert_int_equal(w.entries[0].err.line, 3);
        assert_int_equal(w.entries[0].err.column, k == 2 ? 3 : 1);
        assert_non_null(strstr(w.entries[0].err.msg, "organization '阳光小区' is in no survey; "
                                                      "did you mean '阳光社区'?"));
        lotk_diags_free(&w);
        /* No survey (evidence only): nothing to compare with. */
        assert_int_equal(lotk_evidence_check_orgs(r.ev, known, 0, &w), 0);
        lotk_diags_free(&w);
        run_free(&r);
    }
    lotk_standard_free(s);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(loads_rubrics),
        cmocka_unit_test(rubric_errors),
        cmocka_unit_test(reads_ratings),
        cmocka_unit_test(rejects_bad_rows),
        cmocka_unit_test(header_problems),
        cmocka_unit_test(gb18030_sheet),
        cmocka_unit_test(combines_roles_and_flags),
        cmocka_unit_test(agreement_is_shrout_fleiss),
        cmocka_unit_test(scores_evidence_leaves),
        cmocka_unit_test(order_does_not_matter),
        cmocka_unit_test(evidence_option_repeats),
        cmocka_unit_test(delimiters_and_near_organizations),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
