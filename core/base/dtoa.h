/* dtoa.h — the shortest decimal digits of a double.
 *
 * C++17's std::to_chars finds them (libstdc++ uses Ryu) without the trial printf/strtod
 * round trips that made number output slow; it is C++, so this is the C interface to it
 * (dtoa.cc). */
#ifndef LOTK_DTOA_H
#define LOTK_DTOA_H

#ifdef __cplusplus
extern "C" {
#define LOTK_DTOA_NOEXCEPT noexcept
#else
#define LOTK_DTOA_NOEXCEPT
#endif

/* Writes to digits the fewest significant decimal digits that read back as |x|, the ones
 * closest to |x| when several are as short (an exact tie goes to the even digit, as in
 * printf), NUL-terminated and without trailing zeros; returns how many (1 to 17). The
 * value is 0.d1d2d3… × 10^*point, so the first digit stands for 10^(*point - 1). x must be
 * finite and not zero; its sign is the caller's to print. */
int lotk_dtoa_shortest(double x, char digits[18], int *point) LOTK_DTOA_NOEXCEPT;

#ifdef __cplusplus
}
#endif

#endif
