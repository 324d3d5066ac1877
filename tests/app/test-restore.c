/* test-restore.c: what the next start of the app finds again: the open tabs in order with the
 * one in front, the pane sizes, the port of the last connection, and the console's history;
 * and Save Console Log. Each check saves from one window and reads from a new one, as the
 * next start would (the settings' memory backend stands for the user's). */
#include "mw-config.h"

#include "mw-test-app.h"
#include "mw-test-support.h"
#include "mw-sim.h"
#include "mw-window.h"

#include <glib/gstdio.h>
#include <string.h>

static MwApplication *app;

static gboolean
disconnected (gpointer data)
{
  return !mw_board_is_connected (mw_window_get_board (data));
}

typedef struct
{
  MwWindow *window;
  guint n;
} TabsWait;

static gboolean
has_tabs (gpointer data)
{
  TabsWait *wait = data;
  g_autoptr (GList) editors = mw_window_list_editors (wait->window);

  return g_list_length (editors) == wait->n;
}

static GtkPaned *
paned (MwWindow *window, const char *name)
{
  return GTK_PANED (gtk_widget_get_template_child (GTK_WIDGET (window), MW_TYPE_WINDOW, name));
}

/* The tabs' files, '|' between them, the one in front marked with '*' */
static char *
tabs (MwWindow *window)
{
  g_autoptr (GList) editors = mw_window_list_editors (window);
  g_autoptr (GString) text = g_string_new (NULL);
  MwEditor *current = mw_window_get_current_editor (window);

  for (GList *l = editors; l != NULL; l = l->next)
    {
      GFile *file = mw_document_get_file (mw_editor_get_document (l->data));
      g_autofree char *name = file != NULL ? g_file_get_basename (file) : g_strdup ("untitled");

      g_string_append_printf (text, "%s%s%s", text->len > 0 ? "|" : "", name,
                              l->data == current ? "*" : "");
    }
  return g_string_free (g_steal_pointer (&text), FALSE);
}

static void
open_path (MwWindow *window, const char *path, guint n_after)
{
  g_autoptr (GFile) file = g_file_new_for_path (path);
  TabsWait wait = { window, n_after };

  mw_window_open_file (window, file);
  g_assert_true (mw_test_wait_until (has_tabs, &wait, 10000));
}

/* Tabs in order with the one in front, an untitled tab and the board's copy left out, a file
 * deleted since left out without a word; pane sizes; the last port (a pseudo-terminal, as
 * typed). */
static void
test_session (void)
{
  g_autofree char *dir = g_dir_make_tmp ("mw-restore-XXXXXX", NULL);
  g_autofree char *a = g_build_filename (dir, "a.lua", NULL);
  g_autofree char *b = g_build_filename (dir, "b.lua", NULL);
  g_autofree char *c = g_build_filename (dir, "c.lua", NULL);
  g_autofree char *board_dir =
    g_build_filename (g_get_user_cache_dir (), "moonwire", "board", NULL);
  g_autofree char *copy = g_build_filename (board_dir, "init.lua", NULL);
  g_autofree char *text = NULL;
  g_autoptr (GString) big = g_string_new (NULL);
  g_autoptr (MwSim) sim = NULL;
  g_autoptr (GError) error = NULL;
  MwSimOptions options;
  MwWindow *first, *second;
  GtkEntry *entry;
  gint side, bottom;

  /* b is the large one: it loads last, and still comes back second */
  for (guint i = 0; i < 20000; i++)
    g_string_append_printf (big, "local v%u = %u\n", i % 40, i);
  g_assert_true (g_file_set_contents (a, "print('a')\n", -1, NULL));
  g_assert_true (g_file_set_contents (b, big->str, big->len, NULL));
  g_assert_true (g_file_set_contents (c, "print('c')\n", -1, NULL));
  g_assert_cmpint (g_mkdir_with_parents (board_dir, 0700), ==, 0);
  g_assert_true (g_file_set_contents (copy, "print('board')\n", -1, NULL));
  mw_sim_options_init (&options);
  sim = mw_sim_new (&options);
  g_assert_true (mw_sim_start (sim, &error));
  g_assert_no_error (error);

  first = mw_window_new (app);
  gtk_window_resize (GTK_WINDOW (first), 1024, 600);
  gtk_widget_show (GTK_WIDGET (first));
  open_path (first, a, 1);
  open_path (first, b, 2);
  mw_window_new_document (first);
  open_path (first, c, 4);
  open_path (first, copy, 5);
  gtk_notebook_set_current_page (
    GTK_NOTEBOOK (gtk_widget_get_template_child (GTK_WIDGET (first), MW_TYPE_WINDOW, "notebook")),
    1);
  gtk_paned_set_position (paned (first, "main_paned"), 310);
  gtk_paned_set_position (paned (first, "work_paned"), 200);
  mw_test_spin (100);
  g_assert_cmpint (gtk_paned_get_position (paned (first, "main_paned")), ==, 310);
  g_assert_cmpint (gtk_paned_get_position (paned (first, "work_paned")), ==, 200);
  entry = GTK_ENTRY (gtk_bin_get_child (GTK_BIN (mw_window_get_port_combo (first))));
  gtk_entry_set_text (entry, mw_sim_get_path (sim));
  g_action_group_activate_action (G_ACTION_GROUP (first), "connect", NULL);
  g_assert_true (mw_test_wait_until (mw_test_window_connected, first, 20000));
  g_action_group_activate_action (G_ACTION_GROUP (first), "disconnect", NULL);
  g_assert_true (mw_test_wait_until (disconnected, first, 5000));
  text = tabs (first);
  g_assert_cmpstr (text, ==, "a.lua|b.lua*|untitled|c.lua|init.lua");
  g_clear_pointer (&text, g_free);
  mw_test_spin (100);
  /* Closing the window (unsaved untitled text discarded) keeps the session as it was. */
  gtk_text_buffer_set_modified (
    GTK_TEXT_BUFFER (mw_editor_get_document (mw_window_get_current_editor (first))), FALSE);
  /* The panes as the window closes (the info bar shown since scaled the editor's height). */
  side = gtk_paned_get_position (paned (first, "main_paned"));
  bottom = gtk_paned_get_position (paned (first, "work_paned"));
  g_assert_cmpint (side, ==, 310);
  g_assert_cmpint (bottom, >, 100);
  gtk_widget_destroy (GTK_WIDGET (first));
  g_unlink (c);

  second = mw_window_new (app);
  gtk_window_resize (GTK_WINDOW (second), 1024, 600);
  gtk_widget_show (GTK_WIDGET (second));
  mw_window_restore_session (second);
  {
    TabsWait wait = { second, 2 };
    g_assert_true (mw_test_wait_until (has_tabs, &wait, 10000));
  }
  mw_test_spin (200);
  text = tabs (second);
  g_assert_cmpstr (text, ==, "a.lua|b.lua*");
  {
    g_autofree char *loaded =
      mw_document_dup_text (mw_editor_get_document (mw_window_get_current_editor (second)));
    g_assert_cmpstr (loaded, ==, big->str);
  }
  g_assert_cmpint (gtk_paned_get_position (paned (second, "main_paned")), ==, side);
  g_assert_cmpint (gtk_paned_get_position (paned (second, "work_paned")), ==, bottom);
  /* the pseudo-terminal, typed once, is a recent port now, and the one chosen */
  g_assert_cmpstr (gtk_combo_box_get_active_id (mw_window_get_port_combo (second)), ==,
                   mw_sim_get_path (sim));
  g_assert_null (mw_window_get_message (second));
  /* Closing a tab is remembered too. */
  g_action_group_activate_action (G_ACTION_GROUP (second), "close-tab", NULL);
  mw_test_spin (100);
  gtk_widget_destroy (GTK_WIDGET (second));

  second = mw_window_new (app);
  gtk_widget_show (GTK_WIDGET (second));
  mw_window_restore_session (second);
  {
    TabsWait wait = { second, 1 };
    g_assert_true (mw_test_wait_until (has_tabs, &wait, 10000));
  }
  g_clear_pointer (&text, g_free);
  text = tabs (second);
  g_assert_cmpstr (text, ==, "a.lua*");
  gtk_widget_destroy (GTK_WIDGET (second));

  mw_sim_stop (sim);
  g_unlink (a);
  g_unlink (b);
  g_unlink (copy);
  g_rmdir (dir);
}

static void
press (GtkWidget *widget, guint keyval)
{
  GdkEvent *event = gdk_event_new (GDK_KEY_PRESS);
  gboolean handled = FALSE;

  event->key.window = g_object_ref (gtk_widget_get_window (widget));
  event->key.keyval = keyval;
  g_signal_emit_by_name (widget, "key-press-event", event, &handled);
  gdk_event_free (event);
}

typedef struct
{
  GtkFileChooser *chooser;
  const char *path;
} ChooserWait;

static gboolean
chooser_at (gpointer data)
{
  ChooserWait *wait = data;
  g_autofree char *chosen = gtk_file_chooser_get_filename (wait->chooser);

  return g_strcmp0 (chosen, wait->path) == 0;
}

static gboolean
file_has (gpointer data)
{
  const char *const *want = data;
  g_autofree char *text = NULL;

  return g_file_get_contents (want[0], &text, NULL, NULL) && g_str_equal (text, want[1]);
}

/* Lines typed on one start are in the history of the next; win.save-console-log writes the
 * console's whole text where the user chose. */
static void
test_history_and_log (void)
{
  g_autofree char *dir = g_dir_make_tmp ("mw-restore-XXXXXX", NULL);
  g_autofree char *log = g_build_filename (dir, "board.log", NULL);
  g_autofree char *history =
    g_build_filename (g_get_user_data_dir (), "moonwire", "console-history", NULL);
  MwWindow *first, *second;
  MwConsole *console;
  GtkEntry *entry;
  MwTestToplevel chooser = { GTK_TYPE_FILE_CHOOSER_DIALOG, NULL };
  g_autofree char *text = NULL;

  g_unlink (history);
  first = mw_window_new (app);
  gtk_widget_show (GTK_WIDGET (first));
  console = mw_window_get_console (first);
  mw_console_send (console, "x = 42");
  mw_console_send (console, "=x");
  gtk_widget_destroy (GTK_WIDGET (first));

  second = mw_window_new (app);
  gtk_widget_show (GTK_WIDGET (second));
  console = mw_window_get_console (second);
  entry = mw_console_get_entry (console);
  press (GTK_WIDGET (entry), GDK_KEY_Up);
  g_assert_cmpstr (gtk_entry_get_text (entry), ==, "=x");
  press (GTK_WIDGET (entry), GDK_KEY_Up);
  g_assert_cmpstr (gtk_entry_get_text (entry), ==, "x = 42");

  mw_console_append (console, "hello from the board\r\n> ", -1);
  g_assert_true (g_action_group_get_action_enabled (G_ACTION_GROUP (second), "save-console-log"));
  g_action_group_activate_action (G_ACTION_GROUP (second), "save-console-log", NULL);
  g_assert_true (mw_test_wait_until (mw_test_find_toplevel, &chooser, 5000));
  g_assert_true (gtk_file_chooser_set_current_folder (GTK_FILE_CHOOSER (chooser.found), dir));
  gtk_file_chooser_set_current_name (GTK_FILE_CHOOSER (chooser.found), "board.log");
  /* the dialog takes its folder asynchronously */
  {
    ChooserWait wait = { GTK_FILE_CHOOSER (chooser.found), log };
    g_assert_true (mw_test_wait_until (chooser_at, &wait, 5000));
  }
  gtk_dialog_response (GTK_DIALOG (chooser.found), GTK_RESPONSE_ACCEPT);
  {
    const char *want[] = { log, "hello from the board\n> " };
    g_assert_true (mw_test_wait_until (file_has, want, 5000));
  }
  gtk_widget_destroy (GTK_WIDGET (second));
  g_unlink (log);
  g_unlink (history);
  g_rmdir (dir);
}

int
main (int argc, char *argv[])
{
  int status;

  mw_test_app_init (&argc, &argv);
  app = mw_test_app_new ();
  g_test_add_func ("/mw/app/restore/session", test_session);
  g_test_add_func ("/mw/app/restore/history-and-log", test_history_and_log);
  status = g_test_run ();
  g_object_unref (app);
  return status;
}
