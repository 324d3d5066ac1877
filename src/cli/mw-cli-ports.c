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

  g_option_context_set_summary (context, "Lists serial ports; the USB bridges of NodeMCU boards "
                                         "(CP210x, CH34x, FTDI) are marked.");
  g_option_context_add_main_entries (context, entries, NULL);
  if (!mw_cli_parse_options (context, &argc, &argv))
    return MW_EXIT_USAGE;
  ports = mw_serial_list_ports (&error);
  if (ports == NULL)
    return mw_cli_report_error ("ports", error);
  if (json)
    printf ("[");
  for (guint i = 0; i < ports->len; i++)
    {
      MwSerialPortInfo *p = ports->pdata[i];
      const char *bridge = mw_usb_bridge_to_string (p->bridge);

      if (json)
        {
          g_autofree char *name = mw_cli_json_string (p->name);
          g_autofree char *desc = mw_cli_json_string (p->description ? p->description : "");

          printf ("%s\n  {\"name\": %s, \"description\": %s, \"usb\": %s, \"vid\": %u, "
                  "\"pid\": %u, \"bridge\": %s%s%s}",
                  i ? "," : "", name, desc, p->usb ? "true" : "false", p->vid, p->pid,
                  bridge ? "\"" : "", bridge ? bridge : "null", bridge ? "\"" : "");
        }
      else if (p->usb)
        printf ("%-16s %04x:%04x %s %s%s%s%s\n", p->name, p->vid, p->pid,
                p->manufacturer ? p->manufacturer : "", p->product ? p->product : "",
                p->serial ? " serial " : "", p->serial ? p->serial : "",
                bridge ? "  <- likely a NodeMCU board" : "");
      else
        printf ("%-16s %s\n", p->name, p->description ? p->description : "");
    }
  if (json)
    printf ("\n]\n");
  else if (ports->len == 0)
    g_printerr ("no serial ports found\n");
  return MW_EXIT_OK;
}
