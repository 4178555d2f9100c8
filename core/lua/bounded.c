/* bounded.c — library functions that charge their C work to the call's budget; see
 * bounded.h. The versions here behave as Lua 5.4's own (ltablib.c, lstrlib.c) for every
 * argument a plugin can pass; they differ only in stopping. */
#define _GNU_SOURCE /* memmem */
#include "lua/bounded.h"

#include <lauxlib.h>
#include <limits.h>
#include <stdio.h>
#include <string.h>

enum {
    BYTES_PER_UNIT = 64, /* a byte costs about 1/64 of a VM instruction */
    CHARGE_EVERY = 1024, /* elements between charges in a loop */
};

void lotk_bounded_charge(lua_State *L, struct lotk_work *w, long n)
{
    w->spent = n > w->limit - w->spent ? w->limit + 1 : w->spent + n;
    if (w->spent <= w->limit && !w->over_time)
        return;
    if (!w->over_time)
        w->over_budget = true;
    if (!w->where[0]) { /* the first overrun names the place */
        luaL_where(L, 1);
        snprintf(w->where, sizeof w->where, "%s", lua_tostring(L, -1));
        lua_pop(L, 1);
    }
    lua_sethook(L, w->hook, LUA_MASKCOUNT, 1);
    if (w->over_time)
        luaL_error(L, "CPU time budget exceeded");
    luaL_error(L, "instruction budget of %I exceeded", (lua_Integer)w->limit);
}

static struct lotk_work *work_of(lua_State *L)
{
    return lua_touserdata(L, lua_upvalueindex(1));
}

/* Charges one unit per element, every CHARGE_EVERY elements (and at the end). */
static void charge_elements(lua_State *L, struct lotk_work *w, lua_Integer *pending)
{
    if (++*pending >= CHARGE_EVERY) {
        lotk_bounded_charge(L, w, (long)*pending);
        *pending = 0;
    }
}

/* ---- string ----------------------------------------------------------------------- */

/* string.find, plain: Lua patterns run in C out of the budget's reach, and a naive search
 * is quadratic on long strings; memmem is linear (glibc's two-way search). */
static int l_find(lua_State *L)
{
    size_t ls, lp;
    const char *s = luaL_checklstring(L, 1, &ls);
    const char *p = luaL_checklstring(L, 2, &lp);
    lua_Integer init = luaL_optinteger(L, 3, 1);
    if (init < 0)
        init = (lua_Integer)ls + init + 1;
    if (init < 1)
        init = 1;
    if ((size_t)init > ls + 1) {
        lua_pushnil(L);
        return 1;
    }
    size_t from = (size_t)init - 1;
    lotk_bounded_charge(L, work_of(L), (long)((ls - from) / BYTES_PER_UNIT));
    const char *at = lp == 0 ? s + from : memmem(s + from, ls - from, p, lp);
    if (!at) {
        lua_pushnil(L);
        return 1;
    }
    lua_pushinteger(L, (lua_Integer)(at - s) + 1);
    lua_pushinteger(L, (lua_Integer)(at - s) + (lua_Integer)lp);
    return 2;
}

/* string.rep: an empty result at once (Lua's own loops n times for it, 2^63 for
 * math.maxinteger), a long one charged by its size before it is written. */
static int l_rep(lua_State *L)
{
    size_t l, lsep;
    luaL_checklstring(L, 1, &l);
    lua_Integer n = luaL_checkinteger(L, 2);
    luaL_optlstring(L, 3, "", &lsep);
    if (n <= 0 || l + lsep == 0) {
        lua_pushliteral(L, "");
        return 1;
    }
    if (l + lsep < l || (lua_Unsigned)(l + lsep) > (lua_Unsigned)LUA_MAXINTEGER / (lua_Unsigned)n)
        return luaL_error(L, "resulting string too large");
    lua_pushvalue(L, lua_upvalueindex(2)); /* Lua's own, now that it is bounded */
    lua_insert(L, 1);
    lua_call(L, lua_gettop(L) - 1, 1);
    /* Charged once written: a result over the memory cap is that error, not this one. */
    lotk_bounded_charge(L, work_of(L), (long)((size_t)n * (l + lsep) / BYTES_PER_UNIT));
    return 1;
}

void lotk_bounded_string(lua_State *L, int idx, struct lotk_work *w)
{
    idx = lua_absindex(L, idx);
    lua_pushlightuserdata(L, w);
    lua_pushcclosure(L, l_find, 1);
    lua_setfield(L, idx, "find");
    lua_pushlightuserdata(L, w);
    lua_getfield(L, idx, "rep");
    lua_pushcclosure(L, l_rep, 2);
    lua_setfield(L, idx, "rep");
}

/* ---- table ------------------------------------------------------------------------ */

static lua_Integer length_of(lua_State *L, int idx)
{
    luaL_checktype(L, idx, LUA_TTABLE);
    return luaL_len(L, idx); /* honours __len, as Lua's table functions do */
}

static void add_field(lua_State *L, luaL_Buffer *b, lua_Integer i)
{
    lua_geti(L, 1, i);
    if (!lua_isstring(L, -1))
        luaL_error(L, "invalid value (at index %I) in table for 'concat'", i);
    luaL_addvalue(b);
}

static int l_concat(lua_State *L)
{
    struct lotk_work *w = work_of(L);
    lua_Integer last = length_of(L, 1);
    size_t lsep;
    const char *sep = luaL_optlstring(L, 2, "", &lsep);
    lua_Integer i = luaL_optinteger(L, 3, 1);
    last = luaL_optinteger(L, 4, last);
    luaL_Buffer b;
    luaL_buffinit(L, &b);
    lua_Integer pending = 0;
    for (; i < last; i++) { /* Lua's loop: safe up to last = LUA_MAXINTEGER */
        add_field(L, &b, i);
        luaL_addlstring(&b, sep, lsep);
        charge_elements(L, w, &pending);
    }
    if (i == last)
        add_field(L, &b, i);
    luaL_pushresult(&b);
    lotk_bounded_charge(L, w, (long)pending);
    return 1;
}

static int l_insert(lua_State *L)
{
    struct lotk_work *w = work_of(L);
    lua_Integer e = length_of(L, 1);
    e = (lua_Integer)((lua_Unsigned)e + 1u); /* first empty element */
    lua_Integer pos;
    switch (lua_gettop(L)) {
    case 2:
        pos = e;
        break;
    case 3: {
        pos = luaL_checkinteger(L, 2);
        /* 1 <= pos <= e, as Lua checks it */
        luaL_argcheck(L, (lua_Unsigned)pos - 1u < (lua_Unsigned)e, 2, "position out of bounds");
        lua_Integer pending = 0;
        for (lua_Integer i = e; i > pos; i--) {
            lua_geti(L, 1, i - 1);
            lua_seti(L, 1, i);
            charge_elements(L, w, &pending);
        }
        lotk_bounded_charge(L, w, (long)pending);
        break;
    }
    default:
        return luaL_error(L, "wrong number of arguments to 'insert'");
    }
    lua_seti(L, 1, pos);
    return 0;
}

static int l_remove(lua_State *L)
{
    struct lotk_work *w = work_of(L);
    lua_Integer size = length_of(L, 1);
    lua_Integer pos = luaL_optinteger(L, 2, size);
    if (pos != size) /* validate pos if given, as Lua does */
        luaL_argcheck(L, (lua_Unsigned)pos - 1u <= (lua_Unsigned)size, 2,
                      "position out of bounds");
    lua_geti(L, 1, pos);
    lua_Integer pending = 0;
    for (; pos < size; pos++) {
        lua_geti(L, 1, pos + 1);
        lua_seti(L, 1, pos);
        charge_elements(L, w, &pending);
    }
    lua_pushnil(L);
    lua_seti(L, 1, pos);
    lotk_bounded_charge(L, w, (long)pending);
    return 1;
}

static int l_move(lua_State *L)
{
    struct lotk_work *w = work_of(L);
    lua_Integer f = luaL_checkinteger(L, 2);
    lua_Integer e = luaL_checkinteger(L, 3);
    lua_Integer t = luaL_checkinteger(L, 4);
    int tt = !lua_isnoneornil(L, 5) ? 5 : 1;
    luaL_checktype(L, 1, LUA_TTABLE);
    luaL_checktype(L, tt, LUA_TTABLE);
    if (e >= f) {
        luaL_argcheck(L, f > 0 || e < LUA_MAXINTEGER + f, 3, "too many elements to move");
        lua_Integer n = e - f + 1; /* number of elements to move */
        luaL_argcheck(L, t <= LUA_MAXINTEGER - n + 1, 4, "destination wrap around");
        lua_Integer pending = 0;
        if (t > e || t <= f || (tt != 1 && !lua_compare(L, 1, tt, LUA_OPEQ))) {
            for (lua_Integer i = 0; i < n; i++) {
                lua_geti(L, 1, f + i);
                lua_seti(L, tt, t + i);
                charge_elements(L, w, &pending);
            }
        } else {
            for (lua_Integer i = n - 1; i >= 0; i--) {
                lua_geti(L, 1, f + i);
                lua_seti(L, tt, t + i);
                charge_elements(L, w, &pending);
            }
        }
        lotk_bounded_charge(L, w, (long)pending);
    }
    lua_pushvalue(L, tt);
    return 1;
}

/* table.sort: Lua's own, charged n log2 n before it starts (its comparisons run in C when
 * there is no comparison function, or a C one). */
static int l_sort(lua_State *L)
{
    lua_Integer n = length_of(L, 1);
    long cost = 0;
    for (lua_Integer k = n; k > 1; k >>= 1)
        cost += n > (lua_Integer)(LONG_MAX / 64) ? LONG_MAX / 64 : (long)n;
    lotk_bounded_charge(L, work_of(L), cost);
    lua_pushvalue(L, lua_upvalueindex(2));
    lua_insert(L, 1);
    lua_call(L, lua_gettop(L) - 1, 0);
    return 0;
}

void lotk_bounded_table(lua_State *L, int idx, struct lotk_work *w)
{
    static const luaL_Reg fns[] = {
        {"concat", l_concat}, {"insert", l_insert}, {"remove", l_remove}, {"move", l_move},
        {NULL, NULL},
    };
    idx = lua_absindex(L, idx);
    for (int i = 0; fns[i].name; i++) {
        lua_pushlightuserdata(L, w);
        lua_pushcclosure(L, fns[i].func, 1);
        lua_setfield(L, idx, fns[i].name);
    }
    lua_pushlightuserdata(L, w);
    lua_getfield(L, idx, "sort");
    lua_pushcclosure(L, l_sort, 2);
    lua_setfield(L, idx, "sort");
}
