/* mw-sim-crypto.c: the firmware's `crypto` module (app/modules/crypto.c): hash, fhash, sha1,
 * hmac, new_hash, new_hmac and mask with md5, sha1, sha256, sha384 and sha512, returning raw
 * digests; encrypt/decrypt (AES) raise. Only with --modules (docs/firmware.md section 2). */
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
  if (g_ascii_strcasecmp (name, "sha384") == 0)
    return G_CHECKSUM_SHA384;
  if (g_ascii_strcasecmp (name, "sha512") == 0)
    return G_CHECKSUM_SHA512;
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

static int
l_sha1 (lua_State *L)
{
  size_t len;
  const char *s = luaL_checklstring (L, 1, &len);

  return push_digest (L, G_CHECKSUM_SHA1, s, len);
}

static int
l_hmac (lua_State *L)
{
  GChecksumType type = check_algo (L);
  size_t len, klen;
  const char *s = luaL_checklstring (L, 2, &len);
  const char *key = luaL_checklstring (L, 3, &klen);
  g_autoptr (GHmac) hmac = g_hmac_new (type, (const guchar *) key, klen);
  guint8 digest[64];
  gsize dlen = sizeof digest;

  g_hmac_update (hmac, (const guchar *) s, len);
  g_hmac_get_digest (hmac, digest, &dlen);
  lua_pushlstring (L, (const char *) digest, dlen);
  return 1;
}

/* crypto.mask(message, mask): message XOR the mask repeated */
static int
l_mask (lua_State *L)
{
  size_t len, mlen;
  const char *s = luaL_checklstring (L, 1, &len);
  const char *m = luaL_checklstring (L, 2, &mlen);
  luaL_Buffer b;

  luaL_argcheck (L, mlen > 0, 2, "invalid argument: mask");
  luaL_buffinit (L, &b);
  for (size_t i = 0; i < len; i++)
    luaL_addchar (&b, (char) (s[i] ^ m[i % mlen]));
  luaL_pushresult (&b);
  return 1;
}

static int
l_aes (lua_State *L)
{
  return luaL_error (L, "moonwire-sim: crypto.encrypt and crypto.decrypt (AES) are not "
                        "simulated");
}

/* new_hash(algo) / new_hmac(algo, key): an object with update(s) and finalize() */
#define HASH_MT "crypto.hash"

static const char hash_type[] = "hash";

typedef struct
{
  GChecksum *sum;
  GHmac *hmac;
} HashObject;

static int
l_new_hash (lua_State *L)
{
  GChecksumType type = check_algo (L);
  HashObject *h = mw_sim_new_udata (L, sizeof *h, sizeof *h, hash_type, HASH_MT);

  h->sum = g_checksum_new (type);
  return 1;
}

static int
l_new_hmac (lua_State *L)
{
  GChecksumType type = check_algo (L);
  size_t klen;
  const char *key = luaL_checklstring (L, 2, &klen);
  HashObject *h = mw_sim_new_udata (L, sizeof *h, sizeof *h, hash_type, HASH_MT);

  h->hmac = g_hmac_new (type, (const guchar *) key, klen);
  return 1;
}

static int
h_update (lua_State *L)
{
  HashObject *h = mw_sim_check_udata (L, 1, hash_type, HASH_MT);
  size_t len;
  const char *s = luaL_checklstring (L, 2, &len);

  if (h->sum)
    g_checksum_update (h->sum, (const guchar *) s, len);
  else if (h->hmac)
    g_hmac_update (h->hmac, (const guchar *) s, len);
  return 0;
}

static int
h_finalize (lua_State *L)
{
  HashObject *h = mw_sim_check_udata (L, 1, hash_type, HASH_MT);
  guint8 digest[64];
  gsize dlen = sizeof digest;

  if (h->sum)
    g_checksum_get_digest (h->sum, digest, &dlen);
  else if (h->hmac)
    g_hmac_get_digest (h->hmac, digest, &dlen);
  else
    dlen = 0;
  lua_pushlstring (L, (const char *) digest, dlen);
  return 1;
}

static int
h_gc (lua_State *L)
{
  HashObject *h = mw_sim_check_udata (L, 1, hash_type, HASH_MT);

  g_clear_pointer (&h->sum, g_checksum_free);
  g_clear_pointer (&h->hmac, g_hmac_unref);
  return 0;
}

static const luaL_Reg crypto_funcs[] = {
  { "hash", l_hash },         { "fhash", l_fhash },
  { "sha1", l_sha1 },         { "hmac", l_hmac },
  { "mask", l_mask },         { "new_hash", l_new_hash },
  { "new_hmac", l_new_hmac }, { "encrypt", l_aes },
  { "decrypt", l_aes },       { NULL, NULL },
};

int
mw_sim_open_crypto (lua_State *L)
{
  luaL_newmetatable (L, HASH_MT);
  lua_newtable (L);
  lua_pushcfunction (L, h_update);
  lua_setfield (L, -2, "update");
  lua_pushcfunction (L, h_finalize);
  lua_setfield (L, -2, "finalize");
  lua_setfield (L, -2, "__index");
  lua_pushcfunction (L, h_gc);
  lua_setfield (L, -2, "__gc");
  lua_pop (L, 1);
  mw_sim_register (L, "crypto", crypto_funcs);
  lua_pop (L, 1);
  return 0;
}
