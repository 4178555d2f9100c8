/* test_cli.c — option parsing and help from one table: long and short options, --x=y,
 * "--", "-" as a positional, unknown options with a suggestion, missing values. */
#include "testutil.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli/cli.h"
#include "cli/commands.h"
#include "base/mem.h"

static const struct lotk_opt opts[] = {
    {"format", 'f', "FORMAT", "table, json or csv"},
    {"output", 'o', "FILE", "write to FILE"},
    {"respondents", 0, NULL, "add respondents"},
    {"rejects", 0, "FILE", "write rejected rows"},
    {"quiet", 'q', NULL, "print only errors"},
    {0},
};

static const struct lotk_cmd cmd = {
    .name = "score",
    .usage = "STANDARD RESPONSES.csv... [options]",
    .summary = "score survey responses",
    .details = "Details paragraph.\n",
    .opts = opts,
    .min_pos = 2,
    .max_pos = 3,
    .run = NULL,
};

static struct lotk_args args;
static struct lotk_err err;
static bool help;

/* Parses a NULL-terminated argument list; returns lotk_cli_parse's code. */
static int parse_with(const struct lotk_cmd *c, const char *const *argv)
{
    int argc = 0;
    while (argv[argc])
        argc++;
    lotk_err_clear(&err);
    help = true;
    return lotk_cli_parse(c, argc, (char **)argv, &args, &help, &err);
}

#define PARSE(...) parse_with(&cmd, (const char *const[]){__VA_ARGS__, NULL})

static void expect_usage_error(int rc, const char *msg)
{
    assert_int_equal(rc, LOTK_EUSAGE);
    assert_int_equal(err.code, LOTK_EUSAGE);
    assert_string_equal(err.msg, msg);
    assert_int_equal(lotk_err_exit_code(rc), 2);
}

static void positionals_and_options(void **state)
{
    (void)state;
    assert_int_equal(PARSE("std.yaml", "-f", "json", "a.csv", "--respondents", "-q"), 0);
    assert_false(help);
    assert_int_equal(args.npos, 2);
    assert_string_equal(args.pos[0], "std.yaml");
    assert_string_equal(args.pos[1], "a.csv");
    assert_string_equal(lotk_cli_get(&cmd, &args, "format"), "json");
    assert_true(lotk_cli_flag(&cmd, &args, "respondents"));
    assert_true(lotk_cli_flag(&cmd, &args, "quiet"));
    assert_string_equal(lotk_cli_get(&cmd, &args, "quiet"), "1");
    assert_null(lotk_cli_get(&cmd, &args, "output"));
    assert_false(lotk_cli_flag(&cmd, &args, "rejects"));
    assert_null(lotk_cli_get(&cmd, &args, "no-such-option"));
}

static void option_value_forms(void **state)
{
    (void)state;
    assert_int_equal(PARSE("s", "r", "--format=csv"), 0);
    assert_string_equal(lotk_cli_get(&cmd, &args, "format"), "csv");
    assert_int_equal(PARSE("s", "r", "--format", "csv"), 0);
    assert_string_equal(lotk_cli_get(&cmd, &args, "format"), "csv");
    assert_int_equal(PARSE("s", "r", "-fcsv"), 0);
    assert_string_equal(lotk_cli_get(&cmd, &args, "format"), "csv");
    /* The value may contain '=' and may be empty. */
    assert_int_equal(PARSE("s", "r", "--output=a=b.json"), 0);
    assert_string_equal(lotk_cli_get(&cmd, &args, "output"), "a=b.json");
    assert_int_equal(PARSE("s", "r", "--format="), 0);
    assert_string_equal(lotk_cli_get(&cmd, &args, "format"), "");
    /* The next argument is the value, even when it looks like an option or is "-". */
    assert_int_equal(PARSE("s", "r", "-o", "-"), 0);
    assert_string_equal(lotk_cli_get(&cmd, &args, "output"), "-");
    assert_int_equal(PARSE("s", "r", "--rejects", "--quiet"), 0);
    assert_string_equal(lotk_cli_get(&cmd, &args, "rejects"), "--quiet");
    assert_false(lotk_cli_flag(&cmd, &args, "quiet"));
    /* The last occurrence wins. */
    assert_int_equal(PARSE("s", "r", "-f", "csv", "--format=json"), 0);
    assert_string_equal(lotk_cli_get(&cmd, &args, "format"), "json");
}

static void dash_and_double_dash(void **state)
{
    (void)state;
    /* "-" is standard input, a positional. */
    assert_int_equal(PARSE("s", "-", "-q"), 0);
    assert_int_equal(args.npos, 2);
    assert_string_equal(args.pos[1], "-");
    assert_true(lotk_cli_flag(&cmd, &args, "quiet"));
    /* After "--" everything is positional, even "--format" and "-q". */
    assert_int_equal(PARSE("s", "--", "--format", "-q"), 0);
    assert_int_equal(args.npos, 3);
    assert_string_equal(args.pos[0], "s");
    assert_string_equal(args.pos[1], "--format");
    assert_string_equal(args.pos[2], "-q");
    assert_null(lotk_cli_get(&cmd, &args, "format"));
    assert_false(lotk_cli_flag(&cmd, &args, "quiet"));
    /* A second "--" is a positional. */
    assert_int_equal(PARSE("--", "s", "--"), 0);
    assert_int_equal(args.npos, 2);
    assert_string_equal(args.pos[1], "--");
}

static void unknown_options(void **state)
{
    (void)state;
    expect_usage_error(PARSE("s", "r", "--fromat", "json"),
                       "score: unknown option --fromat; did you mean --format?");
    expect_usage_error(PARSE("s", "r", "--respondent"),
                       "score: unknown option --respondent; did you mean --respondents?");
    expect_usage_error(PARSE("s", "r", "--quite"),
                       "score: unknown option --quite; did you mean --quiet?");
    /* --x=y: the name is the part before '='. */
    expect_usage_error(PARSE("s", "r", "--formt=json"),
                       "score: unknown option --formt; did you mean --format?");
    /* Nothing close: no suggestion. */
    expect_usage_error(PARSE("s", "r", "--verbose"), "score: unknown option --verbose");
    expect_usage_error(PARSE("s", "r", "-x"), "score: unknown option -x");
    /* A flag does not take a value glued on. */
    expect_usage_error(PARSE("s", "r", "-qv"), "score: unknown option -qv");
}

static void missing_and_unwanted_values(void **state)
{
    (void)state;
    expect_usage_error(PARSE("s", "r", "--output"), "score: option --output needs FILE");
    expect_usage_error(PARSE("s", "r", "-f"), "score: option --format needs FORMAT");
    expect_usage_error(PARSE("s", "r", "--quiet=yes"), "score: option --quiet takes no value");
    expect_usage_error(PARSE("s", "r", "--respondents="),
                       "score: option --respondents takes no value");
}

static void argument_counts(void **state)
{
    (void)state;
    expect_usage_error(PARSE("s"), "score: missing arguments; usage: lotk score STANDARD "
                                   "RESPONSES.csv... [options]");
    expect_usage_error(PARSE("s", "a", "b", "c"),
                       "score: too many arguments; usage: lotk score STANDARD RESPONSES.csv... "
                       "[options]");
    expect_usage_error(parse_with(&cmd, (const char *const[]){NULL}),
                       "score: missing arguments; usage: lotk score STANDARD RESPONSES.csv... "
                       "[options]");
}

static void help_wins(void **state)
{
    (void)state;
    /* -h and --help stop parsing: no complaint about missing arguments or what follows. */
    assert_int_equal(PARSE("-h"), 0);
    assert_true(help);
    assert_int_equal(PARSE("s", "--help", "--bogus"), 0);
    assert_true(help);
    assert_int_equal(PARSE("s", "r"), 0);
    assert_false(help);
    /* After "--", --help is a file name. */
    assert_int_equal(PARSE("s", "--", "--help"), 0);
    assert_false(help);
}

static char *help_text(const struct lotk_cmd *c)
{
    char *buf = NULL;
    size_t len = 0;
    FILE *f = open_memstream(&buf, &len);
    assert_non_null(f);
    lotk_cli_help(c, f);
    fclose(f);
    return buf;
}

static void help_from_the_table(void **state)
{
    (void)state;
    char *h = help_text(&cmd);
    assert_string_equal(h, "usage: lotk score STANDARD RESPONSES.csv... [options]\n"
                           "\n"
                           "score survey responses\n"
                           "\n"
                           "Details paragraph.\n"
                           "\n"
                           "options:\n"
                           "  -f, --format FORMAT      table, json or csv\n"
                           "  -o, --output FILE        write to FILE\n"
                           "      --respondents        add respondents\n"
                           "      --rejects FILE       write rejected rows\n"
                           "  -q, --quiet              print only errors\n");
    free(h);
}

/* The real commands: every option has a help line, and names and short names are unique,
 * so the table can both parse and document. */
static void command_tables_are_sound(void **state)
{
    (void)state;
    const struct lotk_cmd *const cmds[] = {&lotk_cmd_score, &lotk_cmd_check,
                                           &lotk_cmd_standards};
    for (size_t c = 0; c < sizeof cmds / sizeof *cmds; c++) {
        const struct lotk_cmd *k = cmds[c];
        assert_non_null(k->name);
        assert_non_null(k->usage);
        assert_non_null(k->summary);
        assert_non_null(k->run);
        assert_true(k->min_pos <= k->max_pos);
        for (int i = 0; k->opts && k->opts[i].name; i++) {
            assert_true(i < LOTK_CLI_MAX_OPTS);
            assert_non_null(k->opts[i].help);
            assert_true(k->opts[i].help[0] != '\0');
            for (int j = 0; j < i; j++) {
                assert_string_not_equal(k->opts[i].name, k->opts[j].name);
                if (k->opts[i].short_name)
                    assert_int_not_equal(k->opts[i].short_name, k->opts[j].short_name);
            }
            char *h = help_text(k);
            char *want = lotk_xasprintf("--%s", k->opts[i].name);
            assert_non_null(strstr(h, want));
            free(want);
            free(h);
        }
    }
    /* score's own options, as issue 2 names them. */
    static const char *const score_opts[] = {"format", "output", "respondents", "bom",
                                             "rejects", "strict", NULL};
    for (int i = 0; score_opts[i]; i++) {
        char *a = lotk_xasprintf("--%s", score_opts[i]);
        const char *argv[] = {"std", "r.csv", a, "x", NULL};
        assert_int_equal(parse_with(&lotk_cmd_score, argv), 0);
        assert_true(lotk_cli_flag(&lotk_cmd_score, &args, score_opts[i]));
        free(a);
    }
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(positionals_and_options),
        cmocka_unit_test(option_value_forms),
        cmocka_unit_test(dash_and_double_dash),
        cmocka_unit_test(unknown_options),
        cmocka_unit_test(missing_and_unwanted_values),
        cmocka_unit_test(argument_counts),
        cmocka_unit_test(help_wins),
        cmocka_unit_test(help_from_the_table),
        cmocka_unit_test(command_tables_are_sound),
    };
    return cmocka_run_group_tests_name("cli", tests, NULL, NULL);
}
