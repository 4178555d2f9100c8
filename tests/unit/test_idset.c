/* test_idset.c — the respondent id set (core/input/idset.c): exact for packed and arena ids
 * alike (ids that differ in one character, in length only, by a NUL, or share a hash tag),
 * growth and reserve keep every id, iteration gives every id back as it was, and a million
 * short ids take at most 16 bytes each. */
#include "testutil.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "input/idset.h"

static void packed_ids_are_exact(void **state)
{
    (void)state;
    struct lotk_idset set = {0};
    assert_true(lotk_idset_insert(&set, "R00000001", 9));
    assert_false(lotk_idset_insert(&set, "R00000001", 9));
    assert_true(lotk_idset_insert(&set, "R00000002", 9));
    assert_true(lotk_idset_insert(&set, "R0000000", 8)); /* a prefix is another id */
    assert_true(lotk_idset_insert(&set, "0", 1));
    assert_true(lotk_idset_insert(&set, "00", 2));        /* zeros pack to code 0 */
    assert_true(lotk_idset_insert(&set, "_-zZ9", 5));
    assert_true(lotk_idset_contains(&set, "00", 2));
    assert_false(lotk_idset_contains(&set, "000", 3));
    assert_int_equal(set.count, 6);
    assert_int_equal(set.arena_len, 0); /* all packed */
    lotk_idset_free(&set);
}

/* A key computed once serves a prefetch, lookups in several sets and the insert, for
 * packed and arena ids alike, and finds what the text calls find. */
static void one_key_for_every_call(void **state)
{
    (void)state;
    struct lotk_idset a = {0}, b = {0};
    const char *ids[] = {"R00000001", "respondent-000000001", "序号1", "_-zZ9"};
    for (size_t i = 0; i < 4; i++) {
        struct lotk_idset_key k = lotk_idset_key(ids[i], strlen(ids[i]));
        lotk_idset_prefetch(&a, &k); /* an empty set has no slot to load */
        assert_false(lotk_idset_contains_key(&a, &k));
        assert_false(lotk_idset_contains_key(&b, &k));
        assert_true(lotk_idset_insert_key(&a, &k));
        lotk_idset_prefetch(&a, &k);
        assert_false(lotk_idset_insert_key(&a, &k));
        assert_true(lotk_idset_contains_key(&a, &k));
        assert_true(lotk_idset_contains(&a, ids[i], strlen(ids[i])));
        assert_false(lotk_idset_contains_key(&b, &k));
    }
    /* A byte no packed id has: the key falls back to the arena's hash. */
    struct lotk_idset_key dot = lotk_idset_key("R.1", 3);
    assert_int_equal(dot.packed, 0);
    assert_false(lotk_idset_insert(&a, "R00000001", 9));
    assert_true(lotk_idset_insert_key(&a, &dot));
    assert_int_equal(a.count, 5);
    lotk_idset_free(&a);
    lotk_idset_free(&b);
}

static void arena_ids_are_exact(void **state)
{
    (void)state;
    struct lotk_idset set = {0};
    const char nul_a[] = {'a', 0, 'b'}, nul_b[] = {'a', 0, 'c'};
    assert_true(lotk_idset_insert(&set, "respondent-000000001", 20)); /* too long to pack */
    assert_true(lotk_idset_insert(&set, "序号1", strlen("序号1")));
    assert_true(lotk_idset_insert(&set, nul_a, 3));
    assert_true(lotk_idset_insert(&set, nul_b, 3));
    assert_true(lotk_idset_insert(&set, "a", 1)); /* packed, and not the NUL id's prefix */
    assert_false(lotk_idset_insert(&set, nul_a, 3));
    assert_false(lotk_idset_insert(&set, "序号1", strlen("序号1")));
    assert_true(lotk_idset_contains(&set, "respondent-000000001", 20));
    assert_false(lotk_idset_contains(&set, "respondent-000000002", 20));
    char long_id[300];
    memset(long_id, 'x', sizeof long_id); /* a length of two varint bytes */
    assert_true(lotk_idset_insert(&set, long_id, sizeof long_id));
    assert_false(lotk_idset_insert(&set, long_id, sizeof long_id));
    assert_true(lotk_idset_insert(&set, long_id, sizeof long_id - 1));
    lotk_idset_free(&set);
}

/* 20 bits of tag are shared by one in a million pairs: 200,000 long ids have many such
 * pairs, and each must still be told apart by its text. */
static void growth_keeps_every_id(void **state)
{
    (void)state;
    struct lotk_idset set = {0};
    char id[40];
    enum { N = 200000 };
    for (int i = 0; i < N; i++) {
        int len = snprintf(id, sizeof id, i % 2 ? "long.respondent.%d" : "R%d", i);
        assert_true(lotk_idset_insert(&set, id, (size_t)len));
    }
    assert_int_equal(set.count, N);
    for (int i = 0; i < N; i++) {
        int len = snprintf(id, sizeof id, i % 2 ? "long.respondent.%d" : "R%d", i);
        assert_false(lotk_idset_insert(&set, id, (size_t)len));
        len = snprintf(id, sizeof id, i % 2 ? "long.respondent.%d." : "S%d", i);
        assert_false(lotk_idset_contains(&set, id, (size_t)len));
    }
    lotk_idset_free(&set);
}

struct seen {
    int packed, arena;
    struct lotk_idset copy;
};

static bool note(void *ctx, const char *id, size_t len)
{
    struct seen *s = ctx;
    if (len <= 10 && memchr(id, '.', len) == NULL)
        s->packed++;
    else
        s->arena++;
    assert_true(lotk_idset_insert(&s->copy, id, len));
    return false;
}

static bool stop_at_first(void *ctx, const char *id, size_t len)
{
    (void)id;
    (void)len;
    ++*(int *)ctx;
    return true;
}

static void iteration_gives_every_id_back(void **state)
{
    (void)state;
    struct lotk_idset set = {0};
    char id[40];
    for (int i = 0; i < 1000; i++) {
        int len = snprintf(id, sizeof id, i % 3 ? "R%d" : "x.%d", i);
        lotk_idset_insert(&set, id, (size_t)len);
    }
    struct seen s = {0};
    assert_false(lotk_idset_any(&set, note, &s));
    assert_int_equal(s.packed + s.arena, 1000);
    assert_int_equal(s.arena, 334);
    for (int i = 0; i < 1000; i++) {
        int len = snprintf(id, sizeof id, i % 3 ? "R%d" : "x.%d", i);
        assert_true(lotk_idset_contains(&s.copy, id, (size_t)len));
    }
    int calls = 0;
    assert_true(lotk_idset_any(&set, stop_at_first, &calls));
    assert_int_equal(calls, 1);
    lotk_idset_free(&s.copy);
    lotk_idset_free(&set);
}

/* Issue 15's bound: a million respondent ids as bench/gen writes them, at most 16 bytes an
 * id, whether the set grew to them or was sized for them. */
static void a_million_ids_in_16_bytes_each(void **state)
{
    (void)state;
    enum { N = 1000000 };
    char id[16];
    for (int reserve = 0; reserve < 2; reserve++) {
        struct lotk_idset set = {0};
        if (reserve)
            lotk_idset_reserve(&set, N);
        size_t cap = set.cap;
        for (int i = 1; i <= N; i++) {
            snprintf(id, sizeof id, "R%08d", i);
            assert_true(lotk_idset_insert(&set, id, 9));
        }
        if (reserve)
            assert_int_equal(set.cap, cap); /* never grew */
        assert_true(lotk_idset_bytes(&set) <= 16u * N);
        assert_false(lotk_idset_insert(&set, "R00500000", 9));
        lotk_idset_free(&set);
    }
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(packed_ids_are_exact),
        cmocka_unit_test(arena_ids_are_exact),
        cmocka_unit_test(one_key_for_every_call),
        cmocka_unit_test(growth_keeps_every_id),
        cmocka_unit_test(iteration_gives_every_id_back),
        cmocka_unit_test(a_million_ids_in_16_bytes_each),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
