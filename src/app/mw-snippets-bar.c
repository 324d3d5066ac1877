/* mw-snippets-bar.c: the snippets' buttons. Each activates win.run-snippet with its index, so a
 * button is insensitive exactly when the window cannot run a snippet (not connected); the
 * tooltip shows the code that will be sent.
 *
 * The bar lays out its children itself: the separator and the icon, as many snippet buttons as
 * the width allows, in order, then the "more" menu button holding the others (only when some
 * do not fit), and the edit button at the end. Its minimum width counts no snippet button, so
 * however many snippets there are, the bar never makes the window wider; which buttons fit is
 * decided again at each allocation. A button that does not fit is hidden with
 * gtk_widget_set_child_visible (no new size request, so no layout loop) and its snippet is an
 * item of the "more" menu, which is rebuilt only when the split moves. */
#include "mw-config.h"

#include "mw-snippets-bar.h"

#define SPACING 4
#define BUTTON_SPACING 2

struct _MwSnippetsBar
{
  GtkContainer parent_instance;

  GtkWidget *separator;
  GtkWidget *icon;
  GtkWidget *more_button;
  GtkWidget *edit_button;
  GMenu *overflow_menu;

  GList *children; /* every child, in the order added */
  GPtrArray *buttons; /* the snippet buttons, in the store's order */
  guint n_shown; /* buttons shown; the menu holds the others */
  MwSnippetStore *store;
};

G_DEFINE_TYPE (MwSnippetsBar, mw_snippets_bar, GTK_TYPE_CONTAINER)

/* A GMenu label reads "_" as a mnemonic mark: double it so the name shows as written. */
static char *
menu_label (const char *name)
{
  g_auto (GStrv) parts = g_strsplit (name, "_", -1);

  return g_strjoinv ("__", parts);
}

static void
fill_menu (MwSnippetsBar *self)
{
  g_menu_remove_all (self->overflow_menu);
  for (guint i = self->n_shown; i < self->buttons->len; i++)
    {
      const char *name = gtk_button_get_label (g_ptr_array_index (self->buttons, i));
      g_autofree char *label = menu_label (name);
      g_autoptr (GMenuItem) item = g_menu_item_new (label, NULL);

      g_menu_item_set_action_and_target_value (item, "win.run-snippet", g_variant_new_uint32 (i));
      g_menu_append_item (self->overflow_menu, item);
    }
}

static void
rebuild (MwSnippetsBar *self)
{
  guint n = self->store != NULL ? mw_snippet_store_get_n_snippets (self->store) : 0;

  while (self->buttons->len > 0)
    gtk_widget_destroy (g_ptr_array_index (self->buttons, self->buttons->len - 1));
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
      g_ptr_array_add (self->buttons, button);
      gtk_container_add (GTK_CONTAINER (self), button);
    }
  /* Every button shown until the next allocation decides. */
  self->n_shown = self->buttons->len;
  fill_menu (self);
  if (self->more_button != NULL)
    gtk_widget_set_child_visible (self->more_button, FALSE);
  gtk_widget_queue_resize (GTK_WIDGET (self));
}

static gboolean
is_fixed_part (MwSnippetsBar *self, GtkWidget *child)
{
  return child == self->separator || child == self->icon || child == self->more_button
         || child == self->edit_button;
}

static void
mw_snippets_bar_add (GtkContainer *container, GtkWidget *child)
{
  MwSnippetsBar *self = MW_SNIPPETS_BAR (container);

  self->children = g_list_append (self->children, child);
  gtk_widget_set_parent (child, GTK_WIDGET (self));
}

static void
mw_snippets_bar_remove (GtkContainer *container, GtkWidget *child)
{
  MwSnippetsBar *self = MW_SNIPPETS_BAR (container);
  gboolean was_visible = gtk_widget_get_visible (child);

  if (g_list_find (self->children, child) == NULL)
    return;
  self->children = g_list_remove (self->children, child);
  g_ptr_array_remove (self->buttons, child);
  self->n_shown = MIN (self->n_shown, self->buttons->len);
  if (child == self->separator)
    self->separator = NULL;
  else if (child == self->icon)
    self->icon = NULL;
  else if (child == self->more_button)
    self->more_button = NULL;
  else if (child == self->edit_button)
    self->edit_button = NULL;
  gtk_widget_unparent (child);
  if (was_visible)
    gtk_widget_queue_resize (GTK_WIDGET (self));
}

static void
mw_snippets_bar_forall (GtkContainer *container, gboolean include_internals, GtkCallback callback,
                        gpointer data)
{
  MwSnippetsBar *self = MW_SNIPPETS_BAR (container);
  GList *l = self->children;

  /* The callback may remove the child it is given (gtk_widget_destroy). */
  while (l != NULL)
    {
      GtkWidget *child = l->data;

      l = l->next;
      callback (child, data);
    }
}

static GType
mw_snippets_bar_child_type (GtkContainer *container)
{
  return GTK_TYPE_WIDGET;
}

static gint
natural_width (GtkWidget *widget)
{
  gint min = 0, nat = 0;

  if (widget == NULL || !gtk_widget_get_visible (widget))
    return 0;
  gtk_widget_get_preferred_width (widget, &min, &nat);
  return nat;
}

static gint
minimum_width (GtkWidget *widget)
{
  gint min = 0, nat = 0;

  if (widget == NULL || !gtk_widget_get_visible (widget))
    return 0;
  gtk_widget_get_preferred_width (widget, &min, &nat);
  return min;
}

/* The width of the leading part (separator, icon) with the spacing after it. */
static gint
lead_width (MwSnippetsBar *self)
{
  gint width = 0;

  for (GList *l = self->children; l != NULL; l = l->next)
    if (gtk_widget_get_visible (l->data) && l->data != self->more_button
        && l->data != self->edit_button && g_ptr_array_find (self->buttons, l->data, NULL) == FALSE)
      width += natural_width (l->data) + SPACING;
  return width;
}

/* The snippet buttons' natural widths: in `widths` (may be NULL), and their sum with spacing. */
static gint
buttons_width (MwSnippetsBar *self, gint *widths)
{
  gint sum = 0;

  for (guint i = 0; i < self->buttons->len; i++)
    {
      gint w = natural_width (g_ptr_array_index (self->buttons, i));

      if (widths != NULL)
        widths[i] = w;
      sum += w + (i > 0 ? BUTTON_SPACING : 0);
    }
  return sum;
}

static void
mw_snippets_bar_get_preferred_width (GtkWidget *widget, gint *minimum, gint *natural)
{
  MwSnippetsBar *self = MW_SNIPPETS_BAR (widget);
  gint lead = lead_width (self);
  gint edit = natural_width (self->edit_button);
  gint more = self->buttons->len > 0 ? natural_width (self->more_button) + SPACING : 0;
  gint buttons = buttons_width (self, NULL);

  /* At the least: no snippet button, the menu holds them all. */
  *minimum = lead + more + edit;
  *natural = lead + (buttons > 0 ? buttons + SPACING : 0) + edit;
  *natural = MAX (*natural, *minimum);
}

static void
mw_snippets_bar_get_preferred_height (GtkWidget *widget, gint *minimum, gint *natural)
{
  MwSnippetsBar *self = MW_SNIPPETS_BAR (widget);

  *minimum = *natural = 0;
  for (GList *l = self->children; l != NULL; l = l->next)
    if (gtk_widget_get_visible (l->data))
      {
        gint min = 0, nat = 0;

        gtk_widget_get_preferred_height (l->data, &min, &nat);
        *minimum = MAX (*minimum, min);
        *natural = MAX (*natural, nat);
      }
}

static void
mw_snippets_bar_get_preferred_height_for_width (GtkWidget *widget, gint width, gint *minimum,
                                                gint *natural)
{
  mw_snippets_bar_get_preferred_height (widget, minimum, natural);
}

/* Gives `child` the box from `x` (in the bar's left-to-right order) of `width`, mirrored in a
 * right-to-left locale. */
static void
place (MwSnippetsBar *self, GtkWidget *child, const GtkAllocation *bar, gint x, gint width)
{
  GtkAllocation a = { bar->x + x, bar->y, MAX (width, 1), bar->height };
  gint min = minimum_width (child);

  /* A child is never given less than its minimum (GTK warns): a hidden one keeps its own. */
  a.width = MAX (a.width, min);
  if (gtk_widget_get_direction (GTK_WIDGET (self)) == GTK_TEXT_DIR_RTL)
    a.x = bar->x + bar->width - x - a.width;
  gtk_widget_size_allocate (child, &a);
}

static void
mw_snippets_bar_size_allocate (GtkWidget *widget, GtkAllocation *allocation)
{
  MwSnippetsBar *self = MW_SNIPPETS_BAR (widget);
  guint n = self->buttons->len;
  g_autofree gint *widths = g_new0 (gint, MAX (n, 1));
  gint lead = lead_width (self);
  gint edit = natural_width (self->edit_button);
  gint more = natural_width (self->more_button);
  gint all = buttons_width (self, widths);
  guint shown = n;
  gint x = 0;

  gtk_widget_set_allocation (widget, allocation);

  /* Which buttons fit: all of them beside the edit button, or as many as leave room for the
   * "more" button too. */
  if (n > 0 && lead + all + SPACING + edit > allocation->width)
    {
      gint room = allocation->width - lead - more - SPACING - edit;
      gint used = 0;

      shown = 0;
      while (shown < n && used + widths[shown] + (shown > 0 ? BUTTON_SPACING : 0) <= room)
        {
          used += widths[shown] + (shown > 0 ? BUTTON_SPACING : 0);
          shown++;
        }
    }
  if (shown != self->n_shown)
    {
      self->n_shown = shown;
      fill_menu (self);
    }

  for (GList *l = self->children; l != NULL; l = l->next)
    if (gtk_widget_get_visible (l->data) && !is_fixed_part (self, l->data)
        && !g_ptr_array_find (self->buttons, l->data, NULL))
      {
        gint w = natural_width (l->data);

        place (self, l->data, allocation, x, w);
        x += w + SPACING;
      }
  for (guint i = 0; i < n; i++)
    {
      GtkWidget *button = g_ptr_array_index (self->buttons, i);

      gtk_widget_set_child_visible (button, i < shown);
      /* A hidden button keeps a size (unmapped, it neither draws nor takes clicks). */
      place (self, button, allocation, i < shown ? x : 0, widths[i]);
      if (i < shown)
        x += widths[i] + (i + 1 < shown ? BUTTON_SPACING : SPACING);
    }
  if (self->more_button != NULL)
    {
      gtk_widget_set_child_visible (self->more_button, shown < n);
      place (self, self->more_button, allocation, x, more);
    }
  if (self->edit_button != NULL)
    place (self, self->edit_button, allocation, MAX (allocation->width - edit, x), edit);
}

static void
mw_snippets_bar_dispose (GObject *object)
{
  MwSnippetsBar *self = MW_SNIPPETS_BAR (object);

  mw_snippets_bar_set_store (self, NULL);
  G_OBJECT_CLASS (mw_snippets_bar_parent_class)->dispose (object);
}

static void
mw_snippets_bar_finalize (GObject *object)
{
  MwSnippetsBar *self = MW_SNIPPETS_BAR (object);

  g_ptr_array_unref (self->buttons);
  g_list_free (self->children);
  G_OBJECT_CLASS (mw_snippets_bar_parent_class)->finalize (object);
}

static void
mw_snippets_bar_class_init (MwSnippetsBarClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);
  GtkContainerClass *container_class = GTK_CONTAINER_CLASS (klass);

  object_class->dispose = mw_snippets_bar_dispose;
  object_class->finalize = mw_snippets_bar_finalize;
  widget_class->get_preferred_width = mw_snippets_bar_get_preferred_width;
  widget_class->get_preferred_height = mw_snippets_bar_get_preferred_height;
  widget_class->get_preferred_height_for_width = mw_snippets_bar_get_preferred_height_for_width;
  widget_class->size_allocate = mw_snippets_bar_size_allocate;
  container_class->add = mw_snippets_bar_add;
  container_class->remove = mw_snippets_bar_remove;
  container_class->forall = mw_snippets_bar_forall;
  container_class->child_type = mw_snippets_bar_child_type;
  gtk_widget_class_set_css_name (widget_class, "box");
  gtk_widget_class_set_template_from_resource (widget_class,
                                               "/org/moonwire/Moonwire/ui/mw-snippets-bar.ui");
  gtk_widget_class_bind_template_child (widget_class, MwSnippetsBar, separator);
  gtk_widget_class_bind_template_child (widget_class, MwSnippetsBar, icon);
  gtk_widget_class_bind_template_child (widget_class, MwSnippetsBar, more_button);
  gtk_widget_class_bind_template_child (widget_class, MwSnippetsBar, edit_button);
  gtk_widget_class_bind_template_child (widget_class, MwSnippetsBar, overflow_menu);
}

static void
mw_snippets_bar_init (MwSnippetsBar *self)
{
  gtk_widget_set_has_window (GTK_WIDGET (self), FALSE);
  self->buttons = g_ptr_array_new ();
  gtk_widget_init_template (GTK_WIDGET (self));
  gtk_widget_set_child_visible (self->more_button, FALSE);
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
  if (self->overflow_menu != NULL)
    rebuild (self);
}

GtkButton *
mw_snippets_bar_get_button (MwSnippetsBar *self, guint index)
{
  g_return_val_if_fail (MW_IS_SNIPPETS_BAR (self), NULL);
  return index < self->buttons->len ? g_ptr_array_index (self->buttons, index) : NULL;
}

GtkMenuButton *
mw_snippets_bar_get_more_button (MwSnippetsBar *self)
{
  g_return_val_if_fail (MW_IS_SNIPPETS_BAR (self), NULL);
  return GTK_MENU_BUTTON (self->more_button);
}
