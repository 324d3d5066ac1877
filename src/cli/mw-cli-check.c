/* mw-cli-check.c: `moonwire-cli check FILE...`, a syntax check with Lua 5.1's messages. */
#include "mw-config.h"

#include <stdio.h>

#include <string.h>

#include "mw-cli-commands.h"
#include "mw-cli-files.h"
#include "mw-lua-chunk.h"
#include "mw-lua-tree.h"

/* Lua's code generator has limits the front end does not model, as it builds no code: jumps
 * over 131,071 instructions ("control structure too long"), 262,143 constants per function,
 * 32,767 local declarations per function, 250 registers ("function or expression too
 * complex"). liblua5.1 has the firmware's values for all of them, so a source the front end
 * accepts is compiled once more by liblua5.1, whose message is Lua's own. Returns the line to
 * print, or NULL when Lua accepts the source. */
static char *
codegen_error (const char *path, const char *data, gsize len, MwLuaTree *tree)
{
  g_autofree char *chunkname = g_strconcat ("@", path, NULL);
  g_autofree char *copy = NULL;
  g_autoptr (MwLuaChunk) chunk = NULL;
  g_autoptr (GError) error = NULL;
  g_autofree char *prefix = g_strconcat (path, ":", NULL);

  /* liblua does not skip a `#` first line as the loader does: blank it, so that lines and
   * columns stay */
  if (mw_lua_tree_get_shebang_length (tree) > 0)
    {
      copy = g_memdup2 (data, len);
      memset (copy, ' ', MIN (mw_lua_tree_get_shebang_length (tree), len));
      data = copy;
    }
  chunk = mw_lua_chunk_new_from_source (chunkname, data, len, &error);
  if (chunk != NULL)
    return NULL;
  /* the limits raised outside the parser have no position: name the file */
  if (g_str_has_prefix (error->message, prefix))
    return g_strdup (error->message);
  return g_strdup_printf ("%s: %s", path, error->message);
}

int
mw_cli_check (int argc, char **argv)
{
  gboolean desktop = FALSE;
  gboolean quiet = FALSE;
  const GOptionEntry entries[] = {
    { "lua51", 0, 0, G_OPTION_ARG_NONE, &desktop,
      "Check against desktop Lua 5.1 only (ignore the firmware's 50-local limit)", NULL },
    { "quiet", 'q', 0, G_OPTION_ARG_NONE, &quiet, "Print nothing for files without errors", NULL },
    { NULL }
  };
  g_autoptr (GOptionContext) context = g_option_context_new ("FILE...");
  int status = MW_EXIT_OK;

  g_option_context_set_summary (context,
                                "Checks Lua files as the NodeMCU firmware's Lua 5.1 parser "
                                "would, with Lua's own messages.\n\n"
                                "Exit status: 0 all files are valid, 2 a file has errors, "
                                "3 a file could not be read, 4 bad options.");
  g_option_context_add_main_entries (context, entries, NULL);
  if (!mw_cli_parse_options (context, &argc, &argv))
    return MW_EXIT_USAGE;
  if (!mw_cli_have_files (argc, "check", "files"))
    return MW_EXIT_USAGE;

  for (int i = 1; i < argc; i++)
    {
      g_autoptr (GError) error = NULL;
      g_autofree char *data = NULL;
      g_autoptr (MwLuaTree) tree = NULL;
      gsize len = 0;
      gboolean file_ok = TRUE;
      GPtrArray *diags;

      if (!mw_cli_read_file (argv[i], MW_CLI_MAX_SOURCE, "Lua source", &data, &len, &error))
        {
          g_printerr ("moonwire-cli check: %s\n", error->message);
          status = MAX (status, MW_EXIT_IO);
          continue;
        }
      if (len > 0 && data[0] == '\033')
        {
          g_printerr ("%s: a precompiled chunk, not Lua source\n", argv[i]);
          status = MAX (status, MW_EXIT_ERROR);
          continue;
        }
      tree = mw_lua_tree_parse (argv[i], data, len, MW_LUA_PARSE_SKIP_SHEBANG);
      diags = mw_lua_tree_get_diagnostics (tree);
      for (guint d = 0; d < diags->len; d++)
        {
          const MwLuaDiagnostic *diag = diags->pdata[d];
          g_autofree char *text = NULL;

          if (desktop && diag != mw_lua_tree_get_error (tree))
            continue;
          if (diag->severity != MW_LUA_SEVERITY_ERROR)
            continue;
          text = mw_lua_diagnostic_format (diag, argv[i]);
          g_printerr ("%s\n", text);
          file_ok = FALSE;
          break; /* the first error only: Lua stops there */
        }
      if (file_ok)
        {
          g_autofree char *text = codegen_error (argv[i], data, len, tree);

          if (text != NULL)
            {
              g_printerr ("%s\n", text);
              file_ok = FALSE;
            }
        }
      if (!file_ok)
        status = MAX (status, MW_EXIT_ERROR);
      else if (!quiet)
        printf ("%s: ok\n", argv[i]);
    }
  return status;
}
