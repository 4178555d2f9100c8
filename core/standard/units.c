/* units.c — what a standard of units made of units adds (DESIGN §10): statistic leaves,
 * member leaves and the targets block. */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "base/mem.h"
#include "standard/load_internal.h"

/* The kinds of organization a member leaf may name. */
static const char *const member_kinds[] = {"agency", "enterprise", "public-institution",
                                           "social-group", "community", "family", "other",
                                           NULL};

static void load_statistic(struct lotk_loader *ld, struct lotk_node *node, const yaml_node_t *n,
                           const char *what)
{
    static const char *const keys[] = {"column", "goalposts", "unit", "source_note", NULL};
    struct lotk_statistic *st = lotk_xcalloc(1, sizeof *st);
    node->statistic = st;
    st->low = st->high = NAN;
    if (!lotk_yaml_expect(ld, n, YAML_MAPPING_NODE, "statistic"))
        return;
    lotk_yaml_check_keys(ld, n, keys, "statistic");
    yaml_node_t *v;
    if ((v = lotk_yaml_require(ld, n, "column", "statistic")))
        st->column = lotk_yaml_string(ld, v, "statistic column");
    if ((v = lotk_yaml_require(ld, n, "goalposts", "statistic")) &&
        lotk_yaml_expect(ld, v, YAML_SEQUENCE_NODE, "goalposts")) {
        size_t count = (size_t)(v->data.sequence.items.top - v->data.sequence.items.start);
        if (count != 2) {
            problem(ld, v, "%s: goalposts: expected [LOW, HIGH], two numbers, found %zu", what,
                    count);
        } else {
            yaml_node_t *lo = node_at(ld, v->data.sequence.items.start[0]);
            yaml_node_t *hi = node_at(ld, v->data.sequence.items.start[1]);
            if (lotk_yaml_number(ld, lo, "goalpost", &st->low) &&
                lotk_yaml_number(ld, hi, "goalpost", &st->high) && st->low == st->high)
                problem(ld, v, "%s: goalposts: LOW and HIGH must differ (LOW > HIGH: lower is "
                               "better)", what);
        }
    }
    if ((v = lotk_yaml_get(ld, n, "unit")))
        st->unit = lotk_yaml_string(ld, v, "unit");
    if ((v = lotk_yaml_get(ld, n, "source_note")))
        lotk_yaml_text(ld, v, &st->note, "source_note");
}

static void load_members(struct lotk_loader *ld, struct lotk_node *node, const yaml_node_t *n,
                         const char *what)
{
    static const char *const keys[] = {"kind", "standard", "at_least", "measure", NULL};
    struct lotk_members *m = lotk_xcalloc(1, sizeof *m);
    node->members = m;
    if (!lotk_yaml_expect(ld, n, YAML_MAPPING_NODE, "members"))
        return;
    lotk_yaml_check_keys(ld, n, keys, "members");
    yaml_node_t *kind = lotk_yaml_get(ld, n, "kind"), *std = lotk_yaml_get(ld, n, "standard");
    yaml_node_t *v;
    if (kind && std)
        problem(ld, std, "%s: members: give a kind or a standard, not both", what);
    else if (!kind && !std)
        problem(ld, n, "%s: members: needs the kind of organization (kind: enterprise) or the "
                       "standard of the members (standard: ID)", what);
    if (kind && (m->kind = lotk_yaml_string(ld, kind, "members kind"))) {
        bool ok = false;
        for (int i = 0; member_kinds[i]; i++)
            ok |= strcmp(member_kinds[i], m->kind) == 0;
        if (!ok)
            problem(ld, kind, "%s: members: kind: expected agency, enterprise, "
                              "public-institution, social-group, community, family or other, "
                              "found '%s'", what, m->kind);
    }
    if (std)
        m->standard = lotk_yaml_string(ld, std, "members standard");
    if ((v = lotk_yaml_require(ld, n, "at_least", "members")))
        m->at_least = lotk_yaml_string(ld, v, "at_least");
    if ((v = lotk_yaml_get(ld, n, "measure"))) {
        if (v->type == YAML_SCALAR_NODE && strcmp(scalar(v), "mean_points") == 0)
            m->measure = LOTK_MEMBERS_MEAN_POINTS;
        else if (!(v->type == YAML_SCALAR_NODE && strcmp(scalar(v), "share") == 0))
            problem(ld, v, "%s: members: measure: expected share or mean_points", what);
    }
}

void lotk_units_load_leaf(struct lotk_loader *ld, int index, const yaml_node_t *n,
                          const char *what)
{
    struct lotk_node *node = &ld->s->nodes[index];
    bool statistic = node->source == LOTK_SOURCE_STATISTIC;
    const char *key = statistic ? "statistic" : "members";
    static const char *const others[] = {"items", "indicators", "rubric", "evidence", "scale",
                                         NULL};
    yaml_node_t *v;
    for (int k = 0; others[k]; k++)
        if ((v = lotk_yaml_get(ld, n, others[k])))
            problem(ld, v, "%s: a %s indicator has no %s", what, key, others[k]);
    if ((v = lotk_yaml_get(ld, n, statistic ? "members" : "statistic")))
        problem(ld, v, "%s: %s is for source: %s", what, statistic ? "members" : "statistic",
                statistic ? "members" : "statistic");
    node->scale = -1; /* its norm is its own: goalposts, or a share */
    v = lotk_yaml_require(ld, n, key, what);
    if (statistic) {
        ld->s->nstatistic++;
        if (v)
            load_statistic(ld, node, v, what);
        else
            node->statistic = lotk_xcalloc(1, sizeof *node->statistic);
    } else {
        ld->s->nmembers++;
        if (v)
            load_members(ld, node, v, what);
        else
            node->members = lotk_xcalloc(1, sizeof *node->members);
    }
}

void lotk_units_load_targets(struct lotk_loader *ld, const yaml_node_t *n)
{
    static const char *const keys[] = {"group_by", "at_least", "share", NULL};
    struct lotk_targets *t = &ld->s->targets;
    t->loc = loc_of(n);
    if (!lotk_yaml_expect(ld, n, YAML_MAPPING_NODE, "targets"))
        return;
    lotk_yaml_check_keys(ld, n, keys, "targets");
    yaml_node_t *v;
    if ((v = lotk_yaml_require(ld, n, "group_by", "targets")))
        t->group_by = lotk_yaml_string(ld, v, "group_by");
    if ((v = lotk_yaml_require(ld, n, "at_least", "targets")))
        t->at_least = lotk_yaml_string(ld, v, "at_least");
    if (!(v = lotk_yaml_require(ld, n, "share", "targets")) ||
        !lotk_yaml_expect(ld, v, YAML_MAPPING_NODE, "share"))
        return;
    size_t count = (size_t)(v->data.mapping.pairs.top - v->data.mapping.pairs.start);
    if (count == 0)
        problem(ld, v, "targets: share: name at least one group and its share, such as "
                       "{east: 0.9}");
    t->shares = lotk_xcalloc(count ? count : 1, sizeof *t->shares);
    for (yaml_node_pair_t *p = v->data.mapping.pairs.start; p < v->data.mapping.pairs.top; p++) {
        yaml_node_t *key = node_at(ld, p->key), *val = node_at(ld, p->value);
        struct lotk_target_share *sh = &t->shares[t->nshares];
        if (!(sh->group = lotk_yaml_string(ld, key, "group")))
            continue;
        t->nshares++;
        if (lotk_yaml_number(ld, val, "share", &sh->share) && !(sh->share >= 0 && sh->share <= 1))
            problem(ld, val, "targets: share of '%s': expected a share from 0 to 1, found %s",
                    sh->group, scalar(val));
    }
}

void lotk_units_check(struct lotk_loader *ld)
{
    const struct lotk_standard *s = ld->s;
    const struct lotk_targets *t = &s->targets;
    if (!t->at_least)
        return;
    for (size_t b = 0; b < s->nbands; b++)
        if (strcmp(s->bands[b].grade, t->at_least) == 0)
            return;
    lotk_diags_add(ld->diags, false, LOTK_ESTANDARD, ld->file, t->loc.line, t->loc.column,
                   "targets: at_least: '%s' is no grade of this standard's bands", t->at_least);
}

void lotk_units_free(struct lotk_node *node)
{
    if (node->statistic) {
        free(node->statistic->column);
        free(node->statistic->unit);
        lotk_yaml_text_free(&node->statistic->note);
        free(node->statistic);
    }
    if (node->members) {
        free(node->members->kind);
        free(node->members->standard);
        free(node->members->at_least);
        free(node->members);
    }
}

void lotk_units_free_targets(struct lotk_targets *t)
{
    free(t->group_by);
    free(t->at_least);
    for (size_t i = 0; i < t->nshares; i++)
        free(t->shares[i].group);
    free(t->shares);
}
