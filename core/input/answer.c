/* answer.c — one answer decoded through its item: numbers on the scale, labels, missing
 * codes, and the two ways a multi-select item arrives (labels joined by ┋, or a 0/1 column
 * per option); an answer that fits none rejects the row, with the closest label. */
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

/* Decodes one answer through its item's scale; returns false with a reason set. */
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
    if (lotk_parse_double(text, len, &v) == 0) {
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
            lotk_survey_reject_row(rd, (long)col + 1,
                                   "item %s (column '%s'): unknown answer '%.*s'; the closest "
                                   "label of scale %s is '%s'", item->id,
                                   lotk_survey_header_text(rd, col), (int)len, text, sc->id,
                                   closest(norm.data, &sc->labels, NULL, 0));
            lotk_buf_free(&norm);
            return false;
        }
        lotk_buf_free(&norm);
    }
    if (label >= 0) {
        *out = sc->label_values[label];
        return true;
    }
    lotk_survey_reject_row(rd, (long)col + 1,
                           "item %s (column '%s'): unknown answer '%.*s' (scale %s takes "
                           "numbers in [%g, %g]%s)", item->id, lotk_survey_header_text(rd, col),
                           (int)len, text, sc->id, sc->min, sc->max,
                           sc->nlabels ? " or one of its labels" : "");
    return false;
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
