/* rx.c — the only place lotk calls PCRE2; see rx.h. */
#define PCRE2_CODE_UNIT_WIDTH 8
#include "standard/rx.h"

#include <pcre2.h>
#include <stdlib.h>
#include <string.h>

#include "base/mem.h"

/* Generous for header patterns and plugin matching on short strings, small enough that a
 * catastrophic pattern fails in milliseconds. */
enum { RX_MATCH_LIMIT = 1000000, RX_DEPTH_LIMIT = 5000, RX_HEAP_LIMIT_KIB = 16384 };

struct lotk_rx {
    char *pattern;
    pcre2_code *code;
    pcre2_match_data *match;
    pcre2_match_context *context;
};

int lotk_rx_compile(struct lotk_rx **out, const char *pattern, size_t *error_offset,
                    struct lotk_err *err)
{
    int errcode;
    PCRE2_SIZE offset;
    *out = NULL;
    pcre2_code *code = pcre2_compile((PCRE2_SPTR)pattern, PCRE2_ZERO_TERMINATED,
                                     PCRE2_UTF | PCRE2_MATCH_INVALID_UTF, &errcode, &offset,
                                     NULL);
    if (!code && errcode == PCRE2_ERROR_HEAP_FAILED) /* not the pattern's fault */
        lotk_mem_fail();
    if (!code) {
        PCRE2_UCHAR msg[256];
        pcre2_get_error_message(errcode, msg, sizeof msg);
        if (error_offset)
            *error_offset = (size_t)offset + 1;
        return lotk_err_set(err, LOTK_ESTANDARD, NULL, 0, 0,
                            "invalid regular expression '%s': %s at offset %zu", pattern,
                            (const char *)msg, (size_t)offset);
    }
    struct lotk_rx *rx = lotk_xcalloc(1, sizeof *rx);
    rx->pattern = lotk_xstrdup(pattern);
    rx->code = code;
    rx->match = pcre2_match_data_create_from_pattern(code, NULL);
    rx->context = pcre2_match_context_create(NULL);
    if (!rx->match || !rx->context)
        lotk_mem_fail();
    pcre2_set_match_limit(rx->context, RX_MATCH_LIMIT);
    pcre2_set_depth_limit(rx->context, RX_DEPTH_LIMIT);
    pcre2_set_heap_limit(rx->context, RX_HEAP_LIMIT_KIB);
    *out = rx;
    return 0;
}

int lotk_rx_match(struct lotk_rx *rx, const char *subject, size_t len, long *groups,
                  int max_groups, int *ngroups, struct lotk_err *err)
{
    if (ngroups)
        *ngroups = 0;
    int rc = pcre2_match(rx->code, (PCRE2_SPTR)subject, len, 0, 0, rx->match, rx->context);
    if (rc == PCRE2_ERROR_NOMATCH)
        return 0;
    if (rc == PCRE2_ERROR_NOMEMORY)
        lotk_mem_fail();
    if (rc < 0) {
        PCRE2_UCHAR msg[256];
        pcre2_get_error_message(rc, msg, sizeof msg);
        return lotk_err_set(err, LOTK_EUSAGE, NULL, 0, 0, "regular expression '%s': %s",
                            rx->pattern, (const char *)msg);
    }
    if (groups && max_groups > 0) {
        PCRE2_SIZE *ov = pcre2_get_ovector_pointer(rx->match);
        /* rc is the number of pairs set (0 cannot happen: the match data was sized from
         * the pattern). */
        int n = rc < max_groups ? rc : max_groups;
        for (int i = 0; i < n; i++) {
            groups[2 * i] = ov[2 * i] == PCRE2_UNSET ? -1 : (long)ov[2 * i];
            groups[2 * i + 1] = ov[2 * i + 1] == PCRE2_UNSET ? -1 : (long)ov[2 * i + 1];
        }
        if (ngroups)
            *ngroups = n;
    }
    return 1;
}

const char *lotk_rx_pattern(const struct lotk_rx *rx)
{
    return rx->pattern;
}

void lotk_rx_free(struct lotk_rx *rx)
{
    if (!rx)
        return;
    pcre2_match_context_free(rx->context);
    pcre2_match_data_free(rx->match);
    pcre2_code_free(rx->code);
    free(rx->pattern);
    free(rx);
}
