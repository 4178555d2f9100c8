/* rejects.c — the list of rejected rows: kept (or, past the first ones, spooled to a
 * temporary file), merged in file order, printed, written as CSV; see rejects.h. */
#include "input/rejects.h"

#include <errno.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "base/buf.h"
#include "base/csvw.h"
#include "base/err.h"
#include "base/file.h"
#include "base/mem.h"

/* ---- the spool: entries past the kept ones, one binary record each ------------------
 * The record's length (32 bits), then line, column (int64), screened (1 byte), then file,
 * reason, org (a length of UINT32_MAX for none) and the fields, each as a 32-bit length
 * and its bytes. A record is written and read back whole: a stdio call per record, not
 * per field. */

static void put_bytes(struct lotk_buf *b, const void *p, size_t n)
{
    lotk_buf_append(b, p, n);
}

static void put_str(struct lotk_buf *b, const char *s)
{
    uint32_t n = s ? (uint32_t)strlen(s) : UINT32_MAX;
    put_bytes(b, &n, sizeof n);
    if (s)
        put_bytes(b, s, n);
}

/* Remembers the spool's first failure, with errno as it is now (later calls change it). */
static void spool_fail(struct lotk_rejects *r, int errnum)
{
    if (!r->spool_failed)
        r->spool_errno = errnum ? errnum : EIO;
    r->spool_failed = true;
}

/* Before the spool is read back: rewind() would flush it, drop the flush's error and clear
 * ferror, so a disk that filled up would read back short, or with a record cut anywhere. */
static bool spool_settled(FILE *f, int *errnum)
{
    errno = 0;
    if (fflush(f) != 0 || ferror(f)) {
        *errnum = errno ? errno : EIO;
        return false;
    }
    return true;
}

static void spool_entry(struct lotk_rejects *r, const struct lotk_reject_entry *e)
{
    if (!r->spool && !r->spool_failed && !(r->spool = tmpfile()))
        spool_fail(r, errno);
    if (r->spool_failed)
        return;
    struct lotk_buf *b = &r->scratch;
    lotk_buf_reset(b);
    uint32_t total = 0;
    int64_t nums[2] = {e->line, e->column};
    uint8_t screened = e->screened;
    uint32_t nfields = (uint32_t)e->nfields;
    put_bytes(b, &total, sizeof total);
    put_bytes(b, nums, sizeof nums);
    put_bytes(b, &screened, 1);
    put_str(b, e->file);
    put_str(b, e->reason);
    put_str(b, e->org);
    put_bytes(b, &nfields, sizeof nfields);
    for (size_t i = 0; i < e->nfields; i++)
        put_str(b, e->fields[i]);
    total = (uint32_t)(b->len - sizeof total);
    memcpy(b->data, &total, sizeof total);
    errno = 0;
    if (fwrite(b->data, 1, b->len, r->spool) != b->len)
        spool_fail(r, errno);
    else
        r->spooled++;
}

/* One record read back: its strings point into rec (borrowed until the next read). left:
 * the spool's bytes not yet read, so that a length read back that cannot be right is an
 * error, not an allocation of up to 4 GiB. */
struct record {
    struct lotk_buf bytes;
    size_t at;
    char **fields;
    size_t cap_fields;
    uint64_t left;
};

/* Settles the spool (see spool_settled), measures it into rec->left and rewinds it; false
 * with *errnum set when it cannot be. */
static bool spool_start(FILE *f, struct record *rec, int *errnum)
{
    if (!spool_settled(f, errnum))
        return false;
    errno = 0;
    long size;
    if (fseek(f, 0, SEEK_END) != 0 || (size = ftell(f)) < 0 || fseek(f, 0, SEEK_SET) != 0) {
        *errnum = errno ? errno : EIO;
        return false;
    }
    rec->left = (uint64_t)size;
    return true;
}

/* The next string of the record, NUL-terminated in place (the length before it is not
 * needed again); false past the record's end. */
static bool get_str(struct record *rec, char **out)
{
    uint32_t n;
    *out = NULL;
    if (rec->bytes.len - rec->at < sizeof n)
        return false;
    memcpy(&n, rec->bytes.data + rec->at, sizeof n);
    rec->at += sizeof n;
    if (n == UINT32_MAX)
        return true;
    if (rec->bytes.len - rec->at < n)
        return false;
    /* Shift the text back over its length's last byte to make room for its NUL. */
    char *text = rec->bytes.data + rec->at - 1;
    memmove(text, text + 1, n);
    text[n] = '\0';
    rec->at += n;
    *out = text;
    return true;
}

/* The next spooled entry into *e, borrowing rec's memory; 1, 0 at the end, -1 when the
 * spool is damaged. */
static int unspool_entry(FILE *f, struct record *rec, struct lotk_reject_entry *e)
{
    uint32_t total, nfields;
    int64_t nums[2];
    memset(e, 0, sizeof *e);
    if (rec->left == 0)
        return 0;
    if (rec->left < sizeof total || fread(&total, sizeof total, 1, f) != 1)
        return -1;
    rec->left -= sizeof total;
    if (total > rec->left)
        return -1;
    rec->left -= total;
    lotk_buf_reset(&rec->bytes);
    lotk_grow(&rec->bytes.data, &rec->bytes.cap, (size_t)total + 1, 1);
    if (fread(rec->bytes.data, 1, total, f) != total)
        return -1;
    rec->bytes.len = total;
    rec->at = sizeof nums + 1;
    if (total < rec->at)
        return -1;
    memcpy(nums, rec->bytes.data, sizeof nums);
    e->line = (long)nums[0];
    e->column = (long)nums[1];
    e->screened = rec->bytes.data[sizeof nums] != 0;
    if (!get_str(rec, &e->file) || !get_str(rec, &e->reason) || !get_str(rec, &e->org) ||
        rec->bytes.len - rec->at < sizeof nfields)
        return -1;
    memcpy(&nfields, rec->bytes.data + rec->at, sizeof nfields);
    rec->at += sizeof nfields;
    if (nfields > rec->bytes.len) /* each field takes at least its length */
        return -1;
    lotk_grow(&rec->fields, &rec->cap_fields, nfields ? nfields : 1, sizeof *rec->fields);
    e->fields = rec->fields;
    e->nfields = nfields;
    for (size_t i = 0; i < nfields; i++)
        if (!get_str(rec, &e->fields[i]))
            return -1;
    return 1;
}

static void record_free(struct record *rec)
{
    lotk_buf_free(&rec->bytes);
    free(rec->fields);
}

static char *dup_or_null(const char *s)
{
    return s ? lotk_xstrdup(s) : NULL;
}

static void entry_free(struct lotk_reject_entry *e)
{
    free(e->file);
    free(e->reason);
    free(e->org);
    for (size_t k = 0; k < e->nfields; k++)
        free(e->fields[k]);
    free(e->fields);
    memset(e, 0, sizeof *e);
}

/* An owned copy of a borrowed entry. */
static struct lotk_reject_entry entry_copy(const struct lotk_reject_entry *b)
{
    struct lotk_reject_entry e = *b;
    e.file = dup_or_null(b->file);
    e.reason = dup_or_null(b->reason);
    e.org = dup_or_null(b->org);
    e.fields = b->nfields ? lotk_xmalloc(b->nfields * sizeof *e.fields) : NULL;
    for (size_t i = 0; i < b->nfields; i++)
        e.fields[i] = dup_or_null(b->fields[i]);
    return e;
}

/* ---- adding ------------------------------------------------------------------------ */

static void count_screened(struct lotk_rejects *r, const char *org, size_t len, long n)
{
    size_t next = r->screened_index.count;
    int k = lotk_strmap_put(&r->screened_index, org, len, (int)next);
    if ((size_t)k == next) {
        lotk_grow(&r->screened_counts, &r->cap_screened, next + 1, sizeof *r->screened_counts);
        r->screened_counts[k] = 0;
    }
    r->screened_counts[k] += n;
}

/* Takes entry e over: kept in memory while there is room, else spooled (when its fields
 * are wanted) and freed. Counted either way. */
static void put_entry(struct lotk_rejects *r, struct lotk_reject_entry *e)
{
    r->count++;
    if (!r->stream || r->kept < LOTK_REJECTS_KEPT) {
        lotk_grow(&r->entries, &r->cap, r->kept + 1, sizeof *r->entries);
        r->entries[r->kept++] = *e;
        return;
    }
    if (r->keep_fields)
        spool_entry(r, e);
    entry_free(e);
}

void lotk_rejects_add(void *ctx, const struct lotk_reject *rj)
{
    struct lotk_rejects *r = ctx;
    if (rj->screened && rj->org)
        count_screened(r, rj->org, strlen(rj->org), 1);
    if (r->stream && r->kept >= LOTK_REJECTS_KEPT) {
        r->count++;
        if (r->keep_fields) { /* straight to the spool, without copies */
            struct lotk_reject_entry view = {(char *)rj->file,   rj->line,
                                             rj->column,         (char *)rj->reason,
                                             (char **)rj->fields, rj->nfields,
                                             rj->screened,       (char *)rj->org};
            spool_entry(r, &view);
        }
        return;
    }
    struct lotk_reject_entry e = {0};
    e.file = lotk_xstrdup(rj->file);
    e.line = rj->line;
    e.column = rj->column;
    e.reason = lotk_xstrdup(rj->reason);
    e.screened = rj->screened;
    e.org = rj->org ? lotk_xstrdup(rj->org) : NULL;
    e.nfields = r->keep_fields ? rj->nfields : 0;
    e.fields = e.nfields ? lotk_xmalloc(e.nfields * sizeof *e.fields) : NULL;
    for (size_t i = 0; i < e.nfields; i++)
        e.fields[i] = lotk_xstrdup(rj->fields[i]);
    put_entry(r, &e);
}

long lotk_rejects_screened(const struct lotk_rejects *r, const char *org, size_t len)
{
    int k = lotk_strmap_get(&r->screened_index, org, len);
    return k < 0 ? 0 : r->screened_counts[k];
}

void lotk_rejects_append(struct lotk_rejects *dst, struct lotk_rejects *src, long line_offset)
{
    for (size_t i = 0; i < src->kept; i++) {
        src->entries[i].line += line_offset;
        put_entry(dst, &src->entries[i]);
    }
    /* Rows src only counted (no fields wanted, past its kept ones) are dst's count too. */
    size_t spooled = 0;
    if (src->spool) {
        struct lotk_reject_entry borrowed;
        struct record rec = {0};
        int errnum = 0;
        int got = !src->spool_failed && spool_start(src->spool, &rec, &errnum) ? 1 : -1;
        while (got > 0 && (got = unspool_entry(src->spool, &rec, &borrowed)) > 0) {
            struct lotk_reject_entry e = entry_copy(&borrowed);
            e.line += line_offset;
            put_entry(dst, &e);
            spooled++;
        }
        if (got < 0 || spooled != src->spooled) /* damaged: EIO unless the cause is known */
            spool_fail(src, errnum);
        record_free(&rec);
        fclose(src->spool);
        src->spool = NULL;
    }
    dst->count += src->count - src->kept - spooled;
    if (src->spool_failed)
        spool_fail(dst, src->spool_errno);
    for (size_t i = 0; i < src->screened_index.cap; i++) {
        const struct lotk_strmap_slot *slot = &src->screened_index.slots[i];
        if (slot->key)
            count_screened(dst, slot->key, slot->len, src->screened_counts[slot->value]);
    }
    free(src->entries);
    lotk_buf_free(&src->scratch);
    free(src->screened_counts);
    lotk_strmap_free(&src->screened_index);
    bool keep_fields = src->keep_fields, stream = src->stream;
    memset(src, 0, sizeof *src); /* the entries moved */
    src->keep_fields = keep_fields;
    src->stream = stream;
}

void lotk_rejects_print(const struct lotk_rejects *r, size_t shown, bool point_to_file,
                        FILE *out)
{
    for (size_t i = 0; i < r->kept && i < shown; i++) {
        const struct lotk_reject_entry *e = &r->entries[i];
        lotk_diag(out, "warning", e->file, e->line, e->column, "row %s: %s",
                  e->screened ? "screened out" : "rejected", e->reason);
    }
    if (r->count > shown)
        lotk_diag(out, "warning", NULL, 0, 0, "%zu more rejected or screened rows not shown%s",
                  r->count - shown, point_to_file ? "" : "; --rejects FILE lists every one");
}

/* ---- the CSV ----------------------------------------------------------------------- */

static void csv_line(struct lotk_buf *out, const struct lotk_reject_entry *e)
{
    lotk_csvw_field(out, e->file);
    lotk_buf_printf(out, ",%ld,%ld,%s,", e->line, e->column,
                    e->screened ? "screened" : "rejected");
    lotk_csvw_field(out, e->reason);
    for (size_t k = 0; k < e->nfields; k++) {
        lotk_buf_putc(out, ',');
        lotk_csvw_field(out, e->fields[k]);
    }
    lotk_buf_putc(out, '\n');
}

/* Writes the CSV into buf, handing it to flush (when not NULL) every 64 KiB and at the end.
 * Returns 0, or LOTK_EIO when the spool failed or flush did. */
static int emit(struct lotk_rejects *r, struct lotk_buf *buf,
                int (*flush)(void *ctx, struct lotk_buf *buf), void *ctx,
                const char *path, struct lotk_err *err)
{
    enum { PIECE = 1 << 16 };
    int rc = 0;
    lotk_buf_puts(buf, "file,line,column,outcome,reason,fields\n");
    for (size_t i = 0; i < r->kept; i++)
        csv_line(buf, &r->entries[i]);
    int errnum = !r->spool_failed ? 0 : r->spool_errno ? r->spool_errno : EIO;
    if (r->spool && !errnum) {
        struct lotk_reject_entry e;
        struct record rec = {0};
        size_t spooled = 0;
        int got = spool_start(r->spool, &rec, &errnum) ? 1 : -1;
        while (rc == 0 && got > 0 && (got = unspool_entry(r->spool, &rec, &e)) > 0) {
            csv_line(buf, &e);
            spooled++;
            if (flush && buf->len >= PIECE)
                rc = flush(ctx, buf);
        }
        if (rc == 0 && !errnum && (got < 0 || spooled != r->spooled))
            errnum = EIO; /* read back damaged or short */
        record_free(&rec);
        fseek(r->spool, 0, SEEK_END); /* later entries go after these */
    }
    if (errnum) {
        spool_fail(r, errnum); /* a second write sees it, and its reason, at once */
        return lotk_err_set(err, LOTK_EIO, path, 0, 0, "cannot spool rejected rows: %s",
                            strerror(r->spool_errno));
    }
    if (rc == 0 && flush)
        rc = flush(ctx, buf);
    return rc;
}

int lotk_rejects_csv(struct lotk_rejects *r, struct lotk_buf *out, struct lotk_err *err)
{
    return emit(r, out, NULL, NULL, NULL, err);
}

/* A failed write is remembered by the output and reported, with its reason, by commit. */
static int to_output(void *ctx, struct lotk_buf *buf)
{
    lotk_output_write(ctx, buf->data ? buf->data : "", buf->len);
    lotk_buf_reset(buf);
    return 0;
}

int lotk_rejects_write(struct lotk_rejects *r, const char *path, struct lotk_err *err)
{
    struct lotk_output o;
    struct lotk_buf buf = {0};
    int rc = lotk_output_open(&o, path, err);
    if (rc)
        return rc;
    rc = emit(r, &buf, to_output, &o, path, err);
    lotk_buf_free(&buf);
    if (rc == 0)
        return lotk_output_commit(&o, err);
    lotk_output_abort(&o);
    return rc;
}

void lotk_rejects_clear(struct lotk_rejects *r)
{
    for (size_t i = 0; i < r->kept; i++)
        entry_free(&r->entries[i]);
    free(r->entries);
    if (r->spool)
        fclose(r->spool);
    lotk_buf_free(&r->scratch);
    free(r->screened_counts);
    lotk_strmap_free(&r->screened_index);
    bool keep_fields = r->keep_fields, stream = r->stream;
    memset(r, 0, sizeof *r);
    r->keep_fields = keep_fields;
    r->stream = stream;
}
