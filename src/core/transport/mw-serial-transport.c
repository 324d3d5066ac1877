/* mw-serial-transport.c: libserialport for opening, configuring and the modem lines; once
 * open, reading and writing go through the port's fd on a GSource like every backend.
 * Every sp_* result is checked at once and turned into a GError with the OS's message. */
#include "mw-config.h"

#include "mw-serial-transport.h"
#include "mw-transport-io-private.h"

#include <errno.h>
#include <sys/ioctl.h>
#include <sys/stat.h>
#include <glib/gstdio.h>
#include <string.h>
#include <libserialport.h>

struct _MwSerialTransport
{
  GObject parent_instance;
  char *port_name;
  struct sp_port *port;
  guint baud;
  MwTransportIo *io;
};

static void mw_serial_transport_iface_init (MwTransportInterface *iface);

G_DEFINE_FINAL_TYPE_WITH_CODE (MwSerialTransport, mw_serial_transport, G_TYPE_OBJECT,
                               G_IMPLEMENT_INTERFACE (MW_TYPE_TRANSPORT,
                                                      mw_serial_transport_iface_init))

G_DEFINE_BOXED_TYPE (MwSerialPortInfo, mw_serial_port_info, mw_serial_port_info_copy,
                     mw_serial_port_info_free)

enum
{
  PROP_0,
  PROP_PORT_NAME,
  N_PROPS
};
static GParamSpec *properties[N_PROPS];

MwSerialPortInfo *
mw_serial_port_info_copy (const MwSerialPortInfo *info)
{
  MwSerialPortInfo *copy = g_new0 (MwSerialPortInfo, 1);

  *copy = *info;
  copy->name = g_strdup (info->name);
  copy->description = g_strdup (info->description);
  copy->manufacturer = g_strdup (info->manufacturer);
  copy->product = g_strdup (info->product);
  copy->serial = g_strdup (info->serial);
  return copy;
}

void
mw_serial_port_info_free (MwSerialPortInfo *info)
{
  if (info == NULL)
    return;
  g_free (info->name);
  g_free (info->description);
  g_free (info->manufacturer);
  g_free (info->product);
  g_free (info->serial);
  g_free (info);
}

MwUsbBridge
mw_usb_bridge_from_ids (guint16 vid, guint16 pid)
{
  /* The USB-serial chips on NodeMCU dev boards (firmware facts, section 1). */
  if (vid == 0x10c4 && pid == 0xea60)
    return MW_USB_BRIDGE_CP210X;
  if (vid == 0x1a86 && (pid == 0x7523 || pid == 0x5523))
    return MW_USB_BRIDGE_CH34X;
  if (vid == 0x0403 && pid == 0x6001)
    return MW_USB_BRIDGE_FTDI;
  return MW_USB_BRIDGE_NONE;
}

const char *
mw_usb_bridge_to_string (MwUsbBridge bridge)
{
  switch (bridge)
    {
      case MW_USB_BRIDGE_CP210X:
        return "CP210x";
      case MW_USB_BRIDGE_CH34X:
        return "CH34x";
      case MW_USB_BRIDGE_FTDI:
        return "FTDI";
      case MW_USB_BRIDGE_NONE:
      default:
        return NULL;
    }
}

static gboolean
sp_check (enum sp_return result, const char *what, const char *name, GError **error)
{
  int code = MW_TRANSPORT_ERROR_IO;
  g_autofree char *message = NULL;

  if (result >= 0)
    return TRUE;
  if (result == SP_ERR_FAIL)
    {
      int saved = errno;
      char *os = sp_last_error_message ();

      message = g_strdup (os ? os : g_strerror (saved));
      sp_free_error_message (os);
      if (saved == ENOENT || saved == ENODEV || saved == ENXIO)
        code = MW_TRANSPORT_ERROR_NOT_FOUND;
      else if (saved == EBUSY)
        code = MW_TRANSPORT_ERROR_BUSY;
      else if (saved == EACCES || saved == EPERM)
        code = MW_TRANSPORT_ERROR_PERMISSION;
    }
  else if (result == SP_ERR_SUPP)
    {
      message = g_strdup ("not supported by this port");
      code = MW_TRANSPORT_ERROR_NOT_SUPPORTED;
    }
  else if (result == SP_ERR_MEM)
    message = g_strdup ("out of memory");
  else
    {
      message = g_strdup ("invalid argument");
      code = MW_TRANSPORT_ERROR_CONFIGURE;
    }
  if (code == MW_TRANSPORT_ERROR_BUSY)
    {
      g_autofree char *holders = mw_transport_find_holders (name);

      g_set_error (error, MW_TRANSPORT_ERROR, code, "%s: the port is busy%s%s", name,
                   holders ? ", held by " : " (another program has it open)",
                   holders ? holders : "");
    }
  else if (code == MW_TRANSPORT_ERROR_NOT_FOUND)
    g_set_error (error, MW_TRANSPORT_ERROR, code, "%s: no such port", name);
  else if (code == MW_TRANSPORT_ERROR_PERMISSION)
    g_set_error (error, MW_TRANSPORT_ERROR, code,
                 "%s: permission denied (are you in the dialout group?)", name);
  else
    g_set_error (error, MW_TRANSPORT_ERROR, code, "%s: %s: %s", name, what, message);
  return FALSE;
}

static int
compare_ports (gconstpointer a, gconstpointer b)
{
  const MwSerialPortInfo *pa = *(MwSerialPortInfo *const *) a;
  const MwSerialPortInfo *pb = *(MwSerialPortInfo *const *) b;

  return g_strcmp0 (pa->name, pb->name);
}

GPtrArray *
mw_serial_list_ports (GError **error)
{
  struct sp_port **list = NULL;
  GPtrArray *ports;

  g_return_val_if_fail (error == NULL || *error == NULL, NULL);
  if (!sp_check (sp_list_ports (&list), "listing ports", "serial ports", error))
    return NULL;
  ports = g_ptr_array_new_with_free_func ((GDestroyNotify) mw_serial_port_info_free);
  for (gsize i = 0; list[i] != NULL; i++)
    {
      MwSerialPortInfo *info = g_new0 (MwSerialPortInfo, 1);
      int vid = 0, pid = 0;

      info->name = g_strdup (sp_get_port_name (list[i]));
      info->description = g_strdup (sp_get_port_description (list[i]));
      if (sp_get_port_transport (list[i]) == SP_TRANSPORT_USB)
        {
          info->usb = TRUE;
          if (sp_get_port_usb_vid_pid (list[i], &vid, &pid) == SP_OK)
            {
              info->vid = vid;
              info->pid = pid;
              info->bridge = mw_usb_bridge_from_ids (vid, pid);
            }
          info->manufacturer = g_strdup (sp_get_port_usb_manufacturer (list[i]));
          info->product = g_strdup (sp_get_port_usb_product (list[i]));
          info->serial = g_strdup (sp_get_port_usb_serial (list[i]));
        }
      g_ptr_array_add (ports, info);
    }
  sp_free_port_list (list);
  g_ptr_array_sort (ports, compare_ports);
  return ports;
}

static void
release (MwSerialTransport *self, const GError *error)
{
  if (self->io != NULL)
    {
      mw_transport_io_free (self->io, error);
      self->io = NULL;
    }
  if (self->port != NULL)
    {
      int fd = -1;

      /* Leave the tty as we found it: an exclusive flag would outlive us if another program
       * holds the port open too. */
      if (sp_get_port_handle (self->port, &fd) == SP_OK && fd >= 0)
        ioctl (fd, TIOCNXCL);
      sp_close (self->port);
      sp_free_port (self->port);
      self->port = NULL;
    }
}

static void
on_hangup (MwTransport *owner, const GError *error)
{
  release (MW_SERIAL_TRANSPORT (owner), error);
  mw_transport_emit_closed (owner, error);
}

static gboolean
configure_port (MwSerialTransport *self, guint baud, GError **error)
{
  const char *name = self->port_name;

  if (!sp_check (sp_set_baudrate (self->port, baud), "setting the baud rate", name, error)
      || !sp_check (sp_set_bits (self->port, 8), "setting 8 data bits", name, error)
      || !sp_check (sp_set_parity (self->port, SP_PARITY_NONE), "setting no parity", name, error)
      || !sp_check (sp_set_stopbits (self->port, 1), "setting 1 stop bit", name, error)
      || !sp_check (sp_set_flowcontrol (self->port, SP_FLOWCONTROL_NONE),
                    "turning flow control off", name, error))
    return FALSE;
  self->baud = baud;
  return TRUE;
}

static gboolean
mw_serial_transport_open (MwTransport *transport, GMainContext *context, GError **error)
{
  MwSerialTransport *self = MW_SERIAL_TRANSPORT (transport);
  int fd = -1;

  if (self->io != NULL)
    return TRUE;
  /* libserialport answers "invalid argument" for a name that does not exist. */
  if (sp_get_port_by_name (self->port_name, &self->port) != SP_OK)
    {
      GStatBuf st;

      self->port = NULL;
      if (g_stat (self->port_name, &st) == 0 && !S_ISCHR (st.st_mode))
        g_set_error (error, MW_TRANSPORT_ERROR, MW_TRANSPORT_ERROR_NOT_FOUND,
                     "%s: not a serial port (it is a %s)", self->port_name,
                     S_ISDIR (st.st_mode)   ? "folder"
                     : S_ISREG (st.st_mode) ? "regular file"
                                            : "special file");
      else
        g_set_error (error, MW_TRANSPORT_ERROR, MW_TRANSPORT_ERROR_NOT_FOUND, "%s: no such port",
                     self->port_name);
      return FALSE;
    }
  if (!sp_check (sp_open (self->port, SP_MODE_READ_WRITE), "opening", self->port_name, error))
    {
      sp_free_port (self->port);
      self->port = NULL;
      return FALSE;
    }
  {
    /* Linux lets two programs open a tty and steal each other's bytes: refuse, naming them. */
    g_autofree char *holders = mw_transport_find_holders (self->port_name);

    if (holders != NULL)
      {
        g_set_error (error, MW_TRANSPORT_ERROR, MW_TRANSPORT_ERROR_BUSY,
                     "%s: the port is busy, held by %s", self->port_name, holders);
        release (self, NULL);
        return FALSE;
      }
  }
  if (!configure_port (self, self->baud ? self->baud : 115200, error)
      || !sp_check (sp_get_port_handle (self->port, &fd), "getting the port's handle",
                    self->port_name, error))
    {
      release (self, NULL);
      return FALSE;
    }
  sp_flush (self->port, SP_BUF_BOTH);
  self->io = mw_transport_io_new (transport, fd, context, on_hangup);
  return TRUE;
}

static void
mw_serial_transport_close (MwTransport *transport)
{
  MwSerialTransport *self = MW_SERIAL_TRANSPORT (transport);

  if (self->io == NULL)
    return;
  release (self, NULL);
  mw_transport_emit_closed (transport, NULL);
}

static gboolean
mw_serial_transport_is_open (MwTransport *transport)
{
  return MW_SERIAL_TRANSPORT (transport)->io != NULL;
}

static gboolean
mw_serial_transport_configure (MwTransport *transport, guint baud, GError **error)
{
  MwSerialTransport *self = MW_SERIAL_TRANSPORT (transport);

  if (self->port == NULL)
    {
      self->baud = baud;
      return TRUE;
    }
  return sp_check (sp_drain (self->port), "draining output", self->port_name, error)
         && configure_port (self, baud, error);
}

static gboolean
mw_serial_transport_set_lines (MwTransport *transport, gboolean dtr, gboolean rts, GError **error)
{
  MwSerialTransport *self = MW_SERIAL_TRANSPORT (transport);

  if (self->port == NULL)
    {
      g_set_error (error, MW_TRANSPORT_ERROR, MW_TRANSPORT_ERROR_CLOSED, "%s: not open",
                   self->port_name);
      return FALSE;
    }
  return sp_check (sp_set_dtr (self->port, dtr ? SP_DTR_ON : SP_DTR_OFF), "setting DTR",
                   self->port_name, error)
         && sp_check (sp_set_rts (self->port, rts ? SP_RTS_ON : SP_RTS_OFF), "setting RTS",
                      self->port_name, error);
}

static void
mw_serial_transport_write_async (MwTransport *transport, GBytes *bytes, GCancellable *cancellable,
                                 GAsyncReadyCallback callback, gpointer user_data)
{
  MwSerialTransport *self = MW_SERIAL_TRANSPORT (transport);

  if (self->io == NULL)
    mw_transport_io_write_closed (transport, cancellable, callback, user_data);
  else
    mw_transport_io_write_async (self->io, transport, bytes, cancellable, callback, user_data);
}

static gboolean
mw_serial_transport_write_finish (MwTransport *transport, GAsyncResult *result, GError **error)
{
  return g_task_propagate_boolean (G_TASK (result), error);
}

static void
mw_serial_transport_discard_output (MwTransport *transport)
{
  mw_transport_io_discard_output (MW_SERIAL_TRANSPORT (transport)->io);
}

static const char *
mw_serial_transport_get_name (MwTransport *transport)
{
  return MW_SERIAL_TRANSPORT (transport)->port_name;
}

static guint
mw_serial_transport_get_baud (MwTransport *transport)
{
  MwSerialTransport *self = MW_SERIAL_TRANSPORT (transport);

  return self->baud ? self->baud : 115200;
}

static void
mw_serial_transport_iface_init (MwTransportInterface *iface)
{
  iface->open = mw_serial_transport_open;
  iface->close = mw_serial_transport_close;
  iface->is_open = mw_serial_transport_is_open;
  iface->configure = mw_serial_transport_configure;
  iface->set_lines = mw_serial_transport_set_lines;
  iface->write_async = mw_serial_transport_write_async;
  iface->write_finish = mw_serial_transport_write_finish;
  iface->get_name = mw_serial_transport_get_name;
  iface->get_baud = mw_serial_transport_get_baud;
  iface->discard_output = mw_serial_transport_discard_output;
}

static void
mw_serial_transport_finalize (GObject *object)
{
  MwSerialTransport *self = MW_SERIAL_TRANSPORT (object);

  release (self, NULL);
  g_free (self->port_name);
  G_OBJECT_CLASS (mw_serial_transport_parent_class)->finalize (object);
}

static void
mw_serial_transport_get_property (GObject *object, guint id, GValue *value, GParamSpec *pspec)
{
  switch (id)
    {
      case PROP_PORT_NAME:
        g_value_set_string (value, MW_SERIAL_TRANSPORT (object)->port_name);
        break;
      default:
        G_OBJECT_WARN_INVALID_PROPERTY_ID (object, id, pspec);
    }
}

static void
mw_serial_transport_set_property (GObject *object, guint id, const GValue *value, GParamSpec *pspec)
{
  switch (id)
    {
      case PROP_PORT_NAME:
        MW_SERIAL_TRANSPORT (object)->port_name = g_value_dup_string (value);
        break;
      default:
        G_OBJECT_WARN_INVALID_PROPERTY_ID (object, id, pspec);
    }
}

static void
mw_serial_transport_class_init (MwSerialTransportClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->finalize = mw_serial_transport_finalize;
  object_class->get_property = mw_serial_transport_get_property;
  object_class->set_property = mw_serial_transport_set_property;
  properties[PROP_PORT_NAME] =
    g_param_spec_string ("port-name", NULL, NULL, NULL,
                         G_PARAM_READWRITE | G_PARAM_CONSTRUCT_ONLY | G_PARAM_STATIC_STRINGS);
  g_object_class_install_properties (object_class, N_PROPS, properties);
}

static void
mw_serial_transport_init (MwSerialTransport *self)
{
}

MwSerialTransport *
mw_serial_transport_new (const char *port_name)
{
  g_return_val_if_fail (port_name != NULL, NULL);
  return g_object_new (MW_TYPE_SERIAL_TRANSPORT, "port-name", port_name, NULL);
}
