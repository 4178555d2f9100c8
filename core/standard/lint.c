/* lint.c — warnings about a standard that loads: what scores, but not as its author surely
 * meant (lint.h lists them). Each is a warning, never an error: the standard is valid. */
#include "standard/lint.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "base/mem.h"
#include <stdio.h>

#define warn(s, d, loc, ...)                                                                 \
    lotk_diags_add((d), true, 0, (s)->path, (loc).line, (loc).column, __VA_ARGS__)

static const char *node_name(const struct lotk_standard *s, size_t i)
{
    return i == 0 ? "the total" : s->nodes[i].id;
}

/* Whether the subtree at i has a survey leaf: if not, nothing but evidence can give it a
 * value, and a min_children above it is what lets a survey-only run go on without it. */
static bool has_survey(const struct lotk_standard *s, size_t i)
{
    const struct lotk_node *n = &s->nodes[i];
    if (n->nchildren == 0)
        return n->source != LOTK_SOURCE_EVIDENCE;
    for (size_t c = 0; c < n->nchildren; c++)
        if (has_survey(s, (size_t)n->children[c]))
            return true;
    return false;
}

/* The nodes a survey-only run leaves without a value because of children that only
 * evidence can give one: that is where min_children is missing (or too high). A child
 * that has survey leaves but loses its value is warned about itself, and counted here as
 * if fixed. A standard with no survey leaves at all (document review only) is scored
 * without a survey: nothing to say. */
static size_t lint_survey_only(const struct lotk_standard *s, struct lotk_diags *d)
{
    size_t found = 0;
    bool any_survey = false;
    for (size_t i = 0; i < s->nnodes; i++)
        any_survey |= s->nodes[i].nchildren == 0 && s->nodes[i].source != LOTK_SOURCE_EVIDENCE;
    for (size_t i = 0; any_survey && i < s->nnodes; i++) {
        const struct lotk_node *n = &s->nodes[i];
        if (n->nchildren == 0 || !has_survey(s, i))
            continue;
        size_t present = 0;
        int example = -1;
        for (size_t c = 0; c < n->nchildren; c++) {
            if (has_survey(s, (size_t)n->children[c]))
                present++;
            else if (example < 0)
                example = n->children[c];
        }
        if (present == n->nchildren || (n->min_children >= 0 &&
            (double)present >= n->min_children * (double)n->nchildren - 1e-9))
            continue;
        struct lotk_loc at = i ? n->loc : (struct lotk_loc){1, 1};
        if (!i && s->aggregate_loc.line)
            at = s->aggregate_loc;
        char share[32];
        snprintf(share, sizeof share, "%.2g", (double)present / (double)n->nchildren);
        if (n->min_children < 0)
            warn(s, d, at, "%s%s: %s has no value without its evidence, and %s has no "
                 "min_children, so a survey-only run gives %s no value%s; set min_children: "
                 "%s", i ? "indicator " : "", node_name(s, i), s->nodes[example].id,
                 node_name(s, i), i ? "it" : "the total", i ? "" : " ('-')", share);
        else
            warn(s, d, at, "%s%s: min_children %g needs more than the %zu of %zu children a "
                 "survey-only run has (%s has no value without its evidence); set "
                 "min_children: %s", i ? "indicator " : "", node_name(s, i), n->min_children,
                 present, n->nchildren, s->nodes[example].id, share);
        found++;
    }
    return found;
}

static size_t lint_weights(const struct lotk_standard *s, struct lotk_diags *d)
{
    size_t found = 0;
    for (size_t i = 1; i < s->nnodes; i++) {
        const struct lotk_node *n = &s->nodes[i];
        const struct lotk_node *p = &s->nodes[n->parent];
        bool weighted = p->aggregate == LOTK_AGG_WEIGHTED_MEAN ||
                        p->aggregate == LOTK_AGG_GEOMEAN;
        if (weighted && s->points * n->share < 0.005) {
            warn(s, d, n->loc, "indicator %s: its weight %g gives it %.2g of %g points, "
                 "which shows as 0.00: no share of the total", n->id, n->weight,
                 s->points * n->share, s->points);
            found++;
        }
    }
    return found;
}

static size_t lint_bands(const struct lotk_standard *s, struct lotk_diags *d)
{
    size_t found = 0;
    for (size_t i = 0; i < s->nbands; i++)
        if (s->bands[i].min > s->points) {
            warn(s, d, s->bands[i].loc, "band %s: min %g is above the standard's %g points: "
                 "no score can reach it", s->bands[i].grade, s->bands[i].min, s->points);
            found++;
        }
    return found;
}

static size_t lint_items(const struct lotk_standard *s, struct lotk_diags *d)
{
    size_t found = 0;
    for (size_t i = 1; i < s->nnodes; i++) {
        const struct lotk_node *n = &s->nodes[i];
        if (n->nchildren == 0 && n->source == LOTK_SOURCE_SURVEY && n->nitems == 1 &&
            !s->respondent_plugin) {
            warn(s, d, n->loc, "indicator %s has a single item (%s): no reliability "
                 "(Cronbach's alpha needs two or more)", n->id, s->items[n->items[0]].id);
            found++;
        }
    }
    return found;
}

static size_t lint_titles(const struct lotk_standard *s, struct lotk_diags *d)
{
    size_t found = 0;
    for (size_t i = 1; i < s->nnodes; i++)
        for (size_t k = 1; k < i; k++) {
            const struct lotk_text *a = &s->nodes[i].title, *b = &s->nodes[k].title;
            const char *same = a->zh && b->zh && strcmp(a->zh, b->zh) == 0 ? a->zh :
                               a->en && b->en && strcmp(a->en, b->en) == 0 ? a->en : NULL;
            if (same) {
                warn(s, d, s->nodes[i].loc, "indicator %s has the title '%s' of %s (line %ld): "
                     "reports could not tell them apart", s->nodes[i].id, same,
                     s->nodes[k].id, s->nodes[k].loc.line);
                found++;
                break;
            }
        }
    return found;
}

size_t lotk_lint_standard(const struct lotk_standard *s, struct lotk_diags *diags)
{
    return lint_survey_only(s, diags) + lint_weights(s, diags) + lint_bands(s, diags) +
           lint_items(s, diags) + lint_titles(s, diags);
}
