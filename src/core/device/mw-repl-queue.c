/* mw-repl-queue.c: the REPL engine's command queue: sending lines, timeouts, retries. */
#include "mw-config.h"

#include "mw-repl-private.h"
#include "mw-board-lua.h"
#include "mw-retry-policy.h"

#include <string.h>

/* How long the queue waits for a prompt it expects before going on without it. */
#define PROMPT_GRACE_MS 500
#define BOOT_GRACE_MS 5000

void
mw_repl_command_free (MwReplCommand *cmd)
{
  if (cmd->cancel_id != 0)
    g_cancellable_disconnect (g_task_get_cancellable (cmd->task), cmd->cancel_id);
  g_clear_object (&cmd->task);
  g_clear_pointer (&cmd->lines, g_ptr_array_unref);
  g_clear_pointer (&cmd->payload, g_byte_array_unref);
  if (cmd->console)
    g_string_free (cmd->console, TRUE);
  g_free (cmd);
}

void
mw_repl_stop_timeout (MwRepl *self)
{
  if (self->timeout_source != NULL)
    {
      g_source_destroy (self->timeout_source);
      g_clear_pointer (&self->timeout_source, g_source_unref);
    }
}

/* Ends whatever the board holds of a line or chunk: backspaces erase a partial line
 * (docs/firmware.md section 1), the newline ends it, and the closing brackets end a long string or
 * comment before a sure syntax error ends an unfinished chunk. Nothing before the error runs. */
void
mw_repl_write_breaker (MwRepl *self)
{
  char erase[MW_REPL_MAX_LINE + 1];
  static const char breaker[] = "]]]=]]==]])\n";

  /* One line, so one prompt answers it; only the prompt after its echo counts. */
  memset (erase, '\b', sizeof erase);
  mw_repl_parser_clear_echo (self->parser);
  mw_repl_parser_expect_echo (self->parser, breaker, sizeof breaker - 1);
  mw_transport_write (self->transport, erase, sizeof erase);
  mw_transport_write (self->transport, breaker, sizeof breaker - 1);
  self->wrote_in_batch = TRUE;
}

/* Takes `cmd` off the line (active or queued), then returns its task. */
static void
command_detach (MwRepl *self, MwReplCommand *cmd)
{
  if (self->active == cmd)
    {
      self->active = NULL;
      mw_repl_stop_timeout (self);
      mw_repl_parser_set_reply_token (self->parser, NULL);
    }
  else if (self->retry == cmd)
    self->retry = NULL;
  else
    g_queue_remove (&self->queue, cmd);
}

void
mw_repl_command_fail (MwRepl *self, MwReplCommand *cmd, GError *error)
{
  GTask *task = g_object_ref (cmd->task);

  command_detach (self, cmd);
  mw_repl_command_free (cmd);
  g_task_return_error (task, error);
  g_object_unref (task);
}

void
mw_repl_command_succeed (MwRepl *self, MwReplCommand *cmd)
{
  GTask *task = g_object_ref (cmd->task);
  GBytes *bytes = g_byte_array_free_to_bytes (g_steal_pointer (&cmd->payload));

  command_detach (self, cmd);
  mw_repl_command_free (cmd);
  g_task_return_pointer (task, bytes, (GDestroyNotify) g_bytes_unref);
  g_object_unref (task);
}

void
mw_repl_fail_all (MwRepl *self, int code, const char *message)
{
  MwReplCommand *retry = g_steal_pointer (&self->retry);
  GQueue pending = self->queue;
  MwReplCommand *cmd;

  /* Only the commands pending now: a failed command's callback may queue the next one, which
   * then waits for the board (a restarted board's prompt) instead of failing too. */
  g_queue_init (&self->queue);
  if (self->active != NULL)
    mw_repl_command_fail (self, self->active, g_error_new_literal (MW_REPL_ERROR, code, message));
  if (retry != NULL)
    mw_repl_command_fail (self, retry, g_error_new_literal (MW_REPL_ERROR, code, message));
  while ((cmd = g_queue_pop_head (&pending)) != NULL)
    mw_repl_command_fail (self, cmd, g_error_new_literal (MW_REPL_ERROR, code, message));
}

static gboolean
on_timeout (gpointer user_data)
{
  MwRepl *self = user_data;
  MwReplCommand *cmd = self->active;
  g_autofree char *message = NULL;

  g_clear_pointer (&self->timeout_source, g_source_unref);
  if (cmd == NULL)
    return G_SOURCE_REMOVE;
  if (!cmd->begun && mw_repl_parser_get_echo_seen (self->parser) == 0)
    {
      mw_repl_set_state (self, MW_REPL_STATE_SILENT);
      message = g_strdup_printf ("no answer from the board within %u ms (is the baud rate "
                                 "right? is it in a boot loop? is another program using "
                                 "the port?)",
                                 cmd->timeout_ms);
    }
  else
    {
      mw_repl_set_state (self, MW_REPL_STATE_BUSY);
      message =
        g_strdup_printf ("the board did not finish within %u ms (still running?)", cmd->timeout_ms);
    }
  /* The next command waits for a prompt first (bounded by the grace timer), after whatever
   * partial line the board holds is cleared. */
  self->await_prompt = TRUE;
  if (cmd->kind == MW_REPL_CMD_EXEC && !cmd->begun)
    mw_repl_write_breaker (self);
  mw_repl_command_fail (self, cmd,
                        g_error_new_literal (MW_REPL_ERROR,
                                             cmd->kind == MW_REPL_CMD_SYNC ? MW_REPL_ERROR_NO_ANSWER
                                                                           : MW_REPL_ERROR_TIMEOUT,
                                             message));
  mw_repl_process_queue (self);
  return G_SOURCE_REMOVE;
}

void
mw_repl_start_timeout (MwRepl *self, MwReplCommand *cmd, gsize bytes_written)
{
  guint baud = MAX (mw_transport_get_baud (self->transport), 1200);
  /* The kernel takes the bytes at once; the line needs 10 bits per byte. */
  guint line_ms = (guint) ((guint64) bytes_written * 10000 / baud);

  mw_repl_stop_timeout (self);
  if (cmd->timeout_ms == 0)
    return;
  self->timeout_source = g_timeout_source_new (cmd->timeout_ms + line_ms);
  g_source_set_name (self->timeout_source, "MwRepl timeout");
  g_source_set_callback (self->timeout_source, on_timeout, self, NULL);
  g_source_attach (self->timeout_source, self->context);
}

typedef struct
{
  MwRepl *repl;
  MwReplCommand *cmd;
  gsize len;
} WriteData;

static void
on_line_written (GObject *source, GAsyncResult *result, gpointer user_data)
{
  WriteData *data = user_data;
  g_autoptr (GError) error = NULL;

  if (mw_transport_write_finish (MW_TRANSPORT (source), result, &error))
    {
      /* Only if the command is still the one running: a reset may have failed it. */
      if (data->repl->active == data->cmd)
        mw_repl_start_timeout (data->repl, data->cmd, data->len);
    }
  g_object_unref (data->repl);
  g_free (data);
}

void
mw_repl_send_next_line (MwRepl *self, MwReplCommand *cmd)
{
  const char *line = cmd->lines->pdata[cmd->next_line++];
  g_autofree char *text = g_strconcat (line, "\n", NULL);
  gsize len = strlen (text);
  g_autoptr (GBytes) bytes = g_bytes_new_take (g_steal_pointer (&text), len);
  WriteData *data = g_new0 (WriteData, 1);

  mw_repl_parser_expect_echo (self->parser, g_bytes_get_data (bytes, NULL), len);
  /* The tail line runs the chunk: only now may its reply begin. */
  if (cmd->kind == MW_REPL_CMD_EXEC && cmd->next_line == cmd->lines->len)
    mw_repl_parser_set_reply_token (self->parser, cmd->token);
  data->repl = g_object_ref (self);
  data->cmd = cmd;
  data->len = len;
  cmd->rx_at_write = self->rx_count;
  cmd->line_batch = self->batch;
  self->wrote_in_batch = TRUE;
  if (cmd->console)
    g_string_truncate (cmd->console, 0);
  mw_transport_write_async (self->transport, bytes, NULL, on_line_written, data);
}

void
mw_repl_start_command (MwRepl *self, MwReplCommand *cmd)
{
  cmd->started = TRUE;
  self->active = cmd;
  if (cmd->kind == MW_REPL_CMD_EXEC)
    mw_repl_set_state (self, MW_REPL_STATE_BUSY);
  mw_repl_send_next_line (self, cmd);
  /* The console shows a typed line where the board reads it: after the prompt it is sent at,
   * which the console has by now (the prompt's bytes come before the event that sends it). */
  if (cmd->kind == MW_REPL_CMD_LINE && !cmd->announced)
    {
      cmd->announced = TRUE;
      g_signal_emit (self, mw_repl_signals[MW_REPL_SIGNAL_LINE_SENT], 0,
                     (const char *) cmd->lines->pdata[0]);
    }
}

/* A line of `cmd` reached the board garbled before its chunk could run: clear the board's
 * line and send the command again once the prompt is back. */
void
mw_repl_retry_garbled (MwRepl *self, MwReplCommand *cmd)
{
  if (cmd->once || ++cmd->attempts > mw_retry_policy_get_default ()->garbled_line_resends)
    {
      mw_repl_write_breaker (self);
      self->await_prompt = TRUE;
      mw_repl_command_fail (self, cmd,
                            cmd->once ? g_error_new_literal (MW_REPL_ERROR, MW_REPL_ERROR_GARBLED,
                                                             "a line of the command arrived "
                                                             "garbled; it did not run")
                                      : g_error_new (MW_REPL_ERROR, MW_REPL_ERROR_NO_ANSWER,
                                                     "the board keeps receiving garbled lines "
                                                     "(a noisy line, or the wrong baud rate?)"));
      return;
    }
  mw_repl_stop_timeout (self);
  self->active = NULL;
  mw_repl_parser_set_reply_token (self->parser, NULL);
  cmd->started = FALSE;
  cmd->begun = FALSE;
  cmd->next_line = 0;
  g_byte_array_set_size (cmd->payload, 0);
  mw_repl_write_breaker (self);
  self->await_prompt = TRUE;
  if (cmd->bypass)
    self->retry = cmd;
  else
    g_queue_push_head (&self->queue, cmd);
  /* The breaker's prompt may never be seen as an answer (it can arrive in the read that
   * sent the breaker): arm the grace timer now, or the command waits forever. */
  mw_repl_process_queue (self);
}

static gboolean
on_grace (gpointer user_data)
{
  MwRepl *self = user_data;

  g_clear_pointer (&self->grace_source, g_source_unref);
  self->await_prompt = FALSE;
  self->await_boot = FALSE;
  mw_repl_process_queue (self);
  return G_SOURCE_REMOVE;
}

void
mw_repl_process_queue (MwRepl *self)
{
  MwReplCommand *cmd;

  if (self->active != NULL || self->state == MW_REPL_STATE_CLOSED)
    return;
  if (self->retry != NULL && !self->await_prompt)
    {
      cmd = g_steal_pointer (&self->retry);
      mw_repl_start_command (self, cmd);
      return;
    }
  if (self->retry == NULL && (self->locked || g_queue_is_empty (&self->queue)))
    return;
  if (self->await_prompt)
    {
      /* The prompt normally follows within milliseconds, a restarted board's within a second
       * or two (its init.lua runs first); don't wait for it forever. */
      if (self->grace_source == NULL)
        {
          self->grace_source =
            g_timeout_source_new (self->await_boot ? BOOT_GRACE_MS : PROMPT_GRACE_MS);
          g_source_set_name (self->grace_source, "MwRepl prompt grace");
          g_source_set_callback (self->grace_source, on_grace, self, NULL);
          g_source_attach (self->grace_source, self->context);
        }
      return;
    }
  if (self->retry != NULL || self->locked)
    return;
  cmd = g_queue_pop_head (&self->queue);
  if (cmd->kind == MW_REPL_CMD_LOCK)
    {
      GTask *task = g_object_ref (cmd->task);

      self->locked = TRUE;
      mw_repl_command_free (cmd);
      g_task_return_boolean (task, TRUE);
      g_object_unref (task);
      return;
    }
  mw_repl_start_command (self, cmd);
}

void
mw_repl_prompt_arrived (MwRepl *self)
{
  self->await_prompt = FALSE;
  self->await_boot = FALSE;
  if (self->grace_source != NULL)
    {
      g_source_destroy (self->grace_source);
      g_clear_pointer (&self->grace_source, g_source_unref);
    }
}

/* The board restarted: nothing more goes out before its first prompt. A line sent into the
 * boot is lost on a board (the ROM's 74880 baud, then the firmware's UART set-up); on the
 * simulator it was read after the boot, and the command that sent it took the boot's text, ROM
 * noise and all, for the board's answer to it. Called before the restart fails the pending
 * commands, whose callbacks may queue new ones. */
void
mw_repl_await_boot (MwRepl *self)
{
  self->await_prompt = TRUE;
  self->await_boot = TRUE;
  if (self->grace_source != NULL)
    {
      g_source_destroy (self->grace_source);
      g_clear_pointer (&self->grace_source, g_source_unref);
    }
}
