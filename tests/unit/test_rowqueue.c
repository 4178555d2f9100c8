/* test_rowqueue.c — rows through the queue (core/input/rowqueue.c) reach the wrapped sink
 * on another thread as a direct reader hands them: every row, in order, every field and
 * answer bit for bit (packed small answers and the doubles that may not be packed: -0,
 * halves, values beyond int8, no answer); rejects pass straight through; the consumer's
 * first error stops the reader and comes back from drain with its message, and no row after
 * it reaches the sink; a drained queue takes rows again; the prefetch hook sees each row;
 * either thread may wait on the other longer than it watches before sleeping. */
#include "testutil.h"

#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "base/buf.h"
#include "input/rowqueue.h"

enum { NITEMS = 70, ROWS = 5000 };

/* What the sink saw, row by row. */
struct seen {
    pthread_t reader;
    bool other_thread; /* every row arrived on a thread other than the reader's */
    long rows, fail_at, prefetched, rejects;
    long slow_until;     /* the sink takes a nap every 64 rows before this row */
    struct lotk_buf log; /* file, line, org, resp, small per row */
    double *answers;     /* ROWS × NITEMS */
};

/* The answers of row i: mostly small whole numbers (negative ones in every fifth row),
 * some no answer, and now and then, at every position in turn, a value at the edge of what
 * the queue packs or past it. */
static void answers_of(long i, double *a)
{
    static const double odd[] = {-0.0, 2.5, 200, -129, 1e300, 0.25, 127, 128, -1, 0};
    for (int k = 0; k < NITEMS; k++) {
        long h = (i * 131 + k * 7) % 97;
        a[k] = h < 5 ? NAN : (double)(h % 11) - (i % 5 == 0 ? 3 : 0);
    }
    if (i % 17 == 0)
        a[i % NITEMS] = odd[(i / 17) % (sizeof odd / sizeof *odd)];
}

static void row_of(long i, char *org, char *resp, const char **file, struct lotk_row *row,
                   double *a)
{
    snprintf(org, 32, "org-%ld", (i * 7919) % 301);
    snprintf(resp, 32, "R%06ld", i);
    *file = i < ROWS / 2 ? "first.csv" : "second.csv";
    answers_of(i, a);
    *row = (struct lotk_row){*file, i + 2, org, strlen(org), i % 3 ? resp : NULL, a,
                             i % 17 != 0};
}

/* Longer than the queue's watch (WATCH_NS, 0.2 ms): the other thread sleeps. */
static void nap(void)
{
    nanosleep(&(struct timespec){0, 2 * 1000 * 1000}, NULL);
}

static int record(void *ctx, const struct lotk_row *row, struct lotk_err *err)
{
    struct seen *s = ctx;
    if (s->rows < s->slow_until && s->rows % 64 == 0)
        nap();
    if (pthread_equal(pthread_self(), s->reader))
        s->other_thread = false;
    if (s->rows == s->fail_at)
        return lotk_err_set(err, LOTK_EPLUGIN, "rule.lua", 3, 0, "failed at row %ld",
                            s->rows);
    lotk_buf_printf(&s->log, "%s|%ld|%.*s|%s|%d\n", row->file, row->line, (int)row->org_len,
                    row->org, row->resp ? row->resp : "(none)", row->small);
    memcpy(s->answers + s->rows * NITEMS, row->answers, NITEMS * sizeof(double));
    s->rows++;
    return 0;
}

static void count_reject(void *ctx, const struct lotk_reject *rj)
{
    (void)rj;
    ((struct seen *)ctx)->rejects++;
}

static void count_prefetch(void *ctx, const char *org, size_t len)
{
    struct seen *s = ctx;
    assert_int_equal(strlen(org), len);
    s->prefetched++;
}

static void seen_init(struct seen *s, long fail_at)
{
    memset(s, 0, sizeof *s);
    s->reader = pthread_self();
    s->other_thread = true;
    s->fail_at = fail_at;
    s->answers = calloc((size_t)ROWS * NITEMS, sizeof(double));
}

static struct lotk_rowqueue *queue_for(struct seen *s)
{
    struct lotk_survey_sink to = {record, s, count_reject, s, false};
    return lotk_rowqueue_new(&to, NITEMS, count_prefetch);
}

/* Pushes rows [from, to) through sink; returns the first nonzero result. */
static int push_rows(const struct lotk_survey_sink *sink, long from, long to,
                     struct lotk_err *err, struct lotk_buf *expect)
{
    for (long i = from; i < to; i++) {
        char org[32], resp[32];
        const char *file;
        double a[NITEMS];
        struct lotk_row row;
        row_of(i, org, resp, &file, &row, a);
        if (expect)
            lotk_buf_printf(expect, "%s|%ld|%s|%s|%d\n", file, row.line, org,
                            row.resp ? resp : "(none)", row.small);
        int rc = sink->on_row(sink->row_ctx, &row, err);
        if (rc)
            return rc;
    }
    return 0;
}

static void every_row_in_order_bit_for_bit(void **state)
{
    (void)state;
    struct seen s;
    seen_init(&s, -1);
    struct lotk_rowqueue *q = queue_for(&s);
    struct lotk_survey_sink sink = lotk_rowqueue_sink(q);
    struct lotk_err err;
    lotk_err_clear(&err);
    struct lotk_buf expect = {0};
    assert_int_equal(push_rows(&sink, 0, ROWS / 3, &err, &expect), 0);
    assert_int_equal(lotk_rowqueue_drain(q, &err), 0);
    assert_int_equal(s.rows, ROWS / 3); /* all there once drained */
    /* A drained queue takes rows again. */
    assert_int_equal(push_rows(&sink, ROWS / 3, ROWS, &err, &expect), 0);
    struct lotk_reject rj = {0};
    sink.on_reject(sink.reject_ctx, &rj);
    assert_int_equal(s.rejects, 1);
    assert_int_equal(lotk_rowqueue_drain(q, &err), 0);
    assert_int_equal(s.rows, ROWS);
    assert_true(s.other_thread);
    assert_int_equal(s.prefetched, ROWS);
    assert_string_equal(s.log.data, expect.data);
    for (long i = 0; i < ROWS; i++) {
        double a[NITEMS];
        answers_of(i, a);
        assert_memory_equal(s.answers + i * NITEMS, a, sizeof a); /* -0 and NaN too */
    }
    lotk_rowqueue_free(q);
    lotk_buf_free(&expect);
    lotk_buf_free(&s.log);
    free(s.answers);
}

/* A slow sink fills the queue (the reader waits past its watch and sleeps), then a slow
 * reader empties it (the consumer does): every row still arrives once, in order. */
static void either_side_slower_than_the_watch(void **state)
{
    (void)state;
    enum { SLOW_ROWS = 64 * 24 };
    struct seen s;
    seen_init(&s, -1);
    s.slow_until = SLOW_ROWS;
    struct lotk_rowqueue *q = queue_for(&s);
    struct lotk_survey_sink sink = lotk_rowqueue_sink(q);
    struct lotk_err err;
    lotk_err_clear(&err);
    struct lotk_buf expect = {0};
    assert_int_equal(push_rows(&sink, 0, SLOW_ROWS, &err, &expect), 0);
    for (long i = SLOW_ROWS; i < 2 * SLOW_ROWS; i += 64) {
        nap();
        assert_int_equal(push_rows(&sink, i, i + 64, &err, &expect), 0);
    }
    assert_int_equal(lotk_rowqueue_drain(q, &err), 0);
    assert_int_equal(s.rows, 2 * SLOW_ROWS);
    assert_string_equal(s.log.data, expect.data);
    lotk_rowqueue_free(q);
    lotk_buf_free(&expect);
    lotk_buf_free(&s.log);
    free(s.answers);
}

static void consumer_error_stops_the_reader(void **state)
{
    (void)state;
    struct seen s;
    seen_init(&s, 700);
    struct lotk_rowqueue *q = queue_for(&s);
    struct lotk_survey_sink sink = lotk_rowqueue_sink(q);
    struct lotk_err err, derr;
    lotk_err_clear(&err);
    lotk_err_clear(&derr);
    int rc = push_rows(&sink, 0, ROWS, &err, NULL);
    assert_int_equal(rc, LOTK_EPLUGIN); /* the reader was stopped before the end */
    assert_string_equal(err.msg, "failed at row 700");
    assert_int_equal(lotk_rowqueue_drain(q, &derr), LOTK_EPLUGIN);
    assert_string_equal(derr.msg, "failed at row 700");
    assert_string_equal(derr.file, "rule.lua");
    assert_int_equal(s.rows, 700); /* nothing after the failed row */
    lotk_rowqueue_free(q);
    lotk_buf_free(&s.log);
    free(s.answers);
}

/* An error in the last, partial batch comes back from drain alone. */
static void error_in_the_last_rows(void **state)
{
    (void)state;
    struct seen s;
    seen_init(&s, 9);
    struct lotk_rowqueue *q = queue_for(&s);
    struct lotk_survey_sink sink = lotk_rowqueue_sink(q);
    struct lotk_err err;
    lotk_err_clear(&err);
    assert_int_equal(push_rows(&sink, 0, 10, &err, NULL), 0);
    assert_int_equal(lotk_rowqueue_drain(q, &err), LOTK_EPLUGIN);
    assert_string_equal(err.msg, "failed at row 9");
    assert_int_equal(s.rows, 9);
    lotk_rowqueue_free(q);
    lotk_buf_free(&s.log);
    free(s.answers);
}

static void drain_of_none(void **state)
{
    (void)state;
    struct lotk_err err;
    lotk_err_clear(&err);
    assert_int_equal(lotk_rowqueue_drain(NULL, &err), 0);
    lotk_rowqueue_free(NULL);
    struct seen s;
    seen_init(&s, -1);
    struct lotk_rowqueue *q = queue_for(&s);
    assert_int_equal(lotk_rowqueue_drain(q, &err), 0); /* nothing ever pushed */
    lotk_rowqueue_free(q);
    assert_int_equal(s.rows, 0);
    free(s.answers);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(every_row_in_order_bit_for_bit),
        cmocka_unit_test(either_side_slower_than_the_watch),
        cmocka_unit_test(consumer_error_stops_the_reader),
        cmocka_unit_test(error_in_the_last_rows),
        cmocka_unit_test(drain_of_none),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
