/* main.c: the moonwire desktop app's entry point. */
#include "mw-config.h"

#include "mw-application.h"

int
main (int argc, char *argv[])
{
  g_autoptr (MwApplication) app = NULL;

  g_set_application_name ("Moonwire");
  app = mw_application_new ();
  return g_application_run (G_APPLICATION (app), argc, argv);
}
