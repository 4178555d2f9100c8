/* cli.c — option parsing, lookups by option index, --help and the option listing, all from
 * each command's one table; see cli.h. */
#include "cli/cli.h"

#include "base/guard.h"
#include "output/pdf.h"
#include "output/report.h"
#include "output/writer.h"
#include "standard/standard.h"

#include <assert.h>
#include <stdlib.h>
#include <string.h>

#include "base/mem.h"
#include "base/text.h"

static int find_long(const struct lotk_cmd *cmd, const char *name, size_t len)
{
    for (int i = 0; i < (int)cmd->nopts; i++)
        if (strlen(cmd->opts[i].name) == len && strncmp(cmd->opts[i].name, name, len) == 0)
            return i;
    return -1;
}

static int find_short(const struct lotk_cmd *cmd, char c)
{
    for (int i = 0; i < (int)cmd->nopts; i++)
        if (cmd->opts[i].short_name == c)
            return i;
    return -1;
}

static const char *nearest_option(const struct lotk_cmd *cmd, const char *name)
{
    const char *best = NULL;
    size_t best_d = 3;
    for (int i = 0; i < (int)cmd->nopts; i++) {
        size_t d = lotk_edit_distance(cmd->opts[i].name, name);
        if (d < best_d) {
            best_d = d;
            best = cmd->opts[i].name;
        }
    }
    return best;
}

int lotk_cli_parse(const struct lotk_cmd *cmd, int argc, char **argv, struct lotk_args *args,
                   bool *help, struct lotk_err *err)
{
    assert(cmd->nopts <= LOTK_CLI_MAX_OPTS);
    memset(args, 0, sizeof *args);
    args->nopts = cmd->nopts;
    *help = false;
    bool options_done = false;
    for (int i = 0; i < argc; i++) {
        const char *a = argv[i];
        int opt = -1;
        const char *value = NULL;
        if (options_done || a[0] != '-' || a[1] == '\0') {
            if (args->npos >= LOTK_CLI_MAX_POS)
                return lotk_err_set(err, LOTK_EUSAGE, NULL, 0, 0, "too many arguments");
            args->pos[args->npos++] = a;
            continue;
        }
        if (strcmp(a, "--") == 0) {
            options_done = true;
            continue;
        }
        if (strcmp(a, "-h") == 0 || strcmp(a, "--help") == 0) {
            *help = true;
            return 0;
        }
        if (a[1] == '-') {
            const char *name = a + 2, *eq = strchr(name, '=');
            size_t len = eq ? (size_t)(eq - name) : strlen(name);
            opt = find_long(cmd, name, len);
            if (opt < 0) {
                char *given = lotk_xstrndup(name, len);
                const char *near = nearest_option(cmd, given);
                lotk_err_set(err, LOTK_EUSAGE, NULL, 0, 0, "%s: unknown option --%s%s%s%s",
                             cmd->name, given, near ? "; did you mean --" : "",
                             near ? near : "", near ? "?" : "");
                free(given);
                return LOTK_EUSAGE;
            }
            if (eq) {
                if (!cmd->opts[opt].arg)
                    return lotk_err_set(err, LOTK_EUSAGE, NULL, 0, 0,
                                        "%s: option --%s takes no value", cmd->name,
                                        cmd->opts[opt].name);
                value = eq + 1;
            }
        } else {
            opt = find_short(cmd, a[1]);
            if (opt < 0 || (a[2] && !cmd->opts[opt].arg))
                return lotk_err_set(err, LOTK_EUSAGE, NULL, 0, 0, "%s: unknown option %s",
                                    cmd->name, a);
            if (a[2])
                value = a + 2;
        }
        if (cmd->opts[opt].arg && !value) {
            if (i + 1 >= argc)
                return lotk_err_set(err, LOTK_EUSAGE, NULL, 0, 0, "%s: option --%s needs %s",
                                    cmd->name, cmd->opts[opt].name, cmd->opts[opt].arg);
            value = argv[++i];
        }
        args->value[opt] = cmd->opts[opt].arg ? value : "1";
        if (args->ngiven >= LOTK_CLI_MAX_POS)
            return lotk_err_set(err, LOTK_EUSAGE, NULL, 0, 0, "too many options");
        args->given[args->ngiven++] = (struct lotk_cli_given){opt, args->value[opt]};
    }
    if (args->npos < cmd->min_pos || args->npos > cmd->max_pos)
        return lotk_err_set(err, LOTK_EUSAGE, NULL, 0, 0,
                            "%s: %s arguments; usage: lotk %s %s", cmd->name,
                            args->npos < cmd->min_pos ? "missing" : "too many", cmd->name,
                            cmd->usage);
    return 0;
}

const char *lotk_cli_value(const struct lotk_args *args, int opt)
{
    /* An index of another command's enum is a programming error the compiler cannot see. */
    assert(opt >= 0 && (size_t)opt < args->nopts);
    return args->value[opt];
}

bool lotk_cli_flag(const struct lotk_args *args, int opt)
{
    return lotk_cli_value(args, opt) != NULL;
}

size_t lotk_cli_values(const struct lotk_args *args, int opt, const char **out, size_t max)
{
    assert(opt >= 0 && (size_t)opt < args->nopts);
    size_t n = 0;
    for (size_t i = 0; i < args->ngiven; i++)
        if (args->given[i].opt == opt) {
            if (n < max)
                out[n] = args->given[i].value;
            n++;
        }
    return n;
}

int lotk_cli_number(const struct lotk_cmd *cmd, const struct lotk_args *args, int opt, long lo,
                    long hi, long *out, struct lotk_err *err)
{
    const char *text = lotk_cli_value(args, opt);
    if (!text)
        return 0;
    char *end;
    long v = strtol(text, &end, 10);
    if (*end || end == text || v < lo || v > hi)
        return lotk_err_set(err, LOTK_EUSAGE, NULL, 0, 0,
                            "%s: --%s takes a whole number from %ld to %ld, not '%s'", cmd->name,
                            cmd->opts[opt].name, lo, hi, text);
    *out = v;
    return 0;
}

void lotk_cli_help(const struct lotk_cmd *cmd, FILE *out)
{
    fprintf(out, "usage: lotk %s %s\n\n%s\n", cmd->name, cmd->usage, cmd->summary);
    if (cmd->details)
        fprintf(out, "\n%s", cmd->details);
    if (cmd->nopts == 0)
        return;
    fputs("\noptions:\n", out);
    for (size_t i = 0; i < cmd->nopts; i++) {
        const struct lotk_opt *o = &cmd->opts[i];
        char left[80];
        if (o->short_name)
            snprintf(left, sizeof left, "-%c, --%s%s%s", o->short_name, o->name,
                     o->arg ? " " : "", o->arg ? o->arg : "");
        else
            snprintf(left, sizeof left, "    --%s%s%s", o->name, o->arg ? " " : "",
                     o->arg ? o->arg : "");
        fprintf(out, "  %-24s %s\n", left, o->help);
    }
}

void lotk_cli_print_options(const struct lotk_cmd *const *cmds, FILE *out)
{
    for (size_t c = 0; cmds[c]; c++)
        for (size_t i = 0; i < cmds[c]->nopts; i++) {
            const struct lotk_opt *o = &cmds[c]->opts[i];
            fprintf(out, "%s\t--%s\t", cmds[c]->name, o->name);
            if (o->short_name)
                fprintf(out, "-%c", o->short_name);
            fprintf(out, "\t%s\t%s\n", o->arg ? o->arg : "", o->help);
        }
}

int lotk_cli_format(const char *command, const char **format, bool pdf, bool reports_only,
                    const char *output, struct lotk_err *err)
{
    const char *f = *format;
    if (pdf && f && strcmp(f, "pdf") != 0)
        return lotk_err_set(err, LOTK_EUSAGE, NULL, 0, 0,
                            "%s: --pdf and -f %s ask for two formats; give one", command, f);
    if (pdf)
        f = "pdf";
    if (!f)
        f = reports_only ? "html" : "table";
    bool known = reports_only ? lotk_report_format(f) : lotk_write_format_known(f);
    if (!known)
        return lotk_err_set(err, LOTK_EUSAGE, NULL, 0, 0, "%s: unknown format '%s'; expected %s",
                            command, f, reports_only ? "html, md, xlsx or pdf" :
                                                       "table, json, csv, html, md, xlsx or pdf");
    if ((strcmp(f, "xlsx") == 0 || strcmp(f, "pdf") == 0) && (!output || strcmp(output, "-") == 0))
        return lotk_err_set(err, LOTK_EUSAGE, NULL, 0, 0,
                            "%s: -f %s writes a file, not text: give it with -o FILE", command, f);
    *format = f;
    return strcmp(f, "pdf") == 0 ? lotk_pdf_ready(err) : 0;
}

int lotk_cli_lang(const char *command, const char *lang, struct lotk_err *err)
{
    if (!lang || strcmp(lang, "zh") == 0 || strcmp(lang, "en") == 0)
        return 0;
    return lotk_err_set(err, LOTK_EUSAGE, NULL, 0, 0,
                        "%s: --lang takes zh or en, not '%s'", command, lang);
}

const char *lotk_cli_standard_lang(const struct lotk_standard *s)
{
    return s->lang ? s->lang : "zh";
}

int lotk_cli_check_output(const char *option, const char *output, const char *const *inputs,
                          size_t n, const char *role, struct lotk_err *err)
{
    struct lotk_guard g = {0};
    for (size_t i = 0; i < n; i++)
        lotk_guard_input(&g, inputs[i], role);
    int rc = lotk_guard_output(&g, output, option, err);
    lotk_guard_free(&g);
    return rc;
}
