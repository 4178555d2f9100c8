/* lint.h — warnings about a valid standard: what loads and scores, but not as its author
 * meant (DESIGN §3; `lotk check` prints them, docs/standard-format.md lists them). */
#ifndef LOTK_LINT_H
#define LOTK_LINT_H

#include "base/diag.h"
#include "standard/standard.h"

/* Adds a warning to diags, at the place in s's file, for each of:
 *   - an indicator whose value needs an evidence (or statistic, members) child that a
 *     survey-only run does not have, because min_children asks for more children than the
 *     survey gives it: every survey-only total would be `-`;
 *   - a node whose weight gives it no share (under 0.005 points: it shows as 0.00);
 *   - a band no score can reach (its min above the standard's points);
 *   - a survey indicator with a single item (no reliability can be computed);
 *   - two indicators with the same title (in either language).
 * Returns the number of warnings added. */
size_t lotk_lint_standard(const struct lotk_standard *s, struct lotk_diags *diags);

#endif
