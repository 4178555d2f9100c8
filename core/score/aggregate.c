/* aggregate.c — a node's value from its children's, the way the node declares (weighted
 * mean, mean, geometric mean, min, max or an aggregate plugin). See score.h. */
#include "score/score.h"

#include <math.h>

#include "lua/plugin.h"

int lotk_score_aggregate(const struct lotk_standard *s, struct lotk_plugins *plugins, int node,
                         const double *norm, double *out, bool *incomplete,
                         struct lotk_err *err)
{
    const struct lotk_node *p = &s->nodes[node];
    size_t present = 0;
    *out = NAN;
    for (size_t c = 0; c < p->nchildren; c++)
        present += norm[p->children[c]] == norm[p->children[c]];
    if (present == 0 || present < p->nchildren) {
        bool enough = present > 0 && p->min_children >= 0 &&
                      (double)present >= p->min_children * (double)p->nchildren - 1e-9;
        if (!enough) {
            *incomplete = true;
            return 0;
        }
    }
    if (p->aggregate == LOTK_AGG_PLUGIN) {
        const struct lotk_plugin *pl;
        int rc = lotk_plugins_get(plugins, p->aggregate_plugin, &pl, err);
        return rc ? rc : lotk_plugin_aggregate(plugins, pl, s, node, norm, out, err);
    }
    double acc = 0, wsum = 0;
    double best = NAN;
    for (size_t c = 0; c < p->nchildren; c++) {
        double x = norm[p->children[c]];
        double w = s->nodes[p->children[c]].weight;
        if (x != x)
            continue;
        switch (p->aggregate) {
        case LOTK_AGG_WEIGHTED_MEAN:
            acc += w * x;
            wsum += w;
            break;
        case LOTK_AGG_MEAN:
            acc += x;
            wsum += 1;
            break;
        case LOTK_AGG_GEOMEAN:
            /* A zero child makes the product zero; log(0) would make it -inf · w. */
            acc += x > 0 ? w * log(x) : -INFINITY;
            wsum += w;
            break;
        case LOTK_AGG_MIN:
            best = best == best && best < x ? best : x;
            break;
        case LOTK_AGG_MAX:
            best = best == best && best > x ? best : x;
            break;
        case LOTK_AGG_PLUGIN:
            break; /* handled above */
        }
    }
    switch (p->aggregate) {
    case LOTK_AGG_MIN:
    case LOTK_AGG_MAX:
        *out = best;
        break;
    case LOTK_AGG_GEOMEAN:
        *out = acc == -INFINITY ? 0 : exp(acc / wsum);
        break;
    default:
        *out = acc / wsum;
        break;
    }
    return 0;
}
