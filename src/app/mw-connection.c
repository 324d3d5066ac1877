/* mw-connection.c: the window's link to a board.
 *
 * Owns, while connected: the simulator (for "Simulated NodeMCU": the library runs the board
 * on its own thread behind a pty, as moonwire-sim does), the transport for the port, the
 * REPL engine and the device object. The window only binds to the signals below and calls
 * the device's _async operations; it never sees a file descriptor.
 *
 * Signals: "console" (GBytes: board output outside command replies), "reset" (the board
 * restarted), "heap-sample" (gint64 wall-clock µs, guint free bytes), "disconnected"
 * (a message, or NULL when asked for).
 */
#include "mw-config.h"

#include "mw-connection.h"

#include "mw-serial-transport.h"
#include "mw-sim.h"

#define SYNC_TIMEOUT_MS 5000

struct _MwConnection
{
  GObject parent_instance;

  MwSim *sim;
  MwRepl *repl;
  MwDevice *device;
  MwBoardInfo *info;
  char *port;
  gboolean connected;

  guint heap_interval;
  guint heap_source;
  gboolean heap_pending;
  GCancellable *cancellable; /* the connection's own work (probe, samples) */
};

G_DEFINE_TYPE (MwConnection, mw_connection, G_TYPE_OBJECT)

enum
{
  PROP_0,
  PROP_CONNECTED,
  N_PROPS
};
static GParamSpec *properties[N_PROPS];

enum
{
  CONSOLE,
  RESET,
  HEAP_SAMPLE,
  DISCONNECTED,
  N_SIGNALS
};
static guint signals[N_SIGNALS];

static void
set_connected (MwConnection *self, gboolean connected)
{
  if (self->connected == connected)
    return;
  self->connected = connected;
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_CONNECTED]);
}

static void
teardown (MwConnection *self)
{
  g_clear_handle_id (&self->heap_source, g_source_remove);
  g_cancellable_cancel (self->cancellable);
  g_clear_object (&self->cancellable);
  if (self->repl != NULL)
    {
      g_signal_handlers_disconnect_by_data (self->repl, self);
      mw_repl_close (self->repl);
    }
  g_clear_object (&self->device);
  g_clear_object (&self->repl);
  if (self->sim != NULL)
    mw_sim_stop (self->sim);
  g_clear_object (&self->sim);
  g_clear_pointer (&self->info, mw_board_info_free);
  g_clear_pointer (&self->port, g_free);
  self->heap_pending = FALSE;
}

static void
console_cb (MwRepl *repl, GBytes *data, gboolean noise, MwConnection *self)
{
  if (!noise)
    g_signal_emit (self, signals[CONSOLE], 0, data);
}

static void
reset_cb (MwRepl *repl, MwConnection *self)
{
  g_signal_emit (self, signals[RESET], 0);
}

static void
state_cb (MwRepl *repl, GParamSpec *pspec, MwConnection *self)
{
  if (mw_repl_get_state (repl) == MW_REPL_STATE_CLOSED && self->connected)
    {
      g_object_ref (self);
      teardown (self);
      set_connected (self, FALSE);
      g_signal_emit (self, signals[DISCONNECTED], 0, "The board's port closed");
      g_object_unref (self);
    }
}

static void
heap_done_cb (GObject *object, GAsyncResult *result, gpointer user_data)
{
  g_autoptr (MwConnection) self = user_data;
  g_autoptr (GError) error = NULL;
  gint64 heap = mw_device_heap_finish (MW_DEVICE (object), result, &error);

  self->heap_pending = FALSE;
  if (heap >= 0 && self->connected)
    g_signal_emit (self, signals[HEAP_SAMPLE], 0, g_get_real_time (), (guint) heap);
}

static gboolean
heap_timeout_cb (gpointer user_data)
{
  MwConnection *self = user_data;

  /* Never queue behind a user's command or an upload: skip a beat instead. */
  if (self->device != NULL && !self->heap_pending && mw_repl_is_idle (self->repl))
    {
      self->heap_pending = TRUE;
      mw_device_heap_async (self->device, self->cancellable, heap_done_cb, g_object_ref (self));
    }
  return G_SOURCE_CONTINUE;
}

static void
restart_sampler (MwConnection *self)
{
  g_clear_handle_id (&self->heap_source, g_source_remove);
  if (self->connected && self->heap_interval > 0)
    {
      self->heap_source = g_timeout_add_seconds (self->heap_interval, heap_timeout_cb, self);
      g_source_set_name_by_id (self->heap_source, "[moonwire] heap sampler");
    }
}

static void
probe_done_cb (GObject *object, GAsyncResult *result, gpointer user_data)
{
  g_autoptr (GTask) task = user_data;
  MwConnection *self = g_task_get_source_object (task);
  g_autoptr (GError) error = NULL;
  MwBoardInfo *info = mw_device_probe_finish (MW_DEVICE (object), result, &error);

  if (info == NULL)
    {
      teardown (self);
      g_task_return_error (task, g_steal_pointer (&error));
      return;
    }
  self->info = info;
  set_connected (self, TRUE);
  restart_sampler (self);
  g_task_return_boolean (task, TRUE);
}

static void
sync_done_cb (GObject *object, GAsyncResult *result, gpointer user_data)
{
  g_autoptr (GTask) task = user_data;
  MwConnection *self = g_task_get_source_object (task);
  g_autoptr (GError) error = NULL;
  GCancellable *cancellable;

  if (!mw_repl_sync_finish (MW_REPL (object), result, &error))
    {
      teardown (self);
      g_task_return_error (task, g_steal_pointer (&error));
      return;
    }
  cancellable = g_task_get_cancellable (task);
  mw_device_probe_async (self->device, cancellable, probe_done_cb, g_steal_pointer (&task));
}

void
mw_connection_connect_async (MwConnection *self, const char *port, guint baud,
                             GCancellable *cancellable, GAsyncReadyCallback callback,
                             gpointer user_data)
{
  g_autoptr (GTask) task = NULL;
  g_autoptr (MwTransport) transport = NULL;
  g_autoptr (GError) error = NULL;
  const char *path = port;

  g_return_if_fail (MW_IS_CONNECTION (self));
  g_return_if_fail (port != NULL);

  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, mw_connection_connect_async);
  teardown (self);
  set_connected (self, FALSE);
  self->cancellable = g_cancellable_new ();
  self->port = g_strdup (port);

  if (g_strcmp0 (port, MW_CONNECTION_SIMULATED) == 0)
    {
      MwSimOptions options;

      /* Paced at the baud rate like a real board, so uploads show their progress. */
      mw_sim_options_init (&options);
      options.baud = baud;
      self->sim = mw_sim_new (&options);
      if (!mw_sim_start (self->sim, &error))
        {
          teardown (self);
          g_task_return_error (task, g_steal_pointer (&error));
          return;
        }
      path = mw_sim_get_path (self->sim);
    }

  transport = mw_transport_new_for_port (path);
  self->repl = mw_repl_new (transport);
  self->device = mw_device_new (self->repl);
  g_signal_connect (self->repl, "console", G_CALLBACK (console_cb), self);
  g_signal_connect (self->repl, "reset", G_CALLBACK (reset_cb), self);
  g_signal_connect (self->repl, "notify::state", G_CALLBACK (state_cb), self);
  if (!mw_repl_open (self->repl, NULL, &error) || !mw_repl_set_baud (self->repl, baud, &error))
    {
      teardown (self);
      g_task_return_error (task, g_steal_pointer (&error));
      return;
    }
  mw_repl_sync_async (self->repl, SYNC_TIMEOUT_MS, cancellable, sync_done_cb,
                      g_steal_pointer (&task));
}

gboolean
mw_connection_connect_finish (MwConnection *self, GAsyncResult *result, GError **error)
{
  g_return_val_if_fail (g_task_is_valid (result, self), FALSE);
  return g_task_propagate_boolean (G_TASK (result), error);
}

void
mw_connection_disconnect (MwConnection *self)
{
  g_return_if_fail (MW_IS_CONNECTION (self));
  teardown (self);
  if (self->connected)
    {
      set_connected (self, FALSE);
      g_signal_emit (self, signals[DISCONNECTED], 0, NULL);
    }
}

gboolean
mw_connection_is_connected (MwConnection *self)
{
  g_return_val_if_fail (MW_IS_CONNECTION (self), FALSE);
  return self->connected;
}

MwDevice *
mw_connection_get_device (MwConnection *self)
{
  g_return_val_if_fail (MW_IS_CONNECTION (self), NULL);
  return self->connected ? self->device : NULL;
}

MwRepl *
mw_connection_get_repl (MwConnection *self)
{
  g_return_val_if_fail (MW_IS_CONNECTION (self), NULL);
  return self->connected ? self->repl : NULL;
}

const MwBoardInfo *
mw_connection_get_board_info (MwConnection *self)
{
  g_return_val_if_fail (MW_IS_CONNECTION (self), NULL);
  return self->info;
}

const char *
mw_connection_get_port (MwConnection *self)
{
  g_return_val_if_fail (MW_IS_CONNECTION (self), NULL);
  return self->port;
}

void
mw_connection_set_heap_interval (MwConnection *self, guint seconds)
{
  g_return_if_fail (MW_IS_CONNECTION (self));
  self->heap_interval = seconds;
  restart_sampler (self);
}

static void
mw_connection_get_property (GObject *object, guint prop_id, GValue *value, GParamSpec *pspec)
{
  switch (prop_id)
    {
      case PROP_CONNECTED:
        g_value_set_boolean (value, MW_CONNECTION (object)->connected);
        break;
      default:
        G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
mw_connection_dispose (GObject *object)
{
  teardown (MW_CONNECTION (object));
  G_OBJECT_CLASS (mw_connection_parent_class)->dispose (object);
}

static void
mw_connection_class_init (MwConnectionClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->get_property = mw_connection_get_property;
  object_class->dispose = mw_connection_dispose;

  properties[PROP_CONNECTED] =
    g_param_spec_boolean ("connected", "Connected", "Whether a board answers", FALSE,
                          G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  g_object_class_install_properties (object_class, N_PROPS, properties);

  signals[CONSOLE] = g_signal_new ("console", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0, NULL,
                                   NULL, NULL, G_TYPE_NONE, 1, G_TYPE_BYTES);
  signals[RESET] = g_signal_new ("reset", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0, NULL,
                                 NULL, NULL, G_TYPE_NONE, 0);
  signals[HEAP_SAMPLE] = g_signal_new ("heap-sample", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST,
                                       0, NULL, NULL, NULL, G_TYPE_NONE, 2, G_TYPE_INT64,
                                       G_TYPE_UINT);
  signals[DISCONNECTED] = g_signal_new ("disconnected", G_TYPE_FROM_CLASS (klass),
                                        G_SIGNAL_RUN_LAST, 0, NULL, NULL, NULL, G_TYPE_NONE, 1,
                                        G_TYPE_STRING);
}

static void
mw_connection_init (MwConnection *self)
{
  self->heap_interval = 2;
}

MwConnection *
mw_connection_new (void)
{
  return g_object_new (MW_TYPE_CONNECTION, NULL);
}
