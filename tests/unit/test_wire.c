/* test_wire.c — base/wire.c: what is written reads back, the byte order and widths are the
 * documented ones, and a reader turns bad (never reads past its end) at a short read or a
 * length that points past the data. */
#include "testutil.h"

#include <stdlib.h>
#include <string.h>

#include "base/buf.h"
#include "base/exact.h"
#include "base/wire.h"

static void round_trip(void **state)
{
    (void)state;
    struct lotk_buf b = {0};
    struct lotk_exact e = {{0x0123456789abcdefULL, 1, 0, 0xffffffffffffffffULL}};
    lotk_wire_put_u8(&b, 0xa5);
    lotk_wire_put_u32(&b, 0xdeadbeefu);
    lotk_wire_put_u64(&b, 0x0102030405060708ULL);
    lotk_wire_put_str(&b, "组织 A");
    lotk_wire_put_str(&b, "");
    lotk_wire_put_exact(&b, &e);
    lotk_wire_put_u64(&b, UINT64_MAX);
    assert_int_equal(b.len, 1 + 4 + 8 + (4 + strlen("组织 A")) + 4 + 32 + 8);

    struct lotk_wire_reader r;
    lotk_wire_reader_init(&r, b.data, b.len);
    assert_int_equal(lotk_wire_get(&r, 1), 0xa5);
    assert_int_equal(lotk_wire_get(&r, 4), 0xdeadbeefu);
    assert_true(lotk_wire_get(&r, 8) == 0x0102030405060708ULL);
    char *s = lotk_wire_get_str(&r);
    assert_string_equal(s, "组织 A");
    free(s);
    s = lotk_wire_get_str(&r);
    assert_string_equal(s, "");
    free(s);
    struct lotk_exact back;
    lotk_wire_get_exact(&r, &back);
    assert_memory_equal(&back, &e, sizeof e);
    assert_true(lotk_wire_get(&r, 8) == UINT64_MAX);
    assert_false(r.bad);
    assert_int_equal(lotk_wire_left(&r), 0);
    lotk_buf_free(&b);
}

/* The layout partial files rely on: little-endian, the widths given, a str's u32 length
 * first; set_u64 patches a placeholder in place. */
static void byte_layout(void **state)
{
    (void)state;
    struct lotk_buf b = {0};
    lotk_wire_put_u32(&b, 0x11223344u);
    lotk_wire_put_u64(&b, 0); /* placeholder */
    lotk_wire_put_str(&b, "ab");
    lotk_wire_set_u64(&b, 4, 0x8877665544332211ULL);
    static const unsigned char want[] = {0x44, 0x33, 0x22, 0x11, 0x11, 0x22, 0x33,
                                         0x44, 0x55, 0x66, 0x77, 0x88, 2,    0,
                                         0,    0,    'a',  'b'};
    assert_int_equal(b.len, sizeof want);
    assert_memory_equal(b.data, want, sizeof want);
    lotk_buf_free(&b);
}

/* A read that does not fit turns the reader bad; every read after it gives 0 (or an empty
 * string, or NULL), even one that would fit what is left. */
static void short_read_turns_bad(void **state)
{
    (void)state;
    const unsigned char data[] = {1, 2, 3, 4, 5, 6};
    struct lotk_wire_reader r;
    lotk_wire_reader_init(&r, data, sizeof data);
    assert_int_equal(lotk_wire_get(&r, 4), 0x04030201);
    assert_int_equal(lotk_wire_left(&r), 2);
    assert_int_equal(lotk_wire_get(&r, 4), 0); /* 2 bytes left */
    assert_true(r.bad);
    assert_int_equal(lotk_wire_left(&r), 0);
    assert_int_equal(lotk_wire_get(&r, 1), 0); /* would fit, but the reader is bad */
    assert_null(lotk_wire_get_bytes(&r, 1));
    char *s = lotk_wire_get_str(&r);
    assert_string_equal(s, "");
    free(s);
    struct lotk_exact e = {{9, 9, 9, 9}};
    lotk_wire_get_exact(&r, &e);
    assert_true(e.limb[0] == 0 && e.limb[3] == 0);

    /* An empty reader is bad at the first read. */
    lotk_wire_reader_init(&r, data, 0);
    assert_int_equal(lotk_wire_get(&r, 1), 0);
    assert_true(r.bad);
}

/* A string or byte count that points past the end is refused without reading there. */
static void length_past_the_end(void **state)
{
    (void)state;
    struct lotk_buf b = {0};
    lotk_wire_put_u32(&b, 5); /* says 5 bytes follow */
    lotk_buf_append(&b, "abc", 3);
    struct lotk_wire_reader r;
    lotk_wire_reader_init(&r, b.data, b.len);
    char *s = lotk_wire_get_str(&r);
    assert_string_equal(s, "");
    free(s);
    assert_true(r.bad);

    /* A huge length (a hostile file) is no overflow either. */
    struct lotk_buf h = {0};
    lotk_wire_put_u32(&h, UINT32_MAX);
    lotk_wire_reader_init(&r, h.data, h.len);
    s = lotk_wire_get_str(&r);
    assert_string_equal(s, "");
    free(s);
    assert_true(r.bad);

    lotk_wire_reader_init(&r, b.data, b.len);
    assert_non_null(lotk_wire_get_bytes(&r, 4));
    assert_null(lotk_wire_get_bytes(&r, SIZE_MAX));
    assert_true(r.bad);
    lotk_buf_free(&b);
    lotk_buf_free(&h);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(round_trip),
        cmocka_unit_test(byte_layout),
        cmocka_unit_test(short_read_turns_bad),
        cmocka_unit_test(length_past_the_end),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
