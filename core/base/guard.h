/* guard.h — a user's files are sacred: before a command writes anything, every output it
 * will write is checked against every file it reads and against every other output. Files
 * are compared by device and inode, not by name (./a.csv, a.csv and a symlink to it are one
 * file); outputs that do not exist yet by their directory's device and inode and their
 * name. Standard output and devices (/dev/null) are written in place, so they are never a
 * clash. */
#ifndef LOTK_GUARD_H
#define LOTK_GUARD_H

#include <stdbool.h>
#include <stddef.h>
#include <sys/types.h>

#include "base/err.h"

struct lotk_guard {
    struct lotk_guard_file {
        char *path;       /* as given */
        const char *role; /* what it is, for messages: "the survey", "-o", "--rejects" */
        bool output;
        bool exists;      /* dev and ino are the file's; else dir_dev and dir_ino and name */
        dev_t dev, dir_dev;
        ino_t ino, dir_ino;
        char *name;       /* the last part of the path, for outputs that do not exist yet */
    } *files;
    size_t n, cap;
};

/* Records path (read by the command) as role (static text, such as "the survey"). "-" and
 * files that cannot be found are not recorded: nothing can be written over them. */
void lotk_guard_input(struct lotk_guard *g, const char *path, const char *role);

/* Records path as an output (role: the option that names it, such as "-o"), unless it is
 * the same file as a recorded input or output. Returns 0, or LOTK_EUSAGE with err saying
 * which two clash ("-o X is the survey X: lotk never writes over a file it reads"). */
int lotk_guard_output(struct lotk_guard *g, const char *path, const char *role,
                      struct lotk_err *err);

void lotk_guard_free(struct lotk_guard *g);

#endif
