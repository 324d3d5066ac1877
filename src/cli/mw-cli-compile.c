/* mw-cli-compile.c: `moonwire-cli compile`, Lua source to NodeMCU bytecode (.lc) on the host,
 * and `compile --list`, a listing like luac -l of a source or .lc file. */
#include "mw-config.h"

#include <stdio.h>
#include <string.h>

#include "mw-cli-chunk.h"
#include "mw-cli-commands.h"
#include "mw-cli-files.h"
#include "mw-lua-compiler.h"

gboolean
mw_cli_parse_target (const char *name, MwLuaNumberType *target)
{
  if (name == NULL || g_strcmp0 (name, "float") == 0)
    *target = MW_LUA_TARGET_FLOAT;
  else if (g_strcmp0 (name, "integer") == 0)
    *target = MW_LUA_TARGET_INTEGER;
  else
    {
      g_printerr ("moonwire-cli: unknown target '%s' (float or integer)\n", name);
      return FALSE;
    }
  return TRUE;
}

MwLuaChunk *
mw_cli_load_chunk (const char *path, const char *data, gsize len, MwLuaNumberType target,
                   MwLuaStripLevel strip, GError **error)
{
  if (len > 0 && data[0] == '\033')
    {
      g_autoptr (GError) local_error = NULL;
      MwLuaChunk *chunk = mw_lua_chunk_new_from_bytes ((const guint8 *) data, len, &local_error);
      if (chunk == NULL)
        g_set_error (error, MW_LUA_COMPILER_ERROR, MW_LUA_COMPILER_ERROR_CHUNK, "%s: %s", path,
                     local_error->message);
      return chunk;
    }
  return mw_lua_compiler_compile (path, data, len, target, strip, error);
}

static char *
default_output (const char *input)
{
  if (g_str_has_suffix (input, ".lua"))
    {
      g_autofree char *base = g_strndup (input, strlen (input) - 4);
      return g_strconcat (base, ".lc", NULL);
    }
  return g_strconcat (input, ".lc", NULL);
}

int
mw_cli_compile (int argc, char **argv)
{
  gboolean strip_all = FALSE;
  gboolean list = FALSE;
  gboolean full = FALSE;
  g_autofree char *target_name = NULL;
  g_autofree char *output = NULL;
  const GOptionEntry entries[] = {
    { "strip", 's', 0, G_OPTION_ARG_NONE, &strip_all,
      "Drop all debug info: line numbers and the source name (as luac.cross -s)", NULL },
    MW_CLI_TARGET_OPTION (target_name),
    { "output", 'o', 0, G_OPTION_ARG_FILENAME, &output,
      "Write to OUT (one input file only; default: FILE.lc beside FILE.lua)", "OUT" },
    { "list", 'l', 0, G_OPTION_ARG_NONE, &list,
      "List the bytecode like luac -l instead of writing it", NULL },
    { "full", 0, 0, G_OPTION_ARG_NONE, &full,
      "With --list: also constants, locals and upvalues (luac -l -l)", NULL },
    { NULL }
  };
  g_autoptr (GOptionContext) context = g_option_context_new ("FILE...");
  MwLuaNumberType target;
  MwLuaStripLevel strip;
  int status = MW_EXIT_OK;

  g_option_context_set_summary (context,
                                "Compiles Lua files to NodeMCU bytecode (.lc) on this machine: "
                                "the bytes the\nfirmware loads (firmware 1.4 to 3.x, Lua 5.1). "
                                "As on the board, local and upvalue\nnames are dropped; line "
                                "numbers are kept unless -s is given.\n\n"
                                "Exit status: 0 success, 2 a file does not compile (syntax, "
                                "or a number the\ninteger firmware cannot hold), 3 a file "
                                "could not be read or written, 4 bad options.");
  g_option_context_add_main_entries (context, entries, NULL);
  if (!mw_cli_parse_options (context, &argc, &argv))
    return MW_EXIT_USAGE;
  if (!mw_cli_parse_target (target_name, &target))
    return MW_EXIT_USAGE;
  if (!mw_cli_have_files (argc, "compile", "files"))
    return MW_EXIT_USAGE;
  if (output != NULL && argc > 2)
    {
      g_printerr ("moonwire-cli compile: -o needs exactly one input file\n");
      return MW_EXIT_USAGE;
    }
  strip = strip_all ? MW_LUA_STRIP_ALL : MW_LUA_STRIP_NAMES;

  for (int i = 1; i < argc; i++)
    {
      g_autoptr (GError) error = NULL;
      g_autofree char *data = NULL;
      g_autofree char *out_path = NULL;
      g_autoptr (MwLuaChunk) chunk = NULL;
      g_autoptr (GBytes) bytes = NULL;
      gsize len = 0;

      if (!mw_cli_read_file (argv[i], MW_CLI_MAX_SOURCE, "Lua source", &data, &len, &error))
        {
          g_printerr ("moonwire-cli compile: %s\n", error->message);
          status = MAX (status, MW_EXIT_IO);
          continue;
        }
      if (list)
        {
          g_autofree char *text = NULL;

          chunk = mw_cli_load_chunk (argv[i], data, len, target, strip, &error);
          if (chunk == NULL)
            {
              g_printerr ("%s\n", error->message);
              status = MAX (status, MW_EXIT_ERROR);
              continue;
            }
          text = mw_lua_compiler_list (chunk, full);
          fputs (text, stdout);
          continue;
        }
      if (len > 0 && data[0] == '\033')
        {
          g_printerr ("%s: already a precompiled chunk\n", argv[i]);
          status = MAX (status, MW_EXIT_ERROR);
          continue;
        }
      bytes = mw_lua_compiler_compile_to_bytes (argv[i], data, len, target, strip, &error);
      if (bytes == NULL)
        {
          g_printerr ("%s\n", error->message);
          status = MAX (status, MW_EXIT_ERROR);
          continue;
        }
      out_path = output != NULL ? g_strdup (output) : default_output (argv[i]);
      if (!mw_cli_write_file (out_path, g_bytes_get_data (bytes, NULL), g_bytes_get_size (bytes),
                              -1, &error))
        {
          g_printerr ("moonwire-cli compile: %s\n", error->message);
          status = MAX (status, MW_EXIT_IO);
          continue;
        }
      printf ("%s -> %s (%" G_GSIZE_FORMAT " byte%s)\n", argv[i], out_path,
              g_bytes_get_size (bytes), g_bytes_get_size (bytes) == 1 ? "" : "s");
    }
  return status;
}
