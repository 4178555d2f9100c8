/* test_cli.c — option parsing and help from one table: long and short options, --x=y,
 * "--", "-" as a positional, unknown options with a suggestion, missing values; lookups by
 * option index, repeated options, numbers, the `lotk help --options` listing, and every
 * real command's table. */
#include "testutil.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli/cli.h"
#include "cli/commands.h"
#include "base/mem.h"

enum test_opt { T_FORMAT, T_OUTPUT, T_RESPONDENTS, T_REJECTS, T_QUIET, T_NOPTS };

static const struct lotk_opt opts[T_NOPTS] = {
    [T_FORMAT] = {"format", 'f', "FORMAT", "table, json or csv"},
    [T_OUTPUT] = {"output", 'o', "FILE", "write to FILE"},
    [T_RESPONDENTS] = {"respondents", 0, NULL, "add respondents"},
    [T_REJECTS] = {"rejects", 0, "FILE", "write rejected rows"},
    [T_QUIET] = {"quiet", 'q', NULL, "print only errors"},
};

static const struct lotk_cmd cmd = {
    .name = "score",
    .usage = "STANDARD RESPONSES.csv... [options]",
    .summary = "score survey responses",
    .details = "Details paragraph.\n",
    LOTK_CLI_OPTIONS(opts),
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
    assert_string_equal(lotk_cli_value(&args, T_FORMAT), "json");
    assert_true(lotk_cli_flag(&args, T_RESPONDENTS));
    assert_true(lotk_cli_flag(&args, T_QUIET));
    assert_string_equal(lotk_cli_value(&args, T_QUIET), "1");
    assert_null(lotk_cli_value(&args, T_OUTPUT));
    assert_false(lotk_cli_flag(&args, T_REJECTS));
    /* An option the table lacks (T_NO_SUCH_OPTION) is a compile error, not a NULL. */
}

static void option_value_forms(void **state)
{
    (void)state;
    assert_int_equal(PARSE("s", "r", "--format=csv"), 0);
    assert_string_equal(lotk_cli_value(&args, T_FORMAT), "csv");
    assert_int_equal(PARSE("s", "r", "--format", "csv"), 0);
    assert_string_equal(lotk_cli_value(&args, T_FORMAT), "csv");
    assert_int_equal(PARSE("s", "r", "-fcsv"), 0);
    assert_string_equal(lotk_cli_value(&args, T_FORMAT), "csv");
    /* The value may contain '=' and may be empty. */
    assert_int_equal(PARSE("s", "r", "--output=a=b.json"), 0);
    assert_string_equal(lotk_cli_value(&args, T_OUTPUT), "a=b.json");
    assert_int_equal(PARSE("s", "r", "--format="), 0);
    assert_string_equal(lotk_cli_value(&args, T_FORMAT), "");
    /* The next argument is the value, even when it looks like an option or is "-". */
    assert_int_equal(PARSE("s", "r", "-o", "-"), 0);
    assert_string_equal(lotk_cli_value(&args, T_OUTPUT), "-");
    assert_int_equal(PARSE("s", "r", "--rejects", "--quiet"), 0);
    assert_string_equal(lotk_cli_value(&args, T_REJECTS), "--quiet");
    assert_false(lotk_cli_flag(&args, T_QUIET));
    /* The last occurrence wins. */
    assert_int_equal(PARSE("s", "r", "-f", "csv", "--format=json"), 0);
    assert_string_equal(lotk_cli_value(&args, T_FORMAT), "json");
}

static void dash_and_double_dash(void **state)
{
    (void)state;
    /* "-" is standard input, a positional. */
    assert_int_equal(PARSE("s", "-", "-q"), 0);
    assert_int_equal(args.npos, 2);
    assert_string_equal(args.pos[1], "-");
    assert_true(lotk_cli_flag(&args, T_QUIET));
    /* After "--" everything is positional, even "--format" and "-q". */
    assert_int_equal(PARSE("s", "--", "--format", "-q"), 0);
    assert_int_equal(args.npos, 3);
    assert_string_equal(args.pos[0], "s");
    assert_string_equal(args.pos[1], "--format");
    assert_string_equal(args.pos[2], "-q");
    assert_null(lotk_cli_value(&args, T_FORMAT));
    assert_false(lotk_cli_flag(&args, T_QUIET));
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
    size_t ncmds = 0;
    for (size_t c = 0; lotk_commands[c]; c++, ncmds++) {
        const struct lotk_cmd *k = lotk_commands[c];
        assert_non_null(k->name);
        assert_non_null(k->usage);
        assert_non_null(k->summary);
        assert_non_null(k->run);
        assert_true(k->min_pos <= k->max_pos);
        assert_ptr_equal(lotk_commands_find(k->name), k);
        assert_true(k->nopts <= LOTK_CLI_MAX_OPTS);
        assert_true(k->nopts == 0 || k->opts);
        for (size_t i = 0; i < k->nopts; i++) {
            /* An enum entry without its line in the table leaves a hole here. */
            assert_non_null(k->opts[i].name);
            assert_non_null(k->opts[i].help);
            assert_true(k->opts[i].help[0] != '\0');
            for (size_t j = 0; j < i; j++) {
                assert_string_not_equal(k->opts[i].name, k->opts[j].name);
                if (k->opts[i].short_name)
                    assert_int_not_equal(k->opts[i].short_name, k->opts[j].short_name);
            }
            char *h = help_text(k);
            char *want = lotk_xasprintf("--%s", k->opts[i].name);
            assert_non_null(strstr(h, want));
            free(h);
            /* Each option parses, long and short, to its own index and no other. */
            for (int form = 0; form < 2; form++) {
                char shortname[3] = {'-', k->opts[i].short_name, '\0'};
                const char *argv[LOTK_CLI_MAX_OPTS + 4] = {0};
                size_t argc = 0;
                while (argc < k->min_pos)
                    argv[argc++] = "p";
                if (form == 1 && !k->opts[i].short_name)
                    continue;
                argv[argc++] = form == 0 ? want : shortname;
                if (k->opts[i].arg)
                    argv[argc++] = "v";
                assert_int_equal(parse_with(k, argv), 0);
                for (size_t j = 0; j < k->nopts; j++)
                    assert_int_equal(lotk_cli_flag(&args, (int)j), j == i);
                assert_string_equal(lotk_cli_value(&args, (int)i), k->opts[i].arg ? "v" : "1");
            }
            free(want);
        }
    }
    assert_int_equal(ncmds, 10);
    assert_null(lotk_commands_find("scroe"));
    /* score's own options, as issue 2 names them, each at its enum's index. */
    static const struct {
        enum score_opt opt;
        const char *name;
    } score_opts[] = {{SCORE_FORMAT, "format"},   {SCORE_OUTPUT, "output"},
                      {SCORE_RESPONDENTS, "respondents"}, {SCORE_BOM, "bom"},
                      {SCORE_REJECTS, "rejects"}, {SCORE_STRICT, "strict"}};
    for (size_t i = 0; i < sizeof score_opts / sizeof *score_opts; i++) {
        assert_string_equal(lotk_cmd_score.opts[score_opts[i].opt].name, score_opts[i].name);
        char *a = lotk_xasprintf("--%s", score_opts[i].name);
        const char *argv[] = {"std", "r.csv", a, "x", NULL};
        assert_int_equal(parse_with(&lotk_cmd_score, argv), 0);
        assert_true(lotk_cli_flag(&args, score_opts[i].opt));
        free(a);
    }
}

/* A repeated option keeps every value in order; lotk_cli_value has the last. */
static void repeated_values(void **state)
{
    (void)state;
    const char *out[4] = {0};
    assert_int_equal(PARSE("s", "r", "-o", "a", "-q", "--output=b", "-ob"), 0);
    assert_int_equal(lotk_cli_values(&args, T_OUTPUT, out, 4), 3);
    assert_string_equal(out[0], "a");
    assert_string_equal(out[1], "b");
    assert_string_equal(out[2], "b");
    assert_string_equal(lotk_cli_value(&args, T_OUTPUT), "b");
    /* Fewer slots than values: the count is still every value given. */
    out[1] = NULL;
    assert_int_equal(lotk_cli_values(&args, T_OUTPUT, out, 1), 3);
    assert_string_equal(out[0], "a");
    assert_null(out[1]);
    /* Flags count too; an option not given has none. */
    assert_int_equal(lotk_cli_values(&args, T_QUIET, out, 4), 1);
    assert_string_equal(out[0], "1");
    assert_int_equal(lotk_cli_values(&args, T_REJECTS, out, 4), 0);
    assert_false(lotk_cli_flag(&args, T_REJECTS));
}

enum number_opt { N_JOBS, N_SEED, N_NOPTS };

static const struct lotk_opt number_opts[N_NOPTS] = {
    [N_JOBS] = {"jobs", 'j', "N", "threads"},
    [N_SEED] = {"seed", 0, "S", "seed"},
};

static const struct lotk_cmd number_cmd = {
    .name = "bench",
    .usage = "[options]",
    .summary = "numbers",
    LOTK_CLI_OPTIONS(number_opts),
    .min_pos = 0,
    .max_pos = 0,
};

static void numbers(void **state)
{
    (void)state;
    long jobs = 7, seed = 1;
    /* Absent: the default stays. */
    assert_int_equal(parse_with(&number_cmd, (const char *const[]){"-j", "3", NULL}), 0);
    assert_int_equal(lotk_cli_number(&number_cmd, &args, N_SEED, 0, 9, &seed, &err), 0);
    assert_int_equal(seed, 1);
    assert_int_equal(lotk_cli_number(&number_cmd, &args, N_JOBS, 1, 256, &jobs, &err), 0);
    assert_int_equal(jobs, 3);
    /* The bounds are inclusive. */
    assert_int_equal(parse_with(&number_cmd, (const char *const[]){"-j256", NULL}), 0);
    assert_int_equal(lotk_cli_number(&number_cmd, &args, N_JOBS, 1, 256, &jobs, &err), 0);
    assert_int_equal(jobs, 256);
    /* Out of range, not a number, trailing text, empty: the message names the option. */
    static const char *const bad[] = {"0", "257", "x", "3x", ""};
    for (size_t i = 0; i < sizeof bad / sizeof *bad; i++) {
        char *a = lotk_xasprintf("--jobs=%s", bad[i]);
        char *msg = lotk_xasprintf("bench: --jobs takes a whole number from 1 to 256, not '%s'",
                                   bad[i]);
        assert_int_equal(parse_with(&number_cmd, (const char *const[]){a, NULL}), 0);
        jobs = 7;
        lotk_err_clear(&err);
        expect_usage_error(lotk_cli_number(&number_cmd, &args, N_JOBS, 1, 256, &jobs, &err),
                           msg);
        assert_int_equal(jobs, 7);
        free(msg);
        free(a);
    }
}

/* `lotk help --options`: one tab-separated line per option, empty fields for no short name
 * and no value, commands in list order. */
static void options_listing(void **state)
{
    (void)state;
    const struct lotk_cmd *const cmds[] = {&cmd, &lotk_cmd_standards, &number_cmd, NULL};
    char *buf = NULL;
    size_t len = 0;
    FILE *f = open_memstream(&buf, &len);
    assert_non_null(f);
    lotk_cli_print_options(cmds, f);
    fclose(f);
    assert_string_equal(buf, "score\t--format\t-f\tFORMAT\ttable, json or csv\n"
                             "score\t--output\t-o\tFILE\twrite to FILE\n"
                             "score\t--respondents\t\t\tadd respondents\n"
                             "score\t--rejects\t\tFILE\twrite rejected rows\n"
                             "score\t--quiet\t-q\t\tprint only errors\n"
                             "bench\t--jobs\t-j\tN\tthreads\n"
                             "bench\t--seed\t\tS\tseed\n");
    free(buf);
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
        cmocka_unit_test(repeated_values),
        cmocka_unit_test(numbers),
        cmocka_unit_test(options_listing),
    };
    return cmocka_run_group_tests_name("cli", tests, NULL, NULL);
}
