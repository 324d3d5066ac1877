/* mw-sim-crypto.c: the firmware's `crypto` module: hash and fhash with md5, sha1 and sha256,
 * returning raw digests; only with --modules (docs/firmware.md section 2). */
#include "mw-sim-private.h"

static GChecksumType
check_algo (lua_State *L)
{
  const char *name = luaL_checkstring (L, 1);

  if (g_ascii_strcasecmp (name, "md5") == 0)
    return G_CHECKSUM_MD5;
  if (g_ascii_strcasecmp (name, "sha1") == 0)
    return G_CHECKSUM_SHA1;
  if (g_ascii_strcasecmp (name, "sha256") == 0)
    return G_CHECKSUM_SHA256;
  luaL_error (L, "unknown hash algorithm: %s", name);
  return G_CHECKSUM_MD5;
}

static int
push_digest (lua_State *L, GChecksumType type, const char *bytes, gsize len)
{
  GChecksum *sum = g_checksum_new (type);
  guint8 digest[64];
  gsize dlen = sizeof digest;

  g_checksum_update (sum, (const guchar *) bytes, len);
  g_checksum_get_digest (sum, digest, &dlen);
  g_checksum_free (sum);
  lua_pushlstring (L, (const char *) digest, dlen);
  return 1;
}

static int
l_hash (lua_State *L)
{
  GChecksumType type = check_algo (L);
  size_t len;
  const char *s = luaL_checklstring (L, 2, &len);

  return push_digest (L, type, s, len);
}

static int
l_fhash (lua_State *L)
{
  GChecksumType type = check_algo (L);
  const char *name = luaL_checkstring (L, 2);
  MwSimFlash *flash = mw_sim_vm_get (L)->flash;
  char *path, *bytes = NULL;
  gsize len;

  if (!mw_sim_flash_valid_name (name))
    return luaL_error (L, "filename invalid");
  path = mw_sim_flash_path (flash, name);
  if (!g_file_get_contents (path, &bytes, &len, NULL))
    {
      g_free (path);
      lua_pushnil (L);
      return 1;
    }
  g_free (path);
  push_digest (L, type, bytes, len);
  g_free (bytes);
  return 1;
}

static const luaL_Reg crypto_funcs[] = { { "hash", l_hash }, { "fhash", l_fhash }, { NULL, NULL } };

int
mw_sim_open_crypto (lua_State *L)
{
  mw_sim_register (L, "crypto", crypto_funcs);
  lua_pop (L, 1);
  return 0;
}
