/* mw-cli-check.c: `moonwire-cli check FILE...`, a syntax check with Lua 5.1's messages. */
#include "mw-config.h"

#include <stdio.h>

#include "mw-cli-commands.h"
#include "mw-cli-files.h"
#include "mw-lua-tree.h"

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
  if (argc < 2)
    {
      g_printerr ("moonwire-cli check: no files given\n");
      return MW_EXIT_USAGE;
    }

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
        }
      if (!file_ok)
        status = MAX (status, MW_EXIT_ERROR);
      else if (!quiet)
        printf ("%s: ok\n", argv[i]);
    }
  return status;
}
