/* plugin.h — Lua plugins: discovery, metadata checks, the registry, the lotk.* host API,
 * and calling each kind (DESIGN §5, docs/plugin-api.md). The one header of the lua tier
 * that callers include; behind it:
 *   lhost.c     the sandboxed state: allocator cap, instruction budget, protected calls
 *   bounded.c   library functions that charge their C work to the budget
 *   seal.c      respondent and aggregate plugins kept stateless
 *   registry.c  the search path, finding, loading and checking plugin files, lotk.require
 *   api.c       the lotk.* host functions and lotk.standard
 *   marshal.c   C values and JSON trees into Lua, numbers back out
 *   call.c      one call per kind: aggregate, respondent, rule, report
 *   ptest.c     a plugin's own tests
 *
 * A plugin file returns one table: api = 1, name, version, kind, description, the
 * function named after its kind (a library: its exports table instead), and optionally
 * tests. Its file is named after it (name.lua). A standard names plugins by name, found on
 * the search path (plugins/ beside the standard, $LOTK_PLUGIN_PATH, the plugins beside the
 * lotk binary's tree, the installed plugins), or by a path ending in .lua, relative to the
 * standard. */
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
    LOTK_PLUGIN_LIBRARY, /* shared Lua helpers: an exports table, got by lotk.require */
};

/* What a plugin's `params = {NAME = {type =, required =, one_of =, fields =}}` declares
 * about the mapping a standard gives it (a rule's whole mapping, an aggregate's `params:`).
 * Types: any, string, number, boolean, table (with fields: its keys, checked in turn), list,
 * indicator (an indicator id of the standard), indicators (a list of them), grade (a
 * band's grade). one_of lists the strings allowed. Sorted by name. */
enum lotk_param_type {
    LOTK_PARAM_ANY,
    LOTK_PARAM_STRING,
    LOTK_PARAM_NUMBER,
    LOTK_PARAM_BOOLEAN,
    LOTK_PARAM_TABLE,
    LOTK_PARAM_LIST,
    LOTK_PARAM_INDICATOR,
    LOTK_PARAM_INDICATORS,
    LOTK_PARAM_GRADE,
};

struct lotk_param {
    char *name;
    enum lotk_param_type type;
    bool required;
    char **one_of;        /* none_of strings, or NULL: any */
    size_t none_of;
    bool has_fields;      /* a table whose keys are declared (others are errors) */
    struct lotk_param *fields;
    size_t nfields;
};

struct lotk_plugin {
    char *name, *version, *description, *path;
    bool has_params;           /* the plugin declares params: the standard is held to them */
    struct lotk_param *params; /* nparams, sorted by name */
    size_t nparams;
    enum lotk_plugin_kind kind;
    int table_ref;   /* the plugin's table in the Lua registry */
    int fn_ref;      /* its function (LUA_NOREF for a library) */
    int fn_line;     /* where that function is defined, for errors about what it returned */
    int exports_ref; /* a library's read-only exports, made on the first lotk.require */
    bool sealed;     /* stateless (seal.h): a respondent or aggregate, or a library they use */
};

struct lotk_plugins;

/* Creates an empty registry with its own sandboxed Lua state (limits may be NULL: the
 * defaults). standard may be NULL (for `lotk plugins`); when given, its directory's
 * plugins/ is searched first and lotk.standard shows it. Returns NULL with err filled when
 * Lua cannot start. */
struct lotk_plugins *lotk_plugins_new(const struct lotk_lhost_limits *limits,
                                      const struct lotk_standard *standard,
                                      struct lotk_err *err);

/* Finds (loading on first use) the plugin called name, or the file name when it ends in
 * .lua (relative to the standard's directory). Two different files for one name is an
 * error. Returns 0 and sets *out, LOTK_ESTANDARD for a missing or invalid plugin. */
int lotk_plugins_get(struct lotk_plugins *p, const char *name, const struct lotk_plugin **out,
                     struct lotk_err *err);

/* Finds a plugin of kind want by name for presenting results: a report plugin (`-f NAME`)
 * or a library (lotk.require). Like lotk_plugins_get, except that when several files on
 * the search path have the name the first one wins, so a user's html.lua beside the
 * standard replaces the shipped one (restyling is the point; two scoring plugins of one
 * name stay an error). Returns 0 and sets *out, or LOTK_ESTANDARD when the plugin is
 * missing, does not load, or is of another kind. */
int lotk_plugins_find(struct lotk_plugins *p, const char *name, enum lotk_plugin_kind want,
                      const struct lotk_plugin **out, struct lotk_err *err);

/* Loads the plugin file at path (for `lotk plugins test FILE`). */
int lotk_plugins_load_file(struct lotk_plugins *p, const char *path,
                           const struct lotk_plugin **out, struct lotk_err *err);

/* Checks v, the mapping a standard hands plugin pl (for a rule, the whole rule mapping:
 * whole_rule skips its `plugin:` key), against the parameters pl declares: unknown keys and
 * values outside one_of with a did-you-mean, missing required keys, wrong types (a quoted
 * number: "unquote it"), indicator ids and grades the standard does not have. Each problem
 * goes to diags at its line and column, named by where ("rule 1 (plugin veto)"). Nothing
 * when pl declares no params. */
void lotk_params_check(const struct lotk_plugin *pl, const struct lotk_standard *s,
                       const struct lotk_value *v, bool whole_rule, const char *where,
                       struct lotk_diags *diags);

/* Loads every plugin the standard names, checking each has the kind its place needs, and
 * the mappings given to plugins that declare params against them (lotk_params_check).
 * Every problem goes to diags with the standard's file:line:column. Returns 0 or
 * LOTK_ESTANDARD. */
int lotk_plugins_resolve_standard(struct lotk_plugins *p, struct lotk_diags *diags);

/* Calls fn for every *.lua file on the search path, in search order. */
void lotk_plugins_each_file(struct lotk_plugins *p, void (*fn)(const char *path, void *ctx),
                            void *ctx);

/* Runs the plugin's own tests table: each entry {args = {...}, expect = value, name = "..."}
 * calls the plugin's function with args and compares its first result (numbers to 1e-9,
 * tables deeply); a library's tests name the export they call, fn = "name". Prints a line
 * per failure to out. Calls run under the kind's budget (a report's or library's is the
 * report budget). */
int lotk_plugin_test(struct lotk_plugins *p, const struct lotk_plugin *pl, int *passed,
                     int *failed, FILE *out, struct lotk_err *err);

/* aggregate(children, node) → value in [0, 1]; children are the node's children with a
 * value: {id, norm, weight}. */
int lotk_plugin_aggregate(struct lotk_plugins *p, const struct lotk_plugin *pl,
                          const struct lotk_standard *s, int node, const double *norm,
                          double *out, struct lotk_err *err);

/* respondent(items, ctx, out) → leaf values. items[i] is the keyed value of the standard's
 * item i (nil when unanswered); ctx is read-only; out is an empty table the plugin may fill
 * and return. The result is an array with one entry per leaf in ctx.leaves order (nil = no
 * value). Writes leaf values into values[node]. Respondent and aggregate plugins are
 * stateless (seal.h): keeping state between calls is LOTK_EPLUGIN. */
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

/* One entry of the message table handed to report plugins (core/output/messages.def,
 * already in the chosen language). */
struct lotk_report_message {
    const char *key;
    const char *text;
};

/* What a report plugin is told besides the result: ctx = {format =, lang =,
 * messages = {key = text, ...}} in Lua. NULL strings are left out of the table. */
struct lotk_report_ctx {
    const char *format;                          /* "html", "md", ...: the -f asked for */
    const char *lang;                            /* "zh" or "en" */
    const struct lotk_report_message *messages;  /* nmessages entries; keys unique */
    size_t nmessages;
};

/* report(result, ctx) → text; result is the whole JSON result, ctx as above (NULL: an empty
 * table). Both are plain tables, built afresh for this call. Runs under the report budget
 * (struct lotk_lhost_limits.report_instructions). Appends the text to out; anything but a
 * string is LOTK_EPLUGIN naming the plugin's file and the line of its function. */
int lotk_plugin_report(struct lotk_plugins *p, const struct lotk_plugin *pl,
                       const struct json_t *result, const struct lotk_report_ctx *ctx,
                       struct lotk_buf *out, struct lotk_err *err);

const char *lotk_plugin_kind_name(enum lotk_plugin_kind kind);

void lotk_plugins_free(struct lotk_plugins *p);

#endif
