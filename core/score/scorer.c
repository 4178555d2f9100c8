/* scorer.c — the scorer: respondent rows into per-organization exact sums and the
 * statistics' accumulators, merging scorers, and scoring every organization's tree at the
 * end. Its state's file form is in scorer_wire.c, the result's upkeep in result.c, the
 * aggregation of a node in aggregate.c. See score.h. */
#include "score/score.h"

#include <math.h>
#include <pthread.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "base/exact.h"
#include "base/mem.h"
#include "base/parallel.h"
#include "base/strmap.h"
#include "base/text.h"
#include "lua/plugin.h"
#include "score/evidence.h"
#include "score/rollup.h"
#include "score/scorer_impl.h"

struct lotk_scorer *lotk_scorer_new(const struct lotk_standard *s, struct lotk_plugins *plugins,
                                    bool keep_respondents)
{
    /* The scorer and its scratch are written for every row, with two jobs on a thread of
     * their own: on cache lines no other allocation shares (lotk_xcalloc_lines). */
    struct lotk_scorer *sc = lotk_xcalloc_lines(1, sizeof *sc);
    sc->s = s;
    sc->plugins = plugins;
    if (plugins && s->respondent_plugin) {
        struct lotk_err ignored; /* resolved (and reported) by lotk_plugins_resolve_standard */
        if (lotk_plugins_get(plugins, s->respondent_plugin, &sc->respondent_plugin, &ignored))
            sc->respondent_plugin = NULL;
    }
    sc->keyed = lotk_xcalloc_lines(s->nitems ? s->nitems : 1, sizeof *sc->keyed);
    sc->stats = lotk_stats_new(s);
    sc->keep_respondents = keep_respondents;
    sc->last_org = -1;
    sc->pend_org = -1;
    sc->keying_keeps_small = true;
    sc->jobs = 1;
    sc->values = lotk_xcalloc_lines(s->nnodes, sizeof *sc->values);
    sc->pend_keyed = lotk_xcalloc_lines(s->nitems ? s->nitems : 1, sizeof *sc->pend_keyed);
    sc->pend_values = lotk_xcalloc_lines(s->nnodes, sizeof *sc->pend_values);
    sc->items = lotk_xcalloc(s->nitems ? s->nitems : 1, sizeof *sc->items);
    sc->leaves = lotk_xcalloc(s->nnodes, sizeof *sc->leaves);
    sc->leaf_of = lotk_xmalloc(s->nnodes * sizeof *sc->leaf_of);
    for (size_t i = 0; i < s->nnodes; i++)
        sc->leaf_of[i] = -1;
    int next_item = 0;
    for (size_t i = 0; i < s->nnodes; i++) {
        const struct lotk_node *node = &s->nodes[i];
        if (node->nitems == 0)
            continue;
        struct leaf_plan *lp = &sc->leaves[sc->nleaves++];
        lp->node = (int)i;
        sc->leaf_of[i] = (int)(lp - sc->leaves);
        lp->first_item = next_item;
        lp->nitems = (int)node->nitems;
        /* min_answered is a share; 0.75 of 4 items is 3, of 5 items 3.75 → 4. The small
         * slack keeps 0.6 × 5 = 3.0000000000000004 from demanding 4. */
        lp->need = node->min_answered > 0 ? (int)ceil(node->min_answered * node->nitems - 1e-9)
                                          : 1;
        if (lp->need < 1)
            lp->need = 1;
        for (size_t k = 0; k < node->nitems; k++) {
            const struct lotk_item *it = &s->items[node->items[k]];
            const struct lotk_scale *scale = &s->scales[it->scale];
            sc->items[next_item].item = node->items[k];
            sc->items[next_item].reverse_sum = it->reverse ? scale->min + scale->max : 0;
            double rs = sc->items[next_item].reverse_sum;
            sc->items[next_item].key_sign = rs ? -1 : 1; /* as key_items: by reverse_sum */
            sc->items[next_item].key_shift = rs ? -rs : 0;
            if (!(rs == floor(rs) && fabs(rs) <= 127 - LOTK_SMALL_ANSWER))
                sc->keying_keeps_small = false;
            next_item++;
        }
    }
    return sc;
}

static uint64_t org_hash(const char *id, size_t len)
{
    uint64_t h = lotk_hash(id, len);
    return h ^ (h >> 29) * 0xbf58476d1ce4e5b9ULL; /* FNV's low bits alone cluster */
}

/* a[0..n) == b[0..n) for the few bytes of an inline id, without a call into libc per row. */
static inline bool short_equal(const char *a, const char *b, size_t n)
{
    unsigned char diff = 0;
    for (size_t i = 0; i < n; i++)
        diff |= (unsigned char)(a[i] ^ b[i]);
    return diff == 0;
}

/* The slot of the organization with this id, or the empty slot where it would go. */
static struct org_slot *org_slot_of(const struct lotk_scorer *sc, const char *id, size_t len,
                                    uint64_t h)
{
    size_t mask = sc->org_cap - 1;
    uint8_t slot_len = len <= ORG_KEY_INLINE ? (uint8_t)len : ORG_KEY_INLINE + 1;
    for (size_t i = (size_t)h & mask;; i = (i + 1) & mask) {
        struct org_slot *slot = &sc->org_slots[i];
        if (!slot->index1)
            return slot;
        if (slot->hash != h || slot->len != slot_len)
            continue;
        const struct org_acc *o = &sc->orgs[slot->index1 - 1];
        if (len <= ORG_KEY_INLINE ? short_equal(slot->key, id, len)
                                  : o->id_len == len && memcmp(o->id, id, len) == 0)
            return slot;
    }
}

static void org_table_grow(struct lotk_scorer *sc)
{
    struct org_slot *old = sc->org_slots;
    size_t old_cap = sc->org_cap;
    sc->org_cap = old_cap ? old_cap * 2 : 64;
    /* Probed at random for every row (lotk_xcalloc_huge). */
    sc->org_slots = lotk_xcalloc_huge(sc->org_cap * sizeof *sc->org_slots);
    for (size_t i = 0; i < old_cap; i++)
        if (old[i].index1) {
            size_t mask = sc->org_cap - 1, j = (size_t)old[i].hash & mask;
            while (sc->org_slots[j].index1)
                j = (j + 1) & mask;
            sc->org_slots[j] = old[i];
        }
    lotk_free_huge(old, old_cap * sizeof *old);
}

/* The index of the organization with this id, or a new one's (empty sums, or from's when
 * given: moved over). */
static int org_put(struct lotk_scorer *sc, const char *id, size_t len, struct org_acc *from)
{
    /* Filled to three quarters: interleaved rows find their organization on the first
     * or second probe all the same, in half the memory of a half-full table. */
    if ((sc->norgs + 1) * 4 > sc->org_cap * 3)
        org_table_grow(sc);
    uint64_t h = org_hash(id, len);
    struct org_slot *slot = org_slot_of(sc, id, len, h);
    if (slot->index1)
        return slot->index1 - 1;
    lotk_grow(&sc->orgs, &sc->cap_orgs, sc->norgs + 1, sizeof *sc->orgs);
    struct org_acc *o = &sc->orgs[sc->norgs];
    if (from) {
        *o = *from;
        from->fixed = NULL;
        from->ext = NULL;
    } else {
        o->respondents = 0;
        o->fixed = lotk_xcalloc(1, leaf_bytes(sc->nleaves));
        o->ext = NULL;
    }
    /* The id is copied, not moved: it lives as long as sc, and in the memory of the
     * thread that merges, while moved sums are released during finish, so whole pages of
     * a reading thread's memory come free (see lotk_scorer_finish). */
    o->id = lotk_xstrndup(id, len);
    o->id_len = len;
    slot->hash = h;
    slot->index1 = (int32_t)sc->norgs + 1;
    slot->len = len <= ORG_KEY_INLINE ? (uint8_t)len : ORG_KEY_INLINE + 1;
    memcpy(slot->key, id, len <= ORG_KEY_INLINE ? len : 0);
    return (int)sc->norgs++;
}

static int org_for(struct lotk_scorer *sc, const char *id, size_t len)
{
    /* The last row's organization again (rows often come grouped), its id compared with
     * the copy kept here: the id's own allocation is a wait for memory on every row when
     * organizations are interleaved. */
    if (sc->last_org >= 0 && sc->last_len == len &&
        (len <= sizeof sc->last_id ? short_equal(sc->last_id, id, len)
                                   : memcmp(sc->orgs[sc->last_org].id, id, len) == 0))
        return sc->last_org;
    sc->last_org = org_put(sc, id, len, NULL);
    sc->last_len = len;
    if (len <= sizeof sc->last_id)
        memcpy(sc->last_id, id, len);
    return sc->last_org;
}

void lotk_scorer_prefetch_org(void *scorer, const char *id, size_t len)
{
    const struct lotk_scorer *sc = scorer;
    /* The slot only: which organization it is, lotk_scorer_add finds there by the end of
     * the row without waiting. */
    if (sc->org_cap)
        __builtin_prefetch(&sc->org_slots[(size_t)org_hash(id, len) & (sc->org_cap - 1)]);
}

/* The exact accumulator of x × 2^-60 (|x| < 2^127): x shifted into lotk_exact's 2^-128
 * units, two's complement across the limbs. */
static void fixed_to_exact(__int128 x, struct lotk_exact *out)
{
    uint64_t lo = (uint64_t)x, hi = (uint64_t)(x >> 64);
    out->limb[0] = 0;
    out->limb[1] = lo << 4;
    out->limb[2] = lo >> 60 | hi << 4;
    out->limb[3] = (uint64_t)((int64_t)hi >> 60);
}

void lotk_scorer_leaf_sum(size_t nleaves, const struct org_acc *o, size_t l,
                          struct lotk_exact *out)
{
    (void)nleaves;
    fixed_to_exact(o->fixed[l], out);
    if (o->ext)
        lotk_exact_merge(out, &o->ext[l]);
}

static struct lotk_exact *leaf_ext(size_t nleaves, struct org_acc *o, size_t l)
{
    if (!o->ext)
        o->ext = lotk_xcalloc(nleaves, sizeof *o->ext);
    return &o->ext[l];
}

void lotk_scorer_leaf_merge(size_t nleaves, struct org_acc *o, size_t l,
                            const struct lotk_exact *part)
{
    lotk_exact_merge(leaf_ext(nleaves, o, l), part);
}

/* Adds a respondent's value of leaf l to o's sum. */
static inline void leaf_add(const struct lotk_scorer *sc, struct org_acc *o, size_t l,
                            double value)
{
    double t = value * 0x1p60; /* exact: a power of two */
    if (fabs(value) < 8 && t == (double)(int64_t)t)
        o->fixed[l] += (int64_t)t;
    else
        lotk_exact_add(leaf_ext(sc->nleaves, o, l), value);
}

/* Adds the pending row to its organization's sums and statistics. */
static void add_pending(struct lotk_scorer *sc)
{
    int org = sc->pend_org;
    if (org < 0)
        return;
    sc->pend_org = -1;
    struct org_acc *o = &sc->orgs[org];
    int64_t *n = leaf_n(sc->nleaves, o);
    o->respondents++;
    for (size_t l = 0; l < sc->nleaves; l++) {
        double value = sc->pend_values[sc->leaves[l].node];
        if (value == value) {
            leaf_add(sc, o, l, value);
            n[l]++;
        }
    }
    if (sc->pend_small && sc->keying_keeps_small)
        lotk_stats_add_small(sc->stats, org, sc->pend_keyed, sc->pend_values);
    else
        lotk_stats_add(sc->stats, org, sc->pend_keyed, sc->pend_values);
    if (sc->observer)
        sc->observer(sc->observer_ctx, org, sc->pend_values, sc->pend_keyed);
}

/* See scorer_impl.h: before anything reads the sums. The scorer is never const underneath (lotk_scorer_new
 * makes it); adding the last row changes nothing a caller could see but completes it. */
void lotk_scorer_flush(const struct lotk_scorer *csc)
{
    add_pending((struct lotk_scorer *)csc);
}

int lotk_scorer_org_for(struct lotk_scorer *sc, const char *id, size_t len)
{
    lotk_scorer_flush(sc);
    return org_for(sc, id, len);
}

static double norm_of(const struct lotk_standard *s, int node, double value)
{
    const struct lotk_scale *scale = &s->scales[s->nodes[node].scale];
    return (value - scale->min) / (scale->max - scale->min);
}

/* The built-in respondent value of each leaf: the mean of its answered keyed items, when
 * enough were answered (DESIGN §4; equals psych scoreItems with impute = "none"). Also
 * leaves the keyed items in keyed. */
static void builtin_leaf_values(const struct lotk_scorer *sc, const double *answers,
                                double *keyed, double *values)
{
    for (size_t l = 0; l < sc->nleaves; l++) {
        const struct leaf_plan *lp = &sc->leaves[l];
        double sum = 0;
        int answered = 0;
        for (int k = 0; k < lp->nitems; k++) {
            const struct plan_item *pi = &sc->items[lp->first_item + k];
            double a = answers[pi->item] * pi->key_sign - pi->key_shift;
            keyed[pi->item] = a;
            if (a == a) {
                sum += a;
                answered++;
            }
        }
        values[lp->node] = answered >= lp->need ? sum / answered : NAN;
    }
}

static void key_items(const struct lotk_scorer *sc, const double *answers, double *keyed)
{
    for (size_t k = 0; k < sc->s->nitems; k++) {
        const struct plan_item *pi = &sc->items[k];
        double a = answers[pi->item];
        keyed[pi->item] = pi->reverse_sum ? pi->reverse_sum - a : a;
    }
}

/* A respondent's inner nodes aggregate the children's normalised values; children follow
 * their parent in preorder, so walking backwards sees children first. */
static int respondent_tree(struct lotk_scorer *sc, double *v, struct lotk_err *err)
{
    const struct lotk_standard *s = sc->s;
    double *norm = lotk_xmalloc(s->nnodes * sizeof *norm);
    int rc = 0;
    for (size_t i = s->nnodes; i-- > 0 && rc == 0;) {
        const struct lotk_node *node = &s->nodes[i];
        if (node->nitems > 0) {
            v[i] = sc->values[i];
            norm[i] = v[i] == v[i] ? norm_of(s, (int)i, v[i]) : NAN;
        } else if (node->nchildren > 0) {
            bool incomplete = false;
            rc = lotk_score_aggregate(s, sc->plugins, (int)i, norm, &v[i], &incomplete, err);
            norm[i] = v[i];
        } else {
            v[i] = norm[i] = NAN; /* evidence: not rated by respondents */
        }
    }
    free(norm);
    return rc;
}

void lotk_scorer_set_jobs(struct lotk_scorer *sc, int jobs)
{
    sc->jobs = jobs < 1 ? 1 : jobs;
}

void lotk_scorer_observe(struct lotk_scorer *sc,
                         void (*fn)(void *ctx, int org, const double *values,
                                    const double *keyed),
                         void *ctx)
{
    sc->observer = fn;
    sc->observer_ctx = ctx;
}

const struct lotk_stats *lotk_scorer_stats(const struct lotk_scorer *sc)
{
    lotk_scorer_flush(sc);
    return sc->stats;
}

static void add_org_sums(const struct lotk_scorer *sc, struct org_acc *to,
                         const struct org_acc *from)
{
    to->respondents += from->respondents;
    int64_t *tn = leaf_n(sc->nleaves, to);
    const int64_t *fn = leaf_n(sc->nleaves, from);
    for (size_t l = 0; l < sc->nleaves; l++) {
        to->fixed[l] += from->fixed[l];
        tn[l] += fn[l];
        if (from->ext)
            lotk_exact_merge(leaf_ext(sc->nleaves, to, l), &from->ext[l]);
    }
}

/* Organization from of src into dst: moved as it is when dst does not know it yet,
 * otherwise added to dst's. Returns dst's index. */
static int absorb_org(struct lotk_scorer *dst, struct org_acc *from)
{
    size_t before = dst->norgs;
    int index = org_put(dst, from->id, from->id_len, from);
    if ((size_t)index < before)
        add_org_sums(dst, &dst->orgs[index], from);
    return index;
}

void lotk_scorer_absorb(struct lotk_scorer *dst, struct lotk_scorer *src)
{
    lotk_scorer_flush(dst);
    lotk_scorer_flush(src);
    /* Threads' ranges split the organizations between them: nearly all move without a
     * copy, so that merging needs next to no memory beyond what the ranges hold. */
    int *map = lotk_xmalloc((src->norgs ? src->norgs : 1) * sizeof *map);
    for (size_t i = 0; i < src->norgs; i++)
        map[i] = absorb_org(dst, &src->orgs[i]);
    lotk_stats_absorb(dst->stats, src->stats, map);
    free(map);
}

void lotk_scorer_merge(struct lotk_scorer *dst, const struct lotk_scorer *src)
{
    lotk_scorer_flush(dst);
    lotk_scorer_flush(src);
    int *map = lotk_xmalloc((src->norgs ? src->norgs : 1) * sizeof *map);
    for (size_t i = 0; i < src->norgs; i++) {
        const struct org_acc *from = &src->orgs[i];
        int index = org_for(dst, from->id, from->id_len);
        map[i] = index;
        add_org_sums(dst, &dst->orgs[index], from);
    }
    lotk_stats_merge(dst->stats, src->stats, map);
    free(map);
}

static int add_respondent(struct lotk_scorer *sc, const struct lotk_row *row, int org,
                          struct lotk_err *err);

int lotk_scorer_add(void *scorer, const struct lotk_row *row, struct lotk_err *err)
{
    struct lotk_scorer *sc = scorer;
    const struct lotk_standard *s = sc->s;
    if (sc->respondent_plugin) {
        key_items(sc, row->answers, sc->keyed);
        int rc = lotk_plugin_respondent(sc->plugins, sc->respondent_plugin, s, sc->keyed,
                                        sc->values, err);
        if (rc)
            return rc;
    } else {
        builtin_leaf_values(sc, row->answers, sc->keyed, sc->values);
    }
    int org = org_for(sc, row->org, row->org_len); /* may move sc->orgs */
    /* Its sums are requested now and used when the next row ends (pend_org). */
    __builtin_prefetch(&sc->orgs[org]);
    lotk_stats_prefetch_entry(sc->stats, org);
    add_pending(sc);
    const char *leaf = (const char *)sc->orgs[org].fixed;
    for (size_t b = 0; b < leaf_bytes(sc->nleaves); b += 64)
        __builtin_prefetch(leaf + b, 1);
    lotk_stats_prefetch(sc->stats, org);
    int rc = sc->keep_respondents ? add_respondent(sc, row, org, err) : 0;
    /* This row becomes the pending one: its buffers swap with the pending row's. */
    double *t = sc->keyed;
    sc->keyed = sc->pend_keyed;
    sc->pend_keyed = t;
    t = sc->values;
    sc->values = sc->pend_values;
    sc->pend_values = t;
    sc->pend_org = org;
    sc->pend_small = row->small;
    return rc;
}

/* The respondent's own values, kept (--respondents). */
static int add_respondent(struct lotk_scorer *sc, const struct lotk_row *row, int org,
                          struct lotk_err *err)
{
    const struct lotk_standard *s = sc->s;
    double *v = lotk_xmalloc(s->nnodes * sizeof *v);
    int rc = respondent_tree(sc, v, err);
    if (rc) {
        free(v);
        return rc;
    }
    lotk_grow(&sc->respondents, &sc->cap_respondents, sc->nrespondents + 1,
              sizeof *sc->respondents);
    struct lotk_respondent *r = &sc->respondents[sc->nrespondents++];
    r->id = row->resp ? lotk_xstrdup(row->resp) : lotk_xasprintf("%s:%ld", row->file, row->line);
    r->org = org;
    r->values = v;
    return 0;
}

/* An organization's id with its index in the scorer: the natural order of ids, ties
 * (ids equal up to a NUL byte in them) in the scorer's order, as a stable sort of the
 * organizations would leave them. */
struct id_at {
    const char *id;
    size_t index;
};

static int compare_id_at(const void *a, const void *b)
{
    const struct id_at *x = a, *y = b;
    int c = lotk_natural_cmp(x->id, y->id);
    return c ? c : x->index < y->index ? -1 : x->index > y->index;
}

struct id_sort {
    struct id_at *ids;
    size_t n;
};

static void *sort_ids(void *arg)
{
    struct id_sort *sort = arg;
    qsort(sort->ids, sort->n, sizeof *sort->ids, compare_id_at);
    return NULL;
}

/* r->orgs in the order of sorted (sorted[k].index is the organization that goes to k),
 * in place: each cycle of the permutation with one organization aside, no second array
 * of results at the peak. r->org_order maps each scorer index to its place. */
static void put_in_order(struct lotk_result *r, const struct id_at *sorted)
{
    size_t n = r->norgs;
    r->org_order = lotk_xmalloc((n ? n : 1) * sizeof *r->org_order);
    bool *placed = lotk_xcalloc(n ? n : 1, sizeof *placed);
    for (size_t k = 0; k < n; k++)
        r->org_order[sorted[k].index] = (int)k;
    for (size_t start = 0; start < n; start++) {
        if (placed[start])
            continue;
        struct lotk_org_result aside = r->orgs[start];
        for (size_t k = start;;) {
            size_t from = sorted[k].index;
            placed[k] = true;
            if (from == start) {
                r->orgs[k] = aside;
                break;
            }
            r->orgs[k] = r->orgs[from];
            k = from;
        }
    }
    free(placed);
}

void lotk_scorer_set_evidence(struct lotk_scorer *sc, struct lotk_evidence *ev)
{
    if (ev)
        lotk_evidence_finish(ev);
    sc->evidence = ev;
}

void lotk_scorer_set_rollup(struct lotk_scorer *sc, const struct lotk_rollup *ru)
{
    sc->rollup = ru;
}

void lotk_scorer_set_no_survey(struct lotk_scorer *sc)
{
    sc->no_survey = true;
}

/* An organization rated by assessors but absent from every survey is still scored, on
 * what it has: it gets an empty accumulator, so it takes the same path as any other. So
 * are a city standard's units known only from statistics or members. */
static void add_evidence_orgs(struct lotk_scorer *sc)
{
    for (size_t i = 0; sc->evidence && i < sc->evidence->norgs; i++) {
        const char *id = sc->evidence->orgs[i].id;
        org_for(sc, id, strlen(id));
    }
    for (size_t i = 0; sc->rollup && i < sc->rollup->nunits; i++) {
        const char *id = sc->rollup->units[i].id;
        org_for(sc, id, strlen(id));
    }
}

/* An evidence leaf takes its assessors' combined rating (evidence.h). */
static void evidence_leaf(const struct lotk_scorer *sc, struct lotk_org_result *o, int node)
{
    int l = sc->evidence ? sc->evidence->leaf_of[node] : -1;
    if (!o->evidence || l < 0)
        return;
    o->mean[node] = o->evidence->leaves[l].value;
    if (o->mean[node] == o->mean[node])
        o->norm[node] = norm_of(sc->s, node, o->mean[node]);
}

static unsigned evidence_flags(const struct lotk_scorer *sc, const struct lotk_org_result *o)
{
    const struct lotk_standard *s = sc->s;
    unsigned flags = 0;
    for (size_t i = 0; i < s->nnodes; i++)
        if (s->nodes[i].source == LOTK_SOURCE_EVIDENCE && o->mean[i] != o->mean[i])
            flags |= LOTK_FLAG_UNRATED;
    if (o->evidence) {
        flags |= lotk_evidence_org_flags(sc->evidence, o->evidence);
        if (o->respondents == 0 && s->nitems > 0 && !sc->no_survey)
            flags |= LOTK_FLAG_EVIDENCE_ONLY;
    }
    return flags;
}

/* Leaf l's sum of o, rounded to the nearest double: the exact sum's value. Without exact
 * parts the sum is the integer fixed[l] in 2^-60 units, whose conversion rounds once
 * (as lotk_exact_value does) and whose scaling by a power of two is exact (the smallest
 * sum not zero, 2^-60, is far from the subnormals). */
static double leaf_sum_value(size_t nleaves, const struct org_acc *o, size_t l)
{
    if (!o->ext)
        return (double)o->fixed[l] * 0x1p-60;
    struct lotk_exact sum;
    lotk_scorer_leaf_sum(nleaves, o, l, &sum);
    return lotk_exact_value(&sum);
}

static int score_org(struct lotk_scorer *sc, int index, struct lotk_org_result *o,
                     struct lotk_err *err)
{
    struct org_acc *acc = &sc->orgs[index];
    const struct lotk_standard *s = sc->s;
    size_t nn = s->nnodes;
    /* The result takes the id over: the scorer is only freed after finishing. */
    o->id = acc->id;
    acc->id = NULL;
    o->respondents = acc->respondents;
    /* One block for the per-node arrays (all 8-byte elements): hundreds of thousands of
     * organizations make six allocations each a real cost in memory. */
    _Static_assert(sizeof(long) == sizeof(double), "the counts share the doubles' block");
    double *block = lotk_xcalloc(6 * nn, sizeof(double));
    o->mean = block;
    o->norm = block + nn;
    o->points_of = block + 2 * nn;
    o->rwg_j = block + 3 * nn;
    o->n = (long *)(block + 4 * nn);
    o->rwg_n = (long *)(block + 5 * nn);
    o->band = -1;
    o->evidence = lotk_evidence_find(sc->evidence, o->id);
    bool incomplete = false;
    for (size_t i = nn; i-- > 0;) {
        const struct lotk_node *node = &s->nodes[i];
        o->mean[i] = o->norm[i] = NAN;
        o->rwg_j[i] = NAN;
        if (node->nitems > 0) {
            size_t l = (size_t)sc->leaf_of[i];
            int64_t n = leaf_n(sc->nleaves, acc)[l];
            o->n[i] = (long)n;
            if (n > 0) {
                o->mean[i] = leaf_sum_value(sc->nleaves, acc, l) / (double)n;
                o->norm[i] = norm_of(s, (int)i, o->mean[i]);
            }
            o->rwg_j[i] = lotk_stats_rwg_j(sc->stats, index, (int)i, &o->rwg_n[i]);
            /* NaN (too few complete respondents) is no evidence of low agreement. */
            if (o->rwg_j[i] < s->min_rwg_j)
                o->flags |= LOTK_FLAG_LOW_AGREEMENT;
        } else if (node->nchildren > 0) {
            int rc = lotk_score_aggregate(s, sc->plugins, (int)i, o->norm, &o->norm[i],
                                          &incomplete, err);
            if (rc)
                return rc;
        } else if (node->source == LOTK_SOURCE_EVIDENCE) {
            evidence_leaf(sc, o, (int)i);
        } else if (node->statistic || node->members) {
            lotk_rollup_leaf(sc->rollup, o->id, (int)i, &o->mean[i], &o->norm[i], &o->n[i]);
        }
    }
    for (size_t i = 0; i < nn; i++)
        o->points_of[i] = s->points * s->nodes[i].share * o->norm[i];
    o->points = o->points_of[0];
    if (incomplete)
        o->flags |= LOTK_FLAG_INCOMPLETE;
    o->flags |= evidence_flags(sc, o);
    /* A standard without survey items (document review, statistics), or one scored without
     * a survey file, has no respondents to count: min_respondents does not apply. */
    if (s->nitems > 0 && !sc->no_survey && o->respondents < s->min_respondents)
        o->flags |= LOTK_FLAG_FEW_RESPONDENTS;
    else if (o->points == o->points && (o->band = lotk_score_band(s, o->points)) < 0 &&
             s->nbands > 0)
        o->flags |= LOTK_FLAG_NO_BAND;
    return 0;
}

/* The statistics over every organization of leaf l. Each leaf's depend on that leaf's
 * sums only, so leaves can be taken by threads in any order. (Scoring the organizations
 * themselves on threads measured slower: with a malloc arena per thread the second
 * thread's results landed in fresh pages of its own while one thread reuses the
 * accumulators' memory as it frees them; with the one arena lotk runs with, blocks of 256
 * taken in turn by two threads took 0.66-0.69 s on 1M rows where one thread's took
 * 0.64-0.65 s.) */
struct leaf_stats_ctx {
    const struct lotk_scorer *sc;
    struct lotk_result *r;
};

static void leaf_stats_of(void *ctx, size_t l)
{
    const struct leaf_stats_ctx *lc = ctx;
    const struct lotk_scorer *sc = lc->sc;
    int node = sc->leaves[l].node;
    struct lotk_leaf_stats *ls = &lc->r->leaf_stats[node];
    lotk_stats_reliability(sc->stats, node, &ls->reliability);
    lotk_stats_icc(sc->stats, node, &ls->icc1, &ls->icc2, &ls->icc_n, &ls->icc_groups);
}

/* The statistics of every leaf into r->leaf_stats, on up to sc->jobs threads. */
static void finish_leaf_stats(const struct lotk_scorer *sc, struct lotk_result *r)
{
    struct leaf_stats_ctx lc = {sc, r};
    lotk_parallel_for(sc->nleaves, sc->jobs, leaf_stats_of, &lc);
}

int lotk_scorer_finish(struct lotk_scorer *sc, struct lotk_survey_counts counts,
                       struct lotk_result **out, struct lotk_err *err)
{
    lotk_scorer_flush(sc);
    struct lotk_result *r = lotk_xcalloc(1, sizeof *r);
    r->standard = sc->s;
    r->counts = counts;
    add_evidence_orgs(sc);
    r->evidence = sc->evidence;
    r->orgs = lotk_xcalloc(sc->norgs ? sc->norgs : 1, sizeof *r->orgs);
    *out = NULL;
    /* The natural order of the ids, sorted on a thread of its own while the organizations
     * are scored (the ids stay where they are: scoring only hands each to its result). */
    struct id_sort sort = {lotk_xmalloc((sc->norgs ? sc->norgs : 1) * sizeof *sort.ids),
                           sc->norgs};
    for (size_t i = 0; i < sc->norgs; i++)
        sort.ids[i] = (struct id_at){sc->orgs[i].id, i};
    pthread_t sorter;
    bool sorting = sc->jobs > 1 && pthread_create(&sorter, NULL, sort_ids, &sort) == 0;
    /* Statistics over every organization first: then each organization's own
     * accumulators can go as soon as it is scored. */
    r->leaf_stats = lotk_xcalloc(sc->s->nnodes, sizeof *r->leaf_stats);
    finish_leaf_stats(sc, r);
    int rc = 0;
    for (size_t i = 0; i < sc->norgs && rc == 0; i++) {
        r->norgs++;
        rc = score_org(sc, (int)i, &r->orgs[i], err);
        /* The result holds the organization now; its sums go, so that accumulators and
         * results are not both held whole at the peak. */
        free(sc->orgs[i].fixed);
        free(sc->orgs[i].ext);
        sc->orgs[i].fixed = NULL;
        sc->orgs[i].ext = NULL;
        lotk_stats_release_org(sc->stats, (int)i);
    }
    if (sorting)
        pthread_join(sorter, NULL);
    else if (rc == 0)
        sort_ids(&sort);
    if (rc) {
        free(sort.ids);
        lotk_result_free(r);
        return rc;
    }
    /* Respondents and observers know organizations by the scorer's index: keep the map to
     * the sorted order. */
    put_in_order(r, sort.ids);
    free(sort.ids);
    for (size_t i = 0; i < sc->nrespondents; i++)
        sc->respondents[i].org = r->org_order[sc->respondents[i].org];
    r->respondents = sc->respondents;
    r->nrespondents = sc->nrespondents;
    sc->respondents = NULL;
    sc->nrespondents = sc->cap_respondents = 0;
    *out = r;
    return 0;
}

void lotk_scorer_free(struct lotk_scorer *sc)
{
    if (!sc)
        return;
    for (size_t i = 0; i < sc->norgs; i++) {
        free(sc->orgs[i].id);
        free(sc->orgs[i].fixed);
        free(sc->orgs[i].ext);
    }
    free(sc->orgs);
    for (size_t i = 0; i < sc->nrespondents; i++) {
        free(sc->respondents[i].id);
        free(sc->respondents[i].values);
    }
    free(sc->respondents);
    lotk_free_huge(sc->org_slots, sc->org_cap * sizeof *sc->org_slots);
    free(sc->leaves);
    free(sc->leaf_of);
    free(sc->items);
    free(sc->values);
    free(sc->keyed);
    free(sc->pend_values);
    free(sc->pend_keyed);
    lotk_stats_free(sc->stats);
    free(sc);
}
