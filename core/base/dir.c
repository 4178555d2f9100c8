/* dir.c — see dir.h. */
#include "base/dir.h"

#include <dirent.h>
#include <stdlib.h>
#include <string.h>

#include "base/mem.h"

static int compare_names(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

void lotk_dir_each(const char *dir, const char *suffix, void (*fn)(const char *path, void *ctx),
                   void *ctx)
{
    DIR *d = opendir(dir);
    if (!d)
        return;
    size_t slen = strlen(suffix);
    char **names = NULL;
    size_t n = 0, cap = 0;
    struct dirent *e;
    while ((e = readdir(d))) {
        size_t len = strlen(e->d_name);
        if (len > slen && strcmp(e->d_name + len - slen, suffix) == 0) {
            lotk_grow(&names, &cap, n + 1, sizeof *names);
            names[n++] = lotk_xasprintf("%s/%s", dir, e->d_name);
        }
    }
    closedir(d);
    qsort(names, n, sizeof *names, compare_names);
    for (size_t i = 0; i < n; i++) {
        fn(names[i], ctx);
        free(names[i]);
    }
    free(names);
}
