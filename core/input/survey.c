/* survey.c — the survey reader: a file (or a range of one, for --jobs) through the CSV
 * reader, each data row decoded into answers and handed to the sink or rejected; see
 * survey.h. Mapping the header is colmap.c's, decoding an answer answer.c's, screening
 * screen.c's. */
#include "input/survey.h"

#include <errno.h>
#include <math.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "base/buf.h"
#include "base/mem.h"
#include "base/text.h"
#include "base/progress.h"
#include "input/csvread.h"
#include "input/encoding.h"
#include "input/survey_private.h"

enum { READ_CHUNK = 1 << 16 };

/* ---- libcsv's callbacks: one field, one row ------------------------------------------ */

/* Everything but a one-character answer in a data row: the header, rows kept for the
 * rejects file, quoted line breaks, the organization and id columns, screening cells and
 * every answer that is not a single digit. Kept out of line so that the common case stays
 * small (libcsv calls on_field for every field of every row). */
static __attribute__((noinline)) void on_field_slow(struct lotk_survey_reader *rd,
                                                     const char *text, size_t len, size_t col)
{
    lotk_csvread_field_lines(&rd->csv, text, len);
    struct lotk_survey_header *h = rd->h;
    if (rd->in_header) {
        if (h->nheaders >= LOTK_SURVEY_MAX_COLUMNS) {
            rd->csv.stop = lotk_err_set(rd->csv.err, LOTK_EIO, rd->csv.file, rd->csv.line,
                                        (long)col + 1, "more than %d columns in the header",
                                        LOTK_SURVEY_MAX_COLUMNS);
            return;
        }
        lotk_grow(&h->headers, &h->cap_headers, h->nheaders + 1, sizeof *h->headers);
        h->headers[h->nheaders++] = lotk_xstrndup(text, len);
        return;
    }
    if (rd->keep_fields) {
        lotk_grow(&rd->field_starts, &rd->cap_field_starts, col + 2, sizeof *rd->field_starts);
        rd->field_starts[col] = rd->row_bytes.len;
        lotk_buf_append(&rd->row_bytes, text, len);
        lotk_buf_putc(&rd->row_bytes, '\0');
        rd->field_starts[col + 1] = rd->row_bytes.len;
    }
    if (col >= h->nheaders || rd->reason[0])
        return;
    const struct lotk_column_plan *cp = &h->plan[col];
    if (cp->extra >= 0) {
        lotk_buf_reset(&rd->extras[cp->extra]);
        lotk_buf_append(&rd->extras[cp->extra], text, len);
    }
    if (cp->item >= 0) {
        /* Small whole numbers within the scale: one table lookup. */
        int kind = len == 1 && (unsigned char)(text[0] - '0') < 10 ? cp->digit[text[0] - '0']
                                                                   : LOTK_DIGIT_SLOW;
        if (kind == LOTK_DIGIT_VALUE)
            rd->answers[cp->item] = text[0] - '0';
        else if (kind == LOTK_DIGIT_MISSING)
            rd->answers[cp->item] = NAN;
        else
            lotk_answer_decode(rd, col, cp, text, len);
        double a = rd->answers[cp->item];
        if (a == a && !(a == floor(a) && fabs(a) <= LOTK_SMALL_ANSWER))
            rd->small = false;
    } else if ((int)col == h->org_column) {
        lotk_buf_reset(&rd->org);
        lotk_buf_append(&rd->org, text, len);
        if (rd->sv->on_org)
            rd->sv->on_org(rd->sv->sink.row_ctx, text, len);
    } else if ((int)col == h->id_column) {
        lotk_buf_reset(&rd->resp);
        lotk_buf_append(&rd->resp, text, len);
        /* Packed and hashed once, on the row's copy; the id's slot is in memory by the time
         * the row ends and looks it up. */
        rd->id_key = lotk_idset_key(rd->resp.data, rd->resp.len);
        if (rd->sv->nids)
            lotk_idset_prefetch(&rd->sv->ids[rd->sv->nids - 1], &rd->id_key);
    }
}

/* The hot path of the whole program: called for every field of every row. A one-digit
 * answer holds no line break, so it skips even the line count. */
static void on_field(void *data, size_t len, void *vrd)
{
    struct lotk_survey_reader *rd = vrd;
    size_t col = lotk_csvread_next_column(&rd->csv);
    /* The common case: a one-digit answer to an item, in a data row. (After a rejection
     * the value is stored all the same: the row is not scored. After a stop too: no row
     * ends after it, and the slow path ignores the field.) */
    if (len == 1 && col < rd->fast_columns) {
        const struct lotk_fast_column *fc = &rd->fast[col];
        unsigned d = (unsigned)((const unsigned char *)data)[0] - '0';
        if (d < 10 && (fc->mask >> d & 1)) {
            *fc->slot = fc->value[d];
            return;
        }
    }
    if (rd->csv.stop)
        return;
    on_field_slow(rd, data ? data : "", len, col);
}

/* Data rows begin: the one-digit fast path may be taken from now on. */
static void arm_fast_path(struct lotk_survey_reader *rd)
{
    const struct lotk_survey_header *h = rd->h;
    if (rd->keep_fields || h->nheaders == 0)
        return;
    rd->fast = lotk_xcalloc(h->nheaders, sizeof *rd->fast);
    for (size_t c = 0; c < h->nheaders; c++) {
        const struct lotk_column_plan *cp = &h->plan[c];
        if (cp->item < 0 || !cp->fast)
            continue;
        rd->fast[c].slot = &rd->answers[cp->item];
        rd->fast[c].mask = cp->fast;
        memcpy(rd->fast[c].value, cp->value, sizeof cp->value);
    }
    rd->fast_columns = h->nheaders;
}

static void reset_row(struct lotk_survey_reader *rd)
{
    rd->reason[0] = '\0';
    rd->reject_column = 0;
    lotk_buf_reset(&rd->org);
    lotk_buf_reset(&rd->resp);
    lotk_buf_reset(&rd->row_bytes);
    for (size_t i = 0; i < rd->nextras; i++)
        lotk_buf_reset(&rd->extras[i]);
    rd->screened = false;
    rd->small = true;
    memcpy(rd->answers, rd->no_answers, rd->sv->s->nitems * sizeof *rd->answers);
}

/* Hands a rejected or screened row to the sink, with its fields when they were kept. */
static void report_reject(struct lotk_survey_reader *rd, size_t nfields)
{
    struct lotk_survey *sv = rd->sv;
    if (rd->screened)
        sv->counts.screened++;
    else
        sv->counts.rejected++;
    if (!sv->sink.on_reject)
        return;
    const char **fields = lotk_xcalloc(nfields ? nfields : 1, sizeof *fields);
    for (size_t i = 0; rd->keep_fields && i < nfields; i++)
        fields[i] = rd->row_bytes.data + rd->field_starts[i];
    struct lotk_reject rj = {rd->csv.file, rd->csv.row_line, rd->reject_column, rd->reason,
                             fields, rd->keep_fields ? nfields : 0, rd->screened,
                             rd->screened && rd->org.data ? rd->org.data : NULL};
    sv->sink.on_reject(sv->sink.reject_ctx, &rj);
    free(fields);
}

/* Marks the respondent id of key k as seen; false when it was already. */
static bool take_id(struct lotk_survey *sv, const struct lotk_idset_key *k)
{
    if (sv->nids == 0) {
        sv->ids = lotk_xcalloc(1, sizeof *sv->ids);
        sv->nids = 1;
        lotk_idset_reserve(&sv->ids[0], sv->expect_rows);
    }
    for (size_t i = 0; i + 1 < sv->nids; i++)
        if (lotk_idset_contains_key(&sv->ids[i], k))
            return false;
    return lotk_idset_insert_key(&sv->ids[sv->nids - 1], k);
}

/* A data row is complete: checked, screened, then scored (on_row) or rejected. */
static void finish_row(struct lotk_survey_reader *rd)
{
    struct lotk_survey *sv = rd->sv;
    const struct lotk_survey_header *h = rd->h;
    sv->counts.rows++;
    size_t nfields = rd->csv.column;
    if (nfields != h->nheaders)
        lotk_survey_reject_row(rd, 0, "the row has %zu fields but the header has %zu",
                               nfields, h->nheaders);
    if (!rd->reason[0] && (!rd->org.data || rd->org.len == 0))
        lotk_survey_reject_row(rd, h->org_column + 1, "no organization id in column %d (%s)",
                               h->org_column + 1,
                               lotk_survey_header_text(rd, (size_t)h->org_column));
    /* Ids are C strings from here on (the result, every writer): one with a NUL byte in it
     * would be cut short there, and two such ids would become one. */
    if (!rd->reason[0] && lotk_has_byte(rd->org.data, rd->org.len, '\0'))
        lotk_survey_reject_row(rd, h->org_column + 1,
                               "a NUL byte in the organization id in column %d (%s)",
                               h->org_column + 1,
                               lotk_survey_header_text(rd, (size_t)h->org_column));
    if (!rd->reason[0] && h->id_column >= 0 && rd->resp.data &&
        lotk_has_byte(rd->resp.data, rd->resp.len, '\0'))
        lotk_survey_reject_row(rd, h->id_column + 1,
                               "a NUL byte in the respondent id in column %d (%s)",
                               h->id_column + 1,
                               lotk_survey_header_text(rd, (size_t)h->id_column));
    if (!rd->reason[0] && h->id_column >= 0) {
        if (!rd->resp.data || rd->resp.len == 0)
            lotk_survey_reject_row(rd, h->id_column + 1, "no respondent id in column %d (%s)",
                                   h->id_column + 1,
                                   lotk_survey_header_text(rd, (size_t)h->id_column));
        /* Taken from here on whatever follows: a screened respondent did answer, and a row
         * that reaches screening is either screened or scored. */
        else if (!take_id(sv, &rd->id_key))
            lotk_survey_reject_row(rd, h->id_column + 1, "duplicate respondent id '%s'",
                                   rd->resp.data);
    }
    if (!rd->reason[0])
        lotk_screen_row(rd);
    if (rd->reason[0]) {
        report_reject(rd, nfields);
        return;
    }
    struct lotk_row row = {rd->csv.file, rd->csv.row_line, rd->org.data, rd->org.len,
                           h->id_column >= 0 ? rd->resp.data : NULL, rd->answers, rd->small};
    int rc = sv->sink.on_row(sv->sink.row_ctx, &row, rd->csv.err);
    if (rc < 0)
        rd->csv.stop = rc;
    else
        sv->counts.scored++;
}

/* The header row is complete: map it, then let data rows take the fast path. */
static void end_header(struct lotk_survey_reader *rd)
{
    struct lotk_survey_header *h = rd->h;
    rd->in_header = false;
    h->delimiter = rd->csv.delimiter;
    if (h->encoding == LOTK_ENC_AUTO)
        h->encoding = lotk_csvread_encoding(&rd->csv);
    int rc = lotk_colmap_map(rd);
    if (rc < 0)
        rd->csv.stop = rc;
    else
        arm_fast_path(rd);
    if (rc >= 0 && rd->sv->on_header)
        rd->sv->on_header(rd->sv->on_header_ctx, h);
}

static void on_row_end(int terminator, void *vrd)
{
    struct lotk_survey_reader *rd = vrd;
    bool header_ended = false;
    if (rd->csv.stop)
        return;
    if (rd->csv.column > 0) { /* a line break alone is a blank line, not a row */
        if (rd->in_header) {
            header_ended = true;
            end_header(rd);
        } else {
            finish_row(rd);
        }
        reset_row(rd);
    }
    lotk_csvread_next_row(&rd->csv, terminator);
    if (header_ended) {
        rd->h->data_line = rd->csv.line; /* the next row, if any, starts here */
        if (rd->header_only && !rd->csv.stop)
            rd->csv.stop = LOTK_CSVREAD_END;
    }
}

/* ---- one file or range ------------------------------------------------------------- */

static int reader_init(struct lotk_survey_reader *rd, struct lotk_survey *sv, const char *path,
                       const struct lotk_csvread_options *opts, struct lotk_err *err)
{
    memset(rd, 0, sizeof *rd);
    rd->sv = sv;
    rd->keep_fields = sv->sink.on_reject && sv->sink.reject_fields;
    size_t nitems = sv->s->nitems ? sv->s->nitems : 1;
    /* What every row rewrites gets cache lines of its own (see lotk_xcalloc_lines), taken
     * before a scorer's thread allocates anything beside them. */
    rd->answers = lotk_xcalloc_lines(nitems, sizeof *rd->answers);
    lotk_buf_reserve_lines(&rd->org, LOTK_CACHE_LINE);
    lotk_buf_reserve_lines(&rd->resp, LOTK_CACHE_LINE);
    rd->no_answers = lotk_xmalloc(nitems * sizeof *rd->no_answers);
    for (size_t i = 0; i < nitems; i++)
        rd->no_answers[i] = NAN;
    memcpy(rd->answers, rd->no_answers, nitems * sizeof *rd->answers);
    /* One cell for the answering time, one per attention check (screening). Every reader
     * has them, a range's too, though only the header's mapping says which columns. */
    rd->nextras = 1 + sv->s->screening.nattention;
    rd->extras = lotk_xcalloc(rd->nextras, sizeof *rd->extras);
    rd->small = true;
    int rc = lotk_csvread_init(&rd->csv, path, opts, err);
    lotk_csvread_on_parse(&rd->csv, on_field, on_row_end, rd);
    return rc;
}

static void reader_clear(struct lotk_survey_reader *rd)
{
    lotk_csvread_free(&rd->csv);
    for (size_t i = 0; i < rd->nextras; i++)
        lotk_buf_free(&rd->extras[i]);
    free(rd->extras);
    free(rd->answers);
    free(rd->no_answers);
    free(rd->fast);
    free(rd->field_starts);
    lotk_buf_free(&rd->org);
    lotk_buf_free(&rd->resp);
    lotk_buf_free(&rd->row_bytes);
    lotk_buf_free(&rd->typed);
}

static void note_progress(struct lotk_survey *sv, size_t bytes, long rows_before)
{
    if (sv->progress)
        lotk_progress_add(sv->progress, bytes, sv->counts.rows - rows_before);
}

/* Where bytes come from: a stream from its start, or a byte range of a file. */
struct source {
    FILE *f;            /* NULL: pread from fd */
    int fd;
    uint64_t at, end;
};

static ssize_t source_read(struct source *src, char *buf, size_t cap)
{
    if (src->f) {
        size_t n = fread(buf, 1, cap, src->f);
        return n == 0 && ferror(src->f) ? -1 : (ssize_t)n;
    }
    size_t want = src->end - src->at < cap ? (size_t)(src->end - src->at) : cap;
    if (want == 0)
        return 0;
    ssize_t n = pread(src->fd, buf, want, (off_t)src->at);
    if (n > 0)
        src->at += (uint64_t)n;
    return n;
}

/* Feeds everything src holds to the CSV reader in chunks, noting progress after each,
 * and flushes it at the end (the last row is left for lotk_csvread_finish). Stops early
 * when a callback stopped the read. Notes how the file was read (encoding, delimiter). */
static int pump(struct lotk_survey_reader *rd, struct source *src)
{
    struct lotk_survey_header *h = rd->h;
    char *chunk = lotk_xmalloc(READ_CHUNK);
    int rc = 0;
    while (rc == 0 && !rd->csv.stop) {
        ssize_t got = source_read(src, chunk, READ_CHUNK);
        if (got < 0) {
            rc = lotk_err_set(rd->csv.err, LOTK_EIO, rd->csv.file, rd->csv.line, 0,
                              "cannot read: %s", strerror(errno));
            break;
        }
        long rows_before = rd->sv->counts.rows;
        rc = got > 0 ? lotk_csvread_feed(&rd->csv, chunk, (size_t)got)
                     : lotk_csvread_flush(&rd->csv);
        note_progress(rd->sv, (size_t)got, rows_before);
        if (got == 0)
            break;
    }
    /* A range's header is shared and already knows both. */
    if (h->encoding == LOTK_ENC_AUTO)
        h->encoding = lotk_csvread_encoding(&rd->csv);
    if (!h->delimiter)
        h->delimiter = rd->csv.delimiter;
    rd->sv->last_encoding = h->encoding == LOTK_ENC_AUTO ? LOTK_ENC_UTF8 : h->encoding;
    rd->sv->last_delimiter = h->delimiter;
    free(chunk);
    return rc;
}

int lotk_survey_read_stream(struct lotk_survey *sv, FILE *f, const char *name,
                            struct lotk_err *err)
{
    struct lotk_survey_reader rd;
    const struct lotk_csvread_options opts = {.delimiter = sv->opts.delimiter,
                                              .encoding = sv->opts.encoding};
    int rc = reader_init(&rd, sv, name, &opts, err);
    rd.h = lotk_colmap_header_new(name);
    rd.in_header = true;
    struct source src = {.f = f};
    if (rc == 0)
        rc = pump(&rd, &src);
    if (rc == 0)
        rc = lotk_csvread_finish(&rd.csv);
    lotk_survey_header_free(rd.h);
    reader_clear(&rd);
    return rc;
}

int lotk_survey_unchanged(int fd, const struct stat *before, const char *name,
                          struct lotk_err *err)
{
    struct stat now;
    if (!S_ISREG(before->st_mode))
        return 0; /* a pipe or a device has no size to compare */
    if (fstat(fd, &now) != 0)
        return lotk_err_set(err, LOTK_EIO, name, 0, 0, "cannot stat: %s", strerror(errno));
    if (now.st_size != before->st_size)
        return lotk_err_set(err, LOTK_EIO, name, 0, 0,
                            "the file changed while it was read (%lld bytes, then %lld): "
                            "nothing of it is used; read it again once it is complete",
                            (long long)before->st_size, (long long)now.st_size);
    if (now.st_mtim.tv_sec != before->st_mtim.tv_sec ||
        now.st_mtim.tv_nsec != before->st_mtim.tv_nsec)
        return lotk_err_set(err, LOTK_EIO, name, 0, 0,
                            "the file changed while it was read (modified during the read): "
                            "nothing of it is used; read it again once it is complete");
    return 0;
}

int lotk_survey_read(struct lotk_survey *sv, const char *path, struct lotk_err *err)
{
    FILE *f = strcmp(path, "-") == 0 ? stdin : fopen(path, "rb");
    if (!f)
        return lotk_err_set(err, LOTK_EIO, path, 0, 0, "cannot open: %s", strerror(errno));
    /* A file written to (or truncated) while it is read gives rows it never held at once:
     * its size and time are compared before and after. */
    struct stat before;
    int rc = fstat(fileno(f), &before) == 0
                 ? 0
                 : lotk_err_set(err, LOTK_EIO, path, 0, 0, "cannot stat: %s", strerror(errno));
    if (rc == 0)
        rc = lotk_survey_read_stream(sv, f, path, err);
    if (rc == 0)
        rc = lotk_survey_unchanged(fileno(f), &before, path, err);
    if (f != stdin)
        fclose(f);
    return rc;
}

/* Where the data begin in the file's own bytes (decoding changes lengths): after the
 * header's last LF. A file that ends its lines with CR alone has none to cut at. */
static void find_data_offset(FILE *f, struct lotk_survey_header *h)
{
    rewind(f);
    long newlines = 0;
    uint64_t at = 0;
    int c, prev = EOF;
    h->splittable = false;
    while (newlines < h->data_line - 1 && (c = getc(f)) != EOF) {
        at++;
        /* A lone CR ends a line the LFs do not count: the offset would land after the
         * first data row, which no range would then read. */
        if (prev == '\r' && c != '\n')
            break;
        if (c == '\n' && ++newlines == h->data_line - 1)
            h->splittable = true;
        prev = c;
    }
    h->data_offset = at;
}

int lotk_survey_header_read(struct lotk_survey *like, const char *path,
                            struct lotk_survey_header **out, struct lotk_err *err)
{
    /* A throwaway survey with no sink and the same options: the read ends once the header
     * is mapped, before any row reaches the sink. Mapping messages are the survey's; the
     * header callback is called once, below. */
    struct lotk_survey sv = {.s = like->s, .opts = like->opts};
    const struct lotk_csvread_options opts = {.delimiter = like->opts.delimiter,
                                              .encoding = like->opts.encoding};
    struct lotk_survey_reader rd;
    *out = NULL;
    FILE *f = fopen(path, "rb");
    if (!f)
        return lotk_err_set(err, LOTK_EIO, path, 0, 0, "cannot open: %s", strerror(errno));
    int rc = reader_init(&rd, &sv, path, &opts, err);
    rd.h = lotk_colmap_header_new(path);
    rd.in_header = true;
    rd.header_only = true;
    struct source src = {.f = f};
    if (rc == 0)
        rc = pump(&rd, &src);
    if (rc)
        goto done;
    if (rd.in_header) {
        rc = lotk_csvread_empty(&rd.csv);
        goto done;
    }
    find_data_offset(f, rd.h);
    /* Ranges cannot each guess the encoding: a header of plain ASCII leaves it open, and
     * UTF-8 is then assumed — a range that meets GB18030 fails, and the file is read again
     * by one reader, which detects properly. */
    if (rd.h->encoding == LOTK_ENC_AUTO)
        rd.h->encoding = LOTK_ENC_UTF8;
    if (like->on_header)
        like->on_header(like->on_header_ctx, rd.h);
    like->last_encoding = rd.h->encoding;
    like->last_delimiter = rd.h->delimiter;
    *out = rd.h;
    rd.h = NULL;
done:
    fclose(f);
    lotk_survey_header_free(rd.h);
    reader_clear(&rd);
    return rc;
}

int lotk_survey_read_range(struct lotk_survey *sv, const struct lotk_survey_header *h,
                           int fd, uint64_t start, uint64_t end, long first_line,
                           long *lines, bool *ends_in_quote, struct lotk_err *err)
{
    struct lotk_survey_reader rd;
    const struct lotk_csvread_options opts = {.delimiter = h->delimiter,
                                              .encoding = h->encoding,
                                              .range = true,
                                              .first_line = first_line};
    *ends_in_quote = false;
    *lines = 0;
    int rc = reader_init(&rd, sv, h->file, &opts, err);
    rd.h = (struct lotk_survey_header *)h; /* only read outside the header phase */
    arm_fast_path(&rd);
    struct source src = {.fd = fd, .at = start, .end = end};
    if (rc == 0)
        rc = pump(&rd, &src);
    /* Inside a quoted field at the end of the range: for the last range of a file an
     * unclosed quote, for any other the sign that the next range began mid-field. */
    if (rc == 0)
        rc = lotk_csvread_finish(&rd.csv);
    *ends_in_quote = rd.csv.unclosed;
    *lines = rd.csv.line - first_line;
    reader_clear(&rd);
    return rc;
}

/* ---- the survey across files ---------------------------------------------------------- */

static bool id_in(void *ctx, const char *id, size_t len)
{
    const struct lotk_survey *a = ctx;
    for (size_t i = 0; i < a->nids; i++)
        if (lotk_idset_contains(&a->ids[i], id, len))
            return true;
    return false;
}

bool lotk_survey_ids_overlap(const struct lotk_survey *a, const struct lotk_survey *b)
{
    for (size_t i = 0; i < b->nids; i++)
        if (lotk_idset_any(&b->ids[i], id_in, (void *)a))
            return true;
    return false;
}

static bool add_id(void *ctx, const char *id, size_t len)
{
    lotk_idset_insert(ctx, id, len);
    return false;
}

void lotk_survey_absorb(struct lotk_survey *a, struct lotk_survey *b)
{
    enum { MAX_SETS = 16 };
    /* b's sets move over whole: no id is held twice, not even for a moment. */
    if (b->nids) {
        a->ids = lotk_xrealloc(a->ids, (a->nids + b->nids) * sizeof *a->ids);
        memcpy(a->ids + a->nids, b->ids, b->nids * sizeof *b->ids);
        a->nids += b->nids;
    }
    free(b->ids);
    b->ids = NULL;
    b->nids = 0;
    /* Many files read on threads: fold the sets into the largest (each freed as soon as it
     * is in), so that a lookup does not search dozens. */
    if (a->nids > MAX_SETS) {
        size_t big = 0;
        for (size_t i = 1; i < a->nids; i++)
            if (a->ids[i].count > a->ids[big].count)
                big = i;
        for (size_t i = 0; i < a->nids; i++)
            if (i != big) {
                lotk_idset_any(&a->ids[i], add_id, &a->ids[big]);
                lotk_idset_free(&a->ids[i]);
            }
        a->ids[0] = a->ids[big];
        a->nids = 1;
    }
    a->counts.rows += b->counts.rows;
    a->counts.scored += b->counts.scored;
    a->counts.rejected += b->counts.rejected;
    a->counts.screened += b->counts.screened;
}

void lotk_survey_expect_rows(struct lotk_survey *sv, size_t rows)
{
    sv->expect_rows = rows;
}

void lotk_survey_set_progress(struct lotk_survey *sv, struct lotk_progress *progress)
{
    sv->progress = progress;
}

void lotk_survey_set_options(struct lotk_survey *sv, const struct lotk_survey_options *opts)
{
    sv->opts = *opts;
}

int lotk_survey_parse_delimiter(const char *text, char *out)
{
    static const struct {
        const char *name;
        char c;
    } names[] = {{"auto", 0}, {"comma", ','}, {",", ','}, {"tab", '\t'}, {"\\t", '\t'},
                 {"semicolon", ';'}, {";", ';'}};
    for (size_t i = 0; i < sizeof names / sizeof *names; i++)
        if (strcmp(text, names[i].name) == 0) {
            *out = names[i].c;
            return 0;
        }
    return -1;
}

int lotk_survey_options_parse(const char *command, const char *delimiter, const char *encoding,
                              struct lotk_survey_options *opts, struct lotk_err *err)
{
    if (delimiter && lotk_survey_parse_delimiter(delimiter, &opts->delimiter) != 0)
        return lotk_err_set(err, LOTK_EUSAGE, NULL, 0, 0,
                            "%s: --delimiter takes comma, tab, semicolon or auto, not '%s'",
                            command, delimiter);
    if (encoding && lotk_encoding_parse(encoding, &opts->encoding) != 0)
        return lotk_err_set(err, LOTK_EUSAGE, NULL, 0, 0,
                            "%s: --encoding takes auto, utf-8 or gb18030, not '%s'", command,
                            encoding);
    return 0;
}

void lotk_survey_on_header(struct lotk_survey *sv,
                           void (*fn)(void *ctx, const struct lotk_survey_header *h),
                           void *ctx)
{
    sv->on_header = fn;
    sv->on_header_ctx = ctx;
}

void lotk_survey_on_org(struct lotk_survey *sv, void (*fn)(void *ctx, const char *org, size_t len))
{
    sv->on_org = fn;
}

void lotk_survey_note(const struct lotk_survey *sv, const char *file)
{
    char d = sv->last_delimiter;
    lotk_diag(stderr, "note", file, 0, 0, "read as %s, %s-separated",
              lotk_encoding_name(sv->last_encoding),
              d == '\t' ? "tab" : d == ';' ? "semicolon" : "comma");
}

struct lotk_survey *lotk_survey_new(const struct lotk_standard *s,
                                    const struct lotk_survey_sink *sink)
{
    struct lotk_survey *sv = lotk_xcalloc_lines(1, sizeof *sv); /* counts, every row */
    sv->s = s;
    sv->sink = *sink;
    return sv;
}

struct lotk_survey_counts lotk_survey_counts(const struct lotk_survey *sv)
{
    return sv->counts;
}

void lotk_survey_free(struct lotk_survey *sv)
{
    if (!sv)
        return;
    for (size_t i = 0; i < sv->nids; i++)
        lotk_idset_free(&sv->ids[i]);
    free(sv->ids);
    free(sv);
}
