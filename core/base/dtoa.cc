// dtoa.cc — lotk_dtoa_shortest (see dtoa.h) on top of C++17's std::to_chars, which
// libstdc++ implements with Ryu: the shortest digits that read back, the closest of them
// to the value (ties to even), with no locale. The only C++ in lotk: kept to this one call
// so that nothing C++ reaches the C code.
#include "base/dtoa.h"

#include <charconv>

int lotk_dtoa_shortest(double x, char digits[18], int *point) noexcept
{
    // "-d.dddddddddddddddde-308" at the longest: 24 characters.
    char text[32];
    std::to_chars_result r =
        std::to_chars(text, text + sizeof text, x, std::chars_format::scientific);
    const char *p = text, *end = r.ptr;
    if (p < end && *p == '-') // the caller prints the sign
        p++;
    int n = 0;
    for (; p < end && *p != 'e'; p++)
        if (*p != '.' && n < 17)
            digits[n++] = *p;
    digits[n] = '\0';
    int exponent = 0;
    bool negative = p + 1 < end && p[1] == '-';
    for (p += 2; p < end; p++) // past 'e' and its sign
        exponent = exponent * 10 + (*p - '0');
    *point = (negative ? -exponent : exponent) + 1;
    return n;
}
