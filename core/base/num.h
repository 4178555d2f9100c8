/* num.h — numbers as text and back, never depending on the locale. */
#ifndef LOTK_NUM_H
#define LOTK_NUM_H

#include <stddef.h>

/* Writes the shortest decimal form of x that reads back as exactly x, in the C locale
 * whatever LC_NUMERIC says ("72.5", "0.74", "1e-07"). out must hold 32 bytes. */
void lotk_fmt_double(char out[32], double x);

/* Parses a decimal number with '.' as the point whatever the locale. The whole of
 * s[0..n) must be the number (surrounding blanks allowed). Returns 0 on success,
 * LOTK_NUM_RANGE for a number beyond double's range (1e400), -1 for anything else. */
enum { LOTK_NUM_RANGE = -2 };
int lotk_parse_double(const char *s, size_t n, double *out);

/* qsort comparator of doubles, ascending (for arrays without NaN). */
int lotk_double_cmp(const void *a, const void *b);

/* Sorts v[0..n) ascending (no NaN among them): the order qsort with lotk_double_cmp gives
 * with glibc, whose qsort is a stable merge sort, so -0 and 0 keep their order among each
 * other; a radix sort, several times quicker on the thousands of scores a norm table
 * sorts per indicator. */
void lotk_sort_doubles(double *v, size_t n);

/* The value v[k] would hold were v[0..n) sorted (no NaN among them; k < n), found in
 * linear time on the average, v left in some other order. Of values that compare equal
 * (-0 and 0) it may give either: callers that care about a zero's sign sort. */
double lotk_select_double(double *v, size_t n, size_t k);

#endif
