/* mw-serial-transport.h: MwTransport on a real serial port through libserialport, and the
 * list of serial ports with their USB identity (CP210x, CH34x, FTDI marked as likely boards).
 * libserialport refuses ptys: use MwFdTransport (or mw_transport_new_for_port) for those.
 * Set LIBSERIALPORT_DEBUG=1 to trace its calls in a bug report. */
#pragma once

#include "mw-transport.h"

G_BEGIN_DECLS

typedef enum
{
  MW_USB_BRIDGE_NONE = 0,
  MW_USB_BRIDGE_CP210X, /* Silicon Labs 10c4:ea60 */
  MW_USB_BRIDGE_CH34X, /* WCH 1a86:7523 */
  MW_USB_BRIDGE_FTDI, /* FTDI 0403:6001 */
} MwUsbBridge;

typedef struct
{
  char *name; /* /dev/ttyUSB0, COM3 */
  char *description;
  char *manufacturer; /* NULL unless USB */
  char *product;
  char *serial;
  gboolean usb;
  guint16 vid;
  guint16 pid;
  MwUsbBridge bridge; /* a usual NodeMCU bridge chip */
} MwSerialPortInfo;

#define MW_TYPE_SERIAL_PORT_INFO (mw_serial_port_info_get_type ())
GType mw_serial_port_info_get_type (void) G_GNUC_CONST;
MwSerialPortInfo *mw_serial_port_info_copy (const MwSerialPortInfo *info);
void mw_serial_port_info_free (MwSerialPortInfo *info);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (MwSerialPortInfo, mw_serial_port_info_free)

/* The bridge chip for a USB id (pure, for tests and the port list). */
MwUsbBridge mw_usb_bridge_from_ids (guint16 vid, guint16 pid);
const char *mw_usb_bridge_to_string (MwUsbBridge bridge);

/* Every serial port the OS knows, sorted by name: GPtrArray of MwSerialPortInfo. */
GPtrArray *mw_serial_list_ports (GError **error);

#define MW_TYPE_SERIAL_TRANSPORT (mw_serial_transport_get_type ())
G_DECLARE_FINAL_TYPE (MwSerialTransport, mw_serial_transport, MW, SERIAL_TRANSPORT, GObject)

MwSerialTransport *mw_serial_transport_new (const char *port_name);

G_END_DECLS
