/* cmd_init.c — `lotk init`: a folder to start a new standard from.
 *
 * `--kind KIND DIR` copies the shipped standard of that kind under a new id, adds an
 * example rule plugin (with its own tests) that the standard uses, and writes a survey and
 * an evidence sheet made to fit the standard, so that `lotk check` and `lotk score` work in
 * the new folder at once and the author edits from something that runs.
 * `--from-export FILE DIR` drafts a standard from a survey export instead (init_export.c).
 *
 * Nothing is ever overwritten: DIR must be missing or empty, and every file is created
 * atomically and only where none is; a run that fails takes back what it made. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/buf.h"
#include "base/file.h"
#include "base/mem.h"
#include "cli/commands.h"
#include "cli/init.h"
#include "standard/rx.h"
#include "standard/standard.h"

static const struct lotk_opt init_opts[INIT_NOPTS] = {
    [INIT_KIND] = {"kind", 0, "KIND", "start from the shipped standard of this kind"},
    [INIT_FROM_EXPORT] = {"from-export", 0, "FILE",
                          "draft a standard from a survey export's header and answers"},
};

/* ---- the standard ------------------------------------------------------------------ */

/* The example rule plugin: a ceiling on the grade while any top-level indicator is weak
 * (短板). Its tests run with `lotk check` and `lotk plugins test`. */
static const char weakest_link_lua[] =
    "-- weakest_link: an example rule plugin written by `lotk init` (edit it, or copy it\n"
    "-- under a new name for a rule of your own; docs/plugin-api.md says what a rule sees).\n"
    "-- 短板: while any of the listed indicators is below a share of its marks, the grade is at\n"
    "-- most max_grade, whatever the points. From the standard:\n"
    "--   - {plugin: weakest_link, indicators: [D1, D2], below: 0.2, max_grade: pass}\n"
    "-- An indicator without a value (no answers, no rating) does not trigger it.\n"
    "return {\n"
    "  api = 1, name = \"weakest_link\", version = \"0.1.0\", kind = \"rule\",\n"
    "  description = \"短板: cap the grade while any listed indicator is below a share of its marks\",\n"
    "  -- What the rule's mapping in the standard may hold; `lotk check` holds it to this.\n"
    "  params = {\n"
    "    indicators = {type = \"indicators\", required = true},\n"
    "    below = {type = \"number\", required = true},\n"
    "    max_grade = {type = \"grade\", required = true},\n"
    "  },\n"
    "  rule = function(result, params)\n"
    "    for _, id in ipairs(params.indicators) do\n"
    "      local node = result.nodes[id]\n"
    "      local norm = node and node.norm\n"
    "      if type(norm) == \"number\" and norm < params.below then\n"
    "        return {\n"
    "          max_grade = params.max_grade,\n"
    "          reason = string.format(\"短板 weakest link: %s is at %.4g of its marks, below %.4g\",\n"
    "                                 id, norm, params.below),\n"
    "        }\n"
    "      end\n"
    "    end\n"
    "    return nil\n"
    "  end,\n"
    "  tests = {\n"
    "    {name = \"a weak indicator caps the grade\",\n"
    "     args = {{nodes = {D1 = {norm = 0.9}, D2 = {norm = 0.1}}},\n"
    "             {indicators = {\"D1\", \"D2\"}, below = 0.2, max_grade = \"pass\"}},\n"
    "     expect = {max_grade = \"pass\",\n"
    "               reason = \"短板 weakest link: D2 is at 0.1 of its marks, below 0.2\"}},\n"
    "    {name = \"none weak: nothing to do\",\n"
    "     args = {{nodes = {D1 = {norm = 0.9}, D2 = {norm = 0.5}}},\n"
    "             {indicators = {\"D1\", \"D2\"}, below = 0.2, max_grade = \"pass\"}},\n"
    "     expect = nil},\n"
    "    {name = \"no value: nothing to do\",\n"
    "     args = {{nodes = {D1 = {}}}, {indicators = {\"D1\"}, below = 0.2, max_grade = \"pass\"}},\n"
    "     expect = nil},\n"
    "  },\n"
    "}\n";

/* The rule line for the example plugin: every top-level indicator, the second-lowest band
 * as the ceiling (a ceiling at the lowest band would never show). NULL when the standard
 * has fewer than two bands. */
static char *example_rule(const struct lotk_standard *s, const char *indent)
{
    if (s->nbands < 2)
        return NULL;
    struct lotk_buf b = {0};
    lotk_buf_printf(&b, "%s# 短板 (the example plugin in plugins/weakest_link.lua, from lotk "
                    "init)\n%s- {plugin: weakest_link, indicators: [", indent, indent);
    for (size_t i = 0; i < s->nodes[0].nchildren; i++)
        lotk_buf_printf(&b, "%s%s", i ? ", " : "", s->nodes[s->nodes[0].children[i]].id);
    lotk_buf_printf(&b, "], below: 0.2, max_grade: %s}\n", s->bands[s->nbands - 2].grade);
    return lotk_init_take(&b);
}

/* The shipped standard's text with a new id, version 0.1.0, a first line saying where it
 * came from, and the example rule added to `rules:` (made when there is none). The text
 * is copied line by line, so the author keeps every comment of the original. */
static char *derive_standard(const struct lotk_standard *s, const char *text, const char *id,
                             const char *kind)
{
    struct lotk_buf b = {0};
    lotk_buf_printf(&b, "# %s: made by `lotk init --kind %s` from the shipped standard %s %s.\n"
                    "# Edit it, then run `lotk check standard.yaml`; README.md says what next.\n",
                    id, kind, s->id, s->version);
    bool seen_id = false, seen_version = false, added = false, in_rules = false;
    for (const char *p = text; *p;) {
        const char *nl = strchr(p, '\n');
        size_t len = nl ? (size_t)(nl - p) : strlen(p);
        if (!seen_id && strncmp(p, "id:", 3) == 0) {
            lotk_buf_printf(&b, "id: %s\n", id);
            seen_id = true;
        } else if (!seen_version && strncmp(p, "version:", 8) == 0) {
            lotk_buf_printf(&b, "version: \"0.1.0\"\n");
            seen_version = true;
        } else {
            if (in_rules && !added && len && (p[strspn(p, " ")] == '-')) {
                /* The first entry of rules: the example goes before it, as indented. */
                char *indent = lotk_xstrndup(p, strspn(p, " "));
                char *rule = example_rule(s, indent);
                if (rule)
                    lotk_buf_printf(&b, "%s", rule);
                free(rule);
                free(indent);
                added = true;
            }
            lotk_buf_printf(&b, "%.*s\n", (int)len, p);
            if (len == 6 && strncmp(p, "rules:", 6) == 0)
                in_rules = true;
        }
        p += len + (nl ? 1 : 0);
    }
    if (!in_rules) {
        char *rule = example_rule(s, "  ");
        if (rule)
            lotk_buf_printf(&b, "rules:\n%s", rule);
        free(rule);
    }
    return lotk_init_take(&b);
}

/* ---- the samples ------------------------------------------------------------------ */

/* A header that a column spec (name, pattern, question and row) names, for a column about
 * text (the item's wording, or NULL) at position: the exact header, the question number with
 * the text, or, for a pattern, the first of a few likely headers it matches. NULL when none
 * does (the caller says so). */
static char *header_for(const char *name, struct lotk_rx *match, int question, int row,
                        const char *text, const char *en, const char *id, size_t position)
{
    if (name)
        return lotk_xstrdup(name);
    if (!text)
        text = en ? en : id;
    if (question)
        return row ? lotk_xasprintf("%d(%d)、%s", question, row, text) :
                     lotk_xasprintf("%d、%s", question, text);
    if (!match)
        return lotk_xstrdup(id);
    /* A pattern's literal start (`^18、` → `18、`) followed by the text, first. */
    const char *pat = lotk_rx_pattern(match);
    pat += *pat == '^';
    size_t lit = strcspn(pat, "\\.[]()*+?{}|^$");
    char *candidates[] = {
        lotk_xasprintf("%.*s%s", (int)lit, pat, text),
        lotk_xasprintf("%zu、%s", position, text), lotk_xstrdup(text), lotk_xstrdup(id),
        en ? lotk_xasprintf("%zu. %s", position, en) : NULL, en ? lotk_xstrdup(en) : NULL,
    };
    char *found = NULL;
    for (size_t i = 0; i < sizeof candidates / sizeof *candidates; i++) {
        struct lotk_err err;
        if (!found && candidates[i] &&
            lotk_rx_match(match, candidates[i], strlen(candidates[i]), NULL, 0, NULL, &err) == 1)
            found = candidates[i];
        else
            free(candidates[i]);
    }
    return found;
}

static char *item_header(const struct lotk_item *it, size_t position)
{
    return header_for(it->column, it->match, it->question, it->row, it->text.zh, it->text.en,
                      it->id, position);
}

/* Where organization o (0 best) stands, in [0, 1], with a small wobble per respondent and
 * item that keeps answers from running straight and items from correlating perfectly. */
static double level(int org, long resp, size_t item)
{
    static const double base[] = {0.86, 0.66, 0.42};
    double wobble = (double)((resp * 31 + (long)item * 17 + org * 7) % 5 - 2) * 0.08;
    double x = base[org % 3] + wobble;
    return x < 0 ? 0 : x > 1 ? 1 : x;
}

static void csv_cell(struct lotk_buf *b, const char *text, bool first)
{
    bool quote = strpbrk(text, ",\"\r\n") != NULL;
    lotk_buf_printf(b, "%s%s", first ? "" : ",", quote ? "\"" : "");
    for (const char *p = text; *p; p++) {
        if (*p == '"')
            lotk_buf_putc(b, '"');
        lotk_buf_putc(b, *p);
    }
    if (quote)
        lotk_buf_printf(b, "\"");
}

enum { SAMPLE_ORGS = 3 };

static char *org_id(const struct lotk_standard *s, int o)
{
    return lotk_xasprintf("%s-%03d", s->id, o + 1);
}

/* survey.csv: three organizations of min_respondents + a few respondents each. */
static int sample_survey(const struct lotk_standard *s, struct lotk_buf *b,
                         struct lotk_err *err)
{
    csv_cell(b, s->org_column, true);
    if (s->id_column)
        csv_cell(b, s->id_column, false);
    for (size_t i = 0; i < s->nitems; i++) {
        char *h = item_header(&s->items[i], i + 1);
        if (!h)
            return lotk_err_set(err, LOTK_ESTANDARD, s->path, s->items[i].column_loc.line,
                                s->items[i].column_loc.column, "item %s: cannot make a "
                                "header its column pattern matches; give it a column name",
                                s->items[i].id);
        csv_cell(b, h, false);
        free(h);
    }
    /* The screening's own cells: an answering time well over any minimum, and each
     * attention check answered as expected, so that no sample row is screened out. */
    const struct lotk_screening *sc = &s->screening;
    bool duration = sc->min_seconds > 0 || s->has_duration;
    if (duration) {
        char *h = s->has_duration ? header_for(s->duration.name, s->duration.match,
                                               s->duration.question, s->duration.row,
                                               "所用时间", NULL, "duration", s->nitems + 1) :
                                    lotk_xstrdup("所用时间");
        csv_cell(b, h ? h : "所用时间", false);
        free(h);
    }
    for (size_t k = 0; k < sc->nattention; k++) {
        const struct lotk_column *c = &sc->attention[k].column;
        char *h = header_for(c->name, c->match, c->question, c->row, "本题请选择", NULL,
                             "attention", s->nitems + 2 + k);
        if (!h)
            return lotk_err_set(err, LOTK_ESTANDARD, s->path, c->loc.line, c->loc.column,
                                "attention check %zu: cannot make a header its column "
                                "pattern matches; give it a column name", k + 1);
        csv_cell(b, h, false);
        free(h);
    }
    lotk_buf_printf(b, "\n");
    long per = s->min_respondents < 3 ? 3 : s->min_respondents, resp = 0;
    for (int o = 0; o < SAMPLE_ORGS; o++) {
        char *org = org_id(s, o);
        for (long r = 0; r < per + o; r++) {
            resp++;
            csv_cell(b, org, true);
            if (s->id_column)
                lotk_buf_printf(b, ",R%04ld", resp);
            for (size_t i = 0; i < s->nitems; i++) {
                const struct lotk_item *it = &s->items[i];
                if (it->type == LOTK_ITEM_MULTI) {
                    lotk_buf_printf(b, ",");
                    csv_cell(b, it->noptions ? it->options[0].label : "", true);
                    continue;
                }
                const struct lotk_scale *scale = &s->scales[it->scale];
                double x = level(o, resp, i);
                double v = scale->min + round(x * (scale->max - scale->min));
                if (it->reverse)
                    v = scale->max + scale->min - v;
                lotk_buf_printf(b, ",%.0f", v);
            }
            if (duration)
                lotk_buf_printf(b, ",%.0f", sc->min_seconds * 3 + 300);
            for (size_t k = 0; k < sc->nattention; k++) {
                lotk_buf_printf(b, ",");
                csv_cell(b, sc->attention[k].expect, true);
            }
            lotk_buf_printf(b, "\n");
        }
        free(org);
    }
    return 0;
}

/* One assessor's rating of an evidence leaf for an organization at level x. */
static void rating(const struct lotk_standard *s, const struct lotk_node *n, double x,
                   struct lotk_buf *b)
{
    const struct lotk_rubric *rb = n->rubric;
    if (rb->kind == LOTK_RUBRIC_YES_NO) {
        lotk_buf_printf(b, "%s", x >= 0.5 ? "yes" : "no");
    } else if (rb->kind == LOTK_RUBRIC_LEVELS && rb->nlevels) {
        size_t k = (size_t)round(x * (double)(rb->nlevels - 1));
        lotk_buf_printf(b, "%.15g", rb->levels[k].value);
    } else if (rb->kind == LOTK_RUBRIC_FACT && rb->nthresholds) {
        /* A fact at a threshold (highest first) scores that threshold; the weakest falls
         * under all of them, at the bottom of its range. */
        size_t k = (size_t)round((1 - x) * (double)rb->nthresholds);
        double v = k < rb->nthresholds ? rb->thresholds[k].at_least :
                   isfinite(rb->fact_min) ? rb->fact_min : 0;
        if (k == rb->nthresholds && v >= rb->thresholds[rb->nthresholds - 1].at_least)
            v = rb->thresholds[rb->nthresholds - 1].at_least;
        lotk_buf_printf(b, "%.15g", v);
    } else {
        const struct lotk_scale *sc = &s->scales[n->scale];
        lotk_buf_printf(b, "%.15g", sc->min + round(x * (sc->max - sc->min)));
    }
}

/* evidence.csv: two third-party assessors per organization, rating every evidence leaf
 * and citing the first piece of evidence the rubric asks for. Empty ("") when the
 * standard has no evidence leaves. */
static void sample_evidence(const struct lotk_standard *s, struct lotk_buf *b)
{
    bool any = false;
    for (size_t i = 0; i < s->nnodes; i++)
        any |= s->nodes[i].rubric != NULL;
    if (!any)
        return;
    csv_cell(b, s->evidence.org_column, true);
    csv_cell(b, s->evidence.assessor_column, false);
    csv_cell(b, s->evidence.role_column, false);
    for (size_t i = 0; i < s->nnodes; i++)
        if (s->nodes[i].rubric)
            lotk_buf_printf(b, ",%s,%s.evidence,%s.note", s->nodes[i].id, s->nodes[i].id,
                            s->nodes[i].id);
    lotk_buf_printf(b, "\n");
    for (int o = 0; o < SAMPLE_ORGS; o++)
        for (int a = 0; a < 2; a++) {
            char *org = org_id(s, o);
            csv_cell(b, org, true);
            free(org);
            lotk_buf_printf(b, ",A%02d,third-party", a + 1);
            for (size_t i = 0; i < s->nnodes; i++) {
                const struct lotk_node *n = &s->nodes[i];
                if (!n->rubric)
                    continue;
                lotk_buf_printf(b, ",");
                rating(s, n, level(o, 0, i), b); /* assessors agree */
                const struct lotk_text *cite = n->rubric->nevidence ? n->rubric->evidence : NULL;
                lotk_buf_printf(b, ",");
                if (cite)
                    csv_cell(b, cite->zh ? cite->zh : cite->en ? cite->en : "", true);
                lotk_buf_printf(b, ",");
            }
            lotk_buf_printf(b, "\n");
        }
}

static char *readme(const char *dir, const char *id, const char *kind, bool evidence)
{
    const char *ev = evidence ? " --evidence evidence.csv" : "";
    return lotk_xasprintf(
        "# %s\n\n"
        "A standard made by `lotk init --kind %s %s`, from the shipped standard of that kind.\n\n"
        "| file | what |\n|---|---|\n"
        "| `standard.yaml` | the standard: edit it (docs/standard-format.md lists every key) |\n"
        "| `plugins/weakest_link.lua` | an example rule plugin, used by `rules:`, with its tests |\n"
        "| `survey.csv` | a made-up survey that fits the standard |\n"
        "%s"
        "\nNext, from this folder:\n\n"
        "```sh\n"
        "lotk check standard.yaml                  # every problem, with its line and column\n"
        "lotk plugins test plugins/weakest_link.lua\n"
        "lotk score standard.yaml survey.csv%s\n"
        "lotk check standard.yaml --data survey.csv   # also lint the items against a survey\n"
        "```\n\n"
        "Then change the id's title, items, weights and bands, run `lotk check` after each\n"
        "change, and score your own survey export in place of survey.csv. When a result is\n"
        "saved (`-f json -o result.json`), `lotk check standard.yaml --against result.json`\n"
        "warns when the standard changed without a new `version:`.\n",
        id, kind, dir, evidence ? "| `evidence.csv` | a made-up assessors' sheet for its "
                                  "evidence indicators |\n" : "",
        ev);
}

static int init_kind(const char *kind, const char *dir, struct lotk_err *err)
{
    struct lotk_diags diags = {0};
    struct lotk_standard *s = NULL;
    struct lotk_buf survey = {0}, evidence = {0};
    struct lotk_init_scaffold sc = {0};
    char *path = NULL, *text = NULL, *derived = NULL, *id = NULL, *doc = NULL;
    size_t len;
    int rc;
    bool known = false;
    for (int i = 0; lotk_init_kinds[i]; i++)
        known |= strcmp(lotk_init_kinds[i], kind) == 0;
    if (!known) {
        rc = lotk_err_set(err, LOTK_EUSAGE, NULL, 0, 0, "--kind: expected agency, enterprise, "
                          "public-institution, social-group, community, family or city, "
                          "found '%s'", kind);
        goto done;
    }
    if (!(path = lotk_standard_resolve(kind, err))) {
        rc = err->code;
        goto done;
    }
    if ((rc = lotk_standard_load(path, &s, &diags)) != 0) {
        lotk_diags_print(&diags, stderr);
        rc = lotk_err_set(err, rc, path, 0, 0, "the shipped standard of kind %s does not "
                          "load; run lotk check %s", kind, path);
        goto done;
    }
    if ((rc = lotk_file_read(path, 1 << 24, &text, &len, err)) != 0)
        goto done;
    id = lotk_init_new_id(dir, kind);
    derived = derive_standard(s, text, id, kind);
    if ((rc = sample_survey(s, &survey, err)) != 0)
        goto done;
    sample_evidence(s, &evidence);
    if ((rc = lotk_init_prepare_dir(&sc, dir, err)) != 0)
        goto done;
    doc = readme(dir, id, kind, evidence.len > 0);
    if ((rc = lotk_init_write(&sc, "standard.yaml", derived, err)) != 0 ||
        (rc = lotk_init_mkdir(&sc, "plugins", err)) != 0 ||
        (rc = lotk_init_write(&sc, "plugins/weakest_link.lua", weakest_link_lua, err)) != 0 ||
        (rc = lotk_init_write(&sc, "survey.csv", survey.data, err)) != 0 ||
        (evidence.len && (rc = lotk_init_write(&sc, "evidence.csv", evidence.data, err)) != 0) ||
        (rc = lotk_init_write(&sc, "README.md", doc, err)) != 0)
        goto done;
    printf("%s: standard %s (from %s %s), plugins/weakest_link.lua, survey.csv%s, README.md\n"
           "next: lotk check %s/standard.yaml\n",
           dir, id, s->id, s->version, evidence.len ? ", evidence.csv" : "", dir);
done:
    lotk_init_finish(&sc, rc == 0); /* a failure leaves nothing: the user runs it again */
    lotk_standard_free(s);
    lotk_diags_free(&diags);
    lotk_buf_free(&survey);
    lotk_buf_free(&evidence);
    free(path);
    free(text);
    free(derived);
    free(id);
    free(doc);
    return rc;
}

static int run_init(const struct lotk_cmd *cmd, const struct lotk_args *args)
{
    (void)cmd;
    struct lotk_err err;
    lotk_err_clear(&err);
    const char *kind = lotk_cli_value(args, INIT_KIND);
    const char *export = lotk_cli_value(args, INIT_FROM_EXPORT);
    int rc;
    if (!kind == !export)
        rc = lotk_err_set(&err, LOTK_EUSAGE, NULL, 0, 0, "init: give --kind KIND or "
                          "--from-export FILE (one of them)");
    else if (kind)
        rc = init_kind(kind, args->pos[0], &err);
    else
        rc = lotk_init_from_export(export, args->pos[0], &err);
    if (rc)
        lotk_err_print(&err, stderr);
    return rc;
}

const struct lotk_cmd lotk_cmd_init = {
    .name = "init",
    .usage = "--kind KIND DIR | --from-export FILE DIR",
    .summary = "start a new standard in DIR: from a shipped kind, or drafted from an export",
    .details = "--kind KIND writes DIR/standard.yaml (the shipped standard of that kind under a\n"
               "new id, from DIR's name), DIR/plugins/weakest_link.lua (an example rule plugin\n"
               "with its tests, used by the standard), DIR/survey.csv and DIR/evidence.csv\n"
               "(made up to fit it) and DIR/README.md (the next commands). KIND is agency,\n"
               "enterprise, public-institution, social-group, community, family or city.\n"
               "--from-export FILE writes DIR/standard.yaml drafted from a survey export: one\n"
               "item per question, scales guessed from the answers seen, to be edited.\n"
               "DIR must be new or empty: nothing is overwritten.\n",
    LOTK_CLI_OPTIONS(init_opts),
    .min_pos = 1,
    .max_pos = 1,
    .run = run_init,
};
