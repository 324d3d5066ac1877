/* mw-cli-device.h: what every board command of moonwire-cli shares: the --port, --baud,
 * --timeout and --json options, opening and syncing the board with clear messages, Ctrl-C
 * (cancels cleanly, leaving the board at its prompt), waiting for async results, and the
 * mapping from errors to exit codes. */
#pragma once

#include <gio/gio.h>

#include "mw-board.h"
#include "mw-cli-json-out.h"
#include "mw-device.h"
#include "mw-upload.h"

G_BEGIN_DECLS

typedef struct
{
  char *port;
  int baud;
  int timeout_ms;
  gboolean json;
  gboolean reset; /* pulse RTS before talking (boards stuck in a running program) */
  gboolean probe; /* ask the firmware what it is on connecting (not an option) */
} MwCliDeviceOptions;

typedef struct
{
  GMainContext *context;
  MwBoard *board; /* the session; repl and device are its */
  MwRepl *repl;
  MwDevice *device;
  GCancellable *cancellable;
  guint signal_ids[3]; /* SIGINT, SIGTERM, SIGHUP: all cancel */
  gboolean tty; /* stderr is a terminal: progress bars */
  MwCliDeviceOptions *options;
} MwCliConnection;

/* Adds --port, --baud, --timeout, --json to `context`, filling `options` (defaults first). */
void mw_cli_device_add_options (GOptionContext *context, MwCliDeviceOptions *options);
void mw_cli_device_options_clear (MwCliDeviceOptions *options);
/* Opens and syncs; on failure prints why (with a hint) and sets *exit_code. */
MwCliConnection *mw_cli_connect (const char *command, MwCliDeviceOptions *options, int *exit_code);
void mw_cli_connection_free (MwCliConnection *conn);
GAsyncResult *mw_cli_wait (MwCliConnection *conn, GAsyncResult **slot);
/* Prints "moonwire-cli COMMAND: message" and returns the exit code for `error`. */
int mw_cli_report_error (const char *command, const GError *error);
/* The exit code for `error` (mw_cli_report_error() without printing). */
int mw_cli_report_error_code (const GError *error);
/* mw_cli_report_error(), keeping the worst exit code so far in *status. */
void mw_cli_note_error (const char *command, const GError *error, int *status);
void mw_cli_store_result (GObject *source, GAsyncResult *result, gpointer user_data);
/* Progress on stderr when it is a terminal: "name [#####     ] 45% 10.2 kB/s". */
void mw_cli_progress (MwCliConnection *conn, const char *label, gsize done, gsize total,
                      gint64 start_us);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (MwCliConnection, mw_cli_connection_free)

G_END_DECLS
