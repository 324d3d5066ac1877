/* mw-cli-ls.c: `moonwire-cli ls`: the board's files with sizes, and the space left. */
#include "mw-config.h"

#include <stdio.h>

#include "mw-cli-commands.h"
#include "mw-cli-device.h"
#include "mw-cli-files.h"

int
mw_cli_ls (int argc, char **argv)
{
  MwCliDeviceOptions options = { 0 };
  g_autoptr (GOptionContext) context = g_option_context_new (NULL);
  g_autoptr (MwCliConnection) conn = NULL;
  g_autoptr (GAsyncResult) r1 = NULL;
  g_autoptr (GAsyncResult) r2 = NULL;
  g_autoptr (GError) error = NULL;
  g_autoptr (GPtrArray) entries = NULL;
  MwFsInfo fs = { 0 };
  int status = MW_EXIT_OK;

  g_option_context_set_summary (context, "Lists the board's files with their sizes.");
  mw_cli_device_add_options (context, &options);
  if (!mw_cli_parse_options (context, &argc, &argv))
    return MW_EXIT_USAGE;
  if ((conn = mw_cli_connect ("ls", &options, &status)) == NULL)
    goto out;
  mw_device_list_async (conn->device, conn->cancellable, mw_cli_store_result, &r1);
  mw_device_fsinfo_async (conn->device, conn->cancellable, mw_cli_store_result, &r2);
  entries = mw_device_list_finish (conn->device, mw_cli_wait (conn, &r1), &error);
  if (entries == NULL
      || !mw_device_fsinfo_finish (conn->device, mw_cli_wait (conn, &r2), &fs, &error))
    {
      status = mw_cli_report_error ("ls", error);
      goto out;
    }
  if (options.json)
    {
      g_autoptr (JsonBuilder) b = json_builder_new ();

      json_builder_begin_object (b);
      json_builder_set_member_name (b, "files");
      json_builder_begin_array (b);
      for (guint i = 0; i < entries->len; i++)
        {
          MwFileEntry *e = entries->pdata[i];

          json_builder_begin_object (b);
          mw_cli_json_member_string (b, "name", e->name);
          mw_cli_json_member_int (b, "size", e->size);
          json_builder_end_object (b);
        }
      json_builder_end_array (b);
      mw_cli_json_member_int (b, "remaining", fs.remaining);
      mw_cli_json_member_int (b, "used", fs.used);
      mw_cli_json_member_int (b, "total", fs.total);
      json_builder_end_object (b);
      mw_cli_json_print (b, NULL);
      goto out;
    }
  for (guint i = 0; i < entries->len; i++)
    {
      MwFileEntry *e = entries->pdata[i];

      g_autofree char *name = mw_cli_printable_name (e->name);

      printf ("%8" G_GINT64_FORMAT "  %s\n", e->size, name);
    }
  printf ("%u file%s; %" G_GINT64_FORMAT " of %" G_GINT64_FORMAT " bytes free\n", entries->len,
          entries->len == 1 ? "" : "s", fs.remaining, fs.total);
out:
  mw_cli_device_options_clear (&options);
  return status;
}
