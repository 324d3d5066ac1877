/* mw-connection.h: the window's link to a board: the simulated NodeMCU or a serial port,
 * through the core's transport, REPL engine and device objects, plus the heap sampler. */
#pragma once

#include <gio/gio.h>

#include "mw-device.h"
#include "mw-upload.h"

G_BEGIN_DECLS

/* The port name that starts the simulator library in-process */
#define MW_CONNECTION_SIMULATED "simulated"

#define MW_TYPE_CONNECTION (mw_connection_get_type ())
G_DECLARE_FINAL_TYPE (MwConnection, mw_connection, MW, CONNECTION, GObject)

MwConnection *mw_connection_new (void);

/* Opens `port` (a serial port name, or MW_CONNECTION_SIMULATED), gets the board to its
 * prompt and probes it. */
void mw_connection_connect_async (MwConnection *self, const char *port, guint baud,
                                  GCancellable *cancellable, GAsyncReadyCallback callback,
                                  gpointer user_data);
gboolean mw_connection_connect_finish (MwConnection *self, GAsyncResult *result, GError **error);
void mw_connection_disconnect (MwConnection *self);
gboolean mw_connection_is_connected (MwConnection *self);
/* NULL while disconnected */
MwDevice *mw_connection_get_device (MwConnection *self);
MwRepl *mw_connection_get_repl (MwConnection *self);
/* The probe's findings, NULL while disconnected */
const MwBoardInfo *mw_connection_get_board_info (MwConnection *self);
const char *mw_connection_get_port (MwConnection *self);

/* Seconds between node.heap() samples (taken only while the REPL is idle); 0 stops. */
void mw_connection_set_heap_interval (MwConnection *self, guint seconds);

G_END_DECLS
