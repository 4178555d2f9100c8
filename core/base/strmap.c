/* strmap.c — a string → int map with open addressing; see strmap.h. */
#include "base/strmap.h"

#include <stdlib.h>
#include <string.h>

#include "base/mem.h"

uint64_t lotk_hash(const void *s, size_t n)
{
    /* FNV-1a: keys are short (labels, ids), where it is as fast as anything. */
    const unsigned char *p = s;
    uint64_t h = 1469598103934665603ULL;
    for (size_t i = 0; i < n; i++) {
        h ^= p[i];
        h *= 1099511628211ULL;
    }
    return h;
}

static struct lotk_strmap_slot *strmap_find(const struct lotk_strmap *m, const char *key,
                                            size_t len, uint64_t h)
{
    size_t mask = m->cap - 1;
    for (size_t i = (size_t)h & mask;; i = (i + 1) & mask) {
        struct lotk_strmap_slot *s = &m->slots[i];
        if (!s->key || (s->hash == h && s->len == len && memcmp(s->key, key, len) == 0))
            return s;
    }
}

int lotk_strmap_get(const struct lotk_strmap *m, const char *key, size_t len)
{
    if (!m->cap)
        return -1;
    struct lotk_strmap_slot *s = strmap_find(m, key, len, lotk_hash(key, len));
    return s->key ? s->value : -1;
}

static void strmap_rehash(struct lotk_strmap *m)
{
    struct lotk_strmap old = *m;
    m->cap = old.cap ? old.cap * 2 : 16;
    m->slots = lotk_xcalloc(m->cap, sizeof *m->slots);
    for (size_t i = 0; i < old.cap; i++)
        if (old.slots[i].key)
            *strmap_find(m, old.slots[i].key, old.slots[i].len, old.slots[i].hash) =
                old.slots[i];
    free(old.slots);
}

int lotk_strmap_put(struct lotk_strmap *m, const char *key, size_t len, int value)
{
    if ((m->count + 1) * 4 > m->cap * 3)
        strmap_rehash(m);
    uint64_t h = lotk_hash(key, len);
    struct lotk_strmap_slot *s = strmap_find(m, key, len, h);
    if (s->key)
        return s->value;
    s->key = lotk_xstrndup(key, len);
    s->len = len;
    s->hash = h;
    s->value = value;
    m->count++;
    return value;
}

void lotk_strmap_free(struct lotk_strmap *m)
{
    for (size_t i = 0; i < m->cap; i++)
        free(m->slots[i].key);
    free(m->slots);
    m->slots = NULL;
    m->cap = m->count = 0;
}
