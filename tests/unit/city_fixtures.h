/* city_fixtures.h — a small city standard and its inputs, shared by the unit tests of a
 * city standard's modules (test_statistics.c, test_members.c, test_rollup.c): every value
 * the tests expect is computed by hand from these. */
#ifndef LOTK_CITY_FIXTURES_H
#define LOTK_CITY_FIXTURES_H

#include <stdio.h>
#include <string.h>

#include "base/diag.h"
#include "base/err.h"

static const char *const town =
    "format: lotk/1\n"
    "id: town\n"
    "version: '1'\n"
    "kind: city\n"
    "title: T\n"
    "survey: {org_column: unit_id}\n"
    "points: 100\n"
    "bands:\n"
    "  - {grade: good, min: 60}\n"
    "  - {grade: fail, min: 0}\n"
    "targets: {group_by: region, at_least: good, share: {east: 0.5, west: 1}}\n"
    "indicators:\n"
    "  - id: D\n"
    "    min_children: 0.25\n"
    "    indicators:\n"
    "      - {id: S1, source: statistic, statistic: {column: a, goalposts: [10, 50]}}\n"
    "      - {id: S2, source: statistic, statistic: {column: b, goalposts: [8, 2]}}\n"
    "      - id: M1\n"
    "        weight: 2\n"
    "        source: members\n"
    "        members: {kind: enterprise, at_least: pass}\n"
    "      - id: M2\n"
    "        source: members\n"
    "        members: {kind: enterprise, at_least: pass, measure: mean_points}\n";

/* Line 5: a blank cell (column 3) and one that is no number (column 4). */
static const char *const stats_csv = "unit_id,region,a,b\n"
                                     "U1,east,30,5\n"
                                     "U2,east,60,1\n"
                                     "U3,west,5,9\n"
                                     "U4,west,,x\n";

/* Braces and escaped quotes inside strings, nested nodes, a top-level array before the
 * organizations: the scanner must see through all of them. */
static const char *const results_json =
    "{\"lotk\": \"0.1.0\", \"note\": \"a \\\"}\\\" b {[\",\n"
    " \"standard\": {\"id\": \"ent\", \"version\": \"2\", \"kind\": \"enterprise\",\n"
    "   \"points\": 100, \"bands\": [{\"grade\": \"excellent\"}, {\"grade\": \"pass\"},\n"
    "   {\"grade\": \"fail\"}]},\n"
    " \"reliability\": [[1, 2], {\"x\": \"]\"}],\n"
    " \"organizations\": [\n"
    "  {\"id\": \"E1\", \"points\": 90, \"grade\": \"excellent\",\n"
    "   \"nodes\": {\"x\": [1, {\"b\": \"}\"}]}},\n"
    "  {\"id\": \"E2\", \"points\": 65, \"grade\": \"pass\"},\n"
    "  {\"id\": \"E3\", \"points\": 40, \"grade\": \"fail\"},\n"
    "  {\"id\": \"E4\", \"points\": 70, \"grade\": null},\n"
    "  {\"id\": \"E5\", \"points\": 80, \"grade\": \"pass\"},\n"
    "  {\"id\": \"E8\", \"points\": 80, \"grade\": \"pass\"},\n"
    "  {\"id\": \"E9\", \"points\": 80, \"grade\": \"pass\"}\n"
    " ]}\n";

/* E6 has no result, E7 no unit, E8 a unit that is in no statistics; E9 no row. */
static const char *const membership_csv = "org,unit\n"
                                          "E1,U1\nE2,U1\nE3,U1\nE4,U1\n"
                                          "E5,U2\nE6,U2\nE7,\nE8,U9\n";

/* Fails unless a warning containing needle was reported at line:column. */
static inline void expect_warning(const struct lotk_diags *d, long line, long column,
                           const char *needle)
{
    for (size_t i = 0; i < d->count; i++) {
        const struct lotk_err *e = &d->entries[i].err;
        if (d->entries[i].warning && strstr(e->msg, needle) && e->line == line &&
            e->column == column)
            return;
    }
    for (size_t i = 0; i < d->count; i++)
        fprintf(stderr, "  %ld:%ld %s\n", d->entries[i].err.line, d->entries[i].err.column,
                d->entries[i].err.msg);
    fail_msg("no warning at %ld:%ld containing \"%s\"", line, column, needle);
}

static inline int accept_all(const char *file, const char *id, const char *version,
                      struct lotk_err *err)
{
    (void)file, (void)id, (void)version, (void)err;
    return 0;
}

#endif
