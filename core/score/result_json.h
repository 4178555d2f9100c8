/* result_json.h — an organization's result as the JSON result shows it (DESIGN §7), built
 * as a jansson tree. It is what rule plugins see of an organization (rules.c), and the
 * body of each organization that output/json.c writes, which adds what analysis computed
 * (percentile ranks, the bootstrap). */
#ifndef LOTK_RESULT_JSON_H
#define LOTK_RESULT_JSON_H

#include <jansson.h>

#include "score/score.h"
#include "standard/standard.h"

/* A text in several languages as {"zh": …, "en": …}, the languages it has. New reference. */
json_t *lotk_result_text_json(const struct lotk_text *t);

/* Organization o of a result for standard s: id, respondents, points, grade, nodes (mean,
 * norm, points; survey leaves n and rwg(j); evidence leaves their ratings and citations),
 * flags, evidence (assessors and findings, when the standard has evidence indicators) and
 * the rules' adjustments. The caller owns the reference. */
json_t *lotk_result_org_json(const struct lotk_standard *s, const struct lotk_org_result *o);

#endif
