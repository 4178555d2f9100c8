/* cmd_plugins.c — `lotk plugins list | show NAME | test FILE...`. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli/commands.h"
#include "lua/plugin.h"

static void print_load_error(const struct lotk_err *err)
{
    lotk_err_print(err, stderr);
}

struct list_ctx {
    struct lotk_plugins *p;
    int failures;
};

static void list_one(const char *path, void *vctx)
{
    struct list_ctx *ctx = vctx;
    const struct lotk_plugin *pl;
    struct lotk_err err;
    lotk_err_clear(&err);
    if (lotk_plugins_load_file(ctx->p, path, &pl, &err) != 0) {
        print_load_error(&err);
        ctx->failures++;
        return;
    }
    printf("%-16s %-11s %-8s %s\n", pl->name, lotk_plugin_kind_name(pl->kind), pl->version,
           pl->path);
}

static int run_test(struct lotk_plugins *p, const char *path)
{
    const struct lotk_plugin *pl;
    struct lotk_err err;
    lotk_err_clear(&err);
    if (lotk_plugins_load_file(p, path, &pl, &err) != 0) {
        print_load_error(&err);
        return LOTK_ESTANDARD;
    }
    int passed, failed;
    int rc = lotk_plugin_test(p, pl, &passed, &failed, stdout, &err);
    if (rc) {
        lotk_err_print(&err, stderr);
        return rc;
    }
    printf("%s: %d passed, %d failed\n", pl->name, passed, failed);
    return failed ? LOTK_ESTANDARD : 0;
}

static int run_plugins(const struct lotk_cmd *cmd, const struct lotk_args *args)
{
    const char *action = args->pos[0];
    struct lotk_err err;
    lotk_err_clear(&err);
    struct lotk_plugins *p = lotk_plugins_new(NULL, NULL, &err);
    int rc = 0;
    if (!p) {
        lotk_err_print(&err, stderr);
        return err.code;
    }
    if (strcmp(action, "list") == 0 && args->npos == 1) {
        struct list_ctx ctx = {p, 0};
        printf("%-16s %-11s %-8s %s\n", "name", "kind", "version", "file");
        lotk_plugins_each_file(p, list_one, &ctx);
        rc = ctx.failures ? LOTK_ESTANDARD : 0;
    } else if (strcmp(action, "show") == 0 && args->npos == 2) {
        const struct lotk_plugin *pl;
        if ((rc = lotk_plugins_get(p, args->pos[1], &pl, &err)) != 0) {
            lotk_err_print(&err, stderr);
        } else {
            printf("name:        %s\nversion:     %s\nkind:        %s\nfile:        %s\n"
                   "description: %s\n",
                   pl->name, pl->version, lotk_plugin_kind_name(pl->kind), pl->path,
                   pl->description);
        }
    } else if (strcmp(action, "test") == 0 && args->npos >= 2) {
        for (size_t i = 1; i < args->npos; i++) {
            int one = run_test(p, args->pos[i]);
            rc = rc ? rc : one;
        }
    } else {
        fprintf(stderr, "lotk: error: plugins: expected list, show NAME or test FILE...; "
                        "usage: lotk plugins %s\n", cmd->usage);
        rc = LOTK_EUSAGE;
    }
    lotk_plugins_free(p);
    return rc;
}

const struct lotk_cmd lotk_cmd_plugins = {
    .name = "plugins",
    .usage = "list | show NAME | test FILE...",
    .summary = "list, describe and test Lua plugins",
    .details =
        "list   every plugin on the search path: plugins/ beside the standard, the\n"
        "       directories in $LOTK_PLUGIN_PATH, the shipped and installed plugins\n"
        "show   a plugin's name, version, kind, file and description\n"
        "test   run each plugin file's own tests table; prints 'N passed, N failed' and\n"
        "       exits 3 when any test fails or the plugin does not load\n",
    .opts = NULL,
    .min_pos = 1,
    .max_pos = LOTK_CLI_MAX_POS,
    .run = run_plugins,
};
