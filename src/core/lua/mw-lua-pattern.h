/* mw-lua-pattern.h: bounds on Lua 5.1's pattern functions (string.find, match, gmatch and
 * gsub). They run in C, where no count hook reaches: the matcher nests one C call for each
 * quantifier and capture it is inside, and backtracks without limit. The .luacheckrc sandbox
 * and the simulated board wrap them with a check that runs before the real function. */
#pragma once

#include <glib.h>
#include <lua.h>

G_BEGIN_DECLS

typedef struct
{
  guint quantifiers; /* `*`, `+`, `-`, `?` */
  guint depth; /* at most this many nested matcher calls: quantifiers and captures */
} MwLuaPatternCost;

/* Counts pattern characters wherever they appear (a `-` in a set too), so both figures only
 * err high. */
void mw_lua_pattern_cost (const char *pattern, gsize len, MwLuaPatternCost *cost);
/* The natural logarithm of the matcher's worst-case steps for a subject of `subject_len`
 * bytes: each quantifier may try every length, (n+1)^(q+1) * (m+n). */
double mw_lua_pattern_log_work (const MwLuaPatternCost *cost, gsize subject_len, gsize pattern_len);

/* Runs before a pattern function with the call's figures (the cost is all zero for a plain
 * find); refuses by raising a Lua error. */
typedef void (*MwLuaPatternCheck) (lua_State *L, const MwLuaPatternCost *cost, gsize subject_len,
                                   gsize pattern_len);

/* Replaces find, match, gmatch and gsub of the string table at `index` with wrappers that
 * call `check` first (the string metatable's methods are those same functions). */
void mw_lua_pattern_bound (lua_State *L, int index, MwLuaPatternCheck check);

G_END_DECLS
