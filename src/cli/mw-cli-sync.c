/* mw-cli-sync.c: `moonwire-cli sync DIR`: upload the files whose board copy differs. */
#include "mw-config.h"

#include <stdio.h>
#include <string.h>

#include "mw-cli-commands.h"
#include "mw-cli-files.h"
#include "mw-cli-device.h"
#include "mw-cli-pipeline.h"

/* g_ptr_array_sort hands the comparison pointers to the elements */
static gint
compare_names (gconstpointer a, gconstpointer b)
{
  return strcmp (*(const char *const *) a, *(const char *const *) b);
}

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
  g_ptr_array_sort (names, compare_names);
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
      g_autofree char *path = g_build_filename (argv[1], n, NULL);
      g_autofree char *contents = NULL;
      g_autoptr (GAsyncResult) result = NULL;
      g_autoptr (GBytes) data = NULL;
      g_auto (MwBoardUploadResult) done = { 0 };
      MwBoardUploadOptions upload = {
        .pipeline = steps,
        .skip_same = TRUE,
        .compare_only = dry_run,
      };
      gsize len = 0;

      g_clear_error (&error);
      if (!mw_cli_read_file (path, MW_CLI_MAX_UPLOAD, "an upload", &contents, &len, &error))
        {
          mw_cli_note_error ("sync", error, &status);
          continue;
        }
      data = g_bytes_new_take (g_steal_pointer (&contents), len);
      /* the pipeline, the comparison with the board's copy, the verified transfer: MwBoard's */
      mw_board_upload_async (conn->board, n, data, &upload, NULL, NULL, conn->cancellable,
                             mw_cli_store_result, &result);
      if (!mw_board_upload_finish (conn->board, mw_cli_wait (conn, &result), &done, &error))
        {
          if (done.board_name == NULL)
            {
              /* the pipeline refused the file: nothing went to the board */
              g_prefix_error (&error, "%s: ", path);
              mw_cli_note_error ("sync", error, &status);
              continue;
            }
          mw_cli_note_error ("sync", error, &status);
          if (status == MW_EXIT_CANCELLED || status == MW_EXIT_CONNECTION)
            break;
          continue;
        }
      if (done.same)
        {
          same++;
          continue;
        }
      if (dry_run)
        {
          printf ("would upload %s (%zu bytes)\n", done.board_name, done.stats.bytes);
          continue;
        }
      printf ("upload %s (%zu bytes)\n", done.board_name, done.stats.bytes);
      uploaded++;
    }
  printf ("%u uploaded, %u already the same\n", uploaded, same);
out:
  mw_cli_device_options_clear (&options);
  mw_cli_pipeline_options_clear (&pipe);
  return status;
}
