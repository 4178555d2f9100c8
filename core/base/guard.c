/* guard.c — no output over an input or another output; see guard.h. */
#include "base/guard.h"

#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "base/mem.h"

static struct lotk_guard_file *add(struct lotk_guard *g, const char *path, const char *role,
                                   bool output)
{
    lotk_grow(&g->files, &g->cap, g->n + 1, sizeof *g->files);
    struct lotk_guard_file *f = &g->files[g->n++];
    memset(f, 0, sizeof *f);
    f->path = lotk_xstrdup(path);
    f->role = role;
    f->output = output;
    return f;
}

void lotk_guard_input(struct lotk_guard *g, const char *path, const char *role)
{
    struct stat st;
    if (!path || strcmp(path, "-") == 0 || stat(path, &st) != 0 || !S_ISREG(st.st_mode))
        return;
    struct lotk_guard_file *f = add(g, path, role, false);
    f->exists = true;
    f->dev = st.st_dev;
    f->ino = st.st_ino;
}

/* The directory part of path and its last part. */
static void split_path(const char *path, char **dir, char **name)
{
    const char *slash = strrchr(path, '/');
    if (!slash) {
        *dir = lotk_xstrdup(".");
        *name = lotk_xstrdup(path);
    } else {
        *dir = slash == path ? lotk_xstrdup("/") : lotk_xstrndup(path, (size_t)(slash - path));
        *name = lotk_xstrdup(slash + 1);
    }
}

static bool same(const struct lotk_guard_file *a, const struct lotk_guard_file *b)
{
    if (a->exists && b->exists)
        return a->dev == b->dev && a->ino == b->ino;
    if (!a->exists && !b->exists)
        return a->dir_dev == b->dir_dev && a->dir_ino == b->dir_ino &&
               strcmp(a->name, b->name) == 0;
    return false;
}

int lotk_guard_output(struct lotk_guard *g, const char *path, const char *role,
                      struct lotk_err *err)
{
    struct stat st;
    struct lotk_guard_file probe = {.path = (char *)path, .role = role, .output = true};
    if (!path || strcmp(path, "-") == 0)
        return 0;
    if (stat(path, &st) == 0) {
        if (!S_ISREG(st.st_mode))
            return 0; /* a device or FIFO, written in place */
        probe.exists = true;
        probe.dev = st.st_dev;
        probe.ino = st.st_ino;
    } else {
        char *dir, *name;
        split_path(path, &dir, &name);
        struct stat ds;
        if (stat(dir, &ds) == 0) {
            probe.dir_dev = ds.st_dev;
            probe.dir_ino = ds.st_ino;
        }
        free(dir);
        probe.name = name;
    }
    for (size_t i = 0; i < g->n; i++) {
        const struct lotk_guard_file *f = &g->files[i];
        if (!same(&probe, f))
            continue;
        if (f->output)
            lotk_err_set(err, LOTK_EUSAGE, NULL, 0, 0,
                         "%s %s is also %s %s: give each output its own file", role, path,
                         f->role, f->path);
        else
            lotk_err_set(err, LOTK_EUSAGE, NULL, 0, 0,
                         "%s %s is %s %s: lotk never writes over a file it reads; give "
                         "another file",
                         role, path, f->role, f->path);
        free(probe.name);
        return LOTK_EUSAGE;
    }
    struct lotk_guard_file *f = add(g, path, role, true);
    f->exists = probe.exists;
    f->dev = probe.dev;
    f->ino = probe.ino;
    f->dir_dev = probe.dir_dev;
    f->dir_ino = probe.dir_ino;
    f->name = probe.name;
    return 0;
}

void lotk_guard_free(struct lotk_guard *g)
{
    for (size_t i = 0; i < g->n; i++) {
        free(g->files[i].path);
        free(g->files[i].name);
    }
    free(g->files);
    memset(g, 0, sizeof *g);
}
