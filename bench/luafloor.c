/* luafloor.c — the floor under a respondent plugin, for lotk's benchmark.
 *
 * Usage: luafloor PLUGIN.lua FILE|-
 *
 * Parses FILE with libcsv as bench/floor does, and for every row calls PLUGIN's respondent
 * function in a bare Lua 5.4 state: the row's 60 keyed items written into one reused table
 * (lua_rawseti, as lotk does), ctx a plain table of bench/standard.yaml's 12 leaves, out
 * a reused table, the leaf values read back. No sandbox, no budget, no read-only views, no
 * scoring: what the Lua VM and the C API alone cost for this plugin on this survey. So
 * lotk with the plugin cannot take less than lotk built in plus (luafloor − floor), and
 * bench/run prints that bound beside the measured ratio.
 *
 * The structure is bench/standard.yaml's, hard-coded as in peer_pandas.py: items i01..i60
 * in columns 3..62, leaves of five consecutive items, items 9 and 10 of each ten reverse-
 * keyed (6 − x), D3's two leaves (items 21..30) needing 4 answers, the others 1; "" and
 * the negative missing codes are unanswered.
 *
 * Prints "rows N values V" to stdout: the rows called and the leaf values returned.
 */
#include <csv.h>
#include <errno.h>
#include <lauxlib.h>
#include <lua.h>
#include <lualib.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

enum { READ_CHUNK = 1 << 16, ITEMS = 60, LEAF_ITEMS = 5, LEAVES = ITEMS / LEAF_ITEMS };

struct row {
    lua_State *L;
    int fn, items, ctx, out; /* stack slots */
    int field;
    double keyed[ITEMS];
    unsigned long long rows, values;
    int failed;
};

static void on_field(void *data, size_t len, void *ctx)
{
    struct row *r = ctx;
    int i = r->field++ - 2;
    if (i < 0 || i >= ITEMS)
        return;
    const char *s = data;
    double x = len > 0 ? 0 : NAN; /* whole numbers only: the survey's answers are */
    for (size_t k = 0; k < len; k++)
        x = s[k] >= '0' && s[k] <= '9' ? x * 10 + (s[k] - '0') : NAN;
    /* Items 9 and 10 of each dimension of ten are reverse-keyed on the 1..5 scale. */
    r->keyed[i] = i % 10 >= 8 && x == x ? 6 - x : x;
}

static void on_row(int terminator, void *ctx)
{
    (void)terminator;
    struct row *r = ctx;
    int header = r->rows++ == 0;
    r->field = 0;
    if (header || r->failed)
        return;
    lua_State *L = r->L;
    for (int i = 0; i < ITEMS; i++) {
        if (r->keyed[i] == r->keyed[i])
            lua_pushnumber(L, r->keyed[i]);
        else
            lua_pushnil(L);
        lua_rawseti(L, r->items, i + 1);
        r->keyed[i] = NAN; /* a short next row leaves the rest unanswered */
    }
    lua_pushvalue(L, r->fn);
    lua_pushvalue(L, r->items);
    lua_pushvalue(L, r->ctx);
    lua_pushvalue(L, r->out);
    if (lua_pcall(L, 3, 1, 0) != LUA_OK) {
        fprintf(stderr, "luafloor: row %llu: %s\n", r->rows, lua_tostring(L, -1));
        r->failed = 1;
        lua_pop(L, 1);
        return;
    }
    for (int l = 1; l <= LEAVES; l++) {
        if (lua_rawgeti(L, -1, l) == LUA_TNUMBER && isfinite(lua_tonumber(L, -1)))
            r->values++;
        lua_pop(L, 1);
        lua_pushnil(L);
        lua_rawseti(L, r->out, l);
    }
    lua_pop(L, 1);
}

/* ctx as lotk hands it: {leaves = {{id, min_answered, need, first, last, items}}}. */
static void push_context(lua_State *L)
{
    lua_createtable(L, 0, 1);
    lua_createtable(L, LEAVES, 0);
    for (int l = 0; l < LEAVES; l++) {
        int first = l * LEAF_ITEMS + 1, d3 = l / 2 == 2;
        lua_createtable(L, 0, 6);
        lua_pushfstring(L, "D%d.%d", l / 2 + 1, l % 2 + 1);
        lua_setfield(L, -2, "id");
        lua_pushnumber(L, d3 ? 0.8 : 0);
        lua_setfield(L, -2, "min_answered");
        lua_pushinteger(L, d3 ? 4 : 1);
        lua_setfield(L, -2, "need");
        lua_pushinteger(L, first);
        lua_setfield(L, -2, "first");
        lua_pushinteger(L, first + LEAF_ITEMS - 1);
        lua_setfield(L, -2, "last");
        lua_createtable(L, LEAF_ITEMS, 0);
        for (int j = 0; j < LEAF_ITEMS; j++) {
            lua_pushinteger(L, first + j);
            lua_rawseti(L, -2, j + 1);
        }
        lua_setfield(L, -2, "items");
        lua_rawseti(L, -2, l + 1);
    }
    lua_setfield(L, -2, "leaves");
}

int main(int argc, char **argv)
{
    if (argc != 3) {
        fputs("usage: luafloor PLUGIN.lua FILE|-\n", stderr);
        return 2;
    }
    lua_State *L = luaL_newstate();
    luaL_openlibs(L);
    if (luaL_dofile(L, argv[1]) != LUA_OK || !lua_istable(L, -1)) {
        fprintf(stderr, "luafloor: %s: %s\n", argv[1],
                lua_isstring(L, -1) ? lua_tostring(L, -1) : "does not return a table");
        return 2;
    }
    if (lua_getfield(L, -1, "respondent") != LUA_TFUNCTION) {
        fprintf(stderr, "luafloor: %s: no respondent function\n", argv[1]);
        return 2;
    }
    struct row r = {.L = L, .fn = lua_gettop(L)};
    lua_createtable(L, ITEMS, 0);
    r.items = lua_gettop(L);
    push_context(L);
    r.ctx = lua_gettop(L);
    lua_createtable(L, LEAVES, 0);
    r.out = lua_gettop(L);

    const char *path = argv[2];
    FILE *f = strcmp(path, "-") == 0 ? stdin : fopen(path, "rb");
    if (!f) {
        fprintf(stderr, "luafloor: %s: %s\n", path, strerror(errno));
        return 2;
    }
    struct csv_parser parser;
    if (csv_init(&parser, CSV_STRICT_FINI | CSV_APPEND_NULL) != 0) {
        fputs("luafloor: csv_init failed\n", stderr);
        return 2;
    }
    char *chunk = malloc(READ_CHUNK);
    size_t n;
    while ((n = fread(chunk, 1, READ_CHUNK, f)) > 0 && !r.failed) {
        if (csv_parse(&parser, chunk, n, on_field, on_row, &r) != n) {
            fprintf(stderr, "luafloor: %s: %s\n", path, csv_strerror(csv_error(&parser)));
            return 1;
        }
    }
    csv_fini(&parser, on_field, on_row, &r);
    csv_free(&parser);
    free(chunk);
    if (f != stdin)
        fclose(f);
    lua_close(L);
    if (r.failed)
        return 1;
    printf("rows %llu values %llu\n", r.rows ? r.rows - 1 : 0, r.values);
    return 0;
}
