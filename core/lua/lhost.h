/* lhost.h — one sandboxed Lua 5.4 state: allocator cap, instruction budget, safe library
 * subset, per-plugin environments, and the one protected-call helper every entry into
 * Lua goes through (DESIGN §5).
 *
 * Plugins are code lotk did not write, run by assessors who did not read it: no call may
 * crash lotk, hang it, exhaust its memory, reach the file system, or change what another
 * plugin sees. */
#ifndef LOTK_LHOST_H
#define LOTK_LHOST_H

#include <lua.h>
#include <stdbool.h>
#include <stddef.h>

#include "base/err.h"

enum {
    LOTK_LHOST_DEFAULT_MEMORY = 64 << 20,      /* bytes per state */
    LOTK_LHOST_DEFAULT_INSTRUCTIONS = 10000000, /* per call */
};

struct lotk_lhost_limits {
    size_t memory;        /* hard cap on the state's allocations, bytes */
    long instructions;    /* VM instructions one call may run */
};

struct lotk_lhost;

/* Creates a state with only base (minus dofile, loadfile, load, require, rawset,
 * collectgarbage), string (minus dump and Lua patterns: find is plain, match/gmatch/gsub
 * are gone — regex goes through lotk.match), table, math (seeded, deterministic) and utf8.
 * Returns NULL with err filled when Lua cannot start. Free with lotk_lhost_free. */
struct lotk_lhost *lotk_lhost_new(const struct lotk_lhost_limits *limits, struct lotk_err *err);

lua_State *lotk_lhost_state(struct lotk_lhost *h);

/* Sets global name (visible to every plugin environment) to the value on top of the
 * stack, made read-only when it is a table. Pops it. */
void lotk_lhost_set_global(struct lotk_lhost *h, const char *name);

/* Pushes a read-only proxy of the table at idx: writes raise an error, pairs and # see
 * the original, the metatable is locked. */
void lotk_lhost_push_readonly(lua_State *L, int idx);

/* Loads a plugin's source (text only, never bytecode) as a function whose _ENV is a fresh
 * environment: the safe globals, read-only, and an error on reading any undefined name.
 * Pushes the function. Returns 0, or LOTK_ESTANDARD with err naming path:line. */
int lotk_lhost_load(struct lotk_lhost *h, const char *path, const char *source, size_t len,
                    struct lotk_err *err);

/* Calls the function below nargs arguments on the stack, like lua_pcall, under a fresh
 * instruction budget and with a traceback handler. A budget overrun is reported even when
 * the plugin caught the error with pcall: the count hook re-arms and fires again until
 * the call returns. On failure returns LOTK_EPLUGIN with err naming the plugin, the file
 * and line where Lua stopped, and the traceback; nothing is left on the stack. */
int lotk_lhost_call(struct lotk_lhost *h, const char *plugin, int nargs, int nresults,
                    struct lotk_err *err);

/* Bytes the state holds now. */
size_t lotk_lhost_memory(const struct lotk_lhost *h);

void lotk_lhost_free(struct lotk_lhost *h);

#endif
