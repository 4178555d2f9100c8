/* jsonw.h — JSON text of jansson values, written straight into a lotk_buf.
 *
 * lotk builds its JSON documents as jansson trees and used to print them with json_dumps.
 * That prints every real through printf("%.17g"), hands the text over one token at a time
 * through a callback, and (for a result written one organization at a time) had to be
 * re-indented afterwards: together most of `score -f json`. This writer lays the text out
 * exactly as json_dumps(JSON_INDENT(2) | JSON_PRESERVE_ORDER) does with jansson 2.14, so a
 * document reads the same, but writes reals in their shortest form that reads back as the
 * same double (lotk_fmt_double: "68.2" where %.17g gave "68.200000000000003"), never
 * through the locale, and starts at any depth, so that pieces written one by one form one
 * document. jansson stays what builds the trees and what parses. */
#ifndef LOTK_JSONW_H
#define LOTK_JSONW_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "base/buf.h"

struct json_t;

/* Appends value (any JSON type, including a bare scalar) to out as JSON text in jansson's
 * JSON_INDENT(2) | JSON_PRESERVE_ORDER layout, as if it were nested depth levels deep: a
 * line break and 2·(depth + 1) spaces before each member or element, 2·depth before the
 * closing bracket, "{}" and "[]" when empty, ": " between a key and its value and object
 * members in insertion order. Nothing comes before the first character or after the last,
 * so the caller writes the indentation of the first line and whatever follows. Strings
 * are escaped as jansson escapes them without JSON_ENSURE_ASCII (UTF-8 passes through),
 * integers are written as "%lld" writes them, reals in the shortest form that reads back
 * as the same double with ".0" added to whole values ("5.0") and exponents without '+'
 * or leading zeros ("1e20", "1e-5"); -0.0 stays "-0.0", and a real that is not finite
 * (which jansson never makes) is written as null. value must be a tree: jansson can be
 * made to hold an array that contains itself, which this would follow for ever. out is
 * NUL-terminated afterwards. */
void lotk_jsonw_write(struct lotk_buf *out, const struct json_t *value, int depth);

/* Appends the bytes s[0..len) to out as one JSON string, quoted and escaped exactly as
 * lotk_jsonw_write escapes string values and keys. s should be UTF-8; its bytes are
 * copied as they are, so the text is valid JSON only if s is. out is NUL-terminated
 * afterwards. */
void lotk_jsonw_string(struct lotk_buf *out, const char *s, size_t len);

/* ---- a document written as it goes ----------------------------------------------------
 *
 * The same text as lotk_jsonw_write gives for the tree of the same values, written without
 * the tree: a result's organizations are written once each, and building, walking and
 * freeing a jansson tree per organization (a hash table per object, an allocation per
 * value) cost more than the text itself. Open an object or array, write its members (a key,
 * then a value) or elements, end it; the separators, line breaks and indentation come by
 * themselves. The caller nests at most LOTK_JSONW_MAX_NESTING containers and pairs every
 * open with an end. */
enum { LOTK_JSONW_MAX_NESTING = 64 };

struct lotk_jsonw {
    struct lotk_buf *out;
    int base, depth;      /* the document's depth; the open container's members' depth */
    uint64_t empty;       /* bit k: the k-th open container has no member yet */
    uint64_t is_array;    /* bit k: it is an array */
    bool after_key;       /* a key was written: its value follows on the same line */
};

/* Starts a document at depth (as lotk_jsonw_write's) at the end of out. */
void lotk_jsonw_begin(struct lotk_jsonw *w, struct lotk_buf *out, int depth);
void lotk_jsonw_object(struct lotk_jsonw *w);
void lotk_jsonw_array(struct lotk_jsonw *w);
/* Ends the innermost open object or array. */
void lotk_jsonw_end(struct lotk_jsonw *w);
/* An object member's key (a NUL-terminated string); its value comes next. */
void lotk_jsonw_key(struct lotk_jsonw *w, const char *key);
/* A real as lotk_jsonw_write writes reals; NaN (lotk's "no value") and infinities: null. */
void lotk_jsonw_real(struct lotk_jsonw *w, double x);
void lotk_jsonw_int(struct lotk_jsonw *w, long long v);
/* A string; NULL: null. */
void lotk_jsonw_str(struct lotk_jsonw *w, const char *s);
void lotk_jsonw_bool(struct lotk_jsonw *w, bool b);
void lotk_jsonw_null(struct lotk_jsonw *w);
/* A jansson tree as a value, laid out as lotk_jsonw_write lays it out at that depth. */
void lotk_jsonw_value(struct lotk_jsonw *w, const struct json_t *v);

#endif
