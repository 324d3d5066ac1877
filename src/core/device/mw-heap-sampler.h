/* mw-heap-sampler.h: MwHeapSampler samples node.heap() at an interval, only while the board
 * is idle at its prompt (never between a user's commands), into a ring buffer with
 * timestamps; events (upload, run, reset) are kept beside the samples; a leak is estimated
 * as the least-squares slope of the heap over a window. */
#pragma once

#include "mw-device.h"

G_BEGIN_DECLS

typedef struct
{
  gint64 time_us; /* monotonic */
  gint64 heap; /* bytes */
} MwHeapSample;

typedef struct
{
  gint64 time_us;
  char *what; /* "upload init.lua", "run", "reset" */
} MwHeapEvent;

/* Least-squares slope in bytes per second of the samples (pure; needs >= 2 samples spread
 * over time). Returns FALSE when it cannot be estimated. */
gboolean mw_heap_slope (const MwHeapSample *samples, gsize n, double *bytes_per_second);

#define MW_TYPE_HEAP_SAMPLER (mw_heap_sampler_get_type ())
G_DECLARE_FINAL_TYPE (MwHeapSampler, mw_heap_sampler, MW, HEAP_SAMPLER, GObject)

/* `capacity`: samples kept (the oldest are dropped). */
MwHeapSampler *mw_heap_sampler_new (MwDevice *device, guint interval_ms, guint capacity);
void mw_heap_sampler_start (MwHeapSampler *self);
void mw_heap_sampler_stop (MwHeapSampler *self);
void mw_heap_sampler_add_event (MwHeapSampler *self, const char *what);
/* The samples, oldest first (a copy: GArray of MwHeapSample). */
GArray *mw_heap_sampler_get_samples (MwHeapSampler *self);
/* Events: GPtrArray of MwHeapEvent, owned by the sampler. */
GPtrArray *mw_heap_sampler_get_events (MwHeapSampler *self);
/* Slope over the samples of the last `window_ms`. */
gboolean mw_heap_sampler_get_leak (MwHeapSampler *self, guint window_ms, double *bytes_per_second);

G_END_DECLS
