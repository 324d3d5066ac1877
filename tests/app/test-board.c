/* test-board.c: the window against the simulated NodeMCU (the simulator library on a real
 * pty, paced at 115200 baud), driven through the window's actions and widgets: connect,
 * upload, find the file, run it, read its output, heap samples, compile & upload, cancel. */
#include "mw-config.h"

#include "mw-test-app.h"
#include "mw-test-support.h"
#include "mw-board-panel.h"
#include "mw-pipeline-dialog.h"
#include "mw-window.h"

#include <glib/gstdio.h>
#include <math.h>
#include <string.h>

static MwApplication *app;

typedef struct
{
  MwWindow *window;
  char *dir;
} Fixture;

static gboolean
connected (gpointer data)
{
  return mw_board_is_connected (mw_window_get_board (data));
}

static gboolean
action_enabled (MwWindow *window, const char *name)
{
  return g_action_group_get_action_enabled (G_ACTION_GROUP (window), name);
}

static void
fixture_set_up (Fixture *fixture, gconstpointer data)
{
  fixture->window = mw_window_new (app);
  gtk_widget_show (GTK_WIDGET (fixture->window));
  fixture->dir = g_dir_make_tmp ("mw-board-XXXXXX", NULL);
  g_assert_nonnull (fixture->dir);

  /* The simulated board is one click away: chosen by default, then Connect. */
  g_assert_cmpstr (gtk_combo_box_get_active_id (mw_window_get_port_combo (fixture->window)), ==,
                   MW_BOARD_SIMULATED_PORT);
  g_assert_true (action_enabled (fixture->window, "connect"));
  g_action_group_activate_action (G_ACTION_GROUP (fixture->window), "connect", NULL);
  if (!mw_test_wait_until (connected, fixture->window, 20000))
    g_error ("no connection: %s", mw_window_get_message (fixture->window));
  g_assert_true (action_enabled (fixture->window, "disconnect"));
}

static void
fixture_tear_down (Fixture *fixture, gconstpointer data)
{
  g_action_group_activate_action (G_ACTION_GROUP (fixture->window), "disconnect", NULL);
  g_assert_false (connected (fixture->window));
  {
    g_autoptr (GList) editors = mw_window_list_editors (fixture->window);
    for (GList *l = editors; l != NULL; l = l->next)
      gtk_text_buffer_set_modified (GTK_TEXT_BUFFER (mw_editor_get_document (l->data)), FALSE);
  }
  gtk_widget_destroy (GTK_WIDGET (fixture->window));
  mw_test_spin (20);
  g_free (fixture->dir);
}

typedef struct
{
  MwWindow *window;
  const char *path;
} OpenWait;

static gboolean
is_open (gpointer data)
{
  OpenWait *wait = data;
  g_autoptr (GFile) file = g_file_new_for_path (wait->path);
  return mw_window_find_editor (wait->window, file) != NULL;
}

static MwEditor *
open_new_file (Fixture *fixture, const char *name, const char *contents)
{
  g_autofree char *path = g_build_filename (fixture->dir, name, NULL);
  g_autoptr (GFile) file = g_file_new_for_path (path);
  OpenWait wait = { fixture->window, path };

  g_assert_true (g_file_set_contents (path, contents, -1, NULL));
  mw_window_open_file (fixture->window, file);
  g_assert_true (mw_test_wait_until (is_open, &wait, 10000));
  return mw_window_find_editor (fixture->window, file);
}

static gboolean
op_over (gpointer data)
{
  return !action_enabled (data, "cancel");
}

static gboolean
op_running (gpointer data)
{
  return action_enabled (data, "cancel");
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
  gint64 size = mw_file_browser_lookup (mw_window_get_file_browser (wait->window), wait->name);
  return wait->size < 0 ? size >= 0 : size == wait->size;
}

static gboolean
gone (gpointer data)
{
  ListWait *wait = data;
  return mw_file_browser_lookup (mw_window_get_file_browser (wait->window), wait->name) < 0;
}

/* Waits for `check` on `wait`; on a timeout the test fails saying what the window said last
 * (an upload's error, say), which a bare assertion would not. */
static void
wait_list (gboolean (*check) (gpointer), ListWait *wait)
{
  if (!mw_test_wait_until (check, wait, 20000))
    g_error ("%s %s in the file list after 20 s; the window says: %s", wait->name,
             check == gone ? "still" : "not", mw_window_get_message (wait->window));
}

static void
refresh (MwWindow *window)
{
  g_signal_emit_by_name (mw_window_get_file_browser (window), "file-action", "refresh", NULL, NULL);
}

static void
run_action (MwWindow *window, const char *action)
{
  g_assert_true (action_enabled (window, action));
  g_action_group_activate_action (G_ACTION_GROUP (window), action, NULL);
  g_assert_true (mw_test_wait_until (mw_test_op_over, window, 60000));
}

static const char hello[] =
  "-- says hello\nlocal who = \"the board\"\nprint(\"hello from \" .. who)\n";

/* Upload, find it in the file list with its size, run it and read its output. */
static void
test_upload_and_run (Fixture *fixture, gconstpointer data)
{
  MwEditor *editor = open_new_file (fixture, "hello.lua", hello);
  ListWait wait = { fixture->window, "hello.lua", sizeof hello - 1 };
  MwConsole *console = mw_window_get_console (fixture->window);
  g_autofree char *text = NULL;

  g_assert_nonnull (editor);
  /* the connection's message goes as the upload begins: the progress bar speaks for it */
  g_assert_nonnull (mw_window_get_message (fixture->window));
  g_assert_true (action_enabled (fixture->window, "upload"));
  g_action_group_activate_action (G_ACTION_GROUP (fixture->window), "upload", NULL);
  g_assert_null (mw_window_get_message (fixture->window));
  g_assert_true (mw_test_wait_until (mw_test_op_over, fixture->window, 60000));
  g_assert_nonnull (strstr (mw_window_get_message (fixture->window), "Uploaded hello.lua"));
  wait_list (listed, &wait);

  run_action (fixture->window, "run");
  mw_console_flush (console);
  text = mw_console_dup_text (console);
  g_assert_nonnull (strstr (text, "hello from the board"));

  /* The artifact: the window connected, with the file listed and its output shown. */
  gtk_window_resize (GTK_WINDOW (fixture->window), 1200, 700);
  mw_test_spin (300);
  {
    g_autofree char *shot = mw_test_screenshot (GTK_WIDGET (fixture->window), "moonwire-board.png");
    g_test_message ("screenshot: %s", shot);
  }
}

/* A file dropped on the list while Run runs waits for the run, then goes up (it used to wait
 * until some later upload or sync ended). */
static void
test_drop_during_run (Fixture *fixture, gconstpointer data)
{
  static const char slow[] = "for i = 1, 2000000 do end print('slow done')\n";
  MwEditor *editor = open_new_file (fixture, "slow.lua", slow);
  g_autofree char *path = g_build_filename (fixture->dir, "later.lua", NULL);
  char *paths[] = { path, NULL };
  ListWait later = { fixture->window, "later.lua", sizeof hello - 1 };

  g_assert_nonnull (editor);
  g_assert_true (g_file_set_contents (path, hello, -1, NULL));
  g_action_group_activate_action (G_ACTION_GROUP (fixture->window), "upload", NULL);
  g_assert_true (mw_test_wait_until (mw_test_op_over, fixture->window, 60000));
  g_action_group_activate_action (G_ACTION_GROUP (fixture->window), "run", NULL);
  g_assert_true (mw_test_wait_until (op_running, fixture->window, 20000));
  g_signal_emit_by_name (mw_window_get_file_browser (fixture->window), "upload-files", paths);
  g_assert_true (action_enabled (fixture->window, "cancel"));
  wait_list (listed, &later);
  g_assert_true (mw_test_wait_until (mw_test_op_over, fixture->window, 60000));
  {
    g_autofree char *want = g_strdup_printf ("^Uploaded later\\.lua: %zu bytes, verified on the "
                                             "board, in [0-9]+\\.[0-9] s$",
                                             sizeof hello - 1);
    const char *message = mw_window_get_message (fixture->window);

    if (!g_regex_match_simple (want, message, 0, 0))
      g_error ("the window says: %s", message);
  }
}

static gboolean
has_samples (gpointer data)
{
  MwHeapStats stats;
  return mw_heap_graph_get_stats (data, &stats) && stats.n_samples >= 2;
}

typedef struct
{
  MwWindow *window;
  guint after;
  char *text;
} HeapLabelWait;

/* The Board tab's heap figure equals the one the latest sample makes. */
static gboolean
heap_label_is_latest (gpointer data)
{
  HeapLabelWait *wait = data;
  GtkLabel *label = GTK_LABEL (gtk_widget_get_template_child (
    GTK_WIDGET (mw_window_get_board_panel (wait->window)), MW_TYPE_BOARD_PANEL, "heap_label"));
  MwHeapLog *log = mw_heap_graph_get_log (mw_window_get_heap_graph (wait->window));
  guint n;
  const MwHeapSample *samples = mw_heap_log_get_samples (log, &n);
  g_autofree char *want =
    n > 0 ? mw_board_panel_format_heap (samples[n - 1].heap, samples[n - 1].time_us) : NULL;

  g_free (wait->text);
  wait->text = g_strdup (gtk_label_get_text (label));
  return want != NULL && g_strcmp0 (wait->text, want) == 0;
}

static gboolean
has_more_samples (gpointer data)
{
  HeapLabelWait *wait = data;
  MwHeapStats stats;

  return mw_heap_graph_get_stats (mw_window_get_heap_graph (wait->window), &stats)
         && stats.n_samples > wait->after;
}

/* node.heap() samples arrive on their own at the chosen interval. */
static void
test_heap_samples (Fixture *fixture, gconstpointer data)
{
  MwHeapGraph *graph = mw_window_get_heap_graph (fixture->window);
  MwHeapStats stats;

  g_object_set (graph, "interval", 1, NULL);
  g_assert_true (mw_test_wait_until (has_samples, graph, 15000));
  g_assert_true (mw_heap_graph_get_stats (graph, &stats));
  /* The simulated board starts near the firmware's 44 KB (docs/firmware.md section 3). */
  g_assert_cmpuint (stats.current, >, 20000);
  g_assert_cmpuint (stats.current, <, 50000);

  /* The Board tab's free heap is the latest sample's, with the time it was read: the next
   * sample replaces it. */
  {
    g_autoptr (GDateTime) when = g_date_time_new_local (2026, 12, 6, 14, 5, 9);
    g_autofree char *text =
      mw_board_panel_format_heap (43776, g_date_time_to_unix (when) * G_USEC_PER_SEC);

    g_assert_cmpstr (text, ==, "43776 bytes at 14:05:09");
  }
  for (guint round = 0; round < 2; round++)
    {
      HeapLabelWait wait = { fixture->window, 0 };

      g_assert_true (mw_test_wait_until (heap_label_is_latest, &wait, 15000));
      g_test_message ("Board tab: %s", wait.text);
      g_free (wait.text);
      wait.after = stats.n_samples;
      g_assert_true (mw_test_wait_until (has_more_samples, &wait, 15000));
      g_assert_true (mw_heap_graph_get_stats (graph, &stats));
    }

  g_action_group_activate_action (G_ACTION_GROUP (fixture->window), "show-heap", NULL);
  mw_test_spin (300);
  {
    g_autofree char *shot = mw_test_screenshot (GTK_WIDGET (fixture->window), "moonwire-heap.png");
    g_test_message ("screenshot: %s", shot);
  }
}

/* Compile & Upload puts hello.lc on the board and keeps hello.lua with the default pipeline;
 * a folder that strips and removes says so. */
static void
test_compile_and_upload (Fixture *fixture, gconstpointer data)
{
  MwEditor *editor = open_new_file (fixture, "hello.lua", hello);
  ListWait lc = { fixture->window, "hello.lc", -1 };
  ListWait src = { fixture->window, "hello.lua", sizeof hello - 1 };
  MwConsole *console = mw_window_get_console (fixture->window);
  MwBoardUploadOptions pipeline = {
    .pipeline = { .lint = TRUE, .compile = TRUE, .strip = TRUE },
    .remove_source = TRUE,
  };
  g_autoptr (GError) error = NULL;
  g_autofree char *text = NULL;
  const char *message;

  g_assert_nonnull (editor);
  run_action (fixture->window, "upload");
  /* The defaults are safe: the .lc keeps its line numbers and the .lua stays. */
  run_action (fixture->window, "compile-upload");
  message = mw_window_get_message (fixture->window);
  g_assert_true (g_str_has_prefix (message, "Uploaded hello.lc: "));
  g_assert_true (g_str_has_suffix (message, " s"));
  refresh (fixture->window);
  wait_list (listed, &lc);
  wait_list (listed, &src);

  /* A folder that compiles, strips and removes: the message says what went. */
  g_assert_true (mw_pipeline_save (&pipeline, fixture->dir, &error));
  g_assert_no_error (error);
  run_action (fixture->window, "compile-upload");
  message = mw_window_get_message (fixture->window);
  g_assert_true (g_str_has_prefix (message, "Uploaded hello.lc: "));
  g_assert_true (g_str_has_suffix (
    message, " s; without line numbers (stripped); removed hello.lua from the board"));
  refresh (fixture->window);
  wait_list (gone, &src);
  wait_list (listed, &lc);

  /* Run now runs the bytecode, and it says the same. */
  run_action (fixture->window, "run");
  mw_console_flush (console);
  text = mw_console_dup_text (console);
  g_assert_nonnull (strstr (text, "dofile(\"hello.lc\")"));
  g_assert_nonnull (strstr (text, "hello from the board"));
}

typedef struct
{
  MwWindow *window;
  gboolean cancelled;
} CancelData;

static gboolean
progress_then_cancel (gpointer data)
{
  CancelData *cancel = data;

  /* Midway: once blocks are flowing and acknowledged. */
  if (!cancel->cancelled && mw_window_get_progress (cancel->window) > 0.2)
    {
      g_action_group_activate_action (G_ACTION_GROUP (cancel->window), "cancel", NULL);
      cancel->cancelled = TRUE;
    }
  return cancel->cancelled && mw_test_op_over (cancel->window);
}

static char *
button_tooltip (GtkWidget *widget, const char *action)
{
  if (GTK_IS_BUTTON (widget) && GTK_IS_ACTIONABLE (widget)
      && g_strcmp0 (gtk_actionable_get_action_name (GTK_ACTIONABLE (widget)), action) == 0)
    return gtk_widget_get_tooltip_text (widget);
  if (GTK_IS_CONTAINER (widget))
    {
      g_autoptr (GList) children = gtk_container_get_children (GTK_CONTAINER (widget));
      for (GList *l = children; l != NULL; l = l->next)
        {
          char *found = button_tooltip (l->data, action);
          if (found != NULL)
            return found;
        }
    }
  return NULL;
}

/* Cancelling an upload midway leaves the board's old file as it was; meanwhile Upload and Run
 * say why they are off. */
static void
test_cancel_upload (Fixture *fixture, gconstpointer data)
{
  MwEditor *editor = open_new_file (fixture, "big.lua", hello);
  ListWait wait = { fixture->window, "big.lua", sizeof hello - 1 };
  GtkTextBuffer *buffer;
  g_autoptr (GString) big = g_string_new (NULL);
  CancelData cancel = { fixture->window, FALSE };

  run_action (fixture->window, "upload");
  wait_list (listed, &wait);

  /* 30 KB: some seconds at 115200 baud. */
  while (big->len < 30000)
    g_string_append (big, "print(\"a line that makes the file long enough to cancel\")\n");
  buffer = GTK_TEXT_BUFFER (mw_editor_get_document (editor));
  gtk_text_buffer_set_text (buffer, big->str, -1);
  g_action_group_activate_action (G_ACTION_GROUP (fixture->window), "upload", NULL);
  g_assert_true (action_enabled (fixture->window, "cancel"));
  {
    GtkWidget *bar = gtk_window_get_titlebar (GTK_WINDOW (fixture->window));
    g_autofree char *upload = button_tooltip (bar, "win.upload");
    g_autofree char *run = button_tooltip (bar, "win.run");

    g_assert_cmpstr (upload, ==,
                     "Upload the file to the board (Ctrl+U)\n"
                     "Busy: an upload or a run is under way (Cancel stops it).");
    g_assert_cmpstr (run, ==,
                     "Run the file on the board (Ctrl+R)\n"
                     "Busy: an upload or a run is under way (Cancel stops it).");
  }
  g_assert_true (mw_test_wait_until (progress_then_cancel, &cancel, 30000));
  g_assert_nonnull (strstr (mw_window_get_message (fixture->window), "cancelled"));

  /* The old file, whole: same size in the list, same bytes when read back. */
  refresh (fixture->window);
  mw_test_spin (500);
  wait_list (listed, &wait);
  {
    MwDevice *device = mw_board_get_device (mw_window_get_board (fixture->window));
    GAsyncResult *result = NULL;
    g_autoptr (GBytes) bytes = NULL;
    g_autoptr (GError) error = NULL;

    mw_device_read_file_async (device, "big.lua", NULL, mw_test_store_result_cb, &result);
    while (result == NULL)
      g_main_context_iteration (NULL, TRUE);
    bytes = mw_device_read_file_finish (device, result, &error);
    g_object_unref (result);
    g_assert_no_error (error);
    g_assert_cmpmem (g_bytes_get_data (bytes, NULL), g_bytes_get_size (bytes), hello,
                     sizeof hello - 1);
  }
}

static gboolean
console_has (gpointer data)
{
  MwWindow *window = data;
  const char *needle = g_object_get_data (G_OBJECT (window), "mw-needle");
  g_autofree char *text = NULL;

  mw_console_flush (mw_window_get_console (window));
  text = mw_console_dup_text (mw_window_get_console (window));
  return strstr (text, needle) != NULL;
}

/* Ctrl+Enter sends the editor's current line to the REPL; its output comes back. */
static void
test_send_line (Fixture *fixture, gconstpointer data)
{
  MwEditor *editor = open_new_file (fixture, "lines.lua", "print(6 * 7 .. \" is the answer\")\n");

  mw_editor_goto (editor, 1, 0);
  g_object_set_data (G_OBJECT (fixture->window), "mw-needle", "42 is the answer");
  g_assert_true (action_enabled (fixture->window, "send-selection"));
  g_action_group_activate_action (G_ACTION_GROUP (fixture->window), "send-selection", NULL);
  g_assert_true (mw_test_wait_until (console_has, fixture->window, 10000));
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

typedef struct
{
  MwWindow *window;
  const char *want;
} MessageWait;

static gboolean
message_is (gpointer data)
{
  MessageWait *wait = data;
  return g_strcmp0 (mw_window_get_message (wait->window), wait->want) == 0;
}

static void
expect_message (MwWindow *window, const char *want)
{
  MessageWait wait = { window, want };

  if (!mw_test_wait_until (message_is, &wait, 20000))
    g_error ("the message is \"%s\", not \"%s\"", mw_window_get_message (window), want);
}

/* Files dropped on the list are uploaded; then the list's own actions: compile on the board,
 * rename, open in an editor, delete after a confirmation. */
static void
test_file_actions (Fixture *fixture, gconstpointer data)
{
  MwFileBrowser *browser = mw_window_get_file_browser (fixture->window);
  g_autofree char *path = g_build_filename (fixture->dir, "dropped.lua", NULL);
  char *paths[] = { path, NULL };
  ListWait dropped = { fixture->window, "dropped.lua", sizeof hello - 1 };
  ListWait compiled = { fixture->window, "dropped.lc", -1 };
  ListWait renamed = { fixture->window, "moved.lua", sizeof hello - 1 };
  GtkDialog *dialog = NULL;
  OpenWait open;
  g_autofree char *cached = NULL;

  g_assert_true (g_file_set_contents (path, hello, -1, NULL));
  g_signal_emit_by_name (browser, "upload-files", paths);
  wait_list (listed, &dropped);
  g_assert_true (mw_test_wait_until (op_over, fixture->window, 20000));

  /* Each action's outcome is said when it ends; the one before is gone as the next begins. */
  g_signal_emit_by_name (browser, "file-action", "compile", "dropped.lua", NULL);
  g_assert_null (mw_window_get_message (fixture->window));
  wait_list (listed, &compiled);
  expect_message (fixture->window, "Compiled dropped.lua on the board.");

  /* a refused rename names the file in the way */
  g_signal_emit_by_name (browser, "file-action", "rename", "dropped.lua", "dropped.lc");
  g_assert_null (mw_window_get_message (fixture->window));
  expect_message (fixture->window, "The board refused: dropped.lc: the target exists; cannot "
                                   "rename dropped.lua over it");

  g_signal_emit_by_name (browser, "file-action", "rename", "dropped.lua", "moved.lua");
  g_assert_null (mw_window_get_message (fixture->window));
  wait_list (listed, &renamed);
  expect_message (fixture->window, "Renamed dropped.lua to moved.lua on the board.");
  g_assert_cmpint (mw_file_browser_lookup (browser, "dropped.lua"), ==, -1);

  /* Open: downloaded into the cache and opened in a tab with the board's bytes. */
  cached = g_build_filename (g_get_user_cache_dir (), "moonwire", "board", "moved.lua", NULL);
  open.window = fixture->window;
  open.path = cached;
  g_signal_emit_by_name (browser, "file-action", "open", "moved.lua", NULL);
  g_assert_true (mw_test_wait_until (is_open, &open, 20000));
  {
    g_autoptr (GFile) file = g_file_new_for_path (cached);
    g_autofree char *text =
      mw_document_dup_text (mw_editor_get_document (mw_window_find_editor (fixture->window, file)));
    g_assert_cmpstr (text, ==, hello);
  }

  /* Delete asks first; Cancel keeps the file, Delete removes it. */
  mw_file_browser_select (browser, "moved.lua");
  g_signal_emit_by_name (browser, "file-action", "refresh", NULL, NULL);
  mw_test_spin (300);
  mw_file_browser_select (browser, "moved.lua");
  {
    g_autofree char *selected = mw_file_browser_dup_selected (browser);
    g_assert_cmpstr (selected, ==, "moved.lua");
  }
  g_signal_emit_by_name (browser, "delete-selected");
  g_assert_true (mw_test_wait_until (has_message_dialog, &dialog, 5000));
  gtk_dialog_response (dialog, GTK_RESPONSE_CANCEL);
  mw_test_spin (300);
  g_assert_cmpint (mw_file_browser_lookup (browser, "moved.lua"), >=, 0);
  dialog = NULL;
  g_signal_emit_by_name (browser, "delete-selected");
  g_assert_true (mw_test_wait_until (has_message_dialog, &dialog, 5000));
  gtk_dialog_response (dialog, GTK_RESPONSE_ACCEPT);
  renamed.size = -2; /* wait until it is gone */
  wait_list (gone, &renamed);
  expect_message (fixture->window, "Deleted moved.lua from the board.");
}

/* The pipeline is remembered per folder: a folder that compiles makes Upload send the .lc;
 * a folder without its own choice follows Preferences (plain source). */
static void
test_pipeline_per_folder (Fixture *fixture, gconstpointer data)
{
  MwBoardUploadOptions pipeline = { .pipeline = { .lint = TRUE, .compile = TRUE, .strip = TRUE } };
  MwBoardUploadOptions loaded = { 0 };
  g_autoptr (GError) error = NULL;
  g_autofree char *other = g_build_filename (fixture->dir, "plain", NULL);
  g_autofree char *plain_path = g_build_filename (other, "plain.lua", NULL);
  g_autoptr (GFile) plain_file = g_file_new_for_path (plain_path);
  OpenWait wait = { fixture->window, plain_path };
  ListWait lc = { fixture->window, "hello.lc", -1 };
  ListWait src = { fixture->window, "plain.lua", sizeof hello - 1 };
  GSettings *settings = mw_application_get_settings (app);

  g_assert_true (mw_pipeline_save (&pipeline, fixture->dir, &error));
  g_assert_no_error (error);
  mw_pipeline_load (&loaded, settings, fixture->dir);
  g_assert_true (loaded.pipeline.compile);
  g_assert_false (loaded.remove_source);
  mw_pipeline_load (&loaded, settings, other);
  g_assert_cmpint (loaded.pipeline.compile, ==,
                   g_settings_get_boolean (settings, "pipeline-compile"));
  g_assert_cmpint (loaded.remove_source, ==,
                   g_settings_get_boolean (settings, "pipeline-remove-source"));

  open_new_file (fixture, "hello.lua", hello);
  run_action (fixture->window, "upload");
  g_assert_nonnull (strstr (mw_window_get_message (fixture->window), "Uploaded hello.lc"));
  refresh (fixture->window);
  wait_list (listed, &lc);

  g_assert_cmpint (g_mkdir (other, 0700), ==, 0);
  g_assert_true (g_file_set_contents (plain_path, hello, -1, NULL));
  mw_window_open_file (fixture->window, plain_file);
  g_assert_true (mw_test_wait_until (is_open, &wait, 10000));
  run_action (fixture->window, "upload");
  wait_list (listed, &src);
}

/* The scripted leak of tests/device/test-board.c: one item (a table of two slots and a
 * 198-byte string) every LEAK_MS. */
#define LEAK_MS 250
#define LEAK_ITEM "LEAK={LEAK,string.format('%099d%099d',LEAKN,LEAKN)}"

static gboolean
has_leak_samples (gpointer data)
{
  MwHeapStats stats;
  return mw_heap_graph_get_stats (data, &stats) && stats.n_samples >= 9;
}

/* The heap graph's trend on a board leaking at a known rate (measured by the board itself):
 * within 10% of it, and the same analysis moonwire-cli heap prints (mw-heap-log.h). */
static void
test_heap_leak (Fixture *fixture, gconstpointer data)
{
  MwHeapGraph *graph = mw_window_get_heap_graph (fixture->window);
  g_autofree char *cost_text = NULL;
  MwHeapStats stats;
  double truth;

  cost_text = mw_test_window_exec (fixture->window,
                                   "LEAK=nil collectgarbage() local h=node.heap()\n"
                                   "for i=1,40 do LEAKN=i " LEAK_ITEM " end collectgarbage()\n"
                                   "print(h-node.heap()) LEAK=nil LEAKN=0 collectgarbage()");
  truth = -g_ascii_strtod (cost_text, NULL) / 40 * 60000.0 / LEAK_MS;
  g_assert_cmpfloat (truth, <, -10000);
  g_free (mw_test_window_exec (
    fixture->window, "LEAKN=0 LEAKT=tmr.create()\n"
                     "LEAKT:alarm(" G_STRINGIFY (LEAK_MS) ",tmr.ALARM_AUTO,function() "
                                                          "LEAKN=LEAKN+1 " LEAK_ITEM " end)"));
  /* from now on: the samples before the leak are not this program's */
  mw_heap_graph_clear (graph);
  g_object_set (graph, "interval", 1, NULL);
  g_assert_true (mw_test_wait_until (has_leak_samples, graph, 30000));
  g_assert_true (mw_heap_graph_get_stats (graph, &stats));
  g_test_message ("true %.0f B/min, the graph's trend %.0f B/min over %u samples", truth,
                  stats.slope_per_min, stats.n_samples);
  g_assert_cmpfloat (fabs (stats.slope_per_min - truth), <=, 0.10 * fabs (truth));
  g_free (mw_test_window_exec (fixture->window, "LEAKT:unregister() LEAK=nil collectgarbage()"));
}

/* A runtime error from Run marks its line in the editor; a stripped file's error has no line,
 * and the message's offer turns Strip off for the folder, after which the line is marked again. */
static void
test_run_error_mark (Fixture *fixture, gconstpointer data)
{
  static const char failing[] = "local x = 1\nlocal t = nil\nprint(t.field)\n";
  MwEditor *editor = open_new_file (fixture, "fail.lua", failing);
  MwBoardUploadOptions pipeline = {
    .pipeline = { .compile = TRUE, .strip = TRUE },
    .remove_source = TRUE,
  };
  MwBoardUploadOptions after = { 0 };
  ListWait src = { fixture->window, "fail.lua", -1 };
  ListWait lc = { fixture->window, "fail.lc", -1 };
  g_autoptr (GError) error = NULL;
  g_autofree char *tooltip = NULL;
  g_autofree char *expected = NULL;
  GtkButton *offer;

  run_action (fixture->window, "upload");
  wait_list (listed, &src);
  run_action (fixture->window, "run");
  g_assert_cmpstr (mw_window_get_message (fixture->window), ==,
                   "The program failed: its error is in the console.");
  g_assert_null (mw_window_get_message_action (fixture->window));
  g_assert_cmpuint (mw_editor_get_runtime_error_line (editor), ==, 3);
  tooltip = mw_editor_dup_mark_tooltip (editor, 3);
  /* Lua 5.1's words (ldebug.c), where the board raised it */
  g_assert_cmpstr (tooltip, ==, "fail.lua:3: attempt to index local 't' (a nil value)");

  /* stripped: no line to mark, and the offer to keep them */
  g_assert_true (mw_pipeline_save (&pipeline, fixture->dir, &error));
  g_assert_no_error (error);
  run_action (fixture->window, "compile-upload");
  refresh (fixture->window);
  wait_list (gone, &src);
  wait_list (listed, &lc);
  run_action (fixture->window, "run");
  g_assert_cmpuint (mw_editor_get_runtime_error_line (editor), ==, 0);
  g_assert_cmpstr (mw_window_get_message (fixture->window), ==,
                   "The program failed: its error is in the console, without a line number "
                   "because the file was stripped.");
  offer = mw_window_get_message_action (fixture->window);
  g_assert_nonnull (offer);
  g_assert_cmpstr (gtk_button_get_label (offer), ==, "_Keep Line Numbers");
  gtk_button_clicked (offer);
  expected = g_strdup_printf ("Strip is off for %s: upload the file again (Compile & Upload) "
                              "and its errors will name their lines.",
                              fixture->dir);
  g_assert_cmpstr (mw_window_get_message (fixture->window), ==, expected);
  {
    g_autoptr (GSettings) settings = g_settings_new ("org.moonwire.Moonwire");
    mw_pipeline_load (&after, settings, fixture->dir);
  }
  g_assert_true (after.pipeline.compile && !after.pipeline.strip && after.remove_source);

  /* compiled with line numbers now: the line is marked again */
  run_action (fixture->window, "compile-upload");
  run_action (fixture->window, "run");
  g_assert_cmpuint (mw_editor_get_runtime_error_line (editor), ==, 3);
}

static gboolean
synced (gpointer data)
{
  const char *message = mw_window_get_message (data);

  return !action_enabled (data, "cancel") && message != NULL
         && g_str_has_prefix (message, "Synced ");
}

static void
sync_folder (Fixture *fixture, const char *folder, const char *expected)
{
  mw_window_show_message (fixture->window, GTK_MESSAGE_INFO, "(before the sync)");
  g_signal_emit_by_name (mw_window_get_file_browser (fixture->window), "file-action", "sync", NULL,
                         folder);
  g_assert_true (mw_test_wait_until (synced, fixture->window, 60000));
  g_assert_cmpstr (mw_window_get_message (fixture->window), ==, expected);
}

/* Upload a Folder sends only what differs from the board's copy (MwBoard compares size and
 * checksum, as `moonwire-cli sync` does): everything the first time, nothing the second, the
 * one changed file the third. */
static void
test_sync_folder (Fixture *fixture, gconstpointer data)
{
  g_autofree char *folder = g_build_filename (fixture->dir, "project", NULL);
  g_autofree char *main_lua = g_build_filename (folder, "main.lua", NULL);
  g_autofree char *conf = g_build_filename (folder, "conf.txt", NULL);
  g_autofree char *expected = NULL;
  ListWait main_wait = { fixture->window, "main.lua", 14 };
  ListWait conf_wait = { fixture->window, "conf.txt", 9 };

  g_assert_cmpint (g_mkdir (folder, 0700), ==, 0);
  g_assert_true (g_file_set_contents (main_lua, "print('main')\n", -1, NULL));
  g_assert_true (g_file_set_contents (conf, "ssid=one\n", -1, NULL));

  expected = g_strdup_printf ("Synced %s: 2 uploaded, 0 already the same on the board", folder);
  sync_folder (fixture, folder, expected);
  wait_list (listed, &main_wait);
  wait_list (listed, &conf_wait);

  g_free (expected);
  expected = g_strdup_printf ("Synced %s: 0 uploaded, 2 already the same on the board", folder);
  sync_folder (fixture, folder, expected);

  g_assert_true (g_file_set_contents (conf, "ssid=two, pass=x\n", -1, NULL));
  g_free (expected);
  expected = g_strdup_printf ("Synced %s: 1 uploaded, 1 already the same on the board", folder);
  sync_folder (fixture, folder, expected);
  conf_wait.size = 17;
  wait_list (listed, &conf_wait);
  g_assert_cmpint (
    mw_file_browser_lookup (mw_window_get_file_browser (fixture->window), "main.lua"), ==, 14);
}

int
main (int argc, char *argv[])
{
  int status;

  mw_test_app_init (&argc, &argv);
  app = mw_test_app_new ();
#define ADD(path, func) \
  g_test_add ("/mw/app/board/" path, Fixture, NULL, fixture_set_up, func, fixture_tear_down)
  ADD ("upload-and-run", test_upload_and_run);
  ADD ("drop-during-run", test_drop_during_run);
  ADD ("heap-samples", test_heap_samples);
  ADD ("heap-leak", test_heap_leak);
  ADD ("compile-and-upload", test_compile_and_upload);
  ADD ("cancel-upload", test_cancel_upload);
  ADD ("send-line", test_send_line);
  ADD ("file-actions", test_file_actions);
  ADD ("pipeline-per-folder", test_pipeline_per_folder);
  ADD ("sync-folder", test_sync_folder);
  ADD ("run-error-mark", test_run_error_mark);
#undef ADD
  status = g_test_run ();
  g_object_unref (app);
  return status;
}
