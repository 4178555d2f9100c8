/* targets.c — a city standard's targets per group of units; see targets.h. */
#include "analysis/targets.h"

#include <jansson.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "base/mem.h"
#include "base/text.h"

static int group_named(const struct lotk_target_report *t, const char *name)
{
    for (size_t g = 0; g < t->ngroups; g++)
        if (strcmp(t->groups[g].group, name) == 0)
            return (int)g;
    return -1;
}

static int compare_groups(const void *a, const void *b)
{
    const struct lotk_target_group *x = a, *y = b;
    return lotk_natural_cmp(x->group, y->group);
}

/* Closest first; units without a total last; ties by id. */
static int compare_shorts(const void *a, const void *b)
{
    const struct lotk_target_short *x = a, *y = b;
    bool xn = x->gap != x->gap, yn = y->gap != y->gap;
    if (xn != yn)
        return xn ? 1 : -1;
    if (!xn && x->gap != y->gap)
        return x->gap < y->gap ? -1 : 1;
    return lotk_natural_cmp(x->id, y->id);
}

/* The groups: the standard's, then those only the statistics name. */
static void add_groups(struct lotk_target_report *t, const struct lotk_standard *s,
                       const struct lotk_statistics *st)
{
    size_t cap = s->targets.nshares + (st ? st->nunits : 0);
    t->groups = lotk_xcalloc(cap ? cap : 1, sizeof *t->groups);
    for (size_t k = 0; k < s->targets.nshares; k++)
        t->groups[t->ngroups++] = (struct lotk_target_group){
            .group = s->targets.shares[k].group, .target = s->targets.shares[k].share};
    size_t first_other = t->ngroups;
    for (size_t i = 0; st && i < st->nunits; i++) {
        const char *g = st->units[i].group;
        if (g && group_named(t, g) < 0)
            t->groups[t->ngroups++] = (struct lotk_target_group){.group = g, .target = NAN};
    }
    qsort(t->groups + first_other, t->ngroups - first_other, sizeof *t->groups,
          compare_groups);
}

static void count_unit(struct lotk_target_report *t, struct lotk_target_group *g,
                       const struct lotk_org_result *o)
{
    g->ids = lotk_xrealloc(g->ids, (g->units + 1) * sizeof *g->ids);
    g->ids[g->units++] = o->id;
    if (o->band >= 0 && o->band <= t->band) {
        g->meeting++;
        return;
    }
    g->shorts = lotk_xrealloc(g->shorts, (g->nshorts + 1) * sizeof *g->shorts);
    struct lotk_target_short *sh = &g->shorts[g->nshorts++];
    sh->id = o->id;
    sh->points = o->points;
    sh->band = o->band;
    sh->gap = o->points == o->points ? fmax(0, t->min_points - o->points) : NAN;
}

struct lotk_target_report *lotk_targets_compute(const struct lotk_result *r,
                                                const struct lotk_statistics *st)
{
    const struct lotk_standard *s = r->standard;
    if (!s->targets.group_by)
        return NULL;
    struct lotk_target_report *t = lotk_xcalloc(1, sizeof *t);
    t->group_by = s->targets.group_by;
    t->at_least = s->targets.at_least;
    t->band = -1;
    for (size_t b = 0; b < s->nbands; b++)
        if (strcmp(s->bands[b].grade, t->at_least) == 0)
            t->band = (int)b;
    t->min_points = t->band >= 0 ? s->bands[t->band].min : NAN;
    add_groups(t, s, st);
    for (size_t i = 0; i < r->norgs; i++) {
        const struct lotk_stat_unit *u = st ? lotk_statistics_find(st, r->orgs[i].id) : NULL;
        int g = u && u->group ? group_named(t, u->group) : -1;
        if (g < 0)
            t->ungrouped++;
        else
            count_unit(t, &t->groups[g], &r->orgs[i]);
    }
    for (size_t g = 0; g < t->ngroups; g++) {
        struct lotk_target_group *gr = &t->groups[g];
        gr->share = gr->units ? (double)gr->meeting / (double)gr->units : NAN;
        gr->met = gr->target == gr->target && gr->share == gr->share && gr->share >= gr->target;
        qsort(gr->shorts, gr->nshorts, sizeof *gr->shorts, compare_shorts);
    }
    return t;
}

void lotk_targets_free(struct lotk_target_report *t)
{
    if (!t)
        return;
    for (size_t g = 0; g < t->ngroups; g++) {
        free(t->groups[g].shorts);
        free(t->groups[g].ids);
    }
    free(t->groups);
    free(t);
}

/* ---- progress between rounds ------------------------------------------------------------ */

static long count_of(const json_t *g, const char *key)
{
    const json_t *v = json_object_get(g, key);
    return json_is_integer(v) ? (long)json_integer_value(v) : -1;
}

static double real_of(const json_t *g, const char *key)
{
    const json_t *v = json_object_get(g, key);
    return json_is_number(v) ? json_number_value(v) : NAN;
}

static int met_of(const json_t *g)
{
    const json_t *v = json_object_get(g, "met");
    return json_is_boolean(v) ? json_is_true(v) : -1;
}

static void round_into(struct lotk_target_progress *p, const json_t *g, bool newer)
{
    if (newer) {
        p->new_units = count_of(g, "units");
        p->new_meeting = count_of(g, "meeting");
        p->new_share = real_of(g, "share");
        p->new_met = met_of(g);
        p->target = real_of(g, "target");
    } else {
        p->old_units = count_of(g, "units");
        p->old_meeting = count_of(g, "meeting");
        p->old_share = real_of(g, "share");
        p->old_met = met_of(g);
        if (p->target != p->target)
            p->target = real_of(g, "target");
    }
}

static struct lotk_target_progress *progress_for(struct lotk_target_progress **all, size_t *n,
                                                 const char *group)
{
    for (size_t i = 0; i < *n; i++)
        if (strcmp((*all)[i].group, group) == 0)
            return &(*all)[i];
    *all = lotk_xrealloc(*all, (*n + 1) * sizeof **all);
    struct lotk_target_progress *p = &(*all)[(*n)++];
    *p = (struct lotk_target_progress){.group = group, .old_units = -1, .old_meeting = -1,
                                       .new_units = -1, .new_meeting = -1, .old_share = NAN,
                                       .new_share = NAN, .target = NAN, .old_met = -1,
                                       .new_met = -1};
    return p;
}

size_t lotk_targets_progress(const struct json_t *old_root, const struct json_t *new_root,
                             struct lotk_target_progress **out)
{
    const json_t *rounds[2] = {json_object_get(new_root, "targets"),
                               json_object_get(old_root, "targets")};
    size_t n = 0;
    *out = NULL;
    for (int r = 0; r < 2; r++) {
        for (size_t i = 0; json_is_array(rounds[r]) && i < json_array_size(rounds[r]); i++) {
            const json_t *g = json_array_get(rounds[r], i);
            const char *group = json_string_value(json_object_get(g, "group"));
            if (group)
                round_into(progress_for(out, &n, group), g, r == 0);
        }
    }
    return n;
}
