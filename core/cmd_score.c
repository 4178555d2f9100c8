/* cmd_score.c — `lotk score`: standard + survey files → scored organizations. */
#include <stdlib.h>
#include <string.h>

#include "commands.h"
#include "plugin.h"
#include "report.h"
#include "rules.h"
#include "score.h"
#include "standard.h"
#include "survey.h"
#include "util.h"

enum { REJECTS_SHOWN = 10 };

static const struct lotk_opt score_opts[] = {
    {"format", 'f', "FORMAT", "table (default), json or csv"},
    {"output", 'o', "FILE", "write the result to FILE (atomically) instead of stdout"},
    {"respondents", 0, NULL, "json: add each respondent's node values"},
    {"bom", 0, NULL, "csv: start with a UTF-8 byte-order mark so Excel shows Chinese text"},
    {"rejects", 0, "FILE", "write every rejected row, with its line and reason, to FILE"},
    {"strict", 0, NULL, "fail (exit 1, no output) when any row is rejected"},
    {"plugin-memory", 0, "MIB", "memory cap of the Lua plugins, in MiB (default 64)"},
    {"quiet", 'q', NULL, "print only errors on stderr"},
    {0},
};

/* What the reader's reject callback needs: where to count, print and collect. */
struct reject_log {
    bool quiet;
    long shown;
    struct lotk_buf csv; /* the --rejects file, when asked for */
    bool keep;
};

static void on_reject(void *ctx, const struct lotk_reject *rj)
{
    struct reject_log *log = ctx;
    if (!log->quiet && log->shown++ < REJECTS_SHOWN)
        lotk_diag(stderr, "warning", rj->file, rj->line, rj->column, "row rejected: %s",
                  rj->reason);
    if (!log->keep)
        return;
    char num[32];
    lotk_csv_field(&log->csv, rj->file);
    snprintf(num, sizeof num, ",%ld,%ld,", rj->line, rj->column);
    lotk_buf_puts(&log->csv, num);
    lotk_csv_field(&log->csv, rj->reason);
    for (size_t i = 0; i < rj->nfields; i++) {
        lotk_buf_putc(&log->csv, ',');
        lotk_csv_field(&log->csv, rj->fields[i]);
    }
    lotk_buf_puts(&log->csv, "\n");
}

static int write_output(const char *path, const struct lotk_buf *b, struct lotk_err *err)
{
    char msg[600];
    if (lotk_write_file_atomic(path ? path : "-", b->data ? b->data : "", b->len, msg,
                               sizeof msg) != 0)
        return lotk_err_set(err, LOTK_EIO, NULL, 0, 0, "%s", msg);
    return 0;
}

static void flush_to_output(void *ctx, struct lotk_buf *text)
{
    lotk_output_write(ctx, text->data, text->len);
    lotk_buf_reset(text);
}

static int run_score(const struct lotk_cmd *cmd, const struct lotk_args *args)
{
    struct lotk_err err;
    struct lotk_diags diags = {0};
    struct lotk_standard *s = NULL;
    struct lotk_scorer *scorer = NULL;
    struct lotk_survey *survey = NULL;
    struct lotk_result *result = NULL;
    struct lotk_plugins *plugins = NULL;
    struct lotk_buf out = {0};
    struct reject_log log = {0};
    char *path = NULL;
    int rc = 0;

    lotk_err_clear(&err);
    const char *format = lotk_cli_get(cmd, args, "format");
    if (!format)
        format = "table";
    if (strcmp(format, "table") && strcmp(format, "json") && strcmp(format, "csv")) {
        rc = lotk_err_set(&err, LOTK_EUSAGE, NULL, 0, 0,
                          "score: unknown format '%s'; expected table, json or csv", format);
        goto done;
    }
    log.quiet = lotk_cli_flag(cmd, args, "quiet");
    const char *rejects_path = lotk_cli_get(cmd, args, "rejects");
    log.keep = rejects_path != NULL;
    if (log.keep)
        lotk_buf_puts(&log.csv, "file,line,column,reason,fields\n");

    if (!(path = lotk_standard_resolve(args->pos[0], &err))) {
        rc = err.code;
        goto done;
    }
    rc = lotk_standard_load(path, &s, &diags);
    if (!log.quiet || rc)
        lotk_diags_print(&diags, stderr);
    if (rc) {
        rc = rc == LOTK_EIO ? LOTK_EIO : LOTK_ESTANDARD;
        goto done_printed;
    }

    struct lotk_lhost_limits limits = {0};
    const char *memory = lotk_cli_get(cmd, args, "plugin-memory");
    if (memory) {
        char *end;
        long mib = strtol(memory, &end, 10);
        if (*end || mib < 1 || mib > 65536) {
            rc = lotk_err_set(&err, LOTK_EUSAGE, NULL, 0, 0,
                              "score: --plugin-memory takes a whole number of MiB, 1 to 65536");
            goto done;
        }
        limits.memory = (size_t)mib << 20;
    }
    if (!(plugins = lotk_plugins_new(&limits, s, &err))) {
        rc = err.code;
        goto done;
    }
    if (lotk_plugins_resolve_standard(plugins, &diags) != 0) {
        lotk_diags_print(&diags, stderr);
        rc = LOTK_ESTANDARD;
        goto done_printed;
    }
    scorer = lotk_scorer_new(s, plugins, lotk_cli_flag(cmd, args, "respondents"));
    struct lotk_survey_sink sink = {lotk_scorer_add, scorer, on_reject, &log, log.keep};
    survey = lotk_survey_new(s, &sink);
    for (size_t i = 1; i < args->npos; i++)
        if ((rc = lotk_survey_read(survey, args->pos[i], &err)) != 0)
            goto done;
    struct lotk_survey_counts counts = lotk_survey_counts(survey);
    if (!log.quiet) {
        if (log.shown > REJECTS_SHOWN)
            lotk_diag(stderr, "warning", NULL, 0, 0, "%ld more rejected rows not shown%s",
                      log.shown - REJECTS_SHOWN,
                      log.keep ? "" : "; --rejects FILE lists every one");
        fprintf(stderr, "lotk: %ld rows read: %ld scored, %ld rejected\n", counts.rows,
                counts.scored, counts.rejected);
    }
    if (counts.rejected > 0 && lotk_cli_flag(cmd, args, "strict")) {
        rc = lotk_err_set(&err, LOTK_EREJECT, NULL, 0, 0,
                          "%ld of %ld rows rejected under --strict; no result written",
                          counts.rejected, counts.rows);
        goto done;
    }
    if ((rc = lotk_scorer_finish(scorer, counts, &result, &err)) != 0 ||
        (rc = lotk_rules_apply(result, plugins, &err)) != 0)
        goto done;
    /* Only now, with everything scored, does anything reach a file. */
    if (log.keep && (rc = write_output(rejects_path, &log.csv, &err)) != 0)
        goto done;
    const char *output = lotk_cli_get(cmd, args, "output");
    struct lotk_output dest;
    char msg[600];
    if (lotk_output_open(&dest, output ? output : "-", msg, sizeof msg) != 0) {
        rc = lotk_err_set(&err, LOTK_EIO, NULL, 0, 0, "%s", msg);
        goto done;
    }
    struct lotk_report_opts opts = {.respondents = lotk_cli_flag(cmd, args, "respondents"),
                                    .bom = lotk_cli_flag(cmd, args, "bom"),
                                    .flush = flush_to_output,
                                    .flush_ctx = &dest};
    if (strcmp(format, "json") == 0)
        lotk_report_json(result, &opts, &out);
    else if (strcmp(format, "csv") == 0)
        lotk_report_csv(result, &opts, &out);
    else
        lotk_report_table(result, &opts, &out);
    flush_to_output(&dest, &out);
    if (lotk_output_commit(&dest, msg, sizeof msg) != 0)
        rc = lotk_err_set(&err, LOTK_EIO, NULL, 0, 0, "%s", msg);
done:
    if (rc)
        lotk_err_print(&err, stderr);
done_printed:
    lotk_result_free(result);
    lotk_survey_free(survey);
    lotk_scorer_free(scorer);
    lotk_plugins_free(plugins);
    lotk_standard_free(s);
    lotk_diags_free(&diags);
    lotk_buf_free(&out);
    lotk_buf_free(&log.csv);
    free(path);
    return rc;
}

const struct lotk_cmd lotk_cmd_score = {
    .name = "score",
    .usage = "STANDARD RESPONSES.csv... [options]",
    .summary = "score survey responses against a standard",
    .details =
        "STANDARD is a file or the id of a standard on the search path. RESPONSES are CSV\n"
        "files with a header row (UTF-8, with or without BOM; '-' reads standard input).\n"
        "Rows that cannot be scored are rejected with their line and reason; the count of\n"
        "rows read, scored and rejected goes to stderr and into the JSON input block.\n",
    .opts = score_opts,
    .min_pos = 2,
    .max_pos = LOTK_CLI_MAX_POS,
    .run = run_score,
};
