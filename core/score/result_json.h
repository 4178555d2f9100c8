/* result_json.h — an organization's result as the JSON result shows it (DESIGN §7): written
 * as text, or that text parsed into a jansson tree. The text is the body of each
 * organization output/json.c writes, which adds what analysis computed (percentile ranks,
 * the bootstrap); the tree is what rule plugins see of an organization (rules.c). */
#ifndef LOTK_RESULT_JSON_H
#define LOTK_RESULT_JSON_H

#include <jansson.h>

#include "base/jsonw.h"
#include "score/score.h"
#include "standard/standard.h"

/* A text in several languages as {"zh": …, "en": …}, the languages it has. New reference. */
json_t *lotk_result_text_json(const struct lotk_text *t);

/* What a writer adds to an organization (output/json.c: percentile ranks, the bootstrap):
 * node_fields writes members into node i's object after its own, org_fields members into
 * the organization's after its own. Either may be NULL. */
struct lotk_result_json_extras {
    void (*node_fields)(void *ctx, struct lotk_jsonw *w, size_t node);
    void (*org_fields)(void *ctx, struct lotk_jsonw *w);
    void *ctx;
};

/* Writes organization o of a result for standard s as one JSON object: id, respondents,
 * points, grade, nodes (mean, norm, points; survey leaves n and rwg(j); evidence leaves
 * their ratings and citations), flags, evidence (assessors and findings, when the standard
 * has evidence indicators) and the rules' adjustments; then x's members (x may be NULL). */
void lotk_result_org_write(struct lotk_jsonw *w, const struct lotk_standard *s,
                           const struct lotk_org_result *o,
                           const struct lotk_result_json_extras *x);

/* The same object as a jansson tree (what rule plugins see). The caller owns the
 * reference; NULL only if the text did not parse back, which text lotk writes always
 * does. */
json_t *lotk_result_org_json(const struct lotk_standard *s, const struct lotk_org_result *o);

#endif
