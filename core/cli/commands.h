/* commands.h — the subcommands main.c dispatches to; each lives in cmd_<name>.c. */
#ifndef LOTK_COMMANDS_H
#define LOTK_COMMANDS_H

#include "cli/cli.h"

extern const struct lotk_cmd lotk_cmd_score;
extern const struct lotk_cmd lotk_cmd_check;
extern const struct lotk_cmd lotk_cmd_validate;
extern const struct lotk_cmd lotk_cmd_standards;
extern const struct lotk_cmd lotk_cmd_plugins;
extern const struct lotk_cmd lotk_cmd_merge;
extern const struct lotk_cmd lotk_cmd_norms;
extern const struct lotk_cmd lotk_cmd_compare;

#endif
