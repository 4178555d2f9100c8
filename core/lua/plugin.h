/* plugin.h — Lua plugins: discovery, metadata checks, the registry, the lotk.* host API,
 * and calling each kind (DESIGN §5, docs/plugin-api.md).
 *
 * A plugin file returns one table: api = 1, name, version, kind, description, the
 * function named after its kind, and optionally tests. Its file is named after it
 * (name.lua). A standard names plugins by name, found on the search path (plugins/ beside
 * the standard, $LOTK_PLUGIN_PATH, the plugins beside the lotk binary's tree, the
 * installed plugins), or by a path ending in .lua, relative to the standard. */
#ifndef LOTK_PLUGIN_H
#define LOTK_PLUGIN_H

#include <stdbool.h>
#include <stdio.h>

#include "base/err.h"
#include "lua/lhost.h"
#include "standard/standard.h"
#include "base/buf.h"

enum lotk_plugin_kind {
    LOTK_PLUGIN_AGGREGATE,
    LOTK_PLUGIN_RESPONDENT,
    LOTK_PLUGIN_RULE,
    LOTK_PLUGIN_REPORT,
};

struct lotk_plugin {
    char *name, *version, *description, *path;
    enum lotk_plugin_kind kind;
    int table_ref; /* the plugin's table in the Lua registry */
    int fn_ref;    /* its function */
    int fn_line;   /* where that function is defined, for errors about what it returned */
};

struct lotk_plugins;

/* Creates an empty registry with its own sandboxed Lua state. standard may be NULL (for
 * `lotk plugins`); when given, its directory's plugins/ is searched first and lotk.standard
 * shows it. Returns NULL with err filled when Lua cannot start. */
struct lotk_plugins *lotk_plugins_new(const struct lotk_lhost_limits *limits,
                                      const struct lotk_standard *standard,
                                      struct lotk_err *err);

/* Finds (loading on first use) the plugin called name, or the file name when it ends in
 * .lua (relative to the standard's directory). Two different files for one name is an
 * error. Returns 0 and sets *out, LOTK_ESTANDARD for a missing or invalid plugin. */
int lotk_plugins_get(struct lotk_plugins *p, const char *name, const struct lotk_plugin **out,
                     struct lotk_err *err);

/* Loads the plugin file at path (for `lotk plugins test FILE`). */
int lotk_plugins_load_file(struct lotk_plugins *p, const char *path,
                           const struct lotk_plugin **out, struct lotk_err *err);

/* Loads every plugin the standard names, checking each has the kind its place needs.
 * Every problem goes to diags with the standard's file:line:column. Returns 0 or
 * LOTK_ESTANDARD. */
int lotk_plugins_resolve_standard(struct lotk_plugins *p, struct lotk_diags *diags);

/* Calls fn for every *.lua file on the search path, in search order. */
void lotk_plugins_each_file(struct lotk_plugins *p, void (*fn)(const char *path, void *ctx),
                            void *ctx);

/* Runs the plugin's own tests table: each entry {args = {...}, expect = value, name = "..."}
 * calls the plugin's function with args and compares its first result (numbers to 1e-9,
 * tables deeply). Prints a line per failure to out. */
int lotk_plugin_test(struct lotk_plugins *p, const struct lotk_plugin *pl, int *passed,
                     int *failed, FILE *out, struct lotk_err *err);

/* aggregate(children, node) → value in [0, 1]; children are the node's children with a
 * value: {id, norm, weight}. */
int lotk_plugin_aggregate(struct lotk_plugins *p, const struct lotk_plugin *pl,
                          const struct lotk_standard *s, int node, const double *norm,
                          double *out, struct lotk_err *err);

/* respondent(items, ctx) → leaf values. items[i] is the keyed value of the standard's
 * item i (nil when unanswered); the result is an array with one entry per leaf in
 * ctx.leaves order (nil = no value). Writes leaf values into values[node]. */
int lotk_plugin_respondent(struct lotk_plugins *p, const struct lotk_plugin *pl,
                           const struct lotk_standard *s, const double *keyed, double *values,
                           struct lotk_err *err);

/* What a rule did to one organization. */
struct lotk_rule_effect {
    bool applied;
    char *grade;      /* forced grade, or NULL */
    char *max_grade;  /* grade ceiling, or NULL */
    double points;    /* added to the total (may be negative); 0 when none */
    char *reason;     /* required when applied */
};
void lotk_rule_effect_clear(struct lotk_rule_effect *e);

/* rule(result, params) → nil (nothing to do) or {grade=, max_grade=, points=, reason=}.
 * result_json is the organization's result as lotk's JSON would show it. */
struct json_t;
int lotk_plugin_rule(struct lotk_plugins *p, const struct lotk_plugin *pl,
                     const struct lotk_rule *rule, const struct json_t *result,
                     struct lotk_rule_effect *out, struct lotk_err *err);

/* report(result) → text; result is the whole JSON result. Appends the text to out. */
int lotk_plugin_report(struct lotk_plugins *p, const struct lotk_plugin *pl,
                       const struct json_t *result, struct lotk_buf *out, struct lotk_err *err);

const char *lotk_plugin_kind_name(enum lotk_plugin_kind kind);

void lotk_plugins_free(struct lotk_plugins *p);

#endif
