/* test_seal.c — sealing a stateless plugin's function: its reachable tables become
 * read-only (shared ones stay one table), nested functions are sealed too, and every
 * upvalue's binding is checked after a call. */
#include "testutil.h"

#include <lauxlib.h>
#include <stdlib.h>
#include <string.h>

#include "lua/lhost.h"
#include "lua/seal.h"

struct fixture {
    struct lotk_lhost *h;
    struct lotk_seal seal;
    int fn; /* registry ref of the sealed function */
};

static int l_seal(lua_State *L)
{
    struct fixture *f = lua_touserdata(L, 1);
    lotk_seal_value(L, &f->seal, 2);
    return 0;
}

/* Loads source (a chunk returning a function) and seals the function. */
static void setup(struct fixture *f, const char *source)
{
    struct lotk_err err;
    f->h = lotk_lhost_new(NULL, &err);
    assert_non_null(f->h);
    f->seal.ref = LUA_NOREF;
    f->seal.count = 0;
    lua_State *L = lotk_lhost_state(f->h);
    assert_int_equal(lotk_lhost_load(f->h, "/seal/p.lua", source, strlen(source), &err), 0);
    if (lotk_lhost_call(f->h, "p", 0, 1, &err) != 0)
        fail_msg("%s", err.msg);
    lua_pushvalue(L, -1);
    f->fn = luaL_ref(L, LUA_REGISTRYINDEX);
    assert_int_equal(lotk_lhost_protect(f->h, l_seal, f, 1, 0, &err), 0);
}

/* Calls the function once: 0, or the error code with err filled. */
static int call(struct fixture *f, struct lotk_err *err)
{
    lua_State *L = lotk_lhost_state(f->h);
    lua_rawgeti(L, LUA_REGISTRYINDEX, f->fn);
    lotk_err_clear(err);
    int rc = lotk_lhost_call(f->h, "p", 0, 1, err);
    if (rc == 0)
        lua_pop(L, 1);
    return rc;
}

static void test_upvalue_rebinding_detected(void **state)
{
    (void)state;
    struct fixture f;
    setup(&f, "local count, limit = 0, 10\n"
              "return function() count = count + 1 return limit end\n");
    struct lotk_err err;
    const char *name = NULL;
    assert_int_equal(lotk_seal_verify(lotk_lhost_state(f.h), &f.seal, &name), 0);
    assert_int_equal(call(&f, &err), 0);
    assert_int_equal(lotk_seal_verify(lotk_lhost_state(f.h), &f.seal, &name), -1);
    assert_string_equal(name, "count");
    lotk_lhost_free(f.h);
}

static void test_constants_pass(void **state)
{
    (void)state;
    struct fixture f;
    /* Reading upvalues, globals and tables made at load, and building tables per call. */
    setup(&f, "local weights = {a = 1, list = {1, 2}}\n"
              "local function helper(x) return x * weights.a end\n"
              "K = 3\n"
              "return function() local t = {} t[1] = helper(K) + #weights.list return t[1] end\n");
    struct lotk_err err;
    const char *name;
    for (int i = 0; i < 3; i++) {
        assert_int_equal(call(&f, &err), 0);
        assert_int_equal(lotk_seal_verify(lotk_lhost_state(f.h), &f.seal, &name), 0);
    }
    lotk_lhost_free(f.h);
}

static void test_tables_read_only(void **state)
{
    (void)state;
    struct fixture f;
    /* The table reached through a nested function, and one shared by two upvalues. */
    setup(&f, "local cache = {}\n"
              "local alias = cache\n"
              "local function remember(k) cache[k] = true end\n"
              "return function() assert(rawequal(cache, alias)) remember('x') end\n");
    struct lotk_err err;
    assert_int_equal(call(&f, &err), LOTK_EPLUGIN);
    assert_non_null(strstr(err.msg, "attempt to keep state between calls (field 'x')"));
    lotk_lhost_free(f.h);
}

static void test_globals_read_only(void **state)
{
    (void)state;
    struct fixture f;
    setup(&f, "total = 0\nreturn function() total = total + 1 end\n");
    struct lotk_err err;
    assert_int_equal(call(&f, &err), LOTK_EPLUGIN);
    assert_non_null(strstr(err.msg, "attempt to keep state between calls (field 'total')"));
    lotk_lhost_free(f.h);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_upvalue_rebinding_detected),
        cmocka_unit_test(test_constants_pass),
        cmocka_unit_test(test_tables_read_only),
        cmocka_unit_test(test_globals_read_only),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
