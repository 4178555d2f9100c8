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

static const struct lotk_opt merge_opts[] = {
    {"standard", 's', "FILE", "the standard the shards were scored with (default: as recorded)"},
    {"format", 'f', "FORMAT", "table (default), json or csv"},
    {"output", 'o', "FILE", "write the result to FILE (atomically) instead of stdout"},
    {"bom", 0, NULL, "csv: start with a UTF-8 byte-order mark"},
    {"norms", 0, "FILE", "percentile ranks against this norm table (default: the batch)"},
    {"min-group", 0, "N", "batch norms: suppress groups under N organizations (default 10)"},
    {"plugin-memory", 0, "MIB", "memory cap of the Lua plugins, in MiB (default 64)"},
    {0},
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

static int run_merge(const struct lotk_cmd *cmd, const struct lotk_args *args)
{
    struct lotk_err err;
    struct lotk_standard *s = NULL;
    struct lotk_plugins *plugins = NULL;
    struct lotk_scorer *scorer = NULL;
    struct lotk_result *result = NULL;
    struct lotk_result_table table = {0};
    struct lotk_partial_info first = {0};
    struct lotk_diags diags = {0};
    struct lotk_survey_counts counts = {0};
    struct lotk_norms *norms = NULL;
    struct lotk_ranks *ranks = NULL;
    char **data = lotk_xcalloc(args->npos, sizeof *data);
    size_t *len = lotk_xcalloc(args->npos, sizeof *len);
    int rc = 0;

    lotk_err_clear(&err);
    const char *format = lotk_cli_get(cmd, args, "format");
    if (!format)
        format = "table";
    if (!lotk_writer_find(format)) {
        rc = lotk_err_set(&err, LOTK_EUSAGE, NULL, 0, 0,
                          "merge: unknown format '%s'; expected table, json or csv", format);
        goto done;
    }
    long memory_mib = 0, min_group = LOTK_NORMS_MIN_GROUP;
    if ((rc = lotk_cli_number(cmd, args, "plugin-memory", 1, 65536, &memory_mib, &err)) != 0 ||
        (rc = lotk_cli_number(cmd, args, "min-group", 1, 1000000000, &min_group, &err)) != 0)
        goto done;
    for (size_t i = 0; i < args->npos; i++) {
        struct lotk_partial_info info;
        if ((rc = lotk_file_read(args->pos[i], PARTIAL_MAX_BYTES, &data[i], &len[i],
                                 &err)) != 0) {
            goto done;
        }
        if ((rc = lotk_partial_inspect(args->pos[i], data[i], len[i], &info, &err)) != 0)
            goto done;
        if (i == 0) {
            first = info;
            continue;
        }
        bool same = strcmp(info.standard_sha256, first.standard_sha256) == 0;
        if (!same)
            rc = lotk_err_set(&err, LOTK_EUSAGE, args->pos[i], 0, 0,
                              "scored with %s %s, but %s was scored with %s %s (another "
                              "sha256); shards must share one standard",
                              info.standard_id, info.standard_version, args->pos[0],
                              first.standard_id, first.standard_version);
        lotk_partial_info_clear(&info);
        if (rc)
            goto done;
    }
    if ((rc = load_standard(lotk_cli_get(cmd, args, "standard"), &first, args->pos[0], &s,
                            &err)) != 0)
        goto done;
    struct lotk_lhost_limits limits = {0};
    limits.memory = (size_t)memory_mib << 20;
    if (!(plugins = lotk_plugins_new(&limits, s, &err))) {
        rc = err.code;
        goto done;
    }
    if (lotk_plugins_resolve_standard(plugins, &diags) != 0) {
        lotk_diags_print(&diags, stderr);
        rc = LOTK_ESTANDARD;
        goto done_printed;
    }
    scorer = lotk_scorer_new(s, plugins, false);
    lotk_scorer_set_jobs(scorer, lotk_batch_default_jobs());
    for (size_t i = 0; i < args->npos; i++)
        if ((rc = lotk_partial_merge(args->pos[i], data[i], len[i], scorer, &counts, &err)) !=
            0)
            goto done;
    if ((rc = lotk_scorer_finish(scorer, counts, &result, &err)) != 0 ||
        (rc = lotk_rules_apply(result, plugins, &err)) != 0)
        goto done;
    /* Percentile ranks and measurement error as lotk score gives them. */
    const char *norms_path = lotk_cli_get(cmd, args, "norms");
    if (norms_path) {
        if ((rc = lotk_norms_load(norms_path, &norms, &err)) != 0 ||
            (rc = lotk_norms_check_standard(norms, s, norms_path, &err)) != 0)
            goto done;
    } else {
        norms = lotk_norms_from_result(result, min_group);
    }
    ranks = lotk_ranks_compute(norms, result);
    struct lotk_write_opts opts = {.bom = lotk_cli_flag(cmd, args, "bom"),
                                   .jobs = lotk_batch_default_jobs()};
    lotk_result_table_init(&table, result, ranks, NULL, true);
    const char *output = lotk_cli_get(cmd, args, "output");
    rc = lotk_write_result(&table, format, output ? output : "-", &opts, &err);
done:
    if (rc)
        lotk_err_print(&err, stderr);
done_printed:
    for (size_t i = 0; i < args->npos; i++)
        free(data[i]);
    free(data);
    free(len);
    lotk_partial_info_clear(&first);
    lotk_result_table_clear(&table);
    lotk_ranks_free(ranks);
    lotk_norms_free(norms);
    lotk_result_free(result);
    lotk_scorer_free(scorer);
    lotk_plugins_free(plugins);
    lotk_standard_free(s);
    lotk_diags_free(&diags);
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
    .opts = merge_opts,
    .min_pos = 1,
    .max_pos = LOTK_CLI_MAX_POS,
    .run = run_merge,
};
