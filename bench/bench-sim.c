/* bench-sim: figures for the simulated board.
 * 1. paste 64 KB of Lua at 115200 with the line rate on: wall time against the line-rate
 *    ideal (10 bits a byte), echo off (what the board can take) and echo on (where the
 *    echo, prompts and "\r\n" make the output direction the longer one);
 * 2. CPU use of an idle board with a host attached;
 * 3. boot time with the line rate off (start, banner, first prompt, stop). */
#include <fcntl.h>
#include <poll.h>
#include <stdio.h>
#include <string.h>
#include <sys/resource.h>
#include <termios.h>
#include <unistd.h>

#include "mw-sim.h"

#define PASTE_BYTES (64 * 1024)

static int
open_host (MwSim *sim)
{
  int fd = open (mw_sim_get_path (sim), O_RDWR | O_NOCTTY | O_NONBLOCK);
  struct termios tio;

  g_assert (fd >= 0);
  tcgetattr (fd, &tio);
  cfmakeraw (&tio);
  cfsetspeed (&tio, B115200);
  tcsetattr (fd, TCSANOW, &tio);
  return fd;
}

/* Reads until `marker` has arrived (or 60 s), writing `out` meanwhile; counts what it read. */
static gsize bytes_read;

static gboolean
pump (int fd, const char *out, gsize out_len, const char *marker)
{
  GString *seen = g_string_new (NULL);
  gsize done = 0;
  gint64 deadline = g_get_monotonic_time () + 60 * G_USEC_PER_SEC;
  gboolean found = FALSE;

  while (!found && g_get_monotonic_time () < deadline)
    {
      struct pollfd pfd = { fd, POLLIN | (done < out_len ? POLLOUT : 0), 0 };
      char buf[4096];

      poll (&pfd, 1, 100);
      if ((pfd.revents & POLLOUT) && done < out_len)
        {
          gssize w = write (fd, out + done, MIN (out_len - done, 1024));
          if (w > 0)
            done += w;
        }
      if (pfd.revents & POLLIN)
        {
          gssize r = read (fd, buf, sizeof buf);
          if (r > 0)
            {
              bytes_read += r;
              g_string_append_len (seen, buf, r);
              /* keep only a tail: the marker is short */
              if (seen->len > 8192)
                g_string_erase (seen, 0, seen->len - 4096);
              found = strstr (seen->str, marker) != NULL;
            }
        }
    }
  g_string_free (seen, TRUE);
  return found;
}

static void
paste (gboolean echo)
{
  MwSimOptions opts;
  g_autoptr (MwSim) sim = NULL;
  g_autoptr (GString) lua = g_string_new (NULL);
  int fd, n = 0;
  gint64 start, elapsed;
  double ideal;

  mw_sim_options_init (&opts);
  sim = mw_sim_new (&opts);
  g_assert (mw_sim_start (sim, NULL));
  fd = open_host (sim);
  g_assert (pump (fd, "", 0, "init.lua: \r\n> "));

  if (!echo)
    g_string_append (lua, "uart.setup(0, 115200, 8, 0, 1, 0)\n");
  /* typical pasted code: assignments, calls, comments, lines of 20-70 characters */
  while (lua->len < PASTE_BYTES - 64)
    {
      switch (n++ % 4)
        {
          case 0:
            g_string_append_printf (lua, "local v%d = %d * 3 + 1\n", n % 50, n);
            break;
          case 1:
            g_string_append_printf (lua, "t%d = { a = %d, b = \"text %d\" }\n", n % 7, n, n);
            break;
          case 2:
            g_string_append (lua, "-- a comment line, as pasted code has them now and then\n");
            break;
          default:
            g_string_append_printf (lua, "if v%d then x = (x or 0) + 1 end\n", n % 50);
            break;
        }
    }
  while (lua->len < PASTE_BYTES - 16)
    g_string_append (lua, "x=1\n");
  g_string_append (lua, "print('DO'..'NE')\n");
  ideal = lua->len * 10.0 / 115200;
  bytes_read = 0;
  start = g_get_monotonic_time ();
  g_assert (pump (fd, lua->str, lua->len, "DONE"));
  elapsed = g_get_monotonic_time () - start;
  printf ("paste %u bytes at 115200, echo %s: %.3f s, line-rate ideal %.3f s, %+.1f%%%s\n",
          (guint) lua->len, echo ? "on " : "off", elapsed / 1e6, ideal,
          (elapsed / 1e6 / ideal - 1) * 100, echo ? "" : " (target < 5%)");
  if (echo)
    {
      /* the echo, "\r\n" for "\n" and the prompts make the reply longer than the paste: the
       * board's output direction is then the one that sets the pace */
      double out_ideal = bytes_read * 10.0 / 115200;
      printf ("  reply %u bytes: output line-rate ideal %.3f s, %+.1f%%\n", (guint) bytes_read,
              out_ideal, (elapsed / 1e6 / out_ideal - 1) * 100);
    }

  /* idle: the host stays attached, nothing moves */
  {
    struct rusage r0, r1;
    gint64 t0 = g_get_monotonic_time ();
    double cpu;

    if (!echo)
      {
        getrusage (RUSAGE_SELF, &r0);
        g_usleep (3 * G_USEC_PER_SEC);
        getrusage (RUSAGE_SELF, &r1);
        cpu =
          (r1.ru_utime.tv_sec - r0.ru_utime.tv_sec + r1.ru_stime.tv_sec - r0.ru_stime.tv_sec)
          + (r1.ru_utime.tv_usec - r0.ru_utime.tv_usec + r1.ru_stime.tv_usec - r0.ru_stime.tv_usec)
              / 1e6;
        printf ("idle board, host attached, %.1f s: CPU %.3f%% (target < 1%%)\n",
                (g_get_monotonic_time () - t0) / 1e6,
                cpu / ((g_get_monotonic_time () - t0) / 1e6) * 100);
      }
  }
  close (fd);
  mw_sim_stop (sim);
}

static void
boots (void)
{
  const int count = 200;
  gint64 start = g_get_monotonic_time ();

  for (int i = 0; i < count; i++)
    {
      MwSimOptions opts;
      g_autoptr (MwSim) sim = NULL;
      int fd;

      mw_sim_options_init (&opts);
      opts.baud_limit = FALSE;
      sim = mw_sim_new (&opts);
      g_assert (mw_sim_start (sim, NULL));
      fd = open_host (sim);
      g_assert (pump (fd, "", 0, "init.lua: \r\n> "));
      close (fd);
      mw_sim_stop (sim);
    }
  printf (
    "boot to first prompt and stop, line rate off: %.2f ms per board over %d (target < 20 ms)\n",
    (g_get_monotonic_time () - start) / 1e3 / count, count);
}

int
main (int argc, char **argv)
{
  paste (FALSE);
  paste (TRUE);
  boots ();
  return 0;
}
