/* mw-cli-lfs.c: `moonwire-cli lfs`: build a Lua Flash Store image on this machine (what
 * luac.cross -f writes) and describe one; `lfs flash`, which needs the board, is in the board
 * module (mw-cli-lfs-flash.c). */
#include "mw-config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "mw-cli-chunk.h"
#include "mw-cli-commands.h"
#include "mw-cli-json.h"
#include "mw-cli-lfs.h"
#include "mw-lua-lfs-image.h"
#include "mw-lua-ram-estimate.h"

static int
lfs_build (int argc, char **argv)
{
  g_autofree char *target_name = NULL;
  g_autofree char *output = NULL;
  g_autofree char *max_size_text = NULL;
  const GOptionEntry entries[] = {
    { "output", 'o', 0, G_OPTION_ARG_FILENAME, &output, "Write the image to OUT (default lfs.img)",
      "OUT" },
    MW_CLI_TARGET_OPTION (target_name),
    { "max-size", 'm', 0, G_OPTION_ARG_STRING, &max_size_text,
      "Fail if the image needs more flash than BYTES (the board's LFS size; default 256K, "
      "luac.cross's)",
      "BYTES" },
    { NULL }
  };
  g_autoptr (GOptionContext) context = g_option_context_new ("FILE.lua...");
  g_autoptr (MwLuaLfsImage) image = NULL;
  g_autoptr (GBytes) file = NULL;
  g_autoptr (GError) error = NULL;
  g_autoptr (GString) names = g_string_new (NULL);
  MwLuaNumberType target;
  gsize max_size = MW_LUA_LFS_DEFAULT_MAX_SIZE;
  int status = MW_EXIT_OK;
  guint n;

  g_option_context_set_summary (
    context, "Builds a Lua Flash Store image from Lua files: the image luac.cross -f writes,\n"
             "for node.LFS.reload(). Each file becomes a module named after its base name\n"
             "(lib/http.lua: http), found on the board with node.LFS.get(name) or require.\n"
             "The build time in the image (node.LFS.time) is SOURCE_DATE_EPOCH when set.\n\n"
             "Exit status: 0 success, 2 a file does not compile, two files share a module\n"
             "name, or the image is too big, 3 a file could not be read or written, 4 bad "
             "options.");
  g_option_context_add_main_entries (context, entries, NULL);
  if (!mw_cli_parse_options (context, &argc, &argv))
    return MW_EXIT_USAGE;
  if (!mw_cli_parse_target (target_name, &target))
    return MW_EXIT_USAGE;
  if (max_size_text != NULL && !mw_cli_lfs_parse_size (max_size_text, &max_size))
    {
      g_printerr ("moonwire-cli lfs build: bad --max-size '%s' (bytes, e.g. 65536 or 64K)\n",
                  max_size_text);
      return MW_EXIT_USAGE;
    }
  if (!mw_cli_have_files (argc, "lfs build", "files"))
    return MW_EXIT_USAGE;
  image = mw_cli_lfs_build_files (argv + 1, argc - 1, target, max_size, &status);
  if (image == NULL)
    return status;
  file = mw_lua_lfs_image_compress (image);
  if (output == NULL)
    output = g_strdup ("lfs.img");
  if (!g_file_set_contents (output, g_bytes_get_data (file, NULL), g_bytes_get_size (file), &error))
    {
      g_printerr ("moonwire-cli lfs build: %s\n", error->message);
      return MW_EXIT_IO;
    }
  n = mw_lua_lfs_image_get_n_modules (image);
  for (guint i = 0; i < n; i++)
    g_string_append_printf (names, "%s%s", i ? ", " : "", mw_lua_lfs_image_get_modules (image)[i]);
  printf ("%s: %u module%s (%s), %" G_GSIZE_FORMAT " bytes of flash, %" G_GSIZE_FORMAT
          " bytes compressed, %s firmware\n",
          output, n, n == 1 ? "" : "s", names->str, mw_lua_lfs_image_get_flash_size (image),
          g_bytes_get_size (file),
          mw_lua_lfs_image_get_target (image) == MW_LUA_TARGET_INTEGER ? "integer" : "float");
  return MW_EXIT_OK;
}

static int
lfs_info (int argc, char **argv)
{
  gboolean json = FALSE;
  const GOptionEntry entries[] = {
    { "json", 0, 0, G_OPTION_ARG_NONE, &json, "Print JSON (one array of images)", NULL }, { NULL }
  };
  g_autoptr (GOptionContext) context = g_option_context_new ("lfs.img...");
  g_autoptr (GString) out = g_string_new ("[");
  int status = MW_EXIT_OK;

  g_option_context_set_summary (
    context, "Describes LFS images (as luac.cross -f or lfs build writes them): signature,\n"
             "number type, sizes, build time, strings, and each module with the heap it\n"
             "costs loaded from LFS (its closure) and would cost loaded from SPIFFS instead.\n\n"
             "Exit status: 0 success, 2 not an LFS image, 3 a file could not be read, 4 bad "
             "options.");
  g_option_context_add_main_entries (context, entries, NULL);
  if (!mw_cli_parse_options (context, &argc, &argv))
    return MW_EXIT_USAGE;
  if (!mw_cli_have_files (argc, "lfs info", "image"))
    return MW_EXIT_USAGE;
  for (int i = 1; i < argc; i++)
    {
      g_autoptr (GError) error = NULL;
      g_autofree char *data = NULL;
      g_autoptr (MwLuaLfsImage) image = NULL;
      g_autoptr (GDateTime) built = NULL;
      g_autofree char *when = NULL;
      MwLuaNumberType target;
      const char *const *modules;
      gsize len = 0;
      gsize spiffs_all = 0, lfs_all = 0;
      gboolean fits;
      guint n;

      if (!g_file_get_contents (argv[i], &data, &len, &error))
        {
          g_printerr ("moonwire-cli lfs info: %s\n", error->message);
          status = MAX (status, MW_EXIT_IO);
          continue;
        }
      image = mw_lua_lfs_image_new_from_bytes ((const guint8 *) data, len, &error);
      if (image == NULL)
        {
          g_printerr ("%s: %s\n", argv[i], error->message);
          status = MAX (status, MW_EXIT_ERROR);
          continue;
        }
      /* the firmware inflates with a 16 KB window (docs/firmware.md section 9) */
      fits = mw_lua_lfs_gzip_fits_window ((const guint8 *) data, len);
      target = mw_lua_lfs_image_get_target (image);
      n = mw_lua_lfs_image_get_n_modules (image);
      modules = mw_lua_lfs_image_get_modules (image);
      built = g_date_time_new_from_unix_utc (mw_lua_lfs_image_get_timestamp (image));
      when = built != NULL ? g_date_time_format (built, "%Y-%m-%d %H:%M:%S UTC") : g_strdup ("?");
      if (json)
        g_string_append_printf (out, "%s{\"file\":", out->len > 1 ? "," : "");
      if (json)
        {
          mw_cli_json_append_string (out, argv[i]);
          g_string_append_printf (
            out,
            ",\"signature\":%u,\"target\":\"%s\",\"flash_size\":%" G_GSIZE_FORMAT
            ",\"file_size\":%" G_GSIZE_FORMAT ",\"time\":%" G_GINT64_FORMAT
            ",\"strings\":%u,\"strings_size\":%" G_GSIZE_FORMAT
            ",\"fits_inflate_window\":%s,\"modules\":[",
            mw_lua_lfs_image_get_signature (image),
            target == MW_LUA_TARGET_INTEGER ? "integer" : "float",
            mw_lua_lfs_image_get_flash_size (image), len, mw_lua_lfs_image_get_timestamp (image),
            mw_lua_lfs_image_get_n_strings (image), mw_lua_lfs_image_get_strings_size (image),
            fits ? "true" : "false");
        }
      else
        {
          printf ("%s: LFS image for the %s firmware (signature 0x%08x)\n", argv[i],
                  target == MW_LUA_TARGET_INTEGER ? "integer" : "float",
                  mw_lua_lfs_image_get_signature (image));
          printf ("  flash %" G_GSIZE_FORMAT " bytes, file %" G_GSIZE_FORMAT " bytes, built %s\n",
                  mw_lua_lfs_image_get_flash_size (image), len, when);
          if (!fits)
            printf ("  not loadable as it is: %s; node.LFS.reload() would answer \"%s\" (lfs "
                    "flash sends the image recompressed)\n",
                    len >= 2 && (guint8) data[0] == 0x1f && (guint8) data[1] == 0x8b
                      ? "its gzip stream refers further back than the firmware's 16 KB "
                        "inflate window"
                      : "not gzip-compressed",
                    len >= 2 && (guint8) data[0] == 0x1f && (guint8) data[1] == 0x8b
                      ? "invalid dictionary offset on inflate"
                      : "read error on LFS image file");
          printf ("  strings %u (%" G_GSIZE_FORMAT " bytes of flash)\n",
                  mw_lua_lfs_image_get_n_strings (image),
                  mw_lua_lfs_image_get_strings_size (image));
          printf ("  %-20s %9s %11s %8s\n", "module", "functions", "from SPIFFS", "from LFS");
        }
      for (guint m = 0; m < n; m++)
        {
          g_autoptr (MwLuaChunk) chunk = mw_lua_lfs_image_get_module_chunk (image, m);
          g_autoptr (MwLuaRamEstimate) estimate = mw_lua_ram_estimate_new (chunk, target);
          guint functions = mw_lua_proto_count (mw_lua_chunk_get_main (chunk));

          spiffs_all += estimate->total;
          lfs_all += estimate->main_closure;
          if (json)
            {
              g_string_append (out, m ? ",{\"name\":" : "{\"name\":");
              mw_cli_json_append_string (out, modules[m]);
              g_string_append_printf (out,
                                      ",\"functions\":%u,\"heap_spiffs\":%" G_GSIZE_FORMAT
                                      ",\"heap_lfs\":%" G_GSIZE_FORMAT "}",
                                      functions, estimate->total, estimate->main_closure);
            }
          else
            printf ("  %-20s %9u %11" G_GSIZE_FORMAT " %8" G_GSIZE_FORMAT "\n", modules[m],
                    functions, estimate->total, estimate->main_closure);
        }
      if (json)
        g_string_append (out, "]}");
      else
        printf ("  %-20s %9s %11" G_GSIZE_FORMAT " %8" G_GSIZE_FORMAT "\n", "all", "", spiffs_all,
                lfs_all);
    }
  if (json)
    printf ("%s]\n", out->str);
  return status;
}

static void
print_lfs_usage (FILE *out)
{
  fprintf (out, "Usage: moonwire-cli lfs COMMAND [OPTIONS...] [ARGS...]\n"
                "\n"
                "The Lua Flash Store: code and constant strings in flash instead of the heap.\n"
                "\n"
                "Commands:\n"
                "  build   Build an LFS image from Lua files (as luac.cross -f)\n"
                "  info    Describe an LFS image: modules, sizes, heap saved\n"
                "  flash   Build, upload and load an image on the board, then check it\n"
                "\n"
                "COMMAND --help shows a command's options.\n");
}

int
mw_cli_lfs (int argc, char **argv)
{
  static const struct
  {
    const char *name;
    MwCliCommandFunc func;
  } commands[] = { { "build", lfs_build }, { "info", lfs_info }, { "flash", NULL } };

  if (argc < 2)
    {
      print_lfs_usage (stderr);
      return MW_EXIT_USAGE;
    }
  if (strcmp (argv[1], "-h") == 0 || strcmp (argv[1], "--help") == 0)
    {
      print_lfs_usage (stdout);
      return MW_EXIT_OK;
    }
  for (gsize i = 0; i < G_N_ELEMENTS (commands); i++)
    if (strcmp (argv[1], commands[i].name) == 0)
      {
        g_autofree char *prog = g_strdup_printf ("moonwire-cli lfs %s", argv[1]);
        MwCliCommandFunc func = commands[i].func != NULL ? commands[i].func
                                                         : mw_cli_board_command ("lfs-flash");

        if (func == NULL)
          return MW_EXIT_ERROR;
        argv[1] = prog;
        return func (argc - 1, argv + 1);
      }
  g_printerr ("moonwire-cli lfs: unknown command '%s' (build, info or flash)\n", argv[1]);
  return MW_EXIT_USAGE;
}
