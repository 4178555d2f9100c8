/* dir.h — the files of a directory, for the search paths of standards and plugins. */
#ifndef LOTK_DIR_H
#define LOTK_DIR_H

/* Calls fn with "dir/NAME" for every entry of dir whose name ends in suffix (and is longer
 * than it), in byte order of the names: readdir's order is not stable, and a search path
 * must not depend on it. A directory that cannot be opened has no files. */
void lotk_dir_each(const char *dir, const char *suffix, void (*fn)(const char *path, void *ctx),
                   void *ctx);

#endif
