/* fuzz-lua-parser.c: libFuzzer entry point for the Lua lexer and parser.
 *
 * Built as a fuzzer with -Dfuzzing=true (clang), and linked into test-fuzz-parser, which
 * replays the seed corpus in tests/lua/data/fuzz-parser/ in every normal test run.
 * Besides "no crash, no sanitizer report", it checks invariants that hold for any input:
 * tokens tile the source in order, and the tree is either valid with a root or has an error.
 */
#include <string.h>

#include "mw-lua-tree.h"

int LLVMFuzzerTestOneInput (const guint8 *data, size_t size);

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
    g_assert (mw_lua_tree_get_root (tree) != NULL);
  else
    g_assert (mw_lua_tree_get_root (tree) == NULL);
  return 0;
}
