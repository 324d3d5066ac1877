/* mw-snippets-dialog.c: the snippets editor. The list on the left, the selected snippet's name,
 * Lua and confirmation on the right; each edit goes to the store at once, which saves it, so
 * closing the dialog (or the app) never loses one. A failed save is shown in the dialog. */
#include "mw-config.h"

#include "mw-snippets-dialog.h"

struct _MwSnippetsDialog
{
  GtkDialog parent_instance;

  GtkListBox *list_box;
  GtkWidget *add_button;
  GtkWidget *remove_button;
  GtkWidget *editor_grid;
  GtkEntry *name_entry;
  GtkTextView *code_view;
  GtkToggleButton *confirm_check;
  GtkLabel *error_label;

  MwSnippetStore *store;
  gboolean updating; /* our own change: the store's "changed" needs no rebuild */
  gboolean loading; /* filling the editors: their "changed" is no edit */
};

G_DEFINE_TYPE (MwSnippetsDialog, mw_snippets_dialog, GTK_TYPE_DIALOG)

static void
show_error (MwSnippetsDialog *self, const GError *error)
{
  if (error != NULL)
    {
      g_autofree char *text = g_strdup_printf ("Snippets not saved: %s", error->message);

      gtk_label_set_text (self->error_label, text);
    }
  gtk_widget_set_visible (GTK_WIDGET (self->error_label), error != NULL);
}

static gint
selected_index (MwSnippetsDialog *self)
{
  GtkListBoxRow *row = gtk_list_box_get_selected_row (self->list_box);

  return row != NULL ? gtk_list_box_row_get_index (row) : -1;
}

static void
load_editors (MwSnippetsDialog *self)
{
  gint index = selected_index (self);
  const MwSnippet *snippet = index >= 0 ? mw_snippet_store_get (self->store, index) : NULL;
  GtkTextBuffer *buffer = gtk_text_view_get_buffer (self->code_view);

  self->loading = TRUE;
  gtk_entry_set_text (self->name_entry, snippet != NULL ? snippet->name : "");
  gtk_text_buffer_set_text (buffer, snippet != NULL ? snippet->code : "", -1);
  gtk_toggle_button_set_active (self->confirm_check, snippet != NULL && snippet->confirm);
  self->loading = FALSE;
  gtk_widget_set_sensitive (self->editor_grid, snippet != NULL);
  gtk_widget_set_sensitive (self->remove_button, snippet != NULL);
}

static void
rebuild (MwSnippetsDialog *self)
{
  g_autoptr (GList) rows = gtk_container_get_children (GTK_CONTAINER (self->list_box));
  gint selected = selected_index (self);
  guint n = mw_snippet_store_get_n_snippets (self->store);

  for (GList *l = rows; l != NULL; l = l->next)
    gtk_widget_destroy (l->data);
  for (guint i = 0; i < n; i++)
    {
      GtkWidget *label = gtk_label_new (mw_snippet_store_get (self->store, i)->name);

      gtk_label_set_xalign (GTK_LABEL (label), 0);
      gtk_label_set_ellipsize (GTK_LABEL (label), PANGO_ELLIPSIZE_END);
      g_object_set (label, "margin", 6, NULL);
      gtk_widget_show (label);
      gtk_container_add (GTK_CONTAINER (self->list_box), label);
    }
  if (n > 0)
    mw_snippets_dialog_select (self, CLAMP (selected, 0, (gint) n - 1));
  else
    load_editors (self);
}

static void
store_changed_cb (MwSnippetsDialog *self)
{
  if (!self->updating)
    rebuild (self);
}

static void
row_selected_cb (MwSnippetsDialog *self)
{
  load_editors (self);
}

static void
edited_cb (MwSnippetsDialog *self)
{
  gint index = selected_index (self);
  GtkTextBuffer *buffer = gtk_text_view_get_buffer (self->code_view);
  GtkTextIter start, end;
  g_autofree char *code = NULL;
  g_autoptr (GError) error = NULL;
  const char *name = gtk_entry_get_text (self->name_entry);
  GtkListBoxRow *row;

  if (self->loading || index < 0)
    return;
  gtk_text_buffer_get_bounds (buffer, &start, &end);
  code = gtk_text_buffer_get_text (buffer, &start, &end, FALSE);
  self->updating = TRUE;
  mw_snippet_store_replace (self->store, index, name, code,
                            gtk_toggle_button_get_active (self->confirm_check), &error);
  self->updating = FALSE;
  show_error (self, error);
  row = gtk_list_box_get_row_at_index (self->list_box, index);
  gtk_label_set_text (GTK_LABEL (gtk_bin_get_child (GTK_BIN (row))), name);
}

static void
add_clicked_cb (MwSnippetsDialog *self)
{
  g_autoptr (GError) error = NULL;

  mw_snippet_store_append (self->store, "New Snippet", "print(\"hello\")", FALSE, &error);
  show_error (self, error);
  mw_snippets_dialog_select (self, mw_snippet_store_get_n_snippets (self->store) - 1);
  gtk_widget_grab_focus (GTK_WIDGET (self->name_entry));
}

static void
remove_clicked_cb (MwSnippetsDialog *self)
{
  gint index = selected_index (self);
  g_autoptr (GError) error = NULL;

  if (index < 0)
    return;
  mw_snippet_store_remove (self->store, index, &error);
  show_error (self, error);
}

static void
reset_clicked_cb (MwSnippetsDialog *self)
{
  g_autoptr (GError) error = NULL;

  mw_snippet_store_reset (self->store, &error);
  show_error (self, error);
  mw_snippets_dialog_select (self, 0);
}

static void
mw_snippets_dialog_dispose (GObject *object)
{
  MwSnippetsDialog *self = MW_SNIPPETS_DIALOG (object);

  if (self->store != NULL)
    g_signal_handlers_disconnect_by_data (self->store, self);
  g_clear_object (&self->store);
  G_OBJECT_CLASS (mw_snippets_dialog_parent_class)->dispose (object);
}

static void
mw_snippets_dialog_class_init (MwSnippetsDialogClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = mw_snippets_dialog_dispose;
  gtk_widget_class_set_template_from_resource (widget_class,
                                               "/org/moonwire/Moonwire/ui/mw-snippets-dialog.ui");
#define BIND(name) gtk_widget_class_bind_template_child (widget_class, MwSnippetsDialog, name)
  BIND (list_box);
  BIND (add_button);
  BIND (remove_button);
  BIND (editor_grid);
  BIND (name_entry);
  BIND (code_view);
  BIND (confirm_check);
  BIND (error_label);
#undef BIND
  gtk_widget_class_bind_template_callback (widget_class, row_selected_cb);
  gtk_widget_class_bind_template_callback (widget_class, edited_cb);
  gtk_widget_class_bind_template_callback (widget_class, add_clicked_cb);
  gtk_widget_class_bind_template_callback (widget_class, remove_clicked_cb);
  gtk_widget_class_bind_template_callback (widget_class, reset_clicked_cb);
}

static void
mw_snippets_dialog_init (MwSnippetsDialog *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));
  g_signal_connect_swapped (gtk_text_view_get_buffer (self->code_view), "changed",
                            G_CALLBACK (edited_cb), self);
}

GtkWidget *
mw_snippets_dialog_new (GtkWindow *parent, MwSnippetStore *store)
{
  MwSnippetsDialog *self;

  g_return_val_if_fail (parent == NULL || GTK_IS_WINDOW (parent), NULL);
  g_return_val_if_fail (MW_IS_SNIPPET_STORE (store), NULL);
  self =
    g_object_new (MW_TYPE_SNIPPETS_DIALOG, "transient-for", parent, "use-header-bar", TRUE, NULL);
  self->store = g_object_ref (store);
  g_signal_connect_object (store, "changed", G_CALLBACK (store_changed_cb), self,
                           G_CONNECT_SWAPPED);
  gtk_dialog_add_button (GTK_DIALOG (self), "_Close", GTK_RESPONSE_CLOSE);
  g_signal_connect (self, "response", G_CALLBACK (gtk_widget_destroy), NULL);
  rebuild (self);
  return GTK_WIDGET (self);
}

void
mw_snippets_dialog_select (MwSnippetsDialog *self, guint index)
{
  GtkListBoxRow *row;

  g_return_if_fail (MW_IS_SNIPPETS_DIALOG (self));
  row = gtk_list_box_get_row_at_index (self->list_box, index);
  gtk_list_box_select_row (self->list_box, row);
  load_editors (self);
}
