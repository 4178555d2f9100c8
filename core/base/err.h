/* err.h — errors and exit codes.
 *
 * Every fallible lotk function returns 0 or a negative LOTK_E* code and fills a
 * struct lotk_err that says where (file, line, column, plugin) and what went wrong.
 * The code maps one-to-one onto the process exit code (DESIGN §6). */
#ifndef LOTK_ERR_H
#define LOTK_ERR_H

#include <stdarg.h>
#include <stdio.h>

enum lotk_exit {
    LOTK_EXIT_OK = 0,
    LOTK_EXIT_REJECTED = 1, /* data rejected under --strict */
    LOTK_EXIT_USAGE = 2,    /* usage or I/O */
    LOTK_EXIT_STANDARD = 3, /* invalid standard or plugin */
    LOTK_EXIT_PLUGIN = 4,   /* plugin failed at run time */
};

/* Negative return codes; -code is the exit code. */
enum lotk_code {
    LOTK_OK = 0,
    LOTK_EREJECT = -LOTK_EXIT_REJECTED,
    LOTK_EUSAGE = -LOTK_EXIT_USAGE,
    LOTK_EIO = -LOTK_EXIT_USAGE,
    LOTK_ESTANDARD = -LOTK_EXIT_STANDARD,
    LOTK_EPLUGIN = -LOTK_EXIT_PLUGIN,
};

struct lotk_err {
    int code;          /* a negative enum lotk_code, 0 when unset */
    char file[512];    /* the input the error is about, "" when none */
    long line;         /* 1-based, 0 when unknown */
    long column;       /* 1-based, 0 when unknown */
    char plugin[128];  /* plugin name when a plugin is involved */
    char msg[1024];
};

/* Clears err to "no error". */
void lotk_err_clear(struct lotk_err *err);

/* Fills err (when non-NULL) and returns code, so callers can `return lotk_err_set(...)`.
 * file may be NULL; line and column 0 mean unknown. */
int lotk_err_set(struct lotk_err *err, int code, const char *file, long line, long column,
                 const char *fmt, ...) __attribute__((format(printf, 6, 7)));
int lotk_err_setv(struct lotk_err *err, int code, const char *file, long line, long column,
                  const char *fmt, va_list ap);

/* Names the plugin an error is about ("" or NULL: none), printed as "plugin NAME: ". */
void lotk_err_set_plugin(struct lotk_err *err, const char *plugin);

/* Moves an error to file:line:column (file NULL or "", line or column 0: unknown), for a
 * caller that knows better where the problem lies than the function that found it. */
void lotk_err_set_location(struct lotk_err *err, const char *file, long line, long column);

/* Writes "lotk: error: FILE:LINE:COL: MSG\n" (parts that are unknown are left out). */
void lotk_err_print(const struct lotk_err *err, FILE *out);

/* Writes a diagnostic of the given severity ("error", "warning", "note") with a location. */
void lotk_diag(FILE *out, const char *severity, const char *file, long line, long column,
               const char *fmt, ...) __attribute__((format(printf, 6, 7)));

/* The exit code for a return code (0 stays 0). */
int lotk_err_exit_code(int code);

#endif
