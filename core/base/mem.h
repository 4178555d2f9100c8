/* mem.h — allocation that does not return NULL.
 *
 * lotk holds organizations × items, not rows, so running out of memory is not something a
 * command can work around: lotk_x* print "out of memory" and exit 2. */
#ifndef LOTK_MEM_H
#define LOTK_MEM_H

#include <stddef.h>

void *lotk_xmalloc(size_t n);
void *lotk_xcalloc(size_t count, size_t size);
void *lotk_xrealloc(void *p, size_t n);

enum { LOTK_CACHE_LINE = 64 };

/* count × size zeroed bytes on cache lines no other allocation shares: for what one thread
 * writes for every row while another works beside it (the reader's row, the scorer's
 * scratch), which would otherwise share a line with whatever malloc put next to it — the
 * other thread's sums, say, as the two threads' allocations interleave. Freed with free. */
void *lotk_xcalloc_lines(size_t count, size_t size);

/* n zeroed bytes for a table of megabytes looked up at random (a hash set): fresh pages
 * the kernel is asked to back with 2 MB pages where it can, one TLB entry where 4 KB
 * pages take 512 (a lookup missing the TLB waits on a page walk, a prefetch too). Below
 * 2 MB, calloc's. Freed with lotk_free_huge(p, n), n as given. */
void *lotk_xcalloc_huge(size_t n);
void lotk_free_huge(void *p, size_t n);

/* Returns a new copy the caller frees. */
char *lotk_xstrdup(const char *s);
char *lotk_xstrndup(const char *s, size_t n);
/* Returns a new printf-formatted string the caller frees. */
char *lotk_xasprintf(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

/* What lotk_x* do when malloc fails, for a library that reports it ran out of memory
 * (libyaml, PCRE2, libxlsxwriter): "out of memory" on stderr and exit 2. */
_Noreturn void lotk_mem_fail(void);

/* Grows *array (of elem_size) so that it holds at least need elements. */
void lotk_grow(void *array_ptr, size_t *cap, size_t need, size_t elem_size);

/* Calls fn (async-signal-safe, quick) before lotk exits for want of memory: base/file.c
 * removes the temporary files of outputs being written. */
void lotk_mem_on_failure(void (*fn)(void));

#endif
