/* stats_wire.c — the statistics' accumulators as a binary record (lotk_stats_write,
 * lotk_stats_read, lotk_stats_peek; the format is in stats.h), in lotk's wire format
 * (base/wire.h). */
#include "score/stats.h"

#include <stdlib.h>
#include <string.h>

#include "base/buf.h"
#include "base/err.h"
#include "base/exact.h"
#include "base/mem.h"
#include "base/wire.h"
#include "score/stats_impl.h"

/* Serialisation format version (stats.h documents the format). */
enum { FORMAT_VERSION = 1 };

static const char MAGIC[8] = {'l', 'o', 't', 'k', 's', 't', 'a', 't'};
enum { HEADER_BYTES = 32 };

static void put_i128(struct lotk_buf *b, i128 v)
{
    lotk_wire_put_u64(b, (uint64_t)v);
    lotk_wire_put_u64(b, (uint64_t)((u128)v >> 64));
}

int lotk_stats_write(const struct lotk_stats *st, struct lotk_buf *out)
{
    size_t start = out->len;
    lotk_buf_append(out, MAGIC, sizeof MAGIC);
    lotk_wire_put_u32(out, FORMAT_VERSION);
    lotk_wire_put_u32(out, (uint32_t)st->nleaves);
    lotk_wire_put_u64(out, st->norgs);
    lotk_wire_put_u64(out, 0); /* the record's length, filled in below */
    for (size_t l = 0; l < st->nleaves; l++) {
        const struct leaf *lf = &st->leaves[l];
        lotk_wire_put_u32(out, (uint32_t)lf->node);
        lotk_wire_put_u32(out, (uint32_t)lf->k);
        lotk_wire_put_u32(out, ITEM_UNIT);
        lotk_wire_put_u32(out, lf->lcm);
    }
    for (size_t l = 0; l < st->nleaves; l++) {
        const struct leaf *lf = &st->leaves[l];
        size_t k = lf->k;
        lotk_wire_put_u64(out, (uint64_t)lf->answered);
        lotk_wire_put_u64(out, (uint64_t)lf->range_errors);
        lotk_wire_put_u8(out, lf->ext != NULL);
        for (size_t i = 0; i < k; i++)
            for (size_t j = i; j < k; j++) {
                struct pair_tot t = lotk_stats_pair_total(lf, i * k + j);
                lotk_wire_put_u64(out, (uint64_t)t.n);
                put_i128(out, t.sx);
                put_i128(out, t.sy);
                put_i128(out, t.sxy);
            }
        if (lf->ext)
            for (size_t i = 0; i < k; i++)
                for (size_t j = i; j < k; j++) {
                    const struct pair_ext *e = &lf->ext[i * k + j];
                    lotk_wire_put_exact(out, &e->sx);
                    lotk_wire_put_exact(out, &e->sy);
                    lotk_wire_put_exact(out, &e->sxy);
                }
    }
    for (size_t o = 0; o < st->norgs; o++) {
        const struct org *g = &st->orgs[o];
        for (size_t l = 0; l < st->nleaves; l++) {
            const struct leaf *lf = &st->leaves[l];
            const struct org_leaf *ol = g->leaf ? &g->leaf[l] : NULL;
            const struct org_ext *e = g->leaf ? org_ext_of(g, l) : NULL;
            int sums = ol && (ol->n || ol->complete);
            lotk_wire_put_u8(out, (unsigned)(sums | (e ? 2 : 0)));
            if (sums) {
                lotk_wire_put_u32(out, (uint32_t)ol->n);
                lotk_wire_put_u32(out, (uint32_t)ol->complete);
                lotk_wire_put_u64(out, (uint64_t)ol->sm);
                lotk_wire_put_u64(out, ol->sm2_lo);
                lotk_wire_put_u64(out, ol->sm2_hi);
                lotk_wire_put_u64(out, (uint64_t)ol->q);
                const int32_t *s = org_item_sums(st, g) + lf->first;
                for (size_t i = 0; i < lf->k; i++)
                    lotk_wire_put_u64(out, (uint64_t)(int64_t)s[i]);
            }
            if (e) {
                lotk_wire_put_exact(out, &e->sv);
                lotk_wire_put_exact(out, &e->sv2);
                lotk_wire_put_exact(out, &e->q);
                for (size_t i = 0; i < lf->k; i++)
                    lotk_wire_put_exact(out, &e->s[i]);
            }
        }
    }
    lotk_wire_set_u64(out, start + 24, out->len - start);
    return 0;
}

static i128 get_i128(struct lotk_wire_reader *r)
{
    uint64_t lo = lotk_wire_get(r, 8), hi = lotk_wire_get(r, 8);
    return (i128)(((u128)hi << 64) | lo);
}

static int corrupt(struct lotk_err *err, const char *what)
{
    return lotk_err_set(err, LOTK_EIO, NULL, 0, 0, "statistics record: %s", what);
}

static u128 abs128(i128 v)
{
    return v < 0 ? -(u128)v : (u128)v;
}

/* What the first HEADER_BYTES of a record say. */
struct header {
    uint32_t nleaves;
    uint64_t norgs, total;
};

/* Checks the magic, the version and that the record's size fits in len. */
static int read_header(const char *data, size_t len, struct header *h, struct lotk_err *err)
{
    if (len < HEADER_BYTES || memcmp(data, MAGIC, sizeof MAGIC) != 0)
        return corrupt(err, "not a lotk statistics record");
    struct lotk_wire_reader r;
    lotk_wire_reader_init(&r, data + sizeof MAGIC, HEADER_BYTES - sizeof MAGIC);
    uint32_t version = (uint32_t)lotk_wire_get(&r, 4);
    if (version != FORMAT_VERSION)
        return lotk_err_set(err, LOTK_EIO, NULL, 0, 0,
                            "statistics record: format version %u, this lotk reads %d",
                            (unsigned)version, FORMAT_VERSION);
    h->nleaves = (uint32_t)lotk_wire_get(&r, 4);
    h->norgs = lotk_wire_get(&r, 8);
    h->total = lotk_wire_get(&r, 8);
    if (h->total > len || h->total < HEADER_BYTES)
        return corrupt(err, "truncated");
    return 0;
}

/* The leaves' layout, which must be st's. */
static int read_layout(const struct lotk_stats *st, struct lotk_wire_reader *r,
                       struct lotk_err *err)
{
    for (size_t l = 0; l < st->nleaves; l++) {
        const struct leaf *lf = &st->leaves[l];
        uint32_t node = (uint32_t)lotk_wire_get(r, 4), k = (uint32_t)lotk_wire_get(r, 4);
        uint32_t unit = (uint32_t)lotk_wire_get(r, 4), lcm = (uint32_t)lotk_wire_get(r, 4);
        if (r->bad)
            return corrupt(err, "truncated");
        if (node != (uint32_t)lf->node || k != lf->k || unit != ITEM_UNIT || lcm != lf->lcm)
            return corrupt(err, "written for a different standard (leaf layout)");
    }
    return 0;
}

/* One leaf's counts and pair sums, checked against lf's (apply = 0) or added (apply = 1). */
static int read_leaf(struct leaf *lf, struct lotk_wire_reader *r, int apply,
                     struct lotk_err *err)
{
    size_t k = lf->k;
    int64_t answered = (int64_t)lotk_wire_get(r, 8);
    int64_t range_errors = (int64_t)lotk_wire_get(r, 8);
    unsigned has_ext = (unsigned)lotk_wire_get(r, 1);
    if (r->bad)
        return corrupt(err, "truncated");
    if (answered < 0 || answered > COUNT_LIMIT - lf->answered || range_errors < 0 ||
        range_errors > COUNT_LIMIT - lf->range_errors || has_ext > 1)
        return corrupt(err, "count out of range");
    if (apply) {
        lf->answered += answered;
        lf->range_errors += range_errors;
    }
    for (size_t i = 0; i < k; i++)
        for (size_t j = i; j < k; j++) {
            struct pair_tot *t = &lf->tot[i * k + j];
            int64_t n = (int64_t)lotk_wire_get(r, 8);
            i128 sx = get_i128(r), sy = get_i128(r), sxy = get_i128(r);
            if (r->bad)
                return corrupt(err, "truncated");
            /* Integer-path values are below 2^15 in units of 1/16. */
            if (n < 0 || n > COUNT_LIMIT - t->n - lf->blk[i * k + j].n ||
                abs128(sx) > (u128)n << 15 || abs128(sy) > (u128)n << 15 ||
                abs128(sxy) > (u128)n << 30)
                return corrupt(err, "pair sums out of range");
            if (apply) {
                t->n += n;
                t->sx += sx;
                t->sy += sy;
                t->sxy += sxy;
            }
        }
    if (!has_ext)
        return 0;
    struct pair_ext *ext = apply ? leaf_ext(lf) : NULL;
    for (size_t i = 0; i < k; i++)
        for (size_t j = i; j < k; j++) {
            struct pair_ext e;
            lotk_wire_get_exact(r, &e.sx);
            lotk_wire_get_exact(r, &e.sy);
            lotk_wire_get_exact(r, &e.sxy);
            if (r->bad)
                return corrupt(err, "truncated");
            if (apply) {
                lotk_exact_merge(&ext[i * k + j].sx, &e.sx);
                lotk_exact_merge(&ext[i * k + j].sy, &e.sy);
                lotk_exact_merge(&ext[i * k + j].sxy, &e.sxy);
            }
        }
    return 0;
}

/* One organization's sums of leaf lf into ol, sums (k item sums) and ext (when flags has
 * bit 1), all checked; *flags gets the flags byte. */
static int read_org_leaf(const struct leaf *lf, struct lotk_wire_reader *r, unsigned *flags,
                         struct org_leaf *ol, int64_t *sums, struct org_ext *ext,
                         struct lotk_err *err)
{
    *flags = (unsigned)lotk_wire_get(r, 1);
    memset(ol, 0, sizeof *ol);
    memset(sums, 0, lf->k * sizeof *sums);
    if (*flags & 1) {
        int64_t n = (int32_t)(uint32_t)lotk_wire_get(r, 4);
        int64_t complete = (int32_t)(uint32_t)lotk_wire_get(r, 4);
        ol->n = (int32_t)n;
        ol->complete = (int32_t)complete;
        ol->sm = (int64_t)lotk_wire_get(r, 8);
        ol->sm2_lo = lotk_wire_get(r, 8);
        ol->sm2_hi = lotk_wire_get(r, 8);
        ol->q = (int64_t)lotk_wire_get(r, 8);
        int bad = n < 0 || complete < 0 || ol->sm2_hi >> 63 ||
                  abs128(ol->sm) > (u128)n << 31 || org_sm2(ol) > (i128)n << 62 ||
                  ol->q < 0 || ol->q > complete << 32;
        for (size_t i = 0; i < lf->k; i++) {
            int64_t si = (int64_t)lotk_wire_get(r, 8);
            bad |= abs128(si) > (u128)(complete < 0 ? 0 : complete) << 15;
            sums[i] = si; /* below 2^46: merged exactly (lotk_stats_org_leaf_merge) */
        }
        if (bad && !r->bad)
            return corrupt(err, "organization sums out of range");
    }
    if (*flags & 2) {
        lotk_wire_get_exact(r, &ext->sv);
        lotk_wire_get_exact(r, &ext->sv2);
        lotk_wire_get_exact(r, &ext->q);
        for (size_t i = 0; i < lf->k; i++)
            lotk_wire_get_exact(r, &ext->s[i]);
    }
    if (r->bad)
        return corrupt(err, "truncated");
    if (*flags > 3)
        return corrupt(err, "unknown organization flags");
    return 0;
}

/* The norgs organizations of the record, checked (apply = 0) or merged into st's
 * organizations through org_map (apply = 1). */
static int read_orgs(struct lotk_stats *st, struct lotk_wire_reader *r, uint64_t norgs,
                     const int *org_map, int apply, struct lotk_err *err)
{
    size_t maxk = 1;
    for (size_t l = 0; l < st->nleaves; l++)
        if (st->leaves[l].k > maxk)
            maxk = st->leaves[l].k;
    int64_t *sums = lotk_xmalloc(maxk * sizeof *sums);
    struct org_ext *ext = lotk_xcalloc(1, sizeof *ext + maxk * sizeof(struct lotk_exact));
    int rc = 0;
    for (uint64_t o = 0; o < norgs && rc == 0; o++) {
        int to = org_map ? org_map[o] : (int)o;
        for (size_t l = 0; l < st->nleaves && rc == 0; l++) {
            struct org_leaf ol;
            unsigned flags;
            rc = read_org_leaf(&st->leaves[l], r, &flags, &ol, sums, ext, err);
            if (rc == 0 && apply && to >= 0 && flags)
                lotk_stats_org_leaf_merge(st, org_at(st, to), l, &ol, sums,
                                          flags & 2 ? ext : NULL);
        }
    }
    free(sums);
    free(ext);
    return rc;
}

/* Reads one record. With apply = 0 it only checks it (st is read, never changed: every
 * bound that keeps the sums from overflowing, against st's current totals too); with
 * apply = 1 it merges the checked record into st and cannot fail. */
static int parse_record(struct lotk_stats *st, const char *data, size_t len, size_t *used,
                        const int *org_map, int apply, struct lotk_err *err)
{
    struct header h;
    int rc = read_header(data, len, &h, err);
    if (rc)
        return rc;
    struct lotk_wire_reader r;
    lotk_wire_reader_init(&r, data, (size_t)h.total);
    lotk_wire_get_bytes(&r, HEADER_BYTES);
    if (h.nleaves != st->nleaves)
        return corrupt(err, "written for a different standard (number of leaves)");
    if ((rc = read_layout(st, &r, err)) != 0)
        return rc;
    /* Every organization takes at least one byte per leaf, which bounds norgs by the
     * record's size before anything is allocated for it. */
    if (st->nleaves && h.norgs > lotk_wire_left(&r) / st->nleaves)
        return corrupt(err, "truncated");
    if (h.norgs > INT32_MAX)
        return corrupt(err, "too many organizations");
    for (size_t l = 0; l < st->nleaves; l++)
        if ((rc = read_leaf(&st->leaves[l], &r, apply, err)) != 0)
            return rc;
    if ((rc = read_orgs(st, &r, h.norgs, org_map, apply, err)) != 0)
        return rc;
    if (lotk_wire_left(&r) != 0)
        return corrupt(err, "trailing bytes inside the record");
    *used = (size_t)h.total;
    return 0;
}

int lotk_stats_read(struct lotk_stats *st, const char *data, size_t len, size_t *used,
                    const int *org_map, struct lotk_err *err)
{
    size_t n = 0;
    int rc = parse_record(st, data, len, &n, org_map, 0, err);
    if (rc == 0)
        parse_record(st, data, len, &n, org_map, 1, err);
    if (used)
        *used = rc == 0 ? n : 0;
    return rc;
}

int lotk_stats_peek(const char *data, size_t len, size_t *norgs, size_t *size,
                    struct lotk_err *err)
{
    struct header h;
    int rc = read_header(data, len, &h, err);
    if (rc)
        return rc;
    if (norgs)
        *norgs = (size_t)h.norgs;
    if (size)
        *size = (size_t)h.total;
    return 0;
}
