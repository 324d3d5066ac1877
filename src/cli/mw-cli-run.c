/* mw-cli-run.c: `moonwire-cli run NAME`: dofile on the board, its output as it comes. */
#include "mw-config.h"

#include <stdio.h>

#include "mw-cli-commands.h"
#include "mw-cli-device.h"

static void
on_output (GBytes *chunk, gpointer user_data)
{
  fwrite (g_bytes_get_data (chunk, NULL), 1, g_bytes_get_size (chunk), stdout);
  fflush (stdout);
}

int
mw_cli_run (int argc, char **argv)
{
  MwCliDeviceOptions options = { 0 };
  g_autoptr (GOptionContext) context = g_option_context_new ("NAME");
  g_autoptr (MwCliConnection) conn = NULL;
  g_autoptr (GAsyncResult) result = NULL;
  g_autoptr (GError) error = NULL;
  g_autoptr (GBytes) rest = NULL;
  int status = MW_EXIT_OK;

  g_option_context_set_summary (context, "Runs a board file with dofile and streams what it "
                                         "prints. Exit 2 if it raises an error.");
  mw_cli_device_add_options (context, &options);
  if (!mw_cli_parse_options (context, &argc, &argv))
    return MW_EXIT_USAGE;
  if (argc != 2)
    {
      g_printerr ("moonwire-cli run: give one file name\n");
      status = MW_EXIT_USAGE;
      goto out;
    }
  if ((conn = mw_cli_connect ("run", &options, &status)) == NULL)
    goto out;
  mw_device_run_async (conn->device, argv[1], 0, on_output, NULL, conn->cancellable,
                       mw_cli_store_result, &result);
  rest = mw_device_exec_finish (conn->device, mw_cli_wait (conn, &result), &error);
  if (rest == NULL)
    status = mw_cli_report_error ("run", error);
out:
  mw_cli_device_options_clear (&options);
  return status;
}
