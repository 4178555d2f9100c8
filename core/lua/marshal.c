/* marshal.c — values between C and Lua: standard values, JSON trees, text maps and C
 * number arrays into Lua tables, plugins' numbers back out; see marshal.h. */
#include "lua/marshal.h"

#include <jansson.h>
#include <lauxlib.h>
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "base/buf.h"
#include "base/mem.h"

#include "lua/plugin.h"

void lotk_marshal_push_text(lua_State *L, const struct lotk_text *t)
{
    lua_newtable(L);
    if (t->zh) {
        lua_pushstring(L, t->zh);
        lua_setfield(L, -2, "zh");
    }
    if (t->en) {
        lua_pushstring(L, t->en);
        lua_setfield(L, -2, "en");
    }
}

void lotk_marshal_push_value(lua_State *L, const struct lotk_value *v)
{
    luaL_checkstack(L, 3, "a value nested too deeply");
    switch (v->type) {
    case LOTK_VALUE_NULL:
        lua_pushnil(L);
        break;
    case LOTK_VALUE_BOOL:
        lua_pushboolean(L, v->boolean);
        break;
    case LOTK_VALUE_NUMBER:
        if (v->number == floor(v->number) && fabs(v->number) < 9007199254740992.0)
            lua_pushinteger(L, (lua_Integer)v->number);
        else
            lua_pushnumber(L, v->number);
        break;
    case LOTK_VALUE_STRING:
        lua_pushstring(L, v->string);
        break;
    case LOTK_VALUE_LIST:
        lua_createtable(L, (int)v->count, 0);
        for (size_t i = 0; i < v->count; i++) {
            lotk_marshal_push_value(L, &v->items[i]);
            lua_rawseti(L, -2, (lua_Integer)i + 1);
        }
        break;
    case LOTK_VALUE_MAP:
        lua_createtable(L, 0, (int)v->count);
        for (size_t i = 0; i < v->count; i++) {
            lotk_marshal_push_value(L, &v->items[i]);
            lua_setfield(L, -2, v->keys[i]);
        }
        break;
    }
}

void lotk_marshal_push_json(lua_State *L, const json_t *j)
{
    luaL_checkstack(L, 3, "a JSON value nested too deeply");
    switch (json_typeof(j)) {
    case JSON_OBJECT: {
        const char *key;
        json_t *v;
        lua_createtable(L, 0, (int)json_object_size(j));
        json_object_foreach((json_t *)j, key, v) {
            lotk_marshal_push_json(L, v);
            lua_setfield(L, -2, key);
        }
        break;
    }
    case JSON_ARRAY: {
        size_t i;
        json_t *v;
        lua_createtable(L, (int)json_array_size(j), 0);
        json_array_foreach(j, i, v) {
            lotk_marshal_push_json(L, v);
            lua_rawseti(L, -2, (lua_Integer)i + 1);
        }
        break;
    }
    case JSON_STRING:
        lua_pushlstring(L, json_string_value(j), json_string_length(j));
        break;
    case JSON_INTEGER:
        lua_pushinteger(L, (lua_Integer)json_integer_value(j));
        break;
    case JSON_REAL:
        lua_pushnumber(L, json_real_value(j));
        break;
    case JSON_TRUE:
        lua_pushboolean(L, 1);
        break;
    case JSON_FALSE:
        lua_pushboolean(L, 0);
        break;
    default:
        lua_pushnil(L);
        break;
    }
}

void lotk_marshal_put_numbers(lua_State *L, int idx, const double *v, size_t n)
{
    idx = lua_absindex(L, idx);
    for (size_t i = 0; i < n; i++) {
        if (v[i] == v[i])
            lua_pushnumber(L, v[i]);
        else
            lua_pushnil(L);
        lua_rawseti(L, idx, (lua_Integer)i + 1);
    }
}

/* A plugin's number must be a real, finite number: NaN or infinity is never a score. */
int lotk_marshal_number(lua_State *L, int idx, const struct lotk_plugin *pl, const char *what,
                        double *out, struct lotk_err *err)
{
    if (lua_type(L, idx) != LUA_TNUMBER) {
        lotk_err_set(err, LOTK_EPLUGIN, pl->path, pl->fn_line, 0, "%s returned %s where a number belongs",
                     what, luaL_typename(L, idx));
        lotk_err_set_plugin(err, pl->name);
        return LOTK_EPLUGIN;
    }
    double x = lua_tonumber(L, idx);
    if (!isfinite(x)) {
        lotk_err_set(err, LOTK_EPLUGIN, pl->path, pl->fn_line, 0, "%s returned %s, not a finite number",
                     what, x != x ? "NaN" : "infinity");
        lotk_err_set_plugin(err, pl->name);
        return LOTK_EPLUGIN;
    }
    *out = x;
    return 0;
}

/* The length of the UTF-8 sequence at s (of n bytes) and its code point, or 0 when it is
 * not a valid one: no overlong forms, no surrogates, nothing past U+10FFFF. */
static size_t utf8_sequence(const unsigned char *s, size_t n, unsigned long *cp)
{
    static const unsigned long min[5] = {0, 0, 0x80, 0x800, 0x10000};
    size_t len = s[0] < 0x80 ? 1 : (s[0] & 0xE0) == 0xC0 ? 2 : (s[0] & 0xF0) == 0xE0 ? 3
                 : (s[0] & 0xF8) == 0xF0 ? 4 : 0;
    if (len == 0 || len > n)
        return 0;
    unsigned long c = len == 1 ? s[0] : s[0] & (0x7F >> len);
    for (size_t i = 1; i < len; i++) {
        if ((s[i] & 0xC0) != 0x80)
            return 0;
        c = c << 6 | (s[i] & 0x3F);
    }
    if (c < min[len] || (c >= 0xD800 && c <= 0xDFFF) || c > 0x10FFFF)
        return 0;
    *cp = c;
    return len;
}

char *lotk_marshal_clean_text(const char *text, size_t len, long *bad)
{
    const unsigned char *s = (const unsigned char *)text;
    struct lotk_buf b = {0};
    *bad = -1;
    for (size_t i = 0; i < len;) {
        unsigned long cp;
        size_t n = utf8_sequence(s + i, len - i, &cp);
        if (n == 0) {
            if (*bad < 0)
                *bad = (long)i;
            lotk_buf_puts(&b, "\xEF\xBF\xBD"); /* U+FFFD */
            i++;
        } else if (cp < 0x20 || cp == 0x7F) {
            lotk_buf_printf(&b, "\\x%02lX", cp);
            i += n;
        } else if (cp >= 0x80 && cp <= 0x9F) {
            lotk_buf_printf(&b, "\\u%04lX", cp);
            i += n;
        } else {
            lotk_buf_append(&b, text + i, n);
            i += n;
        }
    }
    return b.data ? b.data : lotk_xstrdup("");
}
