/* mw-cli-sync.c: `moonwire-cli sync DIR`: upload the files whose board copy differs. */
#include "mw-config.h"

#include <stdio.h>
#include <zlib.h>

#include "mw-cli-commands.h"
#include "mw-cli-files.h"
#include "mw-cli-device.h"
#include "mw-cli-pipeline.h"

int
mw_cli_sync (int argc, char **argv)
{
  MwCliDeviceOptions options = { 0 };
  MwCliPipelineOptions pipe = { 0 };
  MwLuaPipelineOptions steps;
  gboolean dry_run = FALSE;
  const GOptionEntry entries[] = { { "dry-run", 'n', 0, G_OPTION_ARG_NONE, &dry_run,
                                     "Only say what would be uploaded", NULL },
                                   { NULL } };
  g_autoptr (GOptionContext) context = g_option_context_new ("DIR");
  g_autoptr (MwCliConnection) conn = NULL;
  g_autoptr (GDir) dir = NULL;
  g_autoptr (GError) error = NULL;
  g_autoptr (GPtrArray) names = g_ptr_array_new_with_free_func (g_free);
  const char *name;
  guint uploaded = 0, same = 0;
  int status = MW_EXIT_OK;

  g_option_context_set_summary (
    context, "Compares every file of DIR (not its subfolders) with the board's copy by size and a "
             "checksum computed on the board, and uploads only those that differ (verified, as put "
             "does).\n\nWith --lint, --minify and --compile, .lua files are prepared as put "
             "prepares them and compared in that form (x.lc on the board for --compile).");
  mw_cli_device_add_options (context, &options);
  g_option_context_add_main_entries (context, entries, NULL);
  mw_cli_pipeline_add_options (context, &pipe);
  if (!mw_cli_parse_options (context, &argc, &argv))
    {
      mw_cli_pipeline_options_clear (&pipe);
      return MW_EXIT_USAGE;
    }
  if (!mw_cli_pipeline_check (&pipe, &error))
    {
      g_printerr ("moonwire-cli sync: %s\n", error->message);
      status = MW_EXIT_USAGE;
      goto out;
    }
  if (argc != 2)
    {
      g_printerr ("moonwire-cli sync: give one folder\n");
      status = MW_EXIT_USAGE;
      goto out;
    }
  if ((dir = g_dir_open (argv[1], 0, &error)) == NULL)
    {
      status = mw_cli_report_error ("sync", error);
      goto out;
    }
  while ((name = g_dir_read_name (dir)) != NULL)
    {
      g_autofree char *path = g_build_filename (argv[1], name, NULL);

      if (!g_file_test (path, G_FILE_TEST_IS_REGULAR) || name[0] == '.')
        continue;
      if (!mw_lua_check_file_name (name, &error))
        {
          status = mw_cli_report_error ("sync", error);
          goto out;
        }
      g_ptr_array_add (names, g_strdup (name));
    }
  g_ptr_array_sort (names, (GCompareFunc) g_strcmp0);
  if ((conn = mw_cli_connect ("sync", &options, &status)) == NULL)
    goto out;
  if (!mw_cli_pipeline_resolve (&pipe, conn, &steps, &error))
    {
      status = mw_cli_report_error ("sync", error);
      goto out;
    }
  for (guint i = 0; i < names->len; i++)
    {
      const char *n = names->pdata[i];
      g_autofree char *board_name = NULL;
      g_autofree char *path = g_build_filename (argv[1], n, NULL);
      g_autofree char *contents = NULL;
      g_autoptr (GAsyncResult) r1 = NULL;
      g_autoptr (GAsyncResult) r2 = NULL;
      g_autoptr (GBytes) data = NULL;
      gsize len = 0;
      gint64 size = -1;
      guint32 adler = 0;

      g_clear_error (&error);
      if (!mw_cli_read_file (path, MW_CLI_MAX_UPLOAD, "an upload", &contents, &len, &error))
        {
          mw_cli_note_error ("sync", error, &status);
          continue;
        }
      data = g_bytes_new_take (g_steal_pointer (&contents), len);
      {
        GBytes *prepared = mw_lua_pipeline_prepare (n, data, &steps, &board_name, &error);

        if (prepared == NULL)
          {
            g_prefix_error (&error, "%s: ", path);
            mw_cli_note_error ("sync", error, &status);
            continue;
          }
        g_bytes_unref (data);
        data = prepared;
        if (!mw_lua_check_file_name (board_name, &error))
          {
            mw_cli_note_error ("sync", error, &status);
            continue;
          }
      }
      len = g_bytes_get_size (data);
      mw_device_checksum_async (conn->device, board_name, conn->cancellable, mw_cli_store_result,
                                &r1);
      if (!mw_device_checksum_finish (conn->device, mw_cli_wait (conn, &r1), &size, &adler, &error))
        {
          mw_cli_note_error ("sync", error, &status);
          break;
        }
      if (size == (gint64) len && adler == adler32_z (1, g_bytes_get_data (data, NULL), len))
        {
          same++;
          continue;
        }
      printf ("%s %s (%zu bytes)\n", dry_run ? "would upload" : "upload", board_name, len);
      if (dry_run)
        continue;
      mw_device_upload_async (conn->device, board_name, data, 0, 0, NULL, NULL, conn->cancellable,
                              mw_cli_store_result, &r2);
      if (!mw_device_upload_finish (conn->device, mw_cli_wait (conn, &r2), NULL, &error))
        {
          mw_cli_note_error ("sync", error, &status);
          if (status == MW_EXIT_CANCELLED || status == MW_EXIT_CONNECTION)
            break;
          continue;
        }
      uploaded++;
    }
  printf ("%u uploaded, %u already the same\n", uploaded, same);
out:
  mw_cli_device_options_clear (&options);
  mw_cli_pipeline_options_clear (&pipe);
  return status;
}
