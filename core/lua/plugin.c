/* plugin.c — plugin registry and calls; see plugin.h. */
#include "lua/plugin.h"

#include <jansson.h>
#include <lauxlib.h>
#include <limits.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "base/dir.h"
#include "standard/rx.h"
#include "base/mem.h"
#include "base/buf.h"
#include "base/strmap.h"
#include "base/file.h"
#include "base/num.h"

enum { PLUGIN_MAX_BYTES = 1 << 20, RX_CACHE = 64 };

static const char *const kind_names[] = {
    [LOTK_PLUGIN_AGGREGATE] = "aggregate",
    [LOTK_PLUGIN_RESPONDENT] = "respondent",
    [LOTK_PLUGIN_RULE] = "rule",
    [LOTK_PLUGIN_REPORT] = "report",
};

struct lotk_plugins {
    struct lotk_lhost *host;
    const struct lotk_standard *standard;
    char **dirs;
    size_t ndirs;
    struct lotk_plugin *list; /* pointers to entries are handed out: never realloc'd */
    size_t count, cap;
    const char *current;      /* the plugin being called, for lotk.log */
    struct lotk_rx *rx[RX_CACHE];
    size_t nrx;
    struct lotk_strmap rx_index;
    int respondent_items_ref; /* reused per row: the item values table */
};

const char *lotk_plugin_kind_name(enum lotk_plugin_kind kind)
{
    return kind_names[kind];
}

/* ---- the lotk host table ---------------------------------------------------------- */

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
        if (i > 1)
            lotk_buf_putc(&b, ' ');
        lotk_buf_puts(&b, s);
    }
    fprintf(stderr, "lotk: plugin %s: %s\n", p->current ? p->current : "?",
            b.data ? b.data : "");
    lotk_buf_free(&b);
    return 0;
}

static struct lotk_rx *cached_rx(lua_State *L, struct lotk_plugins *p, const char *pattern,
                                 bool *owned)
{
    *owned = false;
    int i = lotk_strmap_get(&p->rx_index, pattern, strlen(pattern));
    if (i >= 0)
        return p->rx[i];
    struct lotk_rx *rx;
    struct lotk_err err;
    if (lotk_rx_compile(&rx, pattern, NULL, &err) != 0) {
        luaL_error(L, "lotk.match: %s", err.msg);
        return NULL;
    }
    if (p->nrx < RX_CACHE) {
        lotk_strmap_put(&p->rx_index, pattern, strlen(pattern), (int)p->nrx);
        p->rx[p->nrx++] = rx;
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

static void push_text(lua_State *L, const struct lotk_text *t)
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

static void push_value(lua_State *L, const struct lotk_value *v);

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
    push_text(L, &s->title);
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
        push_text(L, &n->title);
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

static void install_host_api(struct lotk_plugins *p)
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
    lotk_lhost_set_global(p->host, "lotk");
    lua_newtable(L);
    p->respondent_items_ref = luaL_ref(L, LUA_REGISTRYINDEX);
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

/* ---- loading ---------------------------------------------------------------------- */

static int field_error(struct lotk_err *err, const char *path, const char *fmt, const char *a,
                       const char *b)
{
    lotk_err_set(err, LOTK_ESTANDARD, path, 0, 0, fmt, a, b);
    return LOTK_ESTANDARD;
}

/* Checks the returned table (on top of the stack) field by field. */
static int check_fields(lua_State *L, const char *path, struct lotk_plugin *pl,
                        struct lotk_err *err)
{
    static const char *const required[] = {"api", "name", "version", "kind", "description",
                                           NULL};
    int t = lua_gettop(L);
    for (int i = 0; required[i]; i++) {
        int type = lua_getfield(L, t, required[i]);
        lua_pop(L, 1);
        if (type == LUA_TNIL)
            return field_error(err, path, "plugin table: missing required field '%s'%s",
                               required[i], "");
    }
    lua_pushnil(L);
    while (lua_next(L, t)) {
        if (lua_type(L, -2) != LUA_TSTRING) {
            lua_pop(L, 2);
            return field_error(err, path, "plugin table: every field needs a name%s%s", "", "");
        }
        const char *key = lua_tostring(L, -2);
        int type = lua_type(L, -1);
        const char *want = NULL;
        if (strcmp(key, "api") == 0) {
            if (!lua_isinteger(L, -1) || lua_tointeger(L, -1) != 1) {
                lua_pop(L, 2);
                return field_error(err, path, "plugin field 'api': expected 1 (this lotk "
                                   "speaks plugin API 1)%s%s", "", "");
            }
        } else if (strcmp(key, "name") == 0 || strcmp(key, "version") == 0 ||
                   strcmp(key, "kind") == 0 || strcmp(key, "description") == 0) {
            want = type == LUA_TSTRING ? NULL : "a string";
        } else if (strcmp(key, "tests") == 0) {
            want = type == LUA_TTABLE ? NULL : "a table";
        } else {
            bool is_kind_fn = false;
            for (size_t k = 0; k < sizeof kind_names / sizeof *kind_names; k++)
                is_kind_fn |= strcmp(key, kind_names[k]) == 0;
            if (!is_kind_fn) {
                char name[128];
                snprintf(name, sizeof name, "%s", key);
                lua_pop(L, 2);
                return field_error(err, path, "plugin table: unknown field '%s'%s", name, "");
            }
            want = type == LUA_TFUNCTION ? NULL : "a function";
        }
        if (want) {
            char name[128];
            snprintf(name, sizeof name, "%s", key);
            lua_pop(L, 2);
            return field_error(err, path, "plugin field '%s': expected %s", name, want);
        }
        lua_pop(L, 1);
    }
    lua_getfield(L, t, "kind");
    const char *kind = lua_tostring(L, -1);
    int k = -1;
    for (size_t i = 0; i < sizeof kind_names / sizeof *kind_names; i++)
        if (strcmp(kind, kind_names[i]) == 0)
            k = (int)i;
    if (k < 0) {
        char given[64];
        snprintf(given, sizeof given, "%s", kind);
        lua_pop(L, 1);
        return field_error(err, path, "plugin field 'kind': expected aggregate, respondent, "
                           "rule or report, found '%s'%s", given, "");
    }
    lua_pop(L, 1);
    pl->kind = (enum lotk_plugin_kind)k;
    if (lua_getfield(L, t, kind_names[k]) != LUA_TFUNCTION) {
        lua_pop(L, 1);
        return field_error(err, path, "plugin of kind %s: missing the function '%s'",
                           kind_names[k], kind_names[k]);
    }
    lua_Debug info;
    lua_pushvalue(L, -1);
    pl->fn_line = lua_getinfo(L, ">S", &info) ? info.linedefined : 0;
    pl->fn_ref = luaL_ref(L, LUA_REGISTRYINDEX);
    lua_getfield(L, t, "name");
    pl->name = lotk_xstrdup(lua_tostring(L, -1));
    lua_getfield(L, t, "version");
    pl->version = lotk_xstrdup(lua_tostring(L, -1));
    lua_getfield(L, t, "description");
    pl->description = lotk_xstrdup(lua_tostring(L, -1));
    lua_pop(L, 3);
    /* The file is named after the plugin, so a name finds its file without loading all. */
    const char *base = strrchr(path, '/') ? strrchr(path, '/') + 1 : path;
    size_t stem = strlen(base) - (strlen(base) > 4 ? 4 : 0);
    if (strlen(pl->name) != stem || strncmp(base, pl->name, stem) != 0)
        return field_error(err, path, "plugin field 'name': '%s' does not match the file "
                           "name; call the file %s.lua", pl->name, pl->name);
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
    char *source = NULL;
    size_t len;
    struct lotk_err io;
    if (lotk_file_read(path, PLUGIN_MAX_BYTES, &source, &len, &io) != 0)
        return lotk_err_set(err, LOTK_ESTANDARD, path, 0, 0, "plugin: %s", io.msg);
    lua_State *L = lotk_lhost_state(p->host);
    int rc = lotk_lhost_load(p->host, path, source, len, err);
    free(source);
    if (rc)
        return rc;
    p->current = path;
    rc = lotk_lhost_call(p->host, path, 0, 1, err);
    p->current = NULL;
    if (rc) {
        err->code = LOTK_ESTANDARD; /* a plugin that cannot load is an invalid plugin */
        if (!err->file[0])
            snprintf(err->file, sizeof err->file, "%s", path);
        lotk_err_set_plugin(err, NULL);
        return LOTK_ESTANDARD;
    }
    if (lua_type(L, -1) != LUA_TTABLE) {
        lotk_err_set(err, LOTK_ESTANDARD, path, 0, 0,
                     "a plugin must return a table, this one returned %s", luaL_typename(L, -1));
        lua_pop(L, 1);
        return LOTK_ESTANDARD;
    }
    if (p->count == p->cap) {
        /* Entries are handed out by pointer: grow into a new block only when none are out
         * yet; otherwise refuse (a standard uses a handful of plugins). */
        if (p->count) {
            lua_pop(L, 1);
            return lotk_err_set(err, LOTK_ESTANDARD, path, 0, 0,
                                "too many plugins loaded at once (%zu)", p->cap);
        }
    }
    struct lotk_plugin *pl = &p->list[p->count];
    memset(pl, 0, sizeof *pl);
    pl->fn_ref = pl->table_ref = LUA_NOREF;
    if ((rc = check_fields(L, path, pl, err)) != 0) {
        lua_pop(L, 1);
        free(pl->name);
        free(pl->version);
        free(pl->description);
        luaL_unref(L, LUA_REGISTRYINDEX, pl->fn_ref);
        return rc;
    }
    pl->table_ref = luaL_ref(L, LUA_REGISTRYINDEX);
    pl->path = lotk_xstrdup(key);
    p->count++;
    *out = pl;
    return 0;
}

static bool file_exists(const char *path)
{
    return access(path, R_OK) == 0;
}

int lotk_plugins_get(struct lotk_plugins *p, const char *name, const struct lotk_plugin **out,
                     struct lotk_err *err)
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
    char *found = NULL;
    char first_real[PATH_MAX] = "";
    for (size_t d = 0; d < p->ndirs; d++) {
        char *path = lotk_xasprintf("%s/%s.lua", p->dirs[d], name);
        char real[PATH_MAX];
        if (!file_exists(path) || !realpath(path, real)) {
            free(path);
            continue;
        }
        if (!found) {
            found = path;
            snprintf(first_real, sizeof first_real, "%s", real);
        } else if (strcmp(real, first_real) != 0) {
            lotk_err_set(err, LOTK_ESTANDARD, NULL, 0, 0,
                         "two plugins named '%s': %s and %s; name the file in the standard "
                         "(for example %s.lua with a path) to choose one",
                         name, found, path, name);
            free(path);
            free(found);
            return LOTK_ESTANDARD;
        } else {
            free(path);
        }
    }
    if (!found) {
        struct lotk_buf dirs = {0};
        for (size_t d = 0; d < p->ndirs; d++)
            lotk_buf_printf(&dirs, "%s%s", d ? ", " : "", p->dirs[d]);
        lotk_err_set(err, LOTK_ESTANDARD, NULL, 0, 0, "no plugin named '%s' (looked for %s.lua "
                     "in %s)", name, name, dirs.data ? dirs.data : "nowhere");
        lotk_buf_free(&dirs);
        return LOTK_ESTANDARD;
    }
    int rc = lotk_plugins_load_file(p, found, out, err);
    free(found);
    return rc;
}

static void resolve_one(struct lotk_plugins *p, struct lotk_diags *diags, const char *name,
                        enum lotk_plugin_kind want, const char *where, struct lotk_loc loc)
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
    if (pl->kind != want)
        lotk_diags_add(diags, false, LOTK_ESTANDARD, file, loc.line, loc.column,
                       "%s: plugin '%s' is of kind %s, expected a %s plugin", where, pl->name,
                       kind_names[pl->kind], kind_names[want]);
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
                    i ? s->nodes[i].loc : s->aggregate_loc);
    }
    if (s->respondent_plugin)
        resolve_one(p, diags, s->respondent_plugin, LOTK_PLUGIN_RESPONDENT, "respondent",
                    s->respondent_loc);
    for (size_t i = 0; i < s->nrules; i++) {
        snprintf(where, sizeof where, "rule %zu", i + 1);
        resolve_one(p, diags, s->rules[i].plugin, LOTK_PLUGIN_RULE, where, s->rules[i].loc);
    }
    return diags->errors > before ? LOTK_ESTANDARD : 0;
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
    build_search_path(p);
    install_host_api(p);
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
    }
    free(p->list);
    for (size_t i = 0; i < p->ndirs; i++)
        free(p->dirs[i]);
    free(p->dirs);
    for (size_t i = 0; i < p->nrx; i++)
        lotk_rx_free(p->rx[i]);
    lotk_strmap_free(&p->rx_index);
    lotk_lhost_free(p->host);
    free(p);
}

/* ---- values in and out ------------------------------------------------------------ */

static void push_value(lua_State *L, const struct lotk_value *v)
{
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
            push_value(L, &v->items[i]);
            lua_rawseti(L, -2, (lua_Integer)i + 1);
        }
        break;
    case LOTK_VALUE_MAP:
        lua_createtable(L, 0, (int)v->count);
        for (size_t i = 0; i < v->count; i++) {
            push_value(L, &v->items[i]);
            lua_setfield(L, -2, v->keys[i]);
        }
        break;
    }
}

static void push_json(lua_State *L, const json_t *j)
{
    switch (json_typeof(j)) {
    case JSON_OBJECT: {
        const char *key;
        json_t *v;
        lua_createtable(L, 0, (int)json_object_size(j));
        json_object_foreach((json_t *)j, key, v) {
            push_json(L, v);
            lua_setfield(L, -2, key);
        }
        break;
    }
    case JSON_ARRAY: {
        size_t i;
        json_t *v;
        lua_createtable(L, (int)json_array_size(j), 0);
        json_array_foreach(j, i, v) {
            push_json(L, v);
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

/* A plugin's number must be a real, finite number: NaN or infinity is never a score. */
static int result_number(lua_State *L, int idx, const struct lotk_plugin *pl, const char *what,
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

static void push_function(lua_State *L, const struct lotk_plugin *pl)
{
    lua_rawgeti(L, LUA_REGISTRYINDEX, pl->fn_ref);
}

static int call(struct lotk_plugins *p, const struct lotk_plugin *pl, int nargs, int nresults,
                struct lotk_err *err)
{
    p->current = pl->name;
    int rc = lotk_lhost_call(p->host, pl->name, nargs, nresults, err);
    p->current = NULL;
    return rc;
}

int lotk_plugin_aggregate(struct lotk_plugins *p, const struct lotk_plugin *pl,
                          const struct lotk_standard *s, int node, const double *norm,
                          double *out, struct lotk_err *err)
{
    lua_State *L = lotk_lhost_state(p->host);
    const struct lotk_node *n = &s->nodes[node];
    push_function(L, pl);
    lua_createtable(L, (int)n->nchildren, 0);
    int k = 0;
    for (size_t c = 0; c < n->nchildren; c++) {
        int child = n->children[c];
        if (norm[child] != norm[child])
            continue;
        lua_createtable(L, 0, 3);
        lua_pushstring(L, s->nodes[child].id);
        lua_setfield(L, -2, "id");
        lua_pushnumber(L, norm[child]);
        lua_setfield(L, -2, "norm");
        lua_pushnumber(L, s->nodes[child].weight);
        lua_setfield(L, -2, "weight");
        lua_rawseti(L, -2, ++k);
    }
    lua_createtable(L, 0, 2);
    lua_pushstring(L, n->id);
    lua_setfield(L, -2, "id");
    if (n->params.type == LOTK_VALUE_MAP)
        push_value(L, &n->params);
    else
        lua_newtable(L);
    lua_setfield(L, -2, "params");
    int rc = call(p, pl, 2, 1, err);
    if (rc)
        return rc;
    rc = result_number(L, -1, pl, "aggregate", out, err);
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

int lotk_plugin_respondent(struct lotk_plugins *p, const struct lotk_plugin *pl,
                           const struct lotk_standard *s, const double *keyed, double *values,
                           struct lotk_err *err)
{
    lua_State *L = lotk_lhost_state(p->host);
    push_function(L, pl);
    /* One items table, rewritten per row: a million rows must not mean a million tables. */
    lua_rawgeti(L, LUA_REGISTRYINDEX, p->respondent_items_ref);
    for (size_t i = 0; i < s->nitems; i++) {
        if (keyed[i] == keyed[i])
            lua_pushnumber(L, keyed[i]);
        else
            lua_pushnil(L);
        lua_rawseti(L, -2, (lua_Integer)i + 1);
    }
    /* The context is built once and handed over as a plain table: a read-only proxy would
     * cost a metamethod on every item lookup of every row, and the table is only ever
     * seen by this one plugin, so changing it can only confuse the plugin itself. */
    static char context_key;
    if (lua_rawgetp(L, LUA_REGISTRYINDEX, &context_key) == LUA_TNIL) {
        lua_pop(L, 1);
        push_respondent_context(L, s);
        lua_pushvalue(L, -1);
        lua_rawsetp(L, LUA_REGISTRYINDEX, &context_key);
    }
    int rc = call(p, pl, 2, 1, err);
    if (rc)
        return rc;
    if (lua_type(L, -1) != LUA_TTABLE) {
        lotk_err_set(err, LOTK_EPLUGIN, pl->path, pl->fn_line, 0,
                     "respondent returned %s where a list of leaf values belongs",
                     luaL_typename(L, -1));
        lotk_err_set_plugin(err, pl->name);
        lua_pop(L, 1);
        return LOTK_EPLUGIN;
    }
    lua_Integer k = 0;
    for (size_t i = 0; i < s->nnodes && rc == 0; i++) {
        if (s->nodes[i].nitems == 0)
            continue;
        if (lua_rawgeti(L, -1, ++k) == LUA_TNIL) {
            values[i] = NAN;
        } else if ((rc = result_number(L, -1, pl, "respondent", &values[i], err)) == 0) {
            const struct lotk_scale *sc = &s->scales[s->nodes[i].scale];
            if (values[i] < sc->min || values[i] > sc->max) {
                lotk_err_set(err, LOTK_EPLUGIN, pl->path, pl->fn_line, 0,
                             "respondent returned %g for %s, outside its scale [%g, %g]",
                             values[i], s->nodes[i].id, sc->min, sc->max);
                lotk_err_set_plugin(err, pl->name);
                rc = LOTK_EPLUGIN;
            }
        }
        lua_pop(L, 1);
    }
    lua_pop(L, 1);
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

static int rule_string(lua_State *L, const char *field, char **out)
{
    int t = lua_getfield(L, -1, field);
    if (t == LUA_TSTRING)
        *out = lotk_xstrdup(lua_tostring(L, -1));
    lua_pop(L, 1);
    return t == LUA_TNIL || t == LUA_TSTRING ? 0 : -1;
}

int lotk_plugin_rule(struct lotk_plugins *p, const struct lotk_plugin *pl,
                     const struct lotk_rule *rule, const struct json_t *result,
                     struct lotk_rule_effect *out, struct lotk_err *err)
{
    lua_State *L = lotk_lhost_state(p->host);
    memset(out, 0, sizeof *out);
    push_function(L, pl);
    push_json(L, result);
    push_value(L, &rule->params);
    int rc = call(p, pl, 2, 1, err);
    if (rc)
        return rc;
    if (lua_type(L, -1) == LUA_TNIL || (lua_type(L, -1) == LUA_TBOOLEAN && !lua_toboolean(L, -1))) {
        lua_pop(L, 1);
        return 0;
    }
    if (lua_type(L, -1) != LUA_TTABLE) {
        rc = rule_error(err, pl, "something other than nil or a table {grade, max_grade, "
                                 "points, reason}");
        goto done;
    }
    lua_pushnil(L);
    while (lua_next(L, -2)) {
        const char *k = lua_type(L, -2) == LUA_TSTRING ? lua_tostring(L, -2) : "";
        if (strcmp(k, "grade") && strcmp(k, "max_grade") && strcmp(k, "points") &&
            strcmp(k, "reason")) {
            lua_pop(L, 2);
            rc = rule_error(err, pl, "an unknown field; expected grade, max_grade, points "
                                     "and reason");
            goto done;
        }
        lua_pop(L, 1);
    }
    if (rule_string(L, "grade", &out->grade) || rule_string(L, "max_grade", &out->max_grade) ||
        rule_string(L, "reason", &out->reason)) {
        rc = rule_error(err, pl, "a grade, max_grade or reason that is not a string");
        goto done;
    }
    if (!out->reason || !out->reason[0]) {
        rc = rule_error(err, pl, "an adjustment without a reason; every adjustment needs one");
        goto done;
    }
    if (lua_getfield(L, -1, "points") != LUA_TNIL)
        rc = result_number(L, -1, pl, "rule points", &out->points, err);
    lua_pop(L, 1);
    out->applied = rc == 0;
done:
    lua_pop(L, 1);
    if (rc)
        lotk_rule_effect_clear(out);
    return rc;
}

int lotk_plugin_report(struct lotk_plugins *p, const struct lotk_plugin *pl,
                       const struct json_t *result, struct lotk_buf *out, struct lotk_err *err)
{
    lua_State *L = lotk_lhost_state(p->host);
    push_function(L, pl);
    push_json(L, result);
    int rc = call(p, pl, 1, 1, err);
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

/* ---- a plugin's own tests --------------------------------------------------------- */

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

int lotk_plugin_test(struct lotk_plugins *p, const struct lotk_plugin *pl, int *passed,
                     int *failed, FILE *out, struct lotk_err *err)
{
    lua_State *L = lotk_lhost_state(p->host);
    *passed = *failed = 0;
    lua_rawgeti(L, LUA_REGISTRYINDEX, pl->table_ref);
    if (lua_getfield(L, -1, "tests") != LUA_TTABLE) {
        lua_pop(L, 2);
        return 0;
    }
    int tests = lua_gettop(L);
    lua_Integer n = (lua_Integer)lua_rawlen(L, tests);
    for (lua_Integer i = 1; i <= n; i++) {
        char name[160];
        lua_rawgeti(L, tests, i);
        int t = lua_gettop(L);
        if (lua_getfield(L, t, "name") == LUA_TSTRING)
            snprintf(name, sizeof name, "%s", lua_tostring(L, -1));
        else
            snprintf(name, sizeof name, "test %d", (int)i);
        lua_pop(L, 1);
        if (lua_type(L, t) != LUA_TTABLE || lua_getfield(L, t, "args") != LUA_TTABLE) {
            if (lua_type(L, t) == LUA_TTABLE)
                lua_pop(L, 1);
            fprintf(out, "FAIL %s: %s: a test needs args = {...} and expect\n", pl->name, name);
            (*failed)++;
            lua_settop(L, t - 1);
            continue;
        }
        int args = lua_gettop(L);
        push_function(L, pl);
        int nargs = (int)lua_rawlen(L, args);
        for (int a = 1; a <= nargs; a++)
            lua_rawgeti(L, args, a);
        struct lotk_err call_err;
        lotk_err_clear(&call_err);
        if (call(p, pl, nargs, 1, &call_err) != 0) {
            fprintf(out, "FAIL %s: %s: %s\n", pl->name, name, call_err.msg);
            (*failed)++;
            lua_settop(L, t - 1);
            continue;
        }
        lua_getfield(L, t, "expect");
        if (same(L, -2, -1, 0)) {
            (*passed)++;
        } else {
            char got[64], want[64];
            describe(L, -2, got, sizeof got);
            describe(L, -1, want, sizeof want);
            fprintf(out, "FAIL %s: %s: expected %s, got %s\n", pl->name, name, want, got);
            (*failed)++;
        }
        lua_settop(L, t - 1);
    }
    lua_pop(L, 2);
    (void)err;
    return 0;
}
