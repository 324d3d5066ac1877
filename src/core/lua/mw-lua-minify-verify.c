/* mw-lua-minify-verify.c: compares the bytecode liblua5.1 makes of two sources. */
#include "mw-config.h"

#include <string.h>

#include "mw-lua-chunk.h"
#include "mw-lua-minify-verify.h"

/* luaL_loadfile skips a first line starting with '#' but keeps its line break, so that line
 * numbers stay right; luaL_loadbuffer does not, so skip it here the same way. */
static const char *
skip_shebang (const char *source, gsize *len)
{
  const char *nl;

  if (*len == 0 || source[0] != '#')
    return source;
  nl = memchr (source, '\n', *len);
  if (nl == NULL)
    {
      *len = 0;
      return "";
    }
  *len -= nl - source;
  return nl;
}

static MwLuaChunk *
compile (const char *chunkname, const char *source, gsize len, gboolean lines, GError **error)
{
  g_autoptr (MwLuaChunk) chunk = NULL;

  source = skip_shebang (source, &len);
  chunk = mw_lua_chunk_new_from_source (chunkname, source, len, error);
  if (chunk == NULL || !lines)
    return g_steal_pointer (&chunk);
  /* level 2 drops local and upvalue names only: the renamed ones */
  return mw_lua_chunk_strip (chunk, 2);
}

gboolean
mw_lua_minify_verify (const char *chunkname,
                      const char *original,
                      gsize       original_len,
                      const char *minified,
                      gsize       minified_len,
                      gboolean    lines,
                      guint      *functions,
                      char      **difference)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (MwLuaChunk) a = NULL;
  g_autoptr (MwLuaChunk) b = NULL;
  g_autofree char *chunk_name = g_strconcat ("@", chunkname, NULL);
  MwLuaChunkCompareFlags flags = MW_LUA_CHUNK_COMPARE_ALL;

  g_return_val_if_fail (chunkname != NULL, FALSE);
  g_return_val_if_fail (difference != NULL && *difference == NULL, FALSE);

  if (functions != NULL)
    *functions = 0;
  a = compile (chunk_name, original, original_len, lines, &error);
  if (a == NULL)
    {
      *difference = g_strdup_printf ("the input does not compile: %s", error->message);
      return FALSE;
    }
  b = compile (chunk_name, minified, minified_len, lines, &error);
  if (b == NULL)
    {
      *difference = g_strdup_printf ("the output does not compile: %s", error->message);
      return FALSE;
    }
  if (!lines)
    flags = MW_LUA_CHUNK_COMPARE_IGNORE_DEBUG | MW_LUA_CHUNK_COMPARE_IGNORE_LINES_DEFINED;
  if (!mw_lua_chunk_equal (a, b, flags, difference))
    return FALSE;
  if (functions != NULL)
    *functions = mw_lua_function_count (mw_lua_chunk_get_main (a));
  return TRUE;
}
