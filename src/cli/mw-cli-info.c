/* mw-cli-info.c: `moonwire-cli info`: the banner's facts plus what probing finds. */
#include "mw-config.h"

#include <stdio.h>

#include "mw-cli-commands.h"
#include "mw-cli-device.h"

int
mw_cli_info (int argc, char **argv)
{
  MwCliDeviceOptions options = { 0 };
  g_autoptr (GOptionContext) context = g_option_context_new (NULL);
  g_autoptr (MwCliConnection) conn = NULL;
  g_autoptr (GAsyncResult) result = NULL;
  g_autoptr (GError) error = NULL;
  g_autoptr (MwBoardInfo) info = NULL;
  g_autofree char *modules = NULL;
  int status = MW_EXIT_OK;

  g_option_context_set_summary (context, "Shows the firmware version, number type (float or "
                                         "integer), modules, chip and free heap.");
  mw_cli_device_add_options (context, &options);
  if (!mw_cli_parse_options (context, &argc, &argv))
    return MW_EXIT_USAGE;
  if ((conn = mw_cli_connect ("info", &options, &status)) == NULL)
    goto out;
  mw_device_probe_async (conn->device, conn->cancellable, mw_cli_store_result, &result);
  info = mw_device_probe_finish (conn->device, mw_cli_wait (conn, &result), &error);
  if (info == NULL)
    {
      status = mw_cli_report_error ("info", error);
      goto out;
    }
  modules = info->modules ? g_strjoinv (",", info->modules) : g_strdup ("");
  if (options.json)
    {
      g_autoptr (JsonBuilder) b = json_builder_new ();

      json_builder_begin_object (b);
      mw_cli_json_member_string (b, "version", info->version ? info->version : "");
      mw_cli_json_member_int (b, "major", info->major);
      mw_cli_json_member_string (b, "number_type", mw_board_info_number_type_string (info));
      mw_cli_json_member_string (b, "modules", modules);
      mw_cli_json_member_int (b, "chip_id", info->chip_id);
      mw_cli_json_member_int (b, "flash_id", info->flash_id);
      mw_cli_json_member_int (b, "flash_size", info->flash_size);
      mw_cli_json_member_int (b, "heap", info->heap);
      json_builder_end_object (b);
      mw_cli_json_print (b, NULL);
    }
  else
    {
      printf ("firmware:    NodeMCU %s\n", info->version ? info->version : "(unknown)");
      printf ("numbers:     %s\n", mw_board_info_number_type_string (info));
      printf ("modules:     %s\n", modules);
      if (info->branch)
        printf ("branch:      %s\n", info->branch);
      if (info->chip_id)
        printf ("chip id:     %u\n", info->chip_id);
      if (info->flash_size)
        printf ("flash:       %u KB (id %u)\n", info->flash_size, info->flash_id);
      printf ("free heap:   %" G_GINT64_FORMAT " bytes\n", info->heap);
    }
out:
  mw_cli_device_options_clear (&options);
  return status;
}
