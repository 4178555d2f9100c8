/* num.c — numbers as text and back, whatever the locale; see num.h. */
#include "base/num.h"

#include <errno.h>
#include <locale.h>
#include <math.h>
#include <pthread.h>
#include <stdlib.h>
#include <stdint.h>
#include <string.h>

#include "base/dtoa.h"
#include "base/mem.h"

/* strtod follows LC_NUMERIC. lotk never sets it, but a program embedding lotk's library
 * might: numbers are always read in the C locale, switched to for the calling thread
 * only. (lotk_fmt_double writes its digits itself and needs no locale.) */
static locale_t c_numeric;
static pthread_once_t c_numeric_once = PTHREAD_ONCE_INIT;

static void make_c_numeric(void)
{
    c_numeric = newlocale(LC_NUMERIC_MASK, "C", (locale_t)0);
}

static locale_t use_c_numeric(void)
{
    pthread_once(&c_numeric_once, make_c_numeric);
    return c_numeric ? uselocale(c_numeric) : (locale_t)0;
}

static void restore_locale(locale_t old)
{
    if (old)
        uselocale(old);
}

void lotk_fmt_double(char out[32], double x)
{
    if (isnan(x)) {
        strcpy(out, "nan");
        return;
    }
    if (isinf(x)) {
        strcpy(out, x > 0 ? "inf" : "-inf");
        return;
    }
    if (x == 0) {
        strcpy(out, "0");
        return;
    }
    /* The shortest digits that read back as x, laid out as %g lays them out at precision
     * max(digits, 15). For a normal double needing 15 digits or fewer that is %.15g byte
     * for byte, as lotk always printed: any such decimal survives the trip through a
     * double. Where 16 or 17 are needed, the earlier "first of %.16g and %.17g that reads
     * back" differs only at a power of two, whose lower neighbour is nearer than its upper
     * one: %.16g can miss where another 16 digits hit ("5.960464477539063e-08" for 2^-24,
     * once "5.9604644775390625e-08"). Subnormals hold fewer than 15 digits and now print
     * shortest as well ("5e-324", once "4.94065645841247e-324"). Old and new forms read
     * back as the same x. No printf and no strtod, which made number output a fifth of
     * `score -f csv`; and with every character written here, LC_NUMERIC cannot creep in. */
    char d[18];
    int point;
    int len = lotk_dtoa_shortest(x, d, &point);
    int e = point - 1; /* d[0] stands for 10^e */
    int prec = len > 15 ? len : 15;
    char *q = out;
    if (x < 0)
        *q++ = '-';
    if (e < -4 || e >= prec) { /* %g's choice of the exponent form */
        *q++ = d[0];
        if (len > 1) {
            *q++ = '.';
            memcpy(q, d + 1, (size_t)len - 1);
            q += len - 1;
        }
        *q++ = 'e';
        *q++ = e < 0 ? '-' : '+';
        unsigned ae = (unsigned)(e < 0 ? -e : e); /* doubles reach 10^±324 */
        if (ae >= 100)
            *q++ = (char)('0' + ae / 100);
        *q++ = (char)('0' + ae / 10 % 10); /* at least two digits, as printf */
        *q++ = (char)('0' + ae % 10);
        *q = '\0';
    } else if (e < 0) {
        *q++ = '0';
        *q++ = '.';
        for (int z = -1; z > e; z--)
            *q++ = '0';
        memcpy(q, d, (size_t)len);
        q[len] = '\0';
    } else {
        for (int i = 0; i < len || i <= e; i++) {
            if (i == e + 1)
                *q++ = '.';
            *q++ = i < len ? d[i] : '0';
        }
        *q = '\0';
    }
}

int lotk_parse_double(const char *s, size_t n, double *out)
{
    char tmp[64];
    while (n && (*s == ' ' || *s == '\t')) {
        s++;
        n--;
    }
    while (n && (s[n - 1] == ' ' || s[n - 1] == '\t'))
        n--;
    if (n == 0 || n >= sizeof tmp)
        return -1;
    /* Only plain decimal forms: strtod also takes "inf", "nan" and hex, which are not
     * answers anyone typed. */
    for (size_t i = 0; i < n; i++) {
        char c = s[i];
        if (!((c >= '0' && c <= '9') || c == '.' || c == '-' || c == '+' || c == 'e' ||
              c == 'E'))
            return -1;
    }
    memcpy(tmp, s, n);
    tmp[n] = '\0';
    char *end;
    errno = 0;
    locale_t old = use_c_numeric();
    double v = strtod(tmp, &end);
    restore_locale(old);
    if (*end != '\0')
        return -1;
    /* ERANGE is also underflow (1e-400), refused below as it always was. */
    if (!isfinite(v) || (errno == ERANGE && fabs(v) > 1))
        return LOTK_NUM_RANGE;
    if (errno == ERANGE)
        return -1;
    *out = v;
    return 0;
}

int lotk_double_cmp(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return (x > y) - (x < y);
}

/* The value's bits as an unsigned integer in the values' order: negatives flipped whole,
 * positives with the sign bit set. -0 takes +0's key, so that the two stay equal. */
static inline uint64_t order_key(double x)
{
    uint64_t u;
    if (x == 0)
        x = 0.0;
    memcpy(&u, &x, sizeof u);
    return u >> 63 ? ~u : u | (1ull << 63);
}

enum { RADIX_BITS = 11, RADIX = 1 << RADIX_BITS, RADIX_PASSES = 6, SMALL_SORT = 64 };

void lotk_sort_doubles(double *v, size_t n)
{
    if (n < SMALL_SORT) { /* insertion sort: stable, and quickest this short */
        for (size_t i = 1; i < n; i++) {
            double x = v[i];
            uint64_t k = order_key(x);
            size_t j = i;
            for (; j > 0 && order_key(v[j - 1]) > k; j--)
                v[j] = v[j - 1];
            v[j] = x;
        }
        return;
    }
    /* Least significant digit first, each pass stable: every pass's counts at once, and a
     * pass whose digit is the same for every value (the sign and most of the exponent of
     * scores in a range) is skipped. */
    size_t (*count)[RADIX] = lotk_xcalloc(RADIX_PASSES, sizeof *count);
    for (size_t i = 0; i < n; i++) {
        uint64_t k = order_key(v[i]);
        for (int p = 0; p < RADIX_PASSES; p++)
            count[p][(k >> (p * RADIX_BITS)) & (RADIX - 1)]++;
    }
    double *from = v, *to = lotk_xmalloc(n * sizeof *to);
    for (int p = 0; p < RADIX_PASSES; p++) {
        size_t *c = count[p];
        if (c[(order_key(v[0]) >> (p * RADIX_BITS)) & (RADIX - 1)] == n)
            continue;
        size_t at = 0;
        for (size_t d = 0; d < RADIX; d++) {
            size_t m = c[d];
            c[d] = at;
            at += m;
        }
        for (size_t i = 0; i < n; i++)
            to[c[(order_key(from[i]) >> (p * RADIX_BITS)) & (RADIX - 1)]++] = from[i];
        double *t = from;
        from = to;
        to = t;
    }
    if (from != v) {
        memcpy(v, from, n * sizeof *v);
        to = from;
    }
    free(to);
    free(count);
}

/* ---- order statistics ------------------------------------------------------------------ */

static void swap_doubles(double *a, double *b)
{
    double t = *a;
    *a = *b;
    *b = t;
}

double lotk_select_double(double *v, size_t n, size_t k)
{
    /* Quickselect with a median-of-three pivot and a three-way partition (scores repeat:
     * many equal values must not make it quadratic); after enough rounds without the end
     * in sight, a sort of what is left, so that no input makes it slow. */
    for (int round = 0; n > 16; round++) {
        if (round == 64) {
            lotk_sort_doubles(v, n);
            return v[k];
        }
        double a = v[0], b = v[n / 2], c = v[n - 1];
        double pivot = a < b ? (b < c ? b : a < c ? c : a) : (a < c ? a : b < c ? c : b);
        size_t lt = 0, i = 0, gt = n; /* [0,lt) < pivot, [lt,i) == pivot, [gt,n) > pivot */
        while (i < gt) {
            if (v[i] < pivot)
                swap_doubles(&v[lt++], &v[i++]);
            else if (v[i] > pivot)
                swap_doubles(&v[i], &v[--gt]);
            else
                i++;
        }
        if (k < lt) {
            n = lt;
        } else if (k < gt) {
            return pivot;
        } else {
            v += gt;
            k -= gt;
            n -= gt;
        }
    }
    for (size_t i = 1; i < n; i++) /* insertion sort of the last few */
        for (size_t j = i; j > 0 && v[j] < v[j - 1]; j--)
            swap_doubles(&v[j], &v[j - 1]);
    return v[k];
}
