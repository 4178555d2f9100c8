// dtoa.cc — lotk_dtoa_shortest (see dtoa.h) on top of libdouble-conversion. The only C++
// in lotk: kept to this one call so that nothing C++ (exceptions, the library's types)
// reaches the C code.
#include "dtoa.h"

#include <double-conversion/double-conversion.h>

int lotk_dtoa_shortest(double x, char digits[18], int *point) noexcept
{
    using double_conversion::DoubleToStringConverter;
    // SHORTEST wants kBase10MaximalLength + 1 bytes: 17 digits and the NUL.
    static_assert(DoubleToStringConverter::kBase10MaximalLength + 1 <= 18,
                  "digits[18] holds the longest shortest form");
    bool negative; // the caller prints the sign
    int length;
    DoubleToStringConverter::DoubleToAscii(x, DoubleToStringConverter::SHORTEST, 0, digits, 18,
                                           &negative, &length, point);
    return length;
}
