/* mw-lua-pattern.c: bounds on Lua 5.1's pattern functions (see mw-lua-pattern.h). */
#include "mw-lua-pattern.h"

#include <lauxlib.h>
#include <math.h>
#include <string.h>

void
mw_lua_pattern_cost (const char *pattern, gsize len, MwLuaPatternCost *cost)
{
  memset (cost, 0, sizeof *cost);
  for (gsize i = 0; i < len; i++)
    {
      char c = pattern[i];

      if (c == '%')
        {
          i++; /* an escaped character is literal */
          continue;
        }
      if (c == '*' || c == '+' || c == '-' || c == '?')
        {
          cost->quantifiers++;
          cost->depth++;
        }
      else if (c == '(' || c == ')')
        cost->depth++; /* opening and closing a capture both call the matcher again */
    }
}

double
mw_lua_pattern_log_work (const MwLuaPatternCost *cost, gsize subject_len, gsize pattern_len)
{
  return (cost->quantifiers + 1) * log ((double) subject_len + 1)
         + log ((double) pattern_len + subject_len + 1);
}

/* upvalue 1: the real function; 2: a userdata holding the check; 3: the argument that makes
 * a find plain (0: none) */
static int
bounded_call (lua_State *L)
{
  gsize n, m;
  MwLuaPatternCost cost = { 0 };
  MwLuaPatternCheck check;
  int plain_arg = lua_tointeger (L, lua_upvalueindex (3));
  const char *p;

  luaL_checklstring (L, 1, &n);
  p = luaL_checklstring (L, 2, &m);
  memcpy (&check, lua_touserdata (L, lua_upvalueindex (2)), sizeof check);
  if (!(plain_arg > 0 && lua_toboolean (L, plain_arg)))
    mw_lua_pattern_cost (p, m, &cost);
  check (L, &cost, n, m);
  lua_pushvalue (L, lua_upvalueindex (1));
  lua_insert (L, 1);
  lua_call (L, lua_gettop (L) - 1, LUA_MULTRET);
  return lua_gettop (L);
}

void
mw_lua_pattern_bound (lua_State *L, int index, MwLuaPatternCheck check)
{
  static const struct
  {
    const char *name;
    int plain_arg;
  } functions[] = { { "find", 4 }, { "match", 0 }, { "gmatch", 0 }, { "gsub", 0 } };

  g_return_if_fail (L != NULL && check != NULL);
  index = index < 0 && index > LUA_REGISTRYINDEX ? lua_gettop (L) + index + 1 : index;
  for (gsize i = 0; i < G_N_ELEMENTS (functions); i++)
    {
      lua_getfield (L, index, functions[i].name);
      memcpy (lua_newuserdata (L, sizeof check), &check, sizeof check);
      lua_pushinteger (L, functions[i].plain_arg);
      lua_pushcclosure (L, bounded_call, 3);
      lua_setfield (L, index, functions[i].name);
    }
}
