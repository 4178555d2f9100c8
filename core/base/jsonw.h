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

#include <stddef.h>

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

#endif
