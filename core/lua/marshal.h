/* marshal.h — values between C and Lua: standard values (struct lotk_value), JSON trees
 * and text maps pushed as plain tables, C arrays of numbers written into Lua lists, and
 * the numbers plugins return read back and checked. Internal to the lua tier. */
#ifndef LOTK_MARSHAL_H
#define LOTK_MARSHAL_H

#include <lua.h>
#include <stddef.h>

#include "base/err.h"
#include "base/value.h"
#include "standard/standard.h"

struct json_t;
struct lotk_plugin;

/* Pushes v: null → nil, whole numbers below 2^53 → integers, lists → sequences, maps →
 * tables with string keys. */
void lotk_marshal_push_value(lua_State *L, const struct lotk_value *v);

/* Pushes a JSON tree the same way: objects → tables, arrays → sequences (1-based), null →
 * nil (so absent), integers → integers, reals → floats. */
void lotk_marshal_push_json(lua_State *L, const struct json_t *j);

/* Pushes a text map {zh =, en =} with the languages it has. */
void lotk_marshal_push_text(lua_State *L, const struct lotk_text *t);

/* Writes v[0..n) into the table at idx as t[1..n], NaN as nil (a hole), so one table can be
 * reused call after call. */
void lotk_marshal_put_numbers(lua_State *L, int idx, const double *v, size_t n);

/* Reads the value at idx as what plugin pl's function returned (what: "aggregate", "rule
 * points", ...): it must be a finite number. Returns 0 and sets *out, or LOTK_EPLUGIN
 * naming the plugin's file and the line of its function. */
int lotk_marshal_number(lua_State *L, int idx, const struct lotk_plugin *pl, const char *what,
                        double *out, struct lotk_err *err);

/* Text a plugin returned, made safe for every output: control characters (C0, DEL, C1:
 * ESC, CR, LF, NUL, ...) written as visible escapes (\x1B, \u0085), so that nothing a
 * plugin says can move a terminal's cursor or end a line of lotk's, and bytes that are not
 * UTF-8 replaced by U+FFFD. *bad is the offset of the first such byte, or -1 when the text
 * was valid UTF-8. Returns a new string the caller frees. */
char *lotk_marshal_clean_text(const char *s, size_t len, long *bad);

#endif
