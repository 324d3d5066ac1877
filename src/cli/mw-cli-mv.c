/* mw-cli-mv.c: `moonwire-cli mv OLD NEW` (refused when NEW exists, as on the board). */
#include "mw-config.h"

#include "mw-cli-commands.h"
#include "mw-cli-device.h"

int
mw_cli_mv (int argc, char **argv)
{
  MwCliDeviceOptions options = { 0 };
  g_autoptr (GOptionContext) context = g_option_context_new ("OLD NEW");
  g_autoptr (MwCliConnection) conn = NULL;
  g_autoptr (GAsyncResult) result = NULL;
  g_autoptr (GError) error = NULL;
  int status = MW_EXIT_OK;

  g_option_context_set_summary (context, "Renames a board file; fails if NEW exists.");
  mw_cli_device_add_options (context, &options);
  if (!mw_cli_parse_options (context, &argc, &argv))
    return MW_EXIT_USAGE;
  if (argc != 3)
    {
      g_printerr ("moonwire-cli mv: give OLD and NEW\n");
      status = MW_EXIT_USAGE;
      goto out;
    }
  if ((conn = mw_cli_connect ("mv", &options, &status)) == NULL)
    goto out;
  mw_device_rename_async (conn->device, argv[1], argv[2], conn->cancellable, mw_cli_store_result,
                          &result);
  if (!mw_device_op_finish (conn->device, mw_cli_wait (conn, &result), &error))
    status = mw_cli_report_error ("mv", error);
out:
  mw_cli_device_options_clear (&options);
  return status;
}
