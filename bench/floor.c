/* floor.c — the parse-only floor for lotk's benchmark.
 *
 * Usage: floor [--raw] FILE|-
 *
 * Default: parses FILE with libcsv exactly as lotk's reader drives it — 64 KiB fread()s,
 * csv_init(CSV_STRICT_FINI | CSV_APPEND_NULL), a field callback and a row callback — and
 * does nothing else than count fields and rows. No scoring, no column map, no allocation
 * per row: this is the fastest lotk could be while still using libcsv, so lotk/floor is
 * the overhead of everything lotk does beyond parsing.
 *
 * --raw: reads FILE in 64 KiB blocks and counts newlines with memchr, like `wc -l`: the
 * cost of I/O alone, a floor under the floor.
 *
 * Prints "rows FIELDS_OR_LINES" counts to stdout.
 */
#include <csv.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

enum { READ_CHUNK = 1 << 16 };

struct counts {
    unsigned long long fields, rows, bytes;
};

static void on_field(void *data, size_t len, void *ctx)
{
    struct counts *c = ctx;
    c->fields++;
    c->bytes += len;
    (void)data;
}

static void on_row(int terminator, void *ctx)
{
    struct counts *c = ctx;
    c->rows++;
    (void)terminator;
}

int main(int argc, char **argv)
{
    int raw = argc == 3 && strcmp(argv[1], "--raw") == 0;
    if (argc != 2 + raw) {
        fputs("usage: floor [--raw] FILE|-\n", stderr);
        return 2;
    }
    const char *path = argv[1 + raw];
    FILE *f = strcmp(path, "-") == 0 ? stdin : fopen(path, "rb");
    if (!f) {
        fprintf(stderr, "floor: %s: %s\n", path, strerror(errno));
        return 2;
    }
    char *chunk = malloc(READ_CHUNK);
    struct counts c = {0};
    size_t n;
    if (raw) {
        while ((n = fread(chunk, 1, READ_CHUNK, f)) > 0) {
            const char *p = chunk, *end = chunk + n;
            while ((p = memchr(p, '\n', (size_t)(end - p))) != NULL) {
                c.rows++;
                p++;
            }
            c.bytes += n;
        }
        printf("lines %llu bytes %llu\n", c.rows, c.bytes);
    } else {
        struct csv_parser parser;
        if (csv_init(&parser, CSV_STRICT_FINI | CSV_APPEND_NULL) != 0) {
            fputs("floor: csv_init failed\n", stderr);
            return 2;
        }
        while ((n = fread(chunk, 1, READ_CHUNK, f)) > 0) {
            if (csv_parse(&parser, chunk, n, on_field, on_row, &c) != n) {
                fprintf(stderr, "floor: %s: %s\n", path, csv_strerror(csv_error(&parser)));
                return 1;
            }
        }
        if (csv_fini(&parser, on_field, on_row, &c) != 0) {
            fprintf(stderr, "floor: %s: unterminated quote\n", path);
            return 1;
        }
        csv_free(&parser);
        printf("rows %llu fields %llu field_bytes %llu\n", c.rows, c.fields, c.bytes);
    }
    if (ferror(f)) {
        fprintf(stderr, "floor: %s: read error\n", path);
        return 2;
    }
    free(chunk);
    return 0;
}
