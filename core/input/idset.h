/* idset.h — a compact, exact set of respondent ids, to find duplicates in bounded memory.
 *
 * One open-addressing table of 64-bit slots, nothing per id outside it for short ids: an id
 * of at most 10 characters from [0-9A-Za-z_-] (what 问卷星's and 腾讯问卷's 序号, and most
 * ids, are) is packed into its slot losslessly, 6 bits a character, so comparing slots is
 * comparing the texts. Any other id is appended to an arena (its length, then its bytes)
 * and its slot holds 20 bits of its 64-bit hash and its offset there; a slot whose hash bits
 * match is confirmed on the arena's text, so the set is exact, never probabilistic. The
 * table is kept between 53% and 80% full (it grows by half), so a set of n short ids takes
 * 10 to 15 bytes per id, and n long ids that plus their length and text. */
#ifndef LOTK_IDSET_H
#define LOTK_IDSET_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct lotk_idset {
    uint64_t *slots; /* 0: empty */
    size_t cap, count;
    char *arena;     /* long or unusual ids: varint length, then the bytes */
    size_t arena_len, arena_cap;
};

/* What finding one id takes: its packed slot (0: not packable) and its hash, the same in
 * every set. Computed once for an id that is prefetched, then looked up and inserted. */
struct lotk_idset_key {
    uint64_t packed, hash;
    const char *id; /* the id's bytes, which must stay put while the key is used */
    size_t len;
};

struct lotk_idset_key lotk_idset_key(const char *id, size_t len);

/* Adds id[0..len) (any bytes, NUL included; len > 0). Returns true when it was new, false
 * when the set held it already (the set is then unchanged). */
bool lotk_idset_insert(struct lotk_idset *set, const char *id, size_t len);
bool lotk_idset_insert_key(struct lotk_idset *set, const struct lotk_idset_key *k);

/* Whether the set holds id[0..len). */
bool lotk_idset_contains(const struct lotk_idset *set, const char *id, size_t len);
bool lotk_idset_contains_key(const struct lotk_idset *set, const struct lotk_idset_key *k);

/* Makes room for n ids in all, so that a set filled to n never grows (and never holds its
 * old and new tables at once while growing). */
void lotk_idset_reserve(struct lotk_idset *set, size_t n);

/* Starts the load of the slot where k's id would be looked for: call it when the id is
 * read, lotk_idset_insert_key later in the row finds it in cache. */
void lotk_idset_prefetch(const struct lotk_idset *set, const struct lotk_idset_key *k);

/* Calls fn with every id in the set (text and length; valid only during the call) until fn
 * returns true; returns whether one did. Ids come in slot order. */
bool lotk_idset_any(const struct lotk_idset *set,
                    bool (*fn)(void *ctx, const char *id, size_t len), void *ctx);

/* Bytes the set holds (table and arena), for tests of its bound. */
size_t lotk_idset_bytes(const struct lotk_idset *set);

/* Frees everything; the set is empty afterwards and may be used again. */
void lotk_idset_free(struct lotk_idset *set);

#endif
