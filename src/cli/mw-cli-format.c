/* mw-cli-format.c: `moonwire-cli format --yes`: erase every file. */
#include "mw-config.h"

#include "mw-cli-commands.h"
#include "mw-cli-device.h"

int
mw_cli_format (int argc, char **argv)
{
  MwCliDeviceOptions options = { 0 };
  gboolean yes = FALSE;
  const GOptionEntry entries[] = { { "yes", 0, 0, G_OPTION_ARG_NONE, &yes,
                                     "Confirm: erase every file on the board", NULL },
                                   { NULL } };
  g_autoptr (GOptionContext) context = g_option_context_new (NULL);
  g_autoptr (MwCliConnection) conn = NULL;
  g_autoptr (GAsyncResult) result = NULL;
  g_autoptr (GError) error = NULL;
  int status = MW_EXIT_OK;

  g_option_context_set_summary (context, "Formats the board's file system (file.format). "
                                         "Every file is lost: needs --yes.");
  mw_cli_device_add_options (context, &options);
  g_option_context_add_main_entries (context, entries, NULL);
  if (!mw_cli_parse_options (context, &argc, &argv))
    return MW_EXIT_USAGE;
  if (!yes)
    {
      g_printerr ("moonwire-cli format: this erases every file on the board; "
                  "run again with --yes to confirm\n");
      status = MW_EXIT_USAGE;
      goto out;
    }
  if ((conn = mw_cli_connect ("format", &options, &status)) == NULL)
    goto out;
  mw_device_format_async (conn->device, TRUE, conn->cancellable, mw_cli_store_result, &result);
  if (!mw_device_op_finish (conn->device, mw_cli_wait (conn, &result), &error))
    status = mw_cli_report_error ("format", error);
out:
  mw_cli_device_options_clear (&options);
  return status;
}
