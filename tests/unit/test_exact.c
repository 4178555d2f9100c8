/* test_exact.c — base/exact.c: the exact sum depends only on the set of values added (any
 * order, any grouping merged), subtracting undoes adding, the one rounding at the end is to
 * nearest (ties to even, with everything below the 64 bits kept taken into account), and
 * the range's ends behave as exact.h says: values up to just under 2^126, a resolution of
 * 2^-128. The per-exponent bucket sum agrees with it. */
#include "testutil.h"

#include <float.h>
#include <stdlib.h>
#include <string.h>

#include "base/exact.h"

static uint64_t rng_state = 88172645463325252ULL;

static uint64_t next_random(void)
{
    rng_state ^= rng_state << 13;
    rng_state ^= rng_state >> 7;
    rng_state ^= rng_state << 17;
    return rng_state;
}

/* Doubles of every kind the sums meet: both signs, from 2^-140 (partly below the
 * resolution) to 2^100, on and off the fast path of lotk_exact_add. */
static void random_values(double *x, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        double m = (double)(next_random() >> 11) / 0x1p53; /* [0, 1) */
        int e = (int)(next_random() % 241) - 140;
        x[i] = ldexp(1 + m, e) * (next_random() & 1 ? -1 : 1);
    }
}

static void shuffle(double *x, size_t n)
{
    for (size_t i = n - 1; i > 0; i--) {
        size_t j = (size_t)(next_random() % (i + 1));
        double t = x[i];
        x[i] = x[j];
        x[j] = t;
    }
}

static struct lotk_exact sum_of(const double *x, size_t n)
{
    struct lotk_exact a = {{0, 0, 0, 0}};
    for (size_t i = 0; i < n; i++)
        lotk_exact_add(&a, x[i]);
    return a;
}

static void order_independent(void **state)
{
    (void)state;
    enum { N = 3000 };
    double x[N];
    random_values(x, N);
    struct lotk_exact first = sum_of(x, N);
    for (int round = 0; round < 5; round++) {
        shuffle(x, N);
        struct lotk_exact again = sum_of(x, N);
        assert_memory_equal(&again, &first, sizeof first);
        assert_true(lotk_exact_value(&again) == lotk_exact_value(&first));
    }
    /* A plain double sum is not order independent on these values; the exact one is what
     * makes --jobs and merge give the same bytes. */
    double naive1 = 0, naive2 = 0;
    for (size_t i = 0; i < N; i++)
        naive1 += x[i];
    shuffle(x, N);
    for (size_t i = 0; i < N; i++)
        naive2 += x[i];
    assert_true(naive1 != naive2 || naive1 == lotk_exact_value(&first));
}

/* The sum rounded once: ten times the double 0.1 is 1.000000000000000055…, which rounds to
 * 1, where adding in double gives 0.9999999999999999. */
static void rounded_once(void **state)
{
    (void)state;
    struct lotk_exact a = {{0, 0, 0, 0}};
    double naive = 0;
    for (int i = 0; i < 10; i++) {
        lotk_exact_add(&a, 0.1);
        naive += 0.1;
    }
    assert_true(naive != 1.0);
    assert_true(lotk_exact_value(&a) == 1.0);
    /* 2^60 + 1 − 2^60 is 1, not 0. */
    struct lotk_exact b = {{0, 0, 0, 0}};
    lotk_exact_add(&b, 0x1p60);
    lotk_exact_add(&b, 1);
    lotk_exact_add(&b, -0x1p60);
    assert_true(lotk_exact_value(&b) == 1.0);
}

static void subtract_undoes_add(void **state)
{
    (void)state;
    enum { N = 2000 };
    double x[N];
    random_values(x, N);
    struct lotk_exact a = sum_of(x, N / 2);
    struct lotk_exact keep = a;
    for (size_t i = N / 2; i < N; i++)
        lotk_exact_add(&a, x[i]);
    shuffle(x + N / 2, N / 2);
    for (size_t i = N / 2; i < N; i++)
        lotk_exact_sub(&a, x[i]);
    assert_memory_equal(&a, &keep, sizeof a);
    for (size_t i = 0; i < N / 2; i++)
        lotk_exact_sub(&a, x[i]);
    static const struct lotk_exact zero = {{0, 0, 0, 0}};
    assert_memory_equal(&a, &zero, sizeof a);
    assert_true(lotk_exact_value(&a) == 0.0);
}

static void merge_equals_one_sum(void **state)
{
    (void)state;
    enum { N = 2400 };
    double x[N];
    random_values(x, N);
    struct lotk_exact all = sum_of(x, N);
    /* Three groups of different sizes, merged in two orders. */
    struct lotk_exact g1 = sum_of(x, 100), g2 = sum_of(x + 100, 1500);
    struct lotk_exact g3 = sum_of(x + 1600, N - 1600);
    struct lotk_exact m = g1;
    lotk_exact_merge(&m, &g2);
    lotk_exact_merge(&m, &g3);
    assert_memory_equal(&m, &all, sizeof m);
    m = g3;
    lotk_exact_merge(&m, &g1);
    lotk_exact_merge(&m, &g2);
    assert_memory_equal(&m, &all, sizeof m);
    /* Merging a negative total carries through every limb. */
    struct lotk_exact neg = {{0, 0, 0, 0}}, pos = {{0, 0, 0, 0}};
    lotk_exact_add(&neg, -0x1p-100);
    lotk_exact_add(&pos, 0x1p-100);
    lotk_exact_merge(&neg, &pos);
    static const struct lotk_exact zero = {{0, 0, 0, 0}};
    assert_memory_equal(&neg, &zero, sizeof neg);
}

/* Halfway between two doubles rounds to the even one; anything below the 64 bits taken
 * (the sticky bit) breaks the tie upwards. */
static void limbs_to_double_ties(void **state)
{
    (void)state;
    /* (2^53 + 1) · 2^64: exactly between 2^117 and 2^117 + 2^65. */
    uint64_t m[2] = {0, (1ULL << 53) + 1};
    assert_true(lotk_limbs_to_double(m, 2, 0, 0) == 0x1p117);
    assert_true(lotk_limbs_to_double(m, 2, 1, 0) == -0x1p117);
    /* One unit more, far below: no longer a tie. */
    m[0] = 1;
    assert_true(lotk_limbs_to_double(m, 2, 0, 0) == 0x1p117 + 0x1p65);
    /* (2^53 + 3) · 2^64 ties to the even 2^53 + 4. */
    m[0] = 0;
    m[1] = (1ULL << 53) + 3;
    assert_true(lotk_limbs_to_double(m, 2, 0, 0) == ldexp((double)((1ULL << 53) + 4), 64));
    /* Within one limb the conversion itself rounds: 2^53 + 1 ties to 2^53. */
    uint64_t one[1] = {(1ULL << 53) + 1};
    assert_true(lotk_limbs_to_double(one, 1, 0, 0) == 0x1p53);
    /* Fraction bits scale exactly; zero is +0. */
    uint64_t twelve[3] = {12, 0, 0};
    assert_true(lotk_limbs_to_double(twelve, 3, 1, 3) == -1.5);
    uint64_t nothing[2] = {0, 0};
    assert_true(lotk_limbs_to_double(nothing, 2, 0, 128) == 0.0);
}

/* The ends of the range: values just under 2^126 come back exactly and cancel; the
 * resolution is 2^-128, below which parts are dropped the same way for both signs. */
static void range_ends(void **state)
{
    (void)state;
    double big = nextafter(0x1p126, 0);
    struct lotk_exact a = {{0, 0, 0, 0}};
    lotk_exact_add(&a, big);
    assert_true(lotk_exact_value(&a) == big);
    lotk_exact_add(&a, 0x1.8p125);
    lotk_exact_sub(&a, big);
    assert_true(lotk_exact_value(&a) == 0x1.8p125);
    lotk_exact_sub(&a, 0x1.8p125);
    lotk_exact_add(&a, -big);
    assert_true(lotk_exact_value(&a) == -big);

    struct lotk_exact t = {{0, 0, 0, 0}};
    lotk_exact_add(&t, 0x1p-128);
    assert_true(lotk_exact_value(&t) == 0x1p-128);
    lotk_exact_add(&t, 0x1p-129); /* below the resolution: dropped */
    assert_true(lotk_exact_value(&t) == 0x1p-128);
    lotk_exact_add(&t, 0x1.8p-128); /* 2^-128 kept, the half below dropped */
    assert_true(lotk_exact_value(&t) == 0x1p-127);
    lotk_exact_add(&t, -0x1.8p-128);
    assert_true(lotk_exact_value(&t) == 0x1p-128);
    lotk_exact_add(&t, DBL_TRUE_MIN); /* subnormal: dropped */
    assert_true(lotk_exact_value(&t) == 0x1p-128);
    /* The finest unit survives next to a large value. */
    struct lotk_exact u = {{0, 0, 0, 0}};
    lotk_exact_add(&u, 0x1p100);
    lotk_exact_add(&u, 0x1p-128);
    lotk_exact_sub(&u, 0x1p100);
    assert_true(lotk_exact_value(&u) == 0x1p-128);
}

/* The bucket sum gives the exact sum's double, in any order; a non-finite term makes it
 * NaN. */
static void buckets_agree(void **state)
{
    (void)state;
    enum { N = 2000 };
    double x[N];
    random_values(x, N);
    struct lotk_exact a = sum_of(x, N);
    struct lotk_exact_buckets *b = calloc(1, sizeof *b);
    for (size_t i = 0; i < N; i++)
        lotk_exact_buckets_add(b, x[i]);
    assert_true(lotk_exact_buckets_value(b) == lotk_exact_value(&a));
    memset(b, 0, sizeof *b);
    shuffle(x, N);
    for (size_t i = 0; i < N; i++)
        lotk_exact_buckets_add(b, x[i]);
    assert_true(lotk_exact_buckets_value(b) == lotk_exact_value(&a));
    lotk_exact_buckets_add(b, INFINITY);
    assert_nan(lotk_exact_buckets_value(b));
    free(b);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(order_independent),   cmocka_unit_test(rounded_once),
        cmocka_unit_test(subtract_undoes_add), cmocka_unit_test(merge_equals_one_sum),
        cmocka_unit_test(limbs_to_double_ties), cmocka_unit_test(range_ends),
        cmocka_unit_test(buckets_agree),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
