/* mw-sim-encoder.c: the firmware's `encoder` module (toHex, fromHex, toBase64, fromBase64);
 * only with --modules, as it is not in the firmware's default set. */
#include "mw-sim-private.h"

static int
l_tohex (lua_State *L)
{
  size_t len;
  const guint8 *s = (const guint8 *) luaL_checklstring (L, 1, &len);
  luaL_Buffer b;

  luaL_buffinit (L, &b);
  for (size_t i = 0; i < len; i++)
    {
      luaL_addchar (&b, "0123456789abcdef"[s[i] >> 4]);
      luaL_addchar (&b, "0123456789abcdef"[s[i] & 15]);
    }
  luaL_pushresult (&b);
  return 1;
}

static int
l_fromhex (lua_State *L)
{
  size_t len;
  const char *s = luaL_checklstring (L, 1, &len);
  luaL_Buffer b;

  if (len % 2)
    return luaL_error (L, "Invalid hex string");
  for (size_t i = 0; i < len; i++)
    if (!g_ascii_isxdigit (s[i]))
      return luaL_error (L, "Invalid hex string");
  luaL_buffinit (L, &b);
  for (size_t i = 0; i < len; i += 2)
    luaL_addchar (&b, (char) (g_ascii_xdigit_value (s[i]) * 16 + g_ascii_xdigit_value (s[i + 1])));
  luaL_pushresult (&b);
  return 1;
}

static int
l_tobase64 (lua_State *L)
{
  size_t len;
  const char *s = luaL_checklstring (L, 1, &len);
  char *out = g_base64_encode ((const guchar *) s, len);

  lua_pushstring (L, out);
  g_free (out);
  return 1;
}

static int
l_frombase64 (lua_State *L)
{
  size_t len;
  const char *s = luaL_checklstring (L, 1, &len);
  gsize outlen;
  guchar *out;

  for (size_t i = 0; i < len; i++)
    if (!(g_ascii_isalnum (s[i]) || s[i] == '+' || s[i] == '/' || s[i] == '='))
      return luaL_error (L, "Invalid base64 string");
  out = g_base64_decode (s, &outlen);
  lua_pushlstring (L, (const char *) out, outlen);
  g_free (out);
  return 1;
}

static const luaL_Reg encoder_funcs[] = { { "toHex", l_tohex },
                                          { "fromHex", l_fromhex },
                                          { "toBase64", l_tobase64 },
                                          { "fromBase64", l_frombase64 },
                                          { NULL, NULL } };

int
mw_sim_open_encoder (lua_State *L)
{
  mw_sim_register (L, "encoder", encoder_funcs);
  lua_pop (L, 1);
  return 0;
}
