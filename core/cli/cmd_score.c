/* cmd_score.c — `lotk score`: standard + survey files → scored organizations. */
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "score/batch.h"
#include "analysis/bootstrap.h"
#include "cli/commands.h"
#include "score/evidence.h"
#include "analysis/norms.h"
#include "score/partial.h"
#include "lua/plugin.h"
#include "base/progress.h"
#include "input/rejects.h"
#include "output/writer.h"
#include "score/rules.h"
#include "score/score.h"
#include "standard/standard.h"
#include "input/survey.h"
#include "base/buf.h"
#include "base/num.h"
#include "base/file.h"

enum { REJECTS_SHOWN = 10 };

static const struct lotk_opt score_opts[] = {
    {"format", 'f', "FORMAT", "table (default), json or csv"},
    {"output", 'o', "FILE", "write the result to FILE (atomically) instead of stdout"},
    {"respondents", 0, NULL, "json: add each respondent's node values"},
    {"bom", 0, NULL, "csv: start with a UTF-8 byte-order mark so Excel shows Chinese text"},
    {"rejects", 0, "FILE", "write every rejected row, with its line and reason, to FILE"},
    {"strict", 0, NULL, "fail (exit 1, no output) when any row is rejected"},
    {"delimiter", 'd', "SEP", "comma, tab or semicolon (default: detected from each header)"},
    {"encoding", 0, "ENC", "auto (default: UTF-8 or GB18030, detected), utf-8 or gb18030"},
    {"partial", 0, NULL, "write this shard's partial result (for lotk merge) instead"},
    {"jobs", 'j', "N", "threads reading each large file (default: the number of cores)"},
    {"plugin-memory", 0, "MIB", "memory cap of the Lua plugins, in MiB (default 64)"},
    {"quiet", 'q', NULL, "print only errors on stderr (and no progress line)"},
    {"norms", 0, "FILE", "percentile ranks against this norm table (default: the batch)"},
    {"min-group", 0, "N", "batch norms: suppress groups under N organizations (default 10)"},
    {"bootstrap", 0, "N", "N bootstrap replicates: interval of the total, grade chances"},
    {"seed", 0, "S", "seed of the bootstrap (default 1)"},
    {"confidence", 0, "C", "level of the bootstrap interval (default 0.95)"},
    {"evidence", 'e', "FILE", "assessor evidence sheet (CSV) for the evidence indicators; "
                              "repeatable"},
    {0},
};

static int write_output(const char *path, const struct lotk_buf *b, struct lotk_err *err)
{
    return lotk_file_write_atomic(path ? path : "-", b->data, b->len, err);
}

/* The --rejects file: survey rows, then evidence rows. */
static int write_rejects(const char *path, struct lotk_rejects *rejects,
                         struct lotk_rejects *evidence, struct lotk_err *err)
{
    struct lotk_buf csv = {0};
    lotk_rejects_append(rejects, evidence, 0);
    lotk_rejects_csv(rejects, &csv);
    int rc = write_output(path, &csv, err);
    lotk_buf_free(&csv);
    return rc;
}

/* Bytes of the regular files among the inputs, for the progress line's percentage. */
static uint64_t input_bytes(const struct lotk_args *args)
{
    uint64_t total = 0;
    struct stat st;
    for (size_t i = 1; i < args->npos; i++)
        if (strcmp(args->pos[i], "-") == 0 || stat(args->pos[i], &st) != 0 ||
            !S_ISREG(st.st_mode))
            return 0; /* a pipe among them: no percentage */
        else
            total += (uint64_t)st.st_size;
    return total;
}

/* Norms, percentile ranks and the bootstrap (issue 6): their options and state, kept
 * together so that run_score only calls in at three points. */
struct score_stats {
    const char *norms_path;
    long min_group;
    struct lotk_bootstrap_opts boot_opts; /* replicates 0: no bootstrap */
    struct lotk_norms *norms;             /* from --norms, or the batch's own */
    struct lotk_ranks *ranks;
    struct lotk_boot_rows *boot_rows;
    struct lotk_bootstrap *boot;
};

/* Reads the options and, with --norms, the norm table, before any data is read. */
static int stats_start(struct score_stats *st, const struct lotk_cmd *cmd,
                       const struct lotk_args *args, const struct lotk_standard *s,
                       struct lotk_err *err)
{
    long replicates = 0, seed = 1;
    int rc;
    st->min_group = LOTK_NORMS_MIN_GROUP;
    st->norms_path = lotk_cli_get(cmd, args, "norms");
    /* Seeds stay below 2^53 so that the JSON result shows them exactly to any reader. */
    if ((rc = lotk_cli_number(cmd, args, "min-group", 1, 1000000000, &st->min_group, err)) ||
        (rc = lotk_cli_number(cmd, args, "bootstrap", 1, 1000000, &replicates, err)) ||
        (rc = lotk_cli_number(cmd, args, "seed", 0, 9007199254740991L, &seed, err)))
        return rc;
    st->boot_opts = (struct lotk_bootstrap_opts){replicates, (uint64_t)seed, 0.95};
    const char *conf = lotk_cli_get(cmd, args, "confidence");
    if (conf && (lotk_parse_double(conf, strlen(conf), &st->boot_opts.confidence) != 0 ||
                 !(st->boot_opts.confidence > 0 && st->boot_opts.confidence < 1)))
        return lotk_err_set(err, LOTK_EUSAGE, NULL, 0, 0,
                            "score: --confidence takes a level between 0 and 1, such as 0.9, "
                            "not '%s'", conf);
    if (st->norms_path && ((rc = lotk_norms_load(st->norms_path, &st->norms, err)) ||
                           (rc = lotk_norms_check_standard(st->norms, s, st->norms_path, err))))
        return rc;
    if (replicates > 0)
        st->boot_rows = lotk_bootstrap_rows_new(s);
    return 0;
}

/* Percentile ranks and the bootstrap, once the result is final (rules applied). */
static int stats_finish(struct score_stats *st, const struct lotk_result *result,
                        struct lotk_plugins *plugins, bool quiet, bool want_ranks,
                        struct lotk_err *err)
{
    if (!want_ranks) /* the CSV has no percentiles, the table shows them only with --norms */
        goto ranked;
    if (!st->norms)
        st->norms = lotk_norms_from_result(result, st->min_group);
    st->ranks = lotk_ranks_compute(st->norms, result);
    if (st->norms_path && st->ranks->nsuppressed && !quiet) {
        struct lotk_buf ids = {0};
        for (size_t i = 0; i < st->ranks->nsuppressed; i++)
            lotk_buf_printf(&ids, "%s%s", i ? ", " : "", st->ranks->suppressed[i]);
        lotk_diag(stderr, "warning", st->norms_path, 0, 0,
                  "no norms for %s (groups under %ld organizations, or missing); their "
                  "percentile ranks are null", ids.data, st->norms->min_group);
        lotk_buf_free(&ids);
    }
ranked:
    if (!st->boot_rows)
        return 0;
    return lotk_bootstrap_run(st->boot_rows, result, plugins, &st->boot_opts, &st->boot, err);
}

static void stats_free(struct score_stats *st)
{
    lotk_norms_free(st->norms);
    lotk_ranks_free(st->ranks);
    lotk_bootstrap_rows_free(st->boot_rows);
    lotk_bootstrap_free(st->boot);
}

/* Assessor evidence sheets (issue 5, docs/evidence.md): read before the surveys, so that a
 * sheet whose header does not fit stops the run before a long survey read. Their rejected
 * rows are shown here and join the --rejects file after the survey's. */
struct score_evidence {
    struct lotk_evidence *ev; /* NULL without --evidence */
    struct lotk_rejects rejects;
};

static int evidence_start(struct score_evidence *se, const struct lotk_cmd *cmd,
                          const struct lotk_args *args, const struct lotk_standard *s,
                          bool quiet, bool rejects_file, struct lotk_err *err)
{
    static const char *files[LOTK_CLI_MAX_POS];
    size_t n = lotk_cli_get_all(cmd, args, "evidence", files, LOTK_CLI_MAX_POS);
    struct lotk_diags warnings = {0};
    int rc = 0;
    if (n == 0)
        return 0;
    se->rejects.keep_fields = rejects_file;
    struct lotk_evidence_sink sink = {lotk_rejects_add, &se->rejects};
    se->ev = lotk_evidence_new(s, &sink);
    for (size_t i = 0; i < n && rc == 0; i++)
        rc = lotk_evidence_read(se->ev, files[i], &warnings, err);
    if (!quiet)
        lotk_diags_print(&warnings, stderr);
    lotk_diags_free(&warnings);
    if (rc || quiet)
        return rc;
    lotk_rejects_print(&se->rejects, REJECTS_SHOWN, rejects_file, stderr);
    fprintf(stderr, "lotk: %ld evidence rows read: %ld used, %ld rejected\n",
            se->ev->counts.rows, se->ev->counts.used, se->ev->counts.rejected);
    return 0;
}

static int run_score(const struct lotk_cmd *cmd, const struct lotk_args *args)
{
    struct lotk_err err;
    struct lotk_diags diags = {0};
    struct lotk_standard *s = NULL;
    struct lotk_scorer *scorer = NULL;
    struct lotk_survey *survey = NULL;
    struct lotk_result *result = NULL;
    struct lotk_result_table table = {0};
    struct lotk_plugins *plugins = NULL;
    struct lotk_rejects rejects = {0};
    struct lotk_progress progress;
    struct score_stats stats = {0};
    struct score_evidence evidence = {0};
    char *path = NULL;
    int rc = 0;

    lotk_err_clear(&err);
    const char *format = lotk_cli_get(cmd, args, "format");
    if (!format)
        format = "table";
    if (!lotk_writer_find(format)) {
        rc = lotk_err_set(&err, LOTK_EUSAGE, NULL, 0, 0,
                          "score: unknown format '%s'; expected table, json or csv", format);
        goto done;
    }
    bool quiet = lotk_cli_flag(cmd, args, "quiet");
    const char *rejects_path = lotk_cli_get(cmd, args, "rejects");
    rejects.keep_fields = rejects_path != NULL;
    long jobs = lotk_batch_default_jobs(), memory_mib = 0;
    if ((rc = lotk_cli_number(cmd, args, "jobs", 1, 256, &jobs, &err)) != 0 ||
        (rc = lotk_cli_number(cmd, args, "plugin-memory", 1, 65536, &memory_mib, &err)) != 0)
        goto done;

    struct lotk_survey_options survey_options = {0};
    if ((rc = lotk_survey_options_parse("score", lotk_cli_get(cmd, args, "delimiter"),
                                        lotk_cli_get(cmd, args, "encoding"), &survey_options,
                                        &err)) != 0)
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
    bool partial = lotk_cli_flag(cmd, args, "partial");
    if (partial) {
        static const char *const whole_run[] = {"respondents", "evidence", "bootstrap", "norms",
                                                "format", "bom", NULL};
        for (int i = 0; whole_run[i]; i++)
            if (lotk_cli_flag(cmd, args, whole_run[i])) {
                rc = lotk_err_set(&err, LOTK_EUSAGE, NULL, 0, 0,
                                  "score: --%s belongs to the finished result, not to a "
                                  "--partial one (give it to lotk merge where it applies)",
                                  whole_run[i]);
                goto done;
            }
    }
    if ((rc = stats_start(&stats, cmd, args, s, &err)) != 0 ||
        (rc = evidence_start(&evidence, cmd, args, s, quiet, rejects_path != NULL, &err)) != 0)
        goto done;

    scorer = lotk_scorer_new(s, plugins, respondents);
    lotk_scorer_set_evidence(scorer, evidence.ev);
    lotk_scorer_set_jobs(scorer, (int)jobs);
    if (stats.boot_rows)
        lotk_scorer_observe(scorer, lotk_bootstrap_observe, stats.boot_rows);
    struct lotk_survey_sink sink = {lotk_scorer_add, scorer, lotk_rejects_add, &rejects,
                                    rejects.keep_fields};
    survey = lotk_survey_new(s, &sink);
    lotk_survey_set_options(survey, &survey_options);
    lotk_progress_start(&progress, input_bytes(args), !quiet);
    lotk_survey_set_progress(survey, &progress);
    struct lotk_batch batch = {.s = s,
                               .jobs = (int)jobs,
                               /* the bootstrap's observer sees only this scorer's rows */
                               .sequential_only = respondents || stats.boot_rows,
                               .plugin_limits = &limits,
                               .scorer = scorer,
                               .survey = survey,
                               .survey_options = survey_options,
                               .rejects = &rejects,
                               .progress = &progress,
                               .quiet = quiet};
    for (size_t i = 1; i < args->npos && rc == 0; i++)
        if ((rc = lotk_batch_read(&batch, args->pos[i], &err)) == 0 && !quiet) {
            lotk_progress_clear(&progress);
            lotk_survey_note(survey, args->pos[i]);
        }
    lotk_progress_finish(&progress);
    if (rc)
        goto done;

    struct lotk_survey_counts counts = lotk_survey_counts(survey);
    if (!quiet) {
        lotk_rejects_print(&rejects, REJECTS_SHOWN, rejects_path != NULL, stderr);
        fprintf(stderr, "lotk: %ld rows read: %ld scored, %ld rejected", counts.rows,
                counts.scored, counts.rejected);
        if (counts.screened)
            fprintf(stderr, ", %ld screened out", counts.screened);
        fputc('\n', stderr);
    }
    bool strict = lotk_cli_flag(cmd, args, "strict");
    if (strict && (counts.rejected > 0 || (evidence.ev && evidence.ev->counts.rejected > 0))) {
        /* The rejects file is what the user needs to see now: it is written all the same. */
        if (rejects_path && (rc = write_rejects(rejects_path, &rejects, &evidence.rejects,
                                                &err)) != 0)
            goto done;
        if (counts.rejected > 0)
            rc = lotk_err_set(&err, LOTK_EREJECT, NULL, 0, 0,
                              "%ld of %ld rows rejected under --strict; no result written",
                              counts.rejected, counts.rows);
        else
            rc = lotk_err_set(&err, LOTK_EREJECT, NULL, 0, 0,
                              "%ld of %ld evidence rows rejected under --strict; no result "
                              "written",
                              evidence.ev->counts.rejected, evidence.ev->counts.rows);
        goto done;
    }
    const char *output = lotk_cli_get(cmd, args, "output");
    if (partial) { /* this shard's state, finished later by lotk merge */
        struct lotk_buf part = {0};
        if (rejects_path && (rc = write_rejects(rejects_path, &rejects, &evidence.rejects,
                                                &err)) != 0)
            goto done;
        lotk_partial_write(s, scorer, counts, &part);
        rc = write_output(output ? output : "-", &part, &err);
        lotk_buf_free(&part);
        goto done;
    }
    if ((rc = lotk_scorer_finish(scorer, counts, &result, &err)) != 0 ||
        (rc = lotk_rules_apply(result, plugins, &err)) != 0 ||
        (rc = stats_finish(&stats, result, plugins, quiet,
                           strcmp(format, "json") == 0 || stats.norms_path, &err)) != 0)
        goto done;
    /* Only now, with everything scored, does anything reach a file. */
    if (rejects_path &&
        (rc = write_rejects(rejects_path, &rejects, &evidence.rejects, &err)) != 0)
        goto done;
    struct lotk_write_opts opts = {.respondents = respondents,
                                   .bom = lotk_cli_flag(cmd, args, "bom"),
                                   .jobs = (int)jobs};
    lotk_result_table_init(&table, result, stats.ranks, stats.boot, true);
    rc = lotk_write_result(&table, format, output ? output : "-", &opts, &err);
done:
    if (rc)
        lotk_err_print(&err, stderr);
done_printed:
    lotk_result_table_clear(&table);
    lotk_result_free(result);
    lotk_survey_free(survey);
    lotk_scorer_free(scorer);
    lotk_plugins_free(plugins);
    lotk_standard_free(s);
    lotk_diags_free(&diags);
    lotk_rejects_clear(&rejects);
    stats_free(&stats);
    lotk_rejects_clear(&evidence.rejects);
    lotk_evidence_free(evidence.ev); /* after the result, which borrows it */
    free(path);
    return rc;
}

const struct lotk_cmd lotk_cmd_score = {
    .name = "score",
    .usage = "STANDARD RESPONSES.csv... [options]",
    .summary = "score survey responses against a standard",
    .details =
        "STANDARD is a file or the id of a standard on the search path. RESPONSES are CSV\n"
        "files with a header row, UTF-8 (with or without BOM) or GB18030, comma-, tab- or\n"
        "semicolon-separated, as survey platforms export them; '-' reads standard input.\n"
        "Rows that cannot be scored are rejected with their line and reason; the count of\n"
        "rows read, scored and rejected goes to stderr and into the JSON input block.\n"
        "Large files are read by --jobs threads; the result is identical to one thread's.\n",
    .opts = score_opts,
    .min_pos = 2,
    .max_pos = LOTK_CLI_MAX_POS,
    .run = run_score,
};
