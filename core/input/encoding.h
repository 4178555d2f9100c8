/* encoding.h — input encodings of survey files: UTF-8 (with or without BOM) and
 * GB18030/GBK, converted to UTF-8 as a stream.
 *
 * Survey exports arrive as UTF-8 with a BOM (what Excel needs), plain UTF-8, or GBK/GB18030
 * when Excel on Chinese Windows re-saved them (DOMAIN.md). GB18030 is a superset of GBK and
 * GB2312, so one decoder covers all three; it goes through glibc's iconv, never through
 * tables of our own. UTF-8 input is validated strictly (no overlongs, no surrogates, nothing
 * above U+10FFFF) because an invalid byte usually means the file is in another encoding and
 * every label match after it would silently fail.
 *
 * Offsets in messages are 0-based byte offsets into the file as read (what `cmp`, `xxd` and
 * `dd skip=` use); lines are 1-based and counted by LF bytes, which never occur inside a
 * multibyte character in either encoding. */
#ifndef LOTK_ENCODING_H
#define LOTK_ENCODING_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "base/err.h"
#include "base/buf.h"

enum lotk_encoding {
    LOTK_ENC_AUTO,    /* detect UTF-8 or GB18030 from the data */
    LOTK_ENC_UTF8,
    LOTK_ENC_GB18030, /* also GBK and GB2312, its subsets */
};

/* How many bytes auto-detection looks at, counted from the first non-ASCII byte. The
 * libFuzzer build shrinks it, so that short fuzz inputs reach the edge of the window. */
#ifndef LOTK_ENCODING_SNIFF_BYTES
#define LOTK_ENCODING_SNIFF_BYTES ((size_t)64 * 1024)
#endif

/* Parses an --encoding argument: "auto", "utf-8" (also "utf8"), "gb18030" (also "gbk",
 * "gb2312", "cp936"), ASCII case ignored. Returns 0 and sets *enc, or -1 for anything else
 * (enc untouched). */
int lotk_encoding_parse(const char *name, enum lotk_encoding *enc);

/* The canonical name of enc for messages: "auto", "UTF-8" or "GB18030". Never NULL. */
const char *lotk_encoding_name(enum lotk_encoding enc);

/* Checks that s[0..len) is valid UTF-8. Returns 0 when it is; otherwise -1 with the 0-based
 * offset of the first byte of the first invalid (or, at the end, incomplete) sequence in
 * *bad when bad is non-NULL. */
int lotk_utf8_validate(const char *s, size_t len, size_t *bad);

/* Decides the encoding of a file from buf[0..len), a prefix of it (complete = false) or
 * all of it (complete = true). A UTF-8 BOM means UTF-8; else valid UTF-8 means UTF-8 (a
 * sequence cut off by the end of an incomplete prefix is allowed); else valid GB18030 means
 * GB18030 (likewise). Pure ASCII is UTF-8. One exception: when 16 or more UTF-8 multibyte
 * characters come before the first invalid byte, the file is UTF-8 with a corrupt byte
 * (GB18030 text never reads as more than a few), and it is reported as such even when it
 * would pass as GB18030 — much UTF-8 Chinese text does, as mojibake. Returns 0 with *enc set
 * to LOTK_ENC_UTF8 or LOTK_ENC_GB18030; or LOTK_EIO with err naming the first invalid UTF-8
 * byte, its 0-based offset in buf and its 1-based line (err->line). */
int lotk_encoding_detect(const char *buf, size_t len, bool complete, enum lotk_encoding *enc,
                         struct lotk_err *err);

struct lotk_decoder;

/* Creates a streaming decoder from enc to UTF-8 for the file named file (used in error
 * messages; may be NULL). With LOTK_ENC_AUTO it passes leading ASCII through, then holds up
 * to LOTK_ENCODING_SNIFF_BYTES from the first non-ASCII byte to decide (see
 * lotk_encoding_detect). Returns a decoder the caller frees with lotk_decoder_free, or NULL
 * with err filled (LOTK_EIO) when iconv has no GB18030 converter. */
struct lotk_decoder *lotk_decoder_new(enum lotk_encoding enc, const char *file,
                                      struct lotk_err *err);

/* Converts the next len bytes of the file to UTF-8 and appends them to out (which is never
 * reset, and stays NUL-terminated once anything was appended). A multibyte character split
 * between calls is carried to the next call, so out always ends on a character boundary;
 * a UTF-8 BOM (or GB18030's encoding of U+FEFF) at the very start of the file is dropped.
 * UTF-8 input is validated and copied with one memcpy. Returns 0; or LOTK_EIO with err
 * naming the file, the 1-based line (err->line) and the message "invalid UTF-8 byte 0xC3 at
 * byte offset 12345 (why)" or "invalid GB18030 sequence 0x81 0x20 at byte offset 12345", or,
 * for a GB18030 file with a line that is plainly UTF-8, "this line is UTF-8 but …". After
 * an error every later call returns the same error and appends nothing. in may be NULL when
 * len is 0. */
int lotk_decoder_feed(struct lotk_decoder *dec, const char *in, size_t len,
                      struct lotk_buf *out, struct lotk_err *err);

/* Ends the input: decides the encoding of a short file still being sniffed, converts what
 * is held back and appends it to out, which is NUL-terminated afterwards even for an empty
 * file (out->data is never NULL). Returns 0; or LOTK_EIO when the file ends inside a
 * multibyte character ("... (the input ends inside a multibyte character)") or on an earlier
 * error. Feed nothing after finishing. */
int lotk_decoder_finish(struct lotk_decoder *dec, struct lotk_buf *out, struct lotk_err *err);

/* The encoding being decoded: the one asked for, or for LOTK_ENC_AUTO the one detected
 * (LOTK_ENC_AUTO while undecided; LOTK_ENC_UTF8 for a file that turned out pure ASCII once
 * finished). */
enum lotk_encoding lotk_decoder_encoding(const struct lotk_decoder *dec);

/* Whether a byte-order mark was dropped from the start of the file. */
bool lotk_decoder_had_bom(const struct lotk_decoder *dec);

/* Bytes of the file consumed so far (converted or found invalid), not counting bytes held
 * back for detection or as an incomplete character. */
uint64_t lotk_decoder_offset(const struct lotk_decoder *dec);

/* Frees dec and its iconv descriptor; NULL is ignored. */
void lotk_decoder_free(struct lotk_decoder *dec);

#endif
