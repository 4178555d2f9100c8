/* bounded.h — the work account of a running plugin call, and the library functions whose
 * one call could run unbounded in C (out of reach of the hook that counts VM instructions):
 * lotk's versions charge their work to the account and stop when it is spent.
 * Internal to the lua tier: lhost.c owns the account and installs the functions. */
#ifndef LOTK_BOUNDED_H
#define LOTK_BOUNDED_H

#include <lua.h>
#include <signal.h>
#include <stdbool.h>

/* What the running outermost call may still do. lhost.c's count hook adds the VM
 * instructions it sees to spent, the functions below add their C work (one unit per element
 * moved or joined, per 64 bytes scanned or written), and the CPU-time watchdog sets
 * over_time. Once either is over, hook is armed to raise at every instruction, so that a
 * pcall that catches the error gains nothing. */
struct lotk_work {
    long spent;
    long limit;
    bool over_budget;
    volatile sig_atomic_t over_time;
    lua_Hook hook;
    char where[256]; /* "file:line: " where the budget ran out first, or "" */
};

/* Adds n units to w; raises the budget error (and arms w->hook) once w is spent. */
void lotk_bounded_charge(lua_State *L, struct lotk_work *w, long n);

/* Sets the fields of the table at idx that replace string.find (plain, linear time:
 * two-way search), string.rep (an empty result at once, a long one charged), and
 * table.concat, insert, remove, move and sort (charged as they go, so that a __len or a
 * range of 2^40 elements stops at the budget). Each function holds w. */
void lotk_bounded_string(lua_State *L, int idx, struct lotk_work *w);
void lotk_bounded_table(lua_State *L, int idx, struct lotk_work *w);

#endif
