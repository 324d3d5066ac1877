/* mw-window-snippets.c: the part of MwWindow that runs the user's snippets (win.run-snippet,
 * from the snippets bar) and opens their editor (win.edit-snippets). A snippet goes to the
 * board exactly as lines typed in the console do (mw_console_send, then MwBoard's REPL), so its
 * echo, its reply and its errors read the same; one marked "ask before running" (the default
 * Format) waits for a confirmation that shows its code.
 */
#include "mw-config.h"

#include "mw-window-private.h"

#include "mw-snippets-dialog.h"

static void
send_snippet (MwWindow *self, const char *code)
{
  gtk_stack_set_visible_child_name (self->bottom_stack, "console");
  mw_console_send (self->console, code);
}

static void
confirm_response_cb (GtkDialog *dialog, gint response, MwWindow *self)
{
  const char *code = g_object_get_data (G_OBJECT (dialog), "mw-code");

  if (response == GTK_RESPONSE_ACCEPT)
    send_snippet (self, code);
  gtk_widget_destroy (GTK_WIDGET (dialog));
}

static void
action_run_snippet (GSimpleAction *action, GVariant *param, gpointer user_data)
{
  MwWindow *self = user_data;
  guint index = g_variant_get_uint32 (param);
  const MwSnippet *snippet;
  GtkWidget *dialog;

  if (self->snippets == NULL || index >= mw_snippet_store_get_n_snippets (self->snippets))
    return;
  snippet = mw_snippet_store_get (self->snippets, index);
  if (!snippet->confirm)
    {
      send_snippet (self, snippet->code);
      return;
    }
  dialog = gtk_message_dialog_new (
    GTK_WINDOW (self), GTK_DIALOG_MODAL | GTK_DIALOG_DESTROY_WITH_PARENT, GTK_MESSAGE_QUESTION,
    GTK_BUTTONS_NONE, "Run the snippet “%s” on the board?", snippet->name);
  gtk_message_dialog_format_secondary_text (GTK_MESSAGE_DIALOG (dialog), "%s", snippet->code);
  gtk_dialog_add_buttons (GTK_DIALOG (dialog), "_Cancel", GTK_RESPONSE_CANCEL, "_Run",
                          GTK_RESPONSE_ACCEPT, NULL);
  gtk_dialog_set_default_response (GTK_DIALOG (dialog), GTK_RESPONSE_CANCEL);
  /* The code as it was when asked: the snippet may be edited while the question is open. */
  g_object_set_data_full (G_OBJECT (dialog), "mw-code", g_strdup (snippet->code), g_free);
  g_signal_connect_object (dialog, "response", G_CALLBACK (confirm_response_cb), self, 0);
  gtk_window_present (GTK_WINDOW (dialog));
}

static void
action_edit_snippets (GSimpleAction *action, GVariant *param, gpointer user_data)
{
  MwWindow *self = user_data;
  GtkWidget *dialog;

  if (self->snippets == NULL)
    return;
  dialog = mw_snippets_dialog_new (GTK_WINDOW (self), self->snippets);
  gtk_window_present (GTK_WINDOW (dialog));
}

static const GActionEntry snippet_entries[] = {
  { "run-snippet", action_run_snippet, "u" },
  { "edit-snippets", action_edit_snippets },
};

/* From mw_window_init(): the actions (run-snippet stays off until a board is connected:
 * _mw_window_update_device_actions). */
void
_mw_window_init_snippets (MwWindow *self)
{
  g_action_map_add_action_entries (G_ACTION_MAP (self), snippet_entries,
                                   G_N_ELEMENTS (snippet_entries), self);
}

/* From mw_window_setup(): the application's snippets, shown in the bar. */
void
_mw_window_setup_snippets (MwWindow *self, MwApplication *app)
{
  g_autoptr (GError) error = NULL;

  self->snippets = g_object_ref (mw_application_get_snippets (app, &error));
  mw_snippets_bar_set_store (self->snippets_bar, self->snippets);
  if (error != NULL)
    {
      g_autofree char *message = g_strdup_printf (
        "Snippets could not be read (%s); Moonwire's own are shown, and your file is kept "
        "aside as .broken when you next edit them.",
        error->message);

      mw_window_show_message (self, GTK_MESSAGE_WARNING, message);
    }
}
