/* mw-upload-block.c: the raw block protocol of uploads and its board-side Lua. */
#include "mw-config.h"

#include "mw-upload-private.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <zlib.h>

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
  if (end == body || *end != ',' || ack->a >= 65521 || ack->b >= 65521)
    return FALSE;
  body = end + 1;
  ack->end = g_ascii_strtoull (body, &end, 10);
  return end != body && *end == '\0' && g_ascii_isdigit (*body);
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
                                         up->shown));
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
                                     up->shown));
  return G_SOURCE_REMOVE;
}

/* Forgets the first `n` blocks in flight. */
static void
flight_drop (MwUploadJob *up, guint n)
{
  g_assert (n <= up->in_flight);
  memmove (up->flight, up->flight + n, (up->in_flight - n) * sizeof up->flight[0]);
  up->in_flight -= n;
}

/* The first `n` blocks in flight did not arrive whole: they go out again. */
static void
flight_lose (MwUploadJob *up, guint n)
{
  for (guint i = 0; i < n; i++)
    {
      up->want[up->flight[i].seq] = TRUE;
      up->stats.retries++;
    }
  flight_drop (up, n);
}

static gint
flight_find (MwUploadJob *up, guint seq)
{
  for (guint i = 0; i < up->in_flight; i++)
    if (up->flight[i].seq == seq)
      return i;
  return -1;
}

static gboolean
on_ack_timeout (gpointer user_data)
{
  GTask *task = user_data;
  MwUploadJob *up = g_task_get_task_data (task);

  g_clear_pointer (&up->timer, g_source_unref);
  if (up->step == MW_UPLOAD_STEP_SEND && ++up->stalls <= MW_UPLOAD_STALLS)
    {
      /* Nothing confirmed for a while: the blocks in flight were lost, or the board holds
       * the tail of one until more bytes come (a lost byte shifts where its 255-byte
       * pieces end). Sending them again pushes it through. */
      flight_lose (up, up->in_flight);
      send_window (task);
      return G_SOURCE_REMOVE;
    }
  /* the board does not answer blocks: end raw mode and set up again */
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
      task, mw_upload_byte_time_ms (up, (MW_UPLOAD_WINDOW + 1) * MW_UPLOAD_BLOCK) + 100,
      on_ack_timeout);
}

static void
handle_ack (GTask *task, const char *body)
{
  MwUploadJob *up = g_task_get_task_data (task);
  MwUploadAck ack;
  gint i;

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
  if (body[0] == 'V')
    {
      /* Every block acknowledged, but the whole file disagrees: flash trouble. */
      mw_upload_fail (task, g_error_new (MW_DEVICE_ERROR, MW_DEVICE_ERROR_VERIFY,
                                         "%s: the file written on the board does not match (%s); "
                                         "it was not replaced",
                                         up->shown, body + 1));
      return;
    }
  if (up->step != MW_UPLOAD_STEP_SEND)
    return;
  if (body[0] == 'F')
    {
      /* A block whose sum did not match: cut short by a lost byte, or changed on the way.
       * The board looks for the next block in what follows; this one goes out again. */
      char *end = NULL;
      guint64 seq = g_ascii_strtoull (body + 1, &end, 10);
      guint64 at = *end == ',' ? g_ascii_strtoull (end + 1, NULL, 10) : 0;

      if (seq < up->n_blocks && (i = flight_find (up, seq)) >= 0)
        {
          /* where it would have ended tells the bytes lost before it; one more, most likely,
           * in it */
          if (at > 0)
            up->lost = (gint64) up->flight[i].end - (gint64) at + 1;
          up->want[seq] = TRUE;
          up->stats.retries++;
          memmove (up->flight + i, up->flight + i + 1,
                   (up->in_flight - i - 1) * sizeof up->flight[0]);
          up->in_flight--;
        }
      send_window (task);
      return;
    }
  if (!mw_upload_parse_ack (body, &ack) || ack.seq >= up->n_blocks)
    return; /* garbled: the timer will notice if it matters */
  i = flight_find (up, ack.seq);
  if (ack.nack || up->block_sums[ack.seq] != ((ack.b << 16) | ack.a))
    {
      /* out of the board's window, or an acknowledgement garbled on its way back */
      if (i >= 0)
        flight_lose (up, i + 1);
      else if (!up->ok[ack.seq])
        up->want[ack.seq] = TRUE;
      if (++up->bad_in_a_row >= up->retry->bad_acks_in_a_row)
        {
          mw_upload_start_recovery (task);
          return;
        }
    }
  else
    {
      if (i >= 0)
        {
          /* The board takes blocks in the order they were sent: those sent before this one
           * and not acknowledged did not arrive whole. */
          up->lost = (gint64) up->flight[i].end - (gint64) ack.end;
          flight_lose (up, i);
          flight_drop (up, 1);
        }
      up->ok[ack.seq] = TRUE;
      up->want[ack.seq] = FALSE;
      up->bad_in_a_row = 0;
      up->stalls = 0;
      while (up->confirmed < up->n_blocks && up->ok[up->confirmed])
        up->confirmed++;
      mw_upload_report_progress (up);
      mw_upload_stop_timer (up);
    }
  if (up->confirmed > up->high)
    {
      up->high = up->confirmed;
      mw_upload_note_progress (task);
    }
  if (up->confirmed == up->n_blocks)
    {
      up->step = MW_UPLOAD_STEP_VERIFY;
      mw_upload_note_progress (task); /* with the time the board's whole-file check takes */
      arm_ack_timer (task);
      return;
    }
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
                                             "%s: the board reports %s after the upload", up->shown,
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
           || ((strcmp (body, MW_BOARD_LUA_END_TIMEOUT) == 0
                || strcmp (body, MW_BOARD_LUA_END_ABORTED) == 0)
               && (up->step == MW_UPLOAD_STEP_SEND || up->step == MW_UPLOAD_STEP_VERIFY)))
    {
      /* Raw mode ended (our abort, the board's own timer, or 255 spaces of a file the board
       * took for the abort while it looked for a block): flush the REPL line that the spare
       * spaces started, then resume at the first unconfirmed block. */
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

guint32
mw_upload_block_bytes (MwUploadJob *up, guint seq, guint8 out[MW_UPLOAD_BLOCK])
{
  gsize off = (gsize) seq * MW_UPLOAD_PAYLOAD;
  gsize n = MIN (MW_UPLOAD_PAYLOAD, up->len - off);
  guint32 sum;

  memset (out, 0, MW_UPLOAD_BLOCK);
  out[0] = seq >> 8;
  out[1] = seq & 0xff;
  out[2] = MW_UPLOAD_CHECK (out[0], out[1]);
  if (n > 0)
    memcpy (out + MW_UPLOAD_HEADER, up->bytes + off, n);
  /* the token's Adler-32, continued over the sequence number, the check byte, the payload */
  sum = adler32_z (1, (const Bytef *) up->token, strlen (up->token));
  sum = adler32_z (sum, out, 3);
  sum = adler32_z (sum, out + MW_UPLOAD_HEADER, MW_UPLOAD_PAYLOAD);
  out[3] = (sum >> 8) & 0xff;
  out[4] = sum & 0xff;
  out[5] = sum >> 24;
  out[6] = (sum >> 16) & 0xff;
  return sum;
}

/* Spaces that make the board's last 255-byte piece whole, by what the acknowledgements say
 * was lost: a lost byte shifts where the board's pieces end, and the tail of the last block
 * sent would wait for more bytes when the line falls idle. Once flushed, the pieces line up
 * with the blocks again: a lost byte costs a space. */
static void
flush (MwUploadJob *up)
{
  gint64 pending = ((gint64) up->sent - up->lost) % MW_UPLOAD_BLOCK;
  guint8 fill[MW_UPLOAD_BLOCK];
  gsize n;

  if (pending < 0)
    pending += MW_UPLOAD_BLOCK;
  if (pending == 0)
    return;
  n = MW_UPLOAD_BLOCK - pending;
  memset (fill, ' ', n);
  mw_repl_write_raw (up->repl, fill, n);
  up->sent += n;
}

static void
send_window (GTask *task)
{
  MwUploadJob *up = g_task_get_task_data (task);
  guint limit = MIN (up->n_blocks, up->confirmed + MW_UPLOAD_AHEAD);
  guint seq = up->confirmed;

  /* the first block missing first, then the next ones, at most MW_UPLOAD_AHEAD past it */
  while (up->in_flight < MW_UPLOAD_WINDOW)
    {
      guint8 block[MW_UPLOAD_BLOCK];

      while (seq < limit && !up->want[seq])
        seq++;
      if (seq >= limit)
        break;
      mw_upload_block_bytes (up, seq, block);
      mw_repl_write_raw (up->repl, block, sizeof block);
      up->sent += sizeof block;
      up->want[seq] = FALSE;
      up->flight[up->in_flight].seq = seq;
      up->flight[up->in_flight].end = up->sent;
      up->in_flight++;
      up->next = MAX (up->next, seq + 1);
    }
  if (up->in_flight > 0)
    flush (up);
  /* A running timer keeps running: it measures the time since the last block was
   * confirmed, not since the last answer. */
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
    .ahead = MW_UPLOAD_AHEAD,
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
  /* A new start: the board's count of raw bytes begins again, and it has only the blocks
   * below the first unconfirmed one (those it kept past a missing one are gone). */
  up->in_flight = 0;
  up->bad_in_a_row = 0;
  up->stalls = 0;
  up->sent = 0;
  up->lost = 0;
  for (guint i = up->confirmed; i < up->n_blocks; i++)
    {
      up->ok[i] = FALSE;
      up->want[i] = TRUE;
    }
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
