/* mw-heap-graph.h: the live heap graph: free heap over time with event markers. */
#pragma once

#include <gtk/gtk.h>

#include "mw-heap-log.h"
#include "mw-heap-point-cache.h"

G_BEGIN_DECLS

#define MW_HEAP_GRAPH_ERROR (mw_heap_graph_error_quark ())
typedef enum
{
  MW_HEAP_GRAPH_ERROR_EMPTY = 1, /* nothing to export */
  MW_HEAP_GRAPH_ERROR_DRAW, /* cairo failed */
} MwHeapGraphError;
GQuark mw_heap_graph_error_quark (void);

typedef struct
{
  guint32 current;
  guint32 min;
  guint32 max;
  gdouble slope_per_min; /* the leak analysis of mw-heap-log.h, bytes per minute (0: none yet) */
  guint n_samples;
} MwHeapStats;

#define MW_TYPE_HEAP_GRAPH (mw_heap_graph_get_type ())
G_DECLARE_FINAL_TYPE (MwHeapGraph, mw_heap_graph, MW, HEAP_GRAPH, GtkBox)

GtkWidget *mw_heap_graph_new (void);
/* The samples and events it shows (the board's); the graph owns none: a graph starts with an
 * empty log of its own. */
void mw_heap_graph_set_log (MwHeapGraph *self, MwHeapLog *log);
MwHeapLog *mw_heap_graph_get_log (MwHeapGraph *self);
/* Into the log: samples must come in time order; a sample older than the last is dropped. */
void mw_heap_graph_add_sample (MwHeapGraph *self, gint64 time_us, guint32 heap);
void mw_heap_graph_add_marker (MwHeapGraph *self, gint64 time_us, MwHeapEventKind kind,
                               const char *label);
void mw_heap_graph_clear (MwHeapGraph *self);
gboolean mw_heap_graph_get_stats (MwHeapGraph *self, MwHeapStats *stats);
/* The cache the next frame draws (a new reference), built now if none is pending */
MwHeapPointCache *mw_heap_graph_dup_cache (MwHeapGraph *self);
/* How many times the point cache was rebuilt: redraws are coalesced */
guint mw_heap_graph_get_rebuild_count (MwHeapGraph *self);

/* The colour of a marker of `kind` and of its label, for the graph's style (light or dark). */
void mw_heap_graph_get_marker_color (MwHeapGraph *self, MwHeapEventKind kind, GdkRGBA *color);

gboolean mw_heap_graph_export_csv (MwHeapGraph *self, GFile *file, GError **error);
gboolean mw_heap_graph_export_png (MwHeapGraph *self, const char *path, guint width, guint height,
                                   GError **error);

/* A tick step for an axis of `range` units with about `ticks` ticks: 1, 2 or 5 times a power of
 * ten (the heap axis, in KiB). */
gdouble mw_heap_graph_nice_step (gdouble range, guint ticks);
typedef struct
{
  gdouble bottom; /* bytes, at the plot's foot */
  gdouble top; /* bytes, at its head */
  gdouble step; /* bytes between ticks: 1, 2 or 5 times a power of ten KiB */
} MwHeapAxis;
/* The free-heap axis for samples from `lo` to `hi` bytes on a plot `height` px high with tick
 * labels `label_height` px high: the ends on ticks with air beyond the samples, about 4 steps
 * on a tall plot and fewer on a low one, so that ticks stay 1.5 labels apart (or the axis is
 * one step). */
void mw_heap_graph_value_axis (guint32 lo, guint32 hi, gdouble height, gdouble label_height,
                               MwHeapAxis *axis);
/* A tick step in seconds for a time axis of `seconds` with about `ticks` ticks: 1, 2, 5, 10,
 * 15, 30 s, 1, 2, 5, 10, 15, 30 min, 1, 2, 3, 6, 12 h or a day. */
gdouble mw_heap_graph_nice_time_step (gdouble seconds, guint ticks);

G_END_DECLS
