/* rollup.h — the values of a city standard's statistic and member leaves for every unit
 * (DESIGN §10), computed once from the statistics file, the membership file and the
 * members' own results, and handed to the scorer (lotk_scorer_set_rollup), which scores
 * the units like organizations.
 *
 * statistic leaf: mean = the statistic x, norm = (x − LOW) / (HIGH − LOW) clipped to
 * [0, 1]; n = 1 with a value, else 0.
 * members leaf: n = the unit's members of that kind (or standard); mean = norm = the share
 * of them graded at_least or better in their own standard's bands (a member without a
 * grade does not meet it), or with measure: mean_points the mean of their points as a
 * share of their standard's points (a member without a total counts 0); no value when the
 * unit has no such member. */
#ifndef LOTK_ROLLUP_H
#define LOTK_ROLLUP_H

#include <stddef.h>

#include "base/diag.h"
#include "base/err.h"
#include "base/strmap.h"
#include "input/members.h"
#include "input/membership.h"
#include "input/statistics.h"
#include "standard/standard.h"

struct lotk_rollup_unit {
    char *id;
    double *value;  /* per rolled-up leaf (lotk_rollup.leaves): x, or a share; NaN: none */
    double *norm;
    long *n;
};

/* Where every membership row went (counted + no_unit + no_result + unknown_unit = rows),
 * and the member results read. */
struct lotk_rollup_counts {
    long rows;          /* rows of the membership file */
    long counted;       /* members counted toward a unit */
    long no_unit;       /* rows without a unit */
    long no_result;     /* members with no result in the --members files */
    long unknown_unit;  /* members whose unit is in no statistics file */
    long unlisted;      /* member results that no membership row lists */
    long files, results; /* --members files and the organizations in them */
};

struct lotk_rollup {
    const struct lotk_standard *s;
    int *leaves;           /* statistic and member leaves' node indices, in preorder */
    size_t nleaves;
    int *leaf_of;          /* node → position in leaves, -1 */
    struct lotk_rollup_unit *units; /* statistics' order, then units only members name */
    size_t nunits, cap_units;
    struct lotk_strmap index;
    struct lotk_rollup_counts counts;
};

/* Computes the rolled-up leaves of every unit. stats, membership and members may each be
 * NULL (their leaves then have no value). Units are those of stats; without stats, those
 * the membership names. Reported in warnings, never dropped silently: a member whose
 * result is in no --members file, a unit of a member that is not in stats, results of
 * organizations the membership does not list. Returns 0 with *out set (owned, freed with
 * lotk_rollup_free), or LOTK_EIO with err filled when a member leaf's at_least is no grade
 * of a standard its members were scored against. */
int lotk_rollup_build(const struct lotk_standard *s, const struct lotk_statistics *stats,
                      const struct lotk_membership *membership,
                      const struct lotk_members_set *members, struct lotk_diags *warnings,
                      struct lotk_rollup **out, struct lotk_err *err);

/* The rolled-up value of leaf node for unit id into *mean, *norm (NaN: none) and *n;
 * untouched when the unit is unknown or node is no rolled-up leaf. */
void lotk_rollup_leaf(const struct lotk_rollup *ru, const char *id, int node, double *mean,
                      double *norm, long *n);

void lotk_rollup_free(struct lotk_rollup *ru);

#endif
