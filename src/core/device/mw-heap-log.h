/* mw-heap-log.h: MwHeapLog, the board's free heap over time: samples, events (upload, run,
 * reset, snapshot, connect, disconnect) and the one leak analysis that both the CLI and the
 * app report.
 *
 * The leak figure is the least-squares slope of free heap against time, in bytes per minute,
 * over the last MW_HEAP_LEAK_WINDOW_S seconds of samples, and only over the samples since the
 * last break: a reset or a new connection (the heap may start again from scratch) or a gap in
 * the samples (more than
 * MW_HEAP_LEAK_GAP_FACTOR times the usual interval, e.g. a long command or a disconnection,
 * across which the program may have changed). A negative figure means the free heap shrinks.
 */
#pragma once

#include <glib-object.h>

G_BEGIN_DECLS

typedef struct
{
  gint64 time_us; /* wall clock (g_get_real_time) */
  guint32 heap; /* free heap in bytes, as node.heap() reports it */
} MwHeapSample;

typedef enum
{
  MW_HEAP_EVENT_UPLOAD,
  MW_HEAP_EVENT_RUN,
  MW_HEAP_EVENT_RESET,
  MW_HEAP_EVENT_SNAPSHOT, /* a heap snapshot was taken (the Memory view) */
  MW_HEAP_EVENT_CONNECT, /* a session began (label: the port); a break like a reset, as the
                          * board may have restarted unseen while nobody listened */
  MW_HEAP_EVENT_DISCONNECT, /* a session ended (label: why, when the port went away) */
} MwHeapEventKind;

/* "upload", "run", "reset", "snapshot", "connect", "disconnect" */
const char *mw_heap_event_kind_to_string (MwHeapEventKind kind);
/* Whether the heap starts again from scratch at this event (the leak analysis and the graph's
 * line break there): a reset or a new connection. */
gboolean mw_heap_event_kind_is_break (MwHeapEventKind kind);

typedef struct
{
  gint64 time_us;
  MwHeapEventKind kind;
  char *label; /* the file, or NULL */
} MwHeapEvent;

/* The window the leak figure is computed over: the last ten minutes of samples. */
#define MW_HEAP_LEAK_WINDOW_S 600
/* A pause between samples longer than this many times the median interval breaks the run. */
#define MW_HEAP_LEAK_GAP_FACTOR 3
/* Fewer samples than this since the last break: no figure yet. */
#define MW_HEAP_LEAK_MIN_SAMPLES 3
/* A figure below minus this (B/min) is reported as a possible leak. */
#define MW_HEAP_LEAK_SUSPECT_B_PER_MIN 1.0

typedef struct
{
  double bytes_per_min; /* slope of the free heap; negative: it shrinks */
  guint n_samples; /* samples the figure is computed from */
  double seconds; /* the time they span */
} MwHeapLeak;

/* Least-squares slope in bytes per second of the samples (pure; needs >= 2 samples spread
 * over time). Returns FALSE when it cannot be estimated. */
gboolean mw_heap_slope (const MwHeapSample *samples, gsize n, double *bytes_per_second);
/* The leak analysis over `samples` (time order) with the times of resets in `breaks` (pure).
 * FALSE when there are too few samples since the last break. */
gboolean mw_heap_leak_analyze (const MwHeapSample *samples, gsize n, const gint64 *breaks,
                               gsize n_breaks, MwHeapLeak *leak);
/* Whether `leak` is worth a warning. */
gboolean mw_heap_leak_is_suspect (const MwHeapLeak *leak);

#define MW_TYPE_HEAP_LOG (mw_heap_log_get_type ())
G_DECLARE_FINAL_TYPE (MwHeapLog, mw_heap_log, MW, HEAP_LOG, GObject)

/* `capacity`: samples kept, the oldest dropped first (0: all). */
MwHeapLog *mw_heap_log_new (guint capacity);
/* Appends a sample; one older than the last is dropped (FALSE). Emits "changed". */
gboolean mw_heap_log_add_sample (MwHeapLog *self, gint64 time_us, guint32 heap);
void mw_heap_log_add_event (MwHeapLog *self, gint64 time_us, MwHeapEventKind kind,
                            const char *label);
void mw_heap_log_clear (MwHeapLog *self);
/* Oldest first; valid until the next change. */
const MwHeapSample *mw_heap_log_get_samples (MwHeapLog *self, guint *n_samples);
const MwHeapEvent *mw_heap_log_get_events (MwHeapLog *self, guint *n_events);
/* Lowest and highest sample ever logged (since the last clear); FALSE without samples. */
gboolean mw_heap_log_get_range (MwHeapLog *self, guint32 *min, guint32 *max);
/* mw_heap_leak_analyze() over the log, resets as breaks. */
gboolean mw_heap_log_get_leak (MwHeapLog *self, MwHeapLeak *leak);

G_END_DECLS
