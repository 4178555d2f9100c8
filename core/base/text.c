/* text.c — comparing, measuring and quoting text; see text.h. */
#include "base/text.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "base/mem.h"

static int natural_cmp_loose(const char *a, const char *b);

int lotk_natural_cmp(const char *a, const char *b)
{
    /* Equal as numbers ("O02", "O2") is not equal: byte order then decides, so that the
     * order never depends on the order of the input. */
    int c = natural_cmp_loose(a, b);
    return c ? c : strcmp(a, b) < 0 ? -1 : strcmp(a, b) > 0;
}

static int natural_cmp_loose(const char *a, const char *b)
{
    while (*a && *b) {
        if (*a >= '0' && *a <= '9' && *b >= '0' && *b <= '9') {
            const char *sa = a, *sb = b;
            while (*sa == '0')
                sa++;
            while (*sb == '0')
                sb++;
            const char *ea = sa, *eb = sb;
            while (*ea >= '0' && *ea <= '9')
                ea++;
            while (*eb >= '0' && *eb <= '9')
                eb++;
            if (ea - sa != eb - sb)
                return ea - sa < eb - sb ? -1 : 1;
            int c = memcmp(sa, sb, (size_t)(ea - sa));
            if (c)
                return c < 0 ? -1 : 1;
            a = ea;
            b = eb;
            continue;
        }
        if (*a != *b)
            return (unsigned char)*a < (unsigned char)*b ? -1 : 1;
        a++;
        b++;
    }
    if (*a || *b)
        return *a ? 1 : -1;
    return 0;
}

bool lotk_ascii_iequal(const char *a, const char *b, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        unsigned char x = (unsigned char)a[i], y = (unsigned char)b[i];
        if (x >= 'A' && x <= 'Z')
            x = (unsigned char)(x - 'A' + 'a');
        if (y >= 'A' && y <= 'Z')
            y = (unsigned char)(y - 'A' + 'a');
        if (x != y)
            return false;
    }
    return true;
}

void lotk_rank_nearest(const size_t *distance, size_t n, int *which, size_t k)
{
    size_t *best = lotk_xmalloc((k ? k : 1) * sizeof *best);
    for (size_t j = 0; j < k; j++) {
        best[j] = (size_t)-1;
        which[j] = -1;
    }
    for (size_t i = 0; i < n; i++)
        for (size_t j = 0; j < k; j++)
            if (distance[i] < best[j]) {
                for (size_t m = k - 1; m > j; m--) {
                    best[m] = best[m - 1];
                    which[m] = which[m - 1];
                }
                best[j] = distance[i];
                which[j] = (int)i;
                break;
            }
    free(best);
}

/* The code points of UTF-8 text (an invalid byte counts as one character). */
static size_t code_points(const char *s, uint32_t **out)
{
    size_t n = strlen(s), k = 0;
    uint32_t *cp = lotk_xmalloc((n ? n : 1) * sizeof *cp);
    const unsigned char *p = (const unsigned char *)s;
    while (*p) {
        int len = *p < 0x80 ? 1 : (*p & 0xE0) == 0xC0 ? 2 : (*p & 0xF0) == 0xE0 ? 3 :
                  (*p & 0xF8) == 0xF0 ? 4 : 1;
        uint32_t c = len == 1 ? *p : *p & (0x7F >> len);
        int i = 1;
        for (; i < len && (p[i] & 0xC0) == 0x80; i++)
            c = (c << 6) | (p[i] & 0x3F);
        cp[k++] = i == len ? c : *p;
        p += i == len ? len : 1;
    }
    *out = cp;
    return k;
}

size_t lotk_edit_distance(const char *a, const char *b)
{
    /* In characters, not bytes: a Chinese character is one edit, not three. */
    uint32_t *x, *y;
    size_t la = code_points(a, &x), lb = code_points(b, &y);
    size_t *row = lotk_xmalloc((lb + 1) * sizeof *row);
    for (size_t j = 0; j <= lb; j++)
        row[j] = j;
    for (size_t i = 1; i <= la; i++) {
        size_t diag = row[0];
        row[0] = i;
        for (size_t j = 1; j <= lb; j++) {
            size_t up = row[j];
            size_t best = diag + (x[i - 1] != y[j - 1]);
            if (up + 1 < best)
                best = up + 1;
            if (row[j - 1] + 1 < best)
                best = row[j - 1] + 1;
            row[j] = best;
            diag = up;
        }
    }
    size_t d = row[lb];
    free(row);
    free(x);
    free(y);
    return d;
}

size_t lotk_text_width(const char *s)
{
    size_t w = 0;
    const unsigned char *p = (const unsigned char *)s;
    while (*p) {
        unsigned cp;
        int len;
        if (*p < 0x80) {
            cp = *p;
            len = 1;
        } else if ((*p & 0xE0) == 0xC0) {
            cp = *p & 0x1F;
            len = 2;
        } else if ((*p & 0xF0) == 0xE0) {
            cp = *p & 0x0F;
            len = 3;
        } else {
            cp = *p & 0x07;
            len = 4;
        }
        for (int i = 1; i < len && p[i]; i++)
            cp = (cp << 6) | (p[i] & 0x3F);
        for (int i = 0; i < len && *p; i++)
            p++;
        bool wide = (cp >= 0x1100 && cp <= 0x115F) || (cp >= 0x2E80 && cp <= 0xA4CF) ||
                    (cp >= 0xAC00 && cp <= 0xD7A3) || (cp >= 0xF900 && cp <= 0xFAFF) ||
                    (cp >= 0xFE30 && cp <= 0xFE4F) || (cp >= 0xFF00 && cp <= 0xFF60) ||
                    (cp >= 0xFFE0 && cp <= 0xFFE6) || (cp >= 0x20000 && cp <= 0x3FFFD);
        w += wide ? 2 : 1;
    }
    return w;
}
