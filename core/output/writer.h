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
#include "output/emit.h"

typedef void lotk_writer_fn(const struct lotk_result_table *t, const struct lotk_write_opts *opts,
                            struct lotk_buf *out);

struct lotk_writer {
    const char *format; /* as -f names it */
    lotk_writer_fn *write;
};

/* The writer of format (table, json or csv), or NULL. */
const struct lotk_writer *lotk_writer_find(const char *format);

/* Whether format is one lotk_write_result writes: a writer of the table above, or a
 * report (output/report.h: html, md, xlsx, pdf). */
bool lotk_write_format_known(const char *format);

/* Writes t in format (which lotk_write_format_known knows) to path ("-" = stdout), streamed
 * through an atomic output (base/file.h): nothing replaces the file unless all of it was
 * written. A report is rendered from the JSON document of t, in opts->lang (NULL: the
 * standard's first language), by opts->plugins. Returns 0, LOTK_EIO, or what a report
 * plugin failed with (LOTK_EPLUGIN, LOTK_ESTANDARD). */
int lotk_write_result(const struct lotk_result_table *t, const char *format, const char *path,
                      const struct lotk_write_opts *opts, struct lotk_err *err);

#endif
