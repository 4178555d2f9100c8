/* exact.h — an order-independent sum of doubles.
 *
 * Scores must be byte-identical whether a file is read by one thread, by several, or in
 * shards merged later (--jobs, --partial / lotk merge). Floating-point addition is not
 * associative, so a plain double sum would differ in its last bits with the order of
 * rows. lotk_exact adds each double as a 256-bit fixed-point integer (2^-128 resolution,
 * range ±2^127): integer addition is associative, so the total, and the one rounding back
 * to double at the end, depend only on the set of values added, never on their order or
 * grouping. Parts of a value below 2^-128 are dropped (the same way every time). */
#ifndef LOTK_EXACT_H
#define LOTK_EXACT_H

#include <stdint.h>

struct lotk_exact {
    uint64_t limb[4]; /* two's complement, limb[0] lowest; value = integer × 2^-128 */
};

/* Adds x (finite, |x| < 2^126) to a. */
void lotk_exact_add(struct lotk_exact *a, double x);

/* Subtracts x from a: exactly undoes lotk_exact_add(a, x). */
void lotk_exact_sub(struct lotk_exact *a, double x);

/* a += b. */
void lotk_exact_merge(struct lotk_exact *a, const struct lotk_exact *b);

/* The magnitude m[0..n) (limb 0 lowest) × 2^-frac_bits, negated when negative, rounded
 * once to the nearest double. Shared by every exact accumulator of lotk. */
double lotk_limbs_to_double(const uint64_t *m, int n, int negative, int frac_bits);

/* The sum, rounded to the nearest double. */
double lotk_exact_value(const struct lotk_exact *a);

/* An order-independent sum of many doubles, cheaper per term than lotk_exact (one integer
 * addition): the mantissas of terms with the same exponent add up as integers, exactly,
 * and only the per-exponent sums are combined at the end. 32 KiB; start it zeroed. */
struct lotk_exact_buckets {
    __extension__ __int128 bucket[2047]; /* by biased exponent */
    int nonfinite;
};

/* Adds x (any double; fewer than 2^31 terms in all). */
void lotk_exact_buckets_add(struct lotk_exact_buckets *f, double x);

/* The exact sum of the terms (parts below 2^-128 dropped, as lotk_exact drops them),
 * rounded once; NaN when a term was infinite or NaN. */
double lotk_exact_buckets_value(const struct lotk_exact_buckets *f);

#endif
