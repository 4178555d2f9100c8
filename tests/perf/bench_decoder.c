/* bench_decoder.c — decoder throughput: reads FILE into memory, then decodes it in 64 KiB
 * feeds (as the survey reader does) several times and prints the best MB/s. Also times a
 * plain memcpy of the same feeds, the floor any pass-through costs. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "input/encoding.h"
#include "base/buf.h"
#include "base/file.h"

enum { FEED = 1 << 16, ROUNDS = 5 };

static double now(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec * 1e-9;
}

int main(int argc, char **argv)
{
    if (argc < 2) {
        fprintf(stderr, "usage: bench_decoder FILE [auto|utf-8|gb18030]\n");
        return 2;
    }
    enum lotk_encoding enc = LOTK_ENC_AUTO;
    if (argc > 2 && lotk_encoding_parse(argv[2], &enc) != 0) {
        fprintf(stderr, "bench_decoder: unknown encoding %s\n", argv[2]);
        return 2;
    }
    char *data;
    struct lotk_err io = {0};
    char *msg = io.msg;
    size_t len;
    if (lotk_file_read(argv[1], (size_t)4 << 30, &data, &len, &io) != 0) {
        fprintf(stderr, "bench_decoder: %s: %s\n", argv[1], msg);
        return 2;
    }
    double best = 1e30, best_copy = 1e30;
    size_t outlen = 0;
    struct lotk_buf out = {0};
    for (int round = 0; round < ROUNDS; round++) {
        struct lotk_err err;
        struct lotk_decoder *dec = lotk_decoder_new(enc, argv[1], &err);
        if (!dec) {
            lotk_err_print(&err, stderr);
            return 2;
        }
        double t0 = now();
        outlen = 0;
        for (size_t pos = 0; pos < len; pos += FEED) {
            size_t n = len - pos < FEED ? len - pos : FEED;
            lotk_buf_reset(&out);
            if (lotk_decoder_feed(dec, data + pos, n, &out, &err) != 0) {
                lotk_err_print(&err, stderr);
                return 1;
            }
            outlen += out.len;
        }
        lotk_buf_reset(&out);
        if (lotk_decoder_finish(dec, &out, &err) != 0) {
            lotk_err_print(&err, stderr);
            return 1;
        }
        outlen += out.len;
        double t = now() - t0;
        if (t < best)
            best = t;
        if (round == 0)
            printf("encoding: %s\n", lotk_encoding_name(lotk_decoder_encoding(dec)));
        lotk_decoder_free(dec);

        t0 = now();
        for (size_t pos = 0; pos < len; pos += FEED) {
            size_t n = len - pos < FEED ? len - pos : FEED;
            lotk_buf_reset(&out);
            lotk_buf_append(&out, data + pos, n);
        }
        t = now() - t0;
        if (t < best_copy)
            best_copy = t;
    }
    printf("input %.1f MB, output %.1f MB\n", len / 1e6, outlen / 1e6);
    printf("decode: %.3f s, %.0f MB/s of input\n", best, len / 1e6 / best);
    printf("memcpy only: %.3f s, %.0f MB/s\n", best_copy, len / 1e6 / best_copy);
    lotk_buf_free(&out);
    free(data);
    return 0;
}
