/* fuzz-lua-parser.c: libFuzzer entry point for the Lua lexer, the parser and the code
 * generator.
 *
 * Built as a fuzzer with -Dfuzzing=true (clang), and linked into test-fuzz-parser, which
 * replays the seed corpus in tests/lua/data/fuzz-parser/ in every normal test run.
 * Besides "no crash, no sanitizer report", it checks invariants that hold for any input:
 * tokens tile the source in order, and the tree is either valid with a root or has an error.
 * Every valid tree compiles for both targets or is refused by a firmware limit (or, for the
 * integer target, a numeral); with desktop limits the float chunk is liblua5.1's, function
 * for function, and reads back from the bytes it writes.
 */
#include <string.h>

#include "mw-lua-codegen.h"
#include "mw-lua-tree.h"

int LLVMFuzzerTestOneInput (const guint8 *data, size_t size);

static void
check_codegen (MwLuaTree *tree, const char *source, gsize len)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (MwLuaChunk) desktop = NULL;
  g_autoptr (MwLuaChunk) liblua = NULL;

  for (int target = MW_LUA_TARGET_FLOAT; target <= MW_LUA_TARGET_INTEGER; target++)
    {
      g_autoptr (MwLuaChunk) chunk = NULL;

      chunk = mw_lua_codegen_generate (tree, target, MW_LUA_CODEGEN_NONE, &error);
      if (chunk == NULL)
        {
          g_assert (
            g_error_matches (error, MW_LUA_CODEGEN_ERROR, MW_LUA_CODEGEN_ERROR_LIMIT)
            || (target == MW_LUA_TARGET_INTEGER
                && g_error_matches (error, MW_LUA_CODEGEN_ERROR, MW_LUA_CODEGEN_ERROR_NUMBER)));
          g_clear_error (&error);
        }
      else
        {
          /* what it writes reads back as the same functions */
          g_autoptr (GBytes) bytes =
            mw_lua_chunk_dump (chunk, mw_lua_chunk_get_format (chunk), &error);
          g_autoptr (MwLuaChunk) back = NULL;
          g_assert_no_error (error);
          back = mw_lua_chunk_new_from_bytes (g_bytes_get_data (bytes, NULL),
                                              g_bytes_get_size (bytes), &error);
          g_assert_no_error (error);
          g_assert (mw_lua_chunk_equal (chunk, back, MW_LUA_CHUNK_COMPARE_ALL, NULL));
        }
    }

  /* liblua5.1 as luaL_loadfile reads the file: a first "#" line blanked */
  if (len > 0 && source[0] == '#')
    {
      const char *nl = memchr (source, '\n', len);
      len = nl != NULL ? len - (nl - source) : 0;
      source = nl != NULL ? nl : "";
    }
  liblua = mw_lua_chunk_new_from_source ("@fuzz", source, len, NULL);
  desktop =
    mw_lua_codegen_generate (tree, MW_LUA_TARGET_FLOAT, MW_LUA_CODEGEN_DESKTOP_LIMITS, &error);
  if (desktop == NULL)
    {
      /* a stack, jump or constant limit: Lua's own */
      g_assert (g_error_matches (error, MW_LUA_CODEGEN_ERROR, MW_LUA_CODEGEN_ERROR_LIMIT));
      g_assert (liblua == NULL);
    }
  else
    {
      g_autofree char *difference = NULL;
      g_assert (liblua != NULL);
      if (!mw_lua_chunk_equal (desktop, liblua, MW_LUA_CHUNK_COMPARE_ALL, &difference))
        g_error ("code generator and liblua5.1 differ: %s", difference);
    }
}

int
LLVMFuzzerTestOneInput (const guint8 *data, size_t size)
{
  g_autoptr (MwLuaTree) tree = NULL;
  const MwLuaToken *toks;
  guint n;
  guint32 end = 0;

  tree = mw_lua_tree_parse ("fuzz", (const char *) data, size, MW_LUA_PARSE_SKIP_SHEBANG);
  toks = mw_lua_tree_get_tokens (tree, &n);
  g_assert (n >= 1);
  for (guint i = 0; i < n; i++)
    {
      g_assert (toks[i].trivia >= end);
      g_assert (toks[i].offset >= toks[i].trivia);
      g_assert (toks[i].offset + toks[i].length <= size);
      g_assert (toks[i].end_line >= toks[i].line || toks[i].kind == MW_LUA_TOKEN_ERROR);
      end = toks[i].offset + toks[i].length;
    }
  g_assert (toks[n - 1].kind == MW_LUA_TOKEN_EOF || toks[n - 1].kind == MW_LUA_TOKEN_ERROR);
  if (mw_lua_tree_is_valid (tree))
    {
      g_assert (mw_lua_tree_get_root (tree) != NULL);
      check_codegen (tree, (const char *) data, size);
    }
  else
    {
      g_autoptr (GError) error = NULL;
      g_autoptr (MwLuaChunk) chunk = NULL;

      g_assert (mw_lua_tree_get_root (tree) == NULL);
      chunk = mw_lua_codegen_generate (tree, MW_LUA_TARGET_INTEGER, MW_LUA_CODEGEN_NONE, &error);
      g_assert (chunk == NULL);
      g_assert (error->domain == MW_LUA_CODEGEN_ERROR);
    }
  return 0;
}
