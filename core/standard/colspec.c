/* colspec.c — how a standard names the columns of a survey export: column specs (an exact
 * header, a PCRE2 pattern, or a question number with its matrix row), the `survey:`
 * block's organization, respondent and duration columns, and the `screening:` of
 * respondents with its attention checks. */
#include "standard/load_internal.h"

#include <math.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#include "base/mem.h"
#include "standard/rx.h"

/* libyaml counts columns in characters, PCRE2 offsets in bytes: the characters in the
 * first `offset` bytes of s (offset 1-based, as lotk_rx_compile gives it). */
static long utf8_chars(const char *s, size_t offset)
{
    long n = 0;
    for (size_t i = 0; i + 1 < offset && s[i]; i++)
        n += ((unsigned char)s[i] & 0xC0) != 0x80;
    return n + 1;
}

/* A column spec. With named (survey.org_column, id_column) the mapping form also takes
 * name: (the header) and text: (the question), alongside match: or question:, any of which
 * may name the column; an item's column: takes match: or question: only, its text: being
 * the item's own. */
static void load_spec(struct lotk_loader *ld, const yaml_node_t *v, struct lotk_column *col,
                      const char *what, bool named)
{
    static const char *const ckeys[] = {"match", "question", "row", NULL};
    static const char *const nkeys[] = {"name", "text", "match", "question", "row", NULL};
    col->loc = loc_of(v);
    if (v->type == YAML_SCALAR_NODE) {
        col->name = lotk_xstrdup(scalar(v));
        return;
    }
    if (v->type != YAML_MAPPING_NODE) {
        problem(ld, v, named ? "%s: expected a header or {name, text, match, question}, "
                "found %s" : "%s: column: expected a header, {match: pattern} or "
                "{question: N}, found %s", what, lotk_yaml_type_name(v));
        return;
    }
    lotk_yaml_check_keys(ld, v, named ? nkeys : ckeys, named ? what : "column");
    yaml_node_t *m = lotk_yaml_get(ld, v, "match");
    yaml_node_t *q = lotk_yaml_get(ld, v, "question");
    yaml_node_t *r = lotk_yaml_get(ld, v, "row");
    yaml_node_t *name = named ? lotk_yaml_get(ld, v, "name") : NULL;
    yaml_node_t *text = named ? lotk_yaml_get(ld, v, "text") : NULL;
    double x;
    if (name)
        col->name = lotk_yaml_string(ld, name, "name");
    if (text)
        lotk_yaml_text(ld, text, &col->text, "text");
    if (m && q) {
        problem(ld, v, "%s: column: give match or question, not both", what);
    } else if (m && m->type == YAML_SCALAR_NODE) {
        struct lotk_err err;
        size_t offset = 0;
        col->loc = loc_of(m);
        if (lotk_rx_compile(&col->match, scalar(m), &offset, &err) != 0) {
            long quote = m->data.scalar.style == YAML_PLAIN_SCALAR_STYLE ? 0 : 1;
            lotk_diags_add(ld->diags, false, LOTK_ESTANDARD, ld->file,
                           (long)m->start_mark.line + 1,
                           (long)m->start_mark.column + quote + utf8_chars(scalar(m), offset),
                           "%s: %s", what,
                           err.msg);
        }
    } else if (m) {
        problem(ld, m, "column.match: expected a regular expression, found %s",
                lotk_yaml_type_name(m));
    } else if (q) {
        if (lotk_yaml_number(ld, q, "question", &x)) {
            if (x < 1 || x > 99999 || x != floor(x))
                problem(ld, q, "%s: question: expected a question number from 1, found %s",
                        what, scalar(q));
            else
                col->question = (int)x;
        }
    } else if (!name && !text) {
        problem(ld, v, named ? "%s: expected name, text, match or question" :
                "%s: column: expected match or question", what);
    }
    if (r) {
        if (!q)
            problem(ld, r, "%s: column.row goes with question", what);
        else if (lotk_yaml_number(ld, r, "row", &x)) {
            if (x < 1 || x > 99999 || x != floor(x))
                problem(ld, r, "%s: row: expected a row number from 1, found %s", what,
                        scalar(r));
            else
                col->row = (int)x;
        }
    }
}

void lotk_colspec_load(struct lotk_loader *ld, const yaml_node_t *v, struct lotk_column *col,
                       const char *what)
{
    load_spec(ld, v, col, what, false);
}

void lotk_colspec_free(struct lotk_column *col)
{
    free(col->name);
    lotk_rx_free(col->match);
    lotk_yaml_text_free(&col->text);
    memset(col, 0, sizeof *col);
}

/* The plain name of a spec, for messages. */
static const char *spec_label(const struct lotk_column *col)
{
    if (col->name)
        return col->name;
    if (col->text.zh || col->text.en)
        return col->text.zh ? col->text.zh : col->text.en;
    return col->match ? lotk_rx_pattern(col->match) : "?";
}

void lotk_colspec_survey(struct lotk_loader *ld, const yaml_node_t *n)
{
    static const char *const keys[] = {"org_column", "id_column", "duration_column",
                                       "min_respondents", NULL};
    struct lotk_standard *s = ld->s;
    if (!lotk_yaml_expect(ld, n, YAML_MAPPING_NODE, "survey"))
        return;
    lotk_yaml_check_keys(ld, n, keys, "survey");
    yaml_node_t *v;
    /* org_column and id_column stay available as plain names for messages and for the
     * evidence sheets: the header, else the question's text, else the pattern. */
    if ((v = lotk_yaml_require(ld, n, "org_column", "survey"))) {
        load_spec(ld, v, &s->org_spec, "org_column", true);
        s->org_column = lotk_xstrdup(spec_label(&s->org_spec));
    }
    if ((v = lotk_yaml_get(ld, n, "id_column"))) {
        load_spec(ld, v, &s->id_spec, "id_column", true);
        s->id_column = lotk_xstrdup(spec_label(&s->id_spec));
    }
    if ((v = lotk_yaml_get(ld, n, "duration_column"))) {
        lotk_colspec_load(ld, v, &s->duration, "duration_column");
        s->has_duration = true;
    }
    double m;
    if ((v = lotk_yaml_get(ld, n, "min_respondents")) &&
        lotk_yaml_number(ld, v, "min_respondents", &m)) {
        if (m < 1 || m != floor(m) || m > 1e9)
            problem(ld, v, "min_respondents: expected a whole number of at least 1, found %s",
                    scalar(v));
        else
            ld->s->min_respondents = (long)m;
    }
}

void lotk_colspec_screening(struct lotk_loader *ld, const yaml_node_t *n)
{
    static const char *const keys[] = {"straight_lining", "min_seconds", "attention",
                                       "max_missing", NULL};
    static const char *const akeys[] = {"column", "expect", NULL};
    struct lotk_screening *sc = &ld->s->screening;
    if (!lotk_yaml_expect(ld, n, YAML_MAPPING_NODE, "screening"))
        return;
    lotk_yaml_check_keys(ld, n, keys, "screening");
    sc->loc = loc_of(n);
    yaml_node_t *v;
    double x;
    if ((v = lotk_yaml_get(ld, n, "straight_lining")) &&
        lotk_yaml_number(ld, v, "straight_lining", &x)) {
        if (x < 2 || x != floor(x) || x > 100000)
            problem(ld, v, "straight_lining: expected a number of items, at least 2");
        else
            sc->straight_lining = (long)x;
    }
    if ((v = lotk_yaml_get(ld, n, "min_seconds")) &&
        lotk_yaml_number(ld, v, "min_seconds", &x)) {
        if (x <= 0)
            problem(ld, v, "min_seconds: expected a positive number of seconds");
        else
            sc->min_seconds = x;
    }
    if ((v = lotk_yaml_get(ld, n, "max_missing")) &&
        lotk_yaml_number(ld, v, "max_missing", &x)) {
        if (x < 0 || x >= 1)
            problem(ld, v, "max_missing: expected a share in [0, 1)");
        else
            sc->max_missing = x;
    }
    if ((v = lotk_yaml_get(ld, n, "attention")) &&
        lotk_yaml_expect(ld, v, YAML_SEQUENCE_NODE, "attention")) {
        size_t count = (size_t)(v->data.sequence.items.top - v->data.sequence.items.start);
        sc->attention = lotk_xcalloc(count ? count : 1, sizeof *sc->attention);
        for (yaml_node_item_t *i = v->data.sequence.items.start;
             i < v->data.sequence.items.top; i++) {
            yaml_node_t *a = node_at(ld, *i);
            if (!lotk_yaml_expect(ld, a, YAML_MAPPING_NODE, "attention check"))
                continue;
            lotk_yaml_check_keys(ld, a, akeys, "attention check");
            yaml_node_t *c = lotk_yaml_require(ld, a, "column", "attention check");
            yaml_node_t *e = lotk_yaml_require(ld, a, "expect", "attention check");
            if (!c || !e)
                continue;
            struct lotk_attention *at = &sc->attention[sc->nattention++];
            lotk_colspec_load(ld, c, &at->column, "attention check");
            at->expect = lotk_yaml_string(ld, e, "expect");
        }
    }
}
