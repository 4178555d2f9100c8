/* rowqueue.h — a survey sink that hands decoded rows to a second thread.
 *
 * Reading a survey (libcsv, decoding answers, respondent ids, rejections) and scoring its
 * rows (leaf values, organizations' sums, statistics) cost about the same; with a queue
 * between them they run on two cores, in file order, into one set of accumulators. Unlike
 * reading byte ranges on threads (batch.c), nothing is held twice, nothing is merged, and
 * it works on every input: standard input, CRLF files, quoted multi-line cells, rows kept
 * per respondent. The rows reach the wrapped sink exactly as a direct reader would hand
 * them, in the same order, so the result is the same by construction.
 *
 * The producer (the survey reader) calls the queue's sink; rejected rows stay on the
 * producer's thread (lotk_rowqueue_sink passes on_reject through). The wrapped on_row runs
 * on the consumer thread only, and must touch nothing the reader touches. */
#ifndef LOTK_ROWQUEUE_H
#define LOTK_ROWQUEUE_H

#include <stddef.h>

#include "base/err.h"
#include "input/survey.h"

struct lotk_rowqueue;

/* A queue in front of sink `to` for rows of nitems answers. prefetch, when not NULL, is
 * called on the consumer thread with to->row_ctx and the organization of a row a few rows
 * before that row reaches to->on_row (what lotk_survey_on_org does for a direct reader). */
struct lotk_rowqueue *lotk_rowqueue_new(const struct lotk_survey_sink *to, size_t nitems,
                                        void (*prefetch)(void *ctx, const char *org,
                                                         size_t len));

/* The sink a survey reader is given: rows go through the queue, rejects straight to `to`. */
struct lotk_survey_sink lotk_rowqueue_sink(struct lotk_rowqueue *q);

/* Waits until every row handed in so far has reached the wrapped sink, and stops the
 * consumer thread (the next row starts it again). Returns 0, or the first error the
 * wrapped on_row returned, with err filled as that call filled it. Call it before
 * anything reads what the wrapped sink accumulates, and after a failed read too: a row
 * the consumer failed on came before any row the reader failed on; and at the end of
 * each file read, before the file's name (each row's file) is freed. NULL: returns 0. */
int lotk_rowqueue_drain(struct lotk_rowqueue *q, struct lotk_err *err);

/* Drains (ignoring errors) and frees; NULL is accepted. */
void lotk_rowqueue_free(struct lotk_rowqueue *q);

#endif
