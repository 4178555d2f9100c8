/* yaml.c — the standard loader's toolbox over libyaml: parsing a document, typed getters
 * that report at the node's line and column, key checks with did-you-mean, texts, and
 * copying a subtree into a plugin value. Knows nothing of what a standard contains. */
#include "standard/load_internal.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "base/mem.h"
#include "base/num.h"
#include "base/text.h"

/* The line and column (0-based, in characters as libyaml counts them) of byte offset. */
static yaml_mark_t mark_at(const char *data, size_t len, size_t offset)
{
    yaml_mark_t m = {.index = offset};
    for (size_t i = 0; i < offset && i < len; i++) {
        if (data[i] == '\n') {
            m.line++;
            m.column = 0;
        } else if (((unsigned char)data[i] & 0xC0) != 0x80) {
            m.column++; /* a character's first byte */
        }
    }
    return m;
}

/* Flow collections ([…], {…}) nested deeper than this are refused before libyaml sees them:
 * its scanner takes time quadratic in the depth (a 4 MiB standard of brackets ran for more
 * than ten minutes), and the loader's walk recurses once per level. */
enum { YAML_MAX_FLOW_DEPTH = 1000 };

/* Whether a quote at data[i] opens a quoted scalar: only where a scalar can start — first on
 * its line, after "[", "{" or ",", or after ": ", "- ", "? ". Elsewhere it is part of a plain
 * scalar (residents' survey), and skipping to the next quote would hide what follows. */
static bool opens_quote(const char *data, size_t i)
{
    size_t j = i;
    while (j > 0 && (data[j - 1] == ' ' || data[j - 1] == '\t'))
        j--;
    if (j == 0 || data[j - 1] == '\n' || data[j - 1] == '\r')
        return true;
    char before = data[j - 1];
    if (before == '[' || before == '{' || before == ',')
        return true;
    return (before == ':' || before == '-' || before == '?') && j < i; /* a blank between */
}

/* The position of the bracket that opens flow level YAML_MAX_FLOW_DEPTH + 1, if any. Quoted
 * scalars and comments are skipped; a bracket inside a plain scalar counts, which only
 * errs on the safe side, and never in a standard a person wrote. */
static bool too_deep(const char *data, size_t len, size_t *offset)
{
    long depth = 0;
    for (size_t i = 0; i < len; i++) {
        char c = data[i];
        if (c == '#' && (i == 0 || data[i - 1] == ' ' || data[i - 1] == '\t' ||
                                data[i - 1] == '\n')) {
            while (i + 1 < len && data[i + 1] != '\n')
                i++;
        } else if ((c == '"' || c == '\'') && opens_quote(data, i)) {
            /* to the closing quote: \ escapes inside "…", '' is a quote inside '…' */
            for (i++; i < len; i++) {
                if (c == '"' && data[i] == '\\') {
                    i++;
                } else if (data[i] == c) {
                    if (c == '\'' && i + 1 < len && data[i + 1] == '\'')
                        i++;
                    else
                        break;
                }
            }
        } else if (c == '[' || c == '{') {
            if (++depth > YAML_MAX_FLOW_DEPTH) {
                *offset = i;
                return true;
            }
        } else if ((c == ']' || c == '}') && depth > 0) {
            depth--;
        }
    }
    return false;
}

/* The first tab in the indentation of lines 1..upto (1-based), as *line and *column; false
 * when there is none. YAML indents with spaces only, and libyaml's message for a tab
 * ("found character that cannot start any token") does not say so. */
static bool find_indent_tab(const char *data, size_t len, long upto, long *line, long *column)
{
    long ln = 1;
    for (size_t i = 0; i < len && ln <= upto; ln++) {
        size_t col = 0;
        while (i + col < len && (data[i + col] == ' ' || data[i + col] == '\t')) {
            if (data[i + col] == '\t') {
                *line = ln;
                *column = (long)col + 1;
                return true;
            }
            col++;
        }
        const char *nl = memchr(data + i, '\n', len - i);
        i = nl ? (size_t)(nl - data) + 1 : len;
    }
    return false;
}

/* libyaml ends a last line that lacks its line break with one of its own, so an error at
 * the end of such a file is on a line after the last: that becomes the end of the last
 * line. Breaks are counted as libyaml counts them (CR LF, CR, LF, NEL, LS, PS). */
static void clamp_to_end(const char *data, size_t len, long *line, long *column)
{
    long breaks = 0, chars = 0;
    for (size_t i = 0; i < len; i++) {
        const unsigned char *p = (const unsigned char *)data + i;
        size_t width = *p == '\r' && i + 1 < len && p[1] == '\n'          ? 2
                       : *p == '\r' || *p == '\n'                         ? 1
                       : i + 1 < len && p[0] == 0xC2 && p[1] == 0x85       ? 2
                       : i + 2 < len && p[0] == 0xE2 && p[1] == 0x80 &&
                               (p[2] == 0xA8 || p[2] == 0xA9)              ? 3
                                                                           : 0;
        if (width) {
            breaks++;
            chars = 0;
            i += width - 1;
        } else if ((*p & 0xC0) != 0x80) {
            chars++;
        }
    }
    if (*line > breaks + 1) {
        *line = breaks + 1;
        *column = chars + 1;
    }
}

/* Reports a syntax error where the author has to look. libyaml notices some mistakes far
 * from them: a list, mapping or quoted string left open is seen where the next token does
 * not fit (often lines later), so those are reported where they were opened; and a tab in
 * the indentation is said as such, at the tab. */
static void syntax_error(const yaml_parser_t *parser, const char *path, const char *data,
                         size_t len, struct lotk_diags *diags)
{
    yaml_mark_t at = parser->problem ? parser->problem_mark : parser->mark;
    if (parser->error == YAML_READER_ERROR) /* libyaml gives only the offset */
        at = mark_at(data, len, parser->problem_offset);
    const yaml_mark_t *m = &at;
    const char *problem = parser->problem ? parser->problem : "invalid document";
    const char *context = parser->context ? parser->context : "";
    long tab_line, tab_column;
    /* Only when the tab is what libyaml tripped on: a tab in an earlier line is fine inside
     * a quoted string, and must not hide the real error. */
    bool tab_problem = strstr(problem, "tab") || strstr(problem, "cannot start any token");
    if (find_indent_tab(data, len, (long)m->line + 1, &tab_line, &tab_column) &&
        (tab_problem || tab_line == (long)m->line + 1)) {
        lotk_diags_add(diags, false, LOTK_ESTANDARD, path, tab_line, tab_column,
                       "YAML syntax: a tab in the indentation; YAML indents with spaces only");
        return;
    }
    const char *what = NULL;
    if (strstr(context, "flow sequence"))
        what = "the list [ opened here";
    else if (strstr(context, "flow mapping"))
        what = "the mapping { opened here";
    else if (strstr(context, "quoted scalar"))
        what = "the quoted string opened here";
    const yaml_mark_t *c = &parser->context_mark;
    if (what && c->line < m->line) {
        lotk_diags_add(diags, false, LOTK_ESTANDARD, path, (long)c->line + 1,
                       (long)c->column + 1, "YAML syntax: %s is never closed (%s at line %ld, "
                       "column %ld)", what, problem, (long)m->line + 1, (long)m->column + 1);
        return;
    }
    long line = (long)m->line + 1, column = (long)m->column + 1;
    clamp_to_end(data, len, &line, &column);
    lotk_diags_add(diags, false, LOTK_ESTANDARD, path, line, column, "YAML syntax: %s%s%s",
                   problem, *context ? " " : "", context);
}

int lotk_yaml_parse(const char *path, const char *data, size_t len, yaml_document_t *doc,
                    struct lotk_diags *diags)
{
    size_t deep;
    if (too_deep(data, len, &deep)) {
        yaml_mark_t m = mark_at(data, len, deep);
        if (diags)
            lotk_diags_add(diags, false, LOTK_ESTANDARD, path, (long)m.line + 1,
                           (long)m.column + 1,
                           "YAML nested more than %d levels deep", YAML_MAX_FLOW_DEPTH);
        return LOTK_ESTANDARD;
    }
    yaml_parser_t parser;
    /* libyaml allocates with malloc and fails only for want of memory here. */
    if (!yaml_parser_initialize(&parser))
        lotk_mem_fail();
    yaml_parser_set_input_string(&parser, (const unsigned char *)data, len);
    int rc = 0;
    /* On failure libyaml has already freed what it loaded of the document. */
    if (!yaml_parser_load(&parser, doc)) {
        /* Not the file's fault: libyaml's loader fails without setting an error when a
         * copy it makes cannot be allocated, and the reader, scanner and parser say
         * YAML_MEMORY_ERROR. */
        if (parser.error == YAML_MEMORY_ERROR || parser.error == YAML_NO_ERROR)
            lotk_mem_fail();
        rc = LOTK_ESTANDARD;
        if (diags)
            syntax_error(&parser, path, data, len, diags);
    }
    yaml_parser_delete(&parser);
    return rc;
}

const char *lotk_yaml_type_name(const yaml_node_t *n)
{
    switch (n->type) {
    case YAML_SCALAR_NODE:
        return "a scalar";
    case YAML_SEQUENCE_NODE:
        return "a list";
    case YAML_MAPPING_NODE:
        return "a mapping";
    default:
        return "nothing";
    }
}

/* A string value: any scalar. Returns a new copy, or NULL after reporting. */
char *lotk_yaml_string(struct lotk_loader *ld, const yaml_node_t *n, const char *what)
{
    if (n->type != YAML_SCALAR_NODE) {
        problem(ld, n, "%s: expected a string, found %s", what, lotk_yaml_type_name(n));
        return NULL;
    }
    return lotk_xstrdup(scalar(n));
}

bool lotk_yaml_too_large(struct lotk_loader *ld, const yaml_node_t *n)
{
    if (ld->visits <= STANDARD_MAX_VISITS)
        return false;
    if (!ld->too_large)
        problem(ld, n, "the standard is too large: more than %d YAML nodes to read (a node "
                "that an alias repeats counts each time it is repeated)", STANDARD_MAX_VISITS);
    ld->too_large = true;
    return true;
}

/* A number: a plain scalar that reads as a decimal within ±STANDARD_MAX_NUMBER. */
bool lotk_yaml_number(struct lotk_loader *ld, const yaml_node_t *n, const char *what,
                      double *out)
{
    double v;
    int parsed = is_plain(n) ? lotk_parse_double(scalar(n), strlen(scalar(n)), &v) : -1;
    if (parsed == 0 && fabs(v) <= STANDARD_MAX_NUMBER) {
        *out = v;
        return true;
    }
    if (parsed == 0 || parsed == LOTK_NUM_RANGE) {
        problem(ld, n, "%s: %s is out of range (numbers in a standard lie within ±1e15)",
                what, scalar(n));
        return false;
    }
    if (n->type == YAML_SCALAR_NODE && lotk_parse_double(scalar(n), strlen(scalar(n)), &v) == 0)
        problem(ld, n, "%s: expected a number, found the string \"%s\"; unquote it", what,
                scalar(n));
    else if (n->type == YAML_SCALAR_NODE)
        problem(ld, n, "%s: expected a number, found '%s'", what, scalar(n));
    else
        problem(ld, n, "%s: expected a number, found %s", what, lotk_yaml_type_name(n));
    return false;
}

bool lotk_yaml_bool(struct lotk_loader *ld, const yaml_node_t *n, const char *what, bool *out)
{
    static const char *const yes[] = {"true", "True", "TRUE", "yes", "Yes", "YES", NULL};
    static const char *const no[] = {"false", "False", "FALSE", "no", "No", "NO", NULL};
    if (is_plain(n)) {
        for (int i = 0; yes[i]; i++)
            if (strcmp(scalar(n), yes[i]) == 0)
                return *out = true, true;
        for (int i = 0; no[i]; i++)
            if (strcmp(scalar(n), no[i]) == 0)
                return *out = false, true;
    }
    problem(ld, n, "%s: expected true or false, found %s%s%s", what,
            n->type == YAML_SCALAR_NODE ? "'" : "",
            n->type == YAML_SCALAR_NODE ? scalar(n) : lotk_yaml_type_name(n),
            n->type == YAML_SCALAR_NODE ? "'" : "");
    return false;
}

bool lotk_yaml_expect(struct lotk_loader *ld, const yaml_node_t *n, yaml_node_type_t type,
                      const char *what)
{
    if (n->type == type)
        return true;
    const char *want = type == YAML_MAPPING_NODE ? "a mapping" :
                       type == YAML_SEQUENCE_NODE ? "a list" : "a scalar";
    problem(ld, n, "%s: expected %s, found %s", what, want, lotk_yaml_type_name(n));
    return false;
}

/* Reports unknown and duplicate keys of a mapping, suggesting the nearest allowed key. */
void lotk_yaml_check_keys(struct lotk_loader *ld, const yaml_node_t *map,
                          const char *const *allowed, const char *what)
{
    for (yaml_node_pair_t *p = map->data.mapping.pairs.start; p < map->data.mapping.pairs.top;
         p++) {
        yaml_node_t *k = node_at(ld, p->key);
        if (k->type != YAML_SCALAR_NODE) {
            problem(ld, k, "%s: keys must be strings, found %s", what, lotk_yaml_type_name(k));
            continue;
        }
        for (yaml_node_pair_t *q = map->data.mapping.pairs.start; q < p; q++) {
            yaml_node_t *k2 = node_at(ld, q->key);
            if (k2->type == YAML_SCALAR_NODE && strcmp(scalar(k2), scalar(k)) == 0) {
                problem(ld, k, "%s: duplicate key '%s' (first at line %ld)", what, scalar(k),
                        (long)k2->start_mark.line + 1);
                break;
            }
        }
        if (!allowed)
            continue;
        const char *best = NULL;
        size_t best_d = (size_t)-1;
        bool ok = false;
        for (int i = 0; allowed[i]; i++) {
            if (strcmp(allowed[i], scalar(k)) == 0) {
                ok = true;
                break;
            }
            size_t d = lotk_edit_distance(allowed[i], scalar(k));
            if (d < best_d) {
                best_d = d;
                best = allowed[i];
            }
        }
        if (ok)
            continue;
        if (best && best_d <= (strlen(scalar(k)) + 2) / 3 + 1)
            problem(ld, k, "%s: unknown key '%s'; did you mean '%s'?", what, scalar(k), best);
        else
            problem(ld, k, "%s: unknown key '%s'", what, scalar(k));
    }
}

yaml_node_t *lotk_yaml_get(struct lotk_loader *ld, const yaml_node_t *map, const char *key)
{
    if (map->type != YAML_MAPPING_NODE)
        return NULL;
    for (yaml_node_pair_t *p = map->data.mapping.pairs.start; p < map->data.mapping.pairs.top;
         p++) {
        yaml_node_t *k = node_at(ld, p->key);
        if (k->type == YAML_SCALAR_NODE && strcmp(scalar(k), key) == 0)
            return node_at(ld, p->value);
    }
    return NULL;
}

yaml_node_t *lotk_yaml_require(struct lotk_loader *ld, const yaml_node_t *map,
                               const char *key, const char *what)
{
    yaml_node_t *v = lotk_yaml_get(ld, map, key);
    if (!v)
        problem(ld, map, "%s: missing required key '%s'", what, key);
    return v;
}

bool lotk_yaml_valid_id(const char *s, bool allow_upper_and_dots)
{
    if (!*s)
        return false;
    for (; *s; s++) {
        char c = *s;
        bool ok = (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-' ||
                  (allow_upper_and_dots &&
                   ((c >= 'A' && c <= 'Z') || c == '.' || c == '_'));
        if (!ok)
            return false;
    }
    return true;
}

void lotk_yaml_text(struct lotk_loader *ld, const yaml_node_t *n, struct lotk_text *t,
                    const char *what)
{
    static const char *const keys[] = {"zh", "en", NULL};
    if (n->type == YAML_SCALAR_NODE) {
        /* A plain title is Chinese when it has any non-ASCII character, else English. */
        bool ascii = true;
        for (const char *p = scalar(n); *p; p++)
            ascii &= (unsigned char)*p < 0x80;
        *(ascii ? &t->en : &t->zh) = lotk_xstrdup(scalar(n));
        return;
    }
    if (!lotk_yaml_expect(ld, n, YAML_MAPPING_NODE, what))
        return;
    lotk_yaml_check_keys(ld, n, keys, what);
    yaml_node_t *v;
    if ((v = lotk_yaml_get(ld, n, "zh")))
        t->zh = lotk_yaml_string(ld, v, what);
    if ((v = lotk_yaml_get(ld, n, "en")))
        t->en = lotk_yaml_string(ld, v, what);
    if (!t->zh && !t->en)
        problem(ld, n, "%s: give the text in zh, en or both", what);
}

void lotk_yaml_text_free(struct lotk_text *t)
{
    free(t->zh);
    free(t->en);
}

/* Copies a YAML subtree into a plain value tree for plugins. */
void lotk_yaml_value(struct lotk_loader *ld, const yaml_node_t *n, struct lotk_value *v)
{
    memset(v, 0, sizeof *v);
    v->loc = loc_of(n);
    if (lotk_yaml_too_large(ld, n))
        return;
    if (n->type != YAML_SCALAR_NODE && ld->value_depth >= STANDARD_MAX_DEPTH) {
        if (!ld->too_deep)
            problem(ld, n, "parameters nested deeper than %d levels (an alias inside its own "
                    "anchor?)", STANDARD_MAX_DEPTH);
        ld->too_deep = true;
        return;
    }
    ld->value_depth++;
    if (n->type == YAML_SCALAR_NODE) {
        const char *text = scalar(n);
        if (is_plain(n) && (strcmp(text, "~") == 0 || strcmp(text, "null") == 0)) {
            v->type = LOTK_VALUE_NULL;
        } else if (is_plain(n) && lotk_parse_double(text, strlen(text), &v->number) == 0) {
            v->type = LOTK_VALUE_NUMBER;
        } else if (is_plain(n) && (strcmp(text, "true") == 0 || strcmp(text, "false") == 0)) {
            v->type = LOTK_VALUE_BOOL;
            v->boolean = text[0] == 't';
        } else {
            v->type = LOTK_VALUE_STRING;
            v->string = lotk_xstrdup(text);
        }
    } else if (n->type == YAML_SEQUENCE_NODE) {
        v->type = LOTK_VALUE_LIST;
        v->count = (size_t)(n->data.sequence.items.top - n->data.sequence.items.start);
        v->items = lotk_xcalloc(v->count, sizeof *v->items);
        for (size_t i = 0; i < v->count; i++)
            lotk_yaml_value(ld, node_at(ld, n->data.sequence.items.start[i]), &v->items[i]);
    } else if (n->type == YAML_MAPPING_NODE) {
        v->type = LOTK_VALUE_MAP;
        v->count = (size_t)(n->data.mapping.pairs.top - n->data.mapping.pairs.start);
        v->items = lotk_xcalloc(v->count, sizeof *v->items);
        v->keys = lotk_xcalloc(v->count, sizeof *v->keys);
        for (size_t i = 0; i < v->count; i++) {
            yaml_node_t *k = node_at(ld, n->data.mapping.pairs.start[i].key);
            v->keys[i] = lotk_xstrdup(k->type == YAML_SCALAR_NODE ? scalar(k) : "");
            lotk_yaml_value(ld, node_at(ld, n->data.mapping.pairs.start[i].value),
                            &v->items[i]);
        }
    }
    ld->value_depth--;
}
