/* mw-file-browser.c: the board's files.
 *
 * A view only: the window fills it from the device's file list and fsinfo and carries out the
 * actions it asks for through "file-action" (action, name, argument) and "upload-files"
 * (paths dropped from the desktop). Destructive actions are confirmed here, and names are
 * checked against SPIFFS's 31-character limit (docs/firmware.md section 2) before they reach a
 * board.
 */
#include "mw-config.h"

#include "mw-file-browser.h"
#include "mw-lua-lexer.h"

#include <string.h>

#define MW_SPIFFS_NAME_MAX 31

enum
{
  COL_NAME,
  COL_SIZE,
  COL_SIZE_TEXT,
  COL_ICON,
  COL_SHOWN
};

struct _MwFileBrowser
{
  GtkBox parent_instance;

  GtkWidget *actions_box;
  GtkWidget *refresh_button;
  GtkWidget *run_button;
  GtkWidget *open_button;
  GtkWidget *download_button;
  GtkWidget *delete_button;
  GtkWidget *more_button;
  GtkMenu *more_menu; /* the "more" button's menu */
  GtkMenu *context_menu; /* on a right click in the list */
  GtkStack *stack;
  GtkTreeView *tree;
  GtkListStore *store;
  GtkLevelBar *usage_bar;
  GtkLabel *usage_label;

  gboolean connected;
};

G_DEFINE_TYPE (MwFileBrowser, mw_file_browser, GTK_TYPE_BOX)

enum
{
  FILE_ACTION,
  UPLOAD_FILES,
  DELETE_SELECTED,
  N_SIGNALS
};
static guint signals[N_SIGNALS];

/* A button or menu item that cannot act says why in its tooltip (GTK shows tooltips of
 * insensitive widgets too). */
static void
set_enabled (GtkWidget *widget, gboolean enabled, const char *what, const char *why)
{
  g_autofree char *tip = enabled || why == NULL ? g_strdup (what)
                                                : g_strdup_printf ("%s (%s)", what, why);

  gtk_widget_set_sensitive (widget, enabled);
  gtk_widget_set_tooltip_text (widget, tip);
}

static void
update_menu (MwFileBrowser *self, GtkMenu *menu, const char *why_none, gboolean has,
             gboolean is_lua, gboolean runnable, gboolean openable)
{
  g_autoptr (GList) items = gtk_container_get_children (GTK_CONTAINER (menu));

  for (GList *l = items; l != NULL; l = l->next)
    {
      const char *verb = g_object_get_data (l->data, "mw-verb");
      gboolean enabled = has;
      const char *why = why_none;

      if (verb == NULL)
        continue;
      if (g_str_equal (verb, "run"))
        enabled = runnable, why = has ? "only .lua and .lc files run" : why;
      else if (g_str_equal (verb, "open"))
        enabled = openable, why = has ? "bytecode does not open as text" : why;
      else if (g_str_equal (verb, "compile"))
        enabled = is_lua, why = has ? "only .lua files compile" : why;
      else if (g_str_equal (verb, "format") || g_str_equal (verb, "sync"))
        enabled = self->connected, why = "connect to a board first";
      gtk_widget_set_sensitive (l->data, enabled);
      gtk_widget_set_tooltip_text (l->data, enabled ? NULL : why);
    }
}

static void
update_sensitivity (MwFileBrowser *self)
{
  g_autofree char *name = mw_file_browser_dup_selected (self);
  gboolean has = self->connected && name != NULL;
  gboolean is_lua = has && g_str_has_suffix (name, ".lua");
  gboolean runnable = is_lua || (has && g_str_has_suffix (name, ".lc"));
  gboolean openable = has && !g_str_has_suffix (name, ".lc");
  const char *why = !self->connected ? "connect to a board first" : "select a file first";

  set_enabled (self->refresh_button, self->connected, "Refresh the list",
               "connect to a board first");
  set_enabled (self->run_button, runnable, "Run the file on the board (dofile)",
               has ? "only .lua and .lc files run" : why);
  set_enabled (self->open_button, openable, "Download the file and open it in the editor",
               has ? "bytecode does not open as text" : why);
  set_enabled (self->download_button, has, "Download the file to a folder", why);
  set_enabled (self->delete_button, has, "Delete the file from the board", why);
  update_menu (self, self->more_menu, why, has, is_lua, runnable, openable);
  update_menu (self, self->context_menu, why, has, is_lua, runnable, openable);
}

static void
emit_action (MwFileBrowser *self, const char *action, const char *argument)
{
  g_autofree char *name = mw_file_browser_dup_selected (self);

  if (name != NULL)
    g_signal_emit (self, signals[FILE_ACTION], 0, action, name, argument);
}

static void
refresh_clicked_cb (MwFileBrowser *self)
{
  g_signal_emit (self, signals[FILE_ACTION], 0, "refresh", NULL, NULL);
}

static void
run_clicked_cb (MwFileBrowser *self)
{
  emit_action (self, "run", NULL);
}

static void
open_clicked_cb (MwFileBrowser *self)
{
  emit_action (self, "open", NULL);
}

static void
compile_clicked_cb (MwFileBrowser *self)
{
  emit_action (self, "compile", NULL);
}

static void
row_activated_cb (MwFileBrowser *self)
{
  g_autofree char *name = mw_file_browser_dup_selected (self);

  if (name != NULL && !g_str_has_suffix (name, ".lc"))
    emit_action (self, "open", NULL);
}

static GtkWindow *
toplevel (MwFileBrowser *self)
{
  GtkWidget *top = gtk_widget_get_toplevel (GTK_WIDGET (self));
  return GTK_IS_WINDOW (top) ? GTK_WINDOW (top) : NULL;
}

static void
download_response_cb (GtkNativeDialog *dialog, gint response, MwFileBrowser *self)
{
  if (response == GTK_RESPONSE_ACCEPT)
    {
      g_autoptr (GFile) folder = gtk_file_chooser_get_file (GTK_FILE_CHOOSER (dialog));
      g_autofree char *path = g_file_get_path (folder);
      emit_action (self, "download", path);
    }
  g_object_unref (dialog);
}

static void
download_clicked_cb (MwFileBrowser *self)
{
  GtkFileChooserNative *dialog = gtk_file_chooser_native_new ("Download to Folder", toplevel (self),
                                                              GTK_FILE_CHOOSER_ACTION_SELECT_FOLDER,
                                                              "_Download", "_Cancel");

  g_signal_connect_object (dialog, "response", G_CALLBACK (download_response_cb), self, 0);
  gtk_native_dialog_show (GTK_NATIVE_DIALOG (dialog));
}

static void
delete_response_cb (GtkDialog *dialog, gint response, MwFileBrowser *self)
{
  if (response == GTK_RESPONSE_ACCEPT)
    emit_action (self, "delete", NULL);
  gtk_widget_destroy (GTK_WIDGET (dialog));
}

static void
delete_clicked_cb (MwFileBrowser *self)
{
  g_autofree char *name = mw_file_browser_dup_selected (self);
  GtkWidget *dialog;
  GtkWidget *button;

  if (name == NULL)
    return;
  dialog = gtk_message_dialog_new (
    toplevel (self), GTK_DIALOG_MODAL | GTK_DIALOG_DESTROY_WITH_PARENT, GTK_MESSAGE_QUESTION,
    GTK_BUTTONS_NONE, "Delete “%s” from the board?", name);
  gtk_message_dialog_format_secondary_text (GTK_MESSAGE_DIALOG (dialog),
                                            "The file cannot be recovered.");
  gtk_dialog_add_button (GTK_DIALOG (dialog), "_Cancel", GTK_RESPONSE_CANCEL);
  button = gtk_dialog_add_button (GTK_DIALOG (dialog), "_Delete", GTK_RESPONSE_ACCEPT);
  gtk_style_context_add_class (gtk_widget_get_style_context (button), "destructive-action");
  gtk_dialog_set_default_response (GTK_DIALOG (dialog), GTK_RESPONSE_CANCEL);
  g_signal_connect_object (dialog, "response", G_CALLBACK (delete_response_cb), self, 0);
  gtk_window_present (GTK_WINDOW (dialog));
}

static void
rename_entry_changed_cb (GtkEntry *entry, GtkDialog *dialog)
{
  const char *text = gtk_entry_get_text (entry);
  gsize len = strlen (text);

  gtk_dialog_set_response_sensitive (dialog, GTK_RESPONSE_ACCEPT,
                                     len > 0 && len <= MW_SPIFFS_NAME_MAX);
}

static void
rename_response_cb (GtkDialog *dialog, gint response, MwFileBrowser *self)
{
  GtkEntry *entry = g_object_get_data (G_OBJECT (dialog), "mw-entry");

  if (response == GTK_RESPONSE_ACCEPT)
    emit_action (self, "rename", gtk_entry_get_text (entry));
  gtk_widget_destroy (GTK_WIDGET (dialog));
}

static void
rename_clicked_cb (MwFileBrowser *self)
{
  g_autofree char *name = mw_file_browser_dup_selected (self);
  GtkWidget *dialog, *entry, *label, *area;

  if (name == NULL)
    return;
  dialog = gtk_dialog_new_with_buttons (
    "Rename File", toplevel (self),
    GTK_DIALOG_MODAL | GTK_DIALOG_DESTROY_WITH_PARENT | GTK_DIALOG_USE_HEADER_BAR, "_Cancel",
    GTK_RESPONSE_CANCEL, "_Rename", GTK_RESPONSE_ACCEPT, NULL);
  area = gtk_dialog_get_content_area (GTK_DIALOG (dialog));
  gtk_container_set_border_width (GTK_CONTAINER (area), 12);
  gtk_box_set_spacing (GTK_BOX (area), 6);
  label = gtk_label_new ("New name (at most 31 characters on the board's file system)");
  entry = gtk_entry_new ();
  gtk_entry_set_text (GTK_ENTRY (entry), name);
  gtk_entry_set_max_length (GTK_ENTRY (entry), MW_SPIFFS_NAME_MAX);
  gtk_entry_set_activates_default (GTK_ENTRY (entry), TRUE);
  gtk_container_add (GTK_CONTAINER (area), label);
  gtk_container_add (GTK_CONTAINER (area), entry);
  gtk_widget_show_all (area);
  gtk_dialog_set_default_response (GTK_DIALOG (dialog), GTK_RESPONSE_ACCEPT);
  g_object_set_data (G_OBJECT (dialog), "mw-entry", entry);
  g_signal_connect (entry, "changed", G_CALLBACK (rename_entry_changed_cb), dialog);
  g_signal_connect_object (dialog, "response", G_CALLBACK (rename_response_cb), self, 0);
  gtk_window_present (GTK_WINDOW (dialog));
}

static void
format_response_cb (GtkDialog *dialog, gint response, MwFileBrowser *self)
{
  if (response == GTK_RESPONSE_ACCEPT)
    g_signal_emit (self, signals[FILE_ACTION], 0, "format", NULL, NULL);
  gtk_widget_destroy (GTK_WIDGET (dialog));
}

static void
format_clicked_cb (MwFileBrowser *self)
{
  GtkWidget *dialog;
  GtkWidget *button;

  dialog =
    gtk_message_dialog_new (toplevel (self), GTK_DIALOG_MODAL | GTK_DIALOG_DESTROY_WITH_PARENT,
                            GTK_MESSAGE_WARNING, GTK_BUTTONS_NONE, "Format the board's flash?");
  gtk_message_dialog_format_secondary_text (GTK_MESSAGE_DIALOG (dialog),
                                            "Every file on the board is erased "
                                            "(file.format()). This cannot be undone.");
  gtk_dialog_add_button (GTK_DIALOG (dialog), "_Cancel", GTK_RESPONSE_CANCEL);
  button = gtk_dialog_add_button (GTK_DIALOG (dialog), "_Format", GTK_RESPONSE_ACCEPT);
  gtk_style_context_add_class (gtk_widget_get_style_context (button), "destructive-action");
  gtk_dialog_set_default_response (GTK_DIALOG (dialog), GTK_RESPONSE_CANCEL);
  g_signal_connect_object (dialog, "response", G_CALLBACK (format_response_cb), self, 0);
  gtk_window_present (GTK_WINDOW (dialog));
}

static void
sync_response_cb (GtkNativeDialog *dialog, gint response, MwFileBrowser *self)
{
  if (response == GTK_RESPONSE_ACCEPT)
    {
      g_autoptr (GFile) folder = gtk_file_chooser_get_file (GTK_FILE_CHOOSER (dialog));
      g_autofree char *path = g_file_get_path (folder);
      g_signal_emit (self, signals[FILE_ACTION], 0, "sync", NULL, path);
    }
  g_object_unref (dialog);
}

static void
sync_clicked_cb (MwFileBrowser *self)
{
  GtkFileChooserNative *dialog = gtk_file_chooser_native_new ("Upload a Folder", toplevel (self),
                                                              GTK_FILE_CHOOSER_ACTION_SELECT_FOLDER,
                                                              "_Upload", "_Cancel");

  g_signal_connect_object (dialog, "response", G_CALLBACK (sync_response_cb), self, 0);
  gtk_native_dialog_show (GTK_NATIVE_DIALOG (dialog));
}

static void
add_item (MwFileBrowser *self, GtkMenu *menu, const char *label, const char *verb,
          GCallback callback)
{
  GtkWidget *item = verb != NULL ? gtk_menu_item_new_with_mnemonic (label)
                                 : gtk_separator_menu_item_new ();

  if (verb != NULL)
    {
      g_object_set_data (G_OBJECT (item), "mw-verb", (gpointer) verb);
      g_signal_connect_object (item, "activate", callback, self, G_CONNECT_SWAPPED);
    }
  gtk_widget_show (item);
  gtk_menu_shell_append (GTK_MENU_SHELL (menu), item);
}

/* The list's context menu holds every action on a file; the "more" menu those without a
 * button, and the actions on the whole board. */
static void
build_menus (MwFileBrowser *self)
{
  self->context_menu = GTK_MENU (gtk_menu_new ());
  add_item (self, self->context_menu, "_Run", "run", G_CALLBACK (run_clicked_cb));
  add_item (self, self->context_menu, "_Open in the Editor", "open", G_CALLBACK (open_clicked_cb));
  add_item (self, self->context_menu, "_Download to a Folder…", "download",
            G_CALLBACK (download_clicked_cb));
  add_item (self, self->context_menu, "_Compile on the Board", "compile",
            G_CALLBACK (compile_clicked_cb));
  add_item (self, self->context_menu, "Re_name…", "rename", G_CALLBACK (rename_clicked_cb));
  add_item (self, self->context_menu, NULL, NULL, NULL);
  add_item (self, self->context_menu, "De_lete…", "delete", G_CALLBACK (delete_clicked_cb));
  gtk_menu_attach_to_widget (self->context_menu, GTK_WIDGET (self->tree), NULL);

  self->more_menu = GTK_MENU (gtk_menu_new ());
  add_item (self, self->more_menu, "_Compile on the Board", "compile",
            G_CALLBACK (compile_clicked_cb));
  add_item (self, self->more_menu, "Re_name…", "rename", G_CALLBACK (rename_clicked_cb));
  add_item (self, self->more_menu, NULL, NULL, NULL);
  add_item (self, self->more_menu, "_Upload a Folder…", "sync", G_CALLBACK (sync_clicked_cb));
  add_item (self, self->more_menu, "_Format the Flash…", "format", G_CALLBACK (format_clicked_cb));
  gtk_menu_button_set_popup (GTK_MENU_BUTTON (self->more_button), GTK_WIDGET (self->more_menu));
}

static gboolean
tree_button_press_cb (MwFileBrowser *self, GdkEventButton *event)
{
  GtkTreePath *path = NULL;

  if (!gdk_event_triggers_context_menu ((GdkEvent *) event))
    return GDK_EVENT_PROPAGATE;
  /* The row under the pointer is the one the menu acts on. */
  if (gtk_tree_view_get_path_at_pos (self->tree, event->x, event->y, &path, NULL, NULL, NULL))
    {
      gtk_tree_selection_select_path (gtk_tree_view_get_selection (self->tree), path);
      gtk_tree_path_free (path);
    }
  update_sensitivity (self);
  gtk_menu_popup_at_pointer (self->context_menu, (GdkEvent *) event);
  return GDK_EVENT_STOP;
}

GtkMenu *
mw_file_browser_get_context_menu (MwFileBrowser *self)
{
  g_return_val_if_fail (MW_IS_FILE_BROWSER (self), NULL);
  return self->context_menu;
}

static void
drag_data_received_cb (MwFileBrowser *self, GdkDragContext *context, gint x, gint y,
                       GtkSelectionData *data, guint info, guint time)
{
  g_auto (GStrv) uris = gtk_selection_data_get_uris (data);
  g_autoptr (GPtrArray) paths = g_ptr_array_new_with_free_func (g_free);

  for (guint i = 0; uris != NULL && uris[i] != NULL; i++)
    {
      char *path = g_filename_from_uri (uris[i], NULL, NULL);
      if (path != NULL)
        g_ptr_array_add (paths, path);
    }
  g_ptr_array_add (paths, NULL);
  if (paths->len > 1)
    g_signal_emit (self, signals[UPLOAD_FILES], 0, (GStrv) paths->pdata);
  gtk_drag_finish (context, paths->len > 1, FALSE, time);
}

static void
mw_file_browser_dispose (GObject *object)
{
  MwFileBrowser *self = MW_FILE_BROWSER (object);

  if (self->context_menu != NULL)
    gtk_widget_destroy (GTK_WIDGET (g_steal_pointer (&self->context_menu)));
  G_OBJECT_CLASS (mw_file_browser_parent_class)->dispose (object);
}

static void
mw_file_browser_class_init (MwFileBrowserClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = mw_file_browser_dispose;

  /* "file-action" (action, name, argument): run, open, download (argument: folder), compile,
   * rename (argument: new name), delete (confirmed), refresh (no name), format (confirmed, no
   * name), sync (no name; argument: the local folder to upload). */
  signals[FILE_ACTION] = g_signal_new ("file-action", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST,
                                       0, NULL, NULL, NULL, G_TYPE_NONE, 3, G_TYPE_STRING,
                                       G_TYPE_STRING, G_TYPE_STRING);
  /* An action signal: the Delete key (and tests) ask for the confirmed delete. */
  signals[DELETE_SELECTED] = g_signal_new_class_handler (
    "delete-selected", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST | G_SIGNAL_ACTION,
    G_CALLBACK (delete_clicked_cb), NULL, NULL, NULL, G_TYPE_NONE, 0);
  gtk_binding_entry_add_signal (gtk_binding_set_by_class (klass), GDK_KEY_Delete, 0,
                                "delete-selected", 0);
  signals[UPLOAD_FILES] = g_signal_new ("upload-files", G_TYPE_FROM_CLASS (klass),
                                        G_SIGNAL_RUN_LAST, 0, NULL, NULL, NULL, G_TYPE_NONE, 1,
                                        G_TYPE_STRV);

  gtk_widget_class_set_template_from_resource (widget_class,
                                               "/org/moonwire/Moonwire/ui/mw-file-browser.ui");
  gtk_widget_class_bind_template_child (widget_class, MwFileBrowser, actions_box);
  gtk_widget_class_bind_template_child (widget_class, MwFileBrowser, refresh_button);
  gtk_widget_class_bind_template_child (widget_class, MwFileBrowser, run_button);
  gtk_widget_class_bind_template_child (widget_class, MwFileBrowser, open_button);
  gtk_widget_class_bind_template_child (widget_class, MwFileBrowser, download_button);
  gtk_widget_class_bind_template_child (widget_class, MwFileBrowser, delete_button);
  gtk_widget_class_bind_template_child_full (widget_class, "more_button", TRUE,
                                             G_STRUCT_OFFSET (MwFileBrowser, more_button));
  gtk_widget_class_bind_template_child (widget_class, MwFileBrowser, stack);
  gtk_widget_class_bind_template_child (widget_class, MwFileBrowser, tree);
  gtk_widget_class_bind_template_child (widget_class, MwFileBrowser, store);
  gtk_widget_class_bind_template_child (widget_class, MwFileBrowser, usage_bar);
  gtk_widget_class_bind_template_child (widget_class, MwFileBrowser, usage_label);
  gtk_widget_class_bind_template_callback (widget_class, refresh_clicked_cb);
  gtk_widget_class_bind_template_callback (widget_class, run_clicked_cb);
  gtk_widget_class_bind_template_callback (widget_class, open_clicked_cb);
  gtk_widget_class_bind_template_callback (widget_class, download_clicked_cb);
  gtk_widget_class_bind_template_callback (widget_class, delete_clicked_cb);
  gtk_widget_class_bind_template_callback (widget_class, row_activated_cb);
}

static void
mw_file_browser_init (MwFileBrowser *self)
{
  static const GtkTargetEntry targets[] = { { (char *) "text/uri-list", 0, 0 } };

  gtk_widget_init_template (GTK_WIDGET (self));
  gtk_drag_dest_set (GTK_WIDGET (self), GTK_DEST_DEFAULT_ALL, targets, G_N_ELEMENTS (targets),
                     GDK_ACTION_COPY);
  g_signal_connect (self, "drag-data-received", G_CALLBACK (drag_data_received_cb), NULL);
  build_menus (self);
  g_signal_connect_object (self->tree, "button-press-event", G_CALLBACK (tree_button_press_cb),
                           self, G_CONNECT_SWAPPED);
  g_signal_connect_object (gtk_tree_view_get_selection (self->tree), "changed",
                           G_CALLBACK (update_sensitivity), self, G_CONNECT_SWAPPED);
  update_sensitivity (self);
}

GtkWidget *
mw_file_browser_new (void)
{
  return g_object_new (MW_TYPE_FILE_BROWSER, NULL);
}

void
mw_file_browser_set_connected (MwFileBrowser *self, gboolean connected)
{
  g_return_if_fail (MW_IS_FILE_BROWSER (self));
  self->connected = !!connected;
  if (!connected)
    {
      gtk_list_store_clear (self->store);
      gtk_stack_set_visible_child_name (self->stack, "empty");
      gtk_level_bar_set_value (self->usage_bar, 0);
      gtk_label_set_text (self->usage_label, "Flash usage unknown");
    }
  update_sensitivity (self);
}

void
mw_file_browser_set_files (MwFileBrowser *self, const char *const *names, const gint64 *sizes,
                           guint n)
{
  g_autofree char *selected = NULL;

  g_return_if_fail (MW_IS_FILE_BROWSER (self));
  g_return_if_fail (n == 0 || (names != NULL && sizes != NULL));

  selected = mw_file_browser_dup_selected (self);
  gtk_list_store_clear (self->store);
  for (guint i = 0; i < n; i++)
    {
      g_autofree char *size = g_format_size_full (sizes[i], G_FORMAT_SIZE_IEC_UNITS);
      const char *icon = g_str_has_suffix (names[i], ".lua")  ? "text-x-script"
                         : g_str_has_suffix (names[i], ".lc") ? "application-x-executable"
                                                              : "text-x-generic";

      /* the board's bytes: control characters escaped, what is not UTF-8 as U+FFFD */
      g_autofree char *printable = mw_lua_printable_name (names[i]);
      g_autofree char *shown = g_utf8_make_valid (printable, -1);

      gtk_list_store_insert_with_values (self->store, NULL, -1, COL_NAME, names[i], COL_SIZE,
                                         sizes[i], COL_SIZE_TEXT, size, COL_ICON, icon, COL_SHOWN,
                                         shown, -1);
    }
  gtk_tree_sortable_set_sort_column_id (GTK_TREE_SORTABLE (self->store), COL_NAME,
                                        GTK_SORT_ASCENDING);
  gtk_stack_set_visible_child_name (self->stack, n > 0 ? "list" : "empty");
  gtk_label_set_text (GTK_LABEL (gtk_stack_get_child_by_name (self->stack, "empty")),
                      self->connected ? "No files on the board.\nDrop files here to upload them."
                                      : "Connect to a board to see its files.\n"
                                        "Drop files here to upload them.");
  if (selected != NULL)
    mw_file_browser_select (self, selected);
  update_sensitivity (self);
}

void
mw_file_browser_set_fsinfo (MwFileBrowser *self, guint64 remaining, guint64 used, guint64 total)
{
  g_autofree char *u = NULL, *t = NULL, *r = NULL, *text = NULL;

  g_return_if_fail (MW_IS_FILE_BROWSER (self));
  if (total == 0)
    return;
  u = g_format_size_full (used, G_FORMAT_SIZE_IEC_UNITS);
  t = g_format_size_full (total, G_FORMAT_SIZE_IEC_UNITS);
  r = g_format_size_full (remaining, G_FORMAT_SIZE_IEC_UNITS);
  text = g_strdup_printf ("%s of %s used, %s free", u, t, r);
  gtk_level_bar_set_value (self->usage_bar, (gdouble) used / total);
  gtk_label_set_text (self->usage_label, text);
}

guint
mw_file_browser_get_n_files (MwFileBrowser *self)
{
  g_return_val_if_fail (MW_IS_FILE_BROWSER (self), 0);
  return gtk_tree_model_iter_n_children (GTK_TREE_MODEL (self->store), NULL);
}

static gboolean
find_row (MwFileBrowser *self, const char *name, GtkTreeIter *iter)
{
  GtkTreeModel *model = GTK_TREE_MODEL (self->store);

  for (gboolean ok = gtk_tree_model_get_iter_first (model, iter); ok;
       ok = gtk_tree_model_iter_next (model, iter))
    {
      g_autofree char *row = NULL;

      gtk_tree_model_get (model, iter, COL_NAME, &row, -1);
      if (g_strcmp0 (row, name) == 0)
        return TRUE;
    }
  return FALSE;
}

gint64
mw_file_browser_lookup (MwFileBrowser *self, const char *name)
{
  GtkTreeIter iter;
  gint64 size = -1;

  g_return_val_if_fail (MW_IS_FILE_BROWSER (self), -1);
  g_return_val_if_fail (name != NULL, -1);
  if (find_row (self, name, &iter))
    gtk_tree_model_get (GTK_TREE_MODEL (self->store), &iter, COL_SIZE, &size, -1);
  return size;
}

void
mw_file_browser_select (MwFileBrowser *self, const char *name)
{
  GtkTreeIter iter;

  g_return_if_fail (MW_IS_FILE_BROWSER (self));
  if (name != NULL && find_row (self, name, &iter))
    gtk_tree_selection_select_iter (gtk_tree_view_get_selection (self->tree), &iter);
}

char *
mw_file_browser_dup_selected (MwFileBrowser *self)
{
  GtkTreeModel *model;
  GtkTreeIter iter;
  char *name = NULL;

  g_return_val_if_fail (MW_IS_FILE_BROWSER (self), NULL);
  if (gtk_tree_selection_get_selected (gtk_tree_view_get_selection (self->tree), &model, &iter))
    gtk_tree_model_get (model, &iter, COL_NAME, &name, -1);
  return name;
}
