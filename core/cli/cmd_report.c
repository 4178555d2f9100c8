/* cmd_report.c — `lotk report`: a saved JSON result rendered as a report (output/report.h),
 * without scoring again: the same bytes as `lotk score … -f FORMAT` gave for that result. */
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "analysis/doc.h"
#include "base/json_tree.h"
#include "cli/commands.h"
#include "lua/plugin.h"
#include "output/report.h"
#include "standard/standard.h"

static const struct lotk_opt report_opts[REPORT_NOPTS] = {
    [REPORT_FORMAT] = {"format", 'f', "FORMAT", "html (default), md, xlsx or pdf"},
    [REPORT_OUTPUT] = {"output", 'o', "FILE",
                       "write the report to FILE (atomically) instead of stdout"},
    [REPORT_PDF] = {"pdf", 0, NULL, "the same as -f pdf: the HTML report printed by Chromium"},
    [REPORT_ORG] = {"org", 0, "ID",
                    "report only this organization (repeatable), ranked against the whole "
                    "batch"},
    [REPORT_LANG] = {"lang", 0, "LANG",
                     "zh or en (default: the first language of the result's standard)"},
    [REPORT_PLUGIN_MEMORY] = {"plugin-memory", 0, "MIB",
                              "memory cap of the report plugins, in MiB (default 1024)"},
};

/* The standard the result was scored against, when it is on the search path with the very
 * bytes the result names (its sha256): its plugins/ folder is where a user's own report
 * plugins live. NULL when not found — the shipped plugins render then. */
static struct lotk_standard *standard_of(const json_t *doc)
{
    const json_t *std = json_object_get(doc, "standard");
    const char *id = lotk_json_get_string(std, "id"), *sha = lotk_json_get_string(std, "sha256");
    struct lotk_err err;
    struct lotk_diags diags = {0};
    struct lotk_standard *s = NULL;
    char *path = id ? lotk_standard_resolve(id, &err) : NULL;
    if (path && lotk_standard_load(path, &s, &diags) == 0 && sha && strcmp(s->sha256, sha) != 0) {
        lotk_standard_free(s);
        s = NULL;
    }
    lotk_diags_free(&diags);
    free(path);
    return s;
}

/* A lotk score result, read back: enough of it to render. */
static int read_result(const char *path, json_t **doc, struct lotk_err *err)
{
    int rc = lotk_doc_read_json(path, doc, err);
    if (rc)
        return rc;
    const json_t *std = json_object_get(*doc, "standard");
    if (!json_is_object(*doc) || !lotk_json_get_string(std, "id") ||
        !json_is_array(json_object_get(std, "nodes")) ||
        !json_is_array(json_object_get(*doc, "organizations"))) {
        json_decref(*doc);
        *doc = NULL;
        return lotk_err_set(err, LOTK_EIO, path, 0, 0,
                            "not a lotk score result with a standard tree (lotk score -f json "
                            "of lotk %s or later)", LOTK_VERSION);
    }
    return 0;
}

static int run_report(const struct lotk_cmd *cmd, const struct lotk_args *args)
{
    struct lotk_err err;
    json_t *doc = NULL;
    struct lotk_standard *s = NULL;
    struct lotk_plugins *plugins = NULL;
    static const char *orgs[LOTK_CLI_MAX_POS];
    long memory_mib = LOTK_CLI_REPORT_MEMORY_MIB;
    int rc;
    lotk_err_clear(&err);
    const char *format = lotk_cli_value(args, REPORT_FORMAT);
    const char *output = lotk_cli_value(args, REPORT_OUTPUT);
    const char *lang = lotk_cli_value(args, REPORT_LANG);
    size_t norgs = lotk_cli_values(args, REPORT_ORG, orgs, LOTK_CLI_MAX_POS);
    if ((rc = lotk_cli_format("report", &format, lotk_cli_flag(args, REPORT_PDF), true, output,
                              &err)) != 0 ||
        (rc = lotk_cli_lang("report", lang, &err)) != 0 ||
        (rc = lotk_cli_number(cmd, args, REPORT_PLUGIN_MEMORY, 1, 65536, &memory_mib, &err)) !=
            0 ||
        (rc = lotk_cli_check_output("-o", output, args->pos, 1, "the result", &err)) != 0 ||
        (rc = read_result(args->pos[0], &doc, &err)) != 0)
        goto done;
    if (norgs && (rc = lotk_report_select(doc, orgs, norgs, &err)) != 0)
        goto done;
    struct lotk_lhost_limits limits = {.memory = (size_t)memory_mib << 20};
    s = standard_of(doc);
    if (!(plugins = lotk_plugins_new(&limits, s, &err))) {
        rc = err.code;
        goto done;
    }
    rc = lotk_report_write(doc, format, lang ? lang : lotk_report_default_lang(doc), plugins,
                           output ? output : "-", &err);
done:
    if (rc)
        lotk_err_print(&err, stderr);
    lotk_plugins_free(plugins);
    lotk_standard_free(s);
    json_decref(doc);
    return rc;
}

const struct lotk_cmd lotk_cmd_report = {
    .name = "report",
    .usage = "RESULT.json [options]",
    .summary = "render a saved result as a report (HTML, Markdown, Excel, PDF)",
    .details =
        "RESULT is the JSON result of lotk score (-f json). The report is the one lotk score\n"
        "-f FORMAT writes for that result, byte for byte (PDF: the same pages): the batch's\n"
        "summary, league table and heat map, and a page per organization. --org reports on\n"
        "some organizations only, still ranked and compared with the whole batch. HTML and\n"
        "Markdown come from the report plugins html and markdown: a plugin of that name in\n"
        "the plugins/ beside the result's standard, or on $LOTK_PLUGIN_PATH, replaces the\n"
        "shipped one.\n",
    LOTK_CLI_OPTIONS(report_opts),
    .min_pos = 1,
    .max_pos = 1,
    .run = run_report,
};
