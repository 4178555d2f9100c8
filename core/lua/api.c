/* api.c — the lotk.* host functions (log, match, the statistics helpers) and
 * lotk.standard, the read-only view of the standard; see api.h. */
#include "lua/api.h"

#include <lauxlib.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/buf.h"
#include "base/num.h"
#include "lua/marshal.h"
#include "lua/registry.h"
#include "standard/rx.h"

static struct lotk_plugins *registry_of(lua_State *L)
{
    return lua_touserdata(L, lua_upvalueindex(1));
}

static int l_log(lua_State *L)
{
    struct lotk_plugins *p = registry_of(L);
    struct lotk_buf b = {0};
    int n = lua_gettop(L);
    for (int i = 1; i <= n; i++) {
        size_t len;
        /* Only plain values: a __tostring metamethod is plugin code. */
        const char *s = lua_type(L, i) == LUA_TSTRING || lua_type(L, i) == LUA_TNUMBER ?
                            lua_tolstring(L, i, &len) : luaL_typename(L, i);
        if (lua_type(L, i) != LUA_TSTRING && lua_type(L, i) != LUA_TNUMBER)
            len = strlen(s);
        if (i > 1)
            lotk_buf_putc(&b, ' ');
        lotk_buf_append(&b, s, len); /* whole: past a NUL too */
    }
    /* The terminal sees only printable text: an ESC or CR from a plugin is shown, not
     * obeyed, and one message stays one line. */
    long bad;
    char *clean = lotk_marshal_clean_text(b.data ? b.data : "", b.len, &bad);
    fprintf(stderr, "lotk: plugin %s: %s\n", p->current ? p->current : "?", clean);
    free(clean);
    lotk_buf_free(&b);
    return 0;
}

static struct lotk_rx *cached_rx(lua_State *L, struct lotk_plugins *p, const char *pattern,
                                 bool *owned)
{
    *owned = false;
    int i = lotk_strmap_get(&p->api.rx_index, pattern, strlen(pattern));
    if (i >= 0)
        return p->api.rx[i];
    struct lotk_rx *rx;
    struct lotk_err err;
    if (lotk_rx_compile(&rx, pattern, NULL, &err) != 0) {
        luaL_error(L, "lotk.match: %s", err.msg);
        return NULL;
    }
    if (p->api.nrx < LOTK_API_RX_CACHE) {
        lotk_strmap_put(&p->api.rx_index, pattern, strlen(pattern), (int)p->api.nrx);
        p->api.rx[p->api.nrx++] = rx;
    } else {
        *owned = true;
    }
    return rx;
}

/* lotk.match(subject, pattern [, init]) → the captures (or the whole match), or nil. */
static int l_match(lua_State *L)
{
    struct lotk_plugins *p = registry_of(L);
    size_t len;
    const char *subject = luaL_checklstring(L, 1, &len);
    const char *pattern = luaL_checkstring(L, 2);
    lua_Integer init = luaL_optinteger(L, 3, 1);
    if (init < 1 || (size_t)init > len + 1)
        return luaL_argerror(L, 3, "out of range");
    bool owned;
    struct lotk_rx *rx = cached_rx(L, p, pattern, &owned);
    long groups[2 * 32];
    int ngroups;
    struct lotk_err err;
    int m = lotk_rx_match(rx, subject + init - 1, len - (size_t)(init - 1), groups, 32,
                          &ngroups, &err);
    if (owned)
        lotk_rx_free(rx);
    if (m < 0)
        return luaL_error(L, "lotk.match: %s", err.msg);
    if (m == 0) {
        lua_pushnil(L);
        return 1;
    }
    const char *base = subject + init - 1;
    int first = ngroups > 1 ? 1 : 0;
    for (int g = first; g < ngroups; g++) {
        if (groups[2 * g] < 0)
            lua_pushnil(L);
        else
            lua_pushlstring(L, base + groups[2 * g], (size_t)(groups[2 * g + 1] - groups[2 * g]));
    }
    return ngroups - first;
}

/* Reads a list of numbers (nil holes skipped) for the statistics helpers. */
static double *numbers_of(lua_State *L, int idx, size_t *n)
{
    luaL_checktype(L, idx, LUA_TTABLE);
    lua_Integer len = luaL_len(L, idx);
    if (len < 0 || len > 10000000)
        luaL_error(L, "expected a list of numbers");
    double *v = lua_newuserdatauv(L, (size_t)(len ? len : 1) * sizeof *v, 0);
    *n = 0;
    for (lua_Integer i = 1; i <= len; i++) {
        int t = lua_geti(L, idx, i);
        if (t == LUA_TNUMBER)
            v[(*n)++] = lua_tonumber(L, -1);
        else if (t != LUA_TNIL)
            luaL_error(L, "expected a list of numbers, item %d is a %s", (int)i,
                       lua_typename(L, t));
        lua_pop(L, 1);
    }
    return v;
}

static int l_sum(lua_State *L)
{
    size_t n;
    double *v = numbers_of(L, 1, &n), s = 0;
    for (size_t i = 0; i < n; i++)
        s += v[i];
    lua_pushnumber(L, s);
    return 1;
}

static int l_mean(lua_State *L)
{
    size_t n;
    double *v = numbers_of(L, 1, &n), s = 0;
    for (size_t i = 0; i < n; i++)
        s += v[i];
    if (n == 0)
        lua_pushnil(L);
    else
        lua_pushnumber(L, s / (double)n);
    return 1;
}

static int l_sd(lua_State *L)
{
    size_t n;
    double *v = numbers_of(L, 1, &n), mean = 0, ss = 0;
    for (size_t i = 0; i < n; i++)
        mean += v[i];
    if (n < 2) {
        lua_pushnil(L);
        return 1;
    }
    mean /= (double)n;
    for (size_t i = 0; i < n; i++)
        ss += (v[i] - mean) * (v[i] - mean);
    lua_pushnumber(L, sqrt(ss / (double)(n - 1)));
    return 1;
}

/* lotk.quantile(list, p): type 7 (R's default), p in [0, 1]. lotk.median is p = 0.5. */
static int quantile(lua_State *L, double prob)
{
    size_t n;
    double *v = numbers_of(L, 1, &n);
    if (n == 0 || !(prob >= 0 && prob <= 1)) {
        lua_pushnil(L);
        return 1;
    }
    qsort(v, n, sizeof *v, lotk_double_cmp);
    double h = (double)(n - 1) * prob;
    size_t lo = (size_t)floor(h);
    double q = lo + 1 < n ? v[lo] + (h - (double)lo) * (v[lo + 1] - v[lo]) : v[lo];
    lua_pushnumber(L, q);
    return 1;
}

static int l_median(lua_State *L)
{
    return quantile(L, 0.5);
}

static int l_quantile(lua_State *L)
{
    return quantile(L, luaL_checknumber(L, 2));
}


/* lotk.standard: what plugins may know of the standard, read-only all the way down. */
static void push_standard_view(lua_State *L, const struct lotk_standard *s)
{
    lua_newtable(L);
    lua_pushstring(L, s->id);
    lua_setfield(L, -2, "id");
    lua_pushstring(L, s->version);
    lua_setfield(L, -2, "version");
    lua_pushstring(L, s->kind);
    lua_setfield(L, -2, "kind");
    lua_pushnumber(L, s->points);
    lua_setfield(L, -2, "points");
    lotk_marshal_push_text(L, &s->title);
    lotk_lhost_push_readonly(L, -1);
    lua_remove(L, -2);
    lua_setfield(L, -2, "title");
    lua_newtable(L); /* nodes by id */
    for (size_t i = 1; i < s->nnodes; i++) {
        const struct lotk_node *n = &s->nodes[i];
        lua_newtable(L);
        lua_pushstring(L, n->id);
        lua_setfield(L, -2, "id");
        lua_pushnumber(L, n->weight);
        lua_setfield(L, -2, "weight");
        lua_pushnumber(L, n->share);
        lua_setfield(L, -2, "share");
        lua_pushstring(L, s->nodes[n->parent].id);
        lua_setfield(L, -2, "parent");
        lua_pushboolean(L, n->nchildren == 0);
        lua_setfield(L, -2, "leaf");
        lua_pushstring(L, n->source == LOTK_SOURCE_EVIDENCE ? "evidence" : "survey");
        lua_setfield(L, -2, "source");
        if (n->scale >= 0) {
            lua_pushnumber(L, s->scales[n->scale].min);
            lua_setfield(L, -2, "min");
            lua_pushnumber(L, s->scales[n->scale].max);
            lua_setfield(L, -2, "max");
        }
        lua_newtable(L);
        for (size_t c = 0; c < n->nchildren; c++) {
            lua_pushstring(L, s->nodes[n->children[c]].id);
            lua_rawseti(L, -2, (lua_Integer)c + 1);
        }
        lotk_lhost_push_readonly(L, -1);
        lua_remove(L, -2);
        lua_setfield(L, -2, "children");
        lotk_marshal_push_text(L, &n->title);
        lotk_lhost_push_readonly(L, -1);
        lua_remove(L, -2);
        lua_setfield(L, -2, "title");
        lotk_lhost_push_readonly(L, -1);
        lua_remove(L, -2);
        lua_setfield(L, -2, n->id);
    }
    lotk_lhost_push_readonly(L, -1);
    lua_remove(L, -2);
    lua_setfield(L, -2, "nodes");
    lua_newtable(L); /* bands, highest first */
    for (size_t b = 0; b < s->nbands; b++) {
        lua_newtable(L);
        lua_pushstring(L, s->bands[b].grade);
        lua_setfield(L, -2, "grade");
        lua_pushnumber(L, s->bands[b].min);
        lua_setfield(L, -2, "min");
        lotk_lhost_push_readonly(L, -1);
        lua_remove(L, -2);
        lua_rawseti(L, -2, (lua_Integer)b + 1);
    }
    lotk_lhost_push_readonly(L, -1);
    lua_remove(L, -2);
    lua_setfield(L, -2, "bands");
}

void lotk_api_push(struct lotk_plugins *p)
{
    static const struct luaL_Reg fns[] = {
        {"log", l_log},   {"match", l_match}, {"sum", l_sum},           {"mean", l_mean},
        {"sd", l_sd},     {"median", l_median}, {"quantile", l_quantile}, {NULL, NULL},
    };
    lua_State *L = lotk_lhost_state(p->host);
    lua_newtable(L);
    lua_pushlightuserdata(L, p);
    luaL_setfuncs(L, fns, 1);
    lua_pushstring(L, LOTK_VERSION);
    lua_setfield(L, -2, "version");
    if (p->standard) {
        push_standard_view(L, p->standard);
        lotk_lhost_push_readonly(L, -1);
        lua_remove(L, -2);
        lua_setfield(L, -2, "standard");
    }
}

void lotk_api_free(struct lotk_api *a)
{
    if (!a)
        return;
    for (size_t i = 0; i < a->nrx; i++)
        lotk_rx_free(a->rx[i]);
    a->nrx = 0;
    lotk_strmap_free(&a->rx_index);
}
