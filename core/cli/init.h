/* init.h — what the two halves of `lotk init` share: cmd_init.c (the command and `--kind`),
 * init_export.c (`--from-export`) and init_files.c (the folder, files, the id). Internal to
 * the cli tier. */
#ifndef LOTK_CLI_INIT_H
#define LOTK_CLI_INIT_H

#include "base/buf.h"
#include "base/err.h"

/* The kinds `--kind` takes, each a shipped standard's id; NULL-terminated. */
extern const char *const lotk_init_kinds[];

/* Makes dir, or accepts it when it is an empty folder; anything else is refused (LOTK_EUSAGE
 * for a non-empty folder or a file, LOTK_EIO when it cannot be made). */
int lotk_init_prepare_dir(const char *dir, struct lotk_err *err);

/* Creates dir/name holding text; an existing file is LOTK_EIO, never overwritten. */
int lotk_init_write(const char *dir, const char *name, const char *text, struct lotk_err *err);

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
