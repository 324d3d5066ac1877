/* mw-heap-log.c: heap samples, events and the leak analysis (see mw-heap-log.h). */
#include "mw-config.h"

#include "mw-heap-log.h"

#include <stdlib.h>

struct _MwHeapLog
{
  GObject parent_instance;
  guint capacity;
  GArray *samples; /* MwHeapSample */
  GArray *events; /* MwHeapEvent */
  guint32 min, max;
};

G_DEFINE_FINAL_TYPE (MwHeapLog, mw_heap_log, G_TYPE_OBJECT)

enum
{
  SIGNAL_CHANGED,
  N_SIGNALS
};
static guint signals[N_SIGNALS];

gboolean
mw_heap_slope (const MwHeapSample *samples, gsize n, double *bytes_per_second)
{
  double mt = 0, mh = 0, num = 0, den = 0;

  if (n < 2)
    return FALSE;
  for (gsize i = 0; i < n; i++)
    {
      mt += (samples[i].time_us - samples[0].time_us) / 1e6;
      mh += samples[i].heap;
    }
  mt /= n;
  mh /= n;
  for (gsize i = 0; i < n; i++)
    {
      double t = (samples[i].time_us - samples[0].time_us) / 1e6 - mt;

      num += t * (samples[i].heap - mh);
      den += t * t;
    }
  if (den <= 0)
    return FALSE;
  *bytes_per_second = num / den;
  return TRUE;
}

static int
compare_gint64 (const void *a, const void *b)
{
  gint64 x = *(const gint64 *) a, y = *(const gint64 *) b;

  return x < y ? -1 : x > y;
}

gboolean
mw_heap_leak_analyze (const MwHeapSample *samples, gsize n, const gint64 *breaks, gsize n_breaks,
                      MwHeapLeak *leak)
{
  gsize first = 0;
  gint64 end, last_break = G_MININT64;
  double slope;

  g_return_val_if_fail (leak != NULL, FALSE);
  if (n == 0)
    return FALSE;
  end = samples[n - 1].time_us;
  for (gsize i = 0; i < n_breaks; i++)
    if (breaks[i] <= end)
      last_break = MAX (last_break, breaks[i]);
  /* the window, then the last reset */
  while (first < n
         && (samples[first].time_us < end - (gint64) MW_HEAP_LEAK_WINDOW_S * G_USEC_PER_SEC
             || samples[first].time_us <= last_break))
    first++;
  /* the last gap: an interval well above the usual one */
  if (n - first >= 3)
    {
      g_autofree gint64 *gaps = g_new (gint64, n - first - 1);
      gint64 median;

      for (gsize i = first + 1; i < n; i++)
        gaps[i - first - 1] = samples[i].time_us - samples[i - 1].time_us;
      qsort (gaps, n - first - 1, sizeof *gaps, compare_gint64);
      median = gaps[(n - first - 1) / 2];
      for (gsize i = n - 1; i > first; i--)
        if (samples[i].time_us - samples[i - 1].time_us > MW_HEAP_LEAK_GAP_FACTOR * median)
          {
            first = i;
            break;
          }
    }
  if (n - first < MW_HEAP_LEAK_MIN_SAMPLES || !mw_heap_slope (samples + first, n - first, &slope))
    return FALSE;
  leak->bytes_per_min = slope * 60;
  leak->n_samples = n - first;
  leak->seconds = (end - samples[first].time_us) / 1e6;
  return TRUE;
}

const char *
mw_heap_event_kind_to_string (MwHeapEventKind kind)
{
  switch (kind)
    {
      case MW_HEAP_EVENT_UPLOAD:
        return "upload";
      case MW_HEAP_EVENT_RUN:
        return "run";
      case MW_HEAP_EVENT_RESET:
        return "reset";
      case MW_HEAP_EVENT_SNAPSHOT:
        return "snapshot";
      case MW_HEAP_EVENT_CONNECT:
        return "connect";
      case MW_HEAP_EVENT_DISCONNECT:
        return "disconnect";
      default:
        g_return_val_if_reached ("event");
    }
}

gboolean
mw_heap_event_kind_is_break (MwHeapEventKind kind)
{
  return kind == MW_HEAP_EVENT_RESET || kind == MW_HEAP_EVENT_CONNECT;
}

gboolean
mw_heap_leak_is_suspect (const MwHeapLeak *leak)
{
  return leak->bytes_per_min < -MW_HEAP_LEAK_SUSPECT_B_PER_MIN;
}

MwHeapLog *
mw_heap_log_new (guint capacity)
{
  MwHeapLog *self = g_object_new (MW_TYPE_HEAP_LOG, NULL);

  self->capacity = capacity;
  return self;
}

gboolean
mw_heap_log_add_sample (MwHeapLog *self, gint64 time_us, guint32 heap)
{
  MwHeapSample sample = { time_us, heap };

  g_return_val_if_fail (MW_IS_HEAP_LOG (self), FALSE);
  if (self->samples->len > 0
      && time_us < g_array_index (self->samples, MwHeapSample, self->samples->len - 1).time_us)
    return FALSE;
  if (self->capacity > 0 && self->samples->len >= self->capacity)
    g_array_remove_range (self->samples, 0, self->samples->len - self->capacity + 1);
  g_array_append_val (self->samples, sample);
  self->min = MIN (self->min, heap);
  self->max = MAX (self->max, heap);
  g_signal_emit (self, signals[SIGNAL_CHANGED], 0);
  return TRUE;
}

void
mw_heap_log_add_event (MwHeapLog *self, gint64 time_us, MwHeapEventKind kind, const char *label)
{
  MwHeapEvent event = { time_us, kind, g_strdup (label) };

  g_return_if_fail (MW_IS_HEAP_LOG (self));
  g_array_append_val (self->events, event);
  g_signal_emit (self, signals[SIGNAL_CHANGED], 0);
}

void
mw_heap_log_clear (MwHeapLog *self)
{
  g_return_if_fail (MW_IS_HEAP_LOG (self));
  g_array_set_size (self->samples, 0);
  g_array_set_size (self->events, 0);
  self->min = G_MAXUINT32;
  self->max = 0;
  g_signal_emit (self, signals[SIGNAL_CHANGED], 0);
}

const MwHeapSample *
mw_heap_log_get_samples (MwHeapLog *self, guint *n_samples)
{
  g_return_val_if_fail (MW_IS_HEAP_LOG (self), NULL);
  *n_samples = self->samples->len;
  return (const MwHeapSample *) (gpointer) self->samples->data;
}

const MwHeapEvent *
mw_heap_log_get_events (MwHeapLog *self, guint *n_events)
{
  g_return_val_if_fail (MW_IS_HEAP_LOG (self), NULL);
  *n_events = self->events->len;
  return (const MwHeapEvent *) (gpointer) self->events->data;
}

gboolean
mw_heap_log_get_range (MwHeapLog *self, guint32 *min, guint32 *max)
{
  g_return_val_if_fail (MW_IS_HEAP_LOG (self), FALSE);
  if (self->samples->len == 0)
    return FALSE;
  *min = self->min;
  *max = self->max;
  return TRUE;
}

gboolean
mw_heap_log_get_leak (MwHeapLog *self, MwHeapLeak *leak)
{
  g_autoptr (GArray) breaks = g_array_new (FALSE, FALSE, sizeof (gint64));

  g_return_val_if_fail (MW_IS_HEAP_LOG (self), FALSE);
  for (guint i = 0; i < self->events->len; i++)
    {
      const MwHeapEvent *event = &g_array_index (self->events, MwHeapEvent, i);

      if (mw_heap_event_kind_is_break (event->kind))
        g_array_append_val (breaks, event->time_us);
    }
  return mw_heap_leak_analyze ((const MwHeapSample *) (gpointer) self->samples->data,
                               self->samples->len, (const gint64 *) (gpointer) breaks->data,
                               breaks->len, leak);
}

static void
event_clear (MwHeapEvent *event)
{
  g_free (event->label);
}

static void
mw_heap_log_finalize (GObject *object)
{
  MwHeapLog *self = MW_HEAP_LOG (object);

  g_array_unref (self->samples);
  g_array_unref (self->events);
  G_OBJECT_CLASS (mw_heap_log_parent_class)->finalize (object);
}

static void
mw_heap_log_class_init (MwHeapLogClass *klass)
{
  G_OBJECT_CLASS (klass)->finalize = mw_heap_log_finalize;
  /**
   * MwHeapLog::changed:
   *
   * A sample or an event was added, or the log cleared.
   */
  signals[SIGNAL_CHANGED] = g_signal_new ("changed", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST,
                                          0, NULL, NULL, NULL, G_TYPE_NONE, 0);
}

static void
mw_heap_log_init (MwHeapLog *self)
{
  self->samples = g_array_new (FALSE, FALSE, sizeof (MwHeapSample));
  self->events = g_array_new (FALSE, FALSE, sizeof (MwHeapEvent));
  g_array_set_clear_func (self->events, (GDestroyNotify) event_clear);
  self->min = G_MAXUINT32;
}
