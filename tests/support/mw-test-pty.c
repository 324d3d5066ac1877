/* mw-test-pty.c: pty fixture for transport and REPL tests. */
#include "mw-test-pty.h"

#include <errno.h>
#include <fcntl.h>
#include <pty.h>
#include <string.h>
#include <termios.h>
#include <unistd.h>
#include <glib-unix.h>

struct _MwTestPty
{
  int master;
  int slave; /* kept open so the master never reads EIO before the host opens */
  char *path;
  GSource *source;
  MwTestPtyHandler handler;
  gpointer user_data;
};

MwTestPty *
mw_test_pty_new (void)
{
  MwTestPty *pty = g_new0 (MwTestPty, 1);
  struct termios tio;
  char name[256];

  g_assert_cmpint (openpty (&pty->master, &pty->slave, name, NULL, NULL), ==, 0);
  tcgetattr (pty->slave, &tio);
  cfmakeraw (&tio);
  tcsetattr (pty->slave, TCSANOW, &tio);
  fcntl (pty->master, F_SETFL, fcntl (pty->master, F_GETFL) | O_NONBLOCK);
  fcntl (pty->master, F_SETFD, FD_CLOEXEC);
  fcntl (pty->slave, F_SETFD, FD_CLOEXEC);
  pty->path = g_strdup (name);
  return pty;
}

const char *
mw_test_pty_get_path (MwTestPty *pty)
{
  return pty->path;
}

void
mw_test_pty_write (MwTestPty *pty, const void *data, gsize len)
{
  const guint8 *p = data;

  while (len > 0)
    {
      ssize_t n = write (pty->master, p, len);

      if (n < 0 && (errno == EAGAIN || errno == EINTR))
        {
          g_usleep (1000);
          continue;
        }
      g_assert_cmpint (n, >, 0);
      p += n;
      len -= n;
    }
}

void
mw_test_pty_write_str (MwTestPty *pty, const char *text)
{
  mw_test_pty_write (pty, text, strlen (text));
}

GBytes *
mw_test_pty_read (MwTestPty *pty, gsize min_len, guint timeout_ms)
{
  GByteArray *out = g_byte_array_new ();
  gint64 deadline = g_get_monotonic_time () + timeout_ms * 1000;

  while (out->len < min_len && g_get_monotonic_time () < deadline)
    {
      guint8 buf[4096];
      ssize_t n = read (pty->master, buf, sizeof buf);

      if (n > 0)
        g_byte_array_append (out, buf, n);
      else
        g_usleep (1000);
    }
  return g_byte_array_free_to_bytes (out);
}

static gboolean
on_master (int fd, GIOCondition condition, gpointer user_data)
{
  MwTestPty *pty = user_data;
  guint8 buf[4096];
  ssize_t n = read (fd, buf, sizeof buf);

  if (n > 0)
    pty->handler (pty, buf, n, pty->user_data);
  return G_SOURCE_CONTINUE;
}

void
mw_test_pty_attach (MwTestPty *pty, GMainContext *context, MwTestPtyHandler handler,
                    gpointer user_data)
{
  pty->handler = handler;
  pty->user_data = user_data;
  pty->source = g_unix_fd_source_new (pty->master, G_IO_IN);
  g_source_set_callback (pty->source, G_SOURCE_FUNC (on_master), pty, NULL);
  g_source_attach (pty->source, context);
}

void
mw_test_pty_close_master (MwTestPty *pty)
{
  if (pty->source != NULL)
    {
      g_source_destroy (pty->source);
      g_clear_pointer (&pty->source, g_source_unref);
    }
  if (pty->slave >= 0)
    close (pty->slave);
  if (pty->master >= 0)
    close (pty->master);
  pty->slave = pty->master = -1;
}

void
mw_test_pty_free (MwTestPty *pty)
{
  if (pty == NULL)
    return;
  mw_test_pty_close_master (pty);
  g_free (pty->path);
  g_free (pty);
}

static gboolean
on_timeout (gpointer user_data)
{
  *(gboolean *) user_data = TRUE;
  return G_SOURCE_REMOVE;
}

gboolean
mw_test_wait_flag (GMainContext *context, const gboolean *flag, guint timeout_ms)
{
  gboolean expired = FALSE;
  GSource *timer = g_timeout_source_new (timeout_ms);

  g_source_set_callback (timer, on_timeout, &expired, NULL);
  g_source_attach (timer, context);
  while (!*flag && !expired)
    g_main_context_iteration (context, TRUE);
  g_source_destroy (timer);
  g_source_unref (timer);
  return *flag;
}
