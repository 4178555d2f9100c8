/* standard.c — loading a standard: the file read and hashed (SHA-256 of its bytes), the
 * YAML document's root mapping handed to each part's loader in turn, and the tree freed.
 *
 * libyaml's document loader gives a node graph with marks; the loader walks it once,
 * checking keys and types as it goes and recording each problem in a lotk_diags rather
 * than stopping, so that `lotk check` can list them all. The parts live beside this file:
 * yaml.c (the toolbox), scales.c, colspec.c, indicators.c, rubrics.c, sections.c;
 * resolve.c finds standards on the search path. */
#include "standard/standard.h"

#include <math.h>
#include <nettle/sha2.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/file.h"
#include "base/mem.h"
#include "standard/load_internal.h"
#include "standard/rx.h"

static const char *const kinds[] = {"agency", "enterprise", "public-institution",
                                    "social-group", "community", "family", "city", "other",
                                    NULL};

/* The language the title map names first, which reports and tables use unless told
 * otherwise: "en" when the map starts with en, "zh" otherwise. */
static const char *first_language(const struct lotk_loader *ld, const yaml_node_t *title)
{
    if (title->type != YAML_MAPPING_NODE ||
        title->data.mapping.pairs.start == title->data.mapping.pairs.top)
        return "zh";
    yaml_node_t *key = yaml_document_get_node((yaml_document_t *)&ld->doc, title->data.mapping.pairs.start->key);
    return key && key->type == YAML_SCALAR_NODE && strcmp(scalar(key), "en") == 0 ? "en" : "zh";
}

static void load_root(struct lotk_loader *ld, const yaml_node_t *root)
{
    static const char *const keys[] = {"format", "id", "version", "kind", "title",
                                       "description", "scales", "survey", "points",
                                       "aggregate", "bands", "indicators", "rules",
                                       "respondent", "agreement", "crosswalk", "evidence", "screening",
                                       "targets", NULL};
    struct lotk_standard *s = ld->s;
    if (!lotk_yaml_expect(ld, root, YAML_MAPPING_NODE, "standard"))
        return;
    lotk_yaml_check_keys(ld, root, keys, "standard");
    yaml_node_t *v;
    if ((v = lotk_yaml_require(ld, root, "format", "standard")) &&
        !(v->type == YAML_SCALAR_NODE && strcmp(scalar(v), "lotk/1") == 0))
        problem(ld, v, "format: expected lotk/1");
    if ((v = lotk_yaml_require(ld, root, "id", "standard")) &&
        (s->id = lotk_yaml_string(ld, v, "id")) && !lotk_yaml_valid_id(s->id, false))
        problem(ld, v, "id: expected lowercase letters, digits and '-', found '%s'", s->id);
    if ((v = lotk_yaml_require(ld, root, "version", "standard")))
        s->version = lotk_yaml_string(ld, v, "version");
    if ((v = lotk_yaml_require(ld, root, "kind", "standard")) &&
        (s->kind = lotk_yaml_string(ld, v, "kind"))) {
        bool ok = false;
        for (int i = 0; kinds[i]; i++)
            ok |= strcmp(kinds[i], s->kind) == 0;
        if (!ok)
            problem(ld, v,
                    "kind: expected agency, enterprise, public-institution, social-group, "
                    "community, family, city or other, found '%s'",
                    s->kind);
    }
    if ((v = lotk_yaml_require(ld, root, "title", "standard"))) {
        lotk_yaml_text(ld, v, &s->title, "title");
        s->lang = first_language(ld, v);
    }
    if ((v = lotk_yaml_get(ld, root, "description")))
        s->description = lotk_yaml_string(ld, v, "description");
    if ((v = lotk_yaml_get(ld, root, "scales")))
        lotk_scales_load(ld, v);
    if ((v = lotk_yaml_require(ld, root, "survey", "standard")))
        lotk_colspec_survey(ld, v);
    if ((v = lotk_yaml_get(ld, root, "points")) &&
        lotk_yaml_number(ld, v, "points", &s->points) && s->points <= 0)
        problem(ld, v, "points: must be greater than 0");
    if ((v = lotk_yaml_get(ld, root, "aggregate"))) {
        s->aggregate_loc = loc_of(v);
        lotk_indicators_aggregate(ld, v, &s->nodes[0].aggregate, &s->nodes[0].aggregate_plugin);
    }
    if ((v = lotk_yaml_get(ld, root, "agreement")))
        lotk_sections_agreement(ld, v);
    if ((v = lotk_yaml_get(ld, root, "screening")))
        lotk_colspec_screening(ld, v);
    if ((v = lotk_yaml_get(ld, root, "respondent"))) {
        s->respondent_loc = loc_of(v);
        s->respondent_plugin = lotk_yaml_string(ld, v, "respondent");
    }
    if ((v = lotk_yaml_get(ld, root, "bands")))
        lotk_sections_bands(ld, v);
    if ((v = lotk_yaml_require(ld, root, "indicators", "standard")))
        lotk_indicators_load(ld, 0, v, 1);
    if ((v = lotk_yaml_get(ld, root, "rules")))
        lotk_sections_rules(ld, v);
    if ((v = lotk_yaml_get(ld, root, "crosswalk")))
        lotk_sections_crosswalk(ld, v);
    if ((v = lotk_yaml_get(ld, root, "evidence")))
        lotk_sections_evidence(ld, v);
    lotk_sections_evidence_defaults(ld, root);
    if ((v = lotk_yaml_get(ld, root, "targets")))
        lotk_units_load_targets(ld, v);
    lotk_units_check(ld);
}

static void hash_file(const char *data, size_t len, char out[65])
{
    struct sha256_ctx ctx;
    uint8_t digest[SHA256_DIGEST_SIZE];
    sha256_init(&ctx);
    sha256_update(&ctx, len, (const uint8_t *)data);
    sha256_digest(&ctx, sizeof digest, digest);
    for (int i = 0; i < SHA256_DIGEST_SIZE; i++)
        snprintf(out + 2 * i, 3, "%02x", digest[i]);
}

int lotk_standard_load(const char *path, struct lotk_standard **out, struct lotk_diags *diags)
{
    char *data = NULL;
    size_t len = 0;
    int rc = LOTK_ESTANDARD;
    size_t errors_before = diags->errors;
    struct lotk_loader ld = {.file = path, .diags = diags};
    bool have_doc = false;

    *out = NULL;
    struct lotk_err io;
    if (lotk_file_read_regular(path, STANDARD_MAX_BYTES, &data, &len, &io) != 0) {
        lotk_diags_add_err(diags, false, &io);
        return LOTK_EIO;
    }
    struct lotk_standard *s = lotk_xcalloc(1, sizeof *s);
    ld.s = s;
    s->path = lotk_xstrdup(path);
    s->points = 100;
    s->min_respondents = 1;
    s->min_rwg_j = s->min_icc1 = s->min_icc2 = NAN;
    s->screening.max_missing = -1;
    s->evidence.third_weight = 1; /* third party only unless the standard says otherwise */
    s->evidence.spread = s->evidence.margin = NAN;
    hash_file(data, len, s->sha256);
    lotk_indicators_new_node(&ld, -1, 0);
    s->nodes[0].id = lotk_xstrdup("total");

    if (lotk_yaml_parse(path, data, len, &ld.doc, diags) != 0)
        goto done; /* reported; a standard that does not parse is LOTK_ESTANDARD */
    have_doc = true;
    yaml_node_t *root = yaml_document_get_root_node(&ld.doc);
    if (!root) {
        lotk_diags_add(diags, false, LOTK_ESTANDARD, path, 1, 1,
                       "the file is empty; expected a standard (format: lotk/1)");
        goto done;
    }
    load_root(&ld, root);
    if (diags->errors == errors_before) {
        lotk_indicators_link(s);
        rc = 0;
    }
done:
    if (have_doc)
        yaml_document_delete(&ld.doc);
    lotk_strmap_free(&ld.node_ids);
    lotk_strmap_free(&ld.item_ids);
    lotk_strmap_free(&ld.scale_ids);
    free(ld.pending);
    free(data);
    if (rc == 0)
        *out = s;
    else
        lotk_standard_free(s);
    return rc;
}

void lotk_standard_free(struct lotk_standard *s)
{
    if (!s)
        return;
    for (size_t i = 0; i < s->nscales; i++) {
        free(s->scales[i].id);
        lotk_strmap_free(&s->scales[i].labels);
        lotk_strmap_free(&s->scales[i].missing);
        free(s->scales[i].label_values);
    }
    free(s->scales);
    for (size_t i = 0; i < s->nitems; i++) {
        free(s->items[i].id);
        lotk_yaml_text_free(&s->items[i].text);
        free(s->items[i].column);
        lotk_rx_free(s->items[i].match);
        for (size_t k = 0; k < s->items[i].noptions; k++)
            free(s->items[i].options[k].label);
        free(s->items[i].options);
    }
    free(s->items);
    for (size_t i = 0; i < s->nnodes; i++) {
        free(s->nodes[i].id);
        lotk_yaml_text_free(&s->nodes[i].title);
        lotk_yaml_text_free(&s->nodes[i].rationale);
        free(s->nodes[i].children);
        free(s->nodes[i].items);
        free(s->nodes[i].aggregate_plugin);
        lotk_value_clear(&s->nodes[i].params);
        lotk_rubrics_free(s->nodes[i].rubric);
        lotk_units_free(&s->nodes[i]);
    }
    lotk_units_free_targets(&s->targets);
    for (size_t i = 0; i < s->nrules; i++) {
        free(s->rules[i].plugin);
        lotk_value_clear(&s->rules[i].params);
    }
    free(s->rules);
    for (size_t i = 0; i < s->ncrosswalk; i++) {
        free(s->crosswalk[i].from);
        free(s->crosswalk[i].to);
    }
    free(s->crosswalk);
    free(s->respondent_plugin);
    free(s->nodes);
    for (size_t i = 0; i < s->nbands; i++) {
        free(s->bands[i].grade);
        lotk_yaml_text_free(&s->bands[i].label);
    }
    free(s->bands);
    free(s->path);
    free(s->id);
    free(s->version);
    free(s->kind);
    lotk_yaml_text_free(&s->title);
    free(s->description);
    free(s->org_column);
    free(s->id_column);
    lotk_colspec_free(&s->org_spec);
    lotk_colspec_free(&s->id_spec);
    lotk_colspec_free(&s->duration);
    for (size_t i = 0; i < s->screening.nattention; i++) {
        lotk_colspec_free(&s->screening.attention[i].column);
        free(s->screening.attention[i].expect);
    }
    free(s->screening.attention);
    free(s->evidence.org_column);
    free(s->evidence.assessor_column);
    free(s->evidence.role_column);
    free(s);
}
