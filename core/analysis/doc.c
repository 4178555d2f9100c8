/* doc.c — lotk JSON results read back; see doc.h. */
#include "analysis/doc.h"

#include <jansson.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "base/file.h"
#include "base/json_tree.h"
#include "base/mem.h"
#include "base/strmap.h"

/* Results of 300,000 organizations run to a few hundred MiB; anything past this is not a
 * lotk result. */
#define JSON_MAX_BYTES ((size_t)1 << 30)

int lotk_doc_read_json(const char *path, json_t **out, struct lotk_err *err)
{
    char *data = NULL;
    size_t len = 0;
    *out = NULL;
    int rc = lotk_file_read(path, JSON_MAX_BYTES, &data, &len, err);
    if (rc)
        return rc;
    json_error_t je;
    json_t *j = json_loadb(data, len, 0, &je);
    free(data);
    if (!j)
        return lotk_err_set(err, LOTK_EIO, path, je.line > 0 ? je.line : 0,
                            je.column > 0 ? je.column : 0, "invalid JSON: %s", je.text);
    *out = j;
    return 0;
}

static int not_a_result(const char *path, struct lotk_err *err, const char *what)
{
    return lotk_err_set(err, LOTK_EIO, path, 0, 0,
                        "not a lotk score result (lotk score -f json): %s", what);
}

int lotk_doc_load(const char *path, struct lotk_doc *doc, struct lotk_err *err)
{
    memset(doc, 0, sizeof *doc);
    /* lotk writes each organization once; one twice would be matched twice by compare. */
    struct lotk_strmap ids = {0};
    int rc = lotk_doc_read_json(path, &doc->root, err);
    if (rc)
        return rc;
    doc->path = lotk_xstrdup(path);
    json_t *std = json_object_get(doc->root, "standard");
    json_t *orgs = json_object_get(doc->root, "organizations");
    if (!json_is_object(doc->root) || !json_is_object(std)) {
        rc = not_a_result(path, err, "no \"standard\" object");
        goto done;
    }
    doc->std_id = lotk_json_get_string(std, "id");
    doc->std_version = lotk_json_get_string(std, "version");
    doc->std_sha256 = lotk_json_get_string(std, "sha256");
    json_t *points = json_object_get(std, "points");
    doc->std_points = json_is_number(points) ? json_number_value(points) : NAN;
    if (!doc->std_id || !doc->std_version) {
        rc = not_a_result(path, err, "\"standard\" lacks a string \"id\" or \"version\"");
        goto done;
    }
    if (!json_is_array(orgs)) {
        rc = not_a_result(path, err, "no \"organizations\" array");
        goto done;
    }
    doc->norgs = json_array_size(orgs);
    doc->orgs = lotk_xcalloc(doc->norgs ? doc->norgs : 1, sizeof *doc->orgs);
    for (size_t i = 0; i < doc->norgs; i++) {
        json_t *o = json_array_get(orgs, i);
        struct lotk_doc_org *d = &doc->orgs[i];
        char what[96];
        d->id = json_is_object(o) ? lotk_json_get_string(o, "id") : NULL;
        d->nodes = json_object_get(o, "nodes");
        json_t *p = json_object_get(o, "points");
        if (!d->id || !json_is_object(d->nodes) || !(json_is_number(p) || json_is_null(p))) {
            snprintf(what, sizeof what,
                     "organizations[%zu] lacks a string \"id\", a \"nodes\" object or "
                     "\"points\"", i);
            rc = not_a_result(path, err, what);
            goto done;
        }
        if (lotk_strmap_get(&ids, d->id, strlen(d->id)) >= 0) {
            snprintf(what, sizeof what, "organization '%.40s' appears twice", d->id);
            rc = not_a_result(path, err, what);
            goto done;
        }
        lotk_strmap_put(&ids, d->id, strlen(d->id), (int)i);
        d->points = json_is_number(p) ? json_number_value(p) : NAN;
        d->grade = lotk_json_get_string(o, "grade");
        json_t *flags = json_object_get(o, "flags");
        for (size_t f = 0; f < json_array_size(flags); f++) {
            const char *flag = json_string_value(json_array_get(flags, f));
            if (flag && strcmp(flag, "few_respondents") == 0)
                d->few_respondents = true;
        }
    }
done:
    lotk_strmap_free(&ids);
    if (rc)
        lotk_doc_clear(doc);
    return rc;
}

double lotk_doc_value(const struct lotk_doc_org *o, const char *node_id,
                            const char *field)
{
    if (strcmp(node_id, "total") == 0 && strcmp(field, "points") == 0)
        return o->points;
    json_t *v = json_object_get(json_object_get(o->nodes, node_id), field);
    return json_is_number(v) ? json_number_value(v) : NAN;
}

void lotk_doc_clear(struct lotk_doc *doc)
{
    if (!doc)
        return;
    json_decref(doc->root);
    free(doc->orgs);
    free(doc->path);
    memset(doc, 0, sizeof *doc);
}

