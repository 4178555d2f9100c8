/* load_internal.h — what the files of the standard loader share and callers of standard.h
 * never see: the state of one load, the YAML toolbox (yaml.c), and the entry point of each
 * part of a standard (scales.c, colspec.c, rubrics.c, indicators.c, sections.c). Included
 * only by core/standard/ files.
 *
 * Every loader function reports what it finds wrong to ld->diags, at the position of the
 * offending YAML node, and carries on, so that one `lotk check` lists every problem. */
#ifndef LOTK_STANDARD_LOAD_INTERNAL_H
#define LOTK_STANDARD_LOAD_INTERNAL_H

#include <stdbool.h>
#include <stddef.h>
#include <yaml.h>

#include "base/diag.h"
#include "base/strmap.h"
#include "base/value.h"
#include "standard/standard.h"

/* A standard file is read whole up to this size; walking stops, with an error, after this
 * many node visits (a node an alias repeats counts each time: a billion laughs stops here).
 * Indicators and plugin parameters nest at most STANDARD_MAX_DEPTH levels: an alias inside
 * its own anchor (`&a [*a]`) is a cycle, which the visits would stop only far deeper than
 * the stack goes (and the sandbox freezes parameters 64 levels deep at most). Numbers lie
 * within ±STANDARD_MAX_NUMBER, where doubles still hold every integer and sums of a few
 * thousand of them cannot overflow. */
enum { STANDARD_MAX_BYTES = 4 << 20, STANDARD_MAX_VISITS = 200000, STANDARD_MAX_DEPTH = 64 };
#define STANDARD_MAX_NUMBER 1e15

/* One load in progress. */
struct lotk_loader {
    const char *file;
    yaml_document_t doc;
    struct lotk_diags *diags;
    struct lotk_standard *s;
    struct lotk_strmap node_ids, item_ids, scale_ids;
    size_t visits;
    bool too_large; /* STANDARD_MAX_VISITS was passed and reported */
    int value_depth; /* of the lotk_yaml_value copy under way */
    bool too_deep;   /* STANDARD_MAX_DEPTH was passed and reported */
    size_t cap_nodes, cap_items, cap_scales;
    /* Normalised spellings of a scale's labels, waiting to join its map (scales.c). */
    struct lotk_pending_label {
        char *label;
        int value;
    } *pending;
    size_t npending, cap_pending;
};

/* Errors and warnings at a node's position (libyaml's marks are 0-based). */
#define problem(ld, node, ...)                                                               \
    lotk_diags_add((ld)->diags, false, LOTK_ESTANDARD, (ld)->file,                           \
                   (long)(node)->start_mark.line + 1, (long)(node)->start_mark.column + 1,   \
                   __VA_ARGS__)
#define warning(ld, node, ...)                                                               \
    lotk_diags_add((ld)->diags, true, 0, (ld)->file, (long)(node)->start_mark.line + 1,      \
                   (long)(node)->start_mark.column + 1, __VA_ARGS__)

static inline struct lotk_loc loc_of(const yaml_node_t *n)
{
    return (struct lotk_loc){(long)n->start_mark.line + 1, (long)n->start_mark.column + 1};
}

/* The node at index, counted against STANDARD_MAX_VISITS. */
static inline yaml_node_t *node_at(struct lotk_loader *ld, int index)
{
    ld->visits++;
    return yaml_document_get_node(&ld->doc, index);
}

static inline const char *scalar(const yaml_node_t *n)
{
    return (const char *)n->data.scalar.value;
}

static inline bool is_plain(const yaml_node_t *n)
{
    return n->type == YAML_SCALAR_NODE && n->data.scalar.style == YAML_PLAIN_SCALAR_STYLE;
}

/* ---- yaml.c: the loader's toolbox ---------------------------------------------------- */

/* Parses len bytes of data into *doc, which the caller then frees with
 * yaml_document_delete. Returns 0 on success (an empty file is a document without a root
 * node). Otherwise returns LOTK_ESTANDARD (a syntax error) or LOTK_EIO (the parser could
 * not start) with nothing to free, and reports the problem to diags, at its position in
 * path, unless diags is NULL. */
int lotk_yaml_parse(const char *path, const char *data, size_t len, yaml_document_t *doc,
                    struct lotk_diags *diags);

/* "a scalar", "a list", "a mapping" or "nothing", for messages. */
const char *lotk_yaml_type_name(const yaml_node_t *n);

/* Typed getters. Each reads n as the type it names, or reports "WHAT: expected …" at n
 * and fails. lotk_yaml_string takes any scalar and returns a new copy the caller frees,
 * or NULL; lotk_yaml_number takes a plain scalar that reads as a finite decimal;
 * lotk_yaml_bool takes YAML 1.1's true/yes and false/no spellings. */
char *lotk_yaml_string(struct lotk_loader *ld, const yaml_node_t *n, const char *what);
bool lotk_yaml_number(struct lotk_loader *ld, const yaml_node_t *n, const char *what,
                      double *out);
bool lotk_yaml_bool(struct lotk_loader *ld, const yaml_node_t *n, const char *what, bool *out);

/* True when n has this type; otherwise reports "WHAT: expected T, found U" and is false. */
bool lotk_yaml_expect(struct lotk_loader *ld, const yaml_node_t *n, yaml_node_type_t type,
                      const char *what);

/* Reports keys of map that are not strings or are repeated and, when allowed (a
 * NULL-terminated list) is given, keys not in it, suggesting the nearest allowed key when
 * it is close enough to be a typo. */
void lotk_yaml_check_keys(struct lotk_loader *ld, const yaml_node_t *map,
                          const char *const *allowed, const char *what);

/* The value of key in map, or NULL (also when map is not a mapping). lotk_yaml_require
 * reports "WHAT: missing required key" at map when there is none. */
yaml_node_t *lotk_yaml_get(struct lotk_loader *ld, const yaml_node_t *map, const char *key);
yaml_node_t *lotk_yaml_require(struct lotk_loader *ld, const yaml_node_t *map,
                               const char *key, const char *what);

/* Whether s is a non-empty id of lowercase letters, digits and '-' (and, when
 * allow_upper_and_dots, also uppercase letters, '.' and '_'). Reports nothing. */
bool lotk_yaml_valid_id(const char *s, bool allow_upper_and_dots);

/* Reads a text: {zh, en} or a plain string (Chinese when it has any non-ASCII character,
 * else English) into *t, whose strings the caller frees with lotk_yaml_text_free. */
void lotk_yaml_text(struct lotk_loader *ld, const yaml_node_t *n, struct lotk_text *t,
                    const char *what);
void lotk_yaml_text_free(struct lotk_text *t);

/* True when the walk has passed STANDARD_MAX_VISITS; reports it (once, at n) the first time. */
bool lotk_yaml_too_large(struct lotk_loader *ld, const yaml_node_t *n);

/* Copies the subtree at n into *v (cleared first; freed with lotk_value_clear) for plugins:
 * plain null, numbers and booleans are typed, every other scalar is a string. Stops
 * copying past STANDARD_MAX_VISITS, with the error of lotk_yaml_too_large, and below
 * STANDARD_MAX_DEPTH levels, with an error of its own (once). */
void lotk_yaml_value(struct lotk_loader *ld, const yaml_node_t *n, struct lotk_value *v);

/* ---- scales.c ------------------------------------------------------------------------ */

/* Reads the `scales:` mapping into s->scales. */
void lotk_scales_load(struct lotk_loader *ld, const yaml_node_t *n);

/* A `scale:` of an item or indicator: the name of a scale, or an inline {min, max, …}
 * added under the id "<owner>.scale". Returns the scale's index, or -1 after reporting. */
int lotk_scales_ref(struct lotk_loader *ld, const yaml_node_t *n, const char *owner);

/* Adds the scale [min, max] a rubric implies under the id "<owner>.scale" (reported at
 * `at`). Returns its index, or -1 after reporting that the id is taken. */
int lotk_scales_add(struct lotk_loader *ld, const char *owner, double min, double max,
                    const yaml_node_t *at);

/* ---- colspec.c ----------------------------------------------------------------------- */

/* Reads a column spec at v (a header, {match: pattern} or {question: N, row: R}) into
 * *col, which the caller frees with lotk_colspec_free; what names the owner in messages.
 * A pattern that does not compile is reported at the character where PCRE2 stopped. */
void lotk_colspec_load(struct lotk_loader *ld, const yaml_node_t *v, struct lotk_column *col,
                       const char *what);
void lotk_colspec_free(struct lotk_column *col);

/* Read the `survey:` block (organization, respondent id and duration columns,
 * min_respondents) and the `screening:` block into the standard. */
void lotk_colspec_survey(struct lotk_loader *ld, const yaml_node_t *n);
void lotk_colspec_screening(struct lotk_loader *ld, const yaml_node_t *n);

/* ---- rubrics.c ----------------------------------------------------------------------- */

/* Reads how the evidence indicator at nodes[index] (the mapping n) is rated: its rubric
 * (levels, fact or yes_no, which also fixes its scale) or bare scale, and the evidence a
 * rating must cite. Sets nodes[index].rubric. */
void lotk_rubrics_load_leaf(struct lotk_loader *ld, int index, const yaml_node_t *n,
                            const char *what);
/* NULL-safe. */
void lotk_rubrics_free(struct lotk_rubric *rb);

/* ---- indicators.c -------------------------------------------------------------------- */

/* Adds a node below parent (-1 for the root) with the defaults of an indicator; returns
 * its index. s->nodes may move: take pointers into it only after. */
int lotk_indicators_new_node(struct lotk_loader *ld, int parent, int depth);

/* Reads an `aggregate:`: a built-in name, or the name (or .lua path) of an aggregate
 * plugin, into *out and *plugin (replacing and owning the old name). False after
 * reporting. */
bool lotk_indicators_aggregate(struct lotk_loader *ld, const yaml_node_t *n,
                               enum lotk_aggregate *out, char **plugin);

/* Reads the list of indicators below parent, with their items and subtrees, at depth. */
void lotk_indicators_load(struct lotk_loader *ld, int parent, const yaml_node_t *list,
                          int depth);

/* Derives children lists and weight shares once the node array no longer moves. */
void lotk_indicators_link(struct lotk_standard *s);

/* ---- sections.c ---------------------------------------------------------------------- */

/* Read the top-level `bands:`, `rules:`, `agreement:`, `evidence:` and `crosswalk:`
 * sections into the standard. The crosswalk is read after the indicators, whose ids its
 * `to`s must name. */
/* units.c: a statistic or member leaf nodes[index] (its source already set) from the
 * indicator mapping n; the targets block; the checks that need the whole standard (a
 * target grade that is a band); freeing. */
void lotk_units_load_leaf(struct lotk_loader *ld, int index, const yaml_node_t *n,
                          const char *what);
void lotk_units_load_targets(struct lotk_loader *ld, const yaml_node_t *n);
void lotk_units_check(struct lotk_loader *ld);
void lotk_units_free(struct lotk_node *node);
void lotk_units_free_targets(struct lotk_targets *t);

void lotk_sections_bands(struct lotk_loader *ld, const yaml_node_t *n);
void lotk_sections_rules(struct lotk_loader *ld, const yaml_node_t *n);
void lotk_sections_agreement(struct lotk_loader *ld, const yaml_node_t *n);
void lotk_sections_evidence(struct lotk_loader *ld, const yaml_node_t *n);
void lotk_sections_crosswalk(struct lotk_loader *ld, const yaml_node_t *n);

/* Fills the evidence sheet columns the standard left out, and warns when an `evidence:`
 * block has no evidence indicators to apply to. Called last, with the root mapping. */
void lotk_sections_evidence_defaults(struct lotk_loader *ld, const yaml_node_t *root);

#endif
