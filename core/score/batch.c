/* batch.c — see batch.h. */
#include "score/batch.h"

#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "base/mem.h"
#include "input/rowqueue.h"
#include "lua/plugin.h"

enum {
    MIN_PARALLEL_BYTES = 4 << 20, /* below this, threads cost more than they save */
    MAX_JOBS = 256,
};

int lotk_batch_default_jobs(void)
{
    long n = sysconf(_SC_NPROCESSORS_ONLN);
    return n < 1 ? 1 : n > MAX_JOBS ? MAX_JOBS : (int)n;
}

/* Threads a byte range takes: its reader and its scorer (rowqueue.h), so two or three jobs
 * read one range, with no merge and every organization's sums held once. A respondent
 * plugin is most of the scoring, and one Lua state runs on one thread: then every job is
 * a range of its own, its plugin in its own state. */
static int threads_per_range(const struct lotk_batch *b)
{
    return b->s->respondent_plugin ? 1 : 2;
}

/* Byte ranges read at once. */
static int ranges_of(const struct lotk_batch *b)
{
    int n = b->jobs / threads_per_range(b);
    return n > 1 ? n : 1;
}

struct lotk_survey *lotk_batch_reader_new(const struct lotk_standard *s,
                                          struct lotk_scorer *scorer,
                                          struct lotk_rejects *rejects, int jobs,
                                          struct lotk_rowqueue **queue)
{
    struct lotk_survey_sink sink = {lotk_scorer_add, scorer, lotk_rejects_add, rejects,
                                    rejects->keep_fields};
    *queue = NULL;
    if (jobs > 1) {
        /* The scorer on a thread of its own; it announces organizations itself. */
        *queue = lotk_rowqueue_new(&sink, s->nitems, lotk_scorer_prefetch_org);
        sink = lotk_rowqueue_sink(*queue);
    }
    struct lotk_survey *sv = lotk_survey_new(s, &sink);
    if (!*queue)
        lotk_survey_on_org(sv, lotk_scorer_prefetch_org);
    return sv;
}

/* One thread's share of a file. */
struct worker {
    const struct lotk_batch *b;
    const struct lotk_survey_header *h;
    int fd;
    uint64_t start, end;
    struct lotk_plugins *plugins;
    struct lotk_scorer *scorer;
    struct lotk_survey *survey;
    struct lotk_rowqueue *queue; /* the scorer's thread, or NULL */
    struct lotk_rejects rejects;
    long lines;
    bool ends_in_quote;
    int rc;
    struct lotk_err err;
};

static void *run_worker(void *arg)
{
    struct worker *w = arg;
    /* Line numbers are relative to the range (first line 1) and fixed up on merge: the
     * ranges before this one have not been counted yet. */
    w->rc = lotk_survey_read_range(w->survey, w->h, w->fd, w->start, w->end, 1, &w->lines,
                                   &w->ends_in_quote, &w->err);
    struct lotk_err qerr;
    int qrc = lotk_rowqueue_drain(w->queue, &qerr);
    if (qrc) { /* the scorer failed on a row before any the reader failed on */
        w->rc = qrc;
        w->err = qerr;
    }
    return NULL;
}

static int worker_init(struct worker *w, const struct lotk_batch *b, struct lotk_err *err)
{
    const struct lotk_standard *s = b->s;
    lotk_err_clear(&w->err);
    w->rejects.keep_fields = b->rejects->keep_fields;
    w->rejects.stream = b->rejects->stream;
    if (s->respondent_plugin) { /* each thread runs the plugin in a Lua state of its own */
        w->plugins = lotk_plugins_new(b->plugin_limits, s, err);
        if (!w->plugins)
            return err->code;
    }
    w->scorer = lotk_scorer_new(s, w->plugins, false);
    w->survey =
        lotk_batch_reader_new(s, w->scorer, &w->rejects, threads_per_range(b), &w->queue);
    lotk_survey_set_progress(w->survey, b->progress);
    lotk_survey_set_options(w->survey, &b->survey_options);
    return 0;
}

static void worker_clear(struct worker *w)
{
    lotk_rowqueue_free(w->queue);
    lotk_survey_free(w->survey);
    lotk_scorer_free(w->scorer);
    lotk_plugins_free(w->plugins);
    lotk_rejects_clear(&w->rejects);
}

/* The start of the first line at or after offset `at` (or end). */
static uint64_t next_line_start(int fd, uint64_t at, uint64_t end)
{
    char buf[4096];
    while (at < end) {
        ssize_t n = pread(fd, buf, sizeof buf, (off_t)at);
        if (n <= 0)
            return end;
        const char *nl = memchr(buf, '\n', (size_t)n);
        if (nl)
            return at + (uint64_t)(nl - buf) + 1;
        at += (uint64_t)n;
    }
    return end;
}

/* About how many rows bytes [at, end) of fd hold, from the lines in their first 64 KiB
 * (5% more, so that a set sized for them does not grow for a few longer rows). */
static size_t estimate_rows(int fd, uint64_t at, uint64_t end)
{
    enum { SAMPLE = 1 << 16 };
    char *buf = lotk_xmalloc(SAMPLE);
    ssize_t n = pread(fd, buf, SAMPLE, (off_t)at);
    size_t lines = 0;
    for (const char *p = buf; n > 0 && (p = memchr(p, '\n', (size_t)(buf + n - p))) != NULL;
         p++)
        lines++;
    free(buf);
    if (lines == 0)
        return 0;
    double per_byte = (double)lines / (double)n;
    return (size_t)((double)(end - at) * per_byte * 1.05) + 16;
}

/* Reads path in ranges; *fallback is set when the file must be read sequentially after
 * all (nothing of this attempt is kept then). */
static int read_parallel(struct lotk_batch *b, const char *path, int fd, const struct stat *st,
                         const char **fallback_why, struct lotk_err *err)
{
    struct lotk_survey_header *h = NULL;
    struct worker *w = NULL;
    pthread_t *threads = NULL;
    int n = 0, started = 0, rc = 0;
    uint64_t size = (uint64_t)st->st_size;
    *fallback_why = NULL;

    if ((rc = lotk_survey_header_read(b->survey, path, &h, err)) != 0)
        return rc;
    if (!lotk_survey_header_splittable(h)) {
        lotk_survey_header_free(h);
        *fallback_why = "its lines do not end in LF";
        return 0;
    }
    uint64_t begin = lotk_survey_header_data_offset(h);
    uint64_t cut[MAX_JOBS + 1];
    cut[0] = begin;
    int ranges = ranges_of(b);
    for (int i = 1; i < ranges; i++) {
        uint64_t target = begin + (size - begin) * (uint64_t)i / (uint64_t)ranges;
        uint64_t at = next_line_start(fd, target > cut[n] ? target : cut[n], size);
        if (at > cut[n] && at < size)
            cut[++n] = at;
    }
    cut[++n] = size;
    w = lotk_xcalloc((size_t)n, sizeof *w);
    threads = lotk_xcalloc((size_t)n, sizeof *threads);
    for (int i = 0; i < n; i++) {
        w[i].b = b;
        w[i].h = h;
        w[i].fd = fd;
        w[i].start = cut[i];
        w[i].end = cut[i + 1];
        if ((rc = worker_init(&w[i], b, err)) != 0)
            goto done;
        if (lotk_survey_header_has_ids(h))
            lotk_survey_expect_rows(w[i].survey, estimate_rows(fd, cut[i], cut[i + 1]));
    }
    for (started = 0; started < n; started++)
        if (pthread_create(&threads[started], NULL, run_worker, &w[started]) != 0) {
            rc = lotk_err_set(err, LOTK_EIO, path, 0, 0, "cannot start a thread: %s",
                              strerror(errno));
            break;
        }
    for (int i = 0; i < started; i++)
        pthread_join(threads[i], NULL);
    if (rc)
        goto done;
    /* Ranges of a file that was truncated or written to meanwhile hold rows it never held
     * at once: an error, not a fallback (a second read would see yet another file). */
    if ((rc = lotk_survey_unchanged(fd, st, path, err)) != 0)
        goto done;

    /* A range that ended inside quotes means the next one began mid-cell. */
    for (int i = 0; i + 1 < n; i++)
        if (w[i].ends_in_quote) {
            *fallback_why = "a cut between threads fell inside a quoted multi-line cell";
            goto done;
        }
    /* A failure is reported by one reader, which knows the lines and byte offsets of the
     * whole file and stops where a sequential read stops. */
    for (int i = 0; i < n; i++)
        if (w[i].rc) {
            *fallback_why = ""; /* silent: the error itself is what the user sees */
            goto done;
        }
    long line;  /* set below, before the ranges are merged */
    if (lotk_survey_header_has_ids(h)) {
        /* A respondent id accepted in two ranges (or in an earlier file) would have been
         * rejected the second time by a single reader. Checked before anything is kept. */
        for (int i = 0; i < n && !*fallback_why; i++) {
            bool twice = lotk_survey_ids_overlap(b->survey, w[i].survey);
            for (int j = 0; j < i && !twice; j++)
                twice = lotk_survey_ids_overlap(w[j].survey, w[i].survey);
            if (twice)
                *fallback_why = "a respondent id occurs in the parts of two threads";
        }
        if (*fallback_why)
            goto done;
    }
    for (int i = 0; i < n; i++)
        lotk_survey_absorb(b->survey, w[i].survey);
    line = lotk_survey_header_data_line(h);
    for (int i = 0; i < n; i++) {
        lotk_scorer_absorb(b->scorer, w[i].scorer);
        lotk_rejects_append(b->rejects, &w[i].rejects, line - 1);
        line += w[i].lines;
        /* Merged: its accumulators go now, so that the peak is not all ranges twice. */
        lotk_scorer_free(w[i].scorer);
        w[i].scorer = NULL;
    }
    b->parallel_files++;
done:
    for (int i = 0; i < n && w; i++)
        worker_clear(&w[i]);
    free(w);
    free(threads);
    lotk_survey_header_free(h);
    return rc;
}

int lotk_batch_read(struct lotk_batch *b, const char *path, struct lotk_err *err)
{
    int fd = -1;
    struct stat st;
    bool parallel = ranges_of(b) > 1 && !b->sequential_only && strcmp(path, "-") != 0;
    /* Only a regular file is opened here: opening a FIFO an extra time would wait for its
     * writer and take its data from the reader that follows. */
    bool regular = strcmp(path, "-") != 0 && stat(path, &st) == 0 && S_ISREG(st.st_mode);
    if (parallel && regular) {
        fd = open(path, O_RDONLY);
        parallel = fd >= 0 && fstat(fd, &st) == 0 && S_ISREG(st.st_mode) &&
                   st.st_size >= MIN_PARALLEL_BYTES;
    } else {
        parallel = false;
    }
    if (parallel) {
        const char *why;
        int rc = read_parallel(b, path, fd, &st, &why, err);
        close(fd);
        if (!why)
            return rc;
        b->fallbacks++;
        if (!b->quiet && *why)
            lotk_diag(stderr, "note", path, 0, 0, "read by one thread: %s", why);
    } else if (fd >= 0) {
        close(fd);
    }
    if (b->s->id_column && regular && (fd = open(path, O_RDONLY)) >= 0) {
        if (fstat(fd, &st) == 0 && S_ISREG(st.st_mode))
            lotk_survey_expect_rows(b->survey, estimate_rows(fd, 0, (uint64_t)st.st_size));
        close(fd);
    }
    int rc = lotk_survey_read(b->survey, path, err);
    struct lotk_err qerr;
    int qrc = lotk_rowqueue_drain(b->queue, &qerr);
    if (qrc) { /* the scorer failed on a row before any the reader failed on */
        rc = qrc;
        *err = qerr;
    }
    return rc;
}
