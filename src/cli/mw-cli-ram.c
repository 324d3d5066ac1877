/* mw-cli-ram.c: `moonwire-cli ram`: the heap that loading a file costs on the ESP8266, per
 * file and per function (model: docs/ram-model.md). */
#include "mw-config.h"

#include <stdio.h>

#include "mw-cli-chunk.h"
#include "mw-cli-commands.h"
#include "mw-cli-json.h"
#include "mw-cli-files.h"
#include "mw-lua-compiler.h"
#include "mw-lua-minifier.h"
#include "mw-lua-ram-estimate.h"

static void
json_estimate (GString *out, const char *path, const MwLuaRamEstimate *e)
{
  g_string_append (out, "{\"file\":");
  mw_cli_json_append_string (out, path);
  g_string_append_printf (
    out,
    ",\"target\":\"%s\",\"total\":%" G_GSIZE_FORMAT ",\"protos\":%" G_GSIZE_FORMAT
    ",\"strings\":%" G_GSIZE_FORMAT ",\"lineinfo\":%" G_GSIZE_FORMAT ",\"names\":%" G_GSIZE_FORMAT
    ",\"main_closure\":%" G_GSIZE_FORMAT ",\"lfs\":%" G_GSIZE_FORMAT
    ",\"strip_saves\":%" G_GSIZE_FORMAT ",\"minify_saves\":%" G_GSIZE_FORMAT ",\"functions\":[",
    e->target == MW_LUA_TARGET_INTEGER ? "integer" : "float", e->total, e->protos, e->strings,
    e->lineinfo, e->names, e->main_closure, e->main_closure, e->strip_saves, e->minify_saves);
  for (guint i = 0; i < e->functions->len; i++)
    {
      const MwLuaRamFunction *f = &g_array_index (e->functions, MwLuaRamFunction, i);
      g_string_append_printf (out,
                              "%s{\"index\":%u,\"linedefined\":%d,\"lastlinedefined\":%d,"
                              "\"instructions\":%u,\"constants\":%u,\"upvalues\":%u,"
                              "\"proto\":%" G_GSIZE_FORMAT ",\"strings\":%" G_GSIZE_FORMAT
                              ",\"lineinfo\":%" G_GSIZE_FORMAT ",\"names\":%" G_GSIZE_FORMAT
                              ",\"total\":%" G_GSIZE_FORMAT ",\"closure\":%" G_GSIZE_FORMAT "}",
                              i ? "," : "", f->index, f->linedefined, f->lastlinedefined, f->n_code,
                              f->n_constants, f->nups, f->proto, f->strings, f->lineinfo, f->names,
                              f->total, f->closure);
    }
  g_string_append (out, "]}");
}

/* For source, what minifying saves is measured: the minified source compiled and estimated
 * (the estimate's own figure is a guess from the line info). Returns FALSE when the file
 * cannot be minified, leaving the guess. */
static gboolean
measure_minified (const char *path, const char *data, gsize len, MwLuaNumberType target,
                  MwLuaRamEstimate *estimate)
{
  MwLuaMinifyOptions options = { 0 };
  g_autofree char *chunkname = g_strconcat ("@", path, NULL);
  g_autoptr (GBytes) minified = NULL;
  g_autoptr (MwLuaChunk) chunk = NULL;
  g_autoptr (MwLuaRamEstimate) after = NULL;
  gsize mlen;
  const char *mdata;

  minified = mw_lua_minify (chunkname, data, len, &options, NULL, NULL);
  if (minified == NULL)
    return FALSE;
  mdata = g_bytes_get_data (minified, &mlen);
  chunk = mw_lua_compiler_compile (path, mdata, mlen, target, MW_LUA_STRIP_NAMES, NULL);
  if (chunk == NULL)
    return FALSE;
  after = mw_lua_ram_estimate_new (chunk, target);
  estimate->minify_saves = estimate->total > after->total ? estimate->total - after->total : 0;
  return TRUE;
}

static void
print_estimate (const char *path, const MwLuaRamEstimate *e, gboolean minify_measured)
{
  printf ("%s: %" G_GSIZE_FORMAT " bytes of heap when loaded (%s firmware)\n", path, e->total,
          e->target == MW_LUA_TARGET_INTEGER ? "integer" : "float");
  printf ("  functions %" G_GSIZE_FORMAT ", strings %" G_GSIZE_FORMAT ", line info %" G_GSIZE_FORMAT
          ", debug names %" G_GSIZE_FORMAT ", main closure %" G_GSIZE_FORMAT "\n",
          e->protos, e->strings, e->lineinfo, e->names, e->main_closure);
  printf ("  compile -s would save %" G_GSIZE_FORMAT " bytes; minifying %s%" G_GSIZE_FORMAT
          " bytes\n",
          e->strip_saves, minify_measured ? "" : "about ", e->minify_saves);
  /* docs/lfs.md: from the Lua Flash Store only the closure is in RAM */
  printf ("  from LFS: %" G_GSIZE_FORMAT " bytes (its closure; code and constant strings stay in "
          "flash), %" G_GSIZE_FORMAT " less than from SPIFFS\n",
          e->main_closure, e->total - e->main_closure);
  printf ("  %5s  %-11s %6s %6s %7s %7s %7s %7s\n", "#", "lines", "instr", "const", "proto",
          "strings", "debug", "total");
  for (guint i = 0; i < e->functions->len; i++)
    {
      const MwLuaRamFunction *f = &g_array_index (e->functions, MwLuaRamFunction, i);
      g_autofree char *where = f->index == 0
                                 ? g_strdup ("main")
                                 : g_strdup_printf ("%d-%d", f->linedefined, f->lastlinedefined);
      printf ("  %5u  %-11s %6u %6u %7" G_GSIZE_FORMAT " %7" G_GSIZE_FORMAT " %7" G_GSIZE_FORMAT
              " %7" G_GSIZE_FORMAT "\n",
              f->index + 1, where, f->n_code, f->n_constants, f->proto, f->strings,
              f->lineinfo + f->names, f->total);
    }
}

int
mw_cli_ram (int argc, char **argv)
{
  gboolean json = FALSE;
  g_autofree char *target_name = NULL;
  const GOptionEntry entries[] = { MW_CLI_TARGET_OPTION (target_name),
                                   { "json", 0, 0, G_OPTION_ARG_NONE, &json,
                                     "Print JSON (one array of files)", NULL },
                                   { NULL } };
  g_autoptr (GOptionContext) context = g_option_context_new ("FILE.lua|FILE.lc...");
  g_autoptr (GString) out = g_string_new ("[");
  MwLuaNumberType target;
  int status = MW_EXIT_OK;
  guint printed = 0;
  gsize all = 0;

  g_option_context_set_summary (context,
                                "Estimates the heap (RAM) that loading each file costs on an "
                                "ESP8266 NodeMCU\nboard: per file and per function, and what "
                                "compile -s and minifying would save.\nA .lua file is counted "
                                "as the firmware loads it (local names dropped, line\nnumbers "
                                "kept); a .lc file as it is.\n\n"
                                "Exit status: 0 success, 2 a file does not compile or is not "
                                "valid bytecode\nfor the target, 3 a file could not be read, "
                                "4 bad options.");
  g_option_context_add_main_entries (context, entries, NULL);
  if (!mw_cli_parse_options (context, &argc, &argv))
    return MW_EXIT_USAGE;
  if (!mw_cli_parse_target (target_name, &target))
    return MW_EXIT_USAGE;
  if (!mw_cli_have_files (argc, "ram", "files"))
    return MW_EXIT_USAGE;
  for (int i = 1; i < argc; i++)
    {
      g_autoptr (GError) error = NULL;
      g_autofree char *data = NULL;
      g_autoptr (MwLuaChunk) chunk = NULL;
      g_autoptr (MwLuaRamEstimate) estimate = NULL;
      MwLuaNumberType file_target = target;
      gboolean measured = FALSE;
      gsize len = 0;

      if (!mw_cli_read_file (argv[i], MW_CLI_MAX_SOURCE, "Lua source", &data, &len, &error))
        {
          g_printerr ("moonwire-cli ram: %s\n", error->message);
          status = MAX (status, MW_EXIT_IO);
          continue;
        }
      chunk = mw_cli_load_chunk (argv[i], data, len, target, MW_LUA_STRIP_NAMES, &error);
      if (chunk == NULL)
        {
          g_printerr ("%s\n", error->message);
          status = MAX (status, MW_EXIT_ERROR);
          continue;
        }
      if (len > 0 && data[0] == '\033')
        {
          const MwLuaChunkFormat *fmt = mw_lua_chunk_get_format (chunk);
          if (fmt->integral && target_name == NULL)
            file_target = MW_LUA_TARGET_INTEGER;
          else if (!fmt->integral && target == MW_LUA_TARGET_INTEGER)
            {
              /* docs/firmware.md section 4: bad header in precompiled chunk */
              g_printerr ("%s: float bytecode does not load on the integer firmware\n", argv[i]);
              status = MAX (status, MW_EXIT_ERROR);
              continue;
            }
        }
      estimate = mw_lua_ram_estimate_new (chunk, file_target);
      all += estimate->total;
      if (len == 0 || data[0] != '\033')
        measured = measure_minified (argv[i], data, len, file_target, estimate);
      if (json)
        {
          if (printed++)
            g_string_append_c (out, ',');
          json_estimate (out, argv[i], estimate);
        }
      else
        {
          if (printed++)
            printf ("\n");
          print_estimate (argv[i], estimate, measured);
        }
    }
  if (json)
    printf ("%s]\n", out->str);
  else if (printed > 1)
    /* each file is counted as if loaded alone: strings they share are counted in each */
    printf ("\nall %u files: %" G_GSIZE_FORMAT " bytes at most\n", printed, all);
  return status;
}
