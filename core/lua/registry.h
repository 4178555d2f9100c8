/* registry.h — the plugin registry's insides, shared by the lua tier's modules (api.c,
 * call.c, ptest.c); callers outside lua/ see only struct lotk_plugins' name (plugin.h). */
#ifndef LOTK_REGISTRY_H
#define LOTK_REGISTRY_H

#include "lua/api.h"
#include "lua/plugin.h"
#include "lua/seal.h"

/* Libraries loading libraries: deeper than this is surely a mistake. */
enum { LOTK_REGISTRY_MAX_NESTING = 32 };

struct lotk_plugins {
    struct lotk_lhost *host;
    const struct lotk_standard *standard;
    char **dirs; /* the search path, in order */
    size_t ndirs;
    struct lotk_plugin *list; /* pointers to entries are handed out: never realloc'd */
    size_t count, cap;
    const char *current; /* the plugin being called or loaded, for lotk.log */
    /* Files whose chunk is running now, outermost first: requiring one is a cycle. */
    char *loading[LOTK_REGISTRY_MAX_NESTING];
    size_t nloading;
    struct lotk_api api;
    /* A respondent plugin's arguments, made on its first row and reused by every row
     * after (call.c): registry references. */
    struct lotk_respondent_refs {
        bool made;
        int items;   /* the item values table, rewritten per row */
        int context; /* ctx, read-only */
        int out;     /* the table handed to fill, emptied per row */
    } respondent;
    struct lotk_seal seal;    /* the stateless kinds' functions (seal.h) */
    bool calling_stateless;   /* a respondent or aggregate call runs: what it requires is
                               * sealed too */
};

/* params.c: reads the `params` table at index t of plugin file path into pl (sets
 * has_params). Returns 0 or LOTK_ESTANDARD with err saying what is wrong with it. */
int lotk_params_read(lua_State *L, int t, const char *path, struct lotk_plugin *pl,
                     struct lotk_err *err);
/* Frees pl's params. */
void lotk_params_free(struct lotk_plugin *pl);

#endif
