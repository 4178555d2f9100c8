/* buf.h — a growable byte buffer, the way every writer builds its text. */
#ifndef LOTK_BUF_H
#define LOTK_BUF_H

#include <stddef.h>

/* Always NUL-terminated once anything was appended; zero-initialised is empty. */
struct lotk_buf {
    char *data;
    size_t len, cap;
};
void lotk_buf_append(struct lotk_buf *b, const char *s, size_t n);
void lotk_buf_puts(struct lotk_buf *b, const char *s);
void lotk_buf_putc(struct lotk_buf *b, char c);
void lotk_buf_printf(struct lotk_buf *b, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
void lotk_buf_reset(struct lotk_buf *b);
/* Gives b room for cap bytes (its text kept) on cache lines of its own
 * (lotk_xcalloc_lines): for a buffer one thread rewrites for every row. */
void lotk_buf_reserve_lines(struct lotk_buf *b, size_t cap);
void lotk_buf_free(struct lotk_buf *b);

#endif
