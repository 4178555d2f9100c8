/* result.c — what a scored batch is made of once the scorer is done: freeing it, the map
 * from the scorer's organization indices, the flags' names and the band a total reaches.
 * See score.h. */
#include "score/score.h"

#include <math.h>
#include <stdlib.h>

static const char *const flag_names[LOTK_FLAG_COUNT] = {
    "few_respondents", "incomplete", "no_band", "low_agreement", "evidence_only", "unrated",
    "assessor_spread", "self_exceeds", "self_only", "uncited"};

const char *lotk_flag_name(unsigned bit_index)
{
    return bit_index < LOTK_FLAG_COUNT ? flag_names[bit_index] : "?";
}

int lotk_score_band(const struct lotk_standard *s, double points)
{
    for (size_t b = 0; b < s->nbands; b++) {
        /* Points come from products of weight shares: a total meant to be exactly 85 may
         * land at 84.99999999999999, which must still reach the 85 band. */
        double slack = 1e-9 * (fabs(s->bands[b].min) > 1 ? fabs(s->bands[b].min) : 1);
        if (points >= s->bands[b].min - slack)
            return (int)b;
    }
    return -1;
}

int lotk_result_org_index(const struct lotk_result *r, int org)
{
    return org >= 0 && (size_t)org < r->norgs ? r->org_order[org] : -1;
}

void lotk_result_free(struct lotk_result *r)
{
    if (!r)
        return;
    for (size_t i = 0; i < r->norgs; i++) {
        free(r->orgs[i].id);
        free(r->orgs[i].mean); /* the block of all six per-node arrays */
        for (size_t k = 0; k < r->orgs[i].nadjustments; k++) {
            struct lotk_adjustment *a = &r->orgs[i].adjustments[k];
            free(a->rule);
            free(a->reason);
            free(a->grade);
            free(a->max_grade);
        }
        free(r->orgs[i].adjustments);
    }
    free(r->orgs);
    for (size_t i = 0; i < r->nrespondents; i++) {
        free(r->respondents[i].id);
        free(r->respondents[i].values);
    }
    free(r->respondents);
    if (r->leaf_stats)
        for (size_t i = 0; i < r->standard->nnodes; i++)
            lotk_reliability_clear(&r->leaf_stats[i].reliability);
    free(r->leaf_stats);
    free(r->org_order);
    free(r);
}
