/* writer.c — the table of result writers, and a result streamed into an atomic output;
 * see writer.h. */
#include "output/writer.h"

#include <string.h>

#include "base/file.h"
#include "output/csv.h"
#include "output/json.h"
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

static void flush_to_output(void *ctx, struct lotk_buf *text)
{
    lotk_output_write(ctx, text->data, text->len);
    lotk_buf_reset(text);
}

int lotk_write_result(const struct lotk_result_table *t, const char *format, const char *path,
                      const struct lotk_write_opts *base, struct lotk_err *err)
{
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
