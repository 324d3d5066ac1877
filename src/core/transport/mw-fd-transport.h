/* mw-fd-transport.h: MwTransport for what libserialport refuses: ptys (the simulator, socat,
 * ser2net) configured through termios, and boards bridged over TCP ("tcp://host:port"). */
#pragma once

#include "mw-transport.h"

G_BEGIN_DECLS

#define MW_TYPE_FD_TRANSPORT (mw_fd_transport_get_type ())
G_DECLARE_FINAL_TYPE (MwFdTransport, mw_fd_transport, MW, FD_TRANSPORT, GObject)

MwFdTransport *mw_fd_transport_new (const char *path);

G_END_DECLS
