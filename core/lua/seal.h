/* seal.h — stateless plugins. A respondent plugin runs in one Lua state per reading thread
 * (--jobs), and an aggregate plugin also per respondent (--respondents): state kept from one
 * call to the next (a counter, a cache, a result table that remembers) would make results
 * depend on how rows were split between threads. So those kinds are sealed when they load:
 *   - every table reachable from their function's upvalues (its globals, _ENV, included)
 *     is replaced by a read-only view (writes: "attempt to keep state between calls");
 *   - every Lua function reachable from them is sealed the same way;
 *   - every upvalue binding is recorded, and checked after each call: a counter
 *     `n = n + 1` or a lazily set `cache = ...` fails the call.
 * Internal to the lua tier. */
#ifndef LOTK_SEAL_H
#define LOTK_SEAL_H

#include <lua.h>
#include <stdbool.h>

/* What the registry keeps of its sealed functions: a registry table of
 * (function, upvalue index, value) triples, and their count. */
struct lotk_seal {
    int ref;   /* LUA_NOREF until the first seal */
    int count; /* triples */
};

/* Seals the value at idx (a function, or a table of them: a library's exports). Raises a
 * Lua error (memory, or a table nested too deeply): call it inside a protected call. */
void lotk_seal_value(lua_State *L, struct lotk_seal *seal, int idx);

/* After a call: 0 when every recorded upvalue still holds its value, else -1 with *name
 * the first that changed ("?" without debug information). Allocates nothing. */
int lotk_seal_verify(lua_State *L, const struct lotk_seal *seal, const char **name);

#endif
