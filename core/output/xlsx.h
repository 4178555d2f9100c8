/* xlsx.h — the result table as an Excel workbook an assessor can edit (issue 11).
 *
 * A reader of the result table only (specs/report-table.md): it never sees the scoring
 * structures, so `lotk score -f xlsx` and `lotk report RESULT.json -f xlsx` write the same
 * bytes for the same table. */
#ifndef LOTK_XLSX_H
#define LOTK_XLSX_H

struct json_t;
struct lotk_err;

/* Writes result, the result table (lotk's JSON result with the fields of
 * specs/report-table.md), to path as an xlsx workbook with the sheets Summary (standard,
 * input counts, grade distribution, dimension medians, a column chart of the grades and a
 * radar of the median dimension norms), Organizations, Indicators, Evidence, Reliability
 * and Rejected rows (the `rejects` array; the sheet is there, with its header, when empty).
 *
 * lang "zh" gives Chinese sheet names and column titles, any other lang English (both from
 * messages.def); NULL means the standard's first language (standard.languages[0]), else zh.
 * Texts of the standard (titles, band labels) are taken in lang, else zh, else en. Numbers
 * are number cells holding the exact double of the JSON (formatted 0.00, counts 0); a JSON
 * null is an empty cell.
 *
 * The same table gives the same bytes on every run and machine (fixed document dates, zip
 * entries dated 1980-01-01, no clock, no locale). The workbook is written to a temporary
 * file beside path and renamed over it only when complete; on any failure the temporary
 * file is removed and a previous file at path is left as it was. When path exists and is
 * not a regular file (a FIFO, /dev/stdout), the finished workbook is copied into it
 * instead (a zip needs a seekable file to be written).
 *
 * Returns 0, LOTK_EUSAGE when result is not an object, or LOTK_EIO with err saying what
 * failed (libxlsxwriter's errors by lxw_strerror) and naming path. Nothing is allocated
 * for the caller. Not thread-safe with respect to the process umask (read, as every lotk
 * output does, to give the file the usual permissions). */
int lotk_xlsx_write(const struct json_t *result, const char *lang, const char *path,
                    struct lotk_err *err);

#endif
