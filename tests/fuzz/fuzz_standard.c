/* fuzz_standard.c — the standard loader (YAML → the standard tree, standard/) on arbitrary
 * bytes. Properties: no crash, leak or hang; it loads exactly when it reports no error;
 * every diagnostic names the file and a line within it; a standard that loads is a sound
 * tree: preorder with parents first, every node found by its id, positive finite weights
 * whose shares add up, scales with min < max, items on a scale of their leaf, bands highest
 * first. */
#include <math.h>
#include <string.h>

#include "fuzz.h"
#include "standard/standard.h"

static void check_tree(const struct lotk_standard *s)
{
    FUZZ_CHECK(s->nnodes >= 1 && s->nodes[0].parent == -1);
    FUZZ_CHECK(isfinite(s->points) && s->points > 0);
    for (size_t i = 0; i < s->nscales; i++)
        FUZZ_CHECK(isfinite(s->scales[i].min) && isfinite(s->scales[i].max) &&
                   s->scales[i].min < s->scales[i].max);
    for (size_t i = 0; i < s->nnodes; i++) {
        const struct lotk_node *n = &s->nodes[i];
        FUZZ_CHECK(n->id && n->id[0]);
        FUZZ_CHECK(lotk_standard_find_node(s, n->id) == (int)i);
        FUZZ_CHECK(i == 0 || (n->parent >= 0 && (size_t)n->parent < i));
        FUZZ_CHECK(isfinite(n->share) && n->share >= 0 && n->share <= 1 + 1e-9);
        double shares = 0;
        for (size_t c = 0; c < n->nchildren; c++) {
            const struct lotk_node *child = &s->nodes[n->children[c]];
            FUZZ_CHECK(child->parent == (int)i && child->depth == n->depth + 1);
            FUZZ_CHECK(isfinite(child->weight) && child->weight > 0);
            shares += child->share;
        }
        if (n->nchildren)
            FUZZ_CHECK(fabs(shares - n->share) <= 1e-9 * (1 + n->share));
        for (size_t k = 0; k < n->nitems; k++) {
            const struct lotk_item *it = &s->items[n->items[k]];
            FUZZ_CHECK(it->leaf == (int)i);
            FUZZ_CHECK(it->scale >= 0 && (size_t)it->scale < s->nscales);
            FUZZ_CHECK(it->scale == n->scale);
        }
    }
    for (size_t b = 1; b < s->nbands; b++)
        FUZZ_CHECK(s->bands[b - 1].min >= s->bands[b].min);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    const char *path = fuzz_file("standard.yaml", data, size);
    long lines = 1;
    for (size_t i = 0; i < size; i++)
        lines += data[i] == '\n' || data[i] == '\r';

    struct lotk_standard *s = NULL;
    struct lotk_diags diags = {0};
    int rc = lotk_standard_load(path, &s, &diags);
    FUZZ_CHECK(rc == 0 || rc == LOTK_ESTANDARD || rc == LOTK_EIO);
    FUZZ_CHECK((rc == 0) == (s != NULL));
    FUZZ_CHECK((rc == 0) == (diags.errors == 0));
    FUZZ_CHECK(diags.errors + diags.warnings == diags.count);
    for (size_t i = 0; i < diags.count; i++) {
        const struct lotk_err *e = &diags.entries[i].err;
        FUZZ_CHECK(e->msg[0]);
        FUZZ_CHECK(strcmp(e->file, path) == 0);
        FUZZ_CHECK(e->line >= 0 && e->line <= lines && e->column >= 0);
    }
    if (s) {
        FUZZ_CHECK(strcmp(s->path, path) == 0 && strlen(s->sha256) == 64);
        check_tree(s);
    }
    lotk_standard_free(s);
    lotk_diags_free(&diags);
    return 0;
}
