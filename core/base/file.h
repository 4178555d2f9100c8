/* file.h — reading whole files, and writing results so that a failure never leaves half
 * of one behind.
 *
 * Errors follow the one convention (err.h): 0, or LOTK_EIO with err saying what failed. */
#ifndef LOTK_FILE_H
#define LOTK_FILE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>

#include "base/err.h"

/* Reads a whole file ("-" is stdin) into a new NUL-terminated buffer the caller frees.
 * Refuses files over max_bytes. Returns 0, or LOTK_EIO with err naming path ("cannot
 * open: …", "file is larger than N bytes", "cannot read: …"). */
int lotk_file_read(const char *path, size_t max_bytes, char **data, size_t *len,
                   struct lotk_err *err);

/* lotk_file_read for the files lotk trusts to be files: standards and plugins. Anything but
 * a regular file (a FIFO, a device) is refused at once, without blocking on it. */
int lotk_file_read_regular(const char *path, size_t max_bytes, char **data, size_t *len,
                           struct lotk_err *err);

/* A result on its way to a file: written to a temporary file beside it and renamed into
 * place by commit, so readers never see half a result and a failure leaves the old file
 * alone. "-" is standard output; devices and FIFOs are written in place. */
struct lotk_output {
    const char *path;
    FILE *file;
    char *tmp;     /* the temporary file, NULL when writing in place */
    bool failed;
    int error;
};
/* Opens path for writing. Returns 0 or LOTK_EIO. */
int lotk_output_open(struct lotk_output *o, const char *path, struct lotk_err *err);
/* Appends data; errors are remembered and reported by commit. Returns 0 or -1. */
int lotk_output_write(struct lotk_output *o, const char *data, size_t len);
/* Finishes: flushes, closes and renames into place. Returns 0 or LOTK_EIO. */
int lotk_output_commit(struct lotk_output *o, struct lotk_err *err);
/* Gives up: removes the temporary file; the destination is untouched. */
void lotk_output_abort(struct lotk_output *o);

/* Writes data[0..len) (data may be NULL when len is 0) to path atomically, as
 * lotk_output_* do. "-" writes to stdout. Returns 0 or LOTK_EIO. */
int lotk_file_write_atomic(const char *path, const char *data, size_t len,
                           struct lotk_err *err);

/* ---- temporary files, removed however the run ends ------------------------------------ */

/* Records path (kept by the caller until untracked) as a temporary file being written, so
 * that lotk_file_remove_temps removes it; lotk_output_* do this themselves. */
void lotk_file_track_temp(char *path);
void lotk_file_untrack_temp(const char *path);

/* Removes every tracked temporary file. Async-signal-safe: for signal handlers and for a
 * fatal exit (out of memory). */
void lotk_file_remove_temps(void);

/* Installs handlers so that SIGINT, SIGTERM, SIGHUP and SIGPIPE remove the tracked
 * temporary files before the signal ends lotk as it would have: an interrupted run leaves
 * any previous output as it was and no FILE.tmpXXXXXX behind. */
void lotk_file_cleanup_on_signals(void);

#endif
