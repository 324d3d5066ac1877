/* mw-window.c: the main window.
 *
 * The window wires its parts together: editors feed the Problems list, console links and
 * problem rows jump into editors, settings bind to the header bar and the heap graph. Board
 * actions go through an MwConnection (the core's REPL engine and device object); results and
 * errors always end in the info bar or the console, never silently.
 */
#include "mw-config.h"

#include "mw-window.h"

#include <gtksourceview/gtksource.h>

#include "mw-connection.h"
#include "mw-lua-compiler.h"
#include "mw-lua-minifier.h"
#include "mw-pipeline-dialog.h"
#include "mw-serial-transport.h"

#define RUN_TIMEOUT_MS 0          /* a program may run for as long as it likes */
#define LINE_TIMEOUT_MS 10000

struct _MwWindow
{
  GtkApplicationWindow parent_instance;

  GtkHeaderBar *header_bar;
  GtkComboBoxText *port_combo;
  GtkComboBoxText *baud_combo;
  GtkWidget *connect_button;
  GtkWidget *disconnect_button;
  GtkStack *connect_stack;
  GtkWidget *reset_button;
  GtkMenuButton *menu_button;
  GtkWidget *upload_button;
  GtkWidget *compile_upload_button;
  GtkWidget *run_button;
  GtkWidget *save_button;
  GtkInfoBar *info_bar;
  GtkLabel *info_label;
  GtkRevealer *progress_revealer;
  GtkProgressBar *progress_bar;
  GtkStack *editor_stack;
  GtkNotebook *notebook;
  GtkStack *bottom_stack;
  MwConsole *console;
  MwHeapGraph *heap_graph;
  MwProblemsView *problems_view;
  MwFileBrowser *file_browser;
  MwBoardPanel *board_panel;

  GSettings *settings;
  GMenu *recent_menu;
  guint untitled_count;
  gboolean closing;

  MwConnection *connection;
  gboolean connecting;
  GCancellable *op_cancellable;   /* the running upload or run; win.cancel cancels it */
  GPtrArray *upload_queue;        /* paths dropped on the file browser, still to upload */

  char *pending_jump;             /* a Problems row's file being opened, to jump to */
  guint pending_line;
  guint pending_column;
};

G_DEFINE_TYPE (MwWindow, mw_window, GTK_TYPE_APPLICATION_WINDOW)

static MwEditor *
editor_at (MwWindow *self,
           gint      page)
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
mw_window_find_editor (MwWindow *self,
                       GFile    *file)
{
  g_autoptr(GList) editors = NULL;

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
  g_autoptr(GList) editors = NULL;
  guint n = 0;

  g_return_val_if_fail (MW_IS_WINDOW (self), 0);
  editors = mw_window_list_editors (self);
  for (GList *l = editors; l != NULL; l = l->next)
    n += gtk_text_buffer_get_modified (GTK_TEXT_BUFFER (mw_editor_get_document (l->data)));
  return n;
}

void
mw_window_show_message (MwWindow       *self,
                        GtkMessageType  type,
                        const char     *message)
{
  g_return_if_fail (MW_IS_WINDOW (self));
  g_return_if_fail (message != NULL);

  gtk_info_bar_set_message_type (self->info_bar, type);
  gtk_label_set_text (self->info_label, message);
  gtk_info_bar_set_revealed (self->info_bar, TRUE);
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
info_bar_response_cb (MwWindow *self,
                      gint      response)
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
editor_diagnostics_changed_cb (MwWindow *self,
                               MwEditor *editor)
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

static MwLuaNumberType
window_number_type (MwWindow *self)
{
  g_autofree char *forced = g_settings_get_string (self->settings, "number-type");

  if (g_strcmp0 (forced, "integer") == 0)
    return MW_LUA_TARGET_INTEGER;
  return MW_LUA_TARGET_FLOAT;
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
          g_autoptr(GFile) parent = g_file_get_parent (file);
          g_autofree char *dir = parent != NULL ? g_file_get_parse_name (parent) : NULL;
          subtitle = dir != NULL ? g_strdup_printf ("%s — %s", title, dir)
                                 : g_steal_pointer (&title);
        }
      else
        subtitle = g_steal_pointer (&title);
    }
  gtk_header_bar_set_subtitle (self->header_bar, subtitle);
}

static void update_device_actions (MwWindow *self);

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
  update_device_actions (self);
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

static void close_editor (MwWindow *self, MwEditor *editor);

static void
tab_close_clicked_cb (GtkButton *button,
                      MwEditor  *editor)
{
  MwWindow *self = MW_WINDOW (gtk_widget_get_toplevel (GTK_WIDGET (editor)));

  close_editor (self, editor);
}

static void
apply_style_scheme (MwWindow   *self,
                    MwDocument *document)
{
  GtkSourceStyleSchemeManager *manager = gtk_source_style_scheme_manager_get_default ();
  g_autofree char *id = g_settings_get_string (self->settings, "style-scheme");
  GtkSourceStyleScheme *scheme = gtk_source_style_scheme_manager_get_scheme (manager, id);

  /* The dark style wants a dark scheme: follow it when the user kept the default. */
  if (g_settings_get_boolean (self->settings, "prefer-dark") && g_strcmp0 (id, "classic") == 0)
    scheme = gtk_source_style_scheme_manager_get_scheme (manager, "oblivion");
  if (scheme != NULL)
    gtk_source_buffer_set_style_scheme (GTK_SOURCE_BUFFER (document), scheme);
}

static void
style_settings_changed_cb (MwWindow *self)
{
  g_autoptr(GList) editors = mw_window_list_editors (self);

  for (GList *l = editors; l != NULL; l = l->next)
    apply_style_scheme (self, mw_editor_get_document (l->data));
}

/* The linter follows the preferences: the upvalue threshold and the board's number type
 * (forced, or the connected board's, else the default float build). */
static MwLuaLintOptions *
new_lint_options (MwWindow *self)
{
  MwLuaLintOptions *options = mw_lua_lint_options_new ();

  mw_lua_lint_options_set_max_upvalues (options,
                                        g_settings_get_uint (self->settings, "upvalue-threshold"));
  mw_lua_lint_options_set_number_type (options, window_number_type (self));
  return options;
}

static void
lint_settings_changed_cb (MwWindow *self)
{
  g_autoptr(MwLuaLintOptions) options = new_lint_options (self);
  g_autoptr(GList) editors = mw_window_list_editors (self);

  for (GList *l = editors; l != NULL; l = l->next)
    mw_editor_set_lint_options (l->data, options);
}

static MwEditor *
add_editor (MwWindow   *self,
            MwDocument *document)
{
  GtkWidget *editor = mw_editor_new (document);
  GtkWidget *tab = gtk_box_new (GTK_ORIENTATION_HORIZONTAL, 4);
  GtkWidget *label = gtk_label_new (NULL);
  GtkWidget *close = gtk_button_new_from_icon_name ("window-close-symbolic", GTK_ICON_SIZE_MENU);
  gint page;

  g_object_bind_property (editor, "title", label, "label", G_BINDING_SYNC_CREATE);
  gtk_button_set_relief (GTK_BUTTON (close), GTK_RELIEF_NONE);
  gtk_widget_set_tooltip_text (close, "Close the file (Ctrl+W)");
  gtk_widget_set_focus_on_click (close, FALSE);
  g_signal_connect (close, "clicked", G_CALLBACK (tab_close_clicked_cb), editor);
  gtk_container_add (GTK_CONTAINER (tab), label);
  gtk_container_add (GTK_CONTAINER (tab), close);
  gtk_widget_show_all (tab);

  apply_style_scheme (self, mw_editor_get_document (MW_EDITOR (editor)));
  {
    g_autoptr(MwLuaLintOptions) options = new_lint_options (self);
    mw_editor_set_lint_options (MW_EDITOR (editor), options);
  }
  g_signal_connect_object (editor, "diagnostics-changed",
                           G_CALLBACK (editor_diagnostics_changed_cb), self, G_CONNECT_SWAPPED);
  g_signal_connect_object (editor, "notify::title", G_CALLBACK (update_title), self,
                           G_CONNECT_SWAPPED);

  page = gtk_notebook_append_page (self->notebook, editor, tab);
  gtk_notebook_set_tab_reorderable (self->notebook, editor, TRUE);
  gtk_notebook_set_current_page (self->notebook, page);
  update_actions (self);
  return MW_EDITOR (editor);
}

MwEditor *
mw_window_new_document (MwWindow *self)
{
  g_autoptr(MwDocument) document = NULL;
  MwEditor *editor;

  g_return_val_if_fail (MW_IS_WINDOW (self), NULL);
  document = mw_document_new ();
  editor = add_editor (self, document);
  gtk_widget_grab_focus (GTK_WIDGET (mw_editor_get_view (editor)));
  return editor;
}

static void
remember_recent (MwWindow *self,
                 GFile    *file)
{
  g_autofree char *uri = g_file_get_uri (file);

  gtk_recent_manager_add_item (gtk_recent_manager_get_default (), uri);
}

static void
load_done_cb (GObject      *object,
              GAsyncResult *result,
              gpointer      user_data)
{
  g_autoptr(MwWindow) self = user_data;
  MwDocument *document = MW_DOCUMENT (object);
  g_autoptr(GError) error = NULL;
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
    MwEditor *editor = add_editor (self, document);
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
mw_window_open_file (MwWindow *self,
                     GFile    *file)
{
  MwEditor *editor;
  g_autoptr(MwDocument) document = NULL;

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
typedef struct {
  MwWindow *self;
  MwEditor *editor;
  gboolean close_after;
} SaveData;

static void
save_done_cb (GObject      *object,
              GAsyncResult *result,
              gpointer      user_data)
{
  SaveData *data = user_data;
  g_autoptr(GError) error = NULL;

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
        close_editor (data->self, data->editor);
      if (data->self->closing)
        mw_window_request_close (data->self);
    }
  g_object_unref (data->editor);
  g_object_unref (data->self);
  g_free (data);
}

static void save_as (MwWindow *self, MwEditor *editor, gboolean close_after);

static void
save_editor (MwWindow *self,
             MwEditor *editor,
             gboolean  close_after)
{
  MwDocument *document = mw_editor_get_document (editor);
  SaveData *data;

  if (mw_document_get_file (document) == NULL)
    {
      save_as (self, editor, close_after);
      return;
    }
  data = g_new0 (SaveData, 1);
  data->self = g_object_ref (self);
  data->editor = g_object_ref (editor);
  data->close_after = close_after;
  mw_document_save_async (document, NULL, NULL, save_done_cb, data);
}

static void
save_as_response_cb (GtkNativeDialog *dialog,
                     gint             response,
                     gpointer         user_data)
{
  SaveData *data = user_data;

  if (response == GTK_RESPONSE_ACCEPT)
    {
      g_autoptr(GFile) file = gtk_file_chooser_get_file (GTK_FILE_CHOOSER (dialog));
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

static void
save_as (MwWindow *self,
         MwEditor *editor,
         gboolean  close_after)
{
  GtkFileChooserNative *dialog =
    gtk_file_chooser_native_new ("Save As", GTK_WINDOW (self), GTK_FILE_CHOOSER_ACTION_SAVE,
                                 "_Save", "_Cancel");
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
remove_editor (MwWindow *self,
               MwEditor *editor)
{
  g_autofree char *key = editor_key (editor);

  mw_problems_view_set_file (self->problems_view, key, NULL, NULL);
  gtk_notebook_remove_page (self->notebook,
                            gtk_notebook_page_num (self->notebook, GTK_WIDGET (editor)));
  update_actions (self);
}

static void
close_response_cb (GtkDialog *dialog,
                   gint       response,
                   MwEditor  *editor)
{
  MwWindow *self = MW_WINDOW (gtk_window_get_transient_for (GTK_WINDOW (dialog)));

  gtk_widget_destroy (GTK_WIDGET (dialog));
  if (response == GTK_RESPONSE_ACCEPT)
    save_editor (self, editor, TRUE);
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
static void
close_editor (MwWindow *self,
              MwEditor *editor)
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
  dialog = gtk_message_dialog_new (GTK_WINDOW (self), GTK_DIALOG_MODAL |
                                   GTK_DIALOG_DESTROY_WITH_PARENT, GTK_MESSAGE_QUESTION,
                                   GTK_BUTTONS_NONE, "Save changes to “%s” before closing?",
                                   title);
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
  g_autoptr(GList) editors = NULL;

  g_return_if_fail (MW_IS_WINDOW (self));

  /* Ask about the first unsaved document; each answer comes back here for the next one. */
  self->closing = TRUE;
  editors = mw_window_list_editors (self);
  for (GList *l = editors; l != NULL; l = l->next)
    if (gtk_text_buffer_get_modified (GTK_TEXT_BUFFER (mw_editor_get_document (l->data))))
      {
        close_editor (self, l->data);
        return;
      }
  gtk_widget_destroy (GTK_WIDGET (self));
}

static gboolean
mw_window_delete_event (GtkWidget   *widget,
                        GdkEventAny *event)
{
  MwWindow *self = MW_WINDOW (widget);

  if (mw_window_count_unsaved (self) == 0)
    return GDK_EVENT_PROPAGATE;
  mw_window_request_close (self);
  return GDK_EVENT_STOP;
}

/* Actions */

static void
action_new (GSimpleAction *action,
            GVariant      *param,
            gpointer       user_data)
{
  mw_window_new_document (MW_WINDOW (user_data));
}

static void
open_response_cb (GtkNativeDialog *dialog,
                  gint             response,
                  MwWindow        *self)
{
  if (response == GTK_RESPONSE_ACCEPT)
    {
      g_autoptr(GSList) files = gtk_file_chooser_get_files (GTK_FILE_CHOOSER (dialog));
      for (GSList *l = files; l != NULL; l = l->next)
        {
          mw_window_open_file (self, l->data);
          g_object_unref (l->data);
        }
    }
  g_object_unref (dialog);
}

static void
action_open (GSimpleAction *action,
             GVariant      *param,
             gpointer       user_data)
{
  MwWindow *self = user_data;
  GtkFileChooserNative *dialog =
    gtk_file_chooser_native_new ("Open", GTK_WINDOW (self), GTK_FILE_CHOOSER_ACTION_OPEN,
                                 "_Open", "_Cancel");
  GtkFileFilter *lua = gtk_file_filter_new ();
  GtkFileFilter *all = gtk_file_filter_new ();

  gtk_file_filter_set_name (lua, "Lua files");
  gtk_file_filter_add_pattern (lua, "*.lua");
  gtk_file_filter_set_name (all, "All files");
  gtk_file_filter_add_pattern (all, "*");
  gtk_file_chooser_add_filter (GTK_FILE_CHOOSER (dialog), lua);
  gtk_file_chooser_add_filter (GTK_FILE_CHOOSER (dialog), all);
  gtk_file_chooser_set_select_multiple (GTK_FILE_CHOOSER (dialog), TRUE);
  g_signal_connect_object (dialog, "response", G_CALLBACK (open_response_cb), self, 0);
  gtk_native_dialog_show (GTK_NATIVE_DIALOG (dialog));
}

static void
action_open_recent (GSimpleAction *action,
                    GVariant      *param,
                    gpointer       user_data)
{
  g_autoptr(GFile) file = g_file_new_for_uri (g_variant_get_string (param, NULL));

  mw_window_open_file (MW_WINDOW (user_data), file);
}

static void
action_save (GSimpleAction *action,
             GVariant      *param,
             gpointer       user_data)
{
  MwWindow *self = user_data;
  MwEditor *editor = mw_window_get_current_editor (self);

  if (editor != NULL)
    save_editor (self, editor, FALSE);
}

static void
action_save_as (GSimpleAction *action,
                GVariant      *param,
                gpointer       user_data)
{
  MwWindow *self = user_data;
  MwEditor *editor = mw_window_get_current_editor (self);

  if (editor != NULL)
    save_as (self, editor, FALSE);
}

static void
action_close_tab (GSimpleAction *action,
                  GVariant      *param,
                  gpointer       user_data)
{
  MwWindow *self = user_data;
  MwEditor *editor = mw_window_get_current_editor (self);

  if (editor != NULL)
    close_editor (self, editor);
}

static void
action_find (GSimpleAction *action,
             GVariant      *param,
             gpointer       user_data)
{
  MwEditor *editor = mw_window_get_current_editor (MW_WINDOW (user_data));

  if (editor != NULL)
    mw_editor_show_search (editor, FALSE);
}

static void
action_replace (GSimpleAction *action,
                GVariant      *param,
                gpointer       user_data)
{
  MwEditor *editor = mw_window_get_current_editor (MW_WINDOW (user_data));

  if (editor != NULL)
    mw_editor_show_search (editor, TRUE);
}

static void
action_clear_console (GSimpleAction *action,
                      GVariant      *param,
                      gpointer       user_data)
{
  mw_console_clear (MW_WINDOW (user_data)->console);
}

static void
action_focus_console (GSimpleAction *action,
                      GVariant      *param,
                      gpointer       user_data)
{
  MwWindow *self = user_data;

  gtk_stack_set_visible_child_name (self->bottom_stack, "console");
  gtk_widget_grab_focus (GTK_WIDGET (mw_console_get_entry (self->console)));
}

static void
action_show_problems (GSimpleAction *action,
                      GVariant      *param,
                      gpointer       user_data)
{
  gtk_stack_set_visible_child_name (MW_WINDOW (user_data)->bottom_stack, "problems");
}

static void
action_show_heap (GSimpleAction *action,
                  GVariant      *param,
                  gpointer       user_data)
{
  gtk_stack_set_visible_child_name (MW_WINDOW (user_data)->bottom_stack, "heap");
}

/* The board: connection, console, heap samples, uploads and file operations. */

static gboolean
is_connected (MwWindow *self)
{
  return self->connection != NULL && mw_connection_is_connected (self->connection);
}

static void
set_action_enabled (MwWindow   *self,
                    const char *name,
                    gboolean    enabled)
{
  GAction *action = g_action_map_lookup_action (G_ACTION_MAP (self), name);

  if (action != NULL)
    g_simple_action_set_enabled (G_SIMPLE_ACTION (action), enabled);
}

static void
update_device_actions (MwWindow *self)
{
  gboolean connected = is_connected (self);
  gboolean busy = self->op_cancellable != NULL;
  gboolean has_editor = mw_window_get_current_editor (self) != NULL;

  if (self->connect_stack == NULL)
    return;
  set_action_enabled (self, "connect", !connected && !self->connecting);
  set_action_enabled (self, "disconnect", connected);
  set_action_enabled (self, "reset", connected);
  set_action_enabled (self, "upload", connected && has_editor && !busy);
  set_action_enabled (self, "compile-upload", connected && has_editor && !busy);
  set_action_enabled (self, "run", connected && has_editor && !busy);
  set_action_enabled (self, "send-selection", connected && has_editor);
  set_action_enabled (self, "cancel", busy);
  gtk_stack_set_visible_child_name (self->connect_stack, connected ? "disconnect" : "connect");
  gtk_widget_set_sensitive (GTK_WIDGET (self->port_combo), !connected && !self->connecting);
  mw_file_browser_set_connected (self->file_browser, connected);
}

/* The port chooser: the simulated board and every serial port with its USB description. The
 * default is the configured port, else the first port with a usual NodeMCU bridge chip, else
 * the simulated board. */
static void
fill_ports (MwWindow   *self,
            const char *wanted)
{
  g_autoptr(GPtrArray) ports = mw_serial_list_ports (NULL);
  g_autofree char *current = g_strdup (gtk_combo_box_get_active_id (
                                         GTK_COMBO_BOX (self->port_combo)));
  const char *board = NULL;

  gtk_combo_box_text_remove_all (self->port_combo);
  gtk_combo_box_text_append (self->port_combo, MW_WINDOW_PORT_SIMULATED, "Simulated NodeMCU");
  for (guint i = 0; ports != NULL && i < ports->len; i++)
    {
      const MwSerialPortInfo *info = g_ptr_array_index (ports, i);
      g_autofree char *label = NULL;

      if (info->usb && info->description != NULL)
        label = g_strdup_printf ("%s (%s)", info->name, info->description);
      else
        label = g_strdup (info->name);
      gtk_combo_box_text_append (self->port_combo, info->name, label);
      if (board == NULL && info->bridge != MW_USB_BRIDGE_NONE)
        board = info->name;
    }
  if (wanted == NULL)
    wanted = current;
  if (wanted == NULL || !gtk_combo_box_set_active_id (GTK_COMBO_BOX (self->port_combo), wanted))
    if (board == NULL ||
        !gtk_combo_box_set_active_id (GTK_COMBO_BOX (self->port_combo), board))
      gtk_combo_box_set_active_id (GTK_COMBO_BOX (self->port_combo), MW_WINDOW_PORT_SIMULATED);
}

static void
port_popup_cb (MwWindow *self)
{
  gboolean shown = FALSE;

  /* Boards come and go: list the ports again as the chooser opens. */
  g_object_get (self->port_combo, "popup-shown", &shown, NULL);
  if (shown)
    fill_ports (self, NULL);
}

static void
show_error (MwWindow     *self,
            const char   *what,
            const GError *error)
{
  g_autofree char *msg = g_strdup_printf ("%s: %s", what, error->message);
  mw_window_show_message (self, GTK_MESSAGE_ERROR, msg);
}

/* Whether a line holds nothing but REPL prompts ("> ", ">> "), as the board prints between
 * the commands Moonwire sends (an upload sends hundreds): noise in a console that has its
 * own input line. */
static gboolean
only_prompts (const char *line,
              gsize       len)
{
  gboolean any = FALSE;

  for (gsize i = 0; i < len; i++)
    {
      if (line[i] == '>')
        any = TRUE;
      else if (line[i] != ' ' && line[i] != '\r' && line[i] != '\n')
        return FALSE;
    }
  return any;
}

static void
connection_console_cb (MwWindow *self,
                       GBytes   *data)
{
  gsize len;
  const char *bytes = g_bytes_get_data (data, &len);
  const char *end = bytes + len;

  for (const char *line = bytes; line < end;)
    {
      const char *nl = memchr (line, '\n', end - line);
      const char *next = nl != NULL ? nl + 1 : end;

      if (!only_prompts (line, next - line))
        mw_console_append (self->console, line, next - line);
      line = next;
    }
}

static void
connection_reset_cb (MwWindow *self)
{
  /* The boot seen while connecting is not news. */
  if (!is_connected (self))
    return;
  mw_heap_graph_add_marker (self->heap_graph, g_get_real_time (), MW_HEAP_MARKER_RESET, "reset");
  mw_console_append (self->console, "\n[the board restarted]\n", -1);
}

static void
connection_heap_sample_cb (MwWindow *self,
                           gint64    time_us,
                           guint     heap)
{
  mw_heap_graph_add_sample (self->heap_graph, time_us, heap);
  mw_board_panel_set_heap (self->board_panel, heap);
}

static void
connection_disconnected_cb (MwWindow   *self,
                            const char *reason)
{
  mw_board_panel_clear (self->board_panel);
  update_device_actions (self);
  if (reason != NULL)
    mw_window_show_message (self, GTK_MESSAGE_WARNING, reason);
}

static void
heap_interval_changed_cb (MwWindow *self)
{
  guint interval = 2;

  g_object_get (self->heap_graph, "interval", &interval, NULL);
  mw_connection_set_heap_interval (self->connection, interval);
}

static void refresh_files (MwWindow *self);

static void
connect_done_cb (GObject      *object,
                 GAsyncResult *result,
                 gpointer      user_data)
{
  g_autoptr(MwWindow) self = user_data;
  g_autoptr(GError) error = NULL;
  const MwBoardInfo *info;
  g_autofree char *modules = NULL;
  g_autofree char *firmware = NULL;
  g_autofree char *msg = NULL;

  self->connecting = FALSE;
  if (self->connection == NULL)
    return;
  if (!mw_connection_connect_finish (MW_CONNECTION (object), result, &error))
    {
      update_device_actions (self);
      show_error (self, "Could not connect", error);
      return;
    }
  info = mw_connection_get_board_info (self->connection);
  modules = info->modules != NULL ? g_strjoinv (", ", info->modules) : NULL;
  firmware = g_strdup_printf ("NodeMCU %s", info->version != NULL ? info->version : "?");
  mw_board_panel_set_info (self->board_panel, firmware,
                           mw_number_type_to_string (info->number_type), modules, info->chip_id,
                           info->flash_size);
  if (info->heap >= 0)
    mw_board_panel_set_heap (self->board_panel, info->heap);
  {
    g_autofree char *port = gtk_combo_box_text_get_active_text (self->port_combo);
    msg = g_strdup_printf ("Connected to %s: %s, %s build", port, firmware,
                           mw_number_type_to_string (info->number_type));
  }
  mw_window_show_message (self, GTK_MESSAGE_INFO, msg);
  update_device_actions (self);
  refresh_files (self);
}

static void
action_connect (GSimpleAction *action,
                GVariant      *param,
                gpointer       user_data)
{
  MwWindow *self = user_data;
  const char *port = gtk_combo_box_get_active_id (GTK_COMBO_BOX (self->port_combo));
  const char *baud = gtk_combo_box_get_active_id (GTK_COMBO_BOX (self->baud_combo));

  if (port == NULL || self->connecting)
    return;
  self->connecting = TRUE;
  update_device_actions (self);
  mw_connection_connect_async (self->connection,
                               g_strcmp0 (port, MW_WINDOW_PORT_SIMULATED) == 0
                               ? MW_CONNECTION_SIMULATED : port,
                               baud != NULL ? (guint) g_ascii_strtoull (baud, NULL, 10) : 115200,
                               NULL, connect_done_cb, g_object_ref (self));
}

static void
action_disconnect (GSimpleAction *action,
                   GVariant      *param,
                   gpointer       user_data)
{
  MwWindow *self = user_data;

  g_cancellable_cancel (self->op_cancellable);
  mw_connection_disconnect (self->connection);
  update_device_actions (self);
}

static void
exec_done_cb (GObject      *object,
              GAsyncResult *result,
              gpointer      user_data)
{
  g_autoptr(MwWindow) self = user_data;
  g_autoptr(GError) error = NULL;
  g_autoptr(GBytes) out = mw_device_exec_finish (MW_DEVICE (object), result, &error);

  if (error != NULL && !g_error_matches (error, MW_REPL_ERROR, MW_REPL_ERROR_RESET) &&
      !g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    show_error (self, "The board reported an error", error);
}

static void
action_reset (GSimpleAction *action,
              GVariant      *param,
              gpointer       user_data)
{
  MwWindow *self = user_data;
  g_autoptr(GError) error = NULL;
  MwRepl *repl = mw_connection_get_repl (self->connection);

  if (repl == NULL)
    return;
  /* RTS pulses EN on a real board; a pty (the simulator) has no lines: ask the firmware. */
  if (!mw_repl_hardware_reset (repl, &error))
    mw_device_exec_async (mw_connection_get_device (self->connection), "node.restart()", 2000,
                          NULL, NULL, NULL, exec_done_cb, g_object_ref (self));
}

static void
output_to_console (GBytes   *chunk,
                   gpointer  user_data)
{
  MwWindow *self = user_data;
  gsize len;
  const char *data = g_bytes_get_data (chunk, &len);

  if (self->console != NULL)
    mw_console_append (self->console, data, len);
}

static void
finish_operation (MwWindow *self)
{
  g_clear_object (&self->op_cancellable);
  gtk_revealer_set_reveal_child (self->progress_revealer, FALSE);
  update_device_actions (self);
}

static GCancellable *
start_operation (MwWindow   *self,
                 const char *label)
{
  g_assert (self->op_cancellable == NULL);
  self->op_cancellable = g_cancellable_new ();
  gtk_progress_bar_set_fraction (self->progress_bar, 0);
  gtk_progress_bar_set_text (self->progress_bar, label);
  gtk_revealer_set_reveal_child (self->progress_revealer, TRUE);
  update_device_actions (self);
  return self->op_cancellable;
}

static void
run_done_cb (GObject      *object,
             GAsyncResult *result,
             gpointer      user_data)
{
  g_autoptr(MwWindow) self = user_data;
  g_autoptr(GError) error = NULL;
  g_autoptr(GBytes) out = mw_device_exec_finish (MW_DEVICE (object), result, &error);

  if (gtk_widget_in_destruction (GTK_WIDGET (self)))
    return;
  finish_operation (self);
  if (error != NULL && !g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    show_error (self, "The program failed", error);
}

static void
run_on_board (MwWindow   *self,
              const char *name)
{
  g_autofree char *label = g_strdup_printf ("Running %s", name);
  g_autofree char *echo = g_strdup_printf ("> dofile(\"%s\")\n", name);


  mw_heap_graph_add_marker (self->heap_graph, g_get_real_time (), MW_HEAP_MARKER_RUN, name);
  mw_console_append (self->console, echo, -1);
  gtk_stack_set_visible_child_name (self->bottom_stack, "console");
  mw_device_run_async (mw_connection_get_device (self->connection), name, RUN_TIMEOUT_MS,
                       output_to_console, self, start_operation (self, label), run_done_cb,
                       g_object_ref (self));
}

/* The board-side name of an editor's file: its base name, or NULL (with a message) when the
 * file was never saved or the name does not fit SPIFFS. */
static char *
board_name (MwWindow *self,
            MwEditor *editor)
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

/* "init.lua" -> "init.lc", as node.compile names it */
static char *
lc_name (const char *name)
{
  g_autofree char *base = g_str_has_suffix (name, ".lua") ? g_strndup (name, strlen (name) - 4)
                                                          : g_strdup (name);
  return g_strconcat (base, ".lc", NULL);
}

static void
action_run (GSimpleAction *action,
            GVariant      *param,
            gpointer       user_data)
{
  MwWindow *self = user_data;
  MwEditor *editor = mw_window_get_current_editor (self);
  g_autofree char *name = editor != NULL ? board_name (self, editor) : NULL;

  if (name == NULL || self->op_cancellable != NULL)
    return;
  /* After Compile & Upload the board holds the .lc (and maybe not the .lua any more). */
  if (g_str_has_suffix (name, ".lua") && mw_file_browser_lookup (self->file_browser, name) < 0)
    {
      char *lc = lc_name (name);
      g_free (name);
      name = lc;
    }
  run_on_board (self, name);
}

typedef struct {
  MwWindow *self;
  char *name;           /* the name on the board */
  char *remove_after;   /* the .lua to remove once its .lc is there, or NULL */
  gsize size;
} UploadData;

static void
upload_data_free (UploadData *data)
{
  g_object_unref (data->self);
  g_free (data->name);
  g_free (data->remove_after);
  g_free (data);
}

static void
upload_progress_cb (gsize    done,
                    gsize    total,
                    gpointer user_data)
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

static void upload_next_dropped (MwWindow *self);

static void
remove_done_cb (GObject      *object,
                GAsyncResult *result,
                gpointer      user_data)
{
  g_autoptr(MwWindow) self = user_data;
  g_autoptr(GError) error = NULL;

  if (!mw_device_op_finish (MW_DEVICE (object), result, &error))
    show_error (self, "Could not remove the source after compiling", error);
  refresh_files (self);
}

static void
upload_done_cb (GObject      *object,
                GAsyncResult *result,
                gpointer      user_data)
{
  UploadData *data = user_data;
  MwWindow *self = data->self;
  g_autoptr(GError) error = NULL;
  MwUploadStats stats = { 0 };

  if (!mw_device_upload_finish (MW_DEVICE (object), result, &stats, &error))
    {
      if (!gtk_widget_in_destruction (GTK_WIDGET (self)))
        {
          finish_operation (self);
          if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
            {
              g_autofree char *msg = g_strdup_printf ("Upload of %s cancelled: the file on the "
                                                      "board is as it was.", data->name);
              mw_window_show_message (self, GTK_MESSAGE_WARNING, msg);
            }
          else
            show_error (self, "Upload failed (the file on the board is as it was)", error);
          g_ptr_array_set_size (self->upload_queue, 0);
          refresh_files (self);
        }
      upload_data_free (data);
      return;
    }
  if (!gtk_widget_in_destruction (GTK_WIDGET (self)))
    {
      g_autofree char *msg = g_strdup_printf ("Uploaded %s: %" G_GSIZE_FORMAT " bytes, verified "
                                              "on the board, in %.1f s", data->name, stats.bytes,
                                              stats.seconds);
      finish_operation (self);
      mw_window_show_message (self, GTK_MESSAGE_INFO, msg);
      mw_heap_graph_add_marker (self->heap_graph, g_get_real_time (), MW_HEAP_MARKER_UPLOAD,
                                data->name);
      if (data->remove_after != NULL &&
          mw_file_browser_lookup (self->file_browser, data->remove_after) >= 0)
        mw_device_remove_async (MW_DEVICE (object), data->remove_after, NULL, remove_done_cb,
                                g_object_ref (self));
      else
        refresh_files (self);
      upload_next_dropped (self);
    }
  upload_data_free (data);
}

static void
upload_bytes (MwWindow   *self,
              const char *name,
              GBytes     *bytes,
              const char *remove_after)
{
  UploadData *data = g_new0 (UploadData, 1);
  g_autofree char *label = g_strdup_printf ("Uploading %s", name);

  data->self = g_object_ref (self);
  data->name = g_strdup (name);
  data->remove_after = g_strdup (remove_after);
  data->size = g_bytes_get_size (bytes);
  mw_device_upload_async (mw_connection_get_device (self->connection), name, bytes,
                          MW_UPLOAD_FLAGS_NONE, 0, upload_progress_cb, data,
                          start_operation (self, label), upload_done_cb, data);
}

/* The project folder of an editor's file: the folder last checked (Problems) when the file is
 * in it, else the file's own folder. Its upload pipeline is remembered (mw-pipeline-dialog.h). */
static char *
project_folder (MwWindow *self,
                MwEditor *editor)
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
action_pipeline (GSimpleAction *action,
                 GVariant      *param,
                 gpointer       user_data)
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
  gtk_window_present (GTK_WINDOW (mw_pipeline_dialog_new (GTK_WINDOW (self), self->settings,
                                                          folder)));
}

/* The upload pipeline (remembered per project folder, Preferences as defaults): lint, minify (verified), compile for the board's number
 * type, strip; each step that fails stops the upload and says why. */
static void
upload_editor (MwWindow *self,
               gboolean  compile)
{
  MwEditor *editor = mw_window_get_current_editor (self);
  g_autofree char *name = editor != NULL ? board_name (self, editor) : NULL;
  g_autofree char *text = NULL;
  g_autoptr(GBytes) bytes = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *target = NULL;
  const MwBoardInfo *info = mw_connection_get_board_info (self->connection);

  MwPipeline pipeline;
  g_autofree char *folder = NULL;

  if (name == NULL || self->op_cancellable != NULL)
    return;
  folder = project_folder (self, editor);
  mw_pipeline_load (&pipeline, self->settings, folder);
  text = mw_document_dup_text (mw_editor_get_document (editor));
  bytes = g_bytes_new (text, strlen (text));

  if (pipeline.lint)
    {
      g_autoptr(MwLuaTree) tree = mw_lua_tree_parse (name, text, -1, MW_LUA_PARSE_SKIP_SHEBANG);
      g_autoptr(MwLuaLintOptions) options = new_lint_options (self);
      g_autoptr(GPtrArray) found = mw_lua_lint_tree (tree, options);

      for (guint i = 0; i < found->len; i++)
        {
          const MwLuaDiagnostic *diag = g_ptr_array_index (found, i);
          if (diag->severity == MW_LUA_SEVERITY_ERROR)
            {
              g_autofree char *where = mw_lua_diagnostic_format (diag, name);
              g_autofree char *msg = g_strdup_printf ("Not uploaded: %s", where);
              mw_window_show_message (self, GTK_MESSAGE_ERROR, msg);
              return;
            }
        }
    }
  if (pipeline.minify)
    {
      /* Lines kept, so error messages from the board still point at the right line. */
      MwLuaMinifyOptions options = { .keep_lines = TRUE };
      GBytes *minified = mw_lua_minify (name, text, strlen (text), &options, NULL, &error);

      if (minified == NULL)
        {
          show_error (self, "Not uploaded: the minifier failed", error);
          return;
        }
      g_bytes_unref (bytes);
      bytes = minified;
    }
  if (compile || pipeline.compile)
    {
      MwLuaNumberType type = window_number_type (self);
      g_autofree char *forced = g_settings_get_string (self->settings, "number-type");
      GBytes *lc;
      gsize len;
      const char *src = g_bytes_get_data (bytes, &len);

      if (g_strcmp0 (forced, "detect") == 0 && info != NULL)
        type = info->number_type == MW_NUMBER_TYPE_INTEGER ? MW_LUA_TARGET_INTEGER
                                                           : MW_LUA_TARGET_FLOAT;
      lc = mw_lua_compiler_compile_to_bytes (name, src, len, type,
                                             pipeline.strip ? MW_LUA_STRIP_ALL
                                                            : MW_LUA_STRIP_NAMES, &error);
      if (lc == NULL)
        {
          show_error (self, "Not uploaded: compiling failed", error);
          return;
        }
      g_bytes_unref (bytes);
      bytes = lc;
      target = lc_name (name);
      upload_bytes (self, target, bytes, pipeline.remove_source ? name : NULL);
      return;
    }
  upload_bytes (self, name, bytes, NULL);
}

static void
action_upload (GSimpleAction *action,
               GVariant      *param,
               gpointer       user_data)
{
  upload_editor (MW_WINDOW (user_data), FALSE);
}

static void
action_compile_upload (GSimpleAction *action,
                       GVariant      *param,
                       gpointer       user_data)
{
  upload_editor (MW_WINDOW (user_data), TRUE);
}

static void
action_cancel (GSimpleAction *action,
               GVariant      *param,
               gpointer       user_data)
{
  MwWindow *self = user_data;

  g_cancellable_cancel (self->op_cancellable);
}

static void
send_line_done_cb (GObject      *object,
                   GAsyncResult *result,
                   gpointer      user_data)
{
  g_autoptr(MwWindow) self = user_data;
  g_autoptr(GError) error = NULL;
  g_autoptr(GBytes) out = mw_repl_send_line_finish (MW_REPL (object), result, &error);

  if (self->console == NULL)
    return;
  if (out != NULL)
    {
      gsize len;
      const char *data = g_bytes_get_data (out, &len);
      mw_console_append (self->console, data, len);
    }
  if (error != NULL && !g_error_matches (error, MW_REPL_ERROR, MW_REPL_ERROR_INCOMPLETE))
    {
      g_autofree char *msg = g_strdup_printf ("[%s]\n", error->message);
      mw_console_append (self->console, msg, -1);
    }
}

static void
console_send_cb (MwWindow   *self,
                 const char *line)
{
  MwRepl *repl = mw_connection_get_repl (self->connection);
  g_autofree char *echo = NULL;

  if (repl == NULL)
    {
      mw_window_show_message (self, GTK_MESSAGE_WARNING,
                              "Not connected to a board: the line was not sent.");
      return;
    }
  /* The engine removes the board's echo; show what was sent as the REPL would. */
  echo = g_strdup_printf ("> %s\n", line);
  mw_console_append (self->console, echo, -1);
  mw_repl_send_line_async (repl, line, LINE_TIMEOUT_MS, NULL, send_line_done_cb,
                           g_object_ref (self));
}

static void
action_send_selection (GSimpleAction *action,
                       GVariant      *param,
                       gpointer       user_data)
{
  MwWindow *self = user_data;
  MwEditor *editor = mw_window_get_current_editor (self);
  g_autofree char *text = editor != NULL ? mw_editor_dup_selection_or_line (editor) : NULL;

  if (text != NULL)
    mw_console_send (self->console, text);
}

/* File browser */

static void
list_done_cb (GObject      *object,
              GAsyncResult *result,
              gpointer      user_data)
{
  g_autoptr(MwWindow) self = user_data;
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) files = mw_device_list_finish (MW_DEVICE (object), result, &error);
  g_autofree const char **names = NULL;
  g_autofree gint64 *sizes = NULL;

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
}

static void
fsinfo_done_cb (GObject      *object,
                GAsyncResult *result,
                gpointer      user_data)
{
  g_autoptr(MwWindow) self = user_data;
  MwFsInfo info = { 0 };

  if (self->file_browser != NULL && is_connected (self) &&
      mw_device_fsinfo_finish (MW_DEVICE (object), result, &info, NULL))
    mw_file_browser_set_fsinfo (self->file_browser, info.remaining, info.used, info.total);
}

static void
refresh_files (MwWindow *self)
{
  MwDevice *device = mw_connection_get_device (self->connection);

  if (device == NULL)
    return;
  mw_device_list_async (device, NULL, list_done_cb, g_object_ref (self));
  mw_device_fsinfo_async (device, NULL, fsinfo_done_cb, g_object_ref (self));
}

static void
op_done_cb (GObject      *object,
            GAsyncResult *result,
            gpointer      user_data)
{
  g_autoptr(MwWindow) self = user_data;
  g_autoptr(GError) error = NULL;

  if (!mw_device_op_finish (MW_DEVICE (object), result, &error) && self->file_browser != NULL)
    show_error (self, "The board refused", error);
  refresh_files (self);
}

typedef struct {
  MwWindow *self;
  char *name;
  char *folder;   /* download: where to; NULL: open in an editor */
} ReadData;

static void
read_done_cb (GObject      *object,
              GAsyncResult *result,
              gpointer      user_data)
{
  ReadData *data = user_data;
  g_autoptr(GError) error = NULL;
  g_autoptr(GBytes) bytes = mw_device_read_file_finish (MW_DEVICE (object), result, &error);
  g_autofree char *folder = NULL;
  g_autofree char *path = NULL;

  if (bytes == NULL)
    show_error (data->self, "Could not download", error);
  else
    {
      /* Opened files live in the cache, so Save writes a real file. */
      folder = data->folder != NULL ? g_strdup (data->folder)
                                    : g_build_filename (g_get_user_cache_dir (), "moonwire",
                                                        "board", NULL);
      path = g_build_filename (folder, data->name, NULL);
      if (g_mkdir_with_parents (folder, 0755) != 0 ||
          !g_file_set_contents (path, g_bytes_get_data (bytes, NULL), g_bytes_get_size (bytes),
                                &error))
        show_error (data->self, "Could not save the download", error);
      else if (data->folder == NULL)
        {
          g_autoptr(GFile) file = g_file_new_for_path (path);
          mw_window_open_file (data->self, file);
        }
      else
        {
          g_autofree char *msg = g_strdup_printf ("Downloaded %s to %s", data->name, path);
          mw_window_show_message (data->self, GTK_MESSAGE_INFO, msg);
        }
    }
  g_object_unref (data->self);
  g_free (data->name);
  g_free (data->folder);
  g_free (data);
}

static void
file_browser_action_cb (MwWindow   *self,
                        const char *verb,
                        const char *name,
                        const char *argument)
{
  MwDevice *device = mw_connection_get_device (self->connection);

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
    mw_device_rename_async (device, name, argument, NULL, op_done_cb, g_object_ref (self));
  else if (g_str_equal (verb, "delete"))
    mw_device_remove_async (device, name, NULL, op_done_cb, g_object_ref (self));
  else if (g_str_equal (verb, "compile"))
    mw_device_compile_async (device, name, NULL, op_done_cb, g_object_ref (self));
}

static void
upload_next_dropped (MwWindow *self)
{
  g_autofree char *path = NULL;
  g_autofree char *contents = NULL;
  g_autofree char *name = NULL;
  g_autoptr(GError) error = NULL;
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
    g_autoptr(GBytes) bytes = g_bytes_new_take (g_steal_pointer (&contents), len);
    upload_bytes (self, name, bytes, NULL);
  }
}

static void
file_browser_upload_cb (MwWindow  *self,
                        GStrv      paths)
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

gdouble
mw_window_get_progress (MwWindow *self)
{
  g_return_val_if_fail (MW_IS_WINDOW (self), 0);
  if (self->op_cancellable == NULL)
    return -1;
  return gtk_progress_bar_get_fraction (self->progress_bar);
}

MwConnection *
mw_window_get_connection (MwWindow *self)
{
  g_return_val_if_fail (MW_IS_WINDOW (self), NULL);
  return self->connection;
}

/* The project folder's check: every .lua under it linted together (the linter looks across
 * files: a global set in one file and cleared in another), in a worker thread. */
#define MAX_FOLDER_FILES 2000

typedef struct {
  char *folder;
  MwLuaLintOptions *options;
  GPtrArray *paths;     /* char* */
  GPtrArray *results;   /* GPtrArray* of MwLuaDiagnostic*, one per path */
} FolderCheck;

static void
folder_check_free (FolderCheck *check)
{
  g_free (check->folder);
  g_clear_pointer (&check->options, mw_lua_lint_options_free);
  g_clear_pointer (&check->paths, g_ptr_array_unref);
  g_clear_pointer (&check->results, g_ptr_array_unref);
  g_free (check);
}

static void
collect_lua_files (const char *dir,
                   GPtrArray  *paths,
                   guint       depth)
{
  g_autoptr(GDir) d = g_dir_open (dir, 0, NULL);
  const char *name;

  if (d == NULL || depth > 8)
    return;
  while ((name = g_dir_read_name (d)) != NULL && paths->len < MAX_FOLDER_FILES)
    {
      g_autofree char *path = g_build_filename (dir, name, NULL);

      if (name[0] == '.')
        continue;
      if (g_file_test (path, G_FILE_TEST_IS_DIR) && !g_file_test (path, G_FILE_TEST_IS_SYMLINK))
        collect_lua_files (path, paths, depth + 1);
      else if (g_str_has_suffix (name, ".lua") && g_file_test (path, G_FILE_TEST_IS_REGULAR))
        g_ptr_array_add (paths, g_steal_pointer (&path));
    }
}

static gint
compare_paths (gconstpointer a,
               gconstpointer b)
{
  return g_strcmp0 (*(const char **) a, *(const char **) b);
}

static void
folder_check_thread (GTask        *task,
                     gpointer      source_object,
                     gpointer      task_data,
                     GCancellable *cancellable)
{
  FolderCheck *check = task_data;
  g_autoptr(GPtrArray) trees = g_ptr_array_new_with_free_func ((GDestroyNotify) mw_lua_tree_unref);

  collect_lua_files (check->folder, check->paths, 0);
  g_ptr_array_sort (check->paths, compare_paths);
  for (guint i = 0; i < check->paths->len; i++)
    {
      const char *path = g_ptr_array_index (check->paths, i);
      g_autofree char *contents = NULL;
      g_autofree char *name = g_path_get_basename (path);
      gsize len = 0;

      g_file_get_contents (path, &contents, &len, NULL);
      g_ptr_array_add (trees, mw_lua_tree_parse (name, contents != NULL ? contents : "",
                                                 contents != NULL ? (gssize) len : 0,
                                                 MW_LUA_PARSE_SKIP_SHEBANG));
    }
  check->results = mw_lua_lint ((MwLuaTree *const *) trees->pdata, trees->len, check->options);
  g_task_return_boolean (task, TRUE);
}

static void
folder_check_done_cb (GObject      *object,
                      GAsyncResult *result,
                      gpointer      user_data)
{
  MwWindow *self = MW_WINDOW (object);
  FolderCheck *check = g_task_get_task_data (G_TASK (result));
  guint findings = 0;
  g_autofree char *msg = NULL;

  if (!g_task_propagate_boolean (G_TASK (result), NULL) || self->problems_view == NULL)
    return;
  for (guint i = 0; i < check->paths->len; i++)
    {
      const char *path = g_ptr_array_index (check->paths, i);
      g_autofree char *rel = g_str_has_prefix (path, check->folder)
                             ? g_strdup (path + strlen (check->folder) + 1)
                             : g_path_get_basename (path);
      GPtrArray *diags = g_ptr_array_index (check->results, i);

      findings += diags->len;
      mw_problems_view_set_file (self->problems_view, path, rel, diags);
    }
  gtk_stack_set_visible_child_name (self->bottom_stack, "problems");
  msg = g_strdup_printf ("Checked %u Lua files in %s: %u findings", check->paths->len,
                         check->folder, findings);
  mw_window_show_message (self, GTK_MESSAGE_INFO, msg);
}

void
mw_window_check_folder (MwWindow *self,
                        GFile    *folder)
{
  g_autoptr(GTask) task = NULL;
  FolderCheck *check;

  g_return_if_fail (MW_IS_WINDOW (self));
  g_return_if_fail (G_IS_FILE (folder));

  check = g_new0 (FolderCheck, 1);
  check->folder = g_file_get_path (folder);
  check->options = new_lint_options (self);
  check->paths = g_ptr_array_new_with_free_func (g_free);
  if (check->folder == NULL)
    {
      folder_check_free (check);
      return;
    }
  g_settings_set_string (self->settings, "recent-project", check->folder);
  task = g_task_new (self, NULL, folder_check_done_cb, NULL);
  g_task_set_source_tag (task, mw_window_check_folder);
  g_task_set_task_data (task, check, (GDestroyNotify) folder_check_free);
  g_task_run_in_thread (task, folder_check_thread);
}

static void
check_folder_response_cb (GtkNativeDialog *dialog,
                          gint             response,
                          MwWindow        *self)
{
  if (response == GTK_RESPONSE_ACCEPT)
    {
      g_autoptr(GFile) folder = gtk_file_chooser_get_file (GTK_FILE_CHOOSER (dialog));
      mw_window_check_folder (self, folder);
    }
  g_object_unref (dialog);
}

static void
action_check_folder (GSimpleAction *action,
                     GVariant      *param,
                     gpointer       user_data)
{
  MwWindow *self = user_data;
  g_autofree char *recent = g_settings_get_string (self->settings, "recent-project");
  GtkFileChooserNative *dialog =
    gtk_file_chooser_native_new ("Check a Project Folder", GTK_WINDOW (self),
                                 GTK_FILE_CHOOSER_ACTION_SELECT_FOLDER, "_Check", "_Cancel");

  if (*recent != '\0')
    gtk_file_chooser_set_current_folder (GTK_FILE_CHOOSER (dialog), recent);
  g_signal_connect_object (dialog, "response", G_CALLBACK (check_folder_response_cb), self, 0);
  gtk_native_dialog_show (GTK_NATIVE_DIALOG (dialog));
}

static void
action_show_help_overlay (GSimpleAction *action,
                          GVariant      *param,
                          gpointer       user_data)
{
  MwWindow *self = user_data;

  mw_application_show_shortcuts (MW_APPLICATION (gtk_window_get_application (GTK_WINDOW (self))),
                                 GTK_WINDOW (self));
}

static const GActionEntry win_entries[] = {
  { "show-help-overlay", action_show_help_overlay },
  { "new", action_new },
  { "open", action_open },
  { "open-recent", action_open_recent, "s" },
  { "save", action_save },
  { "save-as", action_save_as },
  { "close-tab", action_close_tab },
  { "find", action_find },
  { "replace", action_replace },
  { "clear-console", action_clear_console },
  { "focus-console", action_focus_console },
  { "show-problems", action_show_problems },
  { "show-heap", action_show_heap },
  { "check-folder", action_check_folder },
  { "pipeline", action_pipeline },
  { "connect", action_connect },
  { "disconnect", action_disconnect },
  { "reset", action_reset },
  { "upload", action_upload },
  { "compile-upload", action_compile_upload },
  { "run", action_run },
  { "send-selection", action_send_selection },
  { "cancel", action_cancel },
};

static void
jump_to (MwWindow *self,
         MwEditor *editor,
         guint     line,
         guint     column)
{
  gtk_notebook_set_current_page (self->notebook,
                                 gtk_notebook_page_num (self->notebook, GTK_WIDGET (editor)));
  mw_editor_goto (editor, line, column);
}

static void
problems_activate_cb (MwWindow   *self,
                      const char *key,
                      guint       line,
                      guint       column)
{
  g_autoptr(GList) editors = mw_window_list_editors (self);

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
      g_autoptr(GFile) file = g_file_new_for_path (key);

      g_free (self->pending_jump);
      self->pending_jump = g_strdup (key);
      self->pending_line = line;
      self->pending_column = column;
      mw_window_open_file (self, file);
    }
}

static void
console_open_location_cb (MwWindow   *self,
                          const char *name,
                          guint       line)
{
  g_autoptr(GList) editors = mw_window_list_editors (self);
  g_autofree char *msg = NULL;

  /* A board names its files without folders: match open tabs by base name. */
  for (GList *l = editors; l != NULL; l = l->next)
    {
      GFile *file = mw_document_get_file (mw_editor_get_document (l->data));
      g_autofree char *base = file != NULL ? g_file_get_basename (file) : NULL;

      if (g_strcmp0 (base, name) == 0)
        {
          jump_to (self, l->data, line, 0);
          return;
        }
    }
  msg = g_strdup_printf ("%s is not open in an editor.", name);
  mw_window_show_message (self, GTK_MESSAGE_INFO, msg);
}

static gboolean
baud_get_mapping (GValue   *value,
                  GVariant *variant,
                  gpointer  user_data)
{
  g_value_take_string (value, g_strdup_printf ("%u", g_variant_get_uint32 (variant)));
  return TRUE;
}

static GVariant *
baud_set_mapping (const GValue       *value,
                  const GVariantType *type,
                  gpointer            user_data)
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
      g_autoptr(GMenuItem) item = NULL;

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
  g_autoptr(GMenu) menu = g_menu_new ();
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
  default_port = *port != '\0' ? port : NULL;
  fill_ports (self, default_port);
  mw_connection_set_heap_interval (self->connection,
                                   g_settings_get_uint (self->settings, "heap-interval"));
  update_device_actions (self);

  g_settings_bind_with_mapping (self->settings, "baud", self->baud_combo, "active-id",
                                G_SETTINGS_BIND_DEFAULT, baud_get_mapping, baud_set_mapping,
                                NULL, NULL);
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
}

static void
mw_window_dispose (GObject *object)
{
  MwWindow *self = MW_WINDOW (object);

  g_cancellable_cancel (self->op_cancellable);
  g_clear_object (&self->op_cancellable);
  if (self->connection != NULL)
    {
      g_signal_handlers_disconnect_by_data (self->connection, self);
      mw_connection_disconnect (self->connection);
    }
  g_clear_object (&self->connection);
  g_clear_pointer (&self->upload_queue, g_ptr_array_unref);
  g_clear_pointer (&self->pending_jump, g_free);
  g_clear_object (&self->settings);
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

  gtk_widget_class_set_template_from_resource (widget_class,
                                               "/org/moonwire/Moonwire/ui/mw-window.ui");
#define BIND(name) gtk_widget_class_bind_template_child (widget_class, MwWindow, name)
  BIND (header_bar);
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
  BIND (progress_revealer);
  BIND (progress_bar);
  BIND (editor_stack);
  BIND (notebook);
  BIND (bottom_stack);
  BIND (console);
  BIND (heap_graph);
  BIND (problems_view);
  BIND (file_browser);
  BIND (board_panel);
#undef BIND
  gtk_widget_class_bind_template_callback (widget_class, info_bar_response_cb);
  gtk_widget_class_bind_template_callback (widget_class, notebook_switch_page_cb);
}

static void
mw_window_init (MwWindow *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));

  g_action_map_add_action_entries (G_ACTION_MAP (self), win_entries, G_N_ELEMENTS (win_entries),
                                   self);
  self->connection = mw_connection_new ();
  self->upload_queue = g_ptr_array_new_with_free_func (g_free);
  g_signal_connect_object (self->connection, "console", G_CALLBACK (connection_console_cb),
                           self, G_CONNECT_SWAPPED);
  g_signal_connect_object (self->connection, "reset", G_CALLBACK (connection_reset_cb), self,
                           G_CONNECT_SWAPPED);
  g_signal_connect_object (self->connection, "heap-sample",
                           G_CALLBACK (connection_heap_sample_cb), self, G_CONNECT_SWAPPED);
  g_signal_connect_object (self->connection, "disconnected",
                           G_CALLBACK (connection_disconnected_cb), self, G_CONNECT_SWAPPED);
  g_signal_connect_object (self->heap_graph, "notify::interval",
                           G_CALLBACK (heap_interval_changed_cb), self, G_CONNECT_SWAPPED);
  g_signal_connect_object (self->port_combo, "notify::popup-shown",
                           G_CALLBACK (port_popup_cb), self, G_CONNECT_SWAPPED);

  g_signal_connect_object (self->console, "send", G_CALLBACK (console_send_cb), self,
                           G_CONNECT_SWAPPED);
  g_signal_connect_object (self->console, "open-location", G_CALLBACK (console_open_location_cb),
                           self, G_CONNECT_SWAPPED);
  g_signal_connect_object (self->problems_view, "activate-location",
                           G_CALLBACK (problems_activate_cb), self, G_CONNECT_SWAPPED);
  g_signal_connect_object (self->file_browser, "file-action",
                           G_CALLBACK (file_browser_action_cb), self, G_CONNECT_SWAPPED);
  g_signal_connect_object (self->file_browser, "upload-files",
                           G_CALLBACK (file_browser_upload_cb), self, G_CONNECT_SWAPPED);
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
