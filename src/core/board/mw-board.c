/* mw-board.c: one session with one board (see mw-board.h). */
#include "mw-config.h"

#include "mw-board.h"
#include "mw-board-private.h"

#include "mw-heap-sampler.h"
#include "mw-serial-transport.h"
#include "mw-sim.h"

/* After a reset: the banner, init.lua, then the prompt. */
#define RESET_SETTLE_MS 200
#define RESET_SYNC_MIN_MS 5000
#define RESTART_TIMEOUT_MS 2000

struct _MwBoard
{
  GObject parent_instance;

  MwSim *sim;
  MwRepl *repl;
  MwDevice *device;
  MwBoardInfo *info;
  char *port;
  gboolean connected;
  guint timeout_ms;

  MwHeapLog *heap_log;
  MwHeapSampler *sampler;
  guint heap_interval;
  GCancellable *cancellable; /* the session's own work (probe) */
};

G_DEFINE_FINAL_TYPE (MwBoard, mw_board, G_TYPE_OBJECT)

enum
{
  PROP_0,
  PROP_CONNECTED,
  PROP_PORT,
  PROP_HEAP_INTERVAL,
  N_PROPS
};
static GParamSpec *properties[N_PROPS];

enum
{
  SIGNAL_CONSOLE,
  SIGNAL_RESET,
  SIGNAL_HEAP_SAMPLE,
  SIGNAL_DISCONNECTED,
  SIGNAL_LINE_SENT,
  N_SIGNALS
};
static guint signals[N_SIGNALS];

void
mw_board_upload_result_clear (MwBoardUploadResult *result)
{
  g_clear_pointer (&result->board_name, g_free);
}

static void
set_connected (MwBoard *self, gboolean connected)
{
  if (self->connected == connected)
    return;
  self->connected = connected;
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_CONNECTED]);
}

static void
stop_sampler (MwBoard *self)
{
  if (self->sampler != NULL)
    {
      g_signal_handlers_disconnect_by_data (self->sampler, self);
      mw_heap_sampler_stop (self->sampler);
      g_clear_object (&self->sampler);
    }
}

static void
on_heap_sample (MwHeapSampler *sampler, gint64 time_us, gint64 heap, gpointer user_data)
{
  g_signal_emit (user_data, signals[SIGNAL_HEAP_SAMPLE], 0, time_us, (guint) heap);
}

static void
restart_sampler (MwBoard *self)
{
  stop_sampler (self);
  if (self->connected && self->heap_interval > 0)
    {
      self->sampler =
        mw_heap_sampler_new_for_log (self->device, self->heap_interval, self->heap_log);
      g_signal_connect (self->sampler, "sample", G_CALLBACK (on_heap_sample), self);
      mw_heap_sampler_start (self->sampler);
    }
}

static void
teardown (MwBoard *self)
{
  stop_sampler (self);
  if (self->cancellable != NULL)
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
}

static void
on_console (MwRepl *repl, GBytes *data, gboolean noise, MwBoard *self)
{
  if (!noise)
    g_signal_emit (self, signals[SIGNAL_CONSOLE], 0, data);
}

static void
on_line_sent (MwRepl *repl, const char *line, MwBoard *self)
{
  g_signal_emit (self, signals[SIGNAL_LINE_SENT], 0, line);
}

static void
on_reset (MwRepl *repl, MwBoard *self)
{
  /* a break for the leak analysis, logged by the sampler while it runs; the boot seen while
   * connecting is not news */
  if (self->connected && self->sampler == NULL)
    mw_heap_log_add_event (self->heap_log, g_get_real_time (), MW_HEAP_EVENT_RESET, NULL);
  g_signal_emit (self, signals[SIGNAL_RESET], 0);
}

static void
on_state (MwRepl *repl, GParamSpec *pspec, MwBoard *self)
{
  if (mw_repl_get_state (repl) == MW_REPL_STATE_CLOSED && self->connected)
    {
      g_object_ref (self);
      teardown (self);
      set_connected (self, FALSE);
      mw_heap_log_add_event (self->heap_log, g_get_real_time (), MW_HEAP_EVENT_DISCONNECT,
                             "the port closed");
      g_signal_emit (self, signals[SIGNAL_DISCONNECTED], 0, "The board's port closed");
      g_object_unref (self);
    }
}

/* ---- connect ---- */

typedef struct
{
  MwBoardConnectFlags flags;
  GSource *settle;
} ConnectData;

static void
connect_data_free (ConnectData *data)
{
  if (data->settle != NULL)
    {
      g_source_destroy (data->settle);
      g_source_unref (data->settle);
    }
  g_free (data);
}

static void
connect_fail (GTask *task, GError *error)
{
  teardown (g_task_get_source_object (task));
  g_task_return_error (task, error);
}

static void
connected_now (GTask *task)
{
  MwBoard *self = g_task_get_source_object (task);

  set_connected (self, TRUE);
  mw_heap_log_add_event (self->heap_log, g_get_real_time (), MW_HEAP_EVENT_CONNECT, self->port);
  restart_sampler (self);
  g_task_return_boolean (task, TRUE);
}

static void
on_cleaned (GObject *object, GAsyncResult *result, gpointer user_data)
{
  g_autoptr (GTask) task = user_data;
  g_autoptr (GBytes) ignored = mw_repl_execute_finish (MW_REPL (object), result, NULL);

  /* best effort: a board that cannot remove it still connects */
  connected_now (task);
}

/* The last step of connecting: the optional clean-up, then connected. */
static void
finish_connect (GTask *task)
{
  MwBoard *self = g_task_get_source_object (task);
  ConnectData *data = g_task_get_task_data (task);

  if (data->flags & MW_BOARD_CONNECT_CLEAN)
    {
      g_autofree char *code = mw_board_lua_remove_if_there (MW_UPLOAD_TEMP_NAME);

      mw_repl_execute_async (self->repl, code, self->timeout_ms, NULL, NULL,
                             g_task_get_cancellable (task), on_cleaned, g_object_ref (task));
      return;
    }
  connected_now (task);
}

static void
on_probe_done (GObject *object, GAsyncResult *result, gpointer user_data)
{
  g_autoptr (GTask) task = user_data;
  MwBoard *self = g_task_get_source_object (task);
  GError *error = NULL;
  MwBoardInfo *info = mw_device_probe_finish (MW_DEVICE (object), result, &error);

  if (info == NULL)
    {
      connect_fail (task, error);
      return;
    }
  g_clear_pointer (&self->info, mw_board_info_free);
  self->info = info;
  finish_connect (task);
}

static void
on_sync_done (GObject *object, GAsyncResult *result, gpointer user_data)
{
  g_autoptr (GTask) task = user_data;
  MwBoard *self = g_task_get_source_object (task);
  ConnectData *data = g_task_get_task_data (task);
  GError *error = NULL;

  if (!mw_repl_sync_finish (MW_REPL (object), result, &error))
    {
      connect_fail (task, error);
      return;
    }
  if (data->flags & MW_BOARD_CONNECT_PROBE)
    {
      GCancellable *cancellable = g_task_get_cancellable (task);

      mw_device_probe_async (self->device, cancellable, on_probe_done, g_steal_pointer (&task));
    }
  else
    finish_connect (task);
}

static gboolean
on_settled (gpointer user_data)
{
  GTask *task = user_data;
  MwBoard *self = g_task_get_source_object (task);
  ConnectData *data = g_task_get_task_data (task);

  g_clear_pointer (&data->settle, g_source_unref);
  mw_repl_sync_async (self->repl, self->timeout_ms, g_task_get_cancellable (task), on_sync_done,
                      g_object_ref (task));
  return G_SOURCE_REMOVE;
}

static void
wait_then (GTask *task, guint ms, GSourceFunc func, GSource **slot)
{
  GSource *source = g_timeout_source_new (ms);

  g_source_set_name (source, "MwBoard settle");
  g_source_set_callback (source, func, g_object_ref (task), g_object_unref);
  g_source_attach (source, g_main_context_get_thread_default ());
  *slot = source;
}

void
mw_board_connect_async (MwBoard *self, const char *port, guint baud, guint timeout_ms,
                        MwBoardConnectFlags flags, GCancellable *cancellable,
                        GAsyncReadyCallback callback, gpointer user_data)
{
  g_autoptr (GTask) task = NULL;
  g_autoptr (MwTransport) transport = NULL;
  GError *error = NULL;
  ConnectData *data;
  const char *path = port;

  g_return_if_fail (MW_IS_BOARD (self));
  g_return_if_fail (port != NULL);

  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, mw_board_connect_async);
  data = g_new0 (ConnectData, 1);
  data->flags = flags;
  g_task_set_task_data (task, data, (GDestroyNotify) connect_data_free);
  teardown (self);
  if (self->connected)
    mw_heap_log_add_event (self->heap_log, g_get_real_time (), MW_HEAP_EVENT_DISCONNECT, NULL);
  set_connected (self, FALSE);
  self->cancellable = g_cancellable_new ();
  self->timeout_ms = timeout_ms > 0 ? timeout_ms : 5000;
  g_free (self->port);
  self->port = g_strdup (port);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_PORT]);

  if (g_strcmp0 (port, MW_BOARD_SIMULATED_PORT) == 0)
    {
      MwSimOptions options;

      /* Paced at the baud rate like a real board, so uploads show their progress. */
      mw_sim_options_init (&options);
      options.baud = baud;
      /* its boot text waits until the port is open (opening flushes what came before) */
      options.hold_output = TRUE;
      self->sim = mw_sim_new (&options);
      if (!mw_sim_start (self->sim, &error))
        {
          connect_fail (task, error);
          return;
        }
      path = mw_sim_get_path (self->sim);
    }

  transport = mw_transport_new_for_port (path);
  if (!mw_transport_configure (transport, baud, &error))
    {
      connect_fail (task, error);
      return;
    }
  self->repl = mw_repl_new (transport);
  self->device = mw_device_new (self->repl);
  mw_device_set_timeout (self->device, self->timeout_ms);
  g_signal_connect (self->repl, "console", G_CALLBACK (on_console), self);
  g_signal_connect (self->repl, "reset", G_CALLBACK (on_reset), self);
  g_signal_connect (self->repl, "line-sent", G_CALLBACK (on_line_sent), self);
  g_signal_connect (self->repl, "notify::state", G_CALLBACK (on_state), self);
  if (!mw_repl_open (self->repl, g_main_context_get_thread_default (), &error))
    {
      connect_fail (task, error);
      return;
    }
  if (self->sim != NULL)
    mw_sim_release_output (self->sim);
  if (flags & MW_BOARD_CONNECT_RESET)
    {
      GError *reset_error = NULL;

      /* A port without modem lines cannot reset: talk to the board as it is. */
      if (mw_repl_hardware_reset (self->repl, &reset_error))
        {
          wait_then (task, 300, on_settled, &data->settle);
          return;
        }
      g_clear_error (&reset_error);
    }
  mw_repl_sync_async (self->repl, self->timeout_ms, cancellable, on_sync_done,
                      g_steal_pointer (&task));
}

gboolean
mw_board_connect_finish (MwBoard *self, GAsyncResult *result, GError **error)
{
  g_return_val_if_fail (g_task_is_valid (result, self), FALSE);
  return g_task_propagate_boolean (G_TASK (result), error);
}

void
mw_board_disconnect (MwBoard *self)
{
  g_return_if_fail (MW_IS_BOARD (self));
  teardown (self);
  if (self->connected)
    {
      set_connected (self, FALSE);
      mw_heap_log_add_event (self->heap_log, g_get_real_time (), MW_HEAP_EVENT_DISCONNECT, NULL);
      g_signal_emit (self, signals[SIGNAL_DISCONNECTED], 0, NULL);
    }
}

gboolean
mw_board_is_connected (MwBoard *self)
{
  g_return_val_if_fail (MW_IS_BOARD (self), FALSE);
  return self->connected;
}

const char *
mw_board_get_port (MwBoard *self)
{
  g_return_val_if_fail (MW_IS_BOARD (self), NULL);
  return self->port;
}

MwDevice *
mw_board_get_device (MwBoard *self)
{
  g_return_val_if_fail (MW_IS_BOARD (self), NULL);
  return self->connected ? self->device : NULL;
}

MwRepl *
mw_board_get_repl (MwBoard *self)
{
  g_return_val_if_fail (MW_IS_BOARD (self), NULL);
  return self->connected ? self->repl : NULL;
}

const MwBoardInfo *
mw_board_get_info (MwBoard *self)
{
  g_return_val_if_fail (MW_IS_BOARD (self), NULL);
  return self->info;
}

MwLuaNumberType
mw_board_get_number_type (MwBoard *self)
{
  g_return_val_if_fail (MW_IS_BOARD (self), MW_LUA_TARGET_FLOAT);
  return self->info != NULL && self->info->number_type_known ? self->info->number_type
                                                             : MW_LUA_TARGET_FLOAT;
}

/* ---- reset ---- */

typedef struct
{
  char *fallback_reason;
  GSource *settle;
} ResetData;

static void
reset_data_free (ResetData *data)
{
  g_free (data->fallback_reason);
  if (data->settle != NULL)
    {
      g_source_destroy (data->settle);
      g_source_unref (data->settle);
    }
  g_free (data);
}

static void
on_reset_synced (GObject *object, GAsyncResult *result, gpointer user_data)
{
  g_autoptr (GTask) task = user_data;
  GError *error = NULL;

  if (!mw_repl_sync_finish (MW_REPL (object), result, &error))
    g_task_return_error (task, error);
  else
    g_task_return_pointer (task, mw_repl_dup_banner_info (MW_REPL (object)),
                           (GDestroyNotify) mw_board_info_free);
}

static gboolean
on_reset_settled (gpointer user_data)
{
  GTask *task = user_data;
  MwBoard *self = g_task_get_source_object (task);
  ResetData *data = g_task_get_task_data (task);

  g_clear_pointer (&data->settle, g_source_unref);
  if (self->repl == NULL)
    {
      g_task_return_new_error (task, MW_REPL_ERROR, MW_REPL_ERROR_CLOSED, "the port closed");
      return G_SOURCE_REMOVE;
    }
  mw_repl_sync_async (self->repl, MAX (self->timeout_ms, RESET_SYNC_MIN_MS),
                      g_task_get_cancellable (task), on_reset_synced, g_object_ref (task));
  return G_SOURCE_REMOVE;
}

static void
on_restart_sent (GObject *object, GAsyncResult *result, gpointer user_data)
{
  g_autoptr (GTask) task = user_data;
  ResetData *data = g_task_get_task_data (task);
  g_autoptr (GBytes) ignored = NULL;

  /* node.restart() usually ends the command with a reset rather than a reply */
  ignored = mw_repl_execute_finish (MW_REPL (object), result, NULL);
  wait_then (task, RESET_SETTLE_MS, on_reset_settled, &data->settle);
}

void
mw_board_reset_async (MwBoard *self, gboolean soft, GCancellable *cancellable,
                      GAsyncReadyCallback callback, gpointer user_data)
{
  g_autoptr (GTask) task = NULL;
  g_autoptr (GError) error = NULL;
  ResetData *data;

  g_return_if_fail (MW_IS_BOARD (self));
  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, mw_board_reset_async);
  data = g_new0 (ResetData, 1);
  g_task_set_task_data (task, data, (GDestroyNotify) reset_data_free);
  if (!self->connected)
    {
      g_task_return_new_error (task, MW_REPL_ERROR, MW_REPL_ERROR_CLOSED, "not connected");
      return;
    }
  /* RTS pulses EN on a real board; a pty or TCP has no lines: ask the firmware. */
  if (soft || !mw_repl_hardware_reset (self->repl, &error))
    {
      g_autofree char *code = mw_board_lua_restart ();

      if (error != NULL)
        data->fallback_reason = g_strdup (error->message);
      mw_repl_execute_async (self->repl, code, MAX (self->timeout_ms, RESTART_TIMEOUT_MS), NULL,
                             NULL, cancellable, on_restart_sent, g_steal_pointer (&task));
      return;
    }
  wait_then (task, RESET_SETTLE_MS, on_reset_settled, &data->settle);
}

MwBoardInfo *
mw_board_reset_finish (MwBoard *self, GAsyncResult *result, char **fallback_reason, GError **error)
{
  g_return_val_if_fail (g_task_is_valid (result, self), NULL);
  if (fallback_reason != NULL)
    *fallback_reason =
      g_strdup (((ResetData *) g_task_get_task_data (G_TASK (result)))->fallback_reason);
  return g_task_propagate_pointer (G_TASK (result), error);
}

/* ---- upload ---- */

typedef struct
{
  char *name;
  GBytes *source;
  MwBoardUploadOptions options;
  MwUploadProgress progress;
  gpointer progress_data;
  GBytes *prepared;
  MwLuaLintOptions *lint_options; /* a copy: the worker reads it */
  MwBoardUploadResult result;
} UploadData;

static void
upload_data_free (UploadData *data)
{
  g_free (data->name);
  g_bytes_unref (data->source);
  g_clear_pointer (&data->prepared, g_bytes_unref);
  g_clear_pointer (&data->lint_options, mw_lua_lint_options_free);
  mw_board_upload_result_clear (&data->result);
  g_free (data);
}

/* On a worker thread: lint, verified minify and compile take long for big files. */
static void
prepare_in_thread (GTask *task, gpointer source_object, gpointer task_data,
                   GCancellable *cancellable)
{
  UploadData *data = task_data;
  GError *error = NULL;
  char *board_name = NULL;
  GBytes *bytes = mw_lua_pipeline_prepare (data->name, data->source, &data->options.pipeline,
                                           &board_name, &error);

  if (bytes == NULL)
    {
      g_task_return_error (task, error);
      return;
    }
  data->prepared = bytes;
  data->result.board_name = board_name;
  g_task_return_boolean (task, TRUE);
}

static void
on_source_removed (GObject *object, GAsyncResult *result, gpointer user_data)
{
  g_autoptr (GTask) task = user_data;
  UploadData *data = g_task_get_task_data (task);
  GError *error = NULL;

  if (!mw_device_op_finish (MW_DEVICE (object), result, &error))
    {
      /* the new file is there: only the removal failed */
      if (!g_error_matches (error, MW_DEVICE_ERROR, MW_DEVICE_ERROR_NOT_FOUND))
        {
          g_task_return_error (task, error);
          return;
        }
      g_clear_error (&error);
    }
  else
    data->result.source_removed = TRUE;
  g_task_return_boolean (task, TRUE);
}

static void
on_uploaded (GObject *object, GAsyncResult *result, gpointer user_data)
{
  g_autoptr (GTask) task = user_data;
  MwBoard *self = g_task_get_source_object (task);
  UploadData *data = g_task_get_task_data (task);
  GError *error = NULL;

  if (!mw_device_upload_finish (MW_DEVICE (object), result, &data->result.stats, &error))
    {
      g_task_return_error (task, error);
      return;
    }
  mw_heap_log_add_event (self->heap_log, g_get_real_time (), MW_HEAP_EVENT_UPLOAD,
                         data->result.board_name);
  if (data->options.remove_source && g_strcmp0 (data->result.board_name, data->name) != 0)
    {
      mw_device_remove_async (MW_DEVICE (object), data->name, NULL, on_source_removed,
                              g_steal_pointer (&task));
      return;
    }
  g_task_return_boolean (task, TRUE);
}

/* The verified transfer of the prepared bytes; takes `task`. */
static void
transfer (GTask *task)
{
  MwBoard *self = g_task_get_source_object (task);
  UploadData *data = g_task_get_task_data (task);

  if (!self->connected)
    {
      g_task_return_new_error (task, MW_REPL_ERROR, MW_REPL_ERROR_CLOSED,
                               "the board was disconnected");
      g_object_unref (task);
      return;
    }
  mw_device_upload_async (self->device, data->result.board_name, data->prepared,
                          data->options.flags, data->options.fast_baud, data->progress,
                          data->progress_data, g_task_get_cancellable (task), on_uploaded, task);
}

static void
on_prepared (GObject *object, GAsyncResult *result, gpointer user_data)
{
  g_autoptr (GTask) task = user_data;
  GError *error = NULL;

  if (!g_task_propagate_boolean (G_TASK (result), &error))
    {
      g_task_return_error (task, error);
      return;
    }
  transfer (g_steal_pointer (&task));
}

static GTask *
upload_task (MwBoard *self, const char *name, GBytes *source, const MwBoardUploadOptions *options,
             MwUploadProgress progress, gpointer progress_data, GCancellable *cancellable,
             GAsyncReadyCallback callback, gpointer user_data)
{
  GTask *task = g_task_new (self, cancellable, callback, user_data);
  UploadData *data;

  g_task_set_source_tag (task, mw_board_upload_async);
  /* the transfer's own message says what happened to the board's file */
  g_task_set_check_cancellable (task, FALSE);
  data = g_new0 (UploadData, 1);
  data->name = g_strdup (name);
  data->source = g_bytes_ref (source);
  data->options = *options;
  data->options.pipeline.lint_options = NULL; /* only the preparation reads it */
  data->progress = progress;
  data->progress_data = progress_data;
  g_task_set_task_data (task, data, (GDestroyNotify) upload_data_free);
  if (!self->connected)
    {
      g_task_return_new_error (task, MW_REPL_ERROR, MW_REPL_ERROR_CLOSED, "not connected");
      g_object_unref (task);
      return NULL;
    }
  return task;
}

void
_mw_board_upload_prepared_async (MwBoard *self, const char *name, const char *board_name,
                                 GBytes *prepared, const MwBoardUploadOptions *options,
                                 MwUploadProgress progress, gpointer progress_data,
                                 GCancellable *cancellable, GAsyncReadyCallback callback,
                                 gpointer user_data)
{
  GTask *task;
  UploadData *data;

  g_assert (MW_IS_BOARD (self));
  g_assert (name != NULL && board_name != NULL && prepared != NULL && options != NULL);
  task = upload_task (self, name, prepared, options, progress, progress_data, cancellable, callback,
                      user_data);
  if (task == NULL)
    return;
  data = g_task_get_task_data (task);
  data->prepared = g_bytes_ref (prepared);
  data->result.board_name = g_strdup (board_name);
  /* the same steps as after mw_board_upload_async()'s preparation */
  transfer (task);
}

void
mw_board_upload_async (MwBoard *self, const char *name, GBytes *source,
                       const MwBoardUploadOptions *options, MwUploadProgress progress,
                       gpointer progress_data, GCancellable *cancellable,
                       GAsyncReadyCallback callback, gpointer user_data)
{
  g_autoptr (GTask) task = NULL;
  g_autoptr (GTask) prepare = NULL;
  UploadData *data;

  g_return_if_fail (MW_IS_BOARD (self));
  g_return_if_fail (name != NULL && source != NULL && options != NULL);
  task = upload_task (self, name, source, options, progress, progress_data, cancellable, callback,
                      user_data);
  if (task == NULL)
    return;
  data = g_task_get_task_data (task);
  if (options->detect_number_type)
    data->options.pipeline.number_type = mw_board_get_number_type (self);
  if (options->pipeline.lint_options != NULL)
    {
      data->lint_options = mw_lua_lint_options_copy (options->pipeline.lint_options);
      data->options.pipeline.lint_options = data->lint_options;
    }
  prepare = g_task_new (self, cancellable, on_prepared, g_object_ref (task));
  g_task_set_task_data (prepare, data, NULL);
  g_task_run_in_thread (prepare, prepare_in_thread);
}

gboolean
mw_board_upload_finish (MwBoard *self, GAsyncResult *result, MwBoardUploadResult *out,
                        GError **error)
{
  UploadData *data;

  g_return_val_if_fail (g_task_is_valid (result, self), FALSE);
  data = g_task_get_task_data (G_TASK (result));
  if (out != NULL)
    {
      out->stats = data->result.stats;
      out->source_removed = data->result.source_removed;
      out->board_name = g_strdup (data->result.board_name);
    }
  return g_task_propagate_boolean (G_TASK (result), error);
}

/* ---- run, exec ---- */

static void
on_exec_done (GObject *object, GAsyncResult *result, gpointer user_data)
{
  g_autoptr (GTask) task = user_data;
  GError *error = NULL;
  GBytes *out = mw_device_exec_finish (MW_DEVICE (object), result, &error);

  if (out == NULL)
    g_task_return_error (task, error);
  else
    g_task_return_pointer (task, out, (GDestroyNotify) g_bytes_unref);
}

static GTask *
exec_task (MwBoard *self, gpointer tag, GCancellable *cancellable, GAsyncReadyCallback callback,
           gpointer user_data)
{
  GTask *task = g_task_new (self, cancellable, callback, user_data);

  g_task_set_source_tag (task, tag);
  if (!self->connected)
    {
      g_task_return_new_error (task, MW_REPL_ERROR, MW_REPL_ERROR_CLOSED, "not connected");
      g_object_unref (task);
      return NULL;
    }
  return task;
}

void
mw_board_run_async (MwBoard *self, const char *name, guint timeout_ms, MwReplOutputFunc output,
                    gpointer output_data, GCancellable *cancellable, GAsyncReadyCallback callback,
                    gpointer user_data)
{
  GTask *task;

  g_return_if_fail (MW_IS_BOARD (self));
  if ((task = exec_task (self, mw_board_run_async, cancellable, callback, user_data)) == NULL)
    return;
  mw_heap_log_add_event (self->heap_log, g_get_real_time (), MW_HEAP_EVENT_RUN, name);
  mw_device_run_async (self->device, name, timeout_ms, output, output_data, cancellable,
                       on_exec_done, task);
}

void
mw_board_exec_async (MwBoard *self, const char *code, guint timeout_ms, MwReplOutputFunc output,
                     gpointer output_data, GCancellable *cancellable, GAsyncReadyCallback callback,
                     gpointer user_data)
{
  GTask *task;

  g_return_if_fail (MW_IS_BOARD (self));
  if ((task = exec_task (self, mw_board_exec_async, cancellable, callback, user_data)) == NULL)
    return;
  mw_device_exec_async (self->device, code, timeout_ms, output, output_data, cancellable,
                        on_exec_done, task);
}

GBytes *
mw_board_exec_finish (MwBoard *self, GAsyncResult *result, GError **error)
{
  g_return_val_if_fail (g_task_is_valid (result, self), NULL);
  return g_task_propagate_pointer (G_TASK (result), error);
}

/* ---- heap ---- */

static void
on_heap_snapshot (GObject *object, GAsyncResult *result, gpointer user_data)
{
  g_autoptr (GTask) task = user_data;
  MwBoard *self = g_task_get_source_object (task);
  GError *error = NULL;
  MwHeapSnapshot *snapshot = mw_heap_snapshot_take_finish (MW_DEVICE (object), result, &error);

  if (snapshot == NULL)
    {
      g_task_return_error (task, error);
      return;
    }
  /* a mark on the heap graph where the snapshot was taken */
  mw_heap_log_add_event (self->heap_log, g_get_real_time (), MW_HEAP_EVENT_SNAPSHOT, NULL);
  g_task_return_pointer (task, snapshot, (GDestroyNotify) mw_heap_snapshot_unref);
}

void
mw_board_heap_snapshot_async (MwBoard *self, MwHeapProgressFunc progress, gpointer progress_data,
                              GCancellable *cancellable, GAsyncReadyCallback callback,
                              gpointer user_data)
{
  GTask *task;

  g_return_if_fail (MW_IS_BOARD (self));
  if ((task = exec_task (self, mw_board_heap_snapshot_async, cancellable, callback, user_data))
      == NULL)
    return;
  mw_heap_snapshot_take_async (self->device, progress, progress_data, cancellable, on_heap_snapshot,
                               task);
}

MwHeapSnapshot *
mw_board_heap_snapshot_finish (MwBoard *self, GAsyncResult *result, GError **error)
{
  g_return_val_if_fail (g_task_is_valid (result, self), NULL);
  return g_task_propagate_pointer (G_TASK (result), error);
}

MwHeapLog *
mw_board_get_heap_log (MwBoard *self)
{
  g_return_val_if_fail (MW_IS_BOARD (self), NULL);
  return self->heap_log;
}

void
mw_board_set_heap_interval (MwBoard *self, guint interval_ms)
{
  g_return_if_fail (MW_IS_BOARD (self));
  if (self->heap_interval == interval_ms)
    return;
  self->heap_interval = interval_ms;
  restart_sampler (self);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_HEAP_INTERVAL]);
}

guint
mw_board_get_heap_interval (MwBoard *self)
{
  g_return_val_if_fail (MW_IS_BOARD (self), 0);
  return self->heap_interval;
}

/* ---- object ---- */

static void
mw_board_get_property (GObject *object, guint prop_id, GValue *value, GParamSpec *pspec)
{
  MwBoard *self = MW_BOARD (object);

  switch (prop_id)
    {
      case PROP_CONNECTED:
        g_value_set_boolean (value, self->connected);
        break;
      case PROP_PORT:
        g_value_set_string (value, self->port);
        break;
      case PROP_HEAP_INTERVAL:
        g_value_set_uint (value, self->heap_interval);
        break;
      default:
        G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
mw_board_set_property (GObject *object, guint prop_id, const GValue *value, GParamSpec *pspec)
{
  switch (prop_id)
    {
      case PROP_HEAP_INTERVAL:
        mw_board_set_heap_interval (MW_BOARD (object), g_value_get_uint (value));
        break;
      default:
        G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
mw_board_dispose (GObject *object)
{
  teardown (MW_BOARD (object));
  G_OBJECT_CLASS (mw_board_parent_class)->dispose (object);
}

static void
mw_board_finalize (GObject *object)
{
  MwBoard *self = MW_BOARD (object);

  g_clear_object (&self->heap_log);
  g_free (self->port);
  G_OBJECT_CLASS (mw_board_parent_class)->finalize (object);
}

static void
mw_board_class_init (MwBoardClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->get_property = mw_board_get_property;
  object_class->set_property = mw_board_set_property;
  object_class->dispose = mw_board_dispose;
  object_class->finalize = mw_board_finalize;

  properties[PROP_CONNECTED] =
    g_param_spec_boolean ("connected", "Connected", "Whether a board answers", FALSE,
                          G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  properties[PROP_PORT] =
    g_param_spec_string ("port", "Port", "The port last connected", NULL,
                         G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  properties[PROP_HEAP_INTERVAL] = g_param_spec_uint (
    "heap-interval", "Heap interval", "Milliseconds between heap samples (0: none)", 0, 3600 * 1000,
    2000, G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  g_object_class_install_properties (object_class, N_PROPS, properties);

  signals[SIGNAL_CONSOLE] = g_signal_new ("console", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST,
                                          0, NULL, NULL, NULL, G_TYPE_NONE, 1, G_TYPE_BYTES);
  signals[SIGNAL_RESET] = g_signal_new ("reset", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0,
                                        NULL, NULL, NULL, G_TYPE_NONE, 0);
  signals[SIGNAL_HEAP_SAMPLE] = g_signal_new ("heap-sample", G_TYPE_FROM_CLASS (klass),
                                              G_SIGNAL_RUN_LAST, 0, NULL, NULL, NULL, G_TYPE_NONE,
                                              2, G_TYPE_INT64, G_TYPE_UINT);
  signals[SIGNAL_DISCONNECTED] = g_signal_new ("disconnected", G_TYPE_FROM_CLASS (klass),
                                               G_SIGNAL_RUN_LAST, 0, NULL, NULL, NULL, G_TYPE_NONE,
                                               1, G_TYPE_STRING);
  /* MwRepl::line-sent of the session's REPL: a typed line went to the board. */
  signals[SIGNAL_LINE_SENT] = g_signal_new ("line-sent", G_TYPE_FROM_CLASS (klass),
                                            G_SIGNAL_RUN_LAST, 0, NULL, NULL, NULL, G_TYPE_NONE, 1,
                                            G_TYPE_STRING);
}

static void
mw_board_init (MwBoard *self)
{
  self->timeout_ms = 5000;
  self->heap_log = mw_heap_log_new (0);
}

MwBoard *
mw_board_new (void)
{
  return g_object_new (MW_TYPE_BOARD, NULL);
}
