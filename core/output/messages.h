/* messages.h — labels of lotk's reports in each language (DESIGN §9).
 *
 * The table is messages.def: one M(key, "中文", "English") line per label, compiled into
 * messages.c. Writers look labels up by key; Lua report plugins get the whole table of one
 * language (walk it with lotk_message_key). */
#ifndef LOTK_MESSAGES_H
#define LOTK_MESSAGES_H

#include <stddef.h>

/* The text of key in lang: the Chinese text when lang is "zh", the English text for any
 * other lang (NULL included). An unknown key (or NULL) is returned as it was given, the
 * same pointer, so a caller can tell a miss by comparing pointers and a report never
 * aborts over a missing label. The returned text is static; do not free it. */
const char *lotk_message(const char *key, const char *lang);

/* The key of the i-th message in messages.def order, or NULL when i is past the end; for
 * handing the whole table to a report plugin. The text is static. */
const char *lotk_message_key(size_t i);

/* The text of a bilingual pair in lang: zh when lang is "zh", en otherwise, the other one
 * when the wanted one is NULL, fallback when both are. For a standard's title and label
 * maps. */
const char *lotk_message_pick(const char *zh, const char *en, const char *lang,
                              const char *fallback);

#endif
