/* rowqueue.c — see rowqueue.h.
 *
 * Rows travel in batches of BATCH_ROWS, so that the two threads meet once per batch, not
 * once per row; NBATCHES batches circulate, so the reader runs at most that far ahead and
 * the queue's memory is fixed (about 300 KB for 60 items). */
#include "input/rowqueue.h"

#ifdef __SSE2__
#include <emmintrin.h>
#endif
#include <math.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <stdio.h>
#include <time.h>

#include "base/buf.h"
#include "base/mem.h"

enum {
    /* Small batches, several in flight: the scorer reads a batch while the reader's
     * writes to it are still in a near cache. 1M rows, two jobs (cache lines apart, see
     * LINE): 512-row batches, 4 in flight, took 0.77 s; 256 × 4 0.68 s; 32 to 128 × 8
     * 0.63-0.64 s. */
    BATCH_ROWS = 64,
    NBATCHES = 8,
    /* How many rows ahead the consumer announces an organization (prefetch): far enough
     * for its memory to arrive, near enough to still be in cache when its row comes. */
    PREFETCH_AHEAD = 4,
    /* How long a thread that finds the queue empty (or full) watches the other's count
     * before it sleeps: about three batches' time. A futex sleep and wake-up costs tens
     * of microseconds in a virtual machine, while the other thread moves the count every
     * batch (~60 us): 1M rows, two jobs, a KVM guest: 5,000 sleeps without the watch,
     * 70-100 with it, and 8% less time. A watch that ends in sleep anyway makes the next
     * one half as long, down to MIN_WATCH_NS, so that a thread far ahead of the other (a
     * slow pipe on standard input, say) does not keep a core busy watching: 300k rows
     * through a throttled pipe took 1.05-1.15 s of CPU with a watch always whole, 0.9 s
     * with this, as without a watch. One that sees the count move makes the next whole. */
    WATCH_NS = 200 * 1000,
    MIN_WATCH_NS = 2 * 1000,
};

/* One row as the reader handed it, its strings in the batch's text. */
struct queued_row {
    long line;
    size_t org, org_len; /* offset into text */
    size_t resp;         /* offset into text, or SIZE_MAX: no respondent id */
    bool small;
    bool packed;         /* its answers are in the batch's packed, not answers */
};

/* A packed answer that stands for no answer (NaN). */
#define PACKED_NONE INT8_MIN

/* A cache line: the reader fills one batch while the consumer reads another, so that no
 * batch shares a line with the next, nor the reader's fields with the consumer's; the
 * batches' arrays and text are on lines of their own too (lotk_xcalloc_lines). */
#define LINE LOTK_CACHE_LINE

struct batch {
    _Alignas(LINE) size_t n;
    struct queued_row *rows; /* BATCH_ROWS */
    /* Row i's answers at i × nitems of one of these. Answers that are whole numbers in
     * int8 (the usual Likert row) travel as one byte each: the consumer's core reads them
     * from the reader's, and a byte is an eighth of the lines a double would take. */
    int8_t *packed;          /* BATCH_ROWS × nitems */
    double *answers;         /* BATCH_ROWS × nitems */
    struct lotk_buf text;    /* organization and respondent ids, NUL-terminated */
    char *file;              /* the rows' file (one file a batch: see push) */
    const char *file_from;   /* the reader's string it was copied from */
};

struct lotk_rowqueue {
    struct batch batches[NBATCHES];
    /* The reader's own: the batch it fills (batches[filled % NBATCHES]), read for every
     * row, on a line the consumer never writes. */
    _Alignas(LINE) struct batch *fill;
    long reader_watch_ns; /* the reader's next watch (see WATCH_NS) */
    _Alignas(LINE) struct lotk_survey_sink to;
    void (*prefetch)(void *ctx, const char *org, size_t len);
    size_t nitems;
    double *unpacked;        /* the consumer's: one packed row's answers */
    /* The consumer's next watch, written at every wait: off the lines the reader reads. */
    _Alignas(LINE) long consumer_watch_ns;
    /* Batch i is being filled, queued or consumed as filled, consumed count it: batch
     * filled % NBATCHES is the reader's, consumed % NBATCHES .. the consumer's. */
    pthread_mutex_t mu;
    pthread_cond_t ready; /* a batch was queued, or closing */
    pthread_cond_t freed; /* a batch was consumed */
    _Atomic unsigned long filled, consumed;
    _Atomic bool closing;
    bool running;
    pthread_t thread;
    /* The consumer's first error; once set, later rows are dropped unread. */
    int rc;
    struct lotk_err err;
};

/* One answer as pack stores it; whether it may be packed. */
static bool pack_one(int8_t *to, double a)
{
    if (a >= 0 && a <= INT8_MAX) { /* false for NaN */
        *to = (int8_t)a;
        return (double)*to == a && !signbit(a);
    }
    *to = PACKED_NONE;
    return a != a;
}

#ifdef __SSE2__
/* Of two answers, the lanes pack may store: NaN, or a whole number in 0..INT8_MAX with its
 * sign bit clear (so not -0); *v gets their truncations (NaN's is INT32_MIN). */
static __m128d packable2(__m128d a, __m128i *v)
{
    *v = _mm_cvttpd_epi32(a);
    __m128d whole = _mm_and_pd(_mm_cmpeq_pd(_mm_cvtepi32_pd(*v), a),
                               _mm_cmple_pd(a, _mm_set1_pd(INT8_MAX)));
    __m128d negative = _mm_castsi128_pd(
        _mm_srai_epi32(_mm_shuffle_epi32(_mm_castpd_si128(a), 0xF5), 31));
    return _mm_or_pd(_mm_cmpunord_pd(a, a), _mm_andnot_pd(negative, whole));
}
#endif

/* Stores row i's answers packed when every one is a whole number in 0..INT8_MAX (or
 * none), as the same double again: negatives, -0 and fractions take the doubles, and what
 * was stored here is then never read. The producer's thread packs every answer of every
 * row: four a step where the machine has vectors (any x86-64), saturating to int8 turning
 * a NaN's INT32_MIN into PACKED_NONE. */
static bool pack(int8_t *to, const double *answers, size_t n)
{
    bool ok = true;
    size_t i = 0;
#ifdef __SSE2__
    __m128d all = _mm_castsi128_pd(_mm_set1_epi32(-1));
    for (; i + 4 <= n; i += 4) {
        __m128i lo, hi;
        all = _mm_and_pd(all, packable2(_mm_loadu_pd(answers + i), &lo));
        all = _mm_and_pd(all, packable2(_mm_loadu_pd(answers + i + 2), &hi));
        __m128i v = _mm_packs_epi32(_mm_unpacklo_epi64(lo, hi), _mm_setzero_si128());
        int32_t four = _mm_cvtsi128_si32(_mm_packs_epi16(v, v));
        memcpy(to + i, &four, sizeof four);
    }
    ok = _mm_movemask_pd(all) == 3;
#endif
    for (; i < n; i++)
        ok &= pack_one(to + i, answers[i]);
    return ok;
}

static const double *unpack(struct lotk_rowqueue *q, const int8_t *from)
{
    for (size_t i = 0; i < q->nitems; i++)
        q->unpacked[i] = from[i] == PACKED_NONE ? NAN : from[i];
    return q->unpacked;
}

/* Asks for what the consumer will read of row i: its line in rows, its answers, its
 * organization (the sink's prefetch). */
static void prefetch_row(const struct lotk_rowqueue *q, const struct batch *b, size_t i)
{
    const struct queued_row *r = &b->rows[i];
    if (r->packed) {
        const int8_t *p = b->packed + i * q->nitems;
        for (size_t at = 0; at < q->nitems; at += 64)
            __builtin_prefetch(p + at);
    }
    if (q->prefetch)
        q->prefetch(q->to.row_ctx, b->text.data + r->org, r->org_len);
}

/* Hands the batch's rows to the wrapped sink, announcing them ahead. */
static int consume(struct lotk_rowqueue *q, struct batch *b)
{
    const char *text = b->text.data;
    size_t n = b->n;
    for (size_t i = 0; i < PREFETCH_AHEAD && i < n; i++)
        prefetch_row(q, b, i);
    for (size_t i = 0; i < n; i++) {
        const struct queued_row *r = &b->rows[i];
        if (i + PREFETCH_AHEAD < n)
            prefetch_row(q, b, i + PREFETCH_AHEAD);
        struct lotk_row row = {b->file,
                               r->line,
                               text + r->org,
                               r->org_len,
                               r->resp == SIZE_MAX ? NULL : text + r->resp,
                               r->packed ? unpack(q, b->packed + i * q->nitems)
                                         : b->answers + i * q->nitems,
                               r->small};
        int rc = q->to.on_row(q->to.row_ctx, &row, &q->err);
        if (rc < 0)
            return rc;
    }
    return 0;
}

/* Called with q->mu held, which it lets go and takes again: watches *count while it
 * equals `unlike` (and, with watch_closing, q->closing is false), for at most *watch_ns,
 * which it then sets for the next time (see WATCH_NS). The caller then checks again under
 * the lock and sleeps if it must: the mutex orders the batch's memory, this only saves
 * the sleep. */
static void watch_unlocked(struct lotk_rowqueue *q, const _Atomic unsigned long *count,
                           unsigned long unlike, bool watch_closing, long *watch_ns)
{
    pthread_mutex_unlock(&q->mu);
    struct timespec start, now;
    clock_gettime(CLOCK_MONOTONIC, &start);
    for (;;) {
        for (int i = 0; i < 16; i++) {
            if (atomic_load_explicit(count, memory_order_relaxed) != unlike ||
                (watch_closing && atomic_load_explicit(&q->closing, memory_order_relaxed))) {
                *watch_ns = WATCH_NS;
                goto done;
            }
#ifdef __SSE2__
            _mm_pause();
#endif
        }
        clock_gettime(CLOCK_MONOTONIC, &now);
        if ((now.tv_sec - start.tv_sec) * 1000000000L + (now.tv_nsec - start.tv_nsec) >
            *watch_ns) {
            *watch_ns = *watch_ns / 2 > MIN_WATCH_NS ? *watch_ns / 2 : MIN_WATCH_NS;
            goto done;
        }
    }
done:
    pthread_mutex_lock(&q->mu);
}

static void *run_consumer(void *arg)
{
    struct lotk_rowqueue *q = arg;
    pthread_mutex_lock(&q->mu);
    for (;;) {
        if (q->consumed == q->filled && !q->closing)
            watch_unlocked(q, &q->filled, q->filled, true, &q->consumer_watch_ns);
        while (q->consumed == q->filled && !q->closing)
            pthread_cond_wait(&q->ready, &q->mu);
        if (q->consumed == q->filled) /* closing, and everything consumed */
            break;
        struct batch *b = &q->batches[q->consumed % NBATCHES];
        bool failed = q->rc != 0;
        pthread_mutex_unlock(&q->mu);
        int rc = failed ? 0 : consume(q, b);
        pthread_mutex_lock(&q->mu);
        if (rc)
            q->rc = rc;
        q->consumed++;
        pthread_cond_signal(&q->freed);
    }
    pthread_mutex_unlock(&q->mu);
    return NULL;
}

/* Queues the batch being filled and waits for the next one to be free. Returns the
 * consumer's error, if it had one. */
static int publish(struct lotk_rowqueue *q, struct lotk_err *err)
{
    int rc = 0;
    pthread_mutex_lock(&q->mu);
    if (q->fill->n > 0) {
        if (!q->running) {
            q->closing = false;
            if (pthread_create(&q->thread, NULL, run_consumer, q) == 0) {
                q->running = true;
            } else {
                /* No second thread: this one consumes the batch itself. */
                pthread_mutex_unlock(&q->mu);
                int crc = consume(q, q->fill);
                pthread_mutex_lock(&q->mu);
                if (crc && !q->rc)
                    q->rc = crc;
                q->fill->n = 0;
                goto out;
            }
        }
        q->filled++;
        q->fill = &q->batches[q->filled % NBATCHES];
        pthread_cond_signal(&q->ready);
        if (q->filled - q->consumed == NBATCHES)
            watch_unlocked(q, &q->consumed, q->consumed, false, &q->reader_watch_ns);
        while (q->filled - q->consumed == NBATCHES)
            pthread_cond_wait(&q->freed, &q->mu);
        q->fill->n = 0;
    }
out:
    if (q->rc) {
        rc = q->rc;
        *err = q->err;
    }
    pthread_mutex_unlock(&q->mu);
    return rc;
}

static int push(void *ctx, const struct lotk_row *row, struct lotk_err *err)
{
    struct lotk_rowqueue *q = ctx;
    struct batch *b = q->fill;
    /* A batch holds rows of one file: row->file is valid only while its file is read. The
     * same string as the batch's first row's is the same file (the queue is drained at
     * the end of each file, before its name can go), so only another is compared. */
    if (b->n > 0 && row->file != b->file_from && strcmp(b->file, row->file) != 0) {
        int rc = publish(q, err);
        if (rc)
            return rc;
        b = q->fill;
    }
    if (b->n == 0) {
        lotk_buf_reset(&b->text);
        if (!b->file || strcmp(b->file, row->file) != 0) {
            free(b->file);
            b->file = lotk_xstrdup(row->file);
        }
        b->file_from = row->file;
    }
    struct queued_row *r = &b->rows[b->n];
    r->line = row->line;
    r->small = row->small;
    r->org = b->text.len;
    r->org_len = row->org_len;
    lotk_buf_append(&b->text, row->org, row->org_len);
    lotk_buf_putc(&b->text, '\0');
    r->resp = SIZE_MAX;
    if (row->resp) {
        r->resp = b->text.len;
        lotk_buf_puts(&b->text, row->resp);
        lotk_buf_putc(&b->text, '\0');
    }
    r->packed = pack(b->packed + b->n * q->nitems, row->answers, q->nitems);
    if (!r->packed)
        memcpy(b->answers + b->n * q->nitems, row->answers, q->nitems * sizeof *row->answers);
    if (++b->n == BATCH_ROWS)
        return publish(q, err);
    return 0;
}

struct lotk_rowqueue *lotk_rowqueue_new(const struct lotk_survey_sink *to, size_t nitems,
                                        void (*prefetch)(void *ctx, const char *org,
                                                         size_t len))
{
    struct lotk_rowqueue *q = lotk_xcalloc_lines(1, sizeof *q);
    q->fill = &q->batches[0];
    q->reader_watch_ns = q->consumer_watch_ns = WATCH_NS;
    q->to = *to;
    q->prefetch = prefetch;
    q->nitems = nitems;
    size_t cells = BATCH_ROWS * (nitems ? nitems : 1);
    q->unpacked = lotk_xcalloc_lines(nitems ? nitems : 1, sizeof *q->unpacked);
    for (size_t i = 0; i < NBATCHES; i++) {
        struct batch *b = &q->batches[i];
        b->rows = lotk_xcalloc_lines(BATCH_ROWS, sizeof *b->rows);
        b->packed = lotk_xcalloc_lines(cells, sizeof *b->packed);
        b->answers = lotk_xcalloc_lines(cells, sizeof *b->answers);
        lotk_buf_reserve_lines(&b->text, BATCH_ROWS * 32); /* a row's two ids, 16 bytes each */
    }
    pthread_mutex_init(&q->mu, NULL);
    pthread_cond_init(&q->ready, NULL);
    pthread_cond_init(&q->freed, NULL);
    lotk_err_clear(&q->err);
    return q;
}

struct lotk_survey_sink lotk_rowqueue_sink(struct lotk_rowqueue *q)
{
    return (struct lotk_survey_sink){push, q, q->to.on_reject, q->to.reject_ctx,
                                     q->to.reject_fields};
}

int lotk_rowqueue_drain(struct lotk_rowqueue *q, struct lotk_err *err)
{
    if (!q)
        return 0;
    /* The partial batch first; a failure is reported below, after the join. */
    struct lotk_err ignored;
    publish(q, &ignored);
    pthread_mutex_lock(&q->mu);
    bool running = q->running;
    q->closing = true;
    pthread_cond_signal(&q->ready);
    pthread_mutex_unlock(&q->mu);
    if (running)
        pthread_join(q->thread, NULL);
    q->running = false;
    q->closing = false;
    int rc = q->rc;
    if (rc)
        *err = q->err;
    return rc;
}

void lotk_rowqueue_free(struct lotk_rowqueue *q)
{
    if (!q)
        return;
    struct lotk_err ignored;
    lotk_rowqueue_drain(q, &ignored);
    for (size_t i = 0; i < NBATCHES; i++) {
        free(q->batches[i].rows);
        free(q->batches[i].packed);
        free(q->batches[i].answers);
        free(q->batches[i].file);
        lotk_buf_free(&q->batches[i].text);
    }
    pthread_mutex_destroy(&q->mu);
    pthread_cond_destroy(&q->ready);
    pthread_cond_destroy(&q->freed);
    free(q->unpacked);
    free(q);
}
