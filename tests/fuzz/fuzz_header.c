/* fuzz_header.c — the header normaliser, question parser, metadata recogniser and duration
 * parser on arbitrary bytes. Properties: no crash or leak; the output is valid UTF-8 (even
 * from invalid input), has no NUL, and normalising it again changes nothing; lotk's UTF-8
 * validator agrees with the definition; parsed numbers are in range. */
#include <math.h>
#include <string.h>

#include "input/encoding.h"
#include "fuzz.h"
#include "standard/header.h"
#include "base/mem.h"
#include "base/buf.h"

static void check_parsers(const char *s)
{
    int q = -1, r = -1;
    if (lotk_header_question(s, &q, &r)) {
        FUZZ_CHECK(q >= 1 && q <= 99999);
        FUZZ_CHECK(r >= 0 && r <= 99999);
    } else {
        FUZZ_CHECK(q == -1 && r == -1);
    }
    enum lotk_meta m = lotk_header_metadata(s);
    const char *name = lotk_header_metadata_name(m);
    FUZZ_CHECK(name != NULL);
    FUZZ_CHECK((m == LOTK_META_NONE) == (strcmp(name, "none") == 0));
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    const char *in = (const char *)data;
    struct lotk_buf a = {0}, b = {0};

    size_t bad = 0;
    int valid = lotk_utf8_validate(in, size, &bad) == 0;
    FUZZ_CHECK(valid == fuzz_utf8_valid(data, size));
    if (!valid) {
        FUZZ_CHECK(bad < size);
        FUZZ_CHECK(fuzz_utf8_valid(data, bad));
    }

    lotk_header_normalize_n(in, size, &a);
    FUZZ_CHECK(a.data != NULL);
    FUZZ_CHECK(strlen(a.data) == a.len);
    FUZZ_CHECK(fuzz_utf8_valid((const unsigned char *)a.data, a.len));
    FUZZ_CHECK(a.len == 0 || (a.data[0] != ' ' && a.data[a.len - 1] != ' '));
    FUZZ_CHECK(strstr(a.data, "  ") == NULL);
    lotk_header_normalize_n(a.data, a.len, &b);
    FUZZ_CHECK(b.len == a.len && memcmp(a.data, b.data, a.len) == 0);
    check_parsers(a.data);

    /* The parsers must not trust their input to be normalised either. */
    char *raw = lotk_xstrndup(in, size);
    check_parsers(raw);
    free(raw);

    double sec = -1;
    if (lotk_duration_parse(in, size, &sec) == 0)
        FUZZ_CHECK(isfinite(sec) && sec >= 0);
    else
        FUZZ_CHECK(sec == -1);

    lotk_buf_free(&a);
    lotk_buf_free(&b);
    return 0;
}
