/* fuzz_evidence.c — an assessor evidence sheet (input/evidence_sheet.c) on arbitrary bytes,
 * read against the evidence golden cases' standard (tests/cli/fixtures/standard.yaml: a
 * level, a fact and a yes/no rubric, self and third-party roles combined, a veto), then
 * combined (score/evidence.c), scored with that standard's survey and rules, and written.
 * Properties: no crash or leak; the sheet is read or refused with a message naming it;
 * every row is used or rejected (with a reason and a line of the sheet); every combined
 * rating is on its indicator's scale; the result checks out (fuzz_check_result). */
#include <math.h>
#include <string.h>

#include "fuzz.h"
#include "input/evidence_sheet.h"
#include "input/rejects.h"
#include "lua/plugin.h"
#include "score/rules.h"
#include "score/score.h"

#define FIXTURES LOTK_SOURCE_DIR "/tests/cli/fixtures/"

static struct lotk_standard *standard;
static struct lotk_plugins *plugins;

struct tally {
    long rejects, lines;
    struct lotk_rejects kept;
};

static void on_reject(void *ctx, const struct lotk_reject *rj)
{
    struct tally *t = ctx;
    t->rejects++;
    FUZZ_CHECK(rj->reason && rj->reason[0]);
    FUZZ_CHECK(rj->line >= 1 && rj->line <= t->lines);
    lotk_rejects_add(&t->kept, rj);
}

static void setup(void)
{
    struct lotk_diags diags = {0};
    fuzz_use_source_plugins();
    int rc = lotk_standard_load(FIXTURES "standard.yaml", &standard, &diags);
    if (rc)
        lotk_diags_print(&diags, stderr);
    FUZZ_CHECK(rc == 0);
    struct lotk_err err;
    FUZZ_CHECK((plugins = lotk_plugins_new(NULL, standard, &err)) != NULL);
    rc = lotk_plugins_resolve_standard(plugins, &diags);
    if (rc)
        lotk_diags_print(&diags, stderr);
    FUZZ_CHECK(rc == 0);
    lotk_diags_free(&diags);
}

static void check_combined(const struct lotk_evidence *ev)
{
    for (size_t i = 0; i < ev->norgs; i++)
        for (size_t k = 0; k < ev->nleaves; k++) {
            const struct lotk_node *n = &standard->nodes[ev->leaves[k]];
            const struct lotk_scale *sc = &standard->scales[n->scale];
            double v = ev->orgs[i].leaves[k].value;
            FUZZ_CHECK(isnan(v) || (v >= sc->min - 1e-9 && v <= sc->max + 1e-9));
        }
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (!standard)
        setup();
    const char *path = fuzz_file("evidence.csv", data, size);
    struct tally t = {.lines = 1};
    for (size_t i = 0; i < size; i++)
        t.lines += data[i] == '\n' || data[i] == '\r';
    t.kept.keep_fields = true;
    struct lotk_evidence_sink sink = {on_reject, &t};
    struct lotk_evidence *ev = lotk_evidence_new(standard, &sink);
    struct lotk_diags warnings = {0};
    struct lotk_err err;
    lotk_err_clear(&err);
    struct lotk_scorer *sc = NULL;
    struct lotk_survey *sv = NULL;
    struct lotk_result *result = NULL;
    int rc = lotk_evidence_read(ev, path, &warnings, &err);
    for (size_t i = 0; i < warnings.count; i++)
        FUZZ_CHECK(warnings.entries[i].warning && strcmp(warnings.entries[i].err.file, path) == 0);
    if (rc) {
        FUZZ_CHECK(rc == LOTK_EIO && err.msg[0] && strcmp(err.file, path) == 0);
        goto done;
    }
    FUZZ_CHECK(ev->counts.rows == ev->counts.used + ev->counts.rejected);
    FUZZ_CHECK(ev->counts.rejected == t.rejects);

    sc = lotk_scorer_new(standard, plugins, false);
    lotk_scorer_set_evidence(sc, ev); /* finishes ev */
    check_combined(ev);
    struct lotk_survey_sink ssink = {lotk_scorer_add, sc, NULL, NULL, false};
    sv = lotk_survey_new(standard, &ssink);
    FUZZ_CHECK(lotk_survey_read(sv, FIXTURES "survey.csv", &err) == 0);
    FUZZ_CHECK(lotk_scorer_finish(sc, lotk_survey_counts(sv), &result, &err) == 0);
    rc = lotk_rules_apply(result, plugins, &err);
    FUZZ_CHECK(rc == 0 || (rc == LOTK_EPLUGIN && err.msg[0]));
    if (rc == 0)
        fuzz_check_result(result, NULL, &t.kept, true);
done:
    lotk_result_free(result);
    lotk_survey_free(sv);
    lotk_scorer_free(sc);
    lotk_evidence_free(ev);
    lotk_diags_free(&warnings);
    lotk_rejects_clear(&t.kept);
    return 0;
}
