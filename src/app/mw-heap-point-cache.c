/* mw-heap-point-cache.c: heap samples decimated to drawing columns.
 *
 * Each column keeps min, max and last of its samples, so a spike shorter than a pixel still
 * shows (a vertical segment) while the line through the last values stays smooth.
 */
#include "mw-config.h"

#include "mw-heap-point-cache.h"

struct _MwHeapPointCache
{
  gint ref_count;
  gint64 begin_us;
  gint64 end_us;
  guint width;
  guint32 min;
  guint32 max;
  GArray *columns; /* MwHeapColumn */
};

/* First sample at or after `time_us` (samples are sorted). */
static gsize
lower_bound (const MwHeapSample *samples, gsize n, gint64 time_us)
{
  gsize lo = 0, hi = n;

  while (lo < hi)
    {
      gsize mid = lo + (hi - lo) / 2;
      if (samples[mid].time_us < time_us)
        lo = mid + 1;
      else
        hi = mid;
    }
  return lo;
}

MwHeapPointCache *
mw_heap_point_cache_new (const MwHeapSample *samples, gsize n_samples, gint64 begin_us,
                         gint64 end_us, guint n_columns)
{
  return mw_heap_point_cache_new_with_breaks (samples, n_samples, NULL, 0, 0, begin_us, end_us,
                                              n_columns);
}

MwHeapPointCache *
mw_heap_point_cache_new_with_breaks (const MwHeapSample *samples, gsize n_samples,
                                     const gint64 *breaks, gsize n_breaks, gint64 gap_us,
                                     gint64 begin_us, gint64 end_us, guint n_columns)
{
  MwHeapPointCache *self;
  gdouble span;
  gint last_col = -1;
  gsize next_break = 0;
  gsize first;

  g_return_val_if_fail (samples != NULL || n_samples == 0, NULL);
  g_return_val_if_fail (breaks != NULL || n_breaks == 0, NULL);
  g_return_val_if_fail (n_columns > 0, NULL);

  self = g_new0 (MwHeapPointCache, 1);
  self->ref_count = 1;
  self->begin_us = begin_us;
  self->end_us = MAX (end_us, begin_us + 1);
  self->width = n_columns;
  self->min = G_MAXUINT32;
  self->max = 0;
  self->columns =
    g_array_sized_new (FALSE, FALSE, sizeof (MwHeapColumn), MIN (n_samples, n_columns));

  span = (gdouble) (self->end_us - self->begin_us);
  first = lower_bound (samples, n_samples, begin_us);
  for (gsize i = first; i < n_samples && samples[i].time_us <= self->end_us; i++)
    {
      gdouble x = (samples[i].time_us - self->begin_us) / span;
      gint col = MIN ((gint) (x * n_columns), (gint) n_columns - 1);
      guint32 heap = samples[i].heap;
      gboolean broken = FALSE;

      /* A reset between this sample and the one before, or a long pause. */
      if (i > 0)
        {
          while (next_break < n_breaks && breaks[next_break] <= samples[i - 1].time_us)
            next_break++;
          if (next_break < n_breaks && breaks[next_break] <= samples[i].time_us)
            broken = TRUE;
          if (gap_us > 0 && samples[i].time_us - samples[i - 1].time_us > gap_us)
            broken = TRUE;
        }
      if (col != last_col || (broken && i != first))
        {
          MwHeapColumn column = { x, heap, heap, heap, 0, broken && i != first };
          g_array_append_val (self->columns, column);
          last_col = col;
        }
      MwHeapColumn *c = &g_array_index (self->columns, MwHeapColumn, self->columns->len - 1);
      c->x = x;
      c->min = MIN (c->min, heap);
      c->max = MAX (c->max, heap);
      c->last = heap;
      c->n_samples++;
      self->min = MIN (self->min, heap);
      self->max = MAX (self->max, heap);
    }
  return self;
}

MwHeapPointCache *
mw_heap_point_cache_ref (MwHeapPointCache *self)
{
  g_return_val_if_fail (self != NULL, NULL);
  g_atomic_int_inc (&self->ref_count);
  return self;
}

void
mw_heap_point_cache_unref (MwHeapPointCache *self)
{
  g_return_if_fail (self != NULL);
  if (g_atomic_int_dec_and_test (&self->ref_count))
    {
      g_array_unref (self->columns);
      g_free (self);
    }
}

const MwHeapColumn *
mw_heap_point_cache_get_columns (MwHeapPointCache *self, guint *n_columns)
{
  g_return_val_if_fail (self != NULL, NULL);
  if (n_columns != NULL)
    *n_columns = self->columns->len;
  return (const MwHeapColumn *) (gpointer) self->columns->data;
}

gint64
mw_heap_point_cache_get_begin (MwHeapPointCache *self)
{
  g_return_val_if_fail (self != NULL, 0);
  return self->begin_us;
}

gint64
mw_heap_point_cache_get_end (MwHeapPointCache *self)
{
  g_return_val_if_fail (self != NULL, 0);
  return self->end_us;
}

guint
mw_heap_point_cache_get_width (MwHeapPointCache *self)
{
  g_return_val_if_fail (self != NULL, 0);
  return self->width;
}

gboolean
mw_heap_point_cache_get_range (MwHeapPointCache *self, guint32 *min, guint32 *max)
{
  g_return_val_if_fail (self != NULL, FALSE);
  if (self->columns->len == 0)
    return FALSE;
  if (min != NULL)
    *min = self->min;
  if (max != NULL)
    *max = self->max;
  return TRUE;
}
