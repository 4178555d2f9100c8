/* xlsx_driver.c — writes a saved result table as a workbook: the test harness of
 * core/output/xlsx.c until `lotk report -f xlsx` exists.
 *
 * Usage: xlsx_driver RESULT.json zh|en|- OUT.xlsx   ("-": the standard's first language)
 * Exit codes as lotk's: 0 written, 2 usage or I/O. */
#include "base/err.h"
#include "output/xlsx.h"

#include <locale.h>
#include <stdio.h>
#include <string.h>

#include <jansson.h>

int main(int argc, char **argv)
{
    struct lotk_err err;
    lotk_err_clear(&err);
    /* The user's locale, as a program embedding lotk might set it: the writer must not
     * let a comma decimal point (de_DE) into the workbook. */
    setlocale(LC_ALL, "");
    if (argc != 4) {
        fputs("usage: xlsx_driver RESULT.json zh|en|- OUT.xlsx\n", stderr);
        return LOTK_EXIT_USAGE;
    }
    json_error_t jerr;
    json_t *result = json_load_file(argv[1], 0, &jerr);
    if (!result) {
        lotk_err_set(&err, LOTK_EIO, argv[1], jerr.line, jerr.column, "%s", jerr.text);
        lotk_err_print(&err, stderr);
        return LOTK_EXIT_USAGE;
    }
    const char *lang = strcmp(argv[2], "-") == 0 ? NULL : argv[2];
    int rc = lotk_xlsx_write(result, lang, argv[3], &err);
    if (rc != 0)
        lotk_err_print(&err, stderr);
    json_decref(result);
    return lotk_err_exit_code(rc);
}
