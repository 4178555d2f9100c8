/* partial.h — a shard's scoring state in a file (lotk score --partial), to be finished by
 * lotk merge together with the other shards.
 *
 * A national survey can be cut into shards scored on different machines (GNU parallel,
 * Hadoop streaming, Spark's pipe); merging their partial results gives exactly the result
 * of one run over all the rows, because every sum in the state is exact (exact.h).
 *
 * Format, all integers little-endian:
 *   "LOTKPART" magic, u32 format version (1)
 *   str standard id, str standard version, str standard sha256 (hex), str standard path
 *   i64 rows, i64 scored, i64 rejected, i64 screened
 *   scorer state (lotk_scorer_write), statistics state (lotk_stats_write), each as
 *   u64 length + bytes
 *   32 bytes: SHA-256 of everything before
 * where str is u32 length + bytes. */
#ifndef LOTK_PARTIAL_H
#define LOTK_PARTIAL_H

#include <stdint.h>

#include "base/err.h"
#include "score/score.h"
#include "standard/standard.h"
#include "input/survey.h"
#include "base/buf.h"

/* Appends the partial result of scorer (which read counts' rows against s) to out. */
void lotk_partial_write(const struct lotk_standard *s, const struct lotk_scorer *scorer,
                        struct lotk_survey_counts counts, struct lotk_buf *out);

/* What a partial file says about itself, before its state is merged. */
struct lotk_partial_info {
    char *standard_id, *standard_version, *standard_sha256, *standard_path;
};
void lotk_partial_info_clear(struct lotk_partial_info *info);

/* Checks the magic, version and checksum of data (the bytes of file) and reads its info.
 * Returns 0, or LOTK_EIO with err naming the file and what is wrong. */
int lotk_partial_inspect(const char *file, const char *data, size_t len,
                         struct lotk_partial_info *info, struct lotk_err *err);

/* Merges the state in data (already inspected; scorer must be for its standard) into
 * scorer and adds its counts to *counts. Returns 0 or LOTK_EIO. */
int lotk_partial_merge(const char *file, const char *data, size_t len,
                       struct lotk_scorer *scorer, struct lotk_survey_counts *counts,
                       struct lotk_err *err);

#endif
