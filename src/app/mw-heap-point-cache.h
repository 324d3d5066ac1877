/* mw-heap-point-cache.h: heap samples decimated to drawing columns, immutable and ref-counted.
 *
 * The heap graph rebuilds one when samples arrive or the widget is resized and draws from it,
 * so a redraw costs O(columns), not O(samples), however many hours of samples there are.
 */
#pragma once

#include <glib.h>

#include "mw-heap-log.h"

G_BEGIN_DECLS

/* One drawing column: every sample whose time falls into it. */
typedef struct
{
  gdouble x; /* 0..1 across the time range: the last sample's position */
  guint32 min;
  guint32 max;
  guint32 last;
  guint32 n_samples;
  gboolean break_before; /* a reset or a gap in the samples since the column before: the line
                          * is not drawn across it */
} MwHeapColumn;

typedef struct _MwHeapPointCache MwHeapPointCache;

/* Samples must be sorted by time. Columns without samples are left out. */
MwHeapPointCache *mw_heap_point_cache_new (const MwHeapSample *samples, gsize n_samples,
                                           gint64 begin_us, gint64 end_us, guint n_columns);
/* The same, with the line broken before a sample that follows a time in `breaks` (resets,
 * sorted) or comes more than `gap_us` after the one before (0: no gaps). */
MwHeapPointCache *mw_heap_point_cache_new_with_breaks (const MwHeapSample *samples, gsize n_samples,
                                                       const gint64 *breaks, gsize n_breaks,
                                                       gint64 gap_us, gint64 begin_us,
                                                       gint64 end_us, guint n_columns);
MwHeapPointCache *mw_heap_point_cache_ref (MwHeapPointCache *self);
void mw_heap_point_cache_unref (MwHeapPointCache *self);

const MwHeapColumn *mw_heap_point_cache_get_columns (MwHeapPointCache *self, guint *n_columns);
gint64 mw_heap_point_cache_get_begin (MwHeapPointCache *self);
gint64 mw_heap_point_cache_get_end (MwHeapPointCache *self);
/* The column count it was built for (its width in pixels) */
guint mw_heap_point_cache_get_width (MwHeapPointCache *self);
/* Lowest and highest sample in the range; FALSE when the range holds no sample */
gboolean mw_heap_point_cache_get_range (MwHeapPointCache *self, guint32 *min, guint32 *max);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (MwHeapPointCache, mw_heap_point_cache_unref)

G_END_DECLS
