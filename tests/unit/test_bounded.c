/* test_bounded.c — lotk's versions of the library functions that could run unbounded in C:
 * they give Lua's own results for ordinary arguments, and stop at the budget for the ones
 * that would run for hours. */
#include "testutil.h"

#include <lauxlib.h>
#include <stdlib.h>
#include <string.h>

#include "lua/lhost.h"

static struct lotk_lhost *host(long instructions)
{
    struct lotk_lhost_limits limits = {.instructions = instructions};
    struct lotk_err err;
    struct lotk_lhost *h = lotk_lhost_new(&limits, &err);
    if (!h)
        fail_msg("lotk_lhost_new: %s", err.msg);
    return h;
}

/* Runs source as a chunk; returns 0 and its string result in *out, or the error code. */
static int run(struct lotk_lhost *h, const char *source, char **out, struct lotk_err *err)
{
    lotk_err_clear(err);
    int rc = lotk_lhost_load(h, "/bounded/test.lua", source, strlen(source), err);
    if (rc == 0)
        rc = lotk_lhost_call(h, "test", 0, 1, err);
    if (rc)
        return rc;
    lua_State *L = lotk_lhost_state(h);
    *out = strdup(lua_type(L, -1) == LUA_TSTRING ? lua_tostring(L, -1) : "(not a string)");
    lua_pop(L, 1);
    return 0;
}

static void expect(struct lotk_lhost *h, const char *source, const char *want)
{
    char *got;
    struct lotk_err err;
    if (run(h, source, &got, &err) != 0)
        fail_msg("%s: %s", source, err.msg);
    if (strcmp(got, want) != 0)
        fail_msg("%s: got '%s', expected '%s'", source, got, want);
    free(got);
}

static void expect_error(struct lotk_lhost *h, const char *source, const char *needle)
{
    char *got;
    struct lotk_err err;
    if (run(h, source, &got, &err) == 0)
        fail_msg("%s: returned '%s', expected an error with '%s'", source, got, needle);
    if (!strstr(err.msg, needle))
        fail_msg("%s: error '%s' lacks '%s'", source, err.msg, needle);
}

static void test_find(void **state)
{
    (void)state;
    struct lotk_lhost *h = host(0);
    expect(h, "return table.concat({string.find('hello world', 'o', 1, true)}, ',')", "5,5");
    expect(h, "return table.concat({string.find('hello world', 'o', 6)}, ',')", "8,8");
    expect(h, "return table.concat({string.find('abc', '', 2)}, ',')", "2,1");
    expect(h, "return table.concat({string.find('abc', 'c', -1)}, ',')", "3,3");
    expect(h, "return tostring(string.find('abc', 'x'))", "nil");
    expect(h, "return tostring(string.find('abc', 'a', 5))", "nil");
    expect(h, "return table.concat({('a.b'):find('.', 1, true)}, ',')", "2,2"); /* plain */
    /* A 2 MiB needle of one letter in 4 MiB of it: linear, not 2^43 comparisons. */
    expect(h, "local s = string.rep('a', 4 << 20)\n"
              "return tostring(s:find(string.rep('a', 2 << 20) .. 'b', 1, true))", "nil");
    lotk_lhost_free(h);
}

static void test_rep(void **state)
{
    (void)state;
    struct lotk_lhost *h = host(0);
    expect(h, "return string.rep('ab', 3, '-')", "ab-ab-ab");
    expect(h, "return string.rep('x', 0) .. string.rep('x', -5) .. '|'", "|");
    expect(h, "return '|' .. string.rep('', math.maxinteger) .. string.rep('', 1 << 62, '') "
              ".. '|'", "||");
    expect_error(h, "return string.rep('x', math.maxinteger)", "resulting string too large");
    lotk_lhost_free(h);
}

static void test_table_functions(void **state)
{
    (void)state;
    struct lotk_lhost *h = host(0);
    expect(h, "return table.concat({1, 'b', 3.5}, ', ')", "1, b, 3.5");
    expect(h, "return table.concat({'a', 'b', 'c', 'd'}, '', 2, 3)", "bc");
    expect(h, "return table.concat({}, 'x') .. '|'", "|");
    expect_error(h, "return table.concat({1, {}, 3})", "invalid value (at index 2) in table for 'concat'");
    expect(h, "local t = {1, 2, 3} table.insert(t, 4) table.insert(t, 1, 0)\n"
              "return table.concat(t, ',')", "0,1,2,3,4");
    expect_error(h, "table.insert({1}, 5, 2)", "position out of bounds");
    expect_error(h, "table.insert({1}, 1, 2, 3)", "wrong number of arguments to 'insert'");
    expect(h, "local t = {1, 2, 3, 4} local a = table.remove(t) local b = table.remove(t, 1)\n"
              "return a .. b .. ':' .. table.concat(t, ',')", "41:2,3");
    expect(h, "return tostring(table.remove({}))", "nil");
    expect(h, "local t = table.move({1, 2, 3}, 1, 3, 2) return table.concat(t, ',')", "1,1,2,3");
    expect(h, "local t = table.move({1, 2, 3}, 2, 3, 1) return table.concat(t, ',')", "2,3,3");
    expect(h, "local d = table.move({1, 2}, 1, 2, 2, {9}) return table.concat(d, ',')",
           "9,1,2");
    expect(h, "local t = {5, 1, 4} table.sort(t) table.sort(t, function(a, b) return a > b end)\n"
              "return table.concat(t, ',')", "5,4,1");
    lotk_lhost_free(h);
}

static void test_unbounded_calls_stop(void **state)
{
    (void)state;
    struct lotk_lhost *h = host(1000000);
    expect_error(h, "table.move({}, 1, 1 << 40, 1, {})", "instruction budget of 1000000 exceeded");
    expect_error(h, "return table.concat(setmetatable({}, {__index = table.concat}), '', 1, 1 << 40)",
                 "budget");
    expect_error(h, "table.insert(setmetatable({}, {__len = function() return 1 << 40 end}), 1, 1)",
                 "instruction budget of 1000000 exceeded");
    expect_error(h, "table.remove(setmetatable({}, {__len = function() return 1 << 40 end}), 1)",
                 "instruction budget of 1000000 exceeded");
    expect_error(h, "table.sort(setmetatable({}, {__len = function() return 1 << 40 end}))",
                 "instruction budget of 1000000 exceeded");
    /* Finds over a long string count the bytes they scan, so a loop of them stops. */
    expect_error(h, "local s = string.rep('a', 1 << 20) for i = 1, 1e9 do s:find('b', 1, true) end",
                 "instruction budget of 1000000 exceeded");
    /* ...and a pcall that catches the error gains nothing. */
    expect_error(h, "for i = 1, 10 do pcall(table.move, {}, 1, 1 << 40, 1, {}) end return 'x'",
                 "instruction budget of 1000000 exceeded");
    lotk_lhost_free(h);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_find),
        cmocka_unit_test(test_rep),
        cmocka_unit_test(test_table_functions),
        cmocka_unit_test(test_unbounded_calls_stop),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
