/* cmd_standards.c — `lotk standards`: the standards on the search path. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli/commands.h"
#include "standard/standard.h"
#include "base/mem.h"
#include "base/strmap.h"

/* The standards found, printed once all are known so that the columns line up. */
struct listing {
    struct lotk_strmap seen; /* ids already listed: later ones are shadowed */
    struct row {
        char *id, *version, *kind, *title, *path;
    } *rows;
    size_t count, cap;
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
        lotk_grow(&l->rows, &l->cap, l->count + 1, sizeof *l->rows);
        struct row *r = &l->rows[l->count++];
        r->id = lotk_xstrdup(s->id);
        r->version = lotk_xstrdup(s->version);
        r->kind = lotk_xstrdup(s->kind);
        r->title = lotk_xasprintf("%s%s%s", s->title.zh ? s->title.zh : "",
                                  s->title.zh && s->title.en ? " / " : "",
                                  s->title.en ? s->title.en : "");
        r->path = lotk_xstrdup(path);
    }
    lotk_standard_free(s);
    lotk_diags_free(&diags);
}

static int run_standards(const struct lotk_cmd *cmd, const struct lotk_args *args)
{
    struct listing l = {0};
    lotk_standard_each_file(list_one, &l);
    int wid = 16, wver = 8, wkind = 13; /* at least what they always were */
    for (size_t i = 0; i < l.count; i++) {
        if ((int)strlen(l.rows[i].id) > wid)
            wid = (int)strlen(l.rows[i].id);
        if ((int)strlen(l.rows[i].version) > wver)
            wver = (int)strlen(l.rows[i].version);
        if ((int)strlen(l.rows[i].kind) > wkind)
            wkind = (int)strlen(l.rows[i].kind);
    }
    printf("%-*s %-*s %-*s %s\n", wid, "id", wver, "version", wkind, "kind", "title  file");
    for (size_t i = 0; i < l.count; i++) {
        struct row *r = &l.rows[i];
        printf("%-*s %-*s %-*s %s  %s\n", wid, r->id, wver, r->version, wkind, r->kind,
               r->title, r->path);
        free(r->id);
        free(r->version);
        free(r->kind);
        free(r->title);
        free(r->path);
    }
    free(l.rows);
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
