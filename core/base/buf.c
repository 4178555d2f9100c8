/* buf.c — growable byte buffers; see buf.h. */
#include "base/buf.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/mem.h"

void lotk_buf_append(struct lotk_buf *b, const char *s, size_t n)
{
    lotk_grow(&b->data, &b->cap, b->len + n + 1, 1);
    memcpy(b->data + b->len, s, n);
    b->len += n;
    b->data[b->len] = '\0';
}

void lotk_buf_puts(struct lotk_buf *b, const char *s)
{
    lotk_buf_append(b, s, strlen(s));
}

void lotk_buf_putc(struct lotk_buf *b, char c)
{
    lotk_buf_append(b, &c, 1);
}

void lotk_buf_printf(struct lotk_buf *b, const char *fmt, ...)
{
    va_list ap, ap2;
    va_start(ap, fmt);
    va_copy(ap2, ap);
    int n = vsnprintf(NULL, 0, fmt, ap);
    va_end(ap);
    lotk_grow(&b->data, &b->cap, b->len + (size_t)n + 1, 1);
    vsnprintf(b->data + b->len, (size_t)n + 1, fmt, ap2);
    va_end(ap2);
    b->len += (size_t)n;
}

void lotk_buf_reset(struct lotk_buf *b)
{
    b->len = 0;
    if (b->data)
        b->data[0] = '\0';
}

void lotk_buf_reserve_lines(struct lotk_buf *b, size_t cap)
{
    if (cap <= b->cap)
        return;
    char *data = lotk_xcalloc_lines(cap, 1);
    if (b->data)
        memcpy(data, b->data, b->len + 1);
    free(b->data);
    b->data = data;
    b->cap = cap;
}

void lotk_buf_free(struct lotk_buf *b)
{
    free(b->data);
    b->data = NULL;
    b->len = b->cap = 0;
}
