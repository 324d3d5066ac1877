/* test-session.c: the window and the simulated NodeMCU as a user meets them: the console's whole
 * text after a scripted session (each reply once and in order, prompts as a terminal shows
 * them), the window's minimum width, typed ports, the file list's menus, formatting the flash
 * and uploading a folder. */
#include "mw-config.h"

#include "mw-test-app.h"
#include "mw-test-support.h"
#include "mw-pipeline-dialog.h"
#include "mw-sim.h"
#include "mw-window.h"

#include <glib/gstdio.h>
#include <string.h>

static MwApplication *app;

#define BANNER MW_TEST_BANNER
#define NO_LFS_IMAGE MW_TEST_NO_LFS_IMAGE

static gboolean
connected (gpointer data)
{
  return mw_board_is_connected (mw_window_get_board (data));
}

static MwWindow *
connect_window (void)
{
  MwWindow *window = mw_window_new (app);

  gtk_window_resize (GTK_WINDOW (window), 1024, 600);
  gtk_widget_show (GTK_WIDGET (window));
  g_action_group_activate_action (G_ACTION_GROUP (window), "connect", NULL);
  g_assert_true (mw_test_wait_until (connected, window, 20000));
  return window;
}

/* Sends `line` as typed and waits until the console ends with `tail`. */
static void
type_line (MwWindow *window, const char *line, const char *tail)
{
  MwTestTail wait = { window, tail };
  MwConsole *console = mw_window_get_console (window);
  GtkEntry *entry = mw_console_get_entry (console);

  gtk_entry_set_text (entry, line);
  g_signal_emit_by_name (entry, "activate");
  if (!mw_test_wait_until (mw_test_console_ends_with, &wait, 10000))
    {
      g_autofree char *text = mw_console_dup_text (console);
      g_error ("after %s, the console does not end with %s:\n%s", line, tail, text);
    }
}

/* Each reply once, in order; continuation prompts; errors; a restart noted before its banner;
 * several lines sent at once each after its own prompt; the prompt shown at the end. */
static void
test_transcript (void)
{
  MwWindow *window = connect_window ();
  MwConsole *console = mw_window_get_console (window);
  g_autofree char *text = NULL;
  static const char expected[] = NO_LFS_IMAGE BANNER
    "> =1+1\n"
    "2\n"
    "> for i=1,3 do\n"
    ">> print(i)\n"
    ">> end\n"
    "1\n"
    "2\n"
    "3\n"
    "> x=\n"
    ">> print('a')\n"
    "a\n"
    "> x=)\n"
    "Lua error: \tstdin:1: unexpected symbol near ')'\n"
    "> error('boom')\n"
    "Lua error: \tstdin:1: boom\n"
    "stack traceback:\n"
    "\t[C]: in function 'error'\n"
    "\tstdin:1: in main chunk\n"
    "\t[C]: ?\n"
    "\t[C]: ?\n"
    "> node.restart()\n"
    "[the board restarted]\n" NO_LFS_IMAGE "\n" BANNER "> =2+2\n"
    "4\n"
    "> print('one')\n"
    "one\n"
    "> print('two')\n"
    "two\n"
    "> =3*3\n"
    "9\n"
    "> ";

  /* The banner of the boot seen while connecting, and the prompt. */
  {
    MwTestTail wait = { window, "cannot open init.lua: \n> " };
    g_assert_true (mw_test_wait_until (mw_test_console_ends_with, &wait, 10000));
  }
  type_line (window, "=1+1", "\n2\n> ");
  type_line (window, "for i=1,3 do", "do\n>> ");
  type_line (window, "print(i)", "print(i)\n>> ");
  type_line (window, "end", "3\n> ");
  type_line (window, "x=", "x=\n>> ");
  type_line (window, "print('a')", "a\n> ");
  type_line (window, "x=)", "')'\n> ");
  type_line (window, "error('boom')", "in main chunk\n\t[C]: ?\n\t[C]: ?\n> ");
  type_line (window, "node.restart()", "cannot open init.lua: \n> ");
  type_line (window, "=2+2", "4\n> ");
  /* Ctrl+Enter on a selection of three lines: sent one by one, with the Console in front. */
  {
    MwEditor *editor = mw_window_new_document (window);
    GtkTextBuffer *buffer = GTK_TEXT_BUFFER (mw_editor_get_document (editor));
    GtkTextIter start, end;
    GtkStack *stack = GTK_STACK (gtk_widget_get_ancestor (GTK_WIDGET (console), GTK_TYPE_STACK));

    gtk_text_buffer_set_text (buffer, "print('one')\nprint('two')\n=3*3\n", -1);
    gtk_text_buffer_get_bounds (buffer, &start, &end);
    gtk_text_buffer_select_range (buffer, &start, &end);
    gtk_stack_set_visible_child_name (stack, "problems");
    g_action_group_activate_action (G_ACTION_GROUP (window), "send-selection", NULL);
    g_assert_cmpstr (gtk_stack_get_visible_child_name (stack), ==, "console");
    gtk_text_buffer_set_modified (buffer, FALSE);
  }
  {
    MwTestTail wait = { window, "9\n> " };
    g_assert_true (mw_test_wait_until (mw_test_console_ends_with, &wait, 10000));
  }
  /* Heap samples and other commands of Moonwire's own leave nothing behind. */
  mw_test_spin (2500);
  mw_console_flush (console);
  text = mw_console_dup_text (console);
  g_assert_cmpstr (text, ==, expected);
  {
    g_autofree char *shot = mw_test_screenshot (GTK_WIDGET (window), "moonwire-transcript.png");
    g_test_message ("screenshot: %s", shot);
  }
  gtk_widget_destroy (GTK_WIDGET (window));
}

/* A loop of 3000 prints shows 3000 lines, once each, in order. */
static void
test_flood_once (void)
{
  MwWindow *window = connect_window ();
  MwConsole *console = mw_window_get_console (window);
  g_autofree char *text = NULL;
  g_autoptr (GString) expected = g_string_new (NULL);
  const char *after;

  type_line (window, "for i=1,3000 do print(i) end", "\n3000\n> ");
  g_string_append (expected, "> for i=1,3000 do print(i) end\n");
  for (int i = 1; i <= 3000; i++)
    g_string_append_printf (expected, "%d\n", i);
  g_string_append (expected, "> ");
  text = mw_console_dup_text (console);
  after = strstr (text, "cannot open init.lua: \n");
  g_assert_nonnull (after);
  g_assert_cmpstr (after + strlen ("cannot open init.lua: \n"), ==, expected->str);
  gtk_widget_destroy (GTK_WIDGET (window));
}

/* A chunk of many lines, each answered by ">> ": Moonwire's own command is on the wire for a
 * while, and the console must show none of its prompts. */
#define SLOW_CHUNK \
  "local n=0\nn=n+1\nn=n+1\nn=n+1\nn=n+1\nn=n+1\nn=n+1\nn=n+1\nn=n+1\nn=n+1\nn=n+1\n" \
  "n=n+1\nn=n+1\nn=n+1\nn=n+1\nn=n+1\nn=n+1\nn=n+1\nn=n+1\nn=n+1\nn=n+1\n" \
  "for i=1,3 do\ntmr.delay(50000)\nend"

static void
exec_done_cb (GObject *object, GAsyncResult *result, gpointer user_data)
{
  g_autoptr (GBytes) out = mw_board_exec_finish (MW_BOARD (object), result, NULL);

  *(gboolean *) user_data = TRUE;
}

static gboolean
flag_set (gpointer data)
{
  return *(gboolean *) data;
}

/* A line typed while one of Moonwire's own commands of several lines is still on the wire (the
 * probes after connecting, a heap sample): it is shown after the prompt it is sent at, and the
 * command's continuation prompts never show. Regression: the line was echoed at once, after
 * the ">> " the command was waiting at, and the prompts that followed stayed in the text. */
static void
test_typed_while_busy (void)
{
  MwWindow *window = connect_window ();
  MwConsole *console = mw_window_get_console (window);
  MwBoard *board = mw_window_get_board (window);
  GtkEntry *entry = mw_console_get_entry (console);
  g_autofree char *text = NULL;
  gboolean done = FALSE;
  MwTestTail wait = { window, "\n7\n> " };
  const char *after;

  {
    MwTestTail booted = { window, "cannot open init.lua: \n> " };
    g_assert_true (mw_test_wait_until (mw_test_console_ends_with, &booted, 10000));
  }
  mw_test_spin (300);
  mw_board_exec_async (board, SLOW_CHUNK, 10000, NULL, NULL, NULL, exec_done_cb, &done);
  mw_test_spin (30);
  gtk_entry_set_text (entry, "=3+4");
  g_signal_emit_by_name (entry, "activate");
  g_assert_true (mw_test_wait_until (flag_set, &done, 10000));
  g_assert_true (mw_test_wait_until (mw_test_console_ends_with, &wait, 10000));
  mw_test_spin (300);
  mw_console_flush (console);
  text = mw_console_dup_text (console);
  after = strstr (text, "cannot open init.lua: \n");
  g_assert_nonnull (after);
  g_assert_cmpstr (after + strlen ("cannot open init.lua: \n"), ==, "> =3+4\n7\n> ");
  gtk_widget_destroy (GTK_WIDGET (window));
}

static gint
min_width (MwWindow *window)
{
  gint min = 0, nat = 0;

  gtk_widget_get_preferred_width (GTK_WIDGET (window), &min, &nat);
  return min;
}

static gint
min_height (MwWindow *window)
{
  gint min = 0, nat = 0;

  gtk_widget_get_preferred_height_for_width (GTK_WIDGET (window), 800, &min, &nat);
  return min;
}

/* Every pair of side and bottom tabs: the minimum width and height stay within 800x600, and the
 * window keeps its width (it never widens itself). */
static void
check_every_tab (MwWindow *window, const char *state)
{
  static const char *bottom[] = { "console", "heap", "memory", "problems" };
  static const char *side[] = { "files", "board" };
  GtkStack *bottom_stack = GTK_STACK (
    gtk_widget_get_ancestor (GTK_WIDGET (mw_window_get_console (window)), GTK_TYPE_STACK));
  GtkStack *side_stack = GTK_STACK (
    gtk_widget_get_ancestor (GTK_WIDGET (mw_window_get_board_panel (window)), GTK_TYPE_STACK));
  gint width, height;

  for (guint b = 0; b < G_N_ELEMENTS (bottom); b++)
    for (guint s = 0; s < G_N_ELEMENTS (side); s++)
      {
        gtk_stack_set_visible_child_name (bottom_stack, bottom[b]);
        gtk_stack_set_visible_child_name (side_stack, side[s]);
        mw_test_spin (50);
        g_test_message ("%s, %s and %s: minimum size %dx%d", state, bottom[b], side[s],
                        min_width (window), min_height (window));
        g_assert_cmpint (min_width (window), <=, 800);
        g_assert_cmpint (min_height (window), <=, 600);
        gtk_window_get_size (GTK_WINDOW (window), &width, &height);
        g_assert_cmpint (width, ==, 800);
      }
}

/* Every value of the Board tab reads whole in the side pane: none cut short with "…" and none
 * wider than its place. */
static void
assert_board_values_whole (MwWindow *window)
{
  static const char *names[] = { "firmware_label", "build_label",      "modules_label",
                                 "chip_label",     "flash_label",      "heap_label",
                                 "lfs_label",      "lfs_modules_label" };
  GtkWidget *panel = GTK_WIDGET (mw_window_get_board_panel (window));

  for (guint i = 0; i < G_N_ELEMENTS (names); i++)
    {
      GtkLabel *label =
        GTK_LABEL (gtk_widget_get_template_child (panel, MW_TYPE_BOARD_PANEL, names[i]));
      PangoLayout *layout = gtk_label_get_layout (label);
      PangoRectangle logical;

      pango_layout_get_pixel_extents (layout, NULL, &logical);
      g_test_message ("%s: %s (%d px in %d)", names[i], gtk_label_get_text (label), logical.width,
                      gtk_widget_get_allocated_width (GTK_WIDGET (label)));
      g_assert_false (pango_layout_is_ellipsized (layout));
      g_assert_cmpint (logical.width, <=, gtk_widget_get_allocated_width (GTK_WIDGET (label)));
    }
}

/* The port entry's text is shown whole: as wide as its text area at most, once the header bar
 * has settled (the title's width follows the window's in an idle). */
static gboolean
port_name_whole (gpointer data)
{
  GtkEntry *entry = GTK_ENTRY (gtk_bin_get_child (GTK_BIN (mw_window_get_port_combo (data))));
  GdkRectangle area;
  PangoRectangle logical;

  gtk_entry_get_text_area (entry, &area);
  pango_layout_get_pixel_extents (gtk_entry_get_layout (entry), NULL, &logical);
  return logical.width <= area.width;
}

static void
assert_port_name_whole (MwWindow *window)
{
  GtkEntry *entry = GTK_ENTRY (gtk_bin_get_child (GTK_BIN (mw_window_get_port_combo (window))));

  if (!mw_test_wait_until (port_name_whole, window, 5000))
    {
      GdkRectangle area;
      gtk_entry_get_text_area (entry, &area);
      g_error ("the port's name %s is cut short in %d px", gtk_entry_get_text (entry), area.width);
    }
}

static gboolean
subtitle_whole (gpointer data)
{
  return !pango_layout_is_ellipsized (gtk_label_get_layout (data));
}

static gboolean
has_samples (gpointer data)
{
  MwHeapStats stats;
  return mw_heap_graph_get_stats (data, &stats) && stats.n_samples >= 3;
}

#define LONG_PORT \
  "/dev/serial/by-id/usb-Silicon_Labs_CP2102N_USB_to_UART_Bridge_Controller_" \
  "3c8a1f0e5d27eb11a5b7c1d2e3f40516-if00-port0"

/* Usable on an 800x600 screen: the window's minimum size stays within 800x600 however it is
 * used: before and after connecting, with a long port path typed and among the recent ports, a
 * file in a deep folder open, a long message, the snippets bar, heap samples coming, every tab
 * of both panes shown. */
static void
test_min_width (void)
{
  GSettings *settings = mw_application_get_settings (app);
  const char *recent[] = { LONG_PORT, NULL };
  MwWindow *window;
  MwHeapGraph *graph;
  g_autofree char *dir = g_dir_make_tmp ("mw-a-folder-with-a-rather-long-name-XXXXXX", NULL);
  g_autofree char *deep =
    g_build_filename (dir, "projects", "greenhouse-controller", "firmware", "lua", "sensors", NULL);
  g_autofree char *path = g_build_filename (deep, "temperature_and_humidity_sensor.lua", NULL);
  g_autoptr (GFile) file = g_file_new_for_path (path);
  MwTestOpen wait = { NULL, file };
  GtkEntry *port_entry;

  g_settings_set_strv (settings, "recent-ports", recent);
  window = mw_window_new (app);
  wait.window = window;
  graph = mw_window_get_heap_graph (window);
  gtk_window_set_default_size (GTK_WINDOW (window), 800, 600);
  gtk_widget_show (GTK_WIDGET (window));
  mw_test_spin (100);
  check_every_tab (window, "new");

  /* A long port typed in, then the simulated board chosen again for the connection. */
  port_entry = GTK_ENTRY (gtk_bin_get_child (GTK_BIN (mw_window_get_port_combo (window))));
  gtk_entry_set_text (port_entry, LONG_PORT);
  check_every_tab (window, "long port");
  g_assert_true (
    gtk_combo_box_set_active_id (mw_window_get_port_combo (window), MW_BOARD_SIMULATED_PORT));

  g_assert_cmpint (g_mkdir_with_parents (deep, 0700), ==, 0);
  g_assert_true (
    g_file_set_contents (path, "print(\"a rather long line of Lua to read\")\n", -1, NULL));
  mw_window_open_file (window, file);
  g_assert_true (mw_test_wait_until (mw_test_file_open, &wait, 10000));
  mw_window_show_message (window, GTK_MESSAGE_INFO,
                          "A message long enough to be wider than the window on one line: the "
                          "info bar wraps it rather than widening the window to fit it whole.");
  check_every_tab (window, "file open");

  g_action_group_activate_action (G_ACTION_GROUP (window), "connect", NULL);
  g_assert_true (mw_test_wait_until (connected, window, 20000));
  g_object_set (graph, "interval", 1, NULL);
  g_assert_true (mw_test_wait_until (has_samples, graph, 15000));
  check_every_tab (window, "connected");
  assert_board_values_whole (window);
  /* The Board tab: the simulated chip's 4 MB flash (node.info says 4096 KB). */
  {
    GtkLabel *flash = GTK_LABEL (gtk_widget_get_template_child (
      GTK_WIDGET (mw_window_get_board_panel (window)), MW_TYPE_BOARD_PANEL, "flash_label"));
    g_assert_cmpstr (gtk_label_get_text (flash), ==, "4.0\u00a0MiB");
  }
  {
    g_autofree char *shot = mw_test_screenshot (GTK_WIDGET (window), "moonwire-800.png");
    g_test_message ("screenshot: %s", shot);
  }
  /* On a 1024 px screen the port's name reads whole beside the long title (which gave it 16
   * of its 17 characters). */
  g_assert_cmpstr (gtk_entry_get_text (port_entry), ==, "Simulated NodeMCU");
  g_assert_true (mw_test_resize (window, 1024, 600));
  assert_port_name_whole (window);
  gtk_widget_destroy (GTK_WIDGET (window));
  g_assert_cmpint (g_unlink (path), ==, 0);
  g_settings_reset (settings, "recent-ports");
  g_settings_reset (settings, "last-port");
}

static gboolean
disconnected (gpointer data)
{
  return !connected (data);
}

/* Any port can be typed: here a pseudo-terminal with a board behind it (as an external
 * moonwire-sim or socat gives). It is remembered among the recent ports and, as the last port
 * connected to, chosen in the next window; the configured default port is the one a new window
 * starts with. */
static void
test_typed_port (void)
{
  MwSimOptions options;
  g_autoptr (MwSim) sim = NULL;
  g_autoptr (GError) error = NULL;
  GSettings *settings = mw_application_get_settings (app);
  MwWindow *window;
  GtkComboBox *combo;
  GtkEntry *entry;
  g_auto (GStrv) recent = NULL;
  g_autofree char *expected = NULL;

  mw_sim_options_init (&options);
  sim = mw_sim_new (&options);
  g_assert_true (mw_sim_start (sim, &error));
  g_assert_no_error (error);
  g_settings_reset (settings, "recent-ports");
  g_settings_reset (settings, "default-port");

  window = mw_window_new (app);
  gtk_widget_show (GTK_WIDGET (window));
  combo = mw_window_get_port_combo (window);
  entry = GTK_ENTRY (gtk_bin_get_child (GTK_BIN (combo)));
  gtk_entry_set_text (entry, "");
  g_action_group_activate_action (G_ACTION_GROUP (window), "connect", NULL);
  g_assert_cmpstr (mw_window_get_message (window), ==,
                   "Choose a port, or type one: a serial port, a pseudo-terminal (/dev/pts/N) or "
                   "tcp://host:port.");
  gtk_entry_set_text (entry, mw_sim_get_path (sim));
  g_action_group_activate_action (G_ACTION_GROUP (window), "connect", NULL);
  g_assert_true (mw_test_wait_until (connected, window, 20000));
  g_assert_cmpstr (mw_board_get_port (mw_window_get_board (window)), ==, mw_sim_get_path (sim));
  expected = g_strdup_printf ("Connected to %s: NodeMCU 3.0.0, float build", mw_sim_get_path (sim));
  g_assert_cmpstr (mw_window_get_message (window), ==, expected);
  recent = g_settings_get_strv (settings, "recent-ports");
  g_assert_cmpuint (g_strv_length (recent), ==, 1);
  g_assert_cmpstr (recent[0], ==, mw_sim_get_path (sim));
  g_action_group_activate_action (G_ACTION_GROUP (window), "disconnect", NULL);
  g_assert_true (mw_test_wait_until (disconnected, window, 5000));
  gtk_widget_destroy (GTK_WIDGET (window));

  /* The next window offers it by name, and starts with it: the last port connected to (no
   * default is set). */
  window = mw_window_new (app);
  combo = mw_window_get_port_combo (window);
  g_assert_cmpstr (gtk_combo_box_get_active_id (combo), ==, mw_sim_get_path (sim));
  g_assert_true (gtk_combo_box_set_active_id (combo, MW_BOARD_SIMULATED_PORT));
  gtk_widget_destroy (GTK_WIDGET (window));

  /* With the port as the default in Preferences, a new window starts with it. */
  g_settings_set_string (settings, "default-port", mw_sim_get_path (sim));
  window = mw_window_new (app);
  gtk_widget_show (GTK_WIDGET (window));
  g_assert_cmpstr (gtk_combo_box_get_active_id (mw_window_get_port_combo (window)), ==,
                   mw_sim_get_path (sim));
  g_action_group_activate_action (G_ACTION_GROUP (window), "connect", NULL);
  g_assert_true (mw_test_wait_until (connected, window, 20000));
  gtk_widget_destroy (GTK_WIDGET (window));
  g_settings_reset (settings, "default-port");
  g_settings_reset (settings, "recent-ports");
  g_settings_reset (settings, "last-port");
  mw_sim_stop (sim);
}

typedef struct
{
  MwWindow *window;
  const char *name;
  gint64 size;
} ListWait;

static gboolean
listed (gpointer data)
{
  ListWait *wait = data;
  return mw_file_browser_lookup (mw_window_get_file_browser (wait->window), wait->name)
         == wait->size;
}

static gboolean
no_files (gpointer data)
{
  return mw_file_browser_get_n_files (mw_window_get_file_browser (data)) == 0;
}

static gboolean
has_message_dialog (gpointer data)
{
  GList *toplevels = gtk_window_list_toplevels ();
  gboolean found = FALSE;

  for (GList *l = toplevels; l != NULL; l = l->next)
    if (GTK_IS_MESSAGE_DIALOG (l->data) && gtk_widget_get_visible (l->data))
      {
        *(GtkDialog **) data = l->data;
        found = TRUE;
      }
  g_list_free (toplevels);
  return found;
}

static GtkWidget *
menu_item (GtkMenu *menu, const char *label)
{
  g_autoptr (GList) items = gtk_container_get_children (GTK_CONTAINER (menu));

  for (GList *l = items; l != NULL; l = l->next)
    if (g_strcmp0 (gtk_menu_item_get_label (l->data), label) == 0)
      return l->data;
  g_error ("no menu item %s", label);
}

/* Upload a folder (its files, not the hidden ones); the list's context menu says what each
 * action needs; Format asks first, then leaves the board without files. */
static void
test_folder_and_format (void)
{
  MwWindow *window = connect_window ();
  MwFileBrowser *browser = mw_window_get_file_browser (window);
  GtkMenu *menu = mw_file_browser_get_context_menu (browser);
  g_autofree char *dir = g_dir_make_tmp ("mw-folder-XXXXXX", NULL);
  g_autofree char *a = g_build_filename (dir, "init.lua", NULL);
  g_autofree char *b = g_build_filename (dir, "config.txt", NULL);
  g_autofree char *hidden = g_build_filename (dir, ".secret", NULL);
  ListWait wait_a = { window, "init.lua", 13 };
  ListWait wait_b = { window, "config.txt", 6 };
  GtkDialog *dialog = NULL;
  GtkWidget *compile;

  g_assert_true (g_file_set_contents (a, "print('hi')\n\n", -1, NULL));
  g_assert_true (g_file_set_contents (b, "ssid=x", -1, NULL));
  g_assert_true (g_file_set_contents (hidden, "no", -1, NULL));
  g_signal_emit_by_name (browser, "file-action", "sync", NULL, dir);
  g_assert_true (mw_test_wait_until (listed, &wait_a, 20000));
  g_assert_true (mw_test_wait_until (listed, &wait_b, 20000));
  g_assert_cmpuint (mw_file_browser_get_n_files (browser), ==, 2);

  compile = menu_item (menu, "_Compile on the Board");
  mw_file_browser_select (browser, "config.txt");
  g_assert_false (gtk_widget_get_sensitive (compile));
  g_assert_cmpstr (gtk_widget_get_tooltip_text (compile), ==, "only .lua files compile");
  mw_file_browser_select (browser, "init.lua");
  g_assert_true (gtk_widget_get_sensitive (compile));
  g_assert_true (gtk_widget_get_sensitive (menu_item (menu, "_Run")));

  /* Format: Cancel keeps the files, Format erases them. */
  {
    GtkMenuButton *more = GTK_MENU_BUTTON (
      gtk_widget_get_template_child (GTK_WIDGET (browser), MW_TYPE_FILE_BROWSER, "more_button"));
    GtkMenu *more_menu = gtk_menu_button_get_popup (more);

    gtk_menu_item_activate (GTK_MENU_ITEM (menu_item (more_menu, "_Format the Flash…")));
    g_assert_true (mw_test_wait_until (has_message_dialog, &dialog, 5000));
    gtk_dialog_response (dialog, GTK_RESPONSE_CANCEL);
    mw_test_spin (500);
    g_assert_cmpuint (mw_file_browser_get_n_files (browser), ==, 2);
    dialog = NULL;
    gtk_menu_item_activate (GTK_MENU_ITEM (menu_item (more_menu, "_Format the Flash…")));
    g_assert_true (mw_test_wait_until (has_message_dialog, &dialog, 5000));
    gtk_dialog_response (dialog, GTK_RESPONSE_ACCEPT);
  }
  g_assert_true (mw_test_wait_until (no_files, window, 20000));
  g_assert_cmpstr (mw_window_get_message (window), ==,
                   "Formatted the flash: the board has no files.");
  gtk_widget_destroy (GTK_WIDGET (window));
  g_unlink (a);
  g_unlink (b);
  g_unlink (hidden);
  g_rmdir (dir);
}

typedef struct
{
  MwEditor *editor;
  const char *text;
} TextWait;

static gboolean
has_text (gpointer data)
{
  TextWait *wait = data;
  g_autofree char *text = mw_document_dup_text (mw_editor_get_document (wait->editor));
  return g_str_equal (text, wait->text) && !mw_editor_get_disk_bar_shown (wait->editor);
}

typedef struct
{
  MwWindow *window;
  const char *message;
} MessageWait;

static gboolean
message_is (gpointer data)
{
  MessageWait *wait = data;

  return g_strcmp0 (mw_window_get_message (wait->window), wait->message) == 0;
}

static void
upload (MwWindow *window)
{
  g_assert_true (g_action_group_get_action_enabled (G_ACTION_GROUP (window), "upload"));
  g_action_group_activate_action (G_ACTION_GROUP (window), "upload", NULL);
  g_assert_true (mw_test_wait_until (mw_test_op_over, window, 30000));
}

static char *
read_text (const char *path)
{
  char *text = NULL;

  g_assert_true (g_file_get_contents (path, &text, NULL, NULL));
  return text;
}

/* Files on disk are the user's: Download asks before it replaces one; an open file changed by
 * another program shows a bar offering to reload, and until the user decides Upload says why it
 * does not send the editor's text; an upload of unsaved text says so; the board's copy opened
 * from the list is named as such on its tab. */
static void
test_files_on_disk (void)
{
  MwWindow *window = connect_window ();
  MwFileBrowser *browser = mw_window_get_file_browser (window);
  g_autofree char *dir = g_dir_make_tmp ("mw-disk-XXXXXX", NULL);
  g_autofree char *path = g_build_filename (dir, "app.lua", NULL);
  g_autofree char *cached =
    g_build_filename (g_get_user_cache_dir (), "moonwire", "board", "app.lua", NULL);
  g_autoptr (GFile) file = g_file_new_for_path (path);
  g_autoptr (GFile) cached_file = g_file_new_for_path (cached);
  MwTestOpen wait = { window, file };
  GtkDialog *dialog = NULL;
  MwEditor *editor;
  g_autofree char *text = NULL;
  g_autofree char *kept = NULL;
  ListWait listed_b = { window, "app.lua", 11 };

  g_assert_true (g_file_set_contents (path, "print('A')\n", -1, NULL));
  mw_window_open_file (window, file);
  g_assert_true (mw_test_wait_until (mw_test_file_open, &wait, 10000));
  editor = mw_window_find_editor (window, file);

  /* Another program changes the file: the bar shows, Upload refuses and says why. */
  mw_test_spin (1100); /* a new modification time */
  g_assert_true (g_file_set_contents (path, "print('B')\n", -1, NULL));
  g_assert_true (mw_test_wait_until (mw_test_disk_bar_shown, editor, 10000));
  g_action_group_activate_action (G_ACTION_GROUP (window), "upload", NULL);
  g_assert_cmpstr (mw_window_get_message (window), ==,
                   "Not uploaded: app.lua changed on disk since it was opened here. Reload it, or "
                   "keep the editor's text, first.");
  mw_editor_reload (editor);
  {
    TextWait tw = { editor, "print('B')\n" };
    g_assert_true (mw_test_wait_until (has_text, &tw, 10000));
  }
  upload (window);
  g_assert_true (g_str_has_prefix (mw_window_get_message (window), "Uploaded app.lua: 11 bytes"));
  g_assert_true (mw_test_wait_until (listed, &listed_b, 10000));

  /* Download into the folder that has app.lua: asked first; Cancel leaves the file. */
  mw_test_spin (1100);
  g_assert_true (g_file_set_contents (path, "print('C')\n", -1, NULL));
  g_assert_true (mw_test_wait_until (mw_test_disk_bar_shown, editor, 10000));
  mw_file_browser_select (browser, "app.lua");
  g_signal_emit_by_name (browser, "file-action", "download", "app.lua", dir);
  g_assert_true (mw_test_wait_until (has_message_dialog, &dialog, 10000));
  gtk_dialog_response (dialog, GTK_RESPONSE_CANCEL);
  mw_test_spin (100);
  text = read_text (path);
  g_assert_cmpstr (text, ==, "print('C')\n");
  kept = g_strdup_printf ("Not downloaded: %s is as it was.", path);
  g_assert_cmpstr (mw_window_get_message (window), ==, kept);
  /* Replace writes the board's bytes. */
  dialog = NULL;
  g_signal_emit_by_name (browser, "file-action", "download", "app.lua", dir);
  g_assert_true (mw_test_wait_until (has_message_dialog, &dialog, 10000));
  gtk_dialog_response (dialog, GTK_RESPONSE_ACCEPT);
  g_clear_pointer (&text, g_free);
  text = read_text (path);
  g_assert_cmpstr (text, ==, "print('B')\n");

  /* Keep Mine: the editor's text counts as unsaved; uploading it says so. */
  mw_editor_reload (editor);
  {
    TextWait tw = { editor, "print('B')\n" };
    g_assert_true (mw_test_wait_until (has_text, &tw, 10000));
  }
  gtk_text_buffer_set_text (GTK_TEXT_BUFFER (mw_editor_get_document (editor)), "print('D')\n", -1);
  upload (window);
  g_assert_cmpstr (strstr (mw_window_get_message (window), " s (the"), ==,
                   " s (the editor's text, with changes not saved to the file)");

  /* The board's copy opened from the list: its tab says so, the local file's does not. */
  g_signal_emit_by_name (browser, "file-action", "open", "app.lua", NULL);
  wait.file = cached_file;
  g_assert_true (mw_test_wait_until (mw_test_file_open, &wait, 10000));
  {
    g_autofree char *board_tab =
      mw_window_dup_tab_label (window, mw_window_find_editor (window, cached_file));
    g_autofree char *local_tab = mw_window_dup_tab_label (window, editor);
    g_assert_cmpstr (board_tab, ==, "app.lua (board)");
    g_assert_cmpstr (local_tab, ==, "\u2022app.lua");
  }
  /* Two local files of one name: each tab names its folder. */
  {
    g_autofree char *other_dir = g_build_filename (dir, "other", NULL);
    g_autofree char *other_path = g_build_filename (other_dir, "app.lua", NULL);
    g_autoptr (GFile) other = g_file_new_for_path (other_path);
    g_autofree char *local_tab = NULL;
    g_autofree char *other_tab = NULL;
    g_autofree char *expected = NULL;

    g_assert_cmpint (g_mkdir (other_dir, 0700), ==, 0);
    g_assert_true (g_file_set_contents (other_path, "print('E')\n", -1, NULL));
    wait.file = other;
    mw_window_open_file (window, other);
    g_assert_true (mw_test_wait_until (mw_test_file_open, &wait, 10000));
    local_tab = mw_window_dup_tab_label (window, editor);
    other_tab = mw_window_dup_tab_label (window, mw_window_find_editor (window, other));
    expected = g_strdup_printf ("\u2022app.lua — %s", strrchr (dir, '/') + 1);
    g_assert_cmpstr (local_tab, ==, expected);
    g_assert_cmpstr (other_tab, ==, "app.lua — other");
    g_unlink (other_path);
    g_rmdir (other_dir);
  }
  gtk_text_buffer_set_modified (GTK_TEXT_BUFFER (mw_editor_get_document (editor)), FALSE);
  gtk_widget_destroy (GTK_WIDGET (window));
  g_unlink (path);
  g_rmdir (dir);
}

/* The pipeline dialog: Strip and Remove only while Compile is on; a Close button. */
static void
test_pipeline_dialog (void)
{
  MwWindow *window = mw_window_new (app);
  g_autofree char *dir = g_dir_make_tmp ("mw-pipe-XXXXXX", NULL);
  GtkWidget *dialog =
    mw_pipeline_dialog_new (GTK_WINDOW (window), mw_application_get_settings (app), dir);
  GtkSwitch *switches[5];

  {
    /* the switches in their order: lint, minify, compile, strip, remove */
    GList *queue = g_list_append (NULL, gtk_dialog_get_content_area (GTK_DIALOG (dialog)));
    guint n = 0;

    while (queue != NULL)
      {
        GtkWidget *w = queue->data;

        queue = g_list_delete_link (queue, queue);
        if (GTK_IS_SWITCH (w) && n < 5)
          switches[n++] = GTK_SWITCH (w);
        else if (GTK_IS_CONTAINER (w))
          {
            GList *children = gtk_container_get_children (GTK_CONTAINER (w));
            /* depth first, in order */
            queue = g_list_concat (children, queue);
          }
      }
    g_assert_cmpuint (n, ==, 5);
  }
  gtk_switch_set_active (switches[2], FALSE);
  g_assert_false (gtk_widget_get_sensitive (GTK_WIDGET (switches[3])));
  g_assert_false (gtk_widget_get_sensitive (GTK_WIDGET (switches[4])));
  gtk_switch_set_active (switches[2], TRUE);
  g_assert_true (gtk_widget_get_sensitive (GTK_WIDGET (switches[3])));
  g_assert_true (gtk_widget_get_sensitive (GTK_WIDGET (switches[4])));
  g_assert_nonnull (gtk_dialog_get_widget_for_response (GTK_DIALOG (dialog), GTK_RESPONSE_CLOSE));
  gtk_widget_destroy (dialog);
  gtk_widget_destroy (GTK_WIDGET (window));
  g_rmdir (dir);
}

/* Run: a file not on the board is named as such; a runtime error comes into the console with
 * its traceback, highlighted, and its file:line link opens the line; Disconnect says so. */
static void
test_run_errors (void)
{
  MwWindow *window = connect_window ();
  MwConsole *console = mw_window_get_console (window);
  g_autofree char *dir = g_dir_make_tmp ("mw-run-XXXXXX", NULL);
  g_autofree char *path = g_build_filename (dir, "bad.lua", NULL);
  g_autoptr (GFile) file = g_file_new_for_path (path);
  MwTestOpen wait = { window, file };
  ListWait on_board = { window, "bad.lua", 48 };
  MwEditor *editor;
  g_autofree char *text = NULL;
  const char *run;
  GtkTextIter cursor;

  g_assert_true (
    g_file_set_contents (path, "local x = 1\nlocal y = x + 1\nerror('boom ' .. y)\n", -1, NULL));
  mw_window_open_file (window, file);
  g_assert_true (mw_test_wait_until (mw_test_file_open, &wait, 10000));
  editor = mw_window_find_editor (window, file);
  g_action_group_activate_action (G_ACTION_GROUP (window), "run", NULL);
  /* said once the board's file list is in (the connection asked for it) */
  {
    MessageWait said = { window, "bad.lua is not on the board: upload it first (Ctrl+U)." };
    if (!mw_test_wait_until (message_is, &said, 10000))
      g_error ("the message is %s", mw_window_get_message (window));
  }

  upload (window);
  g_assert_true (mw_test_wait_until (listed, &on_board, 10000));
  /* Run while one of Moonwire's own commands of several lines waits at its ">> " (a heap
   * sample, a listing): the run is shown after a fresh prompt all the same. */
  {
    gboolean done = FALSE;
    mw_board_exec_async (mw_window_get_board (window), SLOW_CHUNK, 10000, NULL, NULL, NULL,
                         exec_done_cb, &done);
    mw_test_spin (30);
    g_action_group_activate_action (G_ACTION_GROUP (window), "run", NULL);
    g_assert_true (mw_test_wait_until (flag_set, &done, 10000));
  }
  g_assert_true (mw_test_wait_until (mw_test_op_over, window, 20000));
  g_assert_cmpstr (mw_window_get_message (window), ==,
                   "The program failed: its error is in the console.");
  mw_console_flush (console);
  text = mw_console_dup_text (console);
  run = strstr (text, "\n> dofile(\"bad.lua\")\n");
  g_assert_cmpstr (run, ==, "\n> dofile(\"bad.lua\")\nbad.lua:3: boom 2\n> ");
  run++;
  {
    gint offset = g_utf8_pointer_to_offset (text, strstr (run, "bad.lua:3")) + 2;

    g_assert_true (mw_console_is_error_at (console, offset));
    gtk_text_buffer_get_start_iter (GTK_TEXT_BUFFER (mw_editor_get_document (editor)), &cursor);
    gtk_text_buffer_place_cursor (GTK_TEXT_BUFFER (mw_editor_get_document (editor)), &cursor);
    g_assert_true (mw_console_activate_link_at (console, offset));
  }
  gtk_text_buffer_get_iter_at_mark (
    GTK_TEXT_BUFFER (mw_editor_get_document (editor)), &cursor,
    gtk_text_buffer_get_insert (GTK_TEXT_BUFFER (mw_editor_get_document (editor))));
  g_assert_cmpint (gtk_text_iter_get_line (&cursor), ==, 2);

  /* The file changed elsewhere and reloaded: the run's mark goes with the text it was about. */
  g_assert_cmpuint (mw_editor_get_runtime_error_line (editor), ==, 3);
  mw_test_spin (1100); /* a new modification time */
  g_assert_true (g_file_set_contents (path, "print('fixed')\n", -1, NULL));
  g_assert_true (mw_test_wait_until (mw_test_disk_bar_shown, editor, 10000));
  mw_editor_reload (editor);
  {
    TextWait tw = { editor, "print('fixed')\n" };
    g_assert_true (mw_test_wait_until (has_text, &tw, 10000));
  }
  g_assert_cmpuint (mw_editor_get_runtime_error_line (editor), ==, 0);

  g_action_group_activate_action (G_ACTION_GROUP (window), "disconnect", NULL);
  g_assert_cmpstr (mw_window_get_message (window), ==, "Disconnected from the simulated NodeMCU.");
  gtk_widget_destroy (GTK_WIDGET (window));
  g_unlink (path);
  g_rmdir (dir);
}

static void
count_change (guint *n)
{
  (*n)++;
}

static char *
locations (MwProblemsView *view)
{
  GtkTreeModel *model = GTK_TREE_MODEL (g_object_get_data (G_OBJECT (view), "mw-store"));
  GString *out = g_string_new (NULL);
  GtkTreeIter iter;

  for (gboolean valid = gtk_tree_model_get_iter_first (model, &iter); valid;
       valid = gtk_tree_model_iter_next (model, &iter))
    {
      g_autofree char *location = NULL;

      gtk_tree_model_get (model, &iter, 2, &location, -1);
      g_string_append_printf (out, "%s ", location);
    }
  return g_string_free (out, FALSE);
}

/* Run at once after an upload, before the board's file list has come back: the file runs (the
 * list it was judged by used to be the one from before the upload: "not on the board"). */
static void
test_run_after_upload (void)
{
  MwWindow *window = connect_window ();
  g_autofree char *dir = g_dir_make_tmp ("mw-run-XXXXXX", NULL);
  g_autofree char *path = g_build_filename (dir, "ok.lua", NULL);
  g_autoptr (GFile) file = g_file_new_for_path (path);
  MwTestOpen wait = { window, file };
  MwTestTail ran = { window, "\n> dofile(\"ok.lua\")\nran 42\n> " };

  GtkStyleContext *arrow = gtk_widget_get_style_context (GTK_WIDGET (
    gtk_widget_get_template_child (GTK_WIDGET (window), MW_TYPE_WINDOW, "compile_upload_button")));

  /* No file: Upload is off, and its arrow (still usable) is not blue on its own. */
  g_assert_false (g_action_group_get_action_enabled (G_ACTION_GROUP (window), "upload"));
  g_assert_false (gtk_style_context_has_class (arrow, GTK_STYLE_CLASS_SUGGESTED_ACTION));
  g_assert_true (g_file_set_contents (path, "print('ran ' .. 6 * 7)\n", -1, NULL));
  mw_window_open_file (window, file);
  g_assert_true (mw_test_wait_until (mw_test_file_open, &wait, 10000));
  g_assert_true (gtk_style_context_has_class (arrow, GTK_STYLE_CLASS_SUGGESTED_ACTION));
  upload (window);
  /* the list is still the one from before the upload */
  g_assert_cmpint (mw_file_browser_lookup (mw_window_get_file_browser (window), "ok.lua"), <, 0);
  g_action_group_activate_action (G_ACTION_GROUP (window), "run", NULL);
  if (!mw_test_wait_until (mw_test_console_ends_with, &ran, 20000))
    {
      g_autofree char *text = mw_console_dup_text (mw_window_get_console (window));
      g_error ("no run; message %s; console:\n%s", mw_window_get_message (window), text);
    }
  g_assert_null (mw_window_get_message (window));

  /* The title's folder: whole on a wide screen, where there is room (it was cut at 24 characters
   * whatever the width), while the port's name stays whole. */
  {
    GtkLabel *subtitle = GTK_LABEL (
      gtk_widget_get_template_child (GTK_WIDGET (window), MW_TYPE_WINDOW, "subtitle_label"));
    g_autofree char *expected = g_strdup_printf ("ok.lua — %s", dir);

    g_assert_cmpstr (gtk_label_get_text (subtitle), ==, expected);
    g_assert_true (mw_test_resize (window, 1600, 1000));
    g_assert_true (mw_test_wait_until (subtitle_whole, subtitle, 5000));
    assert_port_name_whole (window);
    g_assert_true (mw_test_resize (window, 1024, 600));
    assert_port_name_whole (window);
  }
  gtk_widget_destroy (GTK_WIDGET (window));
  g_unlink (path);
  g_rmdir (dir);
}

/* The Problems list holds still: the same findings again change no row, and a file whose
 * findings change keeps its place among the files. */
static void
test_problems_stable (void)
{
  MwProblemsView *view = MW_PROBLEMS_VIEW (g_object_ref_sink (mw_problems_view_new ()));
  g_autoptr (GPtrArray) a =
    g_ptr_array_new_with_free_func ((GDestroyNotify) mw_lua_diagnostic_free);
  g_autoptr (GPtrArray) b =
    g_ptr_array_new_with_free_func ((GDestroyNotify) mw_lua_diagnostic_free);
  GtkTreeModel *model;
  guint changes = 0;
  g_autofree char *before = NULL;
  g_autofree char *after = NULL;

  g_ptr_array_add (a, mw_lua_diagnostic_new (MW_LUA_SEVERITY_WARNING, "W111", 3, 1, "x"));
  g_ptr_array_add (a, mw_lua_diagnostic_new (MW_LUA_SEVERITY_WARNING, "W111", 9, 1, "y"));
  g_ptr_array_add (b, mw_lua_diagnostic_new (MW_LUA_SEVERITY_ERROR, "E001", 1, 1, "z"));
  mw_problems_view_set_file (view, "/p/b.lua", "b.lua", b);
  mw_problems_view_set_file (view, "/p/a.lua", "a.lua", a);
  model = GTK_TREE_MODEL (gtk_tree_view_get_model (GTK_TREE_VIEW (
    gtk_widget_get_template_child (GTK_WIDGET (view), MW_TYPE_PROBLEMS_VIEW, "tree"))));
  g_object_set_data (G_OBJECT (view), "mw-store", model);
  before = locations (view);
  g_assert_cmpstr (before, ==, "a.lua:3 a.lua:9 b.lua:1 ");

  g_signal_connect_swapped (model, "row-deleted", G_CALLBACK (count_change), &changes);
  g_signal_connect_swapped (model, "row-inserted", G_CALLBACK (count_change), &changes);
  mw_problems_view_set_file (view, "/p/a.lua", "a.lua", a);
  g_assert_cmpuint (changes, ==, 0);

  /* a.lua's first finding goes: its other row stays first, before b.lua's */
  g_ptr_array_remove_index (a, 0);
  mw_problems_view_set_file (view, "/p/a.lua", "a.lua", a);
  after = locations (view);
  g_assert_cmpstr (after, ==, "a.lua:9 b.lua:1 ");
  g_object_unref (view);
}

int
main (int argc, char *argv[])
{
  int status;

  mw_test_app_init (&argc, &argv);
  app = mw_test_app_new ();
  g_test_add_func ("/mw/app/session/transcript", test_transcript);
  g_test_add_func ("/mw/app/session/flood-once", test_flood_once);
  g_test_add_func ("/mw/app/session/typed-while-busy", test_typed_while_busy);
  g_test_add_func ("/mw/app/session/min-width", test_min_width);
  g_test_add_func ("/mw/app/session/typed-port", test_typed_port);
  g_test_add_func ("/mw/app/session/folder-and-format", test_folder_and_format);
  g_test_add_func ("/mw/app/session/files-on-disk", test_files_on_disk);
  g_test_add_func ("/mw/app/session/pipeline-dialog", test_pipeline_dialog);
  g_test_add_func ("/mw/app/session/run-errors", test_run_errors);
  g_test_add_func ("/mw/app/session/run-after-upload", test_run_after_upload);
  g_test_add_func ("/mw/app/session/problems-stable", test_problems_stable);
  status = g_test_run ();
  g_object_unref (app);
  return status;
}
