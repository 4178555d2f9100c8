/* test_guard.c — no output over an input or another output (core/base/guard.c): the same
 * file by another name, through a symlink, an output named twice before it exists, and the
 * devices that are always fine. */
#include "testutil.h"

#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "base/guard.h"
#include "base/mem.h"

static void same_file_by_any_name(void **state)
{
    (void)state;
    char *dir = tu_tempdir();
    char *in = tu_write(dir, "survey.csv", "org,q\n", -1);
    char *other = lotk_xasprintf("%s/./survey.csv", dir);
    char *link = lotk_xasprintf("%s/link.csv", dir);
    assert_int_equal(symlink(in, link), 0);
    struct lotk_guard g = {0};
    struct lotk_err err;
    lotk_err_clear(&err);
    lotk_guard_input(&g, in, "the survey");
    lotk_guard_input(&g, "-", "the survey");           /* standard input: nothing to guard */
    lotk_guard_input(&g, "/no/such/file", "the survey");
    assert_int_equal(lotk_guard_output(&g, other, "-o", &err), LOTK_EUSAGE);
    assert_non_null(strstr(err.msg, "is the survey"));
    assert_int_equal(lotk_guard_output(&g, link, "-o", &err), LOTK_EUSAGE);
    /* Devices and standard output are written in place: never a clash. */
    assert_int_equal(lotk_guard_output(&g, "/dev/null", "-o", &err), 0);
    assert_int_equal(lotk_guard_output(&g, "/dev/null", "--rejects", &err), 0);
    assert_int_equal(lotk_guard_output(&g, "-", "-o", &err), 0);
    lotk_guard_free(&g);
    unlink(link);
    free(link);
    free(other);
    free(in);
    tu_rmtree(dir);
}

static void two_outputs_one_file(void **state)
{
    (void)state;
    char *dir = tu_tempdir();
    char *a = lotk_xasprintf("%s/result.csv", dir), *b = lotk_xasprintf("%s/./result.csv", dir);
    char *c = lotk_xasprintf("%s/rejects.csv", dir);
    struct lotk_guard g = {0};
    struct lotk_err err;
    lotk_err_clear(&err);
    assert_int_equal(lotk_guard_output(&g, a, "-o", &err), 0); /* does not exist yet */
    assert_int_equal(lotk_guard_output(&g, c, "--rejects", &err), 0);
    assert_int_equal(lotk_guard_output(&g, b, "--partial", &err), LOTK_EUSAGE);
    assert_non_null(strstr(err.msg, "is also -o"));
    lotk_guard_free(&g);
    free(a);
    free(b);
    free(c);
    tu_rmtree(dir);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(same_file_by_any_name),
        cmocka_unit_test(two_outputs_one_file),
    };
    return cmocka_run_group_tests_name("guard", tests, NULL, NULL);
}
