/* mw-window-session.c: the part of MwWindow that remembers the session for the next start: the
 * files open in tabs (in tab order) and the current one, the two pane positions and the last
 * port connected to, all in GSettings. Tabs and port are written when they change, so a crash
 * keeps them; a window being closed writes no tab change, so quitting keeps the tabs open at the
 * time. Pane sizes are written as a window closes.
 * mw_window_restore_session() (the first window of a start) opens them again.
 */
#include "mw-config.h"

#include "mw-window-private.h"

static gboolean
saving_allowed (MwWindow *self)
{
  return self->settings != NULL && !self->closing && !self->restoring
         && !gtk_widget_in_destruction (GTK_WIDGET (self));
}

static void
save_tabs (MwWindow *self)
{
  g_autoptr (GPtrArray) paths = g_ptr_array_new_with_free_func (g_free);
  MwEditor *current = mw_window_get_current_editor (self);
  g_autofree char *current_path = NULL;
  gint n = gtk_notebook_get_n_pages (self->notebook);
  g_autofree char *board = NULL;
  g_autoptr (GFile) board_dir = NULL;

  if (!saving_allowed (self))
    return;
  /* where the board's files are opened from (mw-window-board.c) */
  board = g_build_filename (g_get_user_cache_dir (), "moonwire", "board", NULL);
  board_dir = g_file_new_for_path (board);
  for (gint i = 0; i < n; i++)
    {
      MwEditor *editor = MW_EDITOR (gtk_notebook_get_nth_page (self->notebook, i));
      GFile *file = mw_document_get_file (mw_editor_get_document (editor));

      /* Untitled text and the board's copies are not reopened. */
      if (file != NULL && g_file_is_native (file) && !g_file_has_prefix (file, board_dir))
        {
          g_ptr_array_add (paths, g_file_get_path (file));
          if (editor == current)
            current_path = g_file_get_path (file);
        }
    }
  g_ptr_array_add (paths, NULL);
  g_settings_set_strv (self->settings, "session-files", (const char *const *) paths->pdata);
  g_settings_set_string (self->settings, "session-current",
                         current_path != NULL ? current_path : "");
}

static gboolean
save_tabs_idle_cb (gpointer data)
{
  MwWindow *self = data;

  self->session_idle = 0;
  save_tabs (self);
  return G_SOURCE_REMOVE;
}

/* Tabs change in bursts (a page added, then made current; switch-page comes before the page
 * changes): one write once they settle, before the next redraw (a default idle can wait long
 * behind a busy console). */
static void
queue_save_tabs (MwWindow *self)
{
  if (self->session_idle == 0 && saving_allowed (self))
    self->session_idle = g_idle_add_full (G_PRIORITY_HIGH_IDLE, save_tabs_idle_cb, self, NULL);
}

static void
page_added_cb (MwWindow *self, GtkWidget *page)
{
  /* Save As gives a tab another file. */
  g_signal_connect_object (page, "notify::title", G_CALLBACK (queue_save_tabs), self,
                           G_CONNECT_SWAPPED);
  queue_save_tabs (self);
}

/* From mw_window_init() */
void
_mw_window_init_session (MwWindow *self)
{
  g_signal_connect_object (self->notebook, "page-added", G_CALLBACK (page_added_cb), self,
                           G_CONNECT_SWAPPED);
  g_signal_connect_object (self->notebook, "page-removed", G_CALLBACK (queue_save_tabs), self,
                           G_CONNECT_SWAPPED);
  g_signal_connect_object (self->notebook, "page-reordered", G_CALLBACK (queue_save_tabs), self,
                           G_CONNECT_SWAPPED);
  g_signal_connect_object (self->notebook, "switch-page", G_CALLBACK (queue_save_tabs), self,
                           G_CONNECT_SWAPPED);
}

/* The panes as they were left. A window settles its size over several allocations after it is
 * mapped, and GtkPaned scales its position with each: so the saved position is set again after
 * each allocation until the user takes a handle. */
static gint
wanted_position (MwWindow *self, GtkPaned *paned)
{
  return g_settings_get_int (self->settings, paned == self->main_paned ? "session-side-pane"
                                                                       : "session-bottom-pane");
}

static void
apply_pane (MwWindow *self, GtkPaned *paned)
{
  gint wanted = wanted_position (self, paned);
  gint max = G_MAXINT;

  g_object_get (paned, "max-position", &max, NULL);
  /* A position the window is too small for stays GTK's (no resize loop). */
  if (wanted > 0 && wanted <= max && gtk_paned_get_position (paned) != wanted)
    gtk_paned_set_position (paned, wanted);
}

static gboolean
restore_panes_idle_cb (gpointer data)
{
  MwWindow *self = data;

  self->pane_idle = 0;
  apply_pane (self, self->main_paned);
  apply_pane (self, self->work_paned);
  self->panes_restored = TRUE;
  return G_SOURCE_REMOVE;
}

static gboolean
map_event_cb (MwWindow *self)
{
  if (!self->panes_restored && self->pane_idle == 0)
    self->pane_idle = g_idle_add_full (G_PRIORITY_HIGH_IDLE, restore_panes_idle_cb, self, NULL);
  return GDK_EVENT_PROPAGATE;
}

static void
pane_allocated_cb (GtkPaned *paned, GdkRectangle *allocation, MwWindow *self)
{
  if (self->panes_restored && !self->panes_touched)
    apply_pane (self, paned);
}

static gboolean
pane_pressed_cb (MwWindow *self)
{
  self->panes_touched = TRUE;
  return GDK_EVENT_PROPAGATE;
}

/* From mw_window_setup(), once the settings are there. */
void
_mw_window_setup_session (MwWindow *self)
{
  GtkPaned *panes[] = { self->main_paned, self->work_paned };

  g_signal_connect (self, "map-event", G_CALLBACK (map_event_cb), NULL);
  for (guint i = 0; i < G_N_ELEMENTS (panes); i++)
    {
      g_signal_connect_after (panes[i], "size-allocate", G_CALLBACK (pane_allocated_cb), self);
      g_signal_connect_swapped (panes[i], "button-press-event", G_CALLBACK (pane_pressed_cb), self);
      g_signal_connect_swapped (panes[i], "move-handle", G_CALLBACK (pane_pressed_cb), self);
    }
}

/* From dispose: the pane sizes of a window that was on screen are the next window's (read
 * here rather than on each move: a pane also moves when a window is resized or first shown). */
void
_mw_window_dispose_session (MwWindow *self)
{
  g_clear_handle_id (&self->session_idle, g_source_remove);
  g_clear_handle_id (&self->pane_idle, g_source_remove);
  if (self->settings != NULL && self->panes_restored && self->main_paned != NULL)
    {
      g_settings_set_int (self->settings, "session-side-pane",
                          gtk_paned_get_position (self->main_paned));
      g_settings_set_int (self->settings, "session-bottom-pane",
                          gtk_paned_get_position (self->work_paned));
    }
}

/* Reopening: every file is loaded at once, and the tabs are added in their old order when the
 * last load is over, so a large file loading slowly does not move its tab. */
typedef struct
{
  MwWindow *self;
  GPtrArray *documents; /* MwDocument, NULL for a file that could not be read */
  GPtrArray *errors; /* "name: message" */
  guint pending;
  char *current;
} Restore;

static void
unref_document (gpointer document)
{
  if (document != NULL)
    g_object_unref (document);
}

static void
restore_free (Restore *restore)
{
  g_object_unref (restore->self);
  g_ptr_array_unref (restore->documents);
  g_ptr_array_unref (restore->errors);
  g_free (restore->current);
  g_free (restore);
}

static void
restore_finish (Restore *restore)
{
  MwWindow *self = restore->self;
  MwEditor *current = NULL;

  if (gtk_widget_in_destruction (GTK_WIDGET (self)))
    return;
  for (guint i = 0; i < restore->documents->len; i++)
    {
      MwDocument *document = g_ptr_array_index (restore->documents, i);
      g_autofree char *path = NULL;
      MwEditor *editor;

      if (document == NULL)
        continue;
      editor = _mw_window_add_editor (self, document);
      path = g_file_get_path (mw_document_get_file (document));
      if (g_strcmp0 (path, restore->current) == 0)
        current = editor;
    }
  if (current != NULL)
    gtk_notebook_set_current_page (self->notebook,
                                   gtk_notebook_page_num (self->notebook, GTK_WIDGET (current)));
  self->restoring = FALSE;
  if (restore->errors->len > 0)
    {
      g_autofree char *list = NULL;
      g_autofree char *msg = NULL;

      g_ptr_array_add (restore->errors, NULL);
      list = g_strjoinv ("; ", (char **) restore->errors->pdata);
      msg = g_strdup_printf ("Not reopened: %s", list);
      mw_window_show_message (self, GTK_MESSAGE_WARNING, msg);
    }
  save_tabs (self);
}

static void
restore_load_cb (GObject *object, GAsyncResult *result, gpointer user_data)
{
  Restore *restore = user_data;
  g_autoptr (GError) error = NULL;

  if (!mw_document_load_finish (MW_DOCUMENT (object), result, &error))
    {
      g_autofree char *name = g_file_get_parse_name (g_object_get_data (object, "mw-restoring"));

      for (guint i = 0; i < restore->documents->len; i++)
        if (g_ptr_array_index (restore->documents, i) == object)
          {
            g_ptr_array_index (restore->documents, i) = NULL;
            g_object_unref (object);
          }
      g_ptr_array_add (restore->errors, g_strdup_printf ("%s: %s", name, error->message));
    }
  if (--restore->pending == 0)
    {
      restore_finish (restore);
      restore_free (restore);
    }
}

void
mw_window_restore_session (MwWindow *self)
{
  g_auto (GStrv) paths = NULL;
  Restore *restore;

  g_return_if_fail (MW_IS_WINDOW (self));
  g_return_if_fail (self->settings != NULL);

  paths = g_settings_get_strv (self->settings, "session-files");
  restore = g_new0 (Restore, 1);
  restore->self = g_object_ref (self);
  restore->documents = g_ptr_array_new_with_free_func (unref_document);
  restore->errors = g_ptr_array_new_with_free_func (g_free);
  restore->current = g_settings_get_string (self->settings, "session-current");
  for (guint i = 0; paths[i] != NULL; i++)
    {
      g_autoptr (GFile) file = g_file_new_for_path (paths[i]);
      MwDocument *document;

      /* A file deleted since is no error: it is simply not there any more. */
      if (mw_window_find_editor (self, file) != NULL || !g_file_query_exists (file, NULL))
        continue;
      document = mw_document_new ();
      g_object_set_data_full (G_OBJECT (document), "mw-restoring", g_object_ref (file),
                              g_object_unref);
      g_ptr_array_add (restore->documents, document);
    }
  if (restore->documents->len == 0)
    {
      restore_free (restore);
      return;
    }
  self->restoring = TRUE;
  restore->pending = restore->documents->len;
  for (guint i = 0; i < restore->documents->len; i++)
    {
      MwDocument *document = g_ptr_array_index (restore->documents, i);

      mw_document_load_async (document, g_object_get_data (G_OBJECT (document), "mw-restoring"),
                              NULL, restore_load_cb, restore);
    }
}

/* The port of the last connection (the simulated board included), for the next start. */
void
_mw_window_remember_last_port (MwWindow *self, const char *port)
{
  if (self->settings != NULL && port != NULL)
    g_settings_set_string (self->settings, "last-port", port);
}
