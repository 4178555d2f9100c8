/* test_messages.c — the message table (core/output/messages.def): every key has both
 * languages, the printf conversions of a message are the same, in the same order, in
 * both (a writer formats either with the same arguments), and look-ups fall back as
 * documented. */
#include "testutil.h"

#include <string.h>

#include "output/messages.h"

/* The conversions of a printf format, as "%ld%s%zu…" (flags and widths dropped). */
static void conversions(const char *fmt, char *out, size_t size)
{
    size_t n = 0;
    for (const char *p = fmt; *p; p++) {
        if (*p != '%')
            continue;
        p++;
        if (*p == '%')
            continue;
        while (*p && strchr("-+ #0123456789.*", *p))
            p++;
        while (*p && strchr("hlzjt", *p) && n + 1 < size)
            out[n++] = *p++;
        if (*p && n + 2 < size) {
            out[n++] = *p;
            out[n++] = ' ';
        }
    }
    out[n] = '\0';
}

static void every_key_has_both_languages(void **state)
{
    (void)state;
    size_t count = 0;
    for (size_t i = 0; lotk_message_key(i); i++, count++) {
        const char *key = lotk_message_key(i);
        const char *zh = lotk_message(key, "zh"), *en = lotk_message(key, "en");
        assert_true(zh != key && en != key);
        assert_true(zh[0] != '\0' && en[0] != '\0');
        char a[128], b[128];
        conversions(zh, a, sizeof a);
        conversions(en, b, sizeof b);
        if (strcmp(a, b) != 0)
            fail_msg("message %s: conversions '%s' in zh but '%s' in en", key, a, b);
    }
    assert_true(count > 50);
}

static void lookups_fall_back(void **state)
{
    (void)state;
    assert_string_equal(lotk_message("tbl_grade", "zh"), "等级");
    assert_string_equal(lotk_message("tbl_grade", "en"), "grade");
    assert_string_equal(lotk_message("tbl_grade", NULL), "grade");
    const char *missing = "no_such_key";
    assert_ptr_equal(lotk_message(missing, "zh"), missing);
    assert_string_equal(lotk_message_pick("中", "en", "zh", "x"), "中");
    assert_string_equal(lotk_message_pick("中", "en", "en", "x"), "en");
    assert_string_equal(lotk_message_pick(NULL, "en", "zh", "x"), "en");
    assert_string_equal(lotk_message_pick("中", NULL, "en", "x"), "中");
    assert_string_equal(lotk_message_pick(NULL, NULL, "en", "x"), "x");
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(every_key_has_both_languages),
        cmocka_unit_test(lookups_fall_back),
    };
    return cmocka_run_group_tests_name("messages", tests, NULL, NULL);
}
