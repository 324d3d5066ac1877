/* mw-repl-input.c: the REPL engine reading the board's stream: prompts, replies, boots. */
#include "mw-config.h"

#include "mw-repl-private.h"

#include <stdlib.h>
#include <string.h>

/* How long the line must stay quiet after a prompt that came amid other output before a sync
 * trusts it: a board still working through bytes from before (an upload cut short by a
 * restart, whose rest reached the fresh prompt) prints a prompt per line it rejects. Long
 * enough for a loaded host's scheduling gaps; paid only when the answer was not the bare
 * echo and prompt. */
#define SETTLE_MS 150

void
mw_repl_stop_settle (MwRepl *self)
{
  if (self->settle_source == NULL)
    return;
  g_source_destroy (self->settle_source);
  g_clear_pointer (&self->settle_source, g_source_unref);
}

static gboolean
on_settled (gpointer user_data)
{
  MwRepl *self = user_data;
  MwReplCommand *cmd = self->active;

  g_clear_pointer (&self->settle_source, g_source_unref);
  if (cmd != NULL && cmd->kind == MW_REPL_CMD_SYNC && cmd->serial == self->settle_serial
      && self->state == MW_REPL_STATE_IDLE)
    {
      mw_repl_command_succeed (self, cmd);
      mw_repl_process_queue (self);
    }
  return G_SOURCE_REMOVE;
}

/* Whether a sync's answer was just the echo of its empty line and the prompt */
static gboolean
sync_answer_bare (MwReplCommand *cmd)
{
  for (gsize i = 0; i < cmd->console->len; i++)
    if (memchr ("\r\n> ", cmd->console->str[i], 4) == NULL) /* a NUL byte is not bare */
      return FALSE;
  return TRUE;
}

static void
handle_prompt (MwRepl *self, gboolean continuation)
{
  MwReplCommand *cmd = self->active;

  mw_repl_set_state (self, continuation ? MW_REPL_STATE_CONTINUATION : MW_REPL_STATE_IDLE);
  if (!continuation)
    mw_repl_prompt_arrived (self);
  if (cmd == NULL)
    {
      mw_repl_process_queue (self);
      return;
    }
  switch (cmd->kind)
    {
      case MW_REPL_CMD_SYNC:
        if (!continuation && sync_answer_bare (cmd))
          mw_repl_command_succeed (self, cmd);
        else if (!continuation)
          {
            /* a banner, an error, echoed bytes: trusted once nothing follows */
            mw_repl_stop_settle (self);
            self->settle_serial = cmd->serial;
            self->settle_source = g_timeout_source_new (SETTLE_MS);
            g_source_set_name (self->settle_source, "MwRepl sync settle");
            g_source_set_callback (self->settle_source, on_settled, self, NULL);
            g_source_attach (self->settle_source, self->context);
          }
        else if (cmd->semicolons++ < 2)
          {
            /* ";" is a syntax error in Lua 5.1 that ends any unfinished chunk. */
            g_ptr_array_add (cmd->lines, g_strdup (";"));
            mw_repl_send_next_line (self, cmd);
          }
        break;

      case MW_REPL_CMD_LINE:
        if (continuation && cmd->next_line < cmd->lines->len)
          mw_repl_send_next_line (self, cmd);
        else
          {
            self->user_chunk_open = continuation;
            mw_repl_command_succeed (self, cmd);
          }
        break;

      case MW_REPL_CMD_EXEC:
        if (cmd->begun)
          break; /* prompts inside a reply are payload; this is a stray one */
        if (continuation && cmd->next_line < cmd->lines->len)
          mw_repl_send_next_line (self, cmd);
        else if (continuation)
          {
            /* Our wrapper is complete Lua, so the user's code left something open. */
            self->await_prompt = TRUE;
            mw_repl_parser_expect_echo (self->parser, ";\n", 2);
            mw_transport_write (self->transport, ";\n", 2);
            mw_repl_command_fail (self, cmd,
                                  g_error_new (MW_REPL_ERROR, MW_REPL_ERROR_INCOMPLETE,
                                               "unfinished Lua chunk (a missing 'end' or "
                                               "closing bracket?)"));
          }
        else
          {
            g_autofree char *msg =
              g_strstrip (g_utf8_make_valid (cmd->console ? cmd->console->str : "", -1));
            const char *text = msg;
            gsize n = strlen (msg);

            if (n > 0 && msg[n - 1] == '>') /* the prompt that ended it */
              g_strchomp (msg)[n - 1] = '\0', g_strchomp (msg);

            /* 3.0 prints "Lua error: \t<message>", 2.x just the message (docs/firmware.md section
             * 1). */
            if (g_str_has_prefix (text, "Lua error:"))
              text = g_strchug ((char *) text + strlen ("Lua error:"));
            mw_repl_command_fail (self, cmd,
                                  g_error_new (MW_REPL_ERROR, MW_REPL_ERROR_LUA, "%s",
                                               *text ? text : "the board rejected the code"));
          }
        break;

      case MW_REPL_CMD_LOCK:
      default:
        g_assert_not_reached ();
    }
  mw_repl_process_queue (self);
}

/* Whether the reply so far holds the firmware's banner ("NodeMCU 3.0.0.0 built ... powered
 * by Lua 5.1.4 on SDK ...", docs/firmware.md section 1): inside a reply the parser takes
 * every byte as payload, so a restart shows only there. The last 1 KB is kept in
 * cmd->console, which is unused once the reply has begun. */
static gboolean
banner_in_reply (MwReplCommand *cmd, GBytes *data)
{
  gsize len;
  const char *bytes = g_bytes_get_data (data, &len);
  const char *node;

  g_string_append_len (cmd->console, bytes, len);
  if (cmd->console->len > 1024)
    g_string_erase (cmd->console, 0, cmd->console->len - 1024);
  node = g_strstr_len (cmd->console->str, cmd->console->len, "\nNodeMCU ");
  return node != NULL
         && g_strstr_len (node, cmd->console->len - (node - cmd->console->str), " powered by Lua ")
              != NULL;
}

/* The length of `data` to show: without a trailing ">> " that answers a line of one of
 * Moonwire's own commands (`next` is that prompt's event), which the console would otherwise
 * show at the end while the command runs. Typed lines keep theirs. */
static gsize
console_length (MwRepl *self, GBytes *data, const MwReplEvent *next)
{
  MwReplCommand *cmd = self->active;
  gsize len;
  const char *bytes = g_bytes_get_data (data, &len);

  if (next != NULL && next->kind == MW_REPL_EVENT_CONTINUATION && next->ok && !self->wrote_in_batch
      && cmd != NULL && cmd->kind != MW_REPL_CMD_LINE && !cmd->begun && len >= 3
      && memcmp (bytes + len - 3, ">> ", 3) == 0)
    return len - 3;
  return len;
}

static void
handle_event (MwRepl *self, MwReplEvent *event, const MwReplEvent *next)
{
  MwReplCommand *cmd = self->active;

  switch (event->kind)
    {
      case MW_REPL_EVENT_CONSOLE:
      case MW_REPL_EVENT_NOISE:
        if (cmd != NULL && !cmd->begun && cmd->console != NULL)
          {
            gsize len;
            const char *data = g_bytes_get_data (event->data, &len);

            g_string_append_len (cmd->console, data, len);
            if (cmd->kind == MW_REPL_CMD_LINE)
              g_byte_array_append (cmd->payload, (const guint8 *) data, len);
          }
        {
          gsize shown = console_length (self, event->data, next);

          if (shown == g_bytes_get_size (event->data))
            g_signal_emit (self, mw_repl_signals[MW_REPL_SIGNAL_CONSOLE], 0, event->data,
                           event->kind == MW_REPL_EVENT_NOISE);
          else if (shown > 0)
            {
              g_autoptr (GBytes) part = g_bytes_new_from_bytes (event->data, 0, shown);

              g_signal_emit (self, mw_repl_signals[MW_REPL_SIGNAL_CONSOLE], 0, part,
                             event->kind == MW_REPL_EVENT_NOISE);
            }
        }
        break;

      case MW_REPL_EVENT_PROMPT:
      case MW_REPL_EVENT_CONTINUATION:
        /* A prompt parsed in the same read as a line was sent cannot answer that line. */
        if (event->ok && !self->wrote_in_batch)
          handle_prompt (self, event->kind == MW_REPL_EVENT_CONTINUATION);
        else
          mw_repl_set_state (self, event->kind == MW_REPL_EVENT_CONTINUATION
                                     ? MW_REPL_STATE_CONTINUATION
                                     : MW_REPL_STATE_IDLE);
        break;

      case MW_REPL_EVENT_BEGIN:
        if (cmd != NULL && cmd->kind == MW_REPL_CMD_EXEC && strcmp (cmd->token, event->token) == 0)
          {
            cmd->begun = TRUE;
            /* the chunk runs before the echo of its last line was through: that line
             * arrived garbled (its end marker may never match) */
            cmd->tail_garbled = !mw_repl_parser_echo_complete (self->parser);
            mw_repl_set_state (self, MW_REPL_STATE_BUSY);
          }
        break;

      case MW_REPL_EVENT_PAYLOAD:
        if (cmd != NULL && cmd->begun && strcmp (cmd->token, event->token) == 0)
          {
            gsize n;
            const guint8 *bytes = g_bytes_get_data (event->data, &n);

            if (n >= 2)
              memcpy (cmd->payload_end, bytes + n - 2, 2);
            else if (n == 1)
              {
                cmd->payload_end[0] = cmd->payload_end[1];
                cmd->payload_end[1] = bytes[0];
              }
            if (cmd->output != NULL)
              cmd->output (event->data, cmd->output_data);
            else
              g_byte_array_append (cmd->payload, g_bytes_get_data (event->data, NULL),
                                   g_bytes_get_size (event->data));
            if (banner_in_reply (cmd, event->data))
              {
                /* A reset while the code ran (the watchdog, a crash): the end marker will
                 * never come. The parser starts afresh at the restarted board. */
                mw_repl_parser_reset (self->parser);
                mw_repl_set_state (self, MW_REPL_STATE_BOOTING);
                mw_transport_discard_output (self->transport);
                mw_repl_await_boot (self);
                mw_repl_fail_all (self, MW_REPL_ERROR_RESET,
                                  "the board restarted (a watchdog reset or a crash) while the "
                                  "command ran");
                g_signal_emit (self, mw_repl_signals[MW_REPL_SIGNAL_RESET], 0);
              }
          }
        break;

      case MW_REPL_EVENT_END:
        if (cmd != NULL && cmd->kind == MW_REPL_CMD_EXEC && strcmp (cmd->token, event->token) == 0)
          {
            self->await_prompt = TRUE;
            if (event->ok)
              mw_repl_command_succeed (self, cmd);
            else
              {
                /* User code names its own chunk (mw_device_exec_async): no lines to shift.
                 * A GError's message is UTF-8; the board's bytes need not be (a script's
                 * error ("\200")), and the window's message bar shows it. */
                g_autofree char *msg = event->data
                                         ? g_utf8_make_valid (g_bytes_get_data (event->data, NULL),
                                                              g_bytes_get_size (event->data))
                                         : g_strdup ("error");

                mw_repl_command_fail (self, cmd,
                                      g_error_new (MW_REPL_ERROR, MW_REPL_ERROR_LUA, "%s", msg));
              }
            mw_repl_process_queue (self);
          }
        break;

      case MW_REPL_EVENT_GARBLED:
        /* Only while the chunk cannot have run: the tail line is the one that runs it. */
        if (cmd != NULL && cmd->kind == MW_REPL_CMD_EXEC && !cmd->begun
            && cmd->next_line < cmd->lines->len && !self->wrote_in_batch)
          mw_repl_retry_garbled (self, cmd);
        break;

      case MW_REPL_EVENT_FRAME:
        {
          char kind[2] = { event->frame_kind, '\0' };

          g_signal_emit (self, mw_repl_signals[MW_REPL_SIGNAL_FRAME], 0, kind, event->token,
                         event->data);
        }
        break;

      case MW_REPL_EVENT_BOOT:
        mw_repl_set_state (self, MW_REPL_STATE_BOOTING);
        if (cmd != NULL && cmd->kind == MW_REPL_CMD_SYNC)
          {
            /* Getting to the prompt through a restart is fine, within the sync's own
             * deadline: restarting the timer at every restart let a peer sending garbage
             * (each burst read as ROM noise) stretch --timeout 2000 to 20 s. */
          }
        else
          {
            mw_repl_stop_timeout (self);
            /* The rest of what was on its way (an upload's blocks) would reach the fresh
             * prompt, be echoed as binary and look like this restart's noise to the next
             * command: it goes. */
            mw_transport_discard_output (self->transport);
            mw_repl_await_boot (self);
            mw_repl_fail_all (
              self, MW_REPL_ERROR_RESET,
              "the board restarted (reset, crash or power loss) while the command ran");
          }
        g_signal_emit (self, mw_repl_signals[MW_REPL_SIGNAL_RESET], 0);
        break;

      case MW_REPL_EVENT_BANNER:
        {
          g_autofree char *text =
            g_strndup (g_bytes_get_data (event->data, NULL), g_bytes_get_size (event->data));
          MwBoardInfo *info = mw_board_info_parse_banner (text);

          if (info != NULL)
            {
              g_clear_pointer (&self->banner_info, mw_board_info_free);
              self->banner_info = info;
              g_object_notify_by_pspec (G_OBJECT (self),
                                        mw_repl_properties[MW_REPL_PROP_BANNER_INFO]);
            }
          g_signal_emit (self, mw_repl_signals[MW_REPL_SIGNAL_BANNER], 0, text);
        }
        break;

      default:
        break;
    }
}

/* The board echoes each byte as it reads it, the newline too (docs/firmware.md section 1): a
 * line echoed up to its newline that stays so has lost its newline on the way in, and the
 * board waits for the rest of the line, which would cost the command's whole timeout. Like a
 * garbled line, it is erased and the command sent again, but only before the tail line: the
 * chunk cannot have run. */
#define MW_REPL_NEWLINE_MS 150

static gboolean
on_newline_lost (gpointer user_data)
{
  MwRepl *self = user_data;
  MwReplCommand *cmd = self->active;

  g_clear_pointer (&self->newline_source, g_source_unref);
  if (cmd != NULL && cmd->kind == MW_REPL_CMD_EXEC && !cmd->begun
      && cmd->next_line < cmd->lines->len && mw_repl_parser_echo_lacks_newline (self->parser))
    mw_repl_retry_garbled (self, cmd);
  return G_SOURCE_REMOVE;
}

static void
watch_newline (MwRepl *self)
{
  MwReplCommand *cmd = self->active;
  gboolean waiting = cmd != NULL && cmd->kind == MW_REPL_CMD_EXEC && !cmd->begun
                     && cmd->next_line < cmd->lines->len
                     && mw_repl_parser_echo_lacks_newline (self->parser);

  if (!waiting && self->newline_source != NULL)
    {
      g_source_destroy (self->newline_source);
      g_clear_pointer (&self->newline_source, g_source_unref);
    }
  else if (waiting && self->newline_source == NULL)
    {
      guint baud = MAX (mw_transport_get_baud (self->transport), 1200);

      self->newline_source = g_timeout_source_new (MW_REPL_NEWLINE_MS + 40000 / baud);
      g_source_set_name (self->newline_source, "MwRepl lost newline");
      g_source_set_callback (self->newline_source, on_newline_lost, self, NULL);
      g_source_attach (self->newline_source, self->context);
    }
}

/* The line that runs the chunk arrived garbled, yet the chunk ran (its begin marker came):
 * its end marker, garbled too, will never match. When the reply stops at a prompt, the
 * chunk is over: the command fails at once ("may have run") instead of after its timeout. */
#define MW_REPL_GARBLED_END_MS 200

static gboolean
garbled_end_waiting (MwRepl *self)
{
  MwReplCommand *cmd = self->active;

  return cmd != NULL && cmd->kind == MW_REPL_CMD_EXEC && cmd->begun && cmd->tail_garbled
         && memcmp (cmd->payload_end, "> ", 2) == 0;
}

static gboolean
on_garbled_end (gpointer user_data)
{
  MwRepl *self = user_data;

  g_clear_pointer (&self->garbled_end_source, g_source_unref);
  if (!garbled_end_waiting (self))
    return G_SOURCE_REMOVE;
  /* the board is at its prompt; the parser still waits inside the reply */
  mw_repl_parser_reset (self->parser);
  mw_repl_set_state (self, MW_REPL_STATE_IDLE);
  mw_repl_command_fail (self, self->active,
                        g_error_new_literal (MW_REPL_ERROR, MW_REPL_ERROR_TIMEOUT,
                                             "the line that runs the command arrived garbled; "
                                             "it may have run"));
  mw_repl_process_queue (self);
  return G_SOURCE_REMOVE;
}

static void
watch_garbled_end (MwRepl *self)
{
  /* quiet since the last byte: start again */
  if (self->garbled_end_source != NULL)
    {
      g_source_destroy (self->garbled_end_source);
      g_clear_pointer (&self->garbled_end_source, g_source_unref);
    }
  if (!garbled_end_waiting (self))
    return;
  self->garbled_end_source = g_timeout_source_new (MW_REPL_GARBLED_END_MS);
  g_source_set_name (self->garbled_end_source, "MwRepl garbled end");
  g_source_set_callback (self->garbled_end_source, on_garbled_end, self, NULL);
  g_source_attach (self->garbled_end_source, self->context);
}

void
mw_repl_on_bytes (MwTransport *transport, GBytes *bytes, gpointer user_data)
{
  g_autoptr (MwRepl) self = g_object_ref (user_data);
  gsize len;
  const guint8 *data = g_bytes_get_data (bytes, &len);
  g_autoptr (GPtrArray) events = mw_repl_parser_feed (self->parser, data, len);

  self->rx_count += len;
  self->batch++;
  mw_repl_stop_settle (self); /* more output: the prompt before it was not the last word */
  self->wrote_in_batch = FALSE;
  if (self->state == MW_REPL_STATE_SILENT || self->state == MW_REPL_STATE_UNKNOWN)
    mw_repl_set_state (self, MW_REPL_STATE_BUSY);
  for (guint i = 0; i < events->len; i++)
    handle_event (self, events->pdata[i], i + 1 < events->len ? events->pdata[i + 1] : NULL);
  watch_newline (self);
  watch_garbled_end (self);
}

void
mw_repl_on_closed (MwTransport *transport, const GError *error, gpointer user_data)
{
  g_autoptr (MwRepl) self = g_object_ref (user_data);

  mw_repl_set_state (self, MW_REPL_STATE_CLOSED);
  self->locked = FALSE;
  mw_repl_fail_all (self, MW_REPL_ERROR_CLOSED, error ? error->message : "the port was closed");
}
