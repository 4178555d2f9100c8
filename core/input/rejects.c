/* rejects.c — the list of rejected rows: kept, merged in file order, printed, written as
 * CSV; see rejects.h. */
#include "input/rejects.h"

#include <stdlib.h>
#include <string.h>

#include "base/buf.h"
#include "base/csvw.h"
#include "base/err.h"
#include "base/mem.h"

void lotk_rejects_add(void *ctx, const struct lotk_reject *rj)
{
    struct lotk_rejects *r = ctx;
    lotk_grow(&r->entries, &r->cap, r->count + 1, sizeof *r->entries);
    struct lotk_reject_entry *e = &r->entries[r->count++];
    e->file = lotk_xstrdup(rj->file);
    e->line = rj->line;
    e->column = rj->column;
    e->reason = lotk_xstrdup(rj->reason);
    e->screened = rj->screened;
    e->org = rj->org ? lotk_xstrdup(rj->org) : NULL;
    e->nfields = r->keep_fields ? rj->nfields : 0;
    e->fields = e->nfields ? lotk_xmalloc(e->nfields * sizeof *e->fields) : NULL;
    for (size_t i = 0; i < e->nfields; i++)
        e->fields[i] = lotk_xstrdup(rj->fields[i]);
}

void lotk_rejects_append(struct lotk_rejects *dst, struct lotk_rejects *src, long line_offset)
{
    lotk_grow(&dst->entries, &dst->cap, dst->count + src->count, sizeof *dst->entries);
    for (size_t i = 0; i < src->count; i++) {
        dst->entries[dst->count] = src->entries[i];
        dst->entries[dst->count++].line += line_offset;
    }
    src->count = 0; /* the entries moved */
}

void lotk_rejects_print(const struct lotk_rejects *r, size_t shown, bool point_to_file,
                        FILE *out)
{
    for (size_t i = 0; i < r->count && i < shown; i++) {
        const struct lotk_reject_entry *e = &r->entries[i];
        lotk_diag(out, "warning", e->file, e->line, e->column, "row %s: %s",
                  e->screened ? "screened out" : "rejected", e->reason);
    }
    if (r->count > shown)
        lotk_diag(out, "warning", NULL, 0, 0, "%zu more rejected or screened rows not shown%s",
                  r->count - shown, point_to_file ? "" : "; --rejects FILE lists every one");
}

void lotk_rejects_csv(const struct lotk_rejects *r, struct lotk_buf *out)
{
    lotk_buf_puts(out, "file,line,column,outcome,reason,fields\n");
    for (size_t i = 0; i < r->count; i++) {
        const struct lotk_reject_entry *e = &r->entries[i];
        lotk_csvw_field(out, e->file);
        lotk_buf_printf(out, ",%ld,%ld,%s,", e->line, e->column,
                        e->screened ? "screened" : "rejected");
        lotk_csvw_field(out, e->reason);
        for (size_t k = 0; k < e->nfields; k++) {
            lotk_buf_putc(out, ',');
            lotk_csvw_field(out, e->fields[k]);
        }
        lotk_buf_putc(out, '\n');
    }
}

void lotk_rejects_clear(struct lotk_rejects *r)
{
    for (size_t i = 0; i < r->count; i++) {
        free(r->entries[i].file);
        free(r->entries[i].reason);
        free(r->entries[i].org);
        for (size_t k = 0; k < r->entries[i].nfields; k++)
            free(r->entries[i].fields[k]);
        free(r->entries[i].fields);
    }
    free(r->entries);
    r->entries = NULL;
    r->count = r->cap = 0;
}
