/* mw-upload-block.c: the raw block protocol of uploads and its board-side Lua. */
#include "mw-config.h"

#include "mw-upload-private.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

gboolean
mw_upload_parse_ack (const char *body, MwUploadAck *ack)
{
  char *end = NULL;
  gint64 seq = g_ascii_strtoll (body, &end, 10);

  memset (ack, 0, sizeof *ack);
  if (end == body || *end != ',' || seq < 0)
    return FALSE;
  ack->seq = seq;
  body = end + 1;
  if (*body == 'N')
    {
      gint64 k = g_ascii_strtoll (body + 1, &end, 10);

      if (end == body + 1 || *end != '\0' || k < 0)
        return FALSE;
      ack->nack = TRUE;
      ack->expected = k;
      return TRUE;
    }
  ack->a = strtoul (body, &end, 10);
  if (end == body || *end != ',')
    return FALSE;
  body = end + 1;
  ack->b = strtoul (body, &end, 10);
  return end != body && *end == '\0' && ack->a < 65521 && ack->b < 65521;
}

static void send_window (GTask *task);
static gboolean on_ack_timeout (gpointer user_data);
static gboolean on_recover_timeout (gpointer user_data);

void
mw_upload_start_recovery (GTask *task)
{
  MwUploadJob *up = g_task_get_task_data (task);
  guint8 fill[2 * MW_UPLOAD_BLOCK];

  if (++up->stats.recoveries > up->retry->recoveries)
    {
      mw_upload_fail (task, g_error_new (MW_DEVICE_ERROR, MW_DEVICE_ERROR_PROTOCOL,
                                         "%s: too many transmission errors; the file on the "
                                         "board was not replaced",
                                         up->name));
      return;
    }
  /* Two blocks of spaces: whatever the board's collector holds, the second is a whole
   * abort block (header 0x2020); leftover spaces make an empty REPL line. */
  memset (fill, ' ', sizeof fill);
  up->step = MW_UPLOAD_STEP_RECOVER;
  up->in_flight = 0;
  up->bad_in_a_row = 0;
  mw_repl_write_raw (up->repl, fill, sizeof fill);
  mw_upload_arm_timer (task,
                       mw_upload_byte_time_ms (up, sizeof fill) + mw_upload_drain_ms (up) + 500,
                       on_recover_timeout);
}

static gboolean
on_recover_timeout (gpointer user_data)
{
  GTask *task = user_data;
  MwUploadJob *up = g_task_get_task_data (task);

  g_clear_pointer (&up->timer, g_source_unref);
  if (up->setup_unsure && !up->cancelling)
    {
      /* the board was not in raw mode after all: set up again */
      up->setup_unsure = FALSE;
      up->recover_timeouts = 0;
      mw_repl_write_raw (up->repl, "\n", 1);
      mw_upload_send_setup (task);
      return G_SOURCE_REMOVE;
    }
  if (up->recover_timeouts++ < up->retry->abort_resends)
    {
      /* the abort itself may have lost a byte: once more */
      mw_upload_start_recovery (task);
      return G_SOURCE_REMOVE;
    }
  mw_upload_fail (task, g_error_new (MW_REPL_ERROR, MW_REPL_ERROR_NO_ANSWER,
                                     "%s: the board stopped answering during the upload; the "
                                     "file on the board was not replaced",
                                     up->name));
  return G_SOURCE_REMOVE;
}

static gboolean
on_ack_timeout (gpointer user_data)
{
  GTask *task = user_data;
  MwUploadJob *up = g_task_get_task_data (task);

  g_clear_pointer (&up->timer, g_source_unref);
  /* A lost byte leaves the board waiting for the rest of a block: abort and resume. */
  mw_upload_start_recovery (task);
  return G_SOURCE_REMOVE;
}

static void
arm_ack_timer (GTask *task)
{
  MwUploadJob *up = g_task_get_task_data (task);

  if (up->step == MW_UPLOAD_STEP_VERIFY)
    mw_upload_arm_timer (task, 3000 + mw_upload_byte_time_ms (up, 16) + up->len / 20,
                         on_ack_timeout);
  else
    mw_upload_arm_timer (
      task, mw_upload_byte_time_ms (up, (MW_UPLOAD_WINDOW + 1) * MW_UPLOAD_BLOCK) + 150,
      on_ack_timeout);
}

static void
handle_ack (GTask *task, const char *body)
{
  MwUploadJob *up = g_task_get_task_data (task);
  MwUploadAck ack;

  if (body[0] == 'V' && up->restarts++ < up->retry->verify_restarts)
    {
      /* Every block acknowledged, yet the whole file disagrees: a constant of the setup
       * may have been garbled on the way in. Start again from the first block, with the
       * figures sent again. */
      memset (up->ok, 0, up->n_blocks * sizeof (gboolean));
      up->confirmed = 0;
      up->next = 0;
      up->started = FALSE;
      mw_upload_start_recovery (task);
      return;
    }
  if (body[0] == 'F')
    {
      /* A block whose check byte is wrong: its header came from the wrong place, so a byte
       * was lost and the board's framing slipped (or a header byte changed). Every block
       * after it would be framed wrongly too: abort and resume now, not when the timer
       * notices that nothing is confirmed any more. */
      if (up->step == MW_UPLOAD_STEP_SEND)
        mw_upload_start_recovery (task);
      return;
    }
  if (body[0] == 'V')
    {
      /* Every block acknowledged, but the whole file disagrees: flash trouble. */
      mw_upload_fail (task, g_error_new (MW_DEVICE_ERROR, MW_DEVICE_ERROR_VERIFY,
                                         "%s: the file written on the board does not match (%s); "
                                         "it was not replaced",
                                         up->name, body + 1));
      return;
    }
  if (!mw_upload_parse_ack (body, &ack))
    return; /* garbled: the timer will notice if it matters */
  if (up->in_flight > 0)
    up->in_flight--;
  if (ack.nack)
    {
      up->next = MIN (up->confirmed, ack.expected);
      up->in_flight = 0;
      if (++up->bad_in_a_row >= up->retry->bad_acks_in_a_row)
        {
          mw_upload_start_recovery (task);
          return;
        }
    }
  else if (ack.seq < up->n_blocks && up->block_sums[ack.seq] == ((ack.b << 16) | ack.a))
    {
      up->ok[ack.seq] = TRUE;
      up->bad_in_a_row = 0;
      while (up->confirmed < up->n_blocks && up->ok[up->confirmed])
        up->confirmed++;
      mw_upload_report_progress (up);
    }
  else
    {
      /* A corrupted block (or header): resend from there (go-back-N). */
      guint from = MIN (ack.seq, up->n_blocks);

      up->stats.retries++;
      for (guint i = from; i < up->n_blocks; i++)
        up->ok[i] = FALSE;
      up->confirmed = MIN (up->confirmed, from);
      up->next = MIN (up->next, from);
      if (++up->bad_in_a_row >= up->retry->bad_acks_in_a_row)
        {
          mw_upload_start_recovery (task);
          return;
        }
    }
  if (up->confirmed > up->high)
    {
      up->high = up->confirmed;
      mw_upload_stop_timer (up);
      mw_upload_note_progress (task);
    }
  if (up->confirmed == up->n_blocks)
    {
      up->step = MW_UPLOAD_STEP_VERIFY;
      mw_upload_note_progress (task); /* with the time the board's whole-file check takes */
      arm_ack_timer (task);
      return;
    }
  up->step = MW_UPLOAD_STEP_SEND;
  send_window (task);
}

static void
handle_end (GTask *task, const char *body)
{
  MwUploadJob *up = g_task_get_task_data (task);
  MwBoardReply code;
  const char *message;

  if (body[0] == '+')
    {
      guint64 n = 0, a = 0, b = 0;

      /* The board's own whole-file figures decide, acknowledged blocks or not. */
      if (sscanf (body + 1, "%" G_GUINT64_FORMAT ",%" G_GUINT64_FORMAT ",%" G_GUINT64_FORMAT, &n,
                  &a, &b)
            != 3
          || n != up->len || a != up->file_a || b != up->file_b)
        {
          mw_upload_fail (task, g_error_new (MW_DEVICE_ERROR, MW_DEVICE_ERROR_VERIFY,
                                             "%s: the board reports %s after the upload", up->name,
                                             body + 1));
          return;
        }
      up->stats.blocks = up->n_blocks;
      up->confirmed = up->n_blocks;
      mw_upload_report_progress (up);
      mw_upload_succeed (task);
    }
  else if (body[0] == '-' && mw_board_lua_parse_reply (body + 1, &code, &message))
    mw_upload_fail_reply (task, code, message,
                          MIN ((gsize) up->confirmed * MW_UPLOAD_PAYLOAD, up->len));
  else if (up->step == MW_UPLOAD_STEP_RECOVER && up->cancelling)
    {
      mw_upload_stop_timer (up);
      mw_repl_write_raw (up->repl, "\n", 1);
      mw_upload_fail (task, mw_upload_stop_error (up));
    }
  else if (up->step == MW_UPLOAD_STEP_RECOVER
           || (strcmp (body, MW_BOARD_LUA_END_TIMEOUT) == 0
               && (up->step == MW_UPLOAD_STEP_SEND || up->step == MW_UPLOAD_STEP_VERIFY)))
    {
      /* Raw mode ended (our abort, or the board's own timer): flush the REPL line that the
       * spare spaces started, then resume at the first unconfirmed block. */
      mw_upload_stop_timer (up);
      up->recover_timeouts = 0;
      up->setup_unsure = FALSE;
      mw_repl_write_raw (up->repl, "\n", 1);
      up->next = up->confirmed;
      up->step = MW_UPLOAD_STEP_SETUP;
      mw_upload_send_setup (task);
    }
}

void
mw_upload_on_frame (MwRepl *repl, const char *kind, const char *token, GBytes *body,
                    gpointer user_data)
{
  GTask *task = user_data;
  MwUploadJob *up = g_task_get_task_data (task);
  g_autofree char *text = NULL;

  if (strcmp (token, up->token) != 0 || up->step == MW_UPLOAD_STEP_DONE
      || up->step == MW_UPLOAD_STEP_CLEANUP)
    return;
  text = g_strndup (g_bytes_get_data (body, NULL), g_bytes_get_size (body));
  if (kind[0] == 'A' && (up->step == MW_UPLOAD_STEP_SEND || up->step == MW_UPLOAD_STEP_VERIFY))
    handle_ack (task, text);
  else if (kind[0] == 'Z')
    handle_end (task, text);
}

/* ---- raw blocks ---- */

void
mw_upload_block_bytes (MwUploadJob *up, guint seq, guint8 out[MW_UPLOAD_BLOCK])
{
  gsize off = (gsize) seq * MW_UPLOAD_PAYLOAD;
  gsize n = MIN (MW_UPLOAD_PAYLOAD, up->len - off);

  memset (out, 0, MW_UPLOAD_BLOCK);
  out[0] = seq >> 8;
  out[1] = seq & 0xff;
  out[2] = MW_UPLOAD_CHECK (out[0], out[1]);
  if (n > 0)
    memcpy (out + MW_UPLOAD_HEADER, up->bytes + off, n);
}

static void
send_window (GTask *task)
{
  MwUploadJob *up = g_task_get_task_data (task);

  while (up->in_flight < MW_UPLOAD_WINDOW && up->next < up->n_blocks)
    {
      guint8 block[MW_UPLOAD_BLOCK];

      mw_upload_block_bytes (up, up->next, block);
      mw_repl_write_raw (up->repl, block, sizeof block);
      up->next++;
      up->in_flight++;
    }
  /* A running timer keeps running: it measures the time since the last new block was
   * confirmed, not since the last acknowledgement (a board whose framing slipped keeps
   * acknowledging, wrongly, and once kept an upload busy forever). */
  if (up->timer == NULL)
    arm_ack_timer (task);
}

static void
setup_params (MwUploadJob *up, MwBoardLuaUpload *params)
{
  *params = (MwBoardLuaUpload){
    .temp_name = MW_UPLOAD_TEMP_NAME,
    .name = up->name,
    .len = up->len,
    .n_blocks = up->n_blocks,
    .payload = MW_UPLOAD_PAYLOAD,
    .block = MW_UPLOAD_BLOCK,
    .a = up->file_a,
    .b = up->file_b,
    .start = up->confirmed,
    .token = up->token,
    .drain_ms = mw_upload_drain_ms (up),
    .vanish_ms = MW_UPLOAD_VANISH_MS,
  };
}

static char *
setup_code (MwUploadJob *up)
{
  MwBoardLuaUpload params;

  setup_params (up, &params);
  return mw_board_lua_upload_setup (&params);
}

static char *
whole_setup_code (MwUploadJob *up)
{
  MwBoardLuaUpload params;

  setup_params (up, &params);
  return mw_board_lua_upload_whole_setup (&params);
}

static void
on_setup_done (GObject *source, GAsyncResult *result, gpointer user_data)
{
  g_autoptr (GTask) task = user_data;
  MwUploadJob *up = g_task_get_task_data (task);

  up->busy_exec = FALSE;
  GError *error = NULL;
  g_autoptr (GBytes) reply = mw_repl_execute_finish (MW_REPL (source), result, &error);
  gboolean whole = up->whole_sent;

  up->whole_sent = FALSE;
  if (up->step != MW_UPLOAD_STEP_SETUP)
    {
      g_clear_error (&error);
      return;
    }
  if (reply == NULL && whole && g_error_matches (error, MW_REPL_ERROR, MW_REPL_ERROR_GARBLED))
    {
      /* the long first try met a noisy line: the library in short pieces, then the start */
      g_error_free (error);
      mw_upload_send_setup (task);
      return;
    }
  if (reply == NULL)
    {
      MwBoardReply code = 0;
      const char *message = NULL;

      if (g_error_matches (error, MW_REPL_ERROR, MW_REPL_ERROR_LUA)
          && mw_board_lua_parse_reply (error->message, &code, &message)
          && code == MW_BOARD_REPLY_UNSUPPORTED && up->confirmed == 0)
        {
          /* No raw uart.on on this firmware: the escaped-literal fallback. */
          g_error_free (error);
          mw_upload_start_text (task);
        }
      else if (code != 0)
        {
          mw_upload_fail_reply (task, code, message, 0);
          g_error_free (error);
        }
      else if (g_error_matches (error, MW_REPL_ERROR, MW_REPL_ERROR_TIMEOUT)
               && (mw_repl_get_state (up->repl) != MW_REPL_STATE_SILENT || !up->silent_probed)
               && up->setup_failures++ < up->retry->setup_resends)
        {
          /* not one byte of echo: a silent board, or raw mode on; the abort tells, once */
          if (mw_repl_get_state (up->repl) == MW_REPL_STATE_SILENT)
            up->silent_probed = TRUE;
          /* The start may have run with its answer garbled on the way in (a byte lost in
           * the wrapper's end marker): the board would be in raw mode, swallowing any
           * command. End raw mode first; no answer to that means it was not. */
          g_error_free (error);
          up->setup_unsure = TRUE;
          mw_upload_start_recovery (task);
        }
      else if (up->setup_failures++ < up->retry->setup_resends
               && mw_repl_get_state (up->repl) != MW_REPL_STATE_SILENT
               && !g_error_matches (error, MW_REPL_ERROR, MW_REPL_ERROR_RESET)
               && !g_error_matches (error, MW_REPL_ERROR, MW_REPL_ERROR_CLOSED)
               && !g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
        {
          /* a line garbled on the way in: say it again */
          g_error_free (error);
          mw_repl_write_raw (up->repl, "\n", 1);
          mw_upload_send_setup (task);
        }
      else
        mw_upload_fail (task, error);
      return;
    }
  up->setup_failures = 0;
  up->library_next = mw_board_lua_upload_library_pieces ();
  up->started = TRUE;
  up->step = MW_UPLOAD_STEP_SEND;
  up->in_flight = 0;
  up->bad_in_a_row = 0;
  up->high = up->confirmed;
  send_window (task);
}

static void
on_library_done (GObject *source, GAsyncResult *result, gpointer user_data)
{
  g_autoptr (GTask) task = user_data;
  MwUploadJob *up = g_task_get_task_data (task);
  GError *error = NULL;
  g_autoptr (GBytes) reply = mw_repl_execute_finish (MW_REPL (source), result, &error);

  up->busy_exec = FALSE;
  if (up->step != MW_UPLOAD_STEP_SETUP)
    {
      g_clear_error (&error);
      return;
    }
  if (reply != NULL)
    {
      up->library_next++;
      up->library_failures = 0;
      mw_upload_note_progress (task);
      mw_upload_send_setup (task);
      return;
    }
  /* Each piece only defines functions: sending it again is harmless. */
  if (up->library_failures++ < up->retry->library_resends
      && mw_repl_get_state (up->repl) != MW_REPL_STATE_SILENT
      && !g_error_matches (error, MW_REPL_ERROR, MW_REPL_ERROR_RESET)
      && !g_error_matches (error, MW_REPL_ERROR, MW_REPL_ERROR_CLOSED)
      && !g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    {
      g_error_free (error);
      mw_repl_write_raw (up->repl, "\n", 1);
      mw_upload_send_setup (task);
      return;
    }
  mw_upload_fail (task, error);
}

void
mw_upload_send_setup (GTask *task)
{
  MwUploadJob *up = g_task_get_task_data (task);
  g_autofree char *code = NULL;

  up->step = MW_UPLOAD_STEP_SETUP;
  mw_upload_stop_timer (up);
  up->busy_exec = TRUE;
  if (up->library_next == 0 && !up->whole_tried)
    {
      /* on a clean line, one command: the wrappers and echo round trips of five cost
       * about 0.3 s at 115200 */
      up->whole_tried = TRUE;
      up->whole_sent = TRUE;
      code = whole_setup_code (up);
      mw_repl_locked_execute_once_async (up->repl, code, up->timeout_ms, NULL, on_setup_done,
                                         g_object_ref (task));
      return;
    }
  if (up->library_next < mw_board_lua_upload_library_pieces ())
    {
      code = mw_board_lua_upload_library (up->library_next);
      mw_repl_locked_execute_async (up->repl, code, up->timeout_ms, NULL, on_library_done,
                                    g_object_ref (task));
      return;
    }
  code = up->started ? mw_board_lua_upload_resume (up->confirmed) : setup_code (up);
  mw_repl_locked_execute_async (up->repl, code, up->timeout_ms, NULL, on_setup_done,
                                g_object_ref (task));
}
