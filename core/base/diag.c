/* diag.c — see diag.h. */
#include "base/diag.h"

#include <stdlib.h>

#include "base/mem.h"

void lotk_diags_add(struct lotk_diags *d, bool warning, int code, const char *file, long line,
                    long column, const char *fmt, ...)
{
    lotk_grow(&d->entries, &d->cap, d->count + 1, sizeof *d->entries);
    struct lotk_diag_entry *e = &d->entries[d->count++];
    e->warning = warning;
    lotk_err_clear(&e->err);
    va_list ap;
    va_start(ap, fmt);
    lotk_err_setv(&e->err, code, file, line, column, fmt, ap);
    va_end(ap);
    if (warning)
        d->warnings++;
    else
        d->errors++;
}

void lotk_diags_add_err(struct lotk_diags *d, bool warning, const struct lotk_err *err)
{
    lotk_diags_add(d, warning, err->code, err->file[0] ? err->file : NULL, err->line,
                   err->column, "%s", err->msg);
    if (err->plugin[0])
        lotk_err_set_plugin(&d->entries[d->count - 1].err, err->plugin);
}

void lotk_diags_print(const struct lotk_diags *d, FILE *out)
{
    for (size_t i = 0; i < d->count; i++) {
        const struct lotk_err *e = &d->entries[i].err;
        if (d->entries[i].warning)
            lotk_diag(out, "warning", e->file, e->line, e->column, "%s", e->msg);
        else
            lotk_err_print(e, out);
    }
}

void lotk_diags_free(struct lotk_diags *d)
{
    free(d->entries);
    d->entries = NULL;
    d->count = d->cap = d->errors = d->warnings = 0;
}
