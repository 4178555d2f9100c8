/* cmd_compare.c — `lotk compare`: change between two rounds (compare.h). */
#include <string.h>

#include "cli/commands.h"
#include "analysis/compare.h"
#include "output/csv.h"
#include "output/json.h"
#include "output/table.h"
#include "base/buf.h"
#include "base/file.h"

static const struct lotk_opt compare_opts[COMPARE_NOPTS] = {
    [COMPARE_FORMAT] = {"format", 'f', "FORMAT", "table (default), json or csv"},
    [COMPARE_OUTPUT] = {"output", 'o', "FILE",
                        "write the comparison to FILE (atomically) instead of stdout"},
    [COMPARE_STANDARD] = {"standard", 0, "STANDARD",
                          "the newer round's standard (file or id), for its crosswalk"},
    [COMPARE_QUIET] = {"quiet", 'q', NULL, "print only errors on stderr"},
};

static int run_compare(const struct lotk_cmd *cmd, const struct lotk_args *args)
{
    struct lotk_err err;
    struct lotk_comparison *c = NULL;
    struct lotk_buf out = {0};
    struct lotk_output dest;
    int rc = 0;
    lotk_err_clear(&err);
    const char *format = lotk_cli_value(args, COMPARE_FORMAT);
    if (!format)
        format = "table";
    if (strcmp(format, "table") && strcmp(format, "json") && strcmp(format, "csv")) {
        rc = lotk_err_set(&err, LOTK_EUSAGE, NULL, 0, 0,
                          "compare: unknown format '%s'; expected table, json or csv", format);
        goto done;
    }
    bool quiet = lotk_cli_flag(args, COMPARE_QUIET);
    if ((rc = lotk_compare_run(args->pos[0], args->pos[1], lotk_cli_value(args, COMPARE_STANDARD),
                               quiet ? NULL : stderr, &c, &err)) != 0)
        goto done;
    if (strcmp(format, "json") == 0)
        lotk_write_json_comparison(c, &out);
    else if (strcmp(format, "csv") == 0)
        lotk_write_csv_comparison(c, &out);
    else
        lotk_write_table_comparison(c, &out);
    const char *output = lotk_cli_value(args, COMPARE_OUTPUT);
    if ((rc = lotk_cli_check_output("-o", output, args->pos, args->npos, "the result", &err)))
        goto done;
    if ((rc = lotk_output_open(&dest, output ? output : "-", &err)) != 0)
        goto done;
    lotk_output_write(&dest, out.data ? out.data : "", out.len);
    rc = lotk_output_commit(&dest, &err);
done:
    if (rc && (err.code || err.msg[0]))
        lotk_err_print(&err, stderr);
    lotk_compare_free(c);
    lotk_buf_free(&out);
    return rc;
}

const struct lotk_cmd lotk_cmd_compare = {
    .name = "compare",
    .usage = "OLD.json NEW.json [options]",
    .summary = "compare two rounds: changes with a reliable change index",
    .details =
        "OLD and NEW are JSON results of lotk score (-f json) of one standard. Organizations\n"
        "and nodes are matched by id; when the standard versions differ, the newer standard's\n"
        "crosswalk: block maps renamed or moved nodes (the standard is looked up by id, or\n"
        "given with --standard). Each change has RCI = (new - old) / (sqrt(2) SD sqrt(1 - r))\n"
        "with SD and r of the old round from its org_reliability block (r is ICC(2) for a\n"
        "leaf, a conservative composite for inner nodes and the total); |RCI| > 1.96 is a\n"
        "real change. Values are normalised (the total: points / standard points).\n"
        "Formulas and their justification: docs/statistics.md.\n",
    LOTK_CLI_OPTIONS(compare_opts),
    .min_pos = 2,
    .max_pos = 2,
    .run = run_compare,
};
