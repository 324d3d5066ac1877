/* mw-cli-exec.c: `moonwire-cli exec 'LUA'`: a chunk on the board (checked here first). */
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
mw_cli_exec (int argc, char **argv)
{
  MwCliDeviceOptions options = { 0 };
  g_autoptr (GOptionContext) context = g_option_context_new ("LUA");
  g_autoptr (MwCliConnection) conn = NULL;
  g_autoptr (GAsyncResult) result = NULL;
  g_autoptr (GError) error = NULL;
  g_autoptr (GBytes) rest = NULL;
  int status = MW_EXIT_OK;

  g_option_context_set_summary (context, "Runs Lua on the board and prints its output. Syntax "
                                         "errors are reported before anything is sent; the code "
                                         "reaches Lua as written (the chunk \"stdin\", any "
                                         "bytes, lines of any length).");
  mw_cli_device_add_options (context, &options);
  if (!mw_cli_parse_options (context, &argc, &argv))
    return MW_EXIT_USAGE;
  if (argc != 2)
    {
      g_printerr ("moonwire-cli exec: give the Lua code as one argument\n");
      status = MW_EXIT_USAGE;
      goto out;
    }
  if ((conn = mw_cli_connect ("exec", &options, &status)) == NULL)
    goto out;
  mw_device_exec_async (conn->device, argv[1], options.timeout_ms, on_output, NULL,
                        conn->cancellable, mw_cli_store_result, &result);
  rest = mw_device_exec_finish (conn->device, mw_cli_wait (conn, &result), &error);
  if (rest == NULL)
    status = mw_cli_report_error ("exec", error);
out:
  mw_cli_device_options_clear (&options);
  return status;
}
