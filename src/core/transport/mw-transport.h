/* mw-transport.h: the byte pipe to a board (MwTransport interface).
 *
 * A transport owns one file descriptor and does all its I/O on the GMainContext passed to
 * mw_transport_open(): bytes arrive through the "bytes-received" signal, writes are queued
 * and complete in order, and a hang-up emits "closed" once with the reason. Backends:
 * MwSerialTransport (libserialport) and MwFdTransport (ptys through termios, tcp://host:port).
 */
#pragma once

#include <gio/gio.h>

G_BEGIN_DECLS

#define MW_TRANSPORT_ERROR (mw_transport_error_quark ())

typedef enum
{
  MW_TRANSPORT_ERROR_NOT_FOUND = 1, /* no such port */
  MW_TRANSPORT_ERROR_BUSY, /* held by another program */
  MW_TRANSPORT_ERROR_PERMISSION, /* no access (e.g. not in the dialout group) */
  MW_TRANSPORT_ERROR_CONFIGURE, /* the port refused a setting */
  MW_TRANSPORT_ERROR_NOT_SUPPORTED, /* e.g. DTR/RTS on a pty or a TCP bridge */
  MW_TRANSPORT_ERROR_CLOSED, /* not open, closed, or hung up */
  MW_TRANSPORT_ERROR_IO, /* read or write failed */
} MwTransportError;

GQuark mw_transport_error_quark (void);

#define MW_TYPE_TRANSPORT (mw_transport_get_type ())
G_DECLARE_INTERFACE (MwTransport, mw_transport, MW, TRANSPORT, GObject)

struct _MwTransportInterface
{
  GTypeInterface parent_iface;

  gboolean (*open) (MwTransport *self, GMainContext *context, GError **error);
  void (*close) (MwTransport *self);
  gboolean (*is_open) (MwTransport *self);
  gboolean (*configure) (MwTransport *self, guint baud, GError **error);
  gboolean (*set_lines) (MwTransport *self, gboolean dtr, gboolean rts, GError **error);
  void (*write_async) (MwTransport *self, GBytes *bytes, GCancellable *cancellable,
                       GAsyncReadyCallback callback, gpointer user_data);
  gboolean (*write_finish) (MwTransport *self, GAsyncResult *result, GError **error);
  const char *(*get_name) (MwTransport *self);
  guint (*get_baud) (MwTransport *self);
  void (*discard_output) (MwTransport *self);
};

gboolean mw_transport_open (MwTransport *self, GMainContext *context, GError **error);
void mw_transport_close (MwTransport *self);
gboolean mw_transport_is_open (MwTransport *self);
gboolean mw_transport_configure (MwTransport *self, guint baud, GError **error);
gboolean mw_transport_set_lines (MwTransport *self, gboolean dtr, gboolean rts, GError **error);
void mw_transport_write_async (MwTransport *self, GBytes *bytes, GCancellable *cancellable,
                               GAsyncReadyCallback callback, gpointer user_data);
gboolean mw_transport_write_finish (MwTransport *self, GAsyncResult *result, GError **error);
/* Queues bytes without waiting for them (errors arrive through "closed"). */
void mw_transport_write (MwTransport *self, const void *data, gsize len);
const char *mw_transport_get_name (MwTransport *self);
guint mw_transport_get_baud (MwTransport *self);
/* Drops what was written but has not left yet: queued writes not begun (they fail with
 * G_IO_ERROR_CANCELLED) and the system's output buffer of the port. For a board that has just
 * restarted: what was meant for the old session must not reach its fresh prompt. */
void mw_transport_discard_output (MwTransport *self);

/* For backends: emit the interface's signals. */
void mw_transport_emit_bytes (MwTransport *self, GBytes *bytes);
void mw_transport_emit_closed (MwTransport *self, const GError *error);

/* Opens "tcp://host:port" and pty/tty paths with MwFdTransport, anything else (a serial port
 * name such as /dev/ttyUSB0 or COM3) with MwSerialTransport; ptys are detected so that
 * libserialport never sees them. */
MwTransport *mw_transport_new_for_port (const char *port);

/* Who else holds `path` open ("screen (pid 812)"), from /proc; NULL if nobody or unknown. */
char *mw_transport_find_holders (const char *path);

G_END_DECLS
