/* test_header.c — header normalisation, question numbers, metadata columns, durations. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "input/encoding.h"
#include "standard/header.h"
#include "base/buf.h"

static const char *norm(const char *in, size_t len)
{
    static struct lotk_buf out;
    lotk_header_normalize_n(in, len, &out);
    assert_non_null(out.data);
    assert_int_equal(strlen(out.data), out.len);
    return out.data;
}

static void normalize_table(void **state)
{
    (void)state;
    static const struct {
        const char *in, *out;
    } cases[] = {
        {"", ""},
        {"   ", ""},
        {"序号", "序号"},
        {"  12、题干  ", "12、题干"},
        {"１２、您的性别：（单选）", "12、您的性别:(单选)"},
        {"\xE3\x80\x80\t12.\xC2\xA0题干\r\n", "12. 题干"},
        {"a  \t  b", "a b"},
        {"a\xE2\x80\x83" "b\xE2\x80\xAF" "c\xE2\x81\x9F" "d\xE1\x9A\x80" "e", "a b c d e"},
        {"12、引导语——3．小题", "12、引导语—3.小题"},
        {"12、引导语\xE2\x80\x93" "3.小题", "12、引导语—3.小题"},       /* en dash */
        {"12、引导语\xE2\x80\x95" "3.小题", "12、引导语—3.小题"},       /* U+2015 from GBK */
        {"12、引导语\xE2\xB8\xBA" "3.小题", "12、引导语—3.小题"},       /* two-em dash */
        {"12、引导语 — 3. 小题", "12、引导语 — 3. 小题"},
        {"— —", "— —"},
        {"—\xE2\x80\x8B—", "—"},
        {"2020－2021年", "2020-2021年"},
        {"2020\xE2\x88\x92" "2021", "2020-2021"},                       /* minus sign */
        {"a--b", "a--b"},
        {"题\xE2\x80\x8B干", "题干"},                                   /* zero-width space */
        {"\xEF\xBB\xBF序号", "序号"},                                   /* a BOM that leaked */
        {"soft\xC2\xADhyphen", "softhyphen"},
        {"单价（￥）", "单价(¥)"},
        {"ＱＵＥＳＴＩＯＮ　１", "QUESTION 1"},
        {"，．：；！？［］｛｝＜＞＝＋＊＆＃＠＄％", ",.:;!?[]{}<>=+*&#@$%"},
        {"、。【】“”《》", "、。【】“”《》"},
        {"\xEF\xB9\x99" "3\xEF\xB9\x9A", "(3)"},                       /* small form variants */
        {"Ａ\xE3\x80\x80Ｂ", "A B"},
        {"😀 ㊣ é", "😀 ㊣ é"},
        {"①非常同意", "①非常同意"},
        {"a\x01" "b\x7F" "c\xC2\x85" "d", "a b c d"},
        {"12、Ａｇｅ（岁）", "12、Age(岁)"},
        /* Invalid UTF-8: one U+FFFD per maximal subpart. */
        {"a\x80" "b", "a\xEF\xBF\xBD" "b"},
        {"\xE4\xB8", "\xEF\xBF\xBD"},
        {"\xE4\xB8" "a", "\xEF\xBF\xBD" "a"},
        {"\xF0\x9F\x98", "\xEF\xBF\xBD"},
        {"\xC0\x80", "\xEF\xBF\xBD\xEF\xBF\xBD"},
        {"\xED\xA0\x80", "\xEF\xBF\xBD\xEF\xBF\xBD\xEF\xBF\xBD"},
        {"\xF4\x90\x80\x80", "\xEF\xBF\xBD\xEF\xBF\xBD\xEF\xBF\xBD\xEF\xBF\xBD"},
        {"\xFF题", "\xEF\xBF\xBD题"},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        const char *got = norm(cases[i].in, strlen(cases[i].in));
        if (strcmp(got, cases[i].out) != 0)
            fail_msg("case %zu: \"%s\" → \"%s\", expected \"%s\"", i, cases[i].in, got,
                     cases[i].out);
        /* Idempotent. */
        char *again = strdup(got);
        if (strcmp(norm(again, strlen(again)), again) != 0)
            fail_msg("case %zu: not idempotent on \"%s\"", i, again);
        free(again);
    }
    /* NUL bytes inside the length are control characters, hence spaces. */
    assert_string_equal(norm("a\0\0b", 4), "a b");
    struct lotk_buf out = {0};
    lotk_header_normalize(NULL, &out);
    assert_string_equal(out.data, "");
    lotk_header_normalize("  ｘ  ", &out);
    assert_string_equal(out.data, "x");
    /* The output replaces, never appends. */
    lotk_header_normalize("y", &out);
    assert_string_equal(out.data, "y");
    lotk_buf_free(&out);
}

static uint64_t next_random(uint64_t *s)
{
    *s ^= *s << 13;
    *s ^= *s >> 7;
    *s ^= *s << 17;
    return *s;
}

/* Random bytes, biased towards the ones that matter: output is valid UTF-8 and a second
 * pass changes nothing. */
static void normalize_random(void **state)
{
    (void)state;
    static const unsigned char alphabet[] = {
        ' ', '\t', '\n', 'a', '1', '-', '.', 0x00, 0x80, 0xBF, 0xC2, 0xA0, 0xE2, 0x80,
        0x94, 0x8B, 0xE3, 0x80, 0x81, 0xEF, 0xBC, 0x9A, 0xBB, 0xBF, 0xF0, 0x9F, 0xED,
        0xFF, 0xF4, 0x90, 0xB9, 0x98, 0xFE};
    uint64_t s = 7;
    struct lotk_buf a = {0}, b = {0};
    char in[64];
    for (int i = 0; i < 200000; i++) {
        size_t n = next_random(&s) % sizeof in;
        for (size_t k = 0; k < n; k++) {
            uint64_t r = next_random(&s);
            in[k] = (char)(r % 4 == 0 ? (unsigned char)(r >> 8) : alphabet[(r >> 8) % sizeof alphabet]);
        }
        lotk_header_normalize_n(in, n, &a);
        if (lotk_utf8_validate(a.data, a.len, NULL) != 0)
            fail_msg("invalid UTF-8 out of random input %d", i);
        lotk_header_normalize_n(a.data, a.len, &b);
        if (a.len != b.len || memcmp(a.data, b.data, a.len) != 0)
            fail_msg("not idempotent on random input %d: \"%s\" → \"%s\"", i, a.data, b.data);
        int q, r;
        if (lotk_header_question(a.data, &q, &r)) {
            assert_true(q >= 1 && q <= 99999);
            assert_true(r >= 0 && r <= 99999);
        }
        (void)lotk_header_metadata(a.data);
    }
    lotk_buf_free(&a);
    lotk_buf_free(&b);
}

/* ---- question numbers --------------------------------------------------------------- */

static void question_table(void **state)
{
    (void)state;
    static const struct {
        const char *header; /* raw; normalised before parsing */
        int found, q, row;
    } cases[] = {
        {"12、题干", 1, 12, 0},
        {"12.题干", 1, 12, 0},
        {"12. 题干", 1, 12, 0},
        {"12 、题干", 1, 12, 0},
        {"１２、题干", 1, 12, 0},
        {"12．题干", 1, 12, 0},
        {"12、", 1, 12, 0},
        {"1、您的性别", 1, 1, 0},
        {"01、题干", 1, 1, 0},
        {"Q12", 1, 12, 0},
        {"q12", 1, 12, 0},
        {"Q12.题干", 1, 12, 0},
        {"Q12、题干", 1, 12, 0},
        {"Q12:题干", 1, 12, 0},
        {"Q12：题干", 1, 12, 0},
        {"Q12 题干", 1, 12, 0},
        {"Ｑ１２．", 1, 12, 0},
        {"第12题", 1, 12, 0},
        {"第12题:题干", 1, 12, 0},
        {"第12题：题干", 1, 12, 0},
        {"第 12 题 题干", 1, 12, 0},
        {"第12题(3)", 1, 12, 3},
        {"第12题、引导语—3.小题", 1, 12, 3},
        {"12(3)", 1, 12, 3},
        {"12（3）", 1, 12, 3},
        {"12(3)题干", 1, 12, 3},
        {"12(3)、题干", 1, 12, 3},
        {"Q12(3)", 1, 12, 3},
        {"12.3", 1, 12, 3},
        {"12.3 题干", 1, 12, 3},
        {"12.3、题干", 1, 12, 3},
        {"12.3.题干", 1, 12, 3},
        {"12.3:题干", 1, 12, 3},
        {"Q12.3", 1, 12, 3},
        {"Q12_3", 1, 12, 3},
        {"12、引导语—3.小题", 1, 12, 3},
        {"12、引导语-3.小题", 1, 12, 3},
        {"12、引导语—3、小题", 1, 12, 3},
        {"12、引导语 — 3. 小题", 1, 12, 3},
        {"12、引导语——3．小题", 1, 12, 3},
        {"12、引导语–10.小题", 1, 12, 10},
        {"12、引导语—小题", 1, 12, 0},
        {"12、2020—2021年—2.培训次数", 1, 12, 2},
        {"12.3年内参加培训", 1, 12, 0},
        {"12.5分以上", 1, 12, 0},
        {"12、年龄18-25岁", 1, 12, 0},
        {"12、年龄18-25. 岁", 1, 12, 25}, /* what the dash rule says; such stems are rare */
        {"99999、题干", 1, 99999, 0},
        /* Not question headers. */
        {"2021年收入", 0, 0, 0},
        {"12 题干", 0, 0, 0},
        {"12:题干", 0, 0, 0},
        {"8:30签到人数", 0, 0, 0},
        {"12题干", 0, 0, 0},
        {"12", 0, 0, 0},
        {"12(单选)", 0, 0, 0},
        {"12(0)", 0, 0, 0},
        {"0、题干", 0, 0, 0},
        {"Q12a", 0, 0, 0},
        {"Q12_", 0, 0, 0},
        {"Q", 0, 0, 0},
        {"QQ12", 0, 0, 0},
        {"123456、题干", 0, 0, 0},
        {"第题", 0, 0, 0},
        {"第12条", 0, 0, 0},
        {"序号", 0, 0, 0},
        {"org_id", 0, 0, 0},
        {"", 0, 0, 0},
        {"、题干", 0, 0, 0},
        {".5", 0, 0, 0},
    };
    struct lotk_buf n = {0};
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        lotk_header_normalize(cases[i].header, &n);
        int q = -7, r = -7;
        int found = lotk_header_question(n.data, &q, &r);
        if (found != cases[i].found)
            fail_msg("\"%s\": found %d, expected %d", cases[i].header, found, cases[i].found);
        if (found && (q != cases[i].q || r != cases[i].row))
            fail_msg("\"%s\": question %d row %d, expected %d row %d", cases[i].header, q, r,
                     cases[i].q, cases[i].row);
        if (!found && (q != -7 || r != -7))
            fail_msg("\"%s\": wrote outputs without a question", cases[i].header);
    }
    int q, r;
    assert_int_equal(lotk_header_question(NULL, &q, &r), 0);
    lotk_buf_free(&n);
}

/* ---- metadata columns --------------------------------------------------------------- */

static void metadata_table(void **state)
{
    (void)state;
    static const struct {
        const char *header;
        enum lotk_meta meta;
        const char *name;
    } cases[] = {
        {"序号", LOTK_META_SEQ, "seq"},
        {"编号", LOTK_META_SEQ, "seq"},
        {"提交答卷时间", LOTK_META_SUBMIT_TIME, "submit_time"},
        {"所用时间", LOTK_META_DURATION, "duration"},
        {"答题时长", LOTK_META_DURATION, "duration"},
        {"所用时间（秒）", LOTK_META_DURATION, "duration"},
        {"来源", LOTK_META_SOURCE, "source"},
        {"来源详情", LOTK_META_SOURCE_DETAIL, "source_detail"},
        {"来自IP", LOTK_META_IP, "ip"},
        {"来自ＩＰ", LOTK_META_IP, "ip"},
        {"ip", LOTK_META_IP, "ip"},
        {"开始答题时间", LOTK_META_START_TIME, "start_time"},
        {"结束答题时间", LOTK_META_END_TIME, "end_time"},
        {"用户ID", LOTK_META_USER_ID, "user_id"},
        {"用户id", LOTK_META_USER_ID, "user_id"},
        {"总分", LOTK_META_TOTAL, "total"},
        {"姓名", LOTK_META_NAME, "name"},
        {"地理位置 (省)", LOTK_META_LOCATION, "location"},
        {"\xEF\xBB\xBF序号", LOTK_META_SEQ, "seq"},
        {" 序号\t", LOTK_META_SEQ, "seq"},
        {"1、序号", LOTK_META_NONE, "none"},
        {"序号1", LOTK_META_NONE, "none"},
        {"来源详情页", LOTK_META_NONE, "none"},
        {"所用时间(秒)(2)", LOTK_META_NONE, "none"},
        {"(秒)", LOTK_META_NONE, "none"},
        {"org_id", LOTK_META_NONE, "none"},
        {"", LOTK_META_NONE, "none"},
    };
    struct lotk_buf n = {0};
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        lotk_header_normalize(cases[i].header, &n);
        enum lotk_meta m = lotk_header_metadata(n.data);
        if (m != cases[i].meta)
            fail_msg("\"%s\": %s, expected %s", cases[i].header, lotk_header_metadata_name(m),
                     cases[i].name);
        assert_string_equal(lotk_header_metadata_name(m), cases[i].name);
    }
    assert_int_equal(lotk_header_metadata(NULL), LOTK_META_NONE);
    assert_string_equal(lotk_header_metadata_name((enum lotk_meta)99), "none");
    assert_string_equal(lotk_header_metadata_name(LOTK_META_NONE), "none");
    lotk_buf_free(&n);
}

/* ---- durations ---------------------------------------------------------------------- */

static void duration_table(void **state)
{
    (void)state;
    static const struct {
        const char *s;
        double seconds; /* NAN = rejected */
    } cases[] = {
        {"120秒", 120},
        {"2分30秒", 150},
        {"1小时2分3秒", 3723},
        {"90", 90},
        {"1:02:03", 3723},
        {"02:03", 123},
        {"2分", 120},
        {"  2分30秒  ", 150},
        {"\xE3\x80\x80" "95秒\r\n", 95},
        {"2 分 30 秒", 150},
        {"2分钟30秒钟", 150},
        {"1时5分", 3900},
        {"1天3小时", 97200},
        {"0秒", 0},
        {"0", 0},
        {"90.5", 90.5},
        {"2分30.5秒", 150.5},
        {"1.5小时", 5400},
        {"1:02:03.5", 3723.5},
        {"90:00", 5400},
        {"00:00:59", 59},
        {"999999999", 999999999},
        {"", NAN},
        {"   ", NAN},
        {"秒", NAN},
        {"2分30", NAN},
        {"30秒2分", NAN},
        {"2分2分", NAN},
        {"2分钟分", NAN},
        {"-5", NAN},
        {"+5", NAN},
        {"1e3", NAN},
        {"5 s", NAN},
        {"1:60", NAN},
        {"1:02:60", NAN},
        {"1:2:3:4", NAN},
        {"1::2", NAN},
        {":30", NAN},
        {"30:", NAN},
        {"1.5:30", NAN},
        {"12", 12},
        {"1234567890", NAN},
        {"1.", NAN},
        {".5", NAN},
        {"１２０秒", NAN},
        {"N/A", NAN},
        {"120秒 x", NAN},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        double sec = -1;
        int rc = lotk_duration_parse(cases[i].s, strlen(cases[i].s), &sec);
        if (isnan(cases[i].seconds)) {
            if (rc != -1)
                fail_msg("\"%s\": accepted as %g", cases[i].s, sec);
            assert_true(sec == -1);
        } else {
            if (rc != 0)
                fail_msg("\"%s\": rejected", cases[i].s);
            if (sec != cases[i].seconds)
                fail_msg("\"%s\": %.17g, expected %.17g", cases[i].s, sec, cases[i].seconds);
        }
    }
    /* The length bounds the cell: no NUL needed, nothing read past it. */
    double sec = 0;
    assert_int_equal(lotk_duration_parse("120秒999", strlen("120秒"), &sec), 0);
    assert_true(sec == 120);
    assert_int_equal(lotk_duration_parse("2:30", 2, &sec), -1);
    assert_int_equal(lotk_duration_parse(NULL, 0, &sec), -1);
}

/* Stems for matching by question text: the question number and a trailing hint go, the
 * rest of the stem stays as normalised. */
static void stem_table(void **state)
{
    (void)state;
    static const struct {
        const char *in, *bare, *nohint;
    } cases[] = {
        {"2、公司有成文的职工教育培训制度(非常不同意…非常同意)",
         "公司有成文的职工教育培训制度(非常不同意…非常同意)", "公司有成文的职工教育培训制度"},
        {"1、您所在的单位", "您所在的单位", "您所在的单位"},
        {"您所在单位名称", "您所在单位名称", "您所在单位名称"},
        {"3.您所在单位(部门)定期组织集体学习:", "您所在单位(部门)定期组织集体学习:",
         "您所在单位(部门)定期组织集体学习:"},
        {"12 、题干 (提示)", "题干 (提示)", "题干"},
        {"Q12:题干", "题干", "题干"},
        {"Q12 题干", "题干", "题干"},
        {"第12题:题干", "题干", "题干"},
        {"12(3)、题干", "题干", "题干"},
        {"12.3 题干", "题干", "题干"},
        {"题干(部门)(提示)", "题干(部门)(提示)", "题干(部门)"},
        {"题干(a(b))", "题干(a(b))", "题干(a(b))"},     /* nested: no simple remark */
        {"(单选)", "(单选)", "(单选)"},                   /* nothing before it: kept */
        {"12、(单选)", "(单选)", "(单选)"},
        {"2021年收入", "2021年收入", "2021年收入"},       /* a year, no question number */
        {"Q12", "", ""},
        {"", "", ""},
    };
    struct lotk_buf out = {0};
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        lotk_header_stem(cases[i].in, false, &out);
        if (strcmp(out.data, cases[i].bare) != 0)
            fail_msg("stem of \"%s\": \"%s\", expected \"%s\"", cases[i].in, out.data,
                     cases[i].bare);
        lotk_header_stem(cases[i].in, true, &out);
        if (strcmp(out.data, cases[i].nohint) != 0)
            fail_msg("stem without hint of \"%s\": \"%s\", expected \"%s\"", cases[i].in,
                     out.data, cases[i].nohint);
    }
    lotk_header_stem(NULL, true, &out);
    assert_string_equal(out.data, "");
    lotk_buf_free(&out);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(normalize_table),
        cmocka_unit_test(normalize_random),
        cmocka_unit_test(question_table),
        cmocka_unit_test(stem_table),
        cmocka_unit_test(metadata_table),
        cmocka_unit_test(duration_table),
    };
    return cmocka_run_group_tests_name("header", tests, NULL, NULL);
}
