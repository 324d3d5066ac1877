/* mw-window-board.c: the part of MwWindow that talks to the board through MwBoard (core): the port
 * chooser, connect and disconnect, reset, run, the upload pipeline and uploads (also of files
 * dropped on the file browser), cancel, the file browser's operations, and the console and heap
 * samples coming back. Results and errors always end in the info bar or the console, never
 * silently.
 */
#include "mw-config.h"

#include "mw-window-private.h"

#include <errno.h>
#include <string.h>

#include "mw-board-sync.h"
#include "mw-lua-pipeline.h"
#include "mw-pipeline-dialog.h"
#include "mw-serial-transport.h"

#define RUN_TIMEOUT_MS 0 /* a program may run for as long as it likes */
#define LINE_TIMEOUT_MS 10000
#define CONNECT_TIMEOUT_MS 5000

static char *project_folder (MwWindow *self, MwEditor *editor);

static gboolean
is_connected (MwWindow *self)
{
  return self->board != NULL && mw_board_is_connected (self->board);
}

static void
set_action_enabled (MwWindow *self, const char *name, gboolean enabled)
{
  GAction *action = g_action_map_lookup_action (G_ACTION_MAP (self), name);

  if (action != NULL)
    g_simple_action_set_enabled (G_SIMPLE_ACTION (action), enabled);
}

/* A button's tooltip from its template, with why it cannot act now (NULL: it can). */
static void
explain (GtkWidget *button, const char *why)
{
  const char *base = g_object_get_data (G_OBJECT (button), "mw-tooltip");
  g_autofree char *text = NULL;

  if (base == NULL)
    {
      base = gtk_widget_get_tooltip_text (button);
      g_object_set_data_full (G_OBJECT (button), "mw-tooltip", (char *) base, g_free);
    }
  text = why != NULL ? g_strdup_printf ("%s\n%s", base, why) : g_strdup (base);
  gtk_widget_set_tooltip_text (button, text);
}

#define WHY_NOT_CONNECTED "Not connected: connect to a board first."
#define WHY_NO_FILE "No file: open or create one first."
#define WHY_BUSY "Busy: an upload or a run is under way (Cancel stops it)."

void
_mw_window_update_device_actions (MwWindow *self)
{
  gboolean connected = is_connected (self);
  gboolean busy = self->op_cancellable != NULL;
  gboolean has_editor = mw_window_get_current_editor (self) != NULL;
  const char *why_not_file_op = !connected    ? WHY_NOT_CONNECTED
                                : !has_editor ? WHY_NO_FILE
                                : busy        ? WHY_BUSY
                                              : NULL;

  if (self->connect_stack == NULL)
    return;
  explain (self->connect_button, self->connecting ? "Busy: connecting…" : NULL);
  explain (self->reset_button, connected ? NULL : WHY_NOT_CONNECTED);
  explain (self->upload_button, why_not_file_op);
  explain (self->run_button, why_not_file_op);
  explain (self->save_button, has_editor ? NULL : WHY_NO_FILE);
  set_action_enabled (self, "connect", !connected && !self->connecting);
  set_action_enabled (self, "disconnect", connected);
  set_action_enabled (self, "reset", connected);
  set_action_enabled (self, "upload", connected && has_editor && !busy);
  /* The arrow stays usable (the folder's pipeline), but blue only beside a blue Upload: alone it
   * read as the one thing to press. */
  if (connected && has_editor && !busy)
    gtk_style_context_add_class (gtk_widget_get_style_context (self->compile_upload_button),
                                 GTK_STYLE_CLASS_SUGGESTED_ACTION);
  else
    gtk_style_context_remove_class (gtk_widget_get_style_context (self->compile_upload_button),
                                    GTK_STYLE_CLASS_SUGGESTED_ACTION);
  set_action_enabled (self, "compile-upload", connected && has_editor && !busy);
  set_action_enabled (self, "run", connected && has_editor && !busy);
  set_action_enabled (self, "send-selection", connected && has_editor);
  set_action_enabled (self, "run-snippet", connected);
  set_action_enabled (self, "flash-lfs", connected && !busy);
  set_action_enabled (self, "cancel", busy);
  gtk_stack_set_visible_child_name (self->connect_stack, connected ? "disconnect" : "connect");
  gtk_widget_set_sensitive (GTK_WIDGET (self->port_combo), !connected && !self->connecting);
  mw_file_browser_set_connected (self->file_browser, connected);
  mw_memory_view_set_board (self->memory_view, connected ? self->board : NULL);
}

#define MAX_RECENT_PORTS 8

/* The port chooser: the simulated board, every serial port with its USB description, and the
 * ports connected to lately; its entry takes any other port (a pseudo-terminal, a
 * /dev/serial/by-id/ path, tcp://host:port). The default is `wanted` (the configured port),
 * else the one chosen before, else the first port with a usual NodeMCU bridge chip, else the
 * simulated board. */
void
_mw_window_fill_ports (MwWindow *self, const char *wanted)
{
  g_autoptr (GPtrArray) ports = mw_serial_list_ports (NULL);
  g_autofree char *current = _mw_window_dup_port (self);
  g_auto (GStrv) recent = g_settings_get_strv (self->settings, "recent-ports");
  g_autoptr (GHashTable) listed = g_hash_table_new (g_str_hash, g_str_equal);
  GtkEntry *entry = GTK_ENTRY (gtk_bin_get_child (GTK_BIN (self->port_combo)));
  const char *board = NULL;

  gtk_combo_box_text_remove_all (self->port_combo);
  gtk_combo_box_text_append (self->port_combo, MW_BOARD_SIMULATED_PORT, MW_BOARD_SIMULATED_LABEL);
  for (guint i = 0; ports != NULL && i < ports->len; i++)
    {
      const MwSerialPortInfo *info = g_ptr_array_index (ports, i);
      g_autofree char *label = NULL;

      if (info->usb && info->description != NULL)
        label = g_strdup_printf ("%s (%s)", info->name, info->description);
      else
        label = g_strdup (info->name);
      gtk_combo_box_text_append (self->port_combo, info->name, label);
      g_hash_table_add (listed, info->name);
      if (board == NULL && info->bridge != MW_USB_BRIDGE_NONE)
        board = info->name;
    }
  for (guint i = 0; recent[i] != NULL; i++)
    if (!g_hash_table_contains (listed, recent[i])
        && g_strcmp0 (recent[i], MW_BOARD_SIMULATED_PORT) != 0)
      gtk_combo_box_text_append (self->port_combo, recent[i], recent[i]);
  if (wanted == NULL)
    wanted = current;
  if (wanted != NULL && *wanted != '\0')
    {
      /* A port that is not listed (unplugged, or typed) stays as text in the entry. */
      if (!gtk_combo_box_set_active_id (GTK_COMBO_BOX (self->port_combo), wanted))
        gtk_entry_set_text (entry, wanted);
    }
  else if (board == NULL || !gtk_combo_box_set_active_id (GTK_COMBO_BOX (self->port_combo), board))
    gtk_combo_box_set_active_id (GTK_COMBO_BOX (self->port_combo), MW_BOARD_SIMULATED_PORT);
}

/* The port to connect to: the chosen item's id, else what was typed (NULL: nothing). */
char *
_mw_window_dup_port (MwWindow *self)
{
  const char *id = gtk_combo_box_get_active_id (GTK_COMBO_BOX (self->port_combo));
  GtkEntry *entry = GTK_ENTRY (gtk_bin_get_child (GTK_BIN (self->port_combo)));
  g_autofree char *typed = NULL;

  if (id != NULL)
    return g_strdup (id);
  typed = g_strstrip (g_strdup (gtk_entry_get_text (entry)));
  if (*typed == '\0')
    return NULL;
  /* The label of the simulated board typed back in means it. */
  if (g_strcmp0 (typed, MW_BOARD_SIMULATED_LABEL) == 0)
    return g_strdup (MW_BOARD_SIMULATED_PORT);
  return g_steal_pointer (&typed);
}

static void
remember_port (MwWindow *self, const char *port)
{
  g_auto (GStrv) recent = g_settings_get_strv (self->settings, "recent-ports");
  g_autoptr (GStrvBuilder) builder = g_strv_builder_new ();
  g_auto (GStrv) updated = NULL;
  guint n = 1;

  if (g_strcmp0 (port, MW_BOARD_SIMULATED_PORT) == 0)
    return;
  g_strv_builder_add (builder, port);
  for (guint i = 0; recent[i] != NULL && n < MAX_RECENT_PORTS; i++)
    if (g_strcmp0 (recent[i], port) != 0)
      {
        g_strv_builder_add (builder, recent[i]);
        n++;
      }
  updated = g_strv_builder_end (builder);
  g_settings_set_strv (self->settings, "recent-ports", (const char *const *) updated);
}

static void
port_popup_cb (MwWindow *self)
{
  gboolean shown = FALSE;

  /* Boards come and go: list the ports again as the chooser opens. */
  g_object_get (self->port_combo, "popup-shown", &shown, NULL);
  if (shown)
    _mw_window_fill_ports (self, NULL);
}

static void
show_error (MwWindow *self, const char *what, const GError *error)
{
  g_autofree char *msg = g_strdup_printf ("%s: %s", what, error->message);
  mw_window_show_message (self, GTK_MESSAGE_ERROR, msg);
}

static void
board_console_cb (MwWindow *self, GBytes *data)
{
  gsize len;
  const char *bytes = g_bytes_get_data (data, &len);

  /* The console takes the board's prompts apart from its output (mw-console.c). */
  mw_console_append (self->console, bytes, len);
}

static void
board_reset_cb (MwWindow *self)
{
  /* The boot seen while connecting is not news. */
  if (!is_connected (self))
    return;
  mw_console_note_restart (self->console, "[the board restarted]");
}

static void
board_heap_sample_cb (MwWindow *self, gint64 time_us, guint heap)
{
  mw_board_panel_set_heap (self->board_panel, heap, time_us);
}

static void
board_disconnected_cb (MwWindow *self, const char *reason)
{
  mw_board_panel_clear (self->board_panel);
  mw_completion_provider_set_modules (self->completion, NULL);
  _mw_window_update_device_actions (self);
  if (reason != NULL)
    mw_window_show_message (self, GTK_MESSAGE_WARNING, reason);
}

static void
heap_interval_changed_cb (MwWindow *self)
{
  guint interval = 2;

  g_object_get (self->heap_graph, "interval", &interval, NULL);
  mw_board_set_heap_interval (self->board, interval * 1000);
}

static void refresh_files (MwWindow *self);

static void
connect_done_cb (GObject *object, GAsyncResult *result, gpointer user_data)
{
  g_autoptr (MwWindow) self = user_data;
  g_autoptr (GError) error = NULL;
  const MwBoardInfo *info;
  g_autofree char *modules = NULL;
  g_autofree char *firmware = NULL;
  g_autofree char *msg = NULL;

  self->connecting = FALSE;
  if (self->board == NULL)
    return;
  if (!mw_board_connect_finish (MW_BOARD (object), result, &error))
    {
      _mw_window_update_device_actions (self);
      show_error (self, "Could not connect", error);
      return;
    }
  info = mw_board_get_info (self->board);
  modules = info->modules != NULL ? g_strjoinv (", ", info->modules) : NULL;
  firmware = g_strdup_printf ("NodeMCU %s", info->version != NULL ? info->version : "?");
  mw_board_panel_set_info (self->board_panel, firmware, mw_board_info_number_type_string (info),
                           modules, info->chip_id, info->flash_size);
  if (info->heap >= 0)
    mw_board_panel_set_heap (self->board_panel, info->heap, g_get_real_time ());
  /* Completion offers what this firmware has (all known modules when it did not say). */
  mw_completion_provider_set_modules (self->completion, (const char *const *) info->modules);
  {
    const char *port = mw_board_get_port (self->board);
    gboolean simulated = g_strcmp0 (port, MW_BOARD_SIMULATED_PORT) == 0;

    if (!simulated)
      remember_port (self, port);
    _mw_window_remember_last_port (self, port);
    msg = g_strdup_printf ("Connected to %s: %s, %s build",
                           simulated ? "the simulated NodeMCU" : port, firmware,
                           mw_board_info_number_type_string (info));
  }
  mw_window_show_message (self, GTK_MESSAGE_INFO, msg);
  _mw_window_update_device_actions (self);
  refresh_files (self);
  _mw_window_refresh_lfs (self);
}

static void
action_connect (GSimpleAction *action, GVariant *param, gpointer user_data)
{
  MwWindow *self = user_data;
  g_autofree char *port = _mw_window_dup_port (self);
  const char *baud = gtk_combo_box_get_active_id (GTK_COMBO_BOX (self->baud_combo));

  if (self->connecting)
    return;
  if (port == NULL)
    {
      mw_window_show_message (self, GTK_MESSAGE_WARNING,
                              "Choose a port, or type one: a serial port, a pseudo-terminal "
                              "(/dev/pts/N) or tcp://host:port.");
      return;
    }
  self->connecting = TRUE;
  _mw_window_update_device_actions (self);
  mw_board_connect_async (self->board, port,
                          baud != NULL ? (guint) g_ascii_strtoull (baud, NULL, 10) : 115200,
                          CONNECT_TIMEOUT_MS, MW_BOARD_CONNECT_PROBE | MW_BOARD_CONNECT_CLEAN, NULL,
                          connect_done_cb, g_object_ref (self));
}

static void
action_disconnect (GSimpleAction *action, GVariant *param, gpointer user_data)
{
  MwWindow *self = user_data;

  g_autofree char *port = g_strdup (mw_board_get_port (self->board));
  g_autofree char *msg = NULL;

  g_cancellable_cancel (self->op_cancellable);
  mw_board_disconnect (self->board);
  _mw_window_update_device_actions (self);
  /* The connection's message goes with it. */
  msg = g_strdup_printf ("Disconnected from %s.", g_strcmp0 (port, MW_BOARD_SIMULATED_PORT) == 0
                                                    ? "the simulated NodeMCU"
                                                  : port != NULL ? port
                                                                 : "the board");
  mw_window_show_message (self, GTK_MESSAGE_INFO, msg);
}

static void
reset_done_cb (GObject *object, GAsyncResult *result, gpointer user_data)
{
  g_autoptr (MwWindow) self = user_data;
  g_autoptr (GError) error = NULL;
  g_autoptr (MwBoardInfo) info = mw_board_reset_finish (MW_BOARD (object), result, NULL, &error);

  if (error != NULL && !g_error_matches (error, MW_REPL_ERROR, MW_REPL_ERROR_RESET)
      && !g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    show_error (self, "The board reported an error", error);
}

static void
action_reset (GSimpleAction *action, GVariant *param, gpointer user_data)
{
  MwWindow *self = user_data;

  if (!is_connected (self))
    return;
  /* RTS pulses EN on a real board; a pty (the simulator) has no lines: the board asks the
   * firmware (mw-board.h). */
  mw_board_reset_async (self->board, FALSE, NULL, reset_done_cb, g_object_ref (self));
}

static void
output_to_console (GBytes *chunk, gpointer user_data)
{
  MwWindow *self = user_data;
  gsize len;
  const char *data = g_bytes_get_data (chunk, &len);

  if (self->console != NULL)
    mw_console_append (self->console, data, len);
}

static void upload_next_dropped (MwWindow *self);

static gboolean
continue_dropped (gpointer data)
{
  MwWindow *self = data;

  self->drop_idle = 0;
  upload_next_dropped (self);
  return G_SOURCE_REMOVE;
}

static void
finish_operation (MwWindow *self)
{
  g_clear_object (&self->op_cancellable);
  gtk_revealer_set_reveal_child (self->progress_revealer, FALSE);
  _mw_window_update_device_actions (self);
  /* Files dropped while it ran go up now, whatever it was (a Run, an LFS flash), once the
   * caller has said how it ended. */
  if (self->upload_queue->len > 0 && self->drop_idle == 0)
    self->drop_idle = g_idle_add (continue_dropped, self);
}

static GCancellable *
start_operation (MwWindow *self, const char *label)
{
  g_assert (self->op_cancellable == NULL);
  /* the message of an action that finished before is not about this one */
  mw_window_hide_message (self);
  self->op_cancellable = g_cancellable_new ();
  gtk_progress_bar_set_fraction (self->progress_bar, 0);
  gtk_progress_bar_set_text (self->progress_bar, label);
  gtk_revealer_set_reveal_child (self->progress_revealer, TRUE);
  _mw_window_update_device_actions (self);
  return self->op_cancellable;
}

typedef struct
{
  MwWindow *self;
  char *name; /* on the board: x.lua or x.lc */
} RunData;

static void
run_data_free (RunData *data)
{
  g_object_unref (data->self);
  g_free (data->name);
  g_free (data);
}

/* The open editor of a board file (x.lc runs come from x.lua), or NULL. */
static MwEditor *
editor_for_board_name (MwWindow *self, const char *name)
{
  g_autoptr (GList) editors = mw_window_list_editors (self);
  g_autofree char *source = g_strdup (name);

  if (g_str_has_suffix (source, ".lc"))
    {
      g_autofree char *stem = g_strndup (source, strlen (source) - 3);

      g_free (source);
      source = g_strconcat (stem, ".lua", NULL);
    }

  for (GList *l = editors; l != NULL; l = l->next)
    {
      GFile *file = mw_document_get_file (mw_editor_get_document (l->data));
      g_autofree char *base = file != NULL ? g_file_get_basename (file) : NULL;

      if (g_strcmp0 (base, source) == 0)
        return l->data;
    }
  return NULL;
}

/* The failing line of a Lua error ("name.lua:12: message", the first location is where it was
 * raised) as a mark in the open editor of that file. */
static void
mark_runtime_error (MwWindow *self, const char *message)
{
  g_autoptr (GRegex) regex = g_regex_new ("([\\w.-]+):(\\d+):", 0, 0, NULL);
  g_autoptr (GMatchInfo) match = NULL;

  if (g_regex_match (regex, message, 0, &match))
    {
      g_autofree char *file = g_match_info_fetch (match, 1);
      g_autofree char *line = g_match_info_fetch (match, 2);
      MwEditor *editor = editor_for_board_name (self, file);

      if (editor != NULL)
        mw_editor_set_runtime_error (editor, (guint) g_ascii_strtoull (line, NULL, 10), message);
    }
}

static void
run_done_cb (GObject *object, GAsyncResult *result, gpointer user_data)
{
  RunData *data = user_data;
  MwWindow *self = data->self;
  g_autoptr (GError) error = NULL;
  g_autoptr (GBytes) out = mw_board_exec_finish (MW_BOARD (object), result, &error);

  if (gtk_widget_in_destruction (GTK_WIDGET (self)))
    {
      run_data_free (data);
      return;
    }
  finish_operation (self);
  if (error != NULL && g_error_matches (error, MW_REPL_ERROR, MW_REPL_ERROR_LUA))
    {
      MwEditor *editor = editor_for_board_name (self, data->name);
      g_autofree char *folder = editor != NULL ? project_folder (self, editor) : NULL;

      /* In the console, where its file:line links lead to the editor, and in the gutter. */
      mw_console_append_error (self->console, error->message);
      mark_runtime_error (self, error->message);
      /* "?:" is what a chunk without debug information names (lua's ldebug.c). */
      if (strstr (error->message, "?:") != NULL)
        {
          mw_console_append_note (self->console,
                                  "[the file was compiled without line numbers (stripped): turn "
                                  "Strip off in the folder's upload pipeline to see them]");
          if (folder != NULL)
            mw_window_show_message_with_action (
              self, GTK_MESSAGE_ERROR,
              "The program failed: its error is in the console, without a line number because "
              "the file was stripped.",
              "_Keep Line Numbers", "win.keep-line-numbers", g_variant_new_string (folder));
          else
            mw_window_show_message (self, GTK_MESSAGE_ERROR,
                                    "The program failed: its error is in the console.");
        }
      else
        mw_window_show_message (self, GTK_MESSAGE_ERROR,
                                "The program failed: its error is in the console.");
    }
  else if (error != NULL && !g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    show_error (self, "The program failed", error);
  run_data_free (data);
}

static void
run_on_board (MwWindow *self, const char *name)
{
  g_autofree char *label = g_strdup_printf ("Running %s", name);
  g_autofree char *echo = g_strdup_printf ("dofile(\"%s\")", name);
  g_autoptr (GList) editors = mw_window_list_editors (self);
  RunData *data = g_new0 (RunData, 1);

  data->self = g_object_ref (self);
  data->name = g_strdup (name);
  /* a new run: the last one's failing line is history */
  for (GList *l = editors; l != NULL; l = l->next)
    mw_editor_set_runtime_error (l->data, 0, NULL);
  mw_console_echo_command (self->console, echo);
  gtk_stack_set_visible_child_name (self->bottom_stack, "console");
  mw_board_run_async (self->board, name, RUN_TIMEOUT_MS, output_to_console, self,
                      start_operation (self, label), run_done_cb, data);
}

/* Turns Strip off in a folder's upload pipeline: its next compiled upload keeps line numbers. */
static void
action_keep_line_numbers (GSimpleAction *action, GVariant *param, gpointer user_data)
{
  MwWindow *self = user_data;
  const char *folder = g_variant_get_string (param, NULL);
  g_autoptr (GError) error = NULL;
  g_autofree char *msg = NULL;
  MwBoardUploadOptions pipeline = { 0 };

  mw_pipeline_load (&pipeline, self->settings, folder);
  pipeline.pipeline.strip = FALSE;
  if (!mw_pipeline_save (&pipeline, folder, &error))
    {
      show_error (self, "Could not change the folder's upload pipeline", error);
      return;
    }
  msg = g_strdup_printf ("Strip is off for %s: upload the file again (Compile & Upload) and its "
                         "errors will name their lines.",
                         folder);
  mw_window_show_message (self, GTK_MESSAGE_INFO, msg);
}

/* The board-side name of an editor's file: its base name, or NULL (with a message) when the
 * file was never saved or the name does not fit SPIFFS. */
static char *
board_name (MwWindow *self, MwEditor *editor)
{
  GFile *file = mw_document_get_file (mw_editor_get_document (editor));
  g_autofree char *name = file != NULL ? g_file_get_basename (file) : NULL;

  if (name == NULL)
    {
      mw_window_show_message (self, GTK_MESSAGE_WARNING,
                              "Save the file first: its name becomes its name on the board.");
      return NULL;
    }
  if (strlen (name) > 31)
    {
      mw_window_show_message (self, GTK_MESSAGE_ERROR,
                              "The board's file system takes names of at most 31 characters.");
      return NULL;
    }
  return g_steal_pointer (&name);
}

static void
action_run (GSimpleAction *action, GVariant *param, gpointer user_data)
{
  MwWindow *self = user_data;
  MwEditor *editor = mw_window_get_current_editor (self);
  g_autofree char *name = editor != NULL ? board_name (self, editor) : NULL;

  if (name == NULL || self->op_cancellable != NULL)
    return;
  /* After Compile & Upload the board holds the .lc (and maybe not the .lua any more). */
  if (g_str_has_suffix (name, ".lua") && mw_file_browser_lookup (self->file_browser, name) < 0)
    {
      g_autofree char *lc = mw_lua_pipeline_compiled_name (name);

      if (mw_file_browser_lookup (self->file_browser, lc) < 0 && self->listings > 0)
        {
          /* The list is being read again (an upload just ended): judge by the new one. */
          self->run_after_listing = TRUE;
          return;
        }
      if (mw_file_browser_lookup (self->file_browser, lc) < 0)
        {
          g_autofree char *msg =
            g_strdup_printf ("%s is not on the board: upload it first (Ctrl+U).", name);
          mw_window_show_message (self, GTK_MESSAGE_WARNING, msg);
          return;
        }
      g_free (name);
      name = g_steal_pointer (&lc);
    }
  run_on_board (self, name);
}

typedef struct
{
  MwWindow *self;
  char *name; /* the local file's name */
  gboolean unsaved; /* the editor's text had changes not saved to its file */
  gboolean stripped; /* compiled without debug information */
} UploadData;

static void
upload_data_free (UploadData *data)
{
  g_object_unref (data->self);
  g_free (data->name);
  g_free (data);
}

static void
upload_progress_cb (gsize done, gsize total, gpointer user_data)
{
  UploadData *data = user_data;
  g_autofree char *text = NULL;

  if (data->self->progress_bar == NULL)
    return;
  text = g_strdup_printf ("Uploading %s: %" G_GSIZE_FORMAT " of %" G_GSIZE_FORMAT " bytes",
                          data->name, done, total);
  gtk_progress_bar_set_fraction (data->self->progress_bar, total > 0 ? (double) done / total : 1);
  gtk_progress_bar_set_text (data->self->progress_bar, text);
}

static void
upload_done_cb (GObject *object, GAsyncResult *result, gpointer user_data)
{
  UploadData *data = user_data;
  MwWindow *self = data->self;
  g_autoptr (GError) error = NULL;
  MwBoardUploadResult done = { 0 };

  if (!mw_board_upload_finish (MW_BOARD (object), result, &done, &error))
    {
      if (!gtk_widget_in_destruction (GTK_WIDGET (self)))
        {
          finish_operation (self);
          if (done.board_name == NULL)
            show_error (self, "Not uploaded", error); /* the pipeline refused it */
          else if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
            {
              g_autofree char *msg = g_strdup_printf ("Upload of %s cancelled: the file on the "
                                                      "board is as it was.",
                                                      done.board_name);
              mw_window_show_message (self, GTK_MESSAGE_WARNING, msg);
            }
          else
            show_error (self, "Upload failed (the file on the board is as it was)", error);
          g_ptr_array_set_size (self->upload_queue, 0);
          refresh_files (self);
        }
      mw_board_upload_result_clear (&done);
      upload_data_free (data);
      return;
    }
  if (!gtk_widget_in_destruction (GTK_WIDGET (self)))
    {
      g_autofree char *removed =
        done.source_removed ? g_strdup_printf ("; removed %s from the board", data->name) : NULL;
      g_autofree char *msg = g_strdup_printf (
        "Uploaded %s: %" G_GSIZE_FORMAT " bytes, verified "
        "on the board, in %.1f s%s%s%s",
        done.board_name, done.stats.bytes, done.stats.seconds,
        data->unsaved ? " (the editor's text, with changes "
                        "not saved to the file)"
                      : "",
        data->stripped ? "; without line numbers (stripped)" : "", removed != NULL ? removed : "");
      finish_operation (self);
      mw_window_show_message (self, GTK_MESSAGE_INFO, msg);
      refresh_files (self);
      upload_next_dropped (self);
    }
  mw_board_upload_result_clear (&done);
  upload_data_free (data);
}

/* Through the board's upload: the pipeline (on a worker thread), the transfer, the source's
 * removal after compiling. */
static void
upload_source (MwWindow *self, const char *name, GBytes *source,
               const MwBoardUploadOptions *options, gboolean unsaved)
{
  UploadData *data = g_new0 (UploadData, 1);
  g_autofree char *label = g_strdup_printf ("Uploading %s", name);

  data->self = g_object_ref (self);
  data->name = g_strdup (name);
  data->unsaved = unsaved;
  data->stripped = options->pipeline.compile && options->pipeline.strip;
  mw_board_upload_async (self->board, name, source, options, upload_progress_cb, data,
                         start_operation (self, label), upload_done_cb, data);
}

/* The project folder of an editor's file: the folder last checked (Problems) when the file is
 * in it, else the file's own folder. Its upload pipeline is remembered (mw-pipeline-dialog.h). */
static char *
project_folder (MwWindow *self, MwEditor *editor)
{
  GFile *file = mw_document_get_file (mw_editor_get_document (editor));
  g_autofree char *recent = g_settings_get_string (self->settings, "recent-project");
  g_autofree char *path = file != NULL ? g_file_get_path (file) : NULL;
  g_autofree char *prefix = g_strconcat (recent, G_DIR_SEPARATOR_S, NULL);

  if (path == NULL)
    return NULL;
  if (*recent != '\0' && g_str_has_prefix (path, prefix))
    return g_steal_pointer (&recent);
  return g_path_get_dirname (path);
}

static void
action_pipeline (GSimpleAction *action, GVariant *param, gpointer user_data)
{
  MwWindow *self = user_data;
  MwEditor *editor = mw_window_get_current_editor (self);
  g_autofree char *folder = editor != NULL ? project_folder (self, editor) : NULL;

  if (folder == NULL)
    {
      mw_window_show_message (self, GTK_MESSAGE_INFO,
                              "Save the file first: the pipeline belongs to its folder.");
      return;
    }
  gtk_window_present (
    GTK_WINDOW (mw_pipeline_dialog_new (GTK_WINDOW (self), self->settings, folder)));
}

/* The upload pipeline (remembered per project folder, Preferences as defaults): lint, minify
 * (verified), compile for the board's number type, strip; each step that fails stops the upload
 * and says why. */
static void
upload_editor (MwWindow *self, gboolean compile)
{
  MwEditor *editor = mw_window_get_current_editor (self);
  g_autofree char *name = editor != NULL ? board_name (self, editor) : NULL;
  g_autofree char *text = NULL;
  g_autofree char *folder = NULL;
  g_autofree char *forced = NULL;
  g_autoptr (GBytes) source = NULL;
  g_autoptr (MwLuaLintOptions) lint_options = NULL;
  MwBoardUploadOptions options = { 0 };
  gboolean folder_compiles;
  MwDocument *document;

  if (name == NULL || self->op_cancellable != NULL)
    return;
  document = mw_editor_get_document (editor);
  if (mw_document_get_changed_on_disk (document))
    {
      g_autofree char *msg =
        g_strdup_printf ("Not uploaded: %s changed on disk since it was opened here. Reload it, "
                         "or keep the editor's text, first.",
                         name);
      mw_window_show_message (self, GTK_MESSAGE_WARNING, msg);
      return;
    }
  folder = project_folder (self, editor);
  mw_pipeline_load (&options, self->settings, folder);
  text = mw_document_dup_text (document);
  source = g_bytes_new (text, strlen (text));
  {
    g_autofree char *lint_dir = _mw_window_lint_dir (editor);
    lint_options = _mw_window_new_lint_options (self, lint_dir);
  }

  folder_compiles = options.pipeline.compile;
  options.pipeline.compile = compile || folder_compiles;
  /* Compile & Upload where the folder does not compile keeps line numbers and the source:
   * stripping and removing belong to a folder that compiles (the pipeline dialog). */
  options.pipeline.strip = folder_compiles && options.pipeline.strip;
  options.remove_source = folder_compiles && options.remove_source;
  options.pipeline.number_type = _mw_window_get_number_type (self);
  options.pipeline.lint_options = lint_options;
  forced = g_settings_get_string (self->settings, "number-type");
  options.detect_number_type = g_strcmp0 (forced, "detect") == 0;
  /* the same steps as `moonwire-cli put --lint --minify --compile --strip` */
  upload_source (self, name, source, &options,
                 gtk_text_buffer_get_modified (GTK_TEXT_BUFFER (document)));
}

static void
action_upload (GSimpleAction *action, GVariant *param, gpointer user_data)
{
  upload_editor (MW_WINDOW (user_data), FALSE);
}

static void
action_compile_upload (GSimpleAction *action, GVariant *param, gpointer user_data)
{
  upload_editor (MW_WINDOW (user_data), TRUE);
}

static void
action_cancel (GSimpleAction *action, GVariant *param, gpointer user_data)
{
  MwWindow *self = user_data;

  g_cancellable_cancel (self->op_cancellable);
}

/* Lines typed in the console wait in self->console_lines until the board has answered the one
 * before: each is echoed when it goes to the board (MwBoard::line-sent), after the prompt it is
 * sent at, as a terminal shows it, and its output comes through the board's "console" signal
 * (once). A line typed while one of Moonwire's own commands runs waits for its prompt. */
typedef struct
{
  char *text;
  gboolean echoed;
} ConsoleLine;

static void
console_line_free (gpointer data)
{
  ConsoleLine *line = data;

  g_free (line->text);
  g_free (line);
}

void
_mw_window_clear_console_lines (MwWindow *self)
{
  if (self->console_lines != NULL)
    g_queue_free_full (g_steal_pointer (&self->console_lines), console_line_free);
}

static void
board_line_sent_cb (MwWindow *self, const char *text)
{
  /* The board takes the lines in the order they were typed. */
  for (GList *l = self->console_lines != NULL ? self->console_lines->head : NULL; l != NULL;
       l = l->next)
    {
      ConsoleLine *line = l->data;

      if (!line->echoed)
        {
          mw_console_echo_input (self->console, line->text);
          line->echoed = TRUE;
          return;
        }
    }
}

static void
send_line_done_cb (GObject *object, GAsyncResult *result, gpointer user_data)
{
  g_autoptr (MwWindow) self = user_data;
  g_autoptr (GError) error = NULL;
  g_autoptr (GBytes) out = mw_repl_send_line_finish (MW_REPL (object), result, &error);
  ConsoleLine *line;

  if (self->console == NULL || self->console_lines == NULL)
    return;
  line = g_queue_pop_head (self->console_lines);
  /* A restart has its own note (board_reset_cb). */
  if (error != NULL && !g_error_matches (error, MW_REPL_ERROR, MW_REPL_ERROR_INCOMPLETE)
      && !(g_error_matches (error, MW_REPL_ERROR, MW_REPL_ERROR_RESET) && line != NULL
           && line->echoed))
    {
      g_autofree char *msg = line != NULL && !line->echoed
                               ? g_strdup_printf ("[not sent: %s: %s]", line->text, error->message)
                               : g_strdup_printf ("[%s]", error->message);
      mw_console_append_note (self->console, msg);
    }
  g_clear_pointer (&line, console_line_free);
}

static void
console_send_cb (MwWindow *self, const char *text)
{
  MwRepl *repl = mw_board_get_repl (self->board);
  ConsoleLine *line;

  if (repl == NULL)
    {
      mw_window_show_message (self, GTK_MESSAGE_WARNING,
                              "Not connected to a board: the line was not sent.");
      return;
    }
  line = g_new0 (ConsoleLine, 1);
  line->text = g_strdup (text);
  g_queue_push_tail (self->console_lines, line);
  mw_repl_send_line_async (repl, text, LINE_TIMEOUT_MS, NULL, send_line_done_cb,
                           g_object_ref (self));
}

static void
action_send_selection (GSimpleAction *action, GVariant *param, gpointer user_data)
{
  MwWindow *self = user_data;
  MwEditor *editor = mw_window_get_current_editor (self);
  g_autofree char *text = editor != NULL ? mw_editor_dup_selection_or_line (editor) : NULL;

  if (text == NULL)
    return;
  /* What the lines print is in the console: show it. */
  gtk_stack_set_visible_child_name (self->bottom_stack, "console");
  mw_console_send (self->console, text);
}

/* File browser */

static void
list_done_cb (GObject *object, GAsyncResult *result, gpointer user_data)
{
  g_autoptr (MwWindow) self = user_data;
  g_autoptr (GError) error = NULL;
  g_autoptr (GPtrArray) files = mw_device_list_finish (MW_DEVICE (object), result, &error);
  g_autofree const char **names = NULL;
  g_autofree gint64 *sizes = NULL;
  gboolean run;

  self->listings--;
  run = self->run_after_listing && self->listings == 0;
  if (run)
    self->run_after_listing = FALSE;
  if (self->file_browser == NULL || !is_connected (self))
    return;
  if (files == NULL)
    {
      show_error (self, "Could not list the board's files", error);
      return;
    }
  names = g_new0 (const char *, files->len + 1);
  sizes = g_new0 (gint64, files->len + 1);
  for (guint i = 0; i < files->len; i++)
    {
      const MwFileEntry *entry = g_ptr_array_index (files, i);
      names[i] = entry->name;
      sizes[i] = entry->size;
    }
  mw_file_browser_set_files (self->file_browser, names, sizes, files->len);
  if (run)
    g_action_group_activate_action (G_ACTION_GROUP (self), "run", NULL);
}

static void
fsinfo_done_cb (GObject *object, GAsyncResult *result, gpointer user_data)
{
  g_autoptr (MwWindow) self = user_data;
  MwFsInfo info = { 0 };

  if (self->file_browser != NULL && is_connected (self)
      && mw_device_fsinfo_finish (MW_DEVICE (object), result, &info, NULL))
    mw_file_browser_set_fsinfo (self->file_browser, info.remaining, info.used, info.total);
}

static void
refresh_files (MwWindow *self)
{
  MwDevice *device = mw_board_get_device (self->board);

  if (device == NULL)
    return;
  self->listings++;
  mw_device_list_async (device, NULL, list_done_cb, g_object_ref (self));
  mw_device_fsinfo_async (device, NULL, fsinfo_done_cb, g_object_ref (self));
}

typedef struct
{
  MwWindow *self;
  char *done; /* the message when it worked */
} FileOp;

static FileOp *
file_op_new (MwWindow *self, char *done)
{
  FileOp *op = g_new0 (FileOp, 1);

  op->self = g_object_ref (self);
  op->done = done;
  /* the message of an action that finished before is not about this one */
  mw_window_hide_message (self);
  return op;
}

static void
op_done_cb (GObject *object, GAsyncResult *result, gpointer user_data)
{
  FileOp *op = user_data;
  MwWindow *self = op->self;
  g_autoptr (GError) error = NULL;

  if (!mw_device_op_finish (MW_DEVICE (object), result, &error))
    {
      if (self->file_browser != NULL)
        show_error (self, "The board refused", error);
    }
  else
    mw_window_show_message (self, GTK_MESSAGE_INFO, op->done);
  refresh_files (self);
  g_object_unref (op->self);
  g_free (op->done);
  g_free (op);
}

static void
format_done_cb (GObject *object, GAsyncResult *result, gpointer user_data)
{
  g_autoptr (MwWindow) self = user_data;
  g_autoptr (GError) error = NULL;

  if (!mw_device_op_finish (MW_DEVICE (object), result, &error))
    show_error (self, "Could not format the flash", error);
  else
    mw_window_show_message (self, GTK_MESSAGE_INFO, "Formatted the flash: the board has no files.");
  refresh_files (self);
}

typedef struct
{
  MwWindow *self;
  char *folder;
} SyncData;

static void
sync_data_free (SyncData *data)
{
  g_object_unref (data->self);
  g_free (data->folder);
  g_free (data);
}

/* Each file's progress in the progress bar. */
static void
sync_report_cb (const MwBoardSyncFile *file, gpointer user_data)
{
  SyncData *data = user_data;
  g_autofree char *base = g_path_get_basename (file->path);
  g_autofree char *text = NULL;

  if (data->self->progress_bar == NULL)
    return;
  if (file->state == MW_BOARD_SYNC_FILE_SENDING)
    {
      text = g_strdup_printf ("Uploading %s: %" G_GSIZE_FORMAT " of %" G_GSIZE_FORMAT " bytes",
                              base, file->sent, file->bytes);
      gtk_progress_bar_set_fraction (data->self->progress_bar,
                                     file->bytes > 0 ? (double) file->sent / file->bytes : 1);
    }
  else
    text = g_strdup_printf ("Comparing %s with the board's copy", base);
  gtk_progress_bar_set_text (data->self->progress_bar, text);
}

static void
sync_done_cb (GObject *object, GAsyncResult *result, gpointer user_data)
{
  SyncData *data = user_data;
  MwWindow *self = data->self;
  g_autoptr (GError) error = NULL;
  MwBoardSyncResult done = { 0 };
  gboolean ok = mw_board_sync_finish (MW_BOARD (object), result, &done, &error);

  if (!gtk_widget_in_destruction (GTK_WIDGET (self)))
    {
      g_autofree char *failed = done.failed > 0 ? g_strdup_printf (", %u failed", done.failed)
                                                : NULL;
      g_autofree char *msg =
        g_strdup_printf ("Synced %s: %u uploaded, %u already the same on the board%s", data->folder,
                         done.uploaded, done.same, failed != NULL ? failed : "");

      finish_operation (self);
      if (!ok && g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
        {
          g_autofree char *cancelled = g_strdup_printf (
            "Sync of %s cancelled after %u uploaded: the file being sent is as it was.",
            data->folder, done.uploaded);
          mw_window_show_message (self, GTK_MESSAGE_WARNING, cancelled);
        }
      else if (!ok)
        show_error (self, "The sync stopped", error);
      else
        mw_window_show_message (self, done.failed > 0 ? GTK_MESSAGE_WARNING : GTK_MESSAGE_INFO,
                                msg);
      refresh_files (self);
      upload_next_dropped (self);
    }
  sync_data_free (data);
}

/* Every file of a folder (not its subfolders, not hidden ones), as they are, except those the
 * board already has the same: MwBoard's sync, as `moonwire-cli sync` does it. */
static void
upload_folder (MwWindow *self, const char *folder)
{
  g_autoptr (GError) error = NULL;
  g_auto (GStrv) names = NULL;
  g_autofree char *label = NULL;
  MwBoardUploadOptions options = { 0 }; /* the files go as they are */
  SyncData *data;

  if (self->op_cancellable != NULL)
    {
      mw_window_show_message (self, GTK_MESSAGE_WARNING,
                              "Wait for the current upload to end before syncing a folder.");
      return;
    }
  if ((names = mw_board_sync_list (folder, &error)) == NULL)
    {
      show_error (self, "Could not read the folder", error);
      return;
    }
  if (names[0] == NULL)
    {
      mw_window_show_message (self, GTK_MESSAGE_WARNING, "The folder has no files to upload.");
      return;
    }
  data = g_new0 (SyncData, 1);
  data->self = g_object_ref (self);
  data->folder = g_strdup (folder);
  label = g_strdup_printf ("Syncing %s", folder);
  mw_board_sync_async (self->board, folder, (const char *const *) names, &options,
                       MW_BOARD_SYNC_NONE, sync_report_cb, data, start_operation (self, label),
                       sync_done_cb, data);
}

typedef struct
{
  MwWindow *self;
  char *name;
  char *folder; /* download: where to; NULL: open in an editor */
  GBytes *bytes;
} ReadData;

static void
read_data_free (ReadData *data)
{
  g_object_unref (data->self);
  g_free (data->name);
  g_free (data->folder);
  g_clear_pointer (&data->bytes, g_bytes_unref);
  g_free (data);
}

static void
save_download (ReadData *data, const char *folder, const char *path)
{
  g_autoptr (GError) error = NULL;

  if (g_mkdir_with_parents (folder, 0755) != 0
      || !g_file_set_contents (path, g_bytes_get_data (data->bytes, NULL),
                               g_bytes_get_size (data->bytes), &error))
    {
      if (error == NULL)
        g_set_error (&error, G_FILE_ERROR, g_file_error_from_errno (errno), "%s: %s", folder,
                     g_strerror (errno));
      show_error (data->self, "Could not save the download", error);
    }
  else if (data->folder == NULL)
    {
      g_autoptr (GFile) file = g_file_new_for_path (path);
      mw_window_open_file (data->self, file);
    }
  else
    {
      g_autofree char *msg = g_strdup_printf ("Downloaded %s to %s", data->name, path);
      mw_window_show_message (data->self, GTK_MESSAGE_INFO, msg);
    }
}

static void
overwrite_response_cb (GtkDialog *dialog, gint response, ReadData *data)
{
  g_autofree char *path = g_build_filename (data->folder, data->name, NULL);

  gtk_widget_destroy (GTK_WIDGET (dialog));
  if (response == GTK_RESPONSE_ACCEPT)
    save_download (data, data->folder, path);
  else
    {
      g_autofree char *msg = g_strdup_printf ("Not downloaded: %s is as it was.", path);
      mw_window_show_message (data->self, GTK_MESSAGE_INFO, msg);
    }
  read_data_free (data);
}

static void
read_done_cb (GObject *object, GAsyncResult *result, gpointer user_data)
{
  ReadData *data = user_data;
  g_autoptr (GError) error = NULL;
  g_autofree char *folder = NULL;
  g_autofree char *path = NULL;

  data->bytes = mw_device_read_file_finish (MW_DEVICE (object), result, &error);
  if (data->bytes == NULL)
    {
      show_error (data->self, "Could not download", error);
      read_data_free (data);
      return;
    }
  /* Opened files live in the cache, so Save writes a real file (its tab says it is the
   * board's copy: mw-window.c). */
  folder = data->folder != NULL
             ? g_strdup (data->folder)
             : g_build_filename (g_get_user_cache_dir (), "moonwire", "board", NULL);
  path = g_build_filename (folder, data->name, NULL);
  if (data->folder != NULL && g_file_test (path, G_FILE_TEST_EXISTS))
    {
      /* Never overwrite the user's file without asking. */
      GtkWidget *dialog = gtk_message_dialog_new (
        GTK_WINDOW (data->self), GTK_DIALOG_MODAL | GTK_DIALOG_DESTROY_WITH_PARENT,
        GTK_MESSAGE_QUESTION, GTK_BUTTONS_NONE, "Replace “%s” in %s?", data->name, data->folder);
      GtkWidget *replace;

      gtk_message_dialog_format_secondary_text (
        GTK_MESSAGE_DIALOG (dialog), "A file with that name is there; the board's copy would "
                                     "replace it.");
      gtk_dialog_add_button (GTK_DIALOG (dialog), "_Cancel", GTK_RESPONSE_CANCEL);
      replace = gtk_dialog_add_button (GTK_DIALOG (dialog), "_Replace", GTK_RESPONSE_ACCEPT);
      gtk_style_context_add_class (gtk_widget_get_style_context (replace), "destructive-action");
      gtk_dialog_set_default_response (GTK_DIALOG (dialog), GTK_RESPONSE_CANCEL);
      g_signal_connect (dialog, "response", G_CALLBACK (overwrite_response_cb), data);
      gtk_window_present (GTK_WINDOW (dialog));
      return;
    }
  save_download (data, folder, path);
  read_data_free (data);
}

static void
file_browser_action_cb (MwWindow *self, const char *verb, const char *name, const char *argument)
{
  MwDevice *device = mw_board_get_device (self->board);

  if (device == NULL)
    {
      mw_window_show_message (self, GTK_MESSAGE_WARNING, "Connect to a board first.");
      return;
    }
  if (g_str_equal (verb, "refresh"))
    refresh_files (self);
  else if (g_str_equal (verb, "run"))
    {
      if (self->op_cancellable == NULL)
        run_on_board (self, name);
    }
  else if (g_str_equal (verb, "open") || g_str_equal (verb, "download"))
    {
      ReadData *data = g_new0 (ReadData, 1);

      data->self = g_object_ref (self);
      data->name = g_strdup (name);
      data->folder = g_strdup (argument);
      mw_device_read_file_async (device, name, NULL, read_done_cb, data);
    }
  else if (g_str_equal (verb, "rename"))
    mw_device_rename_async (
      device, name, argument, NULL, op_done_cb,
      file_op_new (self, g_strdup_printf ("Renamed %s to %s on the board.", name, argument)));
  else if (g_str_equal (verb, "delete"))
    mw_device_remove_async (
      device, name, NULL, op_done_cb,
      file_op_new (self, g_strdup_printf ("Deleted %s from the board.", name)));
  else if (g_str_equal (verb, "compile"))
    mw_device_compile_async (
      device, name, NULL, op_done_cb,
      file_op_new (self, g_strdup_printf ("Compiled %s on the board.", name)));
  else if (g_str_equal (verb, "format"))
    {
      /* Confirmed by the file browser already. */
      mw_window_show_message (self, GTK_MESSAGE_INFO, "Formatting the flash…");
      mw_device_format_async (device, TRUE, NULL, format_done_cb, g_object_ref (self));
    }
  else if (g_str_equal (verb, "sync"))
    upload_folder (self, argument);
}

static void
upload_next_dropped (MwWindow *self)
{
  g_autofree char *path = NULL;
  g_autofree char *contents = NULL;
  g_autofree char *name = NULL;
  g_autoptr (GError) error = NULL;
  gsize len;

  if (self->upload_queue->len == 0 || self->op_cancellable != NULL || !is_connected (self))
    return;
  path = g_ptr_array_steal_index (self->upload_queue, 0);
  name = g_path_get_basename (path);
  if (!g_file_get_contents (path, &contents, &len, &error))
    {
      show_error (self, "Could not read the dropped file", error);
      upload_next_dropped (self);
      return;
    }
  {
    g_autoptr (GBytes) bytes = g_bytes_new_take (g_steal_pointer (&contents), len);
    MwBoardUploadOptions options = { 0 }; /* dropped files go as they are */

    upload_source (self, name, bytes, &options, FALSE);
  }
}

static void
file_browser_upload_cb (MwWindow *self, GStrv paths)
{
  if (!is_connected (self))
    {
      mw_window_show_message (self, GTK_MESSAGE_WARNING, "Connect to a board first.");
      return;
    }
  for (guint i = 0; paths[i] != NULL; i++)
    g_ptr_array_add (self->upload_queue, g_strdup (paths[i]));
  upload_next_dropped (self);
}

/* For the other parts of MwWindow (mw-window-lfs.c): the progress bar with Cancel, and the
 * Files tab's list. */
GCancellable *
_mw_window_start_operation (MwWindow *self, const char *label)
{
  return start_operation (self, label);
}

void
_mw_window_finish_operation (MwWindow *self)
{
  finish_operation (self);
}

void
_mw_window_refresh_files (MwWindow *self)
{
  refresh_files (self);
}

static const GActionEntry board_entries[] = {
  { "pipeline", action_pipeline },
  { "keep-line-numbers", action_keep_line_numbers, "s" },
  { "connect", action_connect },
  { "disconnect", action_disconnect },
  { "reset", action_reset },
  { "upload", action_upload },
  { "compile-upload", action_compile_upload },
  { "run", action_run },
  { "send-selection", action_send_selection },
  { "cancel", action_cancel },
};

/* From mw_window_init(): the board's actions, the board session and the signals of the views
 * that ask the board for something. */
void
_mw_window_init_board (MwWindow *self)
{
  g_action_map_add_action_entries (G_ACTION_MAP (self), board_entries, G_N_ELEMENTS (board_entries),
                                   self);
  _mw_window_init_lfs (self);
  self->board = mw_board_new ();
  mw_heap_graph_set_log (self->heap_graph, mw_board_get_heap_log (self->board));
  self->upload_queue = g_ptr_array_new_with_free_func (g_free);
  self->console_lines = g_queue_new ();
  g_signal_connect_object (self->board, "console", G_CALLBACK (board_console_cb), self,
                           G_CONNECT_SWAPPED);
  g_signal_connect_object (self->board, "reset", G_CALLBACK (board_reset_cb), self,
                           G_CONNECT_SWAPPED);
  g_signal_connect_object (self->board, "line-sent", G_CALLBACK (board_line_sent_cb), self,
                           G_CONNECT_SWAPPED);
  g_signal_connect_object (self->board, "heap-sample", G_CALLBACK (board_heap_sample_cb), self,
                           G_CONNECT_SWAPPED);
  g_signal_connect_object (self->board, "disconnected", G_CALLBACK (board_disconnected_cb), self,
                           G_CONNECT_SWAPPED);
  g_signal_connect_object (self->heap_graph, "notify::interval",
                           G_CALLBACK (heap_interval_changed_cb), self, G_CONNECT_SWAPPED);
  g_signal_connect_object (self->port_combo, "notify::popup-shown", G_CALLBACK (port_popup_cb),
                           self, G_CONNECT_SWAPPED);
  g_signal_connect_object (self->console, "send", G_CALLBACK (console_send_cb), self,
                           G_CONNECT_SWAPPED);
  g_signal_connect_object (self->file_browser, "file-action", G_CALLBACK (file_browser_action_cb),
                           self, G_CONNECT_SWAPPED);
  g_signal_connect_object (self->file_browser, "upload-files", G_CALLBACK (file_browser_upload_cb),
                           self, G_CONNECT_SWAPPED);
}
