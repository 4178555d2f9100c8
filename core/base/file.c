/* file.c — reading whole files and writing results atomically; see file.h. */
#include "base/file.h"

#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "base/buf.h"
#include "base/mem.h"

/* Opens path for reading without blocking on a FIFO that has no writer (a FIFO on a
 * search path must not hang lotk), then checks what it is. */
static FILE *open_input(const char *path, bool regular_only, struct lotk_err *err)
{
    if (strcmp(path, "-") == 0)
        return stdin;
    int fd = open(path, O_RDONLY | O_NONBLOCK | O_CLOEXEC);
    if (fd < 0) {
        lotk_err_set(err, LOTK_EIO, path, 0, 0, "cannot open: %s", strerror(errno));
        return NULL;
    }
    struct stat st;
    const char *what = NULL;
    if (fstat(fd, &st) != 0)
        what = strerror(errno);
    else if (S_ISDIR(st.st_mode))
        what = "it is a directory";
    else if (regular_only && !S_ISREG(st.st_mode))
        what = S_ISFIFO(st.st_mode) ? "it is a FIFO, not a regular file" :
                                      "it is a device, not a regular file";
    if (what) {
        lotk_err_set(err, LOTK_EIO, path, 0, 0, "cannot read: %s", what);
        close(fd);
        return NULL;
    }
    /* Blocking again from here: a pipe given as an input is read to its end. */
    fcntl(fd, F_SETFL, fcntl(fd, F_GETFL) & ~O_NONBLOCK);
    FILE *f = fdopen(fd, "rb");
    if (!f) {
        lotk_err_set(err, LOTK_EIO, path, 0, 0, "cannot open: %s", strerror(errno));
        close(fd);
    }
    return f;
}

static int read_whole(const char *path, bool regular_only, size_t max_bytes, char **data,
                      size_t *len, struct lotk_err *err)
{
    FILE *f = open_input(path, regular_only, err);
    if (!f)
        return LOTK_EIO;
    struct lotk_buf b = {0};
    char chunk[65536];
    size_t n;
    int rc = 0;
    while ((n = fread(chunk, 1, sizeof chunk, f)) > 0) {
        if (b.len + n > max_bytes) {
            rc = lotk_err_set(err, LOTK_EIO, path, 0, 0, "file is larger than %zu bytes",
                              max_bytes);
            break;
        }
        lotk_buf_append(&b, chunk, n);
    }
    if (rc == 0 && ferror(f))
        rc = lotk_err_set(err, LOTK_EIO, path, 0, 0, "cannot read: %s", strerror(errno));
    if (f != stdin)
        fclose(f);
    if (rc) {
        lotk_buf_free(&b);
        return rc;
    }
    if (!b.data)
        b.data = lotk_xcalloc(1, 1);
    *data = b.data;
    *len = b.len;
    return 0;
}

int lotk_file_read(const char *path, size_t max_bytes, char **data, size_t *len,
                   struct lotk_err *err)
{
    return read_whole(path, false, max_bytes, data, len, err);
}

int lotk_file_read_regular(const char *path, size_t max_bytes, char **data, size_t *len,
                           struct lotk_err *err)
{
    return read_whole(path, true, max_bytes, data, len, err);
}

/* ---- temporary files, removed however the run ends ------------------------------------ */

/* The temporary files being written, for a signal handler or a fatal exit to remove: a
 * fixed table of pointers set and cleared atomically, so the handler needs no lock. */
enum { MAX_TEMPS = 64 };
static char *_Atomic temps[MAX_TEMPS];

void lotk_file_track_temp(char *path)
{
    for (int i = 0; i < MAX_TEMPS; i++) {
        char *expected = NULL;
        if (atomic_compare_exchange_strong(&temps[i], &expected, path))
            return;
    }
    /* More than MAX_TEMPS outputs at once: this one is not cleaned up by a signal. */
}

void lotk_file_untrack_temp(const char *path)
{
    for (int i = 0; i < MAX_TEMPS; i++) {
        char *expected = (char *)path;
        if (atomic_compare_exchange_strong(&temps[i], &expected, NULL))
            return;
    }
}

void lotk_file_remove_temps(void)
{
    for (int i = 0; i < MAX_TEMPS; i++) {
        char *p = atomic_exchange(&temps[i], NULL);
        if (p)
            unlink(p); /* async-signal-safe */
    }
}

static void on_fatal_signal(int sig)
{
    lotk_file_remove_temps();
    signal(sig, SIG_DFL);
    raise(sig);
}

void lotk_file_cleanup_on_signals(void)
{
    lotk_mem_on_failure(lotk_file_remove_temps);
    static const int sigs[] = {SIGINT, SIGTERM, SIGHUP, SIGPIPE};
    for (size_t i = 0; i < sizeof sigs / sizeof *sigs; i++) {
        struct sigaction sa;
        memset(&sa, 0, sizeof sa);
        sa.sa_handler = on_fatal_signal;
        sigemptyset(&sa.sa_mask);
        sigaction(sigs[i], &sa, NULL);
    }
}

int lotk_output_open(struct lotk_output *o, const char *path, struct lotk_err *err)
{
    memset(o, 0, sizeof *o);
    o->path = path;
    if (strcmp(path, "-") == 0) {
        o->file = stdout;
        return 0;
    }
    /* Only a regular file (or a new one) is replaced by rename: renaming over /dev/null
     * or a FIFO would replace the device itself. Those are written in place. */
    struct stat st;
    if (stat(path, &st) == 0 && !S_ISREG(st.st_mode)) {
        if (!(o->file = fopen(path, "wb")))
            return lotk_err_set(err, LOTK_EIO, NULL, 0, 0, "cannot write %s: %s", path,
                                strerror(errno));
        return 0;
    }
    o->tmp = lotk_xasprintf("%s.tmpXXXXXX", path);
    int fd = mkstemp(o->tmp);
    if (fd < 0 || !(o->file = fdopen(fd, "wb"))) {
        lotk_err_set(err, LOTK_EIO, NULL, 0, 0, "cannot create a temporary file beside %s: %s",
                     path, strerror(errno));
        if (fd >= 0) {
            close(fd);
            unlink(o->tmp);
        }
        free(o->tmp);
        o->tmp = NULL;
        return LOTK_EIO;
    }
    lotk_file_track_temp(o->tmp);
    /* Results files are meant to be shared: the usual permissions, not mkstemp's 0600. */
    mode_t mask = umask(0);
    umask(mask);
    fchmod(fd, 0666 & ~mask);
    return 0;
}

int lotk_output_write(struct lotk_output *o, const char *data, size_t len)
{
    if (o->failed || len == 0)
        return o->failed ? -1 : 0;
    if (fwrite(data, 1, len, o->file) != len) {
        o->failed = true;
        o->error = errno;
        return -1;
    }
    return 0;
}

int lotk_output_commit(struct lotk_output *o, struct lotk_err *err)
{
    int rc = 0;
    if (!o->file)
        return 0;
    if (fflush(o->file) != 0 && !o->failed) {
        o->failed = true;
        o->error = errno;
    }
    if (o->file != stdout && fclose(o->file) != 0 && !o->failed) {
        o->failed = true;
        o->error = errno;
    }
    o->file = NULL;
    if (o->failed) {
        rc = lotk_err_set(err, LOTK_EIO, NULL, 0, 0, "cannot write %s: %s",
                          strcmp(o->path, "-") == 0 ? "standard output" : o->path,
                          strerror(o->error));
    } else if (o->tmp && rename(o->tmp, o->path) != 0) {
        rc = lotk_err_set(err, LOTK_EIO, NULL, 0, 0, "cannot write %s: %s", o->path,
                          strerror(errno));
    }
    if (o->tmp) {
        if (rc)
            unlink(o->tmp);
        lotk_file_untrack_temp(o->tmp); /* after the rename: a signal between is harmless */
        free(o->tmp);
        o->tmp = NULL;
    }
    return rc;
}

void lotk_output_abort(struct lotk_output *o)
{
    if (o->file && o->file != stdout)
        fclose(o->file);
    if (o->tmp) {
        unlink(o->tmp);
        lotk_file_untrack_temp(o->tmp);
        free(o->tmp);
    }
    memset(o, 0, sizeof *o);
}

int lotk_file_write_atomic(const char *path, const char *data, size_t len,
                           struct lotk_err *err)
{
    struct lotk_output o;
    int rc = lotk_output_open(&o, path, err);
    if (rc)
        return rc;
    lotk_output_write(&o, data ? data : "", len);
    return lotk_output_commit(&o, err);
}
