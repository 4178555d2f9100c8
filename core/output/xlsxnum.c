/* xlsxnum.c — puts back the digits libxlsxwriter's "%.16G" drops (see xlsxnum.h). */
#include "output/xlsxnum.h"

#include "base/err.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <unzip.h>
#include <xlsxwriter.h>
#include <zip.h>

/* Zip entry names libxlsxwriter writes are short; anything longer is not one of its. */
#define ENTRY_NAME_MAX 256

int lotk_xlsxnum_note(struct lotk_xlsxnum *num, uint32_t sheet, uint32_t row, uint16_t col,
                      double x, struct lotk_err *err)
{
    /* The same text libxlsxwriter will write (lxw_sprintf_dbl without the dtoa library);
     * only the values it does not read back as themselves need putting back. */
    char text[32];
    snprintf(text, sizeof text, "%.16G", x);
    if (strtod(text, NULL) == x)
        return 0;
    if (num->count == num->cap) {
        size_t cap = num->cap ? 2 * num->cap : 256;
        struct lotk_xlsxnum_cell *cells = realloc(num->cells, cap * sizeof *cells);
        if (!cells)
            return lotk_err_set(err, LOTK_EIO, NULL, 0, 0, "out of memory");
        num->cells = cells;
        num->cap = cap;
    }
    num->cells[num->count++] = (struct lotk_xlsxnum_cell){sheet, row, col, x};
    return 0;
}

void lotk_xlsxnum_free(struct lotk_xlsxnum *num)
{
    if (!num)
        return;
    free(num->cells);
    memset(num, 0, sizeof *num);
}

static int cell_cmp(const void *a, const void *b)
{
    const struct lotk_xlsxnum_cell *x = a, *y = b;
    if (x->sheet != y->sheet)
        return x->sheet < y->sheet ? -1 : 1;
    if (x->row != y->row)
        return x->row < y->row ? -1 : 1;
    return (x->col > y->col) - (x->col < y->col);
}

/* The sheet number of a worksheet entry name, 0 for any other entry. */
static uint32_t sheet_of(const char *name)
{
    unsigned n;
    char tail[8];
    if (sscanf(name, "xl/worksheets/sheet%u.%7s", &n, tail) == 2 && strcmp(tail, "xml") == 0)
        return n;
    return 0;
}

/* Appends len bytes to a growing buffer; 0 or -1 when memory runs out. */
static int buf_add(char **buf, size_t *len, size_t *cap, const char *data, size_t n)
{
    if (*len + n > *cap) {
        size_t c = *cap ? *cap : 4096;
        while (c < *len + n)
            c *= 2;
        char *b = realloc(*buf, c);
        if (!b)
            return -1;
        *buf = b;
        *cap = c;
    }
    memcpy(*buf + *len, data, n);
    *len += n;
    return 0;
}

/* Rewrites the given cells of one sheet's XML (NUL-terminated, len bytes) into *out. A number cell is written by
 * libxlsxwriter as <c r="B2" s="3"><v>…</v></c>, cells in row then column order, so one
 * forward scan finds them all; a cell not found means the XML is not what was noted. */
static int rewrite_xml(const char *xml, size_t len, const struct lotk_xlsxnum_cell *cells,
                       size_t count, char **out, size_t *outlen, const char *from,
                       struct lotk_err *err)
{
    size_t pos = 0, cap = 0;
    char needle[48], ref[LXW_MAX_CELL_NAME_LENGTH], digits[32];
    for (size_t i = 0; i < count; i++) {
        lxw_rowcol_to_cell(ref, cells[i].row, cells[i].col);
        snprintf(needle, sizeof needle, "<c r=\"%s\"", ref);
        const char *hit = strstr(xml + pos, needle);
        const char *gt = hit ? strchr(hit, '>') : NULL;
        const char *v = gt && strncmp(gt + 1, "<v>", 3) == 0 ? gt + 4 : NULL;
        const char *end = v ? strstr(v, "</v>") : NULL;
        if (!end)
            return lotk_err_set(err, LOTK_EIO, from, 0, 0,
                                "cannot put back the number of sheet %u cell %s: "
                                "no such number cell", cells[i].sheet, ref);
        snprintf(digits, sizeof digits, "%.17G", cells[i].value);
        if (buf_add(out, outlen, &cap, xml + pos, (size_t)(v - xml) - pos) != 0 ||
            buf_add(out, outlen, &cap, digits, strlen(digits)) != 0)
            return lotk_err_set(err, LOTK_EIO, from, 0, 0, "out of memory");
        pos = (size_t)(end - xml);
    }
    if (buf_add(out, outlen, &cap, xml + pos, len - pos) != 0)
        return lotk_err_set(err, LOTK_EIO, from, 0, 0, "out of memory");
    return 0;
}

/* Copies the current entry of in to out as its compressed bytes, untouched. */
static int copy_raw(unzFile in, zipFile out, const char *name, const unz_file_info64 *info,
                    const zip_fileinfo *zi, const char *from, struct lotk_err *err)
{
    int method = 0, level = 0, rc = 0;
    char buf[16384];
    if (unzOpenCurrentFile2(in, &method, &level, 1) != UNZ_OK)
        return lotk_err_set(err, LOTK_EIO, from, 0, 0, "cannot read zip entry %s", name);
    if (zipOpenNewFileInZip2(out, name, zi, NULL, 0, NULL, 0, NULL, method, level, 1) !=
        ZIP_OK) {
        rc = lotk_err_set(err, LOTK_EIO, from, 0, 0, "cannot copy zip entry %s", name);
        goto done;
    }
    int n;
    while ((n = unzReadCurrentFile(in, buf, sizeof buf)) > 0) {
        if (zipWriteInFileInZip(out, buf, (unsigned)n) != ZIP_OK)
            break;
    }
    if (zipCloseFileInZipRaw64(out, info->uncompressed_size, info->crc) != ZIP_OK || n != 0)
        rc = lotk_err_set(err, LOTK_EIO, from, 0, 0, "cannot copy zip entry %s", name);
done:
    unzCloseCurrentFile(in);
    return rc;
}

/* Reads the current entry of in whole; the caller frees *data. */
static int read_entry(unzFile in, const char *name, const unz_file_info64 *info, char **data,
                      const char *from, struct lotk_err *err)
{
    /* A worksheet beyond 1 GiB of XML is beyond what Excel opens anyway. */
    if (info->uncompressed_size > (1u << 30))
        return lotk_err_set(err, LOTK_EIO, from, 0, 0, "zip entry %s is too large", name);
    size_t len = (size_t)info->uncompressed_size;
    /* NUL-terminated, so that the XML can be searched with strstr. */
    *data = malloc(len + 1);
    if (!*data)
        return lotk_err_set(err, LOTK_EIO, from, 0, 0, "out of memory");
    int n = -1;
    if (unzOpenCurrentFile(in) == UNZ_OK) {
        n = unzReadCurrentFile(in, *data, (unsigned)len);
        if (unzCloseCurrentFile(in) != UNZ_OK)
            n = -1;
    }
    if (n < 0 || (size_t)n != len)
        return lotk_err_set(err, LOTK_EIO, from, 0, 0, "cannot read zip entry %s", name);
    (*data)[len] = '\0';
    return 0;
}

/* Copies the current entry, a worksheet with noted cells, with their values replaced;
 * compressed as libxlsxwriter compresses its entries. */
static int copy_fixed(unzFile in, zipFile out, const char *name, const unz_file_info64 *info,
                      const zip_fileinfo *zi, const struct lotk_xlsxnum_cell *cells,
                      size_t count, const char *from, struct lotk_err *err)
{
    char *xml = NULL, *fixed = NULL;
    size_t fixedlen = 0;
    int rc = read_entry(in, name, info, &xml, from, err);
    if (rc == 0)
        rc = rewrite_xml(xml, (size_t)info->uncompressed_size, cells, count, &fixed,
                         &fixedlen, from, err);
    if (rc != 0)
        goto done;
    if (zipOpenNewFileInZip4_64(out, name, zi, NULL, 0, NULL, 0, NULL, Z_DEFLATED,
                                Z_DEFAULT_COMPRESSION, 0, -MAX_WBITS, DEF_MEM_LEVEL,
                                Z_DEFAULT_STRATEGY, NULL, 0, 0, 0, 0) != ZIP_OK ||
        zipWriteInFileInZip(out, fixed, (unsigned)fixedlen) != ZIP_OK ||
        zipCloseFileInZip(out) != ZIP_OK)
        rc = lotk_err_set(err, LOTK_EIO, from, 0, 0, "cannot write zip entry %s", name);
done:
    free(xml);
    free(fixed);
    return rc;
}

/* Copies the current entry of in, fixing it when it is a sheet with noted cells; adds
 * their number to *done. */
static int copy_entry(unzFile in, zipFile out, const struct lotk_xlsxnum *num, size_t *done,
                      const char *from, struct lotk_err *err)
{
    unz_file_info64 info;
    char name[ENTRY_NAME_MAX];
    if (unzGetCurrentFileInfo64(in, &info, name, sizeof name, NULL, 0, NULL, 0) != UNZ_OK)
        return lotk_err_set(err, LOTK_EIO, from, 0, 0, "cannot read the zip directory");
    /* The same dates and attributes as the original: 1980-01-01, never the clock. */
    zip_fileinfo zi = {.dosDate = info.dosDate,
                       .internal_fa = info.internal_fa,
                       .external_fa = info.external_fa};
    memcpy(&zi.tmz_date, &info.tmu_date, sizeof zi.tmz_date);
    /* The cells are sorted by sheet: this sheet's are one run, found by bisection. */
    uint32_t sheet = sheet_of(name);
    size_t first = 0, last = num->count;
    while (sheet && first < last) {
        size_t mid = first + (last - first) / 2;
        if (num->cells[mid].sheet < sheet)
            first = mid + 1;
        else
            last = mid;
    }
    last = first;
    while (sheet && last < num->count && num->cells[last].sheet == sheet)
        last++;
    *done += last - first;
    if (last == first)
        return copy_raw(in, out, name, &info, &zi, from, err);
    return copy_fixed(in, out, name, &info, &zi, num->cells + first, last - first, from,
                      err);
}

int lotk_xlsxnum_apply(struct lotk_xlsxnum *num, const char *from, const char *to,
                       struct lotk_err *err)
{
    int rc = 0;
    size_t done = 0;
    qsort(num->cells, num->count, sizeof *num->cells, cell_cmp);
    unzFile in = unzOpen64(from);
    zipFile out = in ? zipOpen(to, APPEND_STATUS_CREATE) : NULL;
    if (!out) {
        rc = lotk_err_set(err, LOTK_EIO, in ? to : from, 0, 0, "cannot open %s as a zip file",
                          in ? to : from);
        goto done;
    }
    int step = unzGoToFirstFile(in);
    while (step == UNZ_OK && rc == 0) {
        rc = copy_entry(in, out, num, &done, from, err);
        step = unzGoToNextFile(in);
    }
    if (rc == 0 && step != UNZ_END_OF_LIST_OF_FILE)
        rc = lotk_err_set(err, LOTK_EIO, from, 0, 0, "cannot read the zip directory");
    /* A noted sheet that never came up is a writer bug; say so rather than drop digits. */
    if (rc == 0 && done != num->count)
        rc = lotk_err_set(err, LOTK_EIO, from, 0, 0,
                          "%zu noted number cells are on no worksheet", num->count - done);
done:
    if (out && zipClose(out, NULL) != ZIP_OK && rc == 0)
        rc = lotk_err_set(err, LOTK_EIO, to, 0, 0, "cannot write %s", to);
    if (in)
        unzClose(in);
    return rc;
}
