/* evidence.h — combining the evidence store's ratings (docs/evidence.md): per
 * organization and indicator each role's assessors pooled (mean or median), the roles
 * weighted (`combine`), the findings flagged; per indicator the agreement of the third
 * party (base/icc.h). Reading the sheets is input/evidence.h's. */
#ifndef LOTK_SCORE_EVIDENCE_H
#define LOTK_SCORE_EVIDENCE_H

#include "input/evidence_sheet.h"

/* Combines and flags every organization and computes the agreement (see the file comment
 * and docs/evidence.md for the rules). Idempotent; reading is over afterwards. */
void lotk_evidence_finish(struct lotk_evidence *ev);

/* The enum lotk_flag bits (score.h) that an organization's evidence raises. */
unsigned lotk_evidence_org_flags(const struct lotk_evidence *ev,
                                 const struct lotk_evidence_org *eo);

#endif
