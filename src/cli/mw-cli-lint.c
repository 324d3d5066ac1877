/* mw-cli-lint.c: `moonwire-cli lint [options] FILE|DIR...`, the NodeMCU linter.
 *
 * Lints every file together (some rules look across files), with luacheck's output formats
 * and exit codes so that editors and CI that run luacheck can run this instead.
 */
#include "mw-config.h"

#include <stdio.h>
#include <string.h>

#include "mw-cli-commands.h"
#include "mw-cli-json.h"
#include "mw-cli-files.h"
#include "mw-lua-linter.h"

typedef enum
{
  FORMAT_DEFAULT,
  FORMAT_PLAIN,
  FORMAT_JSON,
  FORMAT_VISUAL_STUDIO,
} Format;

static void
add_list (char **values, MwLuaLintOptions *options, void (*add) (MwLuaLintOptions *, const char *))
{
  for (char **v = values; v && *v; v++)
    {
      g_auto (GStrv) parts = g_strsplit_set (*v, ", ", -1);
      for (char **p = parts; *p; p++)
        if (**p != '\0')
          add (options, *p);
    }
}

/* a module's tree again, for its byte figure (the linter asks when a file required it after
 * it was linted) */
static MwLuaTree *
reopen_file (guint index, gpointer data)
{
  GPtrArray *names = data;
  g_autofree char *text = NULL;
  gsize len;

  if (!g_file_get_contents (names->pdata[index], &text, &len, NULL))
    return NULL;
  return mw_lua_tree_parse (names->pdata[index], text, len, MW_LUA_PARSE_SKIP_SHEBANG);
}

static const char *
severity_name (MwLuaSeverity s)
{
  return s == MW_LUA_SEVERITY_ERROR ? "error" : s == MW_LUA_SEVERITY_WARNING ? "warning" : "info";
}

int
mw_cli_lint (int argc, char **argv)
{
  g_autofree char *std = NULL, *formatter = NULL, *config = NULL;
  g_auto (GStrv) globals = NULL, read_globals = NULL, ignore = NULL;
  gboolean no_config = FALSE, quiet = FALSE, integer = FALSE, list_codes = FALSE;
  int max_upvalues = -1;
  const GOptionEntry entries[] = {
    { "std", 0, 0, G_OPTION_ARG_STRING, &std, "Known globals: nodemcu (default), lua51 or min",
      "STD" },
    { "globals", 0, 0, G_OPTION_ARG_STRING_ARRAY, &globals,
      "More globals the code may set and read (comma-separated, repeatable)", "NAMES" },
    { "read-globals", 0, 0, G_OPTION_ARG_STRING_ARRAY, &read_globals,
      "More globals the code may only read", "NAMES" },
    { "ignore", 'i', 0, G_OPTION_ARG_STRING_ARRAY, &ignore,
      "Ignore findings matching a pattern (W211, 21, 212/self, name)", "PATTERNS" },
    { "max-upvalues", 0, 0, G_OPTION_ARG_INT, &max_upvalues,
      "Report closures with at least N upvalues (default 5, 0 turns it off)", "N" },
    { "formatter", 0, 0, G_OPTION_ARG_STRING, &formatter,
      "Output: default, plain (file:line:col: (Wnnn) message), json or visual_studio", "NAME" },
    { "config", 0, 0, G_OPTION_ARG_FILENAME, &config,
      "Read options from this .luacheckrc (default: the nearest .luacheckrc)", "FILE" },
    { "no-config", 0, 0, G_OPTION_ARG_NONE, &no_config, "Do not read any .luacheckrc", NULL },
    { "integer", 0, 0, G_OPTION_ARG_NONE, &integer,
      "Byte figures for the integer firmware build (default: float)", NULL },
    { "quiet", 'q', 0, G_OPTION_ARG_NONE, &quiet, "Do not list files without findings", NULL },
    { "list-codes", 0, 0, G_OPTION_ARG_NONE, &list_codes,
      "List every code with its title (docs/lint.md has examples and fixes)", NULL },
    { NULL }
  };
  g_autoptr (GOptionContext) context = g_option_context_new ("FILE|DIR...");
  g_autoptr (MwLuaLintOptions) options = mw_lua_lint_options_new ();
  g_autoptr (MwLuaLinter) linter = NULL;
  g_autoptr (GPtrArray) paths = g_ptr_array_new_with_free_func (g_free);
  g_autoptr (GPtrArray) names = g_ptr_array_new ();
  g_autoptr (GPtrArray) results = NULL;
  g_autoptr (GString) out = g_string_new (NULL);
  g_autoptr (GError) error = NULL;
  Format format = FORMAT_DEFAULT;
  int status = MW_EXIT_OK;
  guint n_warnings = 0, n_errors = 0, n_files = 0;

  g_option_context_set_summary (context,
                                "Lints Lua files for RAM waste and hazards on NodeMCU boards "
                                "(docs/lint.md lists every code). Directories are searched "
                                "for .lua files.\n\n"
                                "Exit status: 0 no findings, 1 warnings, 2 errors (syntax, "
                                "firmware limits), 3 a file could not be read, 4 bad options.");
  g_option_context_add_main_entries (context, entries, NULL);
  if (!mw_cli_parse_options (context, &argc, &argv))
    return MW_EXIT_USAGE;
  if (list_codes)
    {
      for (const char *const *code = mw_lua_lint_get_codes (); *code; code++)
        printf ("%s  %s\n", *code, mw_lua_lint_code_title (*code));
      return MW_EXIT_OK;
    }
  if (!mw_cli_have_files (argc, "lint", "files"))
    return MW_EXIT_USAGE;
  if (formatter == NULL || strcmp (formatter, "default") == 0)
    format = FORMAT_DEFAULT;
  else if (strcmp (formatter, "plain") == 0)
    format = FORMAT_PLAIN;
  else if (strcmp (formatter, "json") == 0)
    format = FORMAT_JSON;
  else if (strcmp (formatter, "visual_studio") == 0)
    format = FORMAT_VISUAL_STUDIO;
  else
    {
      g_printerr ("moonwire-cli lint: unknown formatter '%s' "
                  "(default, plain, json or visual_studio)\n",
                  formatter);
      return MW_EXIT_USAGE;
    }

  /* the .luacheckrc first: command-line options refine it */
  if (!no_config)
    {
      g_autofree char *found = config ? g_strdup (config) : mw_lua_lint_find_config (NULL);
      g_autofree char *data = NULL;
      gsize len;

      if (found != NULL)
        {
          if (!mw_cli_read_file (found, MW_CLI_MAX_SOURCE, "a config", &data, &len, &error))
            {
              g_printerr ("moonwire-cli lint: %s\n", error->message);
              return MW_EXIT_USAGE;
            }
          if (!mw_lua_lint_options_load_config (options, data, len, found, &error))
            {
              g_printerr ("moonwire-cli lint: bad config %s\n", error->message);
              return MW_EXIT_USAGE;
            }
        }
    }
  if (std != NULL && !mw_lua_lint_options_set_std (options, std, &error))
    {
      g_printerr ("moonwire-cli lint: %s\n", error->message);
      return MW_EXIT_USAGE;
    }
  add_list (globals, options, mw_lua_lint_options_add_global);
  add_list (read_globals, options, mw_lua_lint_options_add_read_global);
  add_list (ignore, options, mw_lua_lint_options_add_ignore);
  if (max_upvalues < -1 || max_upvalues > MW_LUA_MAX_UPVALUES + 1)
    {
      g_printerr ("moonwire-cli lint: --max-upvalues must be between 0 and %d\n",
                  MW_LUA_MAX_UPVALUES + 1);
      return MW_EXIT_USAGE;
    }
  if (max_upvalues >= 0)
    mw_lua_lint_options_set_max_upvalues (options, max_upvalues);
  if (integer)
    mw_lua_lint_options_set_number_type (options, MW_LUA_TARGET_INTEGER);

  linter = mw_lua_linter_new (options);
  for (int i = 1; i < argc; i++)
    {
      if (g_file_test (argv[i], G_FILE_TEST_IS_DIR))
        mw_lua_lint_collect_files (argv[i], paths);
      else
        g_ptr_array_add (paths, g_strdup (argv[i]));
    }

  for (guint i = 0; i < paths->len; i++)
    {
      g_autoptr (GError) read_error = NULL;
      g_autofree char *data = NULL;
      g_autoptr (MwLuaTree) tree = NULL;
      gsize len = 0;

      if (!mw_cli_read_file (paths->pdata[i], MW_CLI_MAX_SOURCE, "Lua source", &data, &len,
                             &read_error))
        {
          g_printerr ("moonwire-cli lint: %s\n", read_error->message);
          status = MAX (status, MW_EXIT_IO);
          continue;
        }
      if (len > 0 && data[0] == '\033')
        {
          g_printerr ("%s: a precompiled chunk, not Lua source\n", (char *) paths->pdata[i]);
          status = MAX (status, MW_EXIT_ERROR);
          continue;
        }
      /* one tree at a time: peak memory follows the largest file, not the project */
      tree = mw_lua_tree_parse (paths->pdata[i], data, len, MW_LUA_PARSE_SKIP_SHEBANG);
      g_clear_pointer (&data, g_free);
      mw_lua_linter_add (linter, tree);
      g_ptr_array_add (names, paths->pdata[i]);
    }

  results = mw_lua_linter_finish (linter, reopen_file, names);

  if (format == FORMAT_JSON)
    g_string_append (out, "[");
  for (guint i = 0; i < results->len; i++)
    {
      GPtrArray *diags = results->pdata[i];
      const char *file = names->pdata[i];
      guint fw = 0, fe = 0;

      n_files++;
      for (guint d = 0; d < diags->len; d++)
        {
          const MwLuaDiagnostic *diag = diags->pdata[d];
          if (diag->severity == MW_LUA_SEVERITY_ERROR)
            fe++;
          else
            fw++;
        }
      n_warnings += fw;
      n_errors += fe;
      if (format == FORMAT_DEFAULT)
        {
          if (fw + fe == 0)
            {
              if (!quiet)
                g_string_append_printf (out, "Checking %-40s OK\n", file);
              continue;
            }
          g_string_append_printf (out, "Checking %-40s %u warning%s", file, fw, fw == 1 ? "" : "s");
          if (fe > 0)
            g_string_append_printf (out, " / %u error%s", fe, fe == 1 ? "" : "s");
          g_string_append (out, "\n\n");
        }
      for (guint d = 0; d < diags->len; d++)
        {
          const MwLuaDiagnostic *diag = diags->pdata[d];
          guint col = MAX (diag->column, 1);

          switch (format)
            {
              case FORMAT_DEFAULT:
                g_string_append_printf (out, "    %s:%u:%u: (%s) %s\n", file, diag->line, col,
                                        diag->code, diag->message);
                break;
              case FORMAT_PLAIN:
                g_string_append_printf (out, "%s:%u:%u: (%s) %s\n", file, diag->line, col,
                                        diag->code, diag->message);
                break;
              case FORMAT_VISUAL_STUDIO:
                g_string_append_printf (out, "%s(%u,%u) : %s %s: %s\n", file, diag->line, col,
                                        severity_name (diag->severity), diag->code, diag->message);
                break;
              case FORMAT_JSON:
                g_string_append (out, out->len > 1 ? ",\n {\"file\": " : "\n {\"file\": ");
                mw_cli_json_append_string (out, file);
                g_string_append_printf (out,
                                        ", \"line\": %u, \"column\": %u, \"end_line\": %u, "
                                        "\"end_column\": %u, \"severity\": \"%s\", "
                                        "\"code\": \"%s\", \"message\": ",
                                        diag->line, col, diag->end_line, diag->end_column,
                                        severity_name (diag->severity), diag->code);
                mw_cli_json_append_string (out, diag->message);
                if (diag->bytes >= 0)
                  g_string_append_printf (out, ", \"bytes\": %" G_GINT64_FORMAT "}", diag->bytes);
                else
                  g_string_append (out, ", \"bytes\": null}");
                break;
            }
        }
      if (format == FORMAT_DEFAULT)
        g_string_append (out, "\n");
    }
  if (format == FORMAT_JSON)
    g_string_append (out, out->len > 1 ? "\n]\n" : "]\n");
  if (format == FORMAT_DEFAULT)
    g_string_append_printf (out, "Total: %u warning%s / %u error%s in %u file%s\n", n_warnings,
                            n_warnings == 1 ? "" : "s", n_errors, n_errors == 1 ? "" : "s", n_files,
                            n_files == 1 ? "" : "s");
  fwrite (out->str, 1, out->len, stdout);

  if (n_errors > 0)
    status = MAX (status, MW_EXIT_ERROR);
  else if (n_warnings > 0)
    status = MAX (status, MW_EXIT_FINDINGS);
  return status;
}
