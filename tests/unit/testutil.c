/* testutil.c — see testutil.h. */
#include "testutil.h"

#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "base/mem.h"
#include "base/file.h"

char *tu_tempdir(void)
{
    const char *base = getenv("TMPDIR");
    char *dir = lotk_xasprintf("%s/lotk-unit.XXXXXX", base && *base ? base : "/tmp");
    if (!mkdtemp(dir))
        fail_msg("mkdtemp %s failed", dir);
    return dir;
}

void tu_rmtree(char *dir)
{
    if (!dir)
        return;
    DIR *d = opendir(dir);
    if (d) {
        struct dirent *e;
        while ((e = readdir(d))) {
            if (strcmp(e->d_name, ".") == 0 || strcmp(e->d_name, "..") == 0)
                continue;
            char *p = lotk_xasprintf("%s/%s", dir, e->d_name);
            unlink(p);
            free(p);
        }
        closedir(d);
    }
    rmdir(dir);
    free(dir);
}

char *tu_write(const char *dir, const char *name, const char *data, long len)
{
    char *path = lotk_xasprintf("%s/%s", dir, name);
    FILE *f = fopen(path, "wb");
    if (!f)
        fail_msg("cannot create %s", path);
    size_t n = len < 0 ? strlen(data) : (size_t)len;
    if (fwrite(data, 1, n, f) != n || fclose(f) != 0)
        fail_msg("cannot write %s", path);
    return path;
}

char *tu_slurp(const char *path, size_t *len)
{
    char *data = NULL;
    struct lotk_err io = {0};
    size_t n = 0;
    if (lotk_file_read(path, 1 << 24, &data, &n, &io) != 0)
        return NULL;
    if (len)
        *len = n;
    return data;
}

struct lotk_standard *tu_load(const char *yaml, struct lotk_diags *diags)
{
    char *dir = tu_tempdir();
    char *path = tu_write(dir, "standard.yaml", yaml, -1);
    struct lotk_standard *s = NULL;
    int rc = lotk_standard_load(path, &s, diags);
    if ((rc == 0) != (s != NULL))
        fail_msg("lotk_standard_load returned %d but *out is %p", rc, (void *)s);
    if (rc == 0 && diags->errors)
        fail_msg("lotk_standard_load returned 0 with %zu errors", diags->errors);
    if (rc != 0 && !diags->errors)
        fail_msg("lotk_standard_load returned %d without reporting an error", rc);
    free(path);
    tu_rmtree(dir);
    return s;
}

struct lotk_standard *tu_load_ok(const char *yaml)
{
    struct lotk_diags diags = {0};
    struct lotk_standard *s = tu_load(yaml, &diags);
    if (!s) {
        lotk_diags_print(&diags, stderr);
        lotk_diags_free(&diags);
        fail_msg("the standard did not load");
    }
    lotk_diags_free(&diags);
    return s;
}

int tu_find_diag(const struct lotk_diags *d, const char *needle)
{
    for (size_t i = 0; i < d->count; i++)
        if (strstr(d->entries[i].err.msg, needle))
            return (int)i;
    return -1;
}

void tu_expect_diag(const struct lotk_diags *d, long line, long column, const char *needle,
                    const char *file, int source_line)
{
    for (size_t i = 0; i < d->count; i++) {
        const struct lotk_err *e = &d->entries[i].err;
        if (!d->entries[i].warning && strstr(e->msg, needle) && e->line == line &&
            e->column == column) {
            if (e->code != LOTK_ESTANDARD)
                _fail(file, source_line);
            return;
        }
    }
    fprintf(stderr, "expected an error at %ld:%ld containing \"%s\"; got:\n", line, column,
            needle);
    lotk_diags_print(d, stderr);
    _fail(file, source_line);
}

/* ---- survey ------------------------------------------------------------------------ */

static int keep_row(void *ctx, const struct lotk_row *row, struct lotk_err *err)
{
    struct tu_read *r = ctx;
    r->rows = lotk_xrealloc(r->rows, (r->nrows + 1) * sizeof *r->rows);
    struct tu_row *t = &r->rows[r->nrows++];
    t->line = row->line;
    if (strlen(row->org) != row->org_len)
        fail_msg("org_len %zu does not match the organization id '%s'", row->org_len, row->org);
    t->org = lotk_xstrdup(row->org);
    t->resp = row->resp ? lotk_xstrdup(row->resp) : NULL;
    t->answers = lotk_xmalloc((r->s->nitems ? r->s->nitems : 1) * sizeof *t->answers);
    memcpy(t->answers, row->answers, r->s->nitems * sizeof *t->answers);
    t->small = row->small;
    (void)err;
    return 0;
}

static void keep_reject(void *ctx, const struct lotk_reject *rj)
{
    struct tu_read *r = ctx;
    r->rejects = lotk_xrealloc(r->rejects, (r->nrejects + 1) * sizeof *r->rejects);
    struct tu_reject *t = &r->rejects[r->nrejects++];
    t->file = lotk_xstrdup(rj->file);
    t->line = rj->line;
    t->column = rj->column;
    t->reason = lotk_xstrdup(rj->reason);
    t->nfields = rj->nfields;
    t->fields = lotk_xcalloc(rj->nfields ? rj->nfields : 1, sizeof *t->fields);
    for (size_t i = 0; i < rj->nfields; i++)
        t->fields[i] = lotk_xstrdup(rj->fields[i]);
}

void tu_sinks(struct tu_read *r, struct lotk_survey_sink *sink)
{
    *sink = (struct lotk_survey_sink){.on_row = keep_row, .row_ctx = r, .on_reject = keep_reject,
                                      .reject_ctx = r, .reject_fields = true};
}

static void read_csv(const struct lotk_standard *s, const char *csv, long len, bool fields,
                     struct tu_read *out)
{
    memset(out, 0, sizeof *out);
    out->s = s;
    char *dir = tu_tempdir();
    char *path = tu_write(dir, "responses.csv", csv, len);
    struct lotk_survey_sink sink;
    tu_sinks(out, &sink);
    sink.reject_fields = fields;
    struct lotk_survey *sv = lotk_survey_new(s, &sink);
    lotk_err_clear(&out->err);
    out->rc = lotk_survey_read(sv, path, &out->err);
    out->counts = lotk_survey_counts(sv);
    lotk_survey_free(sv);
    /* The file name in messages is a temporary path; tests look at the rest. */
    free(path);
    tu_rmtree(dir);
}

void tu_read_csv(const struct lotk_standard *s, const char *csv, long len, struct tu_read *out)
{
    read_csv(s, csv, len, true, out);
}

void tu_read_csv_fast(const struct lotk_standard *s, const char *csv, long len,
                      struct tu_read *out)
{
    read_csv(s, csv, len, false, out);
}

void tu_read_free(struct tu_read *r)
{
    for (size_t i = 0; i < r->nrows; i++) {
        free(r->rows[i].org);
        free(r->rows[i].resp);
        free(r->rows[i].answers);
    }
    free(r->rows);
    for (size_t i = 0; i < r->nrejects; i++) {
        free(r->rejects[i].file);
        free(r->rejects[i].reason);
        for (size_t k = 0; k < r->rejects[i].nfields; k++)
            free(r->rejects[i].fields[k]);
        free(r->rejects[i].fields);
    }
    free(r->rejects);
    memset(r, 0, sizeof *r);
}

struct lotk_result *tu_score_csv(const struct lotk_standard *s, const char *csv)
{
    char *dir = tu_tempdir();
    char *path = tu_write(dir, "responses.csv", csv, -1);
    struct lotk_scorer *sc = lotk_scorer_new(s, NULL, true);
    struct lotk_survey_sink sink = {.on_row = lotk_scorer_add, .row_ctx = sc};
    struct lotk_survey *sv = lotk_survey_new(s, &sink);
    struct lotk_err err;
    lotk_err_clear(&err);
    int rc = lotk_survey_read(sv, path, &err);
    if (rc != 0) {
        lotk_err_print(&err, stderr);
        fail_msg("reading the survey failed");
    }
    struct lotk_result *r = NULL;
    if (lotk_scorer_finish(sc, lotk_survey_counts(sv), &r, &err) != 0 || !r) {
        lotk_err_print(&err, stderr);
        fail_msg("lotk_scorer_finish failed");
    }
    lotk_survey_free(sv);
    lotk_scorer_free(sc);
    free(path);
    tu_rmtree(dir);
    return r;
}

const struct lotk_org_result *tu_org(const struct lotk_result *r, const char *id)
{
    for (size_t i = 0; i < r->norgs; i++)
        if (strcmp(r->orgs[i].id, id) == 0)
            return &r->orgs[i];
    fail_msg("no organization '%s' in the result", id);
    return NULL;
}

int tu_node(const struct lotk_standard *s, const char *id)
{
    int i = lotk_standard_find_node(s, id);
    if (i < 0)
        fail_msg("no node '%s' in the standard", id);
    return i;
}

bool tu_close(double a, double b, double rel)
{
    if (isnan(a) || isnan(b))
        return isnan(a) && isnan(b);
    if (a == b)
        return true;
    double scale = fabs(a) > fabs(b) ? fabs(a) : fabs(b);
    return fabs(a - b) <= rel * scale;
}
