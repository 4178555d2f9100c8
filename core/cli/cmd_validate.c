/* cmd_validate.c — `lotk validate`: check survey files against a standard without
 * scoring: which column feeds which item, what is left unmapped, how each item was
 * answered, and which rows are rejected and why. */
#include <jansson.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "cli/commands.h"
#include "base/jsonw.h"
#include "input/rejects.h"
#include "score/score.h"
#include "score/stats.h"
#include "standard/standard.h"
#include "input/survey.h"
#include "base/mem.h"
#include "base/buf.h"
#include "base/num.h"
#include "base/file.h"

static const struct lotk_opt validate_opts[VALIDATE_NOPTS] = {
    [VALIDATE_FORMAT] = {"format", 'f', "FORMAT", "table (default) or json"},
    [VALIDATE_OUTPUT] = {"output", 'o', "FILE",
                         "write the report to FILE (atomically) instead of stdout"},
    [VALIDATE_DELIMITER] = {"delimiter", 'd', "SEP",
                            "comma, tab or semicolon (default: detected from each header)"},
    [VALIDATE_ENCODING] = {"encoding", 0, "ENC",
                           "auto (default: UTF-8 or GB18030, detected), utf-8 or gb18030"},
};

/* Answers seen for one item: each distinct value with its count, kept sorted. */
struct tally {
    struct value_count {
        double value;
        long count;
    } *values;
    size_t n, cap;
    long missing;
};

/* One file's mapping, copied out of the reader's header. */
struct file_map {
    char *file;
    char delimiter;
    size_t columns;
    char **names;
    int *items;
    int org_column, id_column;
    int duration_column;
    int *attention; /* per attention check */
    size_t nattention;
};

struct validation {
    const struct lotk_standard *s;
    struct lotk_scorer *scorer; /* for the statistics behind the keying lint */
    struct tally *tallies; /* per item */
    struct file_map *files;
    size_t nfiles;
};

static void on_header(void *ctx, const struct lotk_survey_header *h)
{
    struct validation *v = ctx;
    v->files = lotk_xrealloc(v->files, (v->nfiles + 1) * sizeof *v->files);
    struct file_map *f = &v->files[v->nfiles++];
    f->file = lotk_xstrdup(lotk_survey_header_file(h));
    f->delimiter = lotk_survey_header_delimiter(h);
    f->columns = lotk_survey_header_columns(h);
    f->names = lotk_xcalloc(f->columns ? f->columns : 1, sizeof *f->names);
    f->items = lotk_xcalloc(f->columns ? f->columns : 1, sizeof *f->items);
    for (size_t c = 0; c < f->columns; c++) {
        f->names[c] = lotk_xstrdup(lotk_survey_header_name(h, c));
        f->items[c] = lotk_survey_header_item(h, c);
    }
    f->org_column = lotk_survey_header_org_column(h);
    f->id_column = lotk_survey_header_id_column(h);
    f->duration_column = lotk_survey_header_duration_column(h);
    f->nattention = v->s->screening.nattention;
    f->attention = lotk_xcalloc(f->nattention ? f->nattention : 1, sizeof *f->attention);
    for (size_t k = 0; k < f->nattention; k++)
        f->attention[k] = lotk_survey_header_attention_column(h, k);
}

static void count_answer(struct tally *t, double x)
{
    if (x != x) {
        t->missing++;
        return;
    }
    size_t lo = 0, hi = t->n;
    while (lo < hi) {
        size_t mid = (lo + hi) / 2;
        if (t->values[mid].value < x)
            lo = mid + 1;
        else
            hi = mid;
    }
    if (lo < t->n && t->values[lo].value == x) {
        t->values[lo].count++;
        return;
    }
    lotk_grow(&t->values, &t->cap, t->n + 1, sizeof *t->values);
    memmove(&t->values[lo + 1], &t->values[lo], (t->n - lo) * sizeof *t->values);
    t->values[lo] = (struct value_count){x, 1};
    t->n++;
}

static int on_row(void *ctx, const struct lotk_row *row, struct lotk_err *err)
{
    struct validation *v = ctx;
    for (size_t i = 0; i < v->s->nitems; i++)
        count_answer(&v->tallies[i], row->answers[i]);
    return lotk_scorer_add(v->scorer, row, err);
}

/* Calls fn for every item whose corrected item-total correlation is negative: an item that
 * goes against the others of its indicator is most often one whose reverse: is missing or
 * wrong. */
static void each_keying_suspect(const struct validation *v,
                                void (*fn)(void *ctx, const struct lotk_item *it,
                                           const struct lotk_node *leaf, double r),
                                void *ctx)
{
    const struct lotk_standard *s = v->s;
    for (size_t i = 0; i < s->nnodes; i++) {
        if (s->nodes[i].nitems == 0)
            continue;
        struct lotk_reliability rel;
        if (lotk_stats_reliability(lotk_scorer_stats(v->scorer), (int)i, &rel) != 0)
            continue;
        for (size_t k = 0; rel.item_total && k < s->nodes[i].nitems; k++)
            if (rel.item_total[k] < 0)
                fn(ctx, &s->items[s->nodes[i].items[k]], &s->nodes[i], rel.item_total[k]);
        lotk_reliability_clear(&rel);
    }
}

static void keying_line(void *ctx, const struct lotk_item *it, const struct lotk_node *leaf,
                        double r)
{
    lotk_buf_printf(ctx, "  %s of %s: corrected item-total r = %.2f — likely keying error "
                    "(reverse: missing or wrong?)\n", it->id, leaf->id, r);
}

static void keying_json(void *ctx, const struct lotk_item *it, const struct lotk_node *leaf,
                        double r)
{
    json_t *j = json_object();
    json_object_set_new(j, "item", json_string(it->id));
    json_object_set_new(j, "indicator", json_string(leaf->id));
    json_object_set_new(j, "item_total", json_real(r));
    json_array_append_new(ctx, j);
}

static const char *delimiter_name(char d)
{
    return d == '\t' ? "tab" : d == ';' ? "semicolon" : "comma";
}

static const char *column_role(const struct file_map *f, size_t c)
{
    if ((int)c == f->org_column)
        return "organization";
    if ((int)c == f->id_column)
        return "respondent_id";
    if ((int)c == f->duration_column)
        return "duration";
    for (size_t k = 0; k < f->nattention; k++)
        if ((int)c == f->attention[k])
            return "attention_check";
    return f->items[c] >= 0 ? "item" : "unmapped";
}

static void write_table(const struct validation *v, const struct lotk_rejects *rejects,
                        struct lotk_survey_counts counts, struct lotk_buf *out)
{
    const struct lotk_standard *s = v->s;
    char num[32];
    for (size_t k = 0; k < v->nfiles; k++) {
        const struct file_map *f = &v->files[k];
        lotk_buf_printf(out, "%s: %zu columns, %s-separated\n", f->file, f->columns,
                        delimiter_name(f->delimiter));
        size_t unmapped = 0;
        for (size_t c = 0; c < f->columns; c++) {
            const char *role = column_role(f, c);
            if (strcmp(role, "unmapped") == 0) {
                unmapped++;
                continue;
            }
            lotk_buf_printf(out, "  %4zu  %-14s", c + 1,
                            f->items[c] >= 0 ? s->items[f->items[c]].id : role);
            if (f->items[c] >= 0)
                lotk_buf_printf(out, " %-8s", s->nodes[s->items[f->items[c]].leaf].id);
            lotk_buf_printf(out, "  %s\n", f->names[c]);
        }
        if (unmapped) {
            lotk_buf_printf(out, "  not used (%zu):", unmapped);
            for (size_t c = 0; c < f->columns; c++)
                if (strcmp(column_role(f, c), "unmapped") == 0)
                    lotk_buf_printf(out, " %zu '%s'", c + 1, f->names[c]);
            lotk_buf_putc(out, '\n');
        }
    }
    lotk_buf_printf(out, "\nrows %ld: %ld valid, %ld rejected, %ld screened out\n", counts.rows,
                    counts.scored, counts.rejected, counts.screened);
    lotk_buf_puts(out, "\nanswers (value: count):\n");
    for (size_t i = 0; i < s->nitems; i++) {
        const struct tally *t = &v->tallies[i];
        lotk_buf_printf(out, "  %-8s %-8s missing %ld", s->items[i].id,
                        s->nodes[s->items[i].leaf].id, t->missing);
        for (size_t k = 0; k < t->n; k++) {
            lotk_fmt_double(num, t->values[k].value);
            lotk_buf_printf(out, "  %s: %ld", num, t->values[k].count);
        }
        lotk_buf_putc(out, '\n');
    }
    size_t before = out->len;
    lotk_buf_puts(out, "\nlikely keying errors:\n");
    size_t header = out->len;
    each_keying_suspect(v, keying_line, out);
    if (out->len == header) { /* none: no section */
        out->len = before;
        out->data[before] = '\0';
    }
    if (rejects->count) {
        lotk_buf_puts(out, "\nrejected and screened-out rows:\n");
        for (size_t i = 0; i < rejects->count; i++) {
            const struct lotk_reject_entry *e = &rejects->entries[i];
            lotk_buf_printf(out, "  %s:%ld", e->file, e->line);
            if (e->column)
                lotk_buf_printf(out, ":%ld", e->column);
            lotk_buf_printf(out, ": %s%s\n", e->screened ? "screened out: " : "", e->reason);
        }
    }
}

static void write_json(const struct validation *v, const struct lotk_rejects *rejects,
                       struct lotk_survey_counts counts, struct lotk_buf *out)
{
    const struct lotk_standard *s = v->s;
    json_t *root = json_object();
    json_t *std = json_object();
    json_object_set_new(std, "id", json_string(s->id));
    json_object_set_new(std, "version", json_string(s->version));
    json_object_set_new(std, "sha256", json_string(s->sha256));
    json_object_set_new(root, "standard", std);
    json_t *files = json_array();
    for (size_t k = 0; k < v->nfiles; k++) {
        const struct file_map *f = &v->files[k];
        json_t *jf = json_object(), *cols = json_array();
        json_object_set_new(jf, "file", json_string(f->file));
        json_object_set_new(jf, "delimiter", json_string(delimiter_name(f->delimiter)));
        for (size_t c = 0; c < f->columns; c++) {
            json_t *jc = json_object();
            json_object_set_new(jc, "column", json_integer((json_int_t)c + 1));
            json_object_set_new(jc, "header", json_string(f->names[c]));
            json_object_set_new(jc, "role", json_string(column_role(f, c)));
            if (f->items[c] >= 0) {
                json_object_set_new(jc, "item", json_string(s->items[f->items[c]].id));
                json_object_set_new(jc, "indicator",
                                    json_string(s->nodes[s->items[f->items[c]].leaf].id));
            }
            json_array_append_new(cols, jc);
        }
        json_object_set_new(jf, "columns", cols);
        json_array_append_new(files, jf);
    }
    json_object_set_new(root, "files", files);
    json_t *input = json_object();
    json_object_set_new(input, "rows", json_integer(counts.rows));
    json_object_set_new(input, "valid", json_integer(counts.scored));
    json_object_set_new(input, "rejected", json_integer(counts.rejected));
    json_object_set_new(input, "screened", json_integer(counts.screened));
    json_object_set_new(root, "input", input);
    json_t *items = json_object();
    char num[32];
    for (size_t i = 0; i < s->nitems; i++) {
        const struct tally *t = &v->tallies[i];
        json_t *ji = json_object(), *dist = json_object();
        long answered = 0;
        for (size_t k = 0; k < t->n; k++) {
            lotk_fmt_double(num, t->values[k].value);
            json_object_set_new(dist, num, json_integer(t->values[k].count));
            answered += t->values[k].count;
        }
        json_object_set_new(ji, "indicator", json_string(s->nodes[s->items[i].leaf].id));
        json_object_set_new(ji, "answered", json_integer(answered));
        json_object_set_new(ji, "missing", json_integer(t->missing));
        json_object_set_new(ji, "distribution", dist);
        json_object_set_new(items, s->items[i].id, ji);
    }
    json_object_set_new(root, "items", items);
    json_t *keying = json_array();
    each_keying_suspect(v, keying_json, keying);
    json_object_set_new(root, "likely_keying_errors", keying);
    json_t *rj = json_array();
    for (size_t i = 0; i < rejects->count; i++) {
        const struct lotk_reject_entry *e = &rejects->entries[i];
        json_t *j = json_object();
        json_object_set_new(j, "file", json_string(e->file));
        json_object_set_new(j, "line", json_integer(e->line));
        json_object_set_new(j, "column", json_integer(e->column));
        json_object_set_new(j, "outcome", json_string(e->screened ? "screened" : "rejected"));
        json_object_set_new(j, "reason", json_string(e->reason));
        json_array_append_new(rj, j);
    }
    json_object_set_new(root, "rejects", rj);
    lotk_jsonw_write(out, root, 0);
    lotk_buf_putc(out, '\n');
    json_decref(root);
}

static int run_validate(const struct lotk_cmd *cmd, const struct lotk_args *args)
{
    struct lotk_err err;
    struct lotk_diags diags = {0};
    struct lotk_standard *s = NULL;
    struct lotk_survey *survey = NULL;
    struct lotk_rejects rejects = {0};
    struct validation v = {0};
    struct lotk_buf out = {0};
    char *path = NULL;
    int rc = 0;

    lotk_err_clear(&err);
    const char *format = lotk_cli_value(args, VALIDATE_FORMAT);
    if (!format)
        format = "table";
    if (strcmp(format, "table") && strcmp(format, "json")) {
        rc = lotk_err_set(&err, LOTK_EUSAGE, NULL, 0, 0,
                          "validate: unknown format '%s'; expected table or json", format);
        goto done;
    }
    if (!(path = lotk_standard_resolve(args->pos[0], &err))) {
        rc = err.code;
        goto done;
    }
    rc = lotk_standard_load(path, &s, &diags);
    lotk_diags_print(&diags, stderr);
    if (rc) {
        rc = rc == LOTK_EIO ? LOTK_EIO : LOTK_ESTANDARD;
        goto done_printed;
    }
    v.s = s;
    v.tallies = lotk_xcalloc(s->nitems ? s->nitems : 1, sizeof *v.tallies);
    /* Keyed as the standard says, with the built-in leaf values: a respondent plugin, if
     * any, is not what the lint is about. */
    v.scorer = lotk_scorer_new(s, NULL, false);
    struct lotk_survey_sink sink = {on_row, &v, lotk_rejects_add, &rejects, false};
    survey = lotk_survey_new(s, &sink);
    lotk_survey_on_header(survey, on_header, &v);
    struct lotk_survey_options opts = {0};
    if ((rc = lotk_survey_options_parse("validate", lotk_cli_value(args, VALIDATE_DELIMITER),
                                        lotk_cli_value(args, VALIDATE_ENCODING), &opts, &err)) != 0)
        goto done;
    lotk_survey_set_options(survey, &opts);
    for (size_t i = 1; i < args->npos; i++)
        if ((rc = lotk_survey_read(survey, args->pos[i], &err)) != 0)
            goto done;
    struct lotk_survey_counts counts = lotk_survey_counts(survey);
    if (strcmp(format, "json") == 0)
        write_json(&v, &rejects, counts, &out);
    else
        write_table(&v, &rejects, counts, &out);
    const char *output = lotk_cli_value(args, VALIDATE_OUTPUT);
    const char *inputs[] = {path};
    if ((rc = lotk_cli_check_output("-o", output, inputs, 1, "the standard", &err)) != 0 ||
        (rc = lotk_cli_check_output("-o", output, args->pos + 1, args->npos - 1, "the survey",
                                    &err)) != 0)
        goto done;
    rc = lotk_file_write_atomic(output ? output : "-", out.data, out.len, &err);
done:
    if (rc)
        lotk_err_print(&err, stderr);
done_printed:
    for (size_t i = 0; s && v.tallies && i < s->nitems; i++)
        free(v.tallies[i].values);
    free(v.tallies);
    for (size_t k = 0; k < v.nfiles; k++) {
        for (size_t c = 0; c < v.files[k].columns; c++)
            free(v.files[k].names[c]);
        free(v.files[k].names);
        free(v.files[k].items);
        free(v.files[k].attention);
        free(v.files[k].file);
    }
    free(v.files);
    lotk_survey_free(survey);
    lotk_scorer_free(v.scorer);
    lotk_standard_free(s);
    lotk_diags_free(&diags);
    lotk_rejects_clear(&rejects);
    lotk_buf_free(&out);
    free(path);
    return rc;
}

const struct lotk_cmd lotk_cmd_validate = {
    .name = "validate",
    .usage = "STANDARD RESPONSES.csv... [options]",
    .summary = "check survey files against a standard without scoring",
    .details = "Shows which column feeds which item, the columns left unused, the answers\n"
               "given to each item, items that look reverse-keyed the wrong way (a negative\n"
               "corrected item-total correlation), and every rejected or screened-out row\n"
               "with its reason. Exits 0 even when rows are rejected: the report is the point.\n",
    LOTK_CLI_OPTIONS(validate_opts),
    .min_pos = 2,
    .max_pos = LOTK_CLI_MAX_POS,
    .run = run_validate,
};
