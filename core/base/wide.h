/* wide.h — exact integer arithmetic beyond 64 bits for the statistics' final centred forms:
 * int128 helpers and a 768-bit two's complement integer, each result rounded once to double.
 *
 * A centred form such as n·Σxy − Σx·Σy is computed exactly and rounded once, so that it
 * depends only on the sums, never on the order in which they were built. int128 does when
 * the sums are integers of moderate size (lotk_i128_cross says whether it did); otherwise the
 * sums go into struct lotk_wide, wide enough for every product of two sums at the ends of
 * their ranges (sums of up to 2^255 units of 2^-128, scaled by up to 2^38, squared). */
#ifndef LOTK_WIDE_H
#define LOTK_WIDE_H

#include <stdint.h>

#include "base/exact.h"

__extension__ typedef __int128 lotk_i128;
__extension__ typedef unsigned __int128 lotk_u128;

/* v × 2^-frac_bits rounded once, exactly as lotk_wide_to_double rounds the same value (so
 * the int128 and the wide path of a computation give the same double). */
double lotk_i128_to_double(lotk_i128 v, int frac_bits);

/* *out = a·b − c·d and 0, or 1 (*out unspecified) when that might not fit int128. */
int lotk_i128_cross(lotk_i128 a, lotk_i128 b, lotk_i128 c, lotk_i128 d, lotk_i128 *out);

enum { LOTK_WIDE_LIMBS = 12 };

/* A 768-bit two's complement integer, limb 0 lowest. Arithmetic is modulo 2^768, which is
 * the signed result whenever it fits. */
struct lotk_wide {
    uint64_t w[LOTK_WIDE_LIMBS];
};

/* r = v · 2^(64·shift), 0 ≤ shift ≤ LOTK_WIDE_LIMBS − 2. */
void lotk_wide_from_i128(struct lotk_wide *r, lotk_i128 v, int shift);

/* A sum whose integer part ip counts units of 1/scale and whose exact part ex (NULL: none)
 * is in value units, as one integer: value · scale in units of 2^-128. */
void lotk_wide_sum(struct lotk_wide *r, lotk_i128 ip, const struct lotk_exact *ex,
                   uint64_t scale);

/* r = r · 2^(64·limbs): the limbs move up, the lowest become 0 (0 ≤ limbs < LIMBS). */
void lotk_wide_shift_limbs(struct lotk_wide *r, int limbs);

/* r += a. */
void lotk_wide_add(struct lotk_wide *r, const struct lotk_wide *a);

/* r = −r. */
void lotk_wide_neg(struct lotk_wide *r);

/* r = a · b; r may alias a or b. */
void lotk_wide_mul(struct lotk_wide *r, const struct lotk_wide *a, const struct lotk_wide *b);

/* r = r · v. */
void lotk_wide_mul_i128(struct lotk_wide *r, lotk_i128 v);

/* r × 2^-frac_bits, rounded once to the nearest double. */
double lotk_wide_to_double(const struct lotk_wide *r, int frac_bits);

#endif
