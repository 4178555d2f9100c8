/* evidence_sheet.h — assessor evidence sheets and the store of their ratings (docs/evidence.md,
 * DESIGN §1 and §4, issue 5).
 *
 * Evidence indicators (source: evidence) are rated by assessors from documents, ledgers and
 * site visits rather than answered by staff. A sheet is a CSV file with one row per
 * organization and assessor: the organization column, the assessor column, an optional
 * role column (self | third-party), and per evidence indicator a rating column named by its
 * id, with optional `<id>.evidence` (the citation) and `<id>.note` columns.
 *
 * Reading keeps every accepted row (sheets are small: organizations × assessors), each
 * rating already turned into a value through the indicator's rubric; a bad row is rejected
 * whole, with file, line, column and reason, through the sink. After the last sheet,
 * score/evidence.h's lotk_evidence_finish combines the assessors of one role (mean or
 * median) and the roles (`combine` weights), flags spread, self-assessment margin,
 * self-only and uncited ratings, and computes the six Shrout & Fleiss ICC forms per
 * indicator (base/icc.h) into the same store. The scorer reads the combined values
 * (lotk_scorer_set_evidence); the writers show the rest. */
#ifndef LOTK_EVIDENCE_SHEET_H
#define LOTK_EVIDENCE_SHEET_H

#include <stdbool.h>
#include <stddef.h>

#include "base/diag.h"
#include "base/err.h"
#include "base/icc.h"
#include "base/strmap.h"
#include "input/survey.h"
#include "standard/standard.h"

enum lotk_role { LOTK_ROLE_THIRD_PARTY, LOTK_ROLE_SELF };

/* "third-party" or "self". */
const char *lotk_role_name(enum lotk_role role);

/* Whether node is an indicator assessors rate: an evidence leaf with a rubric. Their
 * preorder is the order of ev->leaves, the sheet's columns and every per-leaf array. */
bool lotk_evidence_is_rated(const struct lotk_node *node);

/* One assessor on one evidence indicator. */
struct lotk_rating {
    double recorded; /* as written: the level, the fact, 1/0 for yes/no; NaN = not rated */
    double value;    /* on the indicator's scale after its rubric; NaN = not rated */
    char *evidence;  /* the citation, NULL when the cell was blank */
    char *note;      /* the comment, NULL when blank */
};

/* One accepted sheet row. */
struct lotk_evidence_row {
    char *assessor;
    enum lotk_role role;
    const char *file;            /* owned by the struct lotk_evidence */
    long line;
    long org_column;             /* the organization's column in its file, 1-based */
    struct lotk_rating *ratings; /* per evidence indicator, in the order of ev->leaves */
};

/* What lotk_evidence_finish found for one organization and indicator (the bits of flags). */
enum {
    LOTK_EVIDENCE_SPREAD = 1 << 0,       /* one role's ratings differ by more than spread */
    LOTK_EVIDENCE_SELF_EXCEEDS = 1 << 1, /* self is above third party by more than margin */
    LOTK_EVIDENCE_SELF_ONLY = 1 << 2,    /* self-assessed, but no third-party rating */
    LOTK_EVIDENCE_UNCITED = 1 << 3,      /* a rating lacks the citation the rubric asks for */
};

struct lotk_evidence_leaf {
    double value;        /* what the indicator scores (roles combined); NaN = none */
    double self, third;  /* each role's assessors combined (mean or median); NaN = none */
    long nself, nthird;  /* ratings behind them */
    double spread_self, spread_third; /* (max − min) / scale range within a role; NaN < 2 */
    unsigned spread_roles; /* bit 1 << role for each role whose spread is over the limit */
    unsigned flags;      /* LOTK_EVIDENCE_* */
};

struct lotk_evidence_org {
    char *id;
    struct lotk_evidence_row *rows; /* after finish: third party first, then by assessor */
    size_t nrows, cap_rows;
    struct lotk_evidence_leaf *leaves; /* per evidence indicator; NULL until finish */
};

/* Agreement of the third-party assessors on one indicator, over the organizations that
 * every one of them rated. */
struct lotk_evidence_agreement {
    struct lotk_icc icc;    /* n = those organizations, k = the assessors */
    char **judges;          /* the assessors, in natural order */
    size_t njudges;
    size_t excluded;        /* organizations rated by some of the assessors only */
};

struct lotk_evidence_counts {
    long files, rows, used, rejected;
};

/* Where rejected rows go; may be all NULL (they are still counted). */
struct lotk_evidence_sink {
    void (*on_reject)(void *ctx, const struct lotk_reject *reject);
    void *ctx;
};

struct lotk_evidence {
    const struct lotk_standard *s;
    struct lotk_evidence_sink sink;
    int *leaves;          /* node index of each evidence indicator, in preorder */
    size_t nleaves;
    int *leaf_of;         /* node index → position in leaves, or -1 */
    struct lotk_evidence_org *orgs; /* natural order of id once finished */
    size_t norgs, cap_orgs;
    struct lotk_strmap org_index;
    /* organization and assessor ("org\0assessor") → where that row was first accepted,
     * to reject a second one in O(1) whatever the size of the sheets */
    struct lotk_strmap pairs;
    struct lotk_evidence_where {
        const char *file;
        long line;
    } *first;
    size_t nfirst, cap_first;
    char **files;         /* the sheets read, as named */
    size_t nfiles;
    struct lotk_evidence_counts counts;
    struct lotk_evidence_agreement *agreement; /* per evidence indicator, after finish */
    bool finished;
};

/* Creates an empty store for the evidence indicators of s (which must outlive it),
 * reporting rejected rows to sink (may be NULL). The caller frees it with
 * lotk_evidence_free. */
struct lotk_evidence *lotk_evidence_new(const struct lotk_standard *s,
                                        const struct lotk_evidence_sink *sink);

/* Reads one sheet (path; "-" = standard input; UTF-8 with or without BOM, or GB18030),
 * adding its rows. Problems with the header that do not stop the read (a column that names
 * no evidence indicator, a citation column without its rating column) go to warnings as
 * file:line:column warnings. Bad rows are rejected through the sink and counted: a ragged
 * row, no organization or assessor, an unknown role, a rating outside the rubric, a row
 * that rates nothing, and a second row of the same organization and assessor (in any sheet).
 * Returns 0; or LOTK_EIO when the file cannot be read, is not valid CSV or text, or its
 * header lacks the organization or assessor column or any rating column (err says which
 * and lists the closest headers). Must not be called after lotk_evidence_finish. */
int lotk_evidence_read(struct lotk_evidence *ev, const char *path, struct lotk_diags *warnings,
                       struct lotk_err *err);

/* The organization with this id, or NULL. Only after lotk_evidence_finish. */
const struct lotk_evidence_org *lotk_evidence_find(const struct lotk_evidence *ev,
                                                   const char *id);

/* Warns, at its first row in the sheets, about every organization of the sheets that is
 * none of the survey's known[0..nknown) (rather than leaving a phantom organization to be
 * found in the results), naming the closest survey organization when it is close enough to
 * be a typo (阳光小区 for 阳光社区). Nothing when nknown is 0 (no survey: an evidence-only
 * run). Returns the number of warnings. */
size_t lotk_evidence_check_orgs(const struct lotk_evidence *ev, const char *const *known,
                                size_t nknown, struct lotk_diags *warnings);

void lotk_evidence_free(struct lotk_evidence *ev);

#endif
