/* init.h — what the two halves of `lotk init` share: cmd_init.c (the command and `--kind`),
 * init_export.c (`--from-export`) and init_files.c (the folder, files, the id). Internal to
 * the cli tier. */
#ifndef LOTK_CLI_INIT_H
#define LOTK_CLI_INIT_H

#include <stdbool.h>
#include <stddef.h>

#include "base/buf.h"
#include "base/err.h"

/* The kinds `--kind` takes, each a shipped standard's id; NULL-terminated. */
extern const char *const lotk_init_kinds[];

/* What one run of `lotk init` has made so far, so that a failure takes all of it back
 * (lotk_init_finish) and the user can simply run it again: a half scaffold would make the
 * folder "not empty" and the re-run be refused. */
struct lotk_init_scaffold {
    char *dir;       /* the folder, as given */
    bool made_dir;   /* this run made it (else it was there, empty) */
    char **made;     /* the files and folders made inside it, in order */
    size_t nmade, cap;
};

/* Makes dir, or accepts it when it is an empty folder; anything else is refused (LOTK_EUSAGE
 * for a non-empty folder or a file, LOTK_EIO when it cannot be made). sc starts zeroed and
 * is then the scaffold in dir. */
int lotk_init_prepare_dir(struct lotk_init_scaffold *sc, const char *dir, struct lotk_err *err);

/* Makes the folder name (relative to the scaffold's dir). Returns 0 or LOTK_EIO. */
int lotk_init_mkdir(struct lotk_init_scaffold *sc, const char *name, struct lotk_err *err);

/* Creates name (relative to the scaffold's dir) holding text, atomically: a failed write
 * leaves no half file. An existing file is LOTK_EIO, never overwritten. */
int lotk_init_write(struct lotk_init_scaffold *sc, const char *name, const char *text,
                    struct lotk_err *err);

/* Ends the run: with ok false, removes what it made (last first) and dir if it made it.
 * Frees sc either way. */
void lotk_init_finish(struct lotk_init_scaffold *sc, bool ok);

/* A standard id made from the last part of dir (lowercase letters, digits, '-'), with
 * "-draft" after a shipped kind's name; "FALLBACK-draft" when dir's name has no letter or
 * digit. The caller frees it. */
char *lotk_init_new_id(const char *dir, const char *fallback);

/* b's text, which the caller now owns and frees ("" when b is empty); b is left empty. */
char *lotk_init_take(struct lotk_buf *b);

/* `lotk init --from-export FILE DIR` (init_export.c). Returns 0 or an exit code with err
 * filled. */
int lotk_init_from_export(const char *file, const char *dir, struct lotk_err *err);

#endif
