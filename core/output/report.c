/* report.c — reports rendered from the JSON result document; see report.h. */
#include "output/report.h"

#include <stdlib.h>
#include <string.h>

#include "base/buf.h"
#include "base/file.h"
#include "base/json_tree.h"
#include "base/mem.h"
#include "base/text.h"
#include "output/messages.h"
#include "output/pdf.h"
#include "output/xlsx.h"

bool lotk_report_format(const char *format)
{
    return strcmp(format, "html") == 0 || strcmp(format, "md") == 0 ||
           strcmp(format, "xlsx") == 0 || strcmp(format, "pdf") == 0;
}

const char *lotk_report_default_lang(const json_t *doc)
{
    const json_t *langs = json_object_get(json_object_get(doc, "standard"), "languages");
    const char *first = json_string_value(json_array_get(langs, 0));
    return first && strcmp(first, "en") == 0 ? "en" : "zh";
}

static int no_such_org(const json_t *orgs, const char *id, struct lotk_err *err)
{
    size_t n = json_array_size(orgs);
    size_t *distance = lotk_xmalloc((n ? n : 1) * sizeof *distance);
    for (size_t k = 0; k < n; k++) {
        const char *other = lotk_json_get_string(json_array_get(orgs, k), "id");
        distance[k] = lotk_edit_distance(id, other ? other : "");
    }
    int near[3];
    lotk_rank_nearest(distance, n, near, 3);
    struct lotk_buf b = {0};
    for (int i = 0; i < 3 && near[i] >= 0; i++)
        lotk_buf_printf(&b, "%s'%s'", i ? ", " : "",
                        lotk_json_get_string(json_array_get(orgs, (size_t)near[i]), "id"));
    lotk_err_set(err, LOTK_EUSAGE, NULL, 0, 0, "--org %s: no organization '%s' in the result%s%s",
                 id, id, b.len ? "; closest: " : "", b.len ? b.data : "");
    lotk_buf_free(&b);
    free(distance);
    return LOTK_EUSAGE;
}

int lotk_report_select(json_t *doc, const char *const *ids, size_t n, struct lotk_err *err)
{
    json_t *orgs = json_object_get(doc, "organizations");
    if (!json_is_array(orgs))
        return lotk_err_set(err, LOTK_EUSAGE, NULL, 0, 0, "the result has no organizations");
    for (size_t i = 0; i < n; i++) {
        size_t k;
        json_t *o;
        bool found = false;
        json_array_foreach(orgs, k, o) {
            const char *id = lotk_json_get_string(o, "id");
            found |= id && strcmp(id, ids[i]) == 0;
        }
        if (!found)
            return no_such_org(orgs, ids[i], err);
    }
    json_t *kept = json_array(), *selected = json_array();
    size_t k;
    json_t *o;
    json_array_foreach(orgs, k, o) {
        const char *id = lotk_json_get_string(o, "id");
        for (size_t i = 0; id && i < n; i++)
            if (strcmp(id, ids[i]) == 0) {
                json_array_append(kept, o);
                json_array_append_new(selected, json_string(id));
                break;
            }
    }
    json_object_set_new(doc, "organizations", kept);
    json_t *batch = json_object_get(doc, "batch");
    if (json_is_object(batch))
        json_object_set_new(batch, "selected", selected);
    else
        json_decref(selected);
    return 0;
}

/* The message table in lang, as report plugins get it (ctx.messages). */
static struct lotk_report_message *messages_in(const char *lang, size_t *n)
{
    size_t count = 0;
    while (lotk_message_key(count))
        count++;
    struct lotk_report_message *m = lotk_xmalloc((count ? count : 1) * sizeof *m);
    for (size_t i = 0; i < count; i++) {
        m[i].key = lotk_message_key(i);
        m[i].text = lotk_message(m[i].key, lang);
    }
    *n = count;
    return m;
}

/* The text of a report plugin: html for html and pdf, markdown for md. */
static int render(const json_t *doc, const char *format, const char *lang,
                  struct lotk_plugins *plugins, struct lotk_buf *out, struct lotk_err *err)
{
    const char *name = strcmp(format, "md") == 0 ? "markdown" : "html";
    const struct lotk_plugin *pl;
    /* The first file of the name on the search path: a user's html.lua beside the
     * standard replaces the shipped one. */
    int rc = lotk_plugins_find(plugins, name, LOTK_PLUGIN_REPORT, &pl, err);
    if (rc)
        return rc;
    struct lotk_report_ctx ctx = {.format = strcmp(format, "pdf") == 0 ? "html" : format,
                                  .lang = lang};
    struct lotk_report_message *m = messages_in(lang, &ctx.nmessages);
    ctx.messages = m;
    rc = lotk_plugin_report(plugins, pl, doc, &ctx, out, err);
    free(m);
    return rc;
}

int lotk_report_write(const json_t *doc, const char *format, const char *lang,
                      struct lotk_plugins *plugins, const char *path, struct lotk_err *err)
{
    if (strcmp(format, "xlsx") == 0)
        return lotk_xlsx_write(doc, lang, path, err);
    struct lotk_buf text = {0};
    int rc = render(doc, format, lang, plugins, &text, err);
    if (rc == 0)
        rc = strcmp(format, "pdf") == 0 ? lotk_pdf_print(text.data, text.len, path, err) :
                                          lotk_file_write_atomic(path, text.data, text.len, err);
    lotk_buf_free(&text);
    return rc;
}
