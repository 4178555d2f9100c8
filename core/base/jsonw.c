/* jsonw.c — JSON text of jansson values; see jsonw.h.
 *
 * Everything is written straight into the buffer's storage: a result of 300,000
 * organizations is millions of tokens, and a callback and a printf per token are what
 * made jansson's dump slow. The layout copies jansson 2.14's dump.c (do_dump,
 * dump_indent, dump_string, jsonp_dtostr) with JSON_INDENT(2), no JSON_ENSURE_ASCII, no
 * JSON_ESCAPE_SLASH. */
#include "base/jsonw.h"
#include "base/mem.h"
#include "base/buf.h"
#include "base/num.h"

#include <jansson.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

/* Makes room for n more bytes and the NUL that ends the buffer; returns where they go.
 * The caller adds what it wrote to out->len. */
static char *reserve(struct lotk_buf *out, size_t n)
{
    if (out->len + n + 1 > out->cap)
        lotk_grow(&out->data, &out->cap, out->len + n + 1, 1);
    return out->data + out->len;
}

static void put(struct lotk_buf *out, const char *s, size_t n)
{
    memcpy(reserve(out, n), s, n);
    out->len += n;
}

static void put_char(struct lotk_buf *out, char c)
{
    *reserve(out, 1) = c;
    out->len++;
}

/* What jansson writes between tokens with JSON_INDENT(2): a line break and two spaces a
 * level. */
static void put_newline(struct lotk_buf *out, int depth)
{
    size_t n = 2 * (size_t)depth;
    char *p = reserve(out, n + 1);
    p[0] = '\n';
    memset(p + 1, ' ', n);
    out->len += n + 1;
}

/* The escape of one byte that may not stand in a JSON string as it is: jansson's short
 * forms where JSON has one, else \u00XX with upper-case hex (jansson's "\\u%04X"). */
static void put_escape(struct lotk_buf *out, unsigned char c)
{
    static const char hex[] = "0123456789ABCDEF";
    char text[6] = {'\\', 0, '0', '0', hex[c >> 4], hex[c & 15]};
    switch (c) {
    case '"':
    case '\\':
        text[1] = (char)c;
        break;
    case '\b':
        text[1] = 'b';
        break;
    case '\f':
        text[1] = 'f';
        break;
    case '\n':
        text[1] = 'n';
        break;
    case '\r':
        text[1] = 'r';
        break;
    case '\t':
        text[1] = 't';
        break;
    default:
        text[1] = 'u';
        put(out, text, sizeof text);
        return;
    }
    put(out, text, 2);
}

/* Without JSON_ENSURE_ASCII jansson escapes only '"', '\\' and the bytes under 0x20; the
 * bytes of UTF-8 sequences, all 0x80 and over, pass as they are. So runs between those
 * bytes are copied whole, and the Chinese names and labels of a standard cost a memcpy. */
static void put_string(struct lotk_buf *out, const char *s, size_t len)
{
    const unsigned char *p = (const unsigned char *)s, *end = p + len;
    put_char(out, '"');
    while (p < end) {
        const unsigned char *run = p;
        while (p < end && *p >= 0x20 && *p != '"' && *p != '\\')
            p++;
        put(out, (const char *)run, (size_t)(p - run));
        if (p < end)
            put_escape(out, *p++);
    }
    put_char(out, '"');
}

/* "%lld" by hand: digits from the right into a scratch array, the magnitude unsigned so
 * that INT64_MIN has one. */
static void put_integer(struct lotk_buf *out, json_int_t v)
{
    char tmp[24], *q = tmp + sizeof tmp;
    unsigned long long m = v < 0 ? 0ULL - (unsigned long long)v : (unsigned long long)v;
    do {
        *--q = (char)('0' + m % 10);
        m /= 10;
    } while (m);
    if (v < 0)
        *--q = '-';
    put(out, q, (size_t)(tmp + sizeof tmp - q));
}

/* lotk_fmt_double's text (%g's layout of the shortest digits) changed the way jansson's
 * jsonp_dtostr changes printf's: ".0" on a whole value, so that it reads back as a real
 * and not an integer, and the exponent without its '+' and leading zeros. */
static void put_real(struct lotk_buf *out, double x)
{
    if (!isfinite(x)) { /* JSON has no such number; json_real refuses to make one */
        put(out, "null", 4);
        return;
    }
    if (x == 0) { /* lotk_fmt_double writes both zeros as "0"; jansson keeps the sign */
        if (signbit(x))
            put(out, "-0.0", 4);
        else
            put(out, "0.0", 3);
        return;
    }
    char num[32]; /* at most 24 characters, "-1.2345678901234567e-308" */
    lotk_fmt_double(num, x);
    size_t n = strlen(num);
    char *e = memchr(num, 'e', n);
    if (!e) {
        if (!memchr(num, '.', n)) {
            num[n++] = '.';
            num[n++] = '0';
        }
        put(out, num, n);
        return;
    }
    char *to = e + 1, *from = e + 1;
    if (*from == '-')
        to = ++from;
    else if (*from == '+')
        from++;
    while (*from == '0' && from[1]) /* never all of them: an exponent keeps a digit */
        from++;
    size_t tail = (size_t)(num + n - from);
    memmove(to, from, tail);
    put(out, num, (size_t)(to - num) + tail);
}

static void put_value(struct lotk_buf *out, const json_t *v, int depth)
{
    switch (json_typeof(v)) {
    case JSON_OBJECT: {
        /* jansson 2.14 keeps objects in insertion order whatever JSON_PRESERVE_ORDER says;
         * its iterator goes in that order, and keys may hold NUL bytes, hence key_len. */
        void *it = json_object_iter((json_t *)v);
        if (!it) {
            put(out, "{}", 2);
            return;
        }
        put_char(out, '{');
        for (;;) {
            put_newline(out, depth + 1);
            put_string(out, json_object_iter_key(it), json_object_iter_key_len(it));
            put(out, ": ", 2);
            put_value(out, json_object_iter_value(it), depth + 1);
            it = json_object_iter_next((json_t *)v, it);
            if (!it)
                break;
            put_char(out, ',');
        }
        put_newline(out, depth);
        put_char(out, '}');
        return;
    }
    case JSON_ARRAY: {
        size_t n = json_array_size(v);
        if (n == 0) {
            put(out, "[]", 2);
            return;
        }
        put_char(out, '[');
        for (size_t i = 0; i < n; i++) {
            if (i > 0)
                put_char(out, ',');
            put_newline(out, depth + 1);
            put_value(out, json_array_get(v, i), depth + 1);
        }
        put_newline(out, depth);
        put_char(out, ']');
        return;
    }
    case JSON_STRING:
        put_string(out, json_string_value(v), json_string_length(v));
        return;
    case JSON_INTEGER:
        put_integer(out, json_integer_value(v));
        return;
    case JSON_REAL:
        put_real(out, json_real_value(v));
        return;
    case JSON_TRUE:
        put(out, "true", 4);
        return;
    case JSON_FALSE:
        put(out, "false", 5);
        return;
    case JSON_NULL:
        put(out, "null", 4);
        return;
    }
}

void lotk_jsonw_write(struct lotk_buf *out, const json_t *value, int depth)
{
    put_value(out, value, depth > 0 ? depth : 0);
    *reserve(out, 0) = '\0';
}

void lotk_jsonw_string(struct lotk_buf *out, const char *s, size_t len)
{
    put_string(out, s, len);
    *reserve(out, 0) = '\0';
}

/* ---- a document written as it goes --------------------------------------------------- */

void lotk_jsonw_begin(struct lotk_jsonw *w, struct lotk_buf *out, int depth)
{
    w->out = out;
    w->base = w->depth = depth > 0 ? depth : 0;
    w->empty = w->is_array = 0;
    w->after_key = false;
}

/* Before a value or a key: the separator and line break put_value writes between members
 * and elements; nothing after a key or for the value that is the whole document. */
static void before_item(struct lotk_jsonw *w)
{
    if (w->after_key) {
        w->after_key = false;
        return;
    }
    if (w->depth == w->base)
        return;
    uint64_t bit = 1ull << (w->depth - w->base - 1);
    if (w->empty & bit)
        w->empty &= ~bit;
    else
        put_char(w->out, ',');
    put_newline(w->out, w->depth);
}

static void open_container(struct lotk_jsonw *w, char bracket, bool array)
{
    before_item(w);
    put_char(w->out, bracket);
    if (w->depth - w->base >= LOTK_JSONW_MAX_NESTING) /* a caller's bug, not input's */
        abort();
    uint64_t bit = 1ull << (w->depth - w->base);
    w->depth++;
    w->empty |= bit;
    w->is_array = array ? w->is_array | bit : w->is_array & ~bit;
}

void lotk_jsonw_object(struct lotk_jsonw *w)
{
    open_container(w, '{', false);
}

void lotk_jsonw_array(struct lotk_jsonw *w)
{
    open_container(w, '[', true);
}

void lotk_jsonw_end(struct lotk_jsonw *w)
{
    uint64_t bit = 1ull << (w->depth - w->base - 1);
    char bracket = w->is_array & bit ? ']' : '}';
    w->depth--;
    if (!(w->empty & bit)) /* "{}" and "[]" when empty, as put_value */
        put_newline(w->out, w->depth);
    w->empty &= ~bit;
    put_char(w->out, bracket);
    *reserve(w->out, 0) = '\0';
}

void lotk_jsonw_key(struct lotk_jsonw *w, const char *key)
{
    before_item(w);
    put_string(w->out, key, strlen(key));
    put(w->out, ": ", 2);
    w->after_key = true;
}

void lotk_jsonw_real(struct lotk_jsonw *w, double x)
{
    before_item(w);
    put_real(w->out, x);
}

void lotk_jsonw_int(struct lotk_jsonw *w, long long v)
{
    before_item(w);
    put_integer(w->out, v);
}

void lotk_jsonw_str(struct lotk_jsonw *w, const char *s)
{
    before_item(w);
    if (s)
        put_string(w->out, s, strlen(s));
    else
        put(w->out, "null", 4);
}

void lotk_jsonw_bool(struct lotk_jsonw *w, bool b)
{
    before_item(w);
    if (b)
        put(w->out, "true", 4);
    else
        put(w->out, "false", 5);
}

void lotk_jsonw_null(struct lotk_jsonw *w)
{
    before_item(w);
    put(w->out, "null", 4);
}

void lotk_jsonw_value(struct lotk_jsonw *w, const json_t *v)
{
    before_item(w);
    put_value(w->out, v, w->depth);
    *reserve(w->out, 0) = '\0';
}
