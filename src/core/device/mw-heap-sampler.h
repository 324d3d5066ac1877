/* mw-heap-sampler.h: MwHeapSampler samples node.heap() at an interval, at the board's next
 * prompt however busy the line is (between uploads, never inside a user's typed chunk), into an
 * MwHeapLog, and logs a reset event when the board restarts (a break for the leak analysis). */
#pragma once

#include "mw-device.h"
#include "mw-heap-log.h"

G_BEGIN_DECLS

#define MW_TYPE_HEAP_SAMPLER (mw_heap_sampler_get_type ())
G_DECLARE_FINAL_TYPE (MwHeapSampler, mw_heap_sampler, MW, HEAP_SAMPLER, GObject)

/* Into a log of its own keeping `capacity` samples (the oldest are dropped). */
MwHeapSampler *mw_heap_sampler_new (MwDevice *device, guint interval_ms, guint capacity);
/* Into `log`, which may outlive the sampler (the board's log across connections). */
MwHeapSampler *mw_heap_sampler_new_for_log (MwDevice *device, guint interval_ms, MwHeapLog *log);
void mw_heap_sampler_start (MwHeapSampler *self);
void mw_heap_sampler_stop (MwHeapSampler *self);
MwHeapLog *mw_heap_sampler_get_log (MwHeapSampler *self);
/* Logs an event now. */
void mw_heap_sampler_add_event (MwHeapSampler *self, MwHeapEventKind kind, const char *label);
/* The samples, oldest first (a copy: GArray of MwHeapSample). */
GArray *mw_heap_sampler_get_samples (MwHeapSampler *self);

G_END_DECLS
