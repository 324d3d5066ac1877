/* mw-transport-io-private.h: fd reading and a write queue on a GMainContext, shared by the
 * transport backends once they hold a file descriptor. */
#pragma once

#include "mw-transport.h"

G_BEGIN_DECLS

typedef struct _MwTransportIo MwTransportIo;

/* Watches `fd` (made non-blocking; not closed by the helper) on `context` and emits the
 * owner's signals. On hang-up or error it calls `on_hangup(owner, error)` once: the backend
 * then frees the helper and emits "closed". */
MwTransportIo *mw_transport_io_new (MwTransport *owner, int fd, GMainContext *context,
                                    void (*on_hangup) (MwTransport *owner, const GError *error));
/* Fails every queued write with `error` and detaches the sources. */
void mw_transport_io_free (MwTransportIo *io, const GError *error);
void mw_transport_io_discard_output (MwTransportIo *io);
void mw_transport_io_write_async (MwTransportIo *io, MwTransport *owner, GBytes *bytes,
                                  GCancellable *cancellable, GAsyncReadyCallback callback,
                                  gpointer user_data);
/* For backends that are not open: fail a write at once. */
void mw_transport_io_write_closed (MwTransport *owner, GCancellable *cancellable,
                                   GAsyncReadyCallback callback, gpointer user_data);

G_END_DECLS
