/* batch.h — reading a batch of survey files into one scorer, in parallel where a file
 * allows it (--jobs).
 *
 * A regular file is cut into one byte range per job at line starts; each range is read by
 * its own survey and scorer (and Lua state, when the standard has a respondent plugin) in
 * its own thread, and the scorers are merged. Sums are exact (exact.h), so the result is
 * bit for bit the one a single reader gives. Two things only show after the fact, and
 * both send the file back to a single reader: a cut that fell inside a quoted multi-line
 * cell, and a respondent id seen in two ranges (the first row in file order must win).
 * Standard input, pipes, small files and runs that keep per-respondent data are read by
 * one reader. */
#ifndef LOTK_BATCH_H
#define LOTK_BATCH_H

#include <stdbool.h>

#include "base/err.h"
#include "lua/lhost.h"
#include "base/progress.h"
#include "input/rejects.h"
#include "score/score.h"
#include "input/survey.h"

struct lotk_batch {
    const struct lotk_standard *s;
    int jobs;                      /* threads to use; 1 reads sequentially */
    bool sequential_only;          /* e.g. --respondents: rows must arrive in file order */
    const struct lotk_lhost_limits *plugin_limits;
    struct lotk_scorer *scorer;    /* receives every row (or the merged workers) */
    struct lotk_survey *survey;    /* its reader: counts and respondent ids */
    struct lotk_survey_options survey_options; /* as set on survey, for the workers */
    struct lotk_rejects *rejects;  /* receives every rejected row, in file order */
    struct lotk_progress *progress; /* may be NULL */
    bool quiet;                    /* no notes on stderr */
    int parallel_files;            /* out: files read in parallel */
    int fallbacks;                 /* out: files sent back to one reader */
};

/* The number of processors online (at least 1): the default for --jobs. */
int lotk_batch_default_jobs(void);

/* Reads path ("-" = standard input) into b's scorer. Returns 0 or an error as
 * lotk_survey_read. */
int lotk_batch_read(struct lotk_batch *b, const char *path, struct lotk_err *err);

#endif
