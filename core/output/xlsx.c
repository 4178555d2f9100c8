/* xlsx.c — the result table as an xlsx workbook, by libxlsxwriter (see xlsx.h). */
#include "output/xlsx.h"

#include "base/buf.h"
#include "base/err.h"
#include "base/file.h"
#include "base/isolate.h"
#include "output/messages.h"
#include "output/xlsxnum.h"

#include <errno.h>
#include <locale.h>
#include <math.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <jansson.h>
#include <xlsxwriter.h>

/* The documents' creation date: 1980-01-01T00:00:00Z, the date libxlsxwriter gives every zip
 * entry. Any fixed value would do (0 means "now" to libxlsxwriter); this one claims nothing. */
#define XLSX_CREATED ((time_t)315532800)

enum col_kind {
    COL_TEXT,  /* a short text */
    COL_LONG,  /* a text that wraps (reasons, evidence, notes) */
    COL_REAL,  /* a number shown with two decimals */
    COL_COUNT, /* a whole number */
};

/* A column of a sheet: its title's message key, width in Excel's character units, kind. */
struct col {
    const char *key;
    double width;
    enum col_kind kind;
};

/* Everything the sheet writers share. */
struct xw {
    lxw_workbook *wb;
    const json_t *result;
    const json_t *standard;
    const json_t *nodes; /* standard.nodes, an array (maybe empty) */
    const char *lang;
    const char *path;
    lxw_format *fmt[4]; /* by enum col_kind */
    lxw_format *head;
    lxw_worksheet *ws;  /* the sheet being written */
    const char *sheet;  /* its name */
    uint32_t sheet_no;  /* its number, 1-based, as xl/worksheets/sheetN.xml */
    struct lotk_xlsxnum num;
    struct lotk_err *err;
    int rc; /* the first failure; later writes are skipped */
    const struct target *target;
};

/* The temporary files of one write. */
struct target {
    const char *path;
    bool in_place; /* path is not a regular file: copied into, never renamed over */
    char *tmp;     /* libxlsxwriter's output */
    char *fixed;   /* the finished workbook: tmp with full-precision numbers (xlsxnum.h) */
};

static const char *msg(const struct xw *w, const char *key)
{
    return lotk_message(key, w->lang);
}

/* A standard's text: a string, or a {lang: text} map taken in lang, else zh, else en. */
static const char *text_of(const json_t *t, const char *lang)
{
    if (json_is_string(t))
        return json_string_value(t);
    const char *pick[] = {lang, "zh", "en"};
    for (size_t i = 0; i < sizeof pick / sizeof *pick; i++) {
        const json_t *s = pick[i] ? json_object_get(t, pick[i]) : NULL;
        if (json_is_string(s))
            return json_string_value(s);
    }
    return NULL;
}

static const json_t *path2(const json_t *o, const char *a, const char *b)
{
    return json_object_get(json_object_get(o, a), b);
}

/* Records the first libxlsxwriter failure, naming the sheet and cell. */
static void check(struct xw *w, lxw_error e, lxw_row_t row, lxw_col_t col)
{
    if (e == LXW_NO_ERROR || w->rc)
        return;
    char cell[LXW_MAX_CELL_NAME_LENGTH];
    lxw_rowcol_to_cell(cell, row, col);
    w->rc = lotk_err_set(w->err, LOTK_EIO, NULL, 0, 0, "cannot write %s: sheet %s, cell %s: %s",
                         w->path, w->sheet, cell, lxw_strerror(e));
}

static void oom(struct xw *w)
{
    if (!w->rc)
        w->rc = lotk_err_set(w->err, LOTK_EIO, NULL, 0, 0, "cannot write %s: out of memory",
                             w->path);
}

static void put_text(struct xw *w, lxw_row_t row, lxw_col_t col, const char *s,
                     enum col_kind kind)
{
    if (!w->rc && s && *s)
        check(w, worksheet_write_string(w->ws, row, col, s, w->fmt[kind]), row, col);
}

static void put_number(struct xw *w, lxw_row_t row, lxw_col_t col, double x,
                       enum col_kind kind)
{
    if (w->rc)
        return;
    /* JSON has no NaN or infinity, but a table built in memory might: leave the cell empty
     * rather than write text Excel cannot read as a number. */
    if (!isfinite(x)) {
        check(w, worksheet_write_blank(w->ws, row, col, w->fmt[kind]), row, col);
        return;
    }
    check(w, worksheet_write_number(w->ws, row, col, x, w->fmt[kind]), row, col);
    if (!w->rc && lotk_xlsxnum_note(&w->num, w->sheet_no, row, col, x, w->err) != 0)
        w->rc = LOTK_EIO;
}

/* Writes an array of strings as one text, joined by sep. */
static void put_list(struct xw *w, lxw_row_t row, lxw_col_t col, const json_t *a,
                     const char *sep, enum col_kind kind)
{
    char *s = NULL;
    size_t len = 0;
    FILE *f = open_memstream(&s, &len);
    if (!f) {
        oom(w);
        return;
    }
    size_t i;
    const json_t *v;
    json_array_foreach(a, i, v) {
        if (json_is_string(v))
            fprintf(f, "%s%s", ftell(f) ? sep : "", json_string_value(v));
    }
    if (fclose(f) != 0)
        oom(w);
    else
        put_text(w, row, col, s, kind);
    free(s);
}

/* Writes a JSON value as the cell kind asks: a number, a text, a list of texts; null or
 * absent leaves the cell empty (number columns keep their format for what is typed in). */
static void put_json(struct xw *w, lxw_row_t row, lxw_col_t col, const json_t *v,
                     enum col_kind kind)
{
    if (json_is_number(v))
        put_number(w, row, col, json_number_value(v), kind);
    else if (json_is_string(v))
        put_text(w, row, col, json_string_value(v), kind);
    else if (json_is_array(v))
        put_list(w, row, col, v, "; ", kind);
    else if (json_is_boolean(v) && !w->rc)
        check(w, worksheet_write_boolean(w->ws, row, col, json_is_true(v), w->fmt[kind]), row,
              col);
    else if ((kind == COL_REAL || kind == COL_COUNT) && !w->rc)
        check(w, worksheet_write_blank(w->ws, row, col, w->fmt[kind]), row, col);
}

/* Adds a worksheet with a frozen header row of cols (and the first freeze_cols columns
 * frozen too); titles from the message table. Returns 0 or the failure. */
static int add_sheet(struct xw *w, const char *key, const struct col *cols, size_t ncols,
                     lxw_col_t freeze_cols)
{
    if (w->rc)
        return w->rc;
    w->sheet = msg(w, key);
    w->ws = workbook_add_worksheet(w->wb, w->sheet);
    if (!w->ws)
        return w->rc = lotk_err_set(w->err, LOTK_EIO, NULL, 0, 0,
                                    "cannot write %s: cannot add the sheet %s", w->path,
                                    w->sheet);
    w->sheet_no++;
    worksheet_freeze_panes(w->ws, 1, freeze_cols);
    for (size_t c = 0; c < ncols; c++) {
        lxw_col_t col = (lxw_col_t)c;
        /* The column's format is what Excel gives a cell the assessor types in. */
        check(w, worksheet_set_column(w->ws, col, col, cols[c].width, w->fmt[cols[c].kind]), 0,
              col);
        if (cols[c].key)
            check(w, worksheet_write_string(w->ws, 0, col, msg(w, cols[c].key), w->head), 0,
                  col);
    }
    return w->rc;
}

/* Puts an autofilter on the header of a table of rows × ncols, so the assessor can sort. */
static void end_table(struct xw *w, lxw_row_t last_row, size_t ncols)
{
    if (!w->rc && ncols > 0)
        check(w, worksheet_autofilter(w->ws, 0, 0, last_row, (lxw_col_t)(ncols - 1)), 0, 0);
}

/* "ID title" of a node, for a column title or a chart category; the caller frees it. */
static char *node_label(const struct xw *w, const json_t *node)
{
    const char *id = json_string_value(json_object_get(node, "id"));
    const char *title = text_of(json_object_get(node, "title"), w->lang);
    id = id ? id : "";
    size_t n = strlen(id) + (title ? strlen(title) + 1 : 0) + 1;
    char *s = malloc(n);
    if (s)
        snprintf(s, n, "%s%s%s", id, title ? " " : "", title ? title : "");
    return s;
}

/* The band of a grade id, or NULL. */
static const json_t *band_of(const struct xw *w, const char *grade)
{
    size_t i;
    const json_t *b;
    json_array_foreach(json_object_get(w->standard, "bands"), i, b) {
        const char *g = json_string_value(json_object_get(b, "grade"));
        if (grade && g && strcmp(g, grade) == 0)
            return b;
    }
    return NULL;
}

/* The grade of an organization in words: its band's label, the id when the standard has
 * no such band, "no grade" for null. */
static const char *grade_label(const struct xw *w, const json_t *grade)
{
    if (!json_is_string(grade))
        return msg(w, "grade_none");
    const char *label = text_of(json_object_get(band_of(w, json_string_value(grade)), "label"),
                                w->lang);
    return label ? label : json_string_value(grade);
}

/* A JSON enum value (a flag, a role) in words: the message prefix + value, with '-' read
 * as '_' (third-party: role_third_party); the value itself when there is no such message. */
static const char *word_of(const struct xw *w, const char *prefix, const char *value)
{
    char key[128];
    int n = snprintf(key, sizeof key, "%s%s", prefix, value ? value : "");
    if (!value || n < 0 || (size_t)n >= sizeof key)
        return value;
    for (char *p = key; *p; p++)
        *p = *p == '-' ? '_' : *p;
    const char *text = msg(w, key);
    return text == key ? value : text; /* a miss returns the key itself (messages.h) */
}

/* ---- Summary ---------------------------------------------------------------------- */

/* One row of the summary's key-value table: a text, else a JSON value; absent: no row. */
struct fact {
    const char *key;
    const char *text;
    const json_t *value;
    enum col_kind kind;
};

static void summary_facts(struct xw *w, lxw_row_t *row)
{
    const json_t *in = json_object_get(w->result, "input");
    const json_t *ev = json_object_get(in, "evidence");
    const json_t *batch = json_object_get(w->result, "batch");
    const json_t *orgs = json_object_get(w->result, "organizations");
    const json_t *norgs = json_object_get(batch, "organizations");
    const char *version = json_string_value(json_object_get(w->result, "lotk"));
    char generator[64];
    snprintf(generator, sizeof generator, "lotk %s", version ? version : "");
    json_t *count = norgs ? NULL : json_integer((json_int_t)json_array_size(orgs));
    const struct fact facts[] = {
        {"summary_standard", text_of(json_object_get(w->standard, "title"), w->lang), NULL,
         COL_TEXT},
        {"summary_standard_id", NULL, json_object_get(w->standard, "id"), COL_TEXT},
        {"summary_version", NULL, json_object_get(w->standard, "version"), COL_TEXT},
        {"summary_sha256", NULL, json_object_get(w->standard, "sha256"), COL_TEXT},
        {"summary_generator", generator, NULL, COL_TEXT},
        {"summary_rows", NULL, json_object_get(in, "rows"), COL_COUNT},
        {"summary_scored", NULL, json_object_get(in, "scored"), COL_COUNT},
        {"summary_rejected", NULL, json_object_get(in, "rejected"), COL_COUNT},
        {"summary_screened", NULL, json_object_get(in, "screened"), COL_COUNT},
        {"summary_evidence_rows", NULL, json_object_get(ev, "rows"), COL_COUNT},
        {"summary_evidence_used", NULL, json_object_get(ev, "used"), COL_COUNT},
        {"summary_evidence_rejected", NULL, json_object_get(ev, "rejected"), COL_COUNT},
        {"summary_organizations", NULL, norgs ? norgs : count, COL_COUNT},
        {"summary_ranked", NULL, json_object_get(batch, "ranked"), COL_COUNT},
        {"summary_median_points", NULL, path2(batch, "median", "points"), COL_REAL},
    };
    for (size_t i = 0; i < sizeof facts / sizeof *facts; i++) {
        if (!facts[i].text && !facts[i].value)
            continue;
        put_text(w, *row, 0, msg(w, facts[i].key), COL_TEXT);
        if (facts[i].text)
            put_text(w, *row, 1, facts[i].text, COL_TEXT);
        else
            put_json(w, *row, 1, facts[i].value, facts[i].kind);
        ++*row;
    }
    json_decref(count);
}

/* A header row of a table inside the summary. */
static void summary_head(struct xw *w, lxw_row_t row, const char *const *keys, size_t n)
{
    for (size_t c = 0; c < n && !w->rc; c++)
        check(w, worksheet_write_string(w->ws, row, (lxw_col_t)c, msg(w, keys[c]), w->head),
              row, (lxw_col_t)c);
}

/* The charts stand right of the tables (column G), one above the other: a chart is 288
 * pixels high by default, 15 rows of 20, so the second starts a row below the first. */
#define CHART_TOP 1
#define CHART_ROWS 16

/* A chart of column values of the summary rows first..last against their labels in
 * column label_col, placed at row at, column G. */
static void summary_chart(struct xw *w, uint8_t type, const char *title_key, lxw_row_t first,
                          lxw_row_t last, lxw_col_t label_col, lxw_col_t value_col,
                          lxw_row_t at)
{
    if (w->rc || last < first)
        return;
    lxw_chart *chart = workbook_add_chart(w->wb, type);
    lxw_chart_series *series = chart ? chart_add_series(chart, NULL, NULL) : NULL;
    if (!series) {
        oom(w);
        return;
    }
    chart_series_set_categories(series, w->sheet, first, label_col, last, label_col);
    chart_series_set_values(series, w->sheet, first, value_col, last, value_col);
    chart_series_set_name(series, msg(w, title_key));
    chart_title_set_name(chart, msg(w, title_key));
    chart_legend_set_position(chart, LXW_CHART_LEGEND_NONE);
    if (type == LXW_CHART_RADAR_WITH_MARKERS) {
        /* Norms live in [0, 1]; a fixed scale keeps dimensions comparable across batches. */
        chart_axis_set_min(chart->y_axis, 0);
        chart_axis_set_max(chart->y_axis, 1);
        chart_axis_set_num_format(chart->y_axis, "0.0");
    }
    check(w, worksheet_insert_chart(w->ws, at, 6, chart), at, 6);
}

/* The grade distribution in band order, with "no grade" last, and its column chart. */
static void summary_grades(struct xw *w, lxw_row_t *row)
{
    static const char *const keys[] = {"col_grade", "col_min_points", "col_count"};
    const json_t *batch = json_object_get(w->result, "batch");
    const json_t *grades = json_object_get(batch, "grades");
    if (!json_is_array(grades))
        return;
    summary_head(w, ++*row, keys, 3);
    ++*row;
    lxw_row_t first = *row;
    size_t i;
    const json_t *g;
    json_array_foreach(grades, i, g) {
        const char *grade = json_string_value(json_object_get(g, "grade"));
        const json_t *band = band_of(w, grade);
        const char *label = text_of(json_object_get(band, "label"), w->lang);
        put_text(w, *row, 0, label ? label : grade, COL_TEXT);
        put_json(w, *row, 1, json_object_get(band, "min"), COL_REAL);
        put_json(w, *row, 2, json_object_get(g, "count"), COL_COUNT);
        ++*row;
    }
    put_text(w, *row, 0, msg(w, "grade_none"), COL_TEXT);
    put_json(w, *row, 2, json_object_get(batch, "ungraded"), COL_COUNT);
    summary_chart(w, LXW_CHART_COLUMN, "summary_grades", first, *row, 0, 2, CHART_TOP);
    ++*row;
}

/* The batch medians of the top-level dimensions, and their radar. */
static void summary_dimensions(struct xw *w, lxw_row_t *row)
{
    static const char *const keys[] = {"col_dimension", "col_title", "col_median_norm",
                                       "col_median_points", "col_max_points"};
    const json_t *medians = path2(json_object_get(w->result, "batch"), "median", "nodes");
    lxw_row_t first = ++*row + 1;
    summary_head(w, (*row)++, keys, 5);
    size_t i;
    const json_t *node;
    json_array_foreach(w->nodes, i, node) {
        if (json_integer_value(json_object_get(node, "level")) != 1)
            continue;
        const json_t *m = json_object_get(medians,
                                          json_string_value(json_object_get(node, "id")));
        put_json(w, *row, 0, json_object_get(node, "id"), COL_TEXT);
        put_text(w, *row, 1, text_of(json_object_get(node, "title"), w->lang), COL_TEXT);
        put_json(w, *row, 2, json_object_get(m, "norm"), COL_REAL);
        put_json(w, *row, 3, json_object_get(m, "points"), COL_REAL);
        put_json(w, *row, 4, json_object_get(node, "max_points"), COL_REAL);
        ++*row;
    }
    if (*row > first)
        summary_chart(w, LXW_CHART_RADAR_WITH_MARKERS, "col_median_norm", first, *row - 1, 1,
                      2, CHART_TOP + CHART_ROWS);
}

static int write_summary(struct xw *w)
{
    static const struct col cols[] = {
        {"col_item", 28, COL_TEXT}, {"col_value", 44, COL_TEXT}, {NULL, 16, COL_TEXT},
        {NULL, 16, COL_TEXT},       {NULL, 14, COL_TEXT},
    };
    if (add_sheet(w, "sheet_summary", cols, sizeof cols / sizeof *cols, 0) != 0)
        return w->rc;
    lxw_row_t row = 1;
    summary_facts(w, &row);
    summary_grades(w, &row);
    summary_dimensions(w, &row);
    return w->rc;
}

/* ---- Organizations ---------------------------------------------------------------- */

static void organization_row(struct xw *w, lxw_row_t row, const json_t *org, size_t fixed)
{
    const json_t *nodes = json_object_get(org, "nodes");
    put_json(w, row, 0, json_object_get(org, "id"), COL_TEXT);
    put_json(w, row, 1, json_object_get(org, "name"), COL_TEXT);
    put_json(w, row, 2, json_object_get(org, "respondents"), COL_COUNT);
    put_json(w, row, 3, json_object_get(org, "screened"), COL_COUNT);
    put_json(w, row, 4, json_object_get(org, "points"), COL_REAL);
    put_text(w, row, 5, grade_label(w, json_object_get(org, "grade")), COL_TEXT);
    put_json(w, row, 6, path2(org, "rank", "position"), COL_COUNT);
    lxw_col_t col = (lxw_col_t)fixed;
    size_t i;
    const json_t *node;
    json_array_foreach(w->nodes, i, node) {
        if (json_integer_value(json_object_get(node, "level")) != 1)
            continue;
        const char *id = json_string_value(json_object_get(node, "id"));
        put_json(w, row, col++, path2(nodes, id ? id : "", "points"), COL_REAL);
    }
    /* Flags in words, joined as the language joins a list. */
    json_t *words = json_array();
    const json_t *flag;
    json_array_foreach(json_object_get(org, "flags"), i, flag) {
        const char *text = word_of(w, "flagname_", json_string_value(flag));
        if (text && json_array_append_new(words, json_string(text)) != 0)
            oom(w);
    }
    put_list(w, row, col, words, msg(w, "list_separator"), COL_LONG);
    json_decref(words);
}

static int write_organizations(struct xw *w)
{
    static const struct col fixed[] = {
        {"col_organization", 14, COL_TEXT}, {"col_name", 24, COL_TEXT},
        {"col_respondents", 10, COL_COUNT}, {"col_screened", 10, COL_COUNT},
        {"col_points", 10, COL_REAL},       {"col_grade", 10, COL_TEXT},
        {"col_rank", 8, COL_COUNT},
    };
    const size_t nfixed = sizeof fixed / sizeof *fixed;
    size_t ndims = 0, i;
    const json_t *node;
    json_array_foreach(w->nodes, i, node)
        ndims += json_integer_value(json_object_get(node, "level")) == 1;
    size_t ncols = nfixed + ndims + 1;
    struct col *cols = calloc(ncols, sizeof *cols);
    if (!cols) {
        oom(w);
        return w->rc;
    }
    memcpy(cols, fixed, sizeof fixed);
    for (size_t c = nfixed; c < nfixed + ndims; c++)
        cols[c] = (struct col){NULL, 16, COL_REAL};
    cols[ncols - 1] = (struct col){"col_flags", 40, COL_LONG};
    if (add_sheet(w, "sheet_organizations", cols, ncols, 1) != 0)
        goto done;
    /* The dimensions' titles are the standard's, not messages. */
    lxw_col_t col = (lxw_col_t)nfixed;
    json_array_foreach(w->nodes, i, node) {
        if (json_integer_value(json_object_get(node, "level")) != 1 || w->rc)
            continue;
        char *label = node_label(w, node);
        if (!label)
            oom(w);
        else
            check(w, worksheet_write_string(w->ws, 0, col, label, w->head), 0, col);
        col++;
        free(label);
    }
    lxw_row_t row = 1;
    const json_t *org;
    json_array_foreach(json_object_get(w->result, "organizations"), i, org) {
        if (w->rc)
            break;
        organization_row(w, row++, org, nfixed);
    }
    end_table(w, row - 1, ncols);
done:
    free(cols);
    return w->rc;
}

/* ---- Indicators, Evidence --------------------------------------------------------- */

static int write_indicators(struct xw *w)
{
    static const struct col cols[] = {
        {"col_organization", 14, COL_TEXT}, {"col_indicator", 10, COL_TEXT},
        {"col_title", 32, COL_LONG},        {"col_level", 6, COL_COUNT},
        {"col_mean", 10, COL_REAL},         {"col_norm", 12, COL_REAL},
        {"col_points", 10, COL_REAL},       {"col_max_points", 10, COL_REAL},
        {"col_n", 8, COL_COUNT},
    };
    if (add_sheet(w, "sheet_indicators", cols, sizeof cols / sizeof *cols, 1) != 0)
        return w->rc;
    lxw_row_t row = 1;
    size_t i, j;
    const json_t *org, *node;
    json_array_foreach(json_object_get(w->result, "organizations"), i, org) {
        json_array_foreach(w->nodes, j, node) {
            if (w->rc)
                return w->rc;
            const char *id = json_string_value(json_object_get(node, "id"));
            const json_t *v = path2(org, "nodes", id ? id : "");
            put_json(w, row, 0, json_object_get(org, "id"), COL_TEXT);
            put_json(w, row, 1, json_object_get(node, "id"), COL_TEXT);
            put_text(w, row, 2, text_of(json_object_get(node, "title"), w->lang), COL_LONG);
            put_json(w, row, 3, json_object_get(node, "level"), COL_COUNT);
            put_json(w, row, 4, json_object_get(v, "mean"), COL_REAL);
            put_json(w, row, 5, json_object_get(v, "norm"), COL_REAL);
            put_json(w, row, 6, json_object_get(v, "points"), COL_REAL);
            put_json(w, row, 7, json_object_get(node, "max_points"), COL_REAL);
            put_json(w, row, 8, json_object_get(v, "n"), COL_COUNT);
            row++;
        }
    }
    end_table(w, row - 1, sizeof cols / sizeof *cols);
    return w->rc;
}

/* One row per rating of an evidence leaf, third party and self alike. */
static void evidence_rows(struct xw *w, lxw_row_t *row, const json_t *org, const json_t *node)
{
    const char *id = json_string_value(json_object_get(node, "id"));
    const json_t *ratings = json_object_get(path2(org, "nodes", id ? id : ""), "ratings");
    const char *title = text_of(json_object_get(node, "title"), w->lang);
    size_t i;
    const json_t *r;
    json_array_foreach(ratings, i, r) {
        put_json(w, *row, 0, json_object_get(org, "id"), COL_TEXT);
        put_text(w, *row, 1, id, COL_TEXT);
        put_text(w, *row, 2, title, COL_LONG);
        put_json(w, *row, 3, json_object_get(r, "assessor"), COL_TEXT);
        put_text(w, *row, 4, word_of(w, "role_", json_string_value(json_object_get(r, "role"))),
                 COL_TEXT);
        put_json(w, *row, 5, json_object_get(r, "value"), COL_REAL);
        put_json(w, *row, 6, json_object_get(r, "fact"), COL_REAL);
        put_json(w, *row, 7, json_object_get(r, "evidence"), COL_LONG);
        put_json(w, *row, 8, json_object_get(r, "note"), COL_LONG);
        ++*row;
    }
}

static int write_evidence(struct xw *w)
{
    static const struct col cols[] = {
        {"col_organization", 14, COL_TEXT}, {"col_indicator", 10, COL_TEXT},
        {"col_title", 28, COL_LONG},        {"col_assessor", 12, COL_TEXT},
        {"col_role", 14, COL_TEXT},         {"col_rating", 10, COL_REAL},
        {"col_fact", 10, COL_REAL},         {"col_evidence", 44, COL_LONG},
        {"col_note", 30, COL_LONG},
    };
    if (add_sheet(w, "sheet_evidence", cols, sizeof cols / sizeof *cols, 1) != 0)
        return w->rc;
    lxw_row_t row = 1;
    size_t i, j;
    const json_t *org, *node;
    json_array_foreach(json_object_get(w->result, "organizations"), i, org) {
        json_array_foreach(w->nodes, j, node) {
            if (w->rc)
                return w->rc;
            evidence_rows(w, &row, org, node);
        }
    }
    end_table(w, row - 1, sizeof cols / sizeof *cols);
    return w->rc;
}

/* ---- Reliability, Rejected rows --------------------------------------------------- */

/* A leaf's statistics: a survey leaf's alpha and ICC(1)/ICC(2) of aggregation, an evidence
 * leaf's six Shrout & Fleiss ICCs of assessor agreement. */
static void reliability_row(struct xw *w, lxw_row_t row, const json_t *node, const char *id,
                            bool survey)
{
    put_text(w, row, 0, id, COL_TEXT);
    put_text(w, row, 1, text_of(json_object_get(node, "title"), w->lang), COL_LONG);
    put_text(w, row, 2, msg(w, survey ? "source_survey" : "source_evidence"), COL_TEXT);
    if (survey) {
        const json_t *rel = path2(w->result, "reliability", id);
        const json_t *agg = path2(w->result, "aggregation", id);
        put_json(w, row, 3, json_object_get(rel, "alpha"), COL_REAL);
        put_json(w, row, 4, json_object_get(rel, "items"), COL_COUNT);
        put_json(w, row, 5, json_object_get(rel, "n"), COL_COUNT);
        put_json(w, row, 6, json_object_get(agg, "icc1"), COL_REAL);
        put_json(w, row, 7, json_object_get(agg, "icc2"), COL_REAL);
        return;
    }
    static const char *const forms[] = {"ICC1", "ICC2", "ICC3", "ICC1k", "ICC2k", "ICC3k"};
    const json_t *agr = path2(w->result, "agreement", id);
    for (size_t k = 0; k < sizeof forms / sizeof *forms; k++)
        put_json(w, row, (lxw_col_t)(8 + k), json_object_get(agr, forms[k]), COL_REAL);
    put_json(w, row, 14, json_object_get(agr, "organizations"), COL_COUNT);
}

static int write_reliability(struct xw *w)
{
    static const struct col cols[] = {
        {"col_indicator", 10, COL_TEXT}, {"col_title", 28, COL_LONG},
        {"col_source", 10, COL_TEXT},    {"col_alpha", 10, COL_REAL},
        {"col_items", 8, COL_COUNT},     {"col_n", 8, COL_COUNT},
        {"col_icc1", 9, COL_REAL},       {"col_icc2", 9, COL_REAL},
        {"col_icc_1_1", 9, COL_REAL},    {"col_icc_2_1", 9, COL_REAL},
        {"col_icc_3_1", 9, COL_REAL},    {"col_icc_1_k", 9, COL_REAL},
        {"col_icc_2_k", 9, COL_REAL},    {"col_icc_3_k", 9, COL_REAL},
        {"col_organizations_rated", 12, COL_COUNT},
    };
    if (add_sheet(w, "sheet_reliability", cols, sizeof cols / sizeof *cols, 1) != 0)
        return w->rc;
    lxw_row_t row = 1;
    size_t i;
    const json_t *node;
    json_array_foreach(w->nodes, i, node) {
        const char *id = json_string_value(json_object_get(node, "id"));
        const char *source = json_string_value(json_object_get(node, "source"));
        if (!id || !source || w->rc)
            continue;
        if (strcmp(source, "survey") == 0 || strcmp(source, "evidence") == 0)
            reliability_row(w, row++, node, id, strcmp(source, "survey") == 0);
    }
    end_table(w, row - 1, sizeof cols / sizeof *cols);
    return w->rc;
}

static int write_rejects(struct xw *w)
{
    static const struct col cols[] = {
        {"col_file", 32, COL_TEXT},
        {"col_line", 8, COL_COUNT},
        {"col_column", 8, COL_COUNT},
        {"col_reason", 80, COL_LONG},
    };
    if (add_sheet(w, "sheet_rejects", cols, sizeof cols / sizeof *cols, 0) != 0)
        return w->rc;
    lxw_row_t row = 1;
    size_t i;
    const json_t *r;
    json_array_foreach(json_object_get(w->result, "rejects"), i, r) {
        if (w->rc)
            break;
        put_json(w, row, 0, json_object_get(r, "file"), COL_TEXT);
        /* Line and column 0 mean "unknown" (struct lotk_err): an empty cell, not a 0. */
        for (lxw_col_t c = 1; c <= 2; c++) {
            const json_t *v = json_object_get(r, c == 1 ? "line" : "column");
            put_json(w, row, c, json_number_value(v) > 0 ? v : NULL, COL_COUNT);
        }
        put_json(w, row, 3, json_object_get(r, "reason"), COL_LONG);
        row++;
    }
    end_table(w, row - 1, sizeof cols / sizeof *cols);
    return w->rc;
}

/* A city standard's targets (docs/cities.md): a row per group, the units still short with
 * their gaps in one cell. Only for results that have targets, as the last sheet. */
static int write_targets(struct xw *w)
{
    static const struct col cols[] = {
        {"target_group", 12, COL_TEXT},   {"target_units", 8, COL_COUNT},
        {"target_meeting", 8, COL_COUNT}, {"target_share", 10, COL_REAL},
        {"target_target", 10, COL_REAL},  {"target_met_col", 10, COL_TEXT},
        {"target_short_units", 80, COL_LONG},
    };
    const json_t *targets = json_object_get(w->result, "targets");
    if (!json_is_array(targets) ||
        add_sheet(w, "sheet_targets", cols, sizeof cols / sizeof *cols, 1) != 0)
        return w->rc;
    lxw_row_t row = 1;
    size_t i;
    const json_t *g;
    json_array_foreach(targets, i, g) {
        const json_t *met = json_object_get(g, "met");
        put_json(w, row, 0, json_object_get(g, "group"), COL_TEXT);
        put_json(w, row, 1, json_object_get(g, "units"), COL_COUNT);
        put_json(w, row, 2, json_object_get(g, "meeting"), COL_COUNT);
        put_json(w, row, 3, json_object_get(g, "share"), COL_REAL);
        put_json(w, row, 4, json_object_get(g, "target"), COL_REAL);
        put_text(w, row, 5, msg(w, json_is_boolean(met) ? (json_is_true(met) ? "target_met" :
                                                                  "target_missed") :
                                                      "target_none"), COL_TEXT);
        struct lotk_buf shorts = {0};
        size_t k;
        const json_t *u;
        json_array_foreach(json_object_get(g, "short"), k, u) {
            const json_t *gap = json_object_get(u, "gap");
            const char *unit = json_string_value(json_object_get(u, "unit"));
            char num[32] = "-";
            if (json_is_number(gap))
                snprintf(num, sizeof num, "%.2f", json_number_value(gap));
            lotk_buf_printf(&shorts, "%s", k ? msg(w, "list_separator") : "");
            /* A saved result may lack the unit (or hold a non-string): it shows as nothing,
             * its gap still listed, rather than "(null)" or a crash. */
            lotk_buf_printf(&shorts, msg(w, "target_gap"), unit ? unit : "", num);
        }
        put_text(w, row, 6, shorts.data ? shorts.data : "", COL_LONG);
        lotk_buf_free(&shorts);
        row++;
    }
    end_table(w, row - 1, sizeof cols / sizeof *cols);
    return w->rc;
}

static int write_sheets(struct xw *w)
{
    int (*const sheets[])(struct xw *) = {write_summary,  write_organizations,
                                          write_indicators, write_evidence,
                                          write_reliability, write_rejects, write_targets};
    for (size_t i = 0; i < sizeof sheets / sizeof *sheets && !w->rc; i++)
        sheets[i](w);
    return w->rc;
}

/* Creates the workbook and its formats; fixed properties keep its bytes the same. */
static int begin(struct xw *w, const char *tmp)
{
    lxw_workbook_options opt = {.constant_memory = LXW_FALSE, .tmpdir = NULL,
                                .use_zip64 = LXW_FALSE};
    w->wb = workbook_new_opt(tmp, &opt);
    if (!w->wb)
        return w->rc = lotk_err_set(w->err, LOTK_EIO, NULL, 0, 0,
                                    "cannot write %s: cannot create a workbook", w->path);
    static const char *const numfmt[] = {NULL, NULL, "0.00", "0"};
    for (size_t k = 0; k < sizeof w->fmt / sizeof *w->fmt; k++) {
        if (!(w->fmt[k] = workbook_add_format(w->wb)))
            goto nomem;
        format_set_align(w->fmt[k], LXW_ALIGN_VERTICAL_TOP);
        if (numfmt[k])
            format_set_num_format(w->fmt[k], numfmt[k]);
    }
    format_set_text_wrap(w->fmt[COL_LONG]);
    if (!(w->head = workbook_add_format(w->wb)))
        goto nomem;
    format_set_bold(w->head);
    format_set_text_wrap(w->head);
    format_set_align(w->head, LXW_ALIGN_VERTICAL_TOP);
    format_set_bg_color(w->head, 0xDDEBF7);
    format_set_bottom(w->head, LXW_BORDER_THIN);
    /* Not const in libxlsxwriter's API, which copies the strings. */
    lxw_doc_properties props = {
        .title = (char *)text_of(json_object_get(w->standard, "title"), w->lang),
        .subject = (char *)msg(w, "xlsx_subject"),
        .created = XLSX_CREATED,
    };
    lxw_error e = workbook_set_properties(w->wb, &props);
    if (e != LXW_NO_ERROR)
        return w->rc = lotk_err_set(w->err, LOTK_EIO, NULL, 0, 0, "cannot write %s: %s",
                                    w->path, lxw_strerror(e));
    return 0;
nomem:
    oom(w);
    return w->rc;
}

/* A new empty file for a temporary copy: beside path (so the rename stays on one file
 * system), or in TMPDIR when path is not a regular file. The caller frees the name. */
static char *temp_file(const struct target *t, struct lotk_err *err)
{
    const char *dir = getenv("TMPDIR");
    const char *fmt = t->in_place ? "%s/lotk-xlsx.XXXXXX" : "%s.tmpXXXXXX";
    const char *base = t->in_place ? (dir && *dir ? dir : "/tmp") : t->path;
    size_t n = strlen(base) + 32;
    char *name = malloc(n);
    if (!name) {
        lotk_err_set(err, LOTK_EIO, NULL, 0, 0, "cannot write %s: out of memory", t->path);
        return NULL;
    }
    snprintf(name, n, fmt, base);
    int fd = mkstemp(name);
    if (fd < 0) {
        lotk_err_set(err, LOTK_EIO, NULL, 0, 0,
                     "cannot create a temporary file beside %s: %s", t->path, strerror(errno));
        free(name);
        return NULL;
    }
    /* Results files are meant to be shared: the usual permissions, not mkstemp's 0600. */
    mode_t mask = umask(0);
    umask(mask);
    fchmod(fd, 0666 & ~mask);
    close(fd);
    lotk_file_track_temp(name); /* removed on a signal or when memory runs out */
    return name;
}

/* Copies the finished workbook into a path that is not a regular file. */
static int copy_into(const char *from, const char *path, struct lotk_err *err)
{
    int rc = 0;
    char buf[65536];
    FILE *in = fopen(from, "rb");
    FILE *out = in ? fopen(path, "wb") : NULL;
    if (!out) {
        rc = lotk_err_set(err, LOTK_EIO, NULL, 0, 0, "cannot write %s: %s", path,
                          strerror(errno));
        goto done;
    }
    size_t n;
    while ((n = fread(buf, 1, sizeof buf, in)) > 0) {
        if (fwrite(buf, 1, n, out) != n)
            break;
    }
    bool failed = ferror(in) || ferror(out);
    failed |= fclose(out) != 0; /* closed whatever happened, and its error counts too */
    out = NULL;
    if (failed)
        rc = lotk_err_set(err, LOTK_EIO, NULL, 0, 0, "cannot write %s: %s", path,
                          strerror(errno));
done:
    if (out)
        fclose(out);
    if (in)
        fclose(in);
    return rc;
}

/* Puts the finished workbook (t->fixed) at path: renamed over it, or copied into it. */
static int commit(struct target *t, struct lotk_err *err)
{
    if (t->in_place)
        return copy_into(t->fixed, t->path, err);
    if (rename(t->fixed, t->path) != 0)
        return lotk_err_set(err, LOTK_EIO, NULL, 0, 0, "cannot write %s: %s", t->path,
                            strerror(errno));
    /* Renamed: the temporary name is gone and must not be unlinked (someone may reuse it). */
    lotk_file_untrack_temp(t->fixed);
    free(t->fixed);
    t->fixed = NULL;
    return 0;
}

static void target_clean(struct target *t)
{
    char **names[] = {&t->tmp, &t->fixed};
    for (size_t i = 0; i < sizeof names / sizeof *names; i++) {
        if (*names[i]) {
            lotk_file_untrack_temp(*names[i]);
            unlink(*names[i]);
        }
        free(*names[i]);
        *names[i] = NULL;
    }
}

/* lang NULL: the standard's first title language (issue 11's --lang default), zh when the
 * table does not list its languages. */
static const char *default_lang(const json_t *standard)
{
    const char *first = json_string_value(json_array_get(json_object_get(standard,
                                                                         "languages"), 0));
    return first ? first : "zh";
}

/* In the child process (base/isolate.h): the workbook written to t->tmp, then its exact
 * copy (or the workbook itself) moved to t->fixed, the file the parent puts in place. */
static int build_workbook(void *ctx, struct lotk_err *err)
{
    struct xw *w = ctx;
    const struct target *t = w->target;
    w->err = err;
    /* libxlsxwriter prints numbers with printf: the "C" numeric locale, whatever the
     * program set, so that 0.5 is never written "0,5". */
    locale_t c_numeric = newlocale(LC_NUMERIC_MASK, "C", (locale_t)0);
    if (!c_numeric)
        return lotk_err_set(err, LOTK_EIO, NULL, 0, 0, "cannot write %s: %s", w->path,
                            strerror(errno));
    uselocale(c_numeric);
    int rc = begin(w, t->tmp);
    if (rc == 0)
        rc = write_sheets(w);
    lxw_error e = rc == 0 ? workbook_close(w->wb) : LXW_NO_ERROR;
    if (rc != 0 && w->wb)
        lxw_workbook_free(w->wb); /* workbook_close frees it, but is not called on failure */
    w->wb = NULL;
    if (rc == 0 && e != LXW_NO_ERROR)
        rc = lotk_err_set(err, LOTK_EIO, NULL, 0, 0, "cannot write %s: %s", w->path,
                          lxw_strerror(e));
    if (rc == 0 && w->num.count > 0) {
        struct lotk_err inner;
        lotk_err_clear(&inner);
        if (lotk_xlsxnum_apply(&w->num, t->tmp, t->fixed, &inner) != 0)
            rc = lotk_err_set(err, LOTK_EIO, NULL, 0, 0, "cannot write %s: %s", w->path,
                              inner.msg);
    } else if (rc == 0 && rename(t->tmp, t->fixed) != 0) {
        rc = lotk_err_set(err, LOTK_EIO, NULL, 0, 0, "cannot write %s: %s", w->path,
                          strerror(errno));
    }
    lotk_xlsxnum_free(&w->num);
    return rc;
}

int lotk_xlsx_write(const json_t *result, const char *lang, const char *path,
                    struct lotk_err *err)
{
    struct target t = {.path = path};
    struct xw w = {.result = result, .path = path, .target = &t};
    int rc = 0;
    if (!json_is_object(result) || !path)
        return lotk_err_set(err, LOTK_EUSAGE, NULL, 0, 0,
                            "cannot write %s: not a lotk result table", path ? path : "xlsx");
    w.standard = json_object_get(result, "standard");
    w.nodes = json_object_get(w.standard, "nodes");
    w.lang = lang ? lang : default_lang(w.standard);
    struct stat st;
    t.in_place = stat(path, &st) == 0 && !S_ISREG(st.st_mode);
    if (!(t.tmp = temp_file(&t, err)) || !(t.fixed = temp_file(&t, err))) {
        rc = LOTK_EIO;
        goto done;
    }
    char what[600];
    snprintf(what, sizeof what, "cannot write %s", path);
    if ((rc = lotk_isolate_run(build_workbook, &w, what, err)) == 0)
        rc = commit(&t, err);
done:
    target_clean(&t);
    return rc;
}
