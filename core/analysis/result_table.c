/* result_table.c — see result_table.h. */
#include "analysis/result_table.h"

#include <stdlib.h>
#include <string.h>

#include "base/buf.h"
#include "base/mem.h"
#include "base/strmap.h"
#include "base/text.h"

void lotk_result_table_init(struct lotk_result_table *t, const struct lotk_result *r,
                            const struct lotk_ranks *ranks, const struct lotk_bootstrap *bootstrap,
                            unsigned compute)
{
    memset(t, 0, sizeof *t);
    t->result = r;
    t->ranks = ranks;
    t->bootstrap = bootstrap;
    if (compute & LOTK_TABLE_BASIS)
        t->basis = lotk_compare_basis_new(r);
    if (compute & LOTK_TABLE_SUMMARY)
        t->summary = lotk_summary_new(r);
    t->shown = lotk_xmalloc((r->norgs ? r->norgs : 1) * sizeof *t->shown);
    for (size_t k = 0; k < r->norgs; k++)
        t->shown[k] = k;
    t->nshown = r->norgs;
}

static int find_org(const struct lotk_result *r, const char *id)
{
    for (size_t k = 0; k < r->norgs; k++)
        if (strcmp(r->orgs[k].id, id) == 0)
            return (int)k;
    return -1;
}

static int no_such_org(const struct lotk_result *r, const char *id, struct lotk_err *err)
{
    size_t n = r->norgs;
    size_t *distance = lotk_xmalloc((n ? n : 1) * sizeof *distance);
    for (size_t k = 0; k < n; k++)
        distance[k] = lotk_edit_distance(id, r->orgs[k].id);
    int near[3];
    lotk_rank_nearest(distance, n, near, 3);
    struct lotk_buf b = {0};
    for (int i = 0; i < 3 && near[i] >= 0; i++)
        lotk_buf_printf(&b, "%s'%s'", i ? ", " : "", r->orgs[near[i]].id);
    lotk_err_set(err, LOTK_EUSAGE, NULL, 0, 0, "--org %s: no organization '%s' in the result%s%s",
                 id, id, b.len ? "; closest: " : "", b.len ? b.data : "");
    lotk_buf_free(&b);
    free(distance);
    return LOTK_EUSAGE;
}

int lotk_result_table_select(struct lotk_result_table *t, const char *const *ids, size_t n,
                             struct lotk_err *err)
{
    const struct lotk_result *r = t->result;
    bool *want = lotk_xcalloc(r->norgs ? r->norgs : 1, sizeof *want);
    int rc = 0;
    for (size_t i = 0; i < n; i++) {
        int k = find_org(r, ids[i]);
        if (k < 0) {
            rc = no_such_org(r, ids[i], err);
            goto done;
        }
        want[k] = true;
    }
    t->nshown = 0;
    for (size_t k = 0; k < r->norgs; k++)
        if (want[k])
            t->shown[t->nshown++] = k;
    t->selected = true;
done:
    free(want);
    return rc;
}

void lotk_result_table_set_rejects(struct lotk_result_table *t, const struct lotk_rejects *rj)
{
    const struct lotk_result *r = t->result;
    t->rejects = rj;
    free(t->screened);
    t->screened = lotk_xcalloc(r->norgs ? r->norgs : 1, sizeof *t->screened);
    /* Counted for every screened row, the ones past those kept in memory too. */
    for (size_t k = 0; k < r->norgs; k++)
        t->screened[k] = lotk_rejects_screened(rj, r->orgs[k].id, strlen(r->orgs[k].id));
}

void lotk_result_table_clear(struct lotk_result_table *t)
{
    free(t->screened);
    lotk_compare_basis_free(t->basis);
    lotk_summary_free(t->summary);
    free(t->shown);
    memset(t, 0, sizeof *t);
}
