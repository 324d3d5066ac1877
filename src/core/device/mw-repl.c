/* mw-repl.c: the REPL engine: command queue, framing, board state. */
#include "mw-config.h"

#include "mw-repl.h"
#include "mw-repl-parser.h"
#include "mw-lua-snippet.h"
#include "mw-lua-tree.h"

#include <stdlib.h>
#include <string.h>

G_DEFINE_QUARK (mw - repl - error - quark, mw_repl_error)

typedef enum
{
  CMD_EXEC,
  CMD_LINE,
  CMD_SYNC,
  CMD_LOCK,
} CmdKind;

typedef struct
{
  MwRepl *repl; /* not a reference */
  CmdKind kind;
  GTask *task;
  GPtrArray *lines; /* char *, sent one after the other */
  guint next_line;
  char token[MW_REPL_TOKEN_LEN + 1];
  guint timeout_ms;
  MwReplOutputFunc output;
  gpointer output_data;
  GByteArray *payload;
  GString *console; /* console text while running: a syntax error's message */
  gboolean begun;
  gboolean started;
  gboolean bypass; /* run by the lock holder */
  guint semicolons; /* SYNC: continuation enders sent */
  gulong cancel_id;
  gint64 rx_at_write; /* rx counter when the last line was written */
  guint64 serial;
  guint64 line_batch; /* the read batch during which the last line went out */
  guint attempts; /* sends after garbled lines */
} Command;

struct _MwRepl
{
  GObject parent_instance;
  MwTransport *transport;
  GMainContext *context;
  MwReplParser *parser;
  MwReplState state;
  GQueue queue; /* Command, waiting */
  Command *active;
  gboolean locked;
  gboolean await_prompt; /* the last command ended; its prompt is still to come */
  GSource *timeout_source;
  GSource *grace_source;
  gulong bytes_id;
  gulong closed_id;
  MwBoardInfo *banner_info;
  gint64 rx_count;
  GRand *rand;
  guint64 next_serial;
  guint64 batch; /* counts reads: events of one read predate lines sent in it */
  Command *retry; /* a lock holder's command to send again after the prompt */
  gboolean wrote_in_batch; /* a line went out while this read's events were handled */
};

G_DEFINE_FINAL_TYPE (MwRepl, mw_repl, G_TYPE_OBJECT)

enum
{
  PROP_0,
  PROP_TRANSPORT,
  PROP_STATE,
  PROP_BANNER_INFO,
  N_PROPS
};
static GParamSpec *properties[N_PROPS];

enum
{
  SIGNAL_CONSOLE,
  SIGNAL_FRAME,
  SIGNAL_RESET,
  SIGNAL_BANNER,
  N_SIGNALS
};
static guint signals[N_SIGNALS];

static void process_queue (MwRepl *self);
static void send_next_line (MwRepl *self, Command *cmd);

GType
mw_repl_state_get_type (void)
{
  static gsize type = 0;
  static const GEnumValue values[] = {
    { MW_REPL_STATE_CLOSED, "MW_REPL_STATE_CLOSED", "closed" },
    { MW_REPL_STATE_UNKNOWN, "MW_REPL_STATE_UNKNOWN", "unknown" },
    { MW_REPL_STATE_BOOTING, "MW_REPL_STATE_BOOTING", "booting" },
    { MW_REPL_STATE_IDLE, "MW_REPL_STATE_IDLE", "idle" },
    { MW_REPL_STATE_CONTINUATION, "MW_REPL_STATE_CONTINUATION", "continuation" },
    { MW_REPL_STATE_BUSY, "MW_REPL_STATE_BUSY", "busy" },
    { MW_REPL_STATE_SILENT, "MW_REPL_STATE_SILENT", "silent" },
    { 0, NULL, NULL }
  };

  if (g_once_init_enter (&type))
    g_once_init_leave (&type, g_enum_register_static ("MwReplState", values));
  return type;
}

const char *
mw_repl_state_to_string (MwReplState state)
{
  GEnumClass *klass = g_type_class_ref (MW_TYPE_REPL_STATE);
  GEnumValue *value = g_enum_get_value (klass, state);

  g_type_class_unref (klass);
  return value ? value->value_nick : "?";
}

static void
set_state (MwRepl *self, MwReplState state)
{
  if (self->state == state)
    return;
  self->state = state;
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_STATE]);
}

static void
command_free (Command *cmd)
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

static void
stop_timeout (MwRepl *self)
{
  if (self->timeout_source != NULL)
    {
      g_source_destroy (self->timeout_source);
      g_clear_pointer (&self->timeout_source, g_source_unref);
    }
}

/* Ends whatever the board holds of a line or chunk: backspaces erase a partial line (facts
 * §1), the newline ends it, and the closing brackets end a long string or comment before a
 * sure syntax error ends an unfinished chunk. Nothing before the error runs. */
static void
write_breaker (MwRepl *self)
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
command_detach (MwRepl *self, Command *cmd)
{
  if (self->active == cmd)
    {
      self->active = NULL;
      stop_timeout (self);
      mw_repl_parser_set_reply_token (self->parser, NULL);
    }
  else if (self->retry == cmd)
    self->retry = NULL;
  else
    g_queue_remove (&self->queue, cmd);
}

static void
command_fail (MwRepl *self, Command *cmd, GError *error)
{
  GTask *task = g_object_ref (cmd->task);

  command_detach (self, cmd);
  command_free (cmd);
  g_task_return_error (task, error);
  g_object_unref (task);
}

static void
command_succeed (MwRepl *self, Command *cmd)
{
  GTask *task = g_object_ref (cmd->task);
  GBytes *bytes = g_byte_array_free_to_bytes (g_steal_pointer (&cmd->payload));

  command_detach (self, cmd);
  command_free (cmd);
  g_task_return_pointer (task, bytes, (GDestroyNotify) g_bytes_unref);
  g_object_unref (task);
}

static void
fail_all (MwRepl *self, int code, const char *message)
{
  Command *cmd;

  self->await_prompt = FALSE;
  if (self->active != NULL)
    command_fail (self, self->active, g_error_new_literal (MW_REPL_ERROR, code, message));
  if (self->retry != NULL)
    command_fail (self, self->retry, g_error_new_literal (MW_REPL_ERROR, code, message));
  while ((cmd = g_queue_peek_head (&self->queue)) != NULL)
    command_fail (self, cmd, g_error_new_literal (MW_REPL_ERROR, code, message));
}

static gboolean
on_timeout (gpointer user_data)
{
  MwRepl *self = user_data;
  Command *cmd = self->active;
  g_autofree char *message = NULL;

  g_clear_pointer (&self->timeout_source, g_source_unref);
  if (cmd == NULL)
    return G_SOURCE_REMOVE;
  if (!cmd->begun && mw_repl_parser_get_echo_seen (self->parser) == 0)
    {
      set_state (self, MW_REPL_STATE_SILENT);
      message = g_strdup_printf ("no answer from the board within %u ms (is the baud rate "
                                 "right? is it in a boot loop? is another program using "
                                 "the port?)",
                                 cmd->timeout_ms);
    }
  else
    {
      set_state (self, MW_REPL_STATE_BUSY);
      message =
        g_strdup_printf ("the board did not finish within %u ms (still running?)", cmd->timeout_ms);
    }
  /* The next command waits for a prompt first (bounded by the grace timer), after whatever
   * partial line the board holds is cleared. */
  self->await_prompt = TRUE;
  if (cmd->kind == CMD_EXEC && !cmd->begun)
    write_breaker (self);
  command_fail (
    self, cmd,
    g_error_new_literal (MW_REPL_ERROR,
                         cmd->kind == CMD_SYNC ? MW_REPL_ERROR_NO_ANSWER : MW_REPL_ERROR_TIMEOUT,
                         message));
  process_queue (self);
  return G_SOURCE_REMOVE;
}

static void
start_timeout (MwRepl *self, Command *cmd, gsize bytes_written)
{
  guint baud = MAX (mw_transport_get_baud (self->transport), 1200);
  /* The kernel takes the bytes at once; the line needs 10 bits per byte. */
  guint line_ms = (guint) ((guint64) bytes_written * 10000 / baud);

  stop_timeout (self);
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
  Command *cmd;
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
        start_timeout (data->repl, data->cmd, data->len);
    }
  g_object_unref (data->repl);
  g_free (data);
}

static void
send_next_line (MwRepl *self, Command *cmd)
{
  const char *line = cmd->lines->pdata[cmd->next_line++];
  g_autofree char *text = g_strconcat (line, "\n", NULL);
  gsize len = strlen (text);
  g_autoptr (GBytes) bytes = g_bytes_new_take (g_steal_pointer (&text), len);
  WriteData *data = g_new0 (WriteData, 1);

  mw_repl_parser_expect_echo (self->parser, g_bytes_get_data (bytes, NULL), len);
  /* The tail line runs the chunk: only now may its reply begin. */
  if (cmd->kind == CMD_EXEC && cmd->next_line == cmd->lines->len)
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

static void
start_command (MwRepl *self, Command *cmd)
{
  cmd->started = TRUE;
  self->active = cmd;
  if (cmd->kind == CMD_EXEC)
    set_state (self, MW_REPL_STATE_BUSY);
  send_next_line (self, cmd);
}

static void start_command (MwRepl *self, Command *cmd);

/* A line of `cmd` reached the board garbled before its chunk could run: clear the board's
 * line and send the command again once the prompt is back. */
static void
retry_garbled (MwRepl *self, Command *cmd)
{
  if (++cmd->attempts > 3)
    {
      write_breaker (self);
      self->await_prompt = TRUE;
      command_fail (self, cmd,
                    g_error_new (MW_REPL_ERROR, MW_REPL_ERROR_NO_ANSWER,
                                 "the board keeps receiving garbled lines (a "
                                 "noisy line, or the wrong baud rate?)"));
      return;
    }
  stop_timeout (self);
  self->active = NULL;
  mw_repl_parser_set_reply_token (self->parser, NULL);
  cmd->started = FALSE;
  cmd->begun = FALSE;
  cmd->next_line = 0;
  g_byte_array_set_size (cmd->payload, 0);
  write_breaker (self);
  self->await_prompt = TRUE;
  if (cmd->bypass)
    self->retry = cmd;
  else
    g_queue_push_head (&self->queue, cmd);
}

static gboolean
on_grace (gpointer user_data)
{
  MwRepl *self = user_data;

  g_clear_pointer (&self->grace_source, g_source_unref);
  self->await_prompt = FALSE;
  process_queue (self);
  return G_SOURCE_REMOVE;
}

static void
process_queue (MwRepl *self)
{
  Command *cmd;

  if (self->active != NULL || self->state == MW_REPL_STATE_CLOSED)
    return;
  if (self->retry != NULL && !self->await_prompt)
    {
      cmd = g_steal_pointer (&self->retry);
      start_command (self, cmd);
      return;
    }
  if (self->retry == NULL && (self->locked || g_queue_is_empty (&self->queue)))
    return;
  if (self->await_prompt)
    {
      /* The prompt normally follows within milliseconds; don't wait for it forever. */
      if (self->grace_source == NULL)
        {
          self->grace_source = g_timeout_source_new (500);
          g_source_set_name (self->grace_source, "MwRepl prompt grace");
          g_source_set_callback (self->grace_source, on_grace, self, NULL);
          g_source_attach (self->grace_source, self->context);
        }
      return;
    }
  if (self->retry != NULL || self->locked)
    return;
  cmd = g_queue_pop_head (&self->queue);
  if (cmd->kind == CMD_LOCK)
    {
      GTask *task = g_object_ref (cmd->task);

      self->locked = TRUE;
      command_free (cmd);
      g_task_return_boolean (task, TRUE);
      g_object_unref (task);
      return;
    }
  start_command (self, cmd);
}

static void
prompt_arrived (MwRepl *self)
{
  self->await_prompt = FALSE;
  if (self->grace_source != NULL)
    {
      g_source_destroy (self->grace_source);
      g_clear_pointer (&self->grace_source, g_source_unref);
    }
}

static void
handle_prompt (MwRepl *self, gboolean continuation)
{
  Command *cmd = self->active;

  set_state (self, continuation ? MW_REPL_STATE_CONTINUATION : MW_REPL_STATE_IDLE);
  if (!continuation)
    prompt_arrived (self);
  if (cmd == NULL)
    {
      process_queue (self);
      return;
    }
  switch (cmd->kind)
    {
      case CMD_SYNC:
        if (!continuation)
          command_succeed (self, cmd);
        else if (cmd->semicolons++ < 2)
          {
            /* ";" is a syntax error in Lua 5.1 that ends any unfinished chunk. */
            g_ptr_array_add (cmd->lines, g_strdup (";"));
            send_next_line (self, cmd);
          }
        break;

      case CMD_LINE:
        if (continuation && cmd->next_line < cmd->lines->len)
          send_next_line (self, cmd);
        else
          command_succeed (self, cmd);
        break;

      case CMD_EXEC:
        if (cmd->begun)
          break; /* prompts inside a reply are payload; this is a stray one */
        if (continuation && cmd->next_line < cmd->lines->len)
          send_next_line (self, cmd);
        else if (continuation)
          {
            /* Our wrapper is complete Lua, so the user's code left something open. */
            self->await_prompt = TRUE;
            mw_repl_parser_expect_echo (self->parser, ";\n", 2);
            mw_transport_write (self->transport, ";\n", 2);
            command_fail (self, cmd,
                          g_error_new (MW_REPL_ERROR, MW_REPL_ERROR_INCOMPLETE,
                                       "unfinished Lua chunk (a missing 'end' or "
                                       "closing bracket?)"));
          }
        else
          {
            g_autofree char *msg = g_strstrip (g_strdup (cmd->console ? cmd->console->str : ""));
            const char *text = msg;
            gsize n = strlen (msg);

            if (n > 0 && msg[n - 1] == '>') /* the prompt that ended it */
              g_strchomp (msg)[n - 1] = '\0', g_strchomp (msg);

            /* 3.0 prints "Lua error: \t<message>", 2.x just the message (facts §1). */
            if (g_str_has_prefix (text, "Lua error:"))
              text = g_strchug ((char *) text + strlen ("Lua error:"));
            command_fail (self, cmd,
                          g_error_new (MW_REPL_ERROR, MW_REPL_ERROR_LUA, "%s",
                                       *text ? text : "the board rejected the code"));
          }
        break;

      case CMD_LOCK:
      default:
        g_assert_not_reached ();
    }
  process_queue (self);
}

static void
handle_event (MwRepl *self, MwReplEvent *event)
{
  Command *cmd = self->active;

  switch (event->kind)
    {
      case MW_REPL_EVENT_CONSOLE:
      case MW_REPL_EVENT_NOISE:
        if (cmd != NULL && !cmd->begun && cmd->console != NULL)
          {
            gsize len;
            const char *data = g_bytes_get_data (event->data, &len);

            g_string_append_len (cmd->console, data, len);
            if (cmd->kind == CMD_LINE)
              g_byte_array_append (cmd->payload, (const guint8 *) data, len);
          }
        g_signal_emit (self, signals[SIGNAL_CONSOLE], 0, event->data,
                       event->kind == MW_REPL_EVENT_NOISE);
        break;

      case MW_REPL_EVENT_PROMPT:
      case MW_REPL_EVENT_CONTINUATION:
        /* A prompt parsed in the same read as a line was sent cannot answer that line. */
        if (event->ok && !self->wrote_in_batch)
          handle_prompt (self, event->kind == MW_REPL_EVENT_CONTINUATION);
        else
          set_state (self, event->kind == MW_REPL_EVENT_CONTINUATION ? MW_REPL_STATE_CONTINUATION
                                                                     : MW_REPL_STATE_IDLE);
        break;

      case MW_REPL_EVENT_BEGIN:
        if (cmd != NULL && cmd->kind == CMD_EXEC && strcmp (cmd->token, event->token) == 0)
          {
            cmd->begun = TRUE;
            set_state (self, MW_REPL_STATE_BUSY);
          }
        break;

      case MW_REPL_EVENT_PAYLOAD:
        if (cmd != NULL && cmd->begun && strcmp (cmd->token, event->token) == 0)
          {
            if (cmd->output != NULL)
              cmd->output (event->data, cmd->output_data);
            else
              g_byte_array_append (cmd->payload, g_bytes_get_data (event->data, NULL),
                                   g_bytes_get_size (event->data));
          }
        break;

      case MW_REPL_EVENT_END:
        if (cmd != NULL && cmd->kind == CMD_EXEC && strcmp (cmd->token, event->token) == 0)
          {
            self->await_prompt = TRUE;
            if (event->ok)
              command_succeed (self, cmd);
            else
              {
                /* User code names its own chunk (mw_device_exec_async): no lines to shift. */
                g_autofree char *msg = event->data
                                         ? g_strndup (g_bytes_get_data (event->data, NULL),
                                                      g_bytes_get_size (event->data))
                                         : g_strdup ("error");

                command_fail (self, cmd, g_error_new (MW_REPL_ERROR, MW_REPL_ERROR_LUA, "%s", msg));
              }
            process_queue (self);
          }
        break;

      case MW_REPL_EVENT_GARBLED:
        /* Only while the chunk cannot have run: the tail line is the one that runs it. */
        if (cmd != NULL && cmd->kind == CMD_EXEC && !cmd->begun && cmd->next_line < cmd->lines->len
            && !self->wrote_in_batch)
          retry_garbled (self, cmd);
        break;

      case MW_REPL_EVENT_FRAME:
        {
          char kind[2] = { event->frame_kind, '\0' };

          g_signal_emit (self, signals[SIGNAL_FRAME], 0, kind, event->token, event->data);
        }
        break;

      case MW_REPL_EVENT_BOOT:
        set_state (self, MW_REPL_STATE_BOOTING);
        stop_timeout (self);
        if (cmd != NULL && cmd->kind == CMD_SYNC)
          {
            /* Getting to the prompt through a restart is fine: wait longer for it. */
            cmd->timeout_ms = MAX (cmd->timeout_ms, 5000);
            start_timeout (self, cmd, 0);
          }
        else
          fail_all (self, MW_REPL_ERROR_RESET,
                    "the board restarted (reset, crash or power loss) while the command ran");
        g_signal_emit (self, signals[SIGNAL_RESET], 0);
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
              g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_BANNER_INFO]);
            }
          g_signal_emit (self, signals[SIGNAL_BANNER], 0, text);
        }
        break;

      default:
        break;
    }
}

static void
on_bytes (MwTransport *transport, GBytes *bytes, gpointer user_data)
{
  g_autoptr (MwRepl) self = g_object_ref (user_data);
  gsize len;
  const guint8 *data = g_bytes_get_data (bytes, &len);
  g_autoptr (GPtrArray) events = mw_repl_parser_feed (self->parser, data, len);

  self->rx_count += len;
  self->batch++;
  self->wrote_in_batch = FALSE;
  if (self->state == MW_REPL_STATE_SILENT || self->state == MW_REPL_STATE_UNKNOWN)
    set_state (self, MW_REPL_STATE_BUSY);
  for (guint i = 0; i < events->len; i++)
    handle_event (self, events->pdata[i]);
}

static void
on_closed (MwTransport *transport, const GError *error, gpointer user_data)
{
  g_autoptr (MwRepl) self = g_object_ref (user_data);

  set_state (self, MW_REPL_STATE_CLOSED);
  self->locked = FALSE;
  fail_all (self, MW_REPL_ERROR_CLOSED, error ? error->message : "the port was closed");
}

typedef struct
{
  MwRepl *repl;
  guint64 serial;
} CancelData;

static Command *
find_command (MwRepl *self, guint64 serial)
{
  if (self->active != NULL && self->active->serial == serial)
    return self->active;
  if (self->retry != NULL && self->retry->serial == serial)
    return self->retry;
  for (GList *l = self->queue.head; l != NULL; l = l->next)
    if (((Command *) l->data)->serial == serial)
      return l->data;
  return NULL;
}

static gboolean
on_cancelled_idle (gpointer user_data)
{
  CancelData *data = user_data;
  MwRepl *self = data->repl;
  Command *cmd = find_command (self, data->serial);

  /* A command already sent keeps the board busy: the next one waits for its prompt. */
  if (cmd != NULL)
    {
      if (cmd->started)
        self->await_prompt = TRUE;
      command_fail (self, cmd, g_error_new_literal (G_IO_ERROR, G_IO_ERROR_CANCELLED, "cancelled"));
      process_queue (self);
    }
  return G_SOURCE_REMOVE;
}

static void
cancel_data_free (gpointer user_data)
{
  CancelData *data = user_data;

  g_object_unref (data->repl);
  g_free (data);
}

static void
on_cancel_signal (GCancellable *cancellable, gpointer user_data)
{
  Command *cmd = user_data;
  GSource *source = g_idle_source_new ();
  CancelData *data = g_new0 (CancelData, 1);

  /* The handler may run in another thread or inside g_cancellable_connect(): finish on the
   * repl's context, finding the command again by its serial number. */
  data->repl = g_object_ref (cmd->repl);
  data->serial = cmd->serial;
  g_source_set_callback (source, on_cancelled_idle, data, cancel_data_free);
  g_source_attach (source, cmd->repl->context);
  g_source_unref (source);
}

static Command *
command_new (MwRepl *self, CmdKind kind, guint timeout_ms, GCancellable *cancellable,
             GAsyncReadyCallback callback, gpointer user_data, gpointer tag)
{
  Command *cmd = g_new0 (Command, 1);

  cmd->repl = self;
  cmd->serial = ++self->next_serial;
  cmd->kind = kind;
  cmd->timeout_ms = timeout_ms;
  cmd->task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (cmd->task, tag);
  cmd->lines = g_ptr_array_new_with_free_func (g_free);
  cmd->payload = g_byte_array_new ();
  cmd->console = g_string_new (NULL);
  return cmd;
}

static void
enqueue (MwRepl *self, Command *cmd)
{
  GCancellable *cancellable = g_task_get_cancellable (cmd->task);

  if (self->state == MW_REPL_STATE_CLOSED)
    {
      GTask *task = g_object_ref (cmd->task);

      command_free (cmd);
      g_task_return_new_error (task, MW_REPL_ERROR, MW_REPL_ERROR_CLOSED, "the port is not open");
      g_object_unref (task);
      return;
    }
  if (cancellable != NULL)
    {
      cmd->cancel_id =
        g_cancellable_connect (cancellable, G_CALLBACK (on_cancel_signal), cmd, NULL);
      /* Already cancelled: the handler ran synchronously and queued the failure. */
    }
  if (cmd->bypass)
    start_command (self, cmd);
  else
    {
      g_queue_push_tail (&self->queue, cmd);
      process_queue (self);
    }
}

void
mw_repl_new_token (MwRepl *self, char token[7])
{
  static const char chars[] = "0123456789abcdefghijklmnopqrstuvwxyz";

  for (int i = 0; i < MW_REPL_TOKEN_LEN; i++)
    token[i] = chars[g_rand_int_range (self->rand, 0, 36)];
  token[MW_REPL_TOKEN_LEN] = '\0';
}

/* The wrapper: markers around a pcall, so errors come back framed too. */
static gboolean
build_exec_lines (Command *cmd, const char *code, GError **error)
{
  g_autofree char *head = g_strdup_printf ("uart.write(0,\"\\2B%s\\3\")local o,e=pcall("
                                           "function()",
                                           cmd->token);
  g_autofree char *tail = g_strdup_printf ("end)uart.write(0,\"\\2E%s\",o and\"+\"or\"-\","
                                           "o and\"\"or tostring(e),\"\\3\")",
                                           cmd->token);
  gsize len = strlen (code);
  g_autoptr (MwLuaTree) tree = mw_lua_tree_parse ("stdin", code, len, 0);
  const MwLuaDiagnostic *syntax = mw_lua_tree_get_error (tree);

  /* Syntax errors are found here, with Lua's own message, so that the board never sees an
   * unfinished chunk (an open long string would swallow our wrapper and the next command). */
  if (syntax != NULL)
    {
      g_autofree char *message = mw_lua_diagnostic_format (syntax, "stdin");

      g_set_error (error, MW_REPL_ERROR, MW_REPL_ERROR_LUA, "%s", message);
      return FALSE;
    }
  /* Always head, code lines, tail: the board runs nothing before the tail, and each line's
   * echo is checked before the next goes out, so a line garbled on the way in is never
   * run (the command is sent again). */
  g_ptr_array_add (cmd->lines, g_steal_pointer (&head));
  {
    g_auto (GStrv) lines = g_strsplit (code, "\n", -1);

    for (guint i = 0; lines[i] != NULL; i++)
      {
        gsize n = strlen (lines[i]);

        if (n > 0 && lines[i][n - 1] == '\r')
          lines[i][--n] = '\0';
        if (n > MW_REPL_MAX_LINE)
          {
            g_set_error (error, MW_REPL_ERROR, MW_REPL_ERROR_LINE_TOO_LONG,
                         "line %u is %zu bytes long; the board reads at most %d per line", i + 1, n,
                         MW_REPL_MAX_LINE);
            return FALSE;
          }
        if (n > 0)
          g_ptr_array_add (cmd->lines, g_strdup (lines[i]));
      }
  }
  g_ptr_array_add (cmd->lines, g_steal_pointer (&tail));
  return TRUE;
}

static void
execute_common (MwRepl *self, const char *code, guint timeout_ms, MwReplOutputFunc output,
                gpointer output_data, gboolean bypass, GCancellable *cancellable,
                GAsyncReadyCallback callback, gpointer user_data)
{
  Command *cmd = command_new (self, CMD_EXEC, timeout_ms, cancellable, callback, user_data,
                              mw_repl_execute_async);
  g_autoptr (GError) error = NULL;

  cmd->output = output;
  cmd->output_data = output_data;
  cmd->bypass = bypass;
  mw_repl_new_token (self, cmd->token);
  if (!build_exec_lines (cmd, code, &error))
    {
      GTask *task = g_object_ref (cmd->task);

      command_free (cmd);
      g_task_return_error (task, g_steal_pointer (&error));
      g_object_unref (task);
      return;
    }
  enqueue (self, cmd);
}

void
mw_repl_execute_async (MwRepl *self, const char *code, guint timeout_ms, MwReplOutputFunc output,
                       gpointer output_data, GCancellable *cancellable,
                       GAsyncReadyCallback callback, gpointer user_data)
{
  g_return_if_fail (MW_IS_REPL (self));
  g_return_if_fail (code != NULL);
  execute_common (self, code, timeout_ms, output, output_data, FALSE, cancellable, callback,
                  user_data);
}

void
mw_repl_locked_execute_async (MwRepl *self, const char *code, guint timeout_ms,
                              GCancellable *cancellable, GAsyncReadyCallback callback,
                              gpointer user_data)
{
  g_return_if_fail (MW_IS_REPL (self));
  g_return_if_fail (self->locked && self->active == NULL);
  execute_common (self, code, timeout_ms, NULL, NULL, TRUE, cancellable, callback, user_data);
}

GBytes *
mw_repl_execute_finish (MwRepl *self, GAsyncResult *result, GError **error)
{
  g_return_val_if_fail (g_task_is_valid (result, self), NULL);
  return g_task_propagate_pointer (G_TASK (result), error);
}

static void
store_result (GObject *source, GAsyncResult *result, gpointer user_data)
{
  *(GAsyncResult **) user_data = g_object_ref (result);
}

GBytes *
mw_repl_execute (MwRepl *self, const char *code, guint timeout_ms, GCancellable *cancellable,
                 GError **error)
{
  g_autoptr (GAsyncResult) result = NULL;

  g_return_val_if_fail (MW_IS_REPL (self), NULL);
  mw_repl_execute_async (self, code, timeout_ms, NULL, NULL, cancellable, store_result, &result);
  while (result == NULL)
    g_main_context_iteration (self->context, TRUE);
  return mw_repl_execute_finish (self, result, error);
}

void
mw_repl_sync_async (MwRepl *self, guint timeout_ms, GCancellable *cancellable,
                    GAsyncReadyCallback callback, gpointer user_data)
{
  Command *cmd;

  g_return_if_fail (MW_IS_REPL (self));
  cmd =
    command_new (self, CMD_SYNC, timeout_ms, cancellable, callback, user_data, mw_repl_sync_async);
  g_ptr_array_add (cmd->lines, g_strdup (""));
  /* Whatever prompt the previous command owed is no longer worth waiting for. */
  self->await_prompt = FALSE;
  enqueue (self, cmd);
}

gboolean
mw_repl_sync_finish (MwRepl *self, GAsyncResult *result, GError **error)
{
  g_autoptr (GBytes) bytes = NULL;

  g_return_val_if_fail (g_task_is_valid (result, self), FALSE);
  bytes = g_task_propagate_pointer (G_TASK (result), error);
  return bytes != NULL;
}

void
mw_repl_send_line_async (MwRepl *self, const char *line, guint timeout_ms,
                         GCancellable *cancellable, GAsyncReadyCallback callback,
                         gpointer user_data)
{
  Command *cmd;

  g_return_if_fail (MW_IS_REPL (self));
  g_return_if_fail (line != NULL);
  cmd = command_new (self, CMD_LINE, timeout_ms, cancellable, callback, user_data,
                     mw_repl_send_line_async);
  if (strlen (line) > MW_REPL_MAX_LINE || strpbrk (line, "\r\n") != NULL)
    {
      GTask *task = g_object_ref (cmd->task);

      command_free (cmd);
      g_task_return_new_error (task, MW_REPL_ERROR, MW_REPL_ERROR_LINE_TOO_LONG,
                               "a line must be one line of at most %d bytes", MW_REPL_MAX_LINE);
      g_object_unref (task);
      return;
    }
  g_ptr_array_add (cmd->lines, g_strdup (line));
  enqueue (self, cmd);
}

GBytes *
mw_repl_send_line_finish (MwRepl *self, GAsyncResult *result, GError **error)
{
  g_return_val_if_fail (g_task_is_valid (result, self), NULL);
  return g_task_propagate_pointer (G_TASK (result), error);
}

void
mw_repl_lock_async (MwRepl *self, GCancellable *cancellable, GAsyncReadyCallback callback,
                    gpointer user_data)
{
  g_return_if_fail (MW_IS_REPL (self));
  enqueue (self,
           command_new (self, CMD_LOCK, 0, cancellable, callback, user_data, mw_repl_lock_async));
}

gboolean
mw_repl_lock_finish (MwRepl *self, GAsyncResult *result, GError **error)
{
  g_return_val_if_fail (g_task_is_valid (result, self), FALSE);
  return g_task_propagate_boolean (G_TASK (result), error);
}

void
mw_repl_unlock (MwRepl *self)
{
  g_return_if_fail (MW_IS_REPL (self));
  self->locked = FALSE;
  process_queue (self);
}

void
mw_repl_write_raw (MwRepl *self, const void *data, gsize len)
{
  g_return_if_fail (MW_IS_REPL (self));
  mw_transport_write (self->transport, data, len);
}

gboolean
mw_repl_set_baud (MwRepl *self, guint baud, GError **error)
{
  g_return_val_if_fail (MW_IS_REPL (self), FALSE);
  if (!mw_transport_configure (self->transport, baud, error))
    return FALSE;
  mw_repl_parser_reset (self->parser);
  return TRUE;
}

gboolean
mw_repl_hardware_reset (MwRepl *self, GError **error)
{
  g_return_val_if_fail (MW_IS_REPL (self), FALSE);
  /* DTR released keeps GPIO0 high (normal boot); RTS asserted holds EN low. */
  if (!mw_transport_set_lines (self->transport, FALSE, TRUE, error))
    return FALSE;
  g_usleep (100 * 1000);
  return mw_transport_set_lines (self->transport, FALSE, FALSE, error);
}

MwRepl *
mw_repl_new (MwTransport *transport)
{
  g_return_val_if_fail (MW_IS_TRANSPORT (transport), NULL);
  return g_object_new (MW_TYPE_REPL, "transport", transport, NULL);
}

MwTransport *
mw_repl_get_transport (MwRepl *self)
{
  g_return_val_if_fail (MW_IS_REPL (self), NULL);
  return self->transport;
}

gboolean
mw_repl_open (MwRepl *self, GMainContext *context, GError **error)
{
  g_return_val_if_fail (MW_IS_REPL (self), FALSE);
  g_clear_pointer (&self->context, g_main_context_unref);
  self->context = context ? g_main_context_ref (context) : g_main_context_ref_thread_default ();
  if (!mw_transport_open (self->transport, self->context, error))
    return FALSE;
  mw_repl_parser_reset (self->parser);
  set_state (self, MW_REPL_STATE_UNKNOWN);
  return TRUE;
}

void
mw_repl_close (MwRepl *self)
{
  g_return_if_fail (MW_IS_REPL (self));
  if (mw_transport_is_open (self->transport))
    mw_transport_close (self->transport); /* fails everything through "closed" */
}

MwReplState
mw_repl_get_state (MwRepl *self)
{
  g_return_val_if_fail (MW_IS_REPL (self), MW_REPL_STATE_CLOSED);
  return self->state;
}

MwBoardInfo *
mw_repl_dup_banner_info (MwRepl *self)
{
  g_return_val_if_fail (MW_IS_REPL (self), NULL);
  return self->banner_info ? mw_board_info_copy (self->banner_info) : NULL;
}

gboolean
mw_repl_is_idle (MwRepl *self)
{
  g_return_val_if_fail (MW_IS_REPL (self), FALSE);
  return self->active == NULL && !self->locked && g_queue_is_empty (&self->queue)
         && !self->await_prompt && self->state == MW_REPL_STATE_IDLE;
}

static void
mw_repl_dispose (GObject *object)
{
  MwRepl *self = MW_REPL (object);

  if (self->transport != NULL)
    {
      g_clear_signal_handler (&self->bytes_id, self->transport);
      g_clear_signal_handler (&self->closed_id, self->transport);
      if (mw_transport_is_open (self->transport))
        mw_transport_close (self->transport);
    }
  fail_all (self, MW_REPL_ERROR_CLOSED, "the connection was dropped");
  stop_timeout (self);
  if (self->grace_source != NULL)
    {
      g_source_destroy (self->grace_source);
      g_clear_pointer (&self->grace_source, g_source_unref);
    }
  g_clear_object (&self->transport);
  G_OBJECT_CLASS (mw_repl_parent_class)->dispose (object);
}

static void
mw_repl_finalize (GObject *object)
{
  MwRepl *self = MW_REPL (object);

  mw_repl_parser_free (self->parser);
  g_clear_pointer (&self->banner_info, mw_board_info_free);
  g_clear_pointer (&self->context, g_main_context_unref);
  g_rand_free (self->rand);
  G_OBJECT_CLASS (mw_repl_parent_class)->finalize (object);
}

static void
mw_repl_constructed (GObject *object)
{
  MwRepl *self = MW_REPL (object);

  G_OBJECT_CLASS (mw_repl_parent_class)->constructed (object);
  self->bytes_id =
    g_signal_connect (self->transport, "bytes-received", G_CALLBACK (on_bytes), self);
  self->closed_id = g_signal_connect (self->transport, "closed", G_CALLBACK (on_closed), self);
}

static void
mw_repl_get_property (GObject *object, guint id, GValue *value, GParamSpec *pspec)
{
  MwRepl *self = MW_REPL (object);

  switch (id)
    {
      case PROP_TRANSPORT:
        g_value_set_object (value, self->transport);
        break;
      case PROP_STATE:
        g_value_set_enum (value, self->state);
        break;
      case PROP_BANNER_INFO:
        g_value_set_boxed (value, self->banner_info);
        break;
      default:
        G_OBJECT_WARN_INVALID_PROPERTY_ID (object, id, pspec);
    }
}

static void
mw_repl_set_property (GObject *object, guint id, const GValue *value, GParamSpec *pspec)
{
  MwRepl *self = MW_REPL (object);

  switch (id)
    {
      case PROP_TRANSPORT:
        self->transport = g_value_dup_object (value);
        break;
      default:
        G_OBJECT_WARN_INVALID_PROPERTY_ID (object, id, pspec);
    }
}

static void
mw_repl_class_init (MwReplClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->dispose = mw_repl_dispose;
  object_class->finalize = mw_repl_finalize;
  object_class->constructed = mw_repl_constructed;
  object_class->get_property = mw_repl_get_property;
  object_class->set_property = mw_repl_set_property;

  properties[PROP_TRANSPORT] =
    g_param_spec_object ("transport", NULL, NULL, MW_TYPE_TRANSPORT,
                         G_PARAM_READWRITE | G_PARAM_CONSTRUCT_ONLY | G_PARAM_STATIC_STRINGS);
  properties[PROP_STATE] =
    g_param_spec_enum ("state", NULL, NULL, MW_TYPE_REPL_STATE, MW_REPL_STATE_CLOSED,
                       G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  properties[PROP_BANNER_INFO] =
    g_param_spec_boxed ("banner-info", NULL, NULL, MW_TYPE_BOARD_INFO,
                        G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  g_object_class_install_properties (object_class, N_PROPS, properties);

  /**
   * MwRepl::console:
   * @data: console bytes (the board's output outside replies, our echo removed)
   * @noise: TRUE when the bytes are not text at this baud (ROM output at 74880)
   */
  signals[SIGNAL_CONSOLE] = g_signal_new ("console", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST,
                                          0, NULL, NULL, NULL, G_TYPE_NONE, 2, G_TYPE_BYTES,
                                          G_TYPE_BOOLEAN);
  /**
   * MwRepl::frame:
   * @kind: the frame's letter as a one-character string
   * @token: the marker token
   * @body: the frame's text
   *
   * A framed message that is not a command reply (upload acknowledgements).
   */
  signals[SIGNAL_FRAME] = g_signal_new ("frame", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0,
                                        NULL, NULL, NULL, G_TYPE_NONE, 3, G_TYPE_STRING,
                                        G_TYPE_STRING, G_TYPE_BYTES);
  /** MwRepl::reset: the board restarted (banner or ROM noise). */
  signals[SIGNAL_RESET] = g_signal_new ("reset", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0,
                                        NULL, NULL, NULL, G_TYPE_NONE, 0);
  /** MwRepl::banner: the firmware's banner text. */
  signals[SIGNAL_BANNER] = g_signal_new ("banner", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0,
                                         NULL, NULL, NULL, G_TYPE_NONE, 1, G_TYPE_STRING);
}

static void
mw_repl_init (MwRepl *self)
{
  self->parser = mw_repl_parser_new ();
  self->state = MW_REPL_STATE_CLOSED;
  self->rand = g_rand_new ();
  g_queue_init (&self->queue);
}
