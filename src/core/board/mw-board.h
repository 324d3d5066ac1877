/* mw-board.h: MwBoard, one session with one board: every workflow both faces share.
 *
 * It owns, while connected, the transport, the REPL engine, the device operations, the
 * probe's findings, the heap sampler and, for MW_BOARD_SIMULATED_PORT, the simulator running
 * in-process. moonwire-cli keeps option parsing and printing; the app keeps widgets and binds
 * to the properties and signals here. Everything runs on the thread-default GMainContext of
 * the caller of mw_board_connect_async(); only uploads' preparation (lint, verified minify,
 * compile) runs on a worker thread.
 *
 * Properties: "connected", "port", "heap-interval" (ms between node.heap() samples, taken only
 * while the board is idle; 0 stops). Signals: "console" (GBytes: board output outside command
 * replies), "reset" (the board restarted), "heap-sample" (gint64 wall-clock µs, guint free
 * bytes), "disconnected" (a message, or NULL when asked for).
 */
#pragma once

#include <gio/gio.h>

#include "mw-device.h"
#include "mw-heap-log.h"
#include "mw-heap-walker.h"
#include "mw-lua-pipeline.h"
#include "mw-upload.h"

G_BEGIN_DECLS

/* The port name that runs the simulator library in-process ("Simulated NodeMCU"). */
#define MW_BOARD_SIMULATED_PORT "simulated"
#define MW_BOARD_SIMULATED_LABEL "Simulated NodeMCU"

typedef enum
{
  MW_BOARD_CONNECT_NONE = 0,
  MW_BOARD_CONNECT_RESET = 1 << 0, /* pulse RTS first (a board stuck in a running program) */
  MW_BOARD_CONNECT_PROBE = 1 << 1, /* ask the firmware what it is (MwBoardInfo) */
  MW_BOARD_CONNECT_CLEAN = 1 << 2, /* remove the temporary file a killed upload left behind
                                    * (MW_UPLOAD_TEMP_NAME), so it never shows in a list */
} MwBoardConnectFlags;

/* How a local file goes to the board: the pipeline's steps, then the transfer. */
typedef struct
{
  MwLuaPipelineOptions pipeline; /* number_type is taken from the probe when `detect` */
  gboolean detect_number_type;
  gboolean remove_source; /* after compiling x.lua to x.lc, remove x.lua from the board */
  MwUploadFlags flags;
  guint fast_baud; /* 0: 921600 */
} MwBoardUploadOptions;

typedef struct
{
  char *board_name; /* what was written (x.lc when compiled) */
  MwUploadStats stats;
  gboolean source_removed;
} MwBoardUploadResult;

void mw_board_upload_result_clear (MwBoardUploadResult *result);
G_DEFINE_AUTO_CLEANUP_CLEAR_FUNC (MwBoardUploadResult, mw_board_upload_result_clear)

#define MW_TYPE_BOARD (mw_board_get_type ())
G_DECLARE_FINAL_TYPE (MwBoard, mw_board, MW, BOARD, GObject)

MwBoard *mw_board_new (void);

/* Opens `port` (a serial port, pty, tcp://host:port or MW_BOARD_SIMULATED_PORT) at `baud`,
 * gets the board to its prompt within `timeout_ms`, and probes it if asked. */
void mw_board_connect_async (MwBoard *self, const char *port, guint baud, guint timeout_ms,
                             MwBoardConnectFlags flags, GCancellable *cancellable,
                             GAsyncReadyCallback callback, gpointer user_data);
gboolean mw_board_connect_finish (MwBoard *self, GAsyncResult *result, GError **error);
void mw_board_disconnect (MwBoard *self);
gboolean mw_board_is_connected (MwBoard *self);
const char *mw_board_get_port (MwBoard *self);
/* NULL while disconnected */
MwDevice *mw_board_get_device (MwBoard *self);
MwRepl *mw_board_get_repl (MwBoard *self);
/* The probe's findings (NULL before a probe). */
const MwBoardInfo *mw_board_get_info (MwBoard *self);
/* The number type to compile for: the probe's, else float. */
MwLuaNumberType mw_board_get_number_type (MwBoard *self);

/* Restarts the board: RTS with DTR released (EN low on NodeMCU boards), or node.restart()
 * when `soft` or when the port has no modem lines (ptys, TCP); then waits for its prompt.
 * _finish returns the banner's facts (may be NULL) and, when the lines could not be used,
 * why in `fallback_reason` (node.restart() was used instead). */
void mw_board_reset_async (MwBoard *self, gboolean soft, GCancellable *cancellable,
                           GAsyncReadyCallback callback, gpointer user_data);
MwBoardInfo *mw_board_reset_finish (MwBoard *self, GAsyncResult *result, char **fallback_reason,
                                    GError **error);

/* Uploads `source` (a local file's contents) as `name`: the pipeline prepared on a worker
 * thread, then the verified transfer; a compiled file's source removed if asked; an upload
 * event in the heap log. */
void mw_board_upload_async (MwBoard *self, const char *name, GBytes *source,
                            const MwBoardUploadOptions *options, MwUploadProgress progress,
                            gpointer progress_data, GCancellable *cancellable,
                            GAsyncReadyCallback callback, gpointer user_data);
gboolean mw_board_upload_finish (MwBoard *self, GAsyncResult *result, MwBoardUploadResult *out,
                                 GError **error);

/* dofile(name) with a run event in the heap log; output streamed to `output`. */
void mw_board_run_async (MwBoard *self, const char *name, guint timeout_ms, MwReplOutputFunc output,
                         gpointer output_data, GCancellable *cancellable,
                         GAsyncReadyCallback callback, gpointer user_data);
/* Lua typed by the user. */
void mw_board_exec_async (MwBoard *self, const char *code, guint timeout_ms,
                          MwReplOutputFunc output, gpointer output_data, GCancellable *cancellable,
                          GAsyncReadyCallback callback, gpointer user_data);
/* Finish for run and exec. */
GBytes *mw_board_exec_finish (MwBoard *self, GAsyncResult *result, GError **error);

/* The heap samples and events of this board, across connections. */
MwHeapLog *mw_board_get_heap_log (MwBoard *self);
void mw_board_set_heap_interval (MwBoard *self, guint interval_ms);
/* A snapshot of the board's Lua heap (docs/heap-explorer.md), marked in the heap log. */
void mw_board_heap_snapshot_async (MwBoard *self, MwHeapProgressFunc progress,
                                   gpointer progress_data, GCancellable *cancellable,
                                   GAsyncReadyCallback callback, gpointer user_data);
MwHeapSnapshot *mw_board_heap_snapshot_finish (MwBoard *self, GAsyncResult *result, GError **error);
guint mw_board_get_heap_interval (MwBoard *self);

G_END_DECLS
