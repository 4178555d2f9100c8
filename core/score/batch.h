/* batch.h — reading a batch of survey files into one scorer, in parallel (--jobs).
 *
 * With two jobs or more, rows are scored on a thread of their own while the next are read
 * (input/rowqueue.h): in file order, on every input. With four or more, a regular file is
 * also cut into one byte range per two jobs at line starts; each range is read by its own
 * survey and scorer (and Lua state, when the standard has a respondent plugin) on its own
 * two threads, and the scorers are merged. Sums are exact (exact.h), so the result is
 * bit for bit the one a single reader gives. Two things only show after the fact, and
 * both send the file back to a single reader: a cut that fell inside a quoted multi-line
 * cell, and a respondent id seen in two ranges (the first row in file order must win).
 * Standard input, pipes, small files and runs that keep per-respondent data are read by
 * one reader (with its scorer's thread). */
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
    struct lotk_rowqueue *queue;   /* between survey and scorer, or NULL (reader_new) */
    struct lotk_survey_options survey_options; /* as set on survey, for the workers */
    struct lotk_rejects *rejects;  /* receives every rejected row, in file order */
    struct lotk_progress *progress; /* may be NULL */
    bool quiet;                    /* no notes on stderr */
    int parallel_files;            /* out: files read in parallel */
    int fallbacks;                 /* out: files sent back to one reader */
};

/* The number of processors online (at least 1): the default for --jobs. */
int lotk_batch_default_jobs(void);

/* A survey reader for standard s whose rows reach scorer and whose rejects reach rejects:
 * through a row queue, the scorer on a thread of its own, when jobs > 1 (*queue is set;
 * free it with lotk_rowqueue_free before the survey), directly otherwise (*queue NULL). */
struct lotk_rowqueue;
struct lotk_survey *lotk_batch_reader_new(const struct lotk_standard *s,
                                          struct lotk_scorer *scorer,
                                          struct lotk_rejects *rejects, int jobs,
                                          struct lotk_rowqueue **queue);

/* Reads path ("-" = standard input) into b's scorer, which is complete when it returns.
 * Returns 0 or an error as lotk_survey_read. */
int lotk_batch_read(struct lotk_batch *b, const char *path, struct lotk_err *err);

#endif
