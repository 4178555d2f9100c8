/* result_json.c — an organization's result as a JSON tree; see result_json.h. */
#include "score/result_json.h"

#include <math.h>
#include <stdbool.h>

#include "base/buf.h"
#include "base/json_tree.h"
#include "input/evidence_sheet.h"

json_t *lotk_result_text_json(const struct lotk_text *t)
{
    json_t *o = json_object();
    if (t->zh)
        json_object_set_new(o, "zh", json_string(t->zh));
    if (t->en)
        json_object_set_new(o, "en", json_string(t->en));
    return o;
}

static void write_flags(struct lotk_jsonw *w, unsigned flags)
{
    lotk_jsonw_array(w);
    for (unsigned b = 0; b < LOTK_FLAG_COUNT; b++)
        if (flags & (1u << b))
            lotk_jsonw_str(w, lotk_flag_name(b));
    lotk_jsonw_end(w);
}

static void write_adjustments(struct lotk_jsonw *w, const struct lotk_org_result *o)
{
    lotk_jsonw_array(w);
    for (size_t i = 0; i < o->nadjustments; i++) {
        const struct lotk_adjustment *adj = &o->adjustments[i];
        lotk_jsonw_object(w);
        lotk_jsonw_key(w, "rule");
        lotk_jsonw_str(w, adj->rule);
        lotk_jsonw_key(w, "reason");
        lotk_jsonw_str(w, adj->reason);
        if (adj->grade) {
            lotk_jsonw_key(w, "grade");
            lotk_jsonw_str(w, adj->grade);
        }
        if (adj->max_grade) {
            lotk_jsonw_key(w, "max_grade");
            lotk_jsonw_str(w, adj->max_grade);
        }
        if (adj->points != 0) {
            lotk_jsonw_key(w, "points");
            lotk_jsonw_real(w, adj->points);
        }
        lotk_jsonw_end(w);
    }
    lotk_jsonw_end(w);
}

/* The ratings of one role on leaf l, for a spread finding. */
static void write_role_ratings(struct lotk_jsonw *w, const struct lotk_evidence_org *eo,
                               size_t l, enum lotk_role role)
{
    lotk_jsonw_array(w);
    for (size_t r = 0; r < eo->nrows; r++) {
        const struct lotk_evidence_row *row = &eo->rows[r];
        if (row->role != role || row->ratings[l].value != row->ratings[l].value)
            continue;
        lotk_jsonw_object(w);
        lotk_jsonw_key(w, "assessor");
        lotk_jsonw_str(w, row->assessor);
        lotk_jsonw_key(w, "value");
        lotk_jsonw_real(w, row->ratings[l].value);
        lotk_jsonw_end(w);
    }
    lotk_jsonw_end(w);
}

/* A finding's first members: what was found, and on which indicator. */
static void open_finding(struct lotk_jsonw *w, const char *flag, const char *indicator)
{
    lotk_jsonw_object(w);
    lotk_jsonw_key(w, "flag");
    lotk_jsonw_str(w, flag);
    lotk_jsonw_key(w, "indicator");
    lotk_jsonw_str(w, indicator);
}

static void write_findings(struct lotk_jsonw *w, const struct lotk_standard *s,
                           const struct lotk_evidence_org *eo)
{
    const struct lotk_evidence_spec *spec = &s->evidence;
    size_t l = 0;
    lotk_jsonw_array(w);
    for (size_t i = 0; eo && eo->leaves && i < s->nnodes; i++) {
        const struct lotk_node *node = &s->nodes[i];
        if (!lotk_evidence_is_rated(node))
            continue;
        const struct lotk_evidence_leaf *lf = &eo->leaves[l];
        const struct lotk_scale *sc = &s->scales[node->scale];
        const double spreads[2] = {lf->spread_third, lf->spread_self};
        for (int k = 0; k < 2; k++) {
            if (!(lf->spread_roles & (1u << k)))
                continue;
            open_finding(w, "assessor_spread", node->id);
            lotk_jsonw_key(w, "role");
            lotk_jsonw_str(w, lotk_role_name((enum lotk_role)k));
            lotk_jsonw_key(w, "spread");
            lotk_jsonw_real(w, spreads[k]);
            lotk_jsonw_key(w, "limit");
            lotk_jsonw_real(w, spec->spread);
            lotk_jsonw_key(w, "ratings");
            write_role_ratings(w, eo, l, (enum lotk_role)k);
            lotk_jsonw_end(w);
        }
        if (lf->flags & LOTK_EVIDENCE_SELF_EXCEEDS) {
            open_finding(w, "self_exceeds", node->id);
            lotk_jsonw_key(w, "self");
            lotk_jsonw_real(w, lf->self);
            lotk_jsonw_key(w, "third_party");
            lotk_jsonw_real(w, lf->third);
            lotk_jsonw_key(w, "difference");
            lotk_jsonw_real(w, (lf->self - lf->third) / (sc->max - sc->min));
            lotk_jsonw_key(w, "margin");
            lotk_jsonw_real(w, spec->margin);
            lotk_jsonw_end(w);
        }
        if (lf->flags & LOTK_EVIDENCE_SELF_ONLY) {
            open_finding(w, "self_only", node->id);
            lotk_jsonw_end(w);
        }
        if (lf->flags & LOTK_EVIDENCE_UNCITED) {
            open_finding(w, "uncited", node->id);
            lotk_jsonw_key(w, "assessors");
            lotk_jsonw_array(w);
            for (size_t r = 0; r < eo->nrows; r++) {
                const struct lotk_rating *rt = &eo->rows[r].ratings[l];
                if (rt->value == rt->value && !rt->evidence)
                    lotk_jsonw_str(w, eo->rows[r].assessor);
            }
            lotk_jsonw_end(w);
            lotk_jsonw_end(w);
        }
        l++;
    }
    lotk_jsonw_end(w);
}

/* An evidence leaf's members in its node: where its value came from, the two roles'
 * values and every rating (leaf l of eo, or none). */
static void write_evidence_node(struct lotk_jsonw *w, const struct lotk_node *node,
                                const struct lotk_evidence_org *eo, size_t l)
{
    const struct lotk_evidence_leaf *lf = eo && eo->leaves ? &eo->leaves[l] : NULL;
    lotk_jsonw_key(w, "source");
    lotk_jsonw_str(w, "evidence");
    lotk_jsonw_key(w, "third_party");
    lotk_jsonw_real(w, lf ? lf->third : NAN);
    lotk_jsonw_key(w, "self");
    lotk_jsonw_real(w, lf ? lf->self : NAN);
    lotk_jsonw_key(w, "ratings");
    lotk_jsonw_array(w);
    for (size_t r = 0; lf && r < eo->nrows; r++) {
        const struct lotk_evidence_row *row = &eo->rows[r];
        const struct lotk_rating *rt = &row->ratings[l];
        if (rt->value != rt->value && !rt->evidence && !rt->note)
            continue;
        lotk_jsonw_object(w);
        lotk_jsonw_key(w, "assessor");
        lotk_jsonw_str(w, row->assessor);
        lotk_jsonw_key(w, "role");
        lotk_jsonw_str(w, lotk_role_name(row->role));
        lotk_jsonw_key(w, "value");
        lotk_jsonw_real(w, rt->value);
        if (node->rubric->kind == LOTK_RUBRIC_FACT) {
            lotk_jsonw_key(w, "fact");
            lotk_jsonw_real(w, rt->recorded);
        }
        lotk_jsonw_key(w, "evidence");
        lotk_jsonw_str(w, rt->evidence);
        lotk_jsonw_key(w, "note");
        lotk_jsonw_str(w, rt->note);
        lotk_jsonw_end(w);
    }
    lotk_jsonw_end(w);
}

/* The organization's "evidence": its assessors, whether it assessed itself, the findings. */
static void write_evidence(struct lotk_jsonw *w, const struct lotk_standard *s,
                           const struct lotk_evidence_org *eo)
{
    bool self = false;
    lotk_jsonw_object(w);
    lotk_jsonw_key(w, "assessors");
    lotk_jsonw_array(w);
    for (size_t r = 0; eo && r < eo->nrows; r++) {
        if (eo->rows[r].role == LOTK_ROLE_SELF)
            self = true;
        else
            lotk_jsonw_str(w, eo->rows[r].assessor);
    }
    lotk_jsonw_end(w);
    lotk_jsonw_key(w, "self_assessed");
    lotk_jsonw_bool(w, self);
    lotk_jsonw_key(w, "flagged");
    write_findings(w, s, eo);
    lotk_jsonw_end(w);
}

static void write_node(struct lotk_jsonw *w, const struct lotk_standard *s,
                       const struct lotk_org_result *o, size_t i)
{
    const struct lotk_node *node = &s->nodes[i];
    lotk_jsonw_key(w, "mean");
    lotk_jsonw_real(w, o->mean[i]);
    lotk_jsonw_key(w, "norm");
    lotk_jsonw_real(w, o->norm[i]);
    lotk_jsonw_key(w, "points");
    lotk_jsonw_real(w, o->points_of[i]);
    if (node->nitems > 0) {
        lotk_jsonw_key(w, "n");
        lotk_jsonw_int(w, o->n[i]);
        lotk_jsonw_key(w, "rwg_j");
        lotk_jsonw_real(w, o->rwg_j[i]);
        lotk_jsonw_key(w, "rwg_n");
        lotk_jsonw_int(w, o->rwg_n[i]);
        if (o->rwg_j[i] < s->min_rwg_j) {
            lotk_jsonw_key(w, "low_agreement");
            lotk_jsonw_bool(w, true);
        }
    } else if (node->members) { /* the unit's members of that kind */
        lotk_jsonw_key(w, "n");
        lotk_jsonw_int(w, o->n[i]);
    }
}

void lotk_result_org_write(struct lotk_jsonw *w, const struct lotk_standard *s,
                           const struct lotk_org_result *o,
                           const struct lotk_result_json_extras *x)
{
    lotk_jsonw_object(w);
    lotk_jsonw_key(w, "id");
    lotk_jsonw_str(w, o->id);
    lotk_jsonw_key(w, "respondents");
    lotk_jsonw_int(w, o->respondents);
    lotk_jsonw_key(w, "points");
    lotk_jsonw_real(w, o->points);
    lotk_jsonw_key(w, "grade");
    lotk_jsonw_str(w, o->band >= 0 ? s->bands[o->band].grade : NULL);
    lotk_jsonw_key(w, "nodes");
    lotk_jsonw_object(w);
    /* Evidence leaves are numbered in preorder, the root (never among "nodes") included. */
    size_t l = s->nnodes > 0 && lotk_evidence_is_rated(&s->nodes[0]) ? 1 : 0;
    for (size_t i = 1; i < s->nnodes; i++) {
        lotk_jsonw_key(w, s->nodes[i].id);
        lotk_jsonw_object(w);
        write_node(w, s, o, i);
        if (s->nevidence > 0 && lotk_evidence_is_rated(&s->nodes[i]))
            write_evidence_node(w, &s->nodes[i], o->evidence, l++);
        if (x && x->node_fields)
            x->node_fields(x->ctx, w, i);
        lotk_jsonw_end(w);
    }
    lotk_jsonw_end(w);
    lotk_jsonw_key(w, "flags");
    write_flags(w, o->flags);
    if (s->nevidence > 0) { /* ratings, citations and findings beside the values */
        lotk_jsonw_key(w, "evidence");
        write_evidence(w, s, o->evidence);
    }
    lotk_jsonw_key(w, "adjustments");
    write_adjustments(w, o);
    if (x && x->org_fields)
        x->org_fields(x->ctx, w);
    lotk_jsonw_end(w);
}

json_t *lotk_result_org_json(const struct lotk_standard *s, const struct lotk_org_result *o)
{
    /* Parsed from the text the JSON result holds, so that rule plugins see exactly that:
     * one description of an organization, not two kept in step. */
    struct lotk_buf text = {0};
    struct lotk_jsonw w;
    lotk_jsonw_begin(&w, &text, 0);
    lotk_result_org_write(&w, s, o, NULL);
    json_t *j = json_loadb(text.data, text.len, 0, NULL);
    lotk_buf_free(&text);
    return j;
}
