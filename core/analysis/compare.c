/* compare.c — the measurement error behind a result (org_reliability) and the change
 * between two rounds; see compare.h. */
#include "base/json_tree.h"
#include "analysis/compare.h"

#include <jansson.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "base/jsonw.h"
#include "base/csvw.h"
#include "standard/standard.h"
#include "base/mem.h"
#include "base/buf.h"
#include "base/strmap.h"
#include "base/num.h"
#include "base/csvw.h"

/* ---- the basis: spread and reliability of organization values --------------------------- */

/* Node i's value of organization o for the basis: norm; the total: points / standard
 * points. NaN when o does not count (flagged few_respondents) or has none. */
static double basis_value(const struct lotk_result *r, const struct lotk_org_result *o,
                          size_t i)
{
    if (o->flags & LOTK_FLAG_FEW_RESPONDENTS)
        return NAN;
    return i == 0 ? o->points / r->standard->points : o->norm[i];
}

/* The sample SD of every node's organization values (basis_value), into sd[] with their
 * counts. Two passes over the organizations, every node at once (one pass per node would
 * walk all the results once per node); each node's sums still run in result order, so
 * the figures are the same to the bit. */
static void org_sds(const struct lotk_result *r, double *sd, size_t *count)
{
    size_t nn = r->standard->nnodes;
    double *mean = lotk_xcalloc(nn ? nn : 1, sizeof *mean);
    double *ss = lotk_xcalloc(nn ? nn : 1, sizeof *ss);
    for (size_t k = 0; k < r->norgs; k++)
        for (size_t i = 0; i < nn; i++) {
            double v = basis_value(r, &r->orgs[k], i);
            if (v == v) {
                mean[i] += v;
                count[i]++;
            }
        }
    for (size_t i = 0; i < nn; i++)
        mean[i] /= (double)count[i];
    for (size_t k = 0; k < r->norgs; k++)
        for (size_t i = 0; i < nn; i++) {
            double v = basis_value(r, &r->orgs[k], i);
            if (v == v)
                ss[i] += (v - mean[i]) * (v - mean[i]);
        }
    for (size_t i = 0; i < nn; i++)
        sd[i] = count[i] < 2 ? NAN : sqrt(ss[i] / (double)(count[i] - 1));
    free(mean);
    free(ss);
}

struct lotk_compare_basis *lotk_compare_basis_new(const struct lotk_result *r)
{
    const struct lotk_standard *s = r->standard;
    size_t nn = s->nnodes;
    struct lotk_compare_basis *b = lotk_xcalloc(1, sizeof *b);
    b->nnodes = nn;
    double *sd = b->sd = lotk_xmalloc(nn * sizeof *sd);
    double *sem = b->sem = lotk_xmalloc(nn * sizeof *sem);
    double *rel = b->r = lotk_xmalloc(nn * sizeof *rel);
    size_t *count = b->organizations = lotk_xcalloc(nn, sizeof *count);
    b->method = lotk_xmalloc(nn * sizeof *b->method);
    org_sds(r, sd, count);
    /* Children follow their parent in preorder: walking backwards sees children first. */
    for (size_t i = nn; i-- > 0;) {
        const struct lotk_node *node = &s->nodes[i];
        b->method[i] = node->nitems > 0 ? "icc2" : node->nchildren == 0 ? "evidence" :
                                                                           "composite";
        if (node->nitems > 0) {
            rel[i] = r->leaf_stats ? r->leaf_stats[i].icc2 : NAN;
            sem[i] = sd[i] * sqrt(1 - rel[i]);
            continue;
        }
        if (node->nchildren == 0) {
            sem[i] = 0;
            rel[i] = NAN;
            continue;
        }
        /* Children no organization has a value for (evidence not rated) are left out,
         * weights renormalised, as the aggregate itself leaves them out. */
        double wsum = 0, acc = 0;
        for (size_t c = 0; c < node->nchildren; c++) {
            int child = node->children[c];
            if (count[child] > 0)
                wsum += node->aggregate == LOTK_AGG_MEAN ? 1 : s->nodes[child].weight;
        }
        for (size_t c = 0; c < node->nchildren; c++) {
            int child = node->children[c];
            double w = node->aggregate == LOTK_AGG_MEAN ? 1 : s->nodes[child].weight;
            if (count[child] > 0)
                acc += w / wsum * sem[child];
        }
        sem[i] = wsum > 0 ? acc : NAN;
        rel[i] = sd[i] > 0 ? 1 - acc * acc / (sd[i] * sd[i]) : NAN;
    }
    return b;
}

void lotk_compare_basis_free(struct lotk_compare_basis *b)
{
    if (!b)
        return;
    free(b->organizations);
    free(b->sd);
    free(b->sem);
    free(b->r);
    free(b->method);
    free(b);
}

/* ---- lotk compare ------------------------------------------------------------------------ */

double lotk_compare_rci(double old_value, double new_value, double sd, double r,
                        double *se_diff)
{
    double se = r != r ? NAN : r < 1 ? sqrt(2.0) * sd * sqrt(1 - r) : 0; /* sd NaN: NaN */
    if (se_diff)
        *se_diff = se;
    if (se != se || se <= 0)
        return NAN;
    return (new_value - old_value) / se;
}

/* A round's value of a node for one organization: norm, or points / standard points for
 * the total. */
static double round_value(const struct lotk_doc *doc, const struct lotk_doc_org *o,
                          const char *node)
{
    if (strcmp(node, "total") == 0)
        return o->points / doc->std_points;
    return lotk_doc_value(o, node, "norm");
}

static bool basis_from(const struct lotk_doc *doc, const char *node, double *sd, double *r)
{
    json_t *b = json_object_get(json_object_get(doc->root, "org_reliability"), node);
    json_t *jsd = json_object_get(b, "sd"), *jr = json_object_get(b, "r");
    if (!json_is_number(jsd) || !json_is_number(jr))
        return false;
    *sd = json_number_value(jsd);
    *r = json_number_value(jr);
    return true;
}

/* Finds the newer standard for its crosswalk; a standard that cannot be used is only a
 * warning, unless the user named it. */
static int find_standard(struct lotk_comparison *c, const char *standard_path, FILE *warn,
                         struct lotk_err *err)
{
    const char *id = c->new_doc.std_id, *version = c->new_doc.std_version;
    struct lotk_err lookup;
    struct lotk_diags diags = {0};
    lotk_err_clear(&lookup);
    char *path = lotk_standard_resolve(standard_path ? standard_path : id, &lookup);
    int rc = 0;
    if (!path) {
        if (standard_path) {
            *err = lookup;
            return lookup.code ? lookup.code : LOTK_EUSAGE;
        }
        if (warn)
            lotk_diag(warn, "warning", NULL, 0, 0,
                      "standard %s %s not found on the search path (give it with --standard "
                      "FILE); nodes are matched by id only, without its crosswalk",
                      id, version);
        return 0;
    }
    if (lotk_standard_load(path, &c->standard, &diags) != 0) {
        if (warn)
            lotk_diags_print(&diags, warn);
        if (standard_path)
            rc = lotk_err_set(err, LOTK_ESTANDARD, path, 0, 0,
                              "the standard given with --standard is invalid");
        else if (warn)
            lotk_diag(warn, "warning", path, 0, 0,
                      "invalid standard: nodes are matched by id only, without its crosswalk");
        goto done;
    }
    if (strcmp(c->standard->id, id) != 0) {
        if (standard_path)
            rc = lotk_err_set(err, LOTK_EUSAGE, path, 0, 0,
                              "standard %s is not the one %s was scored with (%s)",
                              c->standard->id, c->new_path, id);
        lotk_standard_free(c->standard);
        c->standard = NULL;
    } else if (strcmp(c->standard->version, version) != 0) {
        if (warn)
            lotk_diag(warn, "warning", path, 0, 0,
                      "standard %s is version %s, but %s was scored with %s; %s",
                      id, c->standard->version, c->new_path, version,
                      standard_path ? "its crosswalk is used as given"
                                    : "its crosswalk is not used (give the right one with "
                                      "--standard FILE)");
        if (!standard_path) {
            lotk_standard_free(c->standard);
            c->standard = NULL;
        }
    }
done:
    lotk_diags_free(&diags);
    free(path);
    return rc;
}

static const char *crosswalk_from(const struct lotk_comparison *c, const char *to)
{
    for (size_t i = 0; c->standard && i < c->standard->ncrosswalk; i++)
        if (strcmp(c->standard->crosswalk[i].to, to) == 0)
            return c->standard->crosswalk[i].from;
    return NULL;
}

static void match_nodes(struct lotk_comparison *c, FILE *warn)
{
    json_t *new_nodes = c->new_doc.norgs ? c->new_doc.orgs[0].nodes : NULL;
    json_t *old_nodes = c->old_doc.norgs ? c->old_doc.orgs[0].nodes : NULL;
    c->nodes = lotk_xcalloc(json_object_size(new_nodes) + 1, sizeof *c->nodes);
    c->nodes[c->nnodes++].id = "total";
    const char *key;
    json_t *v;
    json_object_foreach(new_nodes, key, v) c->nodes[c->nnodes++].id = key;
    for (size_t i = 0; i < c->nnodes; i++) {
        struct lotk_compare_node *n = &c->nodes[i];
        const char *from = crosswalk_from(c, n->id);
        n->old_id = from ? from : n->id;
        c->ncrosswalk_used += from != NULL;
        n->sd = n->r = n->se_diff = NAN;
        if (basis_from(&c->old_doc, n->old_id, &n->sd, &n->r))
            n->basis = "old";
        else if (basis_from(&c->new_doc, n->id, &n->sd, &n->r))
            n->basis = "new";
        lotk_compare_rci(0, 0, n->sd, n->r, &n->se_diff);
    }
    c->unmatched_old = lotk_xcalloc(json_object_size(old_nodes) + 1, sizeof *c->unmatched_old);
    json_object_foreach(old_nodes, key, v) {
        bool matched = false;
        for (size_t i = 0; i < c->nnodes && !matched; i++)
            matched = strcmp(c->nodes[i].old_id, key) == 0;
        if (matched)
            continue;
        c->unmatched_old[c->nunmatched_old++] = key;
        if (warn)
            lotk_diag(warn, "warning", c->old_path, 0, 0,
                      "node %s has no counterpart in %s (a crosswalk entry {from: %s, to: …} "
                      "in the newer standard maps a renamed node)",
                      key, c->new_path, key);
    }
}

static void compare_org(struct lotk_comparison *c, struct lotk_compare_org *co)
{
    co->changes = lotk_xcalloc(c->nnodes, sizeof *co->changes);
    for (size_t i = 0; i < c->nnodes; i++) {
        const struct lotk_compare_node *n = &c->nodes[i];
        struct lotk_compare_change *ch = &co->changes[i];
        ch->old_value = round_value(&c->old_doc, co->old_org, n->old_id);
        ch->new_value = round_value(&c->new_doc, co->new_org, n->id);
        ch->diff = ch->new_value - ch->old_value;
        ch->rci = lotk_compare_rci(ch->old_value, ch->new_value, n->sd, n->r, NULL);
        ch->change = ch->rci != ch->rci  ? 2 :
                     ch->rci > c->critical ? 1 :
                     ch->rci < -c->critical ? -1 : 0;
    }
}

int lotk_compare_run(const char *old_path, const char *new_path, const char *standard_path,
                     FILE *warn, struct lotk_comparison **out, struct lotk_err *err)
{
    struct lotk_comparison *c = lotk_xcalloc(1, sizeof *c);
    struct lotk_strmap old_index = {0};
    bool *seen = NULL;
    int rc;
    *out = NULL;
    c->old_path = old_path;
    c->new_path = new_path;
    c->critical = 1.96;
    if ((rc = lotk_doc_load(old_path, &c->old_doc, err)) != 0 ||
        (rc = lotk_doc_load(new_path, &c->new_doc, err)) != 0)
        goto done;
    if (strcmp(c->old_doc.std_id, c->new_doc.std_id) != 0) {
        rc = lotk_err_set(err, LOTK_EUSAGE, NULL, 0, 0,
                          "%s was scored with standard %s, %s with %s; lotk compare compares "
                          "rounds of one standard",
                          old_path, c->old_doc.std_id, new_path, c->new_doc.std_id);
        goto done;
    }
    c->version_mismatch = strcmp(c->old_doc.std_version, c->new_doc.std_version) != 0;
    if (c->version_mismatch && warn)
        lotk_diag(warn, "warning", NULL, 0, 0,
                  "standard versions differ: %s was scored with %s %s, %s with %s; nodes are "
                  "matched by id and by the crosswalk of %s",
                  old_path, c->old_doc.std_id, c->old_doc.std_version, new_path,
                  c->new_doc.std_version, c->new_doc.std_version);
    if ((standard_path || c->version_mismatch) &&
        (rc = find_standard(c, standard_path, warn, err)) != 0)
        goto done;
    match_nodes(c, warn);

    for (size_t i = 0; i < c->old_doc.norgs; i++) {
        const char *id = c->old_doc.orgs[i].id;
        lotk_strmap_put(&old_index, id, strlen(id), (int)i);
    }
    seen = lotk_xcalloc(c->old_doc.norgs + 1, sizeof *seen);
    c->orgs = lotk_xcalloc(c->new_doc.norgs + 1, sizeof *c->orgs);
    c->only_new = lotk_xcalloc(c->new_doc.norgs + 1, sizeof *c->only_new);
    c->only_old = lotk_xcalloc(c->old_doc.norgs + 1, sizeof *c->only_old);
    for (size_t i = 0; i < c->new_doc.norgs; i++) {
        const struct lotk_doc_org *no = &c->new_doc.orgs[i];
        int k = lotk_strmap_get(&old_index, no->id, strlen(no->id));
        if (k < 0 || seen[k]) {
            c->only_new[c->nonly_new++] = no->id;
            if (warn)
                lotk_diag(warn, "warning", new_path, 0, 0,
                          "organization %s is not in %s: no change to report", no->id,
                          old_path);
            continue;
        }
        seen[k] = true;
        struct lotk_compare_org *co = &c->orgs[c->norgs++];
        co->old_org = &c->old_doc.orgs[k];
        co->new_org = no;
        compare_org(c, co);
    }
    for (size_t k = 0; k < c->old_doc.norgs; k++) {
        if (seen[k])
            continue;
        c->only_old[c->nonly_old++] = c->old_doc.orgs[k].id;
        if (warn)
            lotk_diag(warn, "warning", old_path, 0, 0,
                      "organization %s is missing from %s", c->old_doc.orgs[k].id, new_path);
    }
done:
    lotk_strmap_free(&old_index);
    free(seen);
    if (rc) {
        lotk_compare_free(c);
        return rc;
    }
    c->nprogress = lotk_targets_progress(c->old_doc.root, c->new_doc.root, &c->progress);
    *out = c;
    return 0;
}

const char *lotk_compare_change_name(int change)
{
    return change == 1 ? "improved" : change == -1 ? "declined" : change == 0 ? "none" : NULL;
}

void lotk_compare_free(struct lotk_comparison *c)
{
    if (!c)
        return;
    for (size_t k = 0; k < c->norgs; k++)
        free(c->orgs[k].changes);
    free(c->orgs);
    free(c->nodes);
    free(c->only_old);
    free(c->only_new);
    free(c->unmatched_old);
    free(c->progress);
    lotk_standard_free(c->standard);
    lotk_doc_clear(&c->old_doc);
    lotk_doc_clear(&c->new_doc);
    free(c);
}
