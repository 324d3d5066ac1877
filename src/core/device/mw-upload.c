/* mw-upload.c: the verified upload state machine (host side) and its board-side Lua. */
#include "mw-config.h"

#include "mw-upload.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define WINDOW 2 /* raw blocks in flight: the 256-byte ring holds one more */
#define MAX_BLOCKS 8224 /* 0x2020, two spaces: the abort header */
#define MAX_RECOVERIES 200
#define MAX_BAD_IN_A_ROW 4 /* then assume the board's block framing slipped */
#define DRAIN_MS 100 /* board side: after a failure, swallow blocks still in flight */
#define VANISH_MS 2000 /* board side: no block for this long, give the REPL back */
#define TEXT_LITERAL_MAX 130 /* quoted bytes per fallback line (the wrapper adds ~110) */

typedef enum
{
  STEP_LOCK,
  STEP_FAST,
  STEP_SETUP,
  STEP_SEND,
  STEP_VERIFY, /* every block acknowledged; the board checks the whole file */
  STEP_RECOVER, /* abort block sent; waiting for the board's "-aborted" */
  STEP_TEXT,
  STEP_CLEANUP,
  STEP_DONE,
} Step;

typedef struct
{
  MwDevice *device;
  MwRepl *repl;
  char *name;
  GBytes *data;
  const guint8 *bytes;
  gsize len;
  MwUploadFlags flags;
  guint fast_baud;
  guint normal_baud;
  MwUploadProgress progress;
  gpointer progress_data;

  Step step;
  char token[8];
  guint n_blocks;
  guint32 *block_sums; /* Adler-32 of each padded block as sent */
  gboolean *ok; /* acknowledged with the right sum */
  guint confirmed; /* every block below is ok */
  guint next; /* next block to send */
  guint in_flight;
  guint bad_in_a_row;
  guint setup_failures;
  guint recover_timeouts;
  guint restarts;
  gboolean cancelling; /* abort sent for a cancel: end, don't resume */
  gboolean busy_exec; /* a command of ours is running: cancel after it */
  guint32 file_a, file_b;
  gsize text_pos; /* fallback: bytes written */

  GSource *timer;
  gulong frame_id;
  gulong reset_id;
  gulong state_id;
  gboolean locked;
  gboolean fast_active;
  GError *failure; /* the error to report once cleaned up */
  MwUploadStats stats;
  gint64 start;
} Upload;

static void upload_fail (GTask *task, GError *error);
static void send_setup (GTask *task);
static void send_window (GTask *task);

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

static void
upload_free (Upload *up)
{
  if (up->timer)
    {
      g_source_destroy (up->timer);
      g_source_unref (up->timer);
    }
  g_clear_signal_handler (&up->frame_id, up->repl);
  g_clear_signal_handler (&up->reset_id, up->repl);
  g_clear_signal_handler (&up->state_id, up->repl);
  g_clear_object (&up->repl);
  g_clear_object (&up->device);
  g_free (up->name);
  g_bytes_unref (up->data);
  g_free (up->block_sums);
  g_free (up->ok);
  g_clear_error (&up->failure);
  g_free (up);
}

static gint64
byte_time_ms (Upload *up, gsize n)
{
  guint baud = MAX (mw_transport_get_baud (mw_repl_get_transport (up->repl)), 1200);

  return (gint64) n * 10000 / baud;
}

static void
stop_timer (Upload *up)
{
  if (up->timer)
    {
      g_source_destroy (up->timer);
      g_clear_pointer (&up->timer, g_source_unref);
    }
}

static void
arm_timer (GTask *task, guint ms, GSourceFunc func)
{
  Upload *up = g_task_get_task_data (task);

  stop_timer (up);
  up->timer = g_timeout_source_new (ms);
  g_source_set_name (up->timer, "MwUpload timer");
  g_source_set_callback (up->timer, func, task, NULL);
  g_source_attach (up->timer, g_main_context_get_thread_default ());
}

/* ---- the end: cleanup, baud restore, unlock ---- */

static void
finish (GTask *task)
{
  Upload *up = g_task_get_task_data (task);

  up->step = STEP_DONE;
  stop_timer (up);
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
  Upload *up = g_task_get_task_data (task);

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
  Upload *up = g_task_get_task_data (task);

  up->busy_exec = FALSE;
  g_autoptr (GBytes) reply = mw_repl_execute_finish (MW_REPL (source), result, NULL);

  if (up->step == STEP_DONE)
    return;
  if (up->fast_active)
    arm_timer (task, 60, on_restored); /* the board switches back 30 ms after the reply */
  else
    finish (task);
}

/* Leaves the board as it was: no temp file, the normal baud, the REPL. Best effort. */
static void
cleanup (GTask *task)
{
  Upload *up = g_task_get_task_data (task);
  g_autoptr (GString) code = g_string_new ("_mwok=nil");
  g_autofree char *tmp = mw_lua_quote_str (MW_UPLOAD_TEMP_NAME);

  stop_timer (up);
  up->step = STEP_CLEANUP;
  if (mw_repl_get_state (up->repl) == MW_REPL_STATE_CLOSED
      || g_error_matches (up->failure, MW_REPL_ERROR, MW_REPL_ERROR_RESET)
      || g_error_matches (up->failure, MW_REPL_ERROR, MW_REPL_ERROR_NO_ANSWER) || !up->locked)
    {
      finish (task);
      return;
    }
  if (up->failure)
    g_string_append_printf (code, " _mwu=nil file.remove(%s)", tmp);
  /* a partial line left by raw mode (a block cut short) ends here, not in our command */
  if (up->failure)
    mw_repl_write_raw (up->repl, "\n", 1);
  if (up->fast_active)
    g_string_append_printf (code,
                            " tmr.create():alarm(30,0,function() "
                            "uart.setup(0,%u,8,0,1,1) end)",
                            up->normal_baud);
  up->busy_exec = TRUE;
  mw_repl_locked_execute_async (up->repl, code->str, 1000, NULL, on_cleanup_done,
                                g_object_ref (task));
}

static void
upload_fail (GTask *task, GError *error)
{
  Upload *up = g_task_get_task_data (task);

  if (up->step == STEP_DONE || up->step == STEP_CLEANUP)
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

static void
upload_succeed (GTask *task)
{
  cleanup (task);
}

/* ---- board events ---- */

static void
on_reset (MwRepl *repl, gpointer user_data)
{
  GTask *task = user_data;
  Upload *up = g_task_get_task_data (task);

  upload_fail (task, g_error_new (MW_REPL_ERROR, MW_REPL_ERROR_RESET,
                                  "%s: the board restarted during the upload; the file on "
                                  "the board was not replaced",
                                  up->name));
}

static void
on_state (MwRepl *repl, GParamSpec *pspec, gpointer user_data)
{
  GTask *task = user_data;
  Upload *up = g_task_get_task_data (task);

  if (mw_repl_get_state (repl) == MW_REPL_STATE_CLOSED)
    {
      up->locked = FALSE;
      if (up->next < up->n_blocks)
        upload_fail (task, g_error_new (MW_REPL_ERROR, MW_REPL_ERROR_CLOSED,
                                        "%s: the port closed during the upload; the file on "
                                        "the board was not replaced",
                                        up->name));
      else
        /* every block went out: the board may have verified and renamed before we heard */
        upload_fail (task, g_error_new (MW_REPL_ERROR, MW_REPL_ERROR_CLOSED,
                                        "%s: the port closed before the board confirmed the "
                                        "upload; the board holds either the old file or the "
                                        "new one, verified (never a partial file)",
                                        up->name));
    }
}

static void
report_progress (Upload *up)
{
  if (up->progress)
    up->progress (MIN ((gsize) up->confirmed * MW_UPLOAD_PAYLOAD, up->len), up->len,
                  up->progress_data);
}

static gboolean on_ack_timeout (gpointer user_data);
static gboolean on_recover_timeout (gpointer user_data);

static void
start_recovery (GTask *task)
{
  Upload *up = g_task_get_task_data (task);
  guint8 fill[2 * MW_UPLOAD_BLOCK];

  if (++up->stats.recoveries > MAX_RECOVERIES)
    {
      upload_fail (task, g_error_new (MW_DEVICE_ERROR, MW_DEVICE_ERROR_PROTOCOL,
                                      "%s: too many transmission errors; the file on the "
                                      "board was not replaced",
                                      up->name));
      return;
    }
  /* Two blocks of spaces: whatever the board's collector holds, the second is a whole
   * abort block (header 0x2020); leftover spaces make an empty REPL line. */
  memset (fill, ' ', sizeof fill);
  up->step = STEP_RECOVER;
  up->in_flight = 0;
  up->bad_in_a_row = 0;
  mw_repl_write_raw (up->repl, fill, sizeof fill);
  arm_timer (task, byte_time_ms (up, sizeof fill) + DRAIN_MS + 500, on_recover_timeout);
}

static gboolean
on_recover_timeout (gpointer user_data)
{
  GTask *task = user_data;
  Upload *up = g_task_get_task_data (task);

  g_clear_pointer (&up->timer, g_source_unref);
  if (++up->recover_timeouts < 2)
    {
      /* the abort itself may have lost a byte: once more */
      start_recovery (task);
      return G_SOURCE_REMOVE;
    }
  upload_fail (task, g_error_new (MW_REPL_ERROR, MW_REPL_ERROR_NO_ANSWER,
                                  "%s: the board stopped answering during the upload; the "
                                  "file on the board was not replaced",
                                  up->name));
  return G_SOURCE_REMOVE;
}

static gboolean
on_ack_timeout (gpointer user_data)
{
  GTask *task = user_data;
  Upload *up = g_task_get_task_data (task);

  g_clear_pointer (&up->timer, g_source_unref);
  /* A lost byte leaves the board waiting for the rest of a block: abort and resume. */
  start_recovery (task);
  return G_SOURCE_REMOVE;
}

static void
arm_ack_timer (GTask *task)
{
  Upload *up = g_task_get_task_data (task);

  if (up->step == STEP_VERIFY)
    arm_timer (task, 3000 + byte_time_ms (up, 16) + up->len / 20, on_ack_timeout);
  else
    arm_timer (task, byte_time_ms (up, (WINDOW + 1) * MW_UPLOAD_BLOCK) + 150, on_ack_timeout);
}

static void
handle_ack (GTask *task, const char *body)
{
  Upload *up = g_task_get_task_data (task);
  MwUploadAck ack;

  if (body[0] == 'V' && up->restarts++ < 2)
    {
      /* Every block acknowledged, yet the whole file disagrees: a constant of the setup
       * may have been garbled on the way in. Start again from the first block. */
      memset (up->ok, 0, up->n_blocks * sizeof (gboolean));
      up->confirmed = 0;
      up->next = 0;
      start_recovery (task);
      return;
    }
  if (body[0] == 'V')
    {
      /* Every block acknowledged, but the whole file disagrees: flash trouble. */
      upload_fail (task, g_error_new (MW_DEVICE_ERROR, MW_DEVICE_ERROR_VERIFY,
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
      if (++up->bad_in_a_row >= MAX_BAD_IN_A_ROW)
        {
          start_recovery (task);
          return;
        }
    }
  else if (ack.seq < up->n_blocks && up->block_sums[ack.seq] == ((ack.b << 16) | ack.a))
    {
      up->ok[ack.seq] = TRUE;
      up->bad_in_a_row = 0;
      while (up->confirmed < up->n_blocks && up->ok[up->confirmed])
        up->confirmed++;
      report_progress (up);
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
      if (++up->bad_in_a_row >= MAX_BAD_IN_A_ROW)
        {
          start_recovery (task);
          return;
        }
    }
  if (up->confirmed == up->n_blocks)
    {
      up->step = STEP_VERIFY;
      arm_ack_timer (task);
      return;
    }
  up->step = STEP_SEND;
  send_window (task);
}

static void
handle_end (GTask *task, const char *body)
{
  Upload *up = g_task_get_task_data (task);

  if (body[0] == '+')
    {
      guint64 n = 0, a = 0, b = 0;

      /* The board's own whole-file figures decide, acknowledged blocks or not. */
      if (sscanf (body + 1, "%" G_GUINT64_FORMAT ",%" G_GUINT64_FORMAT ",%" G_GUINT64_FORMAT, &n,
                  &a, &b)
            != 3
          || n != up->len || a != up->file_a || b != up->file_b)
        {
          upload_fail (task, g_error_new (MW_DEVICE_ERROR, MW_DEVICE_ERROR_VERIFY,
                                          "%s: the board reports %s after the upload", up->name,
                                          body + 1));
          return;
        }
      up->stats.blocks = up->n_blocks;
      up->confirmed = up->n_blocks;
      report_progress (up);
      upload_succeed (task);
    }
  else if (strcmp (body, "-full") == 0)
    upload_fail (task,
                 g_error_new (MW_DEVICE_ERROR, MW_DEVICE_ERROR_FULL,
                              "%s: the board's file system is full (a write failed "
                              "after %zu of %zu bytes); the old file is unchanged",
                              up->name, MIN ((gsize) up->confirmed * MW_UPLOAD_PAYLOAD, up->len),
                              up->len));
  else if (strcmp (body, "-rename") == 0)
    upload_fail (task, g_error_new (MW_DEVICE_ERROR, MW_DEVICE_ERROR_FAILED,
                                    "%s: the board could not rename the verified temporary "
                                    "file %s over it",
                                    up->name, MW_UPLOAD_TEMP_NAME));
  else if (up->step == STEP_RECOVER && up->cancelling)
    {
      stop_timer (up);
      mw_repl_write_raw (up->repl, "\n", 1);
      upload_fail (task, g_error_new_literal (G_IO_ERROR, G_IO_ERROR_CANCELLED,
                                              "cancelled; the file on the board was not "
                                              "replaced"));
    }
  else if (up->step == STEP_RECOVER
           || (strcmp (body, "-timeout") == 0
               && (up->step == STEP_SEND || up->step == STEP_VERIFY)))
    {
      /* Raw mode ended (our abort, or the board's own timer): flush the REPL line that the
       * spare spaces started, then resume at the first unconfirmed block. */
      stop_timer (up);
      up->recover_timeouts = 0;
      mw_repl_write_raw (up->repl, "\n", 1);
      up->next = up->confirmed;
      up->step = STEP_SETUP;
      send_setup (task);
    }
}

static void
on_frame (MwRepl *repl, const char *kind, const char *token, GBytes *body, gpointer user_data)
{
  GTask *task = user_data;
  Upload *up = g_task_get_task_data (task);
  g_autofree char *text = NULL;

  if (strcmp (token, up->token) != 0 || up->step == STEP_DONE || up->step == STEP_CLEANUP)
    return;
  text = g_strndup (g_bytes_get_data (body, NULL), g_bytes_get_size (body));
  if (kind[0] == 'A' && (up->step == STEP_SEND || up->step == STEP_VERIFY))
    handle_ack (task, text);
  else if (kind[0] == 'Z')
    handle_end (task, text);
}

/* ---- raw blocks ---- */

static void
block_bytes (Upload *up, guint seq, guint8 out[MW_UPLOAD_BLOCK])
{
  gsize off = (gsize) seq * MW_UPLOAD_PAYLOAD;
  gsize n = MIN (MW_UPLOAD_PAYLOAD, up->len - off);

  memset (out, 0, MW_UPLOAD_BLOCK);
  out[0] = seq >> 8;
  out[1] = seq & 0xff;
  if (n > 0)
    memcpy (out + 2, up->bytes + off, n);
}

static void
send_window (GTask *task)
{
  Upload *up = g_task_get_task_data (task);

  while (up->in_flight < WINDOW && up->next < up->n_blocks)
    {
      guint8 block[MW_UPLOAD_BLOCK];

      block_bytes (up, up->next, block);
      mw_repl_write_raw (up->repl, block, sizeof block);
      up->next++;
      up->in_flight++;
    }
  arm_ack_timer (task);
}

/* The board side: runs inside the REPL wrapper, so every line may be a continuation line. */
static char *
setup_code (Upload *up)
{
  g_autofree char *t = mw_lua_quote_str (MW_UPLOAD_TEMP_NAME);
  g_autofree char *d = mw_lua_quote_str (up->name);
  guint last_len = up->len - (up->n_blocks - 1) * MW_UPLOAD_PAYLOAD;
  guint start = up->confirmed;

  return g_strdup_printf (
    "local T,D,L,NB,P,LL,A,B,K0=%s,%s,%u,%u,%u,%u,%u,%u,%u\n"
    "if K0==0 then file.remove(T) local r=file.fsinfo() if r<L then "
    "error('not enough space on the board: '..r..' bytes free, '..L..' needed') end end\n"
    "local u={k=K0,seen=1} _mwu=u\n"
    "u.f=file.open(T,K0==0 and 'w+' or 'r+') if not u.f then error('cannot create '..T) end\n"
    "function u.ack(m) uart.write(0,'\\2A%s',m,'\\3') end\n"
    "function u.sum(d,a,b) for i=1,#d do a=a+d:byte(i) b=b+a end return a%%65521,b%%65521 end\n"
    "function u.fin(ok,m) u.t:unregister() if u.f then u.f:close() u.f=nil end\n"
    "if ok==false then file.remove(T) end _mwu=nil local function z() uart.on('data')\n"
    "uart.write(0,'\\2Z%s',m,'\\3') end if ok then z() return end\n"
    "uart.on('data',255,function() end,0) tmr.create():alarm(%u,0,z) end\n"
    "function u.ver() u.f:flush() u.f:seek('set',0) local a,b,n=1,0,0 while true do\n"
    "local d=u.f:read(255) if not d then break end n=n+#d a,b=u.sum(d,a,b)\n"
    "if tmr.wdclr then tmr.wdclr() end end return n,a,b end\n"
    "function u.done() local n,a,b=u.ver() if n~=L or a~=A or b~=B then\n"
    "u.ack('V'..n..','..a..','..b) return end u.f:close() u.f=nil file.remove(D)\n"
    "if file.rename(T,D) then u.fin(true,'+'..n..','..a..','..b)\n"
    "else u.fin(false,'-rename') end end\n"
    "function u.cb(d) u.seen=1 local s=d:byte(1)*256+d:byte(2)\n"
    "if s==8224 then u.fin(nil,'-aborted') return end\n"
    "if s>u.k or s>=NB then u.ack(s..',N'..u.k) return end\n"
    "u.f:seek('set',s*P) if not u.f:write(d:sub(3,s==NB-1 and LL+2 or P+2)) then\n"
    "u.fin(false,'-full') return end\n"
    "u.k=s+1 local a,b=u.sum(d,1,0) u.ack(s..','..a..','..b) if u.k==NB then u.done() end end\n"
    "u.t=tmr.create() u.t:alarm(%u,tmr.ALARM_AUTO,function()\n"
    "if u.seen==0 then u.fin(nil,'-timeout') end u.seen=0 end)\n"
    "uart.on('data',%u,u.cb,0)",
    t, d, (guint) up->len, up->n_blocks, MW_UPLOAD_PAYLOAD, last_len, up->file_a, up->file_b, start,
    up->token, up->token, DRAIN_MS, VANISH_MS, MW_UPLOAD_BLOCK);
}

static void start_text (GTask *task);

static void
on_setup_done (GObject *source, GAsyncResult *result, gpointer user_data)
{
  g_autoptr (GTask) task = user_data;
  Upload *up = g_task_get_task_data (task);

  up->busy_exec = FALSE;
  GError *error = NULL;
  g_autoptr (GBytes) reply = mw_repl_execute_finish (MW_REPL (source), result, &error);

  if (up->step != STEP_SETUP)
    {
      g_clear_error (&error);
      return;
    }
  if (reply == NULL)
    {
      if (g_error_matches (error, MW_REPL_ERROR, MW_REPL_ERROR_LUA)
          && strstr (error->message, "not enough space") != NULL)
        {
          upload_fail (task,
                       g_error_new (MW_DEVICE_ERROR, MW_DEVICE_ERROR_FULL,
                                    "%s: %s; the old file is unchanged", up->name, error->message));
          g_error_free (error);
        }
      else if (g_error_matches (error, MW_REPL_ERROR, MW_REPL_ERROR_LUA) && up->confirmed == 0
               && (strstr (error->message, "uart") != NULL
                   || strstr (error->message, "method not supported") != NULL))
        {
          /* No raw uart.on on this firmware: the escaped-literal fallback. */
          g_error_free (error);
          start_text (task);
        }
      else if (up->setup_failures++ < 3 && mw_repl_get_state (up->repl) != MW_REPL_STATE_SILENT
               && !g_error_matches (error, MW_REPL_ERROR, MW_REPL_ERROR_RESET)
               && !g_error_matches (error, MW_REPL_ERROR, MW_REPL_ERROR_CLOSED)
               && !g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
        {
          /* a line garbled on the way in: say it again */
          g_error_free (error);
          mw_repl_write_raw (up->repl, "\n", 1);
          send_setup (task);
        }
      else
        upload_fail (task, error);
      return;
    }
  up->setup_failures = 0;
  up->step = STEP_SEND;
  up->in_flight = 0;
  up->bad_in_a_row = 0;
  send_window (task);
}

static void
send_setup (GTask *task)
{
  Upload *up = g_task_get_task_data (task);
  g_autofree char *code = setup_code (up);

  up->step = STEP_SETUP;
  stop_timer (up);
  up->busy_exec = TRUE;
  mw_repl_locked_execute_async (up->repl, code, 2000, NULL, on_setup_done, g_object_ref (task));
}

/* ---- the escaped-literal fallback ---- */

static void text_next (GTask *task);

static void
on_text_step (GObject *source, GAsyncResult *result, gpointer user_data)
{
  g_autoptr (GTask) task = user_data;
  Upload *up = g_task_get_task_data (task);

  up->busy_exec = FALSE;
  GError *error = NULL;
  g_autoptr (GBytes) reply = mw_repl_execute_finish (MW_REPL (source), result, &error);

  if (up->step != STEP_TEXT)
    {
      g_clear_error (&error);
      return;
    }
  if (g_task_get_cancellable (task) != NULL
      && g_cancellable_is_cancelled (g_task_get_cancellable (task)) && up->text_pos <= up->len)
    {
      g_clear_error (&error);
      upload_fail (task, g_error_new_literal (G_IO_ERROR, G_IO_ERROR_CANCELLED,
                                              "cancelled; the file on the board was not "
                                              "replaced"));
      return;
    }
  if (reply == NULL)
    {
      if (strstr (error->message, "E6:") != NULL)
        {
          upload_fail (task, g_error_new (MW_DEVICE_ERROR, MW_DEVICE_ERROR_FULL,
                                          "%s: the board's file system is full (a write failed "
                                          "after %zu of %zu bytes); the old file is unchanged",
                                          up->name, up->text_pos, up->len));
          g_error_free (error);
        }
      else if (strstr (error->message, "E4:") != NULL)
        {
          upload_fail (task, g_error_new (MW_DEVICE_ERROR, MW_DEVICE_ERROR_VERIFY,
                                          "%s: %s; the old file is unchanged", up->name,
                                          strstr (error->message, "E4:") + 3));
          g_error_free (error);
        }
      else
        upload_fail (task, error);
      return;
    }
  if (up->text_pos > up->len)
    {
      /* the finishing command succeeded */
      up->confirmed = up->n_blocks;
      up->stats.blocks = up->n_blocks;
      up->confirmed = up->n_blocks;
      report_progress (up);
      upload_succeed (task);
      return;
    }
  if (up->progress)
    up->progress (up->text_pos, up->len, up->progress_data);
  text_next (task);
}

static void
text_next (GTask *task)
{
  Upload *up = g_task_get_task_data (task);
  g_autoptr (GString) code = g_string_new (NULL);

  if (up->text_pos < up->len)
    {
      g_string_append (code, "if not _mwu.f:write(");
      up->text_pos += mw_lua_quote_prefix (up->bytes + up->text_pos, up->len - up->text_pos,
                                           TEXT_LITERAL_MAX, code);
      g_string_append (code, ") then _mwu.f:close() file.remove(_mwu.T) error('E6:full') end");
    }
  else
    {
      g_autofree char *d = mw_lua_quote_str (up->name);

      /* verify on the board, then rename over the target */
      g_string_append_printf (
        code,
        "local u=_mwu _mwu=nil u.f:close() local f=file.open(u.T,'r') local a,b,n=1,0,0\n"
        "while true do local s=f:read(255) if not s then break end n=n+#s\n"
        "for i=1,#s do a=a+s:byte(i) b=b+a end a,b=a%%65521,b%%65521 end f:close()\n"
        "if n~=%u or a~=%u or b~=%u then file.remove(u.T) error('E4:verification failed: '"
        "..n..' bytes, '..a..','..b) end\n"
        "file.remove(%s) if not file.rename(u.T,%s) then error('rename failed') end",
        (guint) up->len, up->file_a, up->file_b, d, d);
      up->text_pos = up->len + 1;
    }
  up->busy_exec = TRUE;
  mw_repl_locked_execute_async (up->repl, code->str, 5000, NULL, on_text_step, g_object_ref (task));
}

static void
start_text (GTask *task)
{
  Upload *up = g_task_get_task_data (task);
  g_autofree char *t = mw_lua_quote_str (MW_UPLOAD_TEMP_NAME);
  g_autofree char *code = g_strdup_printf (
    "file.remove(%s) local r=file.fsinfo() if r<%u then error('E6:not enough space') end\n"
    "_mwu={T=%s} _mwu.f=file.open(%s,'w') if not _mwu.f then error('cannot create '..%s) end",
    t, (guint) up->len, t, t, t);

  up->step = STEP_TEXT;
  up->stats.text = TRUE;
  up->text_pos = 0;
  up->busy_exec = TRUE;
  mw_repl_locked_execute_async (up->repl, code, 5000, NULL, on_text_step, g_object_ref (task));
}

/* ---- fast mode ---- */

static void
begin_transfer (GTask *task)
{
  Upload *up = g_task_get_task_data (task);

  up->stats.baud = mw_transport_get_baud (mw_repl_get_transport (up->repl));
  if (up->flags & MW_UPLOAD_TEXT)
    start_text (task);
  else
    send_setup (task);
}

static void on_fast_check (GObject *source, GAsyncResult *result, gpointer user_data);

static gboolean
on_fast_fallback (gpointer user_data)
{
  GTask *task = user_data;
  Upload *up = g_task_get_task_data (task);

  g_clear_pointer (&up->timer, g_source_unref);
  begin_transfer (task);
  return G_SOURCE_REMOVE;
}

static gboolean
on_fast_switched (gpointer user_data)
{
  GTask *task = user_data;
  Upload *up = g_task_get_task_data (task);
  g_autoptr (GError) error = NULL;

  g_clear_pointer (&up->timer, g_source_unref);
  if (!mw_repl_set_baud (up->repl, up->fast_baud, &error))
    {
      /* this port cannot do the rate: the board goes back by itself */
      arm_timer (task, 1700, on_fast_fallback);
      return G_SOURCE_REMOVE;
    }
  up->fast_active = TRUE;
  /* sync check at the new rate: the board keeps it only if this arrives */
  up->busy_exec = TRUE;
  mw_repl_locked_execute_async (up->repl, "_mwok=1", 500, NULL, on_fast_check, g_object_ref (task));
  return G_SOURCE_REMOVE;
}

static void
on_fast_check (GObject *source, GAsyncResult *result, gpointer user_data)
{
  g_autoptr (GTask) task = user_data;
  Upload *up = g_task_get_task_data (task);

  up->busy_exec = FALSE;
  g_autoptr (GError) error = NULL;
  g_autoptr (GBytes) reply = mw_repl_execute_finish (MW_REPL (source), result, &error);

  if (up->step != STEP_FAST)
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
  arm_timer (task, 1700, on_fast_fallback);
}

static void
on_fast_scheduled (GObject *source, GAsyncResult *result, gpointer user_data)
{
  g_autoptr (GTask) task = user_data;
  Upload *up = g_task_get_task_data (task);

  up->busy_exec = FALSE;
  GError *error = NULL;
  g_autoptr (GBytes) reply = mw_repl_execute_finish (MW_REPL (source), result, &error);

  if (up->step != STEP_FAST)
    {
      g_clear_error (&error);
      return;
    }
  if (reply == NULL)
    {
      upload_fail (task, error);
      return;
    }
  arm_timer (task, 80, on_fast_switched);
}

static void
on_locked (GObject *source, GAsyncResult *result, gpointer user_data)
{
  g_autoptr (GTask) task = user_data;
  Upload *up = g_task_get_task_data (task);
  GError *error = NULL;

  if (!mw_repl_lock_finish (MW_REPL (source), result, &error))
    {
      up->failure = error;
      finish (g_object_ref (task));
      return;
    }
  if (up->step == STEP_DONE)
    {
      /* cancelled while waiting for the line */
      mw_repl_unlock (up->repl);
      return;
    }
  up->locked = TRUE;
  up->frame_id = g_signal_connect (up->repl, "frame", G_CALLBACK (on_frame), task);
  up->reset_id = g_signal_connect (up->repl, "reset", G_CALLBACK (on_reset), task);
  up->state_id = g_signal_connect (up->repl, "notify::state", G_CALLBACK (on_state), task);
  up->normal_baud = mw_transport_get_baud (mw_repl_get_transport (up->repl));
  if ((up->flags & MW_UPLOAD_FAST) && up->fast_baud != up->normal_baud)
    {
      g_autofree char *code = g_strdup_printf (
        "_mwok=nil tmr.create():alarm(30,0,function() uart.setup(0,%u,8,0,1,1) "
        "tmr.create():alarm(1500,0,function() if not _mwok then uart.setup(0,%u,8,0,1,1) end "
        "end) end)",
        up->fast_baud, up->normal_baud);

      up->step = STEP_FAST;
      up->busy_exec = TRUE;
      mw_repl_locked_execute_async (up->repl, code, 2000, NULL, on_fast_scheduled,
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
  Upload *up = g_task_get_task_data (task);

  if (up->step == STEP_DONE)
    return G_SOURCE_REMOVE;
  if (up->busy_exec)
    return G_SOURCE_CONTINUE;
  if (g_cancellable_is_cancelled (g_task_get_cancellable (task)))
    {
      if ((up->step == STEP_SEND || up->step == STEP_VERIFY) && !up->cancelling)
        {
          /* end raw mode on the board; the "-aborted" answer then ends the upload, with the
           * board back at its prompt and the temporary file removed */
          up->cancelling = TRUE;
          start_recovery (task);
          return G_SOURCE_CONTINUE;
        }
      if (up->cancelling)
        return G_SOURCE_CONTINUE;
      upload_fail (task, g_error_new_literal (G_IO_ERROR, G_IO_ERROR_CANCELLED,
                                              "cancelled; the file on the board was not "
                                              "replaced"));
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
  Upload *up;
  GError *error = NULL;

  g_return_if_fail (MW_IS_DEVICE (self));
  g_return_if_fail (data != NULL);
  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, mw_device_upload_async);
  /* our own message says what happened to the board's file */
  g_task_set_check_cancellable (task, FALSE);
  up = g_new0 (Upload, 1);
  g_task_set_task_data (task, up, (GDestroyNotify) upload_free);
  up->start = g_get_monotonic_time ();
  up->device = g_object_ref (self);
  up->repl = g_object_ref (mw_device_get_repl (self));
  up->name = g_strdup (name);
  up->data = g_bytes_ref (data);
  up->bytes = g_bytes_get_data (data, &up->len);
  up->flags = flags;
  up->fast_baud = fast_baud ? fast_baud : 921600;
  up->progress = progress;
  up->progress_data = progress_data;
  up->stats.bytes = up->len;
  up->step = STEP_LOCK;
  if (!mw_lua_check_file_name (name, &error))
    {
      up->failure = error;
      finish (task);
      return;
    }
  if (strcmp (name, MW_UPLOAD_TEMP_NAME) == 0)
    {
      up->failure = g_error_new (MW_DEVICE_ERROR, MW_DEVICE_ERROR_BAD_NAME,
                                 "%s is the name Moonwire uploads through", name);
      finish (task);
      return;
    }
  up->n_blocks = MAX (1, (up->len + MW_UPLOAD_PAYLOAD - 1) / MW_UPLOAD_PAYLOAD);
  if (up->n_blocks >= MAX_BLOCKS)
    {
      up->failure = g_error_new (MW_DEVICE_ERROR, MW_DEVICE_ERROR_FULL,
                                 "%s: %zu bytes is more than an upload can carry (2 MB)", name,
                                 up->len);
      finish (task);
      return;
    }
  up->block_sums = g_new0 (guint32, up->n_blocks);
  up->ok = g_new0 (gboolean, up->n_blocks);
  for (guint i = 0; i < up->n_blocks; i++)
    {
      guint8 block[MW_UPLOAD_BLOCK];

      block_bytes (up, i, block);
      up->block_sums[i] = mw_adler32_update (MW_ADLER32_INIT, block, sizeof block);
    }
  {
    guint32 adler = mw_adler32_update (MW_ADLER32_INIT, up->bytes, up->len);

    up->file_a = adler & 0xffff;
    up->file_b = adler >> 16;
  }
  mw_repl_new_token (up->repl, up->token);
  if (cancellable != NULL)
    {
      /* polled: the states above decide how to stop cleanly */
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
  Upload *up;

  g_return_val_if_fail (g_task_is_valid (result, self), FALSE);
  up = g_task_get_task_data (G_TASK (result));
  if (stats != NULL)
    *stats = up->stats;
  return g_task_propagate_boolean (G_TASK (result), error);
}
