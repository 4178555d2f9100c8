/* test_init.c — cli/init_files.c: the new id from a folder's name, the folder made or found
 * empty, and files created without ever replacing one. */
#include "testutil.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "base/mem.h"
#include "cli/init.h"

static void ids_from_folder_names(void **state)
{
    (void)state;
    static const struct {
        const char *dir, *id;
    } cases[] = {
        {"my-families", "my-families"}, {"/tmp/x/My Standard 2/", "my-standard-2"},
        {"enterprise", "enterprise-draft"}, {"./城市", "family-draft"},
        {"a__b..c", "a-b-c"}, {"--x--", "x"},
    };
    for (size_t i = 0; i < sizeof cases / sizeof *cases; i++) {
        char *id = lotk_init_new_id(cases[i].dir, "family");
        assert_string_equal(id, cases[i].id);
        free(id);
    }
}

static void never_overwrites(void **state)
{
    (void)state;
    struct lotk_err err;
    char *dir = tu_tempdir();
    char *sub = lotk_xasprintf("%s/new", dir);
    assert_int_equal(lotk_init_prepare_dir(sub, &err), 0);          /* made */
    assert_int_equal(lotk_init_prepare_dir(sub, &err), 0);          /* empty: fine */
    assert_int_equal(lotk_init_write(sub, "a.txt", "one\n", &err), 0);
    assert_int_equal(lotk_init_write(sub, "a.txt", "two\n", &err), LOTK_EIO);
    char *path = lotk_xasprintf("%s/a.txt", sub);
    char *text = tu_slurp(path, NULL);
    assert_string_equal(text, "one\n");                              /* kept */
    assert_int_equal(lotk_init_prepare_dir(sub, &err), LOTK_EUSAGE); /* not empty */
    assert_non_null(strstr(err.msg, "not empty"));
    assert_int_equal(lotk_init_prepare_dir(path, &err), LOTK_EUSAGE); /* a file */
    char *deep = lotk_xasprintf("%s/no/such", dir);
    assert_int_equal(lotk_init_prepare_dir(deep, &err), LOTK_EIO);  /* no parent */
    remove(path);
    rmdir(sub);
    free(text);
    free(path);
    free(deep);
    free(sub);
    tu_rmtree(dir);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(ids_from_folder_names),
        cmocka_unit_test(never_overwrites),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
