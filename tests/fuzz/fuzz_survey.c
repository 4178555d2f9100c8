/* fuzz_survey.c — the survey reader and answer decoder on arbitrary bytes, read as a CSV
 * export against a small standard that uses every way of reading a column: exact headers,
 * patterns, question numbers and matrix rows, labels, a multi-select item, skip codes and
 * screening. Properties: no crash or leak; every row is accounted for (rows = scored +
 * rejected + screened); every answer handed on is no answer (NaN) or within its scale;
 * every rejected row names a line within the input. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "fuzz.h"
#include "standard/standard.h"
#include "input/survey.h"

static const char standard_yaml[] =
    "format: lotk/1\n"
    "id: fuzz\n"
    "version: '1'\n"
    "kind: other\n"
    "title: {zh: 模糊测试, en: Fuzz}\n"
    "scales:\n"
    "  agree5: {min: 1, max: 5, labels: {非常不同意: 1, 不同意: 2, 一般: 3, 同意: 4, 非常同意: 5}}\n"
    "  count3: {min: 0, max: 3}\n"
    "survey: {org_column: {match: '^(单位|org)$'}, id_column: 序号}\n"
    "screening: {straight_lining: 4, attention: [{column: {question: 9}, expect: 同意}], "
    "max_missing: 0.9}\n"
    "indicators:\n"
    "  - id: A\n"
    "    items:\n"
    "      - {id: a1, column: {question: 1}, scale: agree5}\n"
    "      - {id: a2, column: {question: 2, row: 1}, scale: agree5, reverse: true}\n"
    "      - {id: a3, column: {match: '^3[、.]'}, scale: agree5}\n"
    "      - {id: a4, column: q4, scale: agree5}\n"
    "  - id: B\n"
    "    items:\n"
    "      - {id: m5, type: multi, column: {question: 5}, scale: count3,\n"
    "         options: [{label: 读书会, value: 1}, {label: 讲座, value: 1}, {label: 培训, value: 1}]}\n";

static struct lotk_standard *standard;

struct tally {
    long rows_seen, rejects_seen;
    long max_line;
};

static int on_row(void *ctx, const struct lotk_row *row, struct lotk_err *err)
{
    struct tally *t = ctx;
    t->rows_seen++;
    FUZZ_CHECK(row->org && row->org_len > 0);
    FUZZ_CHECK(row->line >= 1 && row->line <= t->max_line);
    for (size_t i = 0; i < standard->nitems; i++) {
        double a = row->answers[i];
        const struct lotk_scale *sc = &standard->scales[standard->items[i].scale];
        FUZZ_CHECK(a != a || (a >= sc->min && a <= sc->max));
    }
    (void)err;
    return 0;
}

static void on_reject(void *ctx, const struct lotk_reject *rj)
{
    struct tally *t = ctx;
    t->rejects_seen++;
    FUZZ_CHECK(rj->reason && rj->reason[0]);
    FUZZ_CHECK(rj->line >= 1 && rj->line <= t->max_line);
}

static void load_standard(void)
{
    char path[] = "/tmp/lotk-fuzz-survey-XXXXXX";
    int fd = mkstemp(path);
    FUZZ_CHECK(fd >= 0);
    FUZZ_CHECK(write(fd, standard_yaml, sizeof standard_yaml - 1) ==
               (ssize_t)(sizeof standard_yaml - 1));
    close(fd);
    struct lotk_diags diags = {0};
    int rc = lotk_standard_load(path, &standard, &diags);
    if (rc)
        lotk_diags_print(&diags, stderr);
    FUZZ_CHECK(rc == 0);
    lotk_diags_free(&diags);
    unlink(path);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (!standard)
        load_standard();
    struct tally t = {.max_line = 1};
    for (size_t i = 0; i < size; i++) /* any of CR, LF may end a line */
        t.max_line += data[i] == '\n' || data[i] == '\r';
    FILE *f = fmemopen(size ? (void *)data : (void *)"", size, "rb");
    FUZZ_CHECK(f != NULL);
    struct lotk_survey_sink sink = {on_row, &t, on_reject, &t, true};
    struct lotk_survey *sv = lotk_survey_new(standard, &sink);
    struct lotk_err err;
    lotk_err_clear(&err);
    int rc = lotk_survey_read_stream(sv, f, "fuzz.csv", &err);
    struct lotk_survey_counts c = lotk_survey_counts(sv);
    FUZZ_CHECK(c.rows == c.scored + c.rejected + c.screened);
    FUZZ_CHECK(c.scored == t.rows_seen);
    FUZZ_CHECK(c.rejected + c.screened == t.rejects_seen);
    FUZZ_CHECK(rc == 0 || (rc < 0 && err.msg[0]));
    lotk_survey_free(sv);
    fclose(f);
    return 0;
}
