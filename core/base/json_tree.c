/* json_tree.c — jansson helpers; see json_tree.h. */
#include "base/json_tree.h"

#include <stdlib.h>

#include "base/mem.h"

json_t *lotk_json_real_or_null(double x)
{
    return x == x ? json_real(x) : json_null();
}

json_t *lotk_json_string_or_null(const char *s)
{
    return s ? json_string(s) : json_null();
}

const char *lotk_json_get_string(const json_t *obj, const char *key)
{
    return json_string_value(json_object_get(obj, key));
}

/* jansson's allocations through lotk's: a failure is "out of memory" and exit 2, as for
 * every other allocation of lotk, instead of a NULL that jansson turns into a silently
 * missing member. */
static void *json_alloc(size_t n)
{
    return lotk_xmalloc(n);
}

void lotk_json_use_lotk_memory(void)
{
    json_set_alloc_funcs(json_alloc, free);
}
