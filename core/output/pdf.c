/* pdf.c — HTML to PDF through headless Chromium; see pdf.h. */
#include "output/pdf.h"

#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <spawn.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "base/file.h"
#include "base/mem.h"

extern char **environ;

enum { PRINT_SECONDS = 60 };

/* The Chromium to run: $LOTK_CHROMIUM, else the first of the usual names on PATH. */
static char *find_chromium(void)
{
    const char *env = getenv("LOTK_CHROMIUM");
    if (env && *env)
        return access(env, X_OK) == 0 ? lotk_xstrdup(env) : NULL;
    static const char *const names[] = {"chromium", "chromium-browser", "google-chrome", NULL};
    const char *path = getenv("PATH");
    if (!path)
        path = "/usr/bin:/bin";
    for (int i = 0; names[i]; i++) {
        char *copy = lotk_xstrdup(path), *save = NULL;
        for (char *dir = strtok_r(copy, ":", &save); dir; dir = strtok_r(NULL, ":", &save)) {
            char *candidate = lotk_xasprintf("%s/%s", *dir ? dir : ".", names[i]);
            if (access(candidate, X_OK) == 0) {
                free(copy);
                return candidate;
            }
            free(candidate);
        }
        free(copy);
    }
    return NULL;
}

/* Runs argv with its output discarded; waits at most PRINT_SECONDS. Returns the exit
 * status, or -1 when it could not start or was killed for taking too long. */
static int run_quietly(char *const argv[])
{
    posix_spawn_file_actions_t fa;
    posix_spawn_file_actions_init(&fa);
    posix_spawn_file_actions_addopen(&fa, 0, "/dev/null", O_RDONLY, 0);
    posix_spawn_file_actions_addopen(&fa, 1, "/dev/null", O_WRONLY, 0);
    posix_spawn_file_actions_addopen(&fa, 2, "/dev/null", O_WRONLY, 0);
    pid_t pid;
    int rc = posix_spawn(&pid, argv[0], &fa, NULL, argv, environ);
    posix_spawn_file_actions_destroy(&fa);
    if (rc != 0)
        return -1;
    struct timespec tick = {0, 50 * 1000 * 1000};
    for (int waited = 0; waited < PRINT_SECONDS * 20; waited++) {
        int status;
        pid_t done = waitpid(pid, &status, WNOHANG);
        if (done == pid)
            return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
        if (done < 0 && errno != EINTR)
            return -1;
        nanosleep(&tick, NULL);
    }
    kill(pid, SIGKILL);
    waitpid(pid, NULL, 0);
    return -1;
}

static int starts_as_pdf(const char *path)
{
    char head[5] = {0};
    FILE *f = fopen(path, "rb");
    if (!f)
        return 0;
    size_t n = fread(head, 1, 5, f);
    fclose(f);
    return n == 5 && memcmp(head, "%PDF-", 5) == 0;
}

static int no_chromium(struct lotk_err *err)
{
    return lotk_err_set(err, LOTK_EIO, NULL, 0, 0,
                        "-f pdf prints the HTML report with headless Chromium, which is not "
                        "installed: install the Debian package chromium (scripts/install-deps "
                        "--browser), or give its path in LOTK_CHROMIUM; -f html writes the "
                        "report to print from any browser");
}

int lotk_pdf_ready(struct lotk_err *err)
{
    char *chromium = find_chromium();
    free(chromium);
    return chromium ? 0 : no_chromium(err);
}

int lotk_pdf_print(const char *html, size_t len, const char *path, struct lotk_err *err)
{
    char *chromium = find_chromium(), *tmpdir = NULL, *page = NULL, *profile = NULL;
    char *out = NULL, *print_arg = NULL, *profile_arg = NULL, *url = NULL;
    int rc = 0;
    if (!chromium) {
        rc = no_chromium(err);
        goto done;
    }
    const char *base = getenv("TMPDIR");
    tmpdir = lotk_xasprintf("%s/lotk-pdf-XXXXXX", base && *base ? base : "/tmp");
    if (!mkdtemp(tmpdir)) {
        rc = lotk_err_set(err, LOTK_EIO, NULL, 0, 0, "cannot make a temporary directory: %s",
                          strerror(errno));
        free(tmpdir);
        tmpdir = NULL;
        goto done;
    }
    page = lotk_xasprintf("%s/report.html", tmpdir);
    profile = lotk_xasprintf("%s/profile", tmpdir);
    if ((rc = lotk_file_write_atomic(page, html, len, err)) != 0)
        goto done;
    out = lotk_xasprintf("%s.tmpXXXXXX", path);
    int fd = mkstemp(out);
    if (fd < 0) {
        rc = lotk_err_set(err, LOTK_EIO, NULL, 0, 0, "cannot create a temporary file beside %s: %s",
                          path, strerror(errno));
        free(out);
        out = NULL;
        goto done;
    }
    close(fd);
    print_arg = lotk_xasprintf("--print-to-pdf=%s", out);
    profile_arg = lotk_xasprintf("--user-data-dir=%s", profile);
    url = lotk_xasprintf("file://%s", page);
    /* No network, no first-run work, no header or footer with a date and the file's path:
     * the pages are the report's own. --no-sandbox because lotk may run as root in CI;
     * the page is lotk's own and runs no script. */
    char *argv[] = {chromium, "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic",
                    "--no-first-run", "--disable-background-networking",
                    "--disable-component-update", "--disable-sync", "--no-pdf-header-footer",
                    profile_arg, print_arg, url, NULL};
    int status = run_quietly(argv);
    if (status != 0 || !starts_as_pdf(out)) {
        rc = lotk_err_set(err, LOTK_EIO, NULL, 0, 0,
                          "%s could not print the report to %s (%s)", chromium, path,
                          status < 0 ? "it did not finish within a minute, or did not start" :
                          status ? "it failed" : "it wrote no PDF");
        goto done;
    }
    mode_t mask = umask(0);
    umask(mask);
    chmod(out, 0666 & ~mask);
    if (rename(out, path) != 0)
        rc = lotk_err_set(err, LOTK_EIO, NULL, 0, 0, "cannot write %s: %s", path, strerror(errno));
done:
    if (out && rc)
        unlink(out);
    if (page)
        unlink(page);
    if (tmpdir) {
        /* Chromium's profile: a tree of its own, removed whatever it holds. */
        char *rm[] = {"/bin/rm", "-rf", tmpdir, NULL};
        run_quietly(rm);
    }
    free(chromium);
    free(tmpdir);
    free(page);
    free(profile);
    free(out);
    free(print_arg);
    free(profile_arg);
    free(url);
    return rc;
}
