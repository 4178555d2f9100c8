/* targets.h — a city standard's targets (DESIGN §10): per group of units (the statistics
 * file's targets.group_by column), how many units reach the targets' grade, their share
 * against the group's target, and the units still short with their gap in points. */
#ifndef LOTK_TARGETS_H
#define LOTK_TARGETS_H

#include <stdbool.h>
#include <stddef.h>

#include "input/statistics.h"
#include "score/score.h"

struct lotk_target_short {
    const char *id;   /* borrowed from the result */
    double points;    /* NaN: no total */
    int band;         /* the unit's grade (index into bands), -1: none */
    double gap;       /* points to the grade's minimum (0 when held back by a rule or by
                       * too few respondents); NaN without a total */
};

struct lotk_target_group {
    const char *group;  /* borrowed from the standard or the statistics */
    size_t units, meeting;
    double share;       /* meeting / units; NaN without units */
    double target;      /* NaN: the standard sets none for this group */
    bool met;           /* share ≥ target; false without a target */
    struct lotk_target_short *shorts; /* the units not meeting, closest first */
    size_t nshorts;
    const char **ids;   /* every unit of the group, in result order (borrowed ids) */
};

struct lotk_target_report {
    const char *group_by, *at_least; /* borrowed from the standard */
    int band;                        /* at_least's index in the bands */
    double min_points;               /* that band's minimum */
    struct lotk_target_group *groups; /* the standard's groups in its order, then others in
                                       * natural order */
    size_t ngroups;
    size_t ungrouped;                /* units of the result in no group */
};

/* The targets of r's standard over its units, grouped by st (borrowed: r and st must
 * outlive the report). NULL when the standard sets no targets. A unit meets the target
 * when its grade is at_least or better. Owned by the caller (lotk_targets_free). */
struct lotk_target_report *lotk_targets_compute(const struct lotk_result *r,
                                                const struct lotk_statistics *st);

void lotk_targets_free(struct lotk_target_report *t);

/* One group's progress between two rounds of a city standard (lotk compare), read from the
 * results' `targets` arrays. Counts and shares are NaN / -1 where a round lacks the group;
 * strings borrow from the documents. */
struct lotk_target_progress {
    const char *group;
    long old_units, old_meeting, new_units, new_meeting; /* -1: not in that round */
    double old_share, new_share, target;                 /* NaN: none */
    int old_met, new_met;                                /* 1, 0, or -1: no target */
};

/* The groups of the newer round's targets (then those only the older one has), with both
 * rounds' figures, into *out (owned by the caller, freed with free). Returns their count; 0
 * when neither result has targets. old_root and new_root are the results' JSON roots. */
struct json_t;
size_t lotk_targets_progress(const struct json_t *old_root, const struct json_t *new_root,
                             struct lotk_target_progress **out);

#endif
