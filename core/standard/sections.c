/* sections.c — the top-level sections beside the tree: grade `bands:`, `rules:` run after
 * aggregation, `agreement:` thresholds, the `evidence:` block (how sheets are read and
 * ratings combined) and the `crosswalk:` to an earlier version's ids. */
#include "standard/load_internal.h"

#include <stdlib.h>
#include <string.h>

#include "base/mem.h"

void lotk_sections_bands(struct lotk_loader *ld, const yaml_node_t *n)
{
    static const char *const keys[] = {"grade", "min", "label", NULL};
    struct lotk_standard *s = ld->s;
    if (!lotk_yaml_expect(ld, n, YAML_SEQUENCE_NODE, "bands"))
        return;
    size_t count = (size_t)(n->data.sequence.items.top - n->data.sequence.items.start);
    s->bands = lotk_xcalloc(count, sizeof *s->bands);
    for (yaml_node_item_t *i = n->data.sequence.items.start; i < n->data.sequence.items.top;
         i++) {
        yaml_node_t *b = node_at(ld, *i);
        if (!lotk_yaml_expect(ld, b, YAML_MAPPING_NODE, "band"))
            continue;
        lotk_yaml_check_keys(ld, b, keys, "band");
        struct lotk_band *band = &s->bands[s->nbands];
        yaml_node_t *g = lotk_yaml_require(ld, b, "grade", "band");
        yaml_node_t *mn = lotk_yaml_require(ld, b, "min", "band");
        if (!g || !mn || !(band->grade = lotk_yaml_string(ld, g, "grade")))
            continue;
        band->loc = loc_of(mn);
        if (!lotk_yaml_number(ld, mn, "min", &band->min)) {
            free(band->grade);
            continue;
        }
        yaml_node_t *label = lotk_yaml_get(ld, b, "label");
        if (label)
            lotk_yaml_text(ld, label, &band->label, "label");
        for (size_t k = 0; k < s->nbands; k++)
            if (strcmp(s->bands[k].grade, band->grade) == 0)
                problem(ld, g, "duplicate grade '%s'", band->grade);
        if (s->nbands > 0 && band->min >= s->bands[s->nbands - 1].min)
            problem(ld, mn,
                    "bands must be listed highest first with strictly descending min: %s "
                    "follows %g",
                    scalar(mn), s->bands[s->nbands - 1].min);
        s->nbands++;
    }
}

void lotk_sections_rules(struct lotk_loader *ld, const yaml_node_t *n)
{
    struct lotk_standard *s = ld->s;
    if (!lotk_yaml_expect(ld, n, YAML_SEQUENCE_NODE, "rules"))
        return;
    size_t count = (size_t)(n->data.sequence.items.top - n->data.sequence.items.start);
    s->rules = lotk_xcalloc(count ? count : 1, sizeof *s->rules);
    for (yaml_node_item_t *i = n->data.sequence.items.start; i < n->data.sequence.items.top;
         i++) {
        yaml_node_t *r = node_at(ld, *i);
        if (!lotk_yaml_expect(ld, r, YAML_MAPPING_NODE, "rule"))
            continue;
        lotk_yaml_check_keys(ld, r, NULL, "rule");
        yaml_node_t *p = lotk_yaml_require(ld, r, "plugin", "rule");
        char *plugin = p ? lotk_yaml_string(ld, p, "rule plugin") : NULL;
        if (!plugin)
            continue;
        struct lotk_rule *rule = &s->rules[s->nrules++];
        rule->plugin = plugin;
        rule->loc = loc_of(r);
        lotk_yaml_value(ld, r, &rule->params);
    }
}

void lotk_sections_agreement(struct lotk_loader *ld, const yaml_node_t *n)
{
    static const char *const keys[] = {"rwg_j", "icc1", "icc2", NULL};
    if (!lotk_yaml_expect(ld, n, YAML_MAPPING_NODE, "agreement"))
        return;
    lotk_yaml_check_keys(ld, n, keys, "agreement");
    double *targets[] = {&ld->s->min_rwg_j, &ld->s->min_icc1, &ld->s->min_icc2};
    for (int i = 0; keys[i]; i++) {
        yaml_node_t *v = lotk_yaml_get(ld, n, keys[i]);
        double x;
        if (!v || !lotk_yaml_number(ld, v, keys[i], &x))
            continue;
        if (x < -1 || x > 1)
            problem(ld, v, "agreement.%s: expected a value in [-1, 1], found %s", keys[i],
                    scalar(v));
        else
            *targets[i] = x;
    }
}

/* combine: {self: W, third-party: W}, or the name of one role alone. */
static void load_combine(struct lotk_loader *ld, const yaml_node_t *n,
                         struct lotk_evidence_spec *e)
{
    static const char *const keys[] = {"self", "third-party", NULL};
    if (n->type == YAML_SCALAR_NODE) {
        bool self = strcmp(scalar(n), "self") == 0;
        if (!self && strcmp(scalar(n), "third-party") != 0) {
            problem(ld, n, "evidence.combine: expected {self: W, third-party: W}, self or "
                           "third-party, found '%s'", scalar(n));
            return;
        }
        e->self_weight = self;
        e->third_weight = !self;
        return;
    }
    if (!lotk_yaml_expect(ld, n, YAML_MAPPING_NODE, "evidence.combine"))
        return;
    lotk_yaml_check_keys(ld, n, keys, "evidence.combine");
    double *weights[] = {&e->self_weight, &e->third_weight};
    bool ok = true;
    for (int i = 0; keys[i]; i++) {
        yaml_node_t *v = lotk_yaml_get(ld, n, keys[i]);
        *weights[i] = 0;
        if (v && lotk_yaml_number(ld, v, keys[i], weights[i]) && *weights[i] < 0) {
            problem(ld, v, "evidence.combine.%s: a weight cannot be negative, found %s",
                    keys[i], scalar(v));
            ok = false;
        }
    }
    if (ok && e->self_weight + e->third_weight <= 0)
        problem(ld, n, "evidence.combine: give self or third-party a weight above 0");
}

void lotk_sections_evidence(struct lotk_loader *ld, const yaml_node_t *n)
{
    static const char *const keys[] = {"org_column", "assessor_column", "role_column",
                                       "assessors", "combine", "spread", "margin", NULL};
    struct lotk_evidence_spec *e = &ld->s->evidence;
    if (!lotk_yaml_expect(ld, n, YAML_MAPPING_NODE, "evidence"))
        return;
    lotk_yaml_check_keys(ld, n, keys, "evidence");
    e->loc = loc_of(n);
    char **columns[] = {&e->org_column, &e->assessor_column, &e->role_column};
    for (int i = 0; i < 3; i++) {
        yaml_node_t *v = lotk_yaml_get(ld, n, keys[i]);
        if (v)
            *columns[i] = lotk_yaml_string(ld, v, keys[i]);
    }
    yaml_node_t *v;
    if ((v = lotk_yaml_get(ld, n, "assessors"))) {
        if (v->type == YAML_SCALAR_NODE && strcmp(scalar(v), "median") == 0)
            e->median = true;
        else if (!(v->type == YAML_SCALAR_NODE && strcmp(scalar(v), "mean") == 0))
            problem(ld, v, "evidence.assessors: expected mean or median");
    }
    if ((v = lotk_yaml_get(ld, n, "combine")))
        load_combine(ld, v, e);
    double *limits[] = {&e->spread, &e->margin};
    for (int i = 0; i < 2; i++) {
        double x;
        if (!(v = lotk_yaml_get(ld, n, keys[5 + i])) ||
            !lotk_yaml_number(ld, v, keys[5 + i], &x))
            continue;
        if (x < 0 || x > 1)
            problem(ld, v, "evidence.%s: expected a share of the scale in [0, 1], found %s",
                    keys[5 + i], scalar(v));
        else
            *limits[i] = x;
    }
}

/* Sheet columns default to the survey's organization column and the names in
 * docs/evidence.md, so that a standard needs no evidence block to read sheets. */
void lotk_sections_evidence_defaults(struct lotk_loader *ld, const yaml_node_t *root)
{
    struct lotk_evidence_spec *e = &ld->s->evidence;
    if (!e->org_column && ld->s->org_column)
        e->org_column = lotk_xstrdup(ld->s->org_column);
    if (!e->assessor_column)
        e->assessor_column = lotk_xstrdup("assessor");
    if (!e->role_column)
        e->role_column = lotk_xstrdup("role");
    if (e->loc.line && ld->s->nevidence == 0)
        warning(ld, lotk_yaml_get(ld, root, "evidence"),
                "evidence: the standard has no evidence indicators (source: evidence) for "
                "these settings to apply to");
}

/* `crosswalk:` — a list of {from: OLD_ID, to: NEW_ID} for lotk compare. Read after the
 * indicators so that each `to` can be checked against this standard's nodes. */
void lotk_sections_crosswalk(struct lotk_loader *ld, const yaml_node_t *n)
{
    static const char *const keys[] = {"from", "to", NULL};
    struct lotk_standard *s = ld->s;
    if (!lotk_yaml_expect(ld, n, YAML_SEQUENCE_NODE, "crosswalk"))
        return;
    size_t count = (size_t)(n->data.sequence.items.top - n->data.sequence.items.start);
    s->crosswalk = lotk_xcalloc(count ? count : 1, sizeof *s->crosswalk);
    for (yaml_node_item_t *i = n->data.sequence.items.start; i < n->data.sequence.items.top;
         i++) {
        yaml_node_t *e = node_at(ld, *i);
        if (!lotk_yaml_expect(ld, e, YAML_MAPPING_NODE, "crosswalk entry"))
            continue;
        lotk_yaml_check_keys(ld, e, keys, "crosswalk entry");
        yaml_node_t *from = lotk_yaml_require(ld, e, "from", "crosswalk entry");
        yaml_node_t *to = lotk_yaml_require(ld, e, "to", "crosswalk entry");
        char *f = from ? lotk_yaml_string(ld, from, "crosswalk from") : NULL;
        char *t = to ? lotk_yaml_string(ld, to, "crosswalk to") : NULL;
        if (t && lotk_standard_find_node(s, t) < 0)
            problem(ld, to, "crosswalk to: '%s' is not an indicator of this standard", t);
        for (size_t k = 0; t && k < s->ncrosswalk; k++)
            if (strcmp(s->crosswalk[k].to, t) == 0)
                problem(ld, to, "crosswalk to: '%s' is mapped twice (first at line %ld)", t,
                        s->crosswalk[k].loc.line);
        if (!f || !t) {
            free(f);
            free(t);
            continue;
        }
        struct lotk_crosswalk *c = &s->crosswalk[s->ncrosswalk++];
        c->from = f;
        c->to = t;
        c->loc = loc_of(e);
    }
}
