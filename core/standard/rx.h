/* rx.h — PCRE2 (8-bit, UTF) with match, depth and heap limits always set.
 *
 * Patterns come from standards and plugins that lotk did not write, so no match may run
 * unbounded: a pattern that exceeds a limit is an error, never a hang. */
#ifndef LOTK_RX_H
#define LOTK_RX_H

#include <stddef.h>

#include "base/err.h"

struct lotk_rx;

/* Compiles pattern (UTF-8). On failure returns LOTK_ESTANDARD with PCRE2's message in
 * err->msg and the 1-based offset in the pattern in *error_offset. The caller owns *out
 * and frees it with lotk_rx_free. */
int lotk_rx_compile(struct lotk_rx **out, const char *pattern, size_t *error_offset,
                    struct lotk_err *err);

/* Matches subject[0..len). Returns 1 on a match (with the first max_groups capture
 * spans in groups[2*i], groups[2*i+1] as byte offsets, -1 for unset groups), 0 when
 * there is none, or LOTK_EUSAGE with err filled when a limit was hit or the subject is
 * not valid. *ngroups receives the number of capture spans written. */
int lotk_rx_match(struct lotk_rx *rx, const char *subject, size_t len, long *groups,
                  int max_groups, int *ngroups, struct lotk_err *err);

const char *lotk_rx_pattern(const struct lotk_rx *rx);

void lotk_rx_free(struct lotk_rx *rx);

#endif
