/* fuzz_partial.c — a partial result (lotk score --partial, lotk merge's input: score/
 * partial.c, score/scorer_wire.c, score/stats_wire.c) on arbitrary bytes. A checksum guards
 * the file, and random bytes never match it, so the input is the file without its last 32
 * bytes and the target appends their SHA-256: mutations reach the parser (a damaged or
 * hand-made file can carry a right checksum too; it is no signature). The standard is the
 * evidence golden cases' (tests/cli/fixtures/standard.yaml); the seeds are its shards.
 * Properties: no crash or leak; a part is merged or refused with a message naming it;
 * what is merged scores to a result that checks out (fuzz_check_result); and merging is
 * lossless: the merged state written out again and merged into a fresh scorer scores to
 * the same JSON, byte for byte. */
#include <nettle/sha2.h>
#include <string.h>

#include "fuzz.h"
#include "base/buf.h"
#include "lua/plugin.h"
#include "score/partial.h"
#include "score/rules.h"
#include "score/score.h"

static struct lotk_standard *standard;
static struct lotk_plugins *plugins;

static void setup(void)
{
    struct lotk_diags diags = {0};
    struct lotk_err err;
    fuzz_use_source_plugins();
    FUZZ_CHECK(lotk_standard_load(LOTK_SOURCE_DIR "/tests/cli/fixtures/standard.yaml",
                                  &standard, &diags) == 0);
    FUZZ_CHECK((plugins = lotk_plugins_new(NULL, standard, &err)) != NULL);
    FUZZ_CHECK(lotk_plugins_resolve_standard(plugins, &diags) == 0);
    lotk_diags_free(&diags);
}

/* Scores sc (consumed) and writes the result's JSON to json; 0 or the failure's code. */
static int finish(struct lotk_scorer *sc, struct lotk_survey_counts counts, struct lotk_buf *json)
{
    struct lotk_result *r = NULL;
    struct lotk_err err;
    int rc = lotk_scorer_finish(sc, counts, &r, &err);
    if (rc == 0)
        rc = lotk_rules_apply(r, plugins, &err);
    FUZZ_CHECK(rc == 0 || (rc == LOTK_EPLUGIN && err.msg[0]));
    if (rc == 0) {
        fuzz_check_result(r, NULL, NULL, false);
        fuzz_result_json(r, json);
    }
    lotk_result_free(r);
    return rc;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (!standard)
        setup();
    const char *file = "fuzz.lpr";
    struct lotk_err err;
    struct lotk_partial_info info;
    lotk_err_clear(&err);
    /* As it is, the checksum is wrong (or the file too short): always refused. */
    if (lotk_partial_inspect(file, (const char *)data, size, &info, &err) == 0)
        lotk_partial_info_clear(&info);

    struct lotk_buf part = {0}, again = {0}, json1 = {0}, json2 = {0};
    lotk_buf_append(&part, (const char *)data, size);
    uint8_t sum[SHA256_DIGEST_SIZE];
    struct sha256_ctx ctx;
    sha256_init(&ctx);
    sha256_update(&ctx, size, data);
    sha256_digest(&ctx, SHA256_DIGEST_SIZE, sum);
    lotk_buf_append(&part, (const char *)sum, sizeof sum);

    struct lotk_scorer *sc = NULL, *sc2 = NULL;
    int rc = lotk_partial_inspect(file, part.data, part.len, &info, &err);
    if (rc) {
        FUZZ_CHECK(rc == LOTK_EIO && err.msg[0] && strcmp(err.file, file) == 0);
        goto done;
    }
    FUZZ_CHECK(info.standard_id && info.standard_version && info.standard_sha256 &&
               info.standard_path);
    bool ours = strcmp(info.standard_sha256, standard->sha256) == 0;
    lotk_partial_info_clear(&info);
    if (!ours) /* lotk merge refuses a part of another standard before merging it */
        goto done;
    struct lotk_survey_counts counts = {0};
    sc = lotk_scorer_new(standard, plugins, false);
    rc = lotk_partial_merge(file, part.data, part.len, sc, &counts, &err);
    if (rc) {
        FUZZ_CHECK(rc == LOTK_EIO && err.msg[0] && strcmp(err.file, file) == 0);
        goto done;
    }
    lotk_partial_write(standard, sc, counts, &again);
    if (finish(sc, counts, &json1) != 0)
        goto done;

    struct lotk_survey_counts counts2 = {0};
    sc2 = lotk_scorer_new(standard, plugins, false);
    FUZZ_CHECK(lotk_partial_inspect(file, again.data, again.len, &info, &err) == 0);
    lotk_partial_info_clear(&info);
    FUZZ_CHECK(lotk_partial_merge(file, again.data, again.len, sc2, &counts2, &err) == 0);
    FUZZ_CHECK(finish(sc2, counts2, &json2) == 0);
    FUZZ_CHECK(json1.len == json2.len && memcmp(json1.data, json2.data, json1.len) == 0);
done:
    lotk_scorer_free(sc);
    lotk_scorer_free(sc2);
    lotk_buf_free(&part);
    lotk_buf_free(&again);
    lotk_buf_free(&json1);
    lotk_buf_free(&json2);
    return 0;
}
