/* json_tree.h — small constructors for the jansson trees lotk builds (results, norms,
 * comparisons), so that "no value" is JSON null the same way everywhere. */
#ifndef LOTK_JSON_TREE_H
#define LOTK_JSON_TREE_H

#include <jansson.h>

/* A new real, or null when x is NaN (no value). */
json_t *lotk_json_real_or_null(double x);

/* A new string, or null when s is NULL. */
json_t *lotk_json_string_or_null(const char *s);

/* The string value of obj's member key, or NULL when obj is no object, lacks key, or its
 * value is no string. */
const char *lotk_json_get_string(const json_t *obj, const char *key);

/* Makes jansson allocate with lotk_xmalloc (out of memory: a message and exit 2). Called
 * once, before any JSON is built. */
void lotk_json_use_lotk_memory(void);

#endif
