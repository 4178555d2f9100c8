/* csvw.c — writing CSV fields; see csvw.h. */
#include "base/csvw.h"

#include <string.h>

#include "base/num.h"

void lotk_csvw_field(struct lotk_buf *out, const char *s)
{
    if (!strpbrk(s, ",\"\r\n")) {
        lotk_buf_puts(out, s);
        return;
    }
    lotk_buf_putc(out, '"');
    for (; *s; s++) {
        if (*s == '"')
            lotk_buf_putc(out, '"');
        lotk_buf_putc(out, *s);
    }
    lotk_buf_putc(out, '"');
}

void lotk_csvw_number(struct lotk_buf *out, double x)
{
    char num[32];
    if (x == x) {
        lotk_fmt_double(num, x);
        lotk_buf_puts(out, num);
    }
}
