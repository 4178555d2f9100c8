/* init_files.c — what both halves of `lotk init` need (init.h): the folder made or found
 * empty, files created atomically without ever overwriting one (and taken back when the
 * run fails), and the new standard's id. */
#include <dirent.h>
#include <errno.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "base/file.h"
#include "base/mem.h"
#include "cli/init.h"

const char *const lotk_init_kinds[] = {"agency", "enterprise", "public-institution",
                                       "social-group", "community", "family", "city", NULL};

/* ---- the folder ------------------------------------------------------------------- */

/* DIR must not exist (it is made, with its parents' existence required) or be an empty
 * folder: a scaffold never mixes with files someone already has. */
int lotk_init_prepare_dir(struct lotk_init_scaffold *sc, const char *dir, struct lotk_err *err)
{
    struct stat st;
    if (stat(dir, &st) == 0) {
        if (!S_ISDIR(st.st_mode))
            return lotk_err_set(err, LOTK_EUSAGE, dir, 0, 0, "exists and is not a folder; "
                                "lotk init writes into a new or empty folder");
        DIR *d = opendir(dir);
        if (!d)
            return lotk_err_set(err, LOTK_EIO, dir, 0, 0, "cannot open: %s", strerror(errno));
        struct dirent *e;
        bool empty = true;
        while (empty && (e = readdir(d)))
            empty = strcmp(e->d_name, ".") == 0 || strcmp(e->d_name, "..") == 0;
        closedir(d);
        if (!empty)
            return lotk_err_set(err, LOTK_EUSAGE, dir, 0, 0, "the folder is not empty; "
                                "lotk init never overwrites: give a new or empty folder");
    } else if (mkdir(dir, 0777) != 0) {
        return lotk_err_set(err, LOTK_EIO, dir, 0, 0, "cannot create the folder: %s",
                            strerror(errno));
    } else {
        sc->made_dir = true;
    }
    sc->dir = lotk_xstrdup(dir);
    return 0;
}

static void made(struct lotk_init_scaffold *sc, char *path)
{
    lotk_grow(&sc->made, &sc->cap, sc->nmade + 1, sizeof *sc->made);
    sc->made[sc->nmade++] = path;
}

int lotk_init_mkdir(struct lotk_init_scaffold *sc, const char *name, struct lotk_err *err)
{
    char *path = lotk_xasprintf("%s/%s", sc->dir, name);
    if (mkdir(path, 0777) != 0) {
        int rc = lotk_err_set(err, LOTK_EIO, path, 0, 0, "cannot create: %s", strerror(errno));
        free(path);
        return rc;
    }
    made(sc, path);
    return 0;
}

char *lotk_init_take(struct lotk_buf *b)
{
    char *s = b->data ? b->data : lotk_xstrdup("");
    memset(b, 0, sizeof *b);
    return s;
}

/* The folder is new or was empty, so a file already there can only be someone else's,
 * made since: it is refused, not replaced. */
int lotk_init_write(struct lotk_init_scaffold *sc, const char *name, const char *text,
                    struct lotk_err *err)
{
    char *path = lotk_xasprintf("%s/%s", sc->dir, name);
    struct stat st;
    int rc;
    if (lstat(path, &st) == 0) {
        rc = lotk_err_set(err, LOTK_EIO, path, 0, 0, "cannot create: %s", strerror(EEXIST));
        goto done;
    }
    if ((rc = lotk_file_write_atomic(path, text, strlen(text), err)) != 0)
        goto done;
    made(sc, path);
    path = NULL;
done:
    free(path);
    return rc;
}

void lotk_init_finish(struct lotk_init_scaffold *sc, bool ok)
{
    for (size_t i = sc->nmade; i-- > 0;) {
        if (!ok)
            remove(sc->made[i]);
        free(sc->made[i]);
    }
    if (!ok && sc->made_dir)
        rmdir(sc->dir);
    free(sc->made);
    free(sc->dir);
    memset(sc, 0, sizeof *sc);
}

/* The new standard's id from the folder's name: lowercase letters, digits and '-'; a name
 * that leaves nothing, or is a shipped kind (whose id the shipped standard has), gets a
 * suffix so that `lotk score ID` never finds two. */
char *lotk_init_new_id(const char *dir, const char *fallback)
{
    const char *end = dir + strlen(dir);
    while (end > dir && end[-1] == '/')
        end--;
    const char *base = end;
    while (base > dir && base[-1] != '/')
        base--;
    struct lotk_buf b = {0};
    bool dash = false;
    for (const char *p = base; p < end; p++) {
        char c = *p;
        if (c >= 'A' && c <= 'Z')
            c = (char)(c - 'A' + 'a');
        bool ok = (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9');
        if (ok) {
            if (dash && b.len)
                lotk_buf_printf(&b, "-");
            lotk_buf_putc(&b, c);
        }
        dash = !ok;
    }
    bool shipped = false;
    for (int i = 0; b.len && lotk_init_kinds[i]; i++)
        shipped |= strcmp(b.data, lotk_init_kinds[i]) == 0;
    char *id = !b.len ? lotk_xasprintf("%s-draft", fallback) :
               shipped ? lotk_xasprintf("%s-draft", b.data) : lotk_xstrdup(b.data);
    lotk_buf_free(&b);
    return id;
}

