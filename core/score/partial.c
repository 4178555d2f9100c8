/* partial.c — see partial.h. */
#include "score/partial.h"
#include "base/mem.h"
#include "base/buf.h"

#include <nettle/sha2.h>
#include <stdlib.h>
#include <string.h>

enum { FORMAT_VERSION = 1, MAGIC_LEN = 8 };
static const char magic[MAGIC_LEN] = {'L', 'O', 'T', 'K', 'P', 'A', 'R', 'T'};

static void put_u32(struct lotk_buf *b, uint32_t v)
{
    char c[4];
    for (int i = 0; i < 4; i++)
        c[i] = (char)(v >> (8 * i));
    lotk_buf_append(b, c, 4);
}

static void put_u64(struct lotk_buf *b, uint64_t v)
{
    char c[8];
    for (int i = 0; i < 8; i++)
        c[i] = (char)(v >> (8 * i));
    lotk_buf_append(b, c, 8);
}

static void put_str(struct lotk_buf *b, const char *s)
{
    put_u32(b, (uint32_t)strlen(s));
    lotk_buf_append(b, s, strlen(s));
}

static void digest(const char *data, size_t len, uint8_t out[SHA256_DIGEST_SIZE])
{
    struct sha256_ctx ctx;
    sha256_init(&ctx);
    sha256_update(&ctx, len, (const uint8_t *)data);
    sha256_digest(&ctx, SHA256_DIGEST_SIZE, out);
}

void lotk_partial_write(const struct lotk_standard *s, const struct lotk_scorer *scorer,
                        struct lotk_survey_counts counts, struct lotk_buf *out)
{
    size_t start = out->len;
    struct lotk_buf part = {0};
    lotk_buf_append(out, magic, MAGIC_LEN);
    put_u32(out, FORMAT_VERSION);
    put_str(out, s->id);
    put_str(out, s->version);
    put_str(out, s->sha256);
    put_str(out, s->path);
    put_u64(out, (uint64_t)counts.rows);
    put_u64(out, (uint64_t)counts.scored);
    put_u64(out, (uint64_t)counts.rejected);
    put_u64(out, (uint64_t)counts.screened);
    lotk_scorer_write(scorer, &part);
    put_u64(out, part.len);
    lotk_buf_append(out, part.data ? part.data : "", part.len);
    lotk_buf_free(&part);
    uint8_t sum[SHA256_DIGEST_SIZE];
    digest(out->data + start, out->len - start, sum);
    lotk_buf_append(out, (const char *)sum, sizeof sum);
}

/* A bounds-checked reader over a partial file. */
struct cursor {
    const unsigned char *p, *end;
    bool bad;
};

static uint64_t get_u(struct cursor *c, int bytes)
{
    if (c->bad || c->end - c->p < bytes) {
        c->bad = true;
        return 0;
    }
    uint64_t v = 0;
    for (int i = 0; i < bytes; i++)
        v |= (uint64_t)c->p[i] << (8 * i);
    c->p += bytes;
    return v;
}

static char *get_str(struct cursor *c)
{
    uint64_t n = get_u(c, 4);
    if (c->bad || (uint64_t)(c->end - c->p) < n) {
        c->bad = true;
        return lotk_xstrdup("");
    }
    char *s = lotk_xstrndup((const char *)c->p, (size_t)n);
    c->p += n;
    return s;
}

void lotk_partial_info_clear(struct lotk_partial_info *info)
{
    free(info->standard_id);
    free(info->standard_version);
    free(info->standard_sha256);
    free(info->standard_path);
    memset(info, 0, sizeof *info);
}

static int bad_file(struct lotk_err *err, const char *file, const char *what)
{
    return lotk_err_set(err, LOTK_EIO, file, 0, 0, "not a usable lotk partial result: %s",
                        what);
}

int lotk_partial_inspect(const char *file, const char *data, size_t len,
                         struct lotk_partial_info *info, struct lotk_err *err)
{
    memset(info, 0, sizeof *info);
    if (len < MAGIC_LEN + 4 + SHA256_DIGEST_SIZE || memcmp(data, magic, MAGIC_LEN) != 0)
        return bad_file(err, file, "it does not start with LOTKPART (made by lotk score "
                                   "--partial?)");
    uint8_t sum[SHA256_DIGEST_SIZE];
    digest(data, len - SHA256_DIGEST_SIZE, sum);
    if (memcmp(sum, data + len - SHA256_DIGEST_SIZE, SHA256_DIGEST_SIZE) != 0)
        return bad_file(err, file, "its checksum does not match (truncated or damaged)");
    struct cursor c = {(const unsigned char *)data + MAGIC_LEN,
                       (const unsigned char *)data + len - SHA256_DIGEST_SIZE, false};
    uint64_t version = get_u(&c, 4);
    if (version != FORMAT_VERSION)
        return lotk_err_set(err, LOTK_EIO, file, 0, 0,
                            "partial result format %llu; this lotk reads format %d",
                            (unsigned long long)version, FORMAT_VERSION);
    info->standard_id = get_str(&c);
    info->standard_version = get_str(&c);
    info->standard_sha256 = get_str(&c);
    info->standard_path = get_str(&c);
    if (c.bad) {
        lotk_partial_info_clear(info);
        return bad_file(err, file, "its header is cut short");
    }
    return 0;
}

int lotk_partial_merge(const char *file, const char *data, size_t len,
                       struct lotk_scorer *scorer, struct lotk_survey_counts *counts,
                       struct lotk_err *err)
{
    struct cursor c = {(const unsigned char *)data + MAGIC_LEN + 4,
                       (const unsigned char *)data + len - SHA256_DIGEST_SIZE, false};
    for (int i = 0; i < 4; i++)
        free(get_str(&c));
    long rows = (long)get_u(&c, 8), scored = (long)get_u(&c, 8), rejected = (long)get_u(&c, 8);
    long screened = (long)get_u(&c, 8);
    uint64_t n = get_u(&c, 8);
    if (c.bad || (uint64_t)(c.end - c.p) < n)
        return bad_file(err, file, "its scoring state is cut short");
    int rc = lotk_scorer_read(scorer, (const char *)c.p, (size_t)n, file, err);
    if (rc)
        return rc;
    counts->rows += rows;
    counts->scored += scored;
    counts->rejected += rejected;
    counts->screened += screened;
    return 0;
}
