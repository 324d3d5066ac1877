/* mw-sim-test.c: an in-process simulated board and its host end for the sim tests. */
#include "mw-sim-test.h"

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <string.h>
#include <termios.h>
#include <unistd.h>

void
mw_sim_test_options (MwSimOptions *options)
{
  mw_sim_options_init (options);
  options->baud_limit = FALSE;
}

static speed_t
speed_of (guint baud)
{
  switch (baud)
    {
      case 9600:
        return B9600;
      case 57600:
        return B57600;
      case 230400:
        return B230400;
      default:
        return B115200;
    }
}

void
mw_sim_test_set_baud (MwSimTestBoard *board, guint baud)
{
  struct termios tio;

  g_assert_cmpint (tcgetattr (board->fd, &tio), ==, 0);
  cfmakeraw (&tio);
  cfsetispeed (&tio, speed_of (baud));
  cfsetospeed (&tio, speed_of (baud));
  g_assert_cmpint (tcsetattr (board->fd, TCSANOW, &tio), ==, 0);
}

static void
open_host (MwSimTestBoard *board)
{
  board->fd = open (mw_sim_get_path (board->sim), O_RDWR | O_NOCTTY | O_NONBLOCK | O_CLOEXEC);
  g_assert_cmpint (board->fd, >=, 0);
  mw_sim_test_set_baud (board, 115200);
}

MwSimTestBoard *
mw_sim_test_board_new (const MwSimOptions *options, char **boot)
{
  MwSimTestBoard *board = g_new0 (MwSimTestBoard, 1);
  g_autoptr (GError) error = NULL;
  g_autoptr (GString) got = NULL;

  board->sim = mw_sim_new (options);
  board->seen = g_string_new (NULL);
  g_assert_true (mw_sim_start (board->sim, &error));
  g_assert_no_error (error);
  open_host (board);
  /* the boot ends with the first prompt after the banner's last line */
  got = mw_sim_test_expect (board, " on SDK ", -1, 5000);
  g_assert_nonnull (got);
  {
    g_autoptr (GString) rest = mw_sim_test_expect (board, "> ", -1, 5000);
    g_assert_nonnull (rest);
    g_string_append_len (got, rest->str, rest->len);
  }
  if (boot)
    *boot = g_strndup (got->str, got->len);
  return board;
}

void
mw_sim_test_board_free (MwSimTestBoard *board)
{
  if (board == NULL)
    return;
  if (board->fd >= 0)
    close (board->fd);
  mw_sim_stop (board->sim);
  g_object_unref (board->sim);
  g_string_free (board->seen, TRUE);
  g_free (board);
}

void
mw_sim_test_send (MwSimTestBoard *board, const char *bytes, gssize len)
{
  gsize n = len < 0 ? strlen (bytes) : (gsize) len;
  gsize done = 0;

  while (done < n)
    {
      gssize w = write (board->fd, bytes + done, n - done);

      if (w < 0 && (errno == EAGAIN || errno == EINTR))
        {
          struct pollfd pfd = { board->fd, POLLOUT, 0 };
          poll (&pfd, 1, 100);
          /* a full pty while the board echoes: keep reading so it can go on */
          {
            char buf[4096];
            gssize r = read (board->fd, buf, sizeof buf);
            if (r > 0)
              g_string_append_len (board->seen, buf, r);
          }
          continue;
        }
      g_assert_cmpint (w, >, 0);
      done += w;
    }
}

static gboolean
read_some (MwSimTestBoard *board, gint64 deadline)
{
  struct pollfd pfd = { board->fd, POLLIN, 0 };
  gint64 now = g_get_monotonic_time ();
  char buf[4096];
  gssize r;

  if (now >= deadline)
    return FALSE;
  if (poll (&pfd, 1, (int) ((deadline - now + 999) / 1000)) <= 0)
    return FALSE;
  r = read (board->fd, buf, sizeof buf);
  if (r > 0)
    g_string_append_len (board->seen, buf, r);
  return TRUE;
}

static const char *
find_bytes (const GString *hay, const char *needle, gsize len)
{
  if (len == 0)
    return hay->str;
  for (gsize i = 0; i + len <= hay->len; i++)
    if (memcmp (hay->str + i, needle, len) == 0)
      return hay->str + i;
  return NULL;
}

GString *
mw_sim_test_expect (MwSimTestBoard *board, const char *until, gssize len, guint timeout_ms)
{
  gsize n = len < 0 ? strlen (until) : (gsize) len;
  gint64 deadline = g_get_monotonic_time () + (gint64) timeout_ms * 1000;
  const char *hit;

  while ((hit = find_bytes (board->seen, until, n)) == NULL)
    if (!read_some (board, deadline) && g_get_monotonic_time () >= deadline)
      return NULL;
  {
    gsize end = (hit - board->seen->str) + n;
    GString *out = g_string_new_len (board->seen->str, end);
    g_string_erase (board->seen, 0, end);
    return out;
  }
}

GString *
mw_sim_test_read_n (MwSimTestBoard *board, gsize n, guint timeout_ms)
{
  gint64 deadline = g_get_monotonic_time () + (gint64) timeout_ms * 1000;
  GString *out;

  while (board->seen->len < n && g_get_monotonic_time () < deadline)
    read_some (board, deadline);
  n = MIN (n, board->seen->len);
  out = g_string_new_len (board->seen->str, n);
  g_string_erase (board->seen, 0, n);
  return out;
}

GString *
mw_sim_test_drain (MwSimTestBoard *board, guint ms)
{
  gint64 deadline = g_get_monotonic_time () + (gint64) ms * 1000;
  GString *out;

  while (g_get_monotonic_time () < deadline)
    read_some (board, deadline);
  out = g_string_new_len (board->seen->str, board->seen->len);
  g_string_truncate (board->seen, 0);
  return out;
}

GString *
mw_sim_test_drain_quiet (MwSimTestBoard *board, guint quiet_ms, guint max_ms)
{
  gint64 end = g_get_monotonic_time () + (gint64) max_ms * 1000;
  GString *out;

  for (;;)
    {
      gsize before = board->seen->len;
      gint64 quiet = MIN (end, g_get_monotonic_time () + (gint64) quiet_ms * 1000);

      while (board->seen->len == before && read_some (board, quiet))
        ;
      if (board->seen->len == before || g_get_monotonic_time () >= end)
        break;
    }
  out = g_string_new_len (board->seen->str, board->seen->len);
  g_string_truncate (board->seen, 0);
  return out;
}

void
mw_sim_test_reopen (MwSimTestBoard *board)
{
  close (board->fd);
  open_host (board);
}

char *
mw_sim_test_escape (const char *bytes, gsize len)
{
  GString *s = g_string_new (NULL);

  for (gsize i = 0; i < len; i++)
    {
      guint8 c = (guint8) bytes[i];
      if (c == '\r')
        g_string_append (s, "\\r");
      else if (c == '\n')
        g_string_append (s, "\\n");
      else if (c == '\t')
        g_string_append (s, "\\t");
      else if (c == '\\')
        g_string_append (s, "\\\\");
      else if (c < 0x20 || c >= 0x7f)
        g_string_append_printf (s, "\\x%02x", c);
      else
        g_string_append_c (s, (char) c);
    }
  return g_string_free (s, FALSE);
}

void
mw_sim_test_assert_bytes (const char *what, const char *got, gsize got_len, const char *want,
                          gsize want_len)
{
  if (got_len == want_len && memcmp (got, want, got_len) == 0)
    return;
  {
    g_autofree char *g = mw_sim_test_escape (got, got_len);
    g_autofree char *w = mw_sim_test_escape (want, want_len);
    g_test_message ("%s:\n  got:  \"%s\"\n  want: \"%s\"", what, g, w);
    g_test_fail_printf ("%s: got \"%s\", want \"%s\"", what, g, w);
  }
}

char *
mw_sim_test_run (MwSimTestBoard *board, const char *line)
{
  g_autofree char *sent = g_strconcat (line, "\r\n", NULL);
  g_autoptr (GString) got = NULL;
  gsize echo_len = strlen (line) + 2;

  mw_sim_test_send (board, sent, -1);
  got = mw_sim_test_expect (board, "\r\n> ", -1, 10000);
  if (got == NULL)
    {
      g_autoptr (GString) rest = mw_sim_test_drain (board, 10);
      g_autofree char *esc = mw_sim_test_escape (rest->str, rest->len);
      g_test_fail_printf ("no prompt after '%s'; got \"%s\"", line, esc);
      return g_strdup ("");
    }
  /* echo, "\r\n", output, "\r\n> " (or just "> " without output) */
  if (got->len >= echo_len && memcmp (got->str, sent, strlen (line)) == 0)
    g_string_erase (got, 0, echo_len);
  if (got->len >= 4 && g_str_has_suffix (got->str, "\r\n> "))
    g_string_truncate (got, got->len - 4);
  if (g_str_equal (got->str, "> "))
    g_string_truncate (got, 0);
  return g_strndup (got->str, got->len);
}

gint64
mw_sim_test_run_int (MwSimTestBoard *board, const char *expr)
{
  g_autofree char *line = g_strconcat ("=", expr, NULL);
  g_autofree char *out = mw_sim_test_run (board, line);
  char *end;
  gint64 v = g_ascii_strtoll (out, &end, 10);

  if (end == out || *end != '\0')
    g_test_fail_printf ("'%s' gave \"%s\", not a number", expr, out);
  return v;
}
