/* err.c — filling and printing struct lotk_err. */
#include "base/err.h"

#include <string.h>

void lotk_err_clear(struct lotk_err *err)
{
    if (err)
        memset(err, 0, sizeof *err);
}

int lotk_err_setv(struct lotk_err *err, int code, const char *file, long line, long column,
                  const char *fmt, va_list ap)
{
    if (!err)
        return code;
    err->code = code;
    snprintf(err->file, sizeof err->file, "%s", file ? file : "");
    err->line = line;
    err->column = column;
    vsnprintf(err->msg, sizeof err->msg, fmt, ap);
    return code;
}

int lotk_err_set(struct lotk_err *err, int code, const char *file, long line, long column,
                 const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    lotk_err_setv(err, code, file, line, column, fmt, ap);
    va_end(ap);
    return code;
}

void lotk_err_set_plugin(struct lotk_err *err, const char *plugin)
{
    if (err)
        snprintf(err->plugin, sizeof err->plugin, "%s", plugin ? plugin : "");
}

void lotk_err_set_location(struct lotk_err *err, const char *file, long line, long column)
{
    if (!err)
        return;
    snprintf(err->file, sizeof err->file, "%s", file ? file : "");
    err->line = line;
    err->column = column;
}

static void print_location(FILE *out, const char *file, long line, long column)
{
    if (file && *file) {
        fputs(file, out);
        if (line > 0) {
            fprintf(out, ":%ld", line);
            if (column > 0)
                fprintf(out, ":%ld", column);
        }
        fputs(": ", out);
    }
}

void lotk_err_print(const struct lotk_err *err, FILE *out)
{
    fputs("lotk: error: ", out);
    print_location(out, err->file, err->line, err->column);
    if (err->plugin[0])
        fprintf(out, "plugin %s: ", err->plugin);
    fprintf(out, "%s\n", err->msg[0] ? err->msg : "unknown error");
}

void lotk_diag(FILE *out, const char *severity, const char *file, long line, long column,
               const char *fmt, ...)
{
    va_list ap;
    fprintf(out, "lotk: %s: ", severity);
    print_location(out, file, line, column);
    va_start(ap, fmt);
    vfprintf(out, fmt, ap);
    va_end(ap);
    fputc('\n', out);
}

int lotk_err_exit_code(int code)
{
    return code < 0 ? -code : code;
}
