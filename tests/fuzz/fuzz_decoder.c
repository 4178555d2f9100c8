/* fuzz_decoder.c — the streaming decoder on arbitrary bytes. The first byte picks the
 * encoding (auto, UTF-8, GB18030) and seeds the chunking; the rest is the file. Properties:
 * no crash or leak; fed whole and fed in random chunks (including empty ones) it gives the
 * same output, the same error message and line; what it outputs is valid UTF-8; in UTF-8
 * mode it accepts exactly the valid UTF-8 inputs and outputs them unchanged but for a
 * leading BOM. */
#include <string.h>

#include "input/encoding.h"
#include "fuzz.h"
#include "base/buf.h"

struct result {
    int rc;
    struct lotk_buf out;
    struct lotk_err err;
    enum lotk_encoding enc;
};

static uint64_t next_random(uint64_t *s)
{
    *s ^= *s << 13;
    *s ^= *s >> 7;
    *s ^= *s << 17;
    return *s;
}

/* max_chunk 0 feeds everything at once. */
static void run(enum lotk_encoding enc, const char *in, size_t len, size_t max_chunk,
                uint64_t seed, struct result *r)
{
    memset(r, 0, sizeof *r);
    struct lotk_decoder *dec = lotk_decoder_new(enc, "fuzz.csv", &r->err);
    FUZZ_CHECK(dec != NULL);
    size_t pos = 0;
    while (pos < len) {
        size_t n = max_chunk ? next_random(&seed) % (max_chunk + 1) : len; /* 0 included */
        if (n > len - pos)
            n = len - pos;
        r->rc = lotk_decoder_feed(dec, in + pos, n, &r->out, &r->err);
        if (r->rc) {
            /* Errors are sticky: later calls repeat the error and add nothing. */
            struct lotk_err again;
            size_t outlen = r->out.len;
            FUZZ_CHECK(lotk_decoder_feed(dec, in, len, &r->out, &again) == r->rc);
            FUZZ_CHECK(strcmp(again.msg, r->err.msg) == 0 && again.line == r->err.line);
            FUZZ_CHECK(lotk_decoder_finish(dec, &r->out, &again) == r->rc);
            FUZZ_CHECK(strcmp(again.msg, r->err.msg) == 0);
            FUZZ_CHECK(r->out.len == outlen);
            goto done;
        }
        pos += n;
    }
    r->rc = lotk_decoder_finish(dec, &r->out, &r->err);
    if (r->rc == 0)
        FUZZ_CHECK(lotk_decoder_offset(dec) == len);
done:
    r->enc = lotk_decoder_encoding(dec);
    lotk_decoder_free(dec);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size < 1)
        return 0;
    static const enum lotk_encoding encs[] = {LOTK_ENC_AUTO, LOTK_ENC_UTF8, LOTK_ENC_GB18030};
    enum lotk_encoding enc = encs[data[0] % 3];
    uint64_t seed = 0x9E3779B97F4A7C15ULL ^ ((uint64_t)data[0] << 32) ^ size;
    size_t max_chunk = 1 + (data[0] >> 2) % 9;
    const char *in = (const char *)data + 1;
    size_t len = size - 1;

    struct result whole, chunked;
    run(enc, in, len, 0, 0, &whole);
    run(enc, in, len, max_chunk, seed, &chunked);

    FUZZ_CHECK(whole.rc == chunked.rc);
    FUZZ_CHECK(strcmp(whole.err.msg, chunked.err.msg) == 0);
    FUZZ_CHECK(whole.err.line == chunked.err.line);
    FUZZ_CHECK(whole.enc == chunked.enc);
    if (whole.rc == 0) {
        FUZZ_CHECK(whole.out.len == chunked.out.len);
        FUZZ_CHECK(whole.out.len == 0 || memcmp(whole.out.data, chunked.out.data, whole.out.len) == 0);
        FUZZ_CHECK(whole.enc != LOTK_ENC_AUTO);
        FUZZ_CHECK(strcmp(whole.err.file, "") == 0 && whole.err.code == 0);
    } else {
        FUZZ_CHECK(whole.rc == LOTK_EIO);
        FUZZ_CHECK(strcmp(whole.err.file, "fuzz.csv") == 0);
        FUZZ_CHECK(whole.err.line >= 1);
    }
    /* Whatever came out before an error is valid UTF-8 too: the decoder never emits half a
     * character. */
    FUZZ_CHECK(fuzz_utf8_valid((const unsigned char *)whole.out.data, whole.out.len));
    FUZZ_CHECK(fuzz_utf8_valid((const unsigned char *)chunked.out.data, chunked.out.len));

    int valid = fuzz_utf8_valid((const unsigned char *)in, len);
    if (enc == LOTK_ENC_UTF8)
        FUZZ_CHECK((whole.rc == 0) == valid);
    if (valid && enc == LOTK_ENC_AUTO)
        FUZZ_CHECK(whole.rc == 0 && whole.enc == LOTK_ENC_UTF8);
    if (whole.rc == 0 && whole.enc == LOTK_ENC_UTF8) {
        size_t skip = len >= 3 && memcmp(in, "\xEF\xBB\xBF", 3) == 0 ? 3 : 0;
        FUZZ_CHECK(whole.out.len == len - skip);
        FUZZ_CHECK(whole.out.len == 0 || memcmp(whole.out.data, in + skip, len - skip) == 0);
    }

    lotk_buf_free(&whole.out);
    lotk_buf_free(&chunked.out);
    return 0;
}
