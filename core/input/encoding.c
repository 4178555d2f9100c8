/* encoding.c — UTF-8 validation, encoding detection and the streaming decoder; see
 * encoding.h. */
#include "input/encoding.h"
#include "base/mem.h"
#include "base/buf.h"
#include "base/text.h"

#include <errno.h>
#ifdef __SSE2__
#include <emmintrin.h>
#endif
#include <iconv.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* ---- names ------------------------------------------------------------------------ */

static bool ascii_eq_nocase(const char *a, const char *b)
{
    return strlen(a) == strlen(b) && lotk_ascii_iequal(a, b, strlen(a));
}

int lotk_encoding_parse(const char *name, enum lotk_encoding *enc)
{
    static const struct {
        const char *name;
        enum lotk_encoding enc;
    } names[] = {
        {"auto", LOTK_ENC_AUTO},       {"utf-8", LOTK_ENC_UTF8},
        {"utf8", LOTK_ENC_UTF8},       {"gb18030", LOTK_ENC_GB18030},
        /* GB18030 decodes every GBK and GB2312 file the same way those would: asking
         * for the subset by name should not be an error. */
        {"gbk", LOTK_ENC_GB18030},     {"gb2312", LOTK_ENC_GB18030},
        {"cp936", LOTK_ENC_GB18030},
    };
    if (!name)
        return -1;
    for (size_t i = 0; i < sizeof names / sizeof names[0]; i++) {
        if (ascii_eq_nocase(name, names[i].name)) {
            *enc = names[i].enc;
            return 0;
        }
    }
    return -1;
}

const char *lotk_encoding_name(enum lotk_encoding enc)
{
    switch (enc) {
    case LOTK_ENC_UTF8:
        return "UTF-8";
    case LOTK_ENC_GB18030:
        return "GB18030";
    case LOTK_ENC_AUTO:
        break;
    }
    return "auto";
}

/* ---- UTF-8 scanning ----------------------------------------------------------------- */

#define HIGH_BITS 0x8080808080808080ULL
#define LOW7_BITS 0x7F7F7F7F7F7F7F7FULL
#define LF_BYTES 0x0A0A0A0A0A0A0A0AULL

enum scan_status { SCAN_OK, SCAN_INCOMPLETE, SCAN_INVALID };

struct scan {
    size_t valid;       /* bytes of whole valid characters from the start */
    long newlines;      /* LF bytes among them */
    size_t multibyte;   /* whole multibyte characters among them */
    enum scan_status status;
    const char *why;    /* for SCAN_INVALID */
};

static inline uint64_t load64(const unsigned char *p)
{
    uint64_t w;
    memcpy(&w, p, sizeof w); /* compiles to one unaligned load */
    return w;
}

/* LF bytes in an all-ASCII word. The zero-byte test is the exact one (no false positives
 * from borrows), and newlines are rare enough that the popcount is usually skipped. */
static inline long lf_count64(uint64_t w)
{
    uint64_t x = w ^ LF_BYTES;
    uint64_t zero = ~(((x & LOW7_BITS) + LOW7_BITS) | x) & HIGH_BITS;
    return zero ? __builtin_popcountll(zero) : 0;
}

static long lf_count(const char *s, size_t n)
{
    long nl = 0;
    const char *end = s + n;
    while ((s = memchr(s, '\n', (size_t)(end - s))) != NULL) {
        nl++;
        s++;
    }
    return nl;
}

/* Validates s[0..n) up to the first invalid or incomplete sequence. This is the hot path
 * for UTF-8 files of millions of rows: ASCII goes 16 bytes per step, and the per-character
 * checks are the ranges of Unicode's table 3-7, which exclude overlongs, surrogates and
 * code points above U+10FFFF with one range test on the second byte. */
static void utf8_scan(const unsigned char *s, size_t n, struct scan *r)
{
    size_t i = 0, multi = 0;
    long nl = 0;
    r->status = SCAN_OK;
    r->why = NULL;
    for (;;) {
        while (i + 16 <= n) {
            uint64_t a = load64(s + i), b = load64(s + i + 8);
            if ((a | b) & HIGH_BITS)
                break;
            nl += lf_count64(a) + lf_count64(b);
            i += 16;
        }
        /* Chinese text is runs of three-byte characters; leads E1–EC and EE–EF take any two
         * continuation bytes, so these need no range checks beyond that. */
        while (i + 2 < n) {
            unsigned c0 = s[i];
            if (!(c0 - 0xE1u < 12u || c0 - 0xEEu < 2u) ||
                ((s[i + 1] & 0xC0) != 0x80) | ((s[i + 2] & 0xC0) != 0x80))
                break;
            i += 3;
            multi++;
        }
        if (i >= n)
            break;
        unsigned c = s[i];
        if (c < 0x80) {
            nl += c == '\n';
            i++;
            continue;
        }
        size_t need;
        unsigned lo = 0x80, hi = 0xBF;
        const char *range_why = NULL;
        if (c >= 0xC2 && c <= 0xDF) {
            need = 1;
        } else if (c >= 0xE0 && c <= 0xEF) {
            need = 2;
            if (c == 0xE0) {
                lo = 0xA0;
                range_why = "overlong encoding";
            } else if (c == 0xED) {
                hi = 0x9F;
                range_why = "UTF-16 surrogate";
            }
        } else if (c >= 0xF0 && c <= 0xF4) {
            need = 3;
            if (c == 0xF0) {
                lo = 0x90;
                range_why = "overlong encoding";
            } else if (c == 0xF4) {
                hi = 0x8F;
                range_why = "above U+10FFFF";
            }
        } else {
            r->status = SCAN_INVALID;
            r->why = c < 0xC0   ? "continuation byte without a lead byte"
                     : c < 0xC2 ? "overlong encoding"
                                : "never valid in UTF-8";
            break;
        }
        if (i + 1 >= n) {
            r->status = SCAN_INCOMPLETE;
            break;
        }
        unsigned c1 = s[i + 1];
        if (c1 < lo || c1 > hi) {
            r->status = SCAN_INVALID;
            r->why = (c1 & 0xC0) == 0x80 && range_why ? range_why
                                                      : "expected a continuation byte";
            break;
        }
        size_t k = 2;
        for (; k <= need && i + k < n; k++)
            if ((s[i + k] & 0xC0) != 0x80)
                break;
        if (k <= need) {
            if (i + k >= n) {
                r->status = SCAN_INCOMPLETE;
            } else {
                r->status = SCAN_INVALID;
                r->why = "expected a continuation byte";
            }
            break;
        }
        i += need + 1;
        multi++;
    }
    r->valid = i;
    r->newlines = nl;
    r->multibyte = multi;
}

int lotk_utf8_validate(const char *s, size_t len, size_t *bad)
{
    struct scan r;
    utf8_scan((const unsigned char *)s, len, &r);
    if (r.status == SCAN_OK)
        return 0;
    if (bad)
        *bad = r.valid;
    return -1;
}

/* ---- GB18030 through iconv ---------------------------------------------------------- */

static const char BOM[3] = {'\xEF', '\xBB', '\xBF'};

/* How many bytes to show of an invalid GB18030 sequence at s[0..n): up to the first byte
 * that breaks the sequence's structure, or the whole sequence when the structure is right
 * but iconv knows no character for it. glibc only judges a sequence once it has all of its
 * bytes, so this shows the same bytes however the input was cut into chunks. */
static size_t gb_bad_length(const unsigned char *s, size_t n)
{
    if (s[0] < 0x81 || s[0] == 0xFF || n < 2)
        return 1;
    if (s[1] < 0x30 || s[1] > 0x39)
        return 2;
    if (n < 3 || s[2] < 0x81 || s[2] == 0xFF)
        return n < 3 ? n : 3;
    return n < 4 ? n : 4;
}

/* Writes "0x81 0x20" for up to four bytes. */
static void hex_bytes(char out[24], const unsigned char *s, size_t n)
{
    size_t pos = 0;
    out[0] = '\0';
    for (size_t i = 0; i < n && i < 4; i++)
        pos += (size_t)snprintf(out + pos, 24 - pos, "%s0x%02X", i ? " " : "", s[i]);
}

/* Checks that buf[0..len) is GB18030 by converting it into a scratch buffer. A sequence cut
 * off at the end counts as valid unless complete. Returns 0; GB_CUT_OFF when complete and
 * all is valid but a sequence cut off at the end (a truncated GB18030 file, for the decoder
 * to report as such); or -1 with the offset of the first invalid sequence in *bad. Leaves
 * cd in its initial state. */
enum { GB_CUT_OFF = 1 };

static bool has_non_ascii(const char *s, size_t n)
{
    for (size_t i = 0; i < n; i++)
        if ((unsigned char)s[i] >= 0x80)
            return true;
    return false;
}
static int gb_check(iconv_t cd, const char *buf, size_t len, bool complete, size_t *bad)
{
    char scratch[4096];
    char *in = (char *)buf; /* iconv's prototype is not const-correct */
    size_t inleft = len;
    int rc = 0;
    while (inleft > 0) {
        char *out = scratch;
        size_t outleft = sizeof scratch;
        if (iconv(cd, &in, &inleft, &out, &outleft) != (size_t)-1)
            break;
        if (errno == E2BIG)
            continue;
        if (errno == EINVAL && !complete)
            break;
        /* Cut off at the end after whole GB18030 characters: a truncated GB18030 file. A
         * lone lead byte with none before it says nothing of the encoding. */
        if (errno == EINVAL && has_non_ascii(buf, (size_t)(in - buf))) {
            rc = GB_CUT_OFF;
            break;
        }
        *bad = (size_t)(in - buf);
        rc = -1;
        break;
    }
    iconv(cd, NULL, NULL, NULL, NULL);
    return rc;
}

/* ---- detection ---------------------------------------------------------------------- */

/* A GB18030 file that happens to read as UTF-8 for this many multibyte characters before
 * its first invalid byte has not been seen: GB18030's byte pairs break UTF-8's lead and
 * continuation pattern within a few characters. A file that does is UTF-8 with a corrupt
 * byte, and decoding it as GB18030 (which much UTF-8 Chinese text structurally is) would
 * turn every label into mojibake without an error. */
enum { UTF8_EVIDENCE = 16 };

/* The detection behind lotk_encoding_detect and the decoder: buf starts at file offset
 * base, on line base_line. cd (may be (iconv_t)-1) is a GB18030 → UTF-8 converter to
 * reuse. */
static int detect_at(const char *buf, size_t len, bool complete, uint64_t base, long base_line,
                     const char *file, iconv_t cd, enum lotk_encoding *enc,
                     struct lotk_err *err)
{
    int rc = 0;
    bool own_cd = false;
    struct scan r;
    if (base == 0 && len >= 3 && memcmp(buf, BOM, 3) == 0) {
        *enc = LOTK_ENC_UTF8;
        goto done;
    }
    utf8_scan((const unsigned char *)buf, len, &r);
    if (r.status == SCAN_OK || (r.status == SCAN_INCOMPLETE && !complete)) {
        *enc = LOTK_ENC_UTF8;
        goto done;
    }
    if (r.multibyte < UTF8_EVIDENCE) {
        if (cd == (iconv_t)-1) {
            cd = iconv_open("UTF-8", "GB18030");
            if (cd == (iconv_t)-1) {
                rc = lotk_err_set(err, LOTK_EIO, file, 0, 0,
                                  "iconv cannot convert GB18030 to UTF-8: %s",
                                  strerror(errno));
                goto done;
            }
            own_cd = true;
        }
        size_t bad;
        if (gb_check(cd, buf, len, complete, &bad) >= 0) {
            *enc = LOTK_ENC_GB18030;
            goto done;
        }
    }
    /* Past the evidence threshold the file is UTF-8 with a bad byte, and says so plainly;
     * below it, it was tried as both. */
    const char *prefix = r.multibyte < UTF8_EVIDENCE ? "not UTF-8 or GB18030: " : "";
    const unsigned char *at = (const unsigned char *)buf + r.valid;
    unsigned long long off = (unsigned long long)(base + r.valid);
    rc = lotk_err_set(err, LOTK_EIO, file, base_line + r.newlines, 0,
                      "%sinvalid UTF-8 byte 0x%02X at byte offset %llu (%s)", prefix, at[0], off,
                      r.status == SCAN_INCOMPLETE
                          ? "the input ends inside a multibyte character"
                          : r.why);
done:
    if (own_cd)
        iconv_close(cd);
    return rc;
}

int lotk_encoding_detect(const char *buf, size_t len, bool complete, enum lotk_encoding *enc,
                         struct lotk_err *err)
{
    return detect_at(buf, len, complete, 0, 1, NULL, (iconv_t)-1, enc, err);
}

/* ---- the streaming decoder ---------------------------------------------------------- */

/* A line of a GB18030 file that is valid UTF-8 with this many multibyte characters is a
 * UTF-8 line in a file that mixes the two (one export pasted under another): read as
 * GB18030 it would be mojibake, its organization a phantom. GB18030 Chinese reads as
 * UTF-8 for 6 or more characters in none of a million random lines of the policy's and the
 * standards' own characters (for 4, in 24), so 8 leaves a wide margin. */
enum { UTF8_LINE_EVIDENCE = 8 };

/* What UTF-8 would make of the current line so far. */
struct utf8_line {
    long line;          /* which line (1-based); 0 until the first byte is followed */
    bool broken;        /* a byte UTF-8 would refuse */
    unsigned char need; /* continuation bytes still expected */
    unsigned multibyte; /* whole multibyte characters */
};

struct lotk_decoder {
    enum lotk_encoding enc;  /* decided encoding; AUTO while sniffing */
    char *file;              /* for messages; NULL when unnamed */
    iconv_t cd;              /* GB18030 → UTF-8, (iconv_t)-1 for UTF-8 only */
    uint64_t offset;         /* file offset of the first byte not yet consumed */
    long line;               /* 1-based line of that byte */
    unsigned char carry[4];  /* an incomplete character held until the next feed */
    size_t ncarry;
    struct lotk_buf sniff;   /* AUTO: bytes from the first non-ASCII byte, until decided */
    struct utf8_line u8;     /* GB18030: the current line, as UTF-8 would read it */
    bool holding;            /* an invalid GB18030 sequence (error) waits for its line's end:
                                if the line is UTF-8, the file mixes encodings instead */
    bool had_bom;
    bool failed;             /* errors are sticky: the stream cannot be resynchronised */
    struct lotk_err error;
};

struct lotk_decoder *lotk_decoder_new(enum lotk_encoding enc, const char *file,
                                      struct lotk_err *err)
{
    struct lotk_decoder *dec = lotk_xcalloc(1, sizeof *dec);
    dec->enc = enc;
    dec->file = file ? lotk_xstrdup(file) : NULL;
    dec->line = 1;
    dec->cd = (iconv_t)-1;
    /* Opened up front even for AUTO, so that a system without the converter fails before
     * any output rather than in the middle of a file. */
    if (enc != LOTK_ENC_UTF8) {
        dec->cd = iconv_open("UTF-8", "GB18030");
        if (dec->cd == (iconv_t)-1) {
            lotk_err_set(err, LOTK_EIO, file, 0, 0, "iconv cannot convert GB18030 to UTF-8: %s",
                         strerror(errno));
            lotk_decoder_free(dec);
            return NULL;
        }
    }
    return dec;
}

void lotk_decoder_free(struct lotk_decoder *dec)
{
    if (!dec)
        return;
    if (dec->cd != (iconv_t)-1)
        iconv_close(dec->cd);
    free(dec->file);
    lotk_buf_free(&dec->sniff);
    free(dec);
}

enum lotk_encoding lotk_decoder_encoding(const struct lotk_decoder *dec)
{
    return dec->enc;
}

bool lotk_decoder_had_bom(const struct lotk_decoder *dec)
{
    return dec->had_bom;
}

uint64_t lotk_decoder_offset(const struct lotk_decoder *dec)
{
    return dec->offset;
}

/* Records an error at the decoder's current position and makes it sticky. */
static int fail(struct lotk_decoder *dec, struct lotk_err *err, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

static int fail(struct lotk_decoder *dec, struct lotk_err *err, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    lotk_err_setv(&dec->error, LOTK_EIO, dec->file, dec->line, 0, fmt, ap);
    va_end(ap);
    dec->failed = true;
    if (err)
        *err = dec->error;
    return LOTK_EIO;
}

static int replay_error(struct lotk_decoder *dec, struct lotk_err *err)
{
    if (err)
        *err = dec->error;
    return dec->error.code ? dec->error.code : LOTK_EIO;
}

/* Converts the whole characters at the start of in[0..len), which begins at dec->offset,
 * appends them to out and advances the position; *used says how many bytes that was. The
 * rest, when *used < len, is the start of a character cut off by the end of in. */
static int convert_utf8(struct lotk_decoder *dec, const char *in, size_t len, size_t *used,
                        struct lotk_buf *out, struct lotk_err *err)
{
    struct scan r;
    utf8_scan((const unsigned char *)in, len, &r);
    size_t skip = 0;
    if (dec->offset == 0 && r.valid >= 3 && memcmp(in, BOM, 3) == 0) {
        skip = 3;
        dec->had_bom = true;
    }
    if (r.valid > skip)
        lotk_buf_append(out, in + skip, r.valid - skip);
    dec->offset += r.valid;
    dec->line += r.newlines;
    *used = r.valid;
    if (r.status == SCAN_INVALID)
        return fail(dec, err, "invalid UTF-8 byte 0x%02X at byte offset %llu (%s)",
                    (unsigned char)in[r.valid], (unsigned long long)dec->offset, r.why);
    return 0;
}

static int convert_gb18030(struct lotk_decoder *dec, const char *in, size_t len, size_t *used,
                           struct lotk_buf *out, struct lotk_err *err)
{
    char *inp = (char *)in; /* iconv's prototype is not const-correct */
    size_t inleft = len;
    bool at_start = dec->offset == 0;
    size_t start = out->len;
    int rc = 0;
    /* Two bytes of GB18030 become at most three of UTF-8, four at most four, so 1.5 × len
     * is enough in one go; E2BIG is still handled rather than trusted away. */
    size_t want = len + len / 2 + 16;
    for (;;) {
        lotk_grow(&out->data, &out->cap, out->len + want + 1, 1);
        char *outp = out->data + out->len;
        size_t outleft = out->cap - out->len - 1;
        char *before = inp;
        size_t r = iconv(dec->cd, &inp, &inleft, &outp, &outleft);
        int e = errno;
        size_t produced = (size_t)(outp - (out->data + out->len));
        /* LF is never part of a multibyte character on either side, so counting it in the
         * output counts the input's lines. */
        dec->line += lf_count(out->data + out->len, produced);
        out->len += produced;
        out->data[out->len] = '\0';
        dec->offset += (uint64_t)(inp - before);
        if (r != (size_t)-1 || inleft == 0)
            break;
        if (e == E2BIG) {
            want = inleft * 2 + 16;
            continue;
        }
        if (e == EINVAL)
            break; /* a character cut off by the end of in: the caller carries it */
        const unsigned char *bad = (const unsigned char *)inp;
        char hex[24];
        hex_bytes(hex, bad, gb_bad_length(bad, inleft));
        rc = fail(dec, err, "invalid GB18030 sequence %s at byte offset %llu", hex,
                  (unsigned long long)dec->offset);
        break;
    }
    /* GB18030 encodes U+FEFF as 84 31 95 33, and a UTF-8 BOM mistakenly kept by a converter
     * reads the same once decoded: either way it is not part of the first header. */
    if (at_start && out->len - start >= 3 && memcmp(out->data + start, BOM, 3) == 0) {
        memmove(out->data + start, out->data + start + 3, out->len - start - 3 + 1);
        out->len -= 3;
        dec->had_bom = true;
    }
    *used = (size_t)(inp - in);
    return rc;
}

static int convert(struct lotk_decoder *dec, const char *in, size_t len, size_t *used,
                   struct lotk_buf *out, struct lotk_err *err)
{
    if (dec->enc == LOTK_ENC_GB18030)
        return convert_gb18030(dec, in, len, used, out, err);
    return convert_utf8(dec, in, len, used, out, err);
}

static bool utf8_line_is_evidence(const struct utf8_line *u)
{
    return !u->broken && u->need == 0 && u->multibyte >= UTF8_LINE_EVIDENCE;
}

static int mixed_encodings(struct lotk_decoder *dec, long line, struct lotk_err *err)
{
    lotk_err_set(&dec->error, LOTK_EIO, dec->file, line, 0,
                 "this line is UTF-8 but the file is read as GB18030: it mixes two encodings, "
                 "and this line would be garbled (save the file in one encoding, e.g. "
                 "iconv -f GB18030 -t UTF-8, then fix the lines that were UTF-8)");
    dec->failed = true;
    if (err)
        *err = dec->error;
    return LOTK_EIO;
}

/* Follows the raw bytes in[0..len) of a GB18030 file (carried bytes were followed in the
 * feed they came in) line by line, as UTF-8 would read them, and returns true at the LF that
 * ends the first line that is UTF-8 beyond doubt (its number in dec->u8.line). */
static bool follow_utf8_lines(struct lotk_decoder *dec, const char *in, size_t len)
{
    struct utf8_line *u = &dec->u8;
    if (u->line == 0)
        u->line = dec->line;
    for (size_t i = 0; i < len; i++) {
        unsigned char c = (unsigned char)in[i];
        if (c < 0x80) {
            if (c == '\n') {
                if (utf8_line_is_evidence(u))
                    return true;
                *u = (struct utf8_line){.line = u->line + 1};
            } else if (u->need) {
                u->broken = true;
            }
        } else if (u->broken) {
            continue;
        } else if (u->need) {
            if ((c & 0xC0) != 0x80)
                u->broken = true;
            else if (--u->need == 0)
                u->multibyte++;
        } else if (c >= 0xC2 && c <= 0xF4) {
            u->need = c < 0xE0 ? 1 : c < 0xF0 ? 2 : 3;
        } else {
            u->broken = true;
        }
    }
    return false;
}

static int convert_feed(struct lotk_decoder *dec, const char *in, size_t len,
                        struct lotk_buf *out, struct lotk_err *err);

/* An invalid GB18030 sequence on a line that is UTF-8 is that line's mixed encoding, not
 * the sequence: the error waits (dec->holding) until the line is followed to its end, so
 * that it is the same however the file is cut into feeds. Returns the error, or 0 while
 * holding. */
static int settle(struct lotk_decoder *dec, bool line_is_utf8, bool line_ended,
                  struct lotk_err *err)
{
    if (line_is_utf8 && dec->u8.line <= dec->error.line)
        return mixed_encodings(dec, dec->u8.line, err);
    if (line_is_utf8 || line_ended || dec->u8.line > dec->error.line) {
        dec->holding = false;
        dec->failed = true;
        return replay_error(dec, err);
    }
    dec->holding = true;
    dec->failed = false; /* until settled: nothing more is converted meanwhile */
    return 0;
}

/* Feeds in[0..len) once the encoding is known. */
static int feed_decided(struct lotk_decoder *dec, const char *in, size_t len,
                        struct lotk_buf *out, struct lotk_err *err)
{
    if (dec->enc != LOTK_ENC_GB18030)
        return convert_feed(dec, in, len, out, err);
    bool utf8_line = follow_utf8_lines(dec, in, len);
    int rc = convert_feed(dec, in, len, out, err);
    if (rc)
        return settle(dec, utf8_line, false, err);
    return utf8_line ? mixed_encodings(dec, dec->u8.line, err) : 0;
}

/* Converts in[0..len): first completes a character carried from the previous feed, then
 * converts the rest and carries what a new cut leaves over. */
static int convert_feed(struct lotk_decoder *dec, const char *in, size_t len,
                        struct lotk_buf *out, struct lotk_err *err)
{
    size_t used;
    int rc;
    if (dec->ncarry) {
        /* Eight bytes hold the carried part and enough of in to finish any character
         * (at most four bytes long) or to prove it invalid. */
        char tmp[8];
        size_t n = dec->ncarry, take = len < sizeof tmp - n ? len : sizeof tmp - n;
        memcpy(tmp, dec->carry, n);
        if (take)
            memcpy(tmp + n, in, take);
        if ((rc = convert(dec, tmp, n + take, &used, out, err)) != 0)
            return rc;
        if (used < n) {
            /* Still cut off: then all of in fitted into tmp. */
            memcpy(dec->carry, tmp, n + take);
            dec->ncarry = n + take;
            return 0;
        }
        dec->ncarry = 0;
        in += used - n;
        len -= used - n;
    }
    if (len == 0)
        return 0;
    if ((rc = convert(dec, in, len, &used, out, err)) != 0)
        return rc;
    if (len - used > sizeof dec->carry)
        return fail(dec, err, "internal error: %zu bytes of an incomplete character",
                    len - used);
    memcpy(dec->carry, in + used, len - used);
    dec->ncarry = len - used;
    return 0;
}

/* Ends sniffing: decides the encoding from what was held and converts it. */
static int decide(struct lotk_decoder *dec, bool complete, struct lotk_buf *out,
                  struct lotk_err *err)
{
    enum lotk_encoding enc;
    int rc = detect_at(dec->sniff.data, dec->sniff.len, complete, dec->offset, dec->line,
                       dec->file, dec->cd, &enc, &dec->error);
    if (rc) {
        dec->failed = true;
        return replay_error(dec, err);
    }
    dec->enc = enc;
    struct lotk_buf held = dec->sniff;
    dec->sniff = (struct lotk_buf){0};
    rc = feed_decided(dec, held.data, held.len, out, err);
    lotk_buf_free(&held);
    return rc;
}

/* The length of the ASCII prefix of s[0..n), with its LF count. */
static size_t ascii_prefix(const unsigned char *s, size_t n, long *newlines)
{
    size_t i = 0;
    long nl = 0;
#ifdef __SSE2__
    /* Every byte of an ASCII file passes here: 32 bytes a step where the machine has
     * vectors (any x86-64), one byte mask for the high bits and one for the LFs. */
    const __m128i lf = _mm_set1_epi8('\n');
    while (i + 32 <= n) {
        __m128i a = _mm_loadu_si128((const __m128i *)(s + i));
        __m128i b = _mm_loadu_si128((const __m128i *)(s + i + 16));
        if (_mm_movemask_epi8(_mm_or_si128(a, b)))
            break;
        unsigned lfs = (unsigned)_mm_movemask_epi8(_mm_cmpeq_epi8(a, lf)) |
                       (unsigned)_mm_movemask_epi8(_mm_cmpeq_epi8(b, lf)) << 16;
        if (lfs)
            nl += __builtin_popcount(lfs);
        i += 32;
    }
#endif
    while (i + 8 <= n) {
        uint64_t w = load64(s + i);
        if (w & HIGH_BITS)
            break;
        nl += lf_count64(w);
        i += 8;
    }
    for (; i < n && s[i] < 0x80; i++)
        nl += s[i] == '\n';
    *newlines = nl;
    return i;
}

int lotk_decoder_feed(struct lotk_decoder *dec, const char *in, size_t len,
                      struct lotk_buf *out, struct lotk_err *err)
{
    if (dec->failed)
        return replay_error(dec, err);
    if (dec->holding)
        return settle(dec, follow_utf8_lines(dec, in, len), false, err);
    if (len == 0)
        return 0;
    if (dec->enc == LOTK_ENC_AUTO) {
        if (dec->sniff.len == 0) {
            /* ASCII reads the same in both encodings: pass it on and decide at the first
             * byte that tells them apart, so a file whose first 64 KiB are ASCII is not
             * taken for UTF-8 just because nothing contradicted it yet. */
            long nl;
            size_t k = ascii_prefix((const unsigned char *)in, len, &nl);
            if (k) {
                lotk_buf_append(out, in, k);
                dec->offset += k;
                dec->line += nl;
                in += k;
                len -= k;
            }
            if (len == 0)
                return 0;
        }
        size_t room = LOTK_ENCODING_SNIFF_BYTES - dec->sniff.len;
        size_t take = len < room ? len : room;
        lotk_buf_append(&dec->sniff, in, take);
        in += take;
        len -= take;
        if (dec->sniff.len < LOTK_ENCODING_SNIFF_BYTES)
            return 0;
        int rc = decide(dec, false, out, err);
        if (rc)
            return rc;
    }
    return feed_decided(dec, in, len, out, err);
}

int lotk_decoder_finish(struct lotk_decoder *dec, struct lotk_buf *out, struct lotk_err *err)
{
    /* Callers treat the text as a C string; an empty file gives "", not NULL. */
    if (!out->data)
        lotk_buf_append(out, "", 0);
    if (dec->failed)
        return replay_error(dec, err);
    if (dec->holding)
        return settle(dec, utf8_line_is_evidence(&dec->u8), true, err);
    if (dec->enc == LOTK_ENC_AUTO) {
        if (dec->sniff.len == 0) {
            dec->enc = LOTK_ENC_UTF8; /* empty or pure ASCII */
            return 0;
        }
        int rc = decide(dec, true, out, err);
        if (rc)
            return rc;
    }
    /* The last line, without a LF (a character cut off at the end is on it, too). */
    if (dec->enc == LOTK_ENC_GB18030 && utf8_line_is_evidence(&dec->u8))
        return mixed_encodings(dec, dec->u8.line, err);
    if (dec->ncarry) {
        char hex[24];
        hex_bytes(hex, dec->carry, dec->ncarry);
        if (dec->enc == LOTK_ENC_GB18030)
            return fail(dec, err,
                        "invalid GB18030 sequence %s at byte offset %llu (the input ends "
                        "inside a multibyte character)",
                        hex, (unsigned long long)dec->offset);
        return fail(dec, err,
                    "invalid UTF-8 byte 0x%02X at byte offset %llu (the input ends inside a "
                    "multibyte character)",
                    dec->carry[0], (unsigned long long)dec->offset);
    }
    return 0;
}
