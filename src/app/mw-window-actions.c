/* mw-window-actions.c: MwWindow's document, editor and console actions (win.new, win.open,
 * win.save, win.find, win.focus-console, the folder chooser of win.check-folder, the shortcuts
 * window, ...) and their GActionEntry table. The board's actions live in mw-window-board.c.
 */
#include "mw-config.h"

#include "mw-window-private.h"

static void
action_new (GSimpleAction *action, GVariant *param, gpointer user_data)
{
  mw_window_new_document (MW_WINDOW (user_data));
}

static void
open_response_cb (GtkNativeDialog *dialog, gint response, MwWindow *self)
{
  if (response == GTK_RESPONSE_ACCEPT)
    {
      g_autoptr (GSList) files = gtk_file_chooser_get_files (GTK_FILE_CHOOSER (dialog));
      for (GSList *l = files; l != NULL; l = l->next)
        {
          mw_window_open_file (self, l->data);
          g_object_unref (l->data);
        }
    }
  g_object_unref (dialog);
}

static void
action_open (GSimpleAction *action, GVariant *param, gpointer user_data)
{
  MwWindow *self = user_data;
  GtkFileChooserNative *dialog = gtk_file_chooser_native_new (
    "Open", GTK_WINDOW (self), GTK_FILE_CHOOSER_ACTION_OPEN, "_Open", "_Cancel");
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
action_open_recent (GSimpleAction *action, GVariant *param, gpointer user_data)
{
  g_autoptr (GFile) file = g_file_new_for_uri (g_variant_get_string (param, NULL));

  mw_window_open_file (MW_WINDOW (user_data), file);
}

static void
action_save (GSimpleAction *action, GVariant *param, gpointer user_data)
{
  MwWindow *self = user_data;
  MwEditor *editor = mw_window_get_current_editor (self);

  if (editor != NULL)
    _mw_window_save_editor (self, editor, FALSE);
}

static void
action_save_as (GSimpleAction *action, GVariant *param, gpointer user_data)
{
  MwWindow *self = user_data;
  MwEditor *editor = mw_window_get_current_editor (self);

  if (editor != NULL)
    _mw_window_save_as (self, editor, FALSE);
}

static void
action_close_tab (GSimpleAction *action, GVariant *param, gpointer user_data)
{
  MwWindow *self = user_data;
  MwEditor *editor = mw_window_get_current_editor (self);

  if (editor != NULL)
    _mw_window_close_editor (self, editor);
}

static void
action_find (GSimpleAction *action, GVariant *param, gpointer user_data)
{
  MwEditor *editor = mw_window_get_current_editor (MW_WINDOW (user_data));

  if (editor != NULL)
    mw_editor_show_search (editor, FALSE);
}

static void
action_replace (GSimpleAction *action, GVariant *param, gpointer user_data)
{
  MwEditor *editor = mw_window_get_current_editor (MW_WINDOW (user_data));

  if (editor != NULL)
    mw_editor_show_search (editor, TRUE);
}

static void
action_save_console_log (GSimpleAction *action, GVariant *param, gpointer user_data)
{
  mw_console_save_log_as (MW_WINDOW (user_data)->console);
}

static void
action_clear_console (GSimpleAction *action, GVariant *param, gpointer user_data)
{
  mw_console_clear (MW_WINDOW (user_data)->console);
}

static void
action_focus_console (GSimpleAction *action, GVariant *param, gpointer user_data)
{
  MwWindow *self = user_data;

  gtk_stack_set_visible_child_name (self->bottom_stack, "console");
  gtk_widget_grab_focus (GTK_WIDGET (mw_console_get_entry (self->console)));
}

static void
action_show_problems (GSimpleAction *action, GVariant *param, gpointer user_data)
{
  gtk_stack_set_visible_child_name (MW_WINDOW (user_data)->bottom_stack, "problems");
}

static void
action_show_heap (GSimpleAction *action, GVariant *param, gpointer user_data)
{
  gtk_stack_set_visible_child_name (MW_WINDOW (user_data)->bottom_stack, "heap");
}

static void
check_folder_response_cb (GtkNativeDialog *dialog, gint response, MwWindow *self)
{
  if (response == GTK_RESPONSE_ACCEPT)
    {
      g_autoptr (GFile) folder = gtk_file_chooser_get_file (GTK_FILE_CHOOSER (dialog));
      mw_window_check_folder (self, folder);
    }
  g_object_unref (dialog);
}

static void
action_check_folder (GSimpleAction *action, GVariant *param, gpointer user_data)
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
action_show_help_overlay (GSimpleAction *action, GVariant *param, gpointer user_data)
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
  { "save-console-log", action_save_console_log },
  { "focus-console", action_focus_console },
  { "show-problems", action_show_problems },
  { "show-heap", action_show_heap },
  { "check-folder", action_check_folder },
};

void
_mw_window_add_actions (MwWindow *self)
{
  g_action_map_add_action_entries (G_ACTION_MAP (self), win_entries, G_N_ELEMENTS (win_entries),
                                   self);
}
