/* report.h — the reports an assessor hands over (DESIGN §9, issue 11): HTML and Markdown
 * rendered by the Lua report plugins `html` and `markdown` (a user's plugin of that name
 * found first on the plugin search path wins), an Excel workbook (xlsx.c) and PDF (the
 * HTML printed by headless Chromium, pdf.c).
 *
 * Every report is rendered from the JSON result document — the one lotk_write_json_result
 * writes and `lotk report RESULT.json` reads back — never from the scoring structures, so
 * a report made while scoring and one made later from the saved result are the same
 * bytes. */
#ifndef LOTK_REPORT_H
#define LOTK_REPORT_H

#include <stdbool.h>
#include <stddef.h>

#include <jansson.h>

#include "base/err.h"
#include "lua/plugin.h"

/* Whether format is a report format: html, md, xlsx or pdf. */
bool lotk_report_format(const char *format);

/* The language a report of doc is written in when --lang is not given: the standard's
 * first title language (standard.languages[0]), else "zh". */
const char *lotk_report_default_lang(const json_t *doc);

/* Keeps only the organizations ids[0..n) in doc's organizations array (in its order) and
 * records them as batch.selected; ranks, medians and percentiles are left as they were,
 * those of the whole batch. Returns 0, or LOTK_EUSAGE naming an id doc does not hold, with
 * the closest ones. */
int lotk_report_select(json_t *doc, const char *const *ids, size_t n, struct lotk_err *err);

/* Renders doc as format (lotk_report_format) in lang ("zh" or "en") to path ("-" = stdout
 * for the text formats; a file for xlsx and pdf), atomically. plugins finds and runs the
 * report plugins (html, md, pdf). Returns 0, LOTK_EPLUGIN when a report plugin fails,
 * LOTK_ESTANDARD when it cannot be loaded, LOTK_EIO when the output cannot be written or
 * Chromium is missing or fails (pdf). */
int lotk_report_write(const json_t *doc, const char *format, const char *lang,
                      struct lotk_plugins *plugins, const char *path, struct lotk_err *err);

#endif
