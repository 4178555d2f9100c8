/* text.h — comparing and measuring UTF-8 text: natural order, "did you mean", terminal
 * width. */
#ifndef LOTK_TEXT_H
#define LOTK_TEXT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

/* Orders strings with runs of digits compared as numbers ("ORG2" < "ORG10"). */
int lotk_natural_cmp(const char *a, const char *b);

/* Whether s[0..n) holds the byte c. Ids and labels are short, and every row asks this of
 * its ids (a line break, a NUL): up to 16 bytes take two word loads inside s and the
 * exact zero-byte test, no call; longer ones memchr. */
static inline bool lotk_has_byte(const char *s, size_t n, unsigned char c)
{
    if (n > 16)
        return memchr(s, c, n) != NULL;
    if (n < 8) {
        for (size_t i = 0; i < n; i++)
            if ((unsigned char)s[i] == c)
                return true;
        return false;
    }
    const uint64_t ones = 0x0101010101010101u, highs = 0x8080808080808080u;
    uint64_t a, b;
    memcpy(&a, s, sizeof a);
    memcpy(&b, s + n - 8, sizeof b);
    a ^= ones * c;
    b ^= ones * c;
    return (((a - ones) & ~a) | ((b - ones) & ~b)) & highs;
}

/* Whether a[0..n) and b[0..n) are equal ignoring ASCII case. ASCII only and locale-proof:
 * strcasecmp follows LC_CTYPE, where a Turkish locale would not match "ip" to "IP". */
bool lotk_ascii_iequal(const char *a, const char *b, size_t n);

/* Ranks candidates for "did you mean": fills which[0..k) with the indices of the k
 * smallest distance[i] (ties by index; -1 where there are fewer than k candidates). */
void lotk_rank_nearest(const size_t *distance, size_t n, int *which, size_t k);

/* Edit distance between two strings, in characters, for "did you mean" suggestions. */
size_t lotk_edit_distance(const char *a, const char *b);

/* Display width of UTF-8 text in a terminal: CJK and full-width characters take two
 * cells. Enough for the scripts lotk's standards use; not a full wcwidth. */
size_t lotk_text_width(const char *s);

#endif
