/* cmd_score.c — `lotk score`: standard + survey files → scored organizations. */
#include <stdlib.h>
#include <string.h>

#include "batch.h"
#include "commands.h"
#include "plugin.h"
#include "progress.h"
#include "rejects.h"
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
    {"delimiter", 'd', "SEP", "comma, tab or semicolon (default: detected from each header)"},
    {"jobs", 'j', "N", "threads reading each large file (default: the number of cores)"},
    {"plugin-memory", 0, "MIB", "memory cap of the Lua plugins, in MiB (default 64)"},
    {"quiet", 'q', NULL, "print only errors on stderr (and no progress line)"},
    {0},
};

static int write_output(const char *path, const struct lotk_buf *b, struct lotk_err *err)
{
    char msg[600];
    if (lotk_write_file_atomic(path ? path : "-", b->data ? b->data : "", b->len, msg,
                               sizeof msg) != 0)
        return lotk_err_set(err, LOTK_EIO, NULL, 0, 0, "%s", msg);
    return 0;
}

/* Parses a whole number option in [lo, hi]; *out keeps its value when absent. */
static int number_option(const struct lotk_cmd *cmd, const struct lotk_args *args,
                         const char *name, long lo, long hi, long *out, struct lotk_err *err)
{
    const char *text = lotk_cli_get(cmd, args, name);
    if (!text)
        return 0;
    char *end;
    long v = strtol(text, &end, 10);
    if (*end || end == text || v < lo || v > hi)
        return lotk_err_set(err, LOTK_EUSAGE, NULL, 0, 0,
                            "score: --%s takes a whole number from %ld to %ld, not '%s'", name,
                            lo, hi, text);
    *out = v;
    return 0;
}

static int delimiter_option(const char *text, char *out, struct lotk_err *err)
{
    static const struct {
        const char *name;
        char c;
    } names[] = {{"auto", 0}, {"comma", ','}, {",", ','}, {"tab", '\t'}, {"\\t", '\t'},
                 {"semicolon", ';'}, {";", ';'}};
    if (!text)
        return 0;
    for (size_t i = 0; i < sizeof names / sizeof *names; i++)
        if (strcmp(text, names[i].name) == 0) {
            *out = names[i].c;
            return 0;
        }
    return lotk_err_set(err, LOTK_EUSAGE, NULL, 0, 0,
                        "score: --delimiter takes comma, tab, semicolon or auto, not '%s'", text);
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
    struct lotk_rejects rejects = {0};
    struct lotk_progress progress;
    char *path = NULL;
    int rc = 0;

    lotk_err_clear(&err);
    const char *format = lotk_cli_get(cmd, args, "format");
    if (!format)
        format = "table";
    if (!lotk_report_format_known(format)) {
        rc = lotk_err_set(&err, LOTK_EUSAGE, NULL, 0, 0,
                          "score: unknown format '%s'; expected table, json or csv", format);
        goto done;
    }
    bool quiet = lotk_cli_flag(cmd, args, "quiet");
    const char *rejects_path = lotk_cli_get(cmd, args, "rejects");
    rejects.keep_fields = rejects_path != NULL;
    long jobs = lotk_batch_default_jobs(), memory_mib = 0;
    if ((rc = number_option(cmd, args, "jobs", 1, 256, &jobs, &err)) != 0 ||
        (rc = number_option(cmd, args, "plugin-memory", 1, 65536, &memory_mib, &err)) != 0)
        goto done;

    if (!(path = lotk_standard_resolve(args->pos[0], &err))) {
        rc = err.code;
        goto done;
    }
    rc = lotk_standard_load(path, &s, &diags);
    if (!quiet || rc)
        lotk_diags_print(&diags, stderr);
    if (rc) {
        rc = rc == LOTK_EIO ? LOTK_EIO : LOTK_ESTANDARD;
        goto done_printed;
    }

    struct lotk_lhost_limits limits = {.memory = (size_t)memory_mib << 20};
    if (!(plugins = lotk_plugins_new(&limits, s, &err))) {
        rc = err.code;
        goto done;
    }
    if (lotk_plugins_resolve_standard(plugins, &diags) != 0) {
        lotk_diags_print(&diags, stderr);
        rc = LOTK_ESTANDARD;
        goto done_printed;
    }
    bool respondents = lotk_cli_flag(cmd, args, "respondents");

    scorer = lotk_scorer_new(s, plugins, respondents);
    struct lotk_survey_sink sink = {lotk_scorer_add, scorer, lotk_rejects_add, &rejects,
                                    rejects.keep_fields};
    survey = lotk_survey_new(s, &sink);
    struct lotk_survey_options survey_options = {0};
    if ((rc = delimiter_option(lotk_cli_get(cmd, args, "delimiter"), &survey_options.delimiter,
                               &err)) != 0)
        goto done;
    lotk_survey_set_options(survey, &survey_options);
    lotk_progress_start(&progress, 0, !quiet);
    lotk_survey_set_progress(survey, &progress);
    struct lotk_batch batch = {.s = s,
                               .jobs = (int)jobs,
                               .sequential_only = respondents,
                               .plugin_limits = &limits,
                               .scorer = scorer,
                               .survey = survey,
                               .survey_options = survey_options,
                               .rejects = &rejects,
                               .progress = &progress,
                               .quiet = quiet};
    for (size_t i = 1; i < args->npos && rc == 0; i++)
        rc = lotk_batch_read(&batch, args->pos[i], &err);
    lotk_progress_finish(&progress);
    if (rc)
        goto done;

    struct lotk_survey_counts counts = lotk_survey_counts(survey);
    if (!quiet) {
        lotk_rejects_print(&rejects, REJECTS_SHOWN, rejects_path != NULL, stderr);
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
    if (rejects_path) {
        struct lotk_buf csv = {0};
        lotk_rejects_csv(&rejects, &csv);
        rc = write_output(rejects_path, &csv, &err);
        lotk_buf_free(&csv);
        if (rc)
            goto done;
    }
    const char *output = lotk_cli_get(cmd, args, "output");
    struct lotk_report_opts opts = {.respondents = respondents,
                                    .bom = lotk_cli_flag(cmd, args, "bom")};
    rc = lotk_report_write(result, format, output ? output : "-", &opts, &err);
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
    lotk_rejects_clear(&rejects);
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
        "rows read, scored and rejected goes to stderr and into the JSON input block.\n"
        "Large files are read by --jobs threads; the result is identical to one thread's.\n",
    .opts = score_opts,
    .min_pos = 2,
    .max_pos = LOTK_CLI_MAX_POS,
    .run = run_score,
};
