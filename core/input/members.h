/* members.h — member organizations' own results (DESIGN §10): lotk's JSON results given
 * to `lotk score` of a city standard by --members (repeatable). Each file is streamed: its
 * `standard` block and then one organization at a time are parsed (jansson) and only an
 * organization's id, grade and points are kept, so memory grows with the member
 * organizations, never with the files' size.
 *
 * A file's standard must be the one on the search path with that id and version: results
 * of a standard lotk does not know, or of another version of it, are refused. */
#ifndef LOTK_MEMBERS_H
#define LOTK_MEMBERS_H

#include <stddef.h>

#include "base/err.h"
#include "base/strmap.h"

/* The standard a member file was scored against, as its `standard` block says. */
struct lotk_member_standard {
    char *id, *version, *kind;
    char *file;       /* the first file that named it */
    char **grades;    /* its bands' grades, highest first */
    size_t ngrades;
    double points;    /* its total points */
};

struct lotk_member {
    char *id;
    int standard;     /* index into standards */
    int band;         /* index into its standard's grades; -1: no grade */
    double points;    /* NaN when the organization has no total */
};

struct lotk_members_set {
    struct lotk_member_standard *standards;
    size_t nstandards;
    struct lotk_member *orgs; /* in the order read */
    size_t norgs, cap_orgs;
    struct lotk_strmap index; /* organization id → position in orgs */
    size_t nfiles;
};

/* Checks a result's standard before its organizations are read: returns 0 when a standard
 * with this id and version is the one lotk knows, or fills err (LOTK_EIO, naming file) and
 * returns it. The default (NULL) looks the id up on the standards' search path. */
typedef int (*lotk_members_check_fn)(const char *file, const char *id, const char *version,
                                     struct lotk_err *err);

/* Streams the result at path ('-': stdin is refused) into ms. Returns 0, or LOTK_EIO with
 * err filled (file:line where it applies): the file cannot be read or is no lotk result,
 * its standard is refused by check (NULL: lotk_members_check_search_path), a grade is no
 * band of its standard, or an organization is already a member from another file. */
int lotk_members_read(struct lotk_members_set *ms, const char *path,
                      lotk_members_check_fn check, struct lotk_err *err);

/* The default check: the id resolves on the standards' search path and the standard there
 * has this version. */
int lotk_members_check_search_path(const char *file, const char *id, const char *version,
                                   struct lotk_err *err);

/* The member with this id, or NULL. */
const struct lotk_member *lotk_members_find(const struct lotk_members_set *ms, const char *id);

/* The index of grade among standard's grades, or -1. */
int lotk_members_grade_index(const struct lotk_member_standard *st, const char *grade);

/* Frees what ms holds and zeroes it. */
void lotk_members_clear(struct lotk_members_set *ms);

#endif
