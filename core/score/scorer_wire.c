/* scorer_wire.c — the scorer's state as bytes for a partial result (lotk_scorer_write,
 * lotk_scorer_read), in lotk's wire format (base/wire.h). See score.h.
 *
 * Layout: u64 nodes of the standard; u64 organizations; per organization {u64 id length;
 * the id's bytes; u64 respondents; per survey leaf {u64 n; exact Σ}}; u64 length of the
 * statistics record (lotk_stats_write) that fills the rest. */
#include "score/score.h"

#include <limits.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/buf.h"
#include "base/exact.h"
#include "base/mem.h"
#include "base/wire.h"
#include "input/encoding.h"
#include "score/scorer_impl.h"

void lotk_scorer_write(const struct lotk_scorer *sc, struct lotk_buf *out)
{
    lotk_scorer_flush(sc);
    const struct lotk_standard *s = sc->s;
    lotk_wire_put_u64(out, s->nnodes);
    lotk_wire_put_u64(out, sc->norgs);
    for (size_t i = 0; i < sc->norgs; i++) {
        const struct org_acc *o = &sc->orgs[i];
        lotk_wire_put_u64(out, strlen(o->id));
        lotk_buf_puts(out, o->id);
        lotk_wire_put_u64(out, (uint64_t)o->respondents);
        for (size_t l = 0; l < sc->nleaves; l++) {
            struct lotk_exact sum;
            lotk_scorer_leaf_sum(sc->nleaves, o, l, &sum);
            lotk_wire_put_u64(out, (uint64_t)leaf_n(sc->nleaves, o)[l]);
            lotk_wire_put_exact(out, &sum);
        }
    }
    struct lotk_buf stats = {0};
    lotk_stats_write(sc->stats, &stats);
    lotk_wire_put_u64(out, stats.len);
    lotk_buf_append(out, stats.data ? stats.data : "", stats.len);
    lotk_buf_free(&stats);
}

/* Adds a count read from a state to *to; false when the sum would not fit a long (no
 * state lotk wrote comes near). */
static bool add_count(long *to, uint64_t count)
{
    if (count > (uint64_t)(LONG_MAX - *to))
        return false;
    *to += (long)count;
    return true;
}

int lotk_scorer_read(struct lotk_scorer *sc, const char *data, size_t len, const char *file,
                     struct lotk_err *err)
{
    const struct lotk_standard *s = sc->s;
    struct lotk_wire_reader r;
    int *map = NULL;
    int rc = 0;
    lotk_wire_reader_init(&r, data, len);
    if (lotk_wire_get(&r, 8) != s->nnodes || r.bad)
        return lotk_err_set(err, LOTK_EIO, file, 0, 0,
                            "the partial result was made with a standard of another shape");
    uint64_t norgs = lotk_wire_get(&r, 8);
    if (r.bad || norgs > lotk_wire_left(&r)) /* every organization takes bytes */
        goto damaged;
    map = lotk_xmalloc((size_t)(norgs ? norgs : 1) * sizeof *map);
    for (uint64_t i = 0; i < norgs; i++) {
        uint64_t idlen = lotk_wire_get(&r, 8);
        const unsigned char *id = lotk_wire_get_bytes(&r, (size_t)idlen);
        size_t bad;
        /* An id is what the survey reader hands on: text, not empty, no NUL byte (the
         * result and its writers hold ids as C strings). */
        if (!id || idlen == 0 || memchr(id, '\0', (size_t)idlen) ||
            lotk_utf8_validate((const char *)id, (size_t)idlen, &bad) != 0)
            goto damaged;
        int index = lotk_scorer_org_for(sc, (const char *)id, (size_t)idlen);
        struct org_acc *o = &sc->orgs[index];
        map[i] = index;
        /* Added as read, before the whole state is known to be sound: after an error sc
         * holds part of it (lotk merge stops at the first error and never finishes it). */
        if (!add_count(&o->respondents, lotk_wire_get(&r, 8)))
            goto damaged;
        for (size_t l = 0; l < sc->nleaves; l++) {
            struct lotk_exact part;
            int64_t *n = &leaf_n(sc->nleaves, o)[l];
            uint64_t count = lotk_wire_get(&r, 8);
            if (count > (uint64_t)(INT64_MAX - *n)) /* damage, not an overflow */
                goto damaged;
            *n += (int64_t)count;
            lotk_wire_get_exact(&r, &part);
            lotk_scorer_leaf_merge(sc->nleaves, o, l, &part);
        }
        if (r.bad)
            goto damaged;
    }
    uint64_t stats_len = lotk_wire_get(&r, 8);
    if (r.bad || stats_len != lotk_wire_left(&r))
        goto damaged;
    const unsigned char *stats = lotk_wire_get_bytes(&r, (size_t)stats_len);
    size_t used, stats_orgs;
    /* map has an entry for each of the state's organizations only: a statistics record
     * of more would be read through it past its end. */
    if (lotk_stats_peek((const char *)stats, (size_t)stats_len, &stats_orgs, NULL, err) == 0 &&
        stats_orgs > norgs)
        goto damaged;
    rc = lotk_stats_read(sc->stats, (const char *)stats, (size_t)stats_len, &used, map, err);
    if (rc && !err->file[0])
        snprintf(err->file, sizeof err->file, "%s", file);
    goto done;
damaged:
    rc = lotk_err_set(err, LOTK_EIO, file, 0, 0, "the partial result's state is damaged");
done:
    free(map);
    return rc;
}
