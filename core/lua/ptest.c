/* ptest.c — running a plugin's own tests table (`lotk plugins test`, `lotk check`); see
 * lotk_plugin_test in plugin.h. */
#include <lauxlib.h>
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "lua/call.h"
#include "lua/registry.h"

/* t[key] without metamethods: a test table's __index would run plugin code here, outside
 * any protected call and budget. */
static int raw_field(lua_State *L, int t, const char *key)
{
    t = lua_absindex(L, t);
    lua_pushstring(L, key);
    return lua_rawget(L, t);
}

static bool same(lua_State *L, int a, int b, int depth)
{
    a = lua_absindex(L, a);
    b = lua_absindex(L, b);
    if (depth > 32)
        return false;
    if (lua_type(L, a) == LUA_TNUMBER && lua_type(L, b) == LUA_TNUMBER) {
        double x = lua_tonumber(L, a), y = lua_tonumber(L, b);
        return fabs(x - y) <= 1e-9 * (fabs(y) > 1 ? fabs(y) : 1);
    }
    if (lua_type(L, a) != LUA_TTABLE || lua_type(L, b) != LUA_TTABLE)
        return lua_rawequal(L, a, b);
    bool ok = true;
    for (int pass = 0; pass < 2 && ok; pass++) { /* every key of a in b, and of b in a */
        int x = pass ? b : a, y = pass ? a : b;
        lua_pushnil(L);
        while (ok && lua_next(L, x)) {
            lua_pushvalue(L, -2);
            lua_rawget(L, y);
            ok = same(L, -2, -1, depth + 1);
            lua_pop(L, 2);
        }
        if (!ok)
            lua_pop(L, 1);
    }
    return ok;
}

static void describe(lua_State *L, int idx, char *out, size_t size)
{
    if (lua_type(L, idx) == LUA_TNUMBER || lua_type(L, idx) == LUA_TSTRING)
        snprintf(out, size, "%s", lua_tostring(L, idx));
    else
        snprintf(out, size, "%s", luaL_typename(L, idx));
}

/* Pushes what test t calls: the plugin's function, or for a library the export its fn
 * names. Returns -1 with why filled when there is none. */
static int push_test_function(lua_State *L, struct lotk_plugins *p,
                              const struct lotk_plugin *pl, int t, char *why, size_t size)
{
    if (pl->kind != LOTK_PLUGIN_LIBRARY) {
        lotk_call_push(p, pl);
        return 0;
    }
    if (raw_field(L, t, "fn") != LUA_TSTRING) {
        lua_pop(L, 1);
        snprintf(why, size, "a library's test names the export it calls: fn = \"name\"");
        return -1;
    }
    char fn[64];
    snprintf(fn, sizeof fn, "%s", lua_tostring(L, -1));
    lua_pop(L, 1);
    lua_rawgeti(L, LUA_REGISTRYINDEX, pl->table_ref);
    raw_field(L, lua_gettop(L), "exports");
    int type = raw_field(L, lua_gettop(L), fn);
    lua_replace(L, -3);
    lua_pop(L, 1);
    if (type != LUA_TFUNCTION) {
        lua_pop(L, 1);
        snprintf(why, size, "exports.%s is not a function", fn);
        return -1;
    }
    return 0;
}

/* Runs the test table at t and says whether it passed, printing why not to out. */
static bool run_one(lua_State *L, struct lotk_plugins *p, const struct lotk_plugin *pl, int t,
                    const char *name, FILE *out)
{
    if (lua_type(L, t) != LUA_TTABLE || raw_field(L, t, "args") != LUA_TTABLE) {
        fprintf(out, "FAIL %s: %s: a test needs args = {...} and expect\n", pl->name, name);
        return false;
    }
    int args = lua_gettop(L);
    char why[160];
    int nargs = (int)lua_rawlen(L, args);
    if (push_test_function(L, p, pl, t, why, sizeof why) != 0) {
        fprintf(out, "FAIL %s: %s: %s\n", pl->name, name, why);
        return false;
    }
    if (!lua_checkstack(L, nargs + 1)) {
        fprintf(out, "FAIL %s: %s: too many args\n", pl->name, name);
        return false;
    }
    for (int a = 1; a <= nargs; a++)
        lua_rawgeti(L, args, a);
    struct lotk_err call_err;
    lotk_err_clear(&call_err);
    if (lotk_call_run(p, pl, nargs, 1, &call_err) != 0) {
        fprintf(out, "FAIL %s: %s: %s\n", pl->name, name, call_err.msg);
        return false;
    }
    raw_field(L, t, "expect");
    if (same(L, -2, -1, 0))
        return true;
    char got[64], want[64];
    describe(L, -2, got, sizeof got);
    describe(L, -1, want, sizeof want);
    fprintf(out, "FAIL %s: %s: expected %s, got %s\n", pl->name, name, want, got);
    return false;
}

struct testing {
    struct lotk_plugins *p;
    const struct lotk_plugin *pl;
    int passed, failed;
    FILE *out;
};

/* Runs the tests inside a protected call: reading the tests table interns strings. */
static int l_run_tests(lua_State *L)
{
    struct testing *c = lua_touserdata(L, 1);
    lua_settop(L, 0);
    lua_rawgeti(L, LUA_REGISTRYINDEX, c->pl->table_ref);
    if (raw_field(L, lua_gettop(L), "tests") != LUA_TTABLE)
        return 0;
    int tests = lua_gettop(L);
    lua_Integer n = (lua_Integer)lua_rawlen(L, tests);
    for (lua_Integer i = 1; i <= n; i++) {
        char name[160];
        lua_rawgeti(L, tests, i);
        int t = lua_gettop(L);
        if (lua_type(L, t) == LUA_TTABLE && raw_field(L, t, "name") == LUA_TSTRING)
            snprintf(name, sizeof name, "%s", lua_tostring(L, -1));
        else
            snprintf(name, sizeof name, "test %d", (int)i);
        lua_settop(L, t);
        if (run_one(L, c->p, c->pl, t, name, c->out))
            c->passed++;
        else
            c->failed++;
        lua_settop(L, t - 1);
    }
    return 0;
}

int lotk_plugin_test(struct lotk_plugins *p, const struct lotk_plugin *pl, int *passed,
                     int *failed, FILE *out, struct lotk_err *err)
{
    struct testing c = {p, pl, 0, 0, out};
    int rc = lotk_lhost_protect(p->host, l_run_tests, &c, 0, 0, err);
    *passed = c.passed;
    *failed = c.failed;
    return rc;
}
