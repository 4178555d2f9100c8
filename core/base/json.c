/* json.c — jansson constructors; see json.h. */
#include "base/json.h"

json_t *lotk_json_real_or_null(double x)
{
    return x == x ? json_real(x) : json_null();
}

json_t *lotk_json_string_or_null(const char *s)
{
    return s ? json_string(s) : json_null();
}
