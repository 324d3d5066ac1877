/* mw-cli-cat.c: `moonwire-cli cat NAME`: a board file on standard output, byte for byte. */
#include "mw-config.h"

#include <stdio.h>

#include "mw-cli-commands.h"
#include "mw-cli-device.h"

int
mw_cli_cat (int argc, char **argv)
{
  MwCliDeviceOptions options = { 0 };
  g_autoptr (GOptionContext) context = g_option_context_new ("NAME...");
  g_autoptr (MwCliConnection) conn = NULL;
  int status = MW_EXIT_OK;

  g_option_context_set_summary (context, "Prints board files (binary-safe).");
  mw_cli_device_add_options (context, &options);
  if (!mw_cli_parse_options (context, &argc, &argv))
    return MW_EXIT_USAGE;
  if (argc < 2)
    {
      g_printerr ("moonwire-cli cat: no file names given\n");
      status = MW_EXIT_USAGE;
      goto out;
    }
  if ((conn = mw_cli_connect ("cat", &options, &status)) == NULL)
    goto out;
  for (int i = 1; i < argc; i++)
    {
      g_autoptr (GAsyncResult) result = NULL;
      g_autoptr (GError) error = NULL;
      g_autoptr (GBytes) data = NULL;

      mw_device_read_file_async (conn->device, argv[i], conn->cancellable, mw_cli_store_result,
                                 &result);
      data = mw_device_read_file_finish (conn->device, mw_cli_wait (conn, &result), &error);
      if (data == NULL)
        {
          mw_cli_note_error ("cat", error, &status);
          if (status == MW_EXIT_CANCELLED)
            break;
          continue;
        }
      fwrite (g_bytes_get_data (data, NULL), 1, g_bytes_get_size (data), stdout);
    }
  fflush (stdout);
out:
  mw_cli_device_options_clear (&options);
  return status;
}
