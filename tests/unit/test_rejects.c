/* test_rejects.c — the list of rejected rows (core/input/rejects.c): what an entry keeps,
 * appending one list to another with a line offset (the threads' ranges), the --rejects CSV,
 * and printing at most N with a pointer to the file for the rest. */
#define _GNU_SOURCE /* fopencookie: a spool whose disk fills up */
#include "testutil.h"

#include <errno.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/buf.h"
#include "base/file.h"
#include "base/mem.h"
#include "input/rejects.h"

/* Hands r one reject as a reader would. */
static void add(struct lotk_rejects *r, const char *file, long line, long column,
                const char *reason, const char *const *fields, size_t nfields, bool screened)
{
    struct lotk_reject rj = {file, line, column, reason, fields, nfields, screened, NULL};
    lotk_rejects_add(r, &rj);
}

/* What lotk_rejects_print writes, as a string the caller frees. */
static char *printed(const struct lotk_rejects *r, size_t shown, bool to_file)
{
    char *text = NULL;
    size_t len = 0;
    FILE *out = open_memstream(&text, &len);
    assert_non_null(out);
    lotk_rejects_print(r, shown, to_file, out);
    fclose(out);
    return text;
}

static void add_copies_what_it_is_given(void **state)
{
    (void)state;
    struct lotk_rejects r = {.keep_fields = true};
    char file[] = "a.csv", reason[] = "no organization id", f0[] = "", f1[] = "5";
    const char *fields[] = {f0, f1};
    add(&r, file, 7, 1, reason, fields, 2, false);
    add(&r, "a.csv", 9, 0, "too fast", fields, 2, true);
    /* The reader's buffers are reused for the next row: the entry must own its copies. */
    strcpy(file, "zzzzz");
    strcpy(reason, "the next row here");
    f1[0] = '9';
    assert_int_equal(r.count, 2);
    assert_string_equal(r.entries[0].file, "a.csv");
    assert_int_equal(r.entries[0].line, 7);
    assert_int_equal(r.entries[0].column, 1);
    assert_string_equal(r.entries[0].reason, "no organization id");
    assert_false(r.entries[0].screened);
    assert_int_equal(r.entries[0].nfields, 2);
    assert_string_equal(r.entries[0].fields[0], "");
    assert_string_equal(r.entries[0].fields[1], "5");
    assert_true(r.entries[1].screened);
    assert_int_equal(r.entries[1].column, 0);
    lotk_rejects_clear(&r);
    assert_int_equal(r.count, 0);
    assert_null(r.entries);
}

static void fields_only_when_kept(void **state)
{
    (void)state;
    struct lotk_rejects r = {.keep_fields = false};
    const char *fields[] = {"O1", "x"};
    add(&r, "a.csv", 2, 2, "bad", fields, 2, false);
    assert_int_equal(r.entries[0].nfields, 0);
    assert_null(r.entries[0].fields);
    lotk_rejects_clear(&r);
}

/* A thread's range counts lines from its start: appending moves its entries behind the
 * others with the range's first line added. */
static void append_moves_with_line_offset(void **state)
{
    (void)state;
    struct lotk_rejects dst = {.keep_fields = true}, src = {.keep_fields = true};
    const char *fields[] = {"O1"};
    add(&dst, "a.csv", 3, 1, "first", fields, 1, false);
    add(&src, "a.csv", 1, 2, "second", fields, 1, false);
    add(&src, "a.csv", 4, 0, "third", NULL, 0, true);
    lotk_rejects_append(&dst, &src, 100);
    assert_int_equal(dst.count, 3);
    assert_int_equal(src.count, 0); /* moved, not copied: clearing src frees nothing twice */
    assert_string_equal(dst.entries[0].reason, "first");
    assert_int_equal(dst.entries[0].line, 3);
    assert_string_equal(dst.entries[1].reason, "second");
    assert_int_equal(dst.entries[1].line, 101);
    assert_int_equal(dst.entries[1].column, 2);
    assert_string_equal(dst.entries[1].fields[0], "O1");
    assert_string_equal(dst.entries[2].reason, "third");
    assert_int_equal(dst.entries[2].line, 104);
    assert_true(dst.entries[2].screened);
    /* Appending an empty list changes nothing. */
    lotk_rejects_append(&dst, &src, 5);
    assert_int_equal(dst.count, 3);
    assert_int_equal(dst.entries[2].line, 104);
    lotk_rejects_clear(&src);
    lotk_rejects_clear(&dst);
}

static void csv_quotes_what_needs_it(void **state)
{
    (void)state;
    struct lotk_rejects r = {.keep_fields = true};
    const char *fields[] = {"O1", "say \"hi\"", "a,b", "two\nlines", ""};
    add(&r, "dir/a,b.csv", 12, 3, "rating '9' is outside the scale [1, 5]", fields, 5, false);
    add(&r, "b.csv", 2, 0, "too fast", NULL, 0, true);
    struct lotk_buf out = {0};
    struct lotk_err err;
    lotk_err_clear(&err);
    assert_int_equal(lotk_rejects_csv(&r, &out, &err), 0);
    assert_string_equal(out.data,
                        "file,line,column,outcome,reason,fields\n"
                        "\"dir/a,b.csv\",12,3,rejected,\"rating '9' is outside the scale "
                        "[1, 5]\",O1,\"say \"\"hi\"\"\",\"a,b\",\"two\nlines\",\n"
                        "b.csv,2,0,screened,too fast\n");
    lotk_buf_free(&out);
    lotk_rejects_clear(&r);
}

static void csv_of_none_is_the_header(void **state)
{
    (void)state;
    struct lotk_rejects r = {0};
    struct lotk_buf out = {0};
    struct lotk_err err;
    lotk_err_clear(&err);
    assert_int_equal(lotk_rejects_csv(&r, &out, &err), 0);
    assert_string_equal(out.data, "file,line,column,outcome,reason,fields\n");
    lotk_buf_free(&out);
}

/* Issue 14: every rejected row was kept in memory (1M bad rows: 223 MB, 930 MB with
 * --rejects). Streaming, only the first LOTK_REJECTS_KEPT stay; the rest are spooled with
 * their fields (or only counted without), and come back in order, lines offset, in the
 * CSV; screened organizations are counted for every row. */
static void stream_keeps_the_first_and_spools_the_rest(void **state)
{
    (void)state;
    enum { N = 3 * LOTK_REJECTS_KEPT };
    struct lotk_rejects dst = {.keep_fields = true, .stream = true};
    struct lotk_rejects src = {.keep_fields = true, .stream = true};
    struct lotk_rejects bare = {.keep_fields = false, .stream = true};
    char reason[32], field[32];
    const char *fields[] = {field, "x"};
    for (int i = 0; i < N; i++) {
        snprintf(reason, sizeof reason, "reason %d", i);
        snprintf(field, sizeof field, "f%d", i);
        struct lotk_reject rj = {"a.csv", i + 2, 1, reason, fields, 2, i % 2 == 1,
                                 i % 2 ? (i % 4 == 1 ? "O1" : "O2") : NULL};
        lotk_rejects_add(i < 10 ? &dst : &src, &rj);
        lotk_rejects_add(&bare, &rj);
    }
    assert_int_equal(src.count, N - 10);
    assert_int_equal(src.kept, LOTK_REJECTS_KEPT);
    assert_int_equal(bare.count, N);
    assert_int_equal(bare.kept, LOTK_REJECTS_KEPT);
    assert_null(bare.spool); /* nothing past the kept ones is wanted: only counted */
    assert_int_equal(lotk_rejects_screened(&bare, "O1", 2), N / 4);
    assert_int_equal(lotk_rejects_screened(&bare, "O2", 2), N / 4);
    assert_int_equal(lotk_rejects_screened(&bare, "O3", 2), 0);
    lotk_rejects_append(&dst, &src, 1000);
    assert_int_equal(src.count, 0);
    assert_int_equal(dst.count, N);
    assert_int_equal(dst.kept, LOTK_REJECTS_KEPT);
    assert_int_equal(dst.entries[10].line, 12 + 1000); /* src's first, offset */
    assert_string_equal(dst.entries[LOTK_REJECTS_KEPT - 1].reason, "reason 999");
    assert_int_equal(lotk_rejects_screened(&dst, "O1", 2), N / 4);
    struct lotk_buf out = {0};
    struct lotk_err err;
    lotk_err_clear(&err);
    assert_int_equal(lotk_rejects_csv(&dst, &out, &err), 0);
    /* Every row once, in order, with its fields and line. */
    const char *p = strchr(out.data, '\n') + 1;
    for (int i = 0; i < N; i++) {
        char want[96];
        snprintf(want, sizeof want, "a.csv,%d,1,%s,reason %d,f%d,x\n", i + 2 + (i < 10 ? 0 : 1000),
                 i % 2 ? "screened" : "rejected", i, i);
        assert_memory_equal(p, want, strlen(want));
        p += strlen(want);
    }
    assert_int_equal(*p, '\0');
    /* Written twice (the spool is read back, not used up), to a file the same. */
    char *dir = tu_tempdir();
    char *path = lotk_xasprintf("%s/rejects.csv", dir);
    assert_int_equal(lotk_rejects_write(&dst, path, &err), 0);
    char *data = NULL;
    size_t len = 0;
    assert_int_equal(lotk_file_read(path, 1 << 26, &data, &len, &err), 0);
    assert_int_equal(len, out.len);
    assert_memory_equal(data, out.data, len);
    free(data);
    free(path);
    tu_rmtree(dir);
    lotk_buf_free(&out);
    lotk_rejects_clear(&dst);
    lotk_rejects_clear(&src);
    lotk_rejects_clear(&bare);
    assert_true(dst.stream && dst.keep_fields); /* kept for the next read */
}

/* At most `shown` warnings; the rest are counted, with a pointer to --rejects FILE unless
 * the rejects already go to one. */
static void print_at_most_n(void **state)
{
    (void)state;
    struct lotk_rejects r = {0};
    add(&r, "a.csv", 2, 3, "bad answer", NULL, 0, false);
    add(&r, "a.csv", 5, 0, "too fast", NULL, 0, true);
    add(&r, "b.csv", 7, 1, "no organization id", NULL, 0, false);

    char *text = printed(&r, 2, false);
    assert_string_equal(text, "lotk: warning: a.csv:2:3: row rejected: bad answer\n"
                              "lotk: warning: a.csv:5: row screened out: too fast\n"
                              "lotk: warning: 1 more rejected or screened rows not shown; "
                              "--rejects FILE lists every one\n");
    free(text);

    text = printed(&r, 1, true);
    assert_string_equal(text, "lotk: warning: a.csv:2:3: row rejected: bad answer\n"
                              "lotk: warning: 2 more rejected or screened rows not shown\n");
    free(text);

    /* All of them fit: no count at all. */
    text = printed(&r, 3, false);
    assert_string_equal(text, "lotk: warning: a.csv:2:3: row rejected: bad answer\n"
                              "lotk: warning: a.csv:5: row screened out: too fast\n"
                              "lotk: warning: b.csv:7:1: row rejected: no organization id\n");
    free(text);
    lotk_rejects_clear(&r);

    text = printed(&r, 0, false);
    assert_string_equal(text, "");
    free(text);
}

/* A spool on a disk that fills up after `room` bytes: writes past it fail with ENOSPC (the
 * bytes that fit are kept and read back, as a real file would be). */
struct full_disk {
    char data[4096];
    size_t len, pos, room;
};

static ssize_t full_write(void *c, const char *buf, size_t n)
{
    struct full_disk *d = c;
    size_t fit = d->room - d->len < n ? d->room - d->len : n;
    if (fit == 0) {
        errno = ENOSPC;
        return -1;
    }
    memcpy(d->data + d->len, buf, fit);
    d->len += fit;
    d->pos = d->len;
    if (fit < n) /* glibc takes a cookie's short write as the error: say which */
        errno = ENOSPC;
    return (ssize_t)fit;
}

static ssize_t full_read(void *c, char *buf, size_t n)
{
    struct full_disk *d = c;
    size_t got = d->len - d->pos < n ? d->len - d->pos : n;
    memcpy(buf, d->data + d->pos, got);
    d->pos += got;
    return (ssize_t)got;
}

static int full_seek(void *c, off64_t *off, int whence)
{
    struct full_disk *d = c;
    off64_t at = whence == SEEK_SET ? *off : whence == SEEK_CUR ? (off64_t)d->pos + *off
                                                                  : (off64_t)d->len + *off;
    if (at < 0 || at > (off64_t)d->len)
        return -1;
    d->pos = (size_t)at;
    *off = at;
    return 0;
}

/* Streaming rejects with the first LOTK_REJECTS_KEPT kept, their spool set to f. */
static void fill_kept(struct lotk_rejects *r, FILE *f)
{
    for (int i = 0; i < LOTK_REJECTS_KEPT; i++)
        add(r, "a.csv", i + 2, 1, "r", NULL, 0, false);
    r->spool = f;
}

/* Review finding: the spool was rewind()-ed, which flushes it, drops the flush's error and
 * clears ferror; a temporary directory that filled up went unseen and the --rejects file
 * came out short (here: 3 of 5 spooled rows, cut at a record's end). Now the failure and
 * its errno are seen before the read, and no file is made. */
static void spool_on_a_full_disk_is_an_error(void **state)
{
    (void)state;
    /* One record: length, line and column, screened, "a.csv", "r", no org, no fields. */
    enum { RECORD = 4 + 16 + 1 + (4 + 5) + (4 + 1) + 4 + 4 };
    struct full_disk disk = {.room = 3 * RECORD};
    cookie_io_functions_t io = {full_read, full_write, full_seek, NULL};
    FILE *f = fopencookie(&disk, "w+", io);
    assert_non_null(f);
    struct lotk_rejects r = {.keep_fields = true, .stream = true};
    fill_kept(&r, f);
    for (int i = 0; i < 5; i++) /* all five fit in stdio's buffer: no write fails yet */
        add(&r, "a.csv", 5000 + i, 1, "r", NULL, 0, false);
    assert_int_equal(r.count, LOTK_REJECTS_KEPT + 5);

    char *dir = tu_tempdir();
    char *path = lotk_xasprintf("%s/rejects.csv", dir);
    struct lotk_err err;
    lotk_err_clear(&err);
    assert_int_equal(lotk_rejects_write(&r, path, &err), LOTK_EIO);
    assert_int_equal(lotk_err_exit_code(LOTK_EIO), 2);
    assert_non_null(strstr(err.msg, "cannot spool rejected rows: "));
    assert_non_null(strstr(err.msg, strerror(ENOSPC)));
    assert_null(tu_slurp(path, NULL)); /* no short file */
    struct lotk_buf out = {0};
    lotk_err_clear(&err);
    assert_int_equal(lotk_rejects_csv(&r, &out, &err), LOTK_EIO);
    assert_non_null(strstr(err.msg, strerror(ENOSPC)));
    lotk_buf_free(&out);

    /* Appended to another list (the threads' ranges), the failure and its reason go too. */
    disk = (struct full_disk){.room = 3 * RECORD};
    f = fopencookie(&disk, "w+", io);
    struct lotk_rejects src = {.keep_fields = true, .stream = true};
    struct lotk_rejects dst = {.keep_fields = true, .stream = true};
    fill_kept(&src, f);
    for (int i = 0; i < 5; i++)
        add(&src, "a.csv", 5000 + i, 1, "r", NULL, 0, false);
    lotk_rejects_append(&dst, &src, 0);
    assert_int_equal(dst.count, LOTK_REJECTS_KEPT + 5);
    assert_true(dst.spool_failed);
    assert_int_equal(dst.spool_errno, ENOSPC);
    lotk_err_clear(&err);
    assert_int_equal(lotk_rejects_write(&dst, path, &err), LOTK_EIO);
    assert_non_null(strstr(err.msg, strerror(ENOSPC)));
    assert_null(tu_slurp(path, NULL));

    free(path);
    tu_rmtree(dir);
    lotk_rejects_clear(&r);
    lotk_rejects_clear(&src);
    lotk_rejects_clear(&dst);
}

/* What is read back is checked: a record longer than what is left of the spool is damage,
 * not an allocation of up to 4 GiB; fewer records than were written is damage too. */
static void damaged_spool_is_an_error(void **state)
{
    (void)state;
    FILE *f = tmpfile();
    assert_non_null(f);
    struct lotk_rejects r = {.keep_fields = true, .stream = true};
    fill_kept(&r, f);
    add(&r, "a.csv", 5000, 1, "r", NULL, 0, false);
    assert_int_equal(r.spooled, 1);
    assert_int_equal(fseek(f, 0, SEEK_SET), 0);
    uint32_t huge = UINT32_MAX - 8;
    assert_int_equal(fwrite(&huge, sizeof huge, 1, f), 1);
    struct lotk_buf out = {0};
    struct lotk_err err;
    lotk_err_clear(&err);
    assert_int_equal(lotk_rejects_csv(&r, &out, &err), LOTK_EIO);
    assert_non_null(strstr(err.msg, "cannot spool rejected rows: "));
    lotk_buf_free(&out);
    lotk_rejects_clear(&r);

    /* A whole record, but one more was written than is there. */
    f = tmpfile();
    assert_non_null(f);
    fill_kept(&r, f);
    add(&r, "a.csv", 5000, 1, "r", NULL, 0, false);
    r.spooled++;
    lotk_err_clear(&err);
    assert_int_equal(lotk_rejects_csv(&r, &out, &err), LOTK_EIO);
    lotk_buf_free(&out);
    lotk_rejects_clear(&r);

    /* The same spool, undamaged, reads back. */
    f = tmpfile();
    assert_non_null(f);
    fill_kept(&r, f);
    add(&r, "a.csv", 5000, 1, "r", NULL, 0, false);
    lotk_err_clear(&err);
    assert_int_equal(lotk_rejects_csv(&r, &out, &err), 0);
    assert_non_null(strstr(out.data, "a.csv,5000,1,rejected,r\n"));
    lotk_buf_free(&out);
    lotk_rejects_clear(&r);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(add_copies_what_it_is_given),
        cmocka_unit_test(fields_only_when_kept),
        cmocka_unit_test(append_moves_with_line_offset),
        cmocka_unit_test(csv_quotes_what_needs_it),
        cmocka_unit_test(csv_of_none_is_the_header),
        cmocka_unit_test(print_at_most_n),
        cmocka_unit_test(stream_keeps_the_first_and_spools_the_rest),
        cmocka_unit_test(spool_on_a_full_disk_is_an_error),
        cmocka_unit_test(damaged_spool_is_an_error),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
