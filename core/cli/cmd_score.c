/* cmd_score.c — `lotk score`: standard + survey files → scored organizations. */
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "score/batch.h"
#include "analysis/bootstrap.h"
#include "cli/commands.h"
#include "score/evidence.h"
#include "analysis/norms.h"
#include "analysis/targets.h"
#include "input/members.h"
#include "input/membership.h"
#include "input/statistics.h"
#include "score/rollup.h"
#include "score/partial.h"
#include "lua/plugin.h"
#include "base/progress.h"
#include "input/rejects.h"
#include "input/rowqueue.h"
#include "output/report.h"
#include "output/writer.h"
#include "score/rules.h"
#include "score/score.h"
#include "standard/standard.h"
#include "input/survey.h"
#include "base/buf.h"
#include "base/num.h"
#include "base/file.h"
#include "base/mem.h"
#include "base/guard.h"

enum { REJECTS_SHOWN = 10 };

static const struct lotk_opt score_opts[SCORE_NOPTS] = {
    [SCORE_FORMAT] = {"format", 'f', "FORMAT",
                      "table (default), json, csv, or a report: html, md, xlsx or pdf"},
    [SCORE_OUTPUT] = {"output", 'o', "FILE",
                      "write the result to FILE (atomically) instead of stdout"},
    [SCORE_RESPONDENTS] = {"respondents", 0, NULL, "json: add each respondent's node values"},
    [SCORE_BOM] = {"bom", 0, NULL,
                   "csv: start with a UTF-8 byte-order mark so Excel shows Chinese text"},
    [SCORE_REJECTS] = {"rejects", 0, "FILE",
                       "write every rejected row, with its line and reason, to FILE"},
    [SCORE_STRICT] = {"strict", 0, NULL, "fail (exit 1, no output) when any row is rejected"},
    [SCORE_DELIMITER] = {"delimiter", 'd', "SEP",
                         "comma, tab or semicolon (default: detected from each header)"},
    [SCORE_ENCODING] = {"encoding", 0, "ENC",
                        "auto (default: UTF-8 or GB18030, detected), utf-8 or gb18030"},
    [SCORE_PARTIAL] = {"partial", 0, NULL,
                       "write this shard's partial result (for lotk merge) instead"},
    [SCORE_JOBS] = {"jobs", 'j', "N",
                    "threads reading each large file (default: the number of cores)"},
    [SCORE_PLUGIN_MEMORY] = {"plugin-memory", 0, "MIB",
                             "memory cap of the Lua plugins, in MiB (default 64)"},
    [SCORE_QUIET] = {"quiet", 'q', NULL, "print only errors on stderr (and no progress line)"},
    [SCORE_NORMS] = {"norms", 0, "FILE",
                     "percentile ranks against this norm table (default: the batch)"},
    [SCORE_MIN_GROUP] = {"min-group", 0, "N",
                         "batch norms: suppress groups under N organizations (default 10)"},
    [SCORE_BOOTSTRAP] = {"bootstrap", 0, "N",
                         "N bootstrap replicates: interval of the total, grade chances"},
    [SCORE_SEED] = {"seed", 0, "S", "seed of the bootstrap (default 1)"},
    [SCORE_CONFIDENCE] = {"confidence", 0, "C", "level of the bootstrap interval (default 0.95)"},
    [SCORE_EVIDENCE] = {"evidence", 'e', "FILE",
                        "assessor evidence sheet (CSV) for the evidence indicators; "
                        "repeatable"},
    [SCORE_ORG] = {"org", 0, "ID",
                   "show only this organization (repeatable), ranked against the whole batch"},
    [SCORE_LANG] = {"lang", 0, "LANG",
                    "zh or en: labels and titles (default: the standard's first language)"},
    [SCORE_PDF] = {"pdf", 0, NULL, "the same as -f pdf: the HTML report printed by Chromium"},
    [SCORE_STATISTICS] = {"statistics", 0, "FILE",
                          "city standards: the units' statistics (CSV, one row per unit)"},
    [SCORE_MEMBERS] = {"members", 0, "RESULT",
                       "city standards: member organizations' JSON results; repeatable"},
    [SCORE_MEMBERSHIP] = {"membership", 0, "FILE",
                          "city standards: which unit each member belongs to (CSV: org,unit)"},
};

/* Options that belong to the finished result, refused with --partial, in the order they are
 * looked for (the first one given is the one named). */
static const enum score_opt whole_run_opts[] = {
    SCORE_RESPONDENTS, SCORE_EVIDENCE, SCORE_BOOTSTRAP, SCORE_NORMS, SCORE_FORMAT,
    SCORE_BOM,         SCORE_ORG,      SCORE_LANG,      SCORE_PDF,
    SCORE_STATISTICS,  SCORE_MEMBERS,  SCORE_MEMBERSHIP};

static int write_output(const char *path, const struct lotk_buf *b, struct lotk_err *err)
{
    return lotk_file_write_atomic(path ? path : "-", b->data, b->len, err);
}

/* The --rejects file: survey rows, then evidence rows. */
static int write_rejects(const char *path, struct lotk_rejects *rejects,
                         struct lotk_rejects *evidence, struct lotk_err *err)
{
    lotk_rejects_append(rejects, evidence, 0);
    return lotk_rejects_write(rejects, path, err);
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
    st->norms_path = lotk_cli_value(args, SCORE_NORMS);
    /* Seeds stay below 2^53 so that the JSON result shows them exactly to any reader. */
    if ((rc = lotk_cli_number(cmd, args, SCORE_MIN_GROUP, 1, 1000000000, &st->min_group,
                              err)) ||
        (rc = lotk_cli_number(cmd, args, SCORE_BOOTSTRAP, 1, 1000000, &replicates, err)) ||
        (rc = lotk_cli_number(cmd, args, SCORE_SEED, 0, 9007199254740991L, &seed, err)))
        return rc;
    st->boot_opts = (struct lotk_bootstrap_opts){replicates, (uint64_t)seed, 0.95};
    const char *conf = lotk_cli_value(args, SCORE_CONFIDENCE);
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
                        struct lotk_plugins *plugins, bool quiet, bool want_ranks, int jobs,
                        struct lotk_err *err)
{
    if (!want_ranks) /* the CSV has no percentiles, the table shows them only with --norms */
        goto ranked;
    if (!st->norms)
        st->norms = lotk_norms_from_result(result, st->min_group, jobs);
    st->ranks = lotk_ranks_compute(st->norms, result, jobs);
    if (st->norms_path && st->ranks->nsuppressed && !quiet) {
        struct lotk_buf ids = {0};
        for (size_t i = 0; i < st->ranks->nsuppressed; i++)
            lotk_buf_printf(&ids, "%s%s", i ? ", " : "", st->ranks->suppressed[i]);
        lotk_diag(stderr, "warning", st->norms_path, 0, 0,
                  "no norms for %s (groups under %ld organizations, or missing); their "
                  "percentile ranks are null", ids.data, st->norms->min_group);
        lotk_buf_free(&ids);
    }
    /* The ranks hold what the writers need; the table's sorted columns (as large as the
     * ranks) would only add to the peak while the output is written. */
    lotk_norms_free(st->norms);
    st->norms = NULL;
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

static int evidence_start(struct score_evidence *se, const struct lotk_args *args,
                          const struct lotk_standard *s, bool quiet, bool rejects_file,
                          struct lotk_err *err)
{
    static const char *files[LOTK_CLI_MAX_POS];
    size_t n = lotk_cli_values(args, SCORE_EVIDENCE, files, LOTK_CLI_MAX_POS);
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

/* A city standard's units (issue 13, DESIGN §10): the statistics, the membership and the
 * members' results, rolled up into the statistic and member leaves of every unit, read
 * before the surveys like the evidence sheets. */
struct score_units {
    struct lotk_statistics *stats;    /* NULL without --statistics */
    struct lotk_membership *membership;
    struct lotk_members_set members;
    struct lotk_rollup *rollup;       /* NULL unless the standard has such leaves */
    struct lotk_target_report *targets;
};

static int units_read(struct score_units *su, const struct lotk_args *args,
                      const struct lotk_standard *s, const struct lotk_survey_options *opts,
                      struct lotk_diags *warnings, struct lotk_err *err)
{
    static const char *files[LOTK_CLI_MAX_POS];
    size_t n = lotk_cli_values(args, SCORE_MEMBERS, files, LOTK_CLI_MAX_POS);
    const char *stats = lotk_cli_value(args, SCORE_STATISTICS);
    const char *membership = lotk_cli_value(args, SCORE_MEMBERSHIP);
    int rc;
    if ((n > 0) != (membership != NULL))
        return lotk_err_set(err, LOTK_EUSAGE, NULL, 0, 0,
                            "score: --%s needs --%s: member results count toward the units "
                            "the membership file gives them", n ? "members" : "membership",
                            n ? "membership" : "members");
    if (stats && (rc = lotk_statistics_read(s, stats, opts, warnings, &su->stats, err)) != 0)
        return rc;
    if (membership &&
        (rc = lotk_membership_read(membership, opts, warnings, &su->membership, err)) != 0)
        return rc;
    for (size_t i = 0; i < n; i++)
        if ((rc = lotk_members_read(&su->members, files[i], NULL, err)) != 0)
            return rc;
    return 0;
}

static int units_start(struct score_units *su, const struct lotk_args *args,
                       const struct lotk_standard *s, const struct lotk_survey_options *opts,
                       bool quiet, struct lotk_err *err)
{
    struct lotk_diags warnings = {0};
    bool given = lotk_cli_flag(args, SCORE_STATISTICS) || lotk_cli_flag(args, SCORE_MEMBERS) ||
                 lotk_cli_flag(args, SCORE_MEMBERSHIP);
    int rc = 0;
    if (!given && s->nstatistic + s->nmembers == 0)
        return 0;
    if (given && s->nstatistic + s->nmembers == 0 && !s->targets.group_by)
        return lotk_err_set(err, LOTK_EUSAGE, NULL, 0, 0,
                            "score: --%s is for standards of units (kind city) with statistic "
                            "or member indicators; %s has none",
                            lotk_cli_flag(args, SCORE_STATISTICS) ? "statistics" : "members",
                            s->id);
    rc = units_read(su, args, s, opts, &warnings, err);
    if (rc == 0)
        rc = lotk_rollup_build(s, su->stats, su->membership, &su->members, &warnings,
                               &su->rollup, err);
    if (!quiet) {
        if (rc == 0 && s->nstatistic && !su->stats)
            lotk_diags_add(&warnings, true, LOTK_EUSAGE, NULL, 0, 0,
                           "no --statistics: the %zu statistic indicators have no value",
                           s->nstatistic);
        if (rc == 0 && s->targets.group_by && !su->stats)
            lotk_diags_add(&warnings, true, LOTK_EUSAGE, NULL, 0, 0,
                           "no --statistics: the targets are not counted (their groups are "
                           "the statistics' column %s)", s->targets.group_by);
        if (rc == 0 && s->nmembers && !su->membership)
            lotk_diags_add(&warnings, true, LOTK_EUSAGE, NULL, 0, 0,
                           "no --members and --membership: the %zu member indicators have no "
                           "value", s->nmembers);
        lotk_diags_print(&warnings, stderr);
        if (rc == 0 && su->stats)
            fprintf(stderr, "lotk: %ld units in %s, %ld cells rejected\n", su->stats->rows,
                    su->stats->file, su->stats->rejected_cells);
        if (rc == 0 && su->membership)
            fprintf(stderr, "lotk: %zu member results from %zu file%s, %ld members counted\n",
                    su->members.norgs, su->members.nfiles, su->members.nfiles == 1 ? "" : "s",
                    su->rollup->counts.counted);
    }
    lotk_diags_free(&warnings);
    return rc;
}

static void units_free(struct score_units *su)
{
    lotk_targets_free(su->targets);
    lotk_rollup_free(su->rollup);
    lotk_statistics_free(su->stats);
    lotk_membership_free(su->membership);
    lotk_members_clear(&su->members);
}

/* One run of lotk score: what its options say, and what it holds, so that each step below
 * takes the run and one cleanup (score_run_clear) frees whatever the steps got to. */
struct score_run {
    /* the options */
    const char *format;
    const char *rejects_path; /* --rejects, or NULL */
    const char *output;       /* -o, or NULL for stdout */
    const char *lang;         /* --lang, or NULL: the standard's first language */
    const char *orgs[LOTK_CLI_MAX_POS]; /* --org, in command-line order */
    size_t norgs;
    bool quiet, respondents, partial, strict, bom;
    long jobs, memory_mib;
    struct lotk_survey_options survey_options;
    struct lotk_lhost_limits limits;
    /* what the steps build */
    struct lotk_err err;
    bool printed; /* the failure is already on stderr (as diagnostics) */
    struct lotk_diags diags;
    char *path; /* of the standard */
    struct lotk_standard *s;
    struct lotk_plugins *plugins;
    struct score_stats stats;
    struct score_evidence evidence;
    struct score_units units;
    struct lotk_scorer *scorer;
    struct lotk_survey *survey;
    struct lotk_rowqueue *queue; /* the scorer's thread (batch.h), or NULL */
    struct lotk_rejects rejects;
    struct lotk_progress progress;
    struct lotk_survey_counts counts;
    struct lotk_result *result;
    struct lotk_result_table table;
    struct lotk_guard guard;
};

/* The options that need no standard: format, messages, threads, plugin memory and how to
 * read the surveys. */
static int read_options(struct score_run *r, const struct lotk_cmd *cmd,
                        const struct lotk_args *args)
{
    int rc;
    r->format = lotk_cli_value(args, SCORE_FORMAT);
    r->output = lotk_cli_value(args, SCORE_OUTPUT);
    r->lang = lotk_cli_value(args, SCORE_LANG);
    r->norgs = lotk_cli_values(args, SCORE_ORG, r->orgs, LOTK_CLI_MAX_POS);
    if ((rc = lotk_cli_format("score", &r->format, lotk_cli_flag(args, SCORE_PDF), false,
                              r->output, &r->err)) != 0 ||
        (rc = lotk_cli_lang("score", r->lang, &r->err)) != 0)
        return rc;
    r->quiet = lotk_cli_flag(args, SCORE_QUIET);
    r->respondents = lotk_cli_flag(args, SCORE_RESPONDENTS);
    r->partial = lotk_cli_flag(args, SCORE_PARTIAL);
    r->strict = lotk_cli_flag(args, SCORE_STRICT);
    r->bom = lotk_cli_flag(args, SCORE_BOM);
    r->rejects_path = lotk_cli_value(args, SCORE_REJECTS);
    r->rejects.keep_fields = r->rejects_path != NULL;
    r->rejects.stream = true; /* memory bounded however many rows are rejected */
    r->jobs = lotk_batch_default_jobs();
    if ((rc = lotk_cli_number(cmd, args, SCORE_JOBS, 1, 256, &r->jobs, &r->err)) != 0 ||
        (rc = lotk_cli_number(cmd, args, SCORE_PLUGIN_MEMORY, 1, 65536, &r->memory_mib,
                              &r->err)) != 0)
        return rc;
    /* A report of a thousand organizations holds their whole result in Lua: unless told,
     * its plugins get room for that. */
    if (!r->memory_mib && lotk_report_format(r->format))
        r->memory_mib = LOTK_CLI_REPORT_MEMORY_MIB;
    r->limits.memory = (size_t)r->memory_mib << 20;
    return lotk_survey_options_parse("score", lotk_cli_value(args, SCORE_DELIMITER),
                                     lotk_cli_value(args, SCORE_ENCODING), &r->survey_options,
                                     &r->err);
}

/* The standard (a file or an id) and the plugins it names, each checked. */
static int load_standard(struct score_run *r, const char *standard)
{
    if (!(r->path = lotk_standard_resolve(standard, &r->err)))
        return r->err.code;
    int rc = lotk_standard_load(r->path, &r->s, &r->diags);
    if (!r->quiet || rc)
        lotk_diags_print(&r->diags, stderr);
    if (rc) {
        r->printed = true;
        return rc == LOTK_EIO ? LOTK_EIO : LOTK_ESTANDARD;
    }
    if (!(r->plugins = lotk_plugins_new(&r->limits, r->s, &r->err)))
        return r->err.code;
    if (lotk_plugins_resolve_standard(r->plugins, &r->diags) != 0) {
        lotk_diags_print(&r->diags, stderr);
        r->printed = true;
        return LOTK_ESTANDARD;
    }
    return 0;
}

/* Nothing this run writes may be a file it reads, or another of its outputs. */
static int guard_files(struct score_run *r, const struct lotk_args *args)
{
    static const char *evidence[LOTK_CLI_MAX_POS];
    size_t n = lotk_cli_values(args, SCORE_EVIDENCE, evidence, LOTK_CLI_MAX_POS);
    lotk_guard_input(&r->guard, r->path, "the standard");
    for (size_t i = 1; i < args->npos; i++)
        lotk_guard_input(&r->guard, args->pos[i], "the survey");
    for (size_t i = 0; i < n && i < LOTK_CLI_MAX_POS; i++)
        lotk_guard_input(&r->guard, evidence[i], "the evidence sheet");
    lotk_guard_input(&r->guard, lotk_cli_value(args, SCORE_NORMS), "the norm table");
    lotk_guard_input(&r->guard, lotk_cli_value(args, SCORE_STATISTICS), "the statistics");
    lotk_guard_input(&r->guard, lotk_cli_value(args, SCORE_MEMBERSHIP), "the membership");
    n = lotk_cli_values(args, SCORE_MEMBERS, evidence, LOTK_CLI_MAX_POS);
    for (size_t i = 0; i < n && i < LOTK_CLI_MAX_POS; i++)
        lotk_guard_input(&r->guard, evidence[i], "the member results");
    int rc = lotk_guard_output(&r->guard, r->output, "-o", &r->err);
    if (rc == 0)
        rc = lotk_guard_output(&r->guard, r->rejects_path, "--rejects", &r->err);
    return rc;
}

/* What needs the standard before any survey is read: --partial's refusals, the norms and
 * bootstrap options (and the norm table), the evidence sheets. */
static int start_extras(struct score_run *r, const struct lotk_cmd *cmd,
                        const struct lotk_args *args)
{
    int rc;
    for (size_t i = 0; r->partial && i < sizeof whole_run_opts / sizeof *whole_run_opts; i++)
        if (lotk_cli_flag(args, whole_run_opts[i]))
            return lotk_err_set(&r->err, LOTK_EUSAGE, NULL, 0, 0,
                                "score: --%s belongs to the finished result, not to a "
                                "--partial one (give it to lotk merge where it applies)",
                                score_opts[whole_run_opts[i]].name);
    if ((rc = stats_start(&r->stats, cmd, args, r->s, &r->err)) != 0)
        return rc;
    if ((rc = evidence_start(&r->evidence, args, r->s, r->quiet, r->rejects_path != NULL,
                             &r->err)) != 0)
        return rc;
    return units_start(&r->units, args, r->s, &r->survey_options, r->quiet, &r->err);
}

/* Every RESPONSES file into the scorer, then the rejected rows and the summary on stderr. */
static int read_inputs(struct score_run *r, const struct lotk_args *args)
{
    int rc = 0;
    r->scorer = lotk_scorer_new(r->s, r->plugins, r->respondents);
    lotk_scorer_set_evidence(r->scorer, r->evidence.ev);
    lotk_scorer_set_rollup(r->scorer, r->units.rollup);
    if (args->npos < 2)
        lotk_scorer_set_no_survey(r->scorer);
    if (args->npos < 2 && r->s->nitems > 0 && !r->quiet)
        lotk_diag(stderr, "warning", NULL, 0, 0,
                  "no survey file: the survey indicators have no value, and min_respondents "
                  "does not apply");
    lotk_scorer_set_jobs(r->scorer, (int)r->jobs);
    if (r->stats.boot_rows)
        lotk_scorer_observe(r->scorer, lotk_bootstrap_observe, r->stats.boot_rows);
    r->survey = lotk_batch_reader_new(r->s, r->scorer, &r->rejects, (int)r->jobs, &r->queue);
    lotk_survey_set_options(r->survey, &r->survey_options);
    lotk_progress_start(&r->progress, input_bytes(args), !r->quiet);
    lotk_survey_set_progress(r->survey, &r->progress);
    struct lotk_batch batch = {.s = r->s,
                               .jobs = (int)r->jobs,
                               /* the bootstrap's observer sees only this scorer's rows */
                               .sequential_only = r->respondents || r->stats.boot_rows,
                               .plugin_limits = &r->limits,
                               .scorer = r->scorer,
                               .survey = r->survey,
                               .queue = r->queue,
                               .survey_options = r->survey_options,
                               .rejects = &r->rejects,
                               .progress = &r->progress,
                               .quiet = r->quiet};
    for (size_t i = 1; i < args->npos && rc == 0; i++)
        if ((rc = lotk_batch_read(&batch, args->pos[i], &r->err)) == 0 && !r->quiet) {
            lotk_progress_clear(&r->progress);
            lotk_survey_note(r->survey, args->pos[i]);
        }
    lotk_progress_finish(&r->progress);
    if (rc)
        return rc;
    r->counts = lotk_survey_counts(r->survey);
    /* Every row is in the scorer: the reader and its respondent ids (a tenth of the
     * memory at a million rows) go before the result is computed, not after. */
    lotk_rowqueue_free(r->queue);
    lotk_survey_free(r->survey);
    r->queue = NULL;
    r->survey = NULL;
    if (!r->quiet && args->npos > 1) { /* no survey file: nothing to count */
        lotk_rejects_print(&r->rejects, REJECTS_SHOWN, r->rejects_path != NULL, stderr);
        fprintf(stderr, "lotk: %ld rows read: %ld scored, %ld rejected", r->counts.rows,
                r->counts.scored, r->counts.rejected);
        if (r->counts.screened)
            fprintf(stderr, ", %ld screened out", r->counts.screened);
        fputc('\n', stderr);
    }
    return 0;
}

/* The --rejects file, when asked for. */
static int write_rejects_file(struct score_run *r)
{
    if (!r->rejects_path)
        return 0;
    return write_rejects(r->rejects_path, &r->rejects, &r->evidence.rejects, &r->err);
}

/* --strict with rejected survey or evidence rows: the rejects file and LOTK_EREJECT. */
static int refuse_rejected(struct score_run *r)
{
    const struct lotk_evidence *ev = r->evidence.ev;
    if (!r->strict || (r->counts.rejected == 0 && !(ev && ev->counts.rejected > 0)))
        return 0;
    /* The rejects file is what the user needs to see now: it is written all the same. */
    int rc = write_rejects_file(r);
    if (rc)
        return rc;
    if (r->counts.rejected > 0)
        return lotk_err_set(&r->err, LOTK_EREJECT, NULL, 0, 0,
                            "%ld of %ld rows rejected under --strict; no result written",
                            r->counts.rejected, r->counts.rows);
    return lotk_err_set(&r->err, LOTK_EREJECT, NULL, 0, 0,
                        "%ld of %ld evidence rows rejected under --strict; no result written",
                        ev->counts.rejected, ev->counts.rows);
}

/* --partial: this shard's state, finished later by lotk merge, and its rejects file. */
static int write_partial(struct score_run *r)
{
    struct lotk_buf part = {0};
    int rc = write_rejects_file(r);
    if (rc)
        return rc;
    lotk_partial_write(r->s, r->scorer, r->counts, &part);
    rc = write_output(r->output, &part, &r->err);
    lotk_buf_free(&part);
    return rc;
}

/* Evidence sheet organizations that no survey row named (input/evidence_sheet.h). */
static void warn_evidence_orgs(struct score_run *r)
{
    /* Known from elsewhere than the sheets: surveyed, or a unit of the statistics file. */
    const struct lotk_statistics *st = r->units.stats;
    const char **known = lotk_xcalloc(r->result->norgs + 1, sizeof *known);
    size_t n = 0;
    for (size_t i = 0; i < r->result->norgs; i++) {
        const char *id = r->result->orgs[i].id;
        if (r->result->orgs[i].respondents > 0 || (st && lotk_statistics_find(st, id)))
            known[n++] = id;
    }
    struct lotk_diags warnings = {0};
    lotk_evidence_check_orgs(r->evidence.ev, known, n, &warnings);
    lotk_diags_print(&warnings, stderr);
    lotk_diags_free(&warnings);
    free(known);
}

/* The result: scored, the rules applied, percentile ranks and the bootstrap added. */
static int finish_result(struct score_run *r)
{
    int rc;
    if ((rc = lotk_scorer_finish(r->scorer, r->counts, &r->result, &r->err)) != 0 ||
        (rc = lotk_rules_apply(r->result, r->plugins, &r->err)) != 0)
        return rc;
    if (r->units.stats) /* the groups are a column of the statistics */
        r->units.targets = lotk_targets_compute(r->result, r->units.stats);
    if (r->evidence.ev && !r->quiet)
        warn_evidence_orgs(r);
    return stats_finish(&r->stats, r->result, r->plugins, r->quiet,
                        strcmp(r->format, "json") == 0 || lotk_report_format(r->format) ||
                            r->stats.norms_path,
                        (int)r->jobs, &r->err);
}

/* Only now, with everything scored, does anything reach a file: the rejects, the result. */
static int write_result(struct score_run *r)
{
    int rc;
    struct lotk_write_opts opts = {.respondents = r->respondents,
                                   .bom = r->bom,
                                   .jobs = (int)r->jobs,
                                   .lang = r->lang ? r->lang : lotk_cli_standard_lang(r->s),
                                   .plugins = r->plugins};
    /* The batch summary (medians, ranks) is for the formats that show it. */
    bool summary = strcmp(r->format, "json") == 0 || lotk_report_format(r->format);
    lotk_result_table_init(&r->table, r->result, r->stats.ranks, r->stats.boot,
                           LOTK_TABLE_BASIS | (summary ? LOTK_TABLE_SUMMARY : 0));
    r->table.targets = r->units.targets;
    r->table.statistics = r->units.stats;
    r->table.rollup = r->units.membership ? r->units.rollup : NULL;
    /* An --org that is no organization fails here, before any file is written. */
    if (r->norgs && (rc = lotk_result_table_select(&r->table, r->orgs, r->norgs, &r->err)) != 0)
        return rc;
    if ((rc = write_rejects_file(r)) != 0)
        return rc;
    /* The evidence sheets' rejected rows join the survey's (write_rejects_file may have
     * moved them already), so that reports list every rejected row. */
    lotk_rejects_append(&r->rejects, &r->evidence.rejects, 0);
    lotk_result_table_set_rejects(&r->table, &r->rejects);
    return lotk_write_result(&r->table, r->format, r->output ? r->output : "-", &opts,
                             &r->err);
}

static void score_run_clear(struct score_run *r)
{
    lotk_guard_free(&r->guard);
    lotk_result_table_clear(&r->table);
    lotk_result_free(r->result);
    lotk_rowqueue_free(r->queue);
    lotk_survey_free(r->survey);
    lotk_scorer_free(r->scorer);
    lotk_plugins_free(r->plugins);
    lotk_standard_free(r->s);
    lotk_diags_free(&r->diags);
    lotk_rejects_clear(&r->rejects);
    stats_free(&r->stats);
    lotk_rejects_clear(&r->evidence.rejects);
    lotk_evidence_free(r->evidence.ev); /* after the result, which borrows it */
    units_free(&r->units);
    free(r->path);
}

static int run_score(const struct lotk_cmd *cmd, const struct lotk_args *args)
{
    struct score_run run = {0};
    int rc;
    lotk_err_clear(&run.err);
    /* A survey file is needed unless the standard is scored on what else is given:
     * assessors' sheets, statistics, members (an evidence-only or a city standard). */
    if (args->npos < 2 && !lotk_cli_flag(args, SCORE_EVIDENCE) &&
        !lotk_cli_flag(args, SCORE_STATISTICS) && !lotk_cli_flag(args, SCORE_MEMBERS)) {
        rc = lotk_err_set(&run.err, LOTK_EUSAGE, NULL, 0, 0,
                          "%s: missing arguments; usage: lotk %s %s", cmd->name, cmd->name,
                          cmd->usage);
        goto done;
    }
    if ((rc = read_options(&run, cmd, args)) != 0 ||
        (rc = load_standard(&run, args->pos[0])) != 0 || (rc = guard_files(&run, args)) != 0 ||
        (rc = start_extras(&run, cmd, args)) != 0 || (rc = read_inputs(&run, args)) != 0 ||
        (rc = refuse_rejected(&run)) != 0)
        goto done;
    if (run.partial) {
        rc = write_partial(&run);
        goto done;
    }
    if ((rc = finish_result(&run)) != 0)
        goto done;
    rc = write_result(&run);
done:
    if (rc && !run.printed)
        lotk_err_print(&run.err, stderr);
    score_run_clear(&run);
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
        "Large files are read by --jobs threads; the result is identical to one thread's.\n"
        "No RESPONSES are needed when --evidence, --statistics or --members give what the\n"
        "standard is scored on (document review, a city standard's units).\n",
    LOTK_CLI_OPTIONS(score_opts),
    .min_pos = 1,
    .max_pos = LOTK_CLI_MAX_POS,
    .run = run_score,
};
