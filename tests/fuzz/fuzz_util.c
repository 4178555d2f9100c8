/* fuzz_util.c — what the fuzz targets share beyond fuzz.h's inline check: inputs as files
 * for the readers that take a path, inputs made of several files. Linked into every
 * target, libFuzzer's and the replay driver's alike. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <jansson.h>

#include "fuzz.h"
#include "analysis/result_table.h"
#include "output/writer.h"

static char dir[64];
static char names[16][128]; /* every path handed out, removed at exit */
static int nnames;

static void remove_dir(void)
{
    for (int i = 0; i < nnames; i++)
        unlink(names[i]);
    rmdir(dir);
}

const char *fuzz_dir(void)
{
    if (!dir[0]) {
        snprintf(dir, sizeof dir, "%s", "/tmp/lotk-fuzz-XXXXXX");
        FUZZ_CHECK(mkdtemp(dir) != NULL);
        atexit(remove_dir);
    }
    return dir;
}

const char *fuzz_path(const char *name)
{
    char path[128];
    snprintf(path, sizeof path, "%s/%s", fuzz_dir(), name);
    for (int i = 0; i < nnames; i++)
        if (strcmp(names[i], path) == 0)
            return names[i];
    FUZZ_CHECK(nnames < 16);
    memcpy(names[nnames], path, sizeof path);
    return names[nnames++];
}

const char *fuzz_file(const char *name, const void *data, size_t size)
{
    const char *path = fuzz_path(name);
    FILE *f = fopen(path, "wb");
    FUZZ_CHECK(f != NULL);
    FUZZ_CHECK(size == 0 || fwrite(data, 1, size, f) == size);
    FUZZ_CHECK(fclose(f) == 0);
    return path;
}

void fuzz_split(const uint8_t *data, size_t size, const char *sep, const uint8_t **second,
                size_t *first_len, size_t *second_len)
{
    size_t n = strlen(sep);
    *second = NULL;
    *first_len = size;
    *second_len = 0;
    for (size_t i = 0; n && i + n <= size; i++)
        if (memcmp(data + i, sep, n) == 0) {
            *first_len = i;
            *second = data + i + n;
            *second_len = size - i - n;
            return;
        }
}

void fuzz_use_source_plugins(void)
{
    setenv("LOTK_PLUGIN_PATH", LOTK_SOURCE_DIR "/plugins", 1);
}

/* ---- a scored result, checked and written --------------------------------------------- */

static void check_json(const struct lotk_buf *text, const struct lotk_result *r)
{
    json_error_t jerr;
    json_t *doc = json_loadb(text->data ? text->data : "", text->len, 0, &jerr);
    FUZZ_CHECK(doc != NULL); /* lotk's JSON is JSON, whatever went into it */
    const json_t *input = json_object_get(doc, "input");
    FUZZ_CHECK(json_integer_value(json_object_get(input, "rows")) == r->counts.rows);
    const json_t *orgs = json_object_get(doc, "organizations");
    FUZZ_CHECK(json_is_array(orgs) && json_array_size(orgs) == r->norgs);
    for (size_t i = 0; i < r->norgs; i++) {
        const json_t *o = json_array_get(orgs, i);
        const json_t *id = json_object_get(o, "id");
        FUZZ_CHECK(json_is_string(id) && strcmp(json_string_value(id), r->orgs[i].id) == 0);
        const json_t *points = json_object_get(o, "points");
        FUZZ_CHECK(isfinite(r->orgs[i].points) ? json_is_number(points) : json_is_null(points));
    }
    json_decref(doc);
}

void fuzz_check_result(const struct lotk_result *r, const struct lotk_ranks *ranks,
                       const struct lotk_rejects *rejects, bool from_rows)
{
    const struct lotk_standard *s = r->standard;
    const struct lotk_survey_counts *c = &r->counts;
    FUZZ_CHECK(c->rows == c->scored + c->rejected + c->screened);
    for (size_t i = 0; i < r->norgs; i++) {
        const struct lotk_org_result *o = &r->orgs[i];
        FUZZ_CHECK(o->id != NULL);
        FUZZ_CHECK(i == 0 || strcmp(r->orgs[i - 1].id, o->id) != 0);
        FUZZ_CHECK(!from_rows || (o->respondents >= 0 && o->respondents <= c->scored));
        FUZZ_CHECK(o->band >= -1 && o->band < (int)s->nbands);
        FUZZ_CHECK(o->band < 0 || s->bands[o->band].grade);
        FUZZ_CHECK(!isinf(o->points)); /* a number or none, never infinite */
        for (size_t k = 0; k < s->nnodes; k++) {
            FUZZ_CHECK(!isinf(o->points_of[k]) && !isinf(o->mean[k]));
            if (!from_rows)
                continue;
            double norm = o->norm[k];
            FUZZ_CHECK(isnan(norm) || (norm >= 0 && norm <= 1));
            FUZZ_CHECK(o->n[k] >= 0 && o->n[k] <= o->respondents);
        }
    }
    /* Every format writes it; the JSON parses and says what the result says. */
    struct lotk_result_table t;
    lotk_result_table_init(&t, r, ranks, NULL, LOTK_TABLE_BASIS | LOTK_TABLE_SUMMARY);
    if (rejects)
        lotk_result_table_set_rejects(&t, rejects);
    struct lotk_write_opts opts = {.lang = s->lang};
    static const char *const formats[] = {"json", "csv", "table"};
    for (int f = 0; f < 3; f++) {
        struct lotk_buf out = {0};
        const struct lotk_writer *w = lotk_writer_find(formats[f]);
        FUZZ_CHECK(w != NULL);
        w->write(&t, &opts, &out);
        FUZZ_CHECK(out.len > 0);
        FUZZ_CHECK(fuzz_utf8_valid((const unsigned char *)out.data, out.len));
        if (f == 0)
            check_json(&out, r);
        lotk_buf_free(&out);
    }
    lotk_result_table_clear(&t);
}

void fuzz_result_json(const struct lotk_result *r, struct lotk_buf *out)
{
    struct lotk_result_table t;
    lotk_result_table_init(&t, r, NULL, NULL, LOTK_TABLE_BASIS | LOTK_TABLE_SUMMARY);
    struct lotk_write_opts opts = {.lang = r->standard->lang};
    lotk_writer_find("json")->write(&t, &opts, out);
    lotk_result_table_clear(&t);
}
