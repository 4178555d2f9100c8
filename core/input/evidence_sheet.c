/* evidence_sheet.c — reading assessor evidence sheets into the evidence store; see evidence_sheet.h
 * and docs/evidence.md. Combining the ratings is score/evidence.c's job. */
#include "input/evidence_sheet.h"

#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "base/buf.h"
#include "base/mem.h"
#include "base/num.h"
#include "base/strmap.h"
#include "base/text.h"
#include "input/csvread.h"
#include "input/encoding.h"

enum {
    SHEET_MAX_BYTES = 64 << 20, /* organizations × assessors: never near this */
    MAX_COLUMNS = 1 << 12,
    MAX_REASON = 512,
};

const char *lotk_role_name(enum lotk_role role)
{
    return role == LOTK_ROLE_SELF ? "self" : "third-party";
}

bool lotk_evidence_is_rated(const struct lotk_node *node)
{
    return node->source == LOTK_SOURCE_EVIDENCE && node->rubric;
}

/* ---- reading a sheet ----------------------------------------------------------------- */

enum col_kind { COL_IGNORED, COL_ORG, COL_ASSESSOR, COL_ROLE, COL_RATING, COL_CITE, COL_NOTE };

struct column {
    enum col_kind kind;
    int leaf; /* position in ev->leaves for RATING, CITE and NOTE */
};

/* One sheet being read, driven by the CSV reader's callbacks. */
struct sheet {
    struct lotk_evidence *ev;
    const char *file;
    struct lotk_diags *warnings;
    struct lotk_err *err;
    struct lotk_csvread csv;
    int stop;              /* a negative code once the read must end */
    long row_line;         /* line where the current row started */
    bool in_header;
    struct lotk_buf bytes; /* the row's fields back to back, each NUL-terminated */
    struct lotk_buf pair;  /* scratch: the key of ev->pairs */
    size_t *starts;
    size_t nfields, cap_starts;
    char **headers;
    size_t nheaders;
    long header_line;
    struct column *cols;
    int org_col, assessor_col, role_col;
};

static const char *field(const struct sheet *sh, size_t i)
{
    return sh->bytes.data + sh->starts[i];
}

/* Keeps one field of the row being read (lotk_csvread_on_rows). */
static int on_field(void *vsh, const char *text, size_t len, size_t column)
{
    struct sheet *sh = vsh;
    if (column >= MAX_COLUMNS)
        return sh->stop = lotk_err_set(sh->err, LOTK_EIO, sh->file, sh->csv.row_line, 0,
                                       "more than %d columns in a row", MAX_COLUMNS);
    lotk_grow(&sh->starts, &sh->cap_starts, sh->nfields + 1, sizeof *sh->starts);
    sh->starts[sh->nfields++] = sh->bytes.len;
    lotk_buf_append(&sh->bytes, text, len);
    lotk_buf_putc(&sh->bytes, '\0');
    return 0;
}

/* The evidence indicator whose id is name[0..len), or -1. */
static int leaf_named(const struct lotk_evidence *ev, const char *name, size_t len)
{
    for (size_t l = 0; l < ev->nleaves; l++) {
        const char *id = ev->s->nodes[ev->leaves[l]].id;
        if (strlen(id) == len && memcmp(id, name, len) == 0)
            return (int)l;
    }
    return -1;
}

static bool ends_with(const char *s, const char *suffix, size_t *stem)
{
    size_t n = strlen(s), m = strlen(suffix);
    if (n <= m || strcmp(s + n - m, suffix) != 0)
        return false;
    *stem = n - m;
    return true;
}

/* The column name closest to name that a sheet could use, for "did you mean". */
static const char *nearest_name(const struct lotk_evidence *ev, const char *name, char *buf,
                                size_t size)
{
    static const char *const suffixes[] = {"", ".evidence", ".note"};
    const struct lotk_evidence_spec *spec = &ev->s->evidence;
    size_t best_d = strlen(name) / 3 + 2;
    bool found = false;
    const char *fixed[] = {spec->org_column, spec->assessor_column, spec->role_column};
    for (int i = 0; i < 3; i++) {
        size_t d = fixed[i] ? lotk_edit_distance(fixed[i], name) : (size_t)-1;
        if (d < best_d) {
            best_d = d;
            snprintf(buf, size, "%s", fixed[i]);
            found = true;
        }
    }
    for (size_t l = 0; l < ev->nleaves; l++)
        for (int k = 0; k < 3; k++) {
            char *cand = lotk_xasprintf("%s%s", ev->s->nodes[ev->leaves[l]].id, suffixes[k]);
            size_t d = lotk_edit_distance(cand, name);
            if (d < best_d) {
                best_d = d;
                snprintf(buf, size, "%s", cand);
                found = true;
            }
            free(cand);
        }
    return found ? buf : NULL;
}

/* Up to three headers closest to want, for "no column" messages. */
static void near_headers(const struct sheet *sh, const char *want, struct lotk_buf *out)
{
    int which[3];
    size_t *d = lotk_xmalloc((sh->nheaders ? sh->nheaders : 1) * sizeof *d);
    for (size_t c = 0; c < sh->nheaders; c++)
        d[c] = lotk_edit_distance(want, sh->headers[c]);
    lotk_rank_nearest(d, sh->nheaders, which, 3);
    free(d);
    for (int k = 0; k < 3 && which[k] >= 0; k++)
        lotk_buf_printf(out, "%s'%s'", k ? ", " : "", sh->headers[which[k]]);
}

static int find_column(struct sheet *sh, const char *name, bool required, const char *what,
                       const char *key)
{
    int found = -1;
    for (size_t c = 0; c < sh->nheaders; c++) {
        if (strcmp(sh->headers[c], name) != 0)
            continue;
        if (found >= 0)
            return sh->stop = lotk_err_set(sh->err, LOTK_EIO, sh->file, sh->header_line,
                                           (long)c + 1,
                                           "column '%s' appears twice (columns %d and %zu)",
                                           name, found + 1, c + 1);
        found = (int)c;
    }
    if (found < 0 && required) {
        struct lotk_buf list = {0};
        near_headers(sh, name, &list);
        sh->stop = lotk_err_set(sh->err, LOTK_EIO, sh->file, sh->header_line, 0,
                                "no column '%s' for the %s (evidence.%s of %s); "
                                "closest headers: %s",
                                name, what, key, sh->ev->s->path,
                                list.data ? list.data : "none");
        lotk_buf_free(&list);
        return sh->stop;
    }
    return found;
}

#define warn(sh, col, ...)                                                                   \
    lotk_diags_add((sh)->warnings, true, 0, (sh)->file, (sh)->header_line, (long)(col) + 1,  \
                   __VA_ARGS__)

/* Maps the header to organization, assessor, role, rating, citation and note columns. */
static void map_header(struct sheet *sh)
{
    struct lotk_evidence *ev = sh->ev;
    const struct lotk_standard *s = ev->s;
    const struct lotk_evidence_spec *spec = &s->evidence;
    sh->nheaders = sh->nfields;
    sh->header_line = sh->row_line;
    sh->headers = lotk_xcalloc(sh->nheaders ? sh->nheaders : 1, sizeof *sh->headers);
    for (size_t c = 0; c < sh->nheaders; c++)
        sh->headers[c] = lotk_xstrdup(field(sh, c));
    sh->cols = lotk_xcalloc(sh->nheaders ? sh->nheaders : 1, sizeof *sh->cols);
    for (size_t c = 0; c < sh->nheaders; c++)
        sh->cols[c].leaf = -1;
    if ((sh->org_col = find_column(sh, spec->org_column, true, "organization",
                                   "org_column")) < 0 ||
        (sh->assessor_col = find_column(sh, spec->assessor_column, true, "assessor",
                                        "assessor_column")) < 0)
        return;
    sh->role_col = find_column(sh, spec->role_column, false, "role", "role_column");
    if (sh->stop)
        return;
    sh->cols[sh->org_col].kind = COL_ORG;
    sh->cols[sh->assessor_col].kind = COL_ASSESSOR;
    if (sh->role_col >= 0)
        sh->cols[sh->role_col].kind = COL_ROLE;

    int *rated = lotk_xcalloc(ev->nleaves ? ev->nleaves : 1, sizeof *rated);
    size_t nrated = 0;
    for (size_t c = 0; c < sh->nheaders; c++) {
        struct column *col = &sh->cols[c];
        const char *h = sh->headers[c];
        size_t stem;
        if (col->kind != COL_IGNORED)
            continue;
        if ((col->leaf = leaf_named(ev, h, strlen(h))) >= 0)
            col->kind = COL_RATING;
        else if (ends_with(h, ".evidence", &stem) && (col->leaf = leaf_named(ev, h, stem)) >= 0)
            col->kind = COL_CITE;
        else if (ends_with(h, ".note", &stem) && (col->leaf = leaf_named(ev, h, stem)) >= 0)
            col->kind = COL_NOTE;
        if (col->kind == COL_IGNORED) {
            char near[256];
            int node = lotk_standard_find_node(s, h);
            if (node >= 0)
                warn(sh, c, "column '%s' names an indicator that %s; ignored", h,
                     s->nodes[node].nitems ? "respondents answer (source: survey)"
                                           : "aggregates others");
            else if (nearest_name(ev, h, near, sizeof near))
                warn(sh, c, "column '%s' is no evidence column of %s; did you mean '%s'? "
                            "Ignored", h, s->id, near);
            else
                warn(sh, c, "column '%s' is no evidence column of %s; ignored", h, s->id);
            continue;
        }
        for (size_t d = 0; d < c; d++)
            if (sh->cols[d].kind == col->kind && sh->cols[d].leaf == col->leaf) {
                sh->stop = lotk_err_set(sh->err, LOTK_EIO, sh->file, sh->header_line,
                                        (long)c + 1,
                                        "column '%s' appears twice (columns %zu and %zu)", h,
                                        d + 1, c + 1);
                free(rated);
                return;
            }
        if (col->kind == COL_RATING) {
            rated[col->leaf] = 1;
            nrated++;
        }
    }
    for (size_t c = 0; c < sh->nheaders; c++) {
        struct column *col = &sh->cols[c];
        if ((col->kind == COL_CITE || col->kind == COL_NOTE) && !rated[col->leaf]) {
            warn(sh, c, "column '%s' has no rating column '%s' beside it; ignored",
                 sh->headers[c], s->nodes[ev->leaves[col->leaf]].id);
            col->kind = COL_IGNORED;
        }
    }
    free(rated);
    if (nrated == 0) {
        struct lotk_buf ids = {0};
        for (size_t l = 0; l < ev->nleaves; l++)
            lotk_buf_printf(&ids, "%s%s", l ? ", " : "", s->nodes[ev->leaves[l]].id);
        sh->stop = lotk_err_set(sh->err, LOTK_EIO, sh->file, sh->header_line, 0,
                                ev->nleaves ? "no column rates an evidence indicator of %s "
                                              "(a rating column is named by the indicator "
                                              "id: %s)"
                                            : "%s has no evidence indicators (source: "
                                              "evidence) to rate%s",
                                s->id, ids.data ? ids.data : "");
        lotk_buf_free(&ids);
    }
}

static bool parse_role(const char *text, enum lotk_role *role)
{
    static const char *const self[] = {"self", "自评", "自查", NULL};
    static const char *const third[] = {"third-party", "third party", "third_party", "第三方",
                                        "第三方评价", NULL};
    for (int i = 0; self[i]; i++)
        if (strcasecmp(text, self[i]) == 0)
            return *role = LOTK_ROLE_SELF, true;
    for (int i = 0; third[i]; i++)
        if (strcasecmp(text, third[i]) == 0)
            return *role = LOTK_ROLE_THIRD_PARTY, true;
    return false;
}

/* The share of full marks a fact earns: the score of the highest threshold it reaches. */
static double fact_score(const struct lotk_rubric *rb, double fact)
{
    for (size_t t = 0; t < rb->nthresholds; t++)
        if (fact >= rb->thresholds[t].at_least)
            return rb->thresholds[t].score;
    return rb->otherwise;
}

/* Reads one rating cell through the indicator's rubric. Returns false with why set. */
static bool rate(const struct lotk_standard *s, int node, const char *text,
                 struct lotk_rating *r, char *why, size_t whysize)
{
    const struct lotk_rubric *rb = s->nodes[node].rubric;
    const struct lotk_scale *sc = &s->scales[s->nodes[node].scale];
    size_t len = strlen(text);
    char a[32], b[32];
    double x;
    switch (rb->kind) {
    case LOTK_RUBRIC_YES_NO: {
        static const char *const yes[] = {"yes", "y", "true", "1", "是", "有", NULL};
        static const char *const no[] = {"no", "n", "false", "0", "否", "无", NULL};
        for (int i = 0; yes[i]; i++)
            if (strcasecmp(text, yes[i]) == 0)
                return r->recorded = r->value = 1, true;
        for (int i = 0; no[i]; i++)
            if (strcasecmp(text, no[i]) == 0)
                return r->recorded = r->value = 0, true;
        snprintf(why, whysize, "'%s' is not yes or no (yes/no, 是/否, 有/无 or 1/0)", text);
        return false;
    }
    case LOTK_RUBRIC_FACT: {
        /* A share may be written with its unit: "2.6%" or "2.6％". */
        if (rb->unit && strcmp(rb->unit, "%") == 0) {
            if (len >= 1 && text[len - 1] == '%')
                len -= 1;
            else if (len >= 3 && memcmp(text + len - 3, "\xEF\xBC\x85", 3) == 0)
                len -= 3;
        }
        if (lotk_parse_double(text, len, &x) != 0) {
            snprintf(why, whysize, "'%s' is not a number (the rubric records a fact%s%s)",
                     text, rb->unit ? " in " : "", rb->unit ? rb->unit : "");
            return false;
        }
        if (x < rb->fact_min || x > rb->fact_max) {
            lotk_fmt_double(a, rb->fact_min);
            lotk_fmt_double(b, rb->fact_max);
            snprintf(why, whysize, "fact %s is outside the rubric's range [%s, %s]", text,
                     isinf(rb->fact_min) ? "-inf" : a, isinf(rb->fact_max) ? "inf" : b);
            return false;
        }
        r->recorded = x;
        r->value = fact_score(rb, x);
        return true;
    }
    case LOTK_RUBRIC_LEVELS: {
        bool number = lotk_parse_double(text, len, &x) == 0;
        for (size_t i = 0; number && i < rb->nlevels; i++)
            if (rb->levels[i].value == x)
                return r->recorded = r->value = x, true;
        struct lotk_buf list = {0};
        for (size_t i = 0; i < rb->nlevels; i++) {
            lotk_fmt_double(a, rb->levels[i].value);
            lotk_buf_printf(&list, "%s%s", i ? ", " : "", a);
        }
        snprintf(why, whysize, "rating '%s' is not a level of the rubric (%s)", text,
                 list.data ? list.data : "");
        lotk_buf_free(&list);
        return false;
    }
    case LOTK_RUBRIC_SCALE:
        break;
    }
    if (lotk_parse_double(text, len, &x) != 0 || x < sc->min || x > sc->max) {
        lotk_fmt_double(a, sc->min);
        lotk_fmt_double(b, sc->max);
        snprintf(why, whysize, "rating '%s' is outside the scale [%s, %s]", text, a, b);
        return false;
    }
    r->recorded = r->value = x;
    return true;
}

static void free_ratings(const struct lotk_evidence *ev, struct lotk_rating *ratings)
{
    for (size_t l = 0; ratings && l < ev->nleaves; l++) {
        free(ratings[l].evidence);
        free(ratings[l].note);
    }
    free(ratings);
}

/* Why the row being read is rejected: the reason and the 1-based column it is about (0:
 * the whole row). */
struct verdict {
    char reason[2 * MAX_REASON];
    long column;
};

static bool reject(struct verdict *v, long column, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

/* Sets the verdict; returns false, so that a check can end with it. */
static bool reject(struct verdict *v, long column, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(v->reason, sizeof v->reason, fmt, ap);
    va_end(ap);
    v->column = column;
    return false;
}

/* Checks who the row is about: as many fields as the header, an organization and an
 * assessor, a known role (*role), and no earlier row of the same pair, whose key it leaves
 * in sh->pair. Returns false with v set when one of them fails. */
static bool check_identity(struct sheet *sh, enum lotk_role *role, struct verdict *v)
{
    struct lotk_evidence *ev = sh->ev;
    const struct lotk_evidence_spec *spec = &ev->s->evidence;
    if (sh->nfields != sh->nheaders)
        return reject(v, 0, "the row has %zu fields but the header has %zu", sh->nfields,
                      sh->nheaders);
    const char *org = field(sh, (size_t)sh->org_col);
    const char *assessor = field(sh, (size_t)sh->assessor_col);
    if (!*org)
        return reject(v, sh->org_col + 1, "no organization id in column %d (%s)",
                      sh->org_col + 1, spec->org_column);
    if (!*assessor)
        return reject(v, sh->assessor_col + 1, "no assessor in column %d (%s)",
                      sh->assessor_col + 1, spec->assessor_column);
    if (sh->role_col >= 0 && !parse_role(field(sh, (size_t)sh->role_col), role))
        return reject(v, sh->role_col + 1,
                      "unknown role '%s' in column %d (%s); expected self or third-party "
                      "(自评 or 第三方)",
                      field(sh, (size_t)sh->role_col), sh->role_col + 1, spec->role_column);
    lotk_buf_reset(&sh->pair);
    lotk_buf_append(&sh->pair, org, strlen(org) + 1); /* the NUL separates the two */
    lotk_buf_append(&sh->pair, assessor, strlen(assessor));
    int seen = lotk_strmap_get(&ev->pairs, sh->pair.data, sh->pair.len);
    if (seen >= 0)
        return reject(v, sh->assessor_col + 1,
                      "a second row for organization '%s' and assessor '%s'; the first is "
                      "%s:%ld",
                      org, assessor, ev->first[seen].file, ev->first[seen].line);
    return true;
}

/* The row's ratings (through each indicator's rubric), citations and notes, per evidence
 * indicator; NULL with v set when a rating does not fit its rubric or the row rates
 * nothing. The caller frees them with free_ratings. */
static struct lotk_rating *read_ratings(struct sheet *sh, struct verdict *v)
{
    struct lotk_evidence *ev = sh->ev;
    const struct lotk_standard *s = ev->s;
    char why[MAX_REASON];
    struct lotk_rating *ratings = lotk_xcalloc(ev->nleaves ? ev->nleaves : 1, sizeof *ratings);
    for (size_t l = 0; l < ev->nleaves; l++)
        ratings[l].recorded = ratings[l].value = NAN;
    bool any = false;
    for (size_t c = 0; c < sh->nheaders; c++) {
        const struct column *col = &sh->cols[c];
        const char *text = field(sh, c);
        if (!*text)
            continue;
        struct lotk_rating *r = col->leaf >= 0 ? &ratings[col->leaf] : NULL;
        if (col->kind == COL_RATING) {
            int node = ev->leaves[col->leaf];
            if (!rate(s, node, text, r, why, sizeof why)) {
                reject(v, (long)c + 1, "indicator %s (column '%s'): %s", s->nodes[node].id,
                       sh->headers[c], why);
                goto fail;
            }
            any = true;
        } else if (col->kind == COL_CITE) {
            r->evidence = lotk_xstrdup(text);
        } else if (col->kind == COL_NOTE) {
            r->note = lotk_xstrdup(text);
        }
    }
    if (any)
        return ratings;
    reject(v, 0, "the row rates no evidence indicator: every rating column is empty");
fail:
    free_ratings(ev, ratings);
    return NULL;
}

/* Adds an accepted row to its organization (a new one on its first row) and notes where
 * its pair (sh->pair) was first seen. Takes ratings. */
static void keep_row(struct sheet *sh, enum lotk_role role, struct lotk_rating *ratings)
{
    struct lotk_evidence *ev = sh->ev;
    const char *org = field(sh, (size_t)sh->org_col);
    const char *assessor = field(sh, (size_t)sh->assessor_col);
    int index = lotk_strmap_put(&ev->org_index, org, strlen(org), (int)ev->norgs);
    if (index == (int)ev->norgs) {
        lotk_grow(&ev->orgs, &ev->cap_orgs, ev->norgs + 1, sizeof *ev->orgs);
        memset(&ev->orgs[ev->norgs], 0, sizeof *ev->orgs);
        ev->orgs[ev->norgs++].id = lotk_xstrdup(org);
    }
    lotk_grow(&ev->first, &ev->cap_first, ev->nfirst + 1, sizeof *ev->first);
    ev->first[ev->nfirst] = (struct lotk_evidence_where){sh->file, sh->row_line};
    lotk_strmap_put(&ev->pairs, sh->pair.data, sh->pair.len, (int)ev->nfirst++);
    struct lotk_evidence_org *eo = &ev->orgs[index];
    lotk_grow(&eo->rows, &eo->cap_rows, eo->nrows + 1, sizeof *eo->rows);
    eo->rows[eo->nrows++] = (struct lotk_evidence_row){
        .assessor = lotk_xstrdup(assessor), .role = role, .file = sh->file,
        .line = sh->row_line, .org_column = sh->org_col + 1, .ratings = ratings};
    ev->counts.used++;
}

/* Counts a rejected row and hands it to the sink with its fields. */
static void report_reject(struct sheet *sh, const struct verdict *v)
{
    struct lotk_evidence *ev = sh->ev;
    ev->counts.rejected++;
    if (!ev->sink.on_reject)
        return;
    const char **fields = lotk_xcalloc(sh->nfields ? sh->nfields : 1, sizeof *fields);
    for (size_t i = 0; i < sh->nfields; i++)
        fields[i] = field(sh, i);
    struct lotk_reject rj = {.file = sh->file, .line = sh->row_line, .column = v->column,
                             .reason = v->reason, .fields = fields, .nfields = sh->nfields};
    ev->sink.on_reject(ev->sink.ctx, &rj);
    free(fields);
}

/* A data row: kept, or rejected whole for the first check it fails. */
static void process_row(struct sheet *sh)
{
    struct verdict v = {"", 0};
    enum lotk_role role = LOTK_ROLE_THIRD_PARTY;
    struct lotk_rating *ratings;
    sh->ev->counts.rows++;
    if (check_identity(sh, &role, &v) && (ratings = read_ratings(sh, &v)) != NULL)
        keep_row(sh, role, ratings);
    else
        report_reject(sh, &v);
}

/* The end of a row (lotk_csvread_on_rows): the header is mapped, a data row processed. */
static int on_row(void *vsh, size_t nfields, long line)
{
    struct sheet *sh = vsh;
    (void)nfields; /* as many as on_field kept */
    sh->row_line = line;
    if (sh->in_header) {
        sh->in_header = false;
        map_header(sh);
    } else {
        process_row(sh);
    }
    sh->nfields = 0;
    lotk_buf_reset(&sh->bytes);
    return sh->stop;
}

int lotk_evidence_read(struct lotk_evidence *ev, const char *path, struct lotk_diags *warnings,
                       struct lotk_err *err)
{
    /* The delimiter is read off the header as for surveys (comma, tab or semicolon): a
     * sheet saved by a spreadsheet in another locale reads as it is. */
    static const struct lotk_csvread_options opts = {.delimiter = 0,
                                                     .encoding = LOTK_ENC_AUTO};
    struct lotk_diags ignored = {0};
    ev->files = lotk_xrealloc(ev->files, (ev->nfiles + 1) * sizeof *ev->files);
    ev->files[ev->nfiles++] = lotk_xstrdup(path);
    ev->counts.files++;
    struct sheet sh = {.ev = ev, .file = ev->files[ev->nfiles - 1],
                       .warnings = warnings ? warnings : &ignored, .err = err,
                       .in_header = true, .org_col = -1, .assessor_col = -1, .role_col = -1};
    /* Read whole (sheets are small) and decoded before any row is seen, so that a file
     * that is not text fails before it has added rows. */
    int rc = lotk_csvread_file(&sh.csv, sh.file, SHEET_MAX_BYTES, &opts, on_field, on_row, &sh,
                               err);
    lotk_csvread_free(&sh.csv);
    lotk_buf_free(&sh.bytes);
    lotk_buf_free(&sh.pair);
    free(sh.starts);
    for (size_t c = 0; c < sh.nheaders; c++)
        free(sh.headers[c]);
    free(sh.headers);
    free(sh.cols);
    lotk_diags_free(&ignored);
    return rc;
}

/* ---- organizations of the sheets and of the survey ------------------------------------ */

/* The row of eo that comes first in the sheets (the files in the order read, then lines). */
static const struct lotk_evidence_row *first_row(const struct lotk_evidence *ev,
                                                 const struct lotk_evidence_org *eo)
{
    const struct lotk_evidence_row *best = NULL;
    size_t best_file = 0;
    for (size_t r = 0; r < eo->nrows; r++) {
        size_t f = 0;
        while (f + 1 < ev->nfiles && ev->files[f] != eo->rows[r].file)
            f++;
        if (!best || f < best_file || (f == best_file && eo->rows[r].line < best->line)) {
            best = &eo->rows[r];
            best_file = f;
        }
    }
    return best;
}

/* Whether a and b are equal once every run of digits is taken as one and the same. */
static bool same_but_numbers(const char *a, const char *b)
{
    while (*a && *b) {
        bool da = *a >= '0' && *a <= '9', db = *b >= '0' && *b <= '9';
        if (da != db)
            return false;
        if (da) {
            while (*a >= '0' && *a <= '9')
                a++;
            while (*b >= '0' && *b <= '9')
                b++;
            continue;
        }
        if (*a++ != *b++)
            return false;
    }
    return !*a && !*b;
}

size_t lotk_evidence_check_orgs(const struct lotk_evidence *ev, const char *const *known,
                                size_t nknown, struct lotk_diags *warnings)
{
    size_t found = 0;
    struct lotk_strmap seen = {0};
    for (size_t k = 0; k < nknown; k++)
        lotk_strmap_put(&seen, known[k], strlen(known[k]), 1);
    for (size_t o = 0; nknown && o < ev->norgs; o++) {
        const struct lotk_evidence_org *eo = &ev->orgs[o];
        if (lotk_strmap_get(&seen, eo->id, strlen(eo->id)) >= 0 || eo->nrows == 0)
            continue;
        const char *best = NULL;
        size_t best_d = (size_t)-1;
        for (size_t k = 0; k < nknown; k++) {
            size_t d = lotk_edit_distance(known[k], eo->id);
            if (d < best_d)
                best_d = d, best = known[k];
        }
        const struct lotk_evidence_row *row = first_row(ev, eo);
        /* Close: one character in four differs at most, and always one (阳光小区 and
         * 阳光社区; not 新城社区 and 滨江社区, which share only their kind). */
        size_t len = 0;
        for (const char *c = eo->id; *c; c++)
            len += ((unsigned char)*c & 0xC0) != 0x80; /* characters, not bytes */
        bool close = best && best_d <= (len < 8 ? 1 : len / 4);
        /* An organization rated but not surveyed is allowed (it is scored on evidence);
         * one whose id is a typo of a surveyed one would split it in two. Ids that differ
         * only in their numbers (ENT-007, ENT-001) are different organizations. */
        if (!close || same_but_numbers(eo->id, best))
            continue;
        lotk_diags_add(warnings, true, 0, row->file, row->line, row->org_column,
                       "organization '%s' is in no survey; did you mean '%s'? (it is scored "
                       "as an organization of its own, with evidence only)", eo->id, best);
        found++;
    }
    lotk_strmap_free(&seen);
    return found;
}

/* ---- the store ------------------------------------------------------------------------ */

struct lotk_evidence *lotk_evidence_new(const struct lotk_standard *s,
                                        const struct lotk_evidence_sink *sink)
{
    struct lotk_evidence *ev = lotk_xcalloc(1, sizeof *ev);
    ev->s = s;
    if (sink)
        ev->sink = *sink;
    ev->leaves = lotk_xcalloc(s->nnodes, sizeof *ev->leaves);
    ev->leaf_of = lotk_xmalloc(s->nnodes * sizeof *ev->leaf_of);
    for (size_t i = 0; i < s->nnodes; i++) {
        ev->leaf_of[i] = -1;
        if (lotk_evidence_is_rated(&s->nodes[i])) {
            ev->leaf_of[i] = (int)ev->nleaves;
            ev->leaves[ev->nleaves++] = (int)i;
        }
    }
    return ev;
}

const struct lotk_evidence_org *lotk_evidence_find(const struct lotk_evidence *ev,
                                                   const char *id)
{
    if (!ev || !ev->finished)
        return NULL;
    int i = lotk_strmap_get(&ev->org_index, id, strlen(id));
    return i >= 0 ? &ev->orgs[i] : NULL;
}

void lotk_evidence_free(struct lotk_evidence *ev)
{
    if (!ev)
        return;
    for (size_t o = 0; o < ev->norgs; o++) {
        struct lotk_evidence_org *eo = &ev->orgs[o];
        for (size_t r = 0; r < eo->nrows; r++) {
            free(eo->rows[r].assessor);
            free_ratings(ev, eo->rows[r].ratings);
        }
        free(eo->rows);
        free(eo->leaves);
        free(eo->id);
    }
    free(ev->orgs);
    for (size_t l = 0; ev->agreement && l < ev->nleaves; l++) {
        for (size_t k = 0; k < ev->agreement[l].njudges; k++)
            free(ev->agreement[l].judges[k]);
        free(ev->agreement[l].judges);
    }
    free(ev->agreement);
    for (size_t f = 0; f < ev->nfiles; f++)
        free(ev->files[f]);
    free(ev->files);
    lotk_strmap_free(&ev->org_index);
    lotk_strmap_free(&ev->pairs);
    free(ev->first);
    free(ev->leaves);
    free(ev->leaf_of);
    free(ev);
}
