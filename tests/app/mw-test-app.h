/* mw-test-app.h: helpers for the GTK tests: a display, the application, waiting on the main
 * loop, and screenshots. */
#pragma once

#include <gtk/gtk.h>

#include "mw-application.h"
#include "mw-window.h"

G_BEGIN_DECLS

/* The simulator's boot as the console shows it without an init.lua (src/core/sim/mw-sim-vm.c;
 * its LFS size is the simulated board's region), after the line the firmware prints first when
 * its LFS region holds no image (docs/firmware.md section 9). */
#define MW_TEST_BANNER \
  "NodeMCU 3.0.0.0 built with moonwire-sim\n" \
  "\tbranch: release\n" \
  "\tcommit: 0000000000000000000000000000000000000000\n" \
  "\trelease: 3.0-release\n" \
  "\trelease DTS: 202101010000\n" \
  "\tSSL: false\n" \
  "\tbuild type: float\n" \
  "\tLFS: 0x10000 bytes total capacity\n" \
  "\tmodules: bit,file,gpio,node,sjson,tmr,uart,wifi\n" \
  " build 2021-01-01 00:00 powered by Lua 5.1.4 on SDK 3.0.1-dev(fce080e)\n" \
  "cannot open init.lua: \n"
#define MW_TEST_NO_LFS_IMAGE "No LFS image loaded\n"

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
/* The window's board answers and the window has taken it in (its "Connected to …" message):
 * for mw_test_wait_until() with the MwWindow as data. */
gboolean mw_test_window_connected (gpointer window);
/* For mw_test_wait_until() with an MwTestTail: the console of `window` ends with `tail` (a
 * prompt: the board answered). */
typedef struct
{
  MwWindow *window;
  const char *tail;
} MwTestTail;
gboolean mw_test_console_ends_with (gpointer data);
/* For mw_test_wait_until() with an MwTestOpen: `file` is open in an editor of `window`. */
typedef struct
{
  MwWindow *window;
  GFile *file;
} MwTestOpen;
gboolean mw_test_file_open (gpointer data);
/* Writes `text` to `dir`/`name`, opens it in `window` and waits (10 s at most) for its editor:
 * returns it, or NULL if it never came. */
MwEditor *mw_test_open_file (MwWindow *window, const char *dir, const char *name, const char *text);
/* For mw_test_wait_until() with the MwWindow: no operation runs (Cancel off, Upload on). */
gboolean mw_test_op_over (gpointer window);
/* For mw_test_wait_until() with an MwEditor: its bar about a change on disk is shown. */
gboolean mw_test_disk_bar_shown (gpointer editor);
/* Resizes the toplevel `window` and waits (10 s at most) until its content, client-side
 * decorations aside, is `width` px wide; FALSE if it never is. */
gboolean mw_test_resize (gpointer window, gint width, gint height);
/* For mw_test_wait_until() with an MwTestToplevel: finds a visible toplevel of `type`. */
typedef struct
{
  GType type;
  GtkWidget *found;
} MwTestToplevel;
gboolean mw_test_find_toplevel (gpointer data);
/* Runs `code` on the board of `window` (an MwWindow) and returns its output; fails the test on
 * an error. */
char *mw_test_window_exec (gpointer window, const char *code);
/* The visible items of a menu: labels, "--" for separators, "(off)" after an insensitive one,
 * joined with ", " */
char *mw_test_menu_labels (GtkWidget *menu);
/* Draws `widget` into a PNG; returns the path (under MOONWIRE_TEST_ARTIFACTS, else cwd). */
char *mw_test_screenshot (GtkWidget *widget, const char *name);

G_END_DECLS
