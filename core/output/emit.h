/* emit.h — what every result writer shares: its options, text handed out as it grows, and
 * organizations formatted on several threads in order. */
#ifndef LOTK_EMIT_H
#define LOTK_EMIT_H

#include <stdbool.h>
#include <stddef.h>

#include "analysis/result_table.h"
#include "base/buf.h"

struct lotk_plugins;

struct lotk_write_opts {
    bool respondents; /* JSON: include the respondents array */
    bool bom;         /* CSV: start with a UTF-8 byte-order mark, for Excel */
    int jobs;         /* threads formatting organizations (0 or 1: this one) */
    const char *lang; /* labels: "zh" or "en" (NULL: en); the standard's texts follow it */
    struct lotk_plugins *plugins; /* runs the report plugins (html, md, pdf) */
    /* Called with the text so far whenever it grows large; it takes the text and resets
     * the buffer. NULL keeps everything in the buffer. Set by lotk_write_result. */
    void (*flush)(void *ctx, struct lotk_buf *text);
    void *flush_ctx;
};

/* Writes the organization shown at position pos (t->shown[pos], an index into t's
 * result), with whatever follows it. */
typedef void lotk_org_writer(const struct lotk_result_table *t, const struct lotk_write_opts *opts,
                             size_t pos, struct lotk_buf *out);

/* Writes every organization shown, in order. Formatting numbers is most of the cost with many
 * organizations, so with opts->jobs > 1 blocks of them are formatted by threads (this one
 * among them, straight into out), the others' into buffers of their own appended in
 * order: the text is the same, byte for byte. */
void lotk_emit_orgs(const struct lotk_result_table *t, const struct lotk_write_opts *opts,
                    lotk_org_writer *write, struct lotk_buf *out);

/* Hands out's text to opts->flush once it has grown large. */
void lotk_emit_maybe_flush(const struct lotk_write_opts *opts, struct lotk_buf *out);

#endif
