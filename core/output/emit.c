/* emit.c — what every writer shares: flushing text as it grows, and organizations
 * formatted on several threads; see emit.h. */
#include "output/emit.h"

#include <pthread.h>
#include <string.h>

enum { FLUSH_AT = 1 << 16 };

void lotk_emit_maybe_flush(const struct lotk_write_opts *opts, struct lotk_buf *out)
{
    if (opts->flush && out->len >= FLUSH_AT)
        opts->flush(opts->flush_ctx, out);
}

/* ---- organizations written by several threads ------------------------------------- */

/* Organizations per thread and round: enough to make a thread worth starting, few enough
 * that the rounds' text (a few KiB per organization in JSON) stays small beside the
 * result. */
enum { ORGS_PER_BLOCK = 256, MAX_WRITERS = 64 };

struct writer {
    const struct lotk_result_table *t;
    const struct lotk_write_opts *opts;
    lotk_org_writer *write;
    size_t from, to;
    struct lotk_buf text;
};

static void *run_writer(void *arg)
{
    struct writer *w = arg;
    for (size_t i = w->from; i < w->to; i++)
        w->write(w->t, w->opts, i, &w->text);
    return NULL;
}

/* Writes every organization in order. Formatting numbers is most of the cost with many
 * organizations, so with opts->jobs > 1 each round's blocks but the first are formatted
 * by threads, each into its own buffer, while this thread writes the first straight into
 * out (flushed as it grows: one block's text fewer held, one thread fewer started); then
 * the others are appended in order: the text is the same, byte for byte. */
void lotk_emit_orgs(const struct lotk_result_table *t, const struct lotk_write_opts *opts,
                         lotk_org_writer *write, struct lotk_buf *out)
{
    size_t count = t->nshown;
    int jobs = opts->jobs > MAX_WRITERS ? MAX_WRITERS : opts->jobs;
    if (jobs <= 1 || count < 2 * ORGS_PER_BLOCK) {
        for (size_t i = 0; i < count; i++) {
            write(t, opts, i, out);
            lotk_emit_maybe_flush(opts, out);
        }
        return;
    }
    struct writer w[MAX_WRITERS];
    pthread_t threads[MAX_WRITERS];
    bool started[MAX_WRITERS];
    memset(w, 0, sizeof w);
    for (size_t next = 0; next < count;) {
        int n = 0;
        for (; n < jobs && next < count; n++) {
            size_t to = next + ORGS_PER_BLOCK < count ? next + ORGS_PER_BLOCK : count;
            w[n].t = t;
            w[n].opts = opts;
            w[n].write = write;
            w[n].from = next;
            w[n].to = to;
            lotk_buf_reset(&w[n].text);
            next = to;
        }
        for (int k = 1; k < n; k++)
            started[k] = pthread_create(&threads[k], NULL, run_writer, &w[k]) == 0;
        for (size_t i = w[0].from; i < w[0].to; i++) {
            write(t, opts, i, out);
            lotk_emit_maybe_flush(opts, out);
        }
        for (int k = 1; k < n; k++) {
            if (started[k])
                pthread_join(threads[k], NULL);
            else /* no thread to be had: this one writes */
                run_writer(&w[k]);
            if (opts->flush) { /* straight out: no copy, and no block held twice */
                opts->flush(opts->flush_ctx, out);
                opts->flush(opts->flush_ctx, &w[k].text);
            } else {
                lotk_buf_append(out, w[k].text.data ? w[k].text.data : "", w[k].text.len);
            }
        }
    }
    for (int k = 0; k < jobs; k++)
        lotk_buf_free(&w[k].text);
}
