/* fuzz_members.c — members' JSON results as `lotk score --members` streams them
 * (input/members.c) on arbitrary bytes: the input is split at the first bytes 01 02 into two files
 * read into one set, so that a member in both, two standards and a second file's refusal are
 * reached too. The standards' check accepts every id and version (the search path is not
 * what is fuzzed). Properties: no crash or leak; a file is read or refused with a message
 * naming it; every member kept has a non-empty id found again by lotk_members_find, a
 * standard that exists and a band among that standard's grades (or none), and no id is kept
 * twice. */
#include <math.h>
#include <string.h>

#include "fuzz.h"
#include "input/members.h"

static int accept_any(const char *file, const char *id, const char *version,
                      struct lotk_err *err)
{
    (void)file, (void)id, (void)version, (void)err;
    return 0;
}

static void check_set(const struct lotk_members_set *ms)
{
    for (size_t i = 0; i < ms->norgs; i++) {
        const struct lotk_member *m = &ms->orgs[i];
        FUZZ_CHECK(m->id && m->id[0]);
        FUZZ_CHECK(lotk_members_find(ms, m->id) == m); /* found, and kept once */
        FUZZ_CHECK(m->standard >= 0 && (size_t)m->standard < ms->nstandards);
        const struct lotk_member_standard *st = &ms->standards[m->standard];
        FUZZ_CHECK(m->band >= -1 && (m->band < 0 || (size_t)m->band < st->ngrades));
        FUZZ_CHECK(m->points != m->points || isfinite(m->points));
    }
    for (size_t k = 0; k < ms->nstandards; k++)
        FUZZ_CHECK(ms->standards[k].id && ms->standards[k].version);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    const uint8_t *second;
    size_t first_size, second_size;
    fuzz_split(data, size, "\x01\x02", &second, &first_size, &second_size);
    const char *a = fuzz_file("a.json", data, first_size);
    const char *b = second ? fuzz_file("b.json", second, second_size) : NULL;
    struct lotk_members_set ms = {0};
    const char *files[] = {a, b};
    for (size_t f = 0; f < 2 && files[f]; f++) {
        struct lotk_err err;
        lotk_err_clear(&err);
        int rc = lotk_members_read(&ms, files[f], accept_any, &err);
        FUZZ_CHECK(rc == 0 || (rc == LOTK_EIO && err.msg[0] && strcmp(err.file, files[f]) == 0));
        check_set(&ms);
        if (rc)
            break; /* lotk score stops at the first refused file */
    }
    lotk_members_clear(&ms);
    return 0;
}
