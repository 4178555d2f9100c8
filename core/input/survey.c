/* survey.c — survey CSV → decoded rows; see survey.h. */
#include "input/survey.h"

#include <csv.h>
#include <errno.h>
#include <math.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "input/encoding.h"
#include "standard/header.h"
#include "base/progress.h"
#include "standard/rx.h"
#include "base/mem.h"
#include "base/buf.h"
#include "base/strmap.h"
#include "base/num.h"
#include "base/text.h"

/* CSV_REPALL_NL makes libcsv report every line break, even blank lines, so line numbers
 * can be counted from its callbacks while it parses whole 64 KiB chunks. */
#define PARSER_OPTIONS (CSV_APPEND_NULL | CSV_REPALL_NL)

/* libcsv 3's parser state for "inside a field" (FIELD_BEGUN in its libcsv.c); with the
 * public `quoted` flag it tells that input ended inside a quoted cell. CSV_STRICT_FINI
 * would tell it too, but only together with CSV_STRICT, which stops the whole file at
 * the first stray quote instead of rejecting one row. */
enum { LIBCSV_FIELD_BEGUN = 2 };

static bool in_quoted_field(const struct csv_parser *p)
{
    return p->quoted && p->pstate == LIBCSV_FIELD_BEGUN;
}

enum {
    READ_CHUNK = 1 << 16,
    MAX_COLUMNS = 1 << 16,      /* a header wider than this is not a survey */
    MAX_FIELD_BYTES = 1 << 20,  /* one cell; an unclosed quote would otherwise eat the file */
    MAX_REASON = 512,
};

struct lotk_survey {
    const struct lotk_standard *s;
    struct lotk_survey_sink sink;
    struct lotk_survey_counts counts;
    struct lotk_strmap seen_ids; /* respondent ids over all files */
    struct lotk_progress *progress; /* may be NULL */
    struct lotk_survey_options opts;
    void (*on_header)(void *ctx, const struct lotk_survey_header *h);
    void *on_header_ctx;
    enum lotk_encoding last_encoding; /* how the last file was read */
    char last_delimiter;
};

/* How one column is read: the item it feeds, and what each single-digit answer means
 * there, worked out once so the common case costs one table lookup per field. */
struct column_plan {
    int item;          /* -1 when the column feeds no item */
    int option;        /* a multi item's 0/1 column: the option it stands for; else -1 */
    int extra;         /* index of the screening cell it feeds (duration, attention); -1 */
    signed char digit[10]; /* DIGIT_* for the answers "0" to "9" */
    /* Bit d set: the one-character answer "d" needs nothing but storing value[d] (an item
     * column that is not a screening cell, and not column 0, where a row's line is
     * noted). Kept beside the values so that on_field reads one cache line. */
    uint16_t fast;
    double value[10];
};
enum { DIGIT_SLOW = 0, DIGIT_VALUE = 1, DIGIT_MISSING = 2 };

/* A file's header mapped to the standard. Built once, then only read, so the threads
 * that read a file's chunks share it. */
struct lotk_survey_header {
    char *file;
    char **headers;
    size_t nheaders, cap_headers;
    struct column_plan *plan; /* per column */
    char **norm;        /* each header normalised (header.h) */
    int *question, *qrow; /* each header's question and row number (0: none) */
    int org_column, id_column;
    int duration_column;  /* -1: none */
    int *attention_column; /* per attention check of the standard */
    double *attention_expect; /* the expected answer as a number, NaN: compare text */
    char delimiter;     /* as detected (or forced) from the header line */
    enum lotk_encoding encoding; /* as detected (or forced); AUTO until known */
    bool splittable;    /* data_offset is exact in the file's bytes (parallel reads) */
    long data_line;     /* line where the first data row starts */
    uint64_t data_offset; /* byte offset of that line */
};

/* Per-file (or per-chunk) state, driven by libcsv's callbacks. */
struct reader {
    struct lotk_survey *sv;
    struct lotk_survey_header *h; /* being built while in_header, then only read */
    const char *file;
    long line;          /* line of the byte being parsed */
    long row_line;      /* line where the current row started */
    bool pending_cr;    /* the last thing seen was a CR: an LF now ends the same line */
    uint64_t offset;    /* file offset just past the bytes fed so far */
    bool in_header;
    bool keep_fields;   /* the rejects sink wants the row as read */
    /* The header's plan and its number of columns once data rows begin and no row is kept
     * whole; 0 columns (every field to on_field_slow) before that. */
    const struct column_plan *fast_plan;
    size_t fast_columns;
    /* current row */
    size_t field;       /* index of the next field */
    double *answers;
    struct lotk_buf org, resp;
    struct lotk_buf row_bytes;  /* the row's fields back to back, when keep_fields */
    size_t *field_starts;
    size_t cap_field_starts;
    struct lotk_buf *extras; /* this row's screening cells: duration, then attention */
    size_t nextras;
    long reject_column;
    bool screened;      /* the reason is a screening result, not a rejection */
    bool small;         /* lotk_row.small so far */
    char reason[MAX_REASON];
    int stop;           /* a negative code from on_row, or from a mapping error */
    struct lotk_err *err;
};

static void reject_row(struct reader *rd, long column, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

static void reject_row(struct reader *rd, long column, const char *fmt, ...)
{
    if (rd->reason[0])
        return; /* the first reason is the one reported */
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(rd->reason, sizeof rd->reason, fmt, ap);
    va_end(ap);
    rd->reject_column = column;
}

static const char *header_name(const struct reader *rd, size_t col)
{
    return col < rd->h->nheaders ? rd->h->headers[col] : "";
}

/* The known answer closest to text, for "did you mean" in a rejection. */
static const char *closest(const char *text, const struct lotk_strmap *labels,
                           const struct lotk_option *options, size_t noptions)
{
    /* Edit distance, with a label that the answer contains (or that contains it) counted
     * closer on a tie: 很同意 means 同意, not 不同意. */
    const char *best = NULL;
    size_t best_d = (size_t)-1;
    size_t n = (labels ? labels->cap : 0) + noptions;
    for (size_t i = 0; i < n; i++) {
        const char *cand;
        if (labels && i < labels->cap) {
            if (!(cand = labels->slots[i].key))
                continue;
        } else {
            cand = options[i - (labels ? labels->cap : 0)].label;
        }
        size_t d = 2 * lotk_edit_distance(text, cand);
        if (!strstr(text, cand) && !strstr(cand, text))
            d++;
        if (d < best_d || (d == best_d && strcmp(cand, best) < 0)) {
            best_d = d;
            best = cand;
        }
    }
    return best;
}

/* Decodes one answer through its item's scale; returns false with a reason set. */
static bool decode_answer(struct reader *rd, size_t col, const struct lotk_item *item,
                          const char *text, size_t len, double *out)
{
    const struct lotk_scale *sc = &rd->sv->s->scales[item->scale];
    /* The missing codes come first: "9" or "-2" may be declared no answer. */
    if (lotk_strmap_get(&sc->missing, text, len) >= 0) {
        *out = NAN;
        return true;
    }
    double v;
    if (lotk_parse_double(text, len, &v) == 0) {
        if (v >= sc->min && v <= sc->max) {
            *out = v;
            return true;
        }
        reject_row(rd, (long)col + 1, "item %s (column '%s'): answer %.*s is outside the "
                   "scale %s [%g, %g]", item->id, header_name(rd, col), (int)len, text, sc->id,
                   sc->min, sc->max);
        return false;
    }
    int label = lotk_strmap_get(&sc->labels, text, len);
    if (label < 0 && sc->nlabels) { /* full-width letters, odd spaces: as the loader folded */
        struct lotk_buf norm = {0};
        lotk_header_normalize_n(text, len, &norm);
        label = lotk_strmap_get(&sc->labels, norm.data, norm.len);
        if (label < 0 && lotk_strmap_get(&sc->missing, norm.data, norm.len) >= 0) {
            lotk_buf_free(&norm);
            *out = NAN;
            return true;
        }
        if (label < 0) {
            reject_row(rd, (long)col + 1, "item %s (column '%s'): unknown answer '%.*s'; the "
                       "closest label of scale %s is '%s'", item->id, header_name(rd, col),
                       (int)len, text, sc->id, closest(norm.data, &sc->labels, NULL, 0));
            lotk_buf_free(&norm);
            return false;
        }
        lotk_buf_free(&norm);
    }
    if (label >= 0) {
        *out = sc->label_values[label];
        return true;
    }
    reject_row(rd, (long)col + 1, "item %s (column '%s'): unknown answer '%.*s' (scale %s "
               "takes numbers in [%g, %g]%s)", item->id, header_name(rd, col), (int)len, text,
               sc->id, sc->min, sc->max, sc->nlabels ? " or one of its labels" : "");
    return false;
}

static long count_newlines(const char *text, size_t len)
{
    long n = 0;
    for (const char *p = memchr(text, '\n', len); p; p = memchr(p + 1, '\n', len - (size_t)(p + 1 - text)))
        n++;
    return n;
}

/* A multi item's cell of labels joined by ┋ (wjx text export): the sum of their values. */
static void decode_multi_text(struct reader *rd, size_t col, const struct lotk_item *item,
                              const char *text, size_t len)
{
    static const char sep[] = "\xE2\x94\x8B"; /* ┋ U+250B */
    const struct lotk_scale *sc = &rd->sv->s->scales[item->scale];
    if (lotk_strmap_get(&sc->missing, text, len) >= 0)
        return; /* no answer */
    double sum = 0;
    struct lotk_buf part = {0}, norm = {0};
    const char *p = text, *end = text + len;
    for (;;) {
        const char *q = p;
        while (q < end && !(end - q >= 3 && memcmp(q, sep, 3) == 0))
            q++;
        lotk_header_normalize_n(p, (size_t)(q - p), &norm);
        if (norm.len > 0) {
            size_t k;
            for (k = 0; k < item->noptions; k++) {
                lotk_header_normalize(item->options[k].label, &part);
                if (strcmp(part.data, norm.data) == 0)
                    break;
            }
            if (k == item->noptions) {
                reject_row(rd, (long)col + 1, "item %s (column '%s'): '%s' is none of its "
                           "options; closest: '%s'", item->id, header_name(rd, col), norm.data,
                           closest(norm.data, NULL, item->options, item->noptions));
                break;
            }
            sum += item->options[k].value;
        }
        if (q == end)
            break;
        p = q + 3;
    }
    rd->answers[rd->h->plan[col].item] = sum;
    lotk_buf_free(&part);
    lotk_buf_free(&norm);
}

/* One 0/1 column of a multi item (wjx and 腾讯问卷 number exports). */
static void decode_multi_flag(struct reader *rd, size_t col, const struct column_plan *cp,
                              const char *text, size_t len)
{
    const struct lotk_item *item = &rd->sv->s->items[cp->item];
    const struct lotk_scale *sc = &rd->sv->s->scales[item->scale];
    double *value = &rd->answers[cp->item];
    if (lotk_strmap_get(&sc->missing, text, len) >= 0)
        return;
    if (len == 1 && (text[0] == '0' || text[0] == '1')) {
        if (*value != *value)
            *value = 0; /* answered, whatever else the other columns say */
        if (text[0] == '1')
            *value += item->options[cp->option].value;
        return;
    }
    reject_row(rd, (long)col + 1, "item %s (column '%s', option '%s'): expected 0 or 1, found "
               "'%.*s'", item->id, header_name(rd, col), item->options[cp->option].label,
               (int)len, text);
}

static void decode_cell(struct reader *rd, size_t col, const struct column_plan *cp,
                        const char *text, size_t len)
{
    const struct lotk_item *item = &rd->sv->s->items[cp->item];
    if (item->type != LOTK_ITEM_MULTI)
        decode_answer(rd, col, item, text, len, &rd->answers[cp->item]);
    else if (cp->option >= 0)
        decode_multi_flag(rd, col, cp, text, len);
    else
        decode_multi_text(rd, col, item, text, len);
}

/* Everything but a one-character answer in a data row: the header, rows kept for the
 * rejects file, quoted line breaks, the organization and id columns, screening cells and
 * every answer that is not a single digit. Kept out of line so that the common case stays
 * small (libcsv calls on_field for every field of every row). */
static __attribute__((noinline)) void on_field_slow(struct reader *rd, const char *text,
                                                     size_t len, size_t col)
{
    if (col == 0)
        rd->row_line = rd->line;
    /* Only a quoted cell holds a line break. */
    if (len == 1 ? text[0] == '\n' : len > 1 && memchr(text, '\n', len))
        rd->line += count_newlines(text, len);
    struct lotk_survey_header *h = rd->h;
    if (rd->in_header) {
        if (h->nheaders >= MAX_COLUMNS) {
            rd->stop = lotk_err_set(rd->err, LOTK_EIO, rd->file, rd->line, (long)col + 1,
                                    "more than %d columns in the header", MAX_COLUMNS);
            return;
        }
        lotk_grow(&h->headers, &h->cap_headers, h->nheaders + 1, sizeof *h->headers);
        h->headers[h->nheaders++] = lotk_xstrndup(text, len);
        return;
    }
    if (rd->keep_fields) {
        lotk_grow(&rd->field_starts, &rd->cap_field_starts, col + 2, sizeof *rd->field_starts);
        rd->field_starts[col] = rd->row_bytes.len;
        lotk_buf_append(&rd->row_bytes, text, len);
        lotk_buf_putc(&rd->row_bytes, '\0');
        rd->field_starts[col + 1] = rd->row_bytes.len;
    }
    if (col >= h->nheaders || rd->reason[0])
        return;
    const struct column_plan *cp = &h->plan[col];
    if (cp->extra >= 0) {
        lotk_buf_reset(&rd->extras[cp->extra]);
        lotk_buf_append(&rd->extras[cp->extra], text, len);
    }
    if (cp->item >= 0) {
        /* Small whole numbers within the scale: one table lookup. */
        int kind = len == 1 && (unsigned char)(text[0] - '0') < 10 ? cp->digit[text[0] - '0']
                                                                   : DIGIT_SLOW;
        if (kind == DIGIT_VALUE)
            rd->answers[cp->item] = text[0] - '0';
        else if (kind == DIGIT_MISSING)
            rd->answers[cp->item] = NAN;
        else
            decode_cell(rd, col, cp, text, len);
        double a = rd->answers[cp->item];
        if (a == a && !(a == floor(a) && fabs(a) <= LOTK_SMALL_ANSWER))
            rd->small = false;
    } else if ((int)col == h->org_column) {
        lotk_buf_reset(&rd->org);
        lotk_buf_append(&rd->org, text, len);
    } else if ((int)col == h->id_column) {
        lotk_buf_reset(&rd->resp);
        lotk_buf_append(&rd->resp, text, len);
    }
}

static void on_field(void *data, size_t len, void *vrd)
{
    struct reader *rd = vrd;
    if (rd->stop)
        return;
    rd->pending_cr = false;
    size_t col = rd->field++;
    /* The common case: a one-digit answer to an item, in a data row. (After a rejection
     * the value is stored all the same: the row is not scored.) */
    if (len == 1 && col < rd->fast_columns) {
        const struct column_plan *cp = &rd->fast_plan[col];
        unsigned d = (unsigned)((const unsigned char *)data)[0] - '0';
        if (d < 10 && (cp->fast >> d & 1)) {
            rd->answers[cp->item] = cp->value[d];
            return;
        }
    }
    on_field_slow(rd, data ? data : "", len, col);
}

/* Data rows begin: the one-digit fast path may be taken from now on. */
static void arm_fast_path(struct reader *rd)
{
    rd->fast_plan = rd->h->plan;
    rd->fast_columns = rd->keep_fields ? 0 : rd->h->nheaders;
}

static int map_columns(struct reader *rd);

static void reset_row(struct reader *rd)
{
    rd->field = 0;
    rd->reason[0] = '\0';
    rd->reject_column = 0;
    lotk_buf_reset(&rd->org);
    lotk_buf_reset(&rd->resp);
    lotk_buf_reset(&rd->row_bytes);
    for (size_t i = 0; i < rd->nextras; i++)
        lotk_buf_reset(&rd->extras[i]);
    rd->screened = false;
    rd->small = true;
    for (size_t i = 0; i < rd->sv->s->nitems; i++)
        rd->answers[i] = NAN;
}

static void screen(struct reader *rd, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

static void screen(struct reader *rd, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(rd->reason, sizeof rd->reason, fmt, ap);
    va_end(ap);
    rd->screened = true;
    rd->reject_column = 0;
}

/* An attention check's answer as a number on the scale whose labels know the expected
 * answer, so that 同意 in a text export and 4 in a number export are the same answer. */
static bool attention_passed(const struct lotk_standard *s, const char *expect,
                             const char *got)
{
    struct lotk_buf a = {0}, b = {0};
    lotk_header_normalize(expect, &a);
    lotk_header_normalize(got, &b);
    bool same = strcmp(a.data, b.data) == 0;
    double x, y;
    if (!same && lotk_parse_double(b.data, b.len, &y) == 0) {
        for (size_t i = 0; i < s->nscales && !same; i++) {
            int l = lotk_strmap_get(&s->scales[i].labels, a.data, a.len);
            same = l >= 0 && s->scales[i].label_values[l] == y;
        }
        if (!same && lotk_parse_double(a.data, a.len, &x) == 0)
            same = x == y;
    }
    lotk_buf_free(&a);
    lotk_buf_free(&b);
    return same;
}

/* The standard's screening: the first check a respondent fails screens them out. */
static void screen_row(struct reader *rd)
{
    const struct lotk_standard *s = rd->sv->s;
    const struct lotk_screening *sc = &s->screening;
    const struct lotk_survey_header *h = rd->h;
    if (sc->min_seconds > 0 && h->duration_column >= 0) {
        const struct lotk_buf *cell = &rd->extras[0];
        double seconds;
        if (cell->len && lotk_duration_parse(cell->data, cell->len, &seconds) == 0 &&
            seconds < sc->min_seconds) {
            screen(rd, "answered in %gs, under the %gs minimum (column '%s')",
                   seconds, sc->min_seconds, h->headers[h->duration_column]);
            return;
        }
    }
    for (size_t k = 0; k < sc->nattention; k++) {
        const struct lotk_buf *cell = &rd->extras[k + 1];
        const char *got = cell->data ? cell->data : "";
        if (!attention_passed(s, sc->attention[k].expect, got)) {
            screen(rd, "attention check '%s' answered '%s', expected '%s'",
                   h->headers[h->attention_column[k]], got, sc->attention[k].expect);
            return;
        }
    }
    if (sc->straight_lining > 0) {
        long run = 0;
        size_t first = 0;
        for (size_t i = 0; i < s->nitems; i++) {
            const struct lotk_item *it = &s->items[i];
            double a = rd->answers[i];
            bool continues = i > 0 && run > 0 && a == rd->answers[i - 1] &&
                             it->scale == s->items[i - 1].scale &&
                             it->type == LOTK_ITEM_SINGLE;
            if (continues) {
                run++;
            } else {
                run = a == a && it->type == LOTK_ITEM_SINGLE ? 1 : 0;
                first = i;
            }
            if (run >= sc->straight_lining) {
                char value[32];
                lotk_fmt_double(value, a);
                long more = 0;
                while (i + 1 + (size_t)more < s->nitems &&
                       rd->answers[i + 1 + (size_t)more] == a &&
                       s->items[i + 1 + (size_t)more].scale == it->scale)
                    more++;
                screen(rd, "the same answer (%s) on %ld consecutive items (%s to %s)",
                       value, run + more, s->items[first].id,
                       s->items[i + (size_t)more].id);
                return;
            }
        }
    }
    if (sc->max_missing >= 0 && s->nitems > 0) {
        size_t missing = 0;
        for (size_t i = 0; i < s->nitems; i++)
            missing += rd->answers[i] != rd->answers[i];
        if ((double)missing > sc->max_missing * (double)s->nitems)
            screen(rd, "%zu of %zu items unanswered, over the %g%% allowed", missing,
                   s->nitems, sc->max_missing * 100);
    }
}

static void finish_row(struct reader *rd)
{
    struct lotk_survey *sv = rd->sv;
    const struct lotk_standard *s = sv->s;
    const struct lotk_survey_header *h = rd->h;
    sv->counts.rows++;
    size_t nfields = rd->field;
    if (nfields != h->nheaders)
        reject_row(rd, 0, "the row has %zu fields but the header has %zu", nfields,
                   h->nheaders);
    if (!rd->reason[0] && (!rd->org.data || rd->org.len == 0))
        reject_row(rd, h->org_column + 1, "no organization id in column %d (%s)",
                   h->org_column + 1, s->org_column);
    if (!rd->reason[0] && h->id_column >= 0) {
        if (!rd->resp.data || rd->resp.len == 0)
            reject_row(rd, h->id_column + 1, "no respondent id in column %d (%s)",
                       h->id_column + 1, s->id_column);
        else if (lotk_strmap_get(&sv->seen_ids, rd->resp.data, rd->resp.len) >= 0)
            reject_row(rd, h->id_column + 1, "duplicate respondent id '%s'", rd->resp.data);
    }
    if (!rd->reason[0])
        screen_row(rd);
    if (rd->reason[0]) {
        if (rd->screened)
            sv->counts.screened++;
        else
            sv->counts.rejected++;
        if (sv->sink.on_reject) {
            const char **fields = lotk_xcalloc(nfields ? nfields : 1, sizeof *fields);
            for (size_t i = 0; rd->keep_fields && i < nfields; i++)
                fields[i] = rd->row_bytes.data + rd->field_starts[i];
            struct lotk_reject rj = {rd->file, rd->row_line, rd->reject_column, rd->reason,
                                     fields, rd->keep_fields ? nfields : 0, rd->screened};
            sv->sink.on_reject(sv->sink.reject_ctx, &rj);
            free(fields);
        }
        /* A screened respondent did answer: their id is taken, unlike a broken row's. */
        if (rd->screened && h->id_column >= 0)
            lotk_strmap_put(&sv->seen_ids, rd->resp.data, rd->resp.len, 1);
        return;
    }
    if (h->id_column >= 0)
        lotk_strmap_put(&sv->seen_ids, rd->resp.data, rd->resp.len, 1);
    struct lotk_row row = {rd->file, rd->row_line, rd->org.data, rd->org.len,
                           h->id_column >= 0 ? rd->resp.data : NULL, rd->answers, rd->small};
    int rc = sv->sink.on_row(sv->sink.row_ctx, &row, rd->err);
    if (rc < 0)
        rd->stop = rc;
    else
        sv->counts.scored++;
}

static void on_row_end(int terminator, void *vrd)
{
    struct reader *rd = vrd;
    bool header_ended = false;
    if (rd->stop)
        return;
    if (rd->field > 0) { /* a line break alone is a blank line, not a row */
        if (rd->in_header) {
            rd->in_header = false;
            header_ended = true;
            int rc = map_columns(rd);
            if (rc < 0)
                rd->stop = rc;
            else
                arm_fast_path(rd);
            if (rc >= 0 && rd->sv->on_header)
                rd->sv->on_header(rd->sv->on_header_ctx, rd->h);
        } else {
            finish_row(rd);
        }
        reset_row(rd);
    }
    /* CR, LF and CR LF each end one line. */
    if (terminator == '\r') {
        rd->line++;
        rd->pending_cr = true;
    } else if (terminator == '\n') {
        if (!rd->pending_cr)
            rd->line++;
        rd->pending_cr = false;
    }
    rd->row_line = rd->line; /* the next row, if any, starts here */
    if (header_ended) {
        rd->h->data_line = rd->line;
        rd->h->data_offset = rd->offset;
    }
}

/* ---- the header ------------------------------------------------------------------- */

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
static int find_column(struct reader *rd, const struct lotk_column *spec, const char *what,
                       bool required, int *out)
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
            rc = lotk_err_set(rd->err, LOTK_EIO, s->path, spec->loc.line, spec->loc.column,
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
        rc = lotk_err_set(rd->err, LOTK_EIO, rd->file, rd->row_line, 0,
                          "%s: %s (%s:%ld) fits %d headers: %s; make it name exactly one",
                          what, desc.data, s->path, spec->loc.line, matches, list.data);
    } else if (matches == 0 && required) {
        struct lotk_buf want = {0};
        lotk_buf_reset(&list);
        spec_text(spec, norm.data, &want);
        near_headers(h, want.data ? want.data : "", &list);
        lotk_buf_free(&want);
        rc = lotk_err_set(rd->err, LOTK_EIO, rd->file, rd->row_line, 0,
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

static void plan_column(struct column_plan *cp, const struct lotk_standard *s, int item,
                        int option)
{
    const struct lotk_item *it = &s->items[item];
    const struct lotk_scale *sc = &s->scales[it->scale];
    cp->item = item;
    cp->option = option;
    for (int d = 0; d < 10; d++) {
        char text[2] = {(char)('0' + d), '\0'};
        if (it->type == LOTK_ITEM_MULTI)
            cp->digit[d] = DIGIT_SLOW; /* options, not answers on the scale */
        else if (lotk_strmap_get(&sc->missing, text, 1) >= 0)
            cp->digit[d] = DIGIT_MISSING;
        else if (d >= sc->min && d <= sc->max)
            cp->digit[d] = DIGIT_VALUE;
        else
            cp->digit[d] = DIGIT_SLOW; /* out of range: decode_answer says why */
    }
}

/* Gives column col to item (option ≥ 0: one of a multi item's 0/1 columns). */
static int claim(struct reader *rd, int col, int item, int option)
{
    const struct lotk_standard *s = rd->sv->s;
    struct lotk_survey_header *h = rd->h;
    const struct lotk_item *it = &s->items[item];
    if (col == h->org_column || col == h->id_column)
        return lotk_err_set(rd->err, LOTK_EIO, rd->file, rd->row_line, 0,
                            "item %s: column %d (%s) is the %s column", it->id, col + 1,
                            h->headers[col],
                            col == h->org_column ? "organization" : "respondent id");
    if (h->plan[col].item >= 0)
        return lotk_err_set(rd->err, LOTK_EIO, rd->file, rd->row_line, 0,
                            "items %s and %s both read column %d (%s)",
                            s->items[h->plan[col].item].id, it->id, col + 1, h->headers[col]);
    plan_column(&h->plan[col], s, item, option);
    return 0;
}

/* A multi item named by question number: in a number export its options are the columns
 * N(1), N(2), …; in a text export it is the one column N、题干. */
static int map_multi(struct reader *rd, int item, char *what)
{
    const struct lotk_item *it = &rd->sv->s->items[item];
    struct lotk_survey_header *h = rd->h;
    int rc = 0, flags = 0;
    for (size_t c = 0; c < h->nheaders && rc == 0; c++) {
        if (h->question[c] != it->question || h->qrow[c] == 0)
            continue;
        if ((size_t)h->qrow[c] > it->noptions)
            return lotk_err_set(rd->err, LOTK_EIO, rd->file, rd->row_line, 0,
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

static int map_columns(struct reader *rd)
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
        return lotk_err_set(rd->err, LOTK_EIO, rd->file, rd->row_line, 0,
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
    for (size_t c = 1; c < h->nheaders; c++) {
        struct column_plan *cp = &h->plan[c];
        for (int d = 0; d < 10 && cp->item >= 0 && cp->extra < 0; d++) {
            if (cp->digit[d] == DIGIT_SLOW)
                continue;
            cp->fast |= (uint16_t)(1u << d);
            cp->value[d] = cp->digit[d] == DIGIT_VALUE ? d : NAN;
        }
    }
    return 0;
}

/* ---- feeding libcsv --------------------------------------------------------------- */

static void feed(struct reader *rd, struct csv_parser *p, const char *data, size_t len)
{
    rd->offset += len;
    if (csv_parse(p, data, len, on_field, on_row_end, rd) != len && !rd->stop)
        rd->stop = lotk_err_set(rd->err, LOTK_EIO, rd->file, rd->line, 0, "cannot parse: %s",
                                csv_strerror(csv_error(p)));
    if (csv_get_buffer_size(p) > MAX_FIELD_BYTES && !rd->stop)
        rd->stop = lotk_err_set(rd->err, LOTK_EIO, rd->file, rd->row_line, 0,
                                "a field longer than %d bytes (an unclosed quote?)",
                                MAX_FIELD_BYTES);
}

static void reader_init(struct reader *rd, struct lotk_survey *sv, const char *path,
                        struct lotk_err *err)
{
    memset(rd, 0, sizeof *rd);
    rd->sv = sv;
    rd->file = path;
    rd->line = rd->row_line = 1;
    rd->err = err;
    rd->keep_fields = sv && sv->sink.on_reject && sv->sink.reject_fields;
    size_t nitems = sv && sv->s->nitems ? sv->s->nitems : 1;
    rd->answers = lotk_xmalloc(nitems * sizeof *rd->answers);
    /* One cell for the answering time, one per attention check (screening). Every reader
     * has them, a range's too, though only the header's mapping says which columns. */
    rd->nextras = 1 + (sv ? sv->s->screening.nattention : 0);
    rd->extras = lotk_xcalloc(rd->nextras, sizeof *rd->extras);
    for (size_t i = 0; i < nitems; i++)
        rd->answers[i] = NAN;
    rd->small = true;
}

static void reader_clear(struct reader *rd)
{
    for (size_t i = 0; i < rd->nextras; i++)
        lotk_buf_free(&rd->extras[i]);
    free(rd->extras);
    free(rd->answers);
    free(rd->field_starts);
    lotk_buf_free(&rd->org);
    lotk_buf_free(&rd->resp);
    lotk_buf_free(&rd->row_bytes);
}

static void note_progress(struct lotk_survey *sv, size_t bytes, long rows_before)
{
    if (sv->progress)
        lotk_progress_add(sv->progress, bytes, sv->counts.rows - rows_before);
}

/* Where bytes come from: a stream from its start, or a byte range of a file. */
struct source {
    FILE *f;            /* NULL: pread from fd */
    int fd;
    uint64_t at, end;
};

static ssize_t source_read(struct source *src, char *buf, size_t cap)
{
    if (src->f) {
        size_t n = fread(buf, 1, cap, src->f);
        return n == 0 && ferror(src->f) ? -1 : (ssize_t)n;
    }
    size_t want = src->end - src->at < cap ? (size_t)(src->end - src->at) : cap;
    if (want == 0)
        return 0;
    ssize_t n = pread(src->fd, buf, want, (off_t)src->at);
    if (n > 0)
        src->at += (uint64_t)n;
    return n;
}

/* The delimiter of a header line: whichever of comma, tab and semicolon occurs most
 * outside quotes before the first line break (comma on a tie or when none occurs). */
static char detect_delimiter(const char *data, size_t len)
{
    size_t comma = 0, tab = 0, semicolon = 0;
    bool quoted = false;
    for (size_t i = 0; i < len; i++) {
        char c = data[i];
        if (c == '"')
            quoted = !quoted;
        else if (!quoted && (c == '\n' || c == '\r'))
            break;
        else if (!quoted)
            comma += c == ',', tab += c == '\t', semicolon += c == ';';
    }
    if (tab > comma && tab >= semicolon)
        return '\t';
    if (semicolon > comma && semicolon > tab)
        return ';';
    return ',';
}

/* libcsv trims blanks (spaces and tabs) around unquoted fields; a tab is no blank when it
 * separates them. Only then is a function set: libcsv calls it for every byte. */
static int is_blank(unsigned char c)
{
    return c == ' ';
}

static void set_delimiter(struct csv_parser *p, char delimiter)
{
    csv_set_delim(p, (unsigned char)delimiter);
    if (delimiter == '\t')
        csv_set_space_func(p, is_blank);
}

/* Feeds decoded text to the parser: everything, or line by line until the header is
 * complete, so the header's end is known to the byte. */
static void feed_text(struct reader *rd, struct csv_parser *p, const char *data, size_t n,
                      bool header_only)
{
    if (!header_only) {
        feed(rd, p, data, n);
        return;
    }
    while (n > 0 && rd->in_header && !rd->stop) {
        const char *nl = memchr(data, '\n', n);
        size_t len = nl ? (size_t)(nl - data) + 1 : n;
        feed(rd, p, data, len);
        data += len;
        n -= len;
    }
}

/* Feeds everything src holds (only the header when header_only) through the decoder
 * (encoding.h) and the parser. At the start of a file the encoding is detected (unless
 * forced) and the delimiter settled from the header line, which is waited for whole. */
static int pump(struct reader *rd, struct csv_parser *p, struct source *src, bool at_start,
                bool header_only)
{
    struct lotk_survey_header *h = rd->h;
    char *chunk = lotk_xmalloc(READ_CHUNK);
    struct lotk_buf text = {0};
    int rc = 0;
    ssize_t got;
    bool settled = !at_start; /* delimiter known */
    struct lotk_decoder *dec =
        lotk_decoder_new(at_start ? rd->sv->opts.encoding : h->encoding, rd->file, rd->err);
    if (!dec) {
        free(chunk);
        return rd->err->code;
    }
    if (!at_start)
        set_delimiter(p, h->delimiter);
    bool done = false;
    while (!done && !rd->stop && (!header_only || rd->in_header)) {
        got = source_read(src, chunk, READ_CHUNK);
        if (got < 0) {
            rc = lotk_err_set(rd->err, LOTK_EIO, rd->file, rd->line, 0, "cannot read: %s",
                              strerror(errno));
            break;
        }
        long rows_before = rd->sv->counts.rows;
        if (got > 0)
            rc = lotk_decoder_feed(dec, chunk, (size_t)got, &text, rd->err);
        else {
            rc = lotk_decoder_finish(dec, &text, rd->err);
            done = true;
        }
        if (rc)
            break;
        if (!settled) {
            /* The delimiter is read off the whole header line: wait for its end. */
            if (!done && !memchr(text.data ? text.data : "", '\n', text.len))
                continue;
            settled = true;
            char forced = rd->sv->opts.delimiter;
            h->delimiter = forced ? forced : detect_delimiter(text.data ? text.data : "",
                                                              text.len);
            set_delimiter(p, h->delimiter);
        }
        if (h->encoding == LOTK_ENC_AUTO)
            h->encoding = lotk_decoder_encoding(dec);
        feed_text(rd, p, text.data ? text.data : "", text.len, header_only);
        lotk_buf_reset(&text);
        note_progress(rd->sv, (size_t)got, rows_before);
    }
    if (h->encoding == LOTK_ENC_AUTO)
        h->encoding = lotk_decoder_encoding(dec);
    rd->sv->last_encoding = h->encoding == LOTK_ENC_AUTO ? LOTK_ENC_UTF8 : h->encoding;
    rd->sv->last_delimiter = h->delimiter;
    lotk_decoder_free(dec);
    lotk_buf_free(&text);
    free(chunk);
    return rc ? rc : rd->stop;
}

/* Reads a stream from its start: the header, then every row. */
static int read_stream(struct reader *rd, FILE *f)
{
    struct csv_parser parser;
    const char *path = rd->file;
    if (csv_init(&parser, PARSER_OPTIONS) != 0)
        return lotk_err_set(rd->err, LOTK_EIO, path, 0, 0, "cannot start the CSV parser");
    struct source src = {.f = f};
    int rc = pump(rd, &parser, &src, true, false);
    if (rc)
        goto done;
    if (in_quoted_field(&parser)) {
        rc = lotk_err_set(rd->err, LOTK_EIO, path, rd->row_line, 0,
                          "a quoted field that starts on this line is never closed");
        goto done;
    }
    csv_fini(&parser, on_field, on_row_end, rd);
    if (rd->stop)
        rc = rd->stop;
    else if (rd->in_header)
        rc = lotk_err_set(rd->err, LOTK_EIO, path, 1, 0,
                          "the file is empty; expected a header row naming the columns");
done:
    csv_free(&parser);
    return rc;
}

static struct lotk_survey_header *header_new(const char *path)
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

int lotk_survey_read_stream(struct lotk_survey *sv, FILE *f, const char *name,
                            struct lotk_err *err)
{
    struct reader rd;
    reader_init(&rd, sv, name, err);
    rd.h = header_new(name);
    rd.in_header = true;
    int rc = read_stream(&rd, f);
    lotk_survey_header_free(rd.h);
    reader_clear(&rd);
    return rc;
}

int lotk_survey_read(struct lotk_survey *sv, const char *path, struct lotk_err *err)
{
    FILE *f = strcmp(path, "-") == 0 ? stdin : fopen(path, "rb");
    if (!f)
        return lotk_err_set(err, LOTK_EIO, path, 0, 0, "cannot open: %s", strerror(errno));
    int rc = lotk_survey_read_stream(sv, f, path, err);
    if (f != stdin)
        fclose(f);
    return rc;
}

int lotk_survey_header_read(struct lotk_survey *like, const char *path,
                            struct lotk_survey_header **out, struct lotk_err *err)
{
    /* A throwaway survey with no sink and the same options: rows are never reached, the
     * feed stops at the end of the header's line. */
    struct lotk_survey sv = {.s = like->s, .opts = like->opts};
    /* Mapping messages are the survey's; the header callback is called once, below. */
    struct reader rd;
    struct csv_parser parser;
    int rc = 0;
    *out = NULL;
    FILE *f = fopen(path, "rb");
    if (!f)
        return lotk_err_set(err, LOTK_EIO, path, 0, 0, "cannot open: %s", strerror(errno));
    reader_init(&rd, &sv, path, err);
    rd.h = header_new(path);
    rd.in_header = true;
    if (csv_init(&parser, PARSER_OPTIONS) != 0) {
        rc = lotk_err_set(err, LOTK_EIO, path, 0, 0, "cannot start the CSV parser");
        goto done;
    }
    struct source src = {.f = f};
    rc = pump(&rd, &parser, &src, true, true);
    csv_free(&parser);
    if (rc)
        goto done;
    if (rd.in_header) {
        rc = lotk_err_set(err, LOTK_EIO, path, 1, 0,
                          "the file is empty; expected a header row naming the columns");
        goto done;
    }
    /* Where the data begin in the file's own bytes (decoding changes lengths): after the
     * header's last LF. A file that ends its lines with CR alone has none to cut at. */
    rewind(f);
    long newlines = 0;
    uint64_t at = 0;
    int c;
    rd.h->splittable = false;
    while (newlines < rd.h->data_line - 1 && (c = getc(f)) != EOF) {
        at++;
        if (c == '\n' && ++newlines == rd.h->data_line - 1)
            rd.h->splittable = true;
    }
    rd.h->data_offset = at;
    /* Ranges cannot each guess the encoding: a header of plain ASCII leaves it open, and
     * UTF-8 is then assumed — a range that meets GB18030 fails, and the file is read again
     * by one reader, which detects properly. */
    if (rd.h->encoding == LOTK_ENC_AUTO)
        rd.h->encoding = LOTK_ENC_UTF8;
    if (like->on_header)
        like->on_header(like->on_header_ctx, rd.h);
    like->last_encoding = rd.h->encoding;
    like->last_delimiter = rd.h->delimiter;
    *out = rd.h;
    rd.h = NULL;
done:
    fclose(f);
    lotk_survey_header_free(rd.h);
    reader_clear(&rd);
    return rc;
}

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

int lotk_survey_read_range(struct lotk_survey *sv, const struct lotk_survey_header *h,
                           int fd, uint64_t start, uint64_t end, long first_line,
                           long *lines, bool *ends_in_quote, struct lotk_err *err)
{
    struct reader rd;
    struct csv_parser parser;
    *ends_in_quote = false;
    *lines = 0;
    if (csv_init(&parser, PARSER_OPTIONS) != 0)
        return lotk_err_set(err, LOTK_EIO, h->file, 0, 0, "cannot start the CSV parser");
    set_delimiter(&parser, h->delimiter);
    reader_init(&rd, sv, h->file, err);
    rd.h = (struct lotk_survey_header *)h; /* only read outside the header phase */
    arm_fast_path(&rd);
    rd.line = rd.row_line = first_line;
    rd.offset = start;
    reset_row(&rd);
    struct source src = {.fd = fd, .at = start, .end = end};
    int rc = pump(&rd, &parser, &src, false, false);
    if (rc == 0 && in_quoted_field(&parser)) {
        /* Inside a quoted field at the end of the range: for the last range of a file an
         * unclosed quote, for any other the sign that the next range began mid-field. */
        *ends_in_quote = true;
        rc = lotk_err_set(err, LOTK_EIO, h->file, rd.row_line, 0,
                          "a quoted field that starts on this line is never closed");
    } else if (rc == 0) {
        csv_fini(&parser, on_field, on_row_end, &rd);
    }
    if (rc == 0)
        rc = rd.stop;
    *lines = rd.line - first_line;
    csv_free(&parser);
    reader_clear(&rd);
    return rc;
}

bool lotk_survey_ids_overlap(const struct lotk_survey *a, const struct lotk_survey *b)
{
    for (size_t i = 0; i < b->seen_ids.cap; i++) {
        const struct lotk_strmap_slot *slot = &b->seen_ids.slots[i];
        if (slot->key && lotk_strmap_get(&a->seen_ids, slot->key, slot->len) >= 0)
            return true;
    }
    return false;
}

void lotk_survey_absorb(struct lotk_survey *a, const struct lotk_survey *b)
{
    for (size_t i = 0; i < b->seen_ids.cap; i++) {
        const struct lotk_strmap_slot *slot = &b->seen_ids.slots[i];
        if (slot->key)
            lotk_strmap_put(&a->seen_ids, slot->key, slot->len, 1);
    }
    a->counts.rows += b->counts.rows;
    a->counts.scored += b->counts.scored;
    a->counts.rejected += b->counts.rejected;
    a->counts.screened += b->counts.screened;
}

void lotk_survey_set_progress(struct lotk_survey *sv, struct lotk_progress *progress)
{
    sv->progress = progress;
}

void lotk_survey_set_options(struct lotk_survey *sv, const struct lotk_survey_options *opts)
{
    sv->opts = *opts;
}

int lotk_survey_parse_delimiter(const char *text, char *out)
{
    static const struct {
        const char *name;
        char c;
    } names[] = {{"auto", 0}, {"comma", ','}, {",", ','}, {"tab", '\t'}, {"\\t", '\t'},
                 {"semicolon", ';'}, {";", ';'}};
    for (size_t i = 0; i < sizeof names / sizeof *names; i++)
        if (strcmp(text, names[i].name) == 0) {
            *out = names[i].c;
            return 0;
        }
    return -1;
}

int lotk_survey_options_parse(const char *command, const char *delimiter, const char *encoding,
                              struct lotk_survey_options *opts, struct lotk_err *err)
{
    if (delimiter && lotk_survey_parse_delimiter(delimiter, &opts->delimiter) != 0)
        return lotk_err_set(err, LOTK_EUSAGE, NULL, 0, 0,
                            "%s: --delimiter takes comma, tab, semicolon or auto, not '%s'",
                            command, delimiter);
    if (encoding && lotk_encoding_parse(encoding, &opts->encoding) != 0)
        return lotk_err_set(err, LOTK_EUSAGE, NULL, 0, 0,
                            "%s: --encoding takes auto, utf-8 or gb18030, not '%s'", command,
                            encoding);
    return 0;
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

void lotk_survey_on_header(struct lotk_survey *sv,
                           void (*fn)(void *ctx, const struct lotk_survey_header *h),
                           void *ctx)
{
    sv->on_header = fn;
    sv->on_header_ctx = ctx;
}

void lotk_survey_note(const struct lotk_survey *sv, const char *file)
{
    char d = sv->last_delimiter;
    lotk_diag(stderr, "note", file, 0, 0, "read as %s, %s-separated",
              lotk_encoding_name(sv->last_encoding),
              d == '\t' ? "tab" : d == ';' ? "semicolon" : "comma");
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

struct lotk_survey *lotk_survey_new(const struct lotk_standard *s,
                                    const struct lotk_survey_sink *sink)
{
    struct lotk_survey *sv = lotk_xcalloc(1, sizeof *sv);
    sv->s = s;
    sv->sink = *sink;
    return sv;
}

struct lotk_survey_counts lotk_survey_counts(const struct lotk_survey *sv)
{
    return sv->counts;
}

void lotk_survey_free(struct lotk_survey *sv)
{
    if (!sv)
        return;
    lotk_strmap_free(&sv->seen_ids);
    free(sv);
}
