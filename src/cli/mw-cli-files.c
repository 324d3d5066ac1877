/* mw-cli-files.c: bounded reads and non-destructive writes for moonwire-cli. */
#include "mw-config.h"

#include "mw-cli-files.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include <glib/gstdio.h>

static void
set_errno_error (GError **error, int saved, const char *what, const char *path)
{
  g_set_error (error, G_FILE_ERROR, g_file_error_from_errno (saved), "%s %s: %s", what, path,
               g_strerror (saved));
}

gboolean
mw_cli_read_file (const char *path, gsize max, const char *what, char **contents, gsize *length,
                  GError **error)
{
  g_autoptr (GByteArray) buf = NULL;
  struct stat st;
  int fd;

  g_return_val_if_fail (path != NULL && contents != NULL && length != NULL, FALSE);
  fd = g_open (path, O_RDONLY | O_CLOEXEC | O_NOCTTY, 0);
  if (fd < 0)
    {
      set_errno_error (error, errno, "cannot open", path);
      return FALSE;
    }
  if (fstat (fd, &st) == 0 && S_ISDIR (st.st_mode))
    {
      g_set_error (error, G_FILE_ERROR, G_FILE_ERROR_ISDIR, "%s: is a folder, not a file", path);
      close (fd);
      return FALSE;
    }
  /* A regular file says its size; pipes and devices are read until the limit. */
  if (S_ISREG (st.st_mode) && (guint64) st.st_size > max)
    {
      g_set_error (error, G_FILE_ERROR, G_FILE_ERROR_FAILED,
                   "%s: %" G_GUINT64_FORMAT " bytes, larger than the %" G_GSIZE_FORMAT
                   " MB limit for %s",
                   path, (guint64) st.st_size, max >> 20, what);
      close (fd);
      return FALSE;
    }
  buf = g_byte_array_sized_new (S_ISREG (st.st_mode) ? (guint) st.st_size + 1 : 65536);
  for (;;)
    {
      guint8 chunk[65536];
      gssize n = read (fd, chunk, sizeof chunk);

      if (n < 0 && errno == EINTR)
        continue;
      if (n < 0)
        {
          int saved = errno;

          close (fd);
          set_errno_error (error, saved, "cannot read", path);
          return FALSE;
        }
      if (n == 0)
        break;
      if (buf->len + (gsize) n > max)
        {
          close (fd);
          g_set_error (error, G_FILE_ERROR, G_FILE_ERROR_FAILED,
                       "%s: more than the %" G_GSIZE_FORMAT " MB limit for %s; stopped reading",
                       path, max >> 20, what);
          return FALSE;
        }
      g_byte_array_append (buf, chunk, n);
    }
  close (fd);
  *length = buf->len;
  g_byte_array_append (buf, (const guint8 *) "", 1);
  *contents = (char *) g_byte_array_free (g_steal_pointer (&buf), FALSE);
  return TRUE;
}

static gboolean
write_all (int fd, const guint8 *data, gsize len)
{
  while (len > 0)
    {
      gssize n = write (fd, data, len);

      if (n < 0 && errno == EINTR)
        continue;
      if (n <= 0)
        return FALSE;
      data += n;
      len -= n;
    }
  return TRUE;
}

/* Into the object that is there: a device, FIFO or terminal (`truncate` FALSE), or a file
 * with several hard links, rewritten and cut to the new length (`truncate` TRUE). */
static gboolean
write_through (const char *path, const void *data, gsize len, gboolean truncate, GError **error)
{
  int fd = g_open (path, O_WRONLY | O_CLOEXEC | O_NOCTTY, 0);
  int saved;

  if (fd < 0)
    {
      set_errno_error (error, errno, "cannot open", path);
      return FALSE;
    }
  if (!write_all (fd, data, len) || (truncate && ftruncate (fd, len) != 0))
    {
      saved = errno ? errno : EIO;
      close (fd);
      set_errno_error (error, saved, "cannot write", path);
      return FALSE;
    }
  if (close (fd) != 0)
    {
      set_errno_error (error, errno, "cannot write", path);
      return FALSE;
    }
  return TRUE;
}

gboolean
mw_cli_write_file (const char *path, const void *data, gsize len, int mode, GError **error)
{
  struct stat st;
  g_autofree char *real = NULL;

  g_return_val_if_fail (path != NULL && (data != NULL || len == 0), FALSE);
  /* stat follows symlinks: what matters is the object the name leads to. */
  if (g_stat (path, (GStatBuf *) &st) == 0)
    {
      if (!S_ISREG (st.st_mode))
        {
          if (S_ISDIR (st.st_mode))
            {
              g_set_error (error, G_FILE_ERROR, G_FILE_ERROR_ISDIR, "%s: is a folder", path);
              return FALSE;
            }
          errno = 0;
          return write_through (path, data, len, FALSE, error);
        }
      if (st.st_nlink > 1)
        {
          errno = 0;
          return write_through (path, data, len, TRUE, error);
        }
      /* Replace the file a symlink names, not the link. */
      real = realpath (path, NULL);
      mode = st.st_mode & 07777;
    }
  return g_file_set_contents_full (real ? real : path, data, len, G_FILE_SET_CONTENTS_CONSISTENT,
                                   mode >= 0 ? mode : 0666, error);
}

gboolean
mw_cli_flush_stdout (const char *command)
{
  static gboolean reported;
  int saved = 0;

  if (fflush (stdout) != 0)
    saved = errno;
  if (saved == 0 && !ferror (stdout))
    return TRUE;
  if (reported)
    return FALSE;
  reported = TRUE;
  g_printerr ("moonwire-cli %s: cannot write to standard output%s%s\n", command, saved ? ": " : "",
              saved ? g_strerror (saved) : "");
  return FALSE;
}
