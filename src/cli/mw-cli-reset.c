/* mw-cli-reset.c: `moonwire-cli reset [--soft]`: restart the board and wait for its prompt. */
#include "mw-config.h"

#include <stdio.h>

#include "mw-cli-commands.h"
#include "mw-cli-device.h"

int
mw_cli_reset (int argc, char **argv)
{
  MwCliDeviceOptions options = { 0 };
  gboolean soft = FALSE;
  const GOptionEntry entries[] = { { "soft", 0, 0, G_OPTION_ARG_NONE, &soft,
                                     "Use node.restart() instead of the RTS line", NULL },
                                   { NULL } };
  g_autoptr (GOptionContext) context = g_option_context_new (NULL);
  g_autoptr (MwCliConnection) conn = NULL;
  g_autoptr (GError) error = NULL;
  g_autoptr (GAsyncResult) r1 = NULL;
  g_autofree char *fallback = NULL;
  g_autoptr (MwBoardInfo) info = NULL;
  int status = MW_EXIT_OK;

  g_option_context_set_summary (context, "Restarts the board by pulsing RTS with DTR released "
                                         "(EN low on NodeMCU boards), or with node.restart() "
                                         "where the port has no modem lines (ptys, TCP), and "
                                         "waits for its prompt.");
  mw_cli_device_add_options (context, &options);
  g_option_context_add_main_entries (context, entries, NULL);
  if (!mw_cli_parse_options (context, &argc, &argv))
    return MW_EXIT_USAGE;
  if ((conn = mw_cli_connect ("reset", &options, &status)) == NULL)
    goto out;
  mw_board_reset_async (conn->board, soft, conn->cancellable, mw_cli_store_result, &r1);
  info = mw_board_reset_finish (conn->board, mw_cli_wait (conn, &r1), &fallback, &error);
  if (fallback != NULL)
    g_printerr ("moonwire-cli reset: %s; used node.restart()\n", fallback);
  if (error != NULL)
    {
      status = mw_cli_report_error ("reset", error);
      goto out;
    }
  if (!options.json)
    printf ("restarted%s%s\n", info ? ": NodeMCU " : "", info ? info->version : "");
out:
  mw_cli_device_options_clear (&options);
  return status;
}
