/* indicators.c — the tree of a standard: indicators and their subtrees, the items of
 * survey leaves (with multi-select options), aggregates and their plugin params, and the
 * weight shares derived once loading is done. Evidence leaves hand over to rubrics.c. */
#include "standard/load_internal.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/mem.h"

static const char *const aggregate_names[] = {
    [LOTK_AGG_WEIGHTED_MEAN] = "weighted_mean", [LOTK_AGG_MEAN] = "mean",
    [LOTK_AGG_MIN] = "min", [LOTK_AGG_MAX] = "max", [LOTK_AGG_GEOMEAN] = "geomean",
};

const char *lotk_aggregate_name(enum lotk_aggregate a)
{
    return aggregate_names[a];
}

/* A built-in aggregate, or the name (or .lua path) of an aggregate plugin; whether the
 * plugin exists is checked when plugins are loaded, not here. */
bool lotk_indicators_aggregate(struct lotk_loader *ld, const yaml_node_t *n,
                               enum lotk_aggregate *out, char **plugin)
{
    if (n->type == YAML_SCALAR_NODE) {
        for (size_t i = 0; i < sizeof aggregate_names / sizeof *aggregate_names; i++)
            if (strcmp(scalar(n), aggregate_names[i]) == 0)
                return *out = (enum lotk_aggregate)i, true;
        size_t len = strlen(scalar(n));
        if (lotk_yaml_valid_id(scalar(n), true) ||
            (len > 4 && strcmp(scalar(n) + len - 4, ".lua") == 0)) {
            *out = LOTK_AGG_PLUGIN;
            free(*plugin);
            *plugin = lotk_xstrdup(scalar(n));
            return true;
        }
    }
    problem(ld, n,
            "aggregate: expected weighted_mean, mean, min, max, geomean or a plugin name, "
            "found %s%s%s",
            n->type == YAML_SCALAR_NODE ? "'" : "",
            n->type == YAML_SCALAR_NODE ? scalar(n) : lotk_yaml_type_name(n),
            n->type == YAML_SCALAR_NODE ? "'" : "");
    return false;
}

static bool load_share(struct lotk_loader *ld, const yaml_node_t *n, const char *what,
                       double *out)
{
    if (!lotk_yaml_number(ld, n, what, out))
        return false;
    if (*out <= 0 || *out > 1) {
        problem(ld, n, "%s: expected a share in (0, 1], found %s", what, scalar(n));
        return false;
    }
    return true;
}

int lotk_indicators_new_node(struct lotk_loader *ld, int parent, int depth)
{
    struct lotk_standard *s = ld->s;
    lotk_grow(&s->nodes, &ld->cap_nodes, s->nnodes + 1, sizeof *s->nodes);
    struct lotk_node *node = &s->nodes[s->nnodes];
    memset(node, 0, sizeof *node);
    node->parent = parent;
    node->depth = depth;
    node->weight = 1;
    node->min_children = -1;
    node->scale = -1;
    return (int)s->nnodes++;
}

/* options: [{label, value}] of a multi item, in the order of its number-export columns. */
static void load_options(struct lotk_loader *ld, struct lotk_item *it, const yaml_node_t *n,
                         const char *what)
{
    static const char *const okeys[] = {"label", "value", NULL};
    yaml_node_t *v = lotk_yaml_get(ld, n, "options");
    if (it->type != LOTK_ITEM_MULTI) {
        if (v)
            problem(ld, v, "%s: options are for items of type: multi", what);
        return;
    }
    if (!v) {
        problem(ld, n, "%s: a multi item needs options: [{label, value}, ...]", what);
        return;
    }
    if (!lotk_yaml_expect(ld, v, YAML_SEQUENCE_NODE, "options"))
        return;
    size_t count = (size_t)(v->data.sequence.items.top - v->data.sequence.items.start);
    it->options = lotk_xcalloc(count ? count : 1, sizeof *it->options);
    for (yaml_node_item_t *i = v->data.sequence.items.start; i < v->data.sequence.items.top;
         i++) {
        yaml_node_t *o = node_at(ld, *i);
        if (!lotk_yaml_expect(ld, o, YAML_MAPPING_NODE, "option"))
            continue;
        lotk_yaml_check_keys(ld, o, okeys, "option");
        yaml_node_t *l = lotk_yaml_require(ld, o, "label", "option");
        yaml_node_t *val = lotk_yaml_require(ld, o, "value", "option");
        char *label = l ? lotk_yaml_string(ld, l, "label") : NULL;
        double x;
        if (!label || !val || !lotk_yaml_number(ld, val, "value", &x)) {
            free(label);
            continue;
        }
        for (size_t k = 0; k < it->noptions; k++)
            if (strcmp(it->options[k].label, label) == 0)
                problem(ld, l, "%s: option '%s' is listed twice", what, label);
        it->options[it->noptions].label = label;
        it->options[it->noptions++].value = x;
    }
    if (it->noptions == 0)
        problem(ld, v, "%s: a multi item needs at least one option", what);
    if (it->scale >= 0 && it->noptions > 0) {
        const struct lotk_scale *sc = &ld->s->scales[it->scale];
        double low = 0, high = 0;
        for (size_t k = 0; k < it->noptions; k++) {
            low += it->options[k].value < 0 ? it->options[k].value : 0;
            high += it->options[k].value > 0 ? it->options[k].value : 0;
        }
        if (low < sc->min || high > sc->max)
            problem(ld, v, "%s: its options add up to between %g and %g, beyond the scale %s "
                    "[%g, %g]", what, low, high, sc->id, sc->min, sc->max);
    }
}

static void load_item(struct lotk_loader *ld, int leaf, int leaf_scale, const yaml_node_t *n)
{
    static const char *const keys[] = {"id", "text", "column", "scale", "reverse", "type",
                                       "options", NULL};
    struct lotk_standard *s = ld->s;
    if (!lotk_yaml_expect(ld, n, YAML_MAPPING_NODE, "item"))
        return;
    yaml_node_t *idn = lotk_yaml_require(ld, n, "id", "item");
    char *id = idn ? lotk_yaml_string(ld, idn, "item id") : NULL;
    if (!id)
        return;
    char what[160];
    snprintf(what, sizeof what, "item '%s'", id);
    lotk_yaml_check_keys(ld, n, keys, what);
    if (!lotk_yaml_valid_id(id, true))
        problem(ld, idn, "%s: ids use letters, digits, '.', '_' and '-'", what);
    /* A duplicate is reported and then loaded all the same (under its first entry's id),
     * so that the rest of the item is checked too: lotk check reports every error. */
    if (lotk_strmap_get(&ld->item_ids, id, strlen(id)) >= 0)
        problem(ld, idn, "duplicate item id '%s'", id);
    lotk_grow(&s->items, &ld->cap_items, s->nitems + 1, sizeof *s->items);
    int index = (int)s->nitems++;
    struct lotk_item *it = &s->items[index];
    memset(it, 0, sizeof *it);
    it->id = id;
    it->leaf = leaf;
    it->scale = leaf_scale;
    it->loc = loc_of(n);
    lotk_strmap_put(&ld->item_ids, id, strlen(id), index);

    yaml_node_t *v;
    if ((v = lotk_yaml_get(ld, n, "text")))
        lotk_yaml_text(ld, v, &it->text, what);
    if ((v = lotk_yaml_get(ld, n, "reverse")))
        lotk_yaml_bool(ld, v, "reverse", &it->reverse);
    if ((v = lotk_yaml_get(ld, n, "scale")))
        it->scale = lotk_scales_ref(ld, v, id);
    else if (leaf_scale == -1)
        problem(ld, n, "%s: missing required key 'scale' (or give the indicator a scale)", what);
    v = lotk_yaml_get(ld, n, "column");
    struct lotk_column col = {0};
    if (!v) {
        col.name = lotk_xstrdup(id); /* the header is the item id unless said otherwise */
        col.loc = it->loc;
    } else {
        lotk_colspec_load(ld, v, &col, what);
    }
    it->column = col.name;
    it->match = col.match;
    it->question = col.question;
    it->row = col.row;
    it->column_loc = col.loc;
    if ((v = lotk_yaml_get(ld, n, "type"))) {
        if (v->type == YAML_SCALAR_NODE && strcmp(scalar(v), "multi") == 0)
            it->type = LOTK_ITEM_MULTI;
        else if (!(v->type == YAML_SCALAR_NODE && strcmp(scalar(v), "single") == 0))
            problem(ld, v, "%s: type: expected single or multi", what);
    }
    load_options(ld, it, n, what);
}

/* The settings of indicator nodes[index] (the mapping n) that leave its shape alone:
 * title, weight, aggregate and params, shares, scale and source, with the defaults an
 * inner indicator hands down to those below it. */
static void load_indicator_settings(struct lotk_loader *ld, int index, int parent,
                                    const yaml_node_t *n, const char *what)
{
    struct lotk_node *node = &ld->s->nodes[index];
    yaml_node_t *v;
    if ((v = lotk_yaml_get(ld, n, "title")))
        lotk_yaml_text(ld, v, &node->title, what);
    /* Why the indicator is there (the policy section, the source of a threshold): for
     * authors and reports, never used in scoring. */
    if ((v = lotk_yaml_get(ld, n, "rationale")))
        lotk_yaml_text(ld, v, &node->rationale, "rationale");
    if ((v = lotk_yaml_get(ld, n, "weight")) &&
        lotk_yaml_number(ld, v, "weight", &node->weight) && node->weight <= 0)
        problem(ld, v, "%s: weight must be greater than 0, found %s", what, scalar(v));
    if ((v = lotk_yaml_get(ld, n, "aggregate")))
        lotk_indicators_aggregate(ld, v, &node->aggregate, &node->aggregate_plugin);
    if ((v = lotk_yaml_get(ld, n, "params"))) {
        if (lotk_yaml_expect(ld, v, YAML_MAPPING_NODE, "params"))
            lotk_yaml_value(ld, v, &node->params);
        if (node->aggregate != LOTK_AGG_PLUGIN)
            problem(ld, v, "%s: params are for an aggregate plugin, and this indicator uses "
                           "the built-in %s", what, aggregate_names[node->aggregate]);
    }
    if ((v = lotk_yaml_get(ld, n, "min_answered")))
        load_share(ld, v, "min_answered", &node->min_answered);
    if ((v = lotk_yaml_get(ld, n, "min_children")))
        load_share(ld, v, "min_children", &node->min_children);
    if ((v = lotk_yaml_get(ld, n, "scale"))) {
        /* -2: a scale was given but is wrong, already reported; its items say no more. */
        int sc = lotk_scales_ref(ld, v, node->id);
        ld->s->nodes[index].scale = sc >= 0 ? sc : -2;
    }
    /* An inner indicator's scale and min_answered are defaults for the indicators below. */
    if (parent > 0) {
        const struct lotk_node *up = &ld->s->nodes[parent];
        node = &ld->s->nodes[index];
        if (!lotk_yaml_get(ld, n, "scale"))
            node->scale = up->scale;
        if (!lotk_yaml_get(ld, n, "min_answered"))
            node->min_answered = up->min_answered;
    }
    if (!lotk_yaml_get(ld, n, "indicators")) {
        static const char *const inner_keys[] = {"aggregate", "min_children", NULL};
        for (int k = 0; inner_keys[k]; k++)
            if ((v = lotk_yaml_get(ld, n, inner_keys[k])))
                problem(ld, v, "%s: %s is for indicators with indicators below them", what,
                        inner_keys[k]);
    }
    if ((v = lotk_yaml_get(ld, n, "source"))) {
        static const struct {
            const char *name;
            enum lotk_source source;
        } sources[] = {{"survey", LOTK_SOURCE_SURVEY},
                       {"evidence", LOTK_SOURCE_EVIDENCE},
                       {"statistic", LOTK_SOURCE_STATISTIC},
                       {"members", LOTK_SOURCE_MEMBERS}};
        bool ok = false;
        for (size_t k = 0; k < sizeof sources / sizeof *sources; k++)
            if (v->type == YAML_SCALAR_NODE && strcmp(scalar(v), sources[k].name) == 0) {
                ld->s->nodes[index].source = sources[k].source;
                ok = true;
            }
        if (!ok)
            problem(ld, v, "source: expected survey, evidence, statistic or members");
    }
}

/* The items of survey leaf nodes[index]; they must share one scale, which becomes the
 * leaf's. */
static void load_leaf_items(struct lotk_loader *ld, int index, const yaml_node_t *items,
                            const char *what)
{
    int leaf_scale = ld->s->nodes[index].scale;
    size_t first = ld->s->nitems;
    for (yaml_node_item_t *i = items->data.sequence.items.start;
         i < items->data.sequence.items.top; i++)
        load_item(ld, index, leaf_scale, node_at(ld, *i));
    struct lotk_node *node = &ld->s->nodes[index];
    node->nitems = ld->s->nitems - first;
    if (node->nitems == 0)
        problem(ld, items, "%s: has no items", what);
    node->items = lotk_xcalloc(node->nitems, sizeof *node->items);
    for (size_t k = 0; k < node->nitems; k++) {
        node->items[k] = (int)(first + k);
        int sc = ld->s->items[first + k].scale;
        if (k == 0)
            node->scale = sc;
        else if (sc >= 0 && node->scale >= 0 && sc != node->scale)
            lotk_diags_add(ld->diags, false, LOTK_ESTANDARD, ld->file,
                           ld->s->items[first + k].loc.line,
                           ld->s->items[first + k].loc.column,
                           "%s: item '%s' uses scale '%s' but item '%s' uses '%s'; the items "
                           "of one indicator share one scale",
                           what, ld->s->items[first + k].id, ld->s->scales[sc].id,
                           ld->s->items[first].id, ld->s->scales[node->scale].id);
    }
}

/* What is below indicator nodes[index]: an evidence leaf's rating, items, or indicators
 * (one or the other). */
static void load_indicator_body(struct lotk_loader *ld, int index, const yaml_node_t *n,
                                int depth, const char *what)
{
    yaml_node_t *v;
    yaml_node_t *items = lotk_yaml_get(ld, n, "items");
    yaml_node_t *children = lotk_yaml_get(ld, n, "indicators");
    if (ld->s->nodes[index].source == LOTK_SOURCE_STATISTIC ||
        ld->s->nodes[index].source == LOTK_SOURCE_MEMBERS) {
        lotk_units_load_leaf(ld, index, n, what);
        return;
    }
    if (ld->s->nodes[index].source == LOTK_SOURCE_EVIDENCE) {
        if (items || children)
            problem(ld, n, "%s: an evidence indicator has no items or indicators", what);
        lotk_rubrics_load_leaf(ld, index, n, what);
        ld->s->nevidence++;
        return;
    }
    static const char *const evidence_keys[] = {"rubric", "evidence", NULL};
    for (int k = 0; evidence_keys[k]; k++)
        if ((v = lotk_yaml_get(ld, n, evidence_keys[k])))
            problem(ld, v, "%s: %s is for evidence indicators (source: evidence)", what,
                    evidence_keys[k]);
    if (items && children)
        problem(ld, n, "%s: has both items and indicators; give one or the other", what);
    else if (!items && !children)
        problem(ld, n, "%s: has neither items nor indicators", what);
    else if (children)
        lotk_indicators_load(ld, index, children, depth + 1);
    else if (lotk_yaml_expect(ld, items, YAML_SEQUENCE_NODE, "items"))
        load_leaf_items(ld, index, items, what);
}

static void load_indicator(struct lotk_loader *ld, int parent, const yaml_node_t *n, int depth)
{
    static const char *const keys[] = {"id", "title", "description", "weight", "aggregate",
                                       "min_answered", "min_children", "indicators", "items",
                                       "source", "scale", "params", "rubric", "evidence",
                                       "rationale", "statistic", "members", NULL};
    if (!lotk_yaml_expect(ld, n, YAML_MAPPING_NODE, "indicator"))
        return;
    yaml_node_t *idn = lotk_yaml_require(ld, n, "id", "indicator");
    char *id = idn ? lotk_yaml_string(ld, idn, "indicator id") : NULL;
    if (!id)
        return;
    char what[160];
    snprintf(what, sizeof what, "indicator '%s'", id);
    lotk_yaml_check_keys(ld, n, keys, what);
    if (!lotk_yaml_valid_id(id, true))
        problem(ld, idn, "%s: ids use letters, digits, '.', '_' and '-'", what);
    /* As with items: reported, then loaded, so that its subtree is checked as well. */
    if (lotk_strmap_get(&ld->node_ids, id, strlen(id)) >= 0 || strcmp(id, "total") == 0)
        problem(ld, idn, "duplicate indicator id '%s'", id);
    int index = lotk_indicators_new_node(ld, parent, depth);
    struct lotk_node *node = &ld->s->nodes[index];
    node->id = id;
    node->loc = loc_of(n);
    lotk_strmap_put(&ld->node_ids, id, strlen(id), index);
    load_indicator_settings(ld, index, parent, n, what);
    load_indicator_body(ld, index, n, depth, what);
}

void lotk_indicators_load(struct lotk_loader *ld, int parent, const yaml_node_t *list,
                          int depth)
{
    if (!lotk_yaml_expect(ld, list, YAML_SEQUENCE_NODE, "indicators"))
        return;
    if (depth > STANDARD_MAX_DEPTH) {
        if (!ld->too_deep)
            problem(ld, list, "indicators nested deeper than %d levels (an alias inside its "
                    "own anchor?)", STANDARD_MAX_DEPTH);
        ld->too_deep = true;
        return;
    }
    if (list->data.sequence.items.start == list->data.sequence.items.top)
        problem(ld, list, "indicators: the list is empty");
    for (yaml_node_item_t *i = list->data.sequence.items.start; i < list->data.sequence.items.top;
         i++) {
        if (lotk_yaml_too_large(ld, list))
            return;
        load_indicator(ld, parent, node_at(ld, *i), depth);
    }
}

/* Children lists, weight shares and depth-first order are derived after loading, when
 * the node array no longer moves. */
void lotk_indicators_link(struct lotk_standard *s)
{
    for (size_t i = 1; i < s->nnodes; i++)
        s->nodes[s->nodes[i].parent].nchildren++;
    for (size_t i = 0; i < s->nnodes; i++) {
        s->nodes[i].children = lotk_xcalloc(s->nodes[i].nchildren, sizeof(int));
        s->nodes[i].nchildren = 0;
    }
    for (size_t i = 1; i < s->nnodes; i++) {
        struct lotk_node *p = &s->nodes[s->nodes[i].parent];
        p->children[p->nchildren++] = (int)i;
    }
    s->nodes[0].share = 1;
    for (size_t i = 0; i < s->nnodes; i++) { /* preorder: parents come first */
        struct lotk_node *p = &s->nodes[i];
        double total = 0;
        for (size_t c = 0; c < p->nchildren; c++)
            total += s->nodes[p->children[c]].weight;
        for (size_t c = 0; c < p->nchildren; c++)
            s->nodes[p->children[c]].share =
                p->share * (total > 0 ? s->nodes[p->children[c]].weight / total : 0);
    }
}

int lotk_standard_find_node(const struct lotk_standard *s, const char *id)
{
    for (size_t i = 0; i < s->nnodes; i++)
        if (strcmp(s->nodes[i].id, id) == 0)
            return (int)i;
    return -1;
}
