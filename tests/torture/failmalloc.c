/* failmalloc.c — allocation-failure torture (issue 14): linked into lotk_torture, it
 * replaces malloc, calloc and realloc for the whole process (lotk and every library it
 * uses: libyaml, jansson, libcsv, PCRE2, Lua, iconv) and makes allocation number
 * $LOTK_FAIL_ALLOC fail, and every one after it when $LOTK_FAIL_ALLOC_ALL is set. With
 * LOTK_FAIL_ALLOC unset nothing fails and $LOTK_COUNT_ALLOC, when set, names a file that
 * receives the number of allocations made, for the sweep to know how far to go.
 *
 * glibc's __libc_malloc family does the real work, so no dlsym and no recursion. */
#define _GNU_SOURCE
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

extern void *__libc_malloc(size_t);
extern void *__libc_calloc(size_t, size_t);
extern void *__libc_realloc(void *, size_t);

static long fail_at = -2; /* -2: not read yet; -1: never */
static int fail_all;
static long count;

static void setup(void)
{
    const char *n = getenv("LOTK_FAIL_ALLOC");
    fail_at = n && *n ? strtol(n, NULL, 10) : -1;
    fail_all = getenv("LOTK_FAIL_ALLOC_ALL") != NULL;
}

static int should_fail(void)
{
    if (fail_at == -2)
        setup();
    long k = ++count;
    if (fail_at < 0)
        return 0;
    return fail_all ? k >= fail_at : k == fail_at;
}

void *malloc(size_t n)
{
    if (should_fail()) {
        errno = ENOMEM;
        return NULL;
    }
    return __libc_malloc(n);
}

void *calloc(size_t a, size_t b)
{
    if (should_fail()) {
        errno = ENOMEM;
        return NULL;
    }
    return __libc_calloc(a, b);
}

void *realloc(void *p, size_t n)
{
    if (should_fail()) {
        errno = ENOMEM;
        return NULL;
    }
    return __libc_realloc(p, n);
}

/* The count, written at exit for the sweep. */
__attribute__((destructor)) static void report_count(void)
{
    const char *path = getenv("LOTK_COUNT_ALLOC");
    if (!path || fail_at >= 0)
        return;
    FILE *f = fopen(path, "w");
    if (f) {
        fprintf(f, "%ld\n", count);
        fclose(f);
    }
}
