/* commands.c — the list of commands, shared by main.c (dispatch, --help, `lotk help
 * --options`) and the unit tests that check every command's table. */
#include "cli/commands.h"

#include <string.h>

const struct lotk_cmd *const lotk_commands[] = {
    &lotk_cmd_score,
    &lotk_cmd_check,
    &lotk_cmd_validate,
    &lotk_cmd_standards,
    &lotk_cmd_plugins,
    &lotk_cmd_merge,
    &lotk_cmd_norms,
    &lotk_cmd_compare,
    &lotk_cmd_report,
    &lotk_cmd_init,
    NULL,
};

const struct lotk_cmd *lotk_commands_find(const char *name)
{
    for (size_t i = 0; lotk_commands[i]; i++)
        if (strcmp(lotk_commands[i]->name, name) == 0)
            return lotk_commands[i];
    return NULL;
}
