/* call.c — calling plugins, one function per kind: aggregate, respondent, rule and
 * report, each building its arguments and checking what came back; see plugin.h. */
#include "lua/call.h"

#include <jansson.h>
#include <lauxlib.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/buf.h"
#include "base/mem.h"
#include "lua/marshal.h"
#include "lua/registry.h"
#include "lua/seal.h"

void lotk_call_push(struct lotk_plugins *p, const struct lotk_plugin *pl)
{
    lua_rawgeti(lotk_lhost_state(p->host), LUA_REGISTRYINDEX, pl->fn_ref);
}

static long budget_of(struct lotk_plugins *p, const struct lotk_plugin *pl)
{
    /* A library's functions are called by report plugins: they render, not score. */
    return pl->kind == LOTK_PLUGIN_REPORT || pl->kind == LOTK_PLUGIN_LIBRARY
               ? lotk_lhost_report_budget(p->host)
               : 0;
}

int lotk_call_run(struct lotk_plugins *p, const struct lotk_plugin *pl, int nargs,
                  int nresults, struct lotk_err *err)
{
    const char *was = p->current;
    p->current = pl->name;
    int rc = lotk_lhost_call_budget(p->host, pl->name, budget_of(p, pl), nargs, nresults, err);
    p->current = was;
    return rc;
}

int lotk_call_run_with(struct lotk_plugins *p, const struct lotk_plugin *pl,
                       lotk_lhost_pusher push, void *ud, int nresults, struct lotk_err *err)
{
    const char *was = p->current;
    p->current = pl->name;
    lotk_call_push(p, pl);
    int rc = lotk_lhost_call_with(p->host, pl->name, budget_of(p, pl), push, ud, nresults, err);
    p->current = was;
    return rc;
}

/* lotk_call_run_with for a stateless kind (seal.h), then the checks that it kept none:
 * no upvalue rebound, math.random back at its seed. */
static int run_stateless(struct lotk_plugins *p, const struct lotk_plugin *pl,
                         lotk_lhost_pusher push, void *ud, int nargs, struct lotk_err *err)
{
    bool was = p->calling_stateless;
    p->calling_stateless = true;
    /* Without push, the function and its nargs arguments are on the stack already. */
    int rc = push ? lotk_call_run_with(p, pl, push, ud, 1, err)
                  : lotk_call_run(p, pl, nargs, 1, err);
    p->calling_stateless = was;
    if (rc)
        return rc;
    lua_State *L = lotk_lhost_state(p->host);
    const char *name;
    if (lotk_seal_verify(L, &p->seal, &name) != 0) {
        lotk_err_set(err, LOTK_EPLUGIN, pl->path, pl->fn_line, 0,
                     "%s keeps state between calls: its upvalue '%s' changed (respondent "
                     "and aggregate plugins are stateless, so that results do not depend on "
                     "--jobs)", lotk_plugin_kind_name(pl->kind), name);
        lotk_err_set_plugin(err, pl->name);
        rc = LOTK_EPLUGIN;
    } else if ((rc = lotk_lhost_restore_random(p->host, err)) != 0) {
        lotk_err_set_plugin(err, pl->name);
    }
    if (rc)
        lua_pop(L, 1);
    return rc;
}

struct aggregate_args {
    const struct lotk_standard *s;
    int node;
    const double *norm;
};

static int push_aggregate_args(lua_State *L, void *ud)
{
    const struct aggregate_args *a = ud;
    const struct lotk_node *n = &a->s->nodes[a->node];
    lua_createtable(L, (int)n->nchildren, 0);
    int k = 0;
    for (size_t c = 0; c < n->nchildren; c++) {
        int child = n->children[c];
        if (a->norm[child] != a->norm[child])
            continue;
        lua_createtable(L, 0, 3);
        lua_pushstring(L, a->s->nodes[child].id);
        lua_setfield(L, -2, "id");
        lua_pushnumber(L, a->norm[child]);
        lua_setfield(L, -2, "norm");
        lua_pushnumber(L, a->s->nodes[child].weight);
        lua_setfield(L, -2, "weight");
        lua_rawseti(L, -2, ++k);
    }
    lua_createtable(L, 0, 2);
    lua_pushstring(L, n->id);
    lua_setfield(L, -2, "id");
    if (n->params.type == LOTK_VALUE_MAP)
        lotk_marshal_push_value(L, &n->params);
    else
        lua_newtable(L);
    lua_setfield(L, -2, "params");
    return 2;
}

int lotk_plugin_aggregate(struct lotk_plugins *p, const struct lotk_plugin *pl,
                          const struct lotk_standard *s, int node, const double *norm,
                          double *out, struct lotk_err *err)
{
    lua_State *L = lotk_lhost_state(p->host);
    const struct lotk_node *n = &s->nodes[node];
    struct aggregate_args args = {s, node, norm};
    int rc = run_stateless(p, pl, push_aggregate_args, &args, 0, err);
    if (rc)
        return rc;
    rc = lotk_marshal_number(L, -1, pl, "aggregate", out, err);
    lua_pop(L, 1);
    if (rc == 0 && (*out < 0 || *out > 1)) {
        lotk_err_set(err, LOTK_EPLUGIN, pl->path, pl->fn_line, 0,
                     "aggregate returned %g for %s, outside [0, 1]", *out, n->id);
        lotk_err_set_plugin(err, pl->name);
        rc = LOTK_EPLUGIN;
    }
    return rc;
}

static void push_respondent_context(lua_State *L, const struct lotk_standard *s)
{
    lua_newtable(L);
    lua_newtable(L);
    int k = 0;
    for (size_t i = 0; i < s->nnodes; i++) {
        const struct lotk_node *n = &s->nodes[i];
        if (n->nitems == 0)
            continue;
        lua_createtable(L, 0, 7);
        lua_pushstring(L, n->id);
        lua_setfield(L, -2, "id");
        lua_pushnumber(L, n->min_answered);
        lua_setfield(L, -2, "min_answered");
        /* The answered items the built-in rule needs (min_answered of them, at least one),
         * so a plugin need not redo the rounding for every row. */
        long need = n->min_answered > 0 ? (long)ceil(n->min_answered * (double)n->nitems - 1e-9)
                                        : 1;
        lua_pushinteger(L, need < 1 ? 1 : need);
        lua_setfield(L, -2, "need");
        /* A leaf's items are consecutive in the standard: items[first..last] are its values,
         * one table read each. */
        lua_pushinteger(L, n->items[0] + 1);
        lua_setfield(L, -2, "first");
        lua_pushinteger(L, n->items[n->nitems - 1] + 1);
        lua_setfield(L, -2, "last");
        lua_createtable(L, (int)n->nitems, 0);
        for (size_t j = 0; j < n->nitems; j++) {
            lua_pushinteger(L, n->items[j] + 1);
            lua_rawseti(L, -2, (lua_Integer)j + 1);
        }
        lua_setfield(L, -2, "items");
        lua_rawseti(L, -2, ++k);
    }
    lua_setfield(L, -2, "leaves");
}

static int l_items_newindex(lua_State *L)
{
    return luaL_error(L, "attempt to keep state between calls in the items table (a "
                      "respondent plugin is stateless; return values in the out table)");
}

static size_t leaf_count(const struct lotk_standard *s)
{
    size_t n = 0;
    for (size_t i = 0; i < s->nnodes; i++)
        n += s->nodes[i].nitems > 0;
    return n;
}

struct respondent_setup {
    struct lotk_plugins *p;
    const struct lotk_standard *s;
};

static int ref_top(lua_State *L)
{
    return luaL_ref(L, LUA_REGISTRYINDEX);
}

/* Makes a respondent plugin's arguments, once, in a protected call (lotk_lhost_protect):
 * a million rows must not mean a million tables. Every row after reuses them and pushes
 * allocation-free (lotk_plugin_respondent). */
static int l_make_respondent_args(lua_State *L)
{
    const struct respondent_setup *a = lua_touserdata(L, 1);
    const struct lotk_standard *s = a->s;
    /* items: its array part holds every item, so rewriting it never allocates; a key it
     * does not hold (a row's unanswered item, a counter) is refused: it would keep state
     * from row to row. */
    lua_createtable(L, (int)s->nitems, 0);
    lua_createtable(L, 0, 2);
    lua_pushcfunction(L, l_items_newindex);
    lua_setfield(L, -2, "__newindex");
    lua_pushliteral(L, "locked");
    lua_setfield(L, -2, "__metatable");
    lua_setmetatable(L, -2);
    int items = ref_top(L);
    /* ctx: built once, read-only (its views index tables, not functions: a lookup costs no
     * call), so that no row can leave anything in it for the next. */
    push_respondent_context(L, s);
    lotk_lhost_push_frozen(L, -1);
    int context = ref_top(L);
    lua_pop(L, 1);
    /* out: filled by the plugin instead of a table of its own per row. Its metatable is
     * locked: one the plugin set would outlive the row, and whatever it held with it. */
    lua_createtable(L, (int)leaf_count(s), 0);
    lua_createtable(L, 0, 1);
    lua_pushliteral(L, "locked");
    lua_setfield(L, -2, "__metatable");
    lua_setmetatable(L, -2);
    int out = ref_top(L);
    a->p->respondent = (struct lotk_respondent_refs){true, items, context, out};
    return 0;
}

/* The value a respondent plugin gave node i (a leaf), at idx: nil is none. */
static int take_leaf_value(lua_State *L, int idx, const struct lotk_plugin *pl,
                           const struct lotk_standard *s, size_t i, double *values,
                           struct lotk_err *err)
{
    if (lua_type(L, idx) == LUA_TNIL) {
        values[i] = NAN;
        return 0;
    }
    int rc = lotk_marshal_number(L, idx, pl, "respondent", &values[i], err);
    const struct lotk_scale *sc = &s->scales[s->nodes[i].scale];
    if (rc == 0 && (values[i] < sc->min || values[i] > sc->max)) {
        lotk_err_set(err, LOTK_EPLUGIN, pl->path, pl->fn_line, 0,
                     "respondent returned %g for %s, outside its scale [%g, %g]", values[i],
                     s->nodes[i].id, sc->min, sc->max);
        lotk_err_set_plugin(err, pl->name);
        rc = LOTK_EPLUGIN;
    }
    return rc;
}

/* Reads the leaf values from the table the plugin returned (on top, popped) and empties
 * out for the next row. */
static int read_leaf_values(struct lotk_plugins *p, const struct lotk_plugin *pl,
                            const struct lotk_standard *s, double *values,
                            struct lotk_err *err)
{
    lua_State *L = lotk_lhost_state(p->host);
    int rc = 0;
    lua_Integer k = 0;
    for (size_t i = 0; i < s->nnodes && rc == 0; i++) {
        if (s->nodes[i].nitems == 0)
            continue;
        lua_rawgeti(L, -1, ++k);
        rc = take_leaf_value(L, -1, pl, s, i, values, err);
        lua_pop(L, 1);
    }
    lua_rawgeti(L, LUA_REGISTRYINDEX, p->respondent.out);
    for (k = (lua_Integer)leaf_count(s); k > 0; k--) {
        lua_pushnil(L);
        lua_rawseti(L, -2, k);
    }
    lua_pop(L, 2);
    return rc;
}

/* After a row, out must be empty: anything left beyond the leaves' places would be state
 * kept for the next row. */
static int check_out_empty(struct lotk_plugins *p, const struct lotk_plugin *pl,
                           const struct lotk_standard *s, struct lotk_err *err)
{
    lua_State *L = lotk_lhost_state(p->host);
    lua_rawgeti(L, LUA_REGISTRYINDEX, p->respondent.out);
    lua_pushnil(L);
    bool left = lua_next(L, -2) != 0;
    lua_settop(L, left ? -4 : -2);
    if (!left)
        return 0;
    lotk_err_set(err, LOTK_EPLUGIN, pl->path, pl->fn_line, 0, "respondent kept something "
                 "in the out table besides the %zu leaf values (a respondent plugin is "
                 "stateless: out is emptied for every row)", leaf_count(s));
    lotk_err_set_plugin(err, pl->name);
    return LOTK_EPLUGIN;
}

int lotk_plugin_respondent(struct lotk_plugins *p, const struct lotk_plugin *pl,
                           const struct lotk_standard *s, const double *keyed, double *values,
                           struct lotk_err *err)
{
    lua_State *L = lotk_lhost_state(p->host);
    const struct lotk_respondent_refs *r = &p->respondent;
    int rc;
    if (!r->made) {
        struct respondent_setup setup = {p, s};
        if ((rc = lotk_lhost_protect(p->host, l_make_respondent_args, &setup, 0, 0, err))) {
            if (rc == LOTK_EPLUGIN)
                snprintf(err->msg, sizeof err->msg, "its arguments do not fit in the "
                         "plugins' memory limit of %zu MiB (--plugin-memory raises it)",
                         lotk_lhost_limit(p->host) >> 20);
            lotk_err_set_plugin(err, pl->name);
            return rc;
        }
    }
    /* Nothing here allocates: no protected call is needed to push. */
    lotk_call_push(p, pl);
    lua_rawgeti(L, LUA_REGISTRYINDEX, r->items);
    lotk_marshal_put_numbers(L, -1, keyed, s->nitems);
    lua_rawgeti(L, LUA_REGISTRYINDEX, r->context);
    lua_rawgeti(L, LUA_REGISTRYINDEX, r->out);
    if ((rc = run_stateless(p, pl, NULL, NULL, 3, err)) != 0)
        return rc;
    if (lua_type(L, -1) != LUA_TTABLE) {
        lotk_err_set(err, LOTK_EPLUGIN, pl->path, pl->fn_line, 0,
                     "respondent returned %s where a list of leaf values belongs",
                     luaL_typename(L, -1));
        lotk_err_set_plugin(err, pl->name);
        lua_pop(L, 1);
        return LOTK_EPLUGIN;
    }
    rc = read_leaf_values(p, pl, s, values, err);
    if (rc == 0)
        rc = check_out_empty(p, pl, s, err);
    return rc;
}

void lotk_rule_effect_clear(struct lotk_rule_effect *e)
{
    free(e->grade);
    free(e->max_grade);
    free(e->reason);
    memset(e, 0, sizeof *e);
}

static int rule_error(struct lotk_err *err, const struct lotk_plugin *pl, const char *msg)
{
    lotk_err_set(err, LOTK_EPLUGIN, pl->path, pl->fn_line, 0, "rule returned %s", msg);
    lotk_err_set_plugin(err, pl->name);
    return LOTK_EPLUGIN;
}

/* A text field of a rule's effect (the table on top), read raw and whole (past any NUL)
 * and cleaned for output (lotk_marshal_clean_text). Returns 0, -1 for a value that is not
 * a string, or the 1-based offset of the first byte that is not UTF-8. */
static long rule_string(lua_State *L, const char *field, char **out)
{
    lua_pushstring(L, field);
    int t = lua_rawget(L, -2);
    long rc = t == LUA_TNIL || t == LUA_TSTRING ? 0 : -1;
    if (t == LUA_TSTRING) {
        size_t len;
        const char *text = lua_tolstring(L, -1, &len);
        long bad;
        *out = lotk_marshal_clean_text(text, len, &bad);
        if (bad >= 0)
            rc = bad + 1;
    }
    lua_pop(L, 1);
    return rc;
}

struct rule_args {
    const struct lotk_rule *rule;
    const struct json_t *result;
};

static int push_rule_args(lua_State *L, void *ud)
{
    const struct rule_args *a = ud;
    lotk_marshal_push_json(L, a->result);
    lotk_marshal_push_value(L, &a->rule->params);
    return 2;
}

/* Reads a rule's effect (the table after the light userdata) inside a protected call:
 * reading it interns strings. Raw reads: an __index would be plugin code run outside the
 * plugin's call and budget. */
struct effect_reading {
    struct lotk_plugins *p;
    const struct lotk_plugin *pl;
    struct lotk_rule_effect *out;
    struct lotk_err *err;
    int rc;
};

static int l_read_effect(lua_State *L)
{
    struct effect_reading *r = lua_touserdata(L, 1);
    lua_remove(L, 1);
    int rc = 0;
    if (lua_type(L, -1) != LUA_TTABLE) {
        rc = rule_error(r->err, r->pl, "something other than nil or a table {grade, "
                                       "max_grade, points, reason}");
        goto done;
    }
    lua_pushnil(L);
    while (lua_next(L, -2)) {
        const char *k = lua_type(L, -2) == LUA_TSTRING ? lua_tostring(L, -2) : "";
        if (strcmp(k, "grade") && strcmp(k, "max_grade") && strcmp(k, "points") &&
            strcmp(k, "reason")) {
            lua_pop(L, 2);
            rc = rule_error(r->err, r->pl, "an unknown field; expected grade, max_grade, "
                                           "points and reason");
            goto done;
        }
        lua_pop(L, 1);
    }
    static const char *const texts[] = {"grade", "max_grade", "reason"};
    char **fields[] = {&r->out->grade, &r->out->max_grade, &r->out->reason};
    for (int f = 0; f < 3; f++) {
        long bad = rule_string(L, texts[f], fields[f]);
        if (bad < 0) {
            rc = rule_error(r->err, r->pl, "a grade, max_grade or reason that is not a string");
            goto done;
        }
        if (bad > 0) {
            char msg[160];
            snprintf(msg, sizeof msg, "a %s that is not valid UTF-8 (byte %ld): %.60s",
                     texts[f], bad, *fields[f]);
            rc = rule_error(r->err, r->pl, msg);
            goto done;
        }
    }
    if (!r->out->reason || !r->out->reason[0]) {
        rc = rule_error(r->err, r->pl, "an adjustment without a reason; every adjustment "
                                       "needs one");
        goto done;
    }
    lua_pushliteral(L, "points");
    if (lua_rawget(L, -2) != LUA_TNIL)
        rc = lotk_marshal_number(L, -1, r->pl, "rule points", &r->out->points, r->err);
    lua_pop(L, 1);
    /* More than the standard's points, either way, is no adjustment of a score: and two
     * rules adding 1.7e308 each would make the total infinite. */
    double most = r->p->standard ? r->p->standard->points : 0;
    if (rc == 0 && most > 0 && !(fabs(r->out->points) <= most)) {
        char msg[160];
        snprintf(msg, sizeof msg, "points = %g, beyond the standard's %g points either way",
                 r->out->points, most);
        rc = rule_error(r->err, r->pl, msg);
    }
    r->out->applied = rc == 0;
done:
    r->rc = rc;
    return 0;
}

int lotk_plugin_rule(struct lotk_plugins *p, const struct lotk_plugin *pl,
                     const struct lotk_rule *rule, const struct json_t *result,
                     struct lotk_rule_effect *out, struct lotk_err *err)
{
    lua_State *L = lotk_lhost_state(p->host);
    memset(out, 0, sizeof *out);
    struct rule_args args = {rule, result};
    int rc = lotk_call_run_with(p, pl, push_rule_args, &args, 1, err);
    if (rc)
        return rc;
    if (lua_type(L, -1) == LUA_TNIL || (lua_type(L, -1) == LUA_TBOOLEAN && !lua_toboolean(L, -1))) {
        lua_pop(L, 1);
        return 0;
    }
    struct effect_reading r = {p, pl, out, err, 0};
    if ((rc = lotk_lhost_protect(p->host, l_read_effect, &r, 1, 0, err)) == 0)
        rc = r.rc;
    else
        lotk_err_set_plugin(err, pl->name);
    if (rc)
        lotk_rule_effect_clear(out);
    return rc;
}

/* ctx = {format =, lang =, messages = {key = text}}: a plain table, like result. */
static void push_report_ctx(lua_State *L, const struct lotk_report_ctx *ctx)
{
    lua_createtable(L, 0, 3);
    if (!ctx)
        return;
    if (ctx->format) {
        lua_pushstring(L, ctx->format);
        lua_setfield(L, -2, "format");
    }
    if (ctx->lang) {
        lua_pushstring(L, ctx->lang);
        lua_setfield(L, -2, "lang");
    }
    lua_createtable(L, 0, (int)ctx->nmessages);
    for (size_t i = 0; i < ctx->nmessages; i++) {
        lua_pushstring(L, ctx->messages[i].text);
        lua_setfield(L, -2, ctx->messages[i].key);
    }
    lua_setfield(L, -2, "messages");
}

struct report_args {
    const json_t *result;
    const struct lotk_report_ctx *ctx;
};

static int push_report_args(lua_State *L, void *ud)
{
    const struct report_args *a = ud;
    lotk_marshal_push_json(L, a->result);
    push_report_ctx(L, a->ctx);
    return 2;
}

int lotk_plugin_report(struct lotk_plugins *p, const struct lotk_plugin *pl,
                       const struct json_t *result, const struct lotk_report_ctx *ctx,
                       struct lotk_buf *out, struct lotk_err *err)
{
    lua_State *L = lotk_lhost_state(p->host);
    /* A batch's result is large: it is built inside the protected call, where a result
     * beyond the memory cap is an error like any other. */
    struct report_args args = {result, ctx};
    int rc = lotk_call_run_with(p, pl, push_report_args, &args, 1, err);
    if (rc)
        return rc;
    if (lua_type(L, -1) != LUA_TSTRING) {
        lotk_err_set(err, LOTK_EPLUGIN, pl->path, pl->fn_line, 0,
                     "report returned %s where the report text belongs", luaL_typename(L, -1));
        lotk_err_set_plugin(err, pl->name);
        lua_pop(L, 1);
        return LOTK_EPLUGIN;
    }
    size_t len;
    const char *text = lua_tolstring(L, -1, &len);
    lotk_buf_append(out, text, len);
    lua_pop(L, 1);
    return 0;
}
