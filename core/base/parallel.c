/* parallel.c — see parallel.h. */
#include "base/parallel.h"

#include <pthread.h>
#include <stdatomic.h>
#include <stdbool.h>

enum { MAX_THREADS = 64 };

struct loop {
    size_t n;
    void (*fn)(void *ctx, size_t i);
    void *ctx;
    atomic_size_t next;
};

static void *run(void *arg)
{
    struct loop *l = arg;
    for (size_t i; (i = atomic_fetch_add(&l->next, 1)) < l->n;)
        l->fn(l->ctx, i);
    return NULL;
}

void lotk_parallel_for(size_t n, int jobs, void (*fn)(void *ctx, size_t i), void *ctx)
{
    struct loop l = {n, fn, ctx, 0};
    int threads = jobs < MAX_THREADS ? jobs : MAX_THREADS;
    if ((size_t)threads > n)
        threads = (int)n;
    pthread_t t[MAX_THREADS];
    bool started[MAX_THREADS] = {false};
    for (int k = 1; k < threads; k++)
        started[k] = pthread_create(&t[k], NULL, run, &l) == 0;
    run(&l);
    for (int k = 1; k < threads; k++)
        if (started[k])
            pthread_join(t[k], NULL);
}
