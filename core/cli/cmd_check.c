/* cmd_check.c — `lotk check`: validate standards, reporting every problem in each. */
#include <jansson.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "cli/commands.h"
#include "lua/plugin.h"
#include "score/result_json.h"
#include "score/score.h"
#include "standard/lint.h"
#include "standard/standard.h"
#include "input/survey.h"
#include "analysis/doc.h"
#include "base/mem.h"

static const struct lotk_opt check_opts[CHECK_NOPTS] = {
    [CHECK_QUIET] = {"quiet", 'q', NULL, "print only problems"},
    [CHECK_DATA] = {"data", 0, "FILE", "also score FILE (a survey CSV) and lint the items' keying"},
    [CHECK_AGAINST] = {"against", 0, "RESULT",
                       "warn when the standard changed since RESULT (saved JSON) without a new version"},
};

/* Keying lint (issue 6): scores data through the normal pipeline and names every item
 * whose corrected item-total correlation is negative — it runs against its leaf, which
 * is what a forgotten or wrong `reverse:` looks like. Warnings only: the data are not
 * judged. Returns 0 or the code of a read or plugin failure (printed). */
static int lint_data(const struct lotk_standard *s, const char *data, bool quiet)
{
    struct lotk_err err;
    struct lotk_diags diags = {0};
    struct lotk_plugins *plugins = NULL;
    struct lotk_scorer *scorer = NULL;
    struct lotk_survey *survey = NULL;
    struct lotk_result *result = NULL;
    int rc;
    lotk_err_clear(&err);
    if (!(plugins = lotk_plugins_new(NULL, s, &err))) {
        rc = err.code;
        goto done;
    }
    if ((rc = lotk_plugins_resolve_standard(plugins, &diags)) != 0) {
        lotk_diags_print(&diags, stderr);
        goto done_printed;
    }
    scorer = lotk_scorer_new(s, plugins, false);
    struct lotk_survey_sink sink = {lotk_scorer_add, scorer, NULL, NULL, false};
    survey = lotk_survey_new(s, &sink);
    if ((rc = lotk_survey_read(survey, data, &err)) != 0 ||
        (rc = lotk_scorer_finish(scorer, lotk_survey_counts(survey), &result, &err)) != 0)
        goto done;
    long found = 0;
    for (size_t i = 0; i < s->nnodes; i++) {
        const struct lotk_reliability *rel = &result->leaf_stats[i].reliability;
        for (size_t k = 0; rel->item_total && k < s->nodes[i].nitems; k++) {
            const struct lotk_item *it = &s->items[s->nodes[i].items[k]];
            if (!(rel->item_total[k] < 0))
                continue;
            found++;
            lotk_diag(stderr, "warning", s->path, it->loc.line, it->loc.column,
                      "item %s of %s: corrected item-total r = %.2f — likely keying error "
                      "(reverse: missing or wrong?)",
                      it->id, s->nodes[i].id, rel->item_total[k]);
        }
    }
    if (!quiet)
        printf("%s: %ld rows read: %ld scored, %ld rejected; %ld likely keying error%s\n", data,
               result->counts.rows, result->counts.scored, result->counts.rejected, found,
               found == 1 ? "" : "s");
done:
    if (rc)
        lotk_err_print(&err, stderr);
done_printed:
    lotk_result_free(result);
    lotk_survey_free(survey);
    lotk_scorer_free(scorer);
    lotk_plugins_free(plugins);
    lotk_diags_free(&diags);
    return rc;
}

static const char *warn_note(size_t n)
{
    static char note[64];
    snprintf(note, sizeof note, "; %zu warning%s", n, n == 1 ? "" : "s");
    return note;
}

static void count_kinds(const struct lotk_standard *s, size_t *top, size_t *leaves)
{
    *top = s->nodes[0].nchildren;
    *leaves = 0;
    for (size_t i = 0; i < s->nnodes; i++)
        *leaves += s->nodes[i].nchildren == 0 && i > 0;
}

/* Runs rule k once on a made-up organization (every indicator at half marks), so that a
 * rule whose parameters it cannot use (a quoted number, a missing key) fails here, at
 * check time, rather than in the middle of scoring. */
static int dry_run_rule(struct lotk_plugins *p, const struct lotk_standard *s, size_t k,
                        struct lotk_diags *diags)
{
    const struct lotk_rule *rule = &s->rules[k];
    const struct lotk_plugin *pl;
    struct lotk_err err;
    lotk_err_clear(&err);
    if (lotk_plugins_get(p, rule->plugin, &pl, &err) != 0)
        return 0; /* reported by lotk_plugins_resolve_standard */
    size_t nn = s->nnodes;
    struct lotk_org_result o = {0};
    o.id = "(sample)";
    o.respondents = s->min_respondents;
    o.mean = lotk_xmalloc(nn * sizeof *o.mean);
    o.norm = lotk_xmalloc(nn * sizeof *o.norm);
    o.points_of = lotk_xmalloc(nn * sizeof *o.points_of);
    o.n = lotk_xcalloc(nn, sizeof *o.n);
    o.rwg_j = lotk_xmalloc(nn * sizeof *o.rwg_j);
    o.rwg_n = lotk_xcalloc(nn, sizeof *o.rwg_n);
    for (size_t i = 0; i < nn; i++) {
        const struct lotk_node *node = &s->nodes[i];
        o.norm[i] = 0.5;
        o.mean[i] = node->nchildren == 0 && node->scale >= 0 ?
                        (s->scales[node->scale].min + s->scales[node->scale].max) / 2 : NAN;
        o.points_of[i] = s->points * node->share * 0.5;
        o.rwg_j[i] = NAN;
    }
    o.points = o.points_of[0];
    o.band = lotk_score_band(s, o.points);
    json_t *view = lotk_result_org_json(s, &o);
    struct lotk_rule_effect e;
    int rc = view ? lotk_plugin_rule(p, pl, rule, view, &e, &err)
                  : lotk_err_set(&err, LOTK_EPLUGIN, NULL, 0, 0,
                                 "the sample organization did not read back as JSON");
    if (rc) {
        char where[600] = "";
        if (err.file[0] && err.line)
            snprintf(where, sizeof where, " at %s:%ld", err.file, err.line);
        lotk_diags_add(diags, false, LOTK_ESTANDARD, s->path, rule->loc.line, rule->loc.column,
                       "rule %zu (plugin %s) fails on a sample organization with every "
                       "indicator at half marks%s: %s", k + 1, pl->name, where, err.msg);
    }
    else {
        /* A grade no band has would reach the results as is: the plugin's own mistake. */
        const char *const grades[] = {e.grade, e.max_grade};
        for (int g = 0; g < 2; g++) {
            bool band = !grades[g];
            for (size_t b = 0; !band && b < s->nbands; b++)
                band = strcmp(s->bands[b].grade, grades[g]) == 0;
            if (!band) {
                lotk_diags_add(diags, false, LOTK_ESTANDARD, s->path, rule->loc.line,
                               rule->loc.column, "rule %zu (plugin %s) returns %s '%s' on a "
                               "sample organization, which is no band's grade", k + 1,
                               pl->name, g ? "max_grade" : "grade", grades[g]);
                rc = LOTK_ESTANDARD;
            }
        }
        lotk_rule_effect_clear(&e);
    }
    json_decref(view);
    free(o.mean);
    free(o.norm);
    free(o.points_of);
    free(o.n);
    free(o.rwg_j);
    free(o.rwg_n);
    return rc ? LOTK_ESTANDARD : 0;
}

/* Runs each aggregate plugin once per node it aggregates, every child at half marks, so
 * that one returning anything but a number in [0, 1] fails here rather than mid-scoring. */
static int dry_run_aggregates(struct lotk_plugins *p, const struct lotk_standard *s,
                              struct lotk_diags *diags)
{
    int worst = 0;
    double *norm = lotk_xmalloc(s->nnodes * sizeof *norm);
    for (size_t i = 0; i < s->nnodes; i++)
        norm[i] = 0.5;
    for (size_t i = 0; i < s->nnodes; i++) {
        const struct lotk_node *n = &s->nodes[i];
        const struct lotk_plugin *pl;
        struct lotk_err err;
        lotk_err_clear(&err);
        double out;
        if (n->aggregate != LOTK_AGG_PLUGIN || n->nchildren == 0 ||
            lotk_plugins_get(p, n->aggregate_plugin, &pl, &err) != 0)
            continue;
        if (lotk_plugin_aggregate(p, pl, s, (int)i, norm, &out, &err) != 0) {
            struct lotk_loc at = i ? n->loc : s->aggregate_loc;
            lotk_diags_add(diags, false, LOTK_ESTANDARD, s->path, at.line, at.column,
                           "%s%s (aggregate plugin %s) fails with every child at half marks: "
                           "%s", i ? "indicator " : "", i ? n->id : "the total", pl->name,
                           err.msg);
            worst = LOTK_ESTANDARD;
        }
    }
    free(norm);
    return worst;
}

/* Runs the respondent plugin once on a made-up row (every item at the middle of its
 * scale), so that one returning anything but a list of leaf values fails at check time. */
static int dry_run_respondent(struct lotk_plugins *p, const struct lotk_standard *s,
                              struct lotk_diags *diags)
{
    const struct lotk_plugin *pl;
    struct lotk_err err;
    lotk_err_clear(&err);
    if (!s->respondent_plugin || lotk_plugins_get(p, s->respondent_plugin, &pl, &err) != 0)
        return 0;
    double *keyed = lotk_xmalloc((s->nitems ? s->nitems : 1) * sizeof *keyed);
    double *values = lotk_xmalloc(s->nnodes * sizeof *values);
    for (size_t i = 0; i < s->nitems; i++) {
        const struct lotk_scale *sc = &s->scales[s->items[i].scale];
        keyed[i] = (sc->min + sc->max) / 2;
    }
    for (size_t i = 0; i < s->nnodes; i++)
        values[i] = NAN;
    int rc = lotk_plugin_respondent(p, pl, s, keyed, values, &err);
    if (rc)
        lotk_diags_add(diags, false, LOTK_ESTANDARD, s->path, s->respondent_loc.line,
                       s->respondent_loc.column, "respondent (plugin %s) fails on a row with "
                       "every item at the middle of its scale: %s", pl->name, err.msg);
    free(keyed);
    free(values);
    return rc ? LOTK_ESTANDARD : 0;
}

/* Loads the plugins the standard names and runs their own tests. */
static int check_plugins(const struct lotk_standard *s, struct lotk_diags *diags, bool quiet)
{
    struct lotk_err err;
    lotk_err_clear(&err);
    struct lotk_plugins *p = lotk_plugins_new(NULL, s, &err);
    if (!p) {
        lotk_diags_add(diags, false, err.code, s->path, 0, 0, "%s", err.msg);
        return err.code;
    }
    int rc = lotk_plugins_resolve_standard(p, diags);
    const struct lotk_plugin **seen = NULL;
    size_t ntested = 0;
    for (size_t i = 0; rc == 0 && i < s->nnodes + s->nrules + 1; i++) {
        const char *name = i < s->nnodes ? s->nodes[i].aggregate_plugin :
                           i < s->nnodes + s->nrules ? s->rules[i - s->nnodes].plugin :
                           s->respondent_plugin;
        const struct lotk_plugin *pl;
        if (!name || lotk_plugins_get(p, name, &pl, &err) != 0)
            continue;
        bool tested = false; /* a plugin used twice is tested once */
        for (size_t t = 0; t < ntested && !tested; t++)
            tested = seen[t] == pl;
        if (tested)
            continue;
        seen = lotk_xrealloc(seen, (ntested + 1) * sizeof *seen);
        seen[ntested++] = pl;
        int passed, failed;
        if ((rc = lotk_plugin_test(p, pl, &passed, &failed, stderr, &err)) != 0) {
            lotk_err_print(&err, stderr);
            break;
        }
        if (failed)
            lotk_diags_add(diags, false, LOTK_ESTANDARD, pl->path, 0, 0,
                           "plugin %s: %d of its tests failed", pl->name, failed);
        else if (!quiet && passed)
            printf("%s: plugin %s: %d passed, %d failed\n", s->path, pl->name, passed, failed);
        rc = failed ? LOTK_ESTANDARD : 0;
    }
    /* Every dry run, so that one check lists each plugin that misbehaves. */
    int dry = rc == 0 ? dry_run_aggregates(p, s, diags) : 0;
    if (rc == 0 && dry_run_respondent(p, s, diags) != 0)
        dry = LOTK_ESTANDARD;
    for (size_t i = 0; rc == 0 && i < s->nrules; i++)
        dry = dry_run_rule(p, s, i, diags) ? LOTK_ESTANDARD : dry;
    rc = rc ? rc : dry;
    free(seen);
    lotk_plugins_free(p);
    return rc;
}

/* --against RESULT: a result says which standard it was scored with (id, version, the
 * SHA-256 of its file). The same id and version with other bytes means the standard was
 * edited without a new version, and results would no longer say what scored them. */
static int check_against(const struct lotk_standard *s, const char *result,
                         struct lotk_diags *diags)
{
    struct lotk_doc doc = {0};
    struct lotk_err err;
    lotk_err_clear(&err);
    if (lotk_doc_load(result, &doc, &err) != 0) {
        lotk_err_print(&err, stderr);
        return err.code;
    }
    if (strcmp(doc.std_id, s->id) != 0)
        lotk_diags_add(diags, true, 0, s->path, 1, 1, "%s was scored with standard '%s', not "
                       "'%s': nothing to compare", result, doc.std_id, s->id);
    else if (!doc.std_sha256)
        lotk_diags_add(diags, true, 0, s->path, 1, 1, "%s does not record the standard's sha256: "
                       "cannot tell whether the standard changed since", result);
    else if (strcmp(doc.std_sha256, s->sha256) != 0 && strcmp(doc.std_version, s->version) == 0)
        lotk_diags_add(diags, true, 0, s->path, 1, 1, "the standard changed since %s was "
                       "scored (sha256 %.12s… then, %.12s… now) but its version is still %s: "
                       "give it a new version", result, doc.std_sha256, s->sha256, s->version);
    lotk_doc_clear(&doc);
    return 0;
}

static int run_check(const struct lotk_cmd *cmd, const struct lotk_args *args)
{
    int worst = 0;
    bool quiet = lotk_cli_flag(args, CHECK_QUIET);
    for (size_t i = 0; i < args->npos; i++) {
        struct lotk_err err;
        struct lotk_diags diags = {0};
        struct lotk_standard *s = NULL;
        lotk_err_clear(&err);
        char *path = lotk_standard_resolve(args->pos[i], &err);
        if (!path) {
            lotk_err_print(&err, stderr);
            worst = worst ? worst : err.code;
            continue;
        }
        int rc = lotk_standard_load(path, &s, &diags);
        if (rc == 0)
            rc = check_plugins(s, &diags, quiet);
        if (rc == 0)
            lotk_lint_standard(s, &diags);
        const char *against = lotk_cli_value(args, CHECK_AGAINST);
        if (rc == 0 && against && (rc = check_against(s, against, &diags)) != 0)
            worst = worst ? worst : rc;
        lotk_diags_print(&diags, stderr);
        if (rc) {
            if (diags.errors > 1)
                fprintf(stderr, "lotk: %s: %zu errors\n", path, diags.errors);
            if (rc == LOTK_EIO)
                worst = worst ? worst : LOTK_EIO;
            else
                worst = LOTK_ESTANDARD;
        } else if (!quiet) {
            size_t top, leaves;
            count_kinds(s, &top, &leaves);
            printf("%s: ok: %s %s, %zu top-level indicators, %zu leaves, %zu items%s\n", path,
                   s->id, s->version, top, leaves, s->nitems,
                   diags.warnings ? warn_note(diags.warnings) : "");
        }
        const char *data = lotk_cli_value(args, CHECK_DATA);
        if (rc == 0 && data && (rc = lint_data(s, data, quiet)) != 0)
            worst = worst ? worst : rc;
        lotk_standard_free(s);
        lotk_diags_free(&diags);
        free(path);
    }
    return worst;
}

const struct lotk_cmd lotk_cmd_check = {
    .name = "check",
    .usage = "STANDARD... [options]",
    .summary = "validate standards and report every problem with its line and column",
    .details = "Exits 3 when any standard is invalid. A valid standard may still get warnings\n"
               "(lints): an indicator a survey-only run leaves without a value, a weight that\n"
               "gives no share, a band no score reaches, a single-item indicator, a repeated\n"
               "title. With --data FILE, each valid standard also scores FILE and warns about\n"
               "every item whose corrected item-total correlation is negative: a likely keying\n"
               "error (reverse: missing or wrong). With --against RESULT, it warns when the\n"
               "standard changed since RESULT was scored but kept its version.\n",
    LOTK_CLI_OPTIONS(check_opts),
    .min_pos = 1,
    .max_pos = LOTK_CLI_MAX_POS,
    .run = run_check,
};
