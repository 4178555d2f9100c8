/* members.c — member organizations' results, streamed; see members.h.
 *
 * A byte scanner follows the result's top-level object (strings, escapes and nesting only)
 * and hands jansson two kinds of pieces: the `standard` member, and each element of the
 * `organizations` array. Everything else (reliability, batch, respondents) is skipped
 * unparsed. */
#include "input/members.h"

#include <errno.h>
#include <jansson.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/buf.h"
#include "base/diag.h"
#include "base/mem.h"
#include "standard/standard.h"

enum { CHUNK = 1 << 16, MAX_PIECE = 64 << 20 };

enum piece { PIECE_NONE, PIECE_STANDARD, PIECE_ORGS };

struct scan {
    struct lotk_members_set *ms;
    const char *file;
    lotk_members_check_fn check;
    struct lotk_err *err;
    int rc;
    long line;             /* of the byte being scanned */
    int depth;             /* open objects and arrays */
    bool in_str, esc, in_key, expect_key, started;
    enum piece value;      /* what the current top-level value is */
    struct lotk_buf key;   /* the current top-level key */
    bool capturing;
    bool skipping;         /* inside a nested value of an organization, not captured */
    int capture_depth;     /* depth outside the captured value */
    long capture_line;
    struct lotk_buf piece;
    int standard;          /* this file's standard (index), -1 until its block is read */
    bool saw_orgs;
};

static int fail(struct scan *sc, long line, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

static int fail(struct scan *sc, long line, const char *fmt, ...)
{
    if (sc->rc == 0) {
        char msg[768];
        va_list ap;
        va_start(ap, fmt);
        vsnprintf(msg, sizeof msg, fmt, ap);
        va_end(ap);
        sc->rc = lotk_err_set(sc->err, LOTK_EIO, sc->file, line, 0, "%s", msg);
    }
    return sc->rc;
}

int lotk_members_check_search_path(const char *file, const char *id, const char *version,
                                   struct lotk_err *err)
{
    struct lotk_err ignored;
    char *path = lotk_standard_resolve(id, &ignored);
    if (!path)
        return lotk_err_set(err, LOTK_EIO, file, 0, 0,
                            "member results of standard '%s', which is not on the search "
                            "path: lotk cannot tell what its grades mean", id);
    struct lotk_standard *s = NULL;
    struct lotk_diags diags = {0};
    int rc = 0;
    if (lotk_standard_load(path, &s, &diags) != 0)
        rc = lotk_err_set(err, LOTK_EIO, file, 0, 0,
                          "member results of standard '%s', which does not load from the "
                          "search path (lotk check %s)", id, id);
    else if (strcmp(s->version, version) != 0)
        rc = lotk_err_set(err, LOTK_EIO, file, 0, 0,
                          "member results of %s %s, an unknown version: the standard on the "
                          "search path is %s %s; score the members again against it",
                          id, version, id, s->version);
    lotk_standard_free(s);
    lotk_diags_free(&diags);
    free(path);
    return rc;
}

static const char *str_of(json_t *o, const char *key)
{
    return json_string_value(json_object_get(o, key));
}

/* The standard block: checked, and the standard found among those already read. */
static void take_standard(struct scan *sc, json_t *j)
{
    struct lotk_members_set *ms = sc->ms;
    const char *id = str_of(j, "id"), *version = str_of(j, "version");
    const char *kind = str_of(j, "kind");
    json_t *bands = json_object_get(j, "bands");
    json_t *points = json_object_get(j, "points");
    if (!id || !version || !kind || !json_is_array(bands) || !json_is_number(points)) {
        fail(sc, sc->capture_line, "no lotk result: its standard block lacks the id, "
             "version, kind, bands or points of the standard");
        return;
    }
    for (size_t i = 0; i < ms->nstandards; i++)
        if (strcmp(ms->standards[i].id, id) == 0 &&
            strcmp(ms->standards[i].version, version) == 0) {
            sc->standard = (int)i;
            return;
        }
    lotk_members_check_fn check = sc->check ? sc->check : lotk_members_check_search_path;
    if ((sc->rc = check(sc->file, id, version, sc->err)) != 0)
        return;
    ms->standards = lotk_xrealloc(ms->standards, (ms->nstandards + 1) * sizeof *ms->standards);
    struct lotk_member_standard *st = &ms->standards[ms->nstandards];
    *st = (struct lotk_member_standard){.id = lotk_xstrdup(id), .version = lotk_xstrdup(version),
                                        .kind = lotk_xstrdup(kind),
                                        .file = lotk_xstrdup(sc->file),
                                        .points = json_number_value(points)};
    st->grades = lotk_xcalloc(json_array_size(bands) + 1, sizeof *st->grades);
    for (size_t b = 0; b < json_array_size(bands); b++) {
        const char *g = str_of(json_array_get(bands, b), "grade");
        if (g)
            st->grades[st->ngrades++] = lotk_xstrdup(g);
    }
    sc->standard = (int)ms->nstandards++;
}

static void take_org(struct scan *sc, json_t *j)
{
    struct lotk_members_set *ms = sc->ms;
    if (sc->standard < 0) {
        fail(sc, sc->capture_line, "no lotk result: organizations before the standard "
             "block");
        return;
    }
    const struct lotk_member_standard *st = &ms->standards[sc->standard];
    const char *id = str_of(j, "id");
    json_t *grade = json_object_get(j, "grade"), *points = json_object_get(j, "points");
    if (!id || !(json_is_string(grade) || json_is_null(grade)) ||
        !(json_is_number(points) || json_is_null(points))) {
        fail(sc, sc->capture_line, "an organization without its id, grade and points "
             "(is this a lotk result?)");
        return;
    }
    int band = -1;
    if (json_is_string(grade) &&
        (band = lotk_members_grade_index(st, json_string_value(grade))) < 0) {
        fail(sc, sc->capture_line, "%s's grade '%s' is no band of its standard", id,
             json_string_value(grade));
        return;
    }
    int at = lotk_strmap_put(&ms->index, id, strlen(id), (int)ms->norgs);
    if (at != (int)ms->norgs) {
        const struct lotk_member_standard *was = &ms->standards[ms->orgs[at].standard];
        fail(sc, sc->capture_line, "organization '%s' is already a member from %s (%s): an "
             "organization is given once", id, was->file, was->id);
        return;
    }
    lotk_grow(&ms->orgs, &ms->cap_orgs, ms->norgs + 1, sizeof *ms->orgs);
    ms->orgs[ms->norgs++] = (struct lotk_member){
        .id = lotk_xstrdup(id), .standard = sc->standard, .band = band,
        .points = json_is_number(points) ? json_number_value(points) : NAN};
}

static void end_piece(struct scan *sc)
{
    json_error_t je;
    json_t *j = json_loadb(sc->piece.data, sc->piece.len, 0, &je);
    sc->capturing = false;
    if (!j) {
        fail(sc, sc->capture_line + je.line - 1, "not valid JSON: %s", je.text);
        return;
    }
    if (sc->value == PIECE_STANDARD)
        take_standard(sc, j);
    else
        take_org(sc, j);
    json_decref(j);
    lotk_buf_reset(&sc->piece);
}

/* An opening bracket: the root, the standard block, or an organization begins. */
static void open_bracket(struct scan *sc, char c)
{
    if (sc->depth == 0) {
        if (c != '{' || sc->started)
            fail(sc, sc->line, "no lotk result: expected one JSON object");
        sc->started = true;
        sc->expect_key = true;
    } else if (sc->depth == 1) {
        const char *key = sc->key.data ? sc->key.data : "";
        sc->value = strcmp(key, "standard") == 0        ? PIECE_STANDARD
                    : strcmp(key, "organizations") == 0 ? PIECE_ORGS
                                                        : PIECE_NONE;
        if (sc->value == PIECE_STANDARD && c == '{') {
            sc->capturing = true;
            sc->capture_depth = 1;
            sc->capture_line = sc->line;
            lotk_buf_putc(&sc->piece, c);
        }
        sc->saw_orgs |= sc->value == PIECE_ORGS;
    } else if (sc->depth == 2 && sc->value == PIECE_ORGS && c == '{' && !sc->capturing) {
        sc->capturing = true;
        sc->capture_depth = 2;
        sc->capture_line = sc->line;
        lotk_buf_putc(&sc->piece, c);
    }
    sc->depth++;
}

static void scan_byte(struct scan *sc, char c)
{
    if (c == '\n')
        sc->line++;
    /* An organization's nested members (nodes, evidence, adjustments) are not needed: they
     * go to jansson as null, which makes the parse a fraction of the work. */
    if (!sc->in_str && (c == '{' || c == '[') && sc->capturing && !sc->skipping &&
        sc->value == PIECE_ORGS && sc->depth == 3) {
        lotk_buf_puts(&sc->piece, "null");
        sc->skipping = true;
    } else if (sc->capturing && !sc->skipping) {
        if (sc->piece.len >= MAX_PIECE) {
            fail(sc, sc->capture_line, "a piece of the result over 64 MiB");
            return;
        }
        lotk_buf_putc(&sc->piece, c);
    }
    if (sc->in_str) {
        if (sc->esc)
            sc->esc = false;
        else if (c == '\\')
            sc->esc = true;
        else if (c == '"')
            sc->in_str = sc->in_key = false;
        if (sc->in_key && sc->in_str)
            lotk_buf_putc(&sc->key, c);
        return;
    }
    switch (c) {
    case '"':
        sc->in_str = true;
        if (sc->depth == 1 && sc->expect_key) {
            sc->in_key = true;
            sc->expect_key = false;
            lotk_buf_reset(&sc->key);
        }
        break;
    case '{':
    case '[':
        open_bracket(sc, c);
        break;
    case '}':
    case ']':
        if (--sc->depth < 0) {
            fail(sc, sc->line, "not valid JSON: a bracket closes nothing");
            return;
        }
        if (sc->skipping && sc->depth == 3)
            sc->skipping = false;
        if (sc->capturing && sc->depth == sc->capture_depth)
            end_piece(sc);
        if (sc->depth == 1 && sc->value == PIECE_ORGS)
            sc->value = PIECE_NONE;
        break;
    case ',':
        if (sc->depth == 1) {
            sc->expect_key = true;
            sc->value = PIECE_NONE;
        }
        break;
    default:
        break;
    }
}

int lotk_members_read(struct lotk_members_set *ms, const char *path,
                      lotk_members_check_fn check, struct lotk_err *err)
{
    struct scan sc = {.ms = ms, .file = path, .check = check, .err = err, .line = 1,
                      .standard = -1};
    if (strcmp(path, "-") == 0)
        return lotk_err_set(err, LOTK_EUSAGE, NULL, 0, 0,
                            "score: --members takes a file of lotk results, not standard "
                            "input");
    FILE *f = fopen(path, "rb");
    if (!f)
        return lotk_err_set(err, LOTK_EIO, path, 0, 0, "cannot open: %s", strerror(errno));
    char *chunk = lotk_xmalloc(CHUNK);
    size_t n;
    while (sc.rc == 0 && (n = fread(chunk, 1, CHUNK, f)) > 0)
        for (size_t i = 0; i < n && sc.rc == 0; i++)
            scan_byte(&sc, chunk[i]);
    if (sc.rc == 0 && ferror(f))
        fail(&sc, 0, "cannot read: %s", strerror(errno));
    else if (sc.rc == 0 && (!sc.started || sc.depth != 0 || sc.in_str))
        fail(&sc, sc.line, "no lotk result: the file ends before its JSON object does");
    else if (sc.rc == 0 && (sc.standard < 0 || !sc.saw_orgs))
        fail(&sc, 0, "no lotk result: no %s block",
             sc.standard < 0 ? "standard" : "organizations");
    if (sc.rc == 0)
        ms->nfiles++;
    fclose(f);
    free(chunk);
    lotk_buf_free(&sc.key);
    lotk_buf_free(&sc.piece);
    return sc.rc;
}

const struct lotk_member *lotk_members_find(const struct lotk_members_set *ms, const char *id)
{
    int at = ms ? lotk_strmap_get(&ms->index, id, strlen(id)) : -1;
    return at >= 0 ? &ms->orgs[at] : NULL;
}

int lotk_members_grade_index(const struct lotk_member_standard *st, const char *grade)
{
    for (size_t b = 0; b < st->ngrades; b++)
        if (strcmp(st->grades[b], grade) == 0)
            return (int)b;
    return -1;
}

void lotk_members_clear(struct lotk_members_set *ms)
{
    for (size_t i = 0; i < ms->nstandards; i++) {
        struct lotk_member_standard *st = &ms->standards[i];
        free(st->id);
        free(st->version);
        free(st->kind);
        free(st->file);
        for (size_t b = 0; b < st->ngrades; b++)
            free(st->grades[b]);
        free(st->grades);
    }
    free(ms->standards);
    for (size_t i = 0; i < ms->norgs; i++)
        free(ms->orgs[i].id);
    free(ms->orgs);
    lotk_strmap_free(&ms->index);
    *ms = (struct lotk_members_set){0};
}
