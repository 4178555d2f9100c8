/* commands.h — the subcommands main.c dispatches to (each lives in cmd_<name>.c), and the
 * enum that names each command's options: its option table in cmd_<name>.c is indexed by it
 * and every lookup (lotk_cli_value, lotk_cli_flag, …) goes by it. Adding an option is an
 * entry here plus its line in the table; the docs check (tests/docs) then asks for it in
 * docs/cli.md and docs/lotk.1. */
#ifndef LOTK_COMMANDS_H
#define LOTK_COMMANDS_H

#include "cli/cli.h"

/* Options of each command, in --help order; *_NOPTS counts them. */
enum score_opt {
    SCORE_FORMAT,
    SCORE_OUTPUT,
    SCORE_RESPONDENTS,
    SCORE_BOM,
    SCORE_REJECTS,
    SCORE_STRICT,
    SCORE_DELIMITER,
    SCORE_ENCODING,
    SCORE_PARTIAL,
    SCORE_JOBS,
    SCORE_PLUGIN_MEMORY,
    SCORE_QUIET,
    SCORE_NORMS,
    SCORE_MIN_GROUP,
    SCORE_BOOTSTRAP,
    SCORE_SEED,
    SCORE_CONFIDENCE,
    SCORE_EVIDENCE,
    SCORE_ORG,
    SCORE_LANG,
    SCORE_PDF,
    SCORE_STATISTICS,
    SCORE_MEMBERS,
    SCORE_MEMBERSHIP,
    SCORE_NOPTS
};

enum merge_opt {
    MERGE_STANDARD,
    MERGE_FORMAT,
    MERGE_OUTPUT,
    MERGE_BOM,
    MERGE_NORMS,
    MERGE_MIN_GROUP,
    MERGE_PLUGIN_MEMORY,
    MERGE_NOPTS
};

enum check_opt { CHECK_QUIET, CHECK_DATA, CHECK_AGAINST, CHECK_NOPTS };

enum validate_opt {
    VALIDATE_FORMAT,
    VALIDATE_OUTPUT,
    VALIDATE_DELIMITER,
    VALIDATE_ENCODING,
    VALIDATE_NOPTS
};

enum norms_opt { NORMS_OUTPUT, NORMS_MIN_GROUP, NORMS_QUIET, NORMS_NOPTS };

enum report_opt {
    REPORT_FORMAT,
    REPORT_OUTPUT,
    REPORT_PDF,
    REPORT_ORG,
    REPORT_LANG,
    REPORT_PLUGIN_MEMORY,
    REPORT_NOPTS
};

enum init_opt { INIT_KIND, INIT_FROM_EXPORT, INIT_NOPTS };

enum compare_opt { COMPARE_FORMAT, COMPARE_OUTPUT, COMPARE_STANDARD, COMPARE_QUIET, COMPARE_NOPTS };

extern const struct lotk_cmd lotk_cmd_score;
extern const struct lotk_cmd lotk_cmd_check;
extern const struct lotk_cmd lotk_cmd_validate;
extern const struct lotk_cmd lotk_cmd_standards;
extern const struct lotk_cmd lotk_cmd_plugins;
extern const struct lotk_cmd lotk_cmd_merge;
extern const struct lotk_cmd lotk_cmd_norms;
extern const struct lotk_cmd lotk_cmd_compare;
extern const struct lotk_cmd lotk_cmd_report;
extern const struct lotk_cmd lotk_cmd_init;

/* Every command, in the order `lotk --help` lists them, NULL-terminated. */
extern const struct lotk_cmd *const lotk_commands[];

/* The command called name, or NULL. */
const struct lotk_cmd *lotk_commands_find(const char *name);

#endif
