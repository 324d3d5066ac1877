/* mw-cli-sync.c: `moonwire-cli sync DIR`: upload the files whose board copy differs (the
 * workflow is MwBoard's, mw-board-sync.h; this prints it). */
#include "mw-config.h"

#include <stdio.h>

#include "mw-board-sync.h"
#include "mw-cli-commands.h"
#include "mw-cli-device.h"
#include "mw-cli-files.h"
#include "mw-cli-pipeline.h"

typedef struct
{
  MwCliConnection *conn;
  gboolean dry_run;
  int status;
  gint64 start;
} Sync;

static void
on_file (const MwBoardSyncFile *file, gpointer user_data)
{
  Sync *sync = user_data;

  switch (file->state)
    {
      case MW_BOARD_SYNC_FILE_DIFFERS:
        {
          g_autofree char *shown = mw_cli_printable_name (file->board_name);

          printf ("%s %s (%zu byte%s)\n", sync->dry_run ? "would upload" : "upload", shown,
                  file->bytes, file->bytes == 1 ? "" : "s");
        }
        fflush (stdout);
        sync->start = g_get_monotonic_time ();
        break;
      case MW_BOARD_SYNC_FILE_SENDING:
        mw_cli_progress (sync->conn, file->board_name, file->sent, file->bytes, sync->start);
        break;
      case MW_BOARD_SYNC_FILE_FAILED:
        mw_cli_note_error ("sync", file->error, &sync->status);
        break;
      case MW_BOARD_SYNC_FILE_SAME:
      case MW_BOARD_SYNC_FILE_UPLOADED:
        break;
    }
}

int
mw_cli_sync (int argc, char **argv)
{
  MwCliDeviceOptions options = { 0 };
  MwBoardUploadOptions upload = { 0 };
  g_autofree char *target = NULL;
  gboolean dry_run = FALSE;
  const GOptionEntry entries[] = { { "dry-run", 'n', 0, G_OPTION_ARG_NONE, &dry_run,
                                     "Only say what would be uploaded", NULL },
                                   { NULL } };
  g_autoptr (GOptionContext) context = g_option_context_new ("DIR");
  g_autoptr (MwCliConnection) conn = NULL;
  g_autoptr (GError) error = NULL;
  g_autoptr (GAsyncResult) result = NULL;
  g_auto (GStrv) names = NULL;
  MwBoardSyncResult done = { 0 };
  Sync sync = { NULL, FALSE, MW_EXIT_OK, 0 };

  g_option_context_set_summary (
    context, "Compares every file of DIR (not its subfolders) with the board's copy by size and a "
             "checksum computed on the board, and uploads only those that differ (verified, as put "
             "does).\n\nWith --lint, --minify and --compile, .lua files are prepared as put "
             "prepares them and compared in that form (x.lc on the board for --compile).");
  mw_cli_device_add_options (context, &options);
  g_option_context_add_main_entries (context, entries, NULL);
  mw_cli_pipeline_add_options (context, &upload, &target);
  if (!mw_cli_parse_options (context, &argc, &argv))
    return MW_EXIT_USAGE;
  if (!mw_cli_pipeline_check (&upload, target, &options, &error))
    {
      g_printerr ("moonwire-cli sync: %s\n", error->message);
      sync.status = MW_EXIT_USAGE;
      goto out;
    }
  if (argc != 2)
    {
      g_printerr ("moonwire-cli sync: give one folder\n");
      sync.status = MW_EXIT_USAGE;
      goto out;
    }
  /* the names first: a bad one stops everything before the board is touched */
  if ((names = mw_board_sync_list (argv[1], &error)) == NULL)
    {
      sync.status = mw_cli_report_error ("sync", error);
      goto out;
    }
  if ((conn = mw_cli_connect ("sync", &options, &sync.status)) == NULL)
    goto out;
  sync.conn = conn;
  sync.dry_run = dry_run;
  mw_board_sync_async (conn->board, argv[1], (const char *const *) names, &upload,
                       dry_run ? MW_BOARD_SYNC_DRY_RUN : MW_BOARD_SYNC_NONE, on_file, &sync,
                       conn->cancellable, mw_cli_store_result, &result);
  if (!mw_board_sync_finish (conn->board, mw_cli_wait (conn, &result), &done, &error))
    mw_cli_note_error ("sync", error, &sync.status);
  printf ("%u uploaded, %u already the same\n", done.uploaded, done.same);
out:
  mw_cli_device_options_clear (&options);
  return sync.status;
}
