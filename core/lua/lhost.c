/* lhost.c — the Lua sandbox; see lhost.h. */
#define _GNU_SOURCE /* syscall(SYS_gettid), SIGEV_THREAD_ID */
#include "lua/lhost.h"

#include <errno.h>
#include <lauxlib.h>
#include <lualib.h>
#include <pthread.h>
#include <stdatomic.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/syscall.h>
#include <time.h>
#include <unistd.h>

#include "base/file.h"
#include "base/mem.h"
#include "lua/bounded.h"

enum {
    HOOK_EVERY = 1000,
    CLOSE_INSTRUCTIONS = 1000000,
    FROZEN_DEPTH = 64,
    TICK_MS = 10,                    /* the CPU-time watchdog's period */
    TIME_PER_INSTRUCTIONS = 10000,   /* 1 ms of CPU time per 10,000 instructions of budget */
    MIN_TIME_MS = 1000,              /* ...and never less than a second */
    RANDOM_SEED = 20141030,
};
#define TICK_SIGNAL SIGVTALRM

struct lotk_lhost {
    lua_State *L;
    size_t used, cap;
    bool over_memory;       /* an allocation was refused for the cap */
    bool out_of_memory;     /* malloc itself failed (below the cap) */
    long budget;            /* the default budget of a call */
    long report_budget;     /* kept for the registry, which knows the kinds */
    struct lotk_work work;  /* the outermost call's account (bounded.h) */
    int depth;              /* calls running now; > 1 while a call loads a library */
    bool random_used;       /* math.random or randomseed ran since the last restore */
    /* The watchdog: a timer on the CPU time of the thread that calls, ticking every
     * TICK_MS. Its first tick in a call arms the count hook (a call shorter than a tick
     * runs unhooked, at full speed); ticks past the call's time limit stop it, even inside
     * a library function. Without a timer the hook is armed from the start of each call. */
    bool timer_ok;
    timer_t timer;
    pid_t timer_tid;
    volatile sig_atomic_t ticks;      /* ticks in the running call */
    volatile sig_atomic_t hooked;     /* the count hook is armed */
    long tick_limit;                  /* ticks the running call may take */
    struct timespec started;          /* without a timer: CPU time at the call's start */
};

/* Registry keys (addresses are unique). */
static char safe_globals_key;
static char random_seed_key;

/* The state whose outermost call runs on this thread now, for the watchdog's signal. */
static _Thread_local struct lotk_lhost *volatile running;
static _Thread_local pid_t thread_tid;

static void *capped_alloc(void *ud, void *ptr, size_t osize, size_t nsize)
{
    struct lotk_lhost *h = ud;
    size_t old = ptr ? osize : 0; /* for new blocks osize is a type tag, not a size */
    if (nsize == 0) {
        free(ptr);
        h->used -= old;
        return NULL;
    }
    if (nsize > old && h->used + (nsize - old) > h->cap) {
        h->over_memory = true;
        return NULL; /* Lua raises a memory error, which the call helper reports */
    }
    void *p = realloc(ptr, nsize);
    if (p)
        h->used = h->used - old + nsize;
    else
        h->out_of_memory = true; /* not the plugin's doing: lotk's "out of memory" */
    return p;
}

/* The last resort: an error outside every protected call (lotk pushes nothing into Lua
 * outside one, but a library might). Lua would abort; lotk reports and exits. */
static int on_panic(lua_State *L)
{
    const char *msg = lua_type(L, -1) == LUA_TSTRING ? lua_tostring(L, -1) : "?";
    void *ud;
    lua_getallocf(L, &ud);
    struct lotk_lhost *h = ud;
    lotk_file_remove_temps();
    if (h && h->out_of_memory && !h->over_memory) {
        fputs("lotk: error: out of memory\n", stderr);
        exit(LOTK_EXIT_USAGE);
    }
    fprintf(stderr, "lotk: error: the plugins' Lua state failed outside a protected call: %s\n",
            msg);
    exit(h && h->over_memory ? LOTK_EXIT_PLUGIN : LOTK_EXIT_USAGE);
}

static bool cpu_now(struct timespec *t)
{
    return clock_gettime(CLOCK_THREAD_CPUTIME_ID, t) == 0;
}

static void count_hook(lua_State *L, lua_Debug *ar)
{
    (void)ar;
    struct lotk_lhost *h;
    lua_getallocf(L, (void **)&h);
    struct lotk_work *w = &h->work;
    if (!w->over_time && !w->over_budget) {
        w->spent += HOOK_EVERY;
        if (!h->timer_ok && w->spent % (64 * HOOK_EVERY) == 0) {
            struct timespec now;
            if (cpu_now(&now) && (now.tv_sec - h->started.tv_sec) * 1000 +
                                         (now.tv_nsec - h->started.tv_nsec) / 1000000 >
                                     h->tick_limit * TICK_MS)
                w->over_time = 1;
        }
        if (w->spent <= w->limit && !w->over_time)
            return;
        w->over_budget = !w->over_time;
    }
    lua_Debug where;
    if (!w->where[0] && lua_getstack(L, 0, &where) && lua_getinfo(L, "Sl", &where) &&
        where.currentline > 0)
        snprintf(w->where, sizeof w->where, "%s:%d: ", where.short_src, where.currentline);
    /* From now on raised before every instruction, so a pcall that swallows it gains
     * nothing: the first instruction run outside every pcall raises it on to lotk's own
     * protected call. (Re-raising only every HOOK_EVERY instructions let a loop that
     * retries the pcall run forever: each error landed inside a pcall again.) */
    lua_sethook(L, count_hook, LUA_MASKCOUNT, 1);
    if (w->over_time)
        luaL_error(L, "CPU time budget exceeded");
    luaL_error(L, "instruction budget of %I exceeded", (lua_Integer)w->limit);
}

/* The watchdog's signal, on the thread whose CPU time ticked. lua_sethook may be called
 * from a signal handler (lua.c stops scripts on SIGINT this way); nothing else here
 * touches the state. */
static void on_tick(int sig, siginfo_t *info, void *context)
{
    (void)sig;
    (void)context;
    struct lotk_lhost *h = running;
    /* Only the running state's own timer counts: two states called on one thread each
     * have a timer on its CPU clock. */
    if (!h || !info || info->si_value.sival_ptr != h)
        return;
    int saved = errno;
    h->ticks++;
    if (h->ticks > h->tick_limit && !h->work.over_time) {
        h->work.over_time = 1;
        h->hooked = 1;
        lua_sethook(h->L, count_hook, LUA_MASKCOUNT, 1);
    } else if (!h->hooked) {
        h->hooked = 1;
        lua_sethook(h->L, count_hook, LUA_MASKCOUNT, HOOK_EVERY);
    }
    errno = saved;
}

static pthread_once_t tick_once = PTHREAD_ONCE_INIT;
static bool tick_installed;

static void install_tick_handler(void)
{
    struct sigaction sa;
    memset(&sa, 0, sizeof sa);
    sa.sa_sigaction = on_tick;
    sa.sa_flags = SA_RESTART | SA_SIGINFO; /* the readers' pread and writers' write go on */
    sigemptyset(&sa.sa_mask);
    tick_installed = sigaction(TICK_SIGNAL, &sa, NULL) == 0;
}

/* Makes sure the watchdog ticks for the calling thread (the state is created on one
 * thread and may be called on another: a --jobs reader). */
static void watch_this_thread(struct lotk_lhost *h)
{
    if (!thread_tid)
        thread_tid = (pid_t)syscall(SYS_gettid);
    if (h->timer_ok && h->timer_tid == thread_tid)
        return;
    if (h->timer_ok) {
        timer_delete(h->timer);
        h->timer_ok = false;
    }
    pthread_once(&tick_once, install_tick_handler);
    if (!tick_installed || getenv("LOTK_NO_WATCHDOG"))
        return;
    struct sigevent sev;
    memset(&sev, 0, sizeof sev);
    sev.sigev_notify = SIGEV_THREAD_ID;
    sev.sigev_signo = TICK_SIGNAL;
    sev.sigev_value.sival_ptr = h;
    sev._sigev_un._tid = thread_tid;
    if (timer_create(CLOCK_THREAD_CPUTIME_ID, &sev, &h->timer) != 0)
        return;
    struct itimerspec every = {{0, TICK_MS * 1000000L}, {0, TICK_MS * 1000000L}};
    if (timer_settime(h->timer, 0, &every, NULL) != 0) {
        timer_delete(h->timer);
        return;
    }
    h->timer_ok = true;
    h->timer_tid = thread_tid;
}

/* ---- the safe library subset ------------------------------------------------------ */

static int l_readonly_newindex(lua_State *L)
{
    return luaL_error(L, "attempt to modify a read-only table (field '%s')",
                      lua_type(L, 2) == LUA_TSTRING ? lua_tostring(L, 2) : "?");
}

static int l_readonly_len(lua_State *L)
{
    lua_pushinteger(L, (lua_Integer)luaL_len(L, lua_upvalueindex(1)));
    return 1;
}

static int l_readonly_next(lua_State *L)
{
    lua_settop(L, 2);
    if (lua_next(L, lua_upvalueindex(1)))
        return 2;
    lua_pushnil(L);
    return 1;
}

static int l_readonly_pairs(lua_State *L)
{
    lua_getmetatable(L, 1);
    lua_getfield(L, -1, "__index");
    lua_pushcclosure(L, l_readonly_next, 1);
    lua_pushnil(L);
    lua_pushnil(L);
    return 3;
}

static int l_stateless_newindex(lua_State *L)
{
    int t = lua_type(L, 2);
    return luaL_error(L, "attempt to keep state between calls (field '%s'): a respondent or "
                      "aggregate plugin is stateless, its upvalues and globals are read-only",
                      t == LUA_TSTRING || t == LUA_TNUMBER ? lua_tostring(L, 2) : "?");
}

static void push_readonly_with(lua_State *L, int idx, lua_CFunction newindex);

void lotk_lhost_push_readonly(lua_State *L, int idx)
{
    push_readonly_with(L, idx, l_readonly_newindex);
}

static void push_readonly_with(lua_State *L, int idx, lua_CFunction newindex)
{
    idx = lua_absindex(L, idx);
    lua_newtable(L);              /* the proxy stays empty */
    lua_newtable(L);              /* its metatable */
    lua_pushvalue(L, idx);
    lua_setfield(L, -2, "__index");
    lua_pushcfunction(L, newindex);
    lua_setfield(L, -2, "__newindex");
    lua_pushvalue(L, idx);
    lua_pushcclosure(L, l_readonly_len, 1);
    lua_setfield(L, -2, "__len");
    lua_pushcfunction(L, l_readonly_pairs);
    lua_setfield(L, -2, "__pairs");
    lua_pushliteral(L, "read-only");
    lua_setfield(L, -2, "__metatable");
    lua_setmetatable(L, -2);
}

/* Builds the frozen view of the table at idx; visited maps each table seen to its view. */
static void push_frozen(lua_State *L, int idx, int visited, int depth, lua_CFunction newindex)
{
    idx = lua_absindex(L, idx);
    lua_pushvalue(L, idx);
    if (lua_rawget(L, visited) != LUA_TNIL)
        return; /* seen before: the same view, so sharing and cycles survive */
    lua_pop(L, 1);
    if (depth > FROZEN_DEPTH)
        luaL_error(L, "a table nested deeper than %d levels cannot be made read-only",
                   FROZEN_DEPTH);
    luaL_checkstack(L, 8, "freezing a table");
    lua_newtable(L); /* the copy the view reads: the original stays the plugin's own */
    int copy = lua_gettop(L);
    /* A metatable keeps a library's inheritance working, but one that gained __gc after
     * setmetatable checked it would give the copy a finalizer no budget covers. */
    if (lua_getmetatable(L, idx)) {
        if (lua_getfield(L, -1, "__gc") == LUA_TNIL) {
            lua_pop(L, 1);
            lua_setmetatable(L, copy);
        } else {
            lua_pop(L, 2);
        }
    }
    push_readonly_with(L, copy, newindex);
    lua_pushvalue(L, idx);
    lua_pushvalue(L, -2);
    lua_rawset(L, visited);
    lua_pushnil(L);
    while (lua_next(L, idx)) {
        if (lua_type(L, -1) == LUA_TTABLE) {
            push_frozen(L, -1, visited, depth + 1, newindex);
            lua_remove(L, -2);
        }
        lua_pushvalue(L, -2);
        lua_insert(L, -2);
        lua_rawset(L, copy);
    }
    lua_remove(L, copy);
}

void lotk_lhost_push_frozen(lua_State *L, int idx)
{
    idx = lua_absindex(L, idx);
    lua_newtable(L);
    int visited = lua_gettop(L);
    push_frozen(L, idx, visited, 0, l_readonly_newindex);
    lua_remove(L, visited);
}

void lotk_lhost_push_sealed(lua_State *L, int idx, int visited)
{
    push_frozen(L, idx, lua_absindex(L, visited), 0, l_stateless_newindex);
}

static int l_no_patterns(lua_State *L)
{
    return luaL_error(L, "Lua patterns are not available to plugins; use lotk.match "
                         "(PCRE2, with limits) or string.find (plain)");
}

static int l_no_dump(lua_State *L)
{
    return luaL_error(L, "string.dump is not available to plugins: lotk loads source only");
}

static int l_safe_setmetatable(lua_State *L)
{
    /* A finalizer would run at a time no budget covers, so plugins get none. */
    if (lua_type(L, 2) == LUA_TTABLE && lua_getfield(L, 2, "__gc") != LUA_TNIL)
        return luaL_error(L, "setmetatable: __gc metamethods are not allowed in plugins");
    lua_settop(L, 2);
    luaL_checktype(L, 1, LUA_TTABLE);
    if (luaL_getmetafield(L, 1, "__metatable") != LUA_TNIL)
        return luaL_error(L, "cannot change a protected metatable");
    lua_setmetatable(L, 1);
    return 1;
}

static struct lotk_lhost *host_of(lua_State *L)
{
    void *ud;
    lua_getallocf(L, &ud);
    return ud;
}

/* math.random, noting that the generator moved (lotk_lhost_restore_random). */
static int l_safe_random(lua_State *L)
{
    host_of(L)->random_used = true;
    lua_pushvalue(L, lua_upvalueindex(1));
    lua_insert(L, 1);
    lua_call(L, lua_gettop(L) - 1, LUA_MULTRET);
    return lua_gettop(L);
}

static int l_safe_randomseed(lua_State *L)
{
    /* Without an argument Lua seeds from the clock: results would change between runs. */
    luaL_checkinteger(L, 1);
    host_of(L)->random_used = true;
    lua_pushvalue(L, lua_upvalueindex(1));
    lua_insert(L, 1);
    lua_call(L, lua_gettop(L) - 1, 0);
    return 0;
}

static void copy_fields(lua_State *L, int from, const char *const *names)
{
    for (int i = 0; names[i]; i++) {
        lua_getfield(L, from, names[i]);
        lua_setfield(L, -2, names[i]);
    }
}

/* safe[name]: a read-only table of the listed fields of the real library g[name]. */
static void install_library(lua_State *L, int g, int safe, const char *name,
                            const char *const *fns)
{
    lua_getfield(L, g, name);
    lua_newtable(L);
    copy_fields(L, -2, fns);
    lotk_lhost_push_readonly(L, -1);
    lua_setfield(L, safe, name);
    lua_pop(L, 2);
}

/* Builds the table of safe globals in the registry; its library tables are read-only. */
static void build_safe_globals(lua_State *L)
{
    static const char *const base[] = {"assert", "error", "getmetatable", "ipairs", "next",
                                       "pairs", "pcall", "rawequal", "rawget", "rawlen",
                                       "select", "tonumber", "tostring", "type", "xpcall",
                                       "_VERSION", NULL};
    static const char *const string_fns[] = {"byte", "char", "format", "len", "lower",
                                             "pack", "packsize", "rep", "reverse", "sub",
                                             "unpack", "upper", NULL};
    static const char *const table_fns[] = {"concat", "insert", "move", "pack", "remove",
                                            "sort", "unpack", NULL};
    static const char *const math_fns[] = {"abs", "ceil", "cos", "deg", "exp", "floor",
                                           "fmod", "huge", "log", "max", "maxinteger", "min",
                                           "mininteger", "modf", "pi", "rad", "random", "sin",
                                           "sqrt", "tan", "tointeger", "type", "ult", "atan",
                                           "asin", "acos", NULL};
    static const char *const utf8_fns[] = {"char", "charpattern", "codes", "codepoint",
                                           "len", "offset", NULL};

    lua_newtable(L); /* safe globals */
    int safe = lua_gettop(L);
    lua_pushglobaltable(L);
    int g = lua_gettop(L);
    lua_pushvalue(L, safe);
    copy_fields(L, g, base);
    lua_pushcfunction(L, l_safe_setmetatable);
    lua_setfield(L, -2, "setmetatable");
    lua_pop(L, 1);

    /* string: a clean copy that is also what string values index through */
    lua_getfield(L, g, "string");
    int real_string = lua_gettop(L);
    lua_newtable(L);
    copy_fields(L, real_string, string_fns);
    lotk_bounded_string(L, -1, &host_of(L)->work); /* find (plain), rep */
    lua_pushcfunction(L, l_no_patterns);
    lua_setfield(L, -2, "match");
    lua_pushcfunction(L, l_no_patterns);
    lua_setfield(L, -2, "gmatch");
    lua_pushcfunction(L, l_no_patterns);
    lua_setfield(L, -2, "gsub");
    lua_pushcfunction(L, l_no_dump);
    lua_setfield(L, -2, "dump");
    int clean_string = lua_gettop(L);
    lua_pushliteral(L, "");
    lua_getmetatable(L, -1);
    lua_pushvalue(L, clean_string);
    lua_setfield(L, -2, "__index");
    lua_pushliteral(L, "read-only");
    lua_setfield(L, -2, "__metatable");
    lua_pop(L, 2);
    lotk_lhost_push_readonly(L, clean_string);
    lua_setfield(L, safe, "string");
    lua_pop(L, 2);

    lua_getfield(L, g, "table");
    lua_newtable(L);
    copy_fields(L, -2, table_fns);
    lotk_bounded_table(L, -1, &host_of(L)->work); /* concat, insert, remove, move, sort */
    lotk_lhost_push_readonly(L, -1);
    lua_setfield(L, safe, "table");
    lua_pop(L, 2);

    lua_getfield(L, g, "math");
    int real_math = lua_gettop(L);
    lua_getfield(L, real_math, "randomseed");
    lua_pushvalue(L, -1);
    lua_rawsetp(L, LUA_REGISTRYINDEX, &random_seed_key);
    lua_pushinteger(L, RANDOM_SEED); /* deterministic: the same seed in every run */
    lua_call(L, 1, 0);
    lua_newtable(L);
    copy_fields(L, real_math, math_fns);
    lua_getfield(L, real_math, "random");
    lua_pushcclosure(L, l_safe_random, 1);
    lua_setfield(L, -2, "random");
    lua_getfield(L, real_math, "randomseed");
    lua_pushcclosure(L, l_safe_randomseed, 1);
    lua_setfield(L, -2, "randomseed");
    lotk_lhost_push_readonly(L, -1);
    lua_setfield(L, safe, "math");
    lua_pop(L, 2);

    install_library(L, g, safe, "utf8", utf8_fns);

    lua_pop(L, 1); /* the real globals */
    lua_rawsetp(L, LUA_REGISTRYINDEX, &safe_globals_key);
}

static int l_env_index(lua_State *L)
{
    lua_pushvalue(L, 2);
    if (lua_rawget(L, lua_upvalueindex(1)) != LUA_TNIL)
        return 1;
    return luaL_error(L, "undefined global '%s'",
                      lua_type(L, 2) == LUA_TSTRING ? lua_tostring(L, 2) : "?");
}

static void push_env(lua_State *L)
{
    lua_newtable(L);
    lua_newtable(L);
    lua_rawgetp(L, LUA_REGISTRYINDEX, &safe_globals_key);
    lua_pushcclosure(L, l_env_index, 1);
    lua_setfield(L, -2, "__index");
    lua_pushliteral(L, "locked");
    lua_setfield(L, -2, "__metatable");
    lua_setmetatable(L, -2);
}

static int open_libraries(lua_State *L)
{
    luaL_requiref(L, LUA_GNAME, luaopen_base, 1);
    luaL_requiref(L, LUA_STRLIBNAME, luaopen_string, 1);
    luaL_requiref(L, LUA_TABLIBNAME, luaopen_table, 1);
    luaL_requiref(L, LUA_MATHLIBNAME, luaopen_math, 1);
    luaL_requiref(L, LUA_UTF8LIBNAME, luaopen_utf8, 1);
    lua_settop(L, 0);
    build_safe_globals(L);
    return 0;
}

/* Why Lua could not start or a protected step failed for memory: the plugin's cap, or
 * lotk's own memory (exit 2, like every "out of memory"). */
static int memory_error(struct lotk_lhost *h, struct lotk_err *err, const char *what)
{
    if (h->over_memory)
        return lotk_err_set(err, LOTK_EPLUGIN, NULL, 0, 0, "%s: the plugins' memory limit of "
                            "%zu MiB is too low (--plugin-memory raises it)", what, h->cap >> 20);
    return lotk_err_set(err, LOTK_EIO, NULL, 0, 0, "%s: out of memory", what);
}

struct lotk_lhost *lotk_lhost_new(const struct lotk_lhost_limits *limits, struct lotk_err *err)
{
    struct lotk_lhost *h = lotk_xcalloc(1, sizeof *h);
    h->cap = limits && limits->memory ? limits->memory : LOTK_LHOST_DEFAULT_MEMORY;
    h->budget = limits && limits->instructions ? limits->instructions
                                               : LOTK_LHOST_DEFAULT_INSTRUCTIONS;
    h->report_budget = limits && limits->report_instructions
                           ? limits->report_instructions
                           : LOTK_LHOST_DEFAULT_REPORT_INSTRUCTIONS;
    h->work.hook = count_hook;
    h->L = lua_newstate(capped_alloc, h);
    if (!h->L) {
        memory_error(h, err, "cannot start Lua");
        free(h);
        return NULL;
    }
    lua_atpanic(h->L, on_panic);
    lua_pushcfunction(h->L, open_libraries);
    int status = lua_pcall(h->L, 0, 0, 0);
    if (status != LUA_OK) {
        if (status == LUA_ERRMEM)
            memory_error(h, err, "cannot start Lua");
        else
            lotk_err_set(err, LOTK_EPLUGIN, NULL, 0, 0, "cannot start Lua: %s",
                         lua_type(h->L, -1) == LUA_TSTRING ? lua_tostring(h->L, -1) : "?");
        lotk_lhost_free(h);
        return NULL;
    }
    return h;
}

lua_State *lotk_lhost_state(struct lotk_lhost *h)
{
    return h->L;
}

void lotk_lhost_set_global(struct lotk_lhost *h, const char *name)
{
    lua_State *L = h->L;
    if (lua_type(L, -1) == LUA_TTABLE) {
        lotk_lhost_push_readonly(L, -1);
        lua_remove(L, -2);
    }
    lua_rawgetp(L, LUA_REGISTRYINDEX, &safe_globals_key);
    lua_insert(L, -2);
    lua_setfield(L, -2, name);
    lua_pop(L, 1);
}

/* Splits Lua's "file:line: message" into err's fields. */
static void fill_from_message(struct lotk_err *err, const char *plugin, const char *msg)
{
    const char *colon = strchr(msg, ':');
    long line = 0;
    char file[512] = "";
    if (colon && colon - msg < (long)sizeof file) {
        char *end;
        line = strtol(colon + 1, &end, 10);
        if (line > 0 && *end == ':') {
            memcpy(file, msg, (size_t)(colon - msg));
            file[colon - msg] = '\0';
            msg = end + 1;
            while (*msg == ' ')
                msg++;
        } else {
            line = 0;
        }
    }
    lotk_err_set(err, LOTK_EPLUGIN, file[0] ? file : NULL, line, 0, "%s", msg);
    lotk_err_set_plugin(err, plugin);
}

static int traceback_handler(lua_State *L)
{
    /* Never call __tostring here: it is plugin code and could fail or loop. */
    const char *msg = lua_type(L, 1) == LUA_TSTRING || lua_type(L, 1) == LUA_TNUMBER ?
                          lua_tostring(L, 1) : NULL;
    if (!msg)
        msg = lua_pushfstring(L, "error object is a %s value", luaL_typename(L, 1));
    luaL_traceback(L, L, msg, 1);
    return 1;
}

/* Sets the function on top of the stack's _ENV to a fresh environment (inside a
 * protected call: the environment is allocated). */
static int l_set_env(lua_State *L)
{
    lua_settop(L, 1);
    push_env(L);
    if (!lua_setupvalue(L, 1, 1)) /* a main chunk's first upvalue is _ENV */
        lua_pop(L, 1);
    return 1;
}

int lotk_lhost_load(struct lotk_lhost *h, const char *path, const char *source, size_t len,
                    struct lotk_err *err)
{
    lua_State *L = h->L;
    char *chunkname = lotk_xasprintf("@%s", path);
    if (h->depth == 0) /* inside a call, an earlier overrun must still fail that call */
        h->over_memory = false;
    int status = luaL_loadbufferx(L, source, len, chunkname, "t");
    free(chunkname);
    if (status == LUA_OK) {
        lua_pushcfunction(L, l_set_env);
        lua_insert(L, -2);
        status = lua_pcall(L, 1, 1, 0);
    }
    if (status != LUA_OK) {
        const char *msg = lua_type(L, -1) == LUA_TSTRING ? lua_tostring(L, -1) : "?";
        if (status == LUA_ERRMEM && !h->over_memory)
            lotk_err_set(err, LOTK_EIO, path, 0, 0, "out of memory while loading");
        else if (status == LUA_ERRMEM)
            lotk_err_set(err, LOTK_ESTANDARD, path, 0, 0, "memory limit of %zu bytes exceeded "
                         "while loading", h->cap);
        else if (strstr(msg, "attempt to load a binary chunk"))
            lotk_err_set(err, LOTK_ESTANDARD, path, 0, 0,
                         "precompiled (bytecode) plugins are not accepted; ship the source");
        else {
            fill_from_message(err, NULL, msg);
            err->code = LOTK_ESTANDARD;
            if (!err->file[0])
                snprintf(err->file, sizeof err->file, "%s", path);
        }
        lua_pop(L, 1);
        return err->code;
    }
    return 0;
}

int lotk_lhost_call(struct lotk_lhost *h, const char *plugin, int nargs, int nresults,
                    struct lotk_err *err)
{
    return lotk_lhost_call_budget(h, plugin, 0, nargs, nresults, err);
}

/* Starts the outermost call's account: the budget, the time limit, the watchdog. */
static void start_account(struct lotk_lhost *h, long instructions)
{
    struct lotk_work *w = &h->work;
    w->limit = instructions > 0 ? instructions : h->budget;
    w->spent = 0;
    w->over_budget = false;
    w->over_time = 0;
    w->where[0] = '\0';
    h->over_memory = false;
    h->out_of_memory = false;
    long ms = w->limit / TIME_PER_INSTRUCTIONS;
    h->tick_limit = (ms < MIN_TIME_MS ? MIN_TIME_MS : ms) / TICK_MS;
    h->ticks = 0;
    watch_this_thread(h);
    if (h->timer_ok) {
        h->hooked = 0;
    } else { /* no watchdog: count from the first instruction, check the clock in the hook */
        cpu_now(&h->started);
        h->hooked = 1;
        lua_sethook(h->L, count_hook, LUA_MASKCOUNT, HOOK_EVERY);
    }
    atomic_signal_fence(memory_order_seq_cst);
    running = h;
}

static void stop_account(struct lotk_lhost *h)
{
    running = NULL;
    atomic_signal_fence(memory_order_seq_cst);
    if (h->hooked) {
        h->hooked = 0;
        lua_sethook(h->L, NULL, 0, 0);
    }
}

/* Fills err for a failed call; the function called is at base. */
static void report_failure(struct lotk_lhost *h, const char *plugin, int status, int base,
                           struct lotk_err *err)
{
    lua_State *L = h->L;
    struct lotk_work *w = &h->work;
    lua_Debug fn;
    char fallback[300] = "";
    lua_pushvalue(L, base);
    if (lua_getinfo(L, ">S", &fn) && fn.linedefined > 0)
        snprintf(fallback, sizeof fallback, "%s:%d: ", fn.short_src, fn.linedefined);
    if (w->over_time) {
        fill_from_message(err, plugin, w->where[0] ? w->where : fallback);
        long ms = h->tick_limit * TICK_MS;
        snprintf(err->msg, sizeof err->msg, "CPU time budget of %ld.%01ld s exceeded (an "
                 "endless loop, or a slow library call in a loop?)", ms / 1000, ms % 1000 / 100);
    } else if (w->over_budget) {
        fill_from_message(err, plugin, w->where[0] ? w->where : "");
        snprintf(err->msg, sizeof err->msg,
                 "instruction budget of %ld exceeded (an endless loop?)", w->limit);
    } else if (h->over_memory) {
        fill_from_message(err, plugin, fallback);
        snprintf(err->msg, sizeof err->msg,
                 "memory limit of %zu MiB exceeded in the function defined here "
                 "(--plugin-memory raises it)", h->cap >> 20);
    } else if (status == LUA_ERRMEM || (h->out_of_memory && status != LUA_ERRRUN)) {
        fill_from_message(err, plugin, fallback);
        snprintf(err->msg, sizeof err->msg, "out of memory");
        err->code = LOTK_EIO;
    } else {
        const char *msg = lua_type(L, -1) == LUA_TSTRING ? lua_tostring(L, -1) : "error";
        fill_from_message(err, plugin, msg);
        if (!err->line && fallback[0]) {
            char *text = lotk_xasprintf("%s%s (in the function defined here)", fallback,
                                        err->msg);
            fill_from_message(err, plugin, text);
            free(text);
        }
    }
}

int lotk_lhost_call_budget(struct lotk_lhost *h, const char *plugin, long instructions,
                           int nargs, int nresults, struct lotk_err *err)
{
    lua_State *L = h->L;
    int base = lua_gettop(L) - nargs;
    /* Below the function: a copy of it (to name where it is defined should the error carry
     * no position — memory errors, non-string error objects) and the traceback handler.
     * Looking the place up only on failure keeps the call cheap: a respondent plugin is
     * called for every row. Nothing pushed here allocates: outside a protected call an
     * allocation failure would be a Lua panic. */
    lua_pushvalue(L, base);
    lua_insert(L, base);
    lua_pushcfunction(L, traceback_handler);
    lua_insert(L, base + 1);
    /* A nested call (a plugin loading a library) runs on the outer call's budget and hook:
     * resetting them would hand the plugin a fresh budget per require, and removing the
     * hook on return would leave the rest of the outer call unbounded. */
    bool outermost = h->depth == 0;
    if (outermost)
        start_account(h, instructions);
    h->depth++;
    int status = lua_pcall(L, nargs, nresults, base + 1);
    h->depth--;
    if (outermost)
        stop_account(h);
    struct lotk_work *w = &h->work;
    if (status == LUA_OK && !w->over_budget && !w->over_time && !h->over_memory) {
        lua_remove(L, base + 1); /* the handler */
        lua_remove(L, base);     /* the copy */
        return 0;
    }
    report_failure(h, plugin, status, base, err);
    lua_settop(L, base - 1);
    /* Whatever the plugin allocated before failing is garbage now. */
    lua_gc(L, LUA_GCCOLLECT);
    return err->code;
}

struct pusher {
    lotk_lhost_pusher push;
    void *ud;
    int nargs;
};

static int l_push_args(lua_State *L)
{
    struct pusher *p = lua_touserdata(L, 1);
    lua_remove(L, 1);
    p->nargs = p->push(L, p->ud);
    return p->nargs;
}

int lotk_lhost_call_with(struct lotk_lhost *h, const char *plugin, long instructions,
                         lotk_lhost_pusher push, void *ud, int nresults, struct lotk_err *err)
{
    /* The arguments are built in a protected call of their own, before the plugin's: a
     * trampoline around the plugin's function would show in every traceback. */
    struct pusher p = {push, ud, 0};
    int rc = lotk_lhost_protect(h, l_push_args, &p, 0, LUA_MULTRET, err);
    if (rc) {
        lua_pop(h->L, 1); /* the function */
        if (rc == LOTK_EPLUGIN && h->over_memory)
            snprintf(err->msg, sizeof err->msg, "its arguments do not fit in the plugins' "
                     "memory limit of %zu MiB (--plugin-memory raises it)", h->cap >> 20);
        lotk_err_set_plugin(err, plugin);
        return rc;
    }
    return lotk_lhost_call_budget(h, plugin, instructions, p.nargs, nresults, err);
}

int lotk_lhost_protect(struct lotk_lhost *h, lua_CFunction fn, void *ud, int nargs,
                       int nresults, struct lotk_err *err)
{
    lua_State *L = h->L;
    bool outermost = h->depth == 0;
    if (outermost) {
        h->over_memory = false;
        h->out_of_memory = false;
    }
    lua_pushcfunction(L, fn);
    lua_insert(L, -(nargs + 1));
    lua_pushlightuserdata(L, ud);
    lua_insert(L, -(nargs + 1));
    int status = lua_pcall(L, nargs + 1, nresults, 0);
    if (status == LUA_OK)
        return 0;
    if (status == LUA_ERRMEM)
        memory_error(h, err, "the plugins' Lua state");
    else
        lotk_err_set(err, LOTK_EPLUGIN, NULL, 0, 0, "%s",
                     lua_type(L, -1) == LUA_TSTRING ? lua_tostring(L, -1) : "error");
    lua_pop(L, 1);
    return err->code;
}

int lotk_lhost_restore_random(struct lotk_lhost *h, struct lotk_err *err)
{
    if (!h->random_used)
        return 0;
    h->random_used = false;
    lua_rawgetp(h->L, LUA_REGISTRYINDEX, &random_seed_key);
    lua_pushinteger(h->L, RANDOM_SEED);
    if (lua_pcall(h->L, 1, 0, 0) == LUA_OK) /* protected: the call may grow the stack */
        return 0;
    lua_pop(h->L, 1);
    return memory_error(h, err, "the plugins' Lua state");
}

long lotk_lhost_report_budget(const struct lotk_lhost *h)
{
    return h->report_budget;
}

size_t lotk_lhost_limit(const struct lotk_lhost *h)
{
    return h->cap;
}

size_t lotk_lhost_memory(const struct lotk_lhost *h)
{
    return h->used;
}

void lotk_lhost_free(struct lotk_lhost *h)
{
    if (!h)
        return;
    if (h->timer_ok)
        timer_delete(h->timer);
    if (h->L)
        lua_close(h->L);
    free(h);
}
