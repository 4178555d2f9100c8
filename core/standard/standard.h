/* standard.h — an assessment standard: YAML (DESIGN §3) → a validated, flattened tree.
 *
 * Nodes are stored in preorder in one array; node 0 is the root (the whole standard,
 * id "total"), whose children are the top-level indicators. Leaves are the nodes that
 * own items (survey) or are rated by assessors (evidence). Indices, not pointers, link
 * everything, so the scorer can size its accumulators as plain arrays. */
#ifndef LOTK_STANDARD_H
#define LOTK_STANDARD_H

#include <stdbool.h>
#include <stddef.h>

#include "base/diag.h"
#include "base/strmap.h"
#include "base/value.h"

struct lotk_rx;

enum lotk_aggregate {
    LOTK_AGG_WEIGHTED_MEAN,
    LOTK_AGG_MEAN,
    LOTK_AGG_MIN,
    LOTK_AGG_MAX,
    LOTK_AGG_GEOMEAN,
    LOTK_AGG_PLUGIN,   /* a Lua aggregate plugin, named by aggregate_plugin */
};

struct lotk_text {
    char *zh, *en; /* either may be NULL */
};

/* Where a leaf's value comes from: staff answers, assessors' ratings, a statistic of the
 * unit (city standards, DESIGN §10), or the unit's member organizations' own results. */
enum lotk_source {
    LOTK_SOURCE_SURVEY,
    LOTK_SOURCE_EVIDENCE,
    LOTK_SOURCE_STATISTIC,
    LOTK_SOURCE_MEMBERS,
};

/* `statistic: {column, goalposts: [LOW, HIGH], unit, source_note}`: the value x is read from
 * the statistics file's column; norm = (x − LOW) / (HIGH − LOW) clipped to [0, 1], so LOW >
 * HIGH means lower is better. */
struct lotk_statistic {
    char *column;
    double low, high;
    char *unit;               /* NULL when not given */
    struct lotk_text note;    /* source_note: where the figure comes from */
};

enum lotk_members_measure {
    LOTK_MEMBERS_SHARE,       /* the share of members graded at_least or better */
    LOTK_MEMBERS_MEAN_POINTS, /* the members' mean points as a share of their standard's */
};

/* `members: {kind | standard, at_least, measure}`: the unit's member organizations of one
 * kind (or of one standard id), from their own results. */
struct lotk_members {
    char *kind;       /* NULL when standard is given */
    char *standard;   /* NULL when kind is given */
    char *at_least;   /* a grade of the members' standard (checked against their results) */
    enum lotk_members_measure measure;
};

struct lotk_scale {
    char *id;
    double min, max;
    struct lotk_strmap labels; /* label → index into label_values */
    double *label_values;
    size_t nlabels;
    struct lotk_strmap missing; /* answers read as "no answer" */
    struct lotk_loc loc;
};

/* Which header a column spec names: an exact header (compared after normalisation, see
 * header.h), a PCRE2 pattern, or a question number (with a matrix row) as the survey
 * platforms number their columns. */
struct lotk_column {
    char *name;            /* exact header, or NULL */
    struct lotk_rx *match; /* header pattern, or NULL */
    int question, row;     /* question number (0: none) and row (0: none) */
    struct lotk_loc loc;
    /* The question as the survey asked it (survey.org_column and id_column only; an item
     * has its own text:): a header whose stem reads it names the column (header.h). */
    struct lotk_text text;
};

/* One option of a multi-select item. */
struct lotk_option {
    char *label;
    double value;
};

enum lotk_item_type { LOTK_ITEM_SINGLE, LOTK_ITEM_MULTI };

struct lotk_item {
    char *id;
    struct lotk_text text;
    char *column;          /* exact header, or NULL when matched otherwise */
    struct lotk_rx *match; /* header pattern, or NULL */
    int question, row;     /* `column: {question: N, row: R}`; 0 when not used */
    struct lotk_loc column_loc;
    int scale;   /* index into scales */
    bool reverse;
    int leaf;    /* index of the node that owns it */
    struct lotk_loc loc;
    /* type: multi — the value is the sum of the chosen options' values, read from one cell
     * of labels joined by ┋ (text exports) or one 0/1 column per option (number exports,
     * headed N(1), N(2), … in option order). */
    enum lotk_item_type type;
    struct lotk_option *options;
    size_t noptions;
};

/* Respondent screening (`screening:`): rows that fail a check are excluded from scoring,
 * counted and listed with the reason, never dropped silently. */
struct lotk_attention {
    struct lotk_column column;
    char *expect;          /* the expected answer: a label or a number, as typed */
};

struct lotk_screening {
    long straight_lining;  /* same answer on this many consecutive items of one scale; 0 off */
    double min_seconds;    /* answering faster is screened; 0 off */
    double max_missing;    /* more than this share of items unanswered; < 0 off */
    struct lotk_attention *attention;
    size_t nattention;
    struct lotk_loc loc;
};

/* How assessors rate an evidence leaf (docs/evidence.md). Every kind turns a rating into a
 * value on the leaf's scale: LEVELS and SCALE keep the number, FACT scores the recorded
 * number into [0, 1] by its thresholds, YES_NO gives 1 or 0. */
enum lotk_rubric_kind {
    LOTK_RUBRIC_SCALE,   /* any number on the leaf's scale (a bare `scale:`) */
    LOTK_RUBRIC_LEVELS,  /* one of the listed levels */
    LOTK_RUBRIC_FACT,    /* a number, scored by thresholds */
    LOTK_RUBRIC_YES_NO,  /* yes = 1, no = 0 */
};

struct lotk_level {
    double value;
    struct lotk_text text; /* what an organization must show for this level */
};

struct lotk_threshold {
    double at_least; /* the fact reaches this… */
    double score;    /* …and scores this, in [0, 1] */
};

struct lotk_rubric {
    enum lotk_rubric_kind kind;
    struct lotk_level *levels;  /* LEVELS: ascending by value */
    size_t nlevels;
    struct lotk_text what;      /* FACT: what is measured; YES_NO: what is checked */
    char *unit;                 /* FACT: unit of the fact ("%"), or NULL */
    double fact_min, fact_max;  /* FACT: the range a recorded fact must lie in; ±Inf = open */
    struct lotk_threshold *thresholds; /* FACT: highest at_least first */
    size_t nthresholds;
    double otherwise;           /* FACT: the score below every threshold */
    struct lotk_text *evidence; /* what a rating must cite; none = citing is optional */
    size_t nevidence;
};

/* The standard's `evidence:` block: how sheets are read and ratings combined. */
struct lotk_evidence_spec {
    char *org_column;       /* the organization column of a sheet (default survey.org_column) */
    char *assessor_column;  /* default "assessor" */
    char *role_column;      /* default "role"; a sheet may leave it out (all third-party) */
    bool median;            /* assessors of one role combine by median; false = mean */
    double self_weight;     /* combine: weights of the self-assessment and the third party */
    double third_weight;    /* (default 0 and 1: third party only) */
    double spread;          /* flag one role's ratings differing by more (share of the
                             * scale); NaN = no check */
    double margin;          /* flag self exceeding third party by more (share of the scale);
                             * NaN = no check */
    struct lotk_loc loc;    /* of the block, or 0:0 when the standard has none */
};

struct lotk_node {
    char *id;
    struct lotk_text title;
    struct lotk_text rationale; /* why it is there (policy section, source); not scored */
    double weight;
    double share;    /* product of weight shares from the root: points = points × share × norm */
    enum lotk_aggregate aggregate;
    char *aggregate_plugin;  /* name or path when aggregate is LOTK_AGG_PLUGIN */
    struct lotk_value params; /* `params:` handed to the aggregate plugin, NULL type if none */
    double min_answered; /* share of items a respondent must answer; 0 = at least one */
    double min_children; /* share of children that must have a value; < 0 = all */
    enum lotk_source source;
    int scale;           /* leaves: the scale of its items (or its evidence scale) */
    int parent;          /* -1 for the root */
    int depth;           /* 0 for the root */
    int *children;
    size_t nchildren;
    int *items;          /* indices into items; leaves only */
    size_t nitems;
    struct lotk_rubric *rubric; /* evidence leaves: how they are rated; NULL otherwise */
    struct lotk_statistic *statistic; /* statistic leaves; NULL otherwise */
    struct lotk_members *members;     /* member leaves; NULL otherwise */
    struct lotk_loc loc;
};

struct lotk_band {
    char *grade;
    double min;
    struct lotk_text label;
    struct lotk_loc loc; /* of its min */
};

struct lotk_rule {
    char *plugin;             /* name or path of a rule plugin */
    struct lotk_value params; /* the whole rule mapping, handed to the plugin */
    struct lotk_loc loc;
};

/* One `crosswalk:` entry: node `from` of an earlier version is node `to` of this one
 * (renamed or moved), so that lotk compare can match results across versions. */
struct lotk_crosswalk {
    char *from, *to;
    struct lotk_loc loc;
};

/* `targets: {group_by, at_least, share: {GROUP: SHARE}}` (city standards): per group of
 * units (a column of the statistics file), the share that must reach a grade. */
struct lotk_target_share {
    char *group;
    double share;
};

struct lotk_targets {
    char *group_by;   /* NULL: the standard sets no targets */
    char *at_least;   /* a band of this standard */
    struct lotk_target_share *shares;
    size_t nshares;
    struct lotk_loc loc;
};

struct lotk_standard {
    char *path;           /* as given */
    char sha256[65];      /* of the file's bytes, lowercase hex */
    char *id, *version, *kind;
    struct lotk_text title;
    const char *lang;     /* "zh" or "en": the language title names first (static text) */
    char *description;
    struct lotk_scale *scales;
    size_t nscales;
    char *org_column;
    char *id_column;      /* NULL when respondents carry no id */
    struct lotk_column org_spec, id_spec; /* the same, as full column specs */
    struct lotk_column duration; /* answering time; none given: found by its header */
    bool has_duration;
    struct lotk_screening screening;
    long min_respondents;
    double points;
    struct lotk_band *bands; /* highest first */
    size_t nbands;
    struct lotk_node *nodes; /* preorder; nodes[0] is the root */
    size_t nnodes;
    struct lotk_item *items;
    size_t nitems;
    struct lotk_rule *rules; /* applied in order after aggregation */
    size_t nrules;
    char *respondent_plugin; /* computes leaf values per row instead of the built-in mean */
    struct lotk_loc respondent_loc;
    struct lotk_loc aggregate_loc;
    /* agreement: thresholds under which aggregation to the organization is questioned;
     * NaN when the standard sets none. rwg_j applies per organization and leaf, icc1 and
     * icc2 per leaf over the batch. */
    double min_rwg_j, min_icc1, min_icc2;
    size_t nevidence;     /* evidence leaves, rated from evidence sheets (evidence.h) */
    size_t nstatistic;    /* statistic leaves, read from --statistics */
    size_t nmembers;      /* member leaves, from --members results */
    struct lotk_targets targets;
    struct lotk_evidence_spec evidence;
    struct lotk_crosswalk *crosswalk; /* earlier node ids → this version's; `to` is a node */
    size_t ncrosswalk;
};

/* Loads and validates the standard at path. Every problem found goes to diags (errors and
 * warnings, each with file:line:column); the loader goes on after an error so that one
 * run reports them all. Returns 0 and sets *out (owned by the caller, freed with
 * lotk_standard_free) when there was no error; otherwise LOTK_ESTANDARD (or LOTK_EIO when
 * the file cannot be read) and *out is NULL. */
int lotk_standard_load(const char *path, struct lotk_standard **out, struct lotk_diags *diags);

/* Resolves STANDARD as given on the command line: an existing file path, or an id looked
 * up on the search path (./standards, $LOTK_STANDARD_PATH, the installed standards).
 * Returns a new path string the caller frees, or NULL with err filled. */
char *lotk_standard_resolve(const char *name, struct lotk_err *err);

/* Calls fn for every *.yaml file on the search path, in search order, with the directory
 * it was found in. */
void lotk_standard_each_file(void (*fn)(const char *path, void *ctx), void *ctx);

/* Index of the node with this id, or -1. */
int lotk_standard_find_node(const struct lotk_standard *s, const char *id);

/* Names of the aggregates, indexed by enum lotk_aggregate. */
const char *lotk_aggregate_name(enum lotk_aggregate a);

void lotk_standard_free(struct lotk_standard *s);

#endif
