/* mw-window.c: the main window.
 *
 * The window wires its parts together: editors feed the Problems list, console links and
 * problem rows jump into editors, settings bind to the header bar and the heap graph. This
 * file holds the class, its template, the editor tabs, the title, the settings and the
 * unsaved-changes guard; its other parts are mw-window-actions.c (document, editor and
 * console actions), mw-window-board.c (everything that talks to the board) and
 * mw-window-folder-check.c (the project folder's check). mw-window-private.h is what they share.
 */
#include "mw-config.h"

#include "mw-window-private.h"

#include <gtksourceview/gtksource.h>

G_DEFINE_TYPE (MwWindow, mw_window, GTK_TYPE_APPLICATION_WINDOW)

static MwEditor *
editor_at (MwWindow *self, gint page)
{
  GtkWidget *child = page >= 0 ? gtk_notebook_get_nth_page (self->notebook, page) : NULL;
  return child != NULL ? MW_EDITOR (child) : NULL;
}

MwEditor *
mw_window_get_current_editor (MwWindow *self)
{
  g_return_val_if_fail (MW_IS_WINDOW (self), NULL);
  /* Template children are cleared while the window is destroyed; editors may still notify. */
  if (self->notebook == NULL)
    return NULL;
  return editor_at (self, gtk_notebook_get_current_page (self->notebook));
}

GList *
mw_window_list_editors (MwWindow *self)
{
  GList *list = NULL;

  g_return_val_if_fail (MW_IS_WINDOW (self), NULL);
  if (self->notebook == NULL)
    return NULL;
  for (gint i = gtk_notebook_get_n_pages (self->notebook) - 1; i >= 0; i--)
    list = g_list_prepend (list, editor_at (self, i));
  return list;
}

MwEditor *
mw_window_find_editor (MwWindow *self, GFile *file)
{
  g_autoptr (GList) editors = NULL;

  g_return_val_if_fail (MW_IS_WINDOW (self), NULL);
  g_return_val_if_fail (G_IS_FILE (file), NULL);
  editors = mw_window_list_editors (self);
  for (GList *l = editors; l != NULL; l = l->next)
    {
      GFile *f = mw_document_get_file (mw_editor_get_document (l->data));
      if (f != NULL && g_file_equal (f, file))
        return l->data;
    }
  return NULL;
}

guint
mw_window_count_unsaved (MwWindow *self)
{
  g_autoptr (GList) editors = NULL;
  guint n = 0;

  g_return_val_if_fail (MW_IS_WINDOW (self), 0);
  editors = mw_window_list_editors (self);
  for (GList *l = editors; l != NULL; l = l->next)
    n += gtk_text_buffer_get_modified (GTK_TEXT_BUFFER (mw_editor_get_document (l->data)));
  return n;
}

void
mw_window_show_message (MwWindow *self, GtkMessageType type, const char *message)
{
  g_return_if_fail (MW_IS_WINDOW (self));
  g_return_if_fail (message != NULL);

  gtk_info_bar_set_message_type (self->info_bar, type);
  {
    /* messages quote the board's bytes (names, errors), which need not be UTF-8 */
    g_autofree char *valid = g_utf8_make_valid (message, -1);

    gtk_label_set_text (self->info_label, valid);
  }
  gtk_widget_hide (self->info_action_button);
  gtk_info_bar_set_revealed (self->info_bar, TRUE);
}

void
mw_window_hide_message (MwWindow *self)
{
  g_return_if_fail (MW_IS_WINDOW (self));
  gtk_info_bar_set_revealed (self->info_bar, FALSE);
}

void
mw_window_show_message_with_action (MwWindow *self, GtkMessageType type, const char *message,
                                    const char *label, const char *action, GVariant *target)
{
  g_return_if_fail (MW_IS_WINDOW (self));
  g_return_if_fail (label != NULL && action != NULL);

  mw_window_show_message (self, type, message);
  gtk_button_set_use_underline (GTK_BUTTON (self->info_action_button), TRUE);
  gtk_button_set_label (GTK_BUTTON (self->info_action_button), label);
  /* the target first: an action with a parameter refuses a button without one */
  gtk_actionable_set_action_name (GTK_ACTIONABLE (self->info_action_button), NULL);
  gtk_actionable_set_action_target_value (GTK_ACTIONABLE (self->info_action_button), target);
  gtk_actionable_set_action_name (GTK_ACTIONABLE (self->info_action_button), action);
  gtk_widget_show (self->info_action_button);
}

GtkButton *
mw_window_get_message_action (MwWindow *self)
{
  g_return_val_if_fail (MW_IS_WINDOW (self), NULL);
  if (mw_window_get_message (self) == NULL || !gtk_widget_get_visible (self->info_action_button))
    return NULL;
  return GTK_BUTTON (self->info_action_button);
}

const char *
mw_window_get_message (MwWindow *self)
{
  g_return_val_if_fail (MW_IS_WINDOW (self), NULL);
  if (!gtk_info_bar_get_revealed (self->info_bar))
    return NULL;
  return gtk_label_get_text (self->info_label);
}

static void
info_bar_response_cb (MwWindow *self, gint response)
{
  gtk_info_bar_set_revealed (self->info_bar, FALSE);
}

/* The key under which an editor's findings are listed: its path, or its tab name. */
static char *
editor_key (MwEditor *editor)
{
  GFile *file = mw_document_get_file (mw_editor_get_document (editor));

  if (file != NULL)
    return g_file_get_path (file);
  return g_strdup_printf ("untitled:%p", (void *) editor);
}

static void
editor_diagnostics_changed_cb (MwWindow *self, MwEditor *editor)
{
  g_autofree char *key = editor_key (editor);
  g_autofree char *title = mw_document_dup_title (mw_editor_get_document (editor));
  GPtrArray *diags = mw_editor_get_diagnostics (editor);

  if (self->problems_view == NULL)
    return;

  const char *old_key = g_object_get_data (G_OBJECT (editor), "mw-problems-key");

  /* A renamed document (Save As) left rows under its old key; those go with the old name. */
  if (old_key != NULL && g_strcmp0 (old_key, key) != 0)
    mw_problems_view_set_file (self->problems_view, old_key, NULL, NULL);
  g_object_set_data_full (G_OBJECT (editor), "mw-problems-key", g_strdup (key), g_free);
  mw_problems_view_set_file (self->problems_view, key, title, diags);
}

MwLuaNumberType
_mw_window_get_number_type (MwWindow *self)
{
  g_autofree char *forced = g_settings_get_string (self->settings, "number-type");

  if (g_strcmp0 (forced, "integer") == 0)
    return MW_LUA_TARGET_INTEGER;
  return MW_LUA_TARGET_FLOAT;
}

static void
add_natural_width (GtkWidget *child, gpointer data)
{
  gint *sum = data;
  gint min = 0, nat = 0;

  if (!gtk_widget_get_visible (child))
    return;
  gtk_widget_get_preferred_width (child, &min, &nat);
  *sum += nat + 6; /* GtkHeaderBar's spacing */
}

static gboolean
subtitle_idle_cb (gpointer data)
{
  MwWindow *self = data;

  self->subtitle_idle = 0;
  gtk_label_set_max_width_chars (self->subtitle_label, self->subtitle_chars);
  return G_SOURCE_REMOVE;
}

/* GtkHeaderBar gives the title its natural width before the buttons on either side get theirs,
 * so a long folder in the subtitle cut the port's name short. The subtitle asks only for the
 * room the buttons leave at their natural widths: the whole folder on a wide screen, its middle
 * cut out on a narrow one. Set from an idle: a size change during allocation waits a frame. */
static void
header_allocated_cb (GtkWidget *header, GdkRectangle *allocation, MwWindow *self)
{
  GtkWidget *title = gtk_header_bar_get_custom_title (GTK_HEADER_BAR (header));
  PangoFontMetrics *metrics;
  gint sides = 0, chars, char_width;

  /* the buttons, and the window's own controls (an internal child) */
  gtk_container_forall (GTK_CONTAINER (header), add_natural_width, &sides);
  if (title != NULL)
    {
      gint min = 0, nat = 0;

      gtk_widget_get_preferred_width (title, &min, &nat);
      sides -= nat + 6;
    }
  metrics = pango_context_get_metrics (
    gtk_widget_get_pango_context (GTK_WIDGET (self->subtitle_label)), NULL, NULL);
  char_width = MAX (PANGO_PIXELS (pango_font_metrics_get_approximate_char_width (metrics)), 1);
  pango_font_metrics_unref (metrics);
  chars = CLAMP ((allocation->width - sides - 24) / char_width, 12, 200);
  if (chars == self->subtitle_chars)
    return;
  self->subtitle_chars = chars;
  if (self->subtitle_idle == 0)
    self->subtitle_idle = g_idle_add (subtitle_idle_cb, self);
}

static void
update_title (MwWindow *self)
{
  MwEditor *editor = mw_window_get_current_editor (self);
  g_autofree char *subtitle = NULL;

  if (self->header_bar == NULL)
    return;
  if (editor != NULL)
    {
      GFile *file = mw_document_get_file (mw_editor_get_document (editor));
      g_autofree char *title = mw_editor_dup_title (editor);

      if (file != NULL)
        {
          g_autoptr (GFile) parent = g_file_get_parent (file);
          g_autofree char *dir = parent != NULL ? g_file_get_parse_name (parent) : NULL;
          subtitle = dir != NULL ? g_strdup_printf ("%s — %s", title, dir)
                                 : g_steal_pointer (&title);
        }
      else
        subtitle = g_steal_pointer (&title);
    }
  gtk_label_set_text (self->subtitle_label, subtitle);
  gtk_widget_set_visible (GTK_WIDGET (self->subtitle_label), subtitle != NULL);
  gtk_widget_set_tooltip_text (GTK_WIDGET (self->subtitle_label), subtitle);
}

static void
update_actions (MwWindow *self)
{
  gboolean has_editor = mw_window_get_current_editor (self) != NULL;
  static const char *editor_actions[] = { "save", "save-as", "close-tab", "find", "replace" };

  if (self->editor_stack == NULL)
    return;

  for (guint i = 0; i < G_N_ELEMENTS (editor_actions); i++)
    {
      GAction *action = g_action_map_lookup_action (G_ACTION_MAP (self), editor_actions[i]);
      g_simple_action_set_enabled (G_SIMPLE_ACTION (action), has_editor);
    }
  gtk_stack_set_visible_child_name (self->editor_stack, has_editor ? "editors" : "welcome");
  update_title (self);
  _mw_window_update_device_actions (self);
}

static gboolean
update_actions_idle_cb (gpointer user_data)
{
  MwWindow *self = user_data;

  if (!gtk_widget_in_destruction (GTK_WIDGET (self)))
    update_actions (self);
  return G_SOURCE_REMOVE;
}

static void
notebook_switch_page_cb (MwWindow *self)
{
  /* switch-page runs before the page changes; look at it once it has. */
  g_idle_add_full (G_PRIORITY_HIGH_IDLE, update_actions_idle_cb, g_object_ref (self),
                   g_object_unref);
}

static void
tab_close_clicked_cb (GtkButton *button, MwEditor *editor)
{
  MwWindow *self = MW_WINDOW (gtk_widget_get_toplevel (GTK_WIDGET (editor)));

  _mw_window_close_editor (self, editor);
}

static void
apply_style_scheme (MwWindow *self, MwDocument *document)
{
  GtkSourceStyleSchemeManager *manager = gtk_source_style_scheme_manager_get_default ();
  g_autofree char *id = g_settings_get_string (self->settings, "style-scheme");
  /* The dark style wants a dark scheme: the default follows it. */
  GtkSourceStyleScheme *scheme = gtk_source_style_scheme_manager_get_scheme (
    manager, mw_style_scheme_resolve (id, g_settings_get_boolean (self->settings, "prefer-dark")));

  if (scheme != NULL)
    gtk_source_buffer_set_style_scheme (GTK_SOURCE_BUFFER (document), scheme);
}

static void
style_settings_changed_cb (MwWindow *self)
{
  g_autoptr (GList) editors = mw_window_list_editors (self);

  for (GList *l = editors; l != NULL; l = l->next)
    apply_style_scheme (self, mw_editor_get_document (l->data));
}

/* The linter starts where `moonwire-cli lint` starts (core's defaults and the .luacheckrc that
 * applies to `dir`, NULL: none), so the app and the CLI report the same findings. The upvalue
 * preference, once the user has set it, refines that as --max-upvalues does on the command
 * line; the board's number type (forced, or the connected board's, else the float build) as
 * --integer does. A .luacheckrc that does not load is said, and the defaults apply. */
MwLuaLintOptions *
_mw_window_new_lint_options (MwWindow *self, const char *dir)
{
  g_autoptr (MwLuaLintOptions) options = NULL;
  g_autoptr (GVariant) threshold = g_settings_get_user_value (self->settings, "upvalue-threshold");
  g_autoptr (GError) error = NULL;

  if (dir != NULL)
    options = mw_lua_lint_options_new_for_dir (dir, NULL, &error);
  if (error != NULL)
    {
      g_autofree char *msg = g_strdup_printf ("Linting with the defaults: %s", error->message);
      mw_window_show_message (self, GTK_MESSAGE_WARNING, msg);
    }
  if (options == NULL)
    options = mw_lua_lint_options_new ();
  if (threshold != NULL)
    mw_lua_lint_options_set_max_upvalues (options, g_variant_get_uint32 (threshold));
  mw_lua_lint_options_set_number_type (options, _mw_window_get_number_type (self));
  return g_steal_pointer (&options);
}

/* The folder whose .luacheckrc applies to an editor's file: the file's own (NULL for a file
 * never saved). */
char *
_mw_window_lint_dir (MwEditor *editor)
{
  GFile *file = mw_document_get_file (mw_editor_get_document (editor));
  g_autofree char *path = file != NULL ? g_file_get_path (file) : NULL;

  return path != NULL ? g_path_get_dirname (path) : NULL;
}

static void
update_editor_lint_options (MwWindow *self, MwEditor *editor)
{
  g_autofree char *dir = _mw_window_lint_dir (editor);
  g_autoptr (MwLuaLintOptions) options = _mw_window_new_lint_options (self, dir);

  mw_editor_set_lint_options (editor, options);
}

static void
lint_settings_changed_cb (MwWindow *self)
{
  g_autoptr (GList) editors = mw_window_list_editors (self);

  for (GList *l = editors; l != NULL; l = l->next)
    update_editor_lint_options (self, l->data);
}

/* Tab names tell files apart: the board's copy (opened from the file list, kept in the cache)
 * says so, and two files of the same name get their folder's name. */
static char *
tab_label (MwWindow *self, MwEditor *editor)
{
  GFile *file = mw_document_get_file (mw_editor_get_document (editor));
  g_autofree char *title = mw_editor_dup_title (editor);
  g_autofree char *base = file != NULL ? g_file_get_basename (file) : NULL;
  g_autofree char *board = g_build_filename (g_get_user_cache_dir (), "moonwire", "board", NULL);
  g_autoptr (GFile) board_dir = g_file_new_for_path (board);
  g_autoptr (GFile) parent = file != NULL ? g_file_get_parent (file) : NULL;
  g_autoptr (GList) editors = NULL;

  if (parent == NULL)
    return g_steal_pointer (&title);
  if (g_file_equal (parent, board_dir))
    return g_strdup_printf ("%s (board)", title);
  editors = mw_window_list_editors (self);
  for (GList *l = editors; l != NULL; l = l->next)
    {
      GFile *other = mw_document_get_file (mw_editor_get_document (l->data));
      g_autofree char *other_base = other != NULL ? g_file_get_basename (other) : NULL;
      g_autoptr (GFile) other_parent = other != NULL ? g_file_get_parent (other) : NULL;

      /* (the board's copy is told apart by its own tab) */
      if (l->data != editor && g_strcmp0 (base, other_base) == 0 && other_parent != NULL
          && !g_file_equal (other_parent, board_dir))
        {
          g_autofree char *folder = g_file_get_basename (parent);
          return g_strdup_printf ("%s — %s", title, folder);
        }
    }
  return g_steal_pointer (&title);
}

static void
update_tab_labels (MwWindow *self)
{
  g_autoptr (GList) editors = NULL;

  if (self->notebook == NULL)
    return;
  editors = mw_window_list_editors (self);
  for (GList *l = editors; l != NULL; l = l->next)
    {
      GtkWidget *label = g_object_get_data (l->data, "mw-tab-label");
      g_autofree char *text = tab_label (self, l->data);

      if (label != NULL)
        {
          gtk_label_set_text (GTK_LABEL (label), text);
          /* A notebook gives tabs their minimum width: keep the whole name up to 24 characters
           * (longer ones lose their middle). */
          gtk_label_set_width_chars (GTK_LABEL (label), MIN (g_utf8_strlen (text, -1), 24));
        }
    }
}

char *
mw_window_dup_tab_label (MwWindow *self, MwEditor *editor)
{
  GtkWidget *label;

  g_return_val_if_fail (MW_IS_WINDOW (self), NULL);
  g_return_val_if_fail (MW_IS_EDITOR (editor), NULL);
  label = g_object_get_data (G_OBJECT (editor), "mw-tab-label");
  return label != NULL ? g_strdup (gtk_label_get_text (GTK_LABEL (label))) : NULL;
}

MwEditor *
_mw_window_add_editor (MwWindow *self, MwDocument *document)
{
  GtkWidget *editor = mw_editor_new (document);
  GtkWidget *tab = gtk_box_new (GTK_ORIENTATION_HORIZONTAL, 4);
  GtkWidget *label = gtk_label_new (NULL);
  GtkWidget *close = gtk_button_new_from_icon_name ("window-close-symbolic", GTK_ICON_SIZE_MENU);
  gint page;

  g_object_set_data (G_OBJECT (editor), "mw-tab-label", label);
  gtk_label_set_ellipsize (GTK_LABEL (label), PANGO_ELLIPSIZE_MIDDLE);
  gtk_label_set_max_width_chars (GTK_LABEL (label), 32);
  g_signal_connect_object (editor, "notify::title", G_CALLBACK (update_tab_labels), self,
                           G_CONNECT_SWAPPED);
  gtk_button_set_relief (GTK_BUTTON (close), GTK_RELIEF_NONE);
  gtk_widget_set_tooltip_text (close, "Close the file (Ctrl+W)");
  gtk_widget_set_focus_on_click (close, FALSE);
  g_signal_connect (close, "clicked", G_CALLBACK (tab_close_clicked_cb), editor);
  gtk_container_add (GTK_CONTAINER (tab), label);
  gtk_container_add (GTK_CONTAINER (tab), close);
  gtk_widget_show_all (tab);

  apply_style_scheme (self, mw_editor_get_document (MW_EDITOR (editor)));
  mw_completion_provider_attach (self->completion, mw_editor_get_view (MW_EDITOR (editor)));
  update_editor_lint_options (self, MW_EDITOR (editor));
  g_signal_connect_object (editor, "diagnostics-changed",
                           G_CALLBACK (editor_diagnostics_changed_cb), self, G_CONNECT_SWAPPED);
  g_signal_connect_object (editor, "notify::title", G_CALLBACK (update_title), self,
                           G_CONNECT_SWAPPED);

  page = gtk_notebook_append_page (self->notebook, editor, tab);
  gtk_notebook_set_tab_reorderable (self->notebook, editor, TRUE);
  gtk_notebook_set_current_page (self->notebook, page);
  update_tab_labels (self);
  update_actions (self);
  return MW_EDITOR (editor);
}

MwEditor *
mw_window_new_document (MwWindow *self)
{
  g_autoptr (MwDocument) document = NULL;
  MwEditor *editor;

  g_return_val_if_fail (MW_IS_WINDOW (self), NULL);
  document = mw_document_new ();
  editor = _mw_window_add_editor (self, document);
  gtk_widget_grab_focus (GTK_WIDGET (mw_editor_get_view (editor)));
  return editor;
}

static void
remember_recent (MwWindow *self, GFile *file)
{
  g_autofree char *uri = g_file_get_uri (file);

  gtk_recent_manager_add_item (gtk_recent_manager_get_default (), uri);
}

static void
load_done_cb (GObject *object, GAsyncResult *result, gpointer user_data)
{
  g_autoptr (MwWindow) self = user_data;
  MwDocument *document = MW_DOCUMENT (object);
  g_autoptr (GError) error = NULL;
  GFile *file = g_object_get_data (object, "mw-loading");

  if (!mw_document_load_finish (document, result, &error))
    {
      g_autofree char *msg = NULL;
      g_autofree char *name = g_file_get_parse_name (file);

      msg = g_strdup_printf ("Could not open %s: %s", name, error->message);
      mw_window_show_message (self, GTK_MESSAGE_ERROR, msg);
      return;
    }
  if (gtk_widget_in_destruction (GTK_WIDGET (self)))
    return;
  {
    MwEditor *editor = _mw_window_add_editor (self, document);
    g_autofree char *path = g_file_get_path (file);

    if (self->pending_jump != NULL && g_strcmp0 (path, self->pending_jump) == 0)
      {
        mw_editor_goto (editor, self->pending_line, self->pending_column);
        g_clear_pointer (&self->pending_jump, g_free);
      }
  }
  remember_recent (self, file);
}

void
mw_window_open_file (MwWindow *self, GFile *file)
{
  MwEditor *editor;
  g_autoptr (MwDocument) document = NULL;

  g_return_if_fail (MW_IS_WINDOW (self));
  g_return_if_fail (G_IS_FILE (file));

  editor = mw_window_find_editor (self, file);
  if (editor != NULL)
    {
      gtk_notebook_set_current_page (self->notebook,
                                     gtk_notebook_page_num (self->notebook, GTK_WIDGET (editor)));
      return;
    }
  document = mw_document_new ();
  g_object_set_data_full (G_OBJECT (document), "mw-loading", g_object_ref (file), g_object_unref);
  mw_document_load_async (document, file, NULL, load_done_cb, g_object_ref (self));
}

/* Saving: an optional continuation runs once the save succeeded (close a tab, quit). */
typedef struct
{
  MwWindow *self;
  MwEditor *editor;
  gboolean close_after;
} SaveData;

static void
save_done_cb (GObject *object, GAsyncResult *result, gpointer user_data)
{
  SaveData *data = user_data;
  g_autoptr (GError) error = NULL;

  if (!mw_document_save_finish (MW_DOCUMENT (object), result, &error))
    {
      g_autofree char *msg = g_strdup_printf ("Could not save: %s", error->message);
      mw_window_show_message (data->self, GTK_MESSAGE_ERROR, msg);
      data->self->closing = FALSE;
    }
  else
    {
      remember_recent (data->self, mw_document_get_file (MW_DOCUMENT (object)));
      mw_editor_queue_check (data->editor, 0);
      if (data->close_after)
        _mw_window_close_editor (data->self, data->editor);
      if (data->self->closing)
        mw_window_request_close (data->self);
    }
  g_object_unref (data->editor);
  g_object_unref (data->self);
  g_free (data);
}

void
_mw_window_save_editor (MwWindow *self, MwEditor *editor, gboolean close_after)
{
  MwDocument *document = mw_editor_get_document (editor);
  SaveData *data;

  if (mw_document_get_file (document) == NULL)
    {
      _mw_window_save_as (self, editor, close_after);
      return;
    }
  data = g_new0 (SaveData, 1);
  data->self = g_object_ref (self);
  data->editor = g_object_ref (editor);
  data->close_after = close_after;
  mw_document_save_async (document, NULL, NULL, save_done_cb, data);
}

static void
save_as_response_cb (GtkNativeDialog *dialog, gint response, gpointer user_data)
{
  SaveData *data = user_data;

  if (response == GTK_RESPONSE_ACCEPT)
    {
      g_autoptr (GFile) file = gtk_file_chooser_get_file (GTK_FILE_CHOOSER (dialog));
      mw_document_save_async (mw_editor_get_document (data->editor), file, NULL, save_done_cb,
                              data);
    }
  else
    {
      data->self->closing = FALSE;
      g_object_unref (data->editor);
      g_object_unref (data->self);
      g_free (data);
    }
  g_object_unref (dialog);
}

void
_mw_window_save_as (MwWindow *self, MwEditor *editor, gboolean close_after)
{
  GtkFileChooserNative *dialog = gtk_file_chooser_native_new (
    "Save As", GTK_WINDOW (self), GTK_FILE_CHOOSER_ACTION_SAVE, "_Save", "_Cancel");
  GFile *file = mw_document_get_file (mw_editor_get_document (editor));
  SaveData *data = g_new0 (SaveData, 1);

  data->self = g_object_ref (self);
  data->editor = g_object_ref (editor);
  data->close_after = close_after;
  gtk_file_chooser_set_do_overwrite_confirmation (GTK_FILE_CHOOSER (dialog), TRUE);
  if (file != NULL)
    gtk_file_chooser_set_file (GTK_FILE_CHOOSER (dialog), file, NULL);
  else
    gtk_file_chooser_set_current_name (GTK_FILE_CHOOSER (dialog), "init.lua");
  g_signal_connect (dialog, "response", G_CALLBACK (save_as_response_cb), data);
  gtk_native_dialog_show (GTK_NATIVE_DIALOG (dialog));
}

static void
remove_editor (MwWindow *self, MwEditor *editor)
{
  g_autofree char *key = editor_key (editor);

  mw_problems_view_set_file (self->problems_view, key, NULL, NULL);
  gtk_notebook_remove_page (self->notebook,
                            gtk_notebook_page_num (self->notebook, GTK_WIDGET (editor)));
  update_tab_labels (self);
  update_actions (self);
}

static void
close_response_cb (GtkDialog *dialog, gint response, MwEditor *editor)
{
  MwWindow *self = MW_WINDOW (gtk_window_get_transient_for (GTK_WINDOW (dialog)));

  gtk_widget_destroy (GTK_WIDGET (dialog));
  if (response == GTK_RESPONSE_ACCEPT)
    _mw_window_save_editor (self, editor, TRUE);
  else if (response == GTK_RESPONSE_REJECT)
    {
      remove_editor (self, editor);
      if (self->closing)
        mw_window_request_close (self);
    }
  else
    self->closing = FALSE;
  g_object_unref (editor);
}

/* The unsaved-changes guard: Save, Discard or Cancel. */
void
_mw_window_close_editor (MwWindow *self, MwEditor *editor)
{
  MwDocument *document = mw_editor_get_document (editor);
  g_autofree char *title = NULL;
  GtkWidget *dialog, *discard;

  if (!gtk_text_buffer_get_modified (GTK_TEXT_BUFFER (document)))
    {
      remove_editor (self, editor);
      return;
    }
  gtk_notebook_set_current_page (self->notebook,
                                 gtk_notebook_page_num (self->notebook, GTK_WIDGET (editor)));
  title = mw_document_dup_title (document);
  dialog = gtk_message_dialog_new (
    GTK_WINDOW (self), GTK_DIALOG_MODAL | GTK_DIALOG_DESTROY_WITH_PARENT, GTK_MESSAGE_QUESTION,
    GTK_BUTTONS_NONE, "Save changes to “%s” before closing?", title);
  gtk_message_dialog_format_secondary_text (GTK_MESSAGE_DIALOG (dialog),
                                            "Unsaved changes will be lost.");
  discard = gtk_dialog_add_button (GTK_DIALOG (dialog), "_Discard", GTK_RESPONSE_REJECT);
  gtk_style_context_add_class (gtk_widget_get_style_context (discard), "destructive-action");
  gtk_dialog_add_button (GTK_DIALOG (dialog), "_Cancel", GTK_RESPONSE_CANCEL);
  gtk_dialog_add_button (GTK_DIALOG (dialog), "_Save", GTK_RESPONSE_ACCEPT);
  gtk_dialog_set_default_response (GTK_DIALOG (dialog), GTK_RESPONSE_ACCEPT);
  g_signal_connect (dialog, "response", G_CALLBACK (close_response_cb), g_object_ref (editor));
  gtk_window_present (GTK_WINDOW (dialog));
}

void
mw_window_request_close (MwWindow *self)
{
  g_autoptr (GList) editors = NULL;

  g_return_if_fail (MW_IS_WINDOW (self));

  /* Ask about the first unsaved document; each answer comes back here for the next one. */
  self->closing = TRUE;
  editors = mw_window_list_editors (self);
  for (GList *l = editors; l != NULL; l = l->next)
    if (gtk_text_buffer_get_modified (GTK_TEXT_BUFFER (mw_editor_get_document (l->data))))
      {
        _mw_window_close_editor (self, l->data);
        return;
      }
  gtk_widget_destroy (GTK_WIDGET (self));
}

static gboolean
mw_window_delete_event (GtkWidget *widget, GdkEventAny *event)
{
  MwWindow *self = MW_WINDOW (widget);

  if (mw_window_count_unsaved (self) == 0)
    return GDK_EVENT_PROPAGATE;
  mw_window_request_close (self);
  return GDK_EVENT_STOP;
}

static void
jump_to (MwWindow *self, MwEditor *editor, guint line, guint column)
{
  gtk_notebook_set_current_page (self->notebook,
                                 gtk_notebook_page_num (self->notebook, GTK_WIDGET (editor)));
  mw_editor_goto (editor, line, column);
}

static void
problems_activate_cb (MwWindow *self, const char *key, guint line, guint column)
{
  g_autoptr (GList) editors = mw_window_list_editors (self);

  for (GList *l = editors; l != NULL; l = l->next)
    {
      g_autofree char *k = editor_key (l->data);
      if (g_strcmp0 (k, key) == 0)
        {
          jump_to (self, l->data, line, column);
          return;
        }
    }
  /* A finding of the project folder in a file that is not open: open it, then jump. */
  if (g_path_is_absolute (key) && g_file_test (key, G_FILE_TEST_IS_REGULAR))
    {
      g_autoptr (GFile) file = g_file_new_for_path (key);

      g_free (self->pending_jump);
      self->pending_jump = g_strdup (key);
      self->pending_line = line;
      self->pending_column = column;
      mw_window_open_file (self, file);
    }
}

/* The file called `name` in `folder` or below it (at most `depth` levels down, hidden folders
 * left out), or NULL. */
static char *
find_in_folder (const char *folder, const char *name, guint depth)
{
  g_autofree char *path = g_build_filename (folder, name, NULL);
  g_autoptr (GDir) dir = NULL;
  const char *entry;

  if (g_file_test (path, G_FILE_TEST_IS_REGULAR))
    return g_steal_pointer (&path);
  if (depth == 0 || (dir = g_dir_open (folder, 0, NULL)) == NULL)
    return NULL;
  while ((entry = g_dir_read_name (dir)) != NULL)
    {
      g_autofree char *sub = g_build_filename (folder, entry, NULL);
      char *found;

      if (entry[0] == '.' || !g_file_test (sub, G_FILE_TEST_IS_DIR)
          || g_file_test (sub, G_FILE_TEST_IS_SYMLINK))
        continue;
      if ((found = find_in_folder (sub, name, depth - 1)) != NULL)
        return found;
    }
  return NULL;
}

/* A board's file name (the console's error links, the Memory view's functions) to a line: the
 * open tab of that name, else the file of that name beside an open file or in the project
 * folder (the folder last checked), opened. */
static void
console_open_location_cb (MwWindow *self, const char *name, guint line)
{
  g_autoptr (GList) editors = mw_window_list_editors (self);
  g_autoptr (GPtrArray) folders = g_ptr_array_new_with_free_func (g_free);
  g_autofree char *recent = g_settings_get_string (self->settings, "recent-project");
  g_autofree char *msg = NULL;
  guint project = G_MAXUINT;

  /* A board names its files without folders: match open tabs by base name. */
  for (GList *l = editors; l != NULL; l = l->next)
    {
      GFile *file = mw_document_get_file (mw_editor_get_document (l->data));
      g_autofree char *base = file != NULL ? g_file_get_basename (file) : NULL;
      g_autofree char *path = file != NULL ? g_file_get_path (file) : NULL;

      if (g_strcmp0 (base, name) == 0)
        {
          jump_to (self, l->data, line, 0);
          return;
        }
      if (path != NULL)
        g_ptr_array_add (folders, g_path_get_dirname (path));
    }
  if (*recent != '\0')
    {
      project = folders->len;
      g_ptr_array_add (folders, g_steal_pointer (&recent));
    }
  /* a name with a folder in it is no board file */
  for (guint i = 0; strchr (name, G_DIR_SEPARATOR) == NULL && i < folders->len; i++)
    {
      /* the project folder's subfolders too; beside an open file only */
      g_autofree char *path = find_in_folder (folders->pdata[i], name, i == project ? 3 : 0);

      if (path != NULL)
        {
          g_autoptr (GFile) file = g_file_new_for_path (path);

          g_free (self->pending_jump);
          self->pending_jump = g_file_get_path (file);
          self->pending_line = line;
          self->pending_column = 0;
          mw_window_open_file (self, file);
          return;
        }
    }
  msg = g_strdup_printf ("%s is neither open in an editor nor in the project folder.", name);
  mw_window_show_message (self, GTK_MESSAGE_INFO, msg);
}

static gboolean
baud_get_mapping (GValue *value, GVariant *variant, gpointer user_data)
{
  g_value_take_string (value, g_strdup_printf ("%u", g_variant_get_uint32 (variant)));
  return TRUE;
}

static GVariant *
baud_set_mapping (const GValue *value, const GVariantType *type, gpointer user_data)
{
  const char *id = g_value_get_string (value);
  return id != NULL ? g_variant_new_uint32 ((guint32) g_ascii_strtoull (id, NULL, 10)) : NULL;
}

static void
scrollback_changed_cb (MwWindow *self)
{
  mw_console_set_max_lines (self->console,
                            g_settings_get_uint (self->settings, "console-scrollback"));
}

static void
rebuild_recent (MwWindow *self)
{
  GList *items = gtk_recent_manager_get_items (gtk_recent_manager_get_default ());
  guint n = 0;

  g_menu_remove_all (self->recent_menu);
  for (GList *l = items; l != NULL && n < 8; l = l->next)
    {
      GtkRecentInfo *info = l->data;
      const char *uri = gtk_recent_info_get_uri (info);
      g_autoptr (GMenuItem) item = NULL;

      if (!g_str_has_suffix (uri, ".lua") || !gtk_recent_info_exists (info))
        continue;
      item = g_menu_item_new (gtk_recent_info_get_display_name (info), NULL);
      g_menu_item_set_action_and_target (item, "win.open-recent", "s", uri);
      g_menu_append_item (self->recent_menu, item);
      n++;
    }
  g_list_free_full (items, (GDestroyNotify) gtk_recent_info_unref);
}

/* After construction: GtkWindow's "application" is not a construct property, so what needs
 * the application (settings, menus) is set up here, from mw_window_new(). */
static void
mw_window_setup (MwWindow *self)
{
  GtkApplication *app = gtk_window_get_application (GTK_WINDOW (self));
  GMenuModel *primary = G_MENU_MODEL (gtk_application_get_menu_by_id (app, "primary-menu"));
  g_autoptr (GMenu) menu = g_menu_new ();
  const char *default_port;
  g_autofree char *port = NULL;

  self->settings = g_object_ref (mw_application_get_settings (MW_APPLICATION (app)));

  /* The primary menu: recent files first, then the app menu from gtk/menus.ui. */
  self->recent_menu = g_menu_new ();
  g_menu_append_submenu (menu, "Open _Recent", G_MENU_MODEL (self->recent_menu));
  if (primary != NULL)
    g_menu_append_section (menu, NULL, primary);
  gtk_menu_button_set_menu_model (self->menu_button, G_MENU_MODEL (menu));
  rebuild_recent (self);
  g_signal_connect_object (gtk_recent_manager_get_default (), "changed",
                           G_CALLBACK (rebuild_recent), self, G_CONNECT_SWAPPED);

  /* Ports: the simulated board is the default while no real one is plugged in. */
  port = g_settings_get_string (self->settings, "default-port");
  /* No configured port: the one of the last connection (session restore). */
  if (*port == '\0')
    {
      g_free (port);
      port = g_settings_get_string (self->settings, "last-port");
    }
  default_port = *port != '\0' ? port : NULL;
  _mw_window_fill_ports (self, default_port);
  mw_board_set_heap_interval (self->board,
                              g_settings_get_uint (self->settings, "heap-interval") * 1000);
  _mw_window_update_device_actions (self);

  g_settings_bind_with_mapping (self->settings, "baud", self->baud_combo, "active-id",
                                G_SETTINGS_BIND_DEFAULT, baud_get_mapping, baud_set_mapping, NULL,
                                NULL);
  g_settings_bind (self->settings, "heap-interval", self->heap_graph, "interval",
                   G_SETTINGS_BIND_DEFAULT);
  g_signal_connect_object (self->settings, "changed::upvalue-threshold",
                           G_CALLBACK (lint_settings_changed_cb), self, G_CONNECT_SWAPPED);
  g_signal_connect_object (self->settings, "changed::number-type",
                           G_CALLBACK (lint_settings_changed_cb), self, G_CONNECT_SWAPPED);
  g_signal_connect_object (self->settings, "changed::style-scheme",
                           G_CALLBACK (style_settings_changed_cb), self, G_CONNECT_SWAPPED);
  g_signal_connect_object (self->settings, "changed::prefer-dark",
                           G_CALLBACK (style_settings_changed_cb), self, G_CONNECT_SWAPPED);
  g_signal_connect_object (self->settings, "changed::console-scrollback",
                           G_CALLBACK (scrollback_changed_cb), self, G_CONNECT_SWAPPED);
  scrollback_changed_cb (self);
  _mw_window_setup_snippets (self, MW_APPLICATION (app));
  _mw_window_setup_session (self);
}

static void
mw_window_dispose (GObject *object)
{
  MwWindow *self = MW_WINDOW (object);

  g_cancellable_cancel (self->op_cancellable);
  g_clear_object (&self->op_cancellable);
  g_clear_handle_id (&self->subtitle_idle, g_source_remove);
  g_clear_handle_id (&self->drop_idle, g_source_remove);
  _mw_window_dispose_session (self);
  if (self->board != NULL)
    {
      g_signal_handlers_disconnect_by_data (self->board, self);
      mw_board_disconnect (self->board);
    }
  g_clear_object (&self->board);
  g_clear_pointer (&self->upload_queue, g_ptr_array_unref);
  _mw_window_clear_console_lines (self);
  g_clear_pointer (&self->pending_jump, g_free);
  g_clear_object (&self->settings);
  g_clear_object (&self->snippets);
  g_clear_object (&self->completion);
  g_clear_object (&self->recent_menu);
  G_OBJECT_CLASS (mw_window_parent_class)->dispose (object);
}

static void
mw_window_class_init (MwWindowClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = mw_window_dispose;
  widget_class->delete_event = mw_window_delete_event;

  g_type_ensure (MW_TYPE_CONSOLE);
  g_type_ensure (MW_TYPE_HEAP_GRAPH);
  g_type_ensure (MW_TYPE_PROBLEMS_VIEW);
  g_type_ensure (MW_TYPE_FILE_BROWSER);
  g_type_ensure (MW_TYPE_BOARD_PANEL);
  g_type_ensure (MW_TYPE_MEMORY_VIEW);
  g_type_ensure (MW_TYPE_SNIPPETS_BAR);

  gtk_widget_class_set_template_from_resource (widget_class,
                                               "/org/moonwire/Moonwire/ui/mw-window.ui");
#define BIND(name) gtk_widget_class_bind_template_child (widget_class, MwWindow, name)
  BIND (header_bar);
  BIND (subtitle_label);
  BIND (port_combo);
  BIND (baud_combo);
  BIND (connect_button);
  BIND (disconnect_button);
  BIND (connect_stack);
  BIND (reset_button);
  BIND (menu_button);
  BIND (upload_button);
  BIND (compile_upload_button);
  BIND (run_button);
  BIND (save_button);
  BIND (info_bar);
  BIND (info_label);
  BIND (info_action_button);
  BIND (progress_revealer);
  BIND (progress_bar);
  BIND (main_paned);
  BIND (work_paned);
  BIND (editor_stack);
  BIND (notebook);
  BIND (bottom_stack);
  BIND (console);
  BIND (heap_graph);
  BIND (memory_view);
  BIND (problems_view);
  BIND (file_browser);
  BIND (board_panel);
  BIND (snippets_bar);
#undef BIND
  gtk_widget_class_bind_template_callback (widget_class, info_bar_response_cb);
  gtk_widget_class_bind_template_callback (widget_class, notebook_switch_page_cb);
}

static void
mw_window_init (MwWindow *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));

  self->completion = mw_completion_provider_new ();
  _mw_window_add_actions (self);
  _mw_window_init_board (self);
  _mw_window_init_snippets (self);
  _mw_window_init_session (self);
  g_signal_connect_object (self->header_bar, "size-allocate", G_CALLBACK (header_allocated_cb),
                           self, 0);
  g_signal_connect_object (self->console, "open-location", G_CALLBACK (console_open_location_cb),
                           self, G_CONNECT_SWAPPED);
  g_signal_connect_object (self->problems_view, "activate-location",
                           G_CALLBACK (problems_activate_cb), self, G_CONNECT_SWAPPED);
  g_signal_connect_object (self->memory_view, "open-location",
                           G_CALLBACK (console_open_location_cb), self, G_CONNECT_SWAPPED);
  update_actions (self);
}

MwWindow *
mw_window_new (MwApplication *application)
{
  MwWindow *self;

  g_return_val_if_fail (MW_IS_APPLICATION (application), NULL);
  self = g_object_new (MW_TYPE_WINDOW, "application", application, NULL);
  mw_window_setup (self);
  return self;
}

MwConsole *
mw_window_get_console (MwWindow *self)
{
  g_return_val_if_fail (MW_IS_WINDOW (self), NULL);
  return self->console;
}

MwMemoryView *
mw_window_get_memory_view (MwWindow *self)
{
  g_return_val_if_fail (MW_IS_WINDOW (self), NULL);
  return self->memory_view;
}

MwHeapGraph *
mw_window_get_heap_graph (MwWindow *self)
{
  g_return_val_if_fail (MW_IS_WINDOW (self), NULL);
  return self->heap_graph;
}

MwProblemsView *
mw_window_get_problems_view (MwWindow *self)
{
  g_return_val_if_fail (MW_IS_WINDOW (self), NULL);
  return self->problems_view;
}

MwFileBrowser *
mw_window_get_file_browser (MwWindow *self)
{
  g_return_val_if_fail (MW_IS_WINDOW (self), NULL);
  return self->file_browser;
}

MwBoardPanel *
mw_window_get_board_panel (MwWindow *self)
{
  g_return_val_if_fail (MW_IS_WINDOW (self), NULL);
  return self->board_panel;
}

GtkComboBox *
mw_window_get_port_combo (MwWindow *self)
{
  g_return_val_if_fail (MW_IS_WINDOW (self), NULL);
  return GTK_COMBO_BOX (self->port_combo);
}

gdouble
mw_window_get_progress (MwWindow *self)
{
  g_return_val_if_fail (MW_IS_WINDOW (self), 0);
  if (self->op_cancellable == NULL)
    return -1;
  return gtk_progress_bar_get_fraction (self->progress_bar);
}

MwBoard *
mw_window_get_board (MwWindow *self)
{
  g_return_val_if_fail (MW_IS_WINDOW (self), NULL);
  return self->board;
}

MwSnippetsBar *
mw_window_get_snippets_bar (MwWindow *self)
{
  g_return_val_if_fail (MW_IS_WINDOW (self), NULL);
  return self->snippets_bar;
}

MwCompletionProvider *
mw_window_get_completion_provider (MwWindow *self)
{
  g_return_val_if_fail (MW_IS_WINDOW (self), NULL);
  return self->completion;
}
