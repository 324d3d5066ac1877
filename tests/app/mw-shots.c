/* mw-shots.c: puts the window through every flow a user meets on the simulated board and
 * photographs the whole screen at each (ImageMagick's `import -window root`), for a review of
 * the app at a screen size and style. scripts/shots runs it under Xvfb with a window manager.
 *
 *   mw-shots OUT-DIR SUFFIX [dark]   writes OUT-DIR/<flow>-SUFFIX.png
 *
 * Not a test: nothing is compared. It drives the window through the same calls as the GUI
 * tests, so a flow that stops working here is also caught there. */
#include "mw-config.h"

#include "mw-test-app.h"
#include "mw-pipeline-dialog.h"
#include "mw-preferences-dialog.h"
#include "mw-snippets-dialog.h"
#include "mw-window.h"

#include <glib/gstdio.h>
#include <stdlib.h>
#include <string.h>

static const char *out_dir;
static const char *suffix;

static void
shoot (const char *flow)
{
  g_autofree char *name = g_strdup_printf ("%s-%s.png", flow, suffix);
  g_autofree char *path = g_build_filename (out_dir, name, NULL);
  const char *argv[] = { "import", "-window", "root", path, NULL };
  g_autoptr (GError) error = NULL;
  gint status = 0;

  /* Let the frame be drawn (and a tooltip or popup settle) before the shot. */
  mw_test_spin (700);
  gdk_display_sync (gdk_display_get_default ());
  if (!g_spawn_sync (NULL, (char **) argv, NULL, G_SPAWN_SEARCH_PATH, NULL, NULL, NULL, NULL,
                     &status, &error)
      || !g_spawn_check_wait_status (status, &error))
    g_error ("import %s: %s", path, error->message);
  g_print ("%s\n", path);
}

static void
must (gboolean ok, const char *what)
{
  if (!ok)
    g_error ("gave up waiting for %s", what);
}

static void
type_line (MwWindow *window, const char *line, const char *tail)
{
  MwTestTail wait = { window, tail };
  GtkEntry *entry = mw_console_get_entry (mw_window_get_console (window));

  gtk_entry_set_text (entry, line);
  g_signal_emit_by_name (entry, "activate");
  must (mw_test_wait_until (mw_test_console_ends_with, &wait, 15000), line);
}

static void
show_tabs (MwWindow *window, const char *side, const char *bottom)
{
  GtkStack *bottom_stack = GTK_STACK (
    gtk_widget_get_ancestor (GTK_WIDGET (mw_window_get_console (window)), GTK_TYPE_STACK));
  GtkStack *side_stack = GTK_STACK (
    gtk_widget_get_ancestor (GTK_WIDGET (mw_window_get_board_panel (window)), GTK_TYPE_STACK));

  gtk_stack_set_visible_child_name (side_stack, side);
  gtk_stack_set_visible_child_name (bottom_stack, bottom);
}

static MwEditor *
open_file (MwWindow *window, const char *dir, const char *name, const char *text)
{
  MwEditor *editor = mw_test_open_file (window, dir, name, text);

  must (editor != NULL, name);
  return editor;
}

static void
upload (MwWindow *window)
{
  g_action_group_activate_action (G_ACTION_GROUP (window), "upload", NULL);
  must (mw_test_wait_until (mw_test_op_over, window, 30000), "an upload");
}

static gboolean
has_samples (gpointer data)
{
  MwHeapStats stats;
  guint *want = g_object_get_data (data, "mw-shots-want");

  return mw_heap_graph_get_stats (data, &stats) && stats.n_samples >= *want;
}

static void
wait_samples (MwHeapGraph *graph, guint n)
{
  g_object_set_data (G_OBJECT (graph), "mw-shots-want", &n);
  must (mw_test_wait_until (has_samples, graph, 60000), "heap samples");
}

static GtkWidget *
find_toplevel (GType type)
{
  MwTestToplevel want = { type, NULL };

  must (mw_test_wait_until (mw_test_find_toplevel, &want, 10000), g_type_name (type));
  return want.found;
}

static gboolean
tooltip_shown (gpointer data)
{
  g_autoptr (GList) toplevels = gtk_window_list_toplevels ();

  for (GList *l = toplevels; l != NULL; l = l->next)
    if (gtk_widget_get_mapped (l->data)
        && gtk_window_get_type_hint (l->data) == GDK_WINDOW_TYPE_HINT_TOOLTIP)
      return TRUE;
  return FALSE;
}

/* Moves the pointer over `word`'s middle in the editor's view. */
static void
hover_word (MwEditor *editor, const char *word)
{
  GtkTextView *view = GTK_TEXT_VIEW (mw_editor_get_view (editor));
  GtkTextBuffer *buffer = gtk_text_view_get_buffer (view);
  g_autofree char *text = NULL;
  GtkTextIter start, end, at;
  GdkRectangle rect;
  gint x, y, ox, oy;
  g_autofree char *xs = NULL;
  g_autofree char *ys = NULL;

  gtk_text_buffer_get_bounds (buffer, &start, &end);
  text = gtk_text_buffer_get_text (buffer, &start, &end, FALSE);
  gtk_text_buffer_get_iter_at_offset (
    buffer, &at, g_utf8_pointer_to_offset (text, strstr (text, word)) + strlen (word) / 2);
  gtk_text_view_get_iter_location (view, &at, &rect);
  gtk_text_view_buffer_to_window_coords (view, GTK_TEXT_WINDOW_TEXT, rect.x, rect.y, &x, &y);
  gdk_window_get_origin (gtk_text_view_get_window (view, GTK_TEXT_WINDOW_TEXT), &ox, &oy);
  xs = g_strdup_printf ("%d", ox + x);
  ys = g_strdup_printf ("%d", oy + y + rect.height / 2);
  {
    const char *argv[] = { "xdotool", "mousemove", xs, ys, NULL };
    g_spawn_sync (NULL, (char **) argv, NULL, G_SPAWN_SEARCH_PATH, NULL, NULL, NULL, NULL, NULL,
                  NULL);
  }
}

int
main (int argc, char *argv[])
{
  g_autoptr (MwApplication) app = NULL;
  g_autofree char *dir = NULL;
  MwWindow *window;
  MwConsole *console;
  MwHeapGraph *graph;
  MwEditor *editor;
  GtkWidget *dialog;

  if (argc < 3)
    {
      g_printerr ("usage: mw-shots OUT-DIR SUFFIX [dark]\n");
      return 2;
    }
  out_dir = argv[1];
  suffix = argv[2];
  g_setenv ("NO_AT_BRIDGE", "1", TRUE);
  gtk_init (&argc, &argv);
  app = mw_test_app_new ();
  g_settings_set_boolean (mw_application_get_settings (app), "prefer-dark",
                          argc > 3 && g_str_equal (argv[3], "dark"));
  dir = g_dir_make_tmp ("mw-shots-XXXXXX", NULL);

  window = mw_window_new (app);
  console = mw_window_get_console (window);
  graph = mw_window_get_heap_graph (window);
  gtk_window_maximize (GTK_WINDOW (window));
  gtk_widget_show (GTK_WIDGET (window));
  g_action_group_activate_action (G_ACTION_GROUP (window), "connect", NULL);
  must (mw_test_wait_until (mw_test_window_connected, window, 20000), "the connection");
  g_object_set (graph, "interval", 1, NULL);

  /* The console after a scripted session. */
  {
    MwTestTail wait = { window, "cannot open init.lua: \n> " };
    must (mw_test_wait_until (mw_test_console_ends_with, &wait, 15000), "the prompt");
  }
  type_line (window, "=1+1", "\n2\n> ");
  type_line (window, "for i=1,3 do", ">> ");
  type_line (window, "print('line', i)", ">> ");
  type_line (window, "end", "line\t3\n> ");
  type_line (window, "=node.heap()", "\n> ");
  type_line (window, "x=)", "\n> ");
  show_tabs (window, "files", "console");
  shoot ("console");

  /* A file with lint findings: marks and the Problems list. */
  editor = open_file (window, dir, "init.lua",
                      "-- start the app after a delay window\n"
                      "count = 0\n"
                      "local unused = 5\n"
                      "tmr.create():alarm(1000, tmr.ALARM_AUTO, function()\n"
                      "  count = count + 1\n"
                      "  print(\"tick\", count)\n"
                      "end)\n");
  mw_test_spin (1000);
  show_tabs (window, "files", "problems");
  shoot ("problems");

  /* Run with an error: the console's error and link, and the gutter mark. */
  editor = open_file (window, dir, "blink.lua",
                      "local pin = 4\n"
                      "gpio.mode(pin, gpio.OUTPUT)\n"
                      "local level = gpio.read(pin)\n"
                      "error('the LED is on pin ' .. pin .. ', not wired')\n");
  upload (window);
  show_tabs (window, "files", "console");
  g_action_group_activate_action (G_ACTION_GROUP (window), "run", NULL);
  must (mw_test_wait_until (mw_test_op_over, window, 20000), "the run");
  shoot ("run-error");

  /* The board's files, then the Board tab. */
  upload (window);
  g_action_group_activate_action (G_ACTION_GROUP (window), "compile-upload", NULL);
  must (mw_test_wait_until (mw_test_op_over, window, 30000), "compile & upload");
  show_tabs (window, "files", "console");
  shoot ("files");
  show_tabs (window, "board", "console");
  shoot ("board");

  /* The heap graph after a leak and a reset. */
  wait_samples (graph, 4);
  type_line (window,
             "t={} tmr.create():alarm(100, tmr.ALARM_AUTO, function() "
             "t[#t+1]=string.rep('x', 64)..#t end)",
             "> ");
  show_tabs (window, "board", "heap");
  mw_test_spin (20000);
  g_action_group_activate_action (G_ACTION_GROUP (window), "reset", NULL);
  mw_test_spin (8000);
  shoot ("heap");

  /* The upload pipeline dialog. */
  show_tabs (window, "files", "console");
  g_action_group_activate_action (G_ACTION_GROUP (window), "pipeline", NULL);
  dialog = find_toplevel (MW_TYPE_PIPELINE_DIALOG);
  shoot ("pipeline");
  gtk_widget_destroy (dialog);

  /* Downloading onto a file that is there: the question. */
  {
    MwFileBrowser *browser = mw_window_get_file_browser (window);

    mw_file_browser_select (browser, "blink.lua");
    g_signal_emit_by_name (browser, "file-action", "download", "blink.lua", dir);
    dialog = find_toplevel (GTK_TYPE_MESSAGE_DIALOG);
    shoot ("download-overwrite");
    gtk_dialog_response (GTK_DIALOG (dialog), GTK_RESPONSE_CANCEL);
  }

  /* Another program changes the open file: the reload bar. */
  {
    g_autofree char *path = g_build_filename (dir, "blink.lua", NULL);

    mw_test_spin (1100);
    g_assert_true (g_file_set_contents (path, "print('changed elsewhere')\n", -1, NULL));
    must (mw_test_wait_until (mw_test_disk_bar_shown, editor, 10000), "the reload bar");
    shoot ("reload-bar");
    mw_editor_reload (editor);
  }

  /* Preferences. */
  g_action_group_activate_action (G_ACTION_GROUP (app), "preferences", NULL);
  dialog = find_toplevel (MW_TYPE_PREFERENCES_DIALOG);
  shoot ("preferences");
  gtk_widget_destroy (dialog);

  /* The snippets bar and its editor. */
  mw_console_clear (console);
  type_line (window, "=node.heap()", "\n> ");
  g_action_group_activate_action (G_ACTION_GROUP (window), "edit-snippets", NULL);
  dialog = find_toplevel (MW_TYPE_SNIPPETS_DIALOG);
  shoot ("snippets");
  gtk_widget_destroy (dialog);
  /* the "more" menu, where the bar has one (a narrow window) */
  {
    GtkMenuButton *more = mw_snippets_bar_get_more_button (mw_window_get_snippets_bar (window));

    if (gtk_widget_get_child_visible (GTK_WIDGET (more)))
      {
        gtk_toggle_button_set_active (GTK_TOGGLE_BUTTON (more), TRUE);
        shoot ("snippets-more");
        gtk_toggle_button_set_active (GTK_TOGGLE_BUTTON (more), FALSE);
      }
  }

  /* Completion, then the hover documentation. */
  editor = mw_window_new_document (window);
  {
    GtkTextBuffer *buffer = GTK_TEXT_BUFFER (mw_editor_get_document (editor));
    GtkTextView *view = GTK_TEXT_VIEW (mw_editor_get_view (editor));

    gtk_text_buffer_set_text (buffer, "local t = tmr.", -1);
    gtk_widget_grab_focus (GTK_WIDGET (view));
    g_signal_emit_by_name (view, "show-completion");
    shoot ("completion");
    gtk_source_completion_hide (gtk_source_view_get_completion (GTK_SOURCE_VIEW (view)));
    gtk_text_buffer_set_text (buffer,
                              "local t = tmr.create()\n"
                              "t:alarm(500, tmr.ALARM_AUTO, function() gpio.write(4, gpio.HIGH) "
                              "end)\n",
                              -1);
    mw_test_spin (500);
    hover_word (editor, "write");
    must (mw_test_wait_until (tooltip_shown, NULL, 10000), "the hover tooltip");
    shoot ("hover");
    gtk_text_buffer_set_modified (buffer, FALSE);
  }

  {
    g_autoptr (GList) editors = mw_window_list_editors (window);

    /* no "unsaved changes" question at the end */
    for (GList *l = editors; l != NULL; l = l->next)
      gtk_text_buffer_set_modified (GTK_TEXT_BUFFER (mw_editor_get_document (l->data)), FALSE);
  }
  gtk_widget_destroy (GTK_WIDGET (window));
  {
    const char *names[] = { "init.lua", "blink.lua", NULL };
    for (guint i = 0; names[i] != NULL; i++)
      {
        g_autofree char *path = g_build_filename (dir, names[i], NULL);
        g_unlink (path);
      }
    g_rmdir (dir);
  }
  return 0;
}
