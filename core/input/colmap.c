/* colmap.c — a survey file's header mapped to the standard: which column feeds which item
 * (exact header, pattern, or question and row number, with multi-select options spread
 * over columns), the organization and respondent id columns, the screening cells, and per
 * column the plan that lets one-digit answers skip decoding. Also the header's accessors
 * (survey.h). */
#include "input/survey_private.h"

#include <math.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/buf.h"
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

/* Normalised headers and their question numbers, once per file. */
static void prepare_headers(struct lotk_survey_header *h)
{
    struct lotk_buf b = {0};
    size_t n = h->nheaders ? h->nheaders : 1;
    h->norm = lotk_xcalloc(n, sizeof *h->norm);
    h->question = lotk_xcalloc(n, sizeof *h->question);
    h->qrow = lotk_xcalloc(n, sizeof *h->qrow);
    for (size_t c = 0; c < h->nheaders; c++) {
        lotk_header_normalize(h->headers[c], &b);
        h->norm[c] = lotk_xstrdup(b.data);
        if (!is_specify_column(h->norm[c]) &&
            !lotk_header_question(h->norm[c], &h->question[c], &h->qrow[c]))
            h->question[c] = h->qrow[c] = 0;
    }
    lotk_buf_free(&b);
}

/* Whether column c is one that spec names. Patterns may be written for the header as
 * exported or as normalised; either matching is enough. */
static int spec_matches(const struct lotk_survey_header *h, const struct lotk_column *spec,
                        const char *norm_name, size_t c, struct lotk_err *rxerr)
{
    if (spec->name)
        return strcmp(h->norm[c], norm_name) == 0;
    if (spec->match) {
        int m = lotk_rx_match(spec->match, h->headers[c], strlen(h->headers[c]), NULL, 0, NULL,
                              rxerr);
        if (m == 0)
            m = lotk_rx_match(spec->match, h->norm[c], strlen(h->norm[c]), NULL, 0, NULL,
                              rxerr);
        return m;
    }
    return spec->question && h->question[c] == spec->question && h->qrow[c] == spec->row;
}

/* "no <spec>" or "<spec> fits N headers": column 'x', header matching /p/ (the pattern
 * /p/ when several fit), column for question N. */
static void describe_spec(const struct lotk_column *spec, bool several, struct lotk_buf *out)
{
    if (spec->name)
        lotk_buf_printf(out, "column '%s'", spec->name);
    else if (spec->match)
        lotk_buf_printf(out, several ? "the pattern /%s/" : "header matching /%s/",
                        lotk_rx_pattern(spec->match));
    else if (spec->row)
        lotk_buf_printf(out, "column for question %d, row %d", spec->question, spec->row);
    else
        lotk_buf_printf(out, "column for question %d", spec->question);
}

/* What the closest headers are measured against: the header itself, the literal part of a
 * pattern ("^2、" → "2、"), or the question number. */
static void spec_text(const struct lotk_column *spec, const char *norm_name,
                      struct lotk_buf *out)
{
    if (spec->name) {
        lotk_buf_puts(out, norm_name);
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
    } else {
        lotk_buf_printf(out, "%d、", spec->question);
    }
}

/* Lists up to a few headers closest to want, for "no column" messages: first those that
 * carry the question number want starts with, then by edit distance. */
static void near_headers(const struct lotk_survey_header *h, const char *want,
                         struct lotk_buf *out)
{
    int which[3];
    int question = 0;
    for (const char *p = want; *p >= '0' && *p <= '9' && question < 100000; p++)
        question = question * 10 + (*p - '0');
    size_t *d = lotk_xmalloc((h->nheaders ? h->nheaders : 1) * sizeof *d);
    for (size_t c = 0; c < h->nheaders; c++)
        d[c] = question && h->question[c] == question ? 0 : lotk_edit_distance(want, h->norm[c]);
    lotk_rank_nearest(d, h->nheaders, which, 3);
    free(d);
    for (int k = 0; k < 3 && which[k] >= 0; k++)
        lotk_buf_printf(out, "%s'%s'", k ? ", " : "", h->headers[which[k]]);
    if (which[0] < 0)
        lotk_buf_puts(out, "none");
}

/* The one column spec names. what says whose column it is ("item q01"); from says where
 * the spec stands in the standard. Returns the column, -1 when none is found and
 * !required, or a negative code with err naming the spec and the candidates. */
static int find_column(struct lotk_survey_reader *rd, const struct lotk_column *spec,
                       const char *what, bool required, int *out)
{
    const struct lotk_standard *s = rd->sv->s;
    const struct lotk_survey_header *h = rd->h;
    struct lotk_buf norm = {0}, list = {0}, desc = {0};
    struct lotk_err rxerr;
    int found = -1, matches = 0, rc = 0;
    if (spec->name)
        lotk_header_normalize(spec->name, &norm);
    for (size_t c = 0; c < h->nheaders; c++) {
        int m = spec_matches(h, spec, norm.data, c, &rxerr);
        if (m < 0) {
            rc = lotk_err_set(rd->csv.err, LOTK_EIO, s->path, spec->loc.line, spec->loc.column,
                              "%s: %s", what, rxerr.msg);
            goto done;
        }
        if (m > 0) {
            lotk_buf_printf(&list, "%s'%s' (column %zu)", matches ? ", " : "", h->headers[c],
                            c + 1);
            if (matches++ == 0)
                found = (int)c;
        }
    }
    describe_spec(spec, matches > 1, &desc);
    if (matches > 1) {
        rc = lotk_err_set(rd->csv.err, LOTK_EIO, rd->csv.file, rd->csv.row_line, 0,
                          "%s: %s (%s:%ld) fits %d headers: %s; make it name exactly one",
                          what, desc.data, s->path, spec->loc.line, matches, list.data);
    } else if (matches == 0 && required) {
        struct lotk_buf want = {0};
        lotk_buf_reset(&list);
        spec_text(spec, norm.data, &want);
        near_headers(h, want.data ? want.data : "", &list);
        lotk_buf_free(&want);
        rc = lotk_err_set(rd->csv.err, LOTK_EIO, rd->csv.file, rd->csv.row_line, 0,
                          "%s: no %s (%s:%ld); closest headers: %s", what, desc.data, s->path,
                          spec->loc.line, list.data);
    }
    *out = found;
done:
    lotk_buf_free(&norm);
    lotk_buf_free(&list);
    lotk_buf_free(&desc);
    return rc;
}

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

/* Gives column col to item (option ≥ 0: one of a multi item's 0/1 columns). */
static int claim(struct lotk_survey_reader *rd, int col, int item, int option)
{
    const struct lotk_standard *s = rd->sv->s;
    struct lotk_survey_header *h = rd->h;
    const struct lotk_item *it = &s->items[item];
    if (col == h->org_column || col == h->id_column)
        return lotk_err_set(rd->csv.err, LOTK_EIO, rd->csv.file, rd->csv.row_line, 0,
                            "item %s: column %d (%s) is the %s column", it->id, col + 1,
                            h->headers[col],
                            col == h->org_column ? "organization" : "respondent id");
    if (h->plan[col].item >= 0)
        return lotk_err_set(rd->csv.err, LOTK_EIO, rd->csv.file, rd->csv.row_line, 0,
                            "items %s and %s both read column %d (%s)",
                            s->items[h->plan[col].item].id, it->id, col + 1, h->headers[col]);
    plan_column(&h->plan[col], s, item, option);
    return 0;
}

/* A multi item named by question number: in a number export its options are the columns
 * N(1), N(2), …; in a text export it is the one column N、题干. */
static int map_multi(struct lotk_survey_reader *rd, int item, char *what)
{
    const struct lotk_item *it = &rd->sv->s->items[item];
    struct lotk_survey_header *h = rd->h;
    int rc = 0, flags = 0;
    for (size_t c = 0; c < h->nheaders && rc == 0; c++) {
        if (h->question[c] != it->question || h->qrow[c] == 0)
            continue;
        if ((size_t)h->qrow[c] > it->noptions)
            return lotk_err_set(rd->csv.err, LOTK_EIO, rd->csv.file, rd->csv.row_line, 0,
                                "%s: column %zu (%s) is option %d, but the item lists %zu "
                                "options", what, c + 1, h->headers[c], h->qrow[c],
                                it->noptions);
        rc = claim(rd, (int)c, item, h->qrow[c] - 1);
        flags++;
    }
    if (rc || flags)
        return rc;
    struct lotk_column text = {.question = it->question, .loc = it->column_loc};
    int col;
    if ((rc = find_column(rd, &text, what, true, &col)) != 0)
        return rc;
    return claim(rd, col, item, -1);
}

int lotk_colmap_map(struct lotk_survey_reader *rd)
{
    const struct lotk_standard *s = rd->sv->s;
    struct lotk_survey_header *h = rd->h;
    char what[160];
    int rc = 0;

    prepare_headers(h);
    h->plan = lotk_xcalloc(h->nheaders ? h->nheaders : 1, sizeof *h->plan);
    for (size_t c = 0; c < h->nheaders; c++)
        h->plan[c].item = h->plan[c].option = h->plan[c].extra = -1;
    h->id_column = h->duration_column = -1;
    if ((rc = find_column(rd, &s->org_spec, "the organization id (survey.org_column)", true,
                          &h->org_column)) != 0)
        return rc;
    if (s->id_column && (rc = find_column(rd, &s->id_spec, "the respondent id (survey.id_column)",
                                          true, &h->id_column)) != 0)
        return rc;
    for (size_t i = 0; i < s->nitems; i++) {
        const struct lotk_item *it = &s->items[i];
        struct lotk_column spec = {(char *)it->column, it->match, it->question, it->row,
                                   it->column_loc};
        int col;
        snprintf(what, sizeof what, "item %s", it->id);
        if (it->type == LOTK_ITEM_MULTI && it->question && !it->row)
            rc = map_multi(rd, (int)i, what);
        else if ((rc = find_column(rd, &spec, what, true, &col)) == 0)
            rc = claim(rd, col, (int)i, -1);
        if (rc)
            return rc;
    }
    /* Screening cells: the answering time and the attention checks. */
    const struct lotk_screening *sc = &s->screening;
    if (s->has_duration) {
        if ((rc = find_column(rd, &s->duration, "survey.duration_column", true,
                              &h->duration_column)) != 0)
            return rc;
    } else {
        for (size_t c = 0; c < h->nheaders && h->duration_column < 0; c++)
            if (lotk_header_metadata(h->norm[c]) == LOTK_META_DURATION)
                h->duration_column = (int)c;
    }
    if (sc->min_seconds > 0 && h->duration_column < 0)
        return lotk_err_set(rd->csv.err, LOTK_EIO, rd->csv.file, rd->csv.row_line, 0,
                            "screening.min_seconds (%s:%ld) needs the answering time, and no "
                            "column holds it (所用时间, 答题时长, or survey.duration_column)",
                            s->path, sc->loc.line);
    if (h->duration_column >= 0)
        h->plan[h->duration_column].extra = 0;
    h->attention_column = lotk_xcalloc(sc->nattention ? sc->nattention : 1, sizeof(int));
    for (size_t k = 0; k < sc->nattention; k++) {
        snprintf(what, sizeof what, "attention check %zu", k + 1);
        if ((rc = find_column(rd, &sc->attention[k].column, what, true,
                              &h->attention_column[k])) != 0)
            return rc;
        h->plan[h->attention_column[k]].extra = (int)k + 1;
    }
    for (size_t c = 0; c < h->nheaders; c++) {
        struct lotk_column_plan *cp = &h->plan[c];
        for (int d = 0; d < 10 && cp->item >= 0 && cp->extra < 0; d++) {
            if (cp->digit[d] == LOTK_DIGIT_SLOW)
                continue;
            cp->fast |= (uint16_t)(1u << d);
            cp->value[d] = cp->digit[d] == LOTK_DIGIT_VALUE ? d : NAN;
        }
    }
    return 0;
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
