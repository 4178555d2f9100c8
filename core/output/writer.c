/* writer.c — the table of result writers, and a result streamed into an atomic output;
 * see writer.h. */
#include "output/writer.h"

#include <string.h>

#include "base/file.h"
#include "output/csv.h"
#include "output/json.h"
#include "output/report.h"
#include "output/table.h"

static const struct lotk_writer writers[] = {
    {"table", lotk_write_table_result},
    {"json", lotk_write_json_result},
    {"csv", lotk_write_csv_result},
};

const struct lotk_writer *lotk_writer_find(const char *format)
{
    for (size_t i = 0; i < sizeof writers / sizeof *writers; i++)
        if (strcmp(writers[i].format, format) == 0)
            return &writers[i];
    return NULL;
}

bool lotk_write_format_known(const char *format)
{
    return lotk_writer_find(format) || lotk_report_format(format);
}

/* A report: the JSON document first, read back as `lotk report` reads a saved one, so that
 * both render the very same tree. */
static int write_report(const struct lotk_result_table *t, const char *format, const char *path,
                        const struct lotk_write_opts *base, struct lotk_err *err)
{
    struct lotk_write_opts opts = *base;
    struct lotk_buf text = {0};
    opts.flush = NULL;
    opts.respondents = false; /* no report shows them */
    lotk_write_json_result(t, &opts, &text);
    json_error_t je;
    json_t *doc = json_loadb(text.data, text.len, 0, &je);
    lotk_buf_free(&text);
    if (!doc) /* the writer's own JSON always parses */
        return lotk_err_set(err, LOTK_EIO, NULL, je.line, je.column, "internal: %s", je.text);
    int rc = lotk_report_write(doc, format, opts.lang ? opts.lang : lotk_report_default_lang(doc),
                               opts.plugins, path, err);
    json_decref(doc);
    return rc;
}

static void flush_to_output(void *ctx, struct lotk_buf *text)
{
    lotk_output_write(ctx, text->data, text->len);
    lotk_buf_reset(text);
}

int lotk_write_result(const struct lotk_result_table *t, const char *format, const char *path,
                      const struct lotk_write_opts *base, struct lotk_err *err)
{
    if (lotk_report_format(format))
        return write_report(t, format, path, base, err);
    struct lotk_output dest;
    struct lotk_buf text = {0};
    int rc = lotk_output_open(&dest, path, err);
    if (rc)
        return rc;
    const struct lotk_writer *w = lotk_writer_find(format);
    struct lotk_write_opts opts = *base;
    opts.flush = flush_to_output;
    opts.flush_ctx = &dest;
    w->write(t, &opts, &text);
    flush_to_output(&dest, &text);
    lotk_buf_free(&text);
    return lotk_output_commit(&dest, err);
}
