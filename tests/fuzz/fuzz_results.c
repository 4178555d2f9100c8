/* fuzz_results.c — lotk's JSON results read back, on arbitrary bytes: as lotk compare and
 * lotk norms read them (analysis/doc.c, compare.c, norms.c), as a norm table (--norms),
 * and as lotk report renders them (output/report.c through the shipped md and html report
 * plugins). Properties: no crash, leak or hang; each reader takes the file or refuses it
 * with a message naming it; a result compared with itself shows no change anywhere; a norm
 * table built from it is written and read back; a report renders or fails with a message,
 * and what it renders is valid UTF-8. */
#include <math.h>
#include <string.h>

#include <jansson.h>

#include "fuzz.h"
#include "analysis/compare.h"
#include "analysis/doc.h"
#include "analysis/norms.h"
#include "base/buf.h"
#include "base/file.h"
#include "lua/plugin.h"
#include "output/json.h"
#include "output/report.h"

static void check_doc(const char *path)
{
    struct lotk_doc doc = {0};
    struct lotk_err err;
    int rc = lotk_doc_load(path, &doc, &err);
    if (rc) {
        FUZZ_CHECK(rc == LOTK_EIO && err.msg[0]);
        FUZZ_CHECK(doc.root == NULL && doc.orgs == NULL);
        return;
    }
    FUZZ_CHECK(doc.std_id && doc.std_version);
    for (size_t i = 0; i < doc.norgs; i++) {
        const struct lotk_doc_org *o = &doc.orgs[i];
        FUZZ_CHECK(o->id != NULL);
        double total = lotk_doc_value(o, "total", "points");
        FUZZ_CHECK((isnan(total) && isnan(o->points)) || total == o->points);
        (void)lotk_doc_value(o, "D1", "norm");
    }
    lotk_doc_clear(&doc);
}

static void check_compare(const char *path)
{
    struct lotk_comparison *c = NULL;
    struct lotk_err err;
    int rc = lotk_compare_run(path, path, NULL, NULL, &c, &err);
    if (rc) {
        FUZZ_CHECK(rc < 0 && err.msg[0] && c == NULL);
        return;
    }
    FUZZ_CHECK(c->nonly_old == 0 && c->nonly_new == 0 && !c->version_mismatch);
    for (size_t i = 0; i < c->norgs; i++)
        for (size_t k = 0; k < c->nnodes; k++) {
            const struct lotk_compare_change *ch = &c->orgs[i].changes[k];
            FUZZ_CHECK(ch->change == 0 || ch->change == 2);
            FUZZ_CHECK(isnan(ch->diff) || ch->diff == 0);
        }
    struct lotk_buf out = {0};
    lotk_write_json_comparison(c, &out);
    json_error_t jerr;
    json_t *back = json_loadb(out.data ? out.data : "", out.len, 0, &jerr);
    FUZZ_CHECK(back != NULL);
    json_decref(back);
    lotk_buf_free(&out);
    lotk_compare_free(c);
}

static void check_norms(const char *path)
{
    struct lotk_norms *nm = NULL, *back = NULL;
    struct lotk_err err;
    const char *paths[] = {path};
    int rc = lotk_norms_build(paths, 1, 1, NULL, &nm, &err);
    if (rc == 0) {
        struct lotk_buf out = {0};
        lotk_write_json_norms(nm, &out);
        const char *np = fuzz_file("norms.json", out.data, out.len);
        rc = lotk_norms_load(np, &back, &err);
        if (rc)
            fprintf(stderr, "norms written do not read back: %s\n", err.msg);
        FUZZ_CHECK(rc == 0);
        FUZZ_CHECK(back->ngroups == nm->ngroups);
        lotk_norms_free(back);
        back = NULL;
        lotk_buf_free(&out);
    } else {
        FUZZ_CHECK(err.msg[0] && nm == NULL);
    }
    lotk_norms_free(nm);
    /* The input as a norm table, as --norms reads one. */
    if (lotk_norms_load(path, &back, &err) == 0)
        FUZZ_CHECK(back != NULL);
    else
        FUZZ_CHECK(err.msg[0]);
    lotk_norms_free(back);
}

/* As lotk report takes a result: one with a standard tree and organizations. */
static void check_report(const char *path, const char *format)
{
    static struct lotk_plugins *plugins;
    struct lotk_err err;
    if (!plugins) {
        /* A budget a real report of a small batch stays well within. */
        struct lotk_lhost_limits limits = {.memory = 256 << 20,
                                           .report_instructions = 20000000};
        FUZZ_CHECK((plugins = lotk_plugins_new(&limits, NULL, &err)) != NULL);
    }
    json_t *doc = NULL;
    if (lotk_doc_read_json(path, &doc, &err) != 0) {
        FUZZ_CHECK(err.msg[0] && doc == NULL);
        return;
    }
    const json_t *std = json_object_get(doc, "standard");
    const json_t *orgs = json_object_get(doc, "organizations");
    if (!json_is_object(doc) || !json_is_string(json_object_get(std, "id")) ||
        !json_is_array(json_object_get(std, "nodes")) || !json_is_array(orgs))
        goto done;
    const char *first = json_string_value(json_object_get(json_array_get(orgs, 0), "id"));
    if (first && json_array_size(orgs) > 1) {
        const char *ids[] = {first};
        int rc = lotk_report_select(doc, ids, 1, &err);
        FUZZ_CHECK(rc == 0 || (rc == LOTK_EUSAGE && err.msg[0]));
    }
    const char *lang = lotk_report_default_lang(doc);
    FUZZ_CHECK(strcmp(lang, "zh") == 0 || strcmp(lang, "en") == 0);
    const char *out = fuzz_path("out.txt");
    int rc = lotk_report_write(doc, format, lang, plugins, out, &err);
    if (rc) {
        FUZZ_CHECK((rc == LOTK_EPLUGIN || rc == LOTK_ESTANDARD || rc == LOTK_EIO) && err.msg[0]);
        goto done;
    }
    char *text = NULL;
    size_t len = 0;
    FUZZ_CHECK(lotk_file_read(out, 1 << 30, &text, &len, &err) == 0);
    FUZZ_CHECK(fuzz_utf8_valid((const unsigned char *)text, len));
    free(text);
done:
    json_decref(doc);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    static bool ready;
    if (!ready) {
        fuzz_use_source_plugins();
        ready = true;
    }
    const char *path = fuzz_file("result.json", data, size);
    check_doc(path);
    check_compare(path);
    check_norms(path);
    check_report(path, size % 2 ? "html" : "md");
    return 0;
}
