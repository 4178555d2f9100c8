/* header.c — header normalisation, question numbers, metadata columns, durations; see
 * header.h. */
#include "standard/header.h"
#include "base/buf.h"
#include "base/text.h"

#include <stdbool.h>
#include <stdint.h>
#include <string.h>

/* ---- UTF-8 in and out --------------------------------------------------------------- */

#define REPLACEMENT 0xFFFDu

/* Decodes the character at s[0..n), n ≥ 1, into *cp and returns its length. An invalid
 * sequence yields U+FFFD and the length of its maximal subpart (the longest prefix that
 * could have started a valid character, at least one byte), so that the bytes after it are
 * read afresh — Unicode's recommended practice, and what browsers do. */
static size_t utf8_next(const unsigned char *s, size_t n, uint32_t *cp)
{
    unsigned c = s[0];
    if (c < 0x80) {
        *cp = c;
        return 1;
    }
    size_t need;
    unsigned lo = 0x80, hi = 0xBF;
    uint32_t v;
    if (c >= 0xC2 && c <= 0xDF) {
        need = 1;
        v = c & 0x1F;
    } else if (c >= 0xE0 && c <= 0xEF) {
        need = 2;
        v = c & 0x0F;
        if (c == 0xE0)
            lo = 0xA0;
        else if (c == 0xED)
            hi = 0x9F;
    } else if (c >= 0xF0 && c <= 0xF4) {
        need = 3;
        v = c & 0x07;
        if (c == 0xF0)
            lo = 0x90;
        else if (c == 0xF4)
            hi = 0x8F;
    } else {
        *cp = REPLACEMENT;
        return 1;
    }
    for (size_t k = 1; k <= need; k++) {
        if (k >= n || s[k] < lo || s[k] > hi) {
            *cp = REPLACEMENT;
            return k;
        }
        v = (v << 6) | (s[k] & 0x3F);
        lo = 0x80;
        hi = 0xBF;
    }
    *cp = v;
    return need + 1;
}

static void put_utf8(struct lotk_buf *out, uint32_t cp)
{
    char b[4];
    size_t n;
    if (cp < 0x80) {
        b[0] = (char)cp;
        n = 1;
    } else if (cp < 0x800) {
        b[0] = (char)(0xC0 | (cp >> 6));
        b[1] = (char)(0x80 | (cp & 0x3F));
        n = 2;
    } else if (cp < 0x10000) {
        b[0] = (char)(0xE0 | (cp >> 12));
        b[1] = (char)(0x80 | ((cp >> 6) & 0x3F));
        b[2] = (char)(0x80 | (cp & 0x3F));
        n = 3;
    } else {
        b[0] = (char)(0xF0 | (cp >> 18));
        b[1] = (char)(0x80 | ((cp >> 12) & 0x3F));
        b[2] = (char)(0x80 | ((cp >> 6) & 0x3F));
        b[3] = (char)(0x80 | (cp & 0x3F));
        n = 4;
    }
    lotk_buf_append(out, b, n);
}

/* ---- normalisation ------------------------------------------------------------------ */

enum fold_kind { FOLD_KEEP, FOLD_SPACE, FOLD_DROP };

#define EM_DASH 0x2014u

/* NFKC of the small form variants U+FE50–U+FE6B (0 = unassigned, kept as is). */
static const uint32_t small_forms[] = {
    ',', 0x3001, '.', 0, ';', ':', '?', '!', EM_DASH, '(', ')', '{', '}', 0x3014,
    0x3015, '#', '&', '*', '+', '-', '<', '>', '=', 0, '\\', '$', '%', '@',
};

/* Maps one code point: returns FOLD_SPACE or FOLD_DROP, or FOLD_KEEP with *cp replaced by
 * its folded form. */
static enum fold_kind fold(uint32_t *cp)
{
    uint32_t c = *cp;
    if (c < 0x80) {
        if (c <= 0x20 || c == 0x7F)
            return FOLD_SPACE;
        return FOLD_KEEP;
    }
    if (c <= 0xA0)
        return FOLD_SPACE; /* C1 controls and NO-BREAK SPACE */
    if (c >= 0xFF01 && c <= 0xFF5E) {
        *cp = c - 0xFEE0;
        return FOLD_KEEP;
    }
    if (c >= 0xFE50 && c <= 0xFE6B) {
        if (small_forms[c - 0xFE50])
            *cp = small_forms[c - 0xFE50];
        return FOLD_KEEP;
    }
    switch (c) {
    case 0x1680: case 0x2028: case 0x2029: case 0x202F: case 0x205F: case 0x3000:
        return FOLD_SPACE;
    case 0x00AD: case 0x180E: case 0x200B: case 0x200C: case 0x200D: case 0x2060:
    case 0xFEFF:
        return FOLD_DROP;
    case 0x2012: case 0x2013: case 0x2014: case 0x2015: case 0x2E3A: case 0x2E3B:
    case 0xFE31: case 0xFE32:
        *cp = EM_DASH;
        return FOLD_KEEP;
    case 0x2010: case 0x2011: case 0x2212:
        *cp = '-';
        return FOLD_KEEP;
    case 0xFFE0: *cp = 0xA2; return FOLD_KEEP;   /* ￠ */
    case 0xFFE1: *cp = 0xA3; return FOLD_KEEP;   /* ￡ */
    case 0xFFE2: *cp = 0xAC; return FOLD_KEEP;   /* ￢ */
    case 0xFFE4: *cp = 0xA6; return FOLD_KEEP;   /* ￤ */
    case 0xFFE5: *cp = 0xA5; return FOLD_KEEP;   /* ￥ */
    case 0xFFE6: *cp = 0x20A9; return FOLD_KEEP; /* ￦ */
    default:
        break;
    }
    if (c >= 0x2000 && c <= 0x200A)
        return FOLD_SPACE;
    return FOLD_KEEP;
}

void lotk_header_normalize_n(const char *in, size_t len, struct lotk_buf *out)
{
    const unsigned char *s = (const unsigned char *)in;
    bool pending_space = false, last_dash = false;
    lotk_buf_reset(out);
    lotk_buf_append(out, "", 0); /* out->data exists even for an empty result */
    size_t i = 0;
    while (i < len) {
        uint32_t cp;
        if (s[i] > 0x20 && s[i] < 0x7F) { /* the common case, and the ASCII fast path */
            cp = s[i++];
        } else {
            i += utf8_next(s + i, len - i, &cp);
            enum fold_kind k = fold(&cp);
            if (k == FOLD_DROP)
                continue;
            if (k == FOLD_SPACE) {
                /* Spaces only separate: leading ones are dropped here, trailing ones by
                 * never being flushed. */
                pending_space = out->len > 0;
                continue;
            }
        }
        if (cp == EM_DASH && last_dash && !pending_space)
            continue;
        if (pending_space) {
            lotk_buf_putc(out, ' ');
            pending_space = false;
        }
        put_utf8(out, cp);
        last_dash = cp == EM_DASH;
    }
}

void lotk_header_normalize(const char *in, struct lotk_buf *out)
{
    lotk_header_normalize_n(in ? in : "", in ? strlen(in) : 0, out);
}

/* ---- question numbers --------------------------------------------------------------- */

#define IDEO_COMMA "\xE3\x80\x81"  /* 、 */
#define EM_DASH_UTF8 "\xE2\x80\x94" /* — */
#define MAX_NUMBER_DIGITS 5

static bool is_digit(char c)
{
    return c >= '0' && c <= '9';
}

static bool starts_with(const char *s, const char *prefix)
{
    return strncmp(s, prefix, strlen(prefix)) == 0;
}

/* Reads 1 to MAX_NUMBER_DIGITS digits at *p; more digits is no number (a year, a phone
 * number, an id). Advances *p past them on success. */
static bool read_number(const char **p, int *value)
{
    const char *s = *p;
    int v = 0;
    size_t n = 0;
    while (is_digit(s[n])) {
        if (++n > MAX_NUMBER_DIGITS)
            return false;
        v = v * 10 + (s[n - 1] - '0');
    }
    if (n == 0)
        return false;
    *p = s + n;
    *value = v;
    return true;
}

/* "(k)" at *p with k ≥ 1; advances past the ")". */
static bool read_paren_row(const char **p, int *row)
{
    const char *s = *p;
    int r;
    if (*s != '(')
        return false;
    s++;
    if (!read_number(&s, &r) || r < 1 || *s != ')')
        return false;
    *p = s + 1;
    *row = r;
    return true;
}

/* A row number after "N." must be closed off so that "12.3年内…" stays a stem. */
static bool ends_row(const char *s)
{
    return *s == '\0' || *s == ' ' || *s == '.' || *s == ':' || starts_with(s, IDEO_COMMA);
}

/* The first "—k." / "-k、" (blanks allowed around k) in the stem, or 0. */
static int dash_row(const char *s)
{
    for (; *s; s++) {
        const char *p;
        if (*s == '-')
            p = s + 1;
        else if (starts_with(s, EM_DASH_UTF8))
            p = s + 3;
        else
            continue;
        int r;
        if (*p == ' ')
            p++;
        if (!read_number(&p, &r) || r < 1)
            continue;
        if (*p == ' ')
            p++;
        if (*p == '.' || starts_with(p, IDEO_COMMA))
            return r;
    }
    return 0;
}

/* lotk_header_question, also giving where the stem starts (after the number and its
 * separator) in *stem_at. */
static int parse_question(const char *s, int *question, int *row, const char **stem_at)
{
    int q = 0, r = 0;
    const char *p = s;
    if (!s)
        return 0;
    if (starts_with(p, "第")) {
        p += strlen("第");
        if (*p == ' ')
            p++;
        if (!read_number(&p, &q) || q < 1)
            return 0;
        if (*p == ' ')
            p++;
        if (!starts_with(p, "题"))
            return 0;
        p += strlen("题");
        read_paren_row(&p, &r);
        goto stem;
    }
    bool qform = (*p == 'Q' || *p == 'q') && is_digit(p[1]);
    if (qform)
        p++;
    if (!read_number(&p, &q) || q < 1)
        return 0;
    if (*p == '(') {
        if (!read_paren_row(&p, &r))
            return 0;
        goto stem;
    }
    if (qform) {
        if (*p == '\0')
            goto stem;
        if (*p == '_') {
            p++;
            if (!read_number(&p, &r) || r < 1 || is_digit(*p))
                return 0;
            goto stem;
        }
    }
    /* A blank before the separator ("12 、题干") is a typing slip, not a different header;
     * for Q-names a blank alone separates ("Q12 题干"). */
    if (*p == ' ') {
        if (qform)
            goto stem;
        p++;
    }
    if (starts_with(p, IDEO_COMMA)) {
        p += strlen(IDEO_COMMA);
        goto stem;
    }
    /* "8:30签到人数" is a time, not question 8; only Q-names take a colon. */
    if (*p == ':' && qform) {
        p++;
        goto stem;
    }
    if (*p == '.') {
        p++;
        const char *d = p;
        int rr;
        if (is_digit(*d) && read_number(&d, &rr) && rr >= 1 && ends_row(d)) {
            r = rr;
            p = d;
        }
        goto stem;
    }
    return 0;
stem:
    if (r == 0)
        r = dash_row(p);
    *question = q;
    *row = r;
    *stem_at = p;
    return 1;
}

int lotk_header_question(const char *s, int *question, int *row)
{
    const char *stem_at;
    return parse_question(s, question, row, &stem_at);
}

/* Where one trailing remark "(…)" starts in s[0..n) (its blank before included), or n when
 * s does not end with one or the remark is all there is. */
static size_t trailing_remark(const char *s, size_t n)
{
    if (n == 0 || s[n - 1] != ')')
        return n;
    size_t open = n - 1;
    while (open > 0 && s[open - 1] != '(' && s[open - 1] != ')')
        open--;
    if (open == 0 || s[open - 1] != '(')
        return n; /* no "(" before it, or nested parentheses: not a simple remark */
    open--;
    size_t at = open;
    if (at > 0 && s[at - 1] == ' ')
        at--;
    return at > 0 ? at : n;
}

void lotk_header_stem(const char *normalized, bool drop_hint, struct lotk_buf *out)
{
    const char *s = normalized ? normalized : "", *p = s;
    int q, r;
    lotk_buf_reset(out);
    lotk_buf_append(out, "", 0);
    if (parse_question(s, &q, &r, &p)) {
        /* The separators parse_question leaves: "第12题:题干", "12(3)、题干", "12.3 题干". */
        for (;;) {
            if (*p == ' ' || *p == ':' || *p == '.')
                p++;
            else if (starts_with(p, IDEO_COMMA))
                p += strlen(IDEO_COMMA);
            else
                break;
        }
    }
    size_t n = strlen(p);
    if (drop_hint)
        n = trailing_remark(p, n);
    lotk_buf_append(out, p, n);
}

/* ---- metadata columns --------------------------------------------------------------- */

static const struct {
    const char *header;
    enum lotk_meta meta;
} meta_headers[] = {
    {"序号", LOTK_META_SEQ},
    {"编号", LOTK_META_SEQ},
    {"答卷编号", LOTK_META_SEQ},
    {"答卷序号", LOTK_META_SEQ},
    {"提交答卷时间", LOTK_META_SUBMIT_TIME},
    {"提交时间", LOTK_META_SUBMIT_TIME},
    {"答卷提交时间", LOTK_META_SUBMIT_TIME},
    {"所用时间", LOTK_META_DURATION},
    {"答题时长", LOTK_META_DURATION},
    {"作答时长", LOTK_META_DURATION},
    {"答题用时", LOTK_META_DURATION},
    {"填写用时", LOTK_META_DURATION},
    {"来源", LOTK_META_SOURCE},
    {"答卷来源", LOTK_META_SOURCE},
    {"来源渠道", LOTK_META_SOURCE},
    {"来源详情", LOTK_META_SOURCE_DETAIL},
    {"来自IP", LOTK_META_IP},
    {"IP", LOTK_META_IP},
    {"IP地址", LOTK_META_IP},
    {"来源IP", LOTK_META_IP},
    {"开始答题时间", LOTK_META_START_TIME},
    {"开始时间", LOTK_META_START_TIME},
    {"答题开始时间", LOTK_META_START_TIME},
    {"结束答题时间", LOTK_META_END_TIME},
    {"结束时间", LOTK_META_END_TIME},
    {"答题结束时间", LOTK_META_END_TIME},
    {"用户ID", LOTK_META_USER_ID},
    {"总分", LOTK_META_TOTAL},
    {"姓名", LOTK_META_NAME},
    {"填写人", LOTK_META_NAME},
    {"地理位置", LOTK_META_LOCATION},
    {"IP属地", LOTK_META_LOCATION},
    {"所在地区", LOTK_META_LOCATION},
    {"省份", LOTK_META_LOCATION},
    {"城市", LOTK_META_LOCATION},
    {"国家和地区", LOTK_META_LOCATION},
};

enum lotk_meta lotk_header_metadata(const char *s)
{
    if (!s)
        return LOTK_META_NONE;
    size_t n = strlen(s);
    /* One trailing remark in parentheses ("所用时间(秒)") does not change the column. */
    if (n > 0 && s[n - 1] == ')') {
        const char *open = memchr(s, '(', n);
        if (open && open > s && memchr(open + 1, '(', n - 1 - (size_t)(open - s)) == NULL) {
            n = (size_t)(open - s);
            if (n > 0 && s[n - 1] == ' ')
                n--;
        }
    }
    for (size_t i = 0; i < sizeof meta_headers / sizeof meta_headers[0]; i++)
        if (strlen(meta_headers[i].header) == n &&
            lotk_ascii_iequal(s, meta_headers[i].header, n))
            return meta_headers[i].meta;
    return LOTK_META_NONE;
}

const char *lotk_header_metadata_name(enum lotk_meta m)
{
    static const char *const names[] = {
        [LOTK_META_NONE] = "none",
        [LOTK_META_SEQ] = "seq",
        [LOTK_META_SUBMIT_TIME] = "submit_time",
        [LOTK_META_DURATION] = "duration",
        [LOTK_META_SOURCE] = "source",
        [LOTK_META_SOURCE_DETAIL] = "source_detail",
        [LOTK_META_IP] = "ip",
        [LOTK_META_START_TIME] = "start_time",
        [LOTK_META_END_TIME] = "end_time",
        [LOTK_META_USER_ID] = "user_id",
        [LOTK_META_TOTAL] = "total",
        [LOTK_META_NAME] = "name",
        [LOTK_META_LOCATION] = "location",
    };
    if ((unsigned)m >= sizeof names / sizeof names[0] || !names[m])
        return "none";
    return names[m];
}

/* ---- durations ---------------------------------------------------------------------- */

#define MAX_FIELD_DIGITS 9

#define IDEO_SPACE "\xE3\x80\x80" /* U+3000 */

static bool blank_at(const char *p, const char *end, size_t *n)
{
    if (p < end && (*p == ' ' || *p == '\t' || *p == '\r' || *p == '\n')) {
        *n = 1;
        return true;
    }
    if (end - p >= 3 && memcmp(p, IDEO_SPACE, 3) == 0) {
        *n = 3;
        return true;
    }
    return false;
}

static const char *skip_blanks(const char *p, const char *end)
{
    size_t n;
    while (blank_at(p, end, &n))
        p += n;
    return p;
}

/* Reads digits, with a decimal fraction when allow_fraction; at most MAX_FIELD_DIGITS on
 * each side of the point so that the value is exact and nothing overflows. */
static bool read_decimal(const char **pp, const char *end, bool allow_fraction, double *value)
{
    const char *p = *pp;
    double v = 0;
    size_t n = 0;
    while (p < end && is_digit(*p)) {
        if (++n > MAX_FIELD_DIGITS)
            return false;
        v = v * 10 + (*p++ - '0');
    }
    if (n == 0)
        return false;
    if (allow_fraction && p < end && *p == '.') {
        const char *q = p + 1;
        double scale = 1;
        size_t m = 0;
        while (q < end && is_digit(*q)) {
            if (++m > MAX_FIELD_DIGITS)
                return false;
            scale /= 10;
            v += (*q++ - '0') * scale;
        }
        if (m == 0)
            return false;
        p = q;
    }
    *pp = p;
    *value = v;
    return true;
}

static int parse_clock(const char *p, const char *end, double *seconds)
{
    double field[3];
    int n = 0;
    for (;;) {
        if (n == 3)
            return -1;
        /* Only the seconds, the last field, may have a fraction; which field is last is
         * known only afterwards, so a fraction must end the clock. */
        const char *start = p;
        if (!read_decimal(&p, end, true, &field[n]))
            return -1;
        n++;
        if (p == end)
            break;
        if (*p != ':' || memchr(start, '.', (size_t)(p - start)))
            return -1;
        p++;
    }
    if (n < 2)
        return -1;
    for (int i = 1; i < n; i++)
        if (field[i] >= 60)
            return -1;
    double s = 0;
    for (int i = 0; i < n; i++)
        s = s * 60 + field[i];
    *seconds = s;
    return 0;
}

static const struct {
    const char *unit;
    int rank; /* units must come in increasing rank */
    double seconds;
} duration_units[] = {
    {"天", 0, 86400}, {"小时", 1, 3600}, {"时", 1, 3600}, {"分钟", 2, 60},
    {"分", 2, 60},    {"秒钟", 3, 1},    {"秒", 3, 1},
};

int lotk_duration_parse(const char *s, size_t len, double *seconds)
{
    if (!s)
        return -1;
    const char *p = skip_blanks(s, s + len), *end = s + len;
    /* Trim trailing blanks: step back over ASCII blanks and U+3000. */
    while (end > p) {
        if (end[-1] == ' ' || end[-1] == '\t' || end[-1] == '\r' || end[-1] == '\n')
            end--;
        else if (end - p >= 3 && memcmp(end - 3, IDEO_SPACE, 3) == 0)
            end -= 3;
        else
            break;
    }
    if (p == end)
        return -1;
    if (memchr(p, ':', (size_t)(end - p)))
        return parse_clock(p, end, seconds);
    double total = 0, v;
    int last_rank = -1;
    bool units = false;
    while (p < end) {
        if (!read_decimal(&p, end, true, &v))
            return -1;
        p = skip_blanks(p, end);
        if (p == end) {
            if (units)
                return -1; /* "2分30": a number after units must have one too */
            total = v;
            break;
        }
        size_t i;
        for (i = 0; i < sizeof duration_units / sizeof duration_units[0]; i++) {
            size_t ulen = strlen(duration_units[i].unit);
            if ((size_t)(end - p) >= ulen && memcmp(p, duration_units[i].unit, ulen) == 0)
                break;
        }
        if (i == sizeof duration_units / sizeof duration_units[0] ||
            duration_units[i].rank <= last_rank)
            return -1;
        last_rank = duration_units[i].rank;
        total += v * duration_units[i].seconds;
        units = true;
        p += strlen(duration_units[i].unit);
        p = skip_blanks(p, end);
    }
    *seconds = total;
    return 0;
}
