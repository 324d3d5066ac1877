/* mw-heap-sampler.c: heap sampling into an MwHeapLog.
 *
 * A tick queues node.heap() behind whatever the line is doing, so the sample is taken at the
 * board's next prompt: waiting for a moment when the queue happens to be empty and the prompt
 * was the last thing read starved the sampler for as long as output kept coming (under a
 * console flood the prompt is never the last thing read) or uploads followed one another. It
 * never queues inside a user's typed chunk (mw_repl_accepts_background), and one request at a
 * time; behind an upload it waits for the upload to end. */
#include "mw-config.h"

#include "mw-heap-sampler.h"

struct _MwHeapSampler
{
  GObject parent_instance;
  MwDevice *device;
  guint interval_ms;
  MwHeapLog *log;
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

static void
on_heap (GObject *source, GAsyncResult *result, gpointer user_data)
{
  g_autoptr (MwHeapSampler) self = user_data;
  g_autoptr (GError) error = NULL;
  gint64 heap = mw_device_heap_finish (MW_DEVICE (source), result, &error);
  gint64 now = g_get_real_time ();

  self->pending = FALSE;
  if (heap < 0 || error != NULL)
    return; /* a busy or resetting board: the next tick tries again */
  if (mw_heap_log_add_sample (self->log, now, MIN (heap, G_MAXUINT32)))
    g_signal_emit (self, signals[SIGNAL_SAMPLE], 0, now, heap);
}

static gboolean
on_tick (gpointer user_data)
{
  MwHeapSampler *self = user_data;

  if (!self->pending && mw_repl_accepts_background (mw_device_get_repl (self->device)))
    {
      self->pending = TRUE;
      mw_device_heap_async (self->device, self->cancellable, on_heap, g_object_ref (self));
    }
  return G_SOURCE_CONTINUE;
}

static void
on_reset (MwRepl *repl, gpointer user_data)
{
  mw_heap_sampler_add_event (MW_HEAP_SAMPLER (user_data), MW_HEAP_EVENT_RESET, NULL);
}

MwHeapSampler *
mw_heap_sampler_new (MwDevice *device, guint interval_ms, guint capacity)
{
  g_autoptr (MwHeapLog) log = NULL;

  g_return_val_if_fail (capacity > 1, NULL);
  log = mw_heap_log_new (capacity);
  return mw_heap_sampler_new_for_log (device, interval_ms, log);
}

MwHeapSampler *
mw_heap_sampler_new_for_log (MwDevice *device, guint interval_ms, MwHeapLog *log)
{
  MwHeapSampler *self;

  g_return_val_if_fail (MW_IS_DEVICE (device), NULL);
  g_return_val_if_fail (MW_IS_HEAP_LOG (log), NULL);
  g_return_val_if_fail (interval_ms > 0, NULL);
  self = g_object_new (MW_TYPE_HEAP_SAMPLER, NULL);
  self->device = g_object_ref (device);
  self->interval_ms = interval_ms;
  self->log = g_object_ref (log);
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

MwHeapLog *
mw_heap_sampler_get_log (MwHeapSampler *self)
{
  g_return_val_if_fail (MW_IS_HEAP_SAMPLER (self), NULL);
  return self->log;
}

void
mw_heap_sampler_add_event (MwHeapSampler *self, MwHeapEventKind kind, const char *label)
{
  g_return_if_fail (MW_IS_HEAP_SAMPLER (self));
  mw_heap_log_add_event (self->log, g_get_real_time (), kind, label);
}

GArray *
mw_heap_sampler_get_samples (MwHeapSampler *self)
{
  const MwHeapSample *samples;
  guint n;
  GArray *out;

  g_return_val_if_fail (MW_IS_HEAP_SAMPLER (self), NULL);
  samples = mw_heap_log_get_samples (self->log, &n);
  out = g_array_sized_new (FALSE, FALSE, sizeof (MwHeapSample), n);
  g_array_append_vals (out, samples, n);
  return out;
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

  g_clear_object (&self->log);
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
   * @time_us: wall-clock time of the sample
   * @heap: free heap in bytes
   */
  signals[SIGNAL_SAMPLE] = g_signal_new ("sample", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0,
                                         NULL, NULL, NULL, G_TYPE_NONE, 2, G_TYPE_INT64,
                                         G_TYPE_INT64);
}

static void
mw_heap_sampler_init (MwHeapSampler *self)
{
  self->cancellable = g_cancellable_new ();
}
