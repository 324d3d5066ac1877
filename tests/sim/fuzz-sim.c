/* fuzz-sim.c: libFuzzer entry point for the simulated board (issue 18): hostile bytes on its
 * pty, and hostile Lua source run by its VM.
 *
 * The first byte chooses: even, the rest goes to the pty as it is (the line discipline, raw
 * uart.on modes, baud changes, BS/DEL, overlong lines, NULs); odd, the rest is written to the
 * flash as f.lua and run with dofile (memory exhaustion, deep recursion, coroutines, the
 * sandbox's edges). Either way the simulator must survive, keep its sanitizers quiet and stop
 * cleanly; the board may reset or go quiet, as a board would. Built as a fuzzer with
 * -Dfuzzing=true; test-fuzz-sim replays tests/sim/data/fuzz-sim/ in every normal test run.
 */
#include <fcntl.h>
#include <glib/gstdio.h>
#include <poll.h>
#include <termios.h>
#include <unistd.h>

#include "mw-sim.h"

int LLVMFuzzerTestOneInput (const guint8 *data, size_t size);

/* Reads what the board sends until it has been quiet for `quiet_ms`, at most `max_ms`. */
static void
drain (int fd, guint quiet_ms, guint max_ms)
{
  gint64 end = g_get_monotonic_time () + (gint64) max_ms * 1000;
  char buf[4096];

  while (g_get_monotonic_time () < end)
    {
      struct pollfd pfd = { fd, POLLIN, 0 };

      if (poll (&pfd, 1, (int) quiet_ms) <= 0)
        return;
      if (read (fd, buf, sizeof buf) <= 0)
        return;
    }
}

static void
send_all (int fd, const guint8 *data, size_t size)
{
  size_t done = 0;
  gint64 end = g_get_monotonic_time () + 2 * G_USEC_PER_SEC;

  while (done < size && g_get_monotonic_time () < end)
    {
      gssize w = write (fd, data + done, size - done);

      if (w > 0)
        done += w;
      else
        drain (fd, 1, 5); /* a full pty: let the board's echo out */
    }
}

int
LLVMFuzzerTestOneInput (const guint8 *data, size_t size)
{
  MwSimOptions opts;
  g_autoptr (MwSim) sim = NULL;
  g_autoptr (GError) error = NULL;
  struct termios tio;
  int fd;

  if (size == 0)
    return 0;
  mw_sim_options_init (&opts);
  opts.baud_limit = FALSE;
  opts.heap = 20 * 1024;
  opts.fs_size = 64 * 1024;
  opts.modules = "bit,crypto,encoder,file,gpio,node,sjson,tmr,uart,wifi";
  sim = mw_sim_new (&opts);
  g_assert (mw_sim_start (sim, &error));
  fd = open (mw_sim_get_path (sim), O_RDWR | O_NOCTTY | O_NONBLOCK | O_CLOEXEC);
  g_assert (fd >= 0);
  tcgetattr (fd, &tio);
  cfmakeraw (&tio);
  cfsetspeed (&tio, B115200);
  tcsetattr (fd, TCSANOW, &tio);
  drain (fd, 20, 2000); /* the boot */

  if (data[0] % 2 == 0)
    send_all (fd, data + 1, size - 1);
  else
    {
      g_autofree char *path = g_build_filename (mw_sim_get_fs_dir (sim), "f.lua", NULL);
      static const char run[] = "dofile('f.lua')\r\n";

      g_assert (g_file_set_contents (path, (const char *) data + 1, size - 1, NULL));
      send_all (fd, (const guint8 *) run, sizeof run - 1);
    }
  drain (fd, 50, 3000);
  close (fd);
  mw_sim_stop (sim);
  return 0;
}
