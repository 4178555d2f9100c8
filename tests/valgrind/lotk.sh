#!/bin/sh
# lotk under valgrind, for the golden CLI cases of a -DLOTK_VALGRIND=ON build (make
# valgrind): any memory error or definite leak makes the run exit 99, which no case
# expects, so the case fails and shows valgrind's report on stderr.
exec valgrind -q --error-exitcode=99 --leak-check=full --errors-for-leak-kinds=definite \
    --show-leak-kinds=definite --trace-children=no "$LOTK_REAL" "$@"
