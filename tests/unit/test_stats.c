/* test_stats.c — the statistics module against R psych and multilevel (tests/fixtures/psych),
 * merging, order independence (every result bit for bit the same whatever the order and
 * grouping of rows, the numbering of organizations, and through lotk_stats_write /
 * lotk_stats_read), against an independent two-pass computation on non-integer data,
 * refused records, and numerical stability over many rows.
 *
 * Self-contained on purpose: rows come from lotk_survey_* through a sink of this file that
 * keys items and computes leaf values the way DESIGN §4 defines them, so these tests do not
 * depend on how the scorer will call the module. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/diag.h"
#include "base/err.h"
#include "standard/standard.h"
#include "score/stats.h"
#include "input/survey.h"
#include "base/mem.h"
#include "base/buf.h"
#include "base/strmap.h"
#include "base/file.h"

#define FIXTURES LOTK_SOURCE_DIR "/tests/fixtures/psych"

/* The fixtures were written with %.17g from R; what is left is rounding in a different
 * order of operations. */
#define REL 1e-9

/* Largest relative difference seen and where, so the achieved accuracy shows in the log. */
static double worst_rel;
static const char *worst_what = "";

static void check_close(const char *what, double got, double want, double rel)
{
    double diff = fabs(got - want), scale = fabs(want) > 1e-300 ? fabs(want) : 1;
    if (diff / scale >= worst_rel) {
        worst_rel = diff / scale;
        worst_what = what;
    }
    if (!(diff <= rel * scale))
        fail_msg("%s = %.17g, expected %.17g (relative difference %.3g)", what, got, want,
                 diff / scale);
}

/* ---- feeding the fixture ------------------------------------------------------------ */

struct feed {
    const struct lotk_standard *s;
    struct lotk_stats *all;      /* every row */
    struct lotk_stats *half[2];  /* rows alternately, for the merge test; may be NULL */
    struct lotk_strmap orgs;     /* org id → index in order of first appearance (all) */
    struct lotk_strmap half_orgs[2]; /* the same per half, in that half's own order */
    char **org_ids;              /* index → id (all) */
    size_t norgs;
    long rows;
    double *keyed, *leaf;
};

/* Keys the row (reverse = min + max − x) and computes each leaf's value as the mean of its
 * answered keyed items (none when nothing was answered), as psych scoreItems does. */
static int on_row(void *ctx, const struct lotk_row *row, struct lotk_err *err)
{
    struct feed *f = ctx;
    const struct lotk_standard *s = f->s;
    (void)err;
    for (size_t i = 0; i < s->nitems; i++) {
        const struct lotk_item *it = &s->items[i];
        const struct lotk_scale *sc = &s->scales[it->scale];
        double a = row->answers[i];
        f->keyed[i] = it->reverse ? sc->min + sc->max - a : a;
    }
    for (size_t n = 0; n < s->nnodes; n++) {
        const struct lotk_node *node = &s->nodes[n];
        double sum = 0;
        int answered = 0;
        for (size_t k = 0; k < node->nitems; k++) {
            double v = f->keyed[node->items[k]];
            if (!isnan(v)) {
                sum += v;
                answered++;
            }
        }
        f->leaf[n] = answered ? sum / answered : NAN;
    }
    int org = lotk_strmap_put(&f->orgs, row->org, row->org_len, (int)f->norgs);
    if (org == (int)f->norgs) {
        f->org_ids = lotk_xrealloc(f->org_ids, (f->norgs + 1) * sizeof *f->org_ids);
        f->org_ids[f->norgs++] = lotk_xstrndup(row->org, row->org_len);
    }
    lotk_stats_add(f->all, org, f->keyed, f->leaf);
    if (f->half[0]) {
        int h = (int)(f->rows % 2);
        struct lotk_strmap *m = &f->half_orgs[h];
        int local = lotk_strmap_put(m, row->org, row->org_len, (int)m->count);
        lotk_stats_add(f->half[h], local, f->keyed, f->leaf);
    }
    f->rows++;
    return 0;
}

static struct lotk_standard *load_fixture_standard(void)
{
    struct lotk_diags diags = {0};
    struct lotk_standard *s = NULL;
    int rc = lotk_standard_load(FIXTURES "/standard.yaml", &s, &diags);
    if (rc != 0)
        lotk_diags_print(&diags, stderr);
    lotk_diags_free(&diags);
    assert_int_equal(rc, 0);
    assert_non_null(s);
    return s;
}

static void feed_fixture(struct feed *f, const struct lotk_standard *s, int halves)
{
    memset(f, 0, sizeof *f);
    f->s = s;
    f->all = lotk_stats_new(s);
    if (halves) {
        f->half[0] = lotk_stats_new(s);
        f->half[1] = lotk_stats_new(s);
    }
    f->keyed = lotk_xcalloc(s->nitems, sizeof *f->keyed);
    f->leaf = lotk_xcalloc(s->nnodes, sizeof *f->leaf);
    struct lotk_survey_sink sink = {.on_row = on_row, .row_ctx = f};
    struct lotk_survey *sv = lotk_survey_new(s, &sink);
    struct lotk_err err = {0};
    int rc = lotk_survey_read(sv, FIXTURES "/responses.csv", &err);
    if (rc != 0)
        lotk_err_print(&err, stderr);
    assert_int_equal(rc, 0);
    lotk_survey_free(sv);
    assert_int_equal(f->rows, 85);
    assert_int_equal(f->norgs, 5);
}

static void feed_free(struct feed *f)
{
    lotk_stats_free(f->all);
    lotk_stats_free(f->half[0]);
    lotk_stats_free(f->half[1]);
    lotk_strmap_free(&f->orgs);
    lotk_strmap_free(&f->half_orgs[0]);
    lotk_strmap_free(&f->half_orgs[1]);
    for (size_t i = 0; i < f->norgs; i++)
        free(f->org_ids[i]);
    free(f->org_ids);
    free(f->keyed);
    free(f->leaf);
}

/* ---- reading the expected CSV files (unquoted, written by R) ------------------------ */

struct table {
    char *text;
    char **cells; /* row-major, header included */
    size_t rows, cols;
};

static void table_read(struct table *t, const char *name)
{
    char *path = lotk_xasprintf("%s/%s", FIXTURES, name);
    size_t len;
    struct lotk_err io = {0};
    char *msg = io.msg;
    memset(t, 0, sizeof *t);
    if (lotk_file_read(path, 1 << 20, &t->text, &len, &io) != 0)
        fail_msg("%s: %s", path, msg);
    free(path);
    size_t cap = 0, n = 0;
    for (char *line = t->text; line && *line;) {
        char *next = strchr(line, '\n');
        if (next)
            *next++ = '\0';
        size_t cols = 0;
        for (char *cell = line;; cols++) {
            char *comma = strchr(cell, ',');
            lotk_grow(&t->cells, &cap, n + 1, sizeof *t->cells);
            t->cells[n++] = cell;
            if (!comma)
                break;
            *comma = '\0';
            cell = comma + 1;
        }
        cols++;
        if (t->rows == 0)
            t->cols = cols;
        else if (cols != t->cols)
            fail_msg("%s: row %zu has %zu cells, the header %zu", name, t->rows + 1, cols,
                     t->cols);
        t->rows++;
        line = next;
    }
}

static const char *cell(const struct table *t, size_t row, const char *column)
{
    for (size_t c = 0; c < t->cols; c++)
        if (strcmp(t->cells[c], column) == 0)
            return t->cells[row * t->cols + c];
    fail_msg("no column %s", column);
    return NULL;
}

static double num(const struct table *t, size_t row, const char *column)
{
    const char *s = cell(t, row, column);
    return *s ? strtod(s, NULL) : NAN;
}

static void table_free(struct table *t)
{
    free(t->text);
    free(t->cells);
}

static int node_of(const struct lotk_standard *s, const char *id)
{
    int n = lotk_standard_find_node(s, id);
    if (n < 0)
        fail_msg("no node %s", id);
    return n;
}

static int item_in_leaf(const struct lotk_standard *s, int node, const char *item)
{
    for (size_t k = 0; k < s->nodes[node].nitems; k++)
        if (strcmp(s->items[s->nodes[node].items[k]].id, item) == 0)
            return (int)k;
    fail_msg("no item %s in %s", item, s->nodes[node].id);
    return -1;
}

/* ---- checks shared by the fixture and merge tests ----------------------------------- */

static void check_alpha(const struct lotk_standard *s, const struct lotk_stats *st)
{
    struct table t;
    table_read(&t, "expected-alpha.csv");
    assert_int_equal(t.rows, 4);
    for (size_t r = 1; r < t.rows; r++) {
        int node = node_of(s, cell(&t, r, "scale"));
        struct lotk_reliability rel;
        assert_int_equal(lotk_stats_reliability(st, node, &rel), 0);
        assert_int_equal(rel.items, s->nodes[node].nitems);
        check_close("alpha", rel.alpha, num(&t, r, "alpha"), REL);
        check_close("average_r", rel.average_r, num(&t, r, "average_r"), REL);
        lotk_reliability_clear(&rel);
    }
    table_free(&t);
}

static void check_reliability(const struct lotk_standard *s, const struct lotk_stats *st)
{
    struct table t;
    table_read(&t, "expected-reliability.csv");
    assert_int_equal(t.rows, 1 + 4 + 3 + 5);
    for (size_t r = 1; r < t.rows; r++) {
        int node = node_of(s, cell(&t, r, "scale"));
        int k = item_in_leaf(s, node, cell(&t, r, "item"));
        struct lotk_reliability rel;
        assert_int_equal(lotk_stats_reliability(st, node, &rel), 0);
        check_close("alpha", rel.alpha, num(&t, r, "alpha"), REL);
        check_close("std_alpha", rel.std_alpha, num(&t, r, "std_alpha"), REL);
        check_close("mean_r", rel.mean_r, num(&t, r, "mean_r"), REL);
        check_close("item_total", rel.item_total[k], num(&t, r, "r_drop"), REL);
        check_close("alpha_if_dropped", rel.alpha_if_dropped[k], num(&t, r, "alpha_drop"), REL);
        lotk_reliability_clear(&rel);
    }
    table_free(&t);
}

static void check_icc(const struct lotk_standard *s, const struct lotk_stats *st)
{
    /* Respondents with a value: 85 minus the 3 who answered nothing and the scale's own
     * 3, 2 and 3 (fixture README). */
    static const struct {
        const char *scale;
        long n;
    } counts[] = {{"A", 79}, {"B", 80}, {"C", 79}};
    struct table t;
    table_read(&t, "expected-icc.csv");
    assert_int_equal(t.rows, 4);
    for (size_t r = 1; r < t.rows; r++) {
        const char *scale = cell(&t, r, "scale");
        double icc1, icc2;
        long n, groups;
        assert_int_equal(lotk_stats_icc(st, node_of(s, scale), &icc1, &icc2, &n, &groups), 0);
        check_close("icc1", icc1, num(&t, r, "icc1"), REL);
        check_close("icc2", icc2, num(&t, r, "icc2"), REL);
        assert_int_equal(groups, 5);
        for (size_t c = 0; c < 3; c++)
            if (strcmp(counts[c].scale, scale) == 0)
                assert_int_equal(n, counts[c].n);
    }
    table_free(&t);
}

static void check_rwg(const struct feed *f, const struct lotk_stats *st)
{
    struct table t;
    table_read(&t, "expected-rwgj.csv");
    assert_int_equal(t.rows, 1 + 5 * 3);
    for (size_t r = 1; r < t.rows; r++) {
        const char *org = cell(&t, r, "org");
        int o = lotk_strmap_get(&f->orgs, org, strlen(org));
        assert_true(o >= 0);
        long gsize = -1;
        double rwg = lotk_stats_rwg_j(st, o, node_of(f->s, cell(&t, r, "scale")), &gsize);
        assert_int_equal(gsize, (long)num(&t, r, "gsize"));
        check_close("rwg_j", rwg, num(&t, r, "rwg_j"), REL);
    }
    table_free(&t);
}

/* ---- tests -------------------------------------------------------------------------- */

static void test_fixture_alpha(void **state)
{
    (void)state;
    struct lotk_standard *s = load_fixture_standard();
    struct feed f;
    feed_fixture(&f, s, 0);
    check_alpha(s, f.all);
    struct lotk_reliability rel;
    assert_int_equal(lotk_stats_reliability(f.all, node_of(s, "A"), &rel), 0);
    /* 85 rows, minus 3 that answered nothing and 3 that skipped every A item. */
    assert_int_equal(rel.n, 79);
    lotk_reliability_clear(&rel);
    feed_free(&f);
    lotk_standard_free(s);
}

static void test_fixture_reliability(void **state)
{
    (void)state;
    struct lotk_standard *s = load_fixture_standard();
    struct feed f;
    feed_fixture(&f, s, 0);
    check_reliability(s, f.all);
    feed_free(&f);
    lotk_standard_free(s);
}

static void test_fixture_icc(void **state)
{
    (void)state;
    struct lotk_standard *s = load_fixture_standard();
    struct feed f;
    feed_fixture(&f, s, 0);
    check_icc(s, f.all);
    feed_free(&f);
    lotk_standard_free(s);
}

static void test_fixture_rwg_j(void **state)
{
    (void)state;
    struct lotk_standard *s = load_fixture_standard();
    struct feed f;
    feed_fixture(&f, s, 0);
    check_rwg(&f, f.all);
    /* Unknown organizations and nodes without items have no value. */
    long gsize = 7;
    assert_true(isnan(lotk_stats_rwg_j(f.all, 99, node_of(s, "A"), &gsize)));
    assert_int_equal(gsize, 0);
    assert_true(isnan(lotk_stats_rwg_j(f.all, 0, 0, &gsize)));
    feed_free(&f);
    lotk_standard_free(s);
}

static void test_not_a_leaf(void **state)
{
    (void)state;
    struct lotk_standard *s = load_fixture_standard();
    struct lotk_stats *st = lotk_stats_new(s);
    struct lotk_reliability rel;
    assert_int_equal(lotk_stats_reliability(st, 0, &rel), LOTK_EUSAGE);
    assert_null(rel.item_total);
    lotk_reliability_clear(&rel);
    lotk_reliability_clear(NULL);
    double icc1 = 0, icc2 = 0;
    assert_int_equal(lotk_stats_icc(st, -1, &icc1, &icc2, NULL, NULL), LOTK_EUSAGE);
    assert_true(isnan(icc1) && isnan(icc2));
    /* An empty accumulator: everything undefined, nothing crashes. */
    assert_int_equal(lotk_stats_reliability(st, node_of(s, "C"), &rel), 0);
    assert_int_equal(rel.n, 0);
    assert_true(isnan(rel.alpha) && isnan(rel.std_alpha) && isnan(rel.item_total[0]));
    lotk_reliability_clear(&rel);
    long n = -1, g = -1;
    assert_int_equal(lotk_stats_icc(st, node_of(s, "C"), &icc1, &icc2, &n, &g), 0);
    assert_true(isnan(icc1) && isnan(icc2));
    assert_int_equal(n, 0);
    assert_int_equal(g, 0);
    lotk_stats_free(st);
    lotk_stats_free(NULL);
    lotk_standard_free(s);
}

/* The rwg(j) cases the fixture lacks, checked against multilevel 2.7:
 *   x <- data.frame(b1 = c(1,5,1, 3, 4,4,NA), b2 = c(5,1,5, 3, 5,4,2), b3 = c(1,5,3, 3, 4,5,2))
 *   rwg.j(x, grpid = c(0,0,0, 1, 2,2,2), ranvar = 2)
 * gives 0 (truncated: mean variance 4 > 2) with gsize 3, NA with gsize 1, 0.9375 with 2. */
static void test_rwg_j_edges(void **state)
{
    (void)state;
    static const double b[7][3] = {{1, 5, 1}, {5, 1, 5}, {1, 5, 3}, {3, 3, 3},
                                   {4, 5, 4}, {4, 4, 5}, {NAN, 2, 2}};
    static const int org[7] = {0, 0, 0, 1, 2, 2, 2};
    struct lotk_standard *s = load_fixture_standard();
    int leaf_b = node_of(s, "B");
    struct lotk_stats *st = lotk_stats_new(s);
    double *keyed = lotk_xcalloc(s->nitems, sizeof *keyed);
    double *leaf = lotk_xcalloc(s->nnodes, sizeof *leaf);
    for (size_t i = 0; i < s->nitems; i++)
        keyed[i] = NAN;
    for (size_t n = 0; n < s->nnodes; n++)
        leaf[n] = NAN;
    for (int r = 0; r < 7; r++) {
        for (int i = 0; i < 3; i++)
            keyed[s->nodes[leaf_b].items[i]] = b[r][i];
        lotk_stats_add(st, org[r], keyed, leaf);
    }
    long gsize;
    assert_true(lotk_stats_rwg_j(st, 0, leaf_b, &gsize) == 0);
    assert_int_equal(gsize, 3);
    assert_true(isnan(lotk_stats_rwg_j(st, 1, leaf_b, &gsize)));
    assert_int_equal(gsize, 1);
    check_close("rwg_j", lotk_stats_rwg_j(st, 2, leaf_b, &gsize), 0.9375, REL);
    assert_int_equal(gsize, 2);
    /* An organization index never added is empty, not an error. */
    assert_true(isnan(lotk_stats_rwg_j(st, 3, leaf_b, &gsize)));
    assert_int_equal(gsize, 0);
    free(keyed);
    free(leaf);
    lotk_stats_free(st);
    lotk_standard_free(s);
}

/* Half the rows (alternately) into each of two accumulators, each numbering organizations
 * in its own order of first appearance; merging them into a third must equal feeding all. */
static void test_merge(void **state)
{
    (void)state;
    struct lotk_standard *s = load_fixture_standard();
    struct feed f;
    feed_fixture(&f, s, 1);
    struct lotk_stats *merged = lotk_stats_new(s);
    for (int h = 0; h < 2; h++) {
        int map[16];
        const struct lotk_strmap *m = &f.half_orgs[h];
        assert_true(m->count <= 16);
        for (size_t slot = 0; slot < m->cap; slot++) {
            const struct lotk_strmap_slot *e = &m->slots[slot];
            if (e->key)
                map[e->value] = lotk_strmap_get(&f.orgs, e->key, e->len);
        }
        lotk_stats_merge(merged, f.half[h], map);
    }
    /* Against R, then against the single accumulator itself, much more tightly. */
    check_alpha(s, merged);
    check_reliability(s, merged);
    check_icc(s, merged);
    check_rwg(&f, merged);
    for (size_t n = 0; n < s->nnodes; n++) {
        if (s->nodes[n].nitems == 0)
            continue;
        struct lotk_reliability a, b;
        assert_int_equal(lotk_stats_reliability(f.all, (int)n, &a), 0);
        assert_int_equal(lotk_stats_reliability(merged, (int)n, &b), 0);
        assert_int_equal(a.n, b.n);
        check_close("merged alpha", b.alpha, a.alpha, 1e-13);
        check_close("merged std_alpha", b.std_alpha, a.std_alpha, 1e-13);
        for (size_t k = 0; k < a.items; k++) {
            check_close("merged item_total", b.item_total[k], a.item_total[k], 1e-13);
            check_close("merged alpha_if_dropped", b.alpha_if_dropped[k],
                        a.alpha_if_dropped[k], 1e-13);
        }
        lotk_reliability_clear(&a);
        lotk_reliability_clear(&b);
        double i1a, i2a, i1b, i2b;
        long na, ga, nb, gb;
        lotk_stats_icc(f.all, (int)n, &i1a, &i2a, &na, &ga);
        lotk_stats_icc(merged, (int)n, &i1b, &i2b, &nb, &gb);
        check_close("merged icc1", i1b, i1a, 1e-13);
        check_close("merged icc2", i2b, i2a, 1e-13);
        assert_int_equal(na, nb);
        assert_int_equal(ga, gb);
        for (int o = 0; o < (int)f.norgs; o++) {
            long sa, sb;
            double ra = lotk_stats_rwg_j(f.all, o, (int)n, &sa);
            double rb = lotk_stats_rwg_j(merged, o, (int)n, &sb);
            assert_int_equal(sa, sb);
            check_close("merged rwg_j", rb, ra, 1e-13);
        }
    }
    /* Merging an empty accumulator changes nothing; NULL maps organizations to themselves. */
    struct lotk_stats *empty = lotk_stats_new(s);
    lotk_stats_merge(merged, empty, NULL);
    check_alpha(s, merged);
    check_icc(s, merged);
    lotk_stats_free(empty);
    lotk_stats_free(merged);
    feed_free(&f);
    lotk_standard_free(s);
}

/* ---- order independence ------------------------------------------------------------- */

/* The fixture's rows in memory: keyed item values, leaf values (as on_row computes them) and
 * the organization's index in order of first appearance in the file ("canonical"). */
struct rows {
    const struct lotk_standard *s;
    size_t n, norgs;
    double *keyed; /* n × s->nitems */
    double *leaf;  /* n × s->nnodes */
    int *org;      /* canonical index */
    struct lotk_strmap orgs;
};

static int on_capture(void *ctx, const struct lotk_row *row, struct lotk_err *err)
{
    struct rows *r = ctx;
    const struct lotk_standard *s = r->s;
    (void)err;
    r->keyed = lotk_xrealloc(r->keyed, (r->n + 1) * s->nitems * sizeof *r->keyed);
    r->leaf = lotk_xrealloc(r->leaf, (r->n + 1) * s->nnodes * sizeof *r->leaf);
    r->org = lotk_xrealloc(r->org, (r->n + 1) * sizeof *r->org);
    double *keyed = r->keyed + r->n * s->nitems;
    for (size_t i = 0; i < s->nitems; i++) {
        const struct lotk_item *it = &s->items[i];
        const struct lotk_scale *sc = &s->scales[it->scale];
        double a = row->answers[i];
        keyed[i] = it->reverse ? sc->min + sc->max - a : a;
    }
    int org = lotk_strmap_put(&r->orgs, row->org, row->org_len, (int)r->norgs);
    if (org == (int)r->norgs)
        r->norgs++;
    r->org[r->n++] = org;
    return 0;
}

/* Leaf values of row i: the mean of its answered keyed items (none when nothing was). */
static void rows_leaf_values(struct rows *r, size_t i)
{
    const struct lotk_standard *s = r->s;
    const double *keyed = r->keyed + i * s->nitems;
    for (size_t n = 0; n < s->nnodes; n++) {
        double sum = 0;
        int answered = 0;
        for (size_t k = 0; k < s->nodes[n].nitems; k++) {
            double v = keyed[s->nodes[n].items[k]];
            if (!isnan(v)) {
                sum += v;
                answered++;
            }
        }
        r->leaf[i * s->nnodes + n] = answered ? sum / answered : NAN;
    }
}

static void rows_read(struct rows *r, const struct lotk_standard *s)
{
    memset(r, 0, sizeof *r);
    r->s = s;
    struct lotk_survey_sink sink = {.on_row = on_capture, .row_ctx = r};
    struct lotk_survey *sv = lotk_survey_new(s, &sink);
    struct lotk_err err = {0};
    assert_int_equal(lotk_survey_read(sv, FIXTURES "/responses.csv", &err), 0);
    lotk_survey_free(sv);
    assert_int_equal(r->n, 85);
    for (size_t i = 0; i < r->n; i++)
        rows_leaf_values(r, i);
}

static void rows_free(struct rows *r)
{
    free(r->keyed);
    free(r->leaf);
    free(r->org);
    lotk_strmap_free(&r->orgs);
}

/* Everything the module reports, in a fixed order, with each organization's rwg(j) looked
 * up through canon (canonical index → the accumulator's index): compared bit for bit. */
struct snapshot {
    size_t n, cap;
    double *v;
    const char **what;
};

static void snap_put(struct snapshot *sn, const char *what, double v)
{
    lotk_grow(&sn->v, &sn->cap, sn->n + 1, sizeof *sn->v);
    sn->what = lotk_xrealloc(sn->what, sn->cap * sizeof *sn->what);
    sn->what[sn->n] = what;
    sn->v[sn->n++] = v;
}

static void snapshot_take(struct snapshot *sn, const struct lotk_standard *s,
                          const struct lotk_stats *st, const int *canon, size_t norgs)
{
    memset(sn, 0, sizeof *sn);
    for (size_t n = 0; n < s->nnodes; n++) {
        if (s->nodes[n].nitems == 0)
            continue;
        struct lotk_reliability rel;
        assert_int_equal(lotk_stats_reliability(st, (int)n, &rel), 0);
        snap_put(sn, "n", (double)rel.n);
        snap_put(sn, "alpha", rel.alpha);
        snap_put(sn, "std_alpha", rel.std_alpha);
        snap_put(sn, "average_r", rel.average_r);
        snap_put(sn, "mean_r", rel.mean_r);
        for (size_t k = 0; k < rel.items; k++) {
            snap_put(sn, "item_total", rel.item_total[k]);
            snap_put(sn, "alpha_if_dropped", rel.alpha_if_dropped[k]);
        }
        lotk_reliability_clear(&rel);
        double icc1, icc2;
        long big_n, groups;
        assert_int_equal(lotk_stats_icc(st, (int)n, &icc1, &icc2, &big_n, &groups), 0);
        snap_put(sn, "icc1", icc1);
        snap_put(sn, "icc2", icc2);
        snap_put(sn, "icc n", (double)big_n);
        snap_put(sn, "icc groups", (double)groups);
        for (size_t o = 0; o < norgs; o++) {
            long gsize = -1;
            snap_put(sn, "rwg_j", lotk_stats_rwg_j(st, canon[o], (int)n, &gsize));
            snap_put(sn, "gsize", (double)gsize);
        }
    }
}

static void snapshot_free(struct snapshot *sn)
{
    free(sn->v);
    free(sn->what);
}

static void snapshot_same(const char *label, const struct snapshot *a, const struct snapshot *b)
{
    assert_int_equal(a->n, b->n);
    for (size_t i = 0; i < a->n; i++)
        if (memcmp(&a->v[i], &b->v[i], sizeof a->v[i]) != 0)
            fail_msg("%s: %s (#%zu) = %.17g, sequential %.17g", label, b->what[i], i, b->v[i],
                     a->v[i]);
    assert_memory_equal(a->v, b->v, a->n * sizeof *a->v);
}

/* Deterministic shuffle (xorshift64*), so a failure reproduces. */
static uint64_t rng_state;

static uint64_t rng_next(void)
{
    rng_state ^= rng_state >> 12;
    rng_state ^= rng_state << 25;
    rng_state ^= rng_state >> 27;
    return rng_state * 2685821657736338717ULL;
}

enum { PARTS = 3, MAX_ORGS = 16 };

/* One accumulator of a shuffled share of the rows, numbering organizations in its own order
 * of first appearance; canon_of[local] is the canonical index. */
struct part {
    struct lotk_stats *st;
    int canon_of[MAX_ORGS];
    size_t norgs;
};

static void parts_feed(struct part parts[PARTS], const struct rows *r, uint64_t seed)
{
    const struct lotk_standard *s = r->s;
    size_t *order = lotk_xmalloc(r->n * sizeof *order);
    for (size_t i = 0; i < r->n; i++)
        order[i] = i;
    rng_state = seed;
    for (size_t i = r->n - 1; i > 0; i--) {
        size_t j = (size_t)(rng_next() % (i + 1)), t = order[i];
        order[i] = order[j];
        order[j] = t;
    }
    /* Uneven shares: 1/4, 1/2, 1/4. */
    size_t cut[PARTS + 1] = {0, r->n / 4, r->n / 4 + r->n / 2, r->n};
    for (int p = 0; p < PARTS; p++) {
        int local_of[MAX_ORGS];
        for (int o = 0; o < MAX_ORGS; o++)
            local_of[o] = -1;
        parts[p].st = lotk_stats_new(s);
        parts[p].norgs = 0;
        for (size_t i = cut[p]; i < cut[p + 1]; i++) {
            size_t row = order[i];
            int c = r->org[row];
            assert_true(c < MAX_ORGS);
            if (local_of[c] < 0) {
                local_of[c] = (int)parts[p].norgs;
                parts[p].canon_of[parts[p].norgs++] = c;
            }
            lotk_stats_add(parts[p].st, local_of[c], r->keyed + row * s->nitems,
                           r->leaf + row * s->nnodes);
        }
    }
    free(order);
}

static void parts_free(struct part parts[PARTS])
{
    for (int p = 0; p < PARTS; p++)
        lotk_stats_free(parts[p].st);
}

/* Feeds r in file order to one accumulator; then in shuffled order to three, merged in
 * several orders, groupings and numberings of organizations, and once through
 * lotk_stats_write / lotk_stats_read: every statistic must be bit for bit the same. */
static void check_order_independence(const struct rows *r)
{
    const struct lotk_standard *s = r->s;
    size_t g = r->norgs;
    int identity[MAX_ORGS], reverse[MAX_ORGS], scrambled[MAX_ORGS];
    assert_true(g <= MAX_ORGS);
    for (size_t o = 0; o < g; o++) {
        identity[o] = (int)o;
        reverse[o] = (int)(g - 1 - o);
        scrambled[o] = (int)((o * 3 + 1) % g); /* a permutation for g = 5 */
    }
    struct lotk_stats *seq = lotk_stats_new(s);
    for (size_t i = 0; i < r->n; i++)
        lotk_stats_add(seq, r->org[i], r->keyed + i * s->nitems, r->leaf + i * s->nnodes);
    struct snapshot want;
    snapshot_take(&want, s, seq, identity, g);

    for (uint64_t seed = 1; seed <= 3; seed++) {
        struct part parts[PARTS];
        parts_feed(parts, r, 0x9e3779b97f4a7c15ULL * seed);
        int map[PARTS][MAX_ORGS];

        /* Shards written and read back, into organizations numbered another way. */
        struct lotk_buf buf = {0};
        for (int p = 0; p < PARTS; p++)
            assert_int_equal(lotk_stats_write(parts[p].st, &buf), 0);
        struct lotk_stats *read = lotk_stats_new(s);
        size_t off = 0;
        for (int p = 0; p < PARTS; p++) {
            size_t norgs = 0, size = 0, used = 0;
            struct lotk_err err = {0};
            assert_int_equal(lotk_stats_peek(buf.data + off, buf.len - off, &norgs, &size, &err), 0);
            assert_int_equal(norgs, lotk_stats_orgs(parts[p].st));
            for (size_t o = 0; o < parts[p].norgs; o++)
                map[p][o] = scrambled[parts[p].canon_of[o]];
            int rc = lotk_stats_read(read, buf.data + off, buf.len - off, &used, map[p], &err);
            if (rc)
                lotk_err_print(&err, stderr);
            assert_int_equal(rc, 0);
            assert_int_equal(used, size);
            off += used;
        }
        assert_int_equal(off, buf.len);
        struct snapshot got;
        snapshot_take(&got, s, read, scrambled, g);
        snapshot_same("written and read", &want, &got);
        snapshot_free(&got);
        /* The format is canonical: what was read writes the same bytes as the sequential
         * accumulator, up to the numbering of organizations, which read shares with a
         * sequential accumulator fed with scrambled indices. */
        struct lotk_stats *seq_scrambled = lotk_stats_new(s);
        for (size_t i = 0; i < r->n; i++)
            lotk_stats_add(seq_scrambled, scrambled[r->org[i]], r->keyed + i * s->nitems,
                           r->leaf + i * s->nnodes);
        struct lotk_buf b1 = {0}, b2 = {0};
        lotk_stats_write(read, &b1);
        lotk_stats_write(seq_scrambled, &b2);
        assert_int_equal(b1.len, b2.len);
        assert_memory_equal(b1.data, b2.data, b1.len);
        lotk_buf_free(&b1);
        lotk_buf_free(&b2);
        lotk_stats_free(seq_scrambled);
        lotk_stats_free(read);
        lotk_buf_free(&buf);

        /* Merged in the order 2, 0, 1, into organizations numbered backwards. */
        struct lotk_stats *merged = lotk_stats_new(s);
        for (int k = 0; k < PARTS; k++) {
            int p = (k + 2) % PARTS;
            for (size_t o = 0; o < parts[p].norgs; o++)
                map[p][o] = reverse[parts[p].canon_of[o]];
            lotk_stats_merge(merged, parts[p].st, map[p]);
        }
        snapshot_take(&got, s, merged, reverse, g);
        snapshot_same("merged", &want, &got);
        snapshot_free(&got);
        lotk_stats_free(merged);

        /* Grouped differently: part 1 into part 0 (in part 0's numbering, extended), then
         * that and part 2 into a fresh accumulator. */
        int local0[MAX_ORGS];
        for (int o = 0; o < MAX_ORGS; o++)
            local0[o] = -1;
        for (size_t o = 0; o < parts[0].norgs; o++)
            local0[parts[0].canon_of[o]] = (int)o;
        for (size_t o = 0; o < parts[1].norgs; o++) {
            int c = parts[1].canon_of[o];
            if (local0[c] < 0) {
                local0[c] = (int)parts[0].norgs;
                parts[0].canon_of[parts[0].norgs++] = c;
            }
            map[1][o] = local0[c];
        }
        lotk_stats_merge(parts[0].st, parts[1].st, map[1]);
        merged = lotk_stats_new(s);
        for (int p = 0; p < PARTS; p += 2) {
            for (size_t o = 0; o < parts[p].norgs; o++)
                map[p][o] = parts[p].canon_of[o];
            lotk_stats_merge(merged, parts[p].st, map[p]);
        }
        snapshot_take(&got, s, merged, identity, g);
        snapshot_same("grouped", &want, &got);
        snapshot_free(&got);
        lotk_stats_free(merged);

        /* The same two absorbed (organizations moved, not copied; as --jobs merges its
         * ranges) in the order 2, 0, into organizations numbered backwards; the parts are
         * then only freed. */
        struct lotk_stats *absorbed = lotk_stats_new(s);
        for (int k = 0; k < 2; k++) {
            int p = k == 0 ? 2 : 0;
            for (size_t o = 0; o < parts[p].norgs; o++)
                map[p][o] = reverse[parts[p].canon_of[o]];
            lotk_stats_absorb(absorbed, parts[p].st, map[p]);
        }
        snapshot_take(&got, s, absorbed, reverse, g);
        snapshot_same("absorbed", &want, &got);
        snapshot_free(&got);
        lotk_stats_free(absorbed);
        parts_free(parts);
    }
    snapshot_free(&want);
    lotk_stats_free(seq);
}

/* An independent two-pass long double computation of everything over r, to check the
 * module on data that takes its exact paths: the same formulas as lotk_stats_reliability
 * from the covariance matrix, ANOVA and rwg(j) from scratch. */
static void check_against_two_pass(const struct rows *r, double rel_tol)
{
    const struct lotk_standard *s = r->s;
    struct lotk_stats *st = lotk_stats_new(s);
    for (size_t i = 0; i < r->n; i++)
        lotk_stats_add(st, r->org[i], r->keyed + i * s->nitems, r->leaf + i * s->nnodes);
    for (size_t node = 0; node < s->nnodes; node++) {
        const struct lotk_node *nd = &s->nodes[node];
        size_t k = nd->nitems;
        if (k == 0)
            continue;
        long double c[8][8];
        assert_true(k <= 8);
        for (size_t i = 0; i < k; i++)
            for (size_t j = 0; j < k; j++) {
                long double mx = 0, my = 0, cxy = 0;
                long m = 0;
                for (size_t row = 0; row < r->n; row++) {
                    double x = r->keyed[row * s->nitems + nd->items[i]];
                    double y = r->keyed[row * s->nitems + nd->items[j]];
                    if (!isnan(x) && !isnan(y)) {
                        mx += x;
                        my += y;
                        m++;
                    }
                }
                mx /= m;
                my /= m;
                for (size_t row = 0; row < r->n; row++) {
                    double x = r->keyed[row * s->nitems + nd->items[i]];
                    double y = r->keyed[row * s->nitems + nd->items[j]];
                    if (!isnan(x) && !isnan(y))
                        cxy += (x - mx) * (y - my);
                }
                c[i][j] = cxy / (m - 1);
            }
        long double total = 0, trace = 0, rsum = 0, kk = (long double)k;
        for (size_t i = 0; i < k; i++) {
            trace += c[i][i];
            for (size_t j = 0; j < k; j++) {
                total += c[i][j];
                if (j > i)
                    rsum += c[i][j] / sqrtl(c[i][i] * c[j][j]);
            }
        }
        struct lotk_reliability got;
        assert_int_equal(lotk_stats_reliability(st, (int)node, &got), 0);
        long double alpha = kk / (kk - 1) * (1 - trace / total);
        check_close("two-pass alpha", got.alpha, (double)alpha, rel_tol);
        check_close("two-pass average_r", got.average_r, (double)(alpha / (kk - alpha * (kk - 1))),
                    rel_tol);
        check_close("two-pass std_alpha", got.std_alpha,
                    (double)(kk / (kk - 1) * (1 - kk / (kk + 2 * rsum))), rel_tol);
        check_close("two-pass mean_r", got.mean_r, (double)(rsum / (kk * (kk - 1) / 2)), rel_tol);
        for (size_t i = 0; i < k; i++) {
            long double with = 0, tr = trace - c[i][i];
            for (size_t j = 0; j < k; j++)
                if (j != i)
                    with += c[i][j];
            long double others = total - 2 * with - c[i][i];
            check_close("two-pass item_total", got.item_total[i],
                        (double)(with / sqrtl(c[i][i] * others)), rel_tol);
            if (k >= 3)
                check_close("two-pass alpha_if_dropped", got.alpha_if_dropped[i],
                            (double)((kk - 1) / (kk - 2) * (1 - tr / others)), rel_tol);
        }
        lotk_reliability_clear(&got);

        /* One-way ANOVA of the leaf values by organization. */
        long double gsum[MAX_ORGS] = {0}, all = 0, ssb = 0, ssw = 0;
        long gn[MAX_ORGS] = {0}, big_n = 0, groups = 0;
        for (size_t row = 0; row < r->n; row++) {
            double v = r->leaf[row * s->nnodes + node];
            if (isnan(v))
                continue;
            gsum[r->org[row]] += v;
            gn[r->org[row]]++;
            all += v;
            big_n++;
        }
        all /= big_n;
        for (size_t o = 0; o < r->norgs; o++)
            if (gn[o]) {
                groups++;
                long double d = gsum[o] / gn[o] - all;
                ssb += gn[o] * d * d;
            }
        for (size_t row = 0; row < r->n; row++) {
            double v = r->leaf[row * s->nnodes + node];
            if (!isnan(v)) {
                long double d = v - gsum[r->org[row]] / gn[r->org[row]];
                ssw += d * d;
            }
        }
        long double msb = ssb / (groups - 1), msw = ssw / (big_n - groups);
        long double kg = (long double)big_n / groups;
        double icc1, icc2;
        assert_int_equal(lotk_stats_icc(st, (int)node, &icc1, &icc2, NULL, NULL), 0);
        check_close("two-pass icc1", icc1, (double)((msb - msw) / (msb + (kg - 1) * msw)), rel_tol);
        check_close("two-pass icc2", icc2, (double)((msb - msw) / msb), rel_tol);

        /* rwg(j) per organization over its complete rows. */
        const struct lotk_scale *sc = &s->scales[nd->scale];
        long double a = sc->max - sc->min + 1, nullv = (a * a - 1) / 12;
        for (size_t o = 0; o < r->norgs; o++) {
            long double svar = 0;
            long m = 0;
            for (size_t i = 0; i < k; i++) {
                long double mean = 0, m2 = 0;
                m = 0;
                for (int pass = 0; pass < 2; pass++) { /* the mean, then squares about it */
                    for (size_t row = 0; row < r->n; row++) {
                        const double *x = r->keyed + row * s->nitems;
                        int complete = r->org[row] == (int)o;
                        for (size_t j = 0; j < k; j++)
                            complete &= !isnan(x[nd->items[j]]);
                        if (!complete)
                            continue;
                        if (pass == 0) {
                            mean += x[nd->items[i]];
                            m++;
                        } else {
                            m2 += (x[nd->items[i]] - mean) * (x[nd->items[i]] - mean);
                        }
                    }
                    if (pass == 0 && m)
                        mean /= m;
                }
                if (m >= 2)
                    svar += m2 / (m - 1);
            }
            long gsize;
            double rwg = lotk_stats_rwg_j(st, (int)o, (int)node, &gsize);
            assert_int_equal(gsize, m);
            if (m < 2) {
                assert_true(isnan(rwg));
                continue;
            }
            svar /= kk;
            long double q = svar > nullv ? 1 : svar / nullv;
            check_close("two-pass rwg_j", rwg, (double)(kk * (1 - q) / (kk * (1 - q) + q)),
                        rel_tol);
        }
    }
    lotk_stats_free(st);
}

static void test_order_independence(void **state)
{
    (void)state;
    struct lotk_standard *s = load_fixture_standard();
    struct rows r;
    rows_read(&r, s);
    check_order_independence(&r);
    check_against_two_pass(&r, 1e-13);
    rows_free(&r);
    lotk_standard_free(s);
}

/* The fixture with values off the integer path mixed in: halves and quarters (as labels
 * give them; still integers in the accumulators' units), decimals and thirds (exact
 * accumulators), leaf values that are not means of the items (as a respondent plugin may
 * give them), so that every sum mixes both paths. */
static void test_order_independence_non_integer(void **state)
{
    (void)state;
    struct lotk_standard *s = load_fixture_standard();
    struct rows r;
    rows_read(&r, s);
    for (size_t row = 0; row < r.n; row++) {
        for (size_t i = 0; i < s->nitems; i++) {
            double *x = &r.keyed[row * s->nitems + i];
            if (isnan(*x))
                continue;
            if ((row + 2 * i) % 7 == 0)
                *x += 0.5;
            else if ((3 * row + i) % 11 == 0)
                *x += 0.25;
            else if ((row + i) % 13 == 0)
                *x -= 0.1;
            else if ((row * i) % 17 == 5)
                *x += 1.0 / 3;
        }
        rows_leaf_values(&r, row);
        if (row % 19 == 3) /* a plugin's value, no mean of anything */
            r.leaf[row * s->nnodes + (size_t)node_of(s, "C")] = 3.14159265358979 + row * 1e-3;
    }
    check_order_independence(&r);
    check_against_two_pass(&r, 1e-12);
    rows_free(&r);
    lotk_standard_free(s);
}

/* Records that must be refused, leaving the accumulator as it was. */
static void test_read_errors(void **state)
{
    (void)state;
    struct lotk_standard *s = load_fixture_standard();
    struct rows r;
    rows_read(&r, s);
    struct lotk_stats *src = lotk_stats_new(s), *dst = lotk_stats_new(s);
    int identity[MAX_ORGS];
    for (int o = 0; o < MAX_ORGS; o++)
        identity[o] = o;
    for (size_t i = 0; i < r.n; i++) {
        lotk_stats_add(src, r.org[i], r.keyed + i * s->nitems, r.leaf + i * s->nnodes);
        if (i % 2)
            lotk_stats_add(dst, r.org[i], r.keyed + i * s->nitems, r.leaf + i * s->nnodes);
    }
    struct snapshot before, after;
    snapshot_take(&before, s, dst, identity, r.norgs);
    struct lotk_buf good = {0};
    lotk_stats_write(src, &good);
    char *bad = lotk_xmalloc(good.len + 1);
    struct lotk_err err = {0};
    size_t used = 7;

    /* Every truncation. */
    for (size_t len = 0; len < good.len; len++) {
        assert_int_equal(lotk_stats_read(dst, good.data, len, &used, NULL, &err), LOTK_EIO);
        assert_int_equal(used, 0);
    }
    /* Another magic, version, standard; counts no writer produces; trailing bytes. */
    static const struct {
        size_t at;
        unsigned char byte;
        const char *msg;
    } patches[] = {
        {0, 'L', "not a lotk statistics record"},
        {8, 2, "format version 2"},
        {12, 4, "number of leaves"},
        {32 + 4, 9, "leaf layout"},     /* the first leaf's k */
        {32 + 12, 7, "leaf layout"},    /* the first leaf's lcm */
        {32 + 3 * 16 + 7, 0x80, "count out of range"}, /* the first leaf's answered < 0 */
        {32 + 3 * 16 + 17 + 7, 0x80, "pair sums out of range"}, /* the first pair's n */
        {32 + 3 * 16 + 17 + 8 + 15, 0x40, "pair sums out of range"}, /* its Σx */
    };
    for (size_t p = 0; p < sizeof patches / sizeof *patches; p++) {
        memcpy(bad, good.data, good.len);
        bad[patches[p].at] = (char)patches[p].byte;
        memset(&err, 0, sizeof err);
        assert_int_equal(lotk_stats_read(dst, bad, good.len, &used, NULL, &err), LOTK_EIO);
        if (!strstr(err.msg, patches[p].msg))
            fail_msg("patch %zu: \"%s\" does not say \"%s\"", p, err.msg, patches[p].msg);
    }
    /* The size field one byte larger, with a byte to spare: trailing bytes in the record. */
    memcpy(bad, good.data, good.len);
    bad[good.len] = 0;
    for (int i = 0; i < 8; i++)
        bad[24 + i] = (char)(unsigned char)((uint64_t)(good.len + 1) >> (8 * i));
    assert_int_equal(lotk_stats_read(dst, bad, good.len + 1, &used, NULL, &err), LOTK_EIO);
    assert_non_null(strstr(err.msg, "trailing"));
    /* Organization 0's Σx² (rwg(j)) above what its complete respondents allow. The record
     * of integer data has no exact parts: after the header, the leaves' headers and their
     * pair sums (17 bytes + 56 per pair), organization 0 starts with leaf A's flags, n,
     * complete, Σv, Σv² (16 bytes), then Σx² as i64. */
    size_t org0 = 32 + 16 * 3;
    for (size_t n = 0; n < s->nnodes; n++) {
        size_t k = s->nodes[n].nitems;
        if (k)
            org0 += 17 + 56 * (k * (k + 1) / 2);
    }
    memcpy(bad, good.data, good.len);
    assert_int_equal(bad[org0], 1); /* integer sums, no exact ones */
    bad[org0 + 1 + 4 + 4 + 8 + 16 + 7] = 0x40;
    assert_int_equal(lotk_stats_read(dst, bad, good.len, &used, NULL, &err), LOTK_EIO);
    assert_non_null(strstr(err.msg, "organization sums out of range"));
    memcpy(bad, good.data, good.len);
    bad[org0] = 4;
    assert_int_equal(lotk_stats_read(dst, bad, good.len, &used, NULL, &err), LOTK_EIO);
    assert_non_null(strstr(err.msg, "organization flags"));
    snapshot_take(&after, s, dst, identity, r.norgs);
    snapshot_same("after refused records", &before, &after);
    snapshot_free(&after);

    /* The good record, after all that, merges; used tells where a next record would start. */
    memcpy(bad, good.data, good.len);
    bad[good.len] = 'x';
    assert_int_equal(lotk_stats_read(dst, bad, good.len + 1, &used, NULL, &err), 0);
    assert_int_equal(used, good.len);
    size_t norgs = 0;
    assert_int_equal(lotk_stats_peek(good.data, good.len, &norgs, NULL, &err), 0);
    assert_int_equal(norgs, r.norgs);
    assert_int_equal(lotk_stats_peek(good.data, 10, &norgs, NULL, &err), LOTK_EIO);
    /* A negative map entry drops an organization. */
    struct lotk_stats *dropped = lotk_stats_new(s);
    int drop_first[MAX_ORGS];
    for (int o = 0; o < MAX_ORGS; o++)
        drop_first[o] = o == 0 ? -1 : o;
    assert_int_equal(lotk_stats_read(dropped, good.data, good.len, &used, drop_first, &err), 0);
    long gsize = -1;
    assert_true(isnan(lotk_stats_rwg_j(dropped, 0, node_of(s, "A"), &gsize)));
    assert_int_equal(gsize, 0);
    assert_false(isnan(lotk_stats_rwg_j(dropped, 1, node_of(s, "A"), &gsize)));
    lotk_stats_free(dropped);

    /* Every byte flipped, in a record of integer data and in one with exact parts: refused
     * or read, never a crash or undefined behaviour (the sanitizer build checks), and the
     * statistics of what was read can be computed. */
    for (int mixed = 0; mixed < 2; mixed++) {
        struct lotk_stats *from = lotk_stats_new(s);
        for (size_t i = 0; i < r.n; i++) {
            double *keyed = r.keyed + i * s->nitems;
            if (mixed)
                keyed[i % s->nitems] += isnan(keyed[i % s->nitems]) ? 0 : 0.1;
            lotk_stats_add(from, r.org[i], keyed, r.leaf + i * s->nnodes);
        }
        struct lotk_buf rec = {0};
        lotk_stats_write(from, &rec);
        char *flipped = lotk_xmalloc(rec.len);
        for (size_t at = 0; at < rec.len; at++) {
            memcpy(flipped, rec.data, rec.len);
            flipped[at] = (char)~flipped[at];
            struct lotk_stats *to = lotk_stats_new(s);
            int rc = lotk_stats_read(to, flipped, rec.len, &used, identity, &err);
            assert_true(rc == 0 || rc == LOTK_EIO);
            if (rc == 0) {
                struct snapshot any;
                snapshot_take(&any, s, to, identity, r.norgs);
                snapshot_free(&any);
            }
            lotk_stats_free(to);
        }
        free(flipped);
        lotk_buf_free(&rec);
        lotk_stats_free(from);
    }

    snapshot_free(&before);
    free(bad);
    lotk_buf_free(&good);
    lotk_stats_free(src);
    lotk_stats_free(dst);
    rows_free(&r);
    lotk_standard_free(s);
}

/* Values the exact accumulators cannot hold make their leaf's statistics NaN, and only
 * theirs. */
static void test_out_of_range(void **state)
{
    (void)state;
    struct lotk_standard *s = load_fixture_standard();
    struct rows r;
    rows_read(&r, s);
    int leaf_a = node_of(s, "A"), leaf_b = node_of(s, "B");
    struct lotk_stats *st = lotk_stats_new(s);
    for (size_t i = 0; i < r.n; i++) {
        double *keyed = r.keyed + i * s->nitems, *leaf = r.leaf + i * s->nnodes;
        if (i == 10)
            keyed[s->nodes[leaf_a].items[1]] = 1e300;
        if (i == 11)
            leaf[leaf_b] = INFINITY;
        lotk_stats_add(st, r.org[i], keyed, leaf);
    }
    struct lotk_reliability rel;
    for (int node = 0; node < (int)s->nnodes; node++) {
        if (s->nodes[node].nitems == 0)
            continue;
        int bad = node == leaf_a || node == leaf_b;
        assert_int_equal(lotk_stats_reliability(st, node, &rel), 0);
        assert_int_equal(isnan(rel.alpha) != 0, bad);
        lotk_reliability_clear(&rel);
        double icc1, icc2;
        assert_int_equal(lotk_stats_icc(st, node, &icc1, &icc2, NULL, NULL), 0);
        assert_int_equal(isnan(icc2) != 0, bad);
        assert_int_equal(isnan(lotk_stats_rwg_j(st, r.org[0], node, NULL)) != 0, bad);
    }
    lotk_stats_free(st);
    rows_free(&r);
    lotk_standard_free(s);
}

/* Rows of small whole numbers are buffered as 16-bit columns and summed BLOCK_ROWS (256)
 * at a time. The fixture repeated seven times (595 rows) folds two full blocks and leaves a
 * partial one; against it, the same rows each in an accumulator of its own (one-row
 * blocks, never folded) merged into one, and the same rows through lotk_stats_add_small:
 * every statistic and the serialised state bit for bit. */
static void test_small_blocks(void **state)
{
    (void)state;
    enum { COPIES = 7 };
    struct lotk_standard *s = load_fixture_standard();
    struct rows r;
    rows_read(&r, s);
    struct lotk_stats *tested = lotk_stats_new(s), *promised = lotk_stats_new(s),
                      *merged = lotk_stats_new(s);
    size_t small_rows = 0;
    for (int c = 0; c < COPIES; c++)
        for (size_t i = 0; i < r.n; i++) {
            const double *keyed = r.keyed + i * s->nitems, *leaf = r.leaf + i * s->nnodes;
            bool small = true;
            for (size_t k = 0; k < s->nitems; k++)
                small &= isnan(keyed[k]) || (keyed[k] == floor(keyed[k]) && fabs(keyed[k]) <= 127);
            small_rows += small;
            lotk_stats_add(tested, r.org[i], keyed, leaf);
            if (small)
                lotk_stats_add_small(promised, r.org[i], keyed, leaf);
            else
                lotk_stats_add(promised, r.org[i], keyed, leaf);
            struct lotk_stats *one = lotk_stats_new(s);
            lotk_stats_add(one, r.org[i], keyed, leaf);
            lotk_stats_merge(merged, one, NULL);
            lotk_stats_free(one);
        }
    /* The fixture's answers are whole numbers: the blocks do take most rows. */
    assert_true(small_rows > 2 * 256);
    int canon[MAX_ORGS];
    assert_true(r.norgs <= MAX_ORGS);
    for (size_t o = 0; o < r.norgs; o++)
        canon[o] = (int)o;
    struct snapshot a, b, m;
    snapshot_take(&a, s, tested, canon, r.norgs);
    snapshot_take(&b, s, promised, canon, r.norgs);
    snapshot_take(&m, s, merged, canon, r.norgs);
    snapshot_same("lotk_stats_add_small", &a, &b);
    snapshot_same("one-row accumulators merged", &a, &m);
    struct lotk_buf wa = {0}, wb = {0}, wm = {0};
    lotk_stats_write(tested, &wa);
    lotk_stats_write(promised, &wb);
    lotk_stats_write(merged, &wm);
    assert_int_equal(wa.len, wb.len);
    assert_memory_equal(wa.data, wb.data, wa.len);
    assert_int_equal(wa.len, wm.len);
    assert_memory_equal(wa.data, wm.data, wa.len);
    lotk_buf_free(&wa);
    lotk_buf_free(&wb);
    lotk_buf_free(&wm);
    snapshot_free(&a);
    snapshot_free(&b);
    snapshot_free(&m);
    lotk_stats_free(tested);
    lotk_stats_free(promised);
    lotk_stats_free(merged);
    rows_free(&r);
    lotk_standard_free(s);
}

/* An organization's per-item sums are int32 in 1/16; a row that would carry one beyond
 * goes to the exact path, and so does a merged sum. rwg(j) only sees deviations, so the
 * same answers shifted by 999 must give it bit for bit: 1000-ish answers overflow int32
 * after ~134,000 rows, the shifted ones never. Both as one accumulator and as four merged
 * ones. */
static void test_item_sums_beyond_int32(void **state)
{
    (void)state;
    enum { ROWS = 150000, PARTS4 = 4 };
    struct lotk_standard *s = load_fixture_standard();
    int leaf_c = node_of(s, "C");
    const struct lotk_node *c = &s->nodes[leaf_c];
    struct lotk_stats *big = lotk_stats_new(s), *shifted = lotk_stats_new(s),
                      *merged = lotk_stats_new(s), *part[PARTS4];
    for (int p = 0; p < PARTS4; p++)
        part[p] = lotk_stats_new(s);
    double *keyed = lotk_xmalloc(s->nitems * sizeof *keyed);
    double *low = lotk_xmalloc(s->nitems * sizeof *low);
    double *leaf = lotk_xmalloc(s->nnodes * sizeof *leaf);
    for (size_t i = 0; i < s->nitems; i++)
        keyed[i] = low[i] = NAN;
    for (size_t n = 0; n < s->nnodes; n++)
        leaf[n] = NAN;
    for (int r = 0; r < ROWS; r++) {
        for (size_t k = 0; k < c->nitems; k++) {
            double x = 1000 + (double)((r * 7 + (int)k * 3) % 4) / 4; /* on the 1/16 grid */
            keyed[c->items[k]] = x;
            low[c->items[k]] = x - 999;
        }
        lotk_stats_add(big, 0, keyed, leaf);
        lotk_stats_add(shifted, 0, low, leaf);
        lotk_stats_add(part[r % PARTS4], 0, keyed, leaf);
    }
    for (int p = 0; p < PARTS4; p++)
        lotk_stats_merge(merged, part[p], NULL);
    long na = 0, nb = 0, nc = 0;
    double a = lotk_stats_rwg_j(big, 0, leaf_c, &na);
    double b = lotk_stats_rwg_j(shifted, 0, leaf_c, &nb);
    double m = lotk_stats_rwg_j(merged, 0, leaf_c, &nc);
    assert_int_equal(na, ROWS);
    assert_int_equal(nb, ROWS);
    assert_int_equal(nc, ROWS);
    assert_true(b > 0 && b < 1);
    if (memcmp(&a, &b, sizeof a) != 0 || memcmp(&m, &b, sizeof m) != 0)
        fail_msg("rwg(j): %.17g one accumulator, %.17g merged, %.17g shifted", a, m, b);
    free(keyed);
    free(low);
    free(leaf);
    for (int p = 0; p < PARTS4; p++)
        lotk_stats_free(part[p]);
    lotk_stats_free(big);
    lotk_stats_free(shifted);
    lotk_stats_free(merged);
    lotk_standard_free(s);
}

/* ---- many rows ---------------------------------------------------------------------- */

/* Rows that repeat a fixed pattern of P rows Q times: the statistics of all P·Q rows follow
 * in closed form from one pattern (computed here in long double, two-pass), so millions of
 * streamed rows can be checked without keeping them. Values are off-centre non-integers
 * with small spread, the case where naive sums of squares cancel worst, and some answers
 * are missing so that pairs differ in their rows. */
enum { P = 40, ORGS = 4 };

static double pattern_value(int row, int item)
{
    if ((row * 7 + item * 3) % 11 == 0)
        return NAN;
    /* Near the top of the 1..5 scale, spread about 0.1. */
    return 4.7 + 0.1 * sin(row * 1.3 + item * 0.7) + 0.07 * cos(row * 0.37 * (item + 1)) +
           1e-3 * (double)(item);
}

static int pattern_org(int row) { return row % ORGS; }

/* Expected statistics of leaf C (5 items, c1..c5) over Q repetitions. */
static void big_reference(const struct lotk_standard *s, int leaf_node, long q,
                          struct lotk_reliability *want, double *icc1, double *icc2,
                          double rwg[ORGS])
{
    const struct lotk_node *node = &s->nodes[leaf_node];
    size_t k = node->nitems;
    long double c[5][5];
    for (size_t i = 0; i < k; i++)
        for (size_t j = 0; j < k; j++) {
            long double mx = 0, my = 0, cxy = 0;
            long m = 0;
            for (int r = 0; r < P; r++) {
                double x = pattern_value(r, (int)i), y = pattern_value(r, (int)j);
                if (isnan(x) || isnan(y))
                    continue;
                mx += x;
                my += y;
                m++;
            }
            mx /= m;
            my /= m;
            for (int r = 0; r < P; r++) {
                double x = pattern_value(r, (int)i), y = pattern_value(r, (int)j);
                if (!isnan(x) && !isnan(y))
                    cxy += (x - mx) * (y - my);
            }
            c[i][j] = cxy * q / (long double)(m * q - 1);
        }
    long double total = 0, trace = 0, rsum = 0;
    for (size_t i = 0; i < k; i++) {
        trace += c[i][i];
        for (size_t j = 0; j < k; j++) {
            total += c[i][j];
            if (j > i)
                rsum += c[i][j] / sqrtl(c[i][i] * c[j][j]);
        }
    }
    long double kk = (long double)k;
    want->alpha = (double)(kk / (kk - 1) * (1 - trace / total));
    want->std_alpha = (double)(kk / (kk - 1) * (1 - kk / (kk + 2 * rsum)));
    for (size_t i = 0; i < k; i++) {
        long double with = 0, tr = trace - c[i][i];
        for (size_t j = 0; j < k; j++)
            if (j != i)
                with += c[i][j];
        long double others = total - 2 * with - c[i][i];
        want->item_total[i] = (double)(with / sqrtl(c[i][i] * others));
        want->alpha_if_dropped[i] = (double)((kk - 1) / (kk - 2) * (1 - tr / others));
    }

    /* One-way ANOVA of the leaf values (mean of answered items) by organization. */
    long double gsum[ORGS] = {0}, gmean[ORGS], all = 0;
    long gn[ORGS] = {0}, n = 0;
    double v[P];
    for (int r = 0; r < P; r++) {
        long double sum = 0;
        int a = 0;
        for (size_t i = 0; i < k; i++) {
            double x = pattern_value(r, (int)i);
            if (!isnan(x)) {
                sum += x;
                a++;
            }
        }
        v[r] = a ? (double)(sum / a) : NAN; /* as the feeder computes it, in double */
        if (a) {
            gsum[pattern_org(r)] += v[r];
            gn[pattern_org(r)]++;
            all += v[r];
            n++;
        }
    }
    all /= n;
    long double ssb = 0, ssw = 0;
    for (int g = 0; g < ORGS; g++) {
        gmean[g] = gsum[g] / gn[g];
        ssb += (long double)gn[g] * q * (gmean[g] - all) * (gmean[g] - all);
    }
    for (int r = 0; r < P; r++)
        if (!isnan(v[r]))
            ssw += q * (v[r] - gmean[pattern_org(r)]) * (v[r] - gmean[pattern_org(r)]);
    long double bigg = ORGS, bign = (long double)n * q;
    long double msb = ssb / (bigg - 1), msw = ssw / (bign - bigg);
    *icc1 = (double)((msb - msw) / (msb + (bign / bigg - 1) * msw));
    *icc2 = (double)((msb - msw) / msb);

    /* rwg(j): per organization, complete rows only. */
    for (int g = 0; g < ORGS; g++) {
        long double svar = 0;
        for (size_t i = 0; i < k; i++) {
            long double mean = 0, m2 = 0;
            long m = 0;
            for (int r = 0; r < P; r++) {
                if (pattern_org(r) != g)
                    continue;
                int complete = 1;
                for (size_t j = 0; j < k; j++)
                    complete &= !isnan(pattern_value(r, (int)j));
                if (!complete)
                    continue;
                mean += pattern_value(r, (int)i);
                m++;
            }
            mean /= m;
            for (int r = 0; r < P; r++) {
                if (pattern_org(r) != g)
                    continue;
                int complete = 1;
                for (size_t j = 0; j < k; j++)
                    complete &= !isnan(pattern_value(r, (int)j));
                if (complete)
                    m2 += (pattern_value(r, (int)i) - mean) * (pattern_value(r, (int)i) - mean);
            }
            svar += m2 * q / (long double)(m * q - 1);
        }
        svar /= kk;
        long double nullv = 2, qq = svar > nullv ? 1 : svar / nullv;
        rwg[g] = (double)(kk * (1 - qq) / (kk * (1 - qq) + qq));
    }
}

/* Compares st's statistics of leaf C with the closed-form reference. */
static void check_big(const struct lotk_stats *st, int leaf_c, const struct lotk_reliability *want,
                      double icc1, double icc2, const double *rwg)
{
    struct lotk_reliability got;
    assert_int_equal(lotk_stats_reliability(st, leaf_c, &got), 0);
    check_close("big alpha", got.alpha, want->alpha, REL);
    check_close("big std_alpha", got.std_alpha, want->std_alpha, REL);
    for (size_t i = 0; i < got.items; i++) {
        check_close("big item_total", got.item_total[i], want->item_total[i], REL);
        check_close("big alpha_if_dropped", got.alpha_if_dropped[i], want->alpha_if_dropped[i],
                    REL);
    }
    lotk_reliability_clear(&got);
    double g1, g2;
    long n, groups;
    assert_int_equal(lotk_stats_icc(st, leaf_c, &g1, &g2, &n, &groups), 0);
    check_close("big icc1", g1, icc1, REL);
    check_close("big icc2", g2, icc2, REL);
    assert_int_equal(groups, ORGS);
    for (int g = 0; g < ORGS; g++) {
        long gsize;
        check_close("big rwg_j", lotk_stats_rwg_j(st, g, leaf_c, &gsize), rwg[g], REL);
    }
}

static void test_many_rows(void **state)
{
    (void)state;
    /* LOTK_STATS_BIG_ROWS=10000000 runs the full 10M-row check (about ten seconds: these
     * non-integer values take the exact accumulators); the default keeps the unit suite
     * quick under sanitizers. */
    const char *env = getenv("LOTK_STATS_BIG_ROWS");
    long rows = env && *env ? atol(env) : 1000000;
    long q = rows / P;
    struct lotk_standard *s = load_fixture_standard();
    int leaf_c = node_of(s, "C");
    const struct lotk_node *node = &s->nodes[leaf_c];
    /* all: every row. part[0]: the rows before an odd cut; part[1]: the rest, with the
     * organizations numbered backwards — merged later, open blocks and all. */
    struct lotk_stats *all = lotk_stats_new(s);
    struct lotk_stats *part[2] = {lotk_stats_new(s), lotk_stats_new(s)};
    long cut = rows / 3 + 7, row = 0;
    double *keyed = lotk_xcalloc(s->nitems, sizeof *keyed);
    double *leaf = lotk_xcalloc(s->nnodes, sizeof *leaf);
    for (size_t i = 0; i < s->nitems; i++)
        keyed[i] = NAN;
    for (size_t n = 0; n < s->nnodes; n++)
        leaf[n] = NAN;
    for (long rep = 0; rep < q; rep++)
        for (int r = 0; r < P; r++, row++) {
            double sum = 0;
            int a = 0;
            for (size_t i = 0; i < node->nitems; i++) {
                double x = pattern_value(r, (int)i);
                keyed[node->items[i]] = x;
                if (!isnan(x)) {
                    sum += x;
                    a++;
                }
            }
            leaf[leaf_c] = a ? sum / a : NAN;
            lotk_stats_add(all, pattern_org(r), keyed, leaf);
            if (row < cut)
                lotk_stats_add(part[0], pattern_org(r), keyed, leaf);
            else
                lotk_stats_add(part[1], ORGS - 1 - pattern_org(r), keyed, leaf);
        }

    double want_item_total[5], want_drop[5];
    struct lotk_reliability want = {.item_total = want_item_total,
                                    .alpha_if_dropped = want_drop};
    double icc1, icc2, rwg[ORGS];
    big_reference(s, leaf_c, q, &want, &icc1, &icc2, rwg);
    check_big(all, leaf_c, &want, icc1, icc2, rwg);
    int backwards[ORGS];
    for (int g = 0; g < ORGS; g++)
        backwards[g] = ORGS - 1 - g;
    lotk_stats_merge(part[0], part[1], backwards);
    check_big(part[0], leaf_c, &want, icc1, icc2, rwg);
    /* And bit for bit the same as the sequential accumulator. */
    int same_orgs[ORGS];
    for (int g = 0; g < ORGS; g++)
        same_orgs[g] = g;
    struct snapshot sa, sb;
    snapshot_take(&sa, s, all, same_orgs, ORGS);
    snapshot_take(&sb, s, part[0], same_orgs, ORGS);
    snapshot_same("many rows merged", &sa, &sb);
    snapshot_free(&sa);
    snapshot_free(&sb);

    /* Leaves A and B saw no answers: no values, no failures. */
    double g1, g2;
    long n, groups;
    assert_int_equal(lotk_stats_icc(all, node_of(s, "A"), &g1, &g2, &n, &groups), 0);
    assert_true(isnan(g1) && isnan(g2));
    assert_int_equal(n, 0);
    free(keyed);
    free(leaf);
    lotk_stats_free(all);
    lotk_stats_free(part[0]);
    lotk_stats_free(part[1]);
    lotk_standard_free(s);
}

/* Teardown of every test: prints its largest relative difference. */
static int report_worst(void **state)
{
    (void)state;
    fprintf(stderr, "    largest relative difference: %.3g (%s)\n", worst_rel, worst_what);
    worst_rel = 0;
    worst_what = "";
    return 0;
}

#define TEST(f) cmocka_unit_test_teardown(f, report_worst)

int main(void)
{
    const struct CMUnitTest tests[] = {
        TEST(test_fixture_alpha),
        TEST(test_fixture_reliability),
        TEST(test_fixture_icc),
        TEST(test_fixture_rwg_j),
        TEST(test_rwg_j_edges),
        cmocka_unit_test(test_not_a_leaf),
        TEST(test_merge),
        TEST(test_order_independence),
        TEST(test_order_independence_non_integer),
        cmocka_unit_test(test_read_errors),
        cmocka_unit_test(test_out_of_range),
        TEST(test_small_blocks),
        TEST(test_item_sums_beyond_int32),
        TEST(test_many_rows),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
