/* cmd_norms.c — `lotk norms`: a norm table from scored results (norms.h). */
#include <stdlib.h>
#include <string.h>

#include "cli/commands.h"
#include "analysis/norms.h"
#include "output/json.h"
#include "base/buf.h"
#include "base/file.h"

static const struct lotk_opt norms_opts[NORMS_NOPTS] = {
    [NORMS_OUTPUT] = {"output", 'o', "FILE",
                      "write the norm table to FILE (atomically) instead of stdout"},
    [NORMS_MIN_GROUP] = {"min-group", 0, "N",
                         "suppress groups of fewer than N organizations (default 10)"},
    [NORMS_QUIET] = {"quiet", 'q', NULL, "print only errors on stderr"},
};

/* Parses --min-group: a whole number of at least 1. */
static int min_group_of(const char *text, const char *cmd, long *out, struct lotk_err *err)
{
    *out = LOTK_NORMS_MIN_GROUP;
    if (!text)
        return 0;
    char *end;
    long n = strtol(text, &end, 10);
    if (*end || end == text || n < 1 || n > 1000000000)
        return lotk_err_set(err, LOTK_EUSAGE, NULL, 0, 0,
                            "%s: --min-group takes a whole number of organizations, at least 1",
                            cmd);
    *out = n;
    return 0;
}

static int run_norms(const struct lotk_cmd *cmd, const struct lotk_args *args)
{
    struct lotk_err err;
    struct lotk_norms *nm = NULL;
    struct lotk_buf out = {0};
    long min_group;
    int rc;
    lotk_err_clear(&err);
    if ((rc = min_group_of(lotk_cli_value(args, NORMS_MIN_GROUP), "norms", &min_group, &err)))
        goto done;
    bool quiet = lotk_cli_flag(args, NORMS_QUIET);
    if ((rc = lotk_norms_build(args->pos, args->npos, min_group, quiet ? NULL : stderr, &nm,
                               &err)) != 0)
        goto done;
    lotk_write_json_norms(nm, &out);
    const char *output = lotk_cli_value(args, NORMS_OUTPUT);
    if ((rc = lotk_cli_check_output("-o", output, args->pos, args->npos, "the result", &err)))
        goto done;
    rc = lotk_file_write_atomic(output ? output : "-", out.data, out.len, &err);
done:
    if (rc)
        lotk_err_print(&err, stderr);
    lotk_norms_free(nm);
    lotk_buf_free(&out);
    return rc;
}

const struct lotk_cmd lotk_cmd_norms = {
    .name = "norms",
    .usage = "RESULTS.json... [options]",
    .summary = "build a norm table (quartiles, deciles) from scored results",
    .details =
        "RESULTS are JSON results of lotk score (-f json) of one standard id and version.\n"
        "Per node and for the total: the number of organizations, the quartiles and deciles\n"
        "of their points (R's quantile type 7) and the sorted points themselves, from which\n"
        "lotk score --norms FILE gives percentile ranks. Organizations flagged\n"
        "few_respondents are left out; groups under --min-group are suppressed.\n"
        "Formulas: docs/statistics.md.\n",
    LOTK_CLI_OPTIONS(norms_opts),
    .min_pos = 1,
    .max_pos = LOTK_CLI_MAX_POS,
    .run = run_norms,
};
