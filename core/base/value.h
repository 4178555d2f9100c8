/* value.h — a plain data tree (null, bool, number, string, list, map) copied out of YAML,
 * for the parts of a standard that lotk hands to plugins as they are (rule and aggregate
 * parameters). Maps keep the order of the file. */
#ifndef LOTK_VALUE_H
#define LOTK_VALUE_H

#include <stdbool.h>
#include <stddef.h>


struct lotk_loc {
    long line, column; /* 1-based position in the standard file */
};

enum lotk_value_type {
    LOTK_VALUE_NULL,
    LOTK_VALUE_BOOL,
    LOTK_VALUE_NUMBER,
    LOTK_VALUE_STRING,
    LOTK_VALUE_LIST,
    LOTK_VALUE_MAP,
};

struct lotk_value {
    enum lotk_value_type type;
    bool boolean;
    double number;
    char *string;            /* STRING */
    struct lotk_value *items; /* LIST and MAP (values) */
    char **keys;             /* MAP */
    size_t count;
    struct lotk_loc loc;     /* where it stands in the standard */
};

/* The value under key in a MAP, or NULL. */
const struct lotk_value *lotk_value_get(const struct lotk_value *map, const char *key);

/* Frees what v owns (not v itself). NULL-safe. */
void lotk_value_clear(struct lotk_value *v);

#endif
