/* isolate.h — running a library call in a child process, so that its crash is an error.
 *
 * libxlsxwriter dereferences NULL when malloc fails inside it: in lotk's process that is a
 * segfault after the result was computed (and a temporary file left behind). Run in a child,
 * the crash becomes "cannot write …" and exit 2. Only what the child writes to files
 * reaches the caller: its memory, and every change it makes there, is the child's. */
#ifndef LOTK_ISOLATE_H
#define LOTK_ISOLATE_H

#include "base/err.h"

/* Runs fn(ctx, err) in a child process and returns what it returned, with err as the child
 * filled it. When the child dies instead (a signal) or runs out of memory, returns LOTK_EIO
 * with err saying "WHAT: …". Call it when no other thread is running: the child has only
 * the calling thread. */
int lotk_isolate_run(int (*fn)(void *ctx, struct lotk_err *err), void *ctx, const char *what,
                     struct lotk_err *err);

#endif
