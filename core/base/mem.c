/* mem.c — allocation that does not return NULL; see mem.h. */
#define _DEFAULT_SOURCE /* MADV_HUGEPAGE */
#include "base/mem.h"

#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>

static void (*failure_hook)(void);

void lotk_mem_on_failure(void (*fn)(void))
{
    failure_hook = fn;
}

_Noreturn void lotk_mem_fail(void)
{
    if (failure_hook) /* such as removing half-written outputs */
        failure_hook();
    fputs("lotk: error: out of memory\n", stderr);
    exit(2);
}

void *lotk_xmalloc(size_t n)
{
    void *p = malloc(n ? n : 1);
    if (!p)
        lotk_mem_fail();
    return p;
}

void *lotk_xcalloc(size_t count, size_t size)
{
    void *p = calloc(count ? count : 1, size ? size : 1);
    if (!p)
        lotk_mem_fail();
    return p;
}

void *lotk_xcalloc_lines(size_t count, size_t size)
{
    if (size && count > SIZE_MAX / size - LOTK_CACHE_LINE)
        lotk_mem_fail();
    /* Whole lines from a line's start: nothing else can begin or end on one of them. */
    size_t bytes = (count * size + LOTK_CACHE_LINE - 1) & ~(size_t)(LOTK_CACHE_LINE - 1);
    void *p = NULL;
    if (posix_memalign(&p, LOTK_CACHE_LINE, bytes ? bytes : LOTK_CACHE_LINE) != 0)
        lotk_mem_fail();
    memset(p, 0, bytes ? bytes : LOTK_CACHE_LINE);
    return p;
}

enum { HUGE_PAGE = 2 << 20 };

static size_t huge_span(size_t n)
{
    return (n + HUGE_PAGE - 1) & ~(size_t)(HUGE_PAGE - 1);
}

void *lotk_xcalloc_huge(size_t n)
{
#ifdef MADV_HUGEPAGE
    if (n >= HUGE_PAGE) {
        /* Mapped one huge page larger and trimmed to a 2 MB boundary: only whole aligned
         * 2 MB ranges can be huge pages. Fresh mappings read as zeros. */
        size_t span = huge_span(n);
        if (span > SIZE_MAX - HUGE_PAGE)
            lotk_mem_fail();
        char *map = mmap(NULL, span + HUGE_PAGE, PROT_READ | PROT_WRITE,
                         MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
        if (map == MAP_FAILED)
            lotk_mem_fail();
        char *p = (char *)(((uintptr_t)map + HUGE_PAGE - 1) & ~(uintptr_t)(HUGE_PAGE - 1));
        if (p > map)
            munmap(map, (size_t)(p - map));
        if (p + span < map + span + HUGE_PAGE)
            munmap(p + span, (size_t)(map + span + HUGE_PAGE - (p + span)));
        (void)madvise(p, span, MADV_HUGEPAGE); /* a hint: without it, 4 KB pages */
        return p;
    }
#endif
    return lotk_xcalloc(1, n);
}

void lotk_free_huge(void *p, size_t n)
{
    if (!p)
        return;
#ifdef MADV_HUGEPAGE
    if (n >= HUGE_PAGE) {
        munmap(p, huge_span(n));
        return;
    }
#endif
    free(p);
}

void *lotk_xrealloc(void *p, size_t n)
{
    void *q = realloc(p, n ? n : 1);
    if (!q)
        lotk_mem_fail();
    return q;
}

char *lotk_xstrndup(const char *s, size_t n)
{
    char *p = lotk_xmalloc(n + 1);
    memcpy(p, s, n);
    p[n] = '\0';
    return p;
}

char *lotk_xstrdup(const char *s)
{
    return lotk_xstrndup(s, strlen(s));
}

char *lotk_xasprintf(const char *fmt, ...)
{
    va_list ap, ap2;
    va_start(ap, fmt);
    va_copy(ap2, ap);
    int n = vsnprintf(NULL, 0, fmt, ap);
    va_end(ap);
    char *p = lotk_xmalloc((size_t)n + 1);
    vsnprintf(p, (size_t)n + 1, fmt, ap2);
    va_end(ap2);
    return p;
}

void lotk_grow(void *array_ptr, size_t *cap, size_t need, size_t elem_size)
{
    void **array = array_ptr;
    if (need <= *cap)
        return;
    size_t n = *cap ? *cap : 8;
    while (n < need)
        n *= 2;
    *array = lotk_xrealloc(*array, n * elem_size);
    *cap = n;
}
