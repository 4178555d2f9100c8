/* rollup.c — statistic and member leaves of every unit; see rollup.h. */
#include "score/rollup.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/buf.h"
#include "base/mem.h"

enum { UNLISTED_NAMED = 5 }; /* unlisted members named in the warning, the rest counted */

static struct lotk_rollup_unit *unit_for(struct lotk_rollup *ru, const char *id)
{
    int at = lotk_strmap_put(&ru->index, id, strlen(id), (int)ru->nunits);
    if (at == (int)ru->nunits) {
        lotk_grow(&ru->units, &ru->cap_units, ru->nunits + 1, sizeof *ru->units);
        struct lotk_rollup_unit *u = &ru->units[ru->nunits++];
        size_t nl = ru->nleaves ? ru->nleaves : 1;
        u->id = lotk_xstrdup(id);
        u->value = lotk_xmalloc(nl * sizeof *u->value);
        u->norm = lotk_xmalloc(nl * sizeof *u->norm);
        u->n = lotk_xcalloc(nl, sizeof *u->n);
        for (size_t l = 0; l < nl; l++)
            u->value[l] = u->norm[l] = NAN;
    }
    return &ru->units[at];
}

static void statistic_values(struct lotk_rollup *ru, const struct lotk_statistics *st)
{
    for (size_t i = 0; i < st->nunits; i++) {
        struct lotk_rollup_unit *u = unit_for(ru, st->units[i].id);
        for (size_t k = 0; k < st->nleaves; k++) {
            int node = st->leaves[k];
            const struct lotk_statistic *def = ru->s->nodes[node].statistic;
            size_t l = (size_t)ru->leaf_of[node];
            double x = st->units[i].values[k];
            u->value[l] = x;
            u->norm[l] = lotk_statistic_norm(x, def->low, def->high);
            u->n[l] = x == x;
        }
    }
}

static bool leaf_takes(const struct lotk_members *m, const struct lotk_member_standard *st)
{
    return m->kind ? strcmp(m->kind, st->kind) == 0 : strcmp(m->standard, st->id) == 0;
}

/* at[l * nstandards + k]: the band index member leaf l needs in member standard k (-1:
 * the leaf does not take that standard's members). */
static int grade_thresholds(const struct lotk_rollup *ru, const struct lotk_members_set *ms,
                            int *at, struct lotk_err *err)
{
    for (size_t l = 0; l < ru->nleaves; l++) {
        const struct lotk_node *node = &ru->s->nodes[ru->leaves[l]];
        for (size_t k = 0; k < ms->nstandards; k++) {
            const struct lotk_member_standard *st = &ms->standards[k];
            int *t = &at[l * ms->nstandards + k];
            *t = -1;
            if (!node->members || !leaf_takes(node->members, st))
                continue;
            if ((*t = lotk_members_grade_index(st, node->members->at_least)) < 0)
                return lotk_err_set(err, LOTK_EIO, st->file, 0, 0,
                                    "%s counts members graded %s or better, but '%s' is no "
                                    "grade of %s %s, the standard of these members",
                                    node->id, node->members->at_least,
                                    node->members->at_least, st->id, st->version);
        }
    }
    return 0;
}

/* Per unit and member leaf: members, those meeting the grade, the sum of points shares. */
struct tally {
    long members, meeting;
    double points;
};

static void count_member(struct lotk_rollup *ru, const struct lotk_members_set *ms,
                         const int *at, struct tally *tallies, size_t unit,
                         const struct lotk_member *mb)
{
    const struct lotk_member_standard *st = &ms->standards[mb->standard];
    for (size_t l = 0; l < ru->nleaves; l++) {
        int need = at[l * ms->nstandards + (size_t)mb->standard];
        if (need < 0)
            continue;
        struct tally *t = &tallies[unit * ru->nleaves + l];
        t->members++;
        t->meeting += mb->band >= 0 && mb->band <= need;
        t->points += mb->points == mb->points ? mb->points / st->points : 0;
    }
}

/* Membership rows whose member has no result: said once, with a few of them. */
struct missing {
    size_t count;
    struct lotk_buf names;
};

/* Members counted toward their units, each reported where it cannot be. */
static void tally_members(struct lotk_rollup *ru, const struct lotk_statistics *stats,
                          const struct lotk_membership *mp, const struct lotk_members_set *ms,
                          const int *at, struct tally **tallies, struct missing *no_result,
                          struct lotk_diags *warnings)
{
    for (size_t i = 0; i < mp->nrows; i++) {
        const struct lotk_member_row *row = &mp->rows[i];
        ru->counts.rows++;
        if (!row->unit) {
            ru->counts.no_unit++;
            continue; /* reported by the membership reader */
        }
        const struct lotk_member *mb = ms ? lotk_members_find(ms, row->org) : NULL;
        if (!mb) {
            ru->counts.no_result++;
            if (no_result->count++ < UNLISTED_NAMED)
                lotk_buf_printf(&no_result->names, "%s%s (line %ld)",
                                no_result->count > 1 ? ", " : "", row->org, row->line);
            continue;
        }
        if (stats && !lotk_statistics_find(stats, row->unit)) {
            lotk_diags_add(warnings, true, LOTK_EIO, mp->file, row->line, mp->unit_column,
                           "unit %s of member %s is in no statistics file (%s): the member "
                           "is not counted", row->unit, row->org, stats->file);
            ru->counts.unknown_unit++;
            continue;
        }
        size_t before = ru->nunits;
        size_t unit = (size_t)(unit_for(ru, row->unit) - ru->units);
        if (ru->nunits != before)
            *tallies = lotk_xrealloc(*tallies, ru->nunits * (ru->nleaves ? ru->nleaves : 1) *
                                                   sizeof **tallies);
        if (ru->nunits != before)
            memset(*tallies + unit * ru->nleaves, 0, ru->nleaves * sizeof **tallies);
        count_member(ru, ms, at, *tallies, unit, mb);
        ru->counts.counted++;
    }
}

/* Results of organizations that no membership row lists: said once, with a few names. */
static void report_unlisted(struct lotk_rollup *ru, const struct lotk_membership *mp,
                            const struct lotk_members_set *ms, struct lotk_diags *warnings)
{
    size_t unlisted = 0;
    char names[UNLISTED_NAMED][64];
    for (size_t i = 0; i < ms->norgs; i++)
        if (!lotk_membership_find(mp, ms->orgs[i].id) && unlisted++ < UNLISTED_NAMED)
            snprintf(names[unlisted - 1], sizeof names[0], "%s", ms->orgs[i].id);
    ru->counts.unlisted = (long)unlisted;
    if (unlisted == 0)
        return;
    char list[UNLISTED_NAMED * 66] = "";
    for (size_t k = 0; k < unlisted && k < UNLISTED_NAMED; k++) {
        strcat(list, k ? ", " : "");
        strcat(list, names[k]);
    }
    lotk_diags_add(warnings, true, LOTK_EIO, mp ? mp->file : NULL, 0, 0,
                   "%zu member result%s in no row of the membership file (%s%s): not counted",
                   unlisted, unlisted == 1 ? " is" : "s are", list,
                   unlisted > UNLISTED_NAMED ? ", …" : "");
}

static void member_values(struct lotk_rollup *ru, const struct tally *tallies)
{
    for (size_t u = 0; u < ru->nunits; u++)
        for (size_t l = 0; l < ru->nleaves; l++) {
            const struct lotk_members *m = ru->s->nodes[ru->leaves[l]].members;
            const struct tally *t = &tallies[u * ru->nleaves + l];
            if (!m)
                continue;
            ru->units[u].n[l] = t->members;
            if (t->members == 0)
                continue;
            double v = m->measure == LOTK_MEMBERS_MEAN_POINTS ? t->points / (double)t->members
                                                              : (double)t->meeting /
                                                                    (double)t->members;
            ru->units[u].value[l] = ru->units[u].norm[l] = v;
        }
}

static struct lotk_rollup *rollup_new(const struct lotk_standard *s)
{
    struct lotk_rollup *ru = lotk_xcalloc(1, sizeof *ru);
    ru->s = s;
    ru->leaves = lotk_xcalloc(s->nnodes, sizeof *ru->leaves);
    ru->leaf_of = lotk_xmalloc(s->nnodes * sizeof *ru->leaf_of);
    for (size_t i = 0; i < s->nnodes; i++) {
        ru->leaf_of[i] = -1;
        if (s->nodes[i].statistic || s->nodes[i].members) {
            ru->leaf_of[i] = (int)ru->nleaves;
            ru->leaves[ru->nleaves++] = (int)i;
        }
    }
    return ru;
}

int lotk_rollup_build(const struct lotk_standard *s, const struct lotk_statistics *stats,
                      const struct lotk_membership *membership,
                      const struct lotk_members_set *members, struct lotk_diags *warnings,
                      struct lotk_rollup **out, struct lotk_err *err)
{
    struct lotk_rollup *ru = rollup_new(s);
    size_t nstd = members ? members->nstandards : 0;
    size_t nat = ru->nleaves * nstd;
    int *at = lotk_xmalloc((nat > 0 ? nat : 1) * sizeof *at);
    struct tally *tallies = NULL;
    int rc = 0;
    *out = NULL;
    if (stats)
        statistic_values(ru, stats);
    if (members && (rc = grade_thresholds(ru, members, at, err)) != 0)
        goto done;
    size_t ntallies = ru->nunits * ru->nleaves;
    tallies = lotk_xcalloc(ntallies > 0 ? ntallies : 1, sizeof *tallies);
    struct missing no_result = {0};
    if (membership)
        tally_members(ru, stats, membership, members, at, &tallies, &no_result, warnings);
    if (no_result.count)
        lotk_diags_add(warnings, true, LOTK_EIO, membership->file, 0, 0,
                       "%zu member%s no result in the --members files and %s not counted: "
                       "%s%s", no_result.count, no_result.count == 1 ? " has" : "s have",
                       no_result.count == 1 ? "is" : "are", no_result.names.data,
                       no_result.count > UNLISTED_NAMED ? ", …" : "");
    lotk_buf_free(&no_result.names);
    if (membership && members)
        report_unlisted(ru, membership, members, warnings);
    if (members) {
        ru->counts.files = (long)members->nfiles;
        ru->counts.results = (long)members->norgs;
    }
    member_values(ru, tallies);
done:
    free(at);
    free(tallies);
    if (rc)
        lotk_rollup_free(ru);
    else
        *out = ru;
    return rc;
}

void lotk_rollup_leaf(const struct lotk_rollup *ru, const char *id, int node, double *mean,
                      double *norm, long *n)
{
    int at = ru ? lotk_strmap_get(&ru->index, id, strlen(id)) : -1;
    if (at < 0 || ru->leaf_of[node] < 0)
        return;
    size_t l = (size_t)ru->leaf_of[node];
    *mean = ru->units[at].value[l];
    *norm = ru->units[at].norm[l];
    *n = ru->units[at].n[l];
}

void lotk_rollup_free(struct lotk_rollup *ru)
{
    if (!ru)
        return;
    for (size_t i = 0; i < ru->nunits; i++) {
        free(ru->units[i].id);
        free(ru->units[i].value);
        free(ru->units[i].norm);
        free(ru->units[i].n);
    }
    free(ru->units);
    lotk_strmap_free(&ru->index);
    free(ru->leaves);
    free(ru->leaf_of);
    free(ru);
}
