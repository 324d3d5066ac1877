/* mw-cli-repl.c: `moonwire-cli repl`: an interactive prompt on the board with a small
 * raw-mode line editor (left/right, backspace, up/down history, Ctrl-A/E/U, Ctrl-D). The
 * board's own prompts and output come through the console stream; our echo is removed by
 * the engine, so what you type shows once. Piped input is sent line by line. */
#include "mw-config.h"

#include <stdio.h>
#include <string.h>
#include <termios.h>
#include <unistd.h>
#include <glib-unix.h>

#include "mw-cli-commands.h"
#include "mw-cli-device.h"

typedef struct
{
  MwCliConnection *conn;
  GString *line;
  gsize cursor;
  GPtrArray *history;
  guint history_pos;
  char esc[8];
  guint esc_len;
  gboolean done;
  gboolean tty;
  gboolean busy;
  GString *pending; /* piped input not yet sent */
} Editor;

static void
redraw (Editor *ed)
{
  if (!ed->tty)
    return;
  /* back to the line start after the board's prompt, redraw the text, place the cursor */
  printf ("\r\033[K%s%s",
          mw_repl_get_state (ed->conn->repl) == MW_REPL_STATE_CONTINUATION ? ">> " : "> ",
          ed->line->str);
  if (ed->cursor < ed->line->len)
    printf ("\033[%zuD", ed->line->len - ed->cursor);
  fflush (stdout);
}

static void
on_console (MwRepl *repl, GBytes *data, gboolean noise, gpointer user_data)
{
  Editor *ed = user_data;
  gsize len;
  const char *text = g_bytes_get_data (data, &len);

  if (ed->tty && ed->line->len > 0)
    printf ("\r\033[K");
  if (noise)
    printf ("[%zu bytes of noise: the board restarting, or the wrong baud rate]\n", len);
  else
    fwrite (text, 1, len, stdout);
  fflush (stdout);
  if (ed->tty && ed->line->len > 0)
    redraw (ed);
}

static void
on_line_done (GObject *source, GAsyncResult *result, gpointer user_data)
{
  Editor *ed = user_data;
  g_autoptr (GError) error = NULL;
  g_autoptr (GBytes) out = mw_repl_send_line_finish (MW_REPL (source), result, &error);

  ed->busy = FALSE;
  if (out == NULL && !g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    g_printerr ("\n%s\n", error->message);
}

static void
submit (Editor *ed, const char *text)
{
  if (ed->tty)
    printf ("\n");
  if (*text && ed->tty)
    {
      g_ptr_array_add (ed->history, g_strdup (text));
      ed->history_pos = ed->history->len;
    }
  ed->busy = TRUE;
  mw_repl_send_line_async (ed->conn->repl, text, 0, NULL, on_line_done, ed);
}

static void
key (Editor *ed, guchar c)
{
  if (ed->esc_len > 0 || c == 0x1b)
    {
      ed->esc[ed->esc_len++] = c;
      if (ed->esc_len < 3)
        return;
      if (ed->esc[1] == '[')
        {
          if (ed->esc[2] == 'A' && ed->history_pos > 0)
            ed->history_pos--;
          else if (ed->esc[2] == 'B' && ed->history_pos < ed->history->len)
            ed->history_pos++;
          if (ed->esc[2] == 'A' || ed->esc[2] == 'B')
            {
              g_string_assign (ed->line, ed->history_pos < ed->history->len
                                           ? ed->history->pdata[ed->history_pos]
                                           : "");
              ed->cursor = ed->line->len;
            }
          else if (ed->esc[2] == 'C' && ed->cursor < ed->line->len)
            ed->cursor++;
          else if (ed->esc[2] == 'D' && ed->cursor > 0)
            ed->cursor--;
        }
      ed->esc_len = 0;
      redraw (ed);
      return;
    }
  switch (c)
    {
      case '\r':
      case '\n':
        {
          g_autofree char *text = g_strdup (ed->line->str);

          g_string_truncate (ed->line, 0);
          ed->cursor = 0;
          submit (ed, text);
        }
        return;
      case 0x7f:
      case 0x08:
        if (ed->cursor > 0)
          g_string_erase (ed->line, --ed->cursor, 1);
        break;
      case 0x01:
        ed->cursor = 0;
        break;
      case 0x05:
        ed->cursor = ed->line->len;
        break;
      case 0x15:
        g_string_truncate (ed->line, 0);
        ed->cursor = 0;
        break;
      case 0x03:
        if (ed->line->len > 0)
          {
            g_string_truncate (ed->line, 0);
            ed->cursor = 0;
            break;
          }
        ed->done = TRUE;
        return;
      case 0x04:
        if (ed->line->len == 0)
          {
            ed->done = TRUE;
            return;
          }
        break;
      default:
        if (c >= 0x20 && ed->line->len < 250)
          g_string_insert_c (ed->line, ed->cursor++, c);
        break;
    }
  redraw (ed);
}

static gboolean
on_stdin (int fd, GIOCondition condition, gpointer user_data)
{
  Editor *ed = user_data;
  guchar buf[256];
  ssize_t n = read (fd, buf, sizeof buf);

  if (n <= 0)
    {
      ed->done = ed->tty || ed->pending->len == 0;
      if (!ed->tty)
        g_string_append_c (ed->pending, '\0'); /* end of input marker */
      return G_SOURCE_REMOVE;
    }
  if (ed->tty)
    for (ssize_t i = 0; i < n; i++)
      key (ed, buf[i]);
  else
    g_string_append_len (ed->pending, (const char *) buf, n);
  return G_SOURCE_CONTINUE;
}

/* Piped input: one line at a time, each after the previous one has its prompt. */
static void
pump_pipe (Editor *ed)
{
  char *nl;

  if (ed->busy || ed->tty)
    return;
  nl = memchr (ed->pending->str, '\n', ed->pending->len);
  if (nl != NULL)
    {
      g_autofree char *text = g_strndup (ed->pending->str, nl - ed->pending->str);

      g_string_erase (ed->pending, 0, nl - ed->pending->str + 1);
      submit (ed, text);
    }
  else if (ed->pending->len > 0 && ed->pending->str[ed->pending->len - 1] == '\0')
    ed->done = TRUE;
}

int
mw_cli_repl (int argc, char **argv)
{
  MwCliDeviceOptions options = { 0 };
  g_autoptr (GOptionContext) context = g_option_context_new (NULL);
  g_autoptr (MwCliConnection) conn = NULL;
  struct termios saved, raw;
  Editor ed = { 0 };
  GSource *input;
  int status = MW_EXIT_OK;

  g_option_context_set_summary (context, "An interactive Lua prompt on the board. Ctrl-D "
                                         "(or Ctrl-C on an empty line) leaves.");
  mw_cli_device_add_options (context, &options);
  if (!mw_cli_parse_options (context, &argc, &argv))
    return MW_EXIT_USAGE;
  if ((conn = mw_cli_connect ("repl", &options, &status)) == NULL)
    goto out;
  ed.conn = conn;
  ed.line = g_string_new (NULL);
  ed.history = g_ptr_array_new_with_free_func (g_free);
  ed.pending = g_string_new (NULL);
  ed.tty = isatty (STDIN_FILENO);
  g_signal_connect (conn->repl, "console", G_CALLBACK (on_console), &ed);
  if (ed.tty)
    {
      /* Ctrl-C is a key here, not a signal */
      tcgetattr (STDIN_FILENO, &saved);
      raw = saved;
      raw.c_lflag &= ~(ICANON | ECHO | ISIG);
      raw.c_cc[VMIN] = 1;
      raw.c_cc[VTIME] = 0;
      tcsetattr (STDIN_FILENO, TCSANOW, &raw);
      redraw (&ed);
    }
  input = g_unix_fd_source_new (STDIN_FILENO, G_IO_IN | G_IO_HUP);
  g_source_set_callback (input, G_SOURCE_FUNC (on_stdin), &ed, NULL);
  g_source_attach (input, conn->context);
  while (!ed.done && !g_cancellable_is_cancelled (conn->cancellable)
         && mw_repl_get_state (conn->repl) != MW_REPL_STATE_CLOSED)
    {
      g_main_context_iteration (conn->context, TRUE);
      pump_pipe (&ed);
    }
  /* let the last line finish */
  while (ed.busy && mw_repl_get_state (conn->repl) != MW_REPL_STATE_CLOSED)
    g_main_context_iteration (conn->context, TRUE);
  g_source_destroy (input);
  g_source_unref (input);
  if (ed.tty)
    {
      tcsetattr (STDIN_FILENO, TCSANOW, &saved);
      printf ("\n");
    }
  if (mw_repl_get_state (conn->repl) == MW_REPL_STATE_CLOSED)
    {
      g_printerr ("moonwire-cli repl: the port closed\n");
      status = MW_EXIT_CONNECTION;
    }
  g_signal_handlers_disconnect_by_data (conn->repl, &ed);
  g_string_free (ed.line, TRUE);
  g_string_free (ed.pending, TRUE);
  g_ptr_array_unref (ed.history);
out:
  mw_cli_device_options_clear (&options);
  return status;
}
