/* mw-cli-rm.c: `moonwire-cli rm NAME...`. */
#include "mw-config.h"

#include "mw-cli-commands.h"
#include "mw-cli-device.h"

int
mw_cli_rm (int argc, char **argv)
{
  MwCliDeviceOptions options = { 0 };
  g_autoptr (GOptionContext) context = g_option_context_new ("NAME...");
  g_autoptr (MwCliConnection) conn = NULL;
  int status = MW_EXIT_OK;

  g_option_context_set_summary (context, "Removes board files.");
  mw_cli_device_add_options (context, &options);
  if (!mw_cli_parse_options (context, &argc, &argv))
    return MW_EXIT_USAGE;
  if (argc < 2)
    {
      g_printerr ("moonwire-cli rm: no file names given\n");
      status = MW_EXIT_USAGE;
      goto out;
    }
  if ((conn = mw_cli_connect ("rm", &options, &status)) == NULL)
    goto out;
  for (int i = 1; i < argc; i++)
    {
      g_autoptr (GAsyncResult) result = NULL;
      g_autoptr (GError) error = NULL;

      mw_device_remove_async (conn->device, argv[i], conn->cancellable, mw_cli_store_result,
                              &result);
      if (!mw_device_op_finish (conn->device, mw_cli_wait (conn, &result), &error))
        mw_cli_note_error ("rm", error, &status);
    }
out:
  mw_cli_device_options_clear (&options);
  return status;
}
