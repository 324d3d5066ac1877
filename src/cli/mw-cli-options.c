/* mw-cli-options.c: option parsing shared by every command (in moonwire-cli and its board
 * module alike). */
#include "mw-cli-commands.h"

gboolean
mw_cli_parse_options (GOptionContext *context, int *argc, char ***argv)
{
  g_autoptr (GError) error = NULL;

  if (!g_option_context_parse (context, argc, argv, &error))
    {
      const char *command = *argc > 0 ? (*argv)[0] : "";

      /* argv[0] is the command's name ("ls"), or for `lfs` its whole program name */
      if (g_str_has_prefix (command, "moonwire-cli"))
        g_printerr ("%s: %s\n", command, error->message);
      else
        g_printerr ("moonwire-cli %s: %s\n", command, error->message);
      return FALSE;
    }
  return TRUE;
}

gboolean
mw_cli_have_files (int argc, const char *command, const char *what)
{
  if (argc >= 2)
    return TRUE;
  g_printerr ("moonwire-cli %s: no %s given\n", command, what);
  return FALSE;
}
