/* header.h — survey header cells: normalisation, question numbers, platform metadata
 * columns, and durations.
 *
 * Headers exported by 问卷星 (wjx) and 腾讯问卷, then re-saved by Excel, differ from what a
 * standard's author typed in full-width punctuation, odd spaces and tabs. Both sides are
 * normalised with lotk_header_normalize before they are compared, and question numbers are
 * read from the normalised form, so that `column: {question: 12, row: 3}` finds
 * `12、引导语—3.小题` whatever the platform or the Excel round trip did to it. */
#ifndef LOTK_HEADER_H
#define LOTK_HEADER_H

#include <stdbool.h>
#include <stddef.h>

#include "base/buf.h"

/* Replaces the contents of out with in[0..len) normalised, NUL-terminated (out->data is
 * never NULL afterwards; the result may be ""). Output is valid UTF-8 whatever the input:
 * each maximal invalid subsequence becomes one U+FFFD, as the Unicode standard recommends.
 * What is folded (an NFKC subset that matters for survey exports, no tables beyond that):
 *   - U+FF01–U+FF5E (full-width ASCII) → ASCII, so `：（），．` → `:(),.` and `１２` → `12`;
 *     U+FFE0–U+FFE6 full-width signs (￥ …) → their ordinary forms;
 *     small form variants U+FE50–U+FE6B (﹐﹒﹙ …) → ASCII as well;
 *   - `、` (U+3001) stays: it is wjx's separator after question numbers;
 *   - dashes — U+2012, U+2013 (–), U+2014 (—), U+2015 (―), U+2E3A, U+2E3B, U+FE31, U+FE32,
 *     U+FE58 — → `—` (U+2014), and a run of them (Chinese `——`) → one; wjx writes matrix
 *     sub-columns as `引导语—小题` with U+2014, and GBK exports may carry U+2015 for the same
 *     byte pair, so the native form is kept as the canonical one;
 *   - hyphens — U+2010, U+2011, U+2212 (−), U+FE63, U+FF0D (－) → `-`: these sit inside
 *     words and numbers ("2020－2021") and are what the `-` key types in full-width mode;
 *   - spaces — U+0020, tabs, CR, LF, other C0 and C1 controls, DEL, U+00A0, U+1680,
 *     U+2000–U+200A, U+2028, U+2029, U+202F, U+205F, U+3000 — → one space; runs collapse
 *     and the ends are trimmed;
 *   - invisible characters — U+00AD, U+180E, U+200B–U+200D, U+2060, U+FEFF — are removed
 *     rather than turned into a space, so `题\u200B干` matches `题干` (a zero-width space
 *     leaves no visible gap for the author to have typed);
 *   - everything else (CJK, 。【】“”, letters and their case) is kept as is; circled digits,
 *     composed/decomposed accents and Chinese numerals are not folded.
 * Normalising twice gives the same result as normalising once. */
void lotk_header_normalize_n(const char *in, size_t len, struct lotk_buf *out);

/* lotk_header_normalize_n for a NUL-terminated string. */
void lotk_header_normalize(const char *in, struct lotk_buf *out);

/* Reads the question number, and the matrix row when there is one, at the start of a
 * normalised header. Returns 1 with *question (≥ 1) and *row (≥ 1, or 0 when there is no
 * row number) set, or 0 (nothing written) when the header does not start with a question
 * number. Numbers have at most five digits. Recognised, in examples:
 *   12、题干  12.题干  12. 题干  12 、题干           → 12, 0
 *   Q12  Q12.题干  Q12、题干  Q12:题干  Q12 题干     → 12, 0   (q or Q)
 *   第12题  第12题:题干  第 12 题 题干               → 12, 0
 *   12(3)  12(3)题干  12(3)、题干  Q12(3)  第12题(3) → 12, 3
 *   12.3  12.3 题干  12.3、题干  12.3.题干  12.3:题干 → 12, 3
 *   Q12_3                                           → 12, 3   (SPSS-style variable names)
 *   12、引导语—3.小题  12、引导语-3.小题  12、引导语—3、小题  12、引导语 — 3. 小题 → 12, 3
 *   12、引导语—小题 (wjx without row numbers)          → 12, 0
 *   12.3年内参加培训  12.5分以上  12、年龄18-25岁       → 12, 0
 * and not: 2021年收入, 12 题干, 12题干, 12, 12:题干 (8:30 is a time), 12(单选), 0、题干,
 * Q12a, 123456、题干.
 * Rules behind the examples: `N.` followed directly by digits is a row only when a space,
 * `、`, `.`, `:` or the end follows them, so a stem that starts with a number (`12.3年内`)
 * keeps its question; a `—` or `-` row in the stem needs the digits followed by `.` or `、`
 * (wjx always writes `—k.`), so ranges such as `18-25岁` are no rows; the first such dash
 * in the stem counts; `(k)` must follow the number directly, and `(` followed by anything
 * else there means no question. wjx exports that name matrix rows by text alone
 * (`12、引导语—小题`) give row 0 for every row: the caller numbers those by position. */
int lotk_header_question(const char *normalized, int *question, int *row);

/* Writes into out (replacing its contents; out->data is never NULL afterwards) the question
 * stem of a normalised header, for matching a header by an item's text: the question number
 * as lotk_header_question reads it and the separators after it (`、`, `.`, `:`, blanks)
 * removed — "12、题干" and "Q12:题干" → "题干"; a header without a number is kept whole.
 * With drop_hint, one trailing remark in parentheses, with the blank before it, goes too:
 * the scale hint 问卷星 appends, "2、题干(非常不同意…非常同意)" → "题干". A remark is removed
 * only when it holds no parentheses itself and something is left before it, so "(单选)"
 * alone stays, and "题干(部门)(提示)" loses only "(提示)". The stem of a header that is a
 * bare number ("Q12") is "". */
void lotk_header_stem(const char *normalized, bool drop_hint, struct lotk_buf *out);

/* Metadata columns the platforms add around the questions. */
enum lotk_meta {
    LOTK_META_NONE,
    LOTK_META_SEQ,           /* 序号, 编号, 答卷编号 (wjx, 腾讯问卷) */
    LOTK_META_SUBMIT_TIME,   /* 提交答卷时间, 提交时间 */
    LOTK_META_DURATION,      /* 所用时间, 答题时长, 作答时长, 答题用时 */
    LOTK_META_SOURCE,        /* 来源 */
    LOTK_META_SOURCE_DETAIL, /* 来源详情 */
    LOTK_META_IP,            /* 来自IP, IP, IP地址 */
    LOTK_META_START_TIME,    /* 开始答题时间, 开始时间 */
    LOTK_META_END_TIME,      /* 结束答题时间, 结束时间 */
    LOTK_META_USER_ID,       /* 用户ID */
    LOTK_META_TOTAL,         /* 总分 */
    LOTK_META_NAME,          /* 姓名, 填写人 */
    LOTK_META_LOCATION,      /* 地理位置, IP属地, 所在地区, 省份, 城市, 国家和地区 */
};

/* Recognises a normalised header as a platform metadata column: the whole header must be
 * one of the names above (ASCII case ignored, so "ip" and "用户id" count), optionally
 * followed by one parenthesised remark ("所用时间(秒)", "地理位置(省)"). Returns
 * LOTK_META_NONE for everything else, including question headers. */
enum lotk_meta lotk_header_metadata(const char *normalized);

/* A stable lower-case name for m, for messages and JSON: "none", "seq", "submit_time",
 * "duration", "source", "source_detail", "ip", "start_time", "end_time", "user_id",
 * "total", "name", "location"; "none" for values outside the enum. Never NULL. */
const char *lotk_header_metadata_name(enum lotk_meta m);

/* Parses a duration cell s[0..len) (not NUL-terminated) into seconds. Accepted, with
 * blanks (ASCII and U+3000) around and between parts: bare seconds "90"; units in
 * descending order, each at most once — 天, 小时 or 时, 分钟 or 分, 秒钟 or 秒 — as in
 * "120秒", "2分30秒", "1小时2分3秒", "2分", "1天3小时"; clock forms "MM:SS" and "H:MM:SS"
 * ("02:03", "1:02:03", "90:00"), where every field but the first is below 60. Numbers are
 * decimal digits with an optional fraction ("90.5", "1.5小时", "1:02:03.5" — in a clock only
 * on the seconds); no sign, no exponent. Full-width digits are not accepted (cells are not
 * normalised). Returns 0 with *seconds set, or -1 (seconds untouched) for anything else,
 * including an empty cell, a number without a unit after one with ("2分30"), and more than
 * nine digits on either side of a point. */
int lotk_duration_parse(const char *s, size_t len, double *seconds);

#endif
