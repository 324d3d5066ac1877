/* fuzz-lua-linter.c: libFuzzer entry point for the linter and the .luacheckrc sandbox.
 *
 * Built as a fuzzer with -Dfuzzing=true (clang), and linked into test-fuzz-linter, which
 * replays the parser's seeds and the linter's case files in every normal test run. The input
 * is linted as an init.lua (so every rule runs) and evaluated as a .luacheckrc (the sandbox
 * must end every program: instruction and memory limits). Invariants for any input: each
 * finding has a code [WE]nnn, a message and a position inside the source.
 */
#include <string.h>

#include "mw-lua-linter.h"

int LLVMFuzzerTestOneInput (const guint8 *data, size_t size);

int
LLVMFuzzerTestOneInput (const guint8 *data, size_t size)
{
  g_autoptr (MwLuaTree) tree = NULL;
  g_autoptr (GPtrArray) diags = NULL;
  g_autoptr (MwLuaLintOptions) options = mw_lua_lint_options_new ();
  g_autoptr (GError) error = NULL;
  guint lines = 1;

  for (size_t i = 0; i < size; i++)
    lines += data[i] == '\n' || data[i] == '\r'; /* Lua counts CR as a line break too */
  mw_lua_lint_options_set_max_upvalues (options, 1);
  tree = mw_lua_tree_parse ("init.lua", (const char *) data, size, MW_LUA_PARSE_SKIP_SHEBANG);
  diags = mw_lua_lint_tree (tree, options);
  for (guint i = 0; i < diags->len; i++)
    {
      const MwLuaDiagnostic *d = diags->pdata[i];
      g_assert (strlen (d->code) == 4 && (d->code[0] == 'W' || d->code[0] == 'E'));
      g_assert (d->message[0] != '\0');
      g_assert (d->line >= 1 && d->line <= lines + 1);
      g_assert (d->bytes >= -1);
    }

  if (!mw_lua_lint_options_load_config (options, (const char *) data, size, "fuzz", &error))
    g_assert (error != NULL && error->domain == MW_LUA_LINT_ERROR);
  return 0;
}
