/* util.c — small shared helpers; see util.h. */
#include "base/util.h"

#include "base/dtoa.h"

#include <errno.h>
#include <locale.h>
#include <pthread.h>
#include <fcntl.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

static void out_of_memory(void)
{
    fputs("lotk: error: out of memory\n", stderr);
    exit(2);
}

void *lotk_xmalloc(size_t n)
{
    void *p = malloc(n ? n : 1);
    if (!p)
        out_of_memory();
    return p;
}

void *lotk_xcalloc(size_t count, size_t size)
{
    void *p = calloc(count ? count : 1, size ? size : 1);
    if (!p)
        out_of_memory();
    return p;
}

void *lotk_xrealloc(void *p, size_t n)
{
    void *q = realloc(p, n ? n : 1);
    if (!q)
        out_of_memory();
    return q;
}

char *lotk_xstrndup(const char *s, size_t n)
{
    char *p = lotk_xmalloc(n + 1);
    memcpy(p, s, n);
    p[n] = '\0';
    return p;
}

char *lotk_xstrdup(const char *s)
{
    return lotk_xstrndup(s, strlen(s));
}

char *lotk_xasprintf(const char *fmt, ...)
{
    va_list ap, ap2;
    va_start(ap, fmt);
    va_copy(ap2, ap);
    int n = vsnprintf(NULL, 0, fmt, ap);
    va_end(ap);
    char *p = lotk_xmalloc((size_t)n + 1);
    vsnprintf(p, (size_t)n + 1, fmt, ap2);
    va_end(ap2);
    return p;
}

void lotk_grow(void *array_ptr, size_t *cap, size_t need, size_t elem_size)
{
    void **array = array_ptr;
    if (need <= *cap)
        return;
    size_t n = *cap ? *cap : 8;
    while (n < need)
        n *= 2;
    *array = lotk_xrealloc(*array, n * elem_size);
    *cap = n;
}

void lotk_buf_append(struct lotk_buf *b, const char *s, size_t n)
{
    lotk_grow(&b->data, &b->cap, b->len + n + 1, 1);
    memcpy(b->data + b->len, s, n);
    b->len += n;
    b->data[b->len] = '\0';
}

void lotk_buf_puts(struct lotk_buf *b, const char *s)
{
    lotk_buf_append(b, s, strlen(s));
}

void lotk_buf_putc(struct lotk_buf *b, char c)
{
    lotk_buf_append(b, &c, 1);
}

void lotk_buf_printf(struct lotk_buf *b, const char *fmt, ...)
{
    va_list ap, ap2;
    va_start(ap, fmt);
    va_copy(ap2, ap);
    int n = vsnprintf(NULL, 0, fmt, ap);
    va_end(ap);
    lotk_grow(&b->data, &b->cap, b->len + (size_t)n + 1, 1);
    vsnprintf(b->data + b->len, (size_t)n + 1, fmt, ap2);
    va_end(ap2);
    b->len += (size_t)n;
}

void lotk_buf_reset(struct lotk_buf *b)
{
    b->len = 0;
    if (b->data)
        b->data[0] = '\0';
}

void lotk_buf_free(struct lotk_buf *b)
{
    free(b->data);
    b->data = NULL;
    b->len = b->cap = 0;
}

uint64_t lotk_hash(const void *s, size_t n)
{
    /* FNV-1a: keys are short (labels, ids), where it is as fast as anything. */
    const unsigned char *p = s;
    uint64_t h = 1469598103934665603ULL;
    for (size_t i = 0; i < n; i++) {
        h ^= p[i];
        h *= 1099511628211ULL;
    }
    return h;
}

static struct lotk_strmap_slot *strmap_find(const struct lotk_strmap *m, const char *key,
                                            size_t len, uint64_t h)
{
    size_t mask = m->cap - 1;
    for (size_t i = (size_t)h & mask;; i = (i + 1) & mask) {
        struct lotk_strmap_slot *s = &m->slots[i];
        if (!s->key || (s->hash == h && s->len == len && memcmp(s->key, key, len) == 0))
            return s;
    }
}

int lotk_strmap_get(const struct lotk_strmap *m, const char *key, size_t len)
{
    if (!m->cap)
        return -1;
    struct lotk_strmap_slot *s = strmap_find(m, key, len, lotk_hash(key, len));
    return s->key ? s->value : -1;
}

static void strmap_rehash(struct lotk_strmap *m)
{
    struct lotk_strmap old = *m;
    m->cap = old.cap ? old.cap * 2 : 16;
    m->slots = lotk_xcalloc(m->cap, sizeof *m->slots);
    for (size_t i = 0; i < old.cap; i++)
        if (old.slots[i].key)
            *strmap_find(m, old.slots[i].key, old.slots[i].len, old.slots[i].hash) =
                old.slots[i];
    free(old.slots);
}

int lotk_strmap_put(struct lotk_strmap *m, const char *key, size_t len, int value)
{
    if ((m->count + 1) * 4 > m->cap * 3)
        strmap_rehash(m);
    uint64_t h = lotk_hash(key, len);
    struct lotk_strmap_slot *s = strmap_find(m, key, len, h);
    if (s->key)
        return s->value;
    s->key = lotk_xstrndup(key, len);
    s->len = len;
    s->hash = h;
    s->value = value;
    m->count++;
    return value;
}

void lotk_strmap_free(struct lotk_strmap *m)
{
    for (size_t i = 0; i < m->cap; i++)
        free(m->slots[i].key);
    free(m->slots);
    m->slots = NULL;
    m->cap = m->count = 0;
}

/* strtod follows LC_NUMERIC. lotk never sets it, but a program embedding lotk's library
 * might: numbers are always read in the C locale, switched to for the calling thread
 * only. (lotk_fmt_double writes its digits itself and needs no locale.) */
static locale_t c_numeric;
static pthread_once_t c_numeric_once = PTHREAD_ONCE_INIT;

static void make_c_numeric(void)
{
    c_numeric = newlocale(LC_NUMERIC_MASK, "C", (locale_t)0);
}

static locale_t use_c_numeric(void)
{
    pthread_once(&c_numeric_once, make_c_numeric);
    return c_numeric ? uselocale(c_numeric) : (locale_t)0;
}

static void restore_locale(locale_t old)
{
    if (old)
        uselocale(old);
}

void lotk_fmt_double(char out[32], double x)
{
    if (isnan(x)) {
        strcpy(out, "nan");
        return;
    }
    if (isinf(x)) {
        strcpy(out, x > 0 ? "inf" : "-inf");
        return;
    }
    if (x == 0) {
        strcpy(out, "0");
        return;
    }
    /* The shortest digits that read back as x, laid out as %g lays them out at precision
     * max(digits, 15). For a normal double needing 15 digits or fewer that is %.15g byte
     * for byte, as lotk always printed: any such decimal survives the trip through a
     * double. Where 16 or 17 are needed, the earlier "first of %.16g and %.17g that reads
     * back" differs only at a power of two, whose lower neighbour is nearer than its upper
     * one: %.16g can miss where another 16 digits hit ("5.960464477539063e-08" for 2^-24,
     * once "5.9604644775390625e-08"). Subnormals hold fewer than 15 digits and now print
     * shortest as well ("5e-324", once "4.94065645841247e-324"). Old and new forms read
     * back as the same x. No printf and no strtod, which made number output a fifth of
     * `score -f csv`; and with every character written here, LC_NUMERIC cannot creep in. */
    char d[18];
    int point;
    int len = lotk_dtoa_shortest(x, d, &point);
    int e = point - 1; /* d[0] stands for 10^e */
    int prec = len > 15 ? len : 15;
    char *q = out;
    if (x < 0)
        *q++ = '-';
    if (e < -4 || e >= prec) { /* %g's choice of the exponent form */
        *q++ = d[0];
        if (len > 1) {
            *q++ = '.';
            memcpy(q, d + 1, (size_t)len - 1);
            q += len - 1;
        }
        *q++ = 'e';
        *q++ = e < 0 ? '-' : '+';
        unsigned ae = (unsigned)(e < 0 ? -e : e); /* doubles reach 10^±324 */
        if (ae >= 100)
            *q++ = (char)('0' + ae / 100);
        *q++ = (char)('0' + ae / 10 % 10); /* at least two digits, as printf */
        *q++ = (char)('0' + ae % 10);
        *q = '\0';
    } else if (e < 0) {
        *q++ = '0';
        *q++ = '.';
        for (int z = -1; z > e; z--)
            *q++ = '0';
        memcpy(q, d, (size_t)len);
        q[len] = '\0';
    } else {
        for (int i = 0; i < len || i <= e; i++) {
            if (i == e + 1)
                *q++ = '.';
            *q++ = i < len ? d[i] : '0';
        }
        *q = '\0';
    }
}

int lotk_parse_double(const char *s, size_t n, double *out)
{
    char tmp[64];
    while (n && (*s == ' ' || *s == '\t')) {
        s++;
        n--;
    }
    while (n && (s[n - 1] == ' ' || s[n - 1] == '\t'))
        n--;
    if (n == 0 || n >= sizeof tmp)
        return -1;
    /* Only plain decimal forms: strtod also takes "inf", "nan" and hex, which are not
     * answers anyone typed. */
    for (size_t i = 0; i < n; i++) {
        char c = s[i];
        if (!((c >= '0' && c <= '9') || c == '.' || c == '-' || c == '+' || c == 'e' ||
              c == 'E'))
            return -1;
    }
    memcpy(tmp, s, n);
    tmp[n] = '\0';
    char *end;
    errno = 0;
    locale_t old = use_c_numeric();
    double v = strtod(tmp, &end);
    restore_locale(old);
    if (*end != '\0' || errno == ERANGE || !isfinite(v))
        return -1;
    *out = v;
    return 0;
}

static int natural_cmp_loose(const char *a, const char *b);

int lotk_natural_cmp(const char *a, const char *b)
{
    /* Equal as numbers ("O02", "O2") is not equal: byte order then decides, so that the
     * order never depends on the order of the input. */
    int c = natural_cmp_loose(a, b);
    return c ? c : strcmp(a, b) < 0 ? -1 : strcmp(a, b) > 0;
}

static int natural_cmp_loose(const char *a, const char *b)
{
    while (*a && *b) {
        if (*a >= '0' && *a <= '9' && *b >= '0' && *b <= '9') {
            const char *sa = a, *sb = b;
            while (*sa == '0')
                sa++;
            while (*sb == '0')
                sb++;
            const char *ea = sa, *eb = sb;
            while (*ea >= '0' && *ea <= '9')
                ea++;
            while (*eb >= '0' && *eb <= '9')
                eb++;
            if (ea - sa != eb - sb)
                return ea - sa < eb - sb ? -1 : 1;
            int c = memcmp(sa, sb, (size_t)(ea - sa));
            if (c)
                return c < 0 ? -1 : 1;
            a = ea;
            b = eb;
            continue;
        }
        if (*a != *b)
            return (unsigned char)*a < (unsigned char)*b ? -1 : 1;
        a++;
        b++;
    }
    if (*a || *b)
        return *a ? 1 : -1;
    return 0;
}

bool lotk_ascii_iequal(const char *a, const char *b, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        unsigned char x = (unsigned char)a[i], y = (unsigned char)b[i];
        if (x >= 'A' && x <= 'Z')
            x = (unsigned char)(x - 'A' + 'a');
        if (y >= 'A' && y <= 'Z')
            y = (unsigned char)(y - 'A' + 'a');
        if (x != y)
            return false;
    }
    return true;
}

void lotk_rank_nearest(const size_t *distance, size_t n, int *which, size_t k)
{
    size_t *best = lotk_xmalloc((k ? k : 1) * sizeof *best);
    for (size_t j = 0; j < k; j++) {
        best[j] = (size_t)-1;
        which[j] = -1;
    }
    for (size_t i = 0; i < n; i++)
        for (size_t j = 0; j < k; j++)
            if (distance[i] < best[j]) {
                for (size_t m = k - 1; m > j; m--) {
                    best[m] = best[m - 1];
                    which[m] = which[m - 1];
                }
                best[j] = distance[i];
                which[j] = (int)i;
                break;
            }
    free(best);
}

/* The code points of UTF-8 text (an invalid byte counts as one character). */
static size_t code_points(const char *s, uint32_t **out)
{
    size_t n = strlen(s), k = 0;
    uint32_t *cp = lotk_xmalloc((n ? n : 1) * sizeof *cp);
    const unsigned char *p = (const unsigned char *)s;
    while (*p) {
        int len = *p < 0x80 ? 1 : (*p & 0xE0) == 0xC0 ? 2 : (*p & 0xF0) == 0xE0 ? 3 :
                  (*p & 0xF8) == 0xF0 ? 4 : 1;
        uint32_t c = len == 1 ? *p : *p & (0x7F >> len);
        int i = 1;
        for (; i < len && (p[i] & 0xC0) == 0x80; i++)
            c = (c << 6) | (p[i] & 0x3F);
        cp[k++] = i == len ? c : *p;
        p += i == len ? len : 1;
    }
    *out = cp;
    return k;
}

size_t lotk_edit_distance(const char *a, const char *b)
{
    /* In characters, not bytes: a Chinese character is one edit, not three. */
    uint32_t *x, *y;
    size_t la = code_points(a, &x), lb = code_points(b, &y);
    size_t *row = lotk_xmalloc((lb + 1) * sizeof *row);
    for (size_t j = 0; j <= lb; j++)
        row[j] = j;
    for (size_t i = 1; i <= la; i++) {
        size_t diag = row[0];
        row[0] = i;
        for (size_t j = 1; j <= lb; j++) {
            size_t up = row[j];
            size_t best = diag + (x[i - 1] != y[j - 1]);
            if (up + 1 < best)
                best = up + 1;
            if (row[j - 1] + 1 < best)
                best = row[j - 1] + 1;
            row[j] = best;
            diag = up;
        }
    }
    size_t d = row[lb];
    free(row);
    free(x);
    free(y);
    return d;
}

int lotk_read_file(const char *path, size_t max_bytes, char **data, size_t *len, char *msg,
                   size_t msgsize)
{
    FILE *f = strcmp(path, "-") == 0 ? stdin : fopen(path, "rb");
    if (!f) {
        snprintf(msg, msgsize, "cannot open: %s", strerror(errno));
        return -1;
    }
    struct lotk_buf b = {0};
    char chunk[65536];
    size_t n;
    int rc = 0;
    while ((n = fread(chunk, 1, sizeof chunk, f)) > 0) {
        if (b.len + n > max_bytes) {
            snprintf(msg, msgsize, "file is larger than %zu bytes", max_bytes);
            rc = -1;
            break;
        }
        lotk_buf_append(&b, chunk, n);
    }
    if (rc == 0 && ferror(f)) {
        snprintf(msg, msgsize, "cannot read: %s", strerror(errno));
        rc = -1;
    }
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

int lotk_output_open(struct lotk_output *o, const char *path, char *msg, size_t msgsize)
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
        if (!(o->file = fopen(path, "wb"))) {
            snprintf(msg, msgsize, "cannot write %s: %s", path, strerror(errno));
            return -1;
        }
        return 0;
    }
    o->tmp = lotk_xasprintf("%s.tmpXXXXXX", path);
    int fd = mkstemp(o->tmp);
    if (fd < 0 || !(o->file = fdopen(fd, "wb"))) {
        snprintf(msg, msgsize, "cannot create a temporary file beside %s: %s", path,
                 strerror(errno));
        if (fd >= 0) {
            close(fd);
            unlink(o->tmp);
        }
        free(o->tmp);
        o->tmp = NULL;
        return -1;
    }
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

int lotk_output_commit(struct lotk_output *o, char *msg, size_t msgsize)
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
        snprintf(msg, msgsize, "cannot write %s: %s",
                 strcmp(o->path, "-") == 0 ? "standard output" : o->path, strerror(o->error));
        rc = -1;
    } else if (o->tmp && rename(o->tmp, o->path) != 0) {
        snprintf(msg, msgsize, "cannot write %s: %s", o->path, strerror(errno));
        rc = -1;
    }
    if (o->tmp) {
        if (rc)
            unlink(o->tmp);
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
        free(o->tmp);
    }
    memset(o, 0, sizeof *o);
}

int lotk_write_file_atomic(const char *path, const char *data, size_t len, char *msg,
                           size_t msgsize)
{
    struct lotk_output o;
    if (lotk_output_open(&o, path, msg, msgsize) != 0)
        return -1;
    lotk_output_write(&o, data, len);
    return lotk_output_commit(&o, msg, msgsize);
}
