/* api.h — the lotk.* host functions plugins call (lotk.log, lotk.match, the statistics
 * helpers) and lotk.standard, the read-only view of the standard. Internal to the lua tier.
 *
 * lotk.require is not here: it loads plugins, so it lives with the registry (registry.c),
 * which adds it to the table built here — the other way round would be a circle of calls. */
#ifndef LOTK_API_H
#define LOTK_API_H

#include <stddef.h>

#include "base/strmap.h"

enum { LOTK_API_RX_CACHE = 64 };

struct lotk_rx;
struct lotk_plugins;

/* What the host functions keep between calls: compiled lotk.match patterns. */
struct lotk_api {
    struct lotk_rx *rx[LOTK_API_RX_CACHE];
    size_t nrx;
    struct lotk_strmap rx_index; /* pattern → index into rx */
};

/* Pushes a new, still writable lotk table for p's state: the functions (each holding p,
 * for p->current and p->api), lotk.version and, when p has a standard, lotk.standard
 * (read-only all the way down). The caller adds what else belongs and installs it with
 * lotk_lhost_set_global, which makes it read-only. */
void lotk_api_push(struct lotk_plugins *p);

/* Frees what the host functions cached (not a itself). NULL-safe. */
void lotk_api_free(struct lotk_api *a);

#endif
