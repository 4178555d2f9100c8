/* init_files.c — what both halves of `lotk init` need (init.h): the folder made or found
 * empty, files created without ever overwriting one, and the new standard's id. */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "base/mem.h"
#include "cli/init.h"

const char *const lotk_init_kinds[] = {"agency", "enterprise", "public-institution",
                                       "social-group", "community", "family", "city", NULL};

/* ---- the folder ------------------------------------------------------------------- */

/* DIR must not exist (it is made, with its parents' existence required) or be an empty
 * folder: a scaffold never mixes with files someone already has. */
int lotk_init_prepare_dir(const char *dir, struct lotk_err *err)
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
    }
    return 0;
}

char *lotk_init_take(struct lotk_buf *b)
{
    char *s = b->data ? b->data : lotk_xstrdup("");
    memset(b, 0, sizeof *b);
    return s;
}

/* Creates dir/name with text; an existing file is an error, never replaced. */
int lotk_init_write(const char *dir, const char *name, const char *text, struct lotk_err *err)
{
    char *path = lotk_xasprintf("%s/%s", dir, name);
    int rc = 0;
    int fd = open(path, O_WRONLY | O_CREAT | O_EXCL, 0666);
    if (fd < 0) {
        rc = lotk_err_set(err, LOTK_EIO, path, 0, 0, "cannot create: %s", strerror(errno));
        goto done;
    }
    size_t len = strlen(text), off = 0;
    while (off < len) {
        ssize_t n = write(fd, text + off, len - off);
        if (n < 0 && errno == EINTR)
            continue;
        if (n <= 0) {
            rc = lotk_err_set(err, LOTK_EIO, path, 0, 0, "cannot write: %s", strerror(errno));
            break;
        }
        off += (size_t)n;
    }
    if (close(fd) != 0 && rc == 0)
        rc = lotk_err_set(err, LOTK_EIO, path, 0, 0, "cannot write: %s", strerror(errno));
done:
    free(path);
    return rc;
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

