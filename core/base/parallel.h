/* parallel.h — a loop whose iterations are independent, run on several threads. */
#ifndef LOTK_PARALLEL_H
#define LOTK_PARALLEL_H

#include <stddef.h>

/* Calls fn(ctx, i) once for every i in [0, n), on up to jobs threads (this one among
 * them), each taking the next i in turn; returns when every call has returned. The calls
 * must not depend on each other's order: whatever each writes is its own. With jobs ≤ 1,
 * or a thread not to be had, the calls run here, in order. */
void lotk_parallel_for(size_t n, int jobs, void (*fn)(void *ctx, size_t i), void *ctx);

#endif
