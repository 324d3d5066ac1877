/* mw-cli-device.c: connection, options, Ctrl-C and exit codes for board commands. */
#include "mw-config.h"

#include "mw-cli-device.h"
#include "mw-cli-commands.h"

#include <stdio.h>
#include <string.h>
#include <unistd.h>
#include <glib-unix.h>

void
mw_cli_device_add_options (GOptionContext *context, MwCliDeviceOptions *options)
{
  const GOptionEntry entries[] = {
    { "port", 'p', 0, G_OPTION_ARG_STRING, &options->port,
      "Serial port, pty or tcp://host:port (default: $MOONWIRE_PORT)", "PORT" },
    { "baud", 'b', 0, G_OPTION_ARG_INT, &options->baud, "Baud rate (default 115200)", "BAUD" },
    { "timeout", 't', 0, G_OPTION_ARG_INT, &options->timeout_ms,
      "Milliseconds to wait for each answer (default 5000)", "MS" },
    { "json", 0, 0, G_OPTION_ARG_NONE, &options->json, "Print results as JSON", NULL },
    { "reset", 0, 0, G_OPTION_ARG_NONE, &options->reset,
      "Reset the board (RTS pulse) on connecting", NULL },
    { NULL }
  };
  GOptionGroup *group =
    g_option_group_new ("device", "Connection options:", "Show connection options", NULL, NULL);

  options->baud = 115200;
  options->timeout_ms = 5000;
  g_option_group_add_entries (group, entries);
  /* the main group only: a group also added as a secondary one is listed twice, and GLib
   * then renames the second copy's options --device-port and so on */
  g_option_context_set_main_group (context, group);
}

void
mw_cli_device_options_clear (MwCliDeviceOptions *options)
{
  g_clear_pointer (&options->port, g_free);
}

void
mw_cli_store_result (GObject *source, GAsyncResult *result, gpointer user_data)
{
  *(GAsyncResult **) user_data = g_object_ref (result);
}

GAsyncResult *
mw_cli_wait (MwCliConnection *conn, GAsyncResult **slot)
{
  while (*slot == NULL)
    g_main_context_iteration (conn->context, TRUE);
  return *slot;
}

int
mw_cli_report_error (const char *command, const GError *error)
{
  g_printerr ("moonwire-cli %s: %s\n", command, error->message);
  return mw_cli_report_error_code (error);
}

int
mw_cli_report_error_code (const GError *error)
{
  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    return MW_EXIT_CANCELLED;
  if (error->domain == MW_TRANSPORT_ERROR
      || g_error_matches (error, MW_REPL_ERROR, MW_REPL_ERROR_NO_ANSWER)
      || g_error_matches (error, MW_REPL_ERROR, MW_REPL_ERROR_TIMEOUT)
      || g_error_matches (error, MW_REPL_ERROR, MW_REPL_ERROR_CLOSED)
      || g_error_matches (error, MW_REPL_ERROR, MW_REPL_ERROR_RESET))
    return MW_EXIT_CONNECTION;
  if (g_error_matches (error, MW_DEVICE_ERROR, MW_DEVICE_ERROR_BAD_NAME))
    return MW_EXIT_USAGE;
  if (error->domain == G_FILE_ERROR || error->domain == G_IO_ERROR)
    return MW_EXIT_IO;
  return MW_EXIT_ERROR;
}

void
mw_cli_note_error (const char *command, const GError *error, int *status)
{
  int code = mw_cli_report_error (command, error);

  *status = MAX (*status, code);
}

static gboolean
on_sigint (gpointer user_data)
{
  MwCliConnection *conn = user_data;

  g_cancellable_cancel (conn->cancellable);
  return G_SOURCE_CONTINUE;
}

MwCliConnection *
mw_cli_connect (const char *command, MwCliDeviceOptions *options, int *exit_code)
{
  g_autoptr (MwCliConnection) conn = g_new0 (MwCliConnection, 1);
  g_autoptr (GError) error = NULL;
  g_autoptr (GAsyncResult) result = NULL;
  const char *port = options->port ? options->port : g_getenv ("MOONWIRE_PORT");

  if (port == NULL || *port == '\0')
    {
      g_printerr ("moonwire-cli %s: no port given: use --port PORT or set MOONWIRE_PORT "
                  "(moonwire-cli ports lists them)\n",
                  command);
      *exit_code = MW_EXIT_USAGE;
      return NULL;
    }
  if (options->baud <= 0 || options->timeout_ms <= 0)
    {
      g_printerr ("moonwire-cli %s: --baud and --timeout must be positive\n", command);
      *exit_code = MW_EXIT_USAGE;
      return NULL;
    }
  conn->options = options;
  conn->tty = isatty (STDERR_FILENO);
  conn->context = g_main_context_new ();
  g_main_context_push_thread_default (conn->context);
  conn->cancellable = g_cancellable_new ();
  /* SIGTERM (kill, systemd, timeout) and SIGHUP (a closed terminal) end a command as Ctrl-C
   * does: an upload leaves raw mode and the board at its prompt, the old file intact. */
  for (guint i = 0; i < G_N_ELEMENTS (conn->signal_ids); i++)
    {
      static const int signals[] = { SIGINT, SIGTERM, SIGHUP };
      GSource *source = g_unix_signal_source_new (signals[i]);

      g_source_set_callback (source, on_sigint, conn, NULL);
      conn->signal_ids[i] = g_source_attach (source, conn->context);
      g_source_unref (source);
    }
  conn->board = mw_board_new ();
  mw_board_set_heap_interval (conn->board, 0);
  mw_board_connect_async (conn->board, port, options->baud, options->timeout_ms,
                          (options->reset ? MW_BOARD_CONNECT_RESET : MW_BOARD_CONNECT_NONE)
                            | (options->probe ? MW_BOARD_CONNECT_PROBE : MW_BOARD_CONNECT_NONE),
                          conn->cancellable, mw_cli_store_result, &result);
  mw_cli_wait (conn, &result);
  if (!mw_board_connect_finish (conn->board, result, &error))
    {
      if (g_error_matches (error, MW_REPL_ERROR, MW_REPL_ERROR_NO_ANSWER))
        g_printerr ("moonwire-cli %s: %s: no answer from the board at %d baud (is the baud "
                    "rate right? is the board in a boot loop? is another program using the "
                    "port?)\n",
                    command, port, options->baud);
      else
        mw_cli_report_error (command, error);
      if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
        *exit_code = MW_EXIT_CANCELLED;
      else if (error->domain == MW_REPL_ERROR)
        *exit_code = MW_EXIT_CONNECTION;
      /* the rate the user asked for, refused by the port: a bad option */
      else if (g_error_matches (error, MW_TRANSPORT_ERROR, MW_TRANSPORT_ERROR_CONFIGURE))
        *exit_code = MW_EXIT_USAGE;
      else
        *exit_code = mw_cli_report_error_code (error);
      return NULL;
    }
  conn->repl = mw_board_get_repl (conn->board);
  conn->device = mw_board_get_device (conn->board);
  return g_steal_pointer (&conn);
}

void
mw_cli_connection_free (MwCliConnection *conn)
{
  if (conn == NULL)
    return;
  if (conn->board != NULL)
    {
      mw_board_disconnect (conn->board);
      conn->device = NULL;
      conn->repl = NULL;
      g_clear_object (&conn->board);
    }
  if (conn->context != NULL)
    {
      while (g_main_context_iteration (conn->context, FALSE))
        ;
      for (guint i = 0; i < G_N_ELEMENTS (conn->signal_ids); i++)
        {
          GSource *source =
            conn->signal_ids[i] != 0
              ? g_main_context_find_source_by_id (conn->context, conn->signal_ids[i])
              : NULL;

          if (source != NULL)
            g_source_destroy (source);
        }
      g_main_context_pop_thread_default (conn->context);
      g_main_context_unref (conn->context);
    }
  g_clear_object (&conn->cancellable);
  g_free (conn);
}

void
mw_cli_progress (MwCliConnection *conn, const char *label, gsize done, gsize total, gint64 start_us)
{
  double seconds = (g_get_monotonic_time () - start_us) / 1e6;
  int width = 30;
  int filled = total ? (int) ((double) done / total * width) : width;
  char bar[64];

  if (!conn->tty)
    return;
  memset (bar, '#', filled);
  memset (bar + filled, ' ', width - filled);
  bar[width] = '\0';
  fprintf (stderr, "\r%-20.20s [%s] %3d%% %7.1f kB/s", label, bar,
           total ? (int) (100.0 * done / total) : 100, seconds > 0 ? done / seconds / 1000 : 0.0);
  if (done >= total)
    fputc ('\n', stderr);
  fflush (stderr);
}
