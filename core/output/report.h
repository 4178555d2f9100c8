/* report.h — writing a scored result: JSON (DESIGN §7; trees built with jansson, text
 * written by jsonw.h), CSV and a text table.
 *
 * Writers fill a buffer; the caller decides where it goes (stdout or an atomic -o file),
 * so a failure never leaves partial output behind. Output depends only on the result:
 * no time stamps, no locale. */
#ifndef LOTK_REPORT_H
#define LOTK_REPORT_H

#include <stdbool.h>

#include "base/err.h"
#include "score/score.h"
#include "base/buf.h"
#include "base/csvw.h"

struct lotk_report_opts {
    bool respondents; /* JSON: include the respondents array */
    bool bom;         /* CSV: start with a UTF-8 byte-order mark, for Excel */
    /* Called with the text so far whenever it grows large, so that a batch of 300,000
     * organizations streams out instead of being held whole; it takes the text and
     * resets the buffer. NULL keeps everything in the buffer. */
    void (*flush)(void *ctx, struct lotk_buf *text);
    void *flush_ctx;
    int jobs;         /* threads formatting organizations (0 or 1: this one) */
    /* Statistics computed after scoring (issue 6); each NULL when not computed. */
    const struct lotk_ranks *ranks;             /* percentile ranks (norms.h) */
    const struct lotk_bootstrap *bootstrap;     /* bootstrap.h */
    bool org_reliability;                       /* JSON: the block compare needs */
};

struct json_t;

/* One organization's result as the JSON shows it (also what rule plugins see). The caller
 * owns the reference. */
struct json_t *lotk_report_org_json(const struct lotk_standard *s,
                                    const struct lotk_org_result *o);

/* Appends the JSON result to out. */
void lotk_report_json(const struct lotk_result *r, const struct lotk_report_opts *opts,
                      struct lotk_buf *out);

/* Appends one CSV row per organization: id, respondents, points, grade, then each node's
 * points and mean. */
void lotk_report_csv(const struct lotk_result *r, const struct lotk_report_opts *opts,
                     struct lotk_buf *out);

/* Appends a table for people: one line per organization with the total, the grade and the
 * points of each top-level indicator, then the flags that need attention. */
void lotk_report_table(const struct lotk_result *r, const struct lotk_report_opts *opts,
                       struct lotk_buf *out);

/* Whether format names a writer: table, json or csv. */
bool lotk_report_format_known(const char *format);

/* Writes r in format (table, json or csv) to path ("-" = stdout), streamed through an
 * atomic output (util.h): nothing replaces the file unless all of it was written. opts'
 * flush fields are set here. Returns 0 or LOTK_EIO. */
int lotk_report_write(const struct lotk_result *r, const char *format, const char *path,
                      const struct lotk_report_opts *opts, struct lotk_err *err);

#endif
