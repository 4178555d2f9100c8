/* progress.h — a progress line on stderr for long reads: percent of the input's bytes and
 * rows per second, redrawn a few times a second, only when stderr is a terminal. Readers
 * in several threads report into one; whoever finds the line due draws it. */
#ifndef LOTK_PROGRESS_H
#define LOTK_PROGRESS_H

#include <stdatomic.h>
#include <stdbool.h>
#include <stdint.h>

struct lotk_progress {
    atomic_uint_least64_t bytes;
    atomic_long rows;
    atomic_int drawing;      /* one thread draws at a time */
    atomic_long next_draw_ms;
    uint64_t total;          /* bytes expected; 0 when unknown (a pipe) */
    long start_ms;
    bool enabled;
};

/* Starts a progress line for total bytes (0 = unknown). It shows only when enabled and
 * stderr is a terminal, and only once the read has taken more than a second. */
void lotk_progress_start(struct lotk_progress *p, uint64_t total, bool enabled);

/* Counts bytes and rows read; draws the line when it is due. Thread-safe. */
void lotk_progress_add(struct lotk_progress *p, uint64_t bytes, long rows);

/* Clears the line, if one was drawn, so that a message can be printed; the next draw
 * brings it back. */
void lotk_progress_clear(struct lotk_progress *p);

/* Clears the line, if one was drawn. */
void lotk_progress_finish(struct lotk_progress *p);

#endif
