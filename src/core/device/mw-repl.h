/* mw-repl.h: MwRepl, the REPL engine: one object owns the transport, reads the board's
 * state from its byte stream and runs Lua commands from a queue with framed replies.
 *
 * Model: ModemManager's serial port. Commands wait in a queue of GTasks and run one at a
 * time; a command's timeout starts when its last line has been written; a hang-up or a reset
 * fails every pending command. Replies are framed by markers the board prints (see
 * mw-repl-parser.h), so asynchronous output (timers) goes to the "console" signal and never
 * into a result. Every line sent is at most 250 bytes (MW_REPL_MAX_LINE).
 */
#pragma once

#include <gio/gio.h>

#include "mw-board-info.h"
#include "mw-transport.h"

G_BEGIN_DECLS

#define MW_REPL_ERROR (mw_repl_error_quark ())

typedef enum
{
  MW_REPL_ERROR_LUA = 1, /* the code raised an error or did not compile */
  MW_REPL_ERROR_TIMEOUT, /* no complete reply in time */
  MW_REPL_ERROR_RESET, /* the board restarted */
  MW_REPL_ERROR_CLOSED, /* the port closed or was never open */
  MW_REPL_ERROR_LINE_TOO_LONG, /* a line over 250 bytes */
  MW_REPL_ERROR_INCOMPLETE, /* the chunk is unfinished (">> ") */
  MW_REPL_ERROR_NO_ANSWER, /* nothing intelligible came back */
  MW_REPL_ERROR_GARBLED, /* a command sent once arrived garbled and did not run */
} MwReplError;

GQuark mw_repl_error_quark (void);

typedef enum
{
  MW_REPL_STATE_CLOSED,
  MW_REPL_STATE_UNKNOWN, /* open, nothing heard yet */
  MW_REPL_STATE_BOOTING, /* banner or ROM noise seen, no prompt yet */
  MW_REPL_STATE_IDLE, /* at the prompt "> " */
  MW_REPL_STATE_CONTINUATION, /* at ">> " */
  MW_REPL_STATE_BUSY, /* running code */
  MW_REPL_STATE_SILENT, /* a command got no answer */
} MwReplState;

#define MW_TYPE_REPL_STATE (mw_repl_state_get_type ())
GType mw_repl_state_get_type (void) G_GNUC_CONST;
const char *mw_repl_state_to_string (MwReplState state);

/* Reply bytes of a streamed command as they arrive. */
typedef void (*MwReplOutputFunc) (GBytes *chunk, gpointer user_data);

#define MW_TYPE_REPL (mw_repl_get_type ())
G_DECLARE_FINAL_TYPE (MwRepl, mw_repl, MW, REPL, GObject)

MwRepl *mw_repl_new (MwTransport *transport);
MwTransport *mw_repl_get_transport (MwRepl *self);
/* Opens the transport on `context` (NULL: the thread-default context). */
gboolean mw_repl_open (MwRepl *self, GMainContext *context, GError **error);
void mw_repl_close (MwRepl *self);
MwReplState mw_repl_get_state (MwRepl *self);
/* From the last banner seen, or NULL. */
MwBoardInfo *mw_repl_dup_banner_info (MwRepl *self);
/* Whether nothing is queued or running and the board is at its prompt. */
gboolean mw_repl_is_idle (MwRepl *self);
/* Whether a background command (the heap sampler's) may be queued now: it then runs at the
 * next prompt, however busy the line (behind an upload that holds the line, before the next
 * one), and cannot land inside a user's chunk: no typed line left the board at ">> ", and
 * none is running or waiting. (A ">> " seen otherwise, e.g. amid a flood, is not the user's:
 * a command ends it as any other command would.) */
gboolean mw_repl_accepts_background (MwRepl *self);

/* Gets the board to its prompt (an empty line, ending a continuation if needed). Fails with
 * NO_ANSWER and a hint when nothing or only noise comes back. */
void mw_repl_sync_async (MwRepl *self, guint timeout_ms, GCancellable *cancellable,
                         GAsyncReadyCallback callback, gpointer user_data);
gboolean mw_repl_sync_finish (MwRepl *self, GAsyncResult *result, GError **error);

/* Runs `code` (Lua statements) framed by markers; returns the bytes it wrote (print,
 * uart.write) as a GBytes. `output` (optional) receives them as they arrive instead. */
void mw_repl_execute_async (MwRepl *self, const char *code, guint timeout_ms,
                            MwReplOutputFunc output, gpointer output_data,
                            GCancellable *cancellable, GAsyncReadyCallback callback,
                            gpointer user_data);
GBytes *mw_repl_execute_finish (MwRepl *self, GAsyncResult *result, GError **error);
/* Blocking convenience for the CLI and tests: iterates the context until done. */
GBytes *mw_repl_execute (MwRepl *self, const char *code, guint timeout_ms,
                         GCancellable *cancellable, GError **error);

/* A line typed by a user (interactive console), queued like a command; completes at the
 * next prompt with the console output in between. Lines over 250 bytes are refused. */
void mw_repl_send_line_async (MwRepl *self, const char *line, guint timeout_ms,
                              GCancellable *cancellable, GAsyncReadyCallback callback,
                              gpointer user_data);
GBytes *mw_repl_send_line_finish (MwRepl *self, GAsyncResult *result, GError **error);

/* Exclusive use of the line for a protocol (uploads): granted when the queue reaches it;
 * until mw_repl_unlock(), the holder writes raw bytes and reads "frame" signals. */
void mw_repl_lock_async (MwRepl *self, GCancellable *cancellable, GAsyncReadyCallback callback,
                         gpointer user_data);
gboolean mw_repl_lock_finish (MwRepl *self, GAsyncResult *result, GError **error);
void mw_repl_unlock (MwRepl *self);
void mw_repl_write_raw (MwRepl *self, const void *data, gsize len);
/* Only while locked: runs a command (the queue is bypassed for the lock holder). */
void mw_repl_locked_execute_async (MwRepl *self, const char *code, guint timeout_ms,
                                   GCancellable *cancellable, GAsyncReadyCallback callback,
                                   gpointer user_data);
/* The same, sent once: a garbled line fails it (MW_REPL_ERROR_GARBLED) instead of sending it
 * again (a long command on a noisy line, which the caller then sends in shorter pieces). */
void mw_repl_locked_execute_once_async (MwRepl *self, const char *code, guint timeout_ms,
                                        GCancellable *cancellable, GAsyncReadyCallback callback,
                                        gpointer user_data);
/* Changes the host side's baud rate and forgets partial parser state. */
gboolean mw_repl_set_baud (MwRepl *self, guint baud, GError **error);
/* Pulses RTS with DTR released (EN low on NodeMCU boards: docs/firmware.md section 1). */
gboolean mw_repl_hardware_reset (MwRepl *self, GError **error);
/* A fresh random marker token (6 characters of [0-9a-z]). */
void mw_repl_new_token (MwRepl *self, char token[7]);

G_END_DECLS
