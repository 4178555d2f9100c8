/* writer.h — writing a result: the table of formats, each a writer in a file of its own
 * (json.c, csv.c, table.c) that reads only the result table (analysis/result_table.h).
 *
 * Writers fill a buffer; lotk_write_result decides where it goes (stdout or an atomic -o
 * file) and streams it out as it grows, so a failure never leaves partial output behind
 * and a batch of 300,000 organizations is never held whole. Output depends only on the
 * result: no time stamps, no locale. */
#ifndef LOTK_WRITER_H
#define LOTK_WRITER_H

#include <stdbool.h>
#include <stddef.h>

#include "analysis/result_table.h"
#include "base/buf.h"
#include "base/err.h"

struct lotk_write_opts {
    bool respondents; /* JSON: include the respondents array */
    bool bom;         /* CSV: start with a UTF-8 byte-order mark, for Excel */
    int jobs;         /* threads formatting organizations (0 or 1: this one) */
    /* Called with the text so far whenever it grows large; it takes the text and resets
     * the buffer. NULL keeps everything in the buffer. Set by lotk_write_result. */
    void (*flush)(void *ctx, struct lotk_buf *text);
    void *flush_ctx;
};

typedef void lotk_writer_fn(const struct lotk_result_table *t, const struct lotk_write_opts *opts,
                            struct lotk_buf *out);

struct lotk_writer {
    const char *format; /* as -f names it */
    lotk_writer_fn *write;
};

/* The writer of format (table, json or csv), or NULL. */
const struct lotk_writer *lotk_writer_find(const char *format);

/* Writes t in format (which lotk_writer_find knows) to path ("-" = stdout), streamed
 * through an atomic output (base/file.h): nothing replaces the file unless all of it was
 * written. Returns 0 or LOTK_EIO. */
int lotk_write_result(const struct lotk_result_table *t, const char *format, const char *path,
                      const struct lotk_write_opts *opts, struct lotk_err *err);

/* ---- for the writers ----------------------------------------------------------------- */

/* Writes organization i of t's result, with whatever follows it. */
typedef void lotk_org_writer(const struct lotk_result_table *t, const struct lotk_write_opts *opts,
                             size_t i, struct lotk_buf *out);

/* Writes every organization in order. Formatting numbers is most of the cost with many
 * organizations, so with opts->jobs > 1 blocks of them are formatted by threads, each
 * into its own buffer, and appended in order: the text is the same, byte for byte. */
void lotk_write_each_org(const struct lotk_result_table *t, const struct lotk_write_opts *opts,
                         lotk_org_writer *write, struct lotk_buf *out);

/* Hands out's text to opts->flush once it has grown large. */
void lotk_write_maybe_flush(const struct lotk_write_opts *opts, struct lotk_buf *out);

#endif
