/* mw-cli-ports.c: `moonwire-cli ports`: serial ports with USB identity. */
#include "mw-config.h"

#include <stdio.h>

#include "mw-cli-commands.h"
#include "mw-cli-device.h"
#include "mw-serial-transport.h"

int
mw_cli_ports (int argc, char **argv)
{
  gboolean json = FALSE;
  const GOptionEntry entries[] = {
    { "json", 0, 0, G_OPTION_ARG_NONE, &json, "Print the list as JSON", NULL }, { NULL }
  };
  g_autoptr (GOptionContext) context = g_option_context_new (NULL);
  g_autoptr (GError) error = NULL;
  g_autoptr (GPtrArray) ports = NULL;
  g_autoptr (JsonBuilder) b = json_builder_new ();
  /* one port a line */
  static const MwCliJsonLayout layout = { "\n  ", ",", "\n" };

  g_option_context_set_summary (context, "Lists serial ports; the USB bridges of NodeMCU boards "
                                         "(CP210x, CH34x, FTDI) are marked.");
  g_option_context_add_main_entries (context, entries, NULL);
  if (!mw_cli_parse_options (context, &argc, &argv))
    return MW_EXIT_USAGE;
  ports = mw_serial_list_ports (&error);
  if (ports == NULL)
    return mw_cli_report_error ("ports", error);
  json_builder_begin_array (b);
  for (guint i = 0; i < ports->len; i++)
    {
      MwSerialPortInfo *p = ports->pdata[i];
      const char *bridge = mw_usb_bridge_to_string (p->bridge);

      if (json)
        {
          json_builder_begin_object (b);
          mw_cli_json_member_string (b, "name", p->name);
          mw_cli_json_member_string (b, "description", p->description ? p->description : "");
          mw_cli_json_member_boolean (b, "usb", p->usb);
          mw_cli_json_member_int (b, "vid", p->vid);
          mw_cli_json_member_int (b, "pid", p->pid);
          json_builder_set_member_name (b, "bridge");
          if (bridge != NULL)
            json_builder_add_string_value (b, bridge);
          else
            json_builder_add_null_value (b);
          json_builder_end_object (b);
        }
      else if (p->usb)
        printf ("%-16s %04x:%04x %s %s%s%s%s\n", p->name, p->vid, p->pid,
                p->manufacturer ? p->manufacturer : "", p->product ? p->product : "",
                p->serial ? " serial " : "", p->serial ? p->serial : "",
                bridge ? "  <- likely a NodeMCU board" : "");
      else
        printf ("%-16s %s\n", p->name, p->description ? p->description : "");
    }
  json_builder_end_array (b);
  if (json)
    mw_cli_json_print (b, &layout);
  else if (ports->len == 0)
    g_printerr ("no serial ports found\n");
  return MW_EXIT_OK;
}
