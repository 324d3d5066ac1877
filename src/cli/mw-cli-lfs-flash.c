/* mw-cli-lfs-flash.c: `moonwire-cli lfs flash`: an LFS image onto the board in one go, through
 * MwBoard's LFS workflow (mw-board-lfs.h). */
#include "mw-config.h"

#include <stdio.h>

#include "mw-board-lfs.h"
#include "mw-cli-commands.h"
#include "mw-cli-device.h"
#include "mw-cli-lfs.h"

typedef struct
{
  MwCliConnection *conn;
  gint64 start;
} Progress;

static void
on_progress (gsize done, gsize total, gpointer user_data)
{
  Progress *p = user_data;

  mw_cli_progress (p->conn, MW_BOARD_LFS_FILE, done, total, p->start);
}

static gboolean
is_image_file (const char *path)
{
  return g_str_has_suffix (path, ".img");
}

int
mw_cli_lfs_flash (int argc, char **argv)
{
  MwCliDeviceOptions options = { 0 };
  g_autofree char *target_name = NULL;
  const GOptionEntry entries[] = {
    { "target", 0, 0, G_OPTION_ARG_STRING, &target_name,
      "Number type to build for: board (default: the board's), float or integer", "TYPE" },
    { NULL }
  };
  g_autoptr (GOptionContext) context = g_option_context_new ("FILE.lua...|lfs.img");
  g_autoptr (MwCliConnection) conn = NULL;
  g_autoptr (MwLuaLfsImage) image = NULL;
  g_autoptr (GError) error = NULL;
  g_autoptr (GAsyncResult) result = NULL;
  MwBoardLfsRegion region;
  MwBoardLfsResult done = { 0 };
  MwLuaNumberType target = MW_LUA_TARGET_FLOAT;
  gboolean board_target = target_name == NULL;
  int status = MW_EXIT_OK;
  Progress progress = { 0 };

  g_option_context_set_summary (
    context,
    "Loads Lua files into the board's Lua Flash Store in one go: builds the image for the\n"
    "board's number type and LFS size (or takes an lfs.img), uploads it verified as\n"
    "lfs.img, runs node.LFS.reload(), follows the restart, and checks node.LFS.list()\n"
    "against the image's modules. Prints the free heap before and after.\n\n"
    "Exit status: 0 loaded, 2 the files do not build, the image does not suit the board,\n"
    "the firmware refused it or lists other modules, 3 a file could not be read, 4 bad\n"
    "options, 5 no board.");
  mw_cli_device_add_options (context, &options);
  g_option_context_add_main_entries (context, entries, NULL);
  if (!mw_cli_parse_options (context, &argc, &argv))
    {
      status = MW_EXIT_USAGE;
      goto out;
    }
  board_target = target_name == NULL || g_strcmp0 (target_name, "board") == 0;
  if (g_strcmp0 (target_name, "integer") == 0)
    target = MW_LUA_TARGET_INTEGER;
  else if (!board_target && g_strcmp0 (target_name, "float") != 0)
    {
      g_printerr ("moonwire-cli lfs flash: --target must be board, float or integer, not '%s'\n",
                  target_name);
      status = MW_EXIT_USAGE;
      goto out;
    }
  if (argc < 2 || (argc > 2 && is_image_file (argv[1])))
    {
      g_printerr ("moonwire-cli lfs flash: %s\n",
                  argc < 2 ? "no files given" : "an image file goes alone");
      status = MW_EXIT_USAGE;
      goto out;
    }
  if (is_image_file (argv[1]))
    {
      g_autofree char *data = NULL;
      gsize len = 0;

      if (!g_file_get_contents (argv[1], &data, &len, &error))
        {
          g_printerr ("moonwire-cli lfs flash: %s\n", error->message);
          status = MW_EXIT_IO;
          goto out;
        }
      image = mw_lua_lfs_image_new_from_bytes ((const guint8 *) data, len, &error);
      if (image == NULL)
        {
          g_printerr ("%s: %s\n", argv[1], error->message);
          status = MW_EXIT_ERROR;
          goto out;
        }
    }
  if ((conn = mw_cli_connect ("lfs flash", &options, &status)) == NULL)
    goto out;
  mw_board_lfs_region_async (conn->board, conn->cancellable, mw_cli_store_result, &result);
  if (!mw_board_lfs_region_finish (conn->board, mw_cli_wait (conn, &result), &region, &error))
    {
      status = mw_cli_report_error ("lfs flash", error);
      goto out;
    }
  g_clear_object (&result);
  if (image == NULL)
    {
      if (board_target)
        target = region.number_type;
      image = mw_cli_lfs_build_files (argv + 1, argc - 1, target, region.size, &status);
      if (image == NULL)
        goto out;
    }
  printf (
    "LFS region %" G_GSIZE_FORMAT " bytes, image %" G_GSIZE_FORMAT " bytes (%u module%s, %s)\n",
    region.size, mw_lua_lfs_image_get_flash_size (image), mw_lua_lfs_image_get_n_modules (image),
    mw_lua_lfs_image_get_n_modules (image) == 1 ? "" : "s",
    mw_lua_lfs_image_get_target (image) == MW_LUA_TARGET_INTEGER ? "integer" : "float");
  progress.conn = conn;
  progress.start = g_get_monotonic_time ();
  mw_board_lfs_flash_async (conn->board, image, on_progress, &progress, conn->cancellable,
                            mw_cli_store_result, &result);
  if (!mw_board_lfs_flash_finish (conn->board, mw_cli_wait (conn, &result), &done, &error))
    {
      if (conn->tty)
        fputc ('\n', stderr);
      if (error->domain == MW_BOARD_LFS_ERROR)
        {
          g_printerr ("moonwire-cli lfs flash: %s\n", error->message);
          status = MW_EXIT_ERROR;
        }
      else
        status = mw_cli_report_error ("lfs flash", error);
      goto out;
    }
  {
    g_autofree char *names = g_strjoinv (", ", done.modules);

    printf ("uploaded %s: %zu bytes verified\n", MW_BOARD_LFS_FILE, done.upload.bytes);
    printf ("node.LFS.reload: restarted; node.LFS.list(): %s\n", names);
    printf ("LFS used %" G_GSIZE_FORMAT " of %" G_GSIZE_FORMAT " bytes\n", done.used_after,
            done.region.size);
    printf ("free heap: %" G_GINT64_FORMAT " bytes before, %" G_GINT64_FORMAT " after\n",
            done.heap_before, done.heap_after);
  }
  mw_board_lfs_result_clear (&done);
out:
  mw_cli_device_options_clear (&options);
  return status;
}
