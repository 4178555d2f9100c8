/* standard.c — YAML → struct lotk_standard, with every problem reported at its position.
 *
 * libyaml's document loader gives a node graph with marks; this file walks it once,
 * checking keys and types as it goes and recording each problem in a lotk_diags rather
 * than stopping, so that `lotk check` can list them all. */
#include "standard/standard.h"

#include <errno.h>
#include <math.h>
#include <nettle/sha2.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <yaml.h>

#include "base/dir.h"
#include "standard/header.h"
#include "standard/rx.h"
#include "base/mem.h"
#include "base/buf.h"
#include "base/strmap.h"
#include "base/num.h"
#include "base/text.h"
#include "base/file.h"

enum { STANDARD_MAX_BYTES = 4 << 20, STANDARD_MAX_VISITS = 200000 };

static const char *const aggregate_names[] = {
    [LOTK_AGG_WEIGHTED_MEAN] = "weighted_mean", [LOTK_AGG_MEAN] = "mean",
    [LOTK_AGG_MIN] = "min", [LOTK_AGG_MAX] = "max", [LOTK_AGG_GEOMEAN] = "geomean",
};

static const char *const kinds[] = {"agency", "enterprise", "public-institution",
                                    "social-group", "community", "family", "city", "other",
                                    NULL};

const char *lotk_aggregate_name(enum lotk_aggregate a)
{
    return aggregate_names[a];
}

/* One load in progress. */
struct loader {
    const char *file;
    yaml_document_t doc;
    struct lotk_diags *diags;
    struct lotk_standard *s;
    struct lotk_strmap node_ids, item_ids, scale_ids;
    size_t visits;
    size_t cap_nodes, cap_items, cap_scales;
    struct pending_label {
        char *label;
        int value;
    } *pending;
    size_t npending, cap_pending;
};

static struct lotk_loc loc_of(const yaml_node_t *n)
{
    return (struct lotk_loc){(long)n->start_mark.line + 1, (long)n->start_mark.column + 1};
}

#define problem(ld, node, ...)                                                               \
    lotk_diags_add((ld)->diags, false, LOTK_ESTANDARD, (ld)->file,                           \
                   (long)(node)->start_mark.line + 1, (long)(node)->start_mark.column + 1,   \
                   __VA_ARGS__)
#define warning(ld, node, ...)                                                               \
    lotk_diags_add((ld)->diags, true, 0, (ld)->file, (long)(node)->start_mark.line + 1,      \
                   (long)(node)->start_mark.column + 1, __VA_ARGS__)

static yaml_node_t *node_at(struct loader *ld, int index)
{
    ld->visits++;
    return yaml_document_get_node(&ld->doc, index);
}

static const char *type_name(const yaml_node_t *n)
{
    switch (n->type) {
    case YAML_SCALAR_NODE:
        return "a scalar";
    case YAML_SEQUENCE_NODE:
        return "a list";
    case YAML_MAPPING_NODE:
        return "a mapping";
    default:
        return "nothing";
    }
}

static const char *scalar(const yaml_node_t *n)
{
    return (const char *)n->data.scalar.value;
}

static bool is_plain(const yaml_node_t *n)
{
    return n->type == YAML_SCALAR_NODE && n->data.scalar.style == YAML_PLAIN_SCALAR_STYLE;
}

/* A string value: any scalar. Returns a new copy, or NULL after reporting. */
static char *get_string(struct loader *ld, const yaml_node_t *n, const char *what)
{
    if (n->type != YAML_SCALAR_NODE) {
        problem(ld, n, "%s: expected a string, found %s", what, type_name(n));
        return NULL;
    }
    return lotk_xstrdup(scalar(n));
}

/* A number: a plain scalar that reads as a finite decimal. */
static bool get_number(struct loader *ld, const yaml_node_t *n, const char *what, double *out)
{
    if (is_plain(n) && lotk_parse_double(scalar(n), strlen(scalar(n)), out) == 0)
        return true;
    if (n->type == YAML_SCALAR_NODE)
        problem(ld, n, "%s: expected a number, found '%s'", what, scalar(n));
    else
        problem(ld, n, "%s: expected a number, found %s", what, type_name(n));
    return false;
}

static bool get_bool(struct loader *ld, const yaml_node_t *n, const char *what, bool *out)
{
    static const char *const yes[] = {"true", "True", "TRUE", "yes", "Yes", "YES", NULL};
    static const char *const no[] = {"false", "False", "FALSE", "no", "No", "NO", NULL};
    if (is_plain(n)) {
        for (int i = 0; yes[i]; i++)
            if (strcmp(scalar(n), yes[i]) == 0)
                return *out = true, true;
        for (int i = 0; no[i]; i++)
            if (strcmp(scalar(n), no[i]) == 0)
                return *out = false, true;
    }
    problem(ld, n, "%s: expected true or false, found %s%s%s", what,
            n->type == YAML_SCALAR_NODE ? "'" : "",
            n->type == YAML_SCALAR_NODE ? scalar(n) : type_name(n),
            n->type == YAML_SCALAR_NODE ? "'" : "");
    return false;
}

static bool expect(struct loader *ld, const yaml_node_t *n, yaml_node_type_t type,
                   const char *what)
{
    if (n->type == type)
        return true;
    const char *want = type == YAML_MAPPING_NODE ? "a mapping" :
                       type == YAML_SEQUENCE_NODE ? "a list" : "a scalar";
    problem(ld, n, "%s: expected %s, found %s", what, want, type_name(n));
    return false;
}

/* Reports unknown and duplicate keys of a mapping, suggesting the nearest allowed key. */
static void check_keys(struct loader *ld, const yaml_node_t *map, const char *const *allowed,
                       const char *what)
{
    for (yaml_node_pair_t *p = map->data.mapping.pairs.start; p < map->data.mapping.pairs.top;
         p++) {
        yaml_node_t *k = node_at(ld, p->key);
        if (k->type != YAML_SCALAR_NODE) {
            problem(ld, k, "%s: keys must be strings, found %s", what, type_name(k));
            continue;
        }
        for (yaml_node_pair_t *q = map->data.mapping.pairs.start; q < p; q++) {
            yaml_node_t *k2 = node_at(ld, q->key);
            if (k2->type == YAML_SCALAR_NODE && strcmp(scalar(k2), scalar(k)) == 0) {
                problem(ld, k, "%s: duplicate key '%s' (first at line %ld)", what, scalar(k),
                        (long)k2->start_mark.line + 1);
                break;
            }
        }
        if (!allowed)
            continue;
        const char *best = NULL;
        size_t best_d = (size_t)-1;
        bool ok = false;
        for (int i = 0; allowed[i]; i++) {
            if (strcmp(allowed[i], scalar(k)) == 0) {
                ok = true;
                break;
            }
            size_t d = lotk_edit_distance(allowed[i], scalar(k));
            if (d < best_d) {
                best_d = d;
                best = allowed[i];
            }
        }
        if (ok)
            continue;
        if (best && best_d <= (strlen(scalar(k)) + 2) / 3 + 1)
            problem(ld, k, "%s: unknown key '%s'; did you mean '%s'?", what, scalar(k), best);
        else
            problem(ld, k, "%s: unknown key '%s'", what, scalar(k));
    }
}

static yaml_node_t *map_get(struct loader *ld, const yaml_node_t *map, const char *key)
{
    if (map->type != YAML_MAPPING_NODE)
        return NULL;
    for (yaml_node_pair_t *p = map->data.mapping.pairs.start; p < map->data.mapping.pairs.top;
         p++) {
        yaml_node_t *k = node_at(ld, p->key);
        if (k->type == YAML_SCALAR_NODE && strcmp(scalar(k), key) == 0)
            return node_at(ld, p->value);
    }
    return NULL;
}

static yaml_node_t *require(struct loader *ld, const yaml_node_t *map, const char *key,
                            const char *what)
{
    yaml_node_t *v = map_get(ld, map, key);
    if (!v)
        problem(ld, map, "%s: missing required key '%s'", what, key);
    return v;
}

static bool valid_id(const char *s, bool allow_upper_and_dots)
{
    if (!*s)
        return false;
    for (; *s; s++) {
        char c = *s;
        bool ok = (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-' ||
                  (allow_upper_and_dots &&
                   ((c >= 'A' && c <= 'Z') || c == '.' || c == '_'));
        if (!ok)
            return false;
    }
    return true;
}

static void load_text(struct loader *ld, const yaml_node_t *n, struct lotk_text *t,
                      const char *what)
{
    static const char *const keys[] = {"zh", "en", NULL};
    if (n->type == YAML_SCALAR_NODE) {
        /* A plain title is Chinese when it has any non-ASCII character, else English. */
        bool ascii = true;
        for (const char *p = scalar(n); *p; p++)
            ascii &= (unsigned char)*p < 0x80;
        *(ascii ? &t->en : &t->zh) = lotk_xstrdup(scalar(n));
        return;
    }
    if (!expect(ld, n, YAML_MAPPING_NODE, what))
        return;
    check_keys(ld, n, keys, what);
    yaml_node_t *v;
    if ((v = map_get(ld, n, "zh")))
        t->zh = get_string(ld, v, what);
    if ((v = map_get(ld, n, "en")))
        t->en = get_string(ld, v, what);
    if (!t->zh && !t->en)
        problem(ld, n, "%s: give the text in zh, en or both", what);
}

static void free_text(struct lotk_text *t)
{
    free(t->zh);
    free(t->en);
}

/* ---- scales ----------------------------------------------------------------------- */

/* Normalised spellings of labels waiting to be added to a scale's map (the map cannot
 * grow while it is walked). */
static void pending_label(struct loader *ld, const char *label, int value)
{
    lotk_grow(&ld->pending, &ld->cap_pending, ld->npending + 1, sizeof *ld->pending);
    ld->pending[ld->npending].label = lotk_xstrdup(label);
    ld->pending[ld->npending++].value = value;
}

static void flush_pending_labels(struct loader *ld, struct lotk_scale *sc)
{
    for (size_t i = 0; i < ld->npending; i++) {
        const char *l = ld->pending[i].label;
        lotk_strmap_put(&sc->labels, l, strlen(l), ld->pending[i].value);
        free(ld->pending[i].label);
    }
    ld->npending = 0;
}

static void load_scale(struct loader *ld, const char *id, const yaml_node_t *key,
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
    if (!expect(ld, n, YAML_MAPPING_NODE, what))
        return;
    check_keys(ld, n, keys, what);
    yaml_node_t *mn = require(ld, n, "min", what), *mx = require(ld, n, "max", what);
    bool ok = mn && mx;
    ok = mn && get_number(ld, mn, "min", &sc->min) && ok;
    ok = mx && get_number(ld, mx, "max", &sc->max) && ok;
    if (ok && sc->min >= sc->max) {
        problem(ld, mx, "%s: min (%s) must be less than max (%s)", what, scalar(mn), scalar(mx));
        ok = false; /* no range to hold labels against */
    }
    yaml_node_t *labels = map_get(ld, n, "labels");
    if (labels && expect(ld, labels, YAML_MAPPING_NODE, "labels")) {
        size_t count = (size_t)(labels->data.mapping.pairs.top - labels->data.mapping.pairs.start);
        sc->label_values = lotk_xcalloc(count, sizeof *sc->label_values);
        check_keys(ld, labels, NULL, "labels");
        for (yaml_node_pair_t *p = labels->data.mapping.pairs.start;
             p < labels->data.mapping.pairs.top; p++) {
            yaml_node_t *k = node_at(ld, p->key), *v = node_at(ld, p->value);
            double value;
            if (k->type != YAML_SCALAR_NODE || !get_number(ld, v, "label value", &value))
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
    yaml_node_t *missing = map_get(ld, n, "missing");
    if (missing && expect(ld, missing, YAML_SEQUENCE_NODE, "missing")) {
        for (yaml_node_item_t *i = missing->data.sequence.items.start;
             i < missing->data.sequence.items.top; i++) {
            yaml_node_t *v = node_at(ld, *i);
            if (v->type != YAML_SCALAR_NODE) {
                problem(ld, v, "missing: expected a string, found %s", type_name(v));
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

static void load_scales(struct loader *ld, const yaml_node_t *n)
{
    if (!expect(ld, n, YAML_MAPPING_NODE, "scales"))
        return;
    check_keys(ld, n, NULL, "scales");
    for (yaml_node_pair_t *p = n->data.mapping.pairs.start; p < n->data.mapping.pairs.top; p++) {
        yaml_node_t *k = node_at(ld, p->key);
        if (k->type == YAML_SCALAR_NODE)
            load_scale(ld, scalar(k), k, node_at(ld, p->value));
    }
}

/* An inline scale of an evidence leaf ({min, max}) is added under a generated id. */
static int scale_ref(struct loader *ld, const yaml_node_t *n, const char *owner)
{
    if (n->type == YAML_MAPPING_NODE) {
        char *id = lotk_xasprintf("%s.scale", owner);
        load_scale(ld, id, n, n);
        int index = lotk_strmap_get(&ld->scale_ids, id, strlen(id));
        free(id);
        return index;
    }
    if (n->type != YAML_SCALAR_NODE) {
        problem(ld, n, "scale: expected a scale name or {min, max}, found %s", type_name(n));
        return -1;
    }
    int index = lotk_strmap_get(&ld->scale_ids, scalar(n), strlen(scalar(n)));
    if (index < 0)
        problem(ld, n, "undefined scale '%s'", scalar(n));
    return index;
}

/* ---- evidence rubrics (docs/evidence.md) ------------------------------------------- */

/* The scale a rubric implies, added under the generated id "<leaf>.scale" like an inline
 * scale, so that normalising an evidence leaf is the same code as for a survey leaf. */
static int add_scale(struct loader *ld, const char *owner, double min, double max,
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

static int compare_levels(const void *a, const void *b)
{
    double x = ((const struct lotk_level *)a)->value, y = ((const struct lotk_level *)b)->value;
    return (x > y) - (x < y);
}

static void load_levels(struct loader *ld, const yaml_node_t *n, struct lotk_rubric *rb,
                        const char *what)
{
    static const char *const keys[] = {"value", "text", NULL};
    if (!expect(ld, n, YAML_SEQUENCE_NODE, "rubric.levels"))
        return;
    size_t count = (size_t)(n->data.sequence.items.top - n->data.sequence.items.start);
    rb->levels = lotk_xcalloc(count ? count : 1, sizeof *rb->levels);
    for (yaml_node_item_t *i = n->data.sequence.items.start; i < n->data.sequence.items.top;
         i++) {
        yaml_node_t *lv = node_at(ld, *i);
        if (!expect(ld, lv, YAML_MAPPING_NODE, "level"))
            continue;
        check_keys(ld, lv, keys, "level");
        yaml_node_t *v = require(ld, lv, "value", "level"), *t = require(ld, lv, "text", "level");
        double x;
        if (!v || !get_number(ld, v, "level value", &x))
            continue;
        bool twice = false;
        for (size_t k = 0; k < rb->nlevels; k++)
            twice |= rb->levels[k].value == x;
        if (twice) {
            problem(ld, v, "%s: level %s is listed twice", what, scalar(v));
            continue;
        }
        struct lotk_level *level = &rb->levels[rb->nlevels++];
        level->value = x;
        if (t)
            load_text(ld, t, &level->text, "level text");
    }
    if (rb->nlevels < 2)
        problem(ld, n, "%s: a rubric needs at least two levels", what);
    /* Standards list levels either way (优 first or 差 first); ratings look them up. */
    qsort(rb->levels, rb->nlevels, sizeof *rb->levels, compare_levels);
}

static void load_thresholds(struct loader *ld, const yaml_node_t *n, struct lotk_rubric *rb,
                            const char *what)
{
    static const char *const keys[] = {"at_least", "score", NULL};
    if (!expect(ld, n, YAML_SEQUENCE_NODE, "rubric.thresholds"))
        return;
    size_t count = (size_t)(n->data.sequence.items.top - n->data.sequence.items.start);
    rb->thresholds = lotk_xcalloc(count ? count : 1, sizeof *rb->thresholds);
    for (yaml_node_item_t *i = n->data.sequence.items.start; i < n->data.sequence.items.top;
         i++) {
        yaml_node_t *t = node_at(ld, *i);
        if (!expect(ld, t, YAML_MAPPING_NODE, "threshold"))
            continue;
        check_keys(ld, t, keys, "threshold");
        yaml_node_t *a = require(ld, t, "at_least", "threshold");
        yaml_node_t *sc = require(ld, t, "score", "threshold");
        struct lotk_threshold th;
        if (!a || !sc || !get_number(ld, a, "at_least", &th.at_least) ||
            !get_number(ld, sc, "score", &th.score))
            continue;
        if (th.score < 0 || th.score > 1) {
            problem(ld, sc, "%s: a threshold's score is a share of full marks in [0, 1], "
                            "found %s", what, scalar(sc));
            continue;
        }
        if (rb->nthresholds > 0) {
            const struct lotk_threshold *prev = &rb->thresholds[rb->nthresholds - 1];
            if (th.at_least >= prev->at_least) {
                problem(ld, a, "%s: list thresholds highest first with strictly descending "
                               "at_least: %s follows %g", what, scalar(a), prev->at_least);
                continue;
            }
            if (th.score > prev->score) {
                problem(ld, sc, "%s: threshold at_least %s scores %s, more than the higher "
                                "threshold's %g", what, scalar(a), scalar(sc), prev->score);
                continue;
            }
        }
        rb->thresholds[rb->nthresholds++] = th;
    }
    if (rb->nthresholds == 0)
        problem(ld, n, "%s: a fact rubric needs at least one threshold", what);
}

static void load_fact(struct loader *ld, const yaml_node_t *n, struct lotk_rubric *rb,
                      const char *what)
{
    yaml_node_t *v;
    rb->kind = LOTK_RUBRIC_FACT;
    if ((v = map_get(ld, n, "fact")))
        load_text(ld, v, &rb->what, "rubric.fact");
    if ((v = map_get(ld, n, "unit")))
        rb->unit = get_string(ld, v, "rubric.unit");
    yaml_node_t *mn = map_get(ld, n, "min"), *mx = map_get(ld, n, "max");
    if (mn)
        get_number(ld, mn, "rubric.min", &rb->fact_min);
    if (mx)
        get_number(ld, mx, "rubric.max", &rb->fact_max);
    if (mn && mx && rb->fact_min >= rb->fact_max)
        problem(ld, mx, "%s: rubric.min (%s) must be less than rubric.max (%s)", what,
                scalar(mn), scalar(mx));
    if ((v = require(ld, n, "thresholds", what)))
        load_thresholds(ld, v, rb, what);
    if ((v = map_get(ld, n, "otherwise")) && get_number(ld, v, "rubric.otherwise",
                                                         &rb->otherwise)) {
        if (rb->otherwise < 0 || rb->otherwise > 1)
            problem(ld, v, "%s: otherwise is a share of full marks in [0, 1], found %s", what,
                    scalar(v));
        else if (rb->nthresholds > 0 &&
                 rb->otherwise > rb->thresholds[rb->nthresholds - 1].score)
            problem(ld, v, "%s: otherwise (%s) scores more than the lowest threshold (%g)",
                    what, scalar(v), rb->thresholds[rb->nthresholds - 1].score);
    }
}

/* A rubric is levels (0–4 with what each requires), a numeric fact with thresholds, or a
 * yes/no check; it also fixes the leaf's scale. */
static void load_rubric(struct loader *ld, int index, const yaml_node_t *n, const char *what)
{
    static const char *const keys[] = {"levels", "fact", "yes_no", "unit", "min", "max",
                                       "thresholds", "otherwise", NULL};
    static const char *const fact_keys[] = {"unit", "min", "max", "thresholds", "otherwise",
                                            NULL};
    struct lotk_rubric *rb = ld->s->nodes[index].rubric;
    if (!expect(ld, n, YAML_MAPPING_NODE, "rubric"))
        return;
    check_keys(ld, n, keys, "rubric");
    yaml_node_t *levels = map_get(ld, n, "levels"), *fact = map_get(ld, n, "fact");
    yaml_node_t *yes_no = map_get(ld, n, "yes_no");
    if (!!levels + !!fact + !!yes_no != 1) {
        problem(ld, n, "%s: a rubric has exactly one of levels, fact or yes_no", what);
        return;
    }
    for (int k = 0; !fact && fact_keys[k]; k++) {
        yaml_node_t *v = map_get(ld, n, fact_keys[k]);
        if (v)
            problem(ld, v, "%s: rubric.%s belongs to a fact rubric", what, fact_keys[k]);
    }
    double min = 0, max = 1; /* facts and yes/no score into [0, 1] */
    if (levels) {
        rb->kind = LOTK_RUBRIC_LEVELS;
        load_levels(ld, levels, rb, what);
        if (rb->nlevels < 2)
            return;
        min = rb->levels[0].value;
        max = rb->levels[rb->nlevels - 1].value;
    } else if (yes_no) {
        rb->kind = LOTK_RUBRIC_YES_NO;
        load_text(ld, yes_no, &rb->what, "rubric.yes_no");
    } else {
        load_fact(ld, n, rb, what);
    }
    ld->s->nodes[index].scale = add_scale(ld, ld->s->nodes[index].id, min, max, n);
}

static void load_evidence_leaf(struct loader *ld, int index, const yaml_node_t *n,
                               const char *what)
{
    struct lotk_rubric *rb = lotk_xcalloc(1, sizeof *rb);
    rb->fact_min = -INFINITY;
    rb->fact_max = INFINITY;
    ld->s->nodes[index].rubric = rb;
    yaml_node_t *rubric = map_get(ld, n, "rubric"), *scale = map_get(ld, n, "scale");
    if (rubric && scale)
        problem(ld, scale, "%s: give a rubric or a scale, not both", what);
    else if (rubric)
        load_rubric(ld, index, rubric, what);
    else if (!scale)
        problem(ld, n, "%s: an evidence indicator needs a rubric (levels, fact or yes_no) or "
                       "a scale", what);
    yaml_node_t *cite = map_get(ld, n, "evidence");
    if (!cite)
        return;
    if (cite->type == YAML_SCALAR_NODE || cite->type == YAML_MAPPING_NODE) {
        rb->evidence = lotk_xcalloc(1, sizeof *rb->evidence);
        load_text(ld, cite, &rb->evidence[rb->nevidence++], "evidence");
        return;
    }
    size_t count = (size_t)(cite->data.sequence.items.top - cite->data.sequence.items.start);
    rb->evidence = lotk_xcalloc(count ? count : 1, sizeof *rb->evidence);
    for (yaml_node_item_t *i = cite->data.sequence.items.start;
         i < cite->data.sequence.items.top; i++)
        load_text(ld, node_at(ld, *i), &rb->evidence[rb->nevidence++], "evidence");
}

static void free_rubric(struct lotk_rubric *rb)
{
    if (!rb)
        return;
    for (size_t i = 0; i < rb->nlevels; i++)
        free_text(&rb->levels[i].text);
    free(rb->levels);
    free_text(&rb->what);
    free(rb->unit);
    free(rb->thresholds);
    for (size_t i = 0; i < rb->nevidence; i++)
        free_text(&rb->evidence[i]);
    free(rb->evidence);
    free(rb);
}

/* ---- indicators ------------------------------------------------------------------- */

/* A built-in aggregate, or the name (or .lua path) of an aggregate plugin; whether the
 * plugin exists is checked when plugins are loaded, not here. */
static bool load_aggregate(struct loader *ld, const yaml_node_t *n, enum lotk_aggregate *out,
                           char **plugin)
{
    if (n->type == YAML_SCALAR_NODE) {
        for (size_t i = 0; i < sizeof aggregate_names / sizeof *aggregate_names; i++)
            if (strcmp(scalar(n), aggregate_names[i]) == 0)
                return *out = (enum lotk_aggregate)i, true;
        size_t len = strlen(scalar(n));
        if (valid_id(scalar(n), true) || (len > 4 && strcmp(scalar(n) + len - 4, ".lua") == 0)) {
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
            n->type == YAML_SCALAR_NODE ? scalar(n) : type_name(n),
            n->type == YAML_SCALAR_NODE ? "'" : "");
    return false;
}

/* Copies a YAML subtree into a plain value tree for plugins. */
static void to_value(struct loader *ld, const yaml_node_t *n, struct lotk_value *v)
{
    memset(v, 0, sizeof *v);
    v->loc = loc_of(n);
    if (ld->visits > STANDARD_MAX_VISITS)
        return;
    if (n->type == YAML_SCALAR_NODE) {
        const char *text = scalar(n);
        if (is_plain(n) && (strcmp(text, "~") == 0 || strcmp(text, "null") == 0)) {
            v->type = LOTK_VALUE_NULL;
        } else if (is_plain(n) && lotk_parse_double(text, strlen(text), &v->number) == 0) {
            v->type = LOTK_VALUE_NUMBER;
        } else if (is_plain(n) && (strcmp(text, "true") == 0 || strcmp(text, "false") == 0)) {
            v->type = LOTK_VALUE_BOOL;
            v->boolean = text[0] == 't';
        } else {
            v->type = LOTK_VALUE_STRING;
            v->string = lotk_xstrdup(text);
        }
    } else if (n->type == YAML_SEQUENCE_NODE) {
        v->type = LOTK_VALUE_LIST;
        v->count = (size_t)(n->data.sequence.items.top - n->data.sequence.items.start);
        v->items = lotk_xcalloc(v->count, sizeof *v->items);
        for (size_t i = 0; i < v->count; i++)
            to_value(ld, node_at(ld, n->data.sequence.items.start[i]), &v->items[i]);
    } else if (n->type == YAML_MAPPING_NODE) {
        v->type = LOTK_VALUE_MAP;
        v->count = (size_t)(n->data.mapping.pairs.top - n->data.mapping.pairs.start);
        v->items = lotk_xcalloc(v->count, sizeof *v->items);
        v->keys = lotk_xcalloc(v->count, sizeof *v->keys);
        for (size_t i = 0; i < v->count; i++) {
            yaml_node_t *k = node_at(ld, n->data.mapping.pairs.start[i].key);
            v->keys[i] = lotk_xstrdup(k->type == YAML_SCALAR_NODE ? scalar(k) : "");
            to_value(ld, node_at(ld, n->data.mapping.pairs.start[i].value), &v->items[i]);
        }
    }
}

static bool load_share(struct loader *ld, const yaml_node_t *n, const char *what, double *out)
{
    if (!get_number(ld, n, what, out))
        return false;
    if (*out <= 0 || *out > 1) {
        problem(ld, n, "%s: expected a share in (0, 1], found %s", what, scalar(n));
        return false;
    }
    return true;
}

static int new_node(struct loader *ld, int parent, int depth)
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

/* libyaml counts columns in characters, PCRE2 offsets in bytes: the characters in the
 * first `offset` bytes of s (offset 1-based, as lotk_rx_compile gives it). */
static long utf8_chars(const char *s, size_t offset)
{
    long n = 0;
    for (size_t i = 0; i + 1 < offset && s[i]; i++)
        n += ((unsigned char)s[i] & 0xC0) != 0x80;
    return n + 1;
}

/* A column spec: a header, {match: pattern} or {question: N, row: R}. */
static void load_column(struct loader *ld, const yaml_node_t *v, struct lotk_column *col,
                        const char *what)
{
    static const char *const ckeys[] = {"match", "question", "row", NULL};
    col->loc = loc_of(v);
    if (v->type == YAML_SCALAR_NODE) {
        col->name = lotk_xstrdup(scalar(v));
        return;
    }
    if (v->type != YAML_MAPPING_NODE) {
        problem(ld, v, "%s: column: expected a header, {match: pattern} or {question: N}, "
                "found %s", what, type_name(v));
        return;
    }
    check_keys(ld, v, ckeys, "column");
    yaml_node_t *m = map_get(ld, v, "match"), *q = map_get(ld, v, "question");
    yaml_node_t *r = map_get(ld, v, "row");
    double x;
    if (m && q) {
        problem(ld, v, "%s: column: give match or question, not both", what);
    } else if (m && m->type == YAML_SCALAR_NODE) {
        struct lotk_err err;
        size_t offset = 0;
        col->loc = loc_of(m);
        if (lotk_rx_compile(&col->match, scalar(m), &offset, &err) != 0) {
            long quote = m->data.scalar.style == YAML_PLAIN_SCALAR_STYLE ? 0 : 1;
            lotk_diags_add(ld->diags, false, LOTK_ESTANDARD, ld->file,
                           (long)m->start_mark.line + 1,
                           (long)m->start_mark.column + quote + utf8_chars(scalar(m), offset),
                           "%s: %s", what,
                           err.msg);
        }
    } else if (m) {
        problem(ld, m, "column.match: expected a regular expression, found %s", type_name(m));
    } else if (q) {
        if (get_number(ld, q, "question", &x)) {
            if (x < 1 || x > 99999 || x != floor(x))
                problem(ld, q, "%s: question: expected a question number from 1, found %s",
                        what, scalar(q));
            else
                col->question = (int)x;
        }
    } else {
        problem(ld, v, "%s: column: expected match or question", what);
    }
    if (r) {
        if (!q)
            problem(ld, r, "%s: column.row goes with question", what);
        else if (get_number(ld, r, "row", &x)) {
            if (x < 1 || x > 99999 || x != floor(x))
                problem(ld, r, "%s: row: expected a row number from 1, found %s", what,
                        scalar(r));
            else
                col->row = (int)x;
        }
    }
}

static void free_column(struct lotk_column *col)
{
    free(col->name);
    lotk_rx_free(col->match);
    memset(col, 0, sizeof *col);
}

/* options: [{label, value}] of a multi item, in the order of its number-export columns. */
static void load_options(struct loader *ld, struct lotk_item *it, const yaml_node_t *n,
                         const char *what)
{
    static const char *const okeys[] = {"label", "value", NULL};
    yaml_node_t *v = map_get(ld, n, "options");
    if (it->type != LOTK_ITEM_MULTI) {
        if (v)
            problem(ld, v, "%s: options are for items of type: multi", what);
        return;
    }
    if (!v) {
        problem(ld, n, "%s: a multi item needs options: [{label, value}, ...]", what);
        return;
    }
    if (!expect(ld, v, YAML_SEQUENCE_NODE, "options"))
        return;
    size_t count = (size_t)(v->data.sequence.items.top - v->data.sequence.items.start);
    it->options = lotk_xcalloc(count ? count : 1, sizeof *it->options);
    for (yaml_node_item_t *i = v->data.sequence.items.start; i < v->data.sequence.items.top;
         i++) {
        yaml_node_t *o = node_at(ld, *i);
        if (!expect(ld, o, YAML_MAPPING_NODE, "option"))
            continue;
        check_keys(ld, o, okeys, "option");
        yaml_node_t *l = require(ld, o, "label", "option"), *val = require(ld, o, "value", "option");
        char *label = l ? get_string(ld, l, "label") : NULL;
        double x;
        if (!label || !val || !get_number(ld, val, "value", &x)) {
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

static void load_item(struct loader *ld, int leaf, int leaf_scale, const yaml_node_t *n)
{
    static const char *const keys[] = {"id", "text", "column", "scale", "reverse", "type",
                                       "options", NULL};
    struct lotk_standard *s = ld->s;
    if (!expect(ld, n, YAML_MAPPING_NODE, "item"))
        return;
    yaml_node_t *idn = require(ld, n, "id", "item");
    char *id = idn ? get_string(ld, idn, "item id") : NULL;
    if (!id)
        return;
    char what[160];
    snprintf(what, sizeof what, "item '%s'", id);
    check_keys(ld, n, keys, what);
    if (!valid_id(id, true))
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
    if ((v = map_get(ld, n, "text")))
        load_text(ld, v, &it->text, what);
    if ((v = map_get(ld, n, "reverse")))
        get_bool(ld, v, "reverse", &it->reverse);
    if ((v = map_get(ld, n, "scale")))
        it->scale = scale_ref(ld, v, id);
    else if (leaf_scale == -1)
        problem(ld, n, "%s: missing required key 'scale' (or give the indicator a scale)", what);
    v = map_get(ld, n, "column");
    struct lotk_column col = {0};
    if (!v) {
        col.name = lotk_xstrdup(id); /* the header is the item id unless said otherwise */
        col.loc = it->loc;
    } else {
        load_column(ld, v, &col, what);
    }
    it->column = col.name;
    it->match = col.match;
    it->question = col.question;
    it->row = col.row;
    it->column_loc = col.loc;
    if ((v = map_get(ld, n, "type"))) {
        if (v->type == YAML_SCALAR_NODE && strcmp(scalar(v), "multi") == 0)
            it->type = LOTK_ITEM_MULTI;
        else if (!(v->type == YAML_SCALAR_NODE && strcmp(scalar(v), "single") == 0))
            problem(ld, v, "%s: type: expected single or multi", what);
    }
    load_options(ld, it, n, what);
}

static void load_indicators(struct loader *ld, int parent, const yaml_node_t *list, int depth);

static void load_indicator(struct loader *ld, int parent, const yaml_node_t *n, int depth)
{
    static const char *const keys[] = {"id", "title", "description", "weight", "aggregate",
                                       "min_answered", "min_children", "indicators", "items",
                                       "source", "scale", "params", "rubric", "evidence",
                                       "rationale", NULL};
    if (!expect(ld, n, YAML_MAPPING_NODE, "indicator"))
        return;
    yaml_node_t *idn = require(ld, n, "id", "indicator");
    char *id = idn ? get_string(ld, idn, "indicator id") : NULL;
    if (!id)
        return;
    char what[160];
    snprintf(what, sizeof what, "indicator '%s'", id);
    check_keys(ld, n, keys, what);
    if (!valid_id(id, true))
        problem(ld, idn, "%s: ids use letters, digits, '.', '_' and '-'", what);
    /* As with items: reported, then loaded, so that its subtree is checked as well. */
    if (lotk_strmap_get(&ld->node_ids, id, strlen(id)) >= 0 || strcmp(id, "total") == 0)
        problem(ld, idn, "duplicate indicator id '%s'", id);
    int index = new_node(ld, parent, depth);
    struct lotk_node *node = &ld->s->nodes[index];
    node->id = id;
    node->loc = loc_of(n);
    lotk_strmap_put(&ld->node_ids, id, strlen(id), index);

    yaml_node_t *v;
    if ((v = map_get(ld, n, "title")))
        load_text(ld, v, &node->title, what);
    /* Why the indicator is there (the policy section, the source of a threshold): for
     * authors and reports, never used in scoring. */
    if ((v = map_get(ld, n, "rationale")))
        load_text(ld, v, &node->rationale, "rationale");
    if ((v = map_get(ld, n, "weight")) && get_number(ld, v, "weight", &node->weight) &&
        node->weight <= 0)
        problem(ld, v, "%s: weight must be greater than 0, found %s", what, scalar(v));
    if ((v = map_get(ld, n, "aggregate")))
        load_aggregate(ld, v, &node->aggregate, &node->aggregate_plugin);
    if ((v = map_get(ld, n, "params"))) {
        if (expect(ld, v, YAML_MAPPING_NODE, "params"))
            to_value(ld, v, &node->params);
        if (node->aggregate != LOTK_AGG_PLUGIN)
            problem(ld, v, "%s: params are for an aggregate plugin, and this indicator uses "
                           "the built-in %s", what, aggregate_names[node->aggregate]);
    }
    if ((v = map_get(ld, n, "min_answered")))
        load_share(ld, v, "min_answered", &node->min_answered);
    if ((v = map_get(ld, n, "min_children")))
        load_share(ld, v, "min_children", &node->min_children);
    if ((v = map_get(ld, n, "scale"))) {
        /* -2: a scale was given but is wrong, already reported; its items say no more. */
        int sc = scale_ref(ld, v, id);
        ld->s->nodes[index].scale = sc >= 0 ? sc : -2;
    }
    /* An inner indicator's scale and min_answered are defaults for the indicators below. */
    if (parent > 0) {
        const struct lotk_node *up = &ld->s->nodes[parent];
        node = &ld->s->nodes[index];
        if (!map_get(ld, n, "scale"))
            node->scale = up->scale;
        if (!map_get(ld, n, "min_answered"))
            node->min_answered = up->min_answered;
    }
    if (!map_get(ld, n, "indicators")) {
        static const char *const inner_keys[] = {"aggregate", "min_children", NULL};
        for (int k = 0; inner_keys[k]; k++)
            if ((v = map_get(ld, n, inner_keys[k])))
                problem(ld, v, "%s: %s is for indicators with indicators below them", what,
                        inner_keys[k]);
    }
    if ((v = map_get(ld, n, "source"))) {
        if (v->type == YAML_SCALAR_NODE && strcmp(scalar(v), "evidence") == 0)
            ld->s->nodes[index].source = LOTK_SOURCE_EVIDENCE;
        else if (!(v->type == YAML_SCALAR_NODE && strcmp(scalar(v), "survey") == 0))
            problem(ld, v, "source: expected survey or evidence");
    }

    yaml_node_t *items = map_get(ld, n, "items"), *children = map_get(ld, n, "indicators");
    node = &ld->s->nodes[index];
    if (node->source == LOTK_SOURCE_EVIDENCE) {
        if (items || children)
            problem(ld, n, "%s: an evidence indicator has no items or indicators", what);
        load_evidence_leaf(ld, index, n, what);
        ld->s->nevidence++;
        return;
    }
    static const char *const evidence_keys[] = {"rubric", "evidence", NULL};
    for (int k = 0; evidence_keys[k]; k++)
        if ((v = map_get(ld, n, evidence_keys[k])))
            problem(ld, v, "%s: %s is for evidence indicators (source: evidence)", what,
                    evidence_keys[k]);
    if (items && children) {
        problem(ld, n, "%s: has both items and indicators; give one or the other", what);
    } else if (!items && !children) {
        problem(ld, n, "%s: has neither items nor indicators", what);
    } else if (children) {
        load_indicators(ld, index, children, depth + 1);
    } else if (expect(ld, items, YAML_SEQUENCE_NODE, "items")) {
        int leaf_scale = ld->s->nodes[index].scale;
        size_t first = ld->s->nitems;
        for (yaml_node_item_t *i = items->data.sequence.items.start;
             i < items->data.sequence.items.top; i++)
            load_item(ld, index, leaf_scale, node_at(ld, *i));
        node = &ld->s->nodes[index];
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
}

static void load_indicators(struct loader *ld, int parent, const yaml_node_t *list, int depth)
{
    if (!expect(ld, list, YAML_SEQUENCE_NODE, "indicators"))
        return;
    if (list->data.sequence.items.start == list->data.sequence.items.top)
        problem(ld, list, "indicators: the list is empty");
    for (yaml_node_item_t *i = list->data.sequence.items.start; i < list->data.sequence.items.top;
         i++) {
        if (ld->visits > STANDARD_MAX_VISITS) {
            problem(ld, list, "the standard is too large (aliases that repeat a subtree?)");
            return;
        }
        load_indicator(ld, parent, node_at(ld, *i), depth);
    }
}

/* Children lists, weight shares and depth-first order are derived after loading, when
 * the node array no longer moves. */
static void link_tree(struct lotk_standard *s)
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

/* ---- top level -------------------------------------------------------------------- */

static void load_survey(struct loader *ld, const yaml_node_t *n)
{
    static const char *const keys[] = {"org_column", "id_column", "duration_column",
                                       "min_respondents", NULL};
    struct lotk_standard *s = ld->s;
    if (!expect(ld, n, YAML_MAPPING_NODE, "survey"))
        return;
    check_keys(ld, n, keys, "survey");
    yaml_node_t *v;
    /* org_column and id_column stay available as plain names for messages: the header, or
     * the pattern's text. */
    if ((v = require(ld, n, "org_column", "survey"))) {
        load_column(ld, v, &s->org_spec, "org_column");
        s->org_column = lotk_xstrdup(s->org_spec.name ? s->org_spec.name :
                                     s->org_spec.match ? lotk_rx_pattern(s->org_spec.match) : "?");
    }
    if ((v = map_get(ld, n, "id_column"))) {
        load_column(ld, v, &s->id_spec, "id_column");
        s->id_column = lotk_xstrdup(s->id_spec.name ? s->id_spec.name :
                                    s->id_spec.match ? lotk_rx_pattern(s->id_spec.match) : "?");
    }
    if ((v = map_get(ld, n, "duration_column"))) {
        load_column(ld, v, &s->duration, "duration_column");
        s->has_duration = true;
    }
    double m;
    if ((v = map_get(ld, n, "min_respondents")) && get_number(ld, v, "min_respondents", &m)) {
        if (m < 1 || m != floor(m) || m > 1e9)
            problem(ld, v, "min_respondents: expected a whole number of at least 1, found %s",
                    scalar(v));
        else
            ld->s->min_respondents = (long)m;
    }
}

static void load_bands(struct loader *ld, const yaml_node_t *n)
{
    static const char *const keys[] = {"grade", "min", "label", NULL};
    struct lotk_standard *s = ld->s;
    if (!expect(ld, n, YAML_SEQUENCE_NODE, "bands"))
        return;
    size_t count = (size_t)(n->data.sequence.items.top - n->data.sequence.items.start);
    s->bands = lotk_xcalloc(count, sizeof *s->bands);
    for (yaml_node_item_t *i = n->data.sequence.items.start; i < n->data.sequence.items.top;
         i++) {
        yaml_node_t *b = node_at(ld, *i);
        if (!expect(ld, b, YAML_MAPPING_NODE, "band"))
            continue;
        check_keys(ld, b, keys, "band");
        struct lotk_band *band = &s->bands[s->nbands];
        yaml_node_t *g = require(ld, b, "grade", "band"), *mn = require(ld, b, "min", "band");
        if (!g || !mn || !(band->grade = get_string(ld, g, "grade")))
            continue;
        if (!get_number(ld, mn, "min", &band->min)) {
            free(band->grade);
            continue;
        }
        yaml_node_t *label = map_get(ld, b, "label");
        if (label)
            load_text(ld, label, &band->label, "label");
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

static void load_rules(struct loader *ld, const yaml_node_t *n)
{
    struct lotk_standard *s = ld->s;
    if (!expect(ld, n, YAML_SEQUENCE_NODE, "rules"))
        return;
    size_t count = (size_t)(n->data.sequence.items.top - n->data.sequence.items.start);
    s->rules = lotk_xcalloc(count ? count : 1, sizeof *s->rules);
    for (yaml_node_item_t *i = n->data.sequence.items.start; i < n->data.sequence.items.top;
         i++) {
        yaml_node_t *r = node_at(ld, *i);
        if (!expect(ld, r, YAML_MAPPING_NODE, "rule"))
            continue;
        check_keys(ld, r, NULL, "rule");
        yaml_node_t *p = require(ld, r, "plugin", "rule");
        char *plugin = p ? get_string(ld, p, "rule plugin") : NULL;
        if (!plugin)
            continue;
        struct lotk_rule *rule = &s->rules[s->nrules++];
        rule->plugin = plugin;
        rule->loc = loc_of(r);
        to_value(ld, r, &rule->params);
    }
}

static void load_screening(struct loader *ld, const yaml_node_t *n)
{
    static const char *const keys[] = {"straight_lining", "min_seconds", "attention",
                                       "max_missing", NULL};
    static const char *const akeys[] = {"column", "expect", NULL};
    struct lotk_screening *sc = &ld->s->screening;
    if (!expect(ld, n, YAML_MAPPING_NODE, "screening"))
        return;
    check_keys(ld, n, keys, "screening");
    sc->loc = loc_of(n);
    yaml_node_t *v;
    double x;
    if ((v = map_get(ld, n, "straight_lining")) && get_number(ld, v, "straight_lining", &x)) {
        if (x < 2 || x != floor(x) || x > 100000)
            problem(ld, v, "straight_lining: expected a number of items, at least 2");
        else
            sc->straight_lining = (long)x;
    }
    if ((v = map_get(ld, n, "min_seconds")) && get_number(ld, v, "min_seconds", &x)) {
        if (x <= 0)
            problem(ld, v, "min_seconds: expected a positive number of seconds");
        else
            sc->min_seconds = x;
    }
    if ((v = map_get(ld, n, "max_missing")) && get_number(ld, v, "max_missing", &x)) {
        if (x < 0 || x >= 1)
            problem(ld, v, "max_missing: expected a share in [0, 1)");
        else
            sc->max_missing = x;
    }
    if ((v = map_get(ld, n, "attention")) && expect(ld, v, YAML_SEQUENCE_NODE, "attention")) {
        size_t count = (size_t)(v->data.sequence.items.top - v->data.sequence.items.start);
        sc->attention = lotk_xcalloc(count ? count : 1, sizeof *sc->attention);
        for (yaml_node_item_t *i = v->data.sequence.items.start;
             i < v->data.sequence.items.top; i++) {
            yaml_node_t *a = node_at(ld, *i);
            if (!expect(ld, a, YAML_MAPPING_NODE, "attention check"))
                continue;
            check_keys(ld, a, akeys, "attention check");
            yaml_node_t *c = require(ld, a, "column", "attention check");
            yaml_node_t *e = require(ld, a, "expect", "attention check");
            if (!c || !e)
                continue;
            struct lotk_attention *at = &sc->attention[sc->nattention++];
            load_column(ld, c, &at->column, "attention check");
            at->expect = get_string(ld, e, "expect");
        }
    }
}

static void load_agreement(struct loader *ld, const yaml_node_t *n)
{
    static const char *const keys[] = {"rwg_j", "icc1", "icc2", NULL};
    if (!expect(ld, n, YAML_MAPPING_NODE, "agreement"))
        return;
    check_keys(ld, n, keys, "agreement");
    double *targets[] = {&ld->s->min_rwg_j, &ld->s->min_icc1, &ld->s->min_icc2};
    for (int i = 0; keys[i]; i++) {
        yaml_node_t *v = map_get(ld, n, keys[i]);
        double x;
        if (!v || !get_number(ld, v, keys[i], &x))
            continue;
        if (x < -1 || x > 1)
            problem(ld, v, "agreement.%s: expected a value in [-1, 1], found %s", keys[i],
                    scalar(v));
        else
            *targets[i] = x;
    }
}

/* combine: {self: W, third-party: W}, or the name of one role alone. */
static void load_combine(struct loader *ld, const yaml_node_t *n, struct lotk_evidence_spec *e)
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
    if (!expect(ld, n, YAML_MAPPING_NODE, "evidence.combine"))
        return;
    check_keys(ld, n, keys, "evidence.combine");
    double *weights[] = {&e->self_weight, &e->third_weight};
    bool ok = true;
    for (int i = 0; keys[i]; i++) {
        yaml_node_t *v = map_get(ld, n, keys[i]);
        *weights[i] = 0;
        if (v && get_number(ld, v, keys[i], weights[i]) && *weights[i] < 0) {
            problem(ld, v, "evidence.combine.%s: a weight cannot be negative, found %s",
                    keys[i], scalar(v));
            ok = false;
        }
    }
    if (ok && e->self_weight + e->third_weight <= 0)
        problem(ld, n, "evidence.combine: give self or third-party a weight above 0");
}

static void load_evidence_spec(struct loader *ld, const yaml_node_t *n)
{
    static const char *const keys[] = {"org_column", "assessor_column", "role_column",
                                       "assessors", "combine", "spread", "margin", NULL};
    struct lotk_evidence_spec *e = &ld->s->evidence;
    if (!expect(ld, n, YAML_MAPPING_NODE, "evidence"))
        return;
    check_keys(ld, n, keys, "evidence");
    e->loc = loc_of(n);
    char **columns[] = {&e->org_column, &e->assessor_column, &e->role_column};
    for (int i = 0; i < 3; i++) {
        yaml_node_t *v = map_get(ld, n, keys[i]);
        if (v)
            *columns[i] = get_string(ld, v, keys[i]);
    }
    yaml_node_t *v;
    if ((v = map_get(ld, n, "assessors"))) {
        if (v->type == YAML_SCALAR_NODE && strcmp(scalar(v), "median") == 0)
            e->median = true;
        else if (!(v->type == YAML_SCALAR_NODE && strcmp(scalar(v), "mean") == 0))
            problem(ld, v, "evidence.assessors: expected mean or median");
    }
    if ((v = map_get(ld, n, "combine")))
        load_combine(ld, v, e);
    double *limits[] = {&e->spread, &e->margin};
    for (int i = 0; i < 2; i++) {
        double x;
        if (!(v = map_get(ld, n, keys[5 + i])) || !get_number(ld, v, keys[5 + i], &x))
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
static void finish_evidence_spec(struct loader *ld, const yaml_node_t *root)
{
    struct lotk_evidence_spec *e = &ld->s->evidence;
    if (!e->org_column && ld->s->org_column)
        e->org_column = lotk_xstrdup(ld->s->org_column);
    if (!e->assessor_column)
        e->assessor_column = lotk_xstrdup("assessor");
    if (!e->role_column)
        e->role_column = lotk_xstrdup("role");
    if (e->loc.line && ld->s->nevidence == 0)
        warning(ld, map_get(ld, root, "evidence"),
                "evidence: the standard has no evidence indicators (source: evidence) for "
                "these settings to apply to");
}

/* `crosswalk:` — a list of {from: OLD_ID, to: NEW_ID} for lotk compare. Read after the
 * indicators so that each `to` can be checked against this standard's nodes. */
static void load_crosswalk(struct loader *ld, const yaml_node_t *n)
{
    static const char *const keys[] = {"from", "to", NULL};
    struct lotk_standard *s = ld->s;
    if (!expect(ld, n, YAML_SEQUENCE_NODE, "crosswalk"))
        return;
    size_t count = (size_t)(n->data.sequence.items.top - n->data.sequence.items.start);
    s->crosswalk = lotk_xcalloc(count ? count : 1, sizeof *s->crosswalk);
    for (yaml_node_item_t *i = n->data.sequence.items.start; i < n->data.sequence.items.top;
         i++) {
        yaml_node_t *e = node_at(ld, *i);
        if (!expect(ld, e, YAML_MAPPING_NODE, "crosswalk entry"))
            continue;
        check_keys(ld, e, keys, "crosswalk entry");
        yaml_node_t *from = require(ld, e, "from", "crosswalk entry");
        yaml_node_t *to = require(ld, e, "to", "crosswalk entry");
        char *f = from ? get_string(ld, from, "crosswalk from") : NULL;
        char *t = to ? get_string(ld, to, "crosswalk to") : NULL;
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

static void load_root(struct loader *ld, const yaml_node_t *root)
{
    static const char *const keys[] = {"format", "id", "version", "kind", "title",
                                       "description", "scales", "survey", "points",
                                       "aggregate", "bands", "indicators", "rules",
                                       "respondent", "agreement", "crosswalk", "evidence", "screening",
                                       NULL};
    struct lotk_standard *s = ld->s;
    if (!expect(ld, root, YAML_MAPPING_NODE, "standard"))
        return;
    check_keys(ld, root, keys, "standard");
    yaml_node_t *v;
    if ((v = require(ld, root, "format", "standard")) &&
        !(v->type == YAML_SCALAR_NODE && strcmp(scalar(v), "lotk/1") == 0))
        problem(ld, v, "format: expected lotk/1");
    if ((v = require(ld, root, "id", "standard")) && (s->id = get_string(ld, v, "id")) &&
        !valid_id(s->id, false))
        problem(ld, v, "id: expected lowercase letters, digits and '-', found '%s'", s->id);
    if ((v = require(ld, root, "version", "standard")))
        s->version = get_string(ld, v, "version");
    if ((v = require(ld, root, "kind", "standard")) && (s->kind = get_string(ld, v, "kind"))) {
        bool ok = false;
        for (int i = 0; kinds[i]; i++)
            ok |= strcmp(kinds[i], s->kind) == 0;
        if (!ok)
            problem(ld, v,
                    "kind: expected agency, enterprise, public-institution, social-group, "
                    "community, family, city or other, found '%s'",
                    s->kind);
    }
    if ((v = require(ld, root, "title", "standard")))
        load_text(ld, v, &s->title, "title");
    if ((v = map_get(ld, root, "description")))
        s->description = get_string(ld, v, "description");
    if ((v = map_get(ld, root, "scales")))
        load_scales(ld, v);
    if ((v = require(ld, root, "survey", "standard")))
        load_survey(ld, v);
    if ((v = map_get(ld, root, "points")) && get_number(ld, v, "points", &s->points) &&
        s->points <= 0)
        problem(ld, v, "points: must be greater than 0");
    if ((v = map_get(ld, root, "aggregate"))) {
        s->aggregate_loc = loc_of(v);
        load_aggregate(ld, v, &s->nodes[0].aggregate, &s->nodes[0].aggregate_plugin);
    }
    if ((v = map_get(ld, root, "agreement")))
        load_agreement(ld, v);
    if ((v = map_get(ld, root, "screening")))
        load_screening(ld, v);
    if ((v = map_get(ld, root, "respondent"))) {
        s->respondent_loc = loc_of(v);
        s->respondent_plugin = get_string(ld, v, "respondent");
    }
    if ((v = map_get(ld, root, "bands")))
        load_bands(ld, v);
    if ((v = require(ld, root, "indicators", "standard")))
        load_indicators(ld, 0, v, 1);
    if ((v = map_get(ld, root, "rules")))
        load_rules(ld, v);
    if ((v = map_get(ld, root, "crosswalk")))
        load_crosswalk(ld, v);
    if ((v = map_get(ld, root, "evidence")))
        load_evidence_spec(ld, v);
    finish_evidence_spec(ld, root);
}

static void hash_file(const char *data, size_t len, char out[65])
{
    struct sha256_ctx ctx;
    uint8_t digest[SHA256_DIGEST_SIZE];
    sha256_init(&ctx);
    sha256_update(&ctx, len, (const uint8_t *)data);
    sha256_digest(&ctx, sizeof digest, digest);
    for (int i = 0; i < SHA256_DIGEST_SIZE; i++)
        snprintf(out + 2 * i, 3, "%02x", digest[i]);
}

int lotk_standard_load(const char *path, struct lotk_standard **out, struct lotk_diags *diags)
{
    char *data = NULL;
    size_t len = 0;
    int rc = LOTK_ESTANDARD;
    size_t errors_before = diags->errors;
    struct loader ld = {.file = path, .diags = diags};
    yaml_parser_t parser;
    bool have_parser = false, have_doc = false;

    *out = NULL;
    struct lotk_err io;
    if (lotk_file_read(path, STANDARD_MAX_BYTES, &data, &len, &io) != 0) {
        lotk_diags_add_err(diags, false, &io);
        return LOTK_EIO;
    }
    struct lotk_standard *s = lotk_xcalloc(1, sizeof *s);
    ld.s = s;
    s->path = lotk_xstrdup(path);
    s->points = 100;
    s->min_respondents = 1;
    s->min_rwg_j = s->min_icc1 = s->min_icc2 = NAN;
    s->screening.max_missing = -1;
    s->evidence.third_weight = 1; /* third party only unless the standard says otherwise */
    s->evidence.spread = s->evidence.margin = NAN;
    hash_file(data, len, s->sha256);
    new_node(&ld, -1, 0);
    s->nodes[0].id = lotk_xstrdup("total");

    if (!yaml_parser_initialize(&parser)) {
        lotk_diags_add(diags, false, LOTK_EIO, path, 0, 0, "cannot start the YAML parser");
        goto done;
    }
    have_parser = true;
    yaml_parser_set_input_string(&parser, (const unsigned char *)data, len);
    if (!yaml_parser_load(&parser, &ld.doc)) {
        const yaml_mark_t *m = parser.problem ? &parser.problem_mark : &parser.mark;
        lotk_diags_add(diags, false, LOTK_ESTANDARD, path, (long)m->line + 1,
                       (long)m->column + 1, "YAML syntax: %s%s%s",
                       parser.problem ? parser.problem : "invalid document",
                       parser.context ? " " : "", parser.context ? parser.context : "");
        goto done;
    }
    have_doc = true;
    yaml_node_t *root = yaml_document_get_root_node(&ld.doc);
    if (!root) {
        lotk_diags_add(diags, false, LOTK_ESTANDARD, path, 1, 1,
                       "the file is empty; expected a standard (format: lotk/1)");
        goto done;
    }
    load_root(&ld, root);
    if (diags->errors == errors_before) {
        link_tree(s);
        rc = 0;
    }
done:
    if (have_doc)
        yaml_document_delete(&ld.doc);
    if (have_parser)
        yaml_parser_delete(&parser);
    lotk_strmap_free(&ld.node_ids);
    lotk_strmap_free(&ld.item_ids);
    lotk_strmap_free(&ld.scale_ids);
    free(ld.pending);
    free(data);
    if (rc == 0)
        *out = s;
    else
        lotk_standard_free(s);
    return rc;
}

int lotk_standard_find_node(const struct lotk_standard *s, const char *id)
{
    for (size_t i = 0; i < s->nnodes; i++)
        if (strcmp(s->nodes[i].id, id) == 0)
            return (int)i;
    return -1;
}

void lotk_standard_free(struct lotk_standard *s)
{
    if (!s)
        return;
    for (size_t i = 0; i < s->nscales; i++) {
        free(s->scales[i].id);
        lotk_strmap_free(&s->scales[i].labels);
        lotk_strmap_free(&s->scales[i].missing);
        free(s->scales[i].label_values);
    }
    free(s->scales);
    for (size_t i = 0; i < s->nitems; i++) {
        free(s->items[i].id);
        free_text(&s->items[i].text);
        free(s->items[i].column);
        lotk_rx_free(s->items[i].match);
        for (size_t k = 0; k < s->items[i].noptions; k++)
            free(s->items[i].options[k].label);
        free(s->items[i].options);
    }
    free(s->items);
    for (size_t i = 0; i < s->nnodes; i++) {
        free(s->nodes[i].id);
        free_text(&s->nodes[i].title);
        free_text(&s->nodes[i].rationale);
        free(s->nodes[i].children);
        free(s->nodes[i].items);
        free(s->nodes[i].aggregate_plugin);
        lotk_value_clear(&s->nodes[i].params);
        free_rubric(s->nodes[i].rubric);
    }
    for (size_t i = 0; i < s->nrules; i++) {
        free(s->rules[i].plugin);
        lotk_value_clear(&s->rules[i].params);
    }
    free(s->rules);
    for (size_t i = 0; i < s->ncrosswalk; i++) {
        free(s->crosswalk[i].from);
        free(s->crosswalk[i].to);
    }
    free(s->crosswalk);
    free(s->respondent_plugin);
    free(s->nodes);
    for (size_t i = 0; i < s->nbands; i++) {
        free(s->bands[i].grade);
        free_text(&s->bands[i].label);
    }
    free(s->bands);
    free(s->path);
    free(s->id);
    free(s->version);
    free(s->kind);
    free_text(&s->title);
    free(s->description);
    free(s->org_column);
    free(s->id_column);
    free_column(&s->org_spec);
    free_column(&s->id_spec);
    free_column(&s->duration);
    for (size_t i = 0; i < s->screening.nattention; i++) {
        free_column(&s->screening.attention[i].column);
        free(s->screening.attention[i].expect);
    }
    free(s->screening.attention);
    free(s->evidence.org_column);
    free(s->evidence.assessor_column);
    free(s->evidence.role_column);
    free(s);
}

/* ---- search path ------------------------------------------------------------------ */

/* The search path, in order, each directory once however it is spelled. */
struct search_path {
    char **dirs;
    size_t n;
    struct lotk_strmap seen; /* real paths */
};

static void search_add(struct search_path *sp, const char *dir)
{
    char real[4096];
    if (!realpath(dir, real))
        return; /* a directory that does not exist holds no standards */
    if (lotk_strmap_get(&sp->seen, real, strlen(real)) >= 0)
        return;
    lotk_strmap_put(&sp->seen, real, strlen(real), 1);
    sp->dirs = lotk_xrealloc(sp->dirs, (sp->n + 1) * sizeof *sp->dirs);
    sp->dirs[sp->n++] = lotk_xstrdup(dir);
}

void lotk_standard_each_file(void (*fn)(const char *path, void *ctx), void *ctx)
{
    struct search_path sp = {0};
    search_add(&sp, "standards");
    const char *env = getenv("LOTK_STANDARD_PATH");
    if (env && *env) {
        char *copy = lotk_xstrdup(env), *save = NULL;
        for (char *dir = strtok_r(copy, ":", &save); dir; dir = strtok_r(NULL, ":", &save))
            search_add(&sp, dir);
        free(copy);
    }
    /* Beside the binary: the standards/ of a source tree it was built in (build/lotk), and
     * the share/lotk/standards of the prefix it was installed to, wherever that moved. */
    char exe[4096];
    ssize_t n = readlink("/proc/self/exe", exe, sizeof exe - 1);
    if (n > 0) {
        exe[n] = '\0';
        char *slash = strrchr(exe, '/');
        if (slash) {
            *slash = '\0';
            char *tree = lotk_xasprintf("%s/../standards", exe);
            char *share = lotk_xasprintf("%s/../share/lotk/standards", exe);
            char real[4096];
            if (realpath(tree, real))
                search_add(&sp, real);
            if (realpath(share, real))
                search_add(&sp, real);
            free(tree);
            free(share);
        }
    }
    search_add(&sp, LOTK_DATADIR "/standards");
    for (size_t i = 0; i < sp.n; i++) {
        lotk_dir_each(sp.dirs[i], ".yaml", fn, ctx);
        free(sp.dirs[i]);
    }
    free(sp.dirs);
    lotk_strmap_free(&sp.seen);
}

struct find_ctx {
    const char *id;
    char *found;
};

/* Reads just the top-level id of a standard, without validating the rest. */
static char *peek_id(const char *path)
{
    char *data = NULL, *id = NULL;
    size_t len;
    struct lotk_err io;
    if (lotk_file_read(path, STANDARD_MAX_BYTES, &data, &len, &io) != 0)
        return NULL;
    yaml_parser_t parser;
    yaml_document_t doc;
    if (yaml_parser_initialize(&parser)) {
        yaml_parser_set_input_string(&parser, (const unsigned char *)data, len);
        if (yaml_parser_load(&parser, &doc)) {
            struct loader ld = {.doc = doc};
            yaml_node_t *root = yaml_document_get_root_node(&doc);
            yaml_node_t *v = root ? map_get(&ld, root, "id") : NULL;
            if (v && v->type == YAML_SCALAR_NODE)
                id = lotk_xstrdup(scalar(v));
            yaml_document_delete(&doc);
        }
        yaml_parser_delete(&parser);
    }
    free(data);
    return id;
}

static void find_by_id(const char *path, void *vctx)
{
    struct find_ctx *ctx = vctx;
    if (ctx->found)
        return;
    char *id = peek_id(path);
    if (id && strcmp(id, ctx->id) == 0)
        ctx->found = lotk_xstrdup(path);
    free(id);
}

char *lotk_standard_resolve(const char *name, struct lotk_err *err)
{
    FILE *f = fopen(name, "rb");
    if (f) {
        fclose(f);
        return lotk_xstrdup(name);
    }
    if (strchr(name, '/') || strstr(name, ".yaml") || strstr(name, ".yml")) {
        lotk_err_set(err, LOTK_EIO, name, 0, 0, "cannot open standard: %s", strerror(errno));
        return NULL;
    }
    struct find_ctx ctx = {.id = name};
    lotk_standard_each_file(find_by_id, &ctx);
    if (!ctx.found)
        lotk_err_set(err, LOTK_EUSAGE, NULL, 0, 0,
                     "no standard with id '%s' on the search path (./standards, "
                     "$LOTK_STANDARD_PATH, %s/standards); `lotk standards` lists them",
                     name, LOTK_DATADIR);
    return ctx.found;
}
