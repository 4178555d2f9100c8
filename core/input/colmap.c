/* colmap.c — a survey file's header mapped to the standard: which column feeds which item
 * (exact header, pattern, question and row number, the item's id, or its question text as
 * 问卷星 and 腾讯问卷 head it; multi-select options spread over columns), the organization
 * and respondent id columns, the screening cells, and per column the plan that lets
 * one-digit answers skip decoding. A header that fits badly is reported whole in one run:
 * every column not found, with the closest headers nothing else reads, and every spec
 * that fits several. Also the header's accessors (survey.h). */
#include "input/survey_private.h"

#include <math.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/buf.h"
#include "base/diag.h"
#include "base/mem.h"
#include "base/strmap.h"
#include "base/text.h"
#include "standard/header.h"
#include "standard/rx.h"

/* "Other, please specify" columns carry the question's number too (wjx `N、题干:其他`,
 * 腾讯问卷 `…:输入文本`); a question number never means them. */
static bool is_specify_column(const char *norm)
{
    size_t n = strlen(norm);
    static const char *const tails[] = {":其他", "(其他)", ":输入文本", NULL};
    for (int i = 0; tails[i]; i++) {
        size_t t = strlen(tails[i]);
        if (n >= t && strcmp(norm + n - t, tails[i]) == 0)
            return true;
    }
    return strstr(norm, "请注明") != NULL;
}

/* ---- matching one column ------------------------------------------------------------ */

/* One column the standard needs from the header: the organization, the respondent id, an
 * item (or a multi item's one text column), the answering time or an attention check.
 * The spec's pointers are borrowed from the standard; the normalised strings are owned. */
struct need {
    char what[160];
    struct lotk_column spec;
    const char *id;      /* an item's id, which names a header too; NULL: none */
    char *name_norm;     /* spec.name, id and the texts normalised; NULL: none */
    char *id_norm;
    char *text_norm[2];  /* zh, en */
    const char *text[2]; /* the same as the standard writes them, for messages */
    int col;             /* the column found, or -1 */
    bool missing;        /* no column fits (to be reported with the closest headers) */
};

/* The ways a need can name a header, tried in this order: the first that fits any header
 * decides, so an explicit column: spec always wins over the question's text. */
enum tier { TIER_NAME, TIER_MATCH, TIER_QUESTION, TIER_ID, TIER_TEXT, NTIERS };

/* What matching shares for one file: the reader, the headers' stems (header.h) without the
 * question number, and without the trailing hint too, and the problems found so far. */
struct mapping {
    struct lotk_survey_reader *rd;
    char **bare, **nohint;
    struct lotk_diags problems;
};

static char *normalized_dup(const char *s)
{
    if (!s || !*s)
        return NULL;
    struct lotk_buf b = {0};
    lotk_header_normalize(s, &b);
    char *out = b.len ? lotk_xstrdup(b.data) : NULL;
    lotk_buf_free(&b);
    return out;
}

static void need_init(struct need *n, const struct lotk_column *spec, const char *id,
                      const struct lotk_text *text)
{
    n->spec = *spec;
    n->id = id;
    n->name_norm = normalized_dup(spec->name);
    n->id_norm = id && !(spec->name && strcmp(spec->name, id) == 0) ? normalized_dup(id) : NULL;
    n->text_norm[0] = normalized_dup(text ? text->zh : NULL);
    n->text_norm[1] = normalized_dup(text ? text->en : NULL);
    n->text[0] = n->text_norm[0] ? text->zh : NULL;
    n->text[1] = n->text_norm[1] ? text->en : NULL;
    n->col = -1;
    n->missing = false;
}

static void need_clear(struct need *n)
{
    free(n->name_norm);
    free(n->id_norm);
    free(n->text_norm[0]);
    free(n->text_norm[1]);
}

/* Whether column c fits need n by tier t: 1, 0, or -1 with rxerr set (a pattern failed).
 * Patterns may be written for the header as exported or as normalised; either is enough.
 * A text fits the header whole, its stem, or its stem without the scale hint. */
static int tier_fits(const struct mapping *m, const struct need *n, enum tier t, size_t c,
                     struct lotk_err *rxerr)
{
    const struct lotk_survey_header *h = m->rd->h;
    switch (t) {
    case TIER_NAME:
        return n->name_norm && strcmp(h->norm[c], n->name_norm) == 0;
    case TIER_MATCH:
        if (!n->spec.match)
            return 0;
        int r = lotk_rx_match(n->spec.match, h->headers[c], strlen(h->headers[c]), NULL, 0,
                              NULL, rxerr);
        if (r == 0)
            r = lotk_rx_match(n->spec.match, h->norm[c], strlen(h->norm[c]), NULL, 0, NULL,
                              rxerr);
        return r;
    case TIER_QUESTION:
        return n->spec.question && h->question[c] == n->spec.question &&
               h->qrow[c] == n->spec.row;
    case TIER_ID:
        return n->id_norm && strcmp(h->norm[c], n->id_norm) == 0;
    case TIER_TEXT:
        for (int k = 0; k < 2; k++) {
            const char *x = n->text_norm[k];
            if (x && (strcmp(h->norm[c], x) == 0 || strcmp(m->bare[c], x) == 0 ||
                      strcmp(m->nohint[c], x) == 0))
                return 1;
        }
        return 0;
    case NTIERS:
        break;
    }
    return 0;
}

/* "column 'x'", "the pattern /p/" (header matching /p/ when none fits), "column for
 * question N", "its id 'q01'", "its text '…'": what a tier of a need looked for. */
static void describe(const struct need *n, enum tier t, bool several, struct lotk_buf *out)
{
    const struct lotk_column *spec = &n->spec;
    switch (t) {
    case TIER_NAME:
        lotk_buf_printf(out, "column '%s'", spec->name);
        return;
    case TIER_MATCH:
        lotk_buf_printf(out, several ? "the pattern /%s/" : "header matching /%s/",
                        lotk_rx_pattern(spec->match));
        return;
    case TIER_QUESTION:
        if (spec->row)
            lotk_buf_printf(out, "column for question %d, row %d", spec->question, spec->row);
        else
            lotk_buf_printf(out, "column for question %d", spec->question);
        return;
    case TIER_ID:
        lotk_buf_printf(out, "its id '%s'", n->id);
        return;
    case TIER_TEXT:
    case NTIERS:
        lotk_buf_printf(out, "its text '%s'", n->text[0] ? n->text[0] :
                        n->text[1] ? n->text[1] : "");
        return;
    }
}

/* Finds need n's column: sets n->col, or n->missing, or adds a problem when a tier fits
 * several headers. Returns 0, or a negative code with err set when a pattern fails. */
static int find_column(struct mapping *m, struct need *n)
{
    struct lotk_survey_reader *rd = m->rd;
    const struct lotk_survey_header *h = rd->h;
    const char *std = rd->sv->s->path;
    struct lotk_buf list = {0}, desc = {0};
    struct lotk_err rxerr;
    int rc = 0;
    for (int t = 0; t < NTIERS; t++) {
        int found = -1, matches = 0;
        lotk_buf_reset(&list);
        for (size_t c = 0; c < h->nheaders; c++) {
            int fit = tier_fits(m, n, (enum tier)t, c, &rxerr);
            if (fit < 0) {
                rc = lotk_err_set(rd->csv.err, LOTK_EIO, std, n->spec.loc.line,
                                  n->spec.loc.column, "%s: %s", n->what, rxerr.msg);
                goto done;
            }
            if (fit == 0)
                continue;
            lotk_buf_printf(&list, "%s'%s' (column %zu)", matches ? ", " : "", h->headers[c],
                            c + 1);
            if (matches++ == 0)
                found = (int)c;
        }
        if (matches == 1) {
            n->col = found;
            goto done;
        }
        if (matches > 1) {
            describe(n, (enum tier)t, true, &desc);
            lotk_diags_add(&m->problems, false, LOTK_EIO, rd->csv.file, rd->csv.row_line, 0,
                           "%s: %s (%s:%ld) fits %d headers: %s; %s", n->what, desc.data, std,
                           n->spec.loc.line, matches, list.data,
                           t >= TIER_ID ? "give it a column: that names exactly one"
                                        : "make it name exactly one");
            goto done;
        }
    }
    n->missing = true;
done:
    lotk_buf_free(&list);
    lotk_buf_free(&desc);
    return rc;
}

/* ---- the closest headers of a need that found none ---------------------------------- */

/* What the closest headers are measured against: the header itself, the literal part of a
 * pattern ("^2、" → "2、"), or the question number. */
static void spec_text(const struct need *n, struct lotk_buf *out)
{
    const struct lotk_column *spec = &n->spec;
    if (n->name_norm) {
        lotk_buf_puts(out, n->name_norm);
    } else if (spec->match) {
        for (const char *p = lotk_rx_pattern(spec->match); *p; p++) {
            if (*p == '\\' && p[1]) {
                p++;
                if (strchr("dDsSwWbBAzZ", *p))
                    continue; /* a class, not a character */
            } else if (strchr("^$.*+?()[]{}|", *p)) {
                continue;
            }
            lotk_buf_putc(out, *p);
        }
    } else if (spec->question) {
        lotk_buf_printf(out, "%d、", spec->question);
    } else if (n->id_norm) {
        lotk_buf_puts(out, n->id_norm);
    }
}

static bool claimed(const struct lotk_survey_header *h, size_t c)
{
    return (int)c == h->org_column || (int)c == h->id_column || h->plan[c].item >= 0 ||
           h->plan[c].extra >= 0;
}

static size_t distance_to(const struct mapping *m, size_t c, const char *want)
{
    size_t a = lotk_edit_distance(want, m->rd->h->norm[c]);
    size_t b = lotk_edit_distance(want, m->nohint[c]);
    return a < b ? a : b;
}

/* Lists up to three headers closest to what n looks for, among those nothing else took:
 * first those that carry the question number it names, then by edit distance to its text
 * when it has one (a header that is a near miss of the question), else to the spec or the
 * id — an id such as q04 is as close to any short header as to the one meant. */
static int near_headers(const struct mapping *m, const struct need *n, struct lotk_buf *out)
{
    const struct lotk_survey_header *h = m->rd->h;
    struct lotk_buf want = {0};
    int which[3];
    int question = 0;
    bool has_text = n->text_norm[0] || n->text_norm[1];
    spec_text(n, &want);
    const char *w = want.data ? want.data : "";
    for (const char *p = w; *p >= '0' && *p <= '9' && question < 100000; p++)
        question = question * 10 + (*p - '0');
    size_t *d = lotk_xmalloc((h->nheaders ? h->nheaders : 1) * sizeof *d);
    size_t *col = lotk_xmalloc((h->nheaders ? h->nheaders : 1) * sizeof *col);
    size_t count = 0;
    for (size_t c = 0; c < h->nheaders; c++) {
        if (claimed(h, c))
            continue;
        size_t best = (size_t)-1;
        if (question && h->question[c] == question) {
            best = 0;
        } else if (has_text) {
            for (int k = 0; k < 2; k++) {
                if (n->text_norm[k]) {
                    size_t x = distance_to(m, c, n->text_norm[k]);
                    best = x < best ? x : best;
                }
            }
        } else {
            best = distance_to(m, c, w);
            if (n->id_norm) {
                size_t x = distance_to(m, c, n->id_norm);
                best = x < best ? x : best;
            }
        }
        col[count] = c;
        d[count++] = best;
    }
    lotk_rank_nearest(d, count, which, 3);
    int shown = 0;
    for (int k = 0; k < 3 && which[k] >= 0; k++, shown++)
        lotk_buf_printf(out, "%s'%s'", k ? ", " : "", h->headers[col[which[k]]]);
    if (shown == 0)
        lotk_buf_puts(out, "none");
    free(d);
    free(col);
    lotk_buf_free(&want);
    return shown;
}

/* "item q01: no column 'q01' (std.yaml:40), and no header reads its text '…'; closest
 * headers: '…'". */
static void report_missing(struct mapping *m, const struct need *n)
{
    struct lotk_survey_reader *rd = m->rd;
    struct lotk_buf desc = {0}, list = {0}, also = {0};
    enum tier t = n->spec.name ? TIER_NAME : n->spec.match ? TIER_MATCH :
                  n->spec.question ? TIER_QUESTION : n->id_norm ? TIER_ID : TIER_TEXT;
    if (t == TIER_TEXT)
        lotk_buf_puts(&desc, "header reads ");
    describe(n, t, false, &desc);
    if (t != TIER_TEXT && (n->text_norm[0] || n->text_norm[1]))
        lotk_buf_printf(&also, ", and no header reads its text '%s'",
                        n->text[0] ? n->text[0] : n->text[1]);
    near_headers(m, n, &list);
    lotk_diags_add(&m->problems, false, LOTK_EIO, rd->csv.file, rd->csv.row_line, 0,
                   "%s: no %s (%s:%ld)%s; closest headers: %s", n->what, desc.data,
                   rd->sv->s->path, n->spec.loc.line, also.data ? also.data : "", list.data);
    lotk_buf_free(&desc);
    lotk_buf_free(&list);
    lotk_buf_free(&also);
}

/* ---- the whole header --------------------------------------------------------------- */

static void plan_column(struct lotk_column_plan *cp, const struct lotk_standard *s, int item,
                        int option)
{
    const struct lotk_item *it = &s->items[item];
    const struct lotk_scale *sc = &s->scales[it->scale];
    cp->item = item;
    cp->option = option;
    for (int d = 0; d < 10; d++) {
        char text[2] = {(char)('0' + d), '\0'};
        if (it->type == LOTK_ITEM_MULTI)
            cp->digit[d] = LOTK_DIGIT_SLOW; /* options, not answers on the scale */
        else if (lotk_strmap_get(&sc->missing, text, 1) >= 0)
            cp->digit[d] = LOTK_DIGIT_MISSING;
        else if (d >= sc->min && d <= sc->max)
            cp->digit[d] = LOTK_DIGIT_VALUE;
        else
            cp->digit[d] = LOTK_DIGIT_SLOW; /* out of range: decode_answer says why */
    }
}

/* Gives column col to item (option ≥ 0: one of a multi item's 0/1 columns), or adds the
 * problem of a column taken twice. */
static void claim(struct mapping *m, int col, int item, int option)
{
    struct lotk_survey_reader *rd = m->rd;
    const struct lotk_standard *s = rd->sv->s;
    struct lotk_survey_header *h = rd->h;
    const struct lotk_item *it = &s->items[item];
    if (col == h->org_column || col == h->id_column)
        lotk_diags_add(&m->problems, false, LOTK_EIO, rd->csv.file, rd->csv.row_line, 0,
                       "item %s: column %d (%s) is the %s column", it->id, col + 1,
                       h->headers[col],
                       col == h->org_column ? "organization" : "respondent id");
    else if (h->plan[col].item >= 0)
        lotk_diags_add(&m->problems, false, LOTK_EIO, rd->csv.file, rd->csv.row_line, 0,
                       "items %s and %s both read column %d (%s)",
                       s->items[h->plan[col].item].id, it->id, col + 1, h->headers[col]);
    else
        plan_column(&h->plan[col], s, item, option);
}

/* A multi item named by question number: in a number export its options are the columns
 * N(1), N(2), …; in a text export it is the one column N、题干 (or its text). Returns 0
 * when the option columns were found, 1 when the item's one column is to be looked up as
 * any other item's. */
static int map_multi(struct mapping *m, int item, const char *what)
{
    const struct lotk_item *it = &m->rd->sv->s->items[item];
    struct lotk_survey_reader *rd = m->rd;
    struct lotk_survey_header *h = rd->h;
    int flags = 0;
    for (size_t c = 0; c < h->nheaders; c++) {
        if (h->question[c] != it->question || h->qrow[c] == 0)
            continue;
        if ((size_t)h->qrow[c] > it->noptions)
            lotk_diags_add(&m->problems, false, LOTK_EIO, rd->csv.file, rd->csv.row_line, 0,
                           "%s: column %zu (%s) is option %d, but the item lists %zu "
                           "options", what, c + 1, h->headers[c], h->qrow[c],
                           it->noptions);
        else
            claim(m, (int)c, item, h->qrow[c] - 1);
        flags++;
    }
    return flags ? 0 : 1;
}

/* Normalised headers, their question numbers and stems, once per file. */
static void prepare_headers(struct mapping *m)
{
    struct lotk_survey_header *h = m->rd->h;
    struct lotk_buf b = {0};
    size_t n = h->nheaders ? h->nheaders : 1;
    h->norm = lotk_xcalloc(n, sizeof *h->norm);
    h->question = lotk_xcalloc(n, sizeof *h->question);
    h->qrow = lotk_xcalloc(n, sizeof *h->qrow);
    m->bare = lotk_xcalloc(n, sizeof *m->bare);
    m->nohint = lotk_xcalloc(n, sizeof *m->nohint);
    for (size_t c = 0; c < h->nheaders; c++) {
        lotk_header_normalize(h->headers[c], &b);
        h->norm[c] = lotk_xstrdup(b.data);
        if (!is_specify_column(h->norm[c]) &&
            !lotk_header_question(h->norm[c], &h->question[c], &h->qrow[c]))
            h->question[c] = h->qrow[c] = 0;
        lotk_header_stem(h->norm[c], false, &b);
        m->bare[c] = lotk_xstrdup(b.data);
        lotk_header_stem(h->norm[c], true, &b);
        m->nohint[c] = lotk_xstrdup(b.data);
    }
    lotk_buf_free(&b);
    h->plan = lotk_xcalloc(n, sizeof *h->plan);
    for (size_t c = 0; c < h->nheaders; c++)
        h->plan[c].item = h->plan[c].option = h->plan[c].extra = -1;
    h->id_column = h->duration_column = -1;
}

/* Sets up need n for spec (with an item's id and text) and finds its column; returns what
 * find_column does and leaves the column in *out (-1: none). */
static int find_one(struct mapping *m, struct need *n, const char *what,
                    const struct lotk_column *spec, const char *id,
                    const struct lotk_text *text, int *out)
{
    need_init(n, spec, id, text);
    snprintf(n->what, sizeof n->what, "%s", what);
    int rc = find_column(m, n);
    *out = n->col;
    return rc;
}

/* The one problem as the reader's error, or every problem on stderr and a summary as the
 * error: a header that fits the standard badly is reported whole in one run. */
static int report_problems(struct mapping *m)
{
    struct lotk_survey_reader *rd = m->rd;
    if (m->problems.count == 0)
        return 0;
    if (m->problems.count == 1) {
        *rd->csv.err = m->problems.entries[0].err;
        return rd->csv.err->code;
    }
    lotk_diags_print(&m->problems, stderr);
    return lotk_err_set(rd->csv.err, LOTK_EIO, rd->csv.file, rd->csv.row_line, 0,
                        "the header does not fit %s: %zu problems, each above",
                        rd->sv->s->path, m->problems.count);
}

/* The columns of the organization, the respondent id and the items. */
static int map_items(struct mapping *m, struct need *needs)
{
    struct lotk_survey_reader *rd = m->rd;
    const struct lotk_standard *s = rd->sv->s;
    struct lotk_survey_header *h = rd->h;
    int rc;
    if ((rc = find_one(m, &needs[0], "the organization id (survey.org_column)", &s->org_spec,
                       NULL, &s->org_spec.text, &h->org_column)) != 0)
        return rc;
    if (s->id_column &&
        (rc = find_one(m, &needs[1], "the respondent id (survey.id_column)", &s->id_spec,
                       NULL, &s->id_spec.text, &h->id_column)) != 0)
        return rc;
    for (size_t i = 0; i < s->nitems; i++) {
        const struct lotk_item *it = &s->items[i];
        struct lotk_column spec = {(char *)it->column, it->match, it->question, it->row,
                                   it->column_loc, {NULL, NULL}};
        struct need *n = &needs[2 + i];
        char what[160];
        int col;
        snprintf(what, sizeof what, "item %s", it->id);
        if (it->type == LOTK_ITEM_MULTI && it->question && !it->row &&
            map_multi(m, (int)i, what) == 0)
            continue;
        if ((rc = find_one(m, n, what, &spec, it->id, &it->text, &col)) != 0)
            return rc;
        if (col >= 0)
            claim(m, col, (int)i, -1);
    }
    return 0;
}

/* Screening cells: the answering time and the attention checks. */
static int map_screening(struct mapping *m, struct need *needs)
{
    struct lotk_survey_reader *rd = m->rd;
    const struct lotk_standard *s = rd->sv->s;
    struct lotk_survey_header *h = rd->h;
    const struct lotk_screening *sc = &s->screening;
    char what[160];
    int rc;
    if (s->has_duration) {
        if ((rc = find_one(m, &needs[0], "survey.duration_column", &s->duration, NULL, NULL,
                           &h->duration_column)) != 0)
            return rc;
    } else {
        for (size_t c = 0; c < h->nheaders && h->duration_column < 0; c++)
            if (lotk_header_metadata(h->norm[c]) == LOTK_META_DURATION)
                h->duration_column = (int)c;
        if (sc->min_seconds > 0 && h->duration_column < 0)
            lotk_diags_add(&m->problems, false, LOTK_EIO, rd->csv.file, rd->csv.row_line, 0,
                           "screening.min_seconds (%s:%ld) needs the answering time, and no "
                           "column holds it (所用时间, 答题时长, or survey.duration_column)",
                           s->path, sc->loc.line);
    }
    if (h->duration_column >= 0)
        h->plan[h->duration_column].extra = 0;
    h->attention_column = lotk_xcalloc(sc->nattention ? sc->nattention : 1, sizeof(int));
    for (size_t k = 0; k < sc->nattention; k++) {
        snprintf(what, sizeof what, "attention check %zu", k + 1);
        if ((rc = find_one(m, &needs[1 + k], what, &sc->attention[k].column, NULL, NULL,
                           &h->attention_column[k])) != 0)
            return rc;
        if (h->attention_column[k] >= 0)
            h->plan[h->attention_column[k]].extra = (int)k + 1;
    }
    return 0;
}

int lotk_colmap_map(struct lotk_survey_reader *rd)
{
    const struct lotk_standard *s = rd->sv->s;
    struct lotk_survey_header *h = rd->h;
    struct mapping m = {.rd = rd};
    /* needs: organization, respondent id, the items, the answering time, attention checks */
    size_t nneeds = 3 + s->nitems + s->screening.nattention;
    struct need *needs = lotk_xcalloc(nneeds, sizeof *needs);
    int rc;

    prepare_headers(&m);
    if ((rc = map_items(&m, needs)) != 0 ||
        (rc = map_screening(&m, needs + 2 + s->nitems)) != 0)
        goto done;
    /* The closest headers once every other column is taken, so that they are the ones
     * nothing reads. */
    for (size_t k = 0; k < nneeds; k++)
        if (needs[k].missing)
            report_missing(&m, &needs[k]);
    if ((rc = report_problems(&m)) != 0)
        goto done;
    for (size_t c = 0; c < h->nheaders; c++) {
        struct lotk_column_plan *cp = &h->plan[c];
        for (int d = 0; d < 10 && cp->item >= 0 && cp->extra < 0; d++) {
            if (cp->digit[d] == LOTK_DIGIT_SLOW)
                continue;
            cp->fast |= (uint16_t)(1u << d);
            cp->value[d] = cp->digit[d] == LOTK_DIGIT_VALUE ? d : NAN;
        }
    }
done:
    for (size_t k = 0; k < nneeds; k++)
        need_clear(&needs[k]);
    free(needs);
    for (size_t c = 0; c < h->nheaders; c++) {
        free(m.bare[c]);
        free(m.nohint[c]);
    }
    free(m.bare);
    free(m.nohint);
    lotk_diags_free(&m.problems);
    return rc;
}

struct lotk_survey_header *lotk_colmap_header_new(const char *path)
{
    struct lotk_survey_header *h = lotk_xcalloc(1, sizeof *h);
    h->file = lotk_xstrdup(path);
    h->org_column = h->id_column = -1;
    return h;
}

void lotk_survey_header_free(struct lotk_survey_header *h)
{
    if (!h)
        return;
    for (size_t i = 0; i < h->nheaders; i++)
        free(h->headers[i]);
    free(h->headers);
    free(h->plan);
    for (size_t i = 0; h->norm && i < h->nheaders; i++)
        free(h->norm[i]);
    free(h->norm);
    free(h->question);
    free(h->qrow);
    free(h->attention_column);
    free(h->attention_expect);
    free(h->file);
    free(h);
}

/* ---- the header's accessors (survey.h) ---------------------------------------------- */

uint64_t lotk_survey_header_data_offset(const struct lotk_survey_header *h)
{
    return h->data_offset;
}

long lotk_survey_header_data_line(const struct lotk_survey_header *h)
{
    return h->data_line;
}

bool lotk_survey_header_has_ids(const struct lotk_survey_header *h)
{
    return h->id_column >= 0;
}

bool lotk_survey_header_splittable(const struct lotk_survey_header *h)
{
    return h->splittable;
}

enum lotk_encoding lotk_survey_header_encoding(const struct lotk_survey_header *h)
{
    return h->encoding;
}

int lotk_survey_header_duration_column(const struct lotk_survey_header *h)
{
    return h->duration_column;
}

int lotk_survey_header_attention_column(const struct lotk_survey_header *h, size_t k)
{
    return h->attention_column ? h->attention_column[k] : -1;
}

char lotk_survey_header_delimiter(const struct lotk_survey_header *h)
{
    return h->delimiter;
}

const char *lotk_survey_header_file(const struct lotk_survey_header *h)
{
    return h->file;
}

size_t lotk_survey_header_columns(const struct lotk_survey_header *h)
{
    return h->nheaders;
}

const char *lotk_survey_header_name(const struct lotk_survey_header *h, size_t column)
{
    return column < h->nheaders ? h->headers[column] : NULL;
}

int lotk_survey_header_item(const struct lotk_survey_header *h, size_t column)
{
    return column < h->nheaders && h->plan ? h->plan[column].item : -1;
}

int lotk_survey_header_org_column(const struct lotk_survey_header *h)
{
    return h->org_column;
}

int lotk_survey_header_id_column(const struct lotk_survey_header *h)
{
    return h->id_column;
}
