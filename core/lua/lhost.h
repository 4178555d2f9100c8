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
    /* Per call of a report plugin (and the libraries it uses): rendering a batch of
     * thousands of organizations is far more work than scoring one, but still bounded. */
    LOTK_LHOST_DEFAULT_REPORT_INSTRUCTIONS = 100 * LOTK_LHOST_DEFAULT_INSTRUCTIONS,
};

/* Zero fields take the defaults above. */
struct lotk_lhost_limits {
    size_t memory;             /* hard cap on the state's allocations, bytes */
    long instructions;         /* VM instructions one call may run */
    long report_instructions;  /* the same for a call of a report or library plugin; the
                                * lhost only stores it, the plugin registry applies it */
};

struct lotk_lhost;

/* Creates a state with only base (minus dofile, loadfile, load, require, rawset,
 * collectgarbage), string (minus dump and Lua patterns: find is plain, match/gmatch/gsub
 * are gone — regex goes through lotk.match), table, math (seeded, deterministic) and utf8;
 * string.find, string.rep and the table functions that loop in C are lotk's bounded
 * versions (bounded.h). A Lua panic (an error outside every protected call) is reported
 * and exits instead of aborting. Returns NULL with err filled when Lua cannot start:
 * LOTK_EIO "out of memory" when malloc failed, LOTK_EPLUGIN when the cap is too low.
 * Free with lotk_lhost_free. */
struct lotk_lhost *lotk_lhost_new(const struct lotk_lhost_limits *limits, struct lotk_err *err);

lua_State *lotk_lhost_state(struct lotk_lhost *h);

/* Sets global name (visible to every plugin environment) to the value on top of the
 * stack, made read-only when it is a table. Pops it. Allocates: call it inside a protected
 * call (lotk_lhost_protect) unless running out of memory cannot happen. */
void lotk_lhost_set_global(struct lotk_lhost *h, const char *name);

/* Pushes a read-only proxy of the table at idx: writes raise an error, pairs and # see
 * the original, the metatable is locked. */
void lotk_lhost_push_readonly(lua_State *L, int idx);

/* Pushes a read-only view of the table at idx in which every table reachable through
 * values is read-only too (one view per table, so shared and cyclic tables stay so).
 * Functions and other values are kept as they are; metatables are kept unless they carry
 * __gc. Raises a Lua error for tables nested deeper than 64 levels, so call it from inside
 * a protected call. */
void lotk_lhost_push_frozen(lua_State *L, int idx);

/* lotk_lhost_push_frozen for a stateless plugin's tables (seal.c): writes raise "attempt
 * to keep state between calls"; visited (a table at that index) maps the tables already
 * frozen to their views, so that a table shared by several upvalues stays one table. */
void lotk_lhost_push_sealed(lua_State *L, int idx, int visited);

/* Loads a plugin's source (text only, never bytecode) as a function whose _ENV is a fresh
 * environment: the safe globals, read-only, and an error on reading any undefined name.
 * Pushes the function. Returns 0, or LOTK_ESTANDARD with err naming path:line. */
int lotk_lhost_load(struct lotk_lhost *h, const char *path, const char *source, size_t len,
                    struct lotk_err *err);

/* Calls the function below nargs arguments on the stack, like lua_pcall, under a fresh
 * budget (the state's default) and with a traceback handler. The budget: VM instructions,
 * counted from the call's first watchdog tick (10 ms of the thread's CPU time: a shorter
 * call runs without a hook, at full speed), plus the C work of the library functions that
 * could run long (bounded.h); and CPU time, 1 ms per 10,000 instructions of budget and at
 * least 1 s, which also stops a loop of slow library calls. An overrun is reported even
 * when the plugin caught the error with pcall: the hook then fires before every
 * instruction until the call returns. On failure returns LOTK_EPLUGIN with err naming the
 * plugin, the file and line where Lua stopped, and the traceback, or LOTK_EIO when malloc
 * itself failed ("out of memory"); nothing is left on the stack. The arguments must have
 * been pushed without allocating (values from the registry, numbers); others go through
 * lotk_lhost_call_with. */
int lotk_lhost_call(struct lotk_lhost *h, const char *plugin, int nargs, int nresults,
                    struct lotk_err *err);

/* lotk_lhost_call with a budget of instructions (0: the state's default). A call made
 * while another is running (a C function of the host API, called by a plugin, loading a
 * library) is part of the outer call: it shares what is left of the outer budget, whatever
 * instructions says, and a memory or budget overrun inside it fails the outer call too. */
int lotk_lhost_call_budget(struct lotk_lhost *h, const char *plugin, long instructions,
                           int nargs, int nresults, struct lotk_err *err);

/* Pushes the arguments of a call (inside its protected call, so that building them may
 * fail for memory like anything else the call does); returns how many. */
typedef int (*lotk_lhost_pusher)(lua_State *L, void *ud);

/* lotk_lhost_call_budget for the function on top of the stack, with the arguments push
 * pushes. */
int lotk_lhost_call_with(struct lotk_lhost *h, const char *plugin, long instructions,
                         lotk_lhost_pusher push, void *ud, int nresults, struct lotk_err *err);

/* Runs fn(ud, the nargs values on top of the stack) (ud a light userdata) under
 * lua_pcall, for the host's own work in the state (building tables, reading a plugin's
 * table): no plugin code runs, so no budget. Leaves nresults results. On failure returns
 * LOTK_EIO ("out of memory": malloc failed) or LOTK_EPLUGIN (the memory cap, or the error
 * fn raised), the arguments gone. */
int lotk_lhost_protect(struct lotk_lhost *h, lua_CFunction fn, void *ud, int nargs,
                       int nresults, struct lotk_err *err);

/* Puts math.random back to its seed if a plugin used it (or reseeded it) since the last
 * time: what a per-row plugin draws then depends on nothing but the row (plugin.h). */
int lotk_lhost_restore_random(struct lotk_lhost *h, struct lotk_err *err);

/* The report budget the state was created with (limits->report_instructions, else
 * LOTK_LHOST_DEFAULT_REPORT_INSTRUCTIONS). */
long lotk_lhost_report_budget(const struct lotk_lhost *h);

/* The memory cap, bytes. */
size_t lotk_lhost_limit(const struct lotk_lhost *h);

/* Bytes the state holds now. */
size_t lotk_lhost_memory(const struct lotk_lhost *h);

void lotk_lhost_free(struct lotk_lhost *h);

#endif
