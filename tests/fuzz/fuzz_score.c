/* fuzz_score.c — the whole scoring path on arbitrary bytes: a standard, a survey and
 * optionally an evidence sheet, loaded, read, scored (score/scorer.c, aggregate.c, stats,
 * evidence.c), the rules and plugins the standard names run (shipped plugins), ranked
 * against the batch's norms, and written as JSON, CSV and table (output/). The input is
 *   STANDARD.yaml "\n%%csv\n" SURVEY.csv ["\n%%evidence\n" EVIDENCE.csv]
 * and an input without the first separator is a survey for the evidence golden cases'
 * standard (tests/cli/fixtures/standard.yaml). Properties: no crash, leak or hang; each
 * input is taken or refused with a message; every row read is scored, rejected or
 * screened out; the result checks out (fuzz_check_result: counts, ranges, no infinity,
 * valid UTF-8, the JSON parses and agrees). */
#include <stdio.h>
#include <string.h>

#include "fuzz.h"
#include "analysis/norms.h"
#include "input/evidence_sheet.h"
#include "input/rejects.h"
#include "lua/plugin.h"
#include "score/rules.h"
#include "score/score.h"

#define CSV_SEP "\n%%csv\n"
#define EVIDENCE_SEP "\n%%evidence\n"

struct run {
    struct lotk_standard *s;
    struct lotk_plugins *plugins;
    struct lotk_evidence *ev;
    struct lotk_rejects rejects, ev_rejects;
    struct lotk_scorer *sc;
    struct lotk_survey *sv;
    struct lotk_result *result;
    struct lotk_norms *norms;
    struct lotk_ranks *ranks;
    struct lotk_err err;
};

static int load(struct run *r, const uint8_t *yaml, size_t len)
{
    struct lotk_diags diags = {0};
    const char *path = yaml ? fuzz_file("standard.yaml", yaml, len)
                            : LOTK_SOURCE_DIR "/tests/cli/fixtures/standard.yaml";
    int rc = lotk_standard_load(path, &r->s, &diags);
    FUZZ_CHECK(rc == 0 || diags.errors > 0);
    /* Small plugin limits, so that a standard's rule on a hostile parameter stops soon. */
    struct lotk_lhost_limits limits = {.memory = 32 << 20, .instructions = 1000000};
    if (rc == 0) {
        r->plugins = lotk_plugins_new(&limits, r->s, &r->err);
        FUZZ_CHECK(r->plugins != NULL);
        rc = lotk_plugins_resolve_standard(r->plugins, &diags);
        FUZZ_CHECK(rc == 0 || diags.errors > 0);
    }
    lotk_diags_free(&diags);
    return rc;
}

static int read_evidence(struct run *r, const uint8_t *csv, size_t len)
{
    struct lotk_diags warnings = {0};
    const char *path = fuzz_file("evidence.csv", csv, len);
    struct lotk_evidence_sink sink = {lotk_rejects_add, &r->ev_rejects};
    r->ev = lotk_evidence_new(r->s, &sink);
    int rc = lotk_evidence_read(r->ev, path, &warnings, &r->err);
    FUZZ_CHECK(rc == 0 || (rc == LOTK_EIO && r->err.msg[0]));
    lotk_diags_free(&warnings);
    return rc;
}

static int score(struct run *r, const uint8_t *csv, size_t len, bool respondents)
{
    r->sc = lotk_scorer_new(r->s, r->plugins, respondents);
    lotk_scorer_set_evidence(r->sc, r->ev);
    struct lotk_survey_sink sink = {lotk_scorer_add, r->sc, lotk_rejects_add, &r->rejects,
                                    true};
    r->rejects.keep_fields = true;
    r->sv = lotk_survey_new(r->s, &sink);
    FILE *f = fmemopen(len ? (void *)csv : (void *)"", len, "rb");
    FUZZ_CHECK(f != NULL);
    int rc = lotk_survey_read_stream(r->sv, f, "survey.csv", &r->err);
    fclose(f);
    FUZZ_CHECK(rc == 0 || (rc < 0 && r->err.msg[0]));
    if (rc)
        return rc;
    struct lotk_survey_counts c = lotk_survey_counts(r->sv);
    FUZZ_CHECK(c.rows == c.scored + c.rejected + c.screened);
    FUZZ_CHECK((size_t)(c.rejected + c.screened) == r->rejects.count);
    if ((rc = lotk_scorer_finish(r->sc, c, &r->result, &r->err)) == 0)
        rc = lotk_rules_apply(r->result, r->plugins, &r->err);
    FUZZ_CHECK(rc == 0 || (rc == LOTK_EPLUGIN && r->err.msg[0]));
    return rc;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    static bool ready;
    if (!ready) {
        fuzz_use_source_plugins();
        ready = true;
    }
    const uint8_t *csv, *evidence;
    size_t yaml_len, csv_len, evidence_len, rest;
    fuzz_split(data, size, CSV_SEP, &csv, &yaml_len, &csv_len);
    const uint8_t *yaml = data;
    if (!csv) {
        yaml = NULL;
        csv = data;
        csv_len = size;
    }
    fuzz_split(csv, csv_len, EVIDENCE_SEP, &evidence, &rest, &evidence_len);
    csv_len = rest;

    struct run r = {0};
    lotk_err_clear(&r.err);
    if (load(&r, yaml, yaml_len) != 0 || (evidence && read_evidence(&r, evidence, evidence_len)) ||
        score(&r, csv, csv_len, size % 2) != 0)
        goto done;
    /* Percentile ranks against the batch itself, as -f json shows them. */
    r.norms = lotk_norms_from_result(r.result, 1, 1);
    r.ranks = lotk_ranks_compute(r.norms, r.result, 1);
    lotk_rejects_append(&r.rejects, &r.ev_rejects, 0);
    fuzz_check_result(r.result, r.ranks, &r.rejects, true);
done:
    lotk_ranks_free(r.ranks);
    lotk_norms_free(r.norms);
    lotk_result_free(r.result);
    lotk_survey_free(r.sv);
    lotk_scorer_free(r.sc);
    lotk_plugins_free(r.plugins);
    lotk_rejects_clear(&r.rejects);
    lotk_rejects_clear(&r.ev_rejects);
    lotk_evidence_free(r.ev);
    lotk_standard_free(r.s);
    return 0;
}
