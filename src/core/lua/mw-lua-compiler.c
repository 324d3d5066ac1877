/* mw-lua-compiler.c: Lua source to NodeMCU .lc with the code generator, and .lc back to the
 * host's format. The luac-style listings are in mw-lua-chunk-listing.c. */
#include "mw-lua-compiler.h"

#include "mw-lua-codegen.h"

G_DEFINE_QUARK (mw - lua - compiler - error - quark, mw_lua_compiler_error)

const MwLuaChunkFormat *
mw_lua_compiler_target_format (MwLuaNumberType target)
{
  return target == MW_LUA_TARGET_INTEGER ? &mw_lua_chunk_format_nodemcu_integer
                                         : &mw_lua_chunk_format_nodemcu_float;
}

static MwLuaChunk *
compile_full (const char *filename, const char *source, gsize len, MwLuaNumberType target,
              MwLuaCodegenFlags flags, GError **error)
{
  g_autoptr (MwLuaTree) tree = NULL;
  g_autoptr (GError) local_error = NULL;
  MwLuaChunk *chunk;

  /* as luaL_loadfile (and so dofile on the board): a first "#" line is skipped but still
   * counts, so line numbers stay those of the file */
  tree = mw_lua_tree_parse (filename, source, len, MW_LUA_PARSE_SKIP_SHEBANG);
  chunk = mw_lua_codegen_generate (tree, target, flags, &local_error);
  if (chunk == NULL)
    g_set_error_literal (error, MW_LUA_COMPILER_ERROR,
                         local_error->code == MW_LUA_CODEGEN_ERROR_NUMBER
                           ? MW_LUA_COMPILER_ERROR_NUMBER
                           : MW_LUA_COMPILER_ERROR_SYNTAX,
                         local_error->message);
  return chunk;
}

MwLuaChunk *
mw_lua_compiler_compile (const char *filename, const char *source, gsize len,
                         MwLuaNumberType target, MwLuaStripLevel strip, GError **error)
{
  g_autoptr (MwLuaChunk) chunk = NULL;

  g_return_val_if_fail (filename != NULL, NULL);
  g_return_val_if_fail (source != NULL || len == 0, NULL);
  g_return_val_if_fail (strip >= MW_LUA_STRIP_NONE && strip <= MW_LUA_STRIP_ALL, NULL);
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  chunk = compile_full (filename, source, len, target, MW_LUA_CODEGEN_NONE, error);
  if (chunk == NULL || strip == MW_LUA_STRIP_NONE)
    return g_steal_pointer (&chunk);
  return mw_lua_chunk_strip (chunk, strip);
}

GBytes *
mw_lua_compiler_compile_to_bytes (const char *filename, const char *source, gsize len,
                                  MwLuaNumberType target, MwLuaStripLevel strip, GError **error)
{
  g_autoptr (MwLuaChunk) chunk = NULL;
  g_autoptr (GError) local_error = NULL;
  GBytes *bytes;

  g_return_val_if_fail (filename != NULL, NULL);
  g_return_val_if_fail (source != NULL || len == 0, NULL);
  g_return_val_if_fail (strip >= MW_LUA_STRIP_NONE && strip <= MW_LUA_STRIP_ALL, NULL);
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  /* names the dump strips need not be made */
  chunk = compile_full (filename, source, len, target,
                        strip >= MW_LUA_STRIP_NAMES ? MW_LUA_CODEGEN_NO_NAMES : MW_LUA_CODEGEN_NONE,
                        error);
  if (chunk == NULL)
    return NULL;
  bytes =
    mw_lua_chunk_dump_stripped (chunk, mw_lua_compiler_target_format (target), strip, &local_error);
  if (bytes == NULL)
    g_set_error (error, MW_LUA_COMPILER_ERROR, MW_LUA_COMPILER_ERROR_NUMBER, "%s: %s", filename,
                 local_error->message);
  return bytes;
}

GBytes *
mw_lua_compiler_to_host (const guint8 *bytes, gsize len, GError **error)
{
  g_autoptr (MwLuaChunk) chunk = NULL;
  g_autoptr (GError) local_error = NULL;
  GBytes *host;

  g_return_val_if_fail (bytes != NULL || len == 0, NULL);
  chunk = mw_lua_chunk_new_from_bytes (bytes, len, &local_error);
  if (chunk != NULL)
    {
      host = mw_lua_chunk_dump (chunk, mw_lua_chunk_format_host (), &local_error);
      if (host != NULL)
        return host;
    }
  g_set_error_literal (error, MW_LUA_COMPILER_ERROR, MW_LUA_COMPILER_ERROR_CHUNK,
                       local_error->message);
  return NULL;
}
