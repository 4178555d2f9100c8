/* screen.c — the standard's screening of a decoded row: answering too fast, failing an
 * attention check, straight-lining, too many items unanswered. A screened respondent is
 * counted apart from a malformed row. */
#include "input/survey_private.h"

#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>

#include "base/buf.h"
#include "base/num.h"
#include "base/strmap.h"
#include "base/text.h"
#include "standard/header.h"

static void screen(struct lotk_survey_reader *rd, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));

static void screen(struct lotk_survey_reader *rd, const char *fmt, ...)
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

/* The first check a respondent fails screens them out. */
void lotk_screen_row(struct lotk_survey_reader *rd)
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
