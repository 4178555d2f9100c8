/* params.c — a plugin's declared parameters (`params = {...}` in its table, plugin.h):
 * read once when the plugin loads, and the standard's rule and aggregate mappings checked
 * against them, so that a misspelt key or value (`on: nrom`) is an error at its line and
 * column with a did-you-mean, never a rule that silently stops firing. */
#include <lauxlib.h>
#include <stdlib.h>
#include <string.h>

#include "base/buf.h"
#include "base/mem.h"
#include "base/num.h"
#include "base/text.h"
#include "lua/registry.h"

static const char *const type_names[] = {
    [LOTK_PARAM_ANY] = "any",       [LOTK_PARAM_STRING] = "string",
    [LOTK_PARAM_NUMBER] = "number", [LOTK_PARAM_BOOLEAN] = "boolean",
    [LOTK_PARAM_TABLE] = "table",   [LOTK_PARAM_LIST] = "list",
    [LOTK_PARAM_INDICATOR] = "indicator", [LOTK_PARAM_INDICATORS] = "indicators",
    [LOTK_PARAM_GRADE] = "grade",
};
enum { NTYPES = sizeof type_names / sizeof *type_names, PARAMS_MAX_DEPTH = 8 };

static const char *const spec_keys[] = {"type", "required", "one_of", "fields",
                                        "description", NULL};

static int spec_error(struct lotk_err *err, const char *path, const char *where,
                      const char *msg)
{
    return lotk_err_set(err, LOTK_ESTANDARD, path, 0, 0, "plugin field 'params': %s: %s",
                        where, msg);
}

static int read_table(lua_State *L, int t, const char *path, const char *prefix, int depth,
                      struct lotk_param **out, size_t *n, struct lotk_err *err);

/* One entry `name = {type =, required =, one_of =, fields =}` at the top of the stack. */
static int read_one(lua_State *L, const char *path, const char *name, int depth,
                    struct lotk_param *p, struct lotk_err *err)
{
    int t = lua_gettop(L);
    if (lua_type(L, t) != LUA_TTABLE)
        return spec_error(err, path, name, "expected a table {type = ...}");
    lua_pushnil(L);
    while (lua_next(L, t)) {
        bool known = false;
        for (int i = 0; lua_type(L, -2) == LUA_TSTRING && spec_keys[i]; i++)
            known |= strcmp(lua_tostring(L, -2), spec_keys[i]) == 0;
        lua_pop(L, 1);
        if (!known) {
            lua_pop(L, 1);
            return spec_error(err, path, name, "unknown field (type, required, one_of, "
                              "fields or description)");
        }
    }
    lua_getfield(L, t, "type");
    const char *type = lua_type(L, -1) == LUA_TSTRING ? lua_tostring(L, -1) : NULL;
    int found = -1;
    for (int i = 0; type && i < NTYPES; i++)
        if (strcmp(type, type_names[i]) == 0)
            found = i;
    lua_pop(L, 1);
    p->type = found < 0 ? LOTK_PARAM_ANY : (enum lotk_param_type)found;
    if (found < 0)
        return spec_error(err, path, name, "type: expected any, string, number, boolean, "
                          "table, list, indicator, indicators or grade");
    lua_getfield(L, t, "required");
    p->required = lua_toboolean(L, -1);
    lua_pop(L, 1);
    if (lua_getfield(L, t, "one_of") == LUA_TTABLE) {
        size_t k = (size_t)lua_rawlen(L, -1);
        p->one_of = lotk_xcalloc(k + 1, sizeof *p->one_of);
        for (size_t i = 0; i < k; i++) {
            lua_rawgeti(L, -1, (lua_Integer)i + 1);
            if (lua_type(L, -1) != LUA_TSTRING) {
                lua_pop(L, 2);
                return spec_error(err, path, name, "one_of: expected a list of strings");
            }
            p->one_of[p->none_of++] = lotk_xstrdup(lua_tostring(L, -1));
            lua_pop(L, 1);
        }
    }
    lua_pop(L, 1);
    if (lua_getfield(L, t, "fields") == LUA_TTABLE) {
        if (p->type != LOTK_PARAM_TABLE) {
            lua_pop(L, 1);
            return spec_error(err, path, name, "fields: only a table has fields");
        }
        p->has_fields = true;
        int rc = read_table(L, lua_gettop(L), path, name, depth + 1, &p->fields, &p->nfields,
                            err);
        if (rc) {
            lua_pop(L, 1);
            return rc;
        }
    }
    lua_pop(L, 1);
    return 0;
}

/* Every entry of the table at t, sorted by name so that messages do not follow Lua's
 * hash order. */
static int read_table(lua_State *L, int t, const char *path, const char *prefix, int depth,
                      struct lotk_param **out, size_t *n, struct lotk_err *err)
{
    if (depth > PARAMS_MAX_DEPTH)
        return spec_error(err, path, prefix, "nested too deep");
    lua_pushnil(L);
    while (lua_next(L, t)) {
        if (lua_type(L, -2) != LUA_TSTRING) {
            lua_pop(L, 2);
            return spec_error(err, path, prefix, "every parameter needs a name");
        }
        const char *key = lua_tostring(L, -2);
        char *where = *prefix ? lotk_xasprintf("%s.%s", prefix, key) : lotk_xstrdup(key);
        *out = lotk_xrealloc(*out, (*n + 1) * sizeof **out);
        struct lotk_param *p = &(*out)[(*n)++];
        memset(p, 0, sizeof *p);
        p->name = lotk_xstrdup(key);
        int rc = read_one(L, path, where, depth, p, err);
        free(where);
        lua_pop(L, 1);
        if (rc) {
            lua_pop(L, 1);
            return rc;
        }
    }
    for (size_t i = 1; i < *n; i++) /* insertion sort: a handful of entries */
        for (size_t j = i; j > 0 && strcmp((*out)[j - 1].name, (*out)[j].name) > 0; j--) {
            struct lotk_param tmp = (*out)[j];
            (*out)[j] = (*out)[j - 1];
            (*out)[j - 1] = tmp;
        }
    return 0;
}

int lotk_params_read(lua_State *L, int t, const char *path, struct lotk_plugin *pl,
                     struct lotk_err *err)
{
    pl->has_params = true;
    return read_table(L, t, path, "", 0, &pl->params, &pl->nparams, err);
}

static void free_list(struct lotk_param *ps, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        free(ps[i].name);
        for (size_t k = 0; k < ps[i].none_of; k++)
            free(ps[i].one_of[k]);
        free(ps[i].one_of);
        free_list(ps[i].fields, ps[i].nfields);
    }
    free(ps);
}

void lotk_params_free(struct lotk_plugin *pl)
{
    free_list(pl->params, pl->nparams);
    pl->params = NULL;
    pl->nparams = 0;
}

/* ---- checking a standard's mapping ------------------------------------------------ */

struct checker {
    const struct lotk_standard *s;
    const char *where; /* "rule 2 (plugin veto)" */
    struct lotk_diags *diags;
};

#define bad(c, v, ...)                                                                       \
    lotk_diags_add((c)->diags, false, LOTK_ESTANDARD, (c)->s->path, (v)->loc.line,         \
                   (v)->loc.column, __VA_ARGS__)

/* The closest of names[0..n) (each got by name(i, ctx)) to word, when close enough to be a
 * typo, or NULL. Case and '-' against '_' count as nothing: `third-party` is `third_party`. */
static const char *nearest(const char *word, size_t n, const char *(*name)(size_t, const void *),
                           const void *ctx)
{
    const char *best = NULL;
    size_t best_d = (size_t)-1;
    char *w = lotk_xstrdup(word);
    for (char *p = w; *p; p++)
        *p = *p == '-' ? '_' : (*p >= 'A' && *p <= 'Z') ? (char)(*p - 'A' + 'a') : *p;
    for (size_t i = 0; i < n; i++) {
        const char *cand = name(i, ctx);
        size_t d = strcmp(cand, w) == 0 ? 0 : lotk_edit_distance(cand, word);
        if (d < best_d)
            best_d = d, best = cand;
    }
    free(w);
    return best && best_d <= (strlen(word) + 2) / 3 + 1 ? best : NULL;
}

static const char *param_name(size_t i, const void *ctx)
{
    return ((const struct lotk_param *)ctx)[i].name;
}
static const char *string_name(size_t i, const void *ctx)
{
    return ((const char *const *)ctx)[i];
}
static const char *node_name(size_t i, const void *ctx)
{
    return ((const struct lotk_standard *)ctx)->nodes[i + 1].id;
}
static const char *band_name(size_t i, const void *ctx)
{
    return ((const struct lotk_standard *)ctx)->bands[i].grade;
}

static void check_value(struct checker *c, const struct lotk_param *p, const char *key,
                        const struct lotk_value *v);

static void check_indicator(struct checker *c, const char *key, const struct lotk_value *v)
{
    if (v->type != LOTK_VALUE_STRING && v->type != LOTK_VALUE_NUMBER) {
        bad(c, v, "%s: %s: expected an indicator id", c->where, key);
        return;
    }
    char num[32];
    if (v->type == LOTK_VALUE_NUMBER)
        lotk_fmt_double(num, v->number);
    const char *id = v->type == LOTK_VALUE_STRING ? v->string : num;
    if (lotk_standard_find_node(c->s, id) > 0)
        return;
    const char *near = nearest(id, c->s->nnodes - 1, node_name, c->s);
    if (near)
        bad(c, v, "%s: %s: the standard has no indicator '%s'; did you mean '%s'?", c->where,
            key, id, near);
    else
        bad(c, v, "%s: %s: the standard has no indicator '%s'", c->where, key, id);
}

static void check_grade(struct checker *c, const char *key, const struct lotk_value *v)
{
    if (v->type != LOTK_VALUE_STRING) {
        bad(c, v, "%s: %s: expected a grade (a band's grade)", c->where, key);
        return;
    }
    for (size_t i = 0; i < c->s->nbands; i++)
        if (strcmp(c->s->bands[i].grade, v->string) == 0)
            return;
    struct lotk_buf all = {0};
    for (size_t i = 0; i < c->s->nbands; i++)
        lotk_buf_printf(&all, "%s%s", i ? ", " : "", c->s->bands[i].grade);
    const char *near = nearest(v->string, c->s->nbands, band_name, c->s);
    if (near)
        bad(c, v, "%s: %s: '%s' is no band's grade; did you mean '%s'?", c->where, key,
            v->string, near);
    else
        bad(c, v, "%s: %s: '%s' is no band's grade (the bands: %s)", c->where, key, v->string,
            all.data ? all.data : "none");
    lotk_buf_free(&all);
}

static void check_fields(struct checker *c, const struct lotk_param *ps, size_t n,
                         const char *prefix, const struct lotk_value *map, bool skip_plugin)
{
    for (size_t i = 0; i < map->count; i++) {
        const char *k = map->keys[i];
        if (skip_plugin && strcmp(k, "plugin") == 0)
            continue;
        char *key = *prefix ? lotk_xasprintf("%s.%s", prefix, k) : lotk_xstrdup(k);
        const struct lotk_param *p = NULL;
        for (size_t j = 0; j < n && !p; j++)
            p = strcmp(ps[j].name, k) == 0 ? &ps[j] : NULL;
        if (p) {
            check_value(c, p, key, &map->items[i]);
        } else {
            const char *near = nearest(k, n, param_name, ps);
            if (near)
                bad(c, &map->items[i], "%s: unknown parameter '%s'; did you mean '%s'?",
                    c->where, key, near);
            else
                bad(c, &map->items[i], "%s: unknown parameter '%s'", c->where, key);
        }
        free(key);
    }
    for (size_t j = 0; j < n; j++)
        if (ps[j].required && !lotk_value_get(map, ps[j].name))
            bad(c, map, "%s: missing required parameter '%s%s%s'", c->where, prefix,
                *prefix ? "." : "", ps[j].name);
}

static const char *value_type(const struct lotk_value *v)
{
    static const char *const names[] = {"null", "true/false", "a number", "a string",
                                        "a list", "a mapping"};
    return names[v->type];
}

static void check_value(struct checker *c, const struct lotk_param *p, const char *key,
                        const struct lotk_value *v)
{
    double num;
    switch (p->type) {
    case LOTK_PARAM_ANY:
        break;
    case LOTK_PARAM_STRING:
        if (v->type != LOTK_VALUE_STRING)
            bad(c, v, "%s: %s: expected a string, found %s", c->where, key, value_type(v));
        break;
    case LOTK_PARAM_NUMBER:
        if (v->type == LOTK_VALUE_STRING &&
            lotk_parse_double(v->string, strlen(v->string), &num) == 0)
            bad(c, v, "%s: %s: expected a number, found the string \"%s\"; unquote it",
                c->where, key, v->string);
        else if (v->type != LOTK_VALUE_NUMBER)
            bad(c, v, "%s: %s: expected a number, found %s", c->where, key, value_type(v));
        break;
    case LOTK_PARAM_BOOLEAN:
        if (v->type != LOTK_VALUE_BOOL)
            bad(c, v, "%s: %s: expected true or false, found %s", c->where, key,
                value_type(v));
        break;
    case LOTK_PARAM_TABLE:
        if (v->type != LOTK_VALUE_MAP)
            bad(c, v, "%s: %s: expected a mapping, found %s", c->where, key, value_type(v));
        else if (p->has_fields)
            check_fields(c, p->fields, p->nfields, key, v, false);
        break;
    case LOTK_PARAM_LIST:
    case LOTK_PARAM_INDICATORS:
        if (v->type != LOTK_VALUE_LIST) {
            bad(c, v, "%s: %s: expected a list, found %s", c->where, key, value_type(v));
            break;
        }
        for (size_t i = 0; p->type == LOTK_PARAM_INDICATORS && i < v->count; i++)
            check_indicator(c, key, &v->items[i]);
        break;
    case LOTK_PARAM_INDICATOR:
        check_indicator(c, key, v);
        break;
    case LOTK_PARAM_GRADE:
        check_grade(c, key, v);
        break;
    }
    if (!p->none_of || v->type != LOTK_VALUE_STRING)
        return;
    struct lotk_buf all = {0};
    for (size_t i = 0; i < p->none_of; i++) {
        if (strcmp(p->one_of[i], v->string) == 0)
            goto done;
        lotk_buf_printf(&all, "%s%s", i ? ", " : "", p->one_of[i]);
    }
    const char *near = nearest(v->string, p->none_of, string_name, p->one_of);
    if (near)
        bad(c, v, "%s: %s: '%s' is not one of %s; did you mean '%s'?", c->where, key,
            v->string, all.data, near);
    else
        bad(c, v, "%s: %s: '%s' is not one of %s", c->where, key, v->string, all.data);
done:
    lotk_buf_free(&all);
}

void lotk_params_check(const struct lotk_plugin *pl, const struct lotk_standard *s,
                       const struct lotk_value *v, bool whole_rule, const char *where,
                       struct lotk_diags *diags)
{
    if (!pl->has_params)
        return;
    struct checker c = {s, where, diags};
    if (v->type == LOTK_VALUE_MAP)
        check_fields(&c, pl->params, pl->nparams, "", v, whole_rule);
    else if (!whole_rule && v->type == LOTK_VALUE_NULL) {
        struct lotk_value empty = {.type = LOTK_VALUE_MAP, .loc = v->loc};
        check_fields(&c, pl->params, pl->nparams, "", &empty, false);
    }
}
