/* evidence.c — assessor evidence sheets; see evidence.h and docs/evidence.md. */
#include "base/json.h"
#include "score/evidence.h"

#include <csv.h>
#include <jansson.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "input/encoding.h"
#include "base/exact.h"
#include "output/report.h"
#include "score/score.h"
#include "base/mem.h"
#include "base/buf.h"
#include "base/strmap.h"
#include "base/num.h"
#include "base/text.h"
#include "base/file.h"
#include "base/csvw.h"

enum {
    SHEET_MAX_BYTES = 64 << 20, /* organizations × assessors: never near this */
    MAX_COLUMNS = 1 << 12,
    MAX_FIELD_BYTES = 1 << 20,  /* one cell; an unclosed quote would otherwise eat the file */
    MAX_REASON = 512,
};

/* Spread and margin are compared as shares of a scale: 1/3 of a 0–3 scale against a
 * declared 0.3333333333 must not flag, or not, by the last bit. */
#define SLACK 1e-9

const char *lotk_role_name(enum lotk_role role)
{
    return role == LOTK_ROLE_SELF ? "self" : "third-party";
}

/* The indicators assessors rate: evidence leaves with a rubric. Their preorder is the order
 * of ev->leaves, the evidence sheet's columns and every per-leaf array. */
static bool is_rated_leaf(const struct lotk_node *node)
{
    return node->source == LOTK_SOURCE_EVIDENCE && node->rubric;
}

/* ---- reading a sheet ----------------------------------------------------------------- */

enum col_kind { COL_IGNORED, COL_ORG, COL_ASSESSOR, COL_ROLE, COL_RATING, COL_CITE, COL_NOTE };

struct column {
    enum col_kind kind;
    int leaf; /* position in ev->leaves for RATING, CITE and NOTE */
};

/* One sheet being read, driven by libcsv's callbacks. */
struct sheet {
    struct lotk_evidence *ev;
    const char *file;
    struct lotk_diags *warnings;
    struct lotk_err *err;
    int stop;              /* a negative code once the read must end */
    long line;             /* physical line being fed */
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

static void on_field(void *data, size_t len, void *vsh)
{
    struct sheet *sh = vsh;
    const char *text = data ? data : "";
    if (sh->stop)
        return;
    if (sh->nfields == 0) {
        /* A quoted first cell may span lines; the row starts where it started. */
        long newlines = 0;
        for (size_t i = 0; i < len; i++)
            newlines += text[i] == '\n';
        sh->row_line = sh->line - newlines;
    }
    if (sh->nfields >= MAX_COLUMNS) {
        sh->stop = lotk_err_set(sh->err, LOTK_EIO, sh->file, sh->row_line, 0,
                                "more than %d columns in a row", MAX_COLUMNS);
        return;
    }
    lotk_grow(&sh->starts, &sh->cap_starts, sh->nfields + 1, sizeof *sh->starts);
    sh->starts[sh->nfields++] = sh->bytes.len;
    lotk_buf_append(&sh->bytes, text, len);
    lotk_buf_putc(&sh->bytes, '\0');
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

static void process_row(struct sheet *sh)
{
    struct lotk_evidence *ev = sh->ev;
    const struct lotk_standard *s = ev->s;
    const struct lotk_evidence_spec *spec = &s->evidence;
    char reason[2 * MAX_REASON] = "", why[MAX_REASON];
    long column = 0;
    enum lotk_role role = LOTK_ROLE_THIRD_PARTY;
    struct lotk_rating *ratings = NULL;
    const char *org = NULL, *assessor = NULL;

    ev->counts.rows++;
    if (sh->nfields != sh->nheaders) {
        snprintf(reason, sizeof reason, "the row has %zu fields but the header has %zu",
                 sh->nfields, sh->nheaders);
        goto reject;
    }
    org = field(sh, (size_t)sh->org_col);
    assessor = field(sh, (size_t)sh->assessor_col);
    if (!*org) {
        column = sh->org_col + 1;
        snprintf(reason, sizeof reason, "no organization id in column %ld (%s)", column,
                 spec->org_column);
        goto reject;
    }
    if (!*assessor) {
        column = sh->assessor_col + 1;
        snprintf(reason, sizeof reason, "no assessor in column %ld (%s)", column,
                 spec->assessor_column);
        goto reject;
    }
    if (sh->role_col >= 0 && !parse_role(field(sh, (size_t)sh->role_col), &role)) {
        column = sh->role_col + 1;
        snprintf(reason, sizeof reason,
                 "unknown role '%s' in column %ld (%s); expected self or third-party (自评 "
                 "or 第三方)", field(sh, (size_t)sh->role_col), column, spec->role_column);
        goto reject;
    }
    size_t olen = strlen(org), alen = strlen(assessor);
    lotk_buf_reset(&sh->pair);
    lotk_buf_append(&sh->pair, org, olen + 1); /* the NUL separates the two */
    lotk_buf_append(&sh->pair, assessor, alen);
    int seen = lotk_strmap_get(&ev->pairs, sh->pair.data, sh->pair.len);
    if (seen >= 0) {
        column = sh->assessor_col + 1;
        snprintf(reason, sizeof reason,
                 "a second row for organization '%s' and assessor '%s'; the first is %s:%ld",
                 org, assessor, ev->first[seen].file, ev->first[seen].line);
        goto reject;
    }
    ratings = lotk_xcalloc(ev->nleaves ? ev->nleaves : 1, sizeof *ratings);
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
                column = (long)c + 1;
                snprintf(reason, sizeof reason, "indicator %s (column '%s'): %s",
                         s->nodes[node].id, sh->headers[c], why);
                goto reject;
            }
            any = true;
        } else if (col->kind == COL_CITE) {
            r->evidence = lotk_xstrdup(text);
        } else if (col->kind == COL_NOTE) {
            r->note = lotk_xstrdup(text);
        }
    }
    if (!any) {
        snprintf(reason, sizeof reason, "the row rates no evidence indicator: every rating "
                                        "column is empty");
        goto reject;
    }
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
    eo->rows[eo->nrows++] = (struct lotk_evidence_row){lotk_xstrdup(assessor), role, sh->file,
                                                       sh->row_line, ratings};
    ev->counts.used++;
    return;
reject:
    free_ratings(ev, ratings);
    ev->counts.rejected++;
    if (ev->sink.on_reject) {
        const char **fields = lotk_xcalloc(sh->nfields ? sh->nfields : 1, sizeof *fields);
        for (size_t i = 0; i < sh->nfields; i++)
            fields[i] = field(sh, i);
        struct lotk_reject rj = {.file = sh->file, .line = sh->row_line, .column = column,
                                 .reason = reason, .fields = fields, .nfields = sh->nfields};
        ev->sink.on_reject(ev->sink.ctx, &rj);
        free(fields);
    }
}

static void on_row_end(int terminator, void *vsh)
{
    struct sheet *sh = vsh;
    (void)terminator;
    if (sh->stop)
        return;
    if (sh->in_header) {
        sh->in_header = false;
        map_header(sh);
    } else {
        process_row(sh);
    }
    sh->nfields = 0;
    lotk_buf_reset(&sh->bytes);
}

static void feed(struct sheet *sh, struct csv_parser *p, const char *data, size_t len)
{
    /* One physical line per call, so the callbacks know their line. */
    while (len > 0 && !sh->stop) {
        const char *nl = memchr(data, '\n', len);
        size_t n = nl ? (size_t)(nl - data) + 1 : len;
        csv_parse(p, data, n, on_field, on_row_end, sh);
        if (csv_get_buffer_size(p) > MAX_FIELD_BYTES && !sh->stop)
            sh->stop = lotk_err_set(sh->err, LOTK_EIO, sh->file, sh->row_line, 0,
                                    "a field longer than %d bytes (an unclosed quote?)",
                                    MAX_FIELD_BYTES);
        if (nl)
            sh->line++;
        data += n;
        len -= n;
    }
}

/* A quote left open at the end of the input: libcsv's CSV_STRICT_FINI reports it only
 * together with CSV_STRICT, which would stop the sheet at the first stray quote instead of
 * rejecting one row; so its state is looked at directly, as survey.c does (FIELD_BEGUN in
 * libcsv 3's libcsv.c, with the public `quoted` flag). */
enum { LIBCSV_FIELD_BEGUN = 2 };

static bool in_quoted_field(const struct csv_parser *p)
{
    return p->quoted && p->pstate == LIBCSV_FIELD_BEGUN;
}

/* The sheet as UTF-8: read whole (sheets are small) and decoded from UTF-8 or GB18030. */
static int read_text(const char *path, struct lotk_buf *text, struct lotk_err *err)
{
    char *data = NULL;
    size_t len = 0;
    int rc = lotk_file_read(path, SHEET_MAX_BYTES, &data, &len, err);
    if (rc)
        return rc;
    struct lotk_decoder *dec = lotk_decoder_new(LOTK_ENC_AUTO, path, err);
    if (!dec)
        rc = LOTK_EIO;
    else if ((rc = lotk_decoder_feed(dec, data, len, text, err)) == 0)
        rc = lotk_decoder_finish(dec, text, err);
    lotk_decoder_free(dec);
    free(data);
    return rc;
}

int lotk_evidence_read(struct lotk_evidence *ev, const char *path, struct lotk_diags *warnings,
                       struct lotk_err *err)
{
    struct lotk_buf text = {0};
    struct csv_parser parser;
    bool have_parser = false;
    struct lotk_diags ignored = {0};
    int rc;

    ev->files = lotk_xrealloc(ev->files, (ev->nfiles + 1) * sizeof *ev->files);
    ev->files[ev->nfiles++] = lotk_xstrdup(path);
    ev->counts.files++;
    struct sheet sh = {.ev = ev, .file = ev->files[ev->nfiles - 1],
                       .warnings = warnings ? warnings : &ignored, .err = err, .line = 1,
                       .row_line = 1, .in_header = true, .org_col = -1, .assessor_col = -1,
                       .role_col = -1};
    if ((rc = read_text(path, &text, err)) != 0)
        goto done;
    if (csv_init(&parser, CSV_APPEND_NULL) != 0) {
        rc = lotk_err_set(err, LOTK_EIO, path, 0, 0, "cannot start the CSV parser");
        goto done;
    }
    have_parser = true;
    feed(&sh, &parser, text.data ? text.data : "", text.len);
    if (!sh.stop && in_quoted_field(&parser))
        sh.stop = lotk_err_set(err, LOTK_EIO, path, sh.row_line, 0,
                               "a quoted field that starts on this line is never closed");
    if (!sh.stop)
        csv_fini(&parser, on_field, on_row_end, &sh);
    if (!sh.stop && sh.in_header)
        sh.stop = lotk_err_set(err, LOTK_EIO, path, 1, 0,
                               "the file is empty; expected a header row naming the columns");
    rc = sh.stop;
done:
    if (have_parser)
        csv_free(&parser);
    lotk_buf_free(&text);
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

/* ---- combining ------------------------------------------------------------------------ */

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
        if (is_rated_leaf(&s->nodes[i])) {
            ev->leaf_of[i] = (int)ev->nleaves;
            ev->leaves[ev->nleaves++] = (int)i;
        }
    }
    return ev;
}

/* The assessors of one role as one value: the mean (an exact sum, so the order of rows
 * cannot matter) or the median. Sorts v. */
static double pool(double *v, size_t n, bool median)
{
    if (n == 0)
        return NAN;
    qsort(v, n, sizeof *v, lotk_double_cmp);
    if (median)
        return n % 2 ? v[n / 2] : (v[n / 2 - 1] + v[n / 2]) / 2;
    struct lotk_exact sum = {{0}};
    for (size_t i = 0; i < n; i++)
        lotk_exact_add(&sum, v[i]);
    return lotk_exact_value(&sum) / (double)n;
}

static int compare_names(const char *a, const char *b)
{
    int c = lotk_natural_cmp(a, b);
    return c ? c : strcmp(a, b); /* "A1" and "A01" compare equal naturally */
}

static int compare_rows(const void *a, const void *b)
{
    const struct lotk_evidence_row *x = a, *y = b;
    if (x->role != y->role)
        return x->role == LOTK_ROLE_THIRD_PARTY ? -1 : 1;
    return compare_names(x->assessor, y->assessor);
}

static int compare_eorgs(const void *a, const void *b)
{
    return compare_names(((const struct lotk_evidence_org *)a)->id,
                         ((const struct lotk_evidence_org *)b)->id);
}

static void finish_org(struct lotk_evidence *ev, struct lotk_evidence_org *eo)
{
    const struct lotk_standard *s = ev->s;
    const struct lotk_evidence_spec *spec = &s->evidence;
    double *self = lotk_xmalloc((eo->nrows ? eo->nrows : 1) * sizeof *self);
    double *third = lotk_xmalloc((eo->nrows ? eo->nrows : 1) * sizeof *third);
    qsort(eo->rows, eo->nrows, sizeof *eo->rows, compare_rows);
    eo->leaves = lotk_xcalloc(ev->nleaves ? ev->nleaves : 1, sizeof *eo->leaves);
    for (size_t l = 0; l < ev->nleaves; l++) {
        const struct lotk_node *node = &s->nodes[ev->leaves[l]];
        const struct lotk_scale *sc = &s->scales[node->scale];
        double range = sc->max - sc->min;
        struct lotk_evidence_leaf *lf = &eo->leaves[l];
        size_t ns = 0, nt = 0;
        bool uncited = false;
        for (size_t r = 0; r < eo->nrows; r++) {
            const struct lotk_rating *rt = &eo->rows[r].ratings[l];
            if (rt->value != rt->value)
                continue;
            if (eo->rows[r].role == LOTK_ROLE_SELF)
                self[ns++] = rt->value;
            else
                third[nt++] = rt->value;
            uncited |= node->rubric->nevidence > 0 && !rt->evidence;
        }
        lf->nself = (long)ns;
        lf->nthird = (long)nt;
        lf->self = pool(self, ns, spec->median);
        lf->third = pool(third, nt, spec->median);
        /* pool sorted the values: the spread is last minus first. */
        lf->spread_self = ns >= 2 ? (self[ns - 1] - self[0]) / range : NAN;
        lf->spread_third = nt >= 2 ? (third[nt - 1] - third[0]) / range : NAN;
        /* When the third party has a weight, its rating is required: a self-assessment
         * nobody checked scores nothing (flag self_only). One role alone is taken as it is,
         * not as w·x/w, which need not round back to x. */
        double ws = spec->self_weight, wt = spec->third_weight;
        if (nt && ns && ws > 0 && wt > 0) /* as a step from third towards self: equal
                                           * ratings combine to exactly themselves */
            lf->value = lf->third + (lf->self - lf->third) * (ws / (ws + wt));
        else if (nt && wt > 0)
            lf->value = lf->third;
        else if (ns && ws > 0 && wt == 0)
            lf->value = lf->self;
        else
            lf->value = NAN;
        if (spec->spread == spec->spread &&
            (lf->spread_self > spec->spread + SLACK || lf->spread_third > spec->spread + SLACK))
            lf->flags |= LOTK_EVIDENCE_SPREAD;
        if (spec->margin == spec->margin && ns && nt &&
            (lf->self - lf->third) / range > spec->margin + SLACK)
            lf->flags |= LOTK_EVIDENCE_SELF_EXCEEDS;
        if (ns && !nt && spec->third_weight > 0)
            lf->flags |= LOTK_EVIDENCE_SELF_ONLY;
        if (uncited)
            lf->flags |= LOTK_EVIDENCE_UNCITED;
    }
    free(self);
    free(third);
}

/* The third-party assessors who rated leaf l, and the organizations all of them rated. */
static void finish_agreement(struct lotk_evidence *ev, size_t l,
                             struct lotk_evidence_agreement *ag)
{
    struct lotk_strmap seen = {0};
    size_t cap = 0;
    for (size_t o = 0; o < ev->norgs; o++)
        for (size_t r = 0; r < ev->orgs[o].nrows; r++) {
            const struct lotk_evidence_row *row = &ev->orgs[o].rows[r];
            if (row->role != LOTK_ROLE_THIRD_PARTY || row->ratings[l].recorded !=
                                                          row->ratings[l].recorded)
                continue;
            size_t len = strlen(row->assessor);
            if (lotk_strmap_put(&seen, row->assessor, len, (int)ag->njudges) ==
                (int)ag->njudges) {
                lotk_grow(&ag->judges, &cap, ag->njudges + 1, sizeof *ag->judges);
                ag->judges[ag->njudges++] = lotk_xstrdup(row->assessor);
            }
        }
    lotk_strmap_free(&seen);
    for (size_t i = 1; i < ag->njudges; i++) /* few judges: insertion sort */
        for (size_t j = i; j > 0 && compare_names(ag->judges[j - 1], ag->judges[j]) > 0; j--) {
            char *t = ag->judges[j];
            ag->judges[j] = ag->judges[j - 1];
            ag->judges[j - 1] = t;
        }
    size_t k = ag->njudges, n = 0;
    double *x = lotk_xmalloc((ev->norgs ? ev->norgs : 1) * (k ? k : 1) * sizeof *x);
    for (size_t o = 0; o < ev->norgs; o++) {
        double *row = &x[n * k];
        size_t filled = 0;
        for (size_t j = 0; j < k; j++)
            row[j] = NAN;
        for (size_t r = 0; r < ev->orgs[o].nrows; r++) {
            const struct lotk_evidence_row *er = &ev->orgs[o].rows[r];
            if (er->role != LOTK_ROLE_THIRD_PARTY ||
                er->ratings[l].recorded != er->ratings[l].recorded)
                continue;
            for (size_t j = 0; j < k; j++)
                if (strcmp(ag->judges[j], er->assessor) == 0) {
                    row[j] = er->ratings[l].recorded;
                    filled++;
                }
        }
        if (k > 0 && filled == k)
            n++;
        else if (filled > 0)
            ag->excluded++;
    }
    lotk_icc_compute(x, n, k, &ag->icc);
    free(x);
}

void lotk_evidence_finish(struct lotk_evidence *ev)
{
    if (ev->finished)
        return;
    ev->finished = true;
    if (ev->norgs > 1)
        qsort(ev->orgs, ev->norgs, sizeof *ev->orgs, compare_eorgs);
    lotk_strmap_free(&ev->org_index);
    memset(&ev->org_index, 0, sizeof ev->org_index);
    for (size_t o = 0; o < ev->norgs; o++) {
        lotk_strmap_put(&ev->org_index, ev->orgs[o].id, strlen(ev->orgs[o].id), (int)o);
        finish_org(ev, &ev->orgs[o]);
    }
    ev->agreement = lotk_xcalloc(ev->nleaves ? ev->nleaves : 1, sizeof *ev->agreement);
    for (size_t l = 0; l < ev->nleaves; l++)
        finish_agreement(ev, l, &ev->agreement[l]);
}

const struct lotk_evidence_org *lotk_evidence_find(const struct lotk_evidence *ev,
                                                   const char *id)
{
    if (!ev || !ev->finished)
        return NULL;
    int i = lotk_strmap_get(&ev->org_index, id, strlen(id));
    return i >= 0 ? &ev->orgs[i] : NULL;
}

unsigned lotk_evidence_org_flags(const struct lotk_evidence *ev,
                                 const struct lotk_evidence_org *eo)
{
    unsigned flags = 0;
    for (size_t l = 0; eo && eo->leaves && l < ev->nleaves; l++) {
        unsigned f = eo->leaves[l].flags;
        if (f & LOTK_EVIDENCE_SPREAD)
            flags |= LOTK_FLAG_ASSESSOR_SPREAD;
        if (f & LOTK_EVIDENCE_SELF_EXCEEDS)
            flags |= LOTK_FLAG_SELF_EXCEEDS;
        if (f & LOTK_EVIDENCE_SELF_ONLY)
            flags |= LOTK_FLAG_SELF_ONLY;
        if (f & LOTK_EVIDENCE_UNCITED)
            flags |= LOTK_FLAG_UNCITED;
    }
    return flags;
}

/* ---- JSON ------------------------------------------------------------------------------ */

/* The ratings of one role on leaf l, for a spread finding. */
static json_t *role_ratings(const struct lotk_evidence_org *eo, size_t l, enum lotk_role role)
{
    json_t *a = json_array();
    for (size_t r = 0; r < eo->nrows; r++) {
        const struct lotk_evidence_row *row = &eo->rows[r];
        if (row->role != role || row->ratings[l].value != row->ratings[l].value)
            continue;
        json_t *j = json_object();
        json_object_set_new(j, "assessor", json_string(row->assessor));
        json_object_set_new(j, "value", json_real(row->ratings[l].value));
        json_array_append_new(a, j);
    }
    return a;
}

static void add_findings(const struct lotk_standard *s, const struct lotk_evidence_org *eo,
                         json_t *out)
{
    const struct lotk_evidence_spec *spec = &s->evidence;
    size_t l = 0;
    for (size_t i = 0; eo && eo->leaves && i < s->nnodes; i++) {
        const struct lotk_node *node = &s->nodes[i];
        if (!is_rated_leaf(node))
            continue;
        const struct lotk_evidence_leaf *lf = &eo->leaves[l];
        const struct lotk_scale *sc = &s->scales[node->scale];
        const double spreads[2] = {lf->spread_third, lf->spread_self};
        for (int k = 0; k < 2 && (lf->flags & LOTK_EVIDENCE_SPREAD); k++) {
            if (!(spreads[k] > spec->spread + SLACK))
                continue;
            json_t *j = json_object();
            json_object_set_new(j, "flag", json_string("assessor_spread"));
            json_object_set_new(j, "indicator", json_string(node->id));
            json_object_set_new(j, "role", json_string(lotk_role_name((enum lotk_role)k)));
            json_object_set_new(j, "spread", json_real(spreads[k]));
            json_object_set_new(j, "limit", json_real(spec->spread));
            json_object_set_new(j, "ratings", role_ratings(eo, l, (enum lotk_role)k));
            json_array_append_new(out, j);
        }
        if (lf->flags & LOTK_EVIDENCE_SELF_EXCEEDS) {
            json_t *j = json_object();
            json_object_set_new(j, "flag", json_string("self_exceeds"));
            json_object_set_new(j, "indicator", json_string(node->id));
            json_object_set_new(j, "self", json_real(lf->self));
            json_object_set_new(j, "third_party", json_real(lf->third));
            json_object_set_new(j, "difference",
                                json_real((lf->self - lf->third) / (sc->max - sc->min)));
            json_object_set_new(j, "margin", json_real(spec->margin));
            json_array_append_new(out, j);
        }
        if (lf->flags & LOTK_EVIDENCE_SELF_ONLY) {
            json_t *j = json_object();
            json_object_set_new(j, "flag", json_string("self_only"));
            json_object_set_new(j, "indicator", json_string(node->id));
            json_array_append_new(out, j);
        }
        if (lf->flags & LOTK_EVIDENCE_UNCITED) {
            json_t *j = json_object(), *who = json_array();
            json_object_set_new(j, "flag", json_string("uncited"));
            json_object_set_new(j, "indicator", json_string(node->id));
            for (size_t r = 0; r < eo->nrows; r++) {
                const struct lotk_rating *rt = &eo->rows[r].ratings[l];
                if (rt->value == rt->value && !rt->evidence)
                    json_array_append_new(who, json_string(eo->rows[r].assessor));
            }
            json_object_set_new(j, "assessors", who);
            json_array_append_new(out, j);
        }
        l++;
    }
}

void lotk_evidence_org_json(const struct lotk_standard *s, const struct lotk_evidence_org *eo,
                            json_t *org)
{
    json_t *nodes = json_object_get(org, "nodes");
    size_t l = 0; /* evidence leaves in preorder: the order of ev->leaves */
    for (size_t i = 0; i < s->nnodes; i++) {
        const struct lotk_node *node = &s->nodes[i];
        if (!is_rated_leaf(node))
            continue;
        const struct lotk_evidence_leaf *lf = eo && eo->leaves ? &eo->leaves[l] : NULL;
        json_t *n = nodes ? json_object_get(nodes, node->id) : NULL;
        json_t *ratings = json_array();
        for (size_t r = 0; lf && r < eo->nrows; r++) {
            const struct lotk_evidence_row *row = &eo->rows[r];
            const struct lotk_rating *rt = &row->ratings[l];
            if (rt->value != rt->value && !rt->evidence && !rt->note)
                continue;
            json_t *j = json_object();
            json_object_set_new(j, "assessor", json_string(row->assessor));
            json_object_set_new(j, "role", json_string(lotk_role_name(row->role)));
            json_object_set_new(j, "value", lotk_json_real_or_null(rt->value));
            if (node->rubric->kind == LOTK_RUBRIC_FACT)
                json_object_set_new(j, "fact", lotk_json_real_or_null(rt->recorded));
            json_object_set_new(j, "evidence", lotk_json_string_or_null(rt->evidence));
            json_object_set_new(j, "note", lotk_json_string_or_null(rt->note));
            json_array_append_new(ratings, j);
        }
        l++;
        if (!n) {
            json_decref(ratings);
            continue;
        }
        json_object_set_new(n, "source", json_string("evidence"));
        json_object_set_new(n, "third_party", lotk_json_real_or_null(lf ? lf->third : NAN));
        json_object_set_new(n, "self", lotk_json_real_or_null(lf ? lf->self : NAN));
        json_object_set_new(n, "ratings", ratings);
    }
    json_t *e = json_object(), *assessors = json_array(), *findings = json_array();
    bool self = false;
    for (size_t r = 0; eo && r < eo->nrows; r++) {
        if (eo->rows[r].role == LOTK_ROLE_SELF)
            self = true;
        else
            json_array_append_new(assessors, json_string(eo->rows[r].assessor));
    }
    json_object_set_new(e, "assessors", assessors);
    json_object_set_new(e, "self_assessed", json_boolean(self));
    add_findings(s, eo, findings);
    json_object_set_new(e, "flagged", findings);
    json_object_set_new(org, "evidence", e);
}

json_t *lotk_evidence_agreement_json(const struct lotk_standard *s,
                                     const struct lotk_evidence *ev)
{
    json_t *o = json_object();
    for (size_t i = 0; i < s->nnodes; i++) {
        if (!is_rated_leaf(&s->nodes[i]))
            continue;
        const struct lotk_evidence_agreement *ag =
            ev && ev->agreement ? &ev->agreement[ev->leaf_of[i]] : NULL;
        struct lotk_icc none;
        lotk_icc_compute(NULL, 0, 0, &none);
        const struct lotk_icc *icc = ag ? &ag->icc : &none;
        json_t *j = json_object(), *judges = json_array(), *ms = json_object();
        json_object_set_new(j, "ICC1", lotk_json_real_or_null(icc->icc1));
        json_object_set_new(j, "ICC2", lotk_json_real_or_null(icc->icc2));
        json_object_set_new(j, "ICC3", lotk_json_real_or_null(icc->icc3));
        json_object_set_new(j, "ICC1k", lotk_json_real_or_null(icc->icc1k));
        json_object_set_new(j, "ICC2k", lotk_json_real_or_null(icc->icc2k));
        json_object_set_new(j, "ICC3k", lotk_json_real_or_null(icc->icc3k));
        json_object_set_new(j, "organizations", json_integer((json_int_t)icc->n));
        for (size_t k = 0; ag && k < ag->njudges; k++)
            json_array_append_new(judges, json_string(ag->judges[k]));
        json_object_set_new(j, "assessors", judges);
        json_object_set_new(j, "excluded", json_integer(ag ? (json_int_t)ag->excluded : 0));
        json_object_set_new(ms, "BMS", lotk_json_real_or_null(icc->bms));
        json_object_set_new(ms, "WMS", lotk_json_real_or_null(icc->wms));
        json_object_set_new(ms, "JMS", lotk_json_real_or_null(icc->jms));
        json_object_set_new(ms, "EMS", lotk_json_real_or_null(icc->ems));
        json_object_set_new(j, "mean_squares", ms);
        json_object_set_new(o, s->nodes[i].id, j);
    }
    return o;
}

/* ---- CSV and table --------------------------------------------------------------------- */

/* The position of evidence indicator node among the evidence indicators (preorder). */
static int leaf_position(const struct lotk_standard *s, int node)
{
    int l = 0;
    for (int i = 0; i < node; i++)
        l += is_rated_leaf(&s->nodes[i]);
    return l;
}

void lotk_evidence_csv_header(const struct lotk_standard *s, int node, struct lotk_buf *out)
{
    static const char *const suffixes[] = {"self", "third_party", "evidence", "note"};
    for (int k = 0; k < 4; k++) {
        char *h = lotk_xasprintf("%s.%s", s->nodes[node].id, suffixes[k]);
        lotk_buf_putc(out, ',');
        lotk_csvw_field(out, h);
        free(h);
    }
}

void lotk_evidence_csv_cells(const struct lotk_standard *s, const struct lotk_evidence_org *eo,
                             int node, struct lotk_buf *out)
{
    int l = leaf_position(s, node);
    const struct lotk_evidence_leaf *lf = eo && eo->leaves ? &eo->leaves[l] : NULL;
    char num[32];
    double values[2] = {lf ? lf->self : NAN, lf ? lf->third : NAN};
    for (int k = 0; k < 2; k++) {
        lotk_buf_putc(out, ',');
        if (values[k] == values[k]) {
            lotk_fmt_double(num, values[k]);
            lotk_buf_puts(out, num);
        }
    }
    for (int k = 0; k < 2; k++) {
        struct lotk_buf text = {0};
        for (size_t r = 0; lf && r < eo->nrows; r++) {
            const struct lotk_rating *rt = &eo->rows[r].ratings[l];
            const char *t = k == 0 ? rt->evidence : rt->note;
            if (t)
                lotk_buf_printf(&text, "%s%s: %s", text.len ? " | " : "", eo->rows[r].assessor,
                                t);
        }
        lotk_buf_putc(out, ',');
        lotk_csvw_field(out, text.data ? text.data : "");
        lotk_buf_free(&text);
    }
}

/* A number for people: at most two decimals, no trailing zeros ("2.6", "0.25", "3"). */
static void brief(char out[32], double x)
{
    if (x != x) {
        snprintf(out, 32, "-");
        return;
    }
    snprintf(out, 32, "%.2f", x);
    char *end = out + strlen(out);
    while (end > out && end[-1] == '0')
        *--end = '\0';
    if (end > out && end[-1] == '.')
        *--end = '\0';
    if (strcmp(out, "-0") == 0)
        snprintf(out, 32, "0");
}

static void table_findings(const struct lotk_result *r, struct lotk_buf *out)
{
    const struct lotk_standard *s = r->standard;
    const struct lotk_evidence_spec *spec = &s->evidence;
    char a[32], b[32], c[32];
    bool any = false;
    for (size_t k = 0; k < r->norgs; k++) {
        const struct lotk_evidence_org *eo = r->orgs[k].evidence;
        size_t l = 0;
        for (size_t i = 0; eo && eo->leaves && i < s->nnodes; i++) {
            const struct lotk_node *node = &s->nodes[i];
            if (!is_rated_leaf(node))
                continue;
            const struct lotk_evidence_leaf *lf = &eo->leaves[l];
            const struct lotk_scale *sc = &s->scales[node->scale];
            if (lf->flags && !any)
                lotk_buf_puts(out, "\nevidence findings:\n");
            any |= lf->flags != 0;
            const double spreads[2] = {lf->spread_third, lf->spread_self};
            for (int role = 0; role < 2 && (lf->flags & LOTK_EVIDENCE_SPREAD); role++) {
                if (!(spreads[role] > spec->spread + SLACK))
                    continue;
                lotk_buf_printf(out, "  %s  assessor_spread %s (%s):", eo->id, node->id,
                                lotk_role_name((enum lotk_role)role));
                for (size_t q = 0, first = 1; q < eo->nrows; q++) {
                    const struct lotk_rating *rt = &eo->rows[q].ratings[l];
                    if ((int)eo->rows[q].role != role || rt->value != rt->value)
                        continue;
                    brief(a, rt->value);
                    lotk_buf_printf(out, "%s %s %s", first ? "" : ",", eo->rows[q].assessor, a);
                    first = 0;
                }
                brief(a, spreads[role]);
                brief(b, spec->spread);
                lotk_buf_printf(out, " (spread %s > %s)\n", a, b);
            }
            if (lf->flags & LOTK_EVIDENCE_SELF_EXCEEDS) {
                brief(a, lf->self);
                brief(b, lf->third);
                brief(c, (lf->self - lf->third) / (sc->max - sc->min));
                lotk_buf_printf(out, "  %s  self_exceeds %s: self %s, third party %s "
                                "(difference %s > ", eo->id, node->id, a, b, c);
                brief(a, spec->margin);
                lotk_buf_printf(out, "%s)\n", a);
            }
            if (lf->flags & LOTK_EVIDENCE_SELF_ONLY)
                lotk_buf_printf(out, "  %s  self_only %s: no third-party rating\n", eo->id,
                                node->id);
            if (lf->flags & LOTK_EVIDENCE_UNCITED) {
                lotk_buf_printf(out, "  %s  uncited %s:", eo->id, node->id);
                for (size_t q = 0, first = 1; q < eo->nrows; q++) {
                    const struct lotk_rating *rt = &eo->rows[q].ratings[l];
                    if (rt->value != rt->value || rt->evidence)
                        continue;
                    lotk_buf_printf(out, "%s %s", first ? "" : ",", eo->rows[q].assessor);
                    first = 0;
                }
                lotk_buf_puts(out, " gave no citation\n");
            }
            l++;
        }
    }
}

void lotk_evidence_table(const struct lotk_result *r, struct lotk_buf *out)
{
    const struct lotk_standard *s = r->standard;
    const struct lotk_evidence *ev = r->evidence;
    if (s->nevidence == 0 || !ev) /* no sheets: the unrated flag says it all */
        return;
    table_findings(r, out);
    lotk_buf_puts(out, "\nassessor agreement (Shrout & Fleiss ICC of the third-party "
                       "ratings):\n");
    for (size_t i = 0; i < s->nnodes; i++) {
        if (!is_rated_leaf(&s->nodes[i]))
            continue;
        const struct lotk_evidence_agreement *ag =
            ev && ev->agreement ? &ev->agreement[ev->leaf_of[i]] : NULL;
        lotk_buf_printf(out, "  %-10s", s->nodes[i].id);
        if (!ag || ag->icc.icc1 != ag->icc.icc1) {
            lotk_buf_printf(out, " -  (undefined: organizations rated by every assessor %zu, "
                                 "assessors %zu; it takes 2 of each and ratings that differ)\n",
                            ag ? ag->icc.n : 0, ag ? ag->njudges : 0);
            continue;
        }
        const double v[6] = {ag->icc.icc1, ag->icc.icc2, ag->icc.icc3, ag->icc.icc1k,
                             ag->icc.icc2k, ag->icc.icc3k};
        static const char *const names[6] = {"ICC1", "ICC2", "ICC3", "ICC1k", "ICC2k", "ICC3k"};
        for (int k = 0; k < 6; k++)
            lotk_buf_printf(out, "%s%s %.2f", k ? "  " : " ", names[k], v[k]);
        lotk_buf_printf(out, "  (%zu organizations, %zu assessors", ag->icc.n, ag->njudges);
        if (ag->excluded)
            lotk_buf_printf(out, "; %zu rated by some only", ag->excluded);
        lotk_buf_puts(out, ")\n");
    }
}

json_t *lotk_evidence_counts_json(const struct lotk_evidence *ev)
{
    struct lotk_evidence_counts c = ev ? ev->counts : (struct lotk_evidence_counts){0};
    json_t *j = json_object();
    json_object_set_new(j, "files", json_integer(c.files));
    json_object_set_new(j, "rows", json_integer(c.rows));
    json_object_set_new(j, "used", json_integer(c.used));
    json_object_set_new(j, "rejected", json_integer(c.rejected));
    return j;
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
