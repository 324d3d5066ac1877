/* mw-transport-io.c: non-blocking fd I/O through named GSources on the caller's context. */
#include "mw-config.h"

#include "mw-transport-io-private.h"

#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <termios.h>
#include <unistd.h>
#include <glib-unix.h>

struct _MwTransportIo
{
  MwTransport *owner; /* not a reference: the owner frees the helper */
  int fd;
  GMainContext *context;
  GSource *read_source;
  GSource *write_source;
  GQueue writes; /* GTask, oldest first; task data is the GBytes */
  gsize offset; /* bytes of the head write already written */
  gboolean hung_up;
  void (*on_hangup) (MwTransport *owner, const GError *error);
};

static void
hang_up (MwTransportIo *io, GError *error)
{
  if (io->hung_up)
    return;
  io->hung_up = TRUE;
  io->on_hangup (io->owner, error); /* frees io */
}

static gboolean
on_readable (int fd, GIOCondition condition, gpointer user_data)
{
  MwTransportIo *io = user_data;
  g_autoptr (MwTransport) owner = g_object_ref (io->owner);
  guint8 buf[4096];
  ssize_t n;

  n = read (fd, buf, sizeof buf);
  if (n > 0)
    {
      g_autoptr (GBytes) bytes = g_bytes_new (buf, n);

      mw_transport_emit_bytes (owner, bytes);
      return G_SOURCE_CONTINUE;
    }
  if (n < 0 && (errno == EAGAIN || errno == EINTR))
    return G_SOURCE_CONTINUE;
  {
    /* EIO is how a pty says that the other side has gone; 0 is a TCP peer closing. */
    int saved = errno;
    g_autoptr (GError) error = NULL;

    if (n == 0 || saved == EIO)
      error = g_error_new (MW_TRANSPORT_ERROR, MW_TRANSPORT_ERROR_CLOSED,
                           "%s: the port was closed (device unplugged or other side gone)",
                           mw_transport_get_name (owner));
    else
      error = g_error_new (MW_TRANSPORT_ERROR, MW_TRANSPORT_ERROR_IO, "%s: read failed: %s",
                           mw_transport_get_name (owner), g_strerror (saved));
    hang_up (io, error);
    return G_SOURCE_REMOVE;
  }
}

static gboolean on_writable (int fd, GIOCondition condition, gpointer user_data);

static void
ensure_write_source (MwTransportIo *io)
{
  if (io->write_source != NULL || g_queue_is_empty (&io->writes))
    return;
  io->write_source = g_unix_fd_source_new (io->fd, G_IO_OUT);
  g_source_set_name (io->write_source, "MwTransport write");
  g_source_set_callback (io->write_source, G_SOURCE_FUNC (on_writable), io, NULL);
  g_source_attach (io->write_source, io->context);
}

static gboolean
on_writable (int fd, GIOCondition condition, gpointer user_data)
{
  MwTransportIo *io = user_data;
  g_autoptr (MwTransport) owner = g_object_ref (io->owner);

  while (!g_queue_is_empty (&io->writes))
    {
      GTask *task = g_queue_peek_head (&io->writes);
      GBytes *bytes = g_task_get_task_data (task);
      gsize len;
      const guint8 *data = g_bytes_get_data (bytes, &len);
      ssize_t n;

      if (g_task_return_error_if_cancelled (task))
        {
          /* Only a write that has not started may be dropped whole. */
          g_queue_pop_head (&io->writes);
          g_object_unref (task);
          io->offset = 0;
          continue;
        }
      n = write (fd, data + io->offset, len - io->offset);
      if (n < 0)
        {
          int saved = errno;
          g_autoptr (GError) error = NULL;

          if (saved == EAGAIN || saved == EINTR)
            return G_SOURCE_CONTINUE;
          error = g_error_new (
            MW_TRANSPORT_ERROR, saved == EIO ? MW_TRANSPORT_ERROR_CLOSED : MW_TRANSPORT_ERROR_IO,
            "%s: write failed: %s", mw_transport_get_name (owner), g_strerror (saved));
          hang_up (io, error); /* frees io and its sources */
          return G_SOURCE_REMOVE;
        }
      io->offset += n;
      if (io->offset < len)
        return G_SOURCE_CONTINUE;
      io->offset = 0;
      g_queue_pop_head (&io->writes);
      g_task_return_boolean (task, TRUE);
      g_object_unref (task);
    }
  g_clear_pointer (&io->write_source, g_source_unref);
  return G_SOURCE_REMOVE;
}

MwTransportIo *
mw_transport_io_new (MwTransport *owner, int fd, GMainContext *context,
                     void (*on_hangup) (MwTransport *owner, const GError *error))
{
  MwTransportIo *io = g_new0 (MwTransportIo, 1);
  int flags = fcntl (fd, F_GETFL);

  if (flags >= 0)
    fcntl (fd, F_SETFL, flags | O_NONBLOCK);
  io->owner = owner;
  io->fd = fd;
  io->context = context ? g_main_context_ref (context) : g_main_context_ref_thread_default ();
  io->on_hangup = on_hangup;
  g_queue_init (&io->writes);
  io->read_source = g_unix_fd_source_new (fd, G_IO_IN | G_IO_HUP | G_IO_ERR);
  g_source_set_name (io->read_source, "MwTransport read");
  g_source_set_callback (io->read_source, G_SOURCE_FUNC (on_readable), io, NULL);
  g_source_attach (io->read_source, io->context);
  return io;
}

void
mw_transport_io_free (MwTransportIo *io, const GError *error)
{
  GTask *task;

  if (io == NULL)
    return;
  if (io->read_source != NULL)
    {
      g_source_destroy (io->read_source);
      g_source_unref (io->read_source);
    }
  if (io->write_source != NULL)
    {
      g_source_destroy (io->write_source);
      g_source_unref (io->write_source);
    }
  while ((task = g_queue_pop_head (&io->writes)) != NULL)
    {
      if (error != NULL)
        g_task_return_error (task, g_error_copy (error));
      else
        g_task_return_new_error (task, MW_TRANSPORT_ERROR, MW_TRANSPORT_ERROR_CLOSED,
                                 "the port was closed");
      g_object_unref (task);
    }
  g_main_context_unref (io->context);
  g_free (io);
}

void
mw_transport_io_discard_output (MwTransportIo *io)
{
  GList *link;

  if (io == NULL)
    return;
  /* a write begun goes on to its end: the board would otherwise see half a line */
  link = io->offset > 0 ? io->writes.head->next : io->writes.head;
  while (link != NULL)
    {
      GList *next = link->next;
      GTask *task = link->data;

      g_queue_delete_link (&io->writes, link);
      g_task_return_new_error (task, G_IO_ERROR, G_IO_ERROR_CANCELLED,
                               "discarded: the board restarted");
      g_object_unref (task);
      link = next;
    }
  /* Not a tty (a TCP bridge): nothing to flush there, and tcflush says so harmlessly. */
  tcflush (io->fd, TCOFLUSH);
}

void
mw_transport_io_write_async (MwTransportIo *io, MwTransport *owner, GBytes *bytes,
                             GCancellable *cancellable, GAsyncReadyCallback callback,
                             gpointer user_data)
{
  GTask *task = g_task_new (owner, cancellable, callback, user_data);

  g_task_set_source_tag (task, mw_transport_write_async);
  g_task_set_name (task, "[moonwire] transport write");
  g_task_set_task_data (task, g_bytes_ref (bytes), (GDestroyNotify) g_bytes_unref);
  g_queue_push_tail (&io->writes, task);
  ensure_write_source (io);
}

void
mw_transport_io_write_closed (MwTransport *owner, GCancellable *cancellable,
                              GAsyncReadyCallback callback, gpointer user_data)
{
  g_autoptr (GTask) task = g_task_new (owner, cancellable, callback, user_data);

  g_task_set_source_tag (task, mw_transport_write_async);
  g_task_return_new_error (task, MW_TRANSPORT_ERROR, MW_TRANSPORT_ERROR_CLOSED,
                           "%s: the port is not open", mw_transport_get_name (owner));
}
