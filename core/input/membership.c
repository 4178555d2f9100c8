/* membership.c — member organizations and their units; see membership.h. */
#include "input/membership.h"

#include <stdlib.h>
#include <string.h>

#include "base/buf.h"
#include "base/mem.h"
#include "input/csvread.h"

enum { MEMBERSHIP_MAX_BYTES = 512 << 20 };

struct reader {
    struct lotk_membership *m;
    struct lotk_diags *warnings;
    struct lotk_err *err;
    struct lotk_csvread csv;
    int stop;
    bool in_header;
    int org_col, unit_col;
    size_t column;      /* of the field being read */
    struct lotk_buf org, unit;
};

/* Only the two columns are kept: a membership file of a whole province stays small. */
static int on_field(void *vr, const char *text, size_t len, size_t column)
{
    struct reader *r = vr;
    if (r->in_header) {
        if (len == 3 && memcmp(text, "org", 3) == 0 && r->org_col < 0)
            r->org_col = (int)column;
        else if (len == 4 && memcmp(text, "unit", 4) == 0 && r->unit_col < 0)
            r->unit_col = (int)column;
        return 0;
    }
    if ((int)column == r->org_col)
        lotk_buf_append(&r->org, text, len);
    else if ((int)column == r->unit_col)
        lotk_buf_append(&r->unit, text, len);
    return 0;
}

static void add_row(struct reader *r, long line)
{
    struct lotk_membership *m = r->m;
    const char *org = r->org.data ? r->org.data : "";
    const char *unit = r->unit.data ? r->unit.data : "";
    if (!*org) {
        lotk_diags_add(r->warnings, true, LOTK_EIO, m->file, line, r->org_col + 1,
                       "row rejected: no member organization (org is empty)");
        return;
    }
    /* Ids are C strings from here on: one with a NUL in it would be cut short there. */
    bool nul_org = memchr(r->org.data, '\0', r->org.len) != NULL;
    if (nul_org || (r->unit.data && memchr(r->unit.data, '\0', r->unit.len))) {
        lotk_diags_add(r->warnings, true, LOTK_EIO, m->file, line,
                       (nul_org ? r->org_col : r->unit_col) + 1,
                       "row rejected: a NUL byte in the %s", nul_org ? "org" : "unit");
        return;
    }
    int at = lotk_strmap_put(&m->index, org, strlen(org), (int)m->nrows);
    if (at != (int)m->nrows) {
        r->stop = lotk_err_set(r->err, LOTK_EIO, m->file, line, r->org_col + 1,
                               "member '%s' is listed twice (first on line %ld): an "
                               "organization belongs to one unit", org, m->rows[at].line);
        return;
    }
    lotk_grow(&m->rows, &m->cap_rows, m->nrows + 1, sizeof *m->rows);
    struct lotk_member_row *row = &m->rows[m->nrows++];
    row->org = lotk_xstrdup(org);
    row->unit = *unit ? lotk_xstrdup(unit) : NULL;
    row->line = line;
    if (!row->unit)
        lotk_diags_add(r->warnings, true, LOTK_EIO, m->file, line, r->unit_col + 1,
                       "member %s has no unit: it counts toward no unit's member indicators",
                       org);
}

static int on_row(void *vr, size_t nfields, long line)
{
    struct reader *r = vr;
    (void)nfields;
    if (r->in_header) {
        r->in_header = false;
        r->m->unit_column = r->unit_col + 1;
        if (r->org_col < 0 || r->unit_col < 0)
            r->stop = lotk_err_set(r->err, LOTK_EIO, r->m->file, line, 0,
                                   "no column '%s': a membership file has the columns org "
                                   "(the member organization) and unit (its city or "
                                   "district)", r->org_col < 0 ? "org" : "unit");
    } else {
        add_row(r, line);
    }
    lotk_buf_reset(&r->org);
    lotk_buf_reset(&r->unit);
    return r->stop;
}

int lotk_membership_read(const char *path, const struct lotk_survey_options *opts,
                         struct lotk_diags *warnings, struct lotk_membership **out,
                         struct lotk_err *err)
{
    struct lotk_csvread_options copts = {.delimiter = opts ? opts->delimiter : 0,
                                         .encoding = opts ? opts->encoding : LOTK_ENC_AUTO};
    struct lotk_membership *m = lotk_xcalloc(1, sizeof *m);
    m->file = lotk_xstrdup(path);
    struct reader r = {.m = m, .warnings = warnings, .err = err, .in_header = true,
                       .org_col = -1, .unit_col = -1};
    *out = NULL;
    int rc = lotk_csvread_file(&r.csv, m->file, MEMBERSHIP_MAX_BYTES, &copts, on_field, on_row,
                               &r, err);
    lotk_csvread_free(&r.csv);
    lotk_buf_free(&r.org);
    lotk_buf_free(&r.unit);
    if (rc)
        lotk_membership_free(m);
    else
        *out = m;
    return rc;
}

const struct lotk_member_row *lotk_membership_find(const struct lotk_membership *m,
                                                   const char *org)
{
    int at = m ? lotk_strmap_get(&m->index, org, strlen(org)) : -1;
    return at >= 0 ? &m->rows[at] : NULL;
}

void lotk_membership_free(struct lotk_membership *m)
{
    if (!m)
        return;
    for (size_t i = 0; i < m->nrows; i++) {
        free(m->rows[i].org);
        free(m->rows[i].unit);
    }
    free(m->rows);
    lotk_strmap_free(&m->index);
    free(m->file);
    free(m);
}
