/* pdf.h — an HTML report printed to PDF by headless Chromium (Debian's chromium), A4, as
 * the report's own print stylesheet lays it out. */
#ifndef LOTK_PDF_H
#define LOTK_PDF_H

#include <stddef.h>

#include "base/err.h"

/* Prints html[0..len) to path (a file; not "-"), written beside it and renamed into place
 * only when Chromium produced a PDF. Chromium is looked up on PATH (chromium,
 * chromium-browser, google-chrome) or taken from $LOTK_CHROMIUM. Returns 0, or LOTK_EIO:
 * Chromium missing (naming the Debian package), failing, taking longer than a minute, or
 * the file not written. The PDF's bytes carry Chromium's creation date: unlike the HTML,
 * two prints of one report are the same pages, not the same bytes. */
int lotk_pdf_print(const char *html, size_t len, const char *path, struct lotk_err *err);

/* Whether Chromium is there to print with: 0, or LOTK_EIO with the same message
 * lotk_pdf_print would give. For commands to say so before any long work. */
int lotk_pdf_ready(struct lotk_err *err);

#endif
