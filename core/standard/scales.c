/* scales.c — the standard's answer scales: `scales:`, inline scales of items and
 * indicators, the scales rubrics imply, and which answers each reads as a label or as no
 * answer at all. */
#include "standard/load_internal.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/buf.h"
#include "base/mem.h"
#include "base/text.h"
#include "standard/header.h"

/* Normalised spellings of labels waiting to be added to a scale's map (the map cannot
 * grow while it is walked). */
static void pending_label(struct lotk_loader *ld, const char *label, int value)
{
    lotk_grow(&ld->pending, &ld->cap_pending, ld->npending + 1, sizeof *ld->pending);
    ld->pending[ld->npending].label = lotk_xstrdup(label);
    ld->pending[ld->npending++].value = value;
}

static void flush_pending_labels(struct lotk_loader *ld, struct lotk_scale *sc)
{
    for (size_t i = 0; i < ld->npending; i++) {
        const char *l = ld->pending[i].label;
        lotk_strmap_put(&sc->labels, l, strlen(l), ld->pending[i].value);
        free(ld->pending[i].label);
    }
    ld->npending = 0;
}

static void load_scale(struct lotk_loader *ld, const char *id, const yaml_node_t *key,
                       const yaml_node_t *n)
{
    static const char *const keys[] = {"min", "max", "labels", "missing", NULL};
    struct lotk_standard *s = ld->s;
    char what[160];
    snprintf(what, sizeof what, "scale '%s'", id);
    if (lotk_strmap_get(&ld->scale_ids, id, strlen(id)) >= 0) {
        problem(ld, key, "%s is defined twice", what);
        return;
    }
    lotk_grow(&s->scales, &ld->cap_scales, s->nscales + 1, sizeof *s->scales);
    struct lotk_scale *sc = &s->scales[s->nscales];
    memset(sc, 0, sizeof *sc);
    sc->id = lotk_xstrdup(id);
    sc->loc = loc_of(key);
    lotk_strmap_put(&ld->scale_ids, id, strlen(id), (int)s->nscales);
    s->nscales++;
    if (!lotk_yaml_expect(ld, n, YAML_MAPPING_NODE, what))
        return;
    lotk_yaml_check_keys(ld, n, keys, what);
    yaml_node_t *mn = lotk_yaml_require(ld, n, "min", what);
    yaml_node_t *mx = lotk_yaml_require(ld, n, "max", what);
    bool ok = mn && mx;
    ok = mn && lotk_yaml_number(ld, mn, "min", &sc->min) && ok;
    ok = mx && lotk_yaml_number(ld, mx, "max", &sc->max) && ok;
    if (ok && sc->min >= sc->max) {
        problem(ld, mx, "%s: min (%s) must be less than max (%s)", what, scalar(mn), scalar(mx));
        ok = false; /* no range to hold labels against */
    }
    yaml_node_t *labels = lotk_yaml_get(ld, n, "labels");
    if (labels && lotk_yaml_expect(ld, labels, YAML_MAPPING_NODE, "labels")) {
        size_t count = (size_t)(labels->data.mapping.pairs.top - labels->data.mapping.pairs.start);
        sc->label_values = lotk_xcalloc(count, sizeof *sc->label_values);
        lotk_yaml_check_keys(ld, labels, NULL, "labels");
        for (yaml_node_pair_t *p = labels->data.mapping.pairs.start;
             p < labels->data.mapping.pairs.top; p++) {
            yaml_node_t *k = node_at(ld, p->key), *v = node_at(ld, p->value);
            double value;
            if (k->type != YAML_SCALAR_NODE || !lotk_yaml_number(ld, v, "label value", &value))
                continue;
            if (ok && (value < sc->min || value > sc->max))
                problem(ld, v, "%s: label '%s' has value %s outside [%g, %g]", what,
                        scalar(k), scalar(v), sc->min, sc->max);
            sc->label_values[sc->nlabels] = value;
            if (lotk_strmap_put(&sc->labels, scalar(k), strlen(scalar(k)), (int)sc->nlabels) ==
                (int)sc->nlabels)
                sc->nlabels++;
        }
    }
    yaml_node_t *missing = lotk_yaml_get(ld, n, "missing");
    if (missing && lotk_yaml_expect(ld, missing, YAML_SEQUENCE_NODE, "missing")) {
        for (yaml_node_item_t *i = missing->data.sequence.items.start;
             i < missing->data.sequence.items.top; i++) {
            yaml_node_t *v = node_at(ld, *i);
            if (v->type != YAML_SCALAR_NODE) {
                problem(ld, v, "missing: expected a string, found %s", lotk_yaml_type_name(v));
                continue;
            }
            lotk_strmap_put(&sc->missing, scalar(v), strlen(scalar(v)), 1);
        }
    }
    /* An empty cell is never an answer, whatever the list says; nor are the platforms' skip
     * codes: wjx writes (跳过) in text exports and -2 / -3 in number exports, which are no
     * answer unless the scale itself reaches them. */
    static const char *const skips[] = {"", "(跳过)", "跳过", "（跳过）", NULL};
    for (int i = 0; skips[i]; i++)
        lotk_strmap_put(&sc->missing, skips[i], strlen(skips[i]), 1);
    if (ok && sc->min > -2) {
        lotk_strmap_put(&sc->missing, "-2", 2, 1);
        lotk_strmap_put(&sc->missing, "-3", 2, 1);
    }
    /* Labels are also found by their normalised form (full-width letters, odd spaces),
     * as survey exports re-saved by Excel write them. */
    struct lotk_buf norm = {0};
    for (size_t i = 0; i < sc->labels.cap; i++) {
        const struct lotk_strmap_slot *slot = &sc->labels.slots[i];
        if (!slot->key)
            continue;
        lotk_header_normalize_n(slot->key, slot->len, &norm);
        if (norm.len != slot->len || memcmp(norm.data, slot->key, slot->len) != 0)
            pending_label(ld, norm.data, slot->value);
    }
    lotk_buf_free(&norm);
    flush_pending_labels(ld, sc);
}

void lotk_scales_load(struct lotk_loader *ld, const yaml_node_t *n)
{
    if (!lotk_yaml_expect(ld, n, YAML_MAPPING_NODE, "scales"))
        return;
    lotk_yaml_check_keys(ld, n, NULL, "scales");
    for (yaml_node_pair_t *p = n->data.mapping.pairs.start; p < n->data.mapping.pairs.top; p++) {
        yaml_node_t *k = node_at(ld, p->key);
        if (k->type == YAML_SCALAR_NODE)
            load_scale(ld, scalar(k), k, node_at(ld, p->value));
    }
}

/* An inline scale ({min, max}) is added under a generated id. */
int lotk_scales_ref(struct lotk_loader *ld, const yaml_node_t *n, const char *owner)
{
    if (n->type == YAML_MAPPING_NODE) {
        char *id = lotk_xasprintf("%s.scale", owner);
        load_scale(ld, id, n, n);
        int index = lotk_strmap_get(&ld->scale_ids, id, strlen(id));
        free(id);
        return index;
    }
    if (n->type != YAML_SCALAR_NODE) {
        problem(ld, n, "scale: expected a scale name or {min, max}, found %s",
                lotk_yaml_type_name(n));
        return -1;
    }
    int index = lotk_strmap_get(&ld->scale_ids, scalar(n), strlen(scalar(n)));
    if (index >= 0)
        return index;
    /* The nearest scale that is defined, when near enough to be a typo. */
    const char *best = NULL;
    size_t best_d = (size_t)-1;
    for (size_t i = 0; i < ld->s->nscales; i++) {
        size_t d = lotk_edit_distance(ld->s->scales[i].id, scalar(n));
        if (d < best_d && !strchr(ld->s->scales[i].id, '.'))
            best_d = d, best = ld->s->scales[i].id;
    }
    if (best && best_d <= (strlen(scalar(n)) + 2) / 3 + 1)
        problem(ld, n, "undefined scale '%s'; did you mean '%s'?", scalar(n), best);
    else
        problem(ld, n, "undefined scale '%s'", scalar(n));
    return -1;
}

/* The scale a rubric implies, added under the generated id "<leaf>.scale" like an inline
 * scale, so that normalising an evidence leaf is the same code as for a survey leaf. */
int lotk_scales_add(struct lotk_loader *ld, const char *owner, double min, double max,
                    const yaml_node_t *at)
{
    struct lotk_standard *s = ld->s;
    char *id = lotk_xasprintf("%s.scale", owner);
    if (lotk_strmap_get(&ld->scale_ids, id, strlen(id)) >= 0) {
        problem(ld, at, "scale '%s' is defined twice", id);
        free(id);
        return -1;
    }
    lotk_grow(&s->scales, &ld->cap_scales, s->nscales + 1, sizeof *s->scales);
    struct lotk_scale *sc = &s->scales[s->nscales];
    memset(sc, 0, sizeof *sc);
    sc->id = id;
    sc->min = min;
    sc->max = max;
    sc->loc = loc_of(at);
    lotk_strmap_put(&sc->missing, "", 0, 1);
    lotk_strmap_put(&ld->scale_ids, id, strlen(id), (int)s->nscales);
    return (int)s->nscales++;
}
