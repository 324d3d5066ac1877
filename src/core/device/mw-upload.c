/* mw-upload.c: the verified upload (host side): the policy around a transfer (locking, fast
 * baud, cancel, cleanup, the result); the protocols are in mw-upload-block.c and
 * mw-upload-text.c. */
#include "mw-config.h"

#include "mw-lua-lexer.h"
#include "mw-upload-private.h"

#include <string.h>
#include <zlib.h>

static void
stop_watchdog (MwUploadJob *up)
{
  if (up->watchdog)
    {
      g_source_destroy (up->watchdog);
      g_clear_pointer (&up->watchdog, g_source_unref);
    }
}

static void
upload_free (MwUploadJob *up)
{
  if (up->timer)
    {
      g_source_destroy (up->timer);
      g_source_unref (up->timer);
    }
  stop_watchdog (up);
  g_clear_signal_handler (&up->frame_id, up->repl);
  g_clear_signal_handler (&up->reset_id, up->repl);
  g_clear_signal_handler (&up->state_id, up->repl);
  g_clear_object (&up->repl);
  g_clear_object (&up->device);
  g_free (up->name);
  g_free (up->shown);
  g_bytes_unref (up->data);
  g_free (up->block_sums);
  g_free (up->ok);
  g_free (up->want);
  g_clear_error (&up->failure);
  g_free (up);
}

gint64
mw_upload_byte_time_ms (MwUploadJob *up, gsize n)
{
  guint baud = MAX (mw_transport_get_baud (mw_repl_get_transport (up->repl)), 1200);

  return (gint64) n * 10000 / baud;
}

guint
mw_upload_drain_ms (MwUploadJob *up)
{
  return mw_upload_byte_time_ms (up, MW_UPLOAD_BLOCK) + MW_UPLOAD_DRAIN_MARGIN_MS;
}

void
mw_upload_stop_timer (MwUploadJob *up)
{
  if (up->timer)
    {
      g_source_destroy (up->timer);
      g_clear_pointer (&up->timer, g_source_unref);
    }
}

void
mw_upload_arm_timer (GTask *task, guint ms, GSourceFunc func)
{
  MwUploadJob *up = g_task_get_task_data (task);

  mw_upload_stop_timer (up);
  up->timer = g_timeout_source_new (ms);
  g_source_set_name (up->timer, "MwUpload timer");
  g_source_set_callback (up->timer, func, task, NULL);
  g_source_attach (up->timer, g_main_context_get_thread_default ());
}

/* ---- the watchdog: no wait without a deadline ---- */

static gboolean
on_watchdog (gpointer user_data)
{
  GTask *task = user_data;
  MwUploadJob *up = g_task_get_task_data (task);

  g_clear_pointer (&up->watchdog, g_source_unref);
  /* acted on by check_cancelled(), which knows how to leave each step cleanly */
  up->expired = TRUE;
  return G_SOURCE_REMOVE;
}

void
mw_upload_note_progress (GTask *task)
{
  MwUploadJob *up = g_task_get_task_data (task);
  /* the board's whole-file check before its last answer: ~1 s per 20 KB */
  guint extra = up->step == MW_UPLOAD_STEP_VERIFY ? 3000 + up->len / 20 : 0;

  if (up->step == MW_UPLOAD_STEP_DONE || up->step == MW_UPLOAD_STEP_CLEANUP || up->expired)
    return;
  stop_watchdog (up);
  /* three answers' worth: a lost byte costs an abort and a setup, which may be garbled */
  up->watchdog = g_timeout_source_new (MW_UPLOAD_WATCHDOG_ANSWERS * up->timeout_ms + extra);
  g_source_set_name (up->watchdog, "MwUpload watchdog");
  g_source_set_callback (up->watchdog, on_watchdog, task, NULL);
  g_source_attach (up->watchdog, g_main_context_get_thread_default ());
}

GError *
mw_upload_stop_error (MwUploadJob *up)
{
  if (up->expired)
    return g_error_new (MW_REPL_ERROR, MW_REPL_ERROR_TIMEOUT,
                        "%s: no progress within %u ms (a noisy line, or a board that stopped "
                        "answering); the file on the board was not replaced",
                        up->shown, MW_UPLOAD_WATCHDOG_ANSWERS * up->timeout_ms);
  return g_error_new_literal (G_IO_ERROR, G_IO_ERROR_CANCELLED,
                              "cancelled; the file on the board was not replaced");
}

/* ---- the end: cleanup, baud restore, unlock ---- */

static void
finish (GTask *task)
{
  MwUploadJob *up = g_task_get_task_data (task);

  up->step = MW_UPLOAD_STEP_DONE;
  mw_upload_stop_timer (up);
  stop_watchdog (up);
  g_clear_signal_handler (&up->frame_id, up->repl);
  g_clear_signal_handler (&up->reset_id, up->repl);
  g_clear_signal_handler (&up->state_id, up->repl);
  if (up->locked)
    {
      up->locked = FALSE;
      mw_repl_unlock (up->repl);
    }
  up->stats.seconds = (g_get_monotonic_time () - up->start) / 1e6;
  if (up->failure)
    g_task_return_error (task, g_steal_pointer (&up->failure));
  else
    g_task_return_boolean (task, TRUE);
  g_object_unref (task);
}

static gboolean
on_restored (gpointer user_data)
{
  GTask *task = user_data;
  MwUploadJob *up = g_task_get_task_data (task);

  g_clear_pointer (&up->timer, g_source_unref);
  mw_repl_set_baud (up->repl, up->normal_baud, NULL);
  up->fast_active = FALSE;
  finish (task);
  return G_SOURCE_REMOVE;
}

static void
on_cleanup_done (GObject *source, GAsyncResult *result, gpointer user_data)
{
  g_autoptr (GTask) task = user_data;
  MwUploadJob *up = g_task_get_task_data (task);

  up->busy_exec = FALSE;
  g_autoptr (GError) error = NULL;
  g_autoptr (GBytes) reply = mw_repl_execute_finish (MW_REPL (source), result, &error);

  if (up->step == MW_UPLOAD_STEP_DONE)
    return;
  /* Sent while the board was still busy after the transfer (its whole-file check takes
   * longer than the line), the cleanup can arrive garbled and not run: at the fast rate the
   * board would then stay there. Once more, now that the board has answered. */
  if (reply == NULL && up->fast_active && !up->cleanup_resent
      && g_error_matches (error, MW_REPL_ERROR, MW_REPL_ERROR_LUA))
    {
      g_autofree char *code =
        mw_board_lua_upload_cleanup (MW_UPLOAD_TEMP_NAME, up->failure != NULL, up->normal_baud);

      up->cleanup_resent = TRUE;
      up->busy_exec = TRUE;
      mw_repl_locked_execute_async (up->repl, code, up->timeout_ms, NULL, on_cleanup_done,
                                    g_object_ref (task));
      return;
    }
  if (up->fast_active)
    mw_upload_arm_timer (task, 60, on_restored); /* the board switches back 30 ms after the reply */
  else
    finish (task);
}

/* Leaves the board as it was: no temp file, the normal baud, the REPL. Best effort. */
static void
cleanup (GTask *task)
{
  MwUploadJob *up = g_task_get_task_data (task);
  g_autofree char *code = NULL;

  mw_upload_stop_timer (up);
  stop_watchdog (up); /* the cleanup command has its own deadline */
  up->step = MW_UPLOAD_STEP_CLEANUP;
  if (mw_repl_get_state (up->repl) == MW_REPL_STATE_CLOSED
      || g_error_matches (up->failure, MW_REPL_ERROR, MW_REPL_ERROR_RESET)
      || g_error_matches (up->failure, MW_REPL_ERROR, MW_REPL_ERROR_NO_ANSWER) || !up->locked)
    {
      finish (task);
      return;
    }
  /* a partial line left by raw mode (a block cut short) ends here, not in our command */
  if (up->failure)
    mw_repl_write_raw (up->repl, "\n", 1);
  code = mw_board_lua_upload_cleanup (MW_UPLOAD_TEMP_NAME, up->failure != NULL,
                                      up->fast_active ? up->normal_baud : 0);
  up->busy_exec = TRUE;
  mw_repl_locked_execute_async (up->repl, code, up->timeout_ms, NULL, on_cleanup_done,
                                g_object_ref (task));
}

void
mw_upload_fail (GTask *task, GError *error)
{
  MwUploadJob *up = g_task_get_task_data (task);

  if (up->step == MW_UPLOAD_STEP_DONE || up->step == MW_UPLOAD_STEP_CLEANUP)
    {
      g_error_free (error);
      return;
    }
  if (up->failure == NULL)
    up->failure = error;
  else
    g_error_free (error);
  cleanup (task);
}

void
mw_upload_fail_reply (GTask *task, MwBoardReply code, const char *message, gsize done)
{
  MwUploadJob *up = g_task_get_task_data (task);
  GError *error;

  if (code == MW_BOARD_REPLY_FULL && strcmp (message, "full") == 0)
    error = g_error_new (MW_DEVICE_ERROR, MW_DEVICE_ERROR_FULL,
                         "%s: the board's file system is full (a write failed after %zu of %zu "
                         "bytes); the old file is unchanged",
                         up->shown, done, up->len);
  else if (code == MW_BOARD_REPLY_REFUSED && strcmp (message, "rename") == 0)
    error = g_error_new (MW_DEVICE_ERROR, MW_DEVICE_ERROR_FAILED,
                         "%s: the board could not rename the verified temporary file %s over it",
                         up->shown, MW_UPLOAD_TEMP_NAME);
  else
    error = g_error_new (MW_DEVICE_ERROR, mw_device_error_from_reply (code),
                         "%s: %s; the old file is unchanged", up->shown, message);
  mw_upload_fail (task, error);
}

void
mw_upload_succeed (GTask *task)
{
  cleanup (task);
}

/* ---- board events ---- */

static void
on_reset (MwRepl *repl, gpointer user_data)
{
  GTask *task = user_data;
  MwUploadJob *up = g_task_get_task_data (task);

  mw_upload_fail (task, g_error_new (MW_REPL_ERROR, MW_REPL_ERROR_RESET,
                                     "%s: the board restarted during the upload; the file on "
                                     "the board was not replaced",
                                     up->shown));
}

static void
on_state (MwRepl *repl, GParamSpec *pspec, gpointer user_data)
{
  GTask *task = user_data;
  MwUploadJob *up = g_task_get_task_data (task);

  if (mw_repl_get_state (repl) == MW_REPL_STATE_CLOSED)
    {
      up->locked = FALSE;
      if (up->next < up->n_blocks)
        mw_upload_fail (task, g_error_new (MW_REPL_ERROR, MW_REPL_ERROR_CLOSED,
                                           "%s: the port closed during the upload; the file on "
                                           "the board was not replaced",
                                           up->shown));
      else
        /* every block went out: the board may have verified and renamed before we heard */
        mw_upload_fail (task, g_error_new (MW_REPL_ERROR, MW_REPL_ERROR_CLOSED,
                                           "%s: the port closed before the board confirmed the "
                                           "upload; the board holds either the old file or the "
                                           "new one, verified (never a partial file)",
                                           up->shown));
    }
}

void
mw_upload_report_progress (MwUploadJob *up)
{
  if (up->progress)
    up->progress (MIN ((gsize) up->confirmed * MW_UPLOAD_PAYLOAD, up->len), up->len,
                  up->progress_data);
}

/* ---- fast mode ---- */

static void
begin_transfer (GTask *task)
{
  MwUploadJob *up = g_task_get_task_data (task);

  up->stats.baud = mw_transport_get_baud (mw_repl_get_transport (up->repl));
  if (up->flags & MW_UPLOAD_TEXT)
    mw_upload_start_text (task);
  else
    mw_upload_send_setup (task);
}

static void on_fast_check (GObject *source, GAsyncResult *result, gpointer user_data);

static gboolean
on_fast_fallback (gpointer user_data)
{
  GTask *task = user_data;
  MwUploadJob *up = g_task_get_task_data (task);

  g_clear_pointer (&up->timer, g_source_unref);
  begin_transfer (task);
  return G_SOURCE_REMOVE;
}

static gboolean
on_fast_switched (gpointer user_data)
{
  GTask *task = user_data;
  MwUploadJob *up = g_task_get_task_data (task);
  g_autoptr (GError) error = NULL;

  g_clear_pointer (&up->timer, g_source_unref);
  if (!mw_repl_set_baud (up->repl, up->fast_baud, &error))
    {
      /* this port cannot do the rate: the board goes back by itself */
      mw_upload_arm_timer (task, 1700, on_fast_fallback);
      return G_SOURCE_REMOVE;
    }
  up->fast_active = TRUE;
  /* sync check at the new rate: the board keeps it only if this arrives */
  up->busy_exec = TRUE;
  {
    g_autofree char *code = mw_board_lua_fast_confirm ();

    mw_repl_locked_execute_async (up->repl, code, 500, NULL, on_fast_check, g_object_ref (task));
  }
  return G_SOURCE_REMOVE;
}

static void
on_fast_check (GObject *source, GAsyncResult *result, gpointer user_data)
{
  g_autoptr (GTask) task = user_data;
  MwUploadJob *up = g_task_get_task_data (task);

  up->busy_exec = FALSE;
  g_autoptr (GError) error = NULL;
  g_autoptr (GBytes) reply = mw_repl_execute_finish (MW_REPL (source), result, &error);

  if (up->step != MW_UPLOAD_STEP_FAST)
    return;
  if (reply != NULL)
    {
      up->stats.fast = TRUE;
      begin_transfer (task);
      return;
    }
  /* No sync: back to the normal rate; the board's own timer reverts 1.5 s after switching. */
  up->fast_active = FALSE;
  mw_repl_set_baud (up->repl, up->normal_baud, NULL);
  mw_upload_arm_timer (task, 1700, on_fast_fallback);
}

static void
on_fast_scheduled (GObject *source, GAsyncResult *result, gpointer user_data)
{
  g_autoptr (GTask) task = user_data;
  MwUploadJob *up = g_task_get_task_data (task);

  up->busy_exec = FALSE;
  GError *error = NULL;
  g_autoptr (GBytes) reply = mw_repl_execute_finish (MW_REPL (source), result, &error);

  if (up->step != MW_UPLOAD_STEP_FAST)
    {
      g_clear_error (&error);
      return;
    }
  if (reply == NULL)
    {
      mw_upload_fail (task, error);
      return;
    }
  mw_upload_arm_timer (task, 80, on_fast_switched);
}

static void
on_locked (GObject *source, GAsyncResult *result, gpointer user_data)
{
  g_autoptr (GTask) task = user_data;
  MwUploadJob *up = g_task_get_task_data (task);
  GError *error = NULL;

  if (!mw_repl_lock_finish (MW_REPL (source), result, &error))
    {
      up->failure = error;
      finish (g_object_ref (task));
      return;
    }
  if (up->step == MW_UPLOAD_STEP_DONE)
    {
      /* cancelled while waiting for the line */
      mw_repl_unlock (up->repl);
      return;
    }
  up->locked = TRUE;
  mw_upload_note_progress (task);
  up->frame_id = g_signal_connect (up->repl, "frame", G_CALLBACK (mw_upload_on_frame), task);
  up->reset_id = g_signal_connect (up->repl, "reset", G_CALLBACK (on_reset), task);
  up->state_id = g_signal_connect (up->repl, "notify::state", G_CALLBACK (on_state), task);
  up->normal_baud = mw_transport_get_baud (mw_repl_get_transport (up->repl));
  if ((up->flags & MW_UPLOAD_FAST) && up->fast_baud != up->normal_baud)
    {
      g_autofree char *code = mw_board_lua_fast_switch (up->fast_baud, up->normal_baud);

      up->step = MW_UPLOAD_STEP_FAST;
      up->busy_exec = TRUE;
      mw_repl_locked_execute_async (up->repl, code, up->timeout_ms, NULL, on_fast_scheduled,
                                    g_object_ref (task));
      return;
    }
  begin_transfer (task);
}

static void
on_cancelled (GCancellable *cancellable, gpointer user_data)
{
  /* handled in the idle below: cancellation may come from another thread */
}

static gboolean
check_cancelled (gpointer user_data)
{
  GTask *task = user_data;
  MwUploadJob *up = g_task_get_task_data (task);

  if (up->step == MW_UPLOAD_STEP_DONE)
    return G_SOURCE_REMOVE;
  if (up->busy_exec)
    return G_SOURCE_CONTINUE;
  if (up->expired
      || (g_task_get_cancellable (task) != NULL
          && g_cancellable_is_cancelled (g_task_get_cancellable (task))))
    {
      if ((up->step == MW_UPLOAD_STEP_SEND || up->step == MW_UPLOAD_STEP_VERIFY) && !up->cancelling)
        {
          /* end raw mode on the board; the "-aborted" answer then ends the upload, with the
           * board back at its prompt and the temporary file removed */
          up->cancelling = TRUE;
          mw_upload_start_recovery (task);
          return G_SOURCE_CONTINUE;
        }
      if (up->cancelling)
        return G_SOURCE_CONTINUE;
      mw_upload_fail (task, mw_upload_stop_error (up));
      return G_SOURCE_REMOVE;
    }
  return G_SOURCE_CONTINUE;
}

void
mw_device_upload_async (MwDevice *self, const char *name, GBytes *data, MwUploadFlags flags,
                        guint fast_baud, MwUploadProgress progress, gpointer progress_data,
                        GCancellable *cancellable, GAsyncReadyCallback callback, gpointer user_data)
{
  GTask *task;
  MwUploadJob *up;
  GError *error = NULL;

  g_return_if_fail (MW_IS_DEVICE (self));
  g_return_if_fail (data != NULL);
  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, mw_device_upload_async);
  /* our own message says what happened to the board's file */
  g_task_set_check_cancellable (task, FALSE);
  up = g_new0 (MwUploadJob, 1);
  g_task_set_task_data (task, up, (GDestroyNotify) upload_free);
  up->start = g_get_monotonic_time ();
  up->device = g_object_ref (self);
  up->repl = g_object_ref (mw_device_get_repl (self));
  up->name = g_strdup (name);
  up->shown = mw_lua_printable_name (name);
  up->data = g_bytes_ref (data);
  up->bytes = g_bytes_get_data (data, &up->len);
  up->flags = flags;
  up->fast_baud = fast_baud ? fast_baud : 921600;
  up->progress = progress;
  up->progress_data = progress_data;
  up->stats.bytes = up->len;
  up->step = MW_UPLOAD_STEP_LOCK;
  up->retry = mw_retry_policy_get_default ();
  up->timeout_ms = mw_device_get_timeout (self);
  if (!mw_lua_check_file_name (name, &error))
    {
      up->failure = error;
      finish (task);
      return;
    }
  if (strcmp (name, MW_UPLOAD_TEMP_NAME) == 0)
    {
      up->failure = g_error_new (MW_DEVICE_ERROR, MW_DEVICE_ERROR_BAD_NAME,
                                 "%s is the name Moonwire uploads through", up->shown);
      finish (task);
      return;
    }
  up->n_blocks = MAX (1, (up->len + MW_UPLOAD_PAYLOAD - 1) / MW_UPLOAD_PAYLOAD);
  if (up->n_blocks >= MW_UPLOAD_MAX_BLOCKS)
    {
      up->failure = g_error_new (MW_DEVICE_ERROR, MW_DEVICE_ERROR_FULL,
                                 "%s: %zu bytes is more than an upload can carry (2 MB)", up->shown,
                                 up->len);
      finish (task);
      return;
    }
  mw_repl_new_token (up->repl, up->token);
  up->block_sums = g_new0 (guint32, up->n_blocks);
  up->ok = g_new0 (gboolean, up->n_blocks);
  up->want = g_new0 (gboolean, up->n_blocks);
  for (guint i = 0; i < up->n_blocks; i++)
    {
      guint8 block[MW_UPLOAD_BLOCK];

      up->block_sums[i] = mw_upload_block_bytes (up, i, block);
    }
  {
    guint32 adler = adler32_z (1, up->bytes, up->len);

    up->file_a = adler & 0xffff;
    up->file_b = adler >> 16;
  }
  {
    /* polled: the states above decide how to stop cleanly, on a cancel or the watchdog */
    GSource *poll = g_timeout_source_new (50);

    g_source_set_callback (poll, check_cancelled, g_object_ref (task), g_object_unref);
    g_source_attach (poll, g_main_context_get_thread_default ());
    g_source_unref (poll);
    (void) on_cancelled;
  }
  mw_repl_lock_async (up->repl, NULL, on_locked, g_object_ref (task));
}

gboolean
mw_device_upload_finish (MwDevice *self, GAsyncResult *result, MwUploadStats *stats, GError **error)
{
  MwUploadJob *up;

  g_return_val_if_fail (g_task_is_valid (result, self), FALSE);
  up = g_task_get_task_data (G_TASK (result));
  if (stats != NULL)
    *stats = up->stats;
  return g_task_propagate_boolean (G_TASK (result), error);
}
