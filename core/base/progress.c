/* progress.c — see progress.h. */
#include "base/progress.h"

#include <stdio.h>
#include <time.h>
#include <unistd.h>

enum { FIRST_DRAW_MS = 1000, REDRAW_MS = 250 };

static long now_ms(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (long)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

void lotk_progress_start(struct lotk_progress *p, uint64_t total, bool enabled)
{
    atomic_init(&p->bytes, 0);
    atomic_init(&p->rows, 0);
    atomic_init(&p->drawing, 0);
    p->total = total;
    p->enabled = enabled && isatty(STDERR_FILENO);
    p->start_ms = now_ms();
    atomic_init(&p->next_draw_ms, p->start_ms + FIRST_DRAW_MS);
}

void lotk_progress_add(struct lotk_progress *p, uint64_t bytes, long rows)
{
    if (!p)
        return;
    uint64_t done = atomic_fetch_add(&p->bytes, bytes) + bytes;
    long rows_done = atomic_fetch_add(&p->rows, rows) + rows;
    if (!p->enabled)
        return;
    long now = now_ms();
    if (now < atomic_load(&p->next_draw_ms) || atomic_exchange(&p->drawing, 1))
        return;
    atomic_store(&p->next_draw_ms, now + REDRAW_MS);
    double seconds = (double)(now - p->start_ms) / 1000.0;
    double rate = seconds > 0 ? (double)rows_done / seconds : 0;
    if (p->total)
        fprintf(stderr, "\rlotk: %5.1f%%  %ld rows  %.0f rows/s ",
                100.0 * (double)done / (double)p->total, rows_done, rate);
    else
        fprintf(stderr, "\rlotk: %ld rows  %.0f rows/s ", rows_done, rate);
    fflush(stderr);
    atomic_store(&p->drawing, 0);
}

void lotk_progress_clear(struct lotk_progress *p)
{
    if (p && p->enabled && now_ms() >= p->start_ms + FIRST_DRAW_MS)
        fputs("\r\033[K", stderr);
}

void lotk_progress_finish(struct lotk_progress *p)
{
    if (p && p->enabled && now_ms() >= p->start_ms + FIRST_DRAW_MS)
        fputs("\r\033[K", stderr);
}
