/* mw-sim-integer.c: the integer build's arithmetic on the host's double VM.
 *
 * The firmware's integer build (LUA_NUMBER_INTEGRAL, app/lua/luaconf.h) divides and takes the
 * modulo of 32-bit integers, rounding the quotient toward minus infinity so that
 * x == (x / y) * y + x % y; dividing by zero raises "divide by zero" (or "modulo by zero"),
 * and x ^ y multiplies (0 for a negative y: luai_ipow in app/lua/lvm.c); constants fold the
 * same way at compile time (app/lua/lcode.c constfolding), docs/firmware.md section 8.
 * In that build the simulator compiles Lua with the project's code generator for the integer
 * target and routes the remaining DIV, MOD and POW instructions through the functions here
 * (mw-lua-arith-calls.h); bytecode files get the same routing. */
#include "mw-config.h"

#include <string.h>

#include "mw-lua-arith-calls.h"
#include "mw-lua-compiler.h"
#include "mw-sim-private.h"

/* The globals the routed instructions call: names no Lua identifier can take. */
static const char *const arith_names[3] = { "\1idiv", "\1imod", "\1ipow" };

static const char *const events[3] = { "__div", "__mod", "__pow" };

/* luaG_aritherror (app/lua/ldebug.c): the operand that is not a number */
static int
arith_error (lua_State *L)
{
  int bad = lua_isnumber (L, 1) ? 2 : 1;

  return luaL_error (L, "attempt to perform arithmetic on a %s value", luaL_typename (L, bad));
}

static int
arith (lua_State *L, int which)
{
  gint64 a, b, r;

  if (!lua_isnumber (L, 1) || !lua_isnumber (L, 2))
    {
      /* Arith in app/lua/lvm.c: the metamethod of the first operand, else of the second */
      if (!luaL_getmetafield (L, 1, events[which]) && !luaL_getmetafield (L, 2, events[which]))
        return arith_error (L);
      lua_pushvalue (L, 1);
      lua_pushvalue (L, 2);
      lua_call (L, 2, 1);
      return 1;
    }
  a = (gint64) lua_tonumber (L, 1);
  b = (gint64) lua_tonumber (L, 2);
  switch (which)
    {
      case 0:
        if (b == 0)
          return luaL_error (L, "divide by zero");
        r = a / b;
        if ((a < 0) != (b < 0) && a % b != 0)
          r--;
        break;
      case 1:
        if (b == 0)
          return luaL_error (L, "modulo by zero");
        r = a % b;
        if ((a < 0) != (b < 0) && r != 0)
          r += b;
        break;
      default:
        /* luai_ipow: square and multiply in the number type (32 bits, wrapping) */
        if (b < 0)
          r = 0;
        else
          {
            guint32 base = (guint32) a, acc = 1;

            for (guint64 e = (guint64) b; e != 0; e >>= 1)
              {
                if (e & 1)
                  acc *= base;
                base *= base;
              }
            r = (gint32) acc;
          }
        break;
    }
  lua_pushnumber (L, (lua_Number) r);
  return 1;
}

static int
l_idiv (lua_State *L)
{
  return arith (L, 0);
}

static int
l_imod (lua_State *L)
{
  return arith (L, 1);
}

static int
l_ipow (lua_State *L)
{
  return arith (L, 2);
}

gboolean
mw_sim_integer_raised (lua_State *L)
{
  lua_Debug ar;
  lua_CFunction f;

  /* level 0 is the message handler, 1 what raised the error */
  if (!lua_getstack (L, 1, &ar) || !lua_getinfo (L, "f", &ar))
    return FALSE;
  f = lua_tocfunction (L, -1);
  lua_pop (L, 1);
  return f == l_idiv || f == l_imod || f == l_ipow;
}

/* loadstring (app/lua/lbaselib.c luaB_loadstring) through the integer build's compiler */
static int
l_loadstring (lua_State *L)
{
  size_t len;
  const char *s = luaL_checklstring (L, 1, &len);
  const char *chunkname = luaL_optstring (L, 2, s);

  if (mw_sim_integer_load (L, s, len, chunkname) == 0)
    return 1;
  lua_pushnil (L);
  lua_insert (L, -2);
  return 2;
}

void
mw_sim_integer_open (lua_State *L)
{
  lua_register (L, arith_names[0], l_idiv);
  lua_register (L, arith_names[1], l_imod);
  lua_register (L, arith_names[2], l_ipow);
  lua_register (L, "loadstring", l_loadstring);
}

int
mw_sim_integer_load (lua_State *L, const char *bytes, gsize len, const char *chunkname)
{
  g_autoptr (MwLuaChunk) chunk = NULL;
  g_autoptr (MwLuaChunk) routed = NULL;
  g_autoptr (GBytes) host = NULL;
  g_autoptr (GError) error = NULL;
  const char *shown = chunkname[0] == '@' || chunkname[0] == '=' ? chunkname + 1 : chunkname;
  gboolean binary = len > 0 && bytes[0] == 0x1b;
  gsize host_len;
  const char *host_data;

  if (binary)
    chunk = mw_lua_chunk_new_from_bytes ((const guint8 *) bytes, len, &error);
  else
    {
      gsize skip = 0;

      /* as luaL_loadfile: a file's "#!" line is skipped, its newline kept */
      if (chunkname[0] == '@' && len > 0 && bytes[0] == '#')
        {
          const char *nl = memchr (bytes, '\n', len);

          skip = nl != NULL ? (gsize) (nl - bytes) : len;
        }
      chunk = mw_lua_compiler_compile (shown, bytes + skip, len - skip, MW_LUA_TARGET_INTEGER,
                                       MW_LUA_STRIP_NONE, &error);
      if (chunk == NULL)
        {
          /* Lua's own words where Lua refuses the source too (chunk names as Lua shows
           * them); the firmware's limits and numerals otherwise */
          if (luaL_loadbuffer (L, bytes + skip, len - skip, chunkname) != 0)
            return LUA_ERRSYNTAX;
          lua_pop (L, 1);
          lua_pushstring (L, error->message);
          return LUA_ERRSYNTAX;
        }
    }
  if (chunk != NULL)
    routed = mw_lua_chunk_route_arith (chunk, arith_names, binary ? NULL : chunkname, &error);
  if (routed != NULL)
    host = mw_lua_chunk_dump (routed, mw_lua_chunk_format_host (), &error);
  if (host == NULL)
    {
      lua_pushfstring (L, "%s: bad precompiled chunk: %s", shown, error->message);
      return LUA_ERRSYNTAX;
    }
  host_data = g_bytes_get_data (host, &host_len);
  return luaL_loadbuffer (L, host_data, host_len, chunkname);
}
