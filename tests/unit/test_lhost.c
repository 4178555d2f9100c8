/* test_lhost.c — the Lua sandbox: the allocator cap, the instruction budget (also across a
 * nested call and through pcall), the library subset, read-only host tables (shallow and
 * frozen), deterministic math.random, and the protected call's error naming file:line. */
#include "testutil.h"

#include <lauxlib.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "lua/lhost.h"

static struct lotk_lhost *host(size_t memory, long instructions)
{
    struct lotk_lhost_limits limits = {.memory = memory, .instructions = instructions};
    struct lotk_err err;
    struct lotk_lhost *h = lotk_lhost_new(&limits, &err);
    if (!h)
        fail_msg("lotk_lhost_new: %s", err.msg);
    return h;
}

/* Loads source as /sandbox/NAME.lua and runs its chunk, leaving nresults on the stack. */
static int run(struct lotk_lhost *h, const char *name, const char *source, int nresults,
               struct lotk_err *err)
{
    char path[128];
    snprintf(path, sizeof path, "/sandbox/%s.lua", name);
    lotk_err_clear(err);
    int rc = lotk_lhost_load(h, path, source, strlen(source), err);
    if (rc)
        return rc;
    return lotk_lhost_call(h, name, 0, nresults, err);
}

/* Runs source, which must succeed and return one string; returns a copy of it. */
static char *run_string(struct lotk_lhost *h, const char *source)
{
    struct lotk_err err;
    if (run(h, "ok", source, 1, &err) != 0)
        fail_msg("%s: %s", source, err.msg);
    lua_State *L = lotk_lhost_state(h);
    if (lua_type(L, -1) != LUA_TSTRING)
        fail_msg("%s: returned a %s", source, luaL_typename(L, -1));
    char *s = strdup(lua_tostring(L, -1));
    lua_pop(L, 1);
    return s;
}

static void expect_error(struct lotk_lhost *h, const char *source, const char *needle)
{
    struct lotk_err err;
    lua_State *L = lotk_lhost_state(h);
    int top = lua_gettop(L);
    int rc = run(h, "bad", source, 1, &err);
    if (rc == 0)
        fail_msg("%s: ran, expected an error with '%s'", source, needle);
    assert_int_equal(rc, LOTK_EPLUGIN);
    if (!strstr(err.msg, needle))
        fail_msg("%s: error '%s' lacks '%s'", source, err.msg, needle);
    assert_int_equal(lua_gettop(L), top); /* nothing left behind */
}

/* ---- the allocator cap ------------------------------------------------------------ */

static void test_memory_cap(void **state)
{
    (void)state;
    struct lotk_lhost *h = host(4 << 20, 0);
    lua_State *L = lotk_lhost_state(h);
    struct lotk_err err;
    /* The plugin sees a memory error it can catch, and the call still fails: a plugin
     * over the cap must not go on as though nothing happened. */
    lua_newtable(L);
    lua_setglobal(L, "seen"); /* the real globals: visible to C, not to plugins */
    lua_getglobal(L, "seen");
    int seen = luaL_ref(L, LUA_REGISTRYINDEX);
    const char *src = "return function(out)\n"
                      "  local ok, e = pcall(string.rep, 'x', 8 * 1024 * 1024)\n"
                      "  out.ok, out.msg = ok, e\n"
                      "  return 1\n"
                      "end\n";
    assert_int_equal(run(h, "hog", src, 1, &err), 0);
    lua_rawgeti(L, LUA_REGISTRYINDEX, seen);
    assert_int_equal(lotk_lhost_call(h, "hog", 1, 1, &err), LOTK_EPLUGIN);
    assert_non_null(strstr(err.msg, "memory limit of 4 MiB exceeded"));
    assert_string_equal(err.plugin, "hog");
    lua_rawgeti(L, LUA_REGISTRYINDEX, seen);
    lua_getfield(L, -1, "ok");
    assert_true(lua_isboolean(L, -1) && !lua_toboolean(L, -1));
    lua_getfield(L, -2, "msg");
    assert_non_null(strstr(lua_tostring(L, -1), "not enough memory"));
    lua_pop(L, 3);
    assert_true(lotk_lhost_memory(h) < (size_t)4 << 20);
    /* ...and the state is still usable. */
    char *s = run_string(h, "local t = {} for i = 1, 1000 do t[i] = i end return 'ok ' .. #t");
    assert_string_equal(s, "ok 1000");
    free(s);
    lotk_lhost_free(h);
}

/* ---- the instruction budget ------------------------------------------------------- */

static void test_budget_endless_loop(void **state)
{
    (void)state;
    struct lotk_lhost *h = host(0, 100000);
    expect_error(h, "while true do end", "instruction budget of 100000 exceeded");
    /* A pcall that swallows the budget error gains nothing: the hook fires again. */
    expect_error(h, "local ok = pcall(function() while true do end end)\n"
                    "while not ok do ok = pcall(function() while true do end end) end\n"
                    "return 1",
                 "instruction budget of 100000 exceeded");
    expect_error(h, "pcall(function() while true do end end) return 1",
                 "instruction budget");
    /* The budget is per call: two calls of half of it each both pass. */
    for (int i = 0; i < 2; i++) {
        char *s = run_string(h, "local n = 0 for i = 1, 10000 do n = n + i end return tostring(n)");
        assert_string_equal(s, "50005000");
        free(s);
    }
    lotk_lhost_free(h);
}

static void test_budget_where(void **state)
{
    (void)state;
    struct lotk_lhost *h = host(0, 100000);
    struct lotk_err err;
    assert_int_equal(run(h, "spin", "local x = 0\nwhile true do\n  x = x + 1\nend\n", 0, &err),
                     LOTK_EPLUGIN);
    assert_string_equal(err.file, "/sandbox/spin.lua");
    assert_true(err.line >= 2 && err.line <= 4);
    assert_string_equal(err.msg, "instruction budget of 100000 exceeded (an endless loop?)");
    lotk_lhost_free(h);
}

static void test_budget_larger(void **state)
{
    (void)state;
    struct lotk_lhost *h = host(0, 100000);
    struct lotk_err err;
    /* Long enough for the watchdog's first tick (a call shorter than that runs uncounted). */
    const char *src = "return function() local n = 0 for i = 1, 20000000 do n = n + 1 end "
                      "return n end";
    assert_int_equal(run(h, "work", src, 1, &err), 0);
    int fn = luaL_ref(lotk_lhost_state(h), LUA_REGISTRYINDEX);
    lua_rawgeti(lotk_lhost_state(h), LUA_REGISTRYINDEX, fn);
    assert_int_equal(lotk_lhost_call(h, "work", 0, 1, &err), LOTK_EPLUGIN);
    lua_rawgeti(lotk_lhost_state(h), LUA_REGISTRYINDEX, fn);
    assert_int_equal(lotk_lhost_call_budget(h, "work", 1000000000, 0, 1, &err), 0);
    assert_int_equal(lua_tointeger(lotk_lhost_state(h), -1), 20000000);
    lua_pop(lotk_lhost_state(h), 1);
    assert_int_equal(lotk_lhost_report_budget(h), LOTK_LHOST_DEFAULT_REPORT_INSTRUCTIONS);
    lotk_lhost_free(h);
}

/* Slow library calls in a loop: few instructions, seconds of C; the CPU-time watchdog
 * stops them (1 s for the default budget of 10 million instructions). */
static void test_budget_cpu_time(void **state)
{
    (void)state;
    struct lotk_lhost *h = host(0, 0);
    struct lotk_err err;
    assert_int_equal(run(h, "slow", "local s = string.rep('A', 8 << 20)\n"
                                    "for i = 1, 1e9 do local l = s:lower() end\n", 0, &err),
                     LOTK_EPLUGIN);
    if (!strstr(err.msg, "CPU time budget of 1.0 s exceeded"))
        fail_msg("%s", err.msg);
    assert_int_equal(err.line, 2);
    lotk_lhost_free(h);
}

/* A host function that calls back into Lua through the call helper, as lotk.require
 * does when it loads a library inside a plugin's call. */
static int l_nested(lua_State *L)
{
    struct lotk_lhost *h = lua_touserdata(L, lua_upvalueindex(1));
    struct lotk_err err;
    lua_pushvalue(L, 1);
    if (lotk_lhost_call_budget(h, "inner", 1000000000, 0, 1, &err) != 0)
        return luaL_error(L, "inner: %s", err.msg);
    return 1;
}

static void test_budget_nested(void **state)
{
    (void)state;
    struct lotk_lhost *h = host(0, 100000);
    lua_State *L = lotk_lhost_state(h);
    lua_pushlightuserdata(L, h);
    lua_pushcclosure(L, l_nested, 1);
    lotk_lhost_set_global(h, "nested");
    /* After the nested call returns, the outer call is still bounded... */
    expect_error(h, "nested(function() return 1 end) while true do end",
                 "instruction budget of 100000 exceeded");
    /* ...and the nested call gets no fresh budget of its own (not the billion it asks). */
    expect_error(h, "nested(function() while true do end end) return 1",
                 "instruction budget of 100000 exceeded");
    char *s = run_string(h, "return tostring(nested(function() return 7 end))");
    assert_string_equal(s, "7");
    free(s);
    lotk_lhost_free(h);
}

/* ---- the sandbox ------------------------------------------------------------------ */

static void test_sandbox_globals(void **state)
{
    (void)state;
    struct lotk_lhost *h = host(0, 0);
    static const char *const absent[] = {"io", "os", "require", "load", "loadfile", "dofile",
                                         "package", "debug", "coroutine", "collectgarbage",
                                         "rawset", "no_such_name", NULL};
    for (int i = 0; absent[i]; i++) {
        char src[96], want[96];
        snprintf(src, sizeof src, "return %s", absent[i]);
        snprintf(want, sizeof want, "undefined global '%s'", absent[i]);
        expect_error(h, src, want);
    }
    expect_error(h, "return string.dump(function() end)", "string.dump is not available");
    expect_error(h, "return ('x'):dump()", "string.dump is not available");
    expect_error(h, "return string.match('a', 'a')", "Lua patterns are not available");
    expect_error(h, "return setmetatable({}, {__gc = function() end})", "__gc");
    /* What is there works. */
    char *s = run_string(h, "return string.format('%d %s %d', math.floor(2.5), "
                            "table.concat({'a', 'b'}), utf8.len('学习'))");
    assert_string_equal(s, "2 ab 2");
    free(s);
    lotk_lhost_free(h);
}

static void test_sandbox_bytecode(void **state)
{
    (void)state;
    struct lotk_lhost *h = host(0, 0);
    struct lotk_err err;
    const char chunk[] = "\x1bLua\x54\x00";
    lotk_err_clear(&err);
    assert_int_equal(lotk_lhost_load(h, "/sandbox/bin.lua", chunk, sizeof chunk - 1, &err),
                     LOTK_ESTANDARD);
    assert_non_null(strstr(err.msg, "precompiled (bytecode) plugins are not accepted"));
    lotk_lhost_free(h);
}

static void test_sandbox_private_env(void **state)
{
    (void)state;
    struct lotk_lhost *h = host(0, 0);
    char *s = run_string(h, "shared = 1 return tostring(shared)");
    assert_string_equal(s, "1");
    free(s);
    /* Another plugin does not see the first one's global. */
    expect_error(h, "return shared", "undefined global 'shared'");
    expect_error(h, "setmetatable(_ENV, nil)", "protected metatable");
    lotk_lhost_free(h);
}

/* ---- read-only host tables -------------------------------------------------------- */

static void test_readonly(void **state)
{
    (void)state;
    struct lotk_lhost *h = host(0, 0);
    lua_State *L = lotk_lhost_state(h);
    luaL_dostring(L, "return {a = 1, list = {10, 20, 30}, 'x', 'y'}");
    lotk_lhost_set_global(h, "cfg");
    expect_error(h, "cfg.a = 2", "attempt to modify a read-only table (field 'a')");
    expect_error(h, "cfg.new = 2", "read-only");
    expect_error(h, "string.upper = nil", "read-only");
    expect_error(h, "math.pi = 3", "read-only");
    expect_error(h, "table.insert = tostring", "read-only");
    expect_error(h, "setmetatable(cfg, {})", "protected metatable");
    expect_error(h, "setmetatable(string, {})", "protected metatable");
    expect_error(h, "getmetatable('').__index = {}", "attempt to index");
    /* Reading works through the proxy: fields, #, pairs, ipairs. */
    char *s = run_string(h, "local n = 0 for k, v in pairs(cfg) do n = n + 1 end\n"
                            "local seq = '' for _, v in ipairs(cfg) do seq = seq .. v end\n"
                            "return cfg.a .. ' ' .. #cfg .. ' ' .. n .. ' ' .. seq");
    assert_string_equal(s, "1 2 4 xy");
    free(s);
    /* set_global is shallow: its nested tables are the caller's to protect. */
    s = run_string(h, "cfg.list[1] = 11 return tostring(cfg.list[1])");
    assert_string_equal(s, "11");
    free(s);
    lotk_lhost_free(h);
}

static void test_frozen(void **state)
{
    (void)state;
    struct lotk_lhost *h = host(0, 0);
    lua_State *L = lotk_lhost_state(h);
    luaL_dostring(L, "local t = {name = 'lib', colours = {red = '#f00', list = {1, 2}},\n"
                     "  f = function(x) return x * 2 end}\n"
                     "t.self = t; t.alias = t.colours\n"
                     "return t");
    lotk_lhost_push_frozen(L, -1);
    lua_remove(L, -2);
    lotk_lhost_set_global(h, "lib"); /* wraps the view in one more proxy: compare below it */
    expect_error(h, "lib.name = 'x'", "read-only");
    expect_error(h, "lib.colours.red = '#0f0'", "read-only table (field 'red')");
    expect_error(h, "lib.colours.list[3] = 3", "read-only");
    expect_error(h, "lib.self.colours.red = 1", "read-only");
    char *s = run_string(h, "return lib.colours.red .. ' ' .. #lib.colours.list .. ' ' .. "
                            "lib.f(21) .. ' ' .. tostring(rawequal(lib.self.self, lib.self)) .. ' ' .. "
                            "tostring(rawequal(lib.alias, lib.colours))");
    assert_string_equal(s, "#f00 2 42 true true");
    free(s);
    lotk_lhost_free(h);
}

/* ---- deterministic math.random ---------------------------------------------------- */

static void test_random_deterministic(void **state)
{
    (void)state;
    const char *src = "local t = {} for i = 1, 8 do t[i] = math.random(1, 1000000) end\n"
                      "return table.concat(t, ',')";
    struct lotk_lhost *a = host(0, 0), *b = host(0, 0);
    char *x = run_string(a, src), *y = run_string(b, src);
    assert_string_equal(x, y);
    /* randomseed needs a seed: without one Lua would take the clock. */
    expect_error(a, "math.randomseed()", "bad argument #1 to 'randomseed'");
    char *z1 = run_string(a, "math.randomseed(7) return tostring(math.random(1, 1000000))");
    char *z2 = run_string(b, "math.randomseed(7) return tostring(math.random(1, 1000000))");
    assert_string_equal(z1, z2);
    free(x);
    free(y);
    free(z1);
    free(z2);
    lotk_lhost_free(a);
    lotk_lhost_free(b);
}

/* ---- the protected call's error --------------------------------------------------- */

static void test_error_names_file_line(void **state)
{
    (void)state;
    struct lotk_lhost *h = host(0, 0);
    struct lotk_err err;
    const char *src = "local function inner()\n"
                      "  error('boom')\n"
                      "end\n"
                      "inner()\n";
    assert_int_equal(run(h, "thrower", src, 0, &err), LOTK_EPLUGIN);
    assert_string_equal(err.file, "/sandbox/thrower.lua");
    assert_int_equal(err.line, 2);
    assert_string_equal(err.plugin, "thrower");
    assert_true(strncmp(err.msg, "boom", 4) == 0);
    assert_non_null(strstr(err.msg, "stack traceback:"));
    assert_non_null(strstr(err.msg, "/sandbox/thrower.lua:4:"));
    /* An error object that is not a string has no position: the call names the place
     * where the function it called is defined instead. */
    assert_int_equal(run(h, "tabler", "return function()\n  error({})\nend\n", 1, &err), 0);
    assert_int_equal(lotk_lhost_call(h, "tabler", 0, 0, &err), LOTK_EPLUGIN);
    assert_string_equal(err.file, "/sandbox/tabler.lua");
    assert_int_equal(err.line, 1);
    assert_non_null(strstr(err.msg, "error object is a table value"));
    /* A syntax error is a load error (the plugin is invalid), with its line. */
    lotk_err_clear(&err);
    assert_int_equal(lotk_lhost_load(h, "/sandbox/syntax.lua", "local x = \n\n+", 14, &err),
                     LOTK_ESTANDARD);
    assert_string_equal(err.file, "/sandbox/syntax.lua");
    assert_int_equal(err.line, 3);
    lotk_lhost_free(h);
}

/* A budget that does not stop a loop shows as a hang: make it a failure with a reason. */
static void on_alarm(int sig)
{
    (void)sig;
    static const char msg[] = "test_lhost: still running after 60 s: the instruction budget "
                              "did not stop an endless loop\n";
    if (write(2, msg, sizeof msg - 1) < 0)
        _exit(1);
    _exit(1);
}

int main(void)
{
    signal(SIGALRM, on_alarm);
    alarm(60);
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_memory_cap),
        cmocka_unit_test(test_budget_endless_loop),
        cmocka_unit_test(test_budget_where),
        cmocka_unit_test(test_budget_larger),
        cmocka_unit_test(test_budget_nested),
        cmocka_unit_test(test_budget_cpu_time),
        cmocka_unit_test(test_sandbox_globals),
        cmocka_unit_test(test_sandbox_bytecode),
        cmocka_unit_test(test_sandbox_private_env),
        cmocka_unit_test(test_readonly),
        cmocka_unit_test(test_frozen),
        cmocka_unit_test(test_random_deterministic),
        cmocka_unit_test(test_error_names_file_line),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
