/* result_json.c — an organization's result as a JSON tree; see result_json.h. */
#include "score/result_json.h"

#include <math.h>
#include <stdbool.h>

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

static json_t *flags_json(unsigned flags)
{
    json_t *a = json_array();
    for (unsigned b = 0; b < LOTK_FLAG_COUNT; b++)
        if (flags & (1u << b))
            json_array_append_new(a, json_string(lotk_flag_name(b)));
    return a;
}

static json_t *adjustments_json(const struct lotk_org_result *o)
{
    json_t *a = json_array();
    for (size_t i = 0; i < o->nadjustments; i++) {
        const struct lotk_adjustment *adj = &o->adjustments[i];
        json_t *j = json_object();
        json_object_set_new(j, "rule", json_string(adj->rule));
        json_object_set_new(j, "reason", json_string(adj->reason));
        if (adj->grade)
            json_object_set_new(j, "grade", json_string(adj->grade));
        if (adj->max_grade)
            json_object_set_new(j, "max_grade", json_string(adj->max_grade));
        if (adj->points != 0)
            json_object_set_new(j, "points", json_real(adj->points));
        json_array_append_new(a, j);
    }
    return a;
}

/* The ratings of one role on leaf l, for a spread finding. */
static json_t *role_ratings(const struct lotk_evidence_org *eo, size_t l, enum lotk_role role)
{
    json_t *a = json_array();
    for (size_t r = 0; r < eo->nrows; r++) {
        const struct lotk_evidence_row *row = &eo->rows[r];
        if (row->role != role || row->ratings[l].value != row->ratings[l].value)
            continue;
        json_t *j = json_object();
        json_object_set_new(j, "assessor", json_string(row->assessor));
        json_object_set_new(j, "value", json_real(row->ratings[l].value));
        json_array_append_new(a, j);
    }
    return a;
}

static void add_findings(const struct lotk_standard *s, const struct lotk_evidence_org *eo,
                         json_t *out)
{
    const struct lotk_evidence_spec *spec = &s->evidence;
    size_t l = 0;
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
            json_t *j = json_object();
            json_object_set_new(j, "flag", json_string("assessor_spread"));
            json_object_set_new(j, "indicator", json_string(node->id));
            json_object_set_new(j, "role", json_string(lotk_role_name((enum lotk_role)k)));
            json_object_set_new(j, "spread", json_real(spreads[k]));
            json_object_set_new(j, "limit", json_real(spec->spread));
            json_object_set_new(j, "ratings", role_ratings(eo, l, (enum lotk_role)k));
            json_array_append_new(out, j);
        }
        if (lf->flags & LOTK_EVIDENCE_SELF_EXCEEDS) {
            json_t *j = json_object();
            json_object_set_new(j, "flag", json_string("self_exceeds"));
            json_object_set_new(j, "indicator", json_string(node->id));
            json_object_set_new(j, "self", json_real(lf->self));
            json_object_set_new(j, "third_party", json_real(lf->third));
            json_object_set_new(j, "difference",
                                json_real((lf->self - lf->third) / (sc->max - sc->min)));
            json_object_set_new(j, "margin", json_real(spec->margin));
            json_array_append_new(out, j);
        }
        if (lf->flags & LOTK_EVIDENCE_SELF_ONLY) {
            json_t *j = json_object();
            json_object_set_new(j, "flag", json_string("self_only"));
            json_object_set_new(j, "indicator", json_string(node->id));
            json_array_append_new(out, j);
        }
        if (lf->flags & LOTK_EVIDENCE_UNCITED) {
            json_t *j = json_object(), *who = json_array();
            json_object_set_new(j, "flag", json_string("uncited"));
            json_object_set_new(j, "indicator", json_string(node->id));
            for (size_t r = 0; r < eo->nrows; r++) {
                const struct lotk_rating *rt = &eo->rows[r].ratings[l];
                if (rt->value == rt->value && !rt->evidence)
                    json_array_append_new(who, json_string(eo->rows[r].assessor));
            }
            json_object_set_new(j, "assessors", who);
            json_array_append_new(out, j);
        }
        l++;
    }
}

static void add_evidence(const struct lotk_standard *s, const struct lotk_evidence_org *eo,
                         json_t *org)
{
    json_t *nodes = json_object_get(org, "nodes");
    size_t l = 0; /* evidence leaves in preorder: the order of ev->leaves */
    for (size_t i = 0; i < s->nnodes; i++) {
        const struct lotk_node *node = &s->nodes[i];
        if (!lotk_evidence_is_rated(node))
            continue;
        const struct lotk_evidence_leaf *lf = eo && eo->leaves ? &eo->leaves[l] : NULL;
        json_t *n = nodes ? json_object_get(nodes, node->id) : NULL;
        json_t *ratings = json_array();
        for (size_t r = 0; lf && r < eo->nrows; r++) {
            const struct lotk_evidence_row *row = &eo->rows[r];
            const struct lotk_rating *rt = &row->ratings[l];
            if (rt->value != rt->value && !rt->evidence && !rt->note)
                continue;
            json_t *j = json_object();
            json_object_set_new(j, "assessor", json_string(row->assessor));
            json_object_set_new(j, "role", json_string(lotk_role_name(row->role)));
            json_object_set_new(j, "value", lotk_json_real_or_null(rt->value));
            if (node->rubric->kind == LOTK_RUBRIC_FACT)
                json_object_set_new(j, "fact", lotk_json_real_or_null(rt->recorded));
            json_object_set_new(j, "evidence", lotk_json_string_or_null(rt->evidence));
            json_object_set_new(j, "note", lotk_json_string_or_null(rt->note));
            json_array_append_new(ratings, j);
        }
        l++;
        if (!n) {
            json_decref(ratings);
            continue;
        }
        json_object_set_new(n, "source", json_string("evidence"));
        json_object_set_new(n, "third_party", lotk_json_real_or_null(lf ? lf->third : NAN));
        json_object_set_new(n, "self", lotk_json_real_or_null(lf ? lf->self : NAN));
        json_object_set_new(n, "ratings", ratings);
    }
    json_t *e = json_object(), *assessors = json_array(), *findings = json_array();
    bool self = false;
    for (size_t r = 0; eo && r < eo->nrows; r++) {
        if (eo->rows[r].role == LOTK_ROLE_SELF)
            self = true;
        else
            json_array_append_new(assessors, json_string(eo->rows[r].assessor));
    }
    json_object_set_new(e, "assessors", assessors);
    json_object_set_new(e, "self_assessed", json_boolean(self));
    add_findings(s, eo, findings);
    json_object_set_new(e, "flagged", findings);
    json_object_set_new(org, "evidence", e);
}


json_t *lotk_result_org_json(const struct lotk_standard *s, const struct lotk_org_result *o)
{
    json_t *j = json_object();
    json_object_set_new(j, "id", json_string(o->id));
    json_object_set_new(j, "respondents", json_integer(o->respondents));
    json_object_set_new(j, "points", lotk_json_real_or_null(o->points));
    json_object_set_new(j, "grade",
                        o->band >= 0 ? json_string(s->bands[o->band].grade) : json_null());
    json_t *nodes = json_object();
    for (size_t i = 1; i < s->nnodes; i++) {
        json_t *n = json_object();
        json_object_set_new(n, "mean", lotk_json_real_or_null(o->mean[i]));
        json_object_set_new(n, "norm", lotk_json_real_or_null(o->norm[i]));
        json_object_set_new(n, "points", lotk_json_real_or_null(o->points_of[i]));
        if (s->nodes[i].nitems > 0) {
            json_object_set_new(n, "n", json_integer(o->n[i]));
            json_object_set_new(n, "rwg_j", lotk_json_real_or_null(o->rwg_j[i]));
            json_object_set_new(n, "rwg_n", json_integer(o->rwg_n[i]));
            if (o->rwg_j[i] < s->min_rwg_j)
                json_object_set_new(n, "low_agreement", json_true());
        } else if (s->nodes[i].members) { /* the unit's members of that kind */
            json_object_set_new(n, "n", json_integer(o->n[i]));
        }
        json_object_set_new(nodes, s->nodes[i].id, n);
    }
    json_object_set_new(j, "nodes", nodes);
    json_object_set_new(j, "flags", flags_json(o->flags));
    if (s->nevidence > 0) /* ratings, citations and findings beside the values */
        add_evidence(s, o->evidence, j);
    json_object_set_new(j, "adjustments", adjustments_json(o));
    return j;
}
