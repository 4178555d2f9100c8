/* gen.c — deterministic synthetic survey for lotk's benchmark.
 *
 * Usage: gen [--grouped] ROWS [SEED [ORG_SIZE]] > survey.csv
 *
 * Writes a header `org,resp,i01,...,i60` and ROWS rows. The 60 Likert items (1-5) form six
 * dimensions of ten; items 9 and 10 of each dimension are reverse-keyed, so they are written
 * as 6 - x. About 2% of answers are blank. Organizations have 2 to 2 × ORG_SIZE − 2
 * respondents, ORG_SIZE (default 30) on average: ~33,000 organizations per million rows, ~5%
 * of them below the standard's min_respondents of 5. A larger ORG_SIZE keeps the number of
 * organizations fixed as ROWS grows (e.g. 10M rows with ORG_SIZE 300). Respondent ids
 * (R00000001, …) are unique and in row order.
 *
 * By default the rows come as a real export of a multi-organization survey has them: in
 * submission order, the organizations interleaved row by row (every row's organization
 * drawn from those with respondents left, uniformly over the remaining respondents).
 * --grouped writes each organization's rows together, the easy case, byte for byte what
 * earlier versions of gen wrote. bench/standard.yaml is the matching standard.
 *
 * The output depends only on ROWS and SEED: the generator is a 64-bit PCG-style LCG with an
 * xorshift-multiply output (no libc rand, no floating point), so every platform writes the
 * same bytes.
 */
#include <errno.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

enum {
    DIMS = 6,
    PER_DIM = 10,
    ITEMS = DIMS * PER_DIM,
    OUT_BUF = 1 << 20,
    ROW_MAX = 64 + ITEMS * 2, /* generous bound on one row's bytes */
    FIX = 64,                 /* latent values are in 1/64 of a scale point */
};

static uint64_t state;

/* PCG-XSH-RR 32-bit output from a 64-bit LCG (O'Neill 2014). */
static inline uint32_t rnd(void)
{
    uint64_t old = state;
    state = old * 6364136223846793005ULL + 1442695040888963407ULL;
    uint32_t xorshifted = (uint32_t)(((old >> 18u) ^ old) >> 27u);
    uint32_t rot = (uint32_t)(old >> 59u);
    return (xorshifted >> rot) | (xorshifted << ((-rot) & 31));
}

/* Uniform integer in [lo, hi]; the modulo bias (< 1e-7 here) does not matter for a bench. */
static inline int uniform(int lo, int hi)
{
    return lo + (int)(rnd() % (uint32_t)(hi - lo + 1));
}

static char *put_uint(char *p, unsigned long v, int width)
{
    char tmp[24];
    int n = 0;
    do {
        tmp[n++] = (char)('0' + v % 10);
        v /= 10;
    } while (v);
    while (n < width)
        tmp[n++] = '0';
    while (n)
        *p++ = tmp[--n];
    return p;
}

static void usage(void)
{
    fputs("usage: gen [--grouped] ROWS [SEED [ORG_SIZE]] > survey.csv   (ORG_SIZE: 2 to "
          "1000000)\n",
          stderr);
    exit(2);
}

static unsigned long long parse_ull(const char *s)
{
    char *end;
    errno = 0;
    unsigned long long v = strtoull(s, &end, 10);
    if (errno || end == s || *end || s[0] == '-')
        usage();
    return v;
}

/* The organizations of an interleaved survey: each one's size and effects drawn up front
 * (from a stream of their own, so that the rows' stream is the grouped shape's), then one
 * entry per row, shuffled: row r belongs to organization order[r]. */
struct orgs {
    uint32_t *order;
    int (*effect)[DIMS];
};

static int plan_interleaved(unsigned long long rows, unsigned long long seed,
                            unsigned long long org_size, struct orgs *o)
{
    uint64_t rows_state = state;
    state = seed * 0xD1B54A32D192ED03ULL + 0x8CB92BA72F3D8DD7ULL;
    (void)rnd();
    size_t cap = 1024, norgs = 0;
    o->order = malloc((rows ? rows : 1) * sizeof *o->order);
    o->effect = malloc(cap * sizeof *o->effect);
    if (!o->order || !o->effect)
        return -1;
    for (unsigned long long r = 0; r < rows;) {
        if (norgs == cap) {
            cap *= 2;
            void *grown = realloc(o->effect, cap * sizeof *o->effect);
            if (!grown)
                return -1;
            o->effect = grown;
        }
        int size = uniform(2, 2 * (int)org_size - 2);
        for (int d = 0; d < DIMS; d++)
            o->effect[norgs][d] = uniform(-FIX, FIX);
        for (int k = 0; k < size && r < rows; k++)
            o->order[r++] = (uint32_t)norgs;
        norgs++;
    }
    for (unsigned long long r = rows; r > 1; r--) { /* Fisher-Yates */
        unsigned long long j = ((uint64_t)rnd() << 32 | rnd()) % r;
        uint32_t t = o->order[r - 1];
        o->order[r - 1] = o->order[j];
        o->order[j] = t;
    }
    state = rows_state;
    return 0;
}

int main(int argc, char **argv)
{
    bool grouped = argc > 1 && strcmp(argv[1], "--grouped") == 0;
    if (grouped) {
        argv++;
        argc--;
    }
    if (argc < 2 || argc > 4)
        usage();
    unsigned long long rows = parse_ull(argv[1]);
    unsigned long long seed = argc > 2 ? parse_ull(argv[2]) : 1;
    unsigned long long org_size = argc > 3 ? parse_ull(argv[3]) : 30;
    if (org_size < 2 || org_size > 1000000)
        usage();
    state = seed * 0x9E3779B97F4A7C15ULL + 0x2545F4914F6CDD1DULL;
    (void)rnd();

    /* Items differ a little in how easily they are endorsed: a fixed offset per item. */
    int item_offset[ITEMS];
    for (int i = 0; i < ITEMS; i++)
        item_offset[i] = uniform(-FIX / 4, FIX / 4);

    struct orgs plan = {0};
    if (!grouped && plan_interleaved(rows, seed, org_size, &plan) != 0) {
        fputs("gen: out of memory\n", stderr);
        return 1;
    }

    static char out[OUT_BUF];
    char *p = out;
    p += sprintf(p, "org,resp");
    for (int i = 1; i <= ITEMS; i++)
        p += sprintf(p, ",i%02d", i);
    *p++ = '\n';

    unsigned long org = 0;
    int left = 0;               /* respondents still to write for the current organization */
    int org_effect[DIMS] = {0};
    for (unsigned long long r = 0; r < rows; r++) {
        if (!grouped) {
            org = plan.order[r] + 1UL;
            memcpy(org_effect, plan.effect[plan.order[r]], sizeof org_effect);
        } else if (left == 0) {
            org++;
            left = uniform(2, 2 * (int)org_size - 2);
            for (int d = 0; d < DIMS; d++)
                org_effect[d] = uniform(-FIX, FIX);
        }
        if (grouped)
            left--;
        *p++ = 'O';
        p = put_uint(p, org, 7);
        *p++ = ',';
        *p++ = 'R';
        p = put_uint(p, (unsigned long)r + 1, 8);
        for (int d = 0; d < DIMS; d++) {
            /* latent = 3.6 + organization + respondent + item + noise, in 1/64 points */
            int base = 36 * FIX / 10 + org_effect[d] + uniform(-FIX * 3 / 4, FIX * 3 / 4);
            for (int k = 0; k < PER_DIM; k++) {
                int i = d * PER_DIM + k;
                uint32_t u = rnd();
                *p++ = ',';
                if ((u & 0xFFFF) < 1311) /* 1311 / 65536 = 2.0% blank */
                    continue;
                int noise = (int)((u >> 16) & 0x7F) + (int)((u >> 23) & 0x7F) - 127; /* ±2 */
                int v = base + item_offset[i] + noise;
                int x = (v + FIX / 2 + 8 * FIX) / FIX - 8; /* round half up, floor-safe */
                x = x < 1 ? 1 : x > 5 ? 5 : x;
                if (k >= 8)
                    x = 6 - x; /* reverse-keyed: the agreeing respondent disagrees */
                *p++ = (char)('0' + x);
            }
        }
        *p++ = '\n';
        if (p - out > OUT_BUF - ROW_MAX) {
            if (fwrite(out, 1, (size_t)(p - out), stdout) != (size_t)(p - out))
                goto write_error;
            p = out;
        }
    }
    if (fwrite(out, 1, (size_t)(p - out), stdout) != (size_t)(p - out) || fflush(stdout))
        goto write_error;
    free(plan.order);
    free(plan.effect);
    return 0;
write_error:
    fprintf(stderr, "gen: write error: %s\n", strerror(errno));
    return 1;
}
