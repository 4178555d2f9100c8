/* rules.h — applying a standard's rule plugins (veto, bonus, cap, …) to scored
 * organizations, after aggregation (DESIGN §4). */
#ifndef LOTK_RULES_H
#define LOTK_RULES_H

#include "base/err.h"
#include "lua/plugin.h"
#include "score/score.h"

/* Runs every rule of the standard, in order, on every organization of r. Each rule sees
 * the organization as the JSON result shows it, after the rules before it. Point changes
 * add to the total; the grade is then the band of the new total, held under every
 * max_grade ceiling so far, and replaced by the last forced grade — whatever order the
 * rules come in, so a bonus cannot undo a veto. Organizations without a grade (too few
 * respondents) keep none. Each change is recorded with its reason.
 * Returns 0, or LOTK_EPLUGIN when a rule failed or named a grade the standard lacks. */
int lotk_rules_apply(struct lotk_result *r, struct lotk_plugins *plugins, struct lotk_err *err);

#endif
