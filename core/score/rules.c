/* rules.c — see rules.h. */
#include "score/rules.h"

#include <jansson.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "score/result_json.h"
#include "base/mem.h"

static int band_index(const struct lotk_standard *s, const char *grade)
{
    for (size_t b = 0; b < s->nbands; b++)
        if (strcmp(s->bands[b].grade, grade) == 0)
            return (int)b;
    return -1;
}

static int unknown_grade(const struct lotk_plugin *pl, const char *grade, struct lotk_err *err)
{
    lotk_err_set(err, LOTK_EPLUGIN, pl->path, 0, 0,
                 "rule returned grade '%s', which is not a band of the standard", grade);
    lotk_err_set_plugin(err, pl->name);
    return LOTK_EPLUGIN;
}

/* The grade after the rules so far: the band of the (adjusted) total, held under every
 * ceiling, then replaced by the last forced grade. Recomputed from all adjustments each
 * time, so a later bonus cannot lift an organization out of an earlier veto. */
static void regrade(const struct lotk_standard *s, struct lotk_org_result *o)
{
    o->flags &= ~(unsigned)LOTK_FLAG_NO_BAND;
    o->band = -1;
    if (o->flags & LOTK_FLAG_FEW_RESPONDENTS)
        return; /* too few respondents: no grade, whatever a rule says */
    if (o->points == o->points) {
        o->band = lotk_score_band(s, o->points);
        if (o->band < 0 && s->nbands > 0)
            o->flags |= LOTK_FLAG_NO_BAND;
    }
    for (size_t i = 0; i < o->nadjustments; i++) {
        const struct lotk_adjustment *a = &o->adjustments[i];
        int ceiling = a->max_grade ? band_index(s, a->max_grade) : -1;
        if (ceiling >= 0 && o->band >= 0 && o->band < ceiling) /* lower index = better */
            o->band = ceiling;
    }
    for (size_t i = o->nadjustments; i-- > 0;)
        if (o->adjustments[i].grade) {
            o->band = band_index(s, o->adjustments[i].grade);
            o->flags &= ~(unsigned)LOTK_FLAG_NO_BAND;
            break;
        }
}

static int apply_one(const struct lotk_standard *s, const struct lotk_plugin *pl,
                     struct lotk_org_result *o, struct lotk_rule_effect *e, struct lotk_err *err)
{
    if (e->grade && band_index(s, e->grade) < 0)
        return unknown_grade(pl, e->grade, err);
    if (e->max_grade && band_index(s, e->max_grade) < 0)
        return unknown_grade(pl, e->max_grade, err);
    if (e->points != 0 && o->points == o->points) {
        o->points += e->points;
        if (!isfinite(o->points)) { /* each adjustment was finite; their sum need not be */
            lotk_err_set(err, LOTK_EPLUGIN, pl->path, 0, 0, "rule adjustment of %g points "
                         "made an organization's total points infinite", e->points);
            lotk_err_set_plugin(err, pl->name);
            return LOTK_EPLUGIN;
        }
    }
    o->adjustments = lotk_xrealloc(o->adjustments,
                                   (o->nadjustments + 1) * sizeof *o->adjustments);
    struct lotk_adjustment *a = &o->adjustments[o->nadjustments++];
    a->rule = lotk_xstrdup(pl->name);
    a->reason = e->reason;
    a->grade = e->grade;
    a->max_grade = e->max_grade;
    a->points = e->points;
    e->reason = e->grade = e->max_grade = NULL; /* moved into the adjustment */
    regrade(s, o);
    return 0;
}

int lotk_rules_apply(struct lotk_result *r, struct lotk_plugins *plugins, struct lotk_err *err)
{
    const struct lotk_standard *s = r->standard;
    for (size_t k = 0; k < s->nrules; k++) {
        const struct lotk_plugin *pl;
        int rc = lotk_plugins_get(plugins, s->rules[k].plugin, &pl, err);
        if (rc)
            return rc;
        for (size_t i = 0; i < r->norgs; i++) {
            struct lotk_org_result *o = &r->orgs[i];
            struct lotk_rule_effect e;
            json_t *view = lotk_result_org_json(s, o);
            if (!view)
                return lotk_err_set(err, LOTK_EPLUGIN, NULL, 0, 0,
                                    "organization '%s': its result did not read back as "
                                    "JSON for rule %s",
                                    o->id, pl->name);
            rc = lotk_plugin_rule(plugins, pl, &s->rules[k], view, &e, err);
            json_decref(view);
            if (rc == 0 && e.applied)
                rc = apply_one(s, pl, o, &e, err);
            lotk_rule_effect_clear(&e);
            if (rc)
                return rc;
        }
    }
    return 0;
}
