/* util.h — memory, growable buffers, a string → index map, number formatting.
 *
 * Allocation failure is not recoverable for a command-line tool that holds only
 * organizations × items: lotk_x* print "out of memory" and exit 2. */
#ifndef LOTK_UTIL_H
#define LOTK_UTIL_H

#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stddef.h>
#include <stdint.h>

void *lotk_xmalloc(size_t n);
void *lotk_xcalloc(size_t count, size_t size);
void *lotk_xrealloc(void *p, size_t n);
/* Returns a new copy the caller frees. */
char *lotk_xstrdup(const char *s);
char *lotk_xstrndup(const char *s, size_t n);
/* Returns a new printf-formatted string the caller frees. */
char *lotk_xasprintf(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

/* Grows *array (of elem_size) so that it holds at least need elements. */
void lotk_grow(void *array_ptr, size_t *cap, size_t need, size_t elem_size);

/* A growable byte buffer, always NUL-terminated once anything was appended. */
struct lotk_buf {
    char *data;
    size_t len, cap;
};
void lotk_buf_append(struct lotk_buf *b, const char *s, size_t n);
void lotk_buf_puts(struct lotk_buf *b, const char *s);
void lotk_buf_putc(struct lotk_buf *b, char c);
void lotk_buf_printf(struct lotk_buf *b, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
void lotk_buf_reset(struct lotk_buf *b);
void lotk_buf_free(struct lotk_buf *b);

/* An open-addressing map from byte strings to non-negative ints. Keys are copied into
 * the map's own storage. */
struct lotk_strmap {
    struct lotk_strmap_slot {
        char *key;
        size_t len;
        uint64_t hash;
        int value;
    } *slots;
    size_t cap, count;
};
uint64_t lotk_hash(const void *s, size_t n);
/* Returns the value stored for key, or -1. */
int lotk_strmap_get(const struct lotk_strmap *m, const char *key, size_t len);
/* Stores key → value unless key is present; returns the value now stored for key. */
int lotk_strmap_put(struct lotk_strmap *m, const char *key, size_t len, int value);
void lotk_strmap_free(struct lotk_strmap *m);

/* Writes the shortest decimal form of x that reads back as exactly x, in the C locale
 * whatever LC_NUMERIC says ("72.5", "0.74", "1e-07"). out must hold 32 bytes. */
void lotk_fmt_double(char out[32], double x);

/* Parses a decimal number with '.' as the point whatever the locale. The whole of
 * s[0..n) must be the number (surrounding blanks allowed). Returns 0 on success. */
int lotk_parse_double(const char *s, size_t n, double *out);

/* Orders strings with runs of digits compared as numbers ("ORG2" < "ORG10"). */
int lotk_natural_cmp(const char *a, const char *b);

/* Whether a[0..n) and b[0..n) are equal ignoring ASCII case. ASCII only and locale-proof:
 * strcasecmp follows LC_CTYPE, where a Turkish locale would not match "ip" to "IP". */
bool lotk_ascii_iequal(const char *a, const char *b, size_t n);

/* Ranks candidates for "did you mean": fills which[0..k) with the indices of the k
 * smallest distance[i] (ties by index; -1 where there are fewer than k candidates). */
void lotk_rank_nearest(const size_t *distance, size_t n, int *which, size_t k);

/* Edit distance between two strings, in characters, for "did you mean" suggestions. */
size_t lotk_edit_distance(const char *a, const char *b);

/* Reads a whole file ("-" is stdin) into a new NUL-terminated buffer the caller frees.
 * Refuses files over max_bytes. Returns 0, or -1 with errno-like message in msg. */
int lotk_read_file(const char *path, size_t max_bytes, char **data, size_t *len, char *msg,
                   size_t msgsize);

/* A result on its way to a file: written to a temporary file beside it and renamed into
 * place by commit, so readers never see half a result and a failure leaves the old file
 * alone. "-" is standard output; devices and FIFOs are written in place. */
struct lotk_output {
    const char *path;
    FILE *file;
    char *tmp;     /* the temporary file, NULL when writing in place */
    bool failed;
    int error;
};
/* Opens path for writing. Returns 0, or -1 with a message in msg. */
int lotk_output_open(struct lotk_output *o, const char *path, char *msg, size_t msgsize);
/* Appends data; errors are remembered and reported by commit. Returns 0 or -1. */
int lotk_output_write(struct lotk_output *o, const char *data, size_t len);
/* Finishes: flushes, closes and renames into place. Returns 0, or -1 with a message. */
int lotk_output_commit(struct lotk_output *o, char *msg, size_t msgsize);
/* Gives up: removes the temporary file; the destination is untouched. */
void lotk_output_abort(struct lotk_output *o);

/* Writes data to path atomically (temporary file in the same directory, then rename).
 * "-" writes to stdout. Returns 0, or -1 with a message in msg. */
int lotk_write_file_atomic(const char *path, const char *data, size_t len, char *msg,
                           size_t msgsize);

#endif
