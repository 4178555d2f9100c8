/* testutil.h — helpers shared by the cmocka unit tests: temporary files, loading a
 * standard from a string, reading a survey into memory, and float comparisons.
 *
 * Every test that needs a file writes its own under a fresh mkdtemp directory, so tests
 * run independently and in parallel. */
#ifndef LOTK_TESTUTIL_H
#define LOTK_TESTUTIL_H

/* cmocka needs these before its own header. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include <math.h>
#include <stdbool.h>

#include "base/diag.h"
#include "score/score.h"
#include "standard/standard.h"
#include "input/survey.h"

/* A fresh temporary directory (removed with everything in it by tu_rmtree). Caller frees. */
char *tu_tempdir(void);
/* Removes dir and the plain files in it, then frees dir. */
void tu_rmtree(char *dir);
/* Writes len bytes (len = -1: strlen) to dir/name and returns the new path the caller frees. */
char *tu_write(const char *dir, const char *name, const char *data, long len);
/* Reads a whole file into a new NUL-terminated string the caller frees; NULL if missing. */
char *tu_slurp(const char *path, size_t *len);

/* Loads yaml as a standard from a temporary file. Returns the standard (or NULL when it
 * did not load) and leaves every diagnostic in *diags. */
struct lotk_standard *tu_load(const char *yaml, struct lotk_diags *diags);
/* Like tu_load but fails the test when the standard does not load, printing its errors. */
struct lotk_standard *tu_load_ok(const char *yaml);

/* Finds a diagnostic whose message contains needle; returns its index or -1. */
int tu_find_diag(const struct lotk_diags *d, const char *needle);
/* Fails unless an error containing needle was reported at line:column. */
void tu_expect_diag(const struct lotk_diags *d, long line, long column, const char *needle,
                    const char *file, int source_line);
#define expect_diag(d, line, col, needle) tu_expect_diag(d, line, col, needle, __FILE__, __LINE__)

/* What a survey read produced, kept in memory for checking. */
struct tu_row {
    long line;
    char *org;
    char *resp;
    double *answers; /* per item */
    bool small;      /* lotk_row.small */
};
struct tu_reject {
    char *file;
    long line, column;
    char *reason;
    size_t nfields;
    char **fields;
};
struct tu_read {
    const struct lotk_standard *s;
    struct tu_row *rows;
    size_t nrows;
    struct tu_reject *rejects;
    size_t nrejects;
    struct lotk_survey_counts counts;
    int rc;
    struct lotk_err err;
};
/* Reads the CSV text csv (written to a temporary file) through a survey reader for s. */
void tu_read_csv(const struct lotk_standard *s, const char *csv, long len, struct tu_read *out);
/* The same without asking for rejected rows' fields, so that the reader may take its
 * one-digit fast path (lotk_survey_sink.reject_fields false). */
void tu_read_csv_fast(const struct lotk_standard *s, const char *csv, long len,
                      struct tu_read *out);
void tu_read_free(struct tu_read *r);
/* A sink that collects into r (r->s must be set), for tests that drive the reader. */
void tu_sinks(struct tu_read *r, struct lotk_survey_sink *sink);

/* Scores csv against s (keeping respondents) and returns the result, freeing nothing the
 * result borrows except the scorer. Fails the test on a read error. */
struct lotk_result *tu_score_csv(const struct lotk_standard *s, const char *csv);

/* The index of the organization with this id in r, or fails the test. */
const struct lotk_org_result *tu_org(const struct lotk_result *r, const char *id);
int tu_node(const struct lotk_standard *s, const char *id);

bool tu_close(double a, double b, double rel);
#define assert_close(a, b, rel)                                                              \
    do {                                                                                     \
        double a_ = (a), b_ = (b);                                                           \
        if (!tu_close(a_, b_, (rel)))                                                        \
            fail_msg("%s = %.17g, expected %.17g", #a, a_, b_);                              \
    } while (0)
#define assert_nan(a)                                                                        \
    do {                                                                                     \
        double a_ = (a);                                                                     \
        if (!isnan(a_))                                                                      \
            fail_msg("%s = %.17g, expected no value (NaN)", #a, a_);                         \
    } while (0)

#endif
