/* wide.c — int128 and 768-bit integer arithmetic, rounded once to double; see wide.h. */
#include "base/wide.h"

#include <math.h>
#include <string.h>

enum { WL = LOTK_WIDE_LIMBS };

double lotk_i128_to_double(lotk_i128 v, int frac_bits)
{
    /* An int64 converts correctly rounded by itself, and the scaling is exact. */
    if (v == (int64_t)v)
        return (double)(int64_t)v * ldexp(1.0, -frac_bits);
    lotk_u128 mag = v < 0 ? -(lotk_u128)v : (lotk_u128)v;
    uint64_t m[2] = {(uint64_t)mag, (uint64_t)(mag >> 64)};
    return lotk_limbs_to_double(m, 2, v < 0, frac_bits);
}

/* Whether |v| < 2^62, so that a product of two such values and the difference of two such
 * products fit in int128. */
static int small(lotk_i128 v)
{
    return v > -((lotk_i128)1 << 62) && v < ((lotk_i128)1 << 62);
}

int lotk_i128_cross(lotk_i128 a, lotk_i128 b, lotk_i128 c, lotk_i128 d, lotk_i128 *out)
{
    if (small(a) && small(b) && small(c) && small(d)) {
        *out = a * b - c * d;
        return 0;
    }
    lotk_i128 x, y;
    if (__builtin_mul_overflow(a, b, &x) || __builtin_mul_overflow(c, d, &y) ||
        __builtin_sub_overflow(x, y, out))
        return 1;
    return 0;
}

void lotk_wide_from_i128(struct lotk_wide *r, lotk_i128 v, int shift)
{
    uint64_t fill = v < 0 ? ~(uint64_t)0 : 0;
    for (int i = 0; i < WL; i++)
        r->w[i] = i < shift ? 0 : fill;
    r->w[shift] = (uint64_t)v;
    r->w[shift + 1] = (uint64_t)((lotk_u128)v >> 64);
}

void lotk_wide_add(struct lotk_wide *r, const struct lotk_wide *a)
{
    uint64_t carry = 0;
    for (int i = 0; i < WL; i++) {
        lotk_u128 t = (lotk_u128)r->w[i] + a->w[i] + carry;
        r->w[i] = (uint64_t)t;
        carry = (uint64_t)(t >> 64);
    }
}

void lotk_wide_neg(struct lotk_wide *r)
{
    uint64_t carry = 1;
    for (int i = 0; i < WL; i++) {
        lotk_u128 t = (lotk_u128)(~r->w[i]) + carry;
        r->w[i] = (uint64_t)t;
        carry = (uint64_t)(t >> 64);
    }
}

void lotk_wide_shift_limbs(struct lotk_wide *r, int limbs)
{
    for (int i = WL - 1; i >= limbs; i--)
        r->w[i] = r->w[i - limbs];
    for (int i = 0; i < limbs; i++)
        r->w[i] = 0;
}

/* The number of limbs that hold a non-negative value. */
static int wide_len(const struct lotk_wide *a)
{
    int n = WL;
    while (n > 0 && a->w[n - 1] == 0)
        n--;
    return n;
}

void lotk_wide_mul(struct lotk_wide *r, const struct lotk_wide *a, const struct lotk_wide *b)
{
    /* The magnitudes are multiplied over the limbs they use (a few, not WL), then the sign
     * set. */
    struct lotk_wide x = *a, y = *b;
    int negative = (int)((x.w[WL - 1] ^ y.w[WL - 1]) >> 63);
    if (x.w[WL - 1] >> 63)
        lotk_wide_neg(&x);
    if (y.w[WL - 1] >> 63)
        lotk_wide_neg(&y);
    int lx = wide_len(&x), ly = wide_len(&y);
    uint64_t out[WL] = {0};
    for (int i = 0; i < lx; i++) {
        lotk_u128 carry = 0;
        int j;
        for (j = 0; j < ly && i + j < WL; j++) {
            lotk_u128 t = (lotk_u128)x.w[i] * y.w[j] + out[i + j] + carry;
            out[i + j] = (uint64_t)t;
            carry = t >> 64;
        }
        if (i + j < WL)
            out[i + j] = (uint64_t)carry;
    }
    memcpy(r->w, out, sizeof out);
    if (negative)
        lotk_wide_neg(r);
}

/* r = r · m modulo 2^(64·WL): one pass, right for negative r too (two's complement is
 * multiplication modulo 2^(64·WL)). */
static void wide_mul_u64(struct lotk_wide *r, uint64_t m)
{
    lotk_u128 carry = 0;
    for (int i = 0; i < WL; i++) {
        lotk_u128 t = (lotk_u128)r->w[i] * m + carry;
        r->w[i] = (uint64_t)t;
        carry = t >> 64;
    }
}

void lotk_wide_mul_i128(struct lotk_wide *r, lotk_i128 v)
{
    lotk_u128 mag = v < 0 ? -(lotk_u128)v : (lotk_u128)v;
    if (mag >> 64) {
        struct lotk_wide f;
        lotk_wide_from_i128(&f, v, 0);
        lotk_wide_mul(r, r, &f);
        return;
    }
    wide_mul_u64(r, (uint64_t)mag);
    if (v < 0)
        lotk_wide_neg(r);
}

void lotk_wide_sum(struct lotk_wide *r, lotk_i128 ip, const struct lotk_exact *ex,
                   uint64_t scale)
{
    lotk_wide_from_i128(r, ip, 2);
    if (!ex)
        return;
    struct lotk_wide e;
    uint64_t fill = ex->limb[3] >> 63 ? ~(uint64_t)0 : 0;
    for (int i = 0; i < WL; i++)
        e.w[i] = i < 4 ? ex->limb[i] : fill;
    wide_mul_u64(&e, scale);
    lotk_wide_add(r, &e);
}

double lotk_wide_to_double(const struct lotk_wide *r, int frac_bits)
{
    struct lotk_wide a = *r;
    int negative = (int)(a.w[WL - 1] >> 63);
    if (negative)
        lotk_wide_neg(&a);
    return lotk_limbs_to_double(a.w, WL, negative, frac_bits);
}
