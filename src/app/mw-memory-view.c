/* mw-memory-view.c: the Memory view (docs/heap-explorer.md). The walk itself is MwBoard's
 * (mw_board_heap_snapshot_async); this class only shows snapshots and their comparison. */
#include "mw-config.h"

#include "mw-memory-view.h"

#define MAP_DEPTH 3 /* rows of the icicle below the top */
#define MAP_ROW 22 /* pixels */

enum
{
  COL_PATH,
  COL_KIND,
  COL_OWN,
  COL_RETAINED,
  COL_COUNT,
  COL_DEFINED,
  COL_SOURCE,
  COL_LINE,
};

typedef struct
{
  double x; /* fraction of the width */
  double w;
  guint depth;
  char *path;
  gint64 bytes;
} Tile;

struct _MwMemoryView
{
  GtkBox parent_instance;

  GtkWidget *snapshot_button;
  GtkWidget *compare_button;
  GtkLabel *status_label;
  GtkWidget *map;
  GtkTreeView *tree;
  GtkListStore *store;
  GtkTreeViewColumn *retained_column;
  GtkTreeViewColumn *count_column;

  MwBoard *board;
  GCancellable *cancellable; /* the running snapshot */
  MwHeapSnapshot *previous;
  MwHeapSnapshot *current;
  GArray *tiles; /* Tile */
  gboolean comparing; /* the map and table show the comparison, not a snapshot */
};

G_DEFINE_FINAL_TYPE (MwMemoryView, mw_memory_view, GTK_TYPE_BOX)

enum
{
  SNAPSHOT_TAKEN,
  OPEN_LOCATION,
  N_SIGNALS
};
static guint signals[N_SIGNALS];

static void
tile_clear (gpointer data)
{
  g_free (((Tile *) data)->path);
}

static void
set_status (MwMemoryView *self, const char *text)
{
  gtk_label_set_text (self->status_label, text);
}

static void
update_buttons (MwMemoryView *self)
{
  gboolean busy = self->cancellable != NULL;

  gtk_widget_set_sensitive (self->snapshot_button, !busy && self->board != NULL);
  gtk_widget_set_sensitive (self->compare_button, !busy && self->previous != NULL);
}

/* ---- the map ---- */

static void
add_tile (MwMemoryView *self, double x, double w, guint depth, const char *path, gint64 bytes)
{
  Tile t = { x, w, depth, g_strdup (path), bytes };

  g_array_append_val (self->tiles, t);
}

static int
compare_by_retained (gconstpointer a, gconstpointer b, gpointer data)
{
  MwHeapSnapshot *s = data;
  const MwHeapObject *x = mw_heap_snapshot_get_object (s, *(const guint *) a);
  const MwHeapObject *y = mw_heap_snapshot_get_object (s, *(const guint *) b);

  if (x->retained != y->retained)
    return x->retained > y->retained ? -1 : 1;
  return g_strcmp0 (x->path, y->path);
}

static gboolean
is_root_container (const MwHeapObject *o)
{
  return o->idom == 0 && (g_strcmp0 (o->path, "_G") == 0 || g_strcmp0 (o->path, "registry") == 0);
}

/* The icicle: the top row holds what _G and the registry hold (and what they share), each
 * row below the objects each tile above dominates, widths by retained size. */
static void
layout_children (MwMemoryView *self, MwHeapSnapshot *s, GPtrArray *children, guint parent, double x,
                 double w, gint64 bytes, guint depth)
{
  GArray *kids = children->pdata[parent];
  double at = x;

  if (kids == NULL || depth > MAP_DEPTH || bytes <= 0)
    return;
  g_array_sort_with_data (kids, compare_by_retained, s);
  for (guint i = 0; i < kids->len; i++)
    {
      guint k = g_array_index (kids, guint, i);
      MwHeapObject *o = mw_heap_snapshot_get_object (s, k);
      double kw = w * (double) o->retained / (double) bytes;

      if (o->retained == 0)
        break;
      add_tile (self, at, kw, depth, o->path, o->retained);
      layout_children (self, s, children, k, at, kw, o->retained, depth + 1);
      at += kw;
    }
}

static void
array_unref0 (gpointer array)
{
  if (array != NULL)
    g_array_unref (array);
}

static void
layout_snapshot (MwMemoryView *self, MwHeapSnapshot *s)
{
  guint n = mw_heap_snapshot_get_n_objects (s);
  g_autoptr (GPtrArray) children = g_ptr_array_new_full (n, array_unref0);
  gint64 total = 0;

  g_ptr_array_set_size (children, n);
  for (guint i = 1; i < n; i++)
    {
      MwHeapObject *o = mw_heap_snapshot_get_object (s, i);
      guint parent = o->idom;

      if (parent == G_MAXUINT || is_root_container (o))
        continue;
      /* what the root containers dominate sits on the top row, beside what they share */
      if (parent != 0 && is_root_container (mw_heap_snapshot_get_object (s, parent)))
        parent = 0;
      if (children->pdata[parent] == NULL)
        children->pdata[parent] = g_array_new (FALSE, FALSE, sizeof (guint));
      g_array_append_val (children->pdata[parent], i);
      if (parent == 0)
        total += o->retained;
    }
  layout_children (self, s, children, 0, 0, 1, total, 0);
}

static void
layout_diff (MwMemoryView *self, GPtrArray *diff)
{
  gint64 total = 0;
  double at = 0;

  for (guint i = 0; i < diff->len; i++)
    {
      MwHeapDiffEntry *e = diff->pdata[i];

      if (e->bytes_b > e->bytes_a)
        total += e->bytes_b - e->bytes_a;
    }
  for (guint i = 0; i < diff->len && total > 0; i++)
    {
      MwHeapDiffEntry *e = diff->pdata[i];
      gint64 grew = e->bytes_b - e->bytes_a;
      double w;

      if (grew <= 0)
        continue;
      w = (double) grew / (double) total;
      add_tile (self, at, w, 0, e->path, grew);
      at += w;
    }
}

static void
tile_color (guint depth, gboolean growth, GdkRGBA *c)
{
  static const char *const shades[] = { "#3584e4", "#62a0ea", "#99c1f1", "#c0dbf7" };

  gdk_rgba_parse (c, growth ? "#e01b24" : shades[MIN (depth, G_N_ELEMENTS (shades) - 1)]);
}

static gboolean
map_draw_cb (MwMemoryView *self, cairo_t *cr, GtkWidget *widget)
{
  int width = gtk_widget_get_allocated_width (widget);
  gboolean growth = self->comparing;

  for (guint i = 0; i < self->tiles->len; i++)
    {
      Tile *t = &g_array_index (self->tiles, Tile, i);
      double x = t->x * width;
      double w = t->w * width;
      GdkRGBA c;

      if (w < 1)
        continue;
      tile_color (t->depth, growth, &c);
      gdk_cairo_set_source_rgba (cr, &c);
      cairo_rectangle (cr, x + 0.5, t->depth * MAP_ROW + 0.5, MAX (w - 1, 1), MAP_ROW - 1);
      cairo_fill (cr);
      if (w > 40)
        {
          cairo_save (cr);
          cairo_rectangle (cr, x + 2, t->depth * MAP_ROW, w - 4, MAP_ROW);
          cairo_clip (cr);
          cairo_set_source_rgb (cr, 1, 1, 1);
          cairo_move_to (cr, x + 4, t->depth * MAP_ROW + MAP_ROW * 0.7);
          cairo_show_text (cr, t->path);
          cairo_restore (cr);
        }
    }
  return GDK_EVENT_PROPAGATE;
}

static gboolean
map_query_tooltip_cb (MwMemoryView *self, int x, int y, gboolean keyboard, GtkTooltip *tooltip,
                      GtkWidget *widget)
{
  int width = gtk_widget_get_allocated_width (widget);

  for (guint i = 0; i < self->tiles->len; i++)
    {
      Tile *t = &g_array_index (self->tiles, Tile, i);

      if (y / MAP_ROW == (int) t->depth && x >= t->x * width && x < (t->x + t->w) * width)
        {
          g_autofree char *text =
            g_strdup_printf ("%s\n%" G_GINT64_FORMAT " bytes", t->path, t->bytes);

          gtk_tooltip_set_text (tooltip, text);
          return TRUE;
        }
    }
  return FALSE;
}

/* ---- the table ---- */

static void
fill_snapshot (MwMemoryView *self, MwHeapSnapshot *s)
{
  GtkTreeSortable *sortable = GTK_TREE_SORTABLE (self->store);

  gtk_tree_view_column_set_title (self->retained_column, "Retained");
  gtk_tree_view_column_set_title (self->count_column, "Objects");
  for (guint i = 1; i < mw_heap_snapshot_get_n_objects (s); i++)
    {
      MwHeapObject *o = mw_heap_snapshot_get_object (s, i);
      g_autofree char *defined = NULL;

      if (o->idom == G_MAXUINT)
        continue;
      if (o->source != NULL)
        defined = g_strdup_printf ("%s:%d", o->source, o->line);
      gtk_list_store_insert_with_values (
        self->store, NULL, -1, COL_PATH, o->path, COL_KIND, mw_heap_kind_to_string (o->kind),
        COL_OWN, (gint64) o->self_size, COL_RETAINED, (gint64) o->retained, COL_COUNT,
        (gint64) o->count, COL_DEFINED, defined, COL_SOURCE, o->source, COL_LINE, o->line, -1);
    }
  gtk_tree_sortable_set_sort_column_id (sortable, COL_RETAINED, GTK_SORT_DESCENDING);
}

static void
fill_diff (MwMemoryView *self, GPtrArray *diff)
{
  GtkTreeSortable *sortable = GTK_TREE_SORTABLE (self->store);

  gtk_tree_view_column_set_title (self->retained_column, "Change");
  gtk_tree_view_column_set_title (self->count_column, "Objects");
  for (guint i = 0; i < diff->len; i++)
    {
      MwHeapDiffEntry *e = diff->pdata[i];
      const char *what = e->count_a == 0            ? "appeared"
                         : e->count_b == 0          ? "gone"
                         : e->bytes_b >= e->bytes_a ? "grew"
                                                    : "shrank";

      gtk_list_store_insert_with_values (self->store, NULL, -1, COL_PATH, e->path, COL_KIND, what,
                                         COL_OWN, e->bytes_b, COL_RETAINED, e->bytes_b - e->bytes_a,
                                         COL_COUNT, e->count_b - e->count_a, COL_LINE, 0, -1);
    }
  gtk_tree_sortable_set_sort_column_id (sortable, COL_RETAINED, GTK_SORT_DESCENDING);
}

static void
clear_views (MwMemoryView *self)
{
  /* unsorted while filling: a sorted store re-sorts at every insertion */
  gtk_tree_sortable_set_sort_column_id (
    GTK_TREE_SORTABLE (self->store), GTK_TREE_SORTABLE_UNSORTED_SORT_COLUMN_ID, GTK_SORT_ASCENDING);
  gtk_list_store_clear (self->store);
  g_array_set_size (self->tiles, 0);
}

static void
show_snapshot (MwMemoryView *self, MwHeapSnapshot *s)
{
  g_autofree char *status = NULL;
  gint64 total = mw_heap_snapshot_get_total (s);

  clear_views (self);
  self->comparing = FALSE;
  fill_snapshot (self, s);
  layout_snapshot (self, s);
  gtk_widget_queue_draw (self->map);
  status = g_strdup_printf (
    "%u objects, %" G_GINT64_FORMAT " bytes reached; %" G_GINT64_FORMAT
    " counted by Lua; the walk took %.1f s, its peak %" G_GINT64_FORMAT " bytes%s",
    mw_heap_snapshot_get_n_objects (s) - 1, total, s->lua_used, s->seconds, s->walker_peak,
    s->upvalues ? "" : "; upvalues not followed (no debug.getupvalue)");
  set_status (self, status);
}

static void
row_activated_cb (MwMemoryView *self, GtkTreePath *path, GtkTreeViewColumn *column)
{
  GtkTreeModel *model = gtk_tree_view_get_model (self->tree);
  GtkTreeIter iter;
  g_autofree char *source = NULL;
  int line = 0;

  if (!gtk_tree_model_get_iter (model, &iter, path))
    return;
  gtk_tree_model_get (model, &iter, COL_SOURCE, &source, COL_LINE, &line, -1);
  if (source != NULL && line > 0)
    g_signal_emit (self, signals[OPEN_LOCATION], 0, source, (guint) line);
}

/* ---- snapshots ---- */

static void
on_progress (guint objects, guint pending, gpointer user_data)
{
  MwMemoryView *self = user_data;
  g_autofree char *text =
    g_strdup_printf ("Walking the heap: %u objects, %u to go…", objects, pending);

  set_status (self, text);
}

static void
on_snapshot (GObject *source, GAsyncResult *result, gpointer user_data)
{
  g_autoptr (MwMemoryView) self = user_data;
  g_autoptr (GError) error = NULL;
  g_autoptr (MwHeapSnapshot) s = mw_board_heap_snapshot_finish (MW_BOARD (source), result, &error);

  g_clear_object (&self->cancellable);
  if (s == NULL)
    {
      if (!g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
        {
          g_autofree char *text = g_strdup_printf ("Snapshot failed: %s", error->message);

          set_status (self, text);
        }
      update_buttons (self);
      return;
    }
  mw_memory_view_add_snapshot (self, s);
  g_signal_emit (self, signals[SNAPSHOT_TAKEN], 0);
}

void
mw_memory_view_add_snapshot (MwMemoryView *self, MwHeapSnapshot *snapshot)
{
  g_return_if_fail (MW_IS_MEMORY_VIEW (self));
  g_return_if_fail (snapshot != NULL);
  g_clear_pointer (&self->previous, mw_heap_snapshot_unref);
  self->previous = g_steal_pointer (&self->current);
  self->current = mw_heap_snapshot_ref (snapshot);
  show_snapshot (self, snapshot);
  update_buttons (self);
}

void
mw_memory_view_take_snapshot (MwMemoryView *self)
{
  g_return_if_fail (MW_IS_MEMORY_VIEW (self));
  if (self->board == NULL || self->cancellable != NULL)
    return;
  self->cancellable = g_cancellable_new ();
  set_status (self, "Walking the heap…");
  update_buttons (self);
  mw_board_heap_snapshot_async (self->board, on_progress, self, self->cancellable, on_snapshot,
                                g_object_ref (self));
}

void
mw_memory_view_compare (MwMemoryView *self)
{
  g_autoptr (GPtrArray) diff = NULL;
  g_autofree char *status = NULL;

  g_return_if_fail (MW_IS_MEMORY_VIEW (self));
  if (self->previous == NULL || self->current == NULL)
    return;
  diff = mw_heap_snapshot_diff (self->previous, self->current);
  clear_views (self);
  self->comparing = TRUE;
  fill_diff (self, diff);
  layout_diff (self, diff);
  gtk_widget_queue_draw (self->map);
  if (diff->len == 0)
    status = g_strdup ("No change since the previous snapshot.");
  else
    {
      MwHeapDiffEntry *e = diff->pdata[0];

      status =
        g_strdup_printf ("Since the previous snapshot: %u %s; the largest %s %+" G_GINT64_FORMAT
                         " bytes, %+" G_GINT64_FORMAT " objects",
                         diff->len, diff->len == 1 ? "change" : "changes", e->path,
                         e->bytes_b - e->bytes_a, e->count_b - e->count_a);
    }
  set_status (self, status);
}

static void
snapshot_clicked_cb (MwMemoryView *self)
{
  mw_memory_view_take_snapshot (self);
}

static void
compare_clicked_cb (MwMemoryView *self)
{
  mw_memory_view_compare (self);
}

void
mw_memory_view_set_board (MwMemoryView *self, MwBoard *board)
{
  g_return_if_fail (MW_IS_MEMORY_VIEW (self));
  if (self->board == board)
    return;
  if (self->cancellable != NULL)
    g_cancellable_cancel (self->cancellable);
  g_set_object (&self->board, board);
  update_buttons (self);
}

MwHeapSnapshot *
mw_memory_view_get_snapshot (MwMemoryView *self)
{
  g_return_val_if_fail (MW_IS_MEMORY_VIEW (self), NULL);
  return self->current;
}

const char *
mw_memory_view_get_largest_tile (MwMemoryView *self)
{
  const Tile *best = NULL;

  g_return_val_if_fail (MW_IS_MEMORY_VIEW (self), NULL);
  for (guint i = 0; i < self->tiles->len; i++)
    {
      const Tile *t = &g_array_index (self->tiles, Tile, i);

      if (t->depth == 0 && (best == NULL || t->w > best->w))
        best = t;
    }
  return best != NULL ? best->path : NULL;
}

const char *
mw_memory_view_get_status (MwMemoryView *self)
{
  g_return_val_if_fail (MW_IS_MEMORY_VIEW (self), NULL);
  return gtk_label_get_text (self->status_label);
}

GtkWidget *
mw_memory_view_new (void)
{
  return g_object_new (MW_TYPE_MEMORY_VIEW, NULL);
}

static void
mw_memory_view_dispose (GObject *object)
{
  MwMemoryView *self = MW_MEMORY_VIEW (object);

  if (self->cancellable != NULL)
    g_cancellable_cancel (self->cancellable);
  g_clear_object (&self->board);
  G_OBJECT_CLASS (mw_memory_view_parent_class)->dispose (object);
}

static void
mw_memory_view_finalize (GObject *object)
{
  MwMemoryView *self = MW_MEMORY_VIEW (object);

  g_clear_object (&self->cancellable);
  g_clear_pointer (&self->previous, mw_heap_snapshot_unref);
  g_clear_pointer (&self->current, mw_heap_snapshot_unref);
  g_array_unref (self->tiles);
  G_OBJECT_CLASS (mw_memory_view_parent_class)->finalize (object);
}

static void
mw_memory_view_class_init (MwMemoryViewClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = mw_memory_view_dispose;
  object_class->finalize = mw_memory_view_finalize;

  signals[SNAPSHOT_TAKEN] = g_signal_new ("snapshot-taken", G_TYPE_FROM_CLASS (klass),
                                          G_SIGNAL_RUN_LAST, 0, NULL, NULL, NULL, G_TYPE_NONE, 0);
  signals[OPEN_LOCATION] = g_signal_new ("open-location", G_TYPE_FROM_CLASS (klass),
                                         G_SIGNAL_RUN_LAST, 0, NULL, NULL, NULL, G_TYPE_NONE, 2,
                                         G_TYPE_STRING, G_TYPE_UINT);

  gtk_widget_class_set_template_from_resource (widget_class,
                                               "/org/moonwire/Moonwire/ui/mw-memory-view.ui");
  gtk_widget_class_bind_template_child (widget_class, MwMemoryView, snapshot_button);
  gtk_widget_class_bind_template_child (widget_class, MwMemoryView, compare_button);
  gtk_widget_class_bind_template_child (widget_class, MwMemoryView, status_label);
  gtk_widget_class_bind_template_child (widget_class, MwMemoryView, map);
  gtk_widget_class_bind_template_child (widget_class, MwMemoryView, tree);
  gtk_widget_class_bind_template_child (widget_class, MwMemoryView, store);
  gtk_widget_class_bind_template_child (widget_class, MwMemoryView, retained_column);
  gtk_widget_class_bind_template_child (widget_class, MwMemoryView, count_column);
  gtk_widget_class_bind_template_callback (widget_class, snapshot_clicked_cb);
  gtk_widget_class_bind_template_callback (widget_class, compare_clicked_cb);
  gtk_widget_class_bind_template_callback (widget_class, map_draw_cb);
  gtk_widget_class_bind_template_callback (widget_class, map_query_tooltip_cb);
  gtk_widget_class_bind_template_callback (widget_class, row_activated_cb);
}

static void
mw_memory_view_init (MwMemoryView *self)
{
  self->tiles = g_array_new (FALSE, TRUE, sizeof (Tile));
  g_array_set_clear_func (self->tiles, tile_clear);
  gtk_widget_init_template (GTK_WIDGET (self));
  gtk_widget_set_size_request (self->map, -1, (MAP_DEPTH + 1) * MAP_ROW);
  update_buttons (self);
}
