/* test_batch.c — a file read on --jobs threads (core/score/batch.c): the result is the one
 * reader's, bit for bit, with organizations interleaved and respondent ids, whether two
 * jobs score the rows on a second thread or four read two ranges; a respondent id
 * in two ranges sends the file back to one reader, which rejects the second; a header line
 * ending in a lone CR (issue 14: a crash while the header was pre-read; then the first data
 * row lost, the ranges starting after it) is read like any other, by one reader; a file truncated while its ranges are read is an error, not a result (issue 14). */
#include "testutil.h"

#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "base/buf.h"
#include "base/progress.h"
#include "input/rejects.h"
#include "input/rowqueue.h"
#include "score/batch.h"
#include "score/score.h"

static const char std_yaml[] =
    "format: lotk/1\n"
    "id: b\n"
    "version: '1'\n"
    "kind: other\n"
    "title: T\n"
    "scales:\n"
    "  s5: {min: 1, max: 5}\n"
    "survey: {org_column: org, id_column: resp, min_respondents: 2}\n"
    "indicators:\n"
    "  - id: A\n"
    "    items: [{id: q1, scale: s5}, {id: q2, scale: s5, reverse: true}]\n"
    "  - id: B\n"
    "    items: [{id: q3, scale: s5}]\n";

/* Over the 4 MiB below which a file is read by one thread: organizations interleaved, as
 * real exports are. header_end ends the header line ("\n", or "\r" for a lone CR). */
static char *big_survey(const char *dir, const char *header_end, const char *extra_row)
{
    struct lotk_buf csv = {0};
    lotk_buf_printf(&csv, "org,resp,q1,q2,q3%s", header_end);
    uint32_t x = 12345;
    for (int i = 0; csv.len < (5u << 20); i++) {
        x = x * 1103515245u + 12345u;
        lotk_buf_printf(&csv, "ORG%u,R%d,%u,%u,%u\n", (x >> 8) % 997, i, 1 + (x >> 3) % 5,
                        1 + (x >> 13) % 5, 1 + (x >> 23) % 5);
    }
    if (extra_row)
        lotk_buf_puts(&csv, extra_row);
    char *path = tu_write(dir, "big.csv", csv.data, (long)csv.len);
    lotk_buf_free(&csv);
    return path;
}

struct run {
    struct lotk_scorer *scorer;
    struct lotk_survey *survey;
    struct lotk_rowqueue *queue;
    struct lotk_rejects rejects;
    struct lotk_progress progress;
    struct lotk_batch b;
    struct lotk_err err;
    int rc;
};

static void run_init(struct run *r, const struct lotk_standard *s, int jobs)
{
    memset(r, 0, sizeof *r);
    r->scorer = lotk_scorer_new(s, NULL, false);
    r->survey = lotk_batch_reader_new(s, r->scorer, &r->rejects, jobs, &r->queue);
    assert_true((r->queue != NULL) == (jobs > 1));
    lotk_survey_set_progress(r->survey, &r->progress);
    r->b = (struct lotk_batch){.s = s, .jobs = jobs, .scorer = r->scorer, .survey = r->survey,
                               .queue = r->queue, .rejects = &r->rejects,
                               .progress = &r->progress, .quiet = true};
    lotk_err_clear(&r->err);
}

static struct lotk_result *run_finish(struct run *r)
{
    struct lotk_result *res = NULL;
    assert_int_equal(lotk_scorer_finish(r->scorer, lotk_survey_counts(r->survey), &res, &r->err),
                     0);
    return res;
}

static void run_clear(struct run *r)
{
    lotk_rowqueue_free(r->queue);
    lotk_survey_free(r->survey);
    lotk_scorer_free(r->scorer);
    lotk_rejects_clear(&r->rejects);
}

static struct lotk_result *score(const struct lotk_standard *s, const char *path, int jobs,
                                 int *parallel, int *fallbacks)
{
    struct run r;
    run_init(&r, s, jobs);
    assert_int_equal(lotk_batch_read(&r.b, path, &r.err), 0);
    *parallel = r.b.parallel_files;
    *fallbacks = r.b.fallbacks;
    struct lotk_result *res = run_finish(&r);
    run_clear(&r);
    return res;
}

static void same_result(const struct lotk_result *a, const struct lotk_result *b)
{
    assert_int_equal(a->counts.rows, b->counts.rows);
    assert_int_equal(a->counts.scored, b->counts.scored);
    assert_int_equal(a->counts.rejected, b->counts.rejected);
    assert_int_equal(a->norgs, b->norgs);
    for (size_t i = 0; i < a->norgs; i++) {
        assert_string_equal(a->orgs[i].id, b->orgs[i].id);
        assert_int_equal(a->orgs[i].respondents, b->orgs[i].respondents);
        assert_memory_equal(&a->orgs[i].points, &b->orgs[i].points, sizeof(double));
    }
}

static void parallel_equals_one_reader(void **state)
{
    const struct lotk_standard *s = *state;
    char *dir = tu_tempdir();
    char *path = big_survey(dir, "\n", NULL);
    int par, fb;
    struct lotk_result *one = score(s, path, 1, &par, &fb);
    assert_int_equal(par, 0);
    /* Two jobs: one range, the scorer on the second thread. */
    struct lotk_result *two = score(s, path, 2, &par, &fb);
    assert_int_equal(par, 0);
    assert_int_equal(fb, 0);
    /* Four: two ranges, each with its scorer's thread. */
    struct lotk_result *four = score(s, path, 4, &par, &fb);
    assert_int_equal(par, 1);
    assert_int_equal(fb, 0);
    assert_int_equal(one->norgs, 997);
    assert_int_equal(one->counts.rejected, 0);
    same_result(one, two);
    same_result(one, four);
    lotk_result_free(one);
    lotk_result_free(two);
    lotk_result_free(four);
    free(path);
    tu_rmtree(dir);
}

/* The first range's first respondent again at the very end: one reader rejects it. */
static void duplicate_across_ranges_goes_back_to_one_reader(void **state)
{
    const struct lotk_standard *s = *state;
    char *dir = tu_tempdir();
    char *path = big_survey(dir, "\n", "ORG1,R0,5,5,5\n");
    int par, fb;
    struct lotk_result *one = score(s, path, 1, &par, &fb);
    assert_int_equal(one->counts.rejected, 1);
    struct lotk_result *two = score(s, path, 4, &par, &fb);
    assert_int_equal(par, 0);
    assert_int_equal(fb, 1);
    same_result(one, two);
    lotk_result_free(one);
    lotk_result_free(two);
    free(path);
    tu_rmtree(dir);
}

static void lone_cr_after_the_header(void **state)
{
    const struct lotk_standard *s = *state;
    char *dir = tu_tempdir();
    char *path = big_survey(dir, "\r", NULL);
    int par, fb;
    struct lotk_result *one = score(s, path, 1, &par, &fb);
    struct lotk_result *two = score(s, path, 4, &par, &fb);
    assert_int_equal(fb, 1); /* no LF to cut the header off at: one reader */
    assert_int_equal(one->norgs, 997);
    same_result(one, two); /* the first data row included (it was lost) */
    lotk_result_free(one);
    lotk_result_free(two);
    free(path);
    tu_rmtree(dir);
}

struct truncation {
    struct run *r;
    const char *path;
    atomic_bool read_done;
    bool truncated_in_time;
};

/* Truncates the file once its ranges are being read (the progress counter moves). */
static void *truncate_soon(void *arg)
{
    struct truncation *t = arg;
    while (atomic_load(&t->r->progress.bytes) == 0 && !atomic_load(&t->read_done))
        ;
    t->truncated_in_time = !atomic_load(&t->read_done);
    if (truncate(t->path, 1 << 20) != 0)
        t->truncated_in_time = false;
    return NULL;
}

static void truncated_while_ranges_are_read(void **state)
{
    const struct lotk_standard *s = *state;
    char *dir = tu_tempdir();
    bool tested = false; /* a truncation that came after the read proves nothing: again */
    for (int attempt = 0; attempt < 5 && !tested; attempt++) {
        char *path = big_survey(dir, "\n", NULL);
        struct run r;
        run_init(&r, s, 4);
        struct truncation t = {&r, path, false, false};
        pthread_t thread;
        assert_int_equal(pthread_create(&thread, NULL, truncate_soon, &t), 0);
        r.rc = lotk_batch_read(&r.b, path, &r.err);
        atomic_store(&t.read_done, true);
        pthread_join(thread, NULL);
        bool in_time = t.truncated_in_time;
        if (in_time) {
            assert_int_equal(r.rc, LOTK_EIO);
            assert_non_null(strstr(r.err.msg, "the file changed while it was read"));
        }
        run_clear(&r);
        free(path);
        tested = in_time;
    }
    assert_true(tested);
    tu_rmtree(dir);
}

static int setup(void **state)
{
    *state = tu_load_ok(std_yaml);
    return 0;
}

static int teardown(void **state)
{
    lotk_standard_free(*state);
    return 0;
}

int main(void)
{
#define T(f) cmocka_unit_test_setup_teardown(f, setup, teardown)
    const struct CMUnitTest tests[] = {
        T(parallel_equals_one_reader),
        T(duplicate_across_ranges_goes_back_to_one_reader),
        T(lone_cr_after_the_header),
        T(truncated_while_ranges_are_read),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
