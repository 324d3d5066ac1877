/* mw-test-app.h: helpers for the GTK tests: a display, the application, waiting on the main
 * loop, and screenshots. */
#pragma once

#include <gtk/gtk.h>

#include "mw-application.h"

G_BEGIN_DECLS

/* Re-runs the test under xvfb-run when there is no display, then initialises GTK. */
void mw_test_app_init (int *argc, char ***argv);
/* A registered (started-up) application, as g_application_run would have it. */
MwApplication *mw_test_app_new (void);
/* Iterates the main context until `done` returns TRUE; FALSE after `timeout_ms`. */
gboolean mw_test_wait_until (gboolean (*done) (gpointer data), gpointer data, guint timeout_ms);
/* A GAsyncReadyCallback that stores a new reference to the result in *(GAsyncResult **) data */
void mw_test_store_result_cb (GObject *object, GAsyncResult *result, gpointer data);
/* Lets pending work (idles, timeouts due within `ms`) run. */
void mw_test_spin (guint ms);
/* Draws `widget` into a PNG; returns the path (under MOONWIRE_TEST_ARTIFACTS, else cwd). */
char *mw_test_screenshot (GtkWidget *widget, const char *name);

G_END_DECLS
