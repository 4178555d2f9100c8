/* idset.c — the respondent id set: short ids packed into their slots, others in an arena
 * behind 20 bits of hash; see idset.h. */
#include "input/idset.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "base/mem.h"

enum {
    MAX_INLINE = 10,       /* 10 characters × 6 bits + a 4-bit length = 64 bits */
    ARENA_KIND = 15,       /* top nibble of an arena slot; inline slots have 1..10 */
    TAG_BITS = 20,
    OFFSET_BITS = 40,
    MIN_CAP = 64,
};

/* Each byte's 6-bit code in a packed id plus one, 0 for a byte that cannot be packed:
 * one load a character, an id being packed for every row. */
static const unsigned char CHAR_CODE1[256] = {
    ['0'] = 1, 2, 3, 4, 5, 6, 7, 8, 9, 10,
    ['A'] = 11, 12, 13, 14, 15, 16, 17, 18, 19, 20, 21, 22, 23,
            24, 25, 26, 27, 28, 29, 30, 31, 32, 33, 34, 35, 36,
    ['a'] = 37, 38, 39, 40, 41, 42, 43, 44, 45, 46, 47, 48, 49,
            50, 51, 52, 53, 54, 55, 56, 57, 58, 59, 60, 61, 62,
    ['-'] = 63, ['_'] = 64,
};

static const char CODE_CHAR[64] =
    "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz-_";

/* The packed slot of id, or 0 when it cannot be packed. */
static uint64_t pack(const char *id, size_t len)
{
    if (len == 0 || len > MAX_INLINE)
        return 0;
    uint64_t v = (uint64_t)len << 60;
    for (size_t i = 0; i < len; i++) {
        unsigned c = CHAR_CODE1[(unsigned char)id[i]];
        if (c == 0)
            return 0;
        v |= (uint64_t)(c - 1) << (6 * i);
    }
    return v;
}

static size_t unpack(uint64_t v, char *out)
{
    size_t len = (size_t)(v >> 60);
    for (size_t i = 0; i < len; i++)
        out[i] = CODE_CHAR[(v >> (6 * i)) & 63];
    return len;
}

/* splitmix64's finaliser: every input bit moves every output bit. */
static uint64_t mix(uint64_t x)
{
    x ^= x >> 30;
    x *= 0xbf58476d1ce4e5b9ULL;
    x ^= x >> 27;
    x *= 0x94d049bb133111ebULL;
    return x ^ (x >> 31);
}

static uint64_t hash_bytes(const char *p, size_t len)
{
    uint64_t h = 1469598103934665603ULL ^ len;
    for (size_t i = 0; i < len; i++) {
        h ^= (unsigned char)p[i];
        h *= 1099511628211ULL;
    }
    return mix(h);
}

static bool is_arena(uint64_t slot)
{
    return slot >> 60 == ARENA_KIND;
}

/* The text of an arena slot: its length is a LEB128 varint before the bytes. */
static const char *arena_text(const struct lotk_idset *set, uint64_t slot, size_t *len)
{
    const unsigned char *p =
        (const unsigned char *)set->arena + (slot & ((1ULL << OFFSET_BITS) - 1));
    size_t n = 0;
    for (int shift = 0;; shift += 7) {
        n |= (size_t)(*p & 0x7f) << shift;
        if (!(*p++ & 0x80))
            break;
    }
    *len = n;
    return (const char *)p;
}

static uint64_t slot_hash(const struct lotk_idset *set, uint64_t slot)
{
    if (!is_arena(slot))
        return mix(slot);
    size_t len;
    const char *text = arena_text(set, slot, &len);
    return hash_bytes(text, len);
}

struct lotk_idset_key lotk_idset_key(const char *id, size_t len)
{
    struct lotk_idset_key k = {pack(id, len), 0, id, len};
    k.hash = k.packed ? mix(k.packed) : hash_bytes(id, len);
    return k;
}

static size_t home(size_t cap, uint64_t hash)
{
    return (size_t)(((unsigned __int128)hash * cap) >> 64);
}

/* The slot that holds k, or the empty slot where it would go. */
static size_t find(const struct lotk_idset *set, const struct lotk_idset_key *k)
{
    uint64_t tag = k->hash & ((1ULL << TAG_BITS) - 1);
    for (size_t i = home(set->cap, k->hash);; i = i + 1 == set->cap ? 0 : i + 1) {
        uint64_t slot = set->slots[i];
        if (slot == 0)
            return i;
        if (k->packed) {
            if (slot == k->packed)
                return i;
        } else if (is_arena(slot) && (slot >> OFFSET_BITS & ((1ULL << TAG_BITS) - 1)) == tag) {
            size_t len;
            const char *text = arena_text(set, slot, &len);
            if (len == k->len && memcmp(text, k->id, len) == 0)
                return i;
        }
    }
}

static void rehash(struct lotk_idset *set, size_t cap)
{
    uint64_t *old = set->slots;
    size_t old_cap = set->cap;
    set->slots = lotk_xcalloc_huge(cap * sizeof *set->slots); /* looked up at random */
    set->cap = cap;
    for (size_t i = 0; i < old_cap; i++) {
        if (!old[i])
            continue;
        size_t j = home(cap, slot_hash(set, old[i]));
        while (set->slots[j])
            j = j + 1 == cap ? 0 : j + 1;
        set->slots[j] = old[i];
    }
    lotk_free_huge(old, old_cap * sizeof *old);
}

/* Slots for n ids at most 80% full. */
static size_t cap_for(size_t n)
{
    size_t cap = n + n / 4 + 1;
    return cap < MIN_CAP ? MIN_CAP : cap;
}

void lotk_idset_reserve(struct lotk_idset *set, size_t n)
{
    if (cap_for(n) > set->cap)
        rehash(set, cap_for(n));
}

static uint64_t arena_add(struct lotk_idset *set, const struct lotk_idset_key *k)
{
    size_t offset = set->arena_len;
    if (offset >> OFFSET_BITS) /* a terabyte of ids: no machine lotk runs on has it */
        lotk_xmalloc(SIZE_MAX);
    lotk_grow(&set->arena, &set->arena_cap, offset + k->len + 10, 1);
    unsigned char *p = (unsigned char *)set->arena + offset;
    size_t n = k->len;
    do {
        *p = (unsigned char)(n & 0x7f);
        n >>= 7;
        *p++ |= n ? 0x80 : 0;
    } while (n);
    memcpy(p, k->id, k->len);
    set->arena_len = (size_t)((char *)p - set->arena) + k->len;
    return (uint64_t)ARENA_KIND << 60 |
           (k->hash & ((1ULL << TAG_BITS) - 1)) << OFFSET_BITS | (uint64_t)offset;
}

bool lotk_idset_insert_key(struct lotk_idset *set, const struct lotk_idset_key *k)
{
    if ((set->count + 1) * 5 > set->cap * 4) {
        size_t grown = set->cap + set->cap / 2;
        rehash(set, grown > cap_for(set->count + 1) ? grown : cap_for(set->count + 1));
    }
    size_t i = find(set, k);
    if (set->slots[i])
        return false;
    set->slots[i] = k->packed ? k->packed : arena_add(set, k);
    set->count++;
    return true;
}

bool lotk_idset_insert(struct lotk_idset *set, const char *id, size_t len)
{
    struct lotk_idset_key k = lotk_idset_key(id, len);
    return lotk_idset_insert_key(set, &k);
}

bool lotk_idset_contains_key(const struct lotk_idset *set, const struct lotk_idset_key *k)
{
    return set->count && set->slots[find(set, k)] != 0;
}

bool lotk_idset_contains(const struct lotk_idset *set, const char *id, size_t len)
{
    if (!set->count)
        return false;
    struct lotk_idset_key k = lotk_idset_key(id, len);
    return lotk_idset_contains_key(set, &k);
}

void lotk_idset_prefetch(const struct lotk_idset *set, const struct lotk_idset_key *k)
{
    if (set->cap)
        __builtin_prefetch(&set->slots[home(set->cap, k->hash)]);
}

bool lotk_idset_any(const struct lotk_idset *set,
                    bool (*fn)(void *ctx, const char *id, size_t len), void *ctx)
{
    char buf[MAX_INLINE];
    for (size_t i = 0; i < set->cap; i++) {
        uint64_t slot = set->slots[i];
        if (!slot)
            continue;
        size_t len;
        const char *text = is_arena(slot) ? arena_text(set, slot, &len) : buf;
        if (!is_arena(slot))
            len = unpack(slot, buf);
        if (fn(ctx, text, len))
            return true;
    }
    return false;
}

size_t lotk_idset_bytes(const struct lotk_idset *set)
{
    return set->cap * sizeof *set->slots + set->arena_cap;
}

void lotk_idset_free(struct lotk_idset *set)
{
    lotk_free_huge(set->slots, set->cap * sizeof *set->slots);
    free(set->arena);
    memset(set, 0, sizeof *set);
}
