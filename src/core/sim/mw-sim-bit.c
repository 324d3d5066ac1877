/* mw-sim-bit.c: the firmware's `bit` module: 32-bit operations on signed integers. */
#include "mw-sim-private.h"

static guint32
arg (lua_State *L, int i)
{
  return (guint32) (gint64) luaL_checknumber (L, i);
}

static int
push (lua_State *L, guint32 v)
{
  lua_pushinteger (L, (gint32) v);
  return 1;
}

static int
l_bnot (lua_State *L)
{
  return push (L, ~arg (L, 1));
}

static int
fold (lua_State *L, int op)
{
  int n = lua_gettop (L);
  guint32 v = arg (L, 1);

  for (int i = 2; i <= n; i++)
    v = op == 0 ? v & arg (L, i) : op == 1 ? v | arg (L, i) : v ^ arg (L, i);
  return push (L, v);
}

static int
l_band (lua_State *L)
{
  return fold (L, 0);
}
static int
l_bor (lua_State *L)
{
  return fold (L, 1);
}
static int
l_bxor (lua_State *L)
{
  return fold (L, 2);
}

static guint
shift (lua_State *L)
{
  return (guint) luaL_checkinteger (L, 2) & 31u;
}

static int
l_lshift (lua_State *L)
{
  return push (L, arg (L, 1) << shift (L));
}
static int
l_rshift (lua_State *L)
{
  return push (L, arg (L, 1) >> shift (L));
}
static int
l_arshift (lua_State *L)
{
  gint32 v = (gint32) arg (L, 1);
  guint s = shift (L);
  return push (L, (guint32) (v < 0 ? ~(~v >> s) : v >> s));
}
static int
l_bit (lua_State *L)
{
  return push (L, 1u << ((guint) luaL_checkinteger (L, 1) & 31u));
}

static int
l_set (lua_State *L)
{
  guint32 v = arg (L, 1);
  for (int i = 2; i <= lua_gettop (L); i++)
    v |= 1u << ((guint) luaL_checkinteger (L, i) & 31u);
  return push (L, v);
}

static int
l_clear (lua_State *L)
{
  guint32 v = arg (L, 1);
  for (int i = 2; i <= lua_gettop (L); i++)
    v &= ~(1u << ((guint) luaL_checkinteger (L, i) & 31u));
  return push (L, v);
}

static int
l_isset (lua_State *L)
{
  lua_pushboolean (L, (arg (L, 1) >> ((guint) luaL_checkinteger (L, 2) & 31u)) & 1u);
  return 1;
}

static int
l_isclear (lua_State *L)
{
  lua_pushboolean (L, !((arg (L, 1) >> ((guint) luaL_checkinteger (L, 2) & 31u)) & 1u));
  return 1;
}

static const luaL_Reg bit_funcs[] = { { "bnot", l_bnot },
                                      { "band", l_band },
                                      { "bor", l_bor },
                                      { "bxor", l_bxor },
                                      { "lshift", l_lshift },
                                      { "rshift", l_rshift },
                                      { "arshift", l_arshift },
                                      { "bit", l_bit },
                                      { "set", l_set },
                                      { "clear", l_clear },
                                      { "isset", l_isset },
                                      { "isclear", l_isclear },
                                      { NULL, NULL } };

int
mw_sim_open_bit (lua_State *L)
{
  mw_sim_register (L, "bit", bit_funcs);
  lua_pop (L, 1);
  return 0;
}
