/* mw-heap-snapshot.c: the heap graph, its dominator tree, the largest retainers and the
 * comparison of two snapshots (docs/heap-explorer.md). */
#include "mw-heap-snapshot.h"

#include <stdlib.h>
#include <string.h>

static const char *const kind_names[] = {
  [MW_HEAP_KIND_ROOT] = "root",         [MW_HEAP_KIND_TABLE] = "table",
  [MW_HEAP_KIND_FUNCTION] = "function", [MW_HEAP_KIND_CFUNCTION] = "cfunction",
  [MW_HEAP_KIND_USERDATA] = "userdata", [MW_HEAP_KIND_THREAD] = "thread",
  [MW_HEAP_KIND_STRING] = "string",     [MW_HEAP_KIND_PROTO] = "proto",
};

const char *
mw_heap_kind_to_string (MwHeapKind kind)
{
  g_return_val_if_fail (kind <= MW_HEAP_KIND_PROTO, "?");
  return kind_names[kind];
}

gboolean
mw_heap_kind_from_string (const char *name, MwHeapKind *kind)
{
  for (guint i = 0; i < G_N_ELEMENTS (kind_names); i++)
    if (g_strcmp0 (name, kind_names[i]) == 0)
      {
        *kind = i;
        return TRUE;
      }
  return FALSE;
}

static void
object_clear (gpointer data)
{
  MwHeapObject *o = data;

  g_free (o->key);
  g_free (o->path);
  g_free (o->detail);
  g_free (o->source);
}

static void
edge_clear (gpointer data)
{
  g_free (((MwHeapEdge *) data)->name);
}

MwHeapSnapshot *
mw_heap_snapshot_new (MwLuaNumberType number_type)
{
  MwHeapSnapshot *self = g_new0 (MwHeapSnapshot, 1);

  self->ref_count = 1;
  self->number_type = number_type;
  self->objects = g_array_new (FALSE, TRUE, sizeof (MwHeapObject));
  g_array_set_clear_func (self->objects, object_clear);
  self->edges = g_array_new (FALSE, TRUE, sizeof (MwHeapEdge));
  g_array_set_clear_func (self->edges, edge_clear);
  mw_heap_snapshot_add_object (self, MW_HEAP_KIND_ROOT, "", "(roots)", 0);
  return self;
}

MwHeapSnapshot *
mw_heap_snapshot_ref (MwHeapSnapshot *self)
{
  g_return_val_if_fail (self != NULL, NULL);
  g_atomic_int_inc (&self->ref_count);
  return self;
}

void
mw_heap_snapshot_unref (MwHeapSnapshot *self)
{
  if (self == NULL || !g_atomic_int_dec_and_test (&self->ref_count))
    return;
  g_array_unref (self->objects);
  g_array_unref (self->edges);
  g_free (self);
}

guint
mw_heap_snapshot_add_object (MwHeapSnapshot *self, MwHeapKind kind, const char *key,
                             const char *path, gsize self_size)
{
  MwHeapObject o = { 0 };

  g_return_val_if_fail (self != NULL, 0);
  o.kind = kind;
  o.key = g_strdup (key);
  o.path = g_strdup (path);
  o.self_size = self_size;
  o.idom = G_MAXUINT;
  g_array_append_val (self->objects, o);
  return self->objects->len - 1;
}

void
mw_heap_snapshot_add_edge (MwHeapSnapshot *self, guint from, guint to, const char *name)
{
  MwHeapEdge e = { from, to, g_strdup (name) };

  g_return_if_fail (self != NULL);
  g_return_if_fail (from < self->objects->len && to < self->objects->len);
  g_array_append_val (self->edges, e);
}

MwHeapObject *
mw_heap_snapshot_get_object (MwHeapSnapshot *self, guint index)
{
  g_return_val_if_fail (self != NULL && index < self->objects->len, NULL);
  return &g_array_index (self->objects, MwHeapObject, index);
}

guint
mw_heap_snapshot_get_n_objects (MwHeapSnapshot *self)
{
  g_return_val_if_fail (self != NULL, 0);
  return self->objects->len;
}

/* ---- dominators ---- */

typedef struct
{
  guint n;
  guint *succ_start; /* CSR successor lists */
  guint *succ;
  guint *pred_start;
  guint *pred;
} Graph;

static void
graph_init (Graph *g, MwHeapSnapshot *self)
{
  GArray *edges = self->edges;
  guint n = self->objects->len;
  guint *fill;

  g->n = n;
  g->succ_start = g_new0 (guint, n + 1);
  g->pred_start = g_new0 (guint, n + 1);
  g->succ = g_new (guint, edges->len ? edges->len : 1);
  g->pred = g_new (guint, edges->len ? edges->len : 1);
  for (guint i = 0; i < edges->len; i++)
    {
      MwHeapEdge *e = &g_array_index (edges, MwHeapEdge, i);

      g->succ_start[e->from + 1]++;
      g->pred_start[e->to + 1]++;
    }
  for (guint i = 0; i < n; i++)
    {
      g->succ_start[i + 1] += g->succ_start[i];
      g->pred_start[i + 1] += g->pred_start[i];
    }
  fill = g_new0 (guint, n);
  for (guint i = 0; i < edges->len; i++)
    {
      MwHeapEdge *e = &g_array_index (edges, MwHeapEdge, i);

      g->succ[g->succ_start[e->from] + fill[e->from]++] = e->to;
    }
  memset (fill, 0, n * sizeof (guint));
  for (guint i = 0; i < edges->len; i++)
    {
      MwHeapEdge *e = &g_array_index (edges, MwHeapEdge, i);

      g->pred[g->pred_start[e->to] + fill[e->to]++] = e->from;
    }
  g_free (fill);
}

static void
graph_clear (Graph *g)
{
  g_free (g->succ_start);
  g_free (g->succ);
  g_free (g->pred_start);
  g_free (g->pred);
}

/* Post-order numbers of the objects reached from the root (G_MAXUINT: unreached), and the
 * objects in post-order; iterative, so a deep chain cannot overflow the C stack. */
static guint
postorder (const Graph *g, guint *number, guint *order)
{
  guint *stack = g_new (guint, g->n);
  guint *next = g_new0 (guint, g->n);
  gboolean *seen = g_new0 (gboolean, g->n);
  guint top = 0;
  guint count = 0;

  for (guint i = 0; i < g->n; i++)
    number[i] = G_MAXUINT;
  stack[top++] = 0;
  seen[0] = TRUE;
  while (top > 0)
    {
      guint v = stack[top - 1];
      guint k = g->succ_start[v] + next[v];

      if (k < g->succ_start[v + 1])
        {
          guint w = g->succ[k];

          next[v]++;
          if (!seen[w])
            {
              seen[w] = TRUE;
              stack[top++] = w;
            }
          continue;
        }
      top--;
      number[v] = count;
      order[count++] = v;
    }
  g_free (stack);
  g_free (next);
  g_free (seen);
  return count;
}

void
mw_heap_snapshot_compute (MwHeapSnapshot *self)
{
  Graph g;
  guint n = self->objects->len;
  guint *number = g_new (guint, n);
  guint *order = g_new (guint, n);
  guint *idom = g_new (guint, n);
  guint reached;
  gboolean changed = TRUE;

  g_return_if_fail (self != NULL);
  graph_init (&g, self);
  reached = postorder (&g, number, order);
  for (guint i = 0; i < n; i++)
    idom[i] = G_MAXUINT;
  idom[0] = 0;
  while (changed)
    {
      changed = FALSE;
      /* reverse post-order, the root (last) excluded */
      for (guint r = reached - 1; r-- > 0;)
        {
          guint v = order[r];
          guint best = G_MAXUINT;

          for (guint k = g.pred_start[v]; k < g.pred_start[v + 1]; k++)
            {
              guint p = g.pred[k];

              if (number[p] == G_MAXUINT || idom[p] == G_MAXUINT)
                continue;
              if (best == G_MAXUINT)
                best = p;
              else
                {
                  guint a = p, b = best;

                  while (a != b)
                    {
                      while (number[a] < number[b])
                        a = idom[a];
                      while (number[b] < number[a])
                        b = idom[b];
                    }
                  best = a;
                }
            }
          if (best != idom[v])
            {
              idom[v] = best;
              changed = TRUE;
            }
        }
    }
  for (guint i = 0; i < n; i++)
    {
      MwHeapObject *o = &g_array_index (self->objects, MwHeapObject, i);

      o->idom = i == 0 ? 0 : idom[i];
      o->retained = o->self_size;
      o->count = 1;
    }
  /* post-order visits every object before its dominator */
  for (guint r = 0; r + 1 < reached; r++)
    {
      guint v = order[r];
      MwHeapObject *o = &g_array_index (self->objects, MwHeapObject, v);
      MwHeapObject *d = &g_array_index (self->objects, MwHeapObject, idom[v]);

      d->retained += o->retained;
      d->count += o->count;
    }
  graph_clear (&g);
  g_free (number);
  g_free (order);
  g_free (idom);
}

gsize
mw_heap_snapshot_get_total (MwHeapSnapshot *self)
{
  gsize total = 0;

  g_return_val_if_fail (self != NULL, 0);
  for (guint i = 1; i < self->objects->len; i++)
    {
      MwHeapObject *o = &g_array_index (self->objects, MwHeapObject, i);

      if (o->idom != G_MAXUINT)
        total += o->self_size;
    }
  return total;
}

/* ---- the largest retainers ---- */

static gboolean
is_root_container (const MwHeapObject *o)
{
  return o->idom == 0 && (g_strcmp0 (o->path, "_G") == 0 || g_strcmp0 (o->path, "registry") == 0);
}

static int
compare_retained (gconstpointer a, gconstpointer b, gpointer data)
{
  MwHeapSnapshot *self = data;
  const MwHeapObject *x = mw_heap_snapshot_get_object (self, *(const guint *) a);
  const MwHeapObject *y = mw_heap_snapshot_get_object (self, *(const guint *) b);

  if (x->retained != y->retained)
    return x->retained > y->retained ? -1 : 1;
  return g_strcmp0 (x->path, y->path);
}

static void
format_line (GString *out, const MwHeapObject *o, guint depth)
{
  g_string_append_printf (out, "%*s%7zu B %5u obj  %s  (%s", depth * 2, "", o->retained, o->count,
                          o->path, mw_heap_kind_to_string (o->kind));
  if (o->source != NULL)
    g_string_append_printf (out, " %s:%d", o->source, o->line);
  g_string_append (out, ")\n");
}

static void
format_children (MwHeapSnapshot *self, GArray *shown, guint parent, guint depth, GString *out)
{
  for (guint i = 0; i < shown->len; i++)
    {
      guint v = g_array_index (shown, guint, i);
      MwHeapObject *o = mw_heap_snapshot_get_object (self, v);
      guint up = o->idom;

      /* the nearest shown dominator */
      while (up != 0)
        {
          gboolean found = FALSE;

          for (guint k = 0; k < shown->len && !found; k++)
            found = g_array_index (shown, guint, k) == up;
          if (found)
            break;
          up = mw_heap_snapshot_get_object (self, up)->idom;
        }
      if (up != parent)
        continue;
      format_line (out, o, depth);
      format_children (self, shown, v, depth + 1, out);
    }
}

char *
mw_heap_snapshot_format_top (MwHeapSnapshot *self, guint n)
{
  g_autoptr (GArray) all = g_array_new (FALSE, FALSE, sizeof (guint));
  GString *out = g_string_new (NULL);

  g_return_val_if_fail (self != NULL, NULL);
  for (guint i = 1; i < self->objects->len; i++)
    {
      MwHeapObject *o = mw_heap_snapshot_get_object (self, i);

      if (o->idom != G_MAXUINT && !is_root_container (o) && o->retained > 0)
        g_array_append_val (all, i);
    }
  g_array_sort_with_data (all, compare_retained, self);
  if (all->len > n)
    g_array_set_size (all, n);
  format_children (self, all, 0, 0, out);
  return g_string_free (out, FALSE);
}

/* ---- comparing two snapshots ---- */

static void
diff_entry_free (gpointer data)
{
  MwHeapDiffEntry *e = data;

  g_free (e->path);
  g_free (e);
}

static GHashTable *
index_paths (MwHeapSnapshot *s)
{
  GHashTable *map = g_hash_table_new (g_str_hash, g_str_equal);

  for (guint i = 1; i < s->objects->len; i++)
    {
      MwHeapObject *o = mw_heap_snapshot_get_object (s, i);

      if (o->idom != G_MAXUINT && !g_hash_table_contains (map, o->path))
        g_hash_table_insert (map, o->path, GUINT_TO_POINTER (i));
    }
  return map;
}

static guint
dominator_depth (MwHeapSnapshot *s, guint i)
{
  guint depth = 0;

  while (i != 0 && depth < s->objects->len)
    {
      i = mw_heap_snapshot_get_object (s, i)->idom;
      depth++;
    }
  return depth;
}

typedef struct
{
  MwHeapDiffEntry *entry;
  guint depth;
} Ranked;

static int
compare_ranked (gconstpointer a, gconstpointer b)
{
  const Ranked *x = a, *y = b;
  gint64 dx = llabs (x->entry->bytes_b - x->entry->bytes_a);
  gint64 dy = llabs (y->entry->bytes_b - y->entry->bytes_a);

  if (dx != dy)
    return dx > dy ? -1 : 1;
  if (x->depth != y->depth)
    return x->depth > y->depth ? -1 : 1;
  return strcmp (x->entry->path, y->entry->path);
}

/* Whether object i of `s` sits inside an object whose path `other` lacks too (it is folded
 * into that one); the root containers never fold anything. */
static gboolean
folded (MwHeapSnapshot *s, guint i, GHashTable *other)
{
  guint up = mw_heap_snapshot_get_object (s, i)->idom;

  if (up == 0 || up == G_MAXUINT)
    return FALSE;
  {
    MwHeapObject *p = mw_heap_snapshot_get_object (s, up);

    if (is_root_container (p))
      return FALSE;
    /* folded when the dominator itself is new (or gone), or persists and shows the change */
    return TRUE;
  }
}

static void
add_side (MwHeapSnapshot *s, GHashTable *mine, GHashTable *other, MwHeapSnapshot *o, gboolean is_b,
          GArray *ranked)
{
  GHashTableIter iter;
  gpointer key, value;

  g_hash_table_iter_init (&iter, mine);
  while (g_hash_table_iter_next (&iter, &key, &value))
    {
      guint i = GPOINTER_TO_UINT (value);
      MwHeapObject *x = mw_heap_snapshot_get_object (s, i);
      gpointer ov;
      MwHeapDiffEntry *e;
      Ranked r;

      if (is_root_container (x))
        continue;
      if (g_hash_table_lookup_extended (other, key, NULL, &ov))
        {
          MwHeapObject *y = mw_heap_snapshot_get_object (o, GPOINTER_TO_UINT (ov));

          if (is_b) /* persistent paths: once, from a's side */
            continue;
          if (x->retained == y->retained && x->count == y->count)
            continue;
          e = g_new0 (MwHeapDiffEntry, 1);
          e->bytes_a = x->retained;
          e->count_a = x->count;
          e->bytes_b = y->retained;
          e->count_b = y->count;
        }
      else
        {
          if (folded (s, i, other))
            continue;
          e = g_new0 (MwHeapDiffEntry, 1);
          if (is_b)
            {
              e->bytes_b = x->retained;
              e->count_b = x->count;
            }
          else
            {
              e->bytes_a = x->retained;
              e->count_a = x->count;
            }
        }
      e->path = g_strdup (x->path);
      r.entry = e;
      r.depth = dominator_depth (s, i);
      g_array_append_val (ranked, r);
    }
}

GPtrArray *
mw_heap_snapshot_diff (MwHeapSnapshot *a, MwHeapSnapshot *b)
{
  g_autoptr (GHashTable) pa = NULL;
  g_autoptr (GHashTable) pb = NULL;
  g_autoptr (GArray) ranked = g_array_new (FALSE, FALSE, sizeof (Ranked));
  GPtrArray *out = g_ptr_array_new_with_free_func (diff_entry_free);

  g_return_val_if_fail (a != NULL && b != NULL, NULL);
  pa = index_paths (a);
  pb = index_paths (b);
  add_side (a, pa, pb, b, FALSE, ranked);
  add_side (b, pb, pa, a, TRUE, ranked);
  g_array_sort (ranked, compare_ranked);
  for (guint i = 0; i < ranked->len; i++)
    g_ptr_array_add (out, g_array_index (ranked, Ranked, i).entry);
  return out;
}

char *
mw_heap_diff_format (GPtrArray *diff, guint max_entries)
{
  GString *out = g_string_new (NULL);

  g_return_val_if_fail (diff != NULL, NULL);
  if (diff->len == 0)
    g_string_append (out, "no change\n");
  for (guint i = 0; i < diff->len && i < max_entries; i++)
    {
      MwHeapDiffEntry *e = diff->pdata[i];
      const char *what = e->count_a == 0            ? "appeared"
                         : e->count_b == 0          ? "gone"
                         : e->bytes_b >= e->bytes_a ? "grew"
                                                    : "shrank";

      g_string_append_printf (out, "%-8s %+7" G_GINT64_FORMAT " B %+5" G_GINT64_FORMAT " obj  %s\n",
                              what, e->bytes_b - e->bytes_a, e->count_b - e->count_a, e->path);
    }
  if (diff->len > max_entries)
    g_string_append_printf (out, "(%u more)\n", diff->len - max_entries);
  return g_string_free (out, FALSE);
}
