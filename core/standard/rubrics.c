/* rubrics.c — how assessors rate an evidence indicator (docs/evidence.md): a rubric of
 * levels, a numeric fact scored by thresholds, or a yes/no check, each fixing the leaf's
 * scale; or a bare scale; and what a rating must cite. */
#include "standard/load_internal.h"

#include <math.h>
#include <stdlib.h>

#include "base/mem.h"

static int compare_levels(const void *a, const void *b)
{
    double x = ((const struct lotk_level *)a)->value, y = ((const struct lotk_level *)b)->value;
    return (x > y) - (x < y);
}

static void load_levels(struct lotk_loader *ld, const yaml_node_t *n, struct lotk_rubric *rb,
                        const char *what)
{
    static const char *const keys[] = {"value", "text", NULL};
    if (!lotk_yaml_expect(ld, n, YAML_SEQUENCE_NODE, "rubric.levels"))
        return;
    size_t count = (size_t)(n->data.sequence.items.top - n->data.sequence.items.start);
    rb->levels = lotk_xcalloc(count ? count : 1, sizeof *rb->levels);
    for (yaml_node_item_t *i = n->data.sequence.items.start; i < n->data.sequence.items.top;
         i++) {
        yaml_node_t *lv = node_at(ld, *i);
        if (!lotk_yaml_expect(ld, lv, YAML_MAPPING_NODE, "level"))
            continue;
        lotk_yaml_check_keys(ld, lv, keys, "level");
        yaml_node_t *v = lotk_yaml_require(ld, lv, "value", "level");
        yaml_node_t *t = lotk_yaml_require(ld, lv, "text", "level");
        double x;
        if (!v || !lotk_yaml_number(ld, v, "level value", &x))
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
            lotk_yaml_text(ld, t, &level->text, "level text");
    }
    if (rb->nlevels < 2)
        problem(ld, n, "%s: a rubric needs at least two levels", what);
    /* Standards list levels either way (优 first or 差 first); ratings look them up. */
    qsort(rb->levels, rb->nlevels, sizeof *rb->levels, compare_levels);
}

static void load_thresholds(struct lotk_loader *ld, const yaml_node_t *n,
                            struct lotk_rubric *rb, const char *what)
{
    static const char *const keys[] = {"at_least", "score", NULL};
    if (!lotk_yaml_expect(ld, n, YAML_SEQUENCE_NODE, "rubric.thresholds"))
        return;
    size_t count = (size_t)(n->data.sequence.items.top - n->data.sequence.items.start);
    rb->thresholds = lotk_xcalloc(count ? count : 1, sizeof *rb->thresholds);
    for (yaml_node_item_t *i = n->data.sequence.items.start; i < n->data.sequence.items.top;
         i++) {
        yaml_node_t *t = node_at(ld, *i);
        if (!lotk_yaml_expect(ld, t, YAML_MAPPING_NODE, "threshold"))
            continue;
        lotk_yaml_check_keys(ld, t, keys, "threshold");
        yaml_node_t *a = lotk_yaml_require(ld, t, "at_least", "threshold");
        yaml_node_t *sc = lotk_yaml_require(ld, t, "score", "threshold");
        struct lotk_threshold th;
        if (!a || !sc || !lotk_yaml_number(ld, a, "at_least", &th.at_least) ||
            !lotk_yaml_number(ld, sc, "score", &th.score))
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

static void load_fact(struct lotk_loader *ld, const yaml_node_t *n, struct lotk_rubric *rb,
                      const char *what)
{
    yaml_node_t *v;
    rb->kind = LOTK_RUBRIC_FACT;
    if ((v = lotk_yaml_get(ld, n, "fact")))
        lotk_yaml_text(ld, v, &rb->what, "rubric.fact");
    if ((v = lotk_yaml_get(ld, n, "unit")))
        rb->unit = lotk_yaml_string(ld, v, "rubric.unit");
    yaml_node_t *mn = lotk_yaml_get(ld, n, "min"), *mx = lotk_yaml_get(ld, n, "max");
    if (mn)
        lotk_yaml_number(ld, mn, "rubric.min", &rb->fact_min);
    if (mx)
        lotk_yaml_number(ld, mx, "rubric.max", &rb->fact_max);
    if (mn && mx && rb->fact_min >= rb->fact_max)
        problem(ld, mx, "%s: rubric.min (%s) must be less than rubric.max (%s)", what,
                scalar(mn), scalar(mx));
    if ((v = lotk_yaml_require(ld, n, "thresholds", what)))
        load_thresholds(ld, v, rb, what);
    if ((v = lotk_yaml_get(ld, n, "otherwise")) &&
        lotk_yaml_number(ld, v, "rubric.otherwise", &rb->otherwise)) {
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
static void load_rubric(struct lotk_loader *ld, int index, const yaml_node_t *n,
                        const char *what)
{
    static const char *const keys[] = {"levels", "fact", "yes_no", "unit", "min", "max",
                                       "thresholds", "otherwise", NULL};
    static const char *const fact_keys[] = {"unit", "min", "max", "thresholds", "otherwise",
                                            NULL};
    struct lotk_rubric *rb = ld->s->nodes[index].rubric;
    if (!lotk_yaml_expect(ld, n, YAML_MAPPING_NODE, "rubric"))
        return;
    lotk_yaml_check_keys(ld, n, keys, "rubric");
    yaml_node_t *levels = lotk_yaml_get(ld, n, "levels"), *fact = lotk_yaml_get(ld, n, "fact");
    yaml_node_t *yes_no = lotk_yaml_get(ld, n, "yes_no");
    if (!!levels + !!fact + !!yes_no != 1) {
        problem(ld, n, "%s: a rubric has exactly one of levels, fact or yes_no", what);
        return;
    }
    for (int k = 0; !fact && fact_keys[k]; k++) {
        yaml_node_t *v = lotk_yaml_get(ld, n, fact_keys[k]);
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
        lotk_yaml_text(ld, yes_no, &rb->what, "rubric.yes_no");
    } else {
        load_fact(ld, n, rb, what);
    }
    ld->s->nodes[index].scale = lotk_scales_add(ld, ld->s->nodes[index].id, min, max, n);
}

void lotk_rubrics_load_leaf(struct lotk_loader *ld, int index, const yaml_node_t *n,
                            const char *what)
{
    struct lotk_rubric *rb = lotk_xcalloc(1, sizeof *rb);
    rb->fact_min = -INFINITY;
    rb->fact_max = INFINITY;
    ld->s->nodes[index].rubric = rb;
    yaml_node_t *rubric = lotk_yaml_get(ld, n, "rubric");
    yaml_node_t *scale = lotk_yaml_get(ld, n, "scale");
    if (rubric && scale)
        problem(ld, scale, "%s: give a rubric or a scale, not both", what);
    else if (rubric)
        load_rubric(ld, index, rubric, what);
    else if (!scale)
        problem(ld, n, "%s: an evidence indicator needs a rubric (levels, fact or yes_no) or "
                       "a scale", what);
    yaml_node_t *cite = lotk_yaml_get(ld, n, "evidence");
    if (!cite)
        return;
    if (cite->type == YAML_SCALAR_NODE || cite->type == YAML_MAPPING_NODE) {
        rb->evidence = lotk_xcalloc(1, sizeof *rb->evidence);
        lotk_yaml_text(ld, cite, &rb->evidence[rb->nevidence++], "evidence");
        return;
    }
    size_t count = (size_t)(cite->data.sequence.items.top - cite->data.sequence.items.start);
    rb->evidence = lotk_xcalloc(count ? count : 1, sizeof *rb->evidence);
    for (yaml_node_item_t *i = cite->data.sequence.items.start;
         i < cite->data.sequence.items.top; i++)
        lotk_yaml_text(ld, node_at(ld, *i), &rb->evidence[rb->nevidence++], "evidence");
}

void lotk_rubrics_free(struct lotk_rubric *rb)
{
    if (!rb)
        return;
    for (size_t i = 0; i < rb->nlevels; i++)
        lotk_yaml_text_free(&rb->levels[i].text);
    free(rb->levels);
    lotk_yaml_text_free(&rb->what);
    free(rb->unit);
    free(rb->thresholds);
    for (size_t i = 0; i < rb->nevidence; i++)
        lotk_yaml_text_free(&rb->evidence[i]);
    free(rb->evidence);
    free(rb);
}
