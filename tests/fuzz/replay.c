/* replay.c — runs a fuzz target over files, so that the corpora replay as ordinary tests
 * without libFuzzer. Each argument is a file or a directory of files (read in name order);
 * a property failure aborts, which fails the test. */
#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "fuzz.h"
#include "base/mem.h"
#include "base/file.h"

enum { MAX_INPUT = 16 << 20 };

static int run_file(const char *path)
{
    char *data = NULL;
    struct lotk_err io = {0};
    char *msg = io.msg;
    size_t len = 0;
    if (lotk_file_read(path, MAX_INPUT, &data, &len, &io) != 0) {
        fprintf(stderr, "replay: %s: %s\n", path, msg);
        return -1;
    }
    /* A copy of exactly len bytes, so ASan sees reads past the input's end. */
    uint8_t *copy = lotk_xmalloc(len);
    if (len)
        memcpy(copy, data, len);
    free(data);
    LLVMFuzzerTestOneInput(copy, len);
    free(copy);
    return 0;
}

static int by_name(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

static int run_dir(const char *dir, size_t *count)
{
    DIR *d = opendir(dir);
    if (!d) {
        fprintf(stderr, "replay: cannot open %s\n", dir);
        return -1;
    }
    char **names = NULL;
    size_t n = 0, cap = 0;
    struct dirent *e;
    while ((e = readdir(d)) != NULL) {
        if (e->d_name[0] == '.')
            continue;
        lotk_grow(&names, &cap, n + 1, sizeof *names);
        names[n++] = lotk_xasprintf("%s/%s", dir, e->d_name);
    }
    closedir(d);
    qsort(names, n, sizeof *names, by_name);
    int rc = 0;
    for (size_t i = 0; i < n; i++) {
        struct stat st;
        if (stat(names[i], &st) == 0 && S_ISREG(st.st_mode)) {
            if (run_file(names[i]) != 0)
                rc = -1;
            (*count)++;
        }
        free(names[i]);
    }
    free(names);
    return rc;
}

int main(int argc, char **argv)
{
    size_t count = 0;
    int rc = 0;
    if (argc < 2) {
        fprintf(stderr, "usage: %s CORPUS-DIR-OR-FILE...\n", argv[0]);
        return 2;
    }
    for (int i = 1; i < argc; i++) {
        struct stat st;
        if (stat(argv[i], &st) != 0) {
            fprintf(stderr, "replay: %s: not found\n", argv[i]);
            rc = -1;
        } else if (S_ISDIR(st.st_mode)) {
            if (run_dir(argv[i], &count) != 0)
                rc = -1;
        } else {
            if (run_file(argv[i]) != 0)
                rc = -1;
            count++;
        }
    }
    if (count == 0) {
        fprintf(stderr, "replay: no inputs\n");
        return 1;
    }
    printf("replayed %zu inputs\n", count);
    return rc ? 1 : 0;
}
