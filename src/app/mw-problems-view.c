/* mw-problems-view.c: the Problems list.
 *
 * Rows are keyed by file, so re-checking one file replaces only its rows. The window feeds it
 * from each editor's "diagnostics-changed" and jumps on "activate-location".
 */
#include "mw-config.h"

#include "mw-problems-view.h"

#include "mw-lua-diagnostic.h"

enum
{
  COL_ICON,
  COL_KEY,
  COL_LOCATION,
  COL_LINE,
  COL_COLUMN,
  COL_CODE,
  COL_MESSAGE,
  COL_BYTES
};

struct _MwProblemsView
{
  GtkBox parent_instance;
  GtkStack *stack;
  GtkTreeView *tree;
  GtkListStore *store;
  GMenuModel *context_menu;
  GtkWidget *menu; /* the right-click menu, made from context_menu on first use */
};

G_DEFINE_TYPE (MwProblemsView, mw_problems_view, GTK_TYPE_BOX)

enum
{
  ACTIVATE_LOCATION,
  N_SIGNALS
};
static guint signals[N_SIGNALS];

static void
emit_row (MwProblemsView *self, GtkTreeIter *iter)
{
  g_autofree char *key = NULL;
  guint line = 0, column = 0;

  gtk_tree_model_get (GTK_TREE_MODEL (self->store), iter, COL_KEY, &key, COL_LINE, &line,
                      COL_COLUMN, &column, -1);
  g_signal_emit (self, signals[ACTIVATE_LOCATION], 0, key, line, column);
}

static void
row_activated_cb (MwProblemsView *self, GtkTreePath *path, GtkTreeViewColumn *column)
{
  GtkTreeIter iter;

  if (gtk_tree_model_get_iter (GTK_TREE_MODEL (self->store), &iter, path))
    emit_row (self, &iter);
}

static gboolean
selected_row (MwProblemsView *self, GtkTreeIter *iter)
{
  return gtk_tree_selection_get_selected (gtk_tree_view_get_selection (self->tree), NULL, iter);
}

/* The row as the list shows it: "init.lua:3: W111 setting non-standard global variable 'x'" */
static void
action_copy (GSimpleAction *action, GVariant *param, gpointer user_data)
{
  MwProblemsView *self = user_data;
  g_autofree char *location = NULL;
  g_autofree char *code = NULL;
  g_autofree char *message = NULL;
  g_autofree char *text = NULL;
  GtkTreeIter iter;

  if (!selected_row (self, &iter))
    return;
  gtk_tree_model_get (GTK_TREE_MODEL (self->store), &iter, COL_LOCATION, &location, COL_CODE, &code,
                      COL_MESSAGE, &message, -1);
  text = g_strdup_printf ("%s: %s %s", location, code, message);
  gtk_clipboard_set_text (gtk_widget_get_clipboard (GTK_WIDGET (self), GDK_SELECTION_CLIPBOARD),
                          text, -1);
}

static void
action_go_to (GSimpleAction *action, GVariant *param, gpointer user_data)
{
  MwProblemsView *self = user_data;
  GtkTreeIter iter;

  if (selected_row (self, &iter))
    emit_row (self, &iter);
}

static const GActionEntry problems_entries[] = {
  { "copy", action_copy },
  { "go-to", action_go_to },
};

static GtkWidget *
get_menu (MwProblemsView *self)
{
  if (self->menu == NULL)
    {
      self->menu = gtk_menu_new_from_model (self->context_menu);
      gtk_menu_attach_to_widget (GTK_MENU (self->menu), GTK_WIDGET (self->tree), NULL);
    }
  return self->menu;
}

static void
popup (MwProblemsView *self, const GdkEvent *event)
{
  get_menu (self);
  if (event != NULL)
    gtk_menu_popup_at_pointer (GTK_MENU (self->menu), event);
  else
    gtk_menu_popup_at_widget (GTK_MENU (self->menu), GTK_WIDGET (self->tree), GDK_GRAVITY_CENTER,
                              GDK_GRAVITY_NORTH_WEST, NULL);
}

static gboolean
button_press_cb (MwProblemsView *self, GdkEventButton *event)
{
  g_autoptr (GtkTreePath) path = NULL;

  if (!gdk_event_triggers_context_menu ((GdkEvent *) event)
      || !gtk_tree_view_get_path_at_pos (self->tree, event->x, event->y, &path, NULL, NULL, NULL))
    return GDK_EVENT_PROPAGATE;
  gtk_tree_selection_select_path (gtk_tree_view_get_selection (self->tree), path);
  popup (self, (GdkEvent *) event);
  return GDK_EVENT_STOP;
}

/* Shift+F10 and the Menu key */
static gboolean
popup_menu_cb (MwProblemsView *self)
{
  GtkTreeIter iter;

  if (!selected_row (self, &iter))
    return FALSE;
  popup (self, NULL);
  return TRUE;
}

GtkWidget *
mw_problems_view_get_row_menu (MwProblemsView *self, guint n)
{
  GtkTreeIter iter;

  g_return_val_if_fail (MW_IS_PROBLEMS_VIEW (self), NULL);
  if (!gtk_tree_model_iter_nth_child (GTK_TREE_MODEL (self->store), &iter, NULL, n))
    return NULL;
  gtk_tree_selection_select_iter (gtk_tree_view_get_selection (self->tree), &iter);
  return get_menu (self);
}

static void
mw_problems_view_dispose (GObject *object)
{
  MwProblemsView *self = MW_PROBLEMS_VIEW (object);

  if (self->menu != NULL)
    gtk_widget_destroy (g_steal_pointer (&self->menu));
  G_OBJECT_CLASS (mw_problems_view_parent_class)->dispose (object);
}

static void
mw_problems_view_class_init (MwProblemsViewClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = mw_problems_view_dispose;

  signals[ACTIVATE_LOCATION] = g_signal_new ("activate-location", G_TYPE_FROM_CLASS (klass),
                                             G_SIGNAL_RUN_LAST, 0, NULL, NULL, NULL, G_TYPE_NONE, 3,
                                             G_TYPE_STRING, G_TYPE_UINT, G_TYPE_UINT);

  gtk_widget_class_set_template_from_resource (widget_class,
                                               "/org/moonwire/Moonwire/ui/mw-problems-view.ui");
  gtk_widget_class_bind_template_child (widget_class, MwProblemsView, stack);
  gtk_widget_class_bind_template_child (widget_class, MwProblemsView, tree);
  gtk_widget_class_bind_template_child (widget_class, MwProblemsView, store);
  gtk_widget_class_bind_template_child (widget_class, MwProblemsView, context_menu);
  gtk_widget_class_bind_template_callback (widget_class, row_activated_cb);
  gtk_widget_class_bind_template_callback (widget_class, button_press_cb);
  gtk_widget_class_bind_template_callback (widget_class, popup_menu_cb);
}

static void
mw_problems_view_init (MwProblemsView *self)
{
  g_autoptr (GSimpleActionGroup) actions = g_simple_action_group_new ();

  gtk_widget_init_template (GTK_WIDGET (self));
  g_action_map_add_action_entries (G_ACTION_MAP (actions), problems_entries,
                                   G_N_ELEMENTS (problems_entries), self);
  gtk_widget_insert_action_group (GTK_WIDGET (self), "problems", G_ACTION_GROUP (actions));
}

GtkWidget *
mw_problems_view_new (void)
{
  return g_object_new (MW_TYPE_PROBLEMS_VIEW, NULL);
}

/* Whether the rows of `key` are `diagnostics` already, in order. */
static gboolean
same_rows (MwProblemsView *self, const char *key, GPtrArray *diagnostics)
{
  GtkTreeModel *model = GTK_TREE_MODEL (self->store);
  GtkTreeIter iter;
  guint n = 0, want = diagnostics != NULL ? diagnostics->len : 0;

  for (gboolean valid = gtk_tree_model_get_iter_first (model, &iter); valid;
       valid = gtk_tree_model_iter_next (model, &iter))
    {
      g_autofree char *row_key = NULL;
      g_autofree char *code = NULL;
      g_autofree char *message = NULL;
      guint line, column;
      const MwLuaDiagnostic *diag;

      gtk_tree_model_get (model, &iter, COL_KEY, &row_key, COL_LINE, &line, COL_COLUMN, &column,
                          COL_CODE, &code, COL_MESSAGE, &message, -1);
      if (g_strcmp0 (row_key, key) != 0)
        continue;
      if (n >= want)
        return FALSE;
      diag = g_ptr_array_index (diagnostics, n++);
      if (diag->line != line || diag->column != column || g_strcmp0 (diag->code, code) != 0
          || g_strcmp0 (diag->message, message) != 0)
        return FALSE;
    }
  return n == want;
}

void
mw_problems_view_set_file (MwProblemsView *self, const char *key, const char *display_name,
                           GPtrArray *diagnostics)
{
  GtkTreeModel *model;
  GtkTreeIter iter;
  gboolean valid;
  gint position;

  g_return_if_fail (MW_IS_PROBLEMS_VIEW (self));
  g_return_if_fail (key != NULL);

  model = GTK_TREE_MODEL (self->store);
  /* The list holds still under the mouse: the same findings again (the linter runs after
   * every pause in typing) change nothing, and a file's rows keep their place among the files
   * (sorted by key) instead of moving to the end. */
  if (same_rows (self, key, diagnostics))
    return;
  valid = gtk_tree_model_get_iter_first (model, &iter);
  while (valid)
    {
      g_autofree char *row_key = NULL;

      gtk_tree_model_get (model, &iter, COL_KEY, &row_key, -1);
      if (g_strcmp0 (row_key, key) == 0)
        valid = gtk_list_store_remove (self->store, &iter);
      else
        valid = gtk_tree_model_iter_next (model, &iter);
    }

  /* Before the first row of a file that sorts after this one. */
  position = 0;
  for (valid = gtk_tree_model_get_iter_first (model, &iter); valid;
       valid = gtk_tree_model_iter_next (model, &iter), position++)
    {
      g_autofree char *row_key = NULL;

      gtk_tree_model_get (model, &iter, COL_KEY, &row_key, -1);
      if (g_strcmp0 (row_key, key) > 0)
        break;
    }
  for (guint i = 0; diagnostics != NULL && i < diagnostics->len; i++)
    {
      const MwLuaDiagnostic *diag = g_ptr_array_index (diagnostics, i);
      g_autofree char *location =
        g_strdup_printf ("%s:%u", display_name != NULL ? display_name : key, diag->line);
      g_autofree char *bytes =
        diag->bytes >= 0 ? g_strdup_printf ("%" G_GINT64_FORMAT " B", diag->bytes) : NULL;
      const char *icon = diag->severity == MW_LUA_SEVERITY_ERROR ? "dialog-error-symbolic"
                         : diag->severity == MW_LUA_SEVERITY_WARNING
                           ? "dialog-warning-symbolic"
                           : "dialog-information-symbolic";

      gtk_list_store_insert_with_values (self->store, NULL, position++, COL_ICON, icon, COL_KEY,
                                         key, COL_LOCATION, location, COL_LINE, diag->line,
                                         COL_COLUMN, diag->column, COL_CODE, diag->code,
                                         COL_MESSAGE, diag->message, COL_BYTES, bytes, -1);
    }
  gtk_stack_set_visible_child_name (self->stack,
                                    mw_problems_view_get_count (self) > 0 ? "list" : "empty");
}

guint
mw_problems_view_get_count (MwProblemsView *self)
{
  g_return_val_if_fail (MW_IS_PROBLEMS_VIEW (self), 0);
  return gtk_tree_model_iter_n_children (GTK_TREE_MODEL (self->store), NULL);
}

gboolean
mw_problems_view_activate (MwProblemsView *self, guint n)
{
  GtkTreeIter iter;

  g_return_val_if_fail (MW_IS_PROBLEMS_VIEW (self), FALSE);
  if (!gtk_tree_model_iter_nth_child (GTK_TREE_MODEL (self->store), &iter, NULL, n))
    return FALSE;
  emit_row (self, &iter);
  return TRUE;
}

char *
mw_problems_view_dup_text (MwProblemsView *self)
{
  GtkTreeModel *model;
  GtkTreeIter iter;
  GString *text = g_string_new (NULL);

  g_return_val_if_fail (MW_IS_PROBLEMS_VIEW (self), NULL);

  model = GTK_TREE_MODEL (self->store);
  for (gboolean valid = gtk_tree_model_get_iter_first (model, &iter); valid;
       valid = gtk_tree_model_iter_next (model, &iter))
    {
      g_autofree char *location = NULL, *code = NULL, *message = NULL, *bytes = NULL;

      gtk_tree_model_get (model, &iter, COL_LOCATION, &location, COL_CODE, &code, COL_MESSAGE,
                          &message, COL_BYTES, &bytes, -1);
      g_string_append_printf (text, "%s\t%s\t%s\t%s\n", location, code, message,
                              bytes != NULL ? bytes : "");
    }
  return g_string_free (text, FALSE);
}
