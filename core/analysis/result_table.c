/* result_table.c — see result_table.h. */
#include "analysis/result_table.h"

#include <string.h>

void lotk_result_table_init(struct lotk_result_table *t, const struct lotk_result *r,
                            const struct lotk_ranks *ranks, const struct lotk_bootstrap *bootstrap,
                            bool with_basis)
{
    memset(t, 0, sizeof *t);
    t->result = r;
    t->ranks = ranks;
    t->bootstrap = bootstrap;
    if (with_basis)
        t->basis = lotk_compare_basis_new(r);
}

void lotk_result_table_clear(struct lotk_result_table *t)
{
    lotk_compare_basis_free(t->basis);
    memset(t, 0, sizeof *t);
}
