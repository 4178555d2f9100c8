/* cmd_standards.c — `lotk standards`: the standards on the search path. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli/commands.h"
#include "standard/standard.h"
#include "base/strmap.h"

struct listing {
    struct lotk_strmap seen; /* ids already listed: later ones are shadowed */
    int count;
};

static void list_one(const char *path, void *ctx)
{
    struct listing *l = ctx;
    struct lotk_diags diags = {0};
    struct lotk_standard *s = NULL;
    if (lotk_standard_load(path, &s, &diags) != 0) {
        fprintf(stderr, "lotk: warning: %s: not a valid standard (%zu errors; lotk check %s)\n",
                path, diags.errors, path);
    } else if (lotk_strmap_get(&l->seen, s->id, strlen(s->id)) >= 0) {
        fprintf(stderr, "lotk: warning: %s: id '%s' is shadowed by an earlier standard\n",
                path, s->id);
    } else {
        lotk_strmap_put(&l->seen, s->id, strlen(s->id), 1);
        printf("%-16s %-8s %-13s %s", s->id, s->version, s->kind,
               s->title.zh ? s->title.zh : "");
        if (s->title.en)
            printf("%s%s", s->title.zh ? " / " : "", s->title.en);
        printf("  %s\n", path);
        l->count++;
    }
    lotk_standard_free(s);
    lotk_diags_free(&diags);
}

static int run_standards(const struct lotk_cmd *cmd, const struct lotk_args *args)
{
    struct listing l = {0};
    printf("%-16s %-8s %-13s %s\n", "id", "version", "kind", "title  file");
    lotk_standard_each_file(list_one, &l);
    lotk_strmap_free(&l.seen);
    if (l.count == 0)
        fprintf(stderr, "lotk: no standards found in ./standards, $LOTK_STANDARD_PATH or "
                        "%s/standards\n", LOTK_DATADIR);
    return 0;
}

const struct lotk_cmd lotk_cmd_standards = {
    .name = "standards",
    .usage = "",
    .summary = "list the standards on the search path (./standards, $LOTK_STANDARD_PATH, "
               "installed)",
    .opts = NULL,
    .min_pos = 0,
    .max_pos = 0,
    .run = run_standards,
};
