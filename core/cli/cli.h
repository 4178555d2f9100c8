/* cli.h — subcommands and their options, described once: the same table parses argv, prints
 * --help and lists the options for the docs check (`lotk help --options`), so none of them
 * can disagree.
 *
 * Each command's options are an array indexed by an enum of its own (commands.h), filled
 * with designated initialisers, and every lookup goes by that enum: a misspelt option is a
 * compile error, not a NULL at run time. Adding an option is its enum entry plus its line in
 * the table. */
#ifndef LOTK_CLI_H
#define LOTK_CLI_H

#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>

#include "base/err.h"

enum { LOTK_CLI_MAX_OPTS = 32, LOTK_CLI_MAX_POS = 4096 };

struct lotk_opt {
    const char *name;   /* long name without dashes */
    char short_name;    /* 0 when none */
    const char *arg;    /* name of the value ("FILE"), NULL for a flag */
    const char *help;
};

struct lotk_args {
    const char *pos[LOTK_CLI_MAX_POS];
    size_t npos;
    size_t nopts;                         /* the parsed command's, to catch a stray index */
    const char *value[LOTK_CLI_MAX_OPTS]; /* by option index; flags get "1" */
    /* Every option given, in order (value holds only the last), for options that may
     * repeat such as --evidence FILE. */
    struct lotk_cli_given {
        int opt;
        const char *value;
    } given[LOTK_CLI_MAX_POS];
    size_t ngiven;
};

struct lotk_cmd {
    const char *name;
    const char *usage;    /* after "lotk NAME " */
    const char *summary;  /* one line for the command list */
    const char *details;  /* paragraphs for `lotk help NAME`, may be NULL */
    const struct lotk_opt *opts; /* nopts entries, indexed by the command's option enum */
    size_t nopts;                /* at most LOTK_CLI_MAX_OPTS */
    size_t min_pos, max_pos;
    int (*run)(const struct lotk_cmd *cmd, const struct lotk_args *args);
};

/* In a struct lotk_cmd initialiser: the option table, and its length taken from the table
 * itself (declared TABLE[CMD_NOPTS] with the command's enum), so the two cannot differ. */
#define LOTK_CLI_OPTIONS(table) .opts = (table), .nopts = sizeof(table) / sizeof *(table)

/* Parses argv (after the command name) against cmd's options. "--" ends options; "-" is a
 * positional (standard input). Returns 0, or LOTK_EUSAGE with err saying what was wrong
 * (an unknown option with the nearest known one, a missing value, a wrong count of
 * arguments). Sets *help when -h/--help was given. */
int lotk_cli_parse(const struct lotk_cmd *cmd, int argc, char **argv, struct lotk_args *args,
                   bool *help, struct lotk_err *err);

/* The last value given to option opt (an index of the parsed command's option enum), "1"
 * for a flag, or NULL when the option was not given. opt must be one of that command's
 * options (checked by assert). */
const char *lotk_cli_value(const struct lotk_args *args, int opt);

/* Whether option opt was given at all (a flag, or an option with a value). */
bool lotk_cli_flag(const struct lotk_args *args, int opt);

/* Every value given to option opt, in command-line order: stores up to max of them in out
 * and returns how many were given (which may exceed max). For options that repeat. */
size_t lotk_cli_values(const struct lotk_args *args, int opt, const char **out, size_t max);

/* Reads option opt of cmd as a whole number in [lo, hi] into *out, which keeps its default
 * when the option is absent. Returns 0, or LOTK_EUSAGE with err saying what it takes. */
int lotk_cli_number(const struct lotk_cmd *cmd, const struct lotk_args *args, int opt, long lo,
                    long hi, long *out, struct lotk_err *err);

/* Prints a command's usage, summary, details and options. */
void lotk_cli_help(const struct lotk_cmd *cmd, FILE *out);

/* Prints every option of every command of the NULL-terminated list cmds, one line each:
 * command, --long, -s, ARG and help, separated by tabs, with an empty field for no short
 * name or no value. For tests and tooling (`lotk help --options`, docs/cli.md). */
void lotk_cli_print_options(const struct lotk_cmd *const *cmds, FILE *out);

/* ---- options shared by the commands that write results ---------------------------- */

/* The default --plugin-memory of a run that renders a report, in MiB: a report plugin
 * holds the whole result of a batch as Lua tables. */
enum { LOTK_CLI_REPORT_MEMORY_MIB = 1024 };

/* Settles -f and --pdf for command: *format NULL becomes "table" (or "html" when
 * reports_only), --pdf means pdf (and contradicts another -f), a format must be one the
 * command writes, and xlsx and pdf need an output file (-o), not standard output. Returns
 * 0 or LOTK_EUSAGE with err saying what is wrong. */
int lotk_cli_format(const char *command, const char **format, bool pdf, bool reports_only,
                    const char *output, struct lotk_err *err);

/* Checks --lang (NULL: not given). Returns 0 or LOTK_EUSAGE. */
int lotk_cli_lang(const char *command, const char *lang, struct lotk_err *err);

/* Checks that output, the file option (such as "-o") names, is none of inputs[0..n) (what
 * they are: role) — a command's one output against what it reads (base/guard.h). NULL or
 * "-" is fine. Returns 0 or LOTK_EUSAGE. */
int lotk_cli_check_output(const char *option, const char *output, const char *const *inputs,
                          size_t n, const char *role, struct lotk_err *err);

struct lotk_standard;

/* The language of labels when --lang is not given: the standard's first title language. */
const char *lotk_cli_standard_lang(const struct lotk_standard *s);

#endif
