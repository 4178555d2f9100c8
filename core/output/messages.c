/* messages.c — the message table, compiled from messages.def by an X-macro. */
#include "output/messages.h"

#include <stdbool.h>
#include <string.h>

/* An enumerator per key: a key defined twice in messages.def (two writers adding the same
 * label) fails the build here instead of silently shadowing the later text. */
enum lotk_message_id {
#define M(key, zh, en) LOTK_MSG_##key,
#include "output/messages.def"
#undef M
    LOTK_MSG_COUNT
};

struct lotk_message_text {
    const char *key;
    const char *zh;
    const char *en;
};

static const struct lotk_message_text messages[LOTK_MSG_COUNT] = {
#define M(key, zh, en) [LOTK_MSG_##key] = {#key, zh, en},
#include "output/messages.def"
#undef M
};

const char *lotk_message(const char *key, const char *lang)
{
    if (!key)
        return key;
    /* A linear scan: the table has about a hundred keys and writers look each label up
     * once per sheet or row, so a sorted index would buy nothing measurable. */
    for (size_t i = 0; i < LOTK_MSG_COUNT; i++) {
        if (strcmp(messages[i].key, key) == 0)
            return lang && strcmp(lang, "zh") == 0 ? messages[i].zh : messages[i].en;
    }
    return key;
}

const char *lotk_message_key(size_t i)
{
    return i < LOTK_MSG_COUNT ? messages[i].key : NULL;
}

const char *lotk_message_pick(const char *zh, const char *en, const char *lang,
                              const char *fallback)
{
    bool want_zh = lang && strcmp(lang, "zh") == 0;
    const char *first = want_zh ? zh : en, *second = want_zh ? en : zh;
    return first ? first : second ? second : fallback;
}
