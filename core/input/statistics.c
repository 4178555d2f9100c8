/* statistics.c — a city standard's statistics file; see statistics.h. */
#include "input/statistics.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/buf.h"
#include "base/mem.h"
#include "base/num.h"
#include "base/text.h"
#include "input/csvread.h"

enum {
    STATISTICS_MAX_BYTES = 256 << 20, /* a row per city or district: far below this */
    STATISTICS_MAX_COLUMNS = 4096,
};

/* The file being read, driven by the CSV reader's callbacks. */
struct reader {
    struct lotk_statistics *st;
    struct lotk_diags *warnings;
    struct lotk_err *err;
    struct lotk_csvread csv;
    int stop;
    bool in_header;
    struct lotk_buf bytes;  /* the row's fields back to back, each NUL-terminated */
    size_t *starts;
    size_t nfields, cap_starts;
    char **headers;
    size_t nheaders;
    int id_col, group_col;
    int *leaf_col;          /* per statistic leaf: its column */
};

double lotk_statistic_norm(double x, double low, double high)
{
    if (x != x)
        return NAN;
    double norm = (x - low) / (high - low);
    return norm < 0 ? 0 : norm > 1 ? 1 : norm;
}

static int on_field(void *vr, const char *text, size_t len, size_t column)
{
    struct reader *r = vr;
    if (column >= STATISTICS_MAX_COLUMNS)
        return r->stop = lotk_err_set(r->err, LOTK_EIO, r->st->file, r->csv.row_line, 0,
                                      "more than %d columns in a row", STATISTICS_MAX_COLUMNS);
    lotk_grow(&r->starts, &r->cap_starts, r->nfields + 1, sizeof *r->starts);
    r->starts[r->nfields++] = r->bytes.len;
    lotk_buf_append(&r->bytes, text, len);
    lotk_buf_putc(&r->bytes, '\0');
    return 0;
}

static const char *field(const struct reader *r, int i)
{
    return i >= 0 && (size_t)i < r->nfields ? r->bytes.data + r->starts[i] : "";
}

/* The column headed name, or -1 with err naming the closest header. */
static int find_column(struct reader *r, const char *name, const char *what)
{
    size_t best = (size_t)-1;
    int closest = -1;
    for (size_t c = 0; c < r->nheaders; c++) {
        if (strcmp(r->headers[c], name) == 0)
            return (int)c;
        size_t d = lotk_edit_distance(r->headers[c], name);
        if (d < best) {
            best = d;
            closest = (int)c;
        }
    }
    if (closest >= 0 && best <= 3)
        r->stop = lotk_err_set(r->err, LOTK_EIO, r->st->file, r->csv.row_line, 0,
                               "no column '%s' (%s); did you mean '%s' (column %d)?", name,
                               what, r->headers[closest], closest + 1);
    else
        r->stop = lotk_err_set(r->err, LOTK_EIO, r->st->file, r->csv.row_line, 0,
                               "no column '%s' (%s) in the header", name, what);
    return -1;
}

static void map_header(struct reader *r)
{
    const struct lotk_standard *s = r->st->s;
    r->headers = lotk_xcalloc(r->nfields ? r->nfields : 1, sizeof *r->headers);
    for (size_t c = 0; c < r->nfields; c++)
        r->headers[c] = lotk_xstrdup(field(r, (int)c));
    r->nheaders = r->nfields;
    if ((r->id_col = find_column(r, s->org_column, "the unit id, survey.org_column")) < 0)
        return;
    if (s->targets.group_by &&
        (r->group_col = find_column(r, s->targets.group_by, "targets.group_by")) < 0)
        return;
    for (size_t l = 0; l < r->st->nleaves; l++) {
        const struct lotk_node *node = &s->nodes[r->st->leaves[l]];
        char what[160];
        snprintf(what, sizeof what, "the statistic of %s", node->id);
        if ((r->leaf_col[l] = find_column(r, node->statistic->column, what)) < 0)
            return;
    }
}

/* One cell of a statistic: its number, or NaN and a warning. */
static double read_cell(struct reader *r, size_t l, long line)
{
    const struct lotk_node *node = &r->st->s->nodes[r->st->leaves[l]];
    int col = r->leaf_col[l];
    const char *text = field(r, col);
    double x;
    size_t len = strlen(text);
    if (lotk_parse_double(text, len, &x) == 0 && isfinite(x))
        return x;
    r->st->rejected_cells++;
    bool blank = strspn(text, " \t") == len;
    if (blank)
        lotk_diags_add(r->warnings, true, LOTK_EIO, r->st->file, line, col + 1,
                       "cell rejected: %s of %s is blank; %s has no value for this unit",
                       node->statistic->column, field(r, r->id_col), node->id);
    else
        lotk_diags_add(r->warnings, true, LOTK_EIO, r->st->file, line, col + 1,
                       "cell rejected: %s of %s is '%s', not a number; %s has no value for "
                       "this unit", node->statistic->column, field(r, r->id_col), text,
                       node->id);
    return NAN;
}

static void process_row(struct reader *r, long line)
{
    struct lotk_statistics *st = r->st;
    const char *id = field(r, r->id_col);
    st->rows++;
    if (!*id) {
        st->rejected_rows++;
        lotk_diags_add(r->warnings, true, LOTK_EIO, st->file, line, r->id_col + 1,
                       "row rejected: no unit id (%s is empty)", st->s->org_column);
        return;
    }
    /* Ids are C strings from here on: one with a NUL in it would be cut short there. */
    size_t end = (size_t)r->id_col + 1 < r->nfields ? r->starts[r->id_col + 1] : r->bytes.len;
    if (strlen(id) + 1 != end - r->starts[r->id_col]) {
        st->rejected_rows++;
        lotk_diags_add(r->warnings, true, LOTK_EIO, st->file, line, r->id_col + 1,
                       "row rejected: a NUL byte in the unit id (%s)", st->s->org_column);
        return;
    }
    int at = lotk_strmap_put(&st->index, id, strlen(id), (int)st->nunits);
    if (at != (int)st->nunits) {
        r->stop = lotk_err_set(r->err, LOTK_EIO, st->file, line, r->id_col + 1,
                               "unit '%s' appears twice (first on line %ld): one row per "
                               "unit", id, st->units[at].line);
        return;
    }
    lotk_grow(&st->units, &st->cap_units, st->nunits + 1, sizeof *st->units);
    struct lotk_stat_unit *u = &st->units[st->nunits++];
    u->id = lotk_xstrdup(id);
    u->line = line;
    const char *group = field(r, r->group_col);
    u->group = r->group_col >= 0 && *group ? lotk_xstrdup(group) : NULL;
    if (r->group_col >= 0 && !u->group)
        lotk_diags_add(r->warnings, true, LOTK_EIO, st->file, line, r->group_col + 1,
                       "%s has no %s: it counts toward no target", id, st->s->targets.group_by);
    u->values = lotk_xcalloc(st->nleaves ? st->nleaves : 1, sizeof *u->values);
    for (size_t l = 0; l < st->nleaves; l++)
        u->values[l] = read_cell(r, l, line);
}

static int on_row(void *vr, size_t nfields, long line)
{
    struct reader *r = vr;
    (void)nfields;
    if (r->in_header) {
        r->in_header = false;
        map_header(r);
    } else if (!r->stop) {
        process_row(r, line);
    }
    r->nfields = 0;
    lotk_buf_reset(&r->bytes);
    return r->stop;
}

static struct lotk_statistics *statistics_new(const struct lotk_standard *s, const char *path)
{
    struct lotk_statistics *st = lotk_xcalloc(1, sizeof *st);
    st->s = s;
    st->file = lotk_xstrdup(path);
    st->leaves = lotk_xcalloc(s->nnodes, sizeof *st->leaves);
    st->leaf_of = lotk_xmalloc(s->nnodes * sizeof *st->leaf_of);
    for (size_t i = 0; i < s->nnodes; i++) {
        st->leaf_of[i] = -1;
        if (s->nodes[i].statistic) {
            st->leaf_of[i] = (int)st->nleaves;
            st->leaves[st->nleaves++] = (int)i;
        }
    }
    return st;
}

int lotk_statistics_read(const struct lotk_standard *s, const char *path,
                         const struct lotk_survey_options *opts, struct lotk_diags *warnings,
                         struct lotk_statistics **out, struct lotk_err *err)
{
    struct lotk_csvread_options copts = {.delimiter = opts ? opts->delimiter : 0,
                                         .encoding = opts ? opts->encoding : LOTK_ENC_AUTO};
    struct lotk_statistics *st = statistics_new(s, path);
    struct reader r = {.st = st, .warnings = warnings, .err = err, .in_header = true,
                       .id_col = -1, .group_col = -1};
    r.leaf_col = lotk_xcalloc(st->nleaves ? st->nleaves : 1, sizeof *r.leaf_col);
    *out = NULL;
    int rc = lotk_csvread_file(&r.csv, st->file, STATISTICS_MAX_BYTES, &copts, on_field,
                               on_row, &r, err);
    lotk_csvread_free(&r.csv);
    lotk_buf_free(&r.bytes);
    free(r.starts);
    for (size_t c = 0; c < r.nheaders; c++)
        free(r.headers[c]);
    free(r.headers);
    free(r.leaf_col);
    if (rc)
        lotk_statistics_free(st);
    else
        *out = st;
    return rc;
}

const struct lotk_stat_unit *lotk_statistics_find(const struct lotk_statistics *st,
                                                  const char *id)
{
    int at = st ? lotk_strmap_get(&st->index, id, strlen(id)) : -1;
    return at >= 0 ? &st->units[at] : NULL;
}

void lotk_statistics_free(struct lotk_statistics *st)
{
    if (!st)
        return;
    for (size_t i = 0; i < st->nunits; i++) {
        free(st->units[i].id);
        free(st->units[i].group);
        free(st->units[i].values);
    }
    free(st->units);
    lotk_strmap_free(&st->index);
    free(st->leaves);
    free(st->leaf_of);
    free(st->file);
    free(st);
}
