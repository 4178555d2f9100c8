/* wire.c — lotk's binary format; see wire.h. */
#include "base/wire.h"

#include <string.h>

#include "base/mem.h"

static void put_le(struct lotk_buf *b, uint64_t v, int bytes)
{
    char c[8];
    for (int i = 0; i < bytes; i++)
        c[i] = (char)(unsigned char)(v >> (8 * i));
    lotk_buf_append(b, c, (size_t)bytes);
}

void lotk_wire_put_u8(struct lotk_buf *b, unsigned v)
{
    put_le(b, v, 1);
}

void lotk_wire_put_u32(struct lotk_buf *b, uint32_t v)
{
    put_le(b, v, 4);
}

void lotk_wire_put_u64(struct lotk_buf *b, uint64_t v)
{
    put_le(b, v, 8);
}

void lotk_wire_put_str(struct lotk_buf *b, const char *s)
{
    size_t n = strlen(s);
    lotk_wire_put_u32(b, (uint32_t)n);
    lotk_buf_append(b, s, n);
}

void lotk_wire_put_exact(struct lotk_buf *b, const struct lotk_exact *e)
{
    for (size_t i = 0; i < sizeof e->limb / sizeof e->limb[0]; i++)
        lotk_wire_put_u64(b, e->limb[i]);
}

void lotk_wire_set_u64(struct lotk_buf *b, size_t at, uint64_t v)
{
    for (int i = 0; i < 8; i++)
        b->data[at + (size_t)i] = (char)(unsigned char)(v >> (8 * i));
}

void lotk_wire_reader_init(struct lotk_wire_reader *r, const void *data, size_t len)
{
    r->p = data;
    r->end = r->p + len;
    r->bad = false;
}

uint64_t lotk_wire_get(struct lotk_wire_reader *r, int bytes)
{
    if (r->bad || r->end - r->p < bytes) {
        r->bad = true;
        return 0;
    }
    uint64_t v = 0;
    for (int i = 0; i < bytes; i++)
        v |= (uint64_t)r->p[i] << (8 * i);
    r->p += bytes;
    return v;
}

const unsigned char *lotk_wire_get_bytes(struct lotk_wire_reader *r, size_t n)
{
    if (r->bad || (size_t)(r->end - r->p) < n) {
        r->bad = true;
        return NULL;
    }
    const unsigned char *at = r->p;
    r->p += n;
    return at;
}

char *lotk_wire_get_str(struct lotk_wire_reader *r)
{
    uint64_t n = lotk_wire_get(r, 4);
    const unsigned char *s = lotk_wire_get_bytes(r, (size_t)n);
    return s ? lotk_xstrndup((const char *)s, (size_t)n) : lotk_xstrdup("");
}

void lotk_wire_get_exact(struct lotk_wire_reader *r, struct lotk_exact *e)
{
    for (size_t i = 0; i < sizeof e->limb / sizeof e->limb[0]; i++)
        e->limb[i] = lotk_wire_get(r, 8);
}

size_t lotk_wire_left(const struct lotk_wire_reader *r)
{
    return r->bad ? 0 : (size_t)(r->end - r->p);
}
