/* fuzz_plugin.c — a plugin file (Lua source) loaded and its metadata checked (lua/
 * registry.c), then its own tests run (lua/ptest.c), in the sandbox (lua/lhost.c). The
 * file is fuzzplugin.lua, so a plugin named fuzzplugin gets past the name check (the seeds
 * are the shipped plugins renamed so). Properties: no crash, leak or hang (the state's
 * memory cap and instruction budget hold, whatever the chunk does); a plugin loads or is
 * refused with a message; one that loads has its name, a kind, and the function of its
 * kind (or, a library, none); its tests count what they ran. */
#include <string.h>

#include "fuzz.h"
#include <lauxlib.h>

#include "lua/plugin.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    static bool ready;
    if (!ready) {
        fuzz_use_source_plugins(); /* lotk.require finds the shipped libraries */
        ready = true;
    }
    const char *path = fuzz_file("fuzzplugin.lua", data, size);
    /* Small limits, so that a hostile chunk hits them in milliseconds. */
    struct lotk_lhost_limits limits = {.memory = 16 << 20,
                                       .instructions = 200000,
                                       .report_instructions = 200000};
    struct lotk_err err;
    lotk_err_clear(&err);
    struct lotk_plugins *p = lotk_plugins_new(&limits, NULL, &err);
    FUZZ_CHECK(p != NULL);
    const struct lotk_plugin *pl = NULL;
    int rc = lotk_plugins_load_file(p, path, &pl, &err);
    if (rc) {
        FUZZ_CHECK(rc == LOTK_ESTANDARD && err.code == rc);
        FUZZ_CHECK(err.msg[0]);
        goto done;
    }
    FUZZ_CHECK(pl && strcmp(pl->name, "fuzzplugin") == 0);
    FUZZ_CHECK(pl->version && pl->description && pl->path);
    FUZZ_CHECK(strcmp(lotk_plugin_kind_name(pl->kind), "") != 0);
    FUZZ_CHECK((pl->kind == LOTK_PLUGIN_LIBRARY) == (pl->fn_ref == LUA_NOREF));
    /* The same file again is the same plugin, not a second load. */
    const struct lotk_plugin *again = NULL;
    FUZZ_CHECK(lotk_plugins_load_file(p, path, &again, &err) == 0 && again == pl);

    int passed = -1, failed = -1;
    FILE *devnull = fopen("/dev/null", "w");
    FUZZ_CHECK(devnull != NULL);
    lotk_err_clear(&err);
    rc = lotk_plugin_test(p, pl, &passed, &failed, devnull, &err);
    fclose(devnull);
    if (rc == 0)
        FUZZ_CHECK(passed >= 0 && failed >= 0);
    else
        FUZZ_CHECK(rc < 0 && err.msg[0]);
done:
    lotk_plugins_free(p);
    return 0;
}
