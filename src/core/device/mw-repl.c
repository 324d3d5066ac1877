/* mw-repl.c: the REPL engine: command queue, framing, board state. */
#include "mw-config.h"

#include "mw-repl-private.h"
#include "mw-board-lua.h"
#include "mw-lua-tree.h"

#include <stdlib.h>
#include <string.h>

G_DEFINE_QUARK (mw - repl - error - quark, mw_repl_error)

G_DEFINE_FINAL_TYPE (MwRepl, mw_repl, G_TYPE_OBJECT)

GParamSpec *mw_repl_properties[MW_REPL_N_PROPS];
guint mw_repl_signals[MW_REPL_N_SIGNALS];

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

void
mw_repl_set_state (MwRepl *self, MwReplState state)
{
  /* a user's chunk stays open only as long as the board waits at ">> " */
  if (state != MW_REPL_STATE_CONTINUATION)
    self->user_chunk_open = FALSE;
  if (self->state == state)
    return;
  self->state = state;
  g_object_notify_by_pspec (G_OBJECT (self), mw_repl_properties[MW_REPL_PROP_STATE]);
}

typedef struct
{
  MwRepl *repl;
  guint64 serial;
} CancelData;

static MwReplCommand *
find_command (MwRepl *self, guint64 serial)
{
  if (self->active != NULL && self->active->serial == serial)
    return self->active;
  if (self->retry != NULL && self->retry->serial == serial)
    return self->retry;
  for (GList *l = self->queue.head; l != NULL; l = l->next)
    if (((MwReplCommand *) l->data)->serial == serial)
      return l->data;
  return NULL;
}

static gboolean
on_cancelled_idle (gpointer user_data)
{
  CancelData *data = user_data;
  MwRepl *self = data->repl;
  MwReplCommand *cmd = find_command (self, data->serial);

  /* A command already sent keeps the board busy: the next one waits for its prompt. One whose
   * tail line has not gone out left the board inside an unfinished chunk: end it, or the next
   * command's lines would join it. */
  if (cmd != NULL)
    {
      if (cmd->started)
        self->await_prompt = TRUE;
      if (cmd->started && cmd->kind == MW_REPL_CMD_EXEC && !cmd->begun
          && cmd->next_line < cmd->lines->len)
        mw_repl_write_breaker (self);
      mw_repl_command_fail (self, cmd,
                            g_error_new_literal (G_IO_ERROR, G_IO_ERROR_CANCELLED, "cancelled"));
      mw_repl_process_queue (self);
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
  MwReplCommand *cmd = user_data;
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

static MwReplCommand *
command_new (MwRepl *self, MwReplCommandKind kind, guint timeout_ms, GCancellable *cancellable,
             GAsyncReadyCallback callback, gpointer user_data, gpointer tag)
{
  MwReplCommand *cmd = g_new0 (MwReplCommand, 1);

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
enqueue (MwRepl *self, MwReplCommand *cmd)
{
  GCancellable *cancellable = g_task_get_cancellable (cmd->task);

  if (self->state == MW_REPL_STATE_CLOSED)
    {
      GTask *task = g_object_ref (cmd->task);

      mw_repl_command_free (cmd);
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
    mw_repl_start_command (self, cmd);
  else
    {
      g_queue_push_tail (&self->queue, cmd);
      mw_repl_process_queue (self);
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
build_exec_lines (MwReplCommand *cmd, const char *code, GError **error)
{
  g_autofree char *head = mw_board_lua_exec_head (cmd->token);
  g_autofree char *tail = mw_board_lua_exec_tail (cmd->token);
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
                gpointer output_data, gboolean bypass, gboolean once, GCancellable *cancellable,
                GAsyncReadyCallback callback, gpointer user_data)
{
  MwReplCommand *cmd = command_new (self, MW_REPL_CMD_EXEC, timeout_ms, cancellable, callback,
                                    user_data, mw_repl_execute_async);
  g_autoptr (GError) error = NULL;

  cmd->output = output;
  cmd->output_data = output_data;
  cmd->bypass = bypass;
  cmd->once = once;
  mw_repl_new_token (self, cmd->token);
  if (!build_exec_lines (cmd, code, &error))
    {
      GTask *task = g_object_ref (cmd->task);

      mw_repl_command_free (cmd);
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
  execute_common (self, code, timeout_ms, output, output_data, FALSE, FALSE, cancellable, callback,
                  user_data);
}

void
mw_repl_locked_execute_async (MwRepl *self, const char *code, guint timeout_ms,
                              GCancellable *cancellable, GAsyncReadyCallback callback,
                              gpointer user_data)
{
  g_return_if_fail (MW_IS_REPL (self));
  g_return_if_fail (self->locked && self->active == NULL);
  execute_common (self, code, timeout_ms, NULL, NULL, TRUE, FALSE, cancellable, callback,
                  user_data);
}

void
mw_repl_locked_execute_once_async (MwRepl *self, const char *code, guint timeout_ms,
                                   GCancellable *cancellable, GAsyncReadyCallback callback,
                                   gpointer user_data)
{
  g_return_if_fail (MW_IS_REPL (self));
  g_return_if_fail (self->locked && self->active == NULL);
  execute_common (self, code, timeout_ms, NULL, NULL, TRUE, TRUE, cancellable, callback, user_data);
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
  MwReplCommand *cmd;

  g_return_if_fail (MW_IS_REPL (self));
  cmd = command_new (self, MW_REPL_CMD_SYNC, timeout_ms, cancellable, callback, user_data,
                     mw_repl_sync_async);
  g_ptr_array_add (cmd->lines, g_strdup (""));
  /* Whatever prompt the previous command owed is no longer worth waiting for. */
  self->await_prompt = FALSE;
  self->await_boot = FALSE;
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
  MwReplCommand *cmd;

  g_return_if_fail (MW_IS_REPL (self));
  g_return_if_fail (line != NULL);
  cmd = command_new (self, MW_REPL_CMD_LINE, timeout_ms, cancellable, callback, user_data,
                     mw_repl_send_line_async);
  if (strlen (line) > MW_REPL_MAX_LINE || strpbrk (line, "\r\n") != NULL)
    {
      GTask *task = g_object_ref (cmd->task);

      mw_repl_command_free (cmd);
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
  enqueue (self, command_new (self, MW_REPL_CMD_LOCK, 0, cancellable, callback, user_data,
                              mw_repl_lock_async));
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
  mw_repl_process_queue (self);
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
  self->await_prompt = FALSE;
  self->await_boot = FALSE;
  mw_repl_set_state (self, MW_REPL_STATE_UNKNOWN);
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

gboolean
mw_repl_accepts_background (MwRepl *self)
{
  g_return_val_if_fail (MW_IS_REPL (self), FALSE);
  if (self->state == MW_REPL_STATE_CLOSED || self->user_chunk_open)
    return FALSE;
  if (self->active != NULL && self->active->kind == MW_REPL_CMD_LINE)
    return FALSE;
  for (GList *l = self->queue.head; l != NULL; l = l->next)
    if (((MwReplCommand *) l->data)->kind == MW_REPL_CMD_LINE)
      return FALSE;
  return TRUE;
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
  /* closed first: what a failed command's callback queues fails at once */
  self->state = MW_REPL_STATE_CLOSED;
  mw_repl_fail_all (self, MW_REPL_ERROR_CLOSED, "the connection was dropped");
  mw_repl_stop_timeout (self);
  mw_repl_stop_settle (self);
  if (self->grace_source != NULL)
    {
      g_source_destroy (self->grace_source);
      g_clear_pointer (&self->grace_source, g_source_unref);
    }
  if (self->newline_source != NULL)
    {
      g_source_destroy (self->newline_source);
      g_clear_pointer (&self->newline_source, g_source_unref);
    }
  if (self->garbled_end_source != NULL)
    {
      g_source_destroy (self->garbled_end_source);
      g_clear_pointer (&self->garbled_end_source, g_source_unref);
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
    g_signal_connect (self->transport, "bytes-received", G_CALLBACK (mw_repl_on_bytes), self);
  self->closed_id =
    g_signal_connect (self->transport, "closed", G_CALLBACK (mw_repl_on_closed), self);
}

static void
mw_repl_get_property (GObject *object, guint id, GValue *value, GParamSpec *pspec)
{
  MwRepl *self = MW_REPL (object);

  switch (id)
    {
      case MW_REPL_PROP_TRANSPORT:
        g_value_set_object (value, self->transport);
        break;
      case MW_REPL_PROP_STATE:
        g_value_set_enum (value, self->state);
        break;
      case MW_REPL_PROP_BANNER_INFO:
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
      case MW_REPL_PROP_TRANSPORT:
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

  mw_repl_properties[MW_REPL_PROP_TRANSPORT] =
    g_param_spec_object ("transport", NULL, NULL, MW_TYPE_TRANSPORT,
                         G_PARAM_READWRITE | G_PARAM_CONSTRUCT_ONLY | G_PARAM_STATIC_STRINGS);
  mw_repl_properties[MW_REPL_PROP_STATE] =
    g_param_spec_enum ("state", NULL, NULL, MW_TYPE_REPL_STATE, MW_REPL_STATE_CLOSED,
                       G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  mw_repl_properties[MW_REPL_PROP_BANNER_INFO] =
    g_param_spec_boxed ("banner-info", NULL, NULL, MW_TYPE_BOARD_INFO,
                        G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  g_object_class_install_properties (object_class, MW_REPL_N_PROPS, mw_repl_properties);

  /**
   * MwRepl::console:
   * @data: console bytes (the board's output outside replies, our echo removed)
   * @noise: TRUE when the bytes are not text at this baud (ROM output at 74880)
   */
  mw_repl_signals[MW_REPL_SIGNAL_CONSOLE] =
    g_signal_new ("console", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0, NULL, NULL, NULL,
                  G_TYPE_NONE, 2, G_TYPE_BYTES, G_TYPE_BOOLEAN);
  /**
   * MwRepl::frame:
   * @kind: the frame's letter as a one-character string
   * @token: the marker token
   * @body: the frame's text
   *
   * A framed message that is not a command reply (upload acknowledgements).
   */
  mw_repl_signals[MW_REPL_SIGNAL_FRAME] =
    g_signal_new ("frame", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0, NULL, NULL, NULL,
                  G_TYPE_NONE, 3, G_TYPE_STRING, G_TYPE_STRING, G_TYPE_BYTES);
  /** MwRepl::reset: the board restarted (banner or ROM noise). */
  mw_repl_signals[MW_REPL_SIGNAL_RESET] = g_signal_new (
    "reset", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0, NULL, NULL, NULL, G_TYPE_NONE, 0);
  /**
   * MwRepl::line-sent:
   * @line: the line, as given to mw_repl_send_line_async()
   *
   * A line of mw_repl_send_line_async() went to the board: every console byte before it has
   * been emitted. Emitted once per line, even when a garbled line is sent again.
   */
  mw_repl_signals[MW_REPL_SIGNAL_LINE_SENT] = g_signal_new ("line-sent", G_TYPE_FROM_CLASS (klass),
                                                            G_SIGNAL_RUN_LAST, 0, NULL, NULL, NULL,
                                                            G_TYPE_NONE, 1, G_TYPE_STRING);
  /** MwRepl::banner: the firmware's banner text. */
  mw_repl_signals[MW_REPL_SIGNAL_BANNER] = g_signal_new ("banner", G_TYPE_FROM_CLASS (klass),
                                                         G_SIGNAL_RUN_LAST, 0, NULL, NULL, NULL,
                                                         G_TYPE_NONE, 1, G_TYPE_STRING);
}

static void
mw_repl_init (MwRepl *self)
{
  self->parser = mw_repl_parser_new ();
  self->state = MW_REPL_STATE_CLOSED;
  self->rand = g_rand_new ();
  g_queue_init (&self->queue);
}
