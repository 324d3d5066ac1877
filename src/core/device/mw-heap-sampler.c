/* mw-heap-sampler.c: idle-only heap sampling into a ring buffer. */
#include "mw-config.h"

#include "mw-heap-sampler.h"

struct _MwHeapSampler
{
  GObject parent_instance;
  MwDevice *device;
  guint interval_ms;
  guint capacity;
  MwHeapSample *ring;
  guint head; /* next slot */
  guint count;
  GPtrArray *events;
  GSource *timer;
  GCancellable *cancellable;
  gboolean pending;
  gulong reset_id;
};

G_DEFINE_FINAL_TYPE (MwHeapSampler, mw_heap_sampler, G_TYPE_OBJECT)

enum
{
  SIGNAL_SAMPLE,
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

static void
event_free (MwHeapEvent *event)
{
  g_free (event->what);
  g_free (event);
}

static void
on_heap (GObject *source, GAsyncResult *result, gpointer user_data)
{
  g_autoptr (MwHeapSampler) self = user_data;
  g_autoptr (GError) error = NULL;
  gint64 heap = mw_device_heap_finish (MW_DEVICE (source), result, &error);
  MwHeapSample sample;

  self->pending = FALSE;
  if (heap < 0 || error != NULL)
    return; /* a busy or resetting board: the next tick tries again */
  sample.time_us = g_get_monotonic_time ();
  sample.heap = heap;
  self->ring[self->head] = sample;
  self->head = (self->head + 1) % self->capacity;
  self->count = MIN (self->count + 1, self->capacity);
  g_signal_emit (self, signals[SIGNAL_SAMPLE], 0, sample.time_us, sample.heap);
}

static gboolean
on_tick (gpointer user_data)
{
  MwHeapSampler *self = user_data;

  /* Only at the prompt with nothing queued: never between a user's commands. */
  if (!self->pending && mw_repl_is_idle (mw_device_get_repl (self->device)))
    {
      self->pending = TRUE;
      mw_device_heap_async (self->device, self->cancellable, on_heap, g_object_ref (self));
    }
  return G_SOURCE_CONTINUE;
}

static void
on_reset (MwRepl *repl, gpointer user_data)
{
  mw_heap_sampler_add_event (MW_HEAP_SAMPLER (user_data), "reset");
}

MwHeapSampler *
mw_heap_sampler_new (MwDevice *device, guint interval_ms, guint capacity)
{
  MwHeapSampler *self;

  g_return_val_if_fail (MW_IS_DEVICE (device), NULL);
  g_return_val_if_fail (interval_ms > 0 && capacity > 1, NULL);
  self = g_object_new (MW_TYPE_HEAP_SAMPLER, NULL);
  self->device = g_object_ref (device);
  self->interval_ms = interval_ms;
  self->capacity = capacity;
  self->ring = g_new0 (MwHeapSample, capacity);
  self->reset_id =
    g_signal_connect (mw_device_get_repl (device), "reset", G_CALLBACK (on_reset), self);
  return self;
}

void
mw_heap_sampler_start (MwHeapSampler *self)
{
  g_return_if_fail (MW_IS_HEAP_SAMPLER (self));
  if (self->timer != NULL)
    return;
  self->timer = g_timeout_source_new (self->interval_ms);
  g_source_set_name (self->timer, "MwHeapSampler tick");
  g_source_set_callback (self->timer, on_tick, self, NULL);
  g_source_attach (self->timer, g_main_context_get_thread_default ());
  on_tick (self);
}

void
mw_heap_sampler_stop (MwHeapSampler *self)
{
  g_return_if_fail (MW_IS_HEAP_SAMPLER (self));
  if (self->timer != NULL)
    {
      g_source_destroy (self->timer);
      g_clear_pointer (&self->timer, g_source_unref);
    }
  g_cancellable_cancel (self->cancellable);
  g_clear_object (&self->cancellable);
  self->cancellable = g_cancellable_new ();
}

void
mw_heap_sampler_add_event (MwHeapSampler *self, const char *what)
{
  MwHeapEvent *event;

  g_return_if_fail (MW_IS_HEAP_SAMPLER (self));
  event = g_new0 (MwHeapEvent, 1);
  event->time_us = g_get_monotonic_time ();
  event->what = g_strdup (what);
  g_ptr_array_add (self->events, event);
}

GArray *
mw_heap_sampler_get_samples (MwHeapSampler *self)
{
  GArray *out;

  g_return_val_if_fail (MW_IS_HEAP_SAMPLER (self), NULL);
  out = g_array_sized_new (FALSE, FALSE, sizeof (MwHeapSample), self->count);
  for (guint i = 0; i < self->count; i++)
    {
      guint k = (self->head + self->capacity - self->count + i) % self->capacity;

      g_array_append_val (out, self->ring[k]);
    }
  return out;
}

GPtrArray *
mw_heap_sampler_get_events (MwHeapSampler *self)
{
  g_return_val_if_fail (MW_IS_HEAP_SAMPLER (self), NULL);
  return self->events;
}

gboolean
mw_heap_sampler_get_leak (MwHeapSampler *self, guint window_ms, double *bytes_per_second)
{
  g_autoptr (GArray) all = NULL;
  gint64 since = g_get_monotonic_time () - (gint64) window_ms * 1000;
  guint first = 0;

  g_return_val_if_fail (MW_IS_HEAP_SAMPLER (self), FALSE);
  all = mw_heap_sampler_get_samples (self);
  while (first < all->len && g_array_index (all, MwHeapSample, first).time_us < since)
    first++;
  return mw_heap_slope (&g_array_index (all, MwHeapSample, 0) + first, all->len - first,
                        bytes_per_second);
}

static void
mw_heap_sampler_dispose (GObject *object)
{
  MwHeapSampler *self = MW_HEAP_SAMPLER (object);

  if (self->timer != NULL)
    mw_heap_sampler_stop (self);
  if (self->device != NULL)
    g_clear_signal_handler (&self->reset_id, mw_device_get_repl (self->device));
  g_clear_object (&self->device);
  G_OBJECT_CLASS (mw_heap_sampler_parent_class)->dispose (object);
}

static void
mw_heap_sampler_finalize (GObject *object)
{
  MwHeapSampler *self = MW_HEAP_SAMPLER (object);

  g_free (self->ring);
  g_ptr_array_unref (self->events);
  g_clear_object (&self->cancellable);
  G_OBJECT_CLASS (mw_heap_sampler_parent_class)->finalize (object);
}

static void
mw_heap_sampler_class_init (MwHeapSamplerClass *klass)
{
  G_OBJECT_CLASS (klass)->dispose = mw_heap_sampler_dispose;
  G_OBJECT_CLASS (klass)->finalize = mw_heap_sampler_finalize;
  /**
   * MwHeapSampler::sample:
   * @time_us: monotonic time of the sample
   * @heap: free heap in bytes
   */
  signals[SIGNAL_SAMPLE] = g_signal_new ("sample", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0,
                                         NULL, NULL, NULL, G_TYPE_NONE, 2, G_TYPE_INT64,
                                         G_TYPE_INT64);
}

static void
mw_heap_sampler_init (MwHeapSampler *self)
{
  self->events = g_ptr_array_new_with_free_func ((GDestroyNotify) event_free);
  self->cancellable = g_cancellable_new ();
}
