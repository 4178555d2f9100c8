/* test_isolate.c — a function run in a child process (core/base/isolate.c): its result and
 * error come back, its crash and its running out of memory become errors, and what it
 * changes in memory stays in the child. */
#include "testutil.h"

#include <signal.h>
#include <string.h>

#include "base/isolate.h"
#include "base/mem.h"

static int fails_with_a_message(void *ctx, struct lotk_err *err)
{
    *(int *)ctx = 42; /* the child's copy */
    return lotk_err_set(err, LOTK_ESTANDARD, "in.yaml", 3, 7, "a message from the child");
}

static int succeeds(void *ctx, struct lotk_err *err)
{
    (void)err;
    return *(int *)ctx == 1 ? 0 : LOTK_EIO;
}

static int crashes(void *ctx, struct lotk_err *err)
{
    (void)ctx;
    (void)err;
    signal(SIGSEGV, SIG_DFL); /* cmocka's handler, inherited, would carry on testing */
    raise(SIGSEGV);
    return 0;
}

static int runs_out_of_memory(void *ctx, struct lotk_err *err)
{
    (void)ctx;
    (void)err;
    lotk_mem_fail();
}

static void result_and_error_come_back(void **state)
{
    (void)state;
    int value = 1;
    struct lotk_err err;
    lotk_err_clear(&err);
    assert_int_equal(lotk_isolate_run(succeeds, &value, "writing", &err), 0);
    assert_int_equal(lotk_isolate_run(fails_with_a_message, &value, "writing", &err),
                     LOTK_ESTANDARD);
    assert_string_equal(err.msg, "a message from the child");
    assert_string_equal(err.file, "in.yaml");
    assert_int_equal(err.line, 3);
    assert_int_equal(err.column, 7);
    assert_int_equal(value, 1); /* memory is the child's */
}

static void a_crash_is_an_error(void **state)
{
    (void)state;
    struct lotk_err err;
    lotk_err_clear(&err);
    assert_int_equal(lotk_isolate_run(crashes, NULL, "cannot write x.xlsx", &err), LOTK_EIO);
    assert_non_null(strstr(err.msg, "cannot write x.xlsx: the library failed"));
    assert_non_null(strstr(err.msg, "probably out of memory"));
}

static void out_of_memory_is_an_error(void **state)
{
    (void)state;
    struct lotk_err err;
    lotk_err_clear(&err);
    assert_int_equal(lotk_isolate_run(runs_out_of_memory, NULL, "writing", &err), LOTK_EIO);
    assert_string_equal(err.msg, "out of memory");
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(result_and_error_come_back),
        cmocka_unit_test(a_crash_is_an_error),
        cmocka_unit_test(out_of_memory_is_an_error),
    };
    return cmocka_run_group_tests_name("isolate", tests, NULL, NULL);
}
