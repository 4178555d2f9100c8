/* resolve.c — the standards search path (./standards, $LOTK_STANDARD_PATH, beside the
 * binary, the installed standards): finding a standard by its id, and listing them all. */
#include "standard/standard.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "base/dir.h"
#include "base/file.h"
#include "base/mem.h"
#include "base/strmap.h"
#include "standard/load_internal.h"

/* The search path, in order, each directory once however it is spelled. */
struct search_path {
    char **dirs;
    size_t n;
    struct lotk_strmap seen; /* real paths */
};

static void search_add(struct search_path *sp, const char *dir)
{
    char real[4096];
    if (!realpath(dir, real))
        return; /* a directory that does not exist holds no standards */
    if (lotk_strmap_get(&sp->seen, real, strlen(real)) >= 0)
        return;
    lotk_strmap_put(&sp->seen, real, strlen(real), 1);
    sp->dirs = lotk_xrealloc(sp->dirs, (sp->n + 1) * sizeof *sp->dirs);
    sp->dirs[sp->n++] = lotk_xstrdup(dir);
}

void lotk_standard_each_file(void (*fn)(const char *path, void *ctx), void *ctx)
{
    struct search_path sp = {0};
    search_add(&sp, "standards");
    const char *env = getenv("LOTK_STANDARD_PATH");
    if (env && *env) {
        char *copy = lotk_xstrdup(env), *save = NULL;
        for (char *dir = strtok_r(copy, ":", &save); dir; dir = strtok_r(NULL, ":", &save))
            search_add(&sp, dir);
        free(copy);
    }
    /* Beside the binary: the standards/ of a source tree it was built in (build/lotk), and
     * the share/lotk/standards of the prefix it was installed to, wherever that moved. */
    char exe[4096];
    ssize_t n = readlink("/proc/self/exe", exe, sizeof exe - 1);
    if (n > 0) {
        exe[n] = '\0';
        char *slash = strrchr(exe, '/');
        if (slash) {
            *slash = '\0';
            char *tree = lotk_xasprintf("%s/../standards", exe);
            char *share = lotk_xasprintf("%s/../share/lotk/standards", exe);
            char real[4096];
            if (realpath(tree, real))
                search_add(&sp, real);
            if (realpath(share, real))
                search_add(&sp, real);
            free(tree);
            free(share);
        }
    }
    search_add(&sp, LOTK_DATADIR "/standards");
    for (size_t i = 0; i < sp.n; i++) {
        lotk_dir_each(sp.dirs[i], ".yaml", fn, ctx);
        free(sp.dirs[i]);
    }
    free(sp.dirs);
    lotk_strmap_free(&sp.seen);
}

struct find_ctx {
    const char *id;
    char *found;
};

/* Reads just the top-level id of a standard, without validating the rest. */
static char *peek_id(const char *path)
{
    char *data = NULL, *id = NULL;
    size_t len;
    struct lotk_err io;
    if (lotk_file_read_regular(path, STANDARD_MAX_BYTES, &data, &len, &io) != 0)
        return NULL;
    struct lotk_loader ld = {.file = path};
    if (lotk_yaml_parse(path, data, len, &ld.doc, NULL) == 0) {
        yaml_node_t *root = yaml_document_get_root_node(&ld.doc);
        yaml_node_t *v = root ? lotk_yaml_get(&ld, root, "id") : NULL;
        if (v && v->type == YAML_SCALAR_NODE)
            id = lotk_xstrdup(scalar(v));
        yaml_document_delete(&ld.doc);
    }
    free(data);
    return id;
}

static void find_by_id(const char *path, void *vctx)
{
    struct find_ctx *ctx = vctx;
    if (ctx->found)
        return;
    char *id = peek_id(path);
    if (id && strcmp(id, ctx->id) == 0)
        ctx->found = lotk_xstrdup(path);
    free(id);
}

char *lotk_standard_resolve(const char *name, struct lotk_err *err)
{
    FILE *f = fopen(name, "rb");
    if (f) {
        fclose(f);
        return lotk_xstrdup(name);
    }
    if (strchr(name, '/') || strstr(name, ".yaml") || strstr(name, ".yml")) {
        lotk_err_set(err, LOTK_EIO, name, 0, 0, "cannot open standard: %s", strerror(errno));
        return NULL;
    }
    struct find_ctx ctx = {.id = name};
    lotk_standard_each_file(find_by_id, &ctx);
    if (!ctx.found)
        lotk_err_set(err, LOTK_EUSAGE, NULL, 0, 0,
                     "no standard with id '%s' on the search path (./standards, "
                     "$LOTK_STANDARD_PATH, %s/standards); `lotk standards` lists them",
                     name, LOTK_DATADIR);
    return ctx.found;
}
