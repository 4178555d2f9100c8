/* scorer_impl.h — the scorer's accumulators, shared by scorer.c (adding rows, merging,
 * finishing) and scorer_wire.c (their file form) and by no one else. Callers use score.h. */
#ifndef LOTK_SCORER_IMPL_H
#define LOTK_SCORER_IMPL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "base/exact.h"
#include "base/strmap.h"
#include "score/score.h"

/* A survey leaf as the hot path needs it: flat item indices and keying constants. */
struct leaf_plan {
    int node;
    int first_item;   /* into plan_items */
    int nitems;
    int need;         /* answered items a respondent needs for a value */
};

/* One item of a leaf, in plan order. */
struct plan_item {
    int item;
    double reverse_sum; /* min + max of the scale when reverse-keyed, else 0 */
    /* The keyed answer as a · key_sign − key_shift, without a branch: −1 and −reverse_sum
     * when reverse_sum is not 0 (exactly reverse_sum − a), else 1 and +0 (exactly a, −0 and
     * NaN included). */
    double key_sign, key_shift;
};

/* One organization's sums. */
struct org_acc {
    char *id;
    size_t id_len;
    long respondents;
    /* Per survey leaf, in plan order, exact sums: the mean must not depend on the order in
     * which rows, threads or shards arrive (see exact.h). A leaf's Σ is fixed[l] × 2^-60
     * plus ext[l]: a value below 8 in magnitude on the 2^-60 grid (every mean of Likert
     * answers) is one 128-bit addition into fixed; others, rare, go to ext, allocated on
     * first need. The counts n follow fixed in its allocation (leaf_n): 24 bytes a leaf,
     * so that a row touches few cache lines of its organization. */
    __extension__ __int128 *fixed;
    struct lotk_exact *ext;
};

/* Leaf counts of o: after its fixed sums. */
static inline int64_t *leaf_n(size_t nleaves, const struct org_acc *o)
{
    return (int64_t *)(o->fixed + nleaves);
}

/* Bytes of an organization's fixed sums and counts. */
static inline size_t leaf_bytes(size_t nleaves)
{
    return (nleaves ? nleaves : 1) * (sizeof(__int128) + sizeof(int64_t));
}

/* Leaf l's sum of o as one exact accumulator. */
void lotk_scorer_leaf_sum(size_t nleaves, const struct org_acc *o, size_t l,
                          struct lotk_exact *out);

/* Adds an exact partial sum to leaf l of o (a partial file's). */
void lotk_scorer_leaf_merge(size_t nleaves, struct org_acc *o, size_t l,
                            const struct lotk_exact *part);

struct lotk_scorer {
    const struct lotk_standard *s;
    struct lotk_plugins *plugins;
    const struct lotk_plugin *respondent_plugin; /* NULL: the built-in leaf mean */
    double *keyed;  /* scratch: one row's keyed items, for statistics and plugins */
    struct lotk_stats *stats;
    void (*observer)(void *ctx, int org, const double *values, const double *keyed);
    void *observer_ctx;
    bool keep_respondents;
    struct leaf_plan *leaves;
    int *leaf_of;   /* node → index into leaves, -1 for other nodes */
    size_t nleaves;
    struct plan_item *items;
    /* Organization id → index: open addressing, each slot one half cache line with the
     * id's hash and, for ids up to ORG_KEY_INLINE bytes, its text, so that finding an
     * organization touches one line, not the slot, then the id's own allocation. */
    struct org_slot {
        uint64_t hash;
        int32_t index1;  /* index + 1; 0: empty */
        uint8_t len;     /* the id's length, ORG_KEY_INLINE + 1 for a longer one */
        char key[19];    /* ORG_KEY_INLINE bytes */
    } *org_slots;
    size_t org_cap;
    struct org_acc *orgs;
    size_t norgs, cap_orgs;
    int last_org; /* rows often come grouped by organization */
    size_t last_len;       /* its id's length, and its bytes when they fit last_id */
    char last_id[32];
    /* The row before the current one, added to its organization's sums one row late: the
     * sums' cache lines are requested when a row ends and used when the next one does, so
     * that interleaved organizations do not cost a wait for memory per row. pend_org -1:
     * none. Every function that reads the sums adds it first (flush_pending). */
    double *pend_keyed, *pend_values;
    int pend_org;
    bool pend_small;
    bool keying_keeps_small; /* reverse keying maps small whole answers to whole numbers
                              * within ±127 (lotk_stats_add_small) */
    double *values; /* scratch: one row's node values */
    struct lotk_respondent *respondents;
    size_t nrespondents, cap_respondents;
    struct lotk_evidence *evidence; /* borrowed; NULL when no sheets were given */
    const struct lotk_rollup *rollup; /* borrowed; NULL unless a city standard's units */
    bool no_survey; /* no survey file given: min_respondents does not apply */
    int jobs; /* threads lotk_scorer_finish may use */
};

enum { ORG_KEY_INLINE = 19 };

/* Adds the pending row (pend_org) to the sums: every reader of the sums calls it first. */
void lotk_scorer_flush(const struct lotk_scorer *sc);

/* The scorer's index of the organization with this id (len bytes, no NUL needed), added
 * with empty sums when new. May move sc->orgs. */
int lotk_scorer_org_for(struct lotk_scorer *sc, const char *id, size_t len);

#endif
