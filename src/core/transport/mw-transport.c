/* mw-transport.c: the MwTransport interface, its signals and the backend chooser. */
#include "mw-config.h"

#include "mw-transport.h"
#include "mw-fd-transport.h"
#include "mw-serial-transport.h"

#include <string.h>
#include <unistd.h>
#include <sys/stat.h>

G_DEFINE_QUARK (mw - transport - error - quark, mw_transport_error)

G_DEFINE_INTERFACE (MwTransport, mw_transport, G_TYPE_OBJECT)

enum
{
  SIGNAL_BYTES_RECEIVED,
  SIGNAL_CLOSED,
  N_SIGNALS
};
static guint signals[N_SIGNALS];

static void
mw_transport_default_init (MwTransportInterface *iface)
{
  /**
   * MwTransport::bytes-received:
   * @bytes: what arrived (never empty)
   *
   * Emitted on the transport's context for every read.
   */
  signals[SIGNAL_BYTES_RECEIVED] = g_signal_new ("bytes-received", G_TYPE_FROM_INTERFACE (iface),
                                                 G_SIGNAL_RUN_LAST, 0, NULL, NULL, NULL,
                                                 G_TYPE_NONE, 1, G_TYPE_BYTES);
  /**
   * MwTransport::closed:
   * @error: (nullable): why, or NULL after mw_transport_close()
   *
   * Emitted once when the transport closes, by hang-up, error or request.
   */
  signals[SIGNAL_CLOSED] = g_signal_new ("closed", G_TYPE_FROM_INTERFACE (iface), G_SIGNAL_RUN_LAST,
                                         0, NULL, NULL, NULL, G_TYPE_NONE, 1, G_TYPE_ERROR);
}

gboolean
mw_transport_open (MwTransport *self, GMainContext *context, GError **error)
{
  g_return_val_if_fail (MW_IS_TRANSPORT (self), FALSE);
  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);
  return MW_TRANSPORT_GET_IFACE (self)->open (self, context, error);
}

void
mw_transport_close (MwTransport *self)
{
  g_return_if_fail (MW_IS_TRANSPORT (self));
  MW_TRANSPORT_GET_IFACE (self)->close (self);
}

gboolean
mw_transport_is_open (MwTransport *self)
{
  g_return_val_if_fail (MW_IS_TRANSPORT (self), FALSE);
  return MW_TRANSPORT_GET_IFACE (self)->is_open (self);
}

gboolean
mw_transport_configure (MwTransport *self, guint baud, GError **error)
{
  g_return_val_if_fail (MW_IS_TRANSPORT (self), FALSE);
  g_return_val_if_fail (baud > 0, FALSE);
  return MW_TRANSPORT_GET_IFACE (self)->configure (self, baud, error);
}

gboolean
mw_transport_set_lines (MwTransport *self, gboolean dtr, gboolean rts, GError **error)
{
  g_return_val_if_fail (MW_IS_TRANSPORT (self), FALSE);
  return MW_TRANSPORT_GET_IFACE (self)->set_lines (self, dtr, rts, error);
}

void
mw_transport_write_async (MwTransport *self, GBytes *bytes, GCancellable *cancellable,
                          GAsyncReadyCallback callback, gpointer user_data)
{
  g_return_if_fail (MW_IS_TRANSPORT (self));
  g_return_if_fail (bytes != NULL);
  MW_TRANSPORT_GET_IFACE (self)->write_async (self, bytes, cancellable, callback, user_data);
}

gboolean
mw_transport_write_finish (MwTransport *self, GAsyncResult *result, GError **error)
{
  g_return_val_if_fail (MW_IS_TRANSPORT (self), FALSE);
  return MW_TRANSPORT_GET_IFACE (self)->write_finish (self, result, error);
}

void
mw_transport_write (MwTransport *self, const void *data, gsize len)
{
  g_autoptr (GBytes) bytes = NULL;

  g_return_if_fail (MW_IS_TRANSPORT (self));
  if (len == 0)
    return;
  bytes = g_bytes_new (data, len);
  MW_TRANSPORT_GET_IFACE (self)->write_async (self, bytes, NULL, NULL, NULL);
}

const char *
mw_transport_get_name (MwTransport *self)
{
  g_return_val_if_fail (MW_IS_TRANSPORT (self), NULL);
  return MW_TRANSPORT_GET_IFACE (self)->get_name (self);
}

void
mw_transport_discard_output (MwTransport *self)
{
  g_return_if_fail (MW_IS_TRANSPORT (self));
  MW_TRANSPORT_GET_IFACE (self)->discard_output (self);
}

guint
mw_transport_get_baud (MwTransport *self)
{
  g_return_val_if_fail (MW_IS_TRANSPORT (self), 0);
  return MW_TRANSPORT_GET_IFACE (self)->get_baud (self);
}

void
mw_transport_emit_bytes (MwTransport *self, GBytes *bytes)
{
  g_signal_emit (self, signals[SIGNAL_BYTES_RECEIVED], 0, bytes);
}

void
mw_transport_emit_closed (MwTransport *self, const GError *error)
{
  g_signal_emit (self, signals[SIGNAL_CLOSED], 0, error);
}

static gboolean
is_pty_path (const char *port)
{
  g_autofree char *real = realpath (port, NULL);
  struct stat st;

  if (real == NULL)
    return FALSE;
  if (g_str_has_prefix (real, "/dev/pts/"))
    return TRUE;
  /* Real serial ports are /dev/tty*; any other character device (a socat link) is a pty. */
  return !g_str_has_prefix (real, "/dev/tty") && stat (real, &st) == 0 && S_ISCHR (st.st_mode);
}

MwTransport *
mw_transport_new_for_port (const char *port)
{
  g_return_val_if_fail (port != NULL, NULL);
  if (g_str_has_prefix (port, "tcp://") || is_pty_path (port))
    return MW_TRANSPORT (mw_fd_transport_new (port));
  return MW_TRANSPORT (mw_serial_transport_new (port));
}

char *
mw_transport_find_holders (const char *path)
{
  g_autofree char *target = realpath (path, NULL);
  g_autoptr (GDir) proc = NULL;
  g_autoptr (GString) out = g_string_new (NULL);
  const char *pid;
  g_autofree char *self_pid = g_strdup_printf ("%d", (int) getpid ());

  if (target == NULL || (proc = g_dir_open ("/proc", 0, NULL)) == NULL)
    return NULL;
  while ((pid = g_dir_read_name (proc)) != NULL)
    {
      g_autofree char *fd_dir = NULL;
      g_autoptr (GDir) fds = NULL;
      const char *fd;

      if (!g_ascii_isdigit (pid[0]) || strcmp (pid, self_pid) == 0)
        continue;
      fd_dir = g_build_filename ("/proc", pid, "fd", NULL);
      if ((fds = g_dir_open (fd_dir, 0, NULL)) == NULL)
        continue;
      while ((fd = g_dir_read_name (fds)) != NULL)
        {
          g_autofree char *link = g_build_filename (fd_dir, fd, NULL);
          g_autofree char *dest = g_file_read_link (link, NULL);

          if (dest != NULL && strcmp (dest, target) == 0)
            {
              g_autofree char *comm_path = g_build_filename ("/proc", pid, "comm", NULL);
              g_autofree char *comm = NULL;

              if (g_file_get_contents (comm_path, &comm, NULL, NULL))
                g_strchomp (comm);
              g_string_append_printf (out, "%s%s (pid %s)", out->len ? ", " : "", comm ? comm : "?",
                                      pid);
              break;
            }
        }
    }
  return out->len ? g_string_free (g_steal_pointer (&out), FALSE) : NULL;
}
