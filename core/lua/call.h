/* call.h — calling a plugin's function under its kind's budget; the calls of each kind
 * (aggregate, respondent, rule, report) are declared in plugin.h. Internal to the lua tier. */
#ifndef LOTK_CALL_H
#define LOTK_CALL_H

#include "lua/plugin.h"

/* Pushes pl's function (the one named after its kind; a library has none). */
void lotk_call_push(struct lotk_plugins *p, const struct lotk_plugin *pl);

/* Calls the function below nargs arguments on the stack as plugin pl (lotk.log names it),
 * through lotk_lhost_call_budget: report and library plugins get the report budget, the
 * others the default. Returns 0 with nresults values pushed, or LOTK_EPLUGIN with err
 * filled and nothing left on the stack. */
int lotk_call_run(struct lotk_plugins *p, const struct lotk_plugin *pl, int nargs,
                  int nresults, struct lotk_err *err);

/* lotk_call_run for pl's function with the arguments push pushes inside the protected
 * call (lotk_lhost_call_with). */
int lotk_call_run_with(struct lotk_plugins *p, const struct lotk_plugin *pl,
                       lotk_lhost_pusher push, void *ud, int nresults, struct lotk_err *err);

#endif
