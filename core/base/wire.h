/* wire.h — the one binary format of lotk's own files: partial results (lotk score
 * --partial, read by lotk merge), the scorer's and the statistics' state inside them.
 * Little-endian, explicit widths, lengths before what they measure; reading is
 * bounds-checked, so a damaged or hostile file is an error and never a read past its end.
 *
 * A reader starts good and turns bad at the first read that does not fit; every read after
 * that returns 0 (or an empty string), so a parser may read a whole record and check once. */
#ifndef LOTK_WIRE_H
#define LOTK_WIRE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "base/buf.h"
#include "base/exact.h"

void lotk_wire_put_u8(struct lotk_buf *b, unsigned v);
void lotk_wire_put_u32(struct lotk_buf *b, uint32_t v);
void lotk_wire_put_u64(struct lotk_buf *b, uint64_t v);
/* A u32 length, then the bytes of s (no NUL). */
void lotk_wire_put_str(struct lotk_buf *b, const char *s);
/* The limbs of an exact sum, lowest first, each a u64. */
void lotk_wire_put_exact(struct lotk_buf *b, const struct lotk_exact *e);
/* Overwrites the u64 at offset at of b (put there before as a placeholder: a length known
 * only once what it measures has been written) with v. */
void lotk_wire_set_u64(struct lotk_buf *b, size_t at, uint64_t v);

struct lotk_wire_reader {
    const unsigned char *p, *end;
    bool bad; /* a read did not fit */
};

void lotk_wire_reader_init(struct lotk_wire_reader *r, const void *data, size_t len);
/* The next little-endian unsigned of bytes (1 to 8) bytes; 0 once bad. */
uint64_t lotk_wire_get(struct lotk_wire_reader *r, int bytes);
/* A string written by lotk_wire_put_str, as a new copy the caller frees ("" once bad). */
char *lotk_wire_get_str(struct lotk_wire_reader *r);
/* The next n bytes (borrowed from the data), or NULL (and bad) when fewer are left. */
const unsigned char *lotk_wire_get_bytes(struct lotk_wire_reader *r, size_t n);
/* An exact sum written by lotk_wire_put_exact. */
void lotk_wire_get_exact(struct lotk_wire_reader *r, struct lotk_exact *e);
/* Bytes not read yet. */
size_t lotk_wire_left(const struct lotk_wire_reader *r);

#endif
