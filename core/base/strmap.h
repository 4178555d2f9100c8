/* strmap.h — an open-addressing map from byte strings to non-negative ints, and the hash
 * it uses. */
#ifndef LOTK_STRMAP_H
#define LOTK_STRMAP_H

#include <stddef.h>
#include <stdint.h>

/* Keys are copied into the map's own storage; zero-initialised is empty. */
struct lotk_strmap {
    struct lotk_strmap_slot {
        char *key;
        size_t len;
        uint64_t hash;
        int value;
    } *slots;
    size_t cap, count;
};
/* FNV-1a of s[0..n). */
uint64_t lotk_hash(const void *s, size_t n);
/* Returns the value stored for key, or -1. */
int lotk_strmap_get(const struct lotk_strmap *m, const char *key, size_t len);
/* Stores key → value unless key is present; returns the value now stored for key. */
int lotk_strmap_put(struct lotk_strmap *m, const char *key, size_t len, int value);
void lotk_strmap_free(struct lotk_strmap *m);

#endif
