/* registry.c — the plugin registry: the search path, finding and loading plugin files,
 * checking their metadata, resolving the plugins a standard names, and lotk.require
 * (a library is found and loaded like any plugin, once per registry). */
#include "lua/registry.h"

#include <lauxlib.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "base/buf.h"
#include "base/dir.h"
#include "base/file.h"
#include "base/mem.h"
#include "lua/api.h"

enum { PLUGIN_MAX_BYTES = 1 << 20 };

static const char *const kind_names[] = {
    [LOTK_PLUGIN_AGGREGATE] = "aggregate",
    [LOTK_PLUGIN_RESPONDENT] = "respondent",
    [LOTK_PLUGIN_RULE] = "rule",
    [LOTK_PLUGIN_REPORT] = "report",
    [LOTK_PLUGIN_LIBRARY] = "library",
};
enum { NKINDS = sizeof kind_names / sizeof *kind_names };

const char *lotk_plugin_kind_name(enum lotk_plugin_kind kind)
{
    return kind_names[kind];
}

/* ---- search path ------------------------------------------------------------------ */

static void add_dir(struct lotk_plugins *p, char *dir)
{
    for (size_t i = 0; i < p->ndirs; i++)
        if (strcmp(p->dirs[i], dir) == 0) {
            free(dir);
            return;
        }
    p->dirs = lotk_xrealloc(p->dirs, (p->ndirs + 1) * sizeof *p->dirs);
    p->dirs[p->ndirs++] = dir;
}

static char *dir_of(const char *path)
{
    const char *slash = strrchr(path, '/');
    return slash ? lotk_xstrndup(path, (size_t)(slash - path)) : lotk_xstrdup(".");
}

static void build_search_path(struct lotk_plugins *p)
{
    if (p->standard) {
        char *d = dir_of(p->standard->path);
        add_dir(p, lotk_xasprintf("%s/plugins", d));
        free(d);
    }
    const char *env = getenv("LOTK_PLUGIN_PATH");
    if (env && *env) {
        char *copy = lotk_xstrdup(env), *save = NULL;
        for (char *d = strtok_r(copy, ":", &save); d; d = strtok_r(NULL, ":", &save))
            add_dir(p, lotk_xstrdup(d));
        free(copy);
    }
    /* Run from a build tree (build/lotk), the shipped plugins are one level up. */
    char exe[PATH_MAX];
    ssize_t n = readlink("/proc/self/exe", exe, sizeof exe - 1);
    if (n > 0) {
        exe[n] = '\0';
        char *d = dir_of(exe);
        /* ...and an installed tree's share/lotk/plugins, wherever it was moved. */
        const char *const beside[] = {"%s/../plugins", "%s/../share/lotk/plugins"};
        for (int i = 0; i < 2; i++) {
            char *candidate = lotk_xasprintf(beside[i], d);
            char resolved[PATH_MAX];
            if (realpath(candidate, resolved))
                add_dir(p, lotk_xstrdup(resolved));
            free(candidate);
        }
        free(d);
    }
    add_dir(p, lotk_xstrdup(LOTK_DATADIR "/plugins"));
}

void lotk_plugins_each_file(struct lotk_plugins *p, void (*fn)(const char *path, void *ctx),
                            void *ctx)
{
    for (size_t d = 0; d < p->ndirs; d++)
        lotk_dir_each(p->dirs[d], ".lua", fn, ctx);
}

/* ---- metadata checks -------------------------------------------------------------- */

static int field_error(struct lotk_err *err, const char *path, const char *fmt, const char *a,
                       const char *b)
{
    lotk_err_set(err, LOTK_ESTANDARD, path, 0, 0, fmt, a, b);
    return LOTK_ESTANDARD;
}

/* Reads t[key] without metamethods: the plugin table is the plugin's, and an __index
 * would run its code here, outside any protected call and budget. */
static int raw_field(lua_State *L, int t, const char *key)
{
    lua_pushstring(L, key);
    return lua_rawget(L, t);
}

/* The type field key must have ("a string", ...), or NULL when no field has that name. */
static const char *field_type(const char *key, int *type)
{
    if (strcmp(key, "name") == 0 || strcmp(key, "version") == 0 || strcmp(key, "kind") == 0 ||
        strcmp(key, "description") == 0) {
        *type = LUA_TSTRING;
        return "a string";
    }
    if (strcmp(key, "tests") == 0 || strcmp(key, "exports") == 0 ||
        strcmp(key, "params") == 0) {
        *type = LUA_TTABLE;
        return "a table";
    }
    for (size_t k = 0; k < NKINDS; k++)
        if (k != LOTK_PLUGIN_LIBRARY && strcmp(key, kind_names[k]) == 0) {
            *type = LUA_TFUNCTION;
            return "a function";
        }
    return NULL;
}

/* Checks the field whose key and value are on top of the stack; pops nothing. */
static int check_field(lua_State *L, const char *path, struct lotk_err *err)
{
    if (lua_type(L, -2) != LUA_TSTRING)
        return field_error(err, path, "plugin table: every field needs a name%s%s", "", "");
    const char *key = lua_tostring(L, -2);
    if (strcmp(key, "api") == 0) {
        if (!lua_isinteger(L, -1) || lua_tointeger(L, -1) != 1)
            return field_error(err, path, "plugin field 'api': expected 1 (this lotk "
                               "speaks plugin API 1)%s%s", "", "");
        return 0;
    }
    int type;
    const char *want = field_type(key, &type);
    if (!want)
        return field_error(err, path, "plugin table: unknown field '%.127s'%s", key, "");
    if (lua_type(L, -1) != type)
        return field_error(err, path, "plugin field '%.127s': expected %s", key, want);
    return 0;
}

/* A library has exports and no function named after a kind; the other kinds the reverse. */
static int check_kind_fields(lua_State *L, int t, const char *path, struct lotk_plugin *pl,
                             struct lotk_err *err)
{
    const char *kind = kind_names[pl->kind];
    int exports = raw_field(L, t, "exports");
    lua_pop(L, 1);
    if (pl->kind == LOTK_PLUGIN_LIBRARY) {
        if (exports == LUA_TNIL)
            return field_error(err, path, "plugin of kind library: missing the table "
                               "'exports'%s%s", "", "");
        for (size_t k = 0; k < NKINDS; k++) {
            int type = raw_field(L, t, kind_names[k]);
            lua_pop(L, 1);
            if (type != LUA_TNIL)
                return field_error(err, path, "plugin of kind library: a library has no "
                                   "function '%s'; put %s in exports", kind_names[k],
                                   "its functions");
        }
        return 0;
    }
    if (exports != LUA_TNIL)
        return field_error(err, path, "plugin of kind %s: only a library has 'exports'%s",
                           kind, "");
    if (raw_field(L, t, kind) != LUA_TFUNCTION) {
        lua_pop(L, 1);
        return field_error(err, path, "plugin of kind %s: missing the function '%s'", kind,
                           kind);
    }
    lua_Debug info;
    lua_pushvalue(L, -1);
    pl->fn_line = lua_getinfo(L, ">S", &info) ? info.linedefined : 0;
    pl->fn_ref = luaL_ref(L, LUA_REGISTRYINDEX);
    return 0;
}

/* Checks the returned table (on top of the stack) field by field and fills pl from it. */
static int check_fields(lua_State *L, const char *path, struct lotk_plugin *pl,
                        struct lotk_err *err)
{
    static const char *const required[] = {"api", "name", "version", "kind", "description",
                                           NULL};
    int t = lua_gettop(L);
    for (int i = 0; required[i]; i++) {
        int type = raw_field(L, t, required[i]);
        lua_pop(L, 1);
        if (type == LUA_TNIL)
            return field_error(err, path, "plugin table: missing required field '%s'%s",
                               required[i], "");
    }
    lua_pushnil(L);
    while (lua_next(L, t)) {
        int rc = check_field(L, path, err);
        lua_pop(L, rc ? 2 : 1);
        if (rc)
            return rc;
    }
    raw_field(L, t, "kind");
    const char *kind = lua_tostring(L, -1);
    int k = -1;
    for (size_t i = 0; i < NKINDS; i++)
        if (strcmp(kind, kind_names[i]) == 0)
            k = (int)i;
    if (k < 0) {
        field_error(err, path, "plugin field 'kind': expected aggregate, respondent, rule, "
                    "report or library, found '%.63s'%s", kind, "");
        lua_pop(L, 1);
        return LOTK_ESTANDARD;
    }
    lua_pop(L, 1);
    pl->kind = (enum lotk_plugin_kind)k;
    int rc = check_kind_fields(L, t, path, pl, err);
    if (rc)
        return rc;
    raw_field(L, t, "name");
    pl->name = lotk_xstrdup(lua_tostring(L, -1));
    raw_field(L, t, "version");
    pl->version = lotk_xstrdup(lua_tostring(L, -1));
    raw_field(L, t, "description");
    pl->description = lotk_xstrdup(lua_tostring(L, -1));
    lua_pop(L, 3);
    if (raw_field(L, t, "params") == LUA_TTABLE) {
        int prc = lotk_params_read(L, lua_gettop(L), path, pl, err);
        lua_pop(L, 1);
        if (prc)
            return prc;
    } else {
        lua_pop(L, 1);
    }
    /* The file is named after the plugin, so a name finds its file without loading all. */
    const char *base = strrchr(path, '/') ? strrchr(path, '/') + 1 : path;
    size_t stem = strlen(base) - (strlen(base) > 4 ? 4 : 0);
    if (strlen(pl->name) != stem || strncmp(base, pl->name, stem) != 0)
        return field_error(err, path, "plugin field 'name': '%s' does not match the file "
                           "name; call the file %s.lua", pl->name, pl->name);
    return 0;
}

/* ---- loading ---------------------------------------------------------------------- */

/* "a cycle of requires: a → b → a", from the file at p->loading[from] on to key. */
static int cycle_error(struct lotk_plugins *p, size_t from, const char *key,
                       struct lotk_err *err)
{
    struct lotk_buf chain = {0};
    for (size_t i = from; i <= p->nloading; i++) {
        const char *path = i < p->nloading ? p->loading[i] : key;
        const char *base = strrchr(path, '/') ? strrchr(path, '/') + 1 : path;
        size_t len = strlen(base);
        if (len > 4 && strcmp(base + len - 4, ".lua") == 0)
            len -= 4;
        lotk_buf_printf(&chain, "%s%.*s", i > from ? " → " : "", (int)len, base);
    }
    lotk_err_set(err, LOTK_ESTANDARD, NULL, 0, 0, "a cycle of requires: %s", chain.data);
    lotk_buf_free(&chain);
    return LOTK_ESTANDARD;
}

/* Reads, compiles and runs a plugin file (key: its real path), leaving the table it
 * returned on the stack. While the chunk runs the file is on p->loading, so that a
 * lotk.require coming back to it is a cycle rather than endless recursion. */
static int run_chunk(struct lotk_plugins *p, const char *path, const char *key,
                     struct lotk_err *err)
{
    for (size_t i = 0; i < p->nloading; i++)
        if (strcmp(p->loading[i], key) == 0)
            return cycle_error(p, i, key, err);
    if (p->nloading == LOTK_REGISTRY_MAX_NESTING)
        return lotk_err_set(err, LOTK_ESTANDARD, path, 0, 0, "libraries nested deeper than "
                            "%d requires", LOTK_REGISTRY_MAX_NESTING);
    char *source = NULL;
    size_t len;
    struct lotk_err io;
    if (lotk_file_read_regular(path, PLUGIN_MAX_BYTES, &source, &len, &io) != 0)
        return lotk_err_set(err, LOTK_ESTANDARD, path, 0, 0, "plugin: %s", io.msg);
    lua_State *L = lotk_lhost_state(p->host);
    int rc = lotk_lhost_load(p->host, path, source, len, err);
    free(source);
    if (rc)
        return rc;
    const char *was = p->current;
    p->current = path;
    p->loading[p->nloading++] = lotk_xstrdup(key);
    rc = lotk_lhost_call(p->host, path, 0, 1, err);
    free(p->loading[--p->nloading]);
    p->current = was;
    if (rc) {
        /* A plugin that cannot load is an invalid plugin; lotk out of memory is not. */
        if (rc != LOTK_EIO)
            err->code = LOTK_ESTANDARD;
        if (!err->file[0])
            snprintf(err->file, sizeof err->file, "%s", path);
        lotk_err_set_plugin(err, NULL);
        return err->code;
    }
    if (lua_type(L, -1) != LUA_TTABLE) {
        lotk_err_set(err, LOTK_ESTANDARD, path, 0, 0,
                     "a plugin must return a table, this one returned %s", luaL_typename(L, -1));
        lua_pop(L, 1);
        return LOTK_ESTANDARD;
    }
    return 0;
}

/* Checks the plugin table (the argument after the light userdata) inside a protected
 * call: reading its fields interns strings, and keeping it takes a registry slot. */
struct checking {
    struct lotk_plugins *p;
    const char *path;
    struct lotk_plugin *pl;
    struct lotk_err *err;
    int rc;
};

static int l_check(lua_State *L)
{
    struct checking *c = lua_touserdata(L, 1);
    lua_remove(L, 1);
    if ((c->rc = check_fields(L, c->path, c->pl, c->err)) != 0)
        return 0;
    if (c->pl->kind == LOTK_PLUGIN_RESPONDENT || c->pl->kind == LOTK_PLUGIN_AGGREGATE) {
        lua_rawgeti(L, LUA_REGISTRYINDEX, c->pl->fn_ref);
        lotk_seal_value(L, &c->p->seal, -1);
        lua_pop(L, 1);
        c->pl->sealed = true;
    }
    c->pl->table_ref = luaL_ref(L, LUA_REGISTRYINDEX);
    return 0;
}

int lotk_plugins_load_file(struct lotk_plugins *p, const char *path,
                           const struct lotk_plugin **out, struct lotk_err *err)
{
    char resolved[PATH_MAX];
    const char *key = realpath(path, resolved) ? resolved : path;
    for (size_t i = 0; i < p->count; i++)
        if (strcmp(p->list[i].path, key) == 0) {
            *out = &p->list[i];
            return 0;
        }
    int rc = run_chunk(p, path, key, err);
    if (rc)
        return rc;
    lua_State *L = lotk_lhost_state(p->host);
    /* Entries are handed out by pointer: grow into a new block only when none are out
     * yet; otherwise refuse (a standard uses a handful of plugins). */
    if (p->count == p->cap && p->count) {
        lua_pop(L, 1);
        return lotk_err_set(err, LOTK_ESTANDARD, path, 0, 0,
                            "too many plugins loaded at once (%zu)", p->cap);
    }
    struct lotk_plugin *pl = &p->list[p->count];
    memset(pl, 0, sizeof *pl);
    pl->fn_ref = pl->table_ref = pl->exports_ref = LUA_NOREF;
    struct checking c = {p, path, pl, err, 0};
    lotk_err_clear(err);
    if (lotk_lhost_protect(p->host, l_check, &c, 1, 0, err) != 0 || c.rc != 0) {
        free(pl->name);
        free(pl->version);
        free(pl->description);
        lotk_params_free(pl);
        if (pl->fn_ref != LUA_NOREF)
            luaL_unref(L, LUA_REGISTRYINDEX, pl->fn_ref); /* frees a slot: no allocation */
        if (pl->table_ref != LUA_NOREF)
            luaL_unref(L, LUA_REGISTRYINDEX, pl->table_ref);
        if (!err->file[0])
            snprintf(err->file, sizeof err->file, "%s", path);
        return c.rc ? c.rc : err->code;
    }
    pl->path = lotk_xstrdup(key);
    p->count++;
    *out = pl;
    return 0;
}

static bool file_exists(const char *path)
{
    return access(path, R_OK) == 0;
}

/* Looks NAME.lua up on the search path; *found (the caller frees) is the first file. A
 * second, different file of that name is an error unless first_wins. */
static int search(struct lotk_plugins *p, const char *name, bool first_wins, char **found,
                  struct lotk_err *err)
{
    char first_real[PATH_MAX] = "";
    *found = NULL;
    for (size_t d = 0; d < p->ndirs; d++) {
        char *path = lotk_xasprintf("%s/%s.lua", p->dirs[d], name);
        char real[PATH_MAX];
        if (!file_exists(path) || !realpath(path, real)) {
            free(path);
            continue;
        }
        if (!*found) {
            *found = path;
            snprintf(first_real, sizeof first_real, "%s", real);
            if (first_wins)
                return 0;
        } else if (strcmp(real, first_real) != 0) {
            lotk_err_set(err, LOTK_ESTANDARD, NULL, 0, 0,
                         "two plugins named '%s': %s and %s; name the file in the standard "
                         "(for example %s.lua with a path) to choose one",
                         name, *found, path, name);
            free(path);
            free(*found);
            *found = NULL;
            return LOTK_ESTANDARD;
        } else {
            free(path);
        }
    }
    if (!*found) {
        struct lotk_buf dirs = {0};
        for (size_t d = 0; d < p->ndirs; d++)
            lotk_buf_printf(&dirs, "%s%s", d ? ", " : "", p->dirs[d]);
        lotk_err_set(err, LOTK_ESTANDARD, NULL, 0, 0, "no plugin named '%s' (looked for %s.lua "
                     "in %s)", name, name, dirs.data ? dirs.data : "nowhere");
        lotk_buf_free(&dirs);
        return LOTK_ESTANDARD;
    }
    return 0;
}

static int get(struct lotk_plugins *p, const char *name, bool first_wins,
               const struct lotk_plugin **out, struct lotk_err *err)
{
    size_t len = strlen(name);
    if (len > 4 && strcmp(name + len - 4, ".lua") == 0) {
        char *path;
        if (name[0] == '/' || !p->standard) {
            path = lotk_xstrdup(name);
        } else {
            char *d = dir_of(p->standard->path);
            path = lotk_xasprintf("%s/%s", d, name);
            free(d);
        }
        int rc = lotk_plugins_load_file(p, path, out, err);
        free(path);
        return rc;
    }
    for (size_t i = 0; i < p->count; i++)
        if (strcmp(p->list[i].name, name) == 0) {
            *out = &p->list[i];
            return 0;
        }
    char *found;
    int rc = search(p, name, first_wins, &found, err);
    if (rc)
        return rc;
    rc = lotk_plugins_load_file(p, found, out, err);
    free(found);
    return rc;
}

int lotk_plugins_get(struct lotk_plugins *p, const char *name, const struct lotk_plugin **out,
                     struct lotk_err *err)
{
    return get(p, name, false, out, err);
}

int lotk_plugins_find(struct lotk_plugins *p, const char *name, enum lotk_plugin_kind want,
                      const struct lotk_plugin **out, struct lotk_err *err)
{
    const struct lotk_plugin *pl;
    int rc = get(p, name, true, &pl, err);
    if (rc)
        return rc;
    if (pl->kind != want)
        return lotk_err_set(err, LOTK_ESTANDARD, pl->path, 0, 0,
                            "plugin '%s' is of kind %s, not a %s plugin", pl->name,
                            kind_names[pl->kind], kind_names[want]);
    *out = pl;
    return 0;
}

/* ---- lotk.require ----------------------------------------------------------------- */

/* Raises the error that stopped a library from loading. One that happened at a place (a
 * line in the library, or the require that closed a cycle) keeps that place; the others
 * (a missing plugin, a wrong kind, a bad field) are raised at the lotk.require call. */
static int raise_require_error(lua_State *L, const char *name, struct lotk_err *err)
{
    char *traceback = strstr(err->msg, "\nstack traceback:");
    if (traceback)
        *traceback = '\0'; /* the outer call adds its own, whole */
    if (err->file[0] && err->line > 0) {
        lua_pushfstring(L, "%s:%d: %s", err->file, (int)err->line, err->msg);
        return lua_error(L);
    }
    return luaL_error(L, "lotk.require('%s'): %s%s%s", name, err->file,
                      err->file[0] ? ": " : "", err->msg);
}

/* lotk.require(name) → the library's exports, read-only; the same table every time. */
static int l_require(lua_State *L)
{
    struct lotk_plugins *p = lua_touserdata(L, lua_upvalueindex(1));
    size_t len;
    const char *name = luaL_checklstring(L, 1, &len);
    if (len == 0 || strlen(name) != len || strchr(name, '/') ||
        (len > 4 && strcmp(name + len - 4, ".lua") == 0))
        return luaL_error(L, "lotk.require: expected a library's name, not '%s' (libraries "
                          "are found on the plugin search path, never by path)", name);
    const struct lotk_plugin *found;
    struct lotk_err err;
    lotk_err_clear(&err);
    if (lotk_plugins_find(p, name, LOTK_PLUGIN_LIBRARY, &found, &err) != 0)
        return raise_require_error(L, name, &err);
    struct lotk_plugin *pl = &p->list[found - p->list];
    if (pl->exports_ref == LUA_NOREF) {
        /* Frozen on first use, here inside the caller's protected call: the copy counts
         * against the memory cap and the budget like any work the plugin asks for. */
        lua_rawgeti(L, LUA_REGISTRYINDEX, pl->table_ref);
        raw_field(L, lua_gettop(L), "exports");
        lotk_lhost_push_frozen(L, -1);
        pl->exports_ref = luaL_ref(L, LUA_REGISTRYINDEX);
        lua_pop(L, 2);
    }
    if (p->calling_stateless && !pl->sealed) {
        /* Required inside a stateless call: its functions may keep no state either. */
        lua_rawgeti(L, LUA_REGISTRYINDEX, pl->table_ref);
        raw_field(L, lua_gettop(L), "exports");
        lotk_seal_value(L, &p->seal, -1);
        lua_pop(L, 2);
        pl->sealed = true;
    }
    lua_rawgeti(L, LUA_REGISTRYINDEX, pl->exports_ref);
    return 1;
}

/* ---- the plugins a standard names ------------------------------------------------- */

static void resolve_one(struct lotk_plugins *p, struct lotk_diags *diags, const char *name,
                        enum lotk_plugin_kind want, const char *where, struct lotk_loc loc,
                        const struct lotk_value *params, bool whole_rule)
{
    const struct lotk_plugin *pl;
    struct lotk_err err;
    lotk_err_clear(&err);
    const char *file = p->standard->path;
    if (lotk_plugins_get(p, name, &pl, &err) != 0) {
        if (err.file[0] && err.line)
            lotk_diags_add(diags, false, LOTK_ESTANDARD, err.file, err.line, err.column, "%s",
                           err.msg);
        else if (err.file[0])
            lotk_diags_add(diags, false, LOTK_ESTANDARD, file, loc.line, loc.column,
                           "%s: %s: %s", where, err.file, err.msg);
        else
            lotk_diags_add(diags, false, LOTK_ESTANDARD, file, loc.line, loc.column, "%s: %s",
                           where, err.msg);
        return;
    }
    if (pl->kind != want) {
        lotk_diags_add(diags, false, LOTK_ESTANDARD, file, loc.line, loc.column,
                       "%s: plugin '%s' is of kind %s, expected a %s plugin", where, pl->name,
                       kind_names[pl->kind], kind_names[want]);
        return;
    }
    if (params && pl->has_params) {
        char named[240];
        snprintf(named, sizeof named, "%s (plugin %s)", where, pl->name);
        struct lotk_value none = {.type = LOTK_VALUE_NULL, .loc = loc};
        lotk_params_check(pl, p->standard, params->type == LOTK_VALUE_NULL ? &none : params,
                          whole_rule, named, diags);
    }
}

int lotk_plugins_resolve_standard(struct lotk_plugins *p, struct lotk_diags *diags)
{
    const struct lotk_standard *s = p->standard;
    size_t before = diags->errors;
    char where[160];
    for (size_t i = 0; i < s->nnodes; i++) {
        if (s->nodes[i].aggregate != LOTK_AGG_PLUGIN)
            continue;
        snprintf(where, sizeof where, i ? "indicator '%s': aggregate" : "aggregate",
                 s->nodes[i].id);
        resolve_one(p, diags, s->nodes[i].aggregate_plugin, LOTK_PLUGIN_AGGREGATE, where,
                    i ? s->nodes[i].loc : s->aggregate_loc, &s->nodes[i].params, false);
    }
    if (s->respondent_plugin)
        resolve_one(p, diags, s->respondent_plugin, LOTK_PLUGIN_RESPONDENT, "respondent",
                    s->respondent_loc, NULL, false);
    for (size_t i = 0; i < s->nrules; i++) {
        snprintf(where, sizeof where, "rule %zu", i + 1);
        resolve_one(p, diags, s->rules[i].plugin, LOTK_PLUGIN_RULE, where, s->rules[i].loc,
                    &s->rules[i].params, true);
    }
    return diags->errors > before ? LOTK_ESTANDARD : 0;
}

/* ---- the registry ----------------------------------------------------------------- */

static int l_install_host_api(lua_State *L)
{
    struct lotk_plugins *p = lua_touserdata(L, 1);
    lotk_api_push(p);
    lua_pushlightuserdata(L, p);
    lua_pushcclosure(L, l_require, 1);
    lua_setfield(L, -2, "require");
    lotk_lhost_set_global(p->host, "lotk");
    return 0;
}

struct lotk_plugins *lotk_plugins_new(const struct lotk_lhost_limits *limits,
                                      const struct lotk_standard *standard,
                                      struct lotk_err *err)
{
    struct lotk_lhost *host = lotk_lhost_new(limits, err);
    if (!host)
        return NULL;
    struct lotk_plugins *p = lotk_xcalloc(1, sizeof *p);
    p->host = host;
    p->standard = standard;
    p->cap = 256;
    p->list = lotk_xcalloc(p->cap, sizeof *p->list);
    p->seal.ref = LUA_NOREF;
    build_search_path(p);
    if (lotk_lhost_protect(host, l_install_host_api, p, 0, 0, err) != 0) {
        lotk_plugins_free(p);
        return NULL;
    }
    return p;
}

void lotk_plugins_free(struct lotk_plugins *p)
{
    if (!p)
        return;
    for (size_t i = 0; i < p->count; i++) {
        free(p->list[i].name);
        free(p->list[i].version);
        free(p->list[i].description);
        free(p->list[i].path);
        lotk_params_free(&p->list[i]);
    }
    free(p->list);
    for (size_t i = 0; i < p->ndirs; i++)
        free(p->dirs[i]);
    free(p->dirs);
    for (size_t i = 0; i < p->nloading; i++) /* only when a Lua error unwound a load */
        free(p->loading[i]);
    lotk_api_free(&p->api);
    lotk_lhost_free(p->host);
    free(p);
}
