/* init_export.c — `lotk init --from-export FILE DIR`: a draft standard from a survey
 * export (问卷星, 腾讯问卷 or a plain CSV), to be edited.
 *
 * The header gives one item per question (platform metadata columns such as 序号 and
 * 提交答卷时间 are left out); the answers seen give each item's scale: whole numbers give
 * the usual range that holds them (1–5, 1–7, 0–10, …), words give a known answer set
 * (非常不同意…非常同意, 从不…总是, …) with its labels. A question whose answers fit no
 * scale (free text, 性别, a multiple choice) is not guessed at: the draft lists it in a
 * comment. Consecutive items of one scale make one indicator. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/buf.h"
#include "base/file.h"
#include "base/mem.h"
#include "base/num.h"
#include "base/strmap.h"
#include "cli/init.h"
#include "input/csvread.h"
#include "standard/header.h"
#include "standard/standard.h"

enum { EXPORT_MAX_BYTES = 256 << 20, MAX_DISTINCT = 48, MAX_COLUMNS = 4096 };

/* Answer sets people use, lowest first; a column whose words all belong to one is on it. */
static const struct answer_set {
    const char *id;
    const char *labels[8];
} answer_sets[] = {
    {"agree5", {"非常不同意", "不同意", "一般", "同意", "非常同意"}},
    {"agree5b", {"非常不同意", "不同意", "不确定", "同意", "非常同意"}},
    {"agree5en", {"Strongly disagree", "Disagree", "Neither agree nor disagree", "Agree",
                  "Strongly agree"}},
    {"fit5", {"完全不符合", "不太符合", "一般", "比较符合", "完全符合"}},
    {"satisfied5", {"非常不满意", "不满意", "一般", "满意", "非常满意"}},
    {"freq5", {"从不", "很少", "有时", "经常", "总是"}},
    {"freq5en", {"Never", "Rarely", "Sometimes", "Often", "Always"}},
    {"yes_no", {"否", "是"}},
};
enum { NSETS = sizeof answer_sets / sizeof *answer_sets };

/* What was seen in one column. */
struct column {
    char *header, *norm;
    enum lotk_meta meta;
    char *distinct[MAX_DISTINCT];
    size_t ndistinct;
    bool overflow;       /* more distinct answers than kept */
    bool all_integers;   /* every non-blank answer a whole number */
    bool multi;          /* answers joined by ┋: a multiple choice */
    double min, max;
    long answered;
    int scale;           /* after guessing: an index into the draft's scales, or -1 */
};

struct export {
    struct column *cols;
    size_t ncols;
    long rows;
};

static bool blank(const char *t)
{
    return !*t || strcmp(t, "(空)") == 0 || strcmp(t, "(跳过)") == 0 || strcmp(t, "-2") == 0 ||
           strcmp(t, "-3") == 0 || strcmp(t, "不适用") == 0;
}

static int on_field(void *ctx, const char *text, size_t len, size_t column)
{
    struct export *e = ctx;
    if (e->rows == 0) { /* the header */
        if (column >= MAX_COLUMNS)
            return 0;
        e->cols = lotk_xrealloc(e->cols, (column + 1) * sizeof *e->cols);
        struct column *c = &e->cols[column];
        memset(c, 0, sizeof *c);
        c->header = lotk_xstrndup(text, len);
        struct lotk_buf b = {0};
        lotk_header_normalize(c->header, &b);
        c->norm = lotk_init_take(&b);
        c->meta = lotk_header_metadata(c->norm);
        c->all_integers = true;
        c->min = INFINITY;
        c->max = -INFINITY;
        c->scale = -1;
        e->ncols = column + 1;
        return 0;
    }
    if (column >= e->ncols || blank(text))
        return 0;
    struct column *c = &e->cols[column];
    c->answered++;
    double v;
    if (lotk_parse_double(text, len, &v) == 0 && v == floor(v) && fabs(v) < 1e6) {
        c->min = v < c->min ? v : c->min;
        c->max = v > c->max ? v : c->max;
    } else {
        c->all_integers = false;
    }
    if (strstr(text, "┋"))
        c->multi = true;
    for (size_t i = 0; i < c->ndistinct; i++)
        if (strcmp(c->distinct[i], text) == 0)
            return 0;
    if (c->ndistinct == MAX_DISTINCT)
        c->overflow = true;
    else
        c->distinct[c->ndistinct++] = lotk_xstrndup(text, len);
    return 0;
}

static int on_row(void *ctx, size_t nfields, long line)
{
    (void)nfields;
    (void)line;
    ((struct export *)ctx)->rows++;
    return 0;
}

/* The question's wording: the normalised header without its question number and without
 * a trailing hint in parentheses (the scale's ends, "(单选)") or a colon. */
static char *stem_of(const char *norm)
{
    const char *p = norm;
    int q, row;
    if (lotk_header_question(norm, &q, &row)) {
        while (*p >= '0' && *p <= '9')
            p++;
        if (strncmp(p, "、", strlen("、")) == 0)
            p += strlen("、");
        else if (*p == '.' || *p == ':')
            p++;
        while (*p == ' ')
            p++;
    }
    char *s = lotk_xstrdup(*p ? p : norm);
    size_t n = strlen(s);
    if (n && s[n - 1] == ')') {
        char *open = strrchr(s, '(');
        if (open && open > s)
            *open = '\0';
    }
    n = strlen(s);
    while (n && (s[n - 1] == ':' || s[n - 1] == ' '))
        s[--n] = '\0';
    return s;
}

/* Which answer set holds every word of c, or -1. */
static int word_set(const struct column *c)
{
    if (c->overflow || c->ndistinct == 0)
        return -1;
    for (int k = 0; k < NSETS; k++) {
        bool all = true;
        for (size_t i = 0; i < c->ndistinct && all; i++) {
            bool in = false;
            for (int l = 0; answer_sets[k].labels[l] && !in; l++)
                in = strcmp(c->distinct[i], answer_sets[k].labels[l]) == 0;
            all = in;
        }
        if (all)
            return k;
    }
    return -1;
}

/* The scales of the draft, made as the columns need them. */
struct draft_scale {
    char *id;
    double min, max;
    int set; /* an answer set, or -1 for numbers only */
};

static int scale_for(struct column *c, struct draft_scale *scales, size_t *nscales)
{
    double lo = 0, hi = 0;
    int set = -1;
    if (c->multi || c->answered == 0)
        return -1;
    if (c->all_integers && c->ndistinct >= 2) {
        /* 0/1: a multiple choice's option columns in a number export. */
        static const double ranges[][2] = {{0, 1}, {1, 5}, {1, 7}, {0, 10}, {1, 10}, {0, 100}};
        for (size_t i = 0; i < sizeof ranges / sizeof *ranges && lo == hi; i++)
            if (c->min >= ranges[i][0] && c->max <= ranges[i][1])
                lo = ranges[i][0], hi = ranges[i][1];
        if (lo == hi)
            return -1;
    } else if ((set = word_set(c)) >= 0) {
        lo = 1;
        for (hi = 0; answer_sets[set].labels[(int)hi]; hi++)
            ;
        if (set == NSETS - 1) /* yes/no: 0 and 1 */
            lo = 0, hi = 1;
    } else {
        return -1;
    }
    for (size_t i = 0; i < *nscales; i++)
        if (scales[i].min == lo && scales[i].max == hi && scales[i].set == set)
            return (int)i;
    struct draft_scale *d = &scales[(*nscales)++];
    d->min = lo;
    d->max = hi;
    d->set = set;
    d->id = set >= 0 ? lotk_xstrdup(answer_sets[set].id) :
                       lotk_xasprintf("num%.0f_%.0f", lo, hi);
    return (int)(*nscales - 1);
}

/* A YAML double-quoted string. */
static void yq(struct lotk_buf *b, const char *s)
{
    lotk_buf_putc(b, '"');
    for (; *s; s++) {
        if (*s == '"' || *s == '\\')
            lotk_buf_putc(b, '\\');
        lotk_buf_putc(b, *s);
    }
    lotk_buf_putc(b, '"');
}

static bool ascii(const char *s)
{
    for (; *s; s++)
        if ((unsigned char)*s >= 0x80)
            return false;
    return true;
}

static bool org_header(const char *stem)
{
    static const char *const words[] = {"单位", "组织", "机构", "企业名称", "社区名称",
                                        "org_id", "organization", "Organization", NULL};
    for (int i = 0; words[i]; i++)
        if (strstr(stem, words[i]) && strlen(stem) <= 8 * 3 + 6)
            return true;
    return false;
}

static void write_scales(struct lotk_buf *b, const struct draft_scale *scales, size_t n)
{
    lotk_buf_printf(b, "scales:\n");
    for (size_t i = 0; i < n; i++) {
        lotk_buf_printf(b, "  %s:\n    min: %.0f\n    max: %.0f\n", scales[i].id,
                        scales[i].min, scales[i].max);
        if (scales[i].set >= 0) {
            lotk_buf_printf(b, "    labels: {");
            const struct answer_set *a = &answer_sets[scales[i].set];
            for (int l = 0; a->labels[l]; l++) {
                if (l)
                    lotk_buf_printf(b, ", ");
                yq(b, a->labels[l]);
                lotk_buf_printf(b, ": %.0f", scales[i].min + l);
            }
            lotk_buf_printf(b, "}\n");
        }
        lotk_buf_printf(b, "    missing: [\"\", \"(空)\", \"(跳过)\", \"-2\", \"-3\", \"不适用\"]\n");
    }
}

/* Items, one indicator per run of one scale. */
static void write_indicators(struct lotk_buf *b, const struct export *e,
                             const struct draft_scale *scales, long *nitems)
{
    lotk_buf_printf(b, "indicators:\n");
    int run = -2, ind = 0;
    for (size_t c = 0; c < e->ncols; c++) {
        const struct column *col = &e->cols[c];
        if (col->scale < 0)
            continue;
        if (col->scale != run) {
            run = col->scale;
            ind++;
            lotk_buf_printf(b, "  - id: D%d\n    title: {zh: \"维度%d(待命名)\", en: \"Dimension "
                            "%d (to be named)\"}\n    weight: 1\n    items:\n", ind, ind, ind);
        }
        char *stem = stem_of(col->norm);
        lotk_buf_printf(b, "      - {id: q%02ld, column: ", ++*nitems);
        yq(b, col->header);
        lotk_buf_printf(b, ", scale: %s, text: {%s: ", scales[col->scale].id,
                        ascii(stem) ? "en" : "zh");
        yq(b, stem);
        lotk_buf_printf(b, "}}\n");
        free(stem);
    }
}

static char *draft(const char *file, const char *id, struct export *e, struct lotk_err *err)
{
    struct draft_scale scales[NSETS + 8] = {{0}};
    size_t nscales = 0;
    int org = -1, seq = -1;
    struct lotk_buf skipped = {0}, b = {0};
    for (size_t c = 0; c < e->ncols; c++) {
        struct column *col = &e->cols[c];
        char *stem = stem_of(col->norm);
        if (col->meta == LOTK_META_SEQ && seq < 0)
            seq = (int)c;
        else if (col->meta != LOTK_META_NONE)
            ;
        else if (org < 0 && org_header(stem))
            org = (int)c;
        else if (nscales < sizeof scales / sizeof *scales - 1 &&
                 (col->scale = scale_for(col, scales, &nscales)) < 0)
            lotk_buf_printf(&skipped, "#   column %zu '%s': %s\n", c + 1, col->header,
                            col->multi ? "a multiple choice (type: multi with options:)" :
                            col->answered == 0 ? "no answers seen" :
                            "answers that fit no scale (free text or categories)");
        free(stem);
    }
    if (org < 0) {
        lotk_err_set(err, LOTK_EUSAGE, file, 1, 0, "no column looks like the organization "
                     "(单位, 组织, org_id, …): rename its header, then run lotk init again");
        goto done;
    }
    lotk_buf_printf(&b, "# %s: a draft by `lotk init --from-export %s` from %ld answers.\n"
                    "# Name the dimensions, group the items, set the weights and bands, then\n"
                    "# run `lotk check standard.yaml --data %s`.\n"
                    "# Whole-number answers were taken for scales: drop the items that are\n"
                    "# coded categories (性别 1/2, an age band) and give reverse-keyed ones\n"
                    "# `reverse: true`.\n", id, file, e->rows - 1, file);
    if (skipped.len)
        lotk_buf_printf(&b, "# Left out (not a scale lotk could guess):\n%s", skipped.data);
    lotk_buf_printf(&b, "format: lotk/1\nid: %s\nversion: \"0.1.0\"\nkind: other\n"
                    "title: {zh: \"草稿：%s\", en: \"Draft: %s\"}\n", id, id, id);
    write_scales(&b, scales, nscales);
    lotk_buf_printf(&b, "survey:\n  org_column: ");
    yq(&b, e->cols[org].header);
    if (seq >= 0) {
        lotk_buf_printf(&b, "\n  id_column: ");
        yq(&b, e->cols[seq].header);
    }
    lotk_buf_printf(&b, "\n  min_respondents: 1            # raise it to what a grade needs\n"
                    "points: 100\naggregate: weighted_mean\nbands:\n"
                    "  - {grade: excellent, min: 85, label: {zh: \"优秀\", en: \"Excellent\"}}\n"
                    "  - {grade: good, min: 70, label: {zh: \"良好\", en: \"Good\"}}\n"
                    "  - {grade: pass, min: 60, label: {zh: \"合格\", en: \"Pass\"}}\n"
                    "  - {grade: fail, min: 0, label: {zh: \"不合格\", en: \"Fail\"}}\n");
    long nitems = 0;
    write_indicators(&b, e, scales, &nitems);
    if (nitems == 0) {
        lotk_err_set(err, LOTK_EUSAGE, file, 1, 0, "no column has answers on a scale lotk can "
                     "guess (numbers or words such as 非常不同意…非常同意): nothing to draft");
        lotk_buf_free(&b);
    }
done:
    lotk_buf_free(&skipped);
    for (size_t i = 0; i < nscales; i++)
        free(scales[i].id);
    return b.len ? lotk_init_take(&b) : NULL;
}

int lotk_init_from_export(const char *file, const char *dir, struct lotk_err *err)
{
    char *text = NULL, *id = NULL;
    struct export e = {0};
    struct lotk_init_scaffold sc = {0};
    struct lotk_csvread r;
    int rc = lotk_csvread_file(&r, file, EXPORT_MAX_BYTES, NULL, on_field, on_row, &e, err)
                 ? err->code
                 : 0;
    lotk_csvread_free(&r);
    if (rc)
        goto done;
    if (e.rows < 2) {
        rc = lotk_err_set(err, LOTK_EUSAGE, file, 1, 0, "a header and no answers: scales are "
                          "guessed from the answers, so give an export with some");
        goto done;
    }
    id = lotk_init_new_id(dir, "survey");
    if (!(text = draft(file, id, &e, err))) {
        rc = err->code;
        goto done;
    }
    if ((rc = lotk_init_prepare_dir(&sc, dir, err)) != 0 ||
        (rc = lotk_init_write(&sc, "standard.yaml", text, err)) != 0)
        goto done;
    printf("%s/standard.yaml: a draft standard %s from %s (%ld answers)\n"
           "next: edit it, then lotk check %s/standard.yaml --data %s\n",
           dir, id, file, e.rows - 1, dir, file);
done:
    lotk_init_finish(&sc, rc == 0);
    for (size_t c = 0; c < e.ncols; c++) {
        free(e.cols[c].header);
        free(e.cols[c].norm);
        for (size_t i = 0; i < e.cols[c].ndistinct; i++)
            free(e.cols[c].distinct[i]);
    }
    free(e.cols);
    free(text);
    free(id);
    return rc;
}
