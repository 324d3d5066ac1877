/* mw-cli-options.c: option parsing shared by every command (in moonwire-cli and its board
 * module alike). */
#include "mw-cli-commands.h"

gboolean
mw_cli_parse_options (GOptionContext *context, int *argc, char ***argv)
{
  g_autoptr (GError) error = NULL;

  if (!g_option_context_parse (context, argc, argv, &error))
    {
      g_printerr ("moonwire-cli: %s\n", error->message);
      return FALSE;
    }
  return TRUE;
}
