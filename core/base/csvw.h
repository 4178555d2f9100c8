/* csvw.h — writing CSV fields (RFC 4180), for every writer that produces CSV. */
#ifndef LOTK_CSVW_H
#define LOTK_CSVW_H

#include "base/buf.h"

/* Appends s as one CSV field, quoted when it holds a comma, quote or line break. */
void lotk_csvw_field(struct lotk_buf *out, const char *s);

/* Appends x in its shortest exact form (lotk_fmt_double); nothing for NaN (an empty
 * field). */
void lotk_csvw_number(struct lotk_buf *out, double x);

#endif
