/* mem.c — allocation that does not return NULL; see mem.h. */
#include "base/mem.h"

#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

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

void *lotk_xcalloc_aligned(size_t align, size_t size)
{
    void *p = NULL;
    if (posix_memalign(&p, align, size ? size : 1) != 0)
        lotk_mem_fail();
    memset(p, 0, size ? size : 1);
    return p;
}

void *lotk_xcalloc_lines(size_t count, size_t size)
{
    if (size && count > SIZE_MAX / size - LOTK_CACHE_LINE)
        lotk_mem_fail();
    size_t bytes = count * size;
    return lotk_xcalloc_aligned(LOTK_CACHE_LINE, (bytes + LOTK_CACHE_LINE - 1) &
                                                     ~(size_t)(LOTK_CACHE_LINE - 1));
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
