/* mw-cli-minify.c: `moonwire-cli minify FILE...`, verified minification with a size report. */
#include "mw-config.h"

#include <locale.h>
#include <stdio.h>
#include <string.h>

#include <glib/gstdio.h>

#include "mw-cli-commands.h"
#include "mw-cli-files.h"
#include "mw-lua-minifier.h"

static char *
output_path (const char *input, const char *out, gboolean in_place, const char *suffix)
{
  if (out != NULL)
    return g_strdup (out);
  if (in_place)
    return g_strdup (input);
  if (suffix != NULL)
    {
      /* x.lua with --suffix .min.lua is x.min.lua; other names just get the suffix */
      if (g_str_has_suffix (input, ".lua"))
        {
          g_autofree char *base = g_strndup (input, strlen (input) - 4);
          return g_strconcat (base, suffix, NULL);
        }
      return g_strconcat (input, suffix, NULL);
    }
  return NULL; /* standard output */
}

int
mw_cli_minify (int argc, char **argv)
{
  gboolean keep_lines = FALSE;
  gboolean no_literals = FALSE;
  gboolean no_rename = FALSE;
  gboolean in_place = FALSE;
  gboolean quiet = FALSE;
  g_autofree char *out = NULL;
  g_autofree char *suffix = NULL;
  g_auto (GStrv) keep_patterns = NULL;
  const GOptionEntry entries[] = {
    { "keep-lines", 'l', 0, G_OPTION_ARG_NONE, &keep_lines,
      "Keep every token on its line, so that error line numbers stay the same", NULL },
    { "no-literals", 0, 0, G_OPTION_ARG_NONE, &no_literals, "Keep numbers and strings as written",
      NULL },
    { "no-rename", 0, 0, G_OPTION_ARG_NONE, &no_rename, "Keep local names as written", NULL },
    { "keep-comment", 'k', 0, G_OPTION_ARG_STRING_ARRAY, &keep_patterns,
      "Keep comments matching this regular expression (repeatable; e.g. licences)", "PATTERN" },
    { "output", 'o', 0, G_OPTION_ARG_FILENAME, &out, "Write to OUT (one input file only)", "OUT" },
    { "in-place", 'i', 0, G_OPTION_ARG_NONE, &in_place, "Replace each file", NULL },
    { "suffix", 's', 0, G_OPTION_ARG_STRING, &suffix,
      "Write x.lua to x<SUFFIX> (e.g. --suffix .min.lua)", "SUFFIX" },
    { "quiet", 'q', 0, G_OPTION_ARG_NONE, &quiet, "Print no size report", NULL },
    { NULL }
  };
  g_autoptr (GOptionContext) context = g_option_context_new ("FILE...");
  g_autoptr (GPtrArray) regexes = g_ptr_array_new_with_free_func ((GDestroyNotify) g_regex_unref);
  MwLuaMinifyOptions options = { 0 };
  gsize total_in = 0, total_out = 0;
  int status = MW_EXIT_OK;
  int n_targets;

  g_option_context_set_summary (context,
                                "Minifies Lua files for the NodeMCU firmware and proves each "
                                "result: input and output must compile to the same bytecode "
                                "(with --keep-lines, the same line info too), or nothing is "
                                "written. Without -o, --in-place or --suffix the result goes "
                                "to standard output and the size report to standard error.\n\n"
                                "Exit status: 0 all files minified, 2 a file has a syntax "
                                "error or failed verification, 3 a file could not be read or "
                                "written, 4 bad options.");
  g_option_context_add_main_entries (context, entries, NULL);
  if (!mw_cli_parse_options (context, &argc, &argv))
    return MW_EXIT_USAGE;
  if (!mw_cli_have_files (argc, "minify", "files"))
    return MW_EXIT_USAGE;
  n_targets = (out != NULL) + in_place + (suffix != NULL);
  if (n_targets > 1)
    {
      g_printerr ("moonwire-cli minify: -o, --in-place and --suffix exclude each other\n");
      return MW_EXIT_USAGE;
    }
  if (out != NULL && argc > 2)
    {
      g_printerr ("moonwire-cli minify: -o takes one input file\n");
      return MW_EXIT_USAGE;
    }
  if (suffix != NULL && suffix[0] == '\0')
    {
      g_printerr ("moonwire-cli minify: --suffix must not be empty\n");
      return MW_EXIT_USAGE;
    }
  for (char **p = keep_patterns; p != NULL && *p != NULL; p++)
    {
      g_autoptr (GError) error = NULL;
      GRegex *re = g_regex_new (*p, G_REGEX_RAW, 0, &error);
      if (re == NULL)
        {
          g_printerr ("moonwire-cli minify: bad --keep-comment pattern: %s\n", error->message);
          return MW_EXIT_USAGE;
        }
      g_ptr_array_add (regexes, re);
    }

  /* liblua reads numerals with strtod, which follows LC_NUMERIC */
  setlocale (LC_NUMERIC, "C");
  options.keep_lines = keep_lines;
  options.no_literals = no_literals;
  options.no_rename = no_rename;
  options.keep_comments = regexes;

  for (int i = 1; i < argc; i++)
    {
      g_autoptr (GError) error = NULL;
      g_autofree char *data = NULL;
      g_autofree char *target = NULL;
      g_autoptr (GBytes) result = NULL;
      MwLuaMinifyReport report = { 0 };
      gsize len = 0;

      if (!mw_cli_read_file (argv[i], MW_CLI_MAX_SOURCE, "Lua source", &data, &len, &error))
        {
          g_printerr ("moonwire-cli minify: %s\n", error->message);
          status = MAX (status, MW_EXIT_IO);
          continue;
        }
      if (len > 0 && data[0] == '\033')
        {
          g_printerr ("%s: a precompiled chunk, not Lua source\n", argv[i]);
          status = MAX (status, MW_EXIT_ERROR);
          continue;
        }
      result = mw_lua_minify (argv[i], data, len, &options, &report, &error);
      if (result == NULL)
        {
          g_printerr ("%s\n", error->message);
          status = MAX (status, MW_EXIT_ERROR);
          continue;
        }
      target = output_path (argv[i], out, in_place, suffix);
      if (target == NULL)
        {
          gsize n;
          const char *bytes = g_bytes_get_data (result, &n);
          /* several chunks in a row stay apart */
          gboolean newline = argc > 2 && n > 0 && bytes[n - 1] != '\n';
          if (fwrite (bytes, 1, n, stdout) != n || (newline && putchar ('\n') == EOF)
              || !mw_cli_flush_stdout ("minify"))
            return MW_EXIT_IO; /* reported here or by main() */
        }
      else
        {
          gsize n;
          const char *bytes = g_bytes_get_data (result, &n);

          /* an existing target keeps its mode (--in-place: an executable script stays so) */
          if (!mw_cli_write_file (target, bytes, n, -1, &error))
            {
              g_printerr ("moonwire-cli minify: %s\n", error->message);
              status = MAX (status, MW_EXIT_IO);
              continue;
            }
        }
      total_in += report.input_bytes;
      total_out += report.output_bytes;
      if (!quiet)
        g_printerr (
          "%s: %" G_GSIZE_FORMAT " -> %" G_GSIZE_FORMAT " bytes (%.1f%%), "
          "%u local%s renamed, %u literal%s shortened, %u function%s verified%s%s\n",
          argv[i], report.input_bytes, report.output_bytes,
          report.input_bytes > 0 ? 100.0 * report.output_bytes / report.input_bytes : 100.0,
          report.renamed, report.renamed == 1 ? "" : "s", report.literals,
          report.literals == 1 ? "" : "s", report.functions, report.functions == 1 ? "" : "s",
          target != NULL ? " -> " : "", target != NULL ? target : "");
    }
  if (!quiet && argc > 2)
    g_printerr ("total: %" G_GSIZE_FORMAT " -> %" G_GSIZE_FORMAT " bytes (%.1f%%)\n", total_in,
                total_out, total_in > 0 ? 100.0 * total_out / total_in : 100.0);
  return status;
}
