/* cmd_merge.c — `lotk merge PART...`: finish the scoring of shards scored separately with
 * `lotk score --partial`, exactly as one run over all their rows would. */
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "score/batch.h"
#include "cli/commands.h"
#include "analysis/norms.h"
#include "score/partial.h"
#include "lua/plugin.h"
#include "output/writer.h"
#include "score/rules.h"
#include "score/score.h"
#include "standard/standard.h"
#include "base/mem.h"
#include "base/file.h"

enum { PARTIAL_MAX_BYTES = 1 << 30 };

static const struct lotk_opt merge_opts[MERGE_NOPTS] = {
    [MERGE_STANDARD] = {"standard", 's', "FILE",
                        "the standard the shards were scored with (default: as recorded)"},
    [MERGE_FORMAT] = {"format", 'f', "FORMAT", "table (default), json or csv"},
    [MERGE_OUTPUT] = {"output", 'o', "FILE",
                      "write the result to FILE (atomically) instead of stdout"},
    [MERGE_BOM] = {"bom", 0, NULL, "csv: start with a UTF-8 byte-order mark"},
    [MERGE_NORMS] = {"norms", 0, "FILE",
                     "percentile ranks against this norm table (default: the batch)"},
    [MERGE_MIN_GROUP] = {"min-group", 0, "N",
                         "batch norms: suppress groups under N organizations (default 10)"},
    [MERGE_PLUGIN_MEMORY] = {"plugin-memory", 0, "MIB",
                             "memory cap of the Lua plugins, in MiB (default 64)"},
};

/* The standard the partials name: --standard, else the recorded path, else the id on the
 * search path; whichever it is must have the recorded SHA-256. */
static int load_standard(const char *given, const struct lotk_partial_info *info,
                         const char *first_file, struct lotk_standard **s,
                         struct lotk_err *err)
{
    struct lotk_diags diags = {0};
    char *path = NULL;
    int rc;
    if (given)
        path = lotk_standard_resolve(given, err);
    else if (access(info->standard_path, R_OK) == 0)
        path = lotk_xstrdup(info->standard_path);
    else
        path = lotk_standard_resolve(info->standard_id, err);
    if (!path)
        return err->code;
    rc = lotk_standard_load(path, s, &diags);
    lotk_diags_print(&diags, stderr);
    lotk_diags_free(&diags);
    if (rc) {
        rc = lotk_err_set(err, LOTK_ESTANDARD, path, 0, 0, "the standard does not load");
        free(path);
        return rc;
    }
    if (strcmp((*s)->sha256, info->standard_sha256) != 0) {
        rc = lotk_err_set(err, LOTK_EUSAGE, first_file, 0, 0,
                          "scored with %s %s (sha256 %.12s…), but %s has sha256 %.12s…; "
                          "the shards need the very standard they were scored with",
                          info->standard_id, info->standard_version, info->standard_sha256,
                          path, (*s)->sha256);
        lotk_standard_free(*s);
        *s = NULL;
    }
    free(path);
    return rc;
}

/* One run of lotk merge: its options and what it holds, freed by merge_run_clear. */
struct merge_run {
    /* the options */
    const char *format;
    const char *output; /* -o, or NULL for stdout */
    long min_group;
    struct lotk_lhost_limits limits;
    /* what the steps build */
    struct lotk_err err;
    bool printed; /* the failure is already on stderr (as diagnostics) */
    size_t nparts;
    char **data; /* each part's bytes */
    size_t *len;
    struct lotk_partial_info first; /* what the first part records */
    struct lotk_diags diags;
    struct lotk_standard *s;
    struct lotk_plugins *plugins;
    struct lotk_scorer *scorer;
    struct lotk_survey_counts counts;
    struct lotk_result *result;
    struct lotk_norms *norms;
    struct lotk_ranks *ranks;
    struct lotk_result_table table;
};

static int read_options(struct merge_run *r, const struct lotk_cmd *cmd,
                        const struct lotk_args *args)
{
    int rc;
    r->format = lotk_cli_value(args, MERGE_FORMAT);
    if (!r->format)
        r->format = "table";
    if (!lotk_writer_find(r->format))
        return lotk_err_set(&r->err, LOTK_EUSAGE, NULL, 0, 0,
                            "merge: unknown format '%s'; expected table, json or csv",
                            r->format);
    r->output = lotk_cli_value(args, MERGE_OUTPUT);
    const char *others[] = {lotk_cli_value(args, MERGE_STANDARD), lotk_cli_value(args, MERGE_NORMS)};
    if ((rc = lotk_cli_check_output("-o", r->output, args->pos, args->npos, "the partial result",
                                    &r->err)) != 0 ||
        (rc = lotk_cli_check_output("-o", r->output, others, 2, "an input", &r->err)) != 0)
        return rc;
    long memory_mib = 0;
    r->min_group = LOTK_NORMS_MIN_GROUP;
    if ((rc = lotk_cli_number(cmd, args, MERGE_PLUGIN_MEMORY, 1, 65536, &memory_mib,
                              &r->err)) != 0 ||
        (rc = lotk_cli_number(cmd, args, MERGE_MIN_GROUP, 1, 1000000000, &r->min_group,
                              &r->err)) != 0)
        return rc;
    r->limits.memory = (size_t)memory_mib << 20;
    return 0;
}

/* Every part read and inspected: each must be a sound partial result of the first part's
 * standard (the same SHA-256). */
static int read_parts(struct merge_run *r, const struct lotk_args *args)
{
    int rc;
    r->nparts = args->npos;
    r->data = lotk_xcalloc(args->npos, sizeof *r->data);
    r->len = lotk_xcalloc(args->npos, sizeof *r->len);
    for (size_t i = 0; i < args->npos; i++) {
        struct lotk_partial_info info;
        if ((rc = lotk_file_read(args->pos[i], PARTIAL_MAX_BYTES, &r->data[i], &r->len[i],
                                 &r->err)) != 0 ||
            (rc = lotk_partial_inspect(args->pos[i], r->data[i], r->len[i], &info,
                                       &r->err)) != 0)
            return rc;
        if (i == 0) {
            r->first = info;
            continue;
        }
        if (strcmp(info.standard_sha256, r->first.standard_sha256) != 0)
            rc = lotk_err_set(&r->err, LOTK_EUSAGE, args->pos[i], 0, 0,
                              "scored with %s %s, but %s was scored with %s %s (another "
                              "sha256); shards must share one standard",
                              info.standard_id, info.standard_version, args->pos[0],
                              r->first.standard_id, r->first.standard_version);
        lotk_partial_info_clear(&info);
        if (rc)
            return rc;
    }
    return 0;
}

/* The standard the parts record (or --standard) and the plugins it names. */
static int load_plugins(struct merge_run *r, const char *given, const char *first_file)
{
    int rc = load_standard(given, &r->first, first_file, &r->s, &r->err);
    if (rc)
        return rc;
    if (!(r->plugins = lotk_plugins_new(&r->limits, r->s, &r->err)))
        return r->err.code;
    if (lotk_plugins_resolve_standard(r->plugins, &r->diags) != 0) {
        lotk_diags_print(&r->diags, stderr);
        r->printed = true;
        return LOTK_ESTANDARD;
    }
    return 0;
}

/* The parts' sums added up, scored and the rules applied; then percentile ranks and
 * measurement error as lotk score gives them. */
static int finish_result(struct merge_run *r, const struct lotk_args *args)
{
    int rc, jobs = lotk_batch_default_jobs();
    r->scorer = lotk_scorer_new(r->s, r->plugins, false);
    lotk_scorer_set_jobs(r->scorer, jobs);
    for (size_t i = 0; i < r->nparts; i++)
        if ((rc = lotk_partial_merge(args->pos[i], r->data[i], r->len[i], r->scorer,
                                     &r->counts, &r->err)) != 0)
            return rc;
    if ((rc = lotk_scorer_finish(r->scorer, r->counts, &r->result, &r->err)) != 0 ||
        (rc = lotk_rules_apply(r->result, r->plugins, &r->err)) != 0)
        return rc;
    const char *norms_path = lotk_cli_value(args, MERGE_NORMS);
    if (norms_path) {
        if ((rc = lotk_norms_load(norms_path, &r->norms, &r->err)) != 0 ||
            (rc = lotk_norms_check_standard(r->norms, r->s, norms_path, &r->err)) != 0)
            return rc;
    } else {
        r->norms = lotk_norms_from_result(r->result, r->min_group, jobs);
    }
    r->ranks = lotk_ranks_compute(r->norms, r->result, jobs);
    return 0;
}

static int write_result(struct merge_run *r, bool bom)
{
    struct lotk_write_opts opts = {.bom = bom, .jobs = lotk_batch_default_jobs(),
                                   .lang = lotk_cli_standard_lang(r->s)};
    /* As lotk score writes it: the batch summary where the format shows it. */
    lotk_result_table_init(&r->table, r->result, r->ranks, NULL,
                           LOTK_TABLE_BASIS |
                               (strcmp(r->format, "json") == 0 ? LOTK_TABLE_SUMMARY : 0));
    return lotk_write_result(&r->table, r->format, r->output ? r->output : "-", &opts,
                             &r->err);
}

static void merge_run_clear(struct merge_run *r)
{
    for (size_t i = 0; r->data && i < r->nparts; i++)
        free(r->data[i]);
    free(r->data);
    free(r->len);
    lotk_partial_info_clear(&r->first);
    lotk_result_table_clear(&r->table);
    lotk_ranks_free(r->ranks);
    lotk_norms_free(r->norms);
    lotk_result_free(r->result);
    lotk_scorer_free(r->scorer);
    lotk_plugins_free(r->plugins);
    lotk_standard_free(r->s);
    lotk_diags_free(&r->diags);
}

static int run_merge(const struct lotk_cmd *cmd, const struct lotk_args *args)
{
    struct merge_run run = {0};
    int rc;
    lotk_err_clear(&run.err);
    if ((rc = read_options(&run, cmd, args)) != 0 || (rc = read_parts(&run, args)) != 0 ||
        (rc = load_plugins(&run, lotk_cli_value(args, MERGE_STANDARD), args->pos[0])) != 0 ||
        (rc = finish_result(&run, args)) != 0)
        goto done;
    rc = write_result(&run, lotk_cli_flag(args, MERGE_BOM));
done:
    if (rc && !run.printed)
        lotk_err_print(&run.err, stderr);
    merge_run_clear(&run);
    return rc;
}

const struct lotk_cmd lotk_cmd_merge = {
    .name = "merge",
    .usage = "PART.lpr... [options]",
    .summary = "finish scoring shards scored with lotk score --partial",
    .details =
        "Each PART is what `lotk score STANDARD SHARD.csv --partial -o PART.lpr` wrote for\n"
        "one shard of the survey. The merged result equals one run over every shard's\n"
        "rows, bit for bit. Respondent ids are checked for duplicates within each shard,\n"
        "not across shards.\n",
    LOTK_CLI_OPTIONS(merge_opts),
    .min_pos = 1,
    .max_pos = LOTK_CLI_MAX_POS,
    .run = run_merge,
};
