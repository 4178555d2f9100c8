/* partial.c — a shard's partial result file: header, counts, scorer state and checksum, in
 * lotk's wire format (base/wire.h). See partial.h. */
#include "score/partial.h"

#include <nettle/sha2.h>
#include <stdlib.h>
#include <string.h>

#include "base/buf.h"
#include "base/mem.h"
#include "base/wire.h"

enum { FORMAT_VERSION = 1, MAGIC_LEN = 8 };
static const char magic[MAGIC_LEN] = {'L', 'O', 'T', 'K', 'P', 'A', 'R', 'T'};

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
    lotk_wire_put_u32(out, FORMAT_VERSION);
    lotk_wire_put_str(out, s->id);
    lotk_wire_put_str(out, s->version);
    lotk_wire_put_str(out, s->sha256);
    lotk_wire_put_str(out, s->path);
    lotk_wire_put_u64(out, (uint64_t)counts.rows);
    lotk_wire_put_u64(out, (uint64_t)counts.scored);
    lotk_wire_put_u64(out, (uint64_t)counts.rejected);
    lotk_wire_put_u64(out, (uint64_t)counts.screened);
    lotk_scorer_write(scorer, &part);
    lotk_wire_put_u64(out, part.len);
    lotk_buf_append(out, part.data ? part.data : "", part.len);
    lotk_buf_free(&part);
    uint8_t sum[SHA256_DIGEST_SIZE];
    digest(out->data + start, out->len - start, sum);
    lotk_buf_append(out, (const char *)sum, sizeof sum);
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
    struct lotk_wire_reader c;
    lotk_wire_reader_init(&c, data + MAGIC_LEN, len - MAGIC_LEN - SHA256_DIGEST_SIZE);
    uint64_t version = lotk_wire_get(&c, 4);
    if (version != FORMAT_VERSION)
        return lotk_err_set(err, LOTK_EIO, file, 0, 0,
                            "partial result format %llu; this lotk reads format %d",
                            (unsigned long long)version, FORMAT_VERSION);
    info->standard_id = lotk_wire_get_str(&c);
    info->standard_version = lotk_wire_get_str(&c);
    info->standard_sha256 = lotk_wire_get_str(&c);
    info->standard_path = lotk_wire_get_str(&c);
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
    struct lotk_wire_reader c;
    lotk_wire_reader_init(&c, data + MAGIC_LEN + 4, len - MAGIC_LEN - 4 - SHA256_DIGEST_SIZE);
    for (int i = 0; i < 4; i++)
        free(lotk_wire_get_str(&c));
    long rows = (long)lotk_wire_get(&c, 8), scored = (long)lotk_wire_get(&c, 8);
    long rejected = (long)lotk_wire_get(&c, 8), screened = (long)lotk_wire_get(&c, 8);
    /* Counts that do not add up would reach the result's input block as they are. */
    if (rows < 0 || scored < 0 || rejected < 0 || scored > rows || rejected > rows - scored ||
        screened != rows - scored - rejected)
        return bad_file(err, file, "its row counts do not add up");
    uint64_t n = lotk_wire_get(&c, 8);
    const unsigned char *state = lotk_wire_get_bytes(&c, (size_t)n);
    if (!state)
        return bad_file(err, file, "its scoring state is cut short");
    int rc = lotk_scorer_read(scorer, (const char *)state, (size_t)n, file, err);
    if (rc)
        return rc;
    counts->rows += rows;
    counts->scored += scored;
    counts->rejected += rejected;
    counts->screened += screened;
    return 0;
}
