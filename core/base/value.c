/* value.c — see value.h. The YAML → value conversion lives in standard.c, which owns the
 * YAML document. */
#include "base/value.h"

#include <stdlib.h>
#include <string.h>

const struct lotk_value *lotk_value_get(const struct lotk_value *map, const char *key)
{
    if (!map || map->type != LOTK_VALUE_MAP)
        return NULL;
    for (size_t i = 0; i < map->count; i++)
        if (strcmp(map->keys[i], key) == 0)
            return &map->items[i];
    return NULL;
}

void lotk_value_clear(struct lotk_value *v)
{
    if (!v)
        return;
    for (size_t i = 0; i < v->count; i++) {
        lotk_value_clear(&v->items[i]);
        if (v->keys)
            free(v->keys[i]);
    }
    free(v->items);
    free(v->keys);
    free(v->string);
    memset(v, 0, sizeof *v);
}
