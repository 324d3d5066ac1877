/* mw-snippets-bar.c: the snippets' buttons. Each activates win.run-snippet with its index, so a
 * button is insensitive exactly when the window cannot run a snippet (not connected); the
 * tooltip shows the code that will be sent. */
#include "mw-config.h"

#include "mw-snippets-bar.h"

struct _MwSnippetsBar
{
  GtkBox parent_instance;

  GtkBox *buttons_box;
  MwSnippetStore *store;
};

G_DEFINE_TYPE (MwSnippetsBar, mw_snippets_bar, GTK_TYPE_BOX)

static void
rebuild (MwSnippetsBar *self)
{
  g_autoptr (GList) children = gtk_container_get_children (GTK_CONTAINER (self->buttons_box));
  guint n = self->store != NULL ? mw_snippet_store_get_n_snippets (self->store) : 0;

  for (GList *l = children; l != NULL; l = l->next)
    gtk_widget_destroy (l->data);
  for (guint i = 0; i < n; i++)
    {
      const MwSnippet *snippet = mw_snippet_store_get (self->store, i);
      GtkWidget *button = gtk_button_new_with_label (snippet->name);
      g_autofree char *tip = snippet->confirm
                               ? g_strdup_printf ("%s\n(asks before running)", snippet->code)
                               : g_strdup (snippet->code);

      gtk_widget_set_tooltip_text (button, tip);
      gtk_button_set_relief (GTK_BUTTON (button), GTK_RELIEF_NONE);
      gtk_widget_set_valign (button, GTK_ALIGN_CENTER);
      gtk_actionable_set_action_name (GTK_ACTIONABLE (button), "win.run-snippet");
      gtk_actionable_set_action_target_value (GTK_ACTIONABLE (button), g_variant_new_uint32 (i));
      gtk_style_context_add_class (gtk_widget_get_style_context (button), "mw-snippet-button");
      gtk_widget_show (button);
      gtk_container_add (GTK_CONTAINER (self->buttons_box), button);
    }
}

static void
mw_snippets_bar_dispose (GObject *object)
{
  mw_snippets_bar_set_store (MW_SNIPPETS_BAR (object), NULL);
  G_OBJECT_CLASS (mw_snippets_bar_parent_class)->dispose (object);
}

static void
mw_snippets_bar_class_init (MwSnippetsBarClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = mw_snippets_bar_dispose;
  gtk_widget_class_set_template_from_resource (widget_class,
                                               "/org/moonwire/Moonwire/ui/mw-snippets-bar.ui");
  gtk_widget_class_bind_template_child (widget_class, MwSnippetsBar, buttons_box);
}

static void
mw_snippets_bar_init (MwSnippetsBar *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));
}

GtkWidget *
mw_snippets_bar_new (void)
{
  return g_object_new (MW_TYPE_SNIPPETS_BAR, NULL);
}

void
mw_snippets_bar_set_store (MwSnippetsBar *self, MwSnippetStore *store)
{
  g_return_if_fail (MW_IS_SNIPPETS_BAR (self));
  g_return_if_fail (store == NULL || MW_IS_SNIPPET_STORE (store));

  if (self->store == store)
    return;
  if (self->store != NULL)
    g_signal_handlers_disconnect_by_data (self->store, self);
  g_set_object (&self->store, store);
  if (store != NULL)
    g_signal_connect_object (store, "changed", G_CALLBACK (rebuild), self, G_CONNECT_SWAPPED);
  if (self->buttons_box != NULL)
    rebuild (self);
}

GtkButton *
mw_snippets_bar_get_button (MwSnippetsBar *self, guint index)
{
  g_autoptr (GList) children = NULL;

  g_return_val_if_fail (MW_IS_SNIPPETS_BAR (self), NULL);
  children = gtk_container_get_children (GTK_CONTAINER (self->buttons_box));
  return g_list_nth_data (children, index);
}
