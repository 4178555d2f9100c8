/* seal.c — sealing stateless plugins; see seal.h. */
#include "lua/seal.h"

#include <lauxlib.h>

#include "lua/lhost.h"

enum { SEAL_DEPTH = 64 };

/* The state of one seal: [visited functions and upvalues, table → view] on the stack. */
struct walk {
    struct lotk_seal *seal;
    int list;    /* the triples */
    int visited; /* functions, upvalue ids and tables walked */
    int views;   /* table → its sealed view (lotk_lhost_push_sealed's visited) */
};

static bool first_visit(lua_State *L, const struct walk *w, int idx)
{
    lua_pushvalue(L, idx);
    if (lua_rawget(L, w->visited) != LUA_TNIL) {
        lua_pop(L, 1);
        return false;
    }
    lua_pop(L, 1);
    lua_pushvalue(L, idx);
    lua_pushboolean(L, 1);
    lua_rawset(L, w->visited);
    return true;
}

static void walk_value(lua_State *L, const struct walk *w, int idx, int depth);

static void record(lua_State *L, const struct walk *w, int fn, int i)
{
    int base = 3 * w->seal->count;
    lua_pushvalue(L, fn);
    lua_rawseti(L, w->list, base + 1);
    lua_pushinteger(L, i);
    lua_rawseti(L, w->list, base + 2);
    lua_getupvalue(L, fn, i);
    lua_rawseti(L, w->list, base + 3);
    w->seal->count++;
}

/* Every upvalue of the Lua function at fn: tables become sealed views, functions are
 * walked, and each binding is recorded once (closures of one scope share an upvalue). */
static void walk_function(lua_State *L, const struct walk *w, int fn, int depth)
{
    if (lua_iscfunction(L, fn) || !first_visit(L, w, fn))
        return; /* a C function's upvalues are lotk's own */
    for (int i = 1; lua_getupvalue(L, fn, i); i++) {
        lua_pop(L, 1);
        lua_pushlightuserdata(L, lua_upvalueid(L, fn, i));
        bool seen = lua_rawget(L, w->visited) != LUA_TNIL;
        lua_pop(L, 1);
        if (seen)
            continue; /* shared with a closure walked before: sealed and recorded there */
        lua_pushlightuserdata(L, lua_upvalueid(L, fn, i));
        lua_pushboolean(L, 1);
        lua_rawset(L, w->visited);
        lua_getupvalue(L, fn, i);
        int value = lua_gettop(L);
        walk_value(L, w, value, depth + 1); /* the functions inside (a table's original) */
        if (lua_type(L, value) == LUA_TTABLE) {
            lotk_lhost_push_sealed(L, value, w->views);
            lua_setupvalue(L, fn, i);
        }
        lua_pop(L, 1);
        record(L, w, fn, i);
    }
}

/* A table's keys, values and metatable (a library's exports sit behind a read-only
 * proxy's __index), for the functions in them. */
static void walk_table(lua_State *L, const struct walk *w, int t, int depth)
{
    if (!first_visit(L, w, t))
        return;
    lua_pushnil(L);
    while (lua_next(L, t)) {
        walk_value(L, w, lua_gettop(L) - 1, depth + 1);
        walk_value(L, w, lua_gettop(L), depth + 1);
        lua_pop(L, 1);
    }
    if (lua_getmetatable(L, t)) {
        walk_value(L, w, lua_gettop(L), depth + 1);
        lua_pop(L, 1);
    }
}

static void walk_value(lua_State *L, const struct walk *w, int idx, int depth)
{
    idx = lua_absindex(L, idx);
    if (depth > SEAL_DEPTH)
        luaL_error(L, "plugin data nested deeper than %d levels", SEAL_DEPTH);
    luaL_checkstack(L, 8, "sealing a plugin");
    if (lua_type(L, idx) == LUA_TFUNCTION)
        walk_function(L, w, idx, depth);
    else if (lua_type(L, idx) == LUA_TTABLE)
        walk_table(L, w, idx, depth);
}

static char visited_key, views_key;

/* The walk's tables live in the registry, so that a library sealed later (lotk.require in
 * a sealed call) shares the views and visits nothing twice. */
static int registry_table(lua_State *L, void *key)
{
    if (lua_rawgetp(L, LUA_REGISTRYINDEX, key) == LUA_TNIL) {
        lua_pop(L, 1);
        lua_newtable(L);
        lua_pushvalue(L, -1);
        lua_rawsetp(L, LUA_REGISTRYINDEX, key);
    }
    return lua_gettop(L);
}

void lotk_seal_value(lua_State *L, struct lotk_seal *seal, int idx)
{
    idx = lua_absindex(L, idx);
    if (seal->ref == LUA_NOREF) {
        lua_newtable(L);
        seal->ref = luaL_ref(L, LUA_REGISTRYINDEX);
    }
    struct walk w = {seal, 0, 0, 0};
    lua_rawgeti(L, LUA_REGISTRYINDEX, seal->ref);
    w.list = lua_gettop(L);
    w.visited = registry_table(L, &visited_key);
    w.views = registry_table(L, &views_key);
    walk_value(L, &w, idx, 0);
    lua_settop(L, w.list - 1);
}

int lotk_seal_verify(lua_State *L, const struct lotk_seal *seal, const char **name)
{
    if (seal->count == 0)
        return 0;
    lua_rawgeti(L, LUA_REGISTRYINDEX, seal->ref);
    int list = lua_gettop(L);
    int rc = 0;
    for (int k = 0; k < seal->count && rc == 0; k++) {
        lua_rawgeti(L, list, 3 * k + 1);
        int i = (int)(lua_rawgeti(L, list, 3 * k + 2), lua_tointeger(L, -1));
        lua_rawgeti(L, list, 3 * k + 3);
        const char *n = lua_getupvalue(L, list + 1, i);
        if (!lua_rawequal(L, -1, -2)) {
            *name = n && n[0] ? n : "?";
            rc = -1;
        }
        lua_settop(L, list);
    }
    lua_settop(L, list - 1);
    return rc;
}
