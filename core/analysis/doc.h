/* doc.h — lotk's own JSON results read back (lotk norms, lotk compare, and the reports and
 * city roll-ups that read saved results): the fields they use, checked, over the parsed
 * jansson tree. */
#ifndef LOTK_DOC_H
#define LOTK_DOC_H

#include <stdbool.h>
#include <stddef.h>

#include "base/err.h"

struct json_t;

/* One organization of a result document; pointers borrow from the document. */
struct lotk_doc_org {
    const char *id;
    double points;         /* the reported total (after rules); NaN when null */
    const char *grade;     /* NULL when null */
    bool few_respondents;  /* flagged few_respondents */
    struct json_t *nodes;  /* the "nodes" object: node id → {"mean", "norm", "points", …} */
};

/* A `lotk score -f json` result read back: what norms and compare need of it. */
struct lotk_doc {
    struct json_t *root;   /* owns every string below */
    char *path;
    const char *std_id, *std_version, *std_sha256;
    double std_points;     /* the standard's total points */
    struct lotk_doc_org *orgs;
    size_t norgs;
};

/* Reads path ("-" = standard input; at most 1 GiB) as JSON. Returns 0 and *out (the
 * caller owns the reference), or LOTK_EIO with err naming FILE:LINE:COLUMN and jansson's
 * message when the file cannot be read or is not JSON. */
int lotk_doc_read_json(const char *path, struct json_t **out, struct lotk_err *err);

/* Reads a lotk score result (JSON) into doc, checking the fields norms and compare use.
 * Returns 0, or LOTK_EIO with err saying which field is missing or of the wrong type. On
 * success the caller frees doc with lotk_doc_clear; on failure doc is cleared. */
int lotk_doc_load(const char *path, struct lotk_doc *doc, struct lotk_err *err);

/* A number field of node node_id of o ("points", "norm", …): NaN when the node or the
 * field is missing or null. node_id "total" gives o->points for "points". */
double lotk_doc_value(const struct lotk_doc_org *o, const char *node_id,
                            const char *field);

/* Frees what doc holds and zeroes it; safe on a zeroed or cleared doc. */
void lotk_doc_clear(struct lotk_doc *doc);

#endif
