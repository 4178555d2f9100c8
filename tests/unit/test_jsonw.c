/* test_jsonw.c — the JSON text writer against jansson's own dump: the same bytes where
 * there are no reals; where there are, the same layout, reals that read back bit for bit
 * and the shortest forms written out by hand. */
#include "testutil.h"

#include <float.h>
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/jsonw.h"
#include "base/buf.h"

/* What lotk wrote with before jsonw: the layout the writer must keep. */
enum { DUMP_FLAGS = JSON_INDENT(2) | JSON_PRESERVE_ORDER | JSON_ENCODE_ANY |
                    JSON_REAL_PRECISION(17) };

static char *written(const json_t *v, int depth)
{
    struct lotk_buf b = {0};
    lotk_jsonw_write(&b, v, depth);
    assert_non_null(b.data);
    assert_int_equal(strlen(b.data), b.len); /* NUL-terminated, no NUL inside */
    return b.data;
}

static char *dumped(const json_t *v)
{
    char *text = json_dumps(v, DUMP_FLAGS);
    assert_non_null(text);
    return text;
}

static void assert_same_text(const char *what, const char *want, const char *got)
{
    if (strcmp(want, got) != 0)
        fail_msg("%s:\njansson:\n%s\njsonw:\n%s", what, want, got);
}

/* ---- trees without reals: byte for byte what json_dumps writes ------------------------ */

/* Every byte that needs escaping, '/' and DEL that do not, CJK and a 4-byte sequence. */
static json_t *all_escapes(void)
{
    char controls[32];
    for (int c = 0; c < 32; c++)
        controls[c] = (char)c;
    json_t *a = json_array();
    json_array_append_new(a, json_string("quote \" backslash \\ slash / del \x7f"));
    json_array_append_new(a, json_string("\b\f\n\r\t"));
    json_array_append_new(a, json_stringn(controls, sizeof controls)); /* NUL included */
    json_array_append_new(a, json_string("学习型组织评价 \xF0\x9F\x93\x88 é"));
    json_array_append_new(a, json_string(""));
    json_array_append_new(a, json_string("\"\"\\\\\n\n"));
    json_array_append_new(a, json_string("ends with an escape\x1f"));
    return a;
}

static json_t *no_reals_tree(int which)
{
    switch (which) {
    case 0:
        return json_object();
    case 1:
        return json_array();
    case 2:
        return json_string("a bare string\n");
    case 3:
        return json_integer(INT64_MIN);
    case 4:
        return json_true();
    case 5:
        return json_null();
    case 6:
        return all_escapes();
    case 7: {
        json_t *o = json_object();
        /* insertion order, not sorted; a key deleted and set again goes to the end */
        json_object_set_new(o, "zeta", json_integer(INT64_MAX));
        json_object_set_new(o, "alpha", json_integer(INT64_MIN));
        json_object_set_new(o, "mid", json_integer(0));
        json_object_set_new(o, "neg", json_integer(-1));
        json_object_set_new(o, "t", json_true());
        json_object_set_new(o, "f", json_false());
        json_object_set_new(o, "n", json_null());
        json_object_del(o, "alpha");
        json_object_set_new(o, "alpha", json_integer(42));
        json_object_set_new(o, "键 \"quoted\"\n\t", json_string("值"));
        json_object_setn_new(o, "nul\0key", 7, json_integer(7));
        json_object_set_new(o, "empty object", json_object());
        json_object_set_new(o, "empty array", json_array());
        json_object_set_new(o, "escapes", all_escapes());
        return o;
    }
    case 8: { /* deep nesting, arrays in objects in arrays */
        json_t *v = json_integer(1);
        for (int d = 0; d < 12; d++) {
            json_t *c = d % 2 ? json_object() : json_array();
            if (d % 2) {
                json_object_set_new(c, "before", json_array());
                json_object_set_new(c, "value", v);
                json_object_set_new(c, "after", json_object());
            } else {
                json_array_append_new(c, json_integer(d));
                json_array_append_new(c, v);
                json_array_append_new(c, json_string("x"));
            }
            v = c;
        }
        return v;
    }
    case 9: { /* big enough that the buffer grows many times */
        json_t *o = json_object();
        for (int i = 0; i < 3000; i++) {
            char key[32];
            snprintf(key, sizeof key, "ORG-%05d", i * 7919 % 3001);
            json_t *org = json_object();
            json_object_set_new(org, "id", json_string(key));
            json_object_set_new(org, "respondents", json_integer(i * 1000003LL));
            json_object_set_new(org, "flags", i % 3 ? json_array() : all_escapes());
            json_object_set_new(o, key, org);
        }
        return o;
    }
    default:
        return NULL;
    }
}

static void same_as_jansson_without_reals(void **state)
{
    (void)state;
    json_t *v;
    for (int i = 0; (v = no_reals_tree(i)); i++) {
        char *want = dumped(v), *got = written(v, 0), what[32];
        snprintf(what, sizeof what, "tree %d", i);
        assert_same_text(what, want, got);
        free(want);
        free(got);
        json_decref(v);
    }
}

/* ---- reals: the shortest form, post-processed as jansson post-processes %.17g ---------- */

static const struct {
    double x;
    const char *text;
} shortest[] = {
    {0.1, "0.1"},
    {68.2, "68.2"},
    {2.0, "2.0"},
    {100.0, "100.0"},
    {0.0, "0.0"},
    {-0.0, "-0.0"},
    {-1.5, "-1.5"},
    {1e20, "1e20"},
    {1e21, "1e21"},
    {1e15, "1e15"},
    {1e-5, "1e-5"},
    {1e-7, "1e-7"},
    {0.0001, "0.0001"},
    {1e300, "1e300"},
    {-1e-300, "-1e-300"},
    {5e-324, "5e-324"},
    {9007199254740992.0, "9007199254740992.0"}, /* 2^53 */
    {123456789012345678.0, "1.2345678901234568e17"},
    {DBL_MAX, "1.7976931348623157e308"},
    {DBL_MIN, "2.2250738585072014e-308"},
    {0.1 + 0.2, "0.30000000000000004"},
    {91.388888888888886, "91.38888888888889"},
    {1.0 / 3, "0.3333333333333333"},
};

static void reals_shortest_by_hand(void **state)
{
    (void)state;
    for (size_t i = 0; i < sizeof shortest / sizeof *shortest; i++) {
        json_t *r = json_real(shortest[i].x);
        char *got = written(r, 0);
        if (strcmp(got, shortest[i].text) != 0)
            fail_msg("%a written as '%s', expected '%s'", shortest[i].x, got, shortest[i].text);
        free(got);
        json_decref(r);
    }
}

/* Same type everywhere, same keys in the same order, and every real the same bits:
 * json_equal would let -0.0 pass for 0.0. */
static void assert_identical(const json_t *a, const json_t *b, const char *where)
{
    if (json_typeof(a) != json_typeof(b))
        fail_msg("%s: type %d became %d", where, json_typeof(a), json_typeof(b));
    switch (json_typeof(a)) {
    case JSON_OBJECT: {
        void *ia = json_object_iter((json_t *)a), *ib = json_object_iter((json_t *)b);
        for (; ia && ib; ia = json_object_iter_next((json_t *)a, ia),
                         ib = json_object_iter_next((json_t *)b, ib)) {
            size_t na = json_object_iter_key_len(ia);
            if (na != json_object_iter_key_len(ib) ||
                memcmp(json_object_iter_key(ia), json_object_iter_key(ib), na) != 0)
                fail_msg("%s: key '%s' became '%s'", where, json_object_iter_key(ia),
                         json_object_iter_key(ib));
            assert_identical(json_object_iter_value(ia), json_object_iter_value(ib), where);
        }
        if (ia || ib)
            fail_msg("%s: a different number of members", where);
        break;
    }
    case JSON_ARRAY:
        assert_int_equal(json_array_size(a), json_array_size(b));
        for (size_t i = 0; i < json_array_size(a); i++)
            assert_identical(json_array_get(a, i), json_array_get(b, i), where);
        break;
    case JSON_REAL: {
        double x = json_real_value(a), y = json_real_value(b);
        if (memcmp(&x, &y, sizeof x) != 0)
            fail_msg("%s: real %a read back as %a", where, x, y);
        break;
    }
    default:
        if (!json_equal(a, b))
            fail_msg("%s: a scalar changed", where);
    }
}

/* A copy of v with each real replaced by an integer: the writer and jansson lay integers
 * and reals out alike, so the copies' texts being the same shows that the reals sit in the
 * same places. */
static json_t *reals_as_integers(const json_t *v)
{
    switch (json_typeof(v)) {
    case JSON_OBJECT: {
        json_t *o = json_object();
        for (void *it = json_object_iter((json_t *)v); it;
             it = json_object_iter_next((json_t *)v, it))
            json_object_setn_new_nocheck(o, json_object_iter_key(it),
                                         json_object_iter_key_len(it),
                                         reals_as_integers(json_object_iter_value(it)));
        return o;
    }
    case JSON_ARRAY: {
        json_t *a = json_array();
        for (size_t i = 0; i < json_array_size(v); i++)
            json_array_append_new(a, reals_as_integers(json_array_get(v, i)));
        return a;
    }
    case JSON_REAL:
        return json_integer(123456789);
    default:
        return json_deep_copy(v);
    }
}

/* Checks what the writer makes of a tree with reals, at depth 0. */
static void check_with_reals(const json_t *v, const char *what)
{
    char *got = written(v, 0);
    json_error_t error;
    json_t *back = json_loads(got, JSON_DECODE_ANY, &error);
    if (!back)
        fail_msg("%s: jansson cannot read the text back: %s at %d:%d\n%s", what, error.text,
                 error.line, error.column, got);
    if (!json_equal(v, back))
        fail_msg("%s: read back differently:\n%s", what, got);
    assert_identical(v, back, what);
    json_t *ints = reals_as_integers(v);
    char *want_layout = dumped(ints), *got_layout = written(ints, 0);
    assert_same_text(what, want_layout, got_layout);
    free(want_layout);
    free(got_layout);
    json_decref(ints);
    json_decref(back);
    free(got);
}

static void reals_read_back_exactly(void **state)
{
    (void)state;
    json_t *a = json_array();
    json_t *o = json_object();
    for (size_t i = 0; i < sizeof shortest / sizeof *shortest; i++) {
        json_array_append_new(a, json_real(shortest[i].x));
        json_object_set_new(o, shortest[i].text, json_real(shortest[i].x));
    }
    json_t *doc = json_object();
    json_object_set_new(doc, "lotk", json_string("0.1.0"));
    json_object_set_new(doc, "reals", a);
    json_object_set_new(doc, "by_text", o);
    json_object_set_new(doc, "empty", json_array());
    check_with_reals(doc, "hand-written reals");
    json_decref(doc);
}

static uint64_t splitmix64(uint64_t *s)
{
    uint64_t z = (*s += 0x9E3779B97F4A7C15u);
    z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9u;
    z = (z ^ (z >> 27)) * 0x94D049BB133111EBu;
    return z ^ (z >> 31);
}

/* Doubles of every magnitude: random bit patterns (skipping NaN and infinity, which
 * json_real refuses), and scores of the kind lotk writes, sums of a few hundredths. */
static double random_double(uint64_t *s)
{
    uint64_t bits = splitmix64(s);
    if (bits % 4 == 0) /* 68.2 is 68.200000000000003 to %.17g */
        return (double)((bits >> 40) % 100000) / (bits % 8 ? 100.0 : 300.0);
    double x;
    memcpy(&x, &bits, sizeof x);
    return isfinite(x) ? x : -0.0;
}

static json_t *random_tree(uint64_t *s, int depth)
{
    static const char *const pieces[] = {"ORG-1", "学习", "\n", "\"", "\\", "\x01", "é",
                                         "\xF0\x9F\x93\x88", " ", "\x1f", "/", ""};
    unsigned kind = (unsigned)(splitmix64(s) % (depth < 4 ? 9 : 7));
    switch (kind) {
    case 0:
    case 1:
    case 2:
        return json_real(random_double(s));
    case 3: { /* every length; the top bit set (no shift) makes it negative */
        uint64_t bits = splitmix64(s);
        return json_integer((json_int_t)(bits >> (splitmix64(s) % 64)));
    }
    case 4: {
        char text[64] = "";
        for (int n = (int)(splitmix64(s) % 6); n > 0; n--)
            strcat(text, pieces[splitmix64(s) % (sizeof pieces / sizeof *pieces)]);
        return json_string(text);
    }
    case 5:
        return splitmix64(s) % 2 ? json_true() : json_false();
    case 6:
        return json_null();
    case 7: {
        json_t *a = json_array();
        for (int n = (int)(splitmix64(s) % 5); n > 0; n--)
            json_array_append_new(a, random_tree(s, depth + 1));
        return a;
    }
    default: {
        json_t *o = json_object();
        for (int n = (int)(splitmix64(s) % 5); n > 0; n--) {
            char key[24];
            snprintf(key, sizeof key, "k%u", (unsigned)(splitmix64(s) % 1000));
            json_object_set_new(o, key, random_tree(s, depth + 1));
        }
        return o;
    }
    }
}

static void random_trees(void **state)
{
    (void)state;
    uint64_t seed = 20240601;
    for (int i = 0; i < 2000; i++) {
        json_t *v = random_tree(&seed, 0);
        char what[32];
        snprintf(what, sizeof what, "random tree %d", i);
        check_with_reals(v, what);
        json_decref(v);
    }
}

/* ---- depth: the same text with every line after the first indented further ----------- */

static char *indented(const char *text, int depth)
{
    struct lotk_buf b = {0};
    lotk_buf_puts(&b, "");
    for (const char *p = text; *p; p++) {
        lotk_buf_putc(&b, *p);
        if (*p == '\n')
            for (int i = 0; i < 2 * depth; i++)
                lotk_buf_putc(&b, ' ');
    }
    return b.data;
}

static void check_depths(const json_t *v, const char *what)
{
    char *flat = written(v, 0);
    for (int depth = 1; depth <= 5; depth += 2) {
        char *want = indented(flat, depth), *got = written(v, depth);
        assert_same_text(what, want, got);
        free(want);
        free(got);
    }
    free(flat);
}

static void depth_indents_every_later_line(void **state)
{
    (void)state;
    json_t *v;
    for (int i = 0; (v = no_reals_tree(i)); i++) {
        check_depths(v, "tree without reals");
        json_decref(v);
    }
    uint64_t seed = 7;
    for (int i = 0; i < 200; i++) {
        v = random_tree(&seed, 0);
        check_depths(v, "random tree");
        json_decref(v);
    }
}

/* ---- appending ---------------------------------------------------------------------- */

static void appends_to_what_is_there(void **state)
{
    (void)state;
    struct lotk_buf b = {0};
    lotk_buf_puts(&b, "  ");
    lotk_jsonw_string(&b, "key \"1\"", strlen("key \"1\""));
    lotk_buf_puts(&b, ": ");
    json_t *o = json_pack("{s:[i,f,n],s:{}}", "a", 1, 2.5, "b");
    lotk_jsonw_write(&b, o, 1);
    assert_string_equal(b.data, "  \"key \\\"1\\\"\": {\n"
                                "    \"a\": [\n"
                                "      1,\n"
                                "      2.5,\n"
                                "      null\n"
                                "    ],\n"
                                "    \"b\": {}\n"
                                "  }");
    assert_int_equal(strlen(b.data), b.len);
    json_decref(o);
    lotk_buf_free(&b);
}

static void strings_as_jansson_writes_them(void **state)
{
    (void)state;
    json_t *a = all_escapes();
    for (size_t i = 0; i < json_array_size(a); i++) {
        const json_t *s = json_array_get(a, i);
        struct lotk_buf b = {0};
        lotk_jsonw_string(&b, json_string_value(s), json_string_length(s));
        char *want = dumped(s);
        assert_same_text("string", want, b.data);
        free(want);
        lotk_buf_free(&b);
    }
    json_decref(a);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(same_as_jansson_without_reals),
        cmocka_unit_test(reals_shortest_by_hand),
        cmocka_unit_test(reals_read_back_exactly),
        cmocka_unit_test(random_trees),
        cmocka_unit_test(depth_indents_every_later_line),
        cmocka_unit_test(appends_to_what_is_there),
        cmocka_unit_test(strings_as_jansson_writes_them),
    };
    return cmocka_run_group_tests_name("jsonw", tests, NULL, NULL);
}
