/* mw-fd-transport.c: termios for ptys and terminals, GSocketClient for tcp://host:port. */
#include "mw-config.h"

#include "mw-fd-transport.h"
#include "mw-transport-io-private.h"

#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <termios.h>
#include <unistd.h>
#include <sys/ioctl.h>
#include <netinet/in.h>
#include <netinet/tcp.h>

struct _MwFdTransport
{
  GObject parent_instance;
  char *path;
  int fd;
  guint baud;
  GSocketConnection *connection; /* tcp:// only; owns the fd */
  MwTransportIo *io;
};

static void mw_fd_transport_iface_init (MwTransportInterface *iface);

G_DEFINE_FINAL_TYPE_WITH_CODE (MwFdTransport, mw_fd_transport, G_TYPE_OBJECT,
                               G_IMPLEMENT_INTERFACE (MW_TYPE_TRANSPORT,
                                                      mw_fd_transport_iface_init))

enum
{
  PROP_0,
  PROP_PATH,
  N_PROPS
};
static GParamSpec *properties[N_PROPS];

static const struct
{
  guint baud;
  speed_t speed;
} speeds[] = {
  { 9600, B9600 },       { 19200, B19200 },     { 38400, B38400 },   { 57600, B57600 },
  { 115200, B115200 },   { 230400, B230400 },   { 460800, B460800 }, { 921600, B921600 },
  { 1500000, B1500000 }, { 2000000, B2000000 },
};

static void
close_fd (MwFdTransport *self)
{
  if (self->connection != NULL)
    {
      g_io_stream_close (G_IO_STREAM (self->connection), NULL, NULL);
      g_clear_object (&self->connection);
    }
  else if (self->fd >= 0)
    {
      /* TIOCEXCL outlives our descriptor while another one keeps the tty open (the
       * simulator holds its pty slave): without this, every later open by a user other
       * than root fails with EBUSY. */
      ioctl (self->fd, TIOCNXCL);
      close (self->fd);
    }
  self->fd = -1;
}

static void
on_hangup (MwTransport *owner, const GError *error)
{
  MwFdTransport *self = MW_FD_TRANSPORT (owner);

  mw_transport_io_free (self->io, error);
  self->io = NULL;
  close_fd (self);
  mw_transport_emit_closed (owner, error);
}

static gboolean
open_tcp (MwFdTransport *self, GError **error)
{
  g_autoptr (GSocketClient) client = g_socket_client_new ();
  g_autoptr (GError) local = NULL;
  const char *addr = self->path + strlen ("tcp://");

  g_socket_client_set_timeout (client, 5);
  self->connection = g_socket_client_connect_to_host (client, addr, 0, NULL, &local);
  if (self->connection == NULL)
    {
      g_set_error (error, MW_TRANSPORT_ERROR, MW_TRANSPORT_ERROR_NOT_FOUND,
                   "%s: cannot connect: %s", self->path, local->message);
      return FALSE;
    }
  g_socket_set_option (g_socket_connection_get_socket (self->connection), IPPROTO_TCP, TCP_NODELAY,
                       1, NULL);
  self->fd = g_socket_get_fd (g_socket_connection_get_socket (self->connection));
  return TRUE;
}

static gboolean
set_termios (MwFdTransport *self, guint baud, GError **error)
{
  struct termios tio;
  speed_t speed = 0;

  for (gsize i = 0; i < G_N_ELEMENTS (speeds); i++)
    if (speeds[i].baud == baud)
      speed = speeds[i].speed;
  if (speed == 0)
    {
      g_set_error (error, MW_TRANSPORT_ERROR, MW_TRANSPORT_ERROR_CONFIGURE,
                   "%s: %u baud is not a standard rate (use a serial port name for others)",
                   self->path, baud);
      return FALSE;
    }
  if (tcgetattr (self->fd, &tio) != 0)
    {
      int saved = errno;

      g_set_error (error, MW_TRANSPORT_ERROR, MW_TRANSPORT_ERROR_CONFIGURE,
                   "%s: not a terminal: %s", self->path, g_strerror (saved));
      return FALSE;
    }
  /* 8N1 raw, no flow control of either kind, receiver on, modem lines ignored. */
  cfmakeraw (&tio);
  tio.c_cflag &= ~(CSIZE | PARENB | CSTOPB | CRTSCTS);
  tio.c_cflag |= CS8 | CREAD | CLOCAL;
  tio.c_iflag &= ~(IXON | IXOFF | IXANY);
  tio.c_cc[VMIN] = 1;
  tio.c_cc[VTIME] = 0;
  cfsetispeed (&tio, speed);
  cfsetospeed (&tio, speed);
  if (tcsetattr (self->fd, TCSANOW, &tio) != 0)
    {
      int saved = errno;

      g_set_error (error, MW_TRANSPORT_ERROR, MW_TRANSPORT_ERROR_CONFIGURE,
                   "%s: cannot set %u baud 8N1: %s", self->path, baud, g_strerror (saved));
      return FALSE;
    }
  self->baud = baud;
  return TRUE;
}

static gboolean
mw_fd_transport_open (MwTransport *transport, GMainContext *context, GError **error)
{
  MwFdTransport *self = MW_FD_TRANSPORT (transport);

  if (self->io != NULL)
    return TRUE;
  if (g_str_has_prefix (self->path, "tcp://"))
    {
      if (!open_tcp (self, error))
        return FALSE;
    }
  else
    {
      self->fd = open (self->path, O_RDWR | O_NOCTTY | O_NONBLOCK | O_CLOEXEC);
      if (self->fd < 0)
        {
          int saved = errno;
          g_autofree char *holders = NULL;

          if (saved == ENOENT || saved == ENODEV || saved == ENXIO)
            g_set_error (error, MW_TRANSPORT_ERROR, MW_TRANSPORT_ERROR_NOT_FOUND,
                         "%s: no such port", self->path);
          else if (saved == EBUSY)
            {
              holders = mw_transport_find_holders (self->path);
              g_set_error (error, MW_TRANSPORT_ERROR, MW_TRANSPORT_ERROR_BUSY,
                           "%s: the port is busy%s%s", self->path,
                           holders ? ", held by " : " (another program has it open)",
                           holders ? holders : "");
            }
          else if (saved == EACCES || saved == EPERM)
            g_set_error (error, MW_TRANSPORT_ERROR, MW_TRANSPORT_ERROR_PERMISSION,
                         "%s: permission denied (are you in the dialout group?)", self->path);
          else
            g_set_error (error, MW_TRANSPORT_ERROR, MW_TRANSPORT_ERROR_IO, "%s: %s", self->path,
                         g_strerror (saved));
          return FALSE;
        }
      /* Exclusive: a second program opening the port gets EBUSY instead of stealing bytes. */
      ioctl (self->fd, TIOCEXCL);
      if (!set_termios (self, self->baud ? self->baud : 115200, error))
        {
          close_fd (self);
          return FALSE;
        }
      tcflush (self->fd, TCIOFLUSH);
    }
  self->io = mw_transport_io_new (transport, self->fd, context, on_hangup);
  return TRUE;
}

static void
mw_fd_transport_close (MwTransport *transport)
{
  MwFdTransport *self = MW_FD_TRANSPORT (transport);

  if (self->io == NULL)
    return;
  mw_transport_io_free (self->io, NULL);
  self->io = NULL;
  close_fd (self);
  mw_transport_emit_closed (transport, NULL);
}

static gboolean
mw_fd_transport_is_open (MwTransport *transport)
{
  return MW_FD_TRANSPORT (transport)->io != NULL;
}

static gboolean
mw_fd_transport_configure (MwTransport *transport, guint baud, GError **error)
{
  MwFdTransport *self = MW_FD_TRANSPORT (transport);

  if (self->connection != NULL || self->fd < 0)
    {
      /* A TCP bridge sets its own line speed; remember the figure for timing. */
      self->baud = baud;
      return TRUE;
    }
  return set_termios (self, baud, error);
}

static gboolean
mw_fd_transport_set_lines (MwTransport *transport, gboolean dtr, gboolean rts, GError **error)
{
  MwFdTransport *self = MW_FD_TRANSPORT (transport);
  int bits = 0;

  if (self->connection == NULL && self->fd >= 0 && ioctl (self->fd, TIOCMGET, &bits) == 0)
    {
      bits = dtr ? bits | TIOCM_DTR : bits & ~TIOCM_DTR;
      bits = rts ? bits | TIOCM_RTS : bits & ~TIOCM_RTS;
      if (ioctl (self->fd, TIOCMSET, &bits) == 0)
        return TRUE;
    }
  g_set_error (error, MW_TRANSPORT_ERROR, MW_TRANSPORT_ERROR_NOT_SUPPORTED,
               "%s: no DTR/RTS lines on this port (a pty or a network bridge)", self->path);
  return FALSE;
}

static void
mw_fd_transport_write_async (MwTransport *transport, GBytes *bytes, GCancellable *cancellable,
                             GAsyncReadyCallback callback, gpointer user_data)
{
  MwFdTransport *self = MW_FD_TRANSPORT (transport);

  if (self->io == NULL)
    mw_transport_io_write_closed (transport, cancellable, callback, user_data);
  else
    mw_transport_io_write_async (self->io, transport, bytes, cancellable, callback, user_data);
}

static gboolean
mw_fd_transport_write_finish (MwTransport *transport, GAsyncResult *result, GError **error)
{
  return g_task_propagate_boolean (G_TASK (result), error);
}

static void
mw_fd_transport_discard_output (MwTransport *transport)
{
  mw_transport_io_discard_output (MW_FD_TRANSPORT (transport)->io);
}

static const char *
mw_fd_transport_get_name (MwTransport *transport)
{
  return MW_FD_TRANSPORT (transport)->path;
}

static guint
mw_fd_transport_get_baud (MwTransport *transport)
{
  MwFdTransport *self = MW_FD_TRANSPORT (transport);

  return self->baud ? self->baud : 115200;
}

static void
mw_fd_transport_iface_init (MwTransportInterface *iface)
{
  iface->open = mw_fd_transport_open;
  iface->close = mw_fd_transport_close;
  iface->is_open = mw_fd_transport_is_open;
  iface->configure = mw_fd_transport_configure;
  iface->set_lines = mw_fd_transport_set_lines;
  iface->write_async = mw_fd_transport_write_async;
  iface->write_finish = mw_fd_transport_write_finish;
  iface->get_name = mw_fd_transport_get_name;
  iface->get_baud = mw_fd_transport_get_baud;
  iface->discard_output = mw_fd_transport_discard_output;
}

static void
mw_fd_transport_finalize (GObject *object)
{
  MwFdTransport *self = MW_FD_TRANSPORT (object);

  if (self->io != NULL)
    {
      mw_transport_io_free (self->io, NULL);
      self->io = NULL;
    }
  close_fd (self);
  g_free (self->path);
  G_OBJECT_CLASS (mw_fd_transport_parent_class)->finalize (object);
}

static void
mw_fd_transport_get_property (GObject *object, guint id, GValue *value, GParamSpec *pspec)
{
  MwFdTransport *self = MW_FD_TRANSPORT (object);

  switch (id)
    {
      case PROP_PATH:
        g_value_set_string (value, self->path);
        break;
      default:
        G_OBJECT_WARN_INVALID_PROPERTY_ID (object, id, pspec);
    }
}

static void
mw_fd_transport_set_property (GObject *object, guint id, const GValue *value, GParamSpec *pspec)
{
  MwFdTransport *self = MW_FD_TRANSPORT (object);

  switch (id)
    {
      case PROP_PATH:
        self->path = g_value_dup_string (value);
        break;
      default:
        G_OBJECT_WARN_INVALID_PROPERTY_ID (object, id, pspec);
    }
}

static void
mw_fd_transport_class_init (MwFdTransportClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->finalize = mw_fd_transport_finalize;
  object_class->get_property = mw_fd_transport_get_property;
  object_class->set_property = mw_fd_transport_set_property;
  properties[PROP_PATH] = g_param_spec_string (
    "path", NULL, NULL, NULL, G_PARAM_READWRITE | G_PARAM_CONSTRUCT_ONLY | G_PARAM_STATIC_STRINGS);
  g_object_class_install_properties (object_class, N_PROPS, properties);
}

static void
mw_fd_transport_init (MwFdTransport *self)
{
  self->fd = -1;
}

MwFdTransport *
mw_fd_transport_new (const char *path)
{
  g_return_val_if_fail (path != NULL, NULL);
  return g_object_new (MW_TYPE_FD_TRANSPORT, "path", path, NULL);
}
