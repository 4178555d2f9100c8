/* fuzz.h — shared by the fuzz targets: the libFuzzer entry point and an independent UTF-8
 * check to hold lotk's own validator against. */
#ifndef LOTK_FUZZ_H
#define LOTK_FUZZ_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* A failed property: abort so that libFuzzer saves the input and the replay test fails. */
#define FUZZ_CHECK(cond)                                                                     \
    do {                                                                                     \
        if (!(cond)) {                                                                       \
            fprintf(stderr, "%s:%d: property failed: %s\n", __FILE__, __LINE__, #cond);      \
            abort();                                                                         \
        }                                                                                    \
    } while (0)

/* UTF-8 by the definition, written differently from core/encoding.c on purpose: decode the
 * bits, then demand the shortest form, no surrogate, nothing above U+10FFFF. */
static inline int fuzz_utf8_valid(const unsigned char *s, size_t n)
{
    size_t i = 0;
    while (i < n) {
        unsigned c = s[i];
        size_t len;
        uint32_t cp;
        if (c < 0x80) {
            i++;
            continue;
        } else if ((c & 0xE0) == 0xC0) {
            len = 2;
            cp = c & 0x1F;
        } else if ((c & 0xF0) == 0xE0) {
            len = 3;
            cp = c & 0x0F;
        } else if ((c & 0xF8) == 0xF0) {
            len = 4;
            cp = c & 0x07;
        } else {
            return 0;
        }
        if (i + len > n)
            return 0;
        for (size_t k = 1; k < len; k++) {
            if ((s[i + k] & 0xC0) != 0x80)
                return 0;
            cp = (cp << 6) | (s[i + k] & 0x3F);
        }
        static const uint32_t min[] = {0, 0, 0x80, 0x800, 0x10000};
        if (cp < min[len] || cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF))
            return 0;
        i += len;
    }
    return 1;
}

/* The readers that take a path (the standard loader, evidence sheets, plugins, saved
 * results) read their input from files in a directory of this process's own, made on first
 * use and removed, with every file named here, at exit. fuzz_path gives the path of name
 * there (stable storage); fuzz_file writes data to it first. */
const char *fuzz_dir(void);
const char *fuzz_path(const char *name);
const char *fuzz_file(const char *name, const void *data, size_t size);

/* Splits data at the first occurrence of sep into two parts; *second is NULL (and
 * *second_len 0) when sep does not occur. For the targets whose input is several files. */
void fuzz_split(const uint8_t *data, size_t size, const char *sep, const uint8_t **second,
                size_t *first_len, size_t *second_len);

/* Points the plugin search path at the source tree's plugins/ (a fuzz binary does not sit
 * in a tree with plugins beside it). */
void fuzz_use_source_plugins(void);

/* Checks a scored result (rules applied) and writes it in every text format: counts add
 * up, organizations once each, nothing infinite, the output valid UTF-8, the JSON parseable
 * and saying what the result says; and, when the result was scored from_rows (not merged
 * from a partial state, whose sums lotk takes as written), respondents within the rows
 * scored and norms in [0, 1]. ranks and rejects may be NULL. */
struct lotk_result;
struct lotk_ranks;
struct lotk_rejects;
void fuzz_check_result(const struct lotk_result *r, const struct lotk_ranks *ranks,
                       const struct lotk_rejects *rejects, bool from_rows);

/* Appends r's JSON result (as lotk score -f json writes it) to out. */
struct lotk_buf;
void fuzz_result_json(const struct lotk_result *r, struct lotk_buf *out);

#endif
