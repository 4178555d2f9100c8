/* answer.c — one answer decoded through its item: numbers on the scale, labels, missing
 * codes, answers as people type them (full-width digits, "5分", "4（同意）", "同意。"), and
 * the two ways a multi-select item arrives (labels joined by ┋, or a 0/1 column per
 * option); an answer that fits none rejects the row, with the closest label for text. */
#include "input/survey_private.h"

#include <math.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#include "base/buf.h"
#include "base/num.h"
#include "base/strmap.h"
#include "base/text.h"
#include "standard/header.h"

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

/* How an answer as people type it reads, once normalised (header.h: full-width digits and
 * punctuation folded, blanks trimmed). */
enum typed { TYPED_NONE, TYPED_NUMBER, TYPED_LABEL, TYPED_MISSING, TYPED_CONFLICT };

/* Sentence punctuation after a label ("同意。", "同意!"), which is no part of it. */
static size_t strip_full_stop(const char *s, size_t n)
{
    for (;;) {
        if (n >= 3 && memcmp(s + n - 3, "\xE3\x80\x82", 3) == 0) /* 。 */
            n -= 3;
        else if (n >= 1 && (s[n - 1] == '.' || s[n - 1] == '!'))
            n--;
        else if (n >= 1 && s[n - 1] == ' ')
            n--;
        else
            return n;
    }
}

/* Whether s (normalised) starts like a number: a digit, or a sign or point and a digit. */
static bool looks_numeric(const char *s)
{
    if (*s == '-' || *s == '+' || *s == '.')
        s++;
    return *s >= '0' && *s <= '9';
}

/* Reads the normalised answer s[0..n) as people type it: a number with a unit "5分" or
 * with its option's label "4(同意)" (a label of another value is a conflict, *label set to
 * it), or a label or missing code with a full stop after it "同意。". */
static enum typed read_typed(const struct lotk_scale *sc, const char *s, size_t n, double *v,
                             int *label)
{
    size_t k = 0;
    if (k < n && (s[k] == '-' || s[k] == '+'))
        k++;
    while (k < n && ((s[k] >= '0' && s[k] <= '9') || s[k] == '.'))
        k++;
    if (k > 0 && looks_numeric(s) && lotk_parse_double(s, k, v) == 0) {
        const char *rest = s + k;
        size_t m = n - k;
        if (m > 0 && *rest == ' ')
            rest++, m--;
        if (m == strlen("分") && memcmp(rest, "分", m) == 0)
            return TYPED_NUMBER;
        if (m >= 2 && rest[0] == '(' && rest[m - 1] == ')' &&
            !memchr(rest + 1, '(', m - 2) && !memchr(rest + 1, ')', m - 2)) {
            *label = lotk_strmap_get(&sc->labels, rest + 1, m - 2);
            if (*label >= 0 && sc->label_values[*label] != *v)
                return TYPED_CONFLICT;
            return TYPED_NUMBER;
        }
    }
    size_t t = strip_full_stop(s, n);
    if (t == n || t == 0)
        return TYPED_NONE;
    if ((*label = lotk_strmap_get(&sc->labels, s, t)) >= 0)
        return TYPED_LABEL;
    if (lotk_strmap_get(&sc->missing, s, t) >= 0)
        return TYPED_MISSING;
    return TYPED_NONE;
}

/* A number on the scale, or the row rejected for being outside it. */
static bool on_scale(struct lotk_survey_reader *rd, size_t col, const struct lotk_item *item,
                     const char *text, size_t len, double v, double *out)
{
    const struct lotk_scale *sc = &rd->sv->s->scales[item->scale];
    if (v >= sc->min && v <= sc->max) {
        *out = v;
        return true;
    }
    lotk_survey_reject_row(rd, (long)col + 1,
                           "item %s (column '%s'): answer %.*s is outside the scale %s "
                           "[%g, %g]", item->id, lotk_survey_header_text(rd, col),
                           (int)len, text, sc->id, sc->min, sc->max);
    return false;
}

/* An answer that is none of the exact forms, normalised and read as people type it;
 * returns false with a reason set when it still means nothing on the scale. */
static bool decode_typed(struct lotk_survey_reader *rd, size_t col,
                         const struct lotk_item *item, const char *text, size_t len,
                         double *out)
{
    const struct lotk_scale *sc = &rd->sv->s->scales[item->scale];
    struct lotk_buf *norm = &rd->typed; /* reused: an export may type every answer so */
    bool ok = true;
    double v;
    int label = -1;
    lotk_header_normalize_n(text, len, norm);
    if (lotk_strmap_get(&sc->missing, norm->data, norm->len) >= 0) {
        *out = NAN;
    } else if (lotk_parse_double(norm->data, norm->len, &v) == 0) {
        ok = on_scale(rd, col, item, text, len, v, out);
    } else if ((label = lotk_strmap_get(&sc->labels, norm->data, norm->len)) >= 0) {
        *out = sc->label_values[label];
    } else {
        switch (read_typed(sc, norm->data, norm->len, &v, &label)) {
        case TYPED_NUMBER:
            ok = on_scale(rd, col, item, text, len, v, out);
            break;
        case TYPED_LABEL:
            *out = sc->label_values[label];
            break;
        case TYPED_MISSING:
            *out = NAN;
            break;
        case TYPED_CONFLICT:
            lotk_survey_reject_row(rd, (long)col + 1,
                                   "item %s (column '%s'): answer '%.*s' says %g, but its "
                                   "label means %g on scale %s", item->id,
                                   lotk_survey_header_text(rd, col), (int)len, text, v,
                                   sc->label_values[label], sc->id);
            ok = false;
            break;
        case TYPED_NONE:
            /* A number gets no label as a hint: 7 is not "close" to 非常同意. */
            if (sc->nlabels && !looks_numeric(norm->data))
                lotk_survey_reject_row(rd, (long)col + 1,
                                       "item %s (column '%s'): unknown answer '%.*s'; the "
                                       "closest label of scale %s is '%s'", item->id,
                                       lotk_survey_header_text(rd, col), (int)len, text,
                                       sc->id, closest(norm->data, &sc->labels, NULL, 0));
            else
                lotk_survey_reject_row(rd, (long)col + 1,
                                       "item %s (column '%s'): unknown answer '%.*s' (scale %s "
                                       "takes numbers in [%g, %g]%s)", item->id,
                                       lotk_survey_header_text(rd, col), (int)len, text,
                                       sc->id, sc->min, sc->max,
                                       sc->nlabels ? " or one of its labels" : "");
            ok = false;
            break;
        }
    }
    return ok;
}

/* Decodes one answer through its item's scale; returns false with a reason set. The exact
 * forms first (a missing code, a number, a label as declared), then as people type them. */
static bool decode_answer(struct lotk_survey_reader *rd, size_t col,
                          const struct lotk_item *item, const char *text, size_t len,
                          double *out)
{
    const struct lotk_scale *sc = &rd->sv->s->scales[item->scale];
    /* The missing codes come first: "9" or "-2" may be declared no answer. */
    if (lotk_strmap_get(&sc->missing, text, len) >= 0) {
        *out = NAN;
        return true;
    }
    double v;
    if (lotk_parse_double(text, len, &v) == 0)
        return on_scale(rd, col, item, text, len, v, out);
    int label = lotk_strmap_get(&sc->labels, text, len);
    if (label >= 0) {
        *out = sc->label_values[label];
        return true;
    }
    return decode_typed(rd, col, item, text, len, out);
}

/* A multi item's cell of labels joined by ┋ (wjx text export): the sum of their values. */
static void decode_multi_text(struct lotk_survey_reader *rd, size_t col,
                              const struct lotk_item *item, const char *text, size_t len)
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
                lotk_survey_reject_row(rd, (long)col + 1,
                                       "item %s (column '%s'): '%s' is none of its options; "
                                       "closest: '%s'", item->id,
                                       lotk_survey_header_text(rd, col), norm.data,
                                       closest(norm.data, NULL, item->options,
                                               item->noptions));
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
static void decode_multi_flag(struct lotk_survey_reader *rd, size_t col,
                              const struct lotk_column_plan *cp, const char *text,
                              size_t len)
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
    lotk_survey_reject_row(rd, (long)col + 1,
                           "item %s (column '%s', option '%s'): expected 0 or 1, found '%.*s'",
                           item->id, lotk_survey_header_text(rd, col),
                           item->options[cp->option].label, (int)len, text);
}

void lotk_answer_decode(struct lotk_survey_reader *rd, size_t col,
                        const struct lotk_column_plan *cp, const char *text, size_t len)
{
    const struct lotk_item *item = &rd->sv->s->items[cp->item];
    if (item->type != LOTK_ITEM_MULTI)
        decode_answer(rd, col, item, text, len, &rd->answers[cp->item]);
    else if (cp->option >= 0)
        decode_multi_flag(rd, col, cp, text, len);
    else
        decode_multi_text(rd, col, item, text, len);
}
