/* main.c — dispatch to a command, the overview, `lotk help` and the exit code; the
 * commands live in cmd_*.c, their list in commands.c. */
#include <malloc.h>
#include <stdio.h>
#include <string.h>

#include "base/file.h"
#include "base/json_tree.h"
#include "cli/commands.h"
#include "base/err.h"
#include "base/text.h"

static void usage(FILE *out)
{
    fputs("lotk — score learning organizations against assessment standards\n\n"
          "usage: lotk COMMAND [ARGS]\n\ncommands:\n", out);
    for (int i = 0; lotk_commands[i]; i++)
        fprintf(out, "  %-10s %s\n", lotk_commands[i]->name, lotk_commands[i]->summary);
    fputs("  help       show the options of a command: lotk help COMMAND\n\n"
          "lotk --version prints the version.\n"
          "exit codes: 0 ok, 1 data rejected under --strict, 2 usage or I/O error,\n"
          "            3 invalid standard or plugin, 4 plugin failed at run time\n",
          out);
}

static void no_command(const char *name)
{
    const char *best = NULL;
    size_t best_d = 3; /* further than two edits is no suggestion */
    for (int i = 0; lotk_commands[i]; i++) {
        size_t d = lotk_edit_distance(name, lotk_commands[i]->name);
        if (d < best_d) {
            best_d = d;
            best = lotk_commands[i]->name;
        }
    }
    if (best)
        fprintf(stderr, "lotk: error: no command '%s'; did you mean '%s'?\n", name, best);
    else
        fprintf(stderr, "lotk: error: no command '%s'; lotk --help lists them\n", name);
}

int main(int argc, char **argv)
{
    /* An interrupted run leaves no half-written output behind (base/file.h). */
    lotk_file_cleanup_on_signals();
    /* Running out of memory in a library is what it is in lotk: a message, exit 2. */
    lotk_json_use_lotk_memory();
    /* One malloc arena for every thread: organizations' sums are allocated on the scorer's
     * thread and freed on this one as it allocates their results, and memory another
     * thread's arena freed is never reused here, so with an arena per thread the peak
     * would hold both. The threads allocate rarely (a new organization), so they do not
     * wait on each other for it. */
    mallopt(M_ARENA_MAX, 1);
    if (argc < 2) {
        usage(stderr);
        return LOTK_EXIT_USAGE;
    }
    const char *name = argv[1];
    if (strcmp(name, "--help") == 0 || strcmp(name, "-h") == 0) {
        usage(stdout);
        return 0;
    }
    if (strcmp(name, "--version") == 0) {
        printf("lotk %s\n", LOTK_VERSION);
        return 0;
    }
    if (strcmp(name, "help") == 0) {
        if (argc < 3) {
            usage(stdout);
            return 0;
        }
        /* Not in the overview: a listing for tests and tooling (docs/cli.md). */
        if (strcmp(argv[2], "--options") == 0) {
            lotk_cli_print_options(lotk_commands, stdout);
            return 0;
        }
        const struct lotk_cmd *cmd = lotk_commands_find(argv[2]);
        if (!cmd) {
            no_command(argv[2]);
            return LOTK_EXIT_USAGE;
        }
        lotk_cli_help(cmd, stdout);
        return 0;
    }
    const struct lotk_cmd *cmd = lotk_commands_find(name);
    if (!cmd) {
        no_command(name);
        return LOTK_EXIT_USAGE;
    }
    static struct lotk_args args; /* large: keep it off the stack */
    struct lotk_err err;
    bool help;
    lotk_err_clear(&err);
    if (lotk_cli_parse(cmd, argc - 2, argv + 2, &args, &help, &err) != 0) {
        lotk_err_print(&err, stderr);
        return LOTK_EXIT_USAGE;
    }
    if (help) {
        lotk_cli_help(cmd, stdout);
        return 0;
    }
    return lotk_err_exit_code(cmd->run(cmd, &args));
}
