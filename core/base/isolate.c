/* isolate.c — a function run in a child process; see isolate.h. */
#define _GNU_SOURCE
#include "base/isolate.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <signal.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "base/mem.h"

/* The child's end of the pipe that carries its struct lotk_err back. */
static int child_pipe = -1;

/* Sends err to the parent and ends the child. write(2) of less than PIPE_BUF is atomic,
 * and nothing here allocates: this also runs when the child has run out of memory. */
static _Noreturn void child_finish(const struct lotk_err *err)
{
    ssize_t n;
    do
        n = write(child_pipe, err, sizeof *err);
    while (n < 0 && errno == EINTR);
    _exit(0);
}

/* lotk_mem_fail in the child: the parent reports it (and removes its temporary files). */
static void child_out_of_memory(void)
{
    static struct lotk_err err; /* static: no stack or heap needed */
    lotk_err_set(&err, LOTK_EIO, NULL, 0, 0, "out of memory");
    child_finish(&err);
}

_Static_assert(sizeof(struct lotk_err) <= PIPE_BUF, "one atomic write");

/* Reads the child's report; returns true when it is complete. */
static bool read_report(int fd, struct lotk_err *out)
{
    size_t got = 0;
    while (got < sizeof *out) {
        ssize_t n = read(fd, (char *)out + got, sizeof *out - got);
        if (n < 0 && errno == EINTR)
            continue;
        if (n <= 0)
            return false;
        got += (size_t)n;
    }
    return true;
}

int lotk_isolate_run(int (*fn)(void *ctx, struct lotk_err *err), void *ctx, const char *what,
                     struct lotk_err *err)
{
    int fds[2];
    if (pipe2(fds, O_CLOEXEC) != 0)
        return lotk_err_set(err, LOTK_EIO, NULL, 0, 0, "%s: %s", what, strerror(errno));
    fflush(NULL); /* or the child's exit would write the parent's buffered output again */
    pid_t pid = fork();
    if (pid < 0) {
        int e = errno;
        close(fds[0]);
        close(fds[1]);
        return lotk_err_set(err, LOTK_EIO, NULL, 0, 0, "%s: %s", what, strerror(e));
    }
    if (pid == 0) {
        close(fds[0]);
        child_pipe = fds[1];
        lotk_mem_on_failure(child_out_of_memory);
        static struct lotk_err child_err;
        lotk_err_clear(&child_err);
        int rc = fn(ctx, &child_err);
        child_err.code = rc;
        child_finish(&child_err);
    }
    close(fds[1]);
    struct lotk_err report;
    bool complete = read_report(fds[0], &report);
    close(fds[0]);
    int status = 0;
    while (waitpid(pid, &status, 0) < 0 && errno == EINTR)
        ;
    if (complete && WIFEXITED(status) && WEXITSTATUS(status) == 0) {
        if (err)
            *err = report;
        return report.code;
    }
    if (WIFSIGNALED(status))
        return lotk_err_set(err, LOTK_EIO, NULL, 0, 0, "%s: the library failed (%s)%s", what,
                            strsignal(WTERMSIG(status)),
                            WTERMSIG(status) == SIGSEGV ? ", probably out of memory" : "");
    return lotk_err_set(err, LOTK_EIO, NULL, 0, 0, "%s: the library failed (exit %d)", what,
                        WIFEXITED(status) ? WEXITSTATUS(status) : -1);
}
