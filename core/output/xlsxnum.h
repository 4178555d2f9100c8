/* xlsxnum.h — numbers at full double precision in workbooks written by libxlsxwriter.
 *
 * libxlsxwriter, unless built with USE_DTOA_LIBRARY (Debian's 1.1.4 is not), writes a
 * number cell with printf "%.16G": 16 significant digits, while a double needs 17 to read
 * back as itself (3.4374999999999996 is written 3.4375). The xlsx writer notes every number
 * it writes here; the ones that "%.16G" would round are put back, after workbook_close, by
 * copying the workbook with those cells' <v> texts replaced by 17 digits. Everything else in
 * the zip is copied raw, so the copy is exactly as deterministic as the original.
 *
 * Both functions that format or compare numbers must run under the "C" numeric locale
 * (as the xlsx writer arranges with uselocale), the locale libxlsxwriter then writes in. */
#ifndef LOTK_XLSXNUM_H
#define LOTK_XLSXNUM_H

#include <stddef.h>
#include <stdint.h>

struct lotk_err;

struct lotk_xlsxnum_cell {
    uint32_t sheet; /* 1-based, in the order worksheets were added: xl/worksheets/sheetN.xml */
    uint32_t row;   /* 0-based, as libxlsxwriter counts */
    uint16_t col;
    double value;
};

/* The cells to put back; zero-initialise, release with lotk_xlsxnum_free. */
struct lotk_xlsxnum {
    struct lotk_xlsxnum_cell *cells;
    size_t count;
    size_t cap;
};

/* Notes that worksheet number sheet has x (finite) at row, col. Only a value that
 * libxlsxwriter would not write exactly is kept. Returns 0, or LOTK_EIO with err filled
 * when memory runs out. */
int lotk_xlsxnum_note(struct lotk_xlsxnum *num, uint32_t sheet, uint32_t row, uint16_t col,
                      double x, struct lotk_err *err);

/* Copies the workbook from (closed by libxlsxwriter) to the path to, with every noted cell's
 * value written in 17 significant digits. to is created or truncated; on failure it may be
 * left partly written (the caller owns and removes it). Errors are LOTK_EIO naming from, the
 * zip entry and the cell. Sorts num->cells. */
int lotk_xlsxnum_apply(struct lotk_xlsxnum *num, const char *from, const char *to,
                       struct lotk_err *err);

/* Releases the noted cells (NULL-safe); num can be reused afterwards. */
void lotk_xlsxnum_free(struct lotk_xlsxnum *num);

#endif
