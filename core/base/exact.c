/* exact.c — see exact.h. */
#include "base/exact.h"

#include <math.h>
#include <string.h>

enum { FRACTION_BITS = 128 };

__extension__ typedef __int128 i128;
__extension__ typedef unsigned __int128 u128;

/* Adds (negate = 0) or subtracts the fixed-point form of x. */
static void add_scaled(struct lotk_exact *a, double x, int negate)
{
    uint64_t bits;
    memcpy(&bits, &x, sizeof bits);
    int exponent = (int)((bits >> 52) & 0x7ff);
    if (exponent == 0)
        return; /* zero or subnormal: below the resolution */
    if (bits >> 63)
        negate = !negate;
    uint64_t mantissa = (bits & ((1ULL << 52) - 1)) | (1ULL << 52);
    /* x = mantissa × 2^(exponent − 1075); in units of 2^-128 that is mantissa << shift. */
    int shift = exponent - 1075 + FRACTION_BITS;
    if (shift >= 64 && shift <= 64 + 75) {
        /* 2^-12 ≤ |x| < 2^63, the values scores are made of: the part lies within limbs 1
         * and 2, so one 128-bit addition and a carry (or borrow) into limb 3 do. */
        u128 part = (u128)mantissa << (shift - 64);
        u128 have = (u128)a->limb[2] << 64 | a->limb[1];
        u128 sum = negate ? have - part : have + part;
        a->limb[3] += negate ? -(uint64_t)(have < part) : (uint64_t)(sum < have);
        a->limb[1] = (uint64_t)sum;
        a->limb[2] = (uint64_t)(sum >> 64);
        return;
    }
    uint64_t part[4] = {0, 0, 0, 0};
    if (shift < 0) {
        if (shift <= -53)
            return;
        part[0] = mantissa >> -shift;
    } else {
        int limb = shift / 64, offset = shift % 64;
        if (limb > 3 || (limb == 3 && offset > 10))
            return; /* |x| ≥ 2^126: outside the range; cannot happen for scores */
        part[limb] = mantissa << offset;
        if (offset > 11 && limb < 3)
            part[limb + 1] = mantissa >> (64 - offset);
    }
    if (negate) { /* two's complement of part */
        int carry = 1;
        for (int i = 0; i < 4; i++) {
            part[i] = ~part[i] + (uint64_t)carry;
            carry = carry && part[i] == 0;
        }
    }
    uint64_t carry = 0;
    for (int i = 0; i < 4; i++) {
        uint64_t sum = a->limb[i] + part[i];
        uint64_t c1 = sum < part[i];
        uint64_t sum2 = sum + carry;
        uint64_t c2 = sum2 < carry;
        a->limb[i] = sum2;
        carry = c1 | c2;
    }
}

void lotk_exact_add(struct lotk_exact *a, double x)
{
    add_scaled(a, x, 0);
}

void lotk_exact_sub(struct lotk_exact *a, double x)
{
    add_scaled(a, x, 1);
}

void lotk_exact_merge(struct lotk_exact *a, const struct lotk_exact *b)
{
    uint64_t carry = 0;
    for (int i = 0; i < 4; i++) {
        uint64_t sum = a->limb[i] + b->limb[i];
        uint64_t c1 = sum < b->limb[i];
        uint64_t sum2 = sum + carry;
        uint64_t c2 = sum2 < carry;
        a->limb[i] = sum2;
        carry = c1 | c2;
    }
}

double lotk_limbs_to_double(const uint64_t *m, int n, int negative, int frac_bits)
{
    int top = n - 1;
    while (top >= 0 && m[top] == 0)
        top--;
    if (top < 0)
        return 0.0;
    /* Take the highest 64 significant bits, with a sticky bit for everything below, so
     * the conversion to double rounds as if it saw the whole integer. */
    int bitpos = top * 64 + 63 - __builtin_clzll(m[top]);
    int low = bitpos - 63;
    uint64_t hi;
    int sticky = 0;
    if (low <= 0) { /* the whole value fits m[0]: converting it rounds once */
        hi = m[0];
        low = 0;
    } else {
        int limb = low / 64, off = low % 64;
        hi = m[limb] >> off;
        if (off && limb + 1 < n)
            hi |= m[limb + 1] << (64 - off);
        for (int i = 0; i < limb; i++)
            sticky |= m[i] != 0;
        if (off)
            sticky |= (m[limb] & ((1ULL << off) - 1)) != 0;
    }
    /* hi has its top bit set when low > 0; the sticky bit lies below the double's
     * precision, where it only breaks ties. */
    if (sticky)
        hi |= 1;
    double v = ldexp((double)hi, low - frac_bits);
    return negative ? -v : v;
}

double lotk_exact_value(const struct lotk_exact *a)
{
    uint64_t m[4];
    memcpy(m, a->limb, sizeof m);
    int negative = (int)(m[3] >> 63);
    if (negative) {
        int carry = 1;
        for (int i = 0; i < 4; i++) {
            m[i] = ~m[i] + (uint64_t)carry;
            carry = carry && m[i] == 0;
        }
    }
    return lotk_limbs_to_double(m, 4, negative, FRACTION_BITS);
}

void lotk_exact_buckets_add(struct lotk_exact_buckets *f, double x)
{
    uint64_t b;
    memcpy(&b, &x, sizeof b);
    unsigned e = (unsigned)(b >> 52) & 0x7ff;
    if (e == 0x7ff) {
        f->nonfinite = 1;
        return;
    }
    int64_t m = (int64_t)(b & 0x000fffffffffffffu) | (e ? (int64_t)1 << 52 : 0);
    f->bucket[e] += b >> 63 ? -m : m; /* below 2^53 · 2^31 terms: no overflow */
}

double lotk_exact_buckets_value(const struct lotk_exact_buckets *f)
{
    if (f->nonfinite)
        return NAN;
    struct lotk_exact acc = {{0, 0, 0, 0}};
    for (int e = 0; e < 2047; e++) {
        i128 v = f->bucket[e];
        if (v == 0)
            continue;
        u128 mag = v < 0 ? -(u128)v : (u128)v;
        int scale = (e ? e : 1) - 1075; /* the value is v · 2^scale */
        for (int piece = 0; piece < 3; piece++) { /* 43-bit pieces: exact doubles */
            uint64_t chunk = (uint64_t)(mag >> (43 * piece)) & ((1ULL << 43) - 1);
            if (!chunk)
                continue;
            double x = ldexp((double)chunk, scale + 43 * piece);
            if (v < 0)
                lotk_exact_sub(&acc, x);
            else
                lotk_exact_add(&acc, x);
        }
    }
    return lotk_exact_value(&acc);
}
