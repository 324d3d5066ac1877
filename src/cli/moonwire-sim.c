/* moonwire-sim: a simulated NodeMCU board on a pseudo-terminal. Prints the slave path and
 * serves until SIGINT/SIGTERM. Bad options: a message and exit code 2. */
#include "mw-config.h"

#include <glib-unix.h>
#include <glib/gstdio.h>
#include <locale.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "mw-sim.h"

#define EXIT_BAD_OPTIONS 2

static gboolean
parse_size (const char *text, guint64 *out)
{
  char *end;
  guint64 v;

  if (text == NULL || !g_ascii_isdigit (text[0]))
    return FALSE;
  v = g_ascii_strtoull (text, &end, 10);
  if (g_ascii_strcasecmp (end, "k") == 0 || g_ascii_strcasecmp (end, "kb") == 0)
    v *= 1024;
  else if (g_ascii_strcasecmp (end, "m") == 0 || g_ascii_strcasecmp (end, "mb") == 0)
    v *= 1024 * 1024;
  else if (*end != '\0')
    return FALSE;
  *out = v;
  return TRUE;
}

static gboolean
parse_rate (const char *text, double *out)
{
  char *end;
  double v;

  if (text == NULL)
    return TRUE;
  v = g_ascii_strtod (text, &end);
  /* written so that NaN fails too */
  if (*end != '\0' || end == text || !(v >= 0 && v <= 1))
    return FALSE;
  *out = v;
  return TRUE;
}

/* A board stuck inside a C function (a pattern match that backtracks for hours) cannot be
 * stopped between instructions: a stop request that is not done in 2 s ends the process
 * anyway, so SIGINT and SIGTERM always work. */
typedef struct
{
  const char *link;
  const char *pty;
} StopDeadline;

static gpointer
stop_deadline (gpointer data)
{
  const StopDeadline *d = data;

  g_usleep (2 * G_USEC_PER_SEC);
  g_printerr ("moonwire-sim: the board did not stop within 2 s (busy in a C function); "
              "exiting\n");
  /* only our own link, as a clean stop does */
  if (d->link)
    {
      g_autofree char *to = g_file_read_link (d->link, NULL);

      if (g_strcmp0 (to, d->pty) == 0)
        g_unlink (d->link);
    }
  _exit (0);
  return NULL;
}

static gboolean
quit_cb (gpointer data)
{
  g_main_loop_quit (data);
  return G_SOURCE_CONTINUE;
}

static int bad (const char *fmt, ...) G_GNUC_PRINTF (1, 2);

static int
bad (const char *fmt, ...)
{
  va_list ap;
  g_autofree char *msg = NULL;

  va_start (ap, fmt);
  msg = g_strdup_vprintf (fmt, ap);
  va_end (ap);
  g_printerr ("moonwire-sim: %s\nTry 'moonwire-sim --help'.\n", msg);
  return EXIT_BAD_OPTIONS;
}

int
main (int argc, char **argv)
{
  g_autofree char *link = NULL, *firmware = NULL, *baud_limit = NULL, *heap = NULL;
  g_autofree char *fs = NULL, *fs_size = NULL, *modules = NULL, *seed = NULL, *lfs_size = NULL;
  g_autofree char *drop = NULL, *corrupt = NULL, *silent = NULL, *reset = NULL;
  g_autofree char *flash_full = NULL, *wdt = NULL, *ips = NULL;
  g_autofree char *debug = NULL;
  gboolean verbose = FALSE, integer = FALSE, version = FALSE;
  GOptionEntry entries[] = {
    { "link", 0, 0, G_OPTION_ARG_FILENAME, &link, "Also make a symlink to the pty", "PATH" },
    { "firmware", 0, 0, G_OPTION_ARG_STRING, &firmware, "Firmware style: 3.0 (default) or 2.2",
      "VER" },
    { "baud-limit", 0, 0, G_OPTION_ARG_STRING, &baud_limit,
      "Pace the line at the baud: on (default) or off", "on|off" },
    { "heap", 0, 0, G_OPTION_ARG_STRING, &heap, "Free heap at the prompt (default 44K)", "BYTES" },
    { "integer", 0, 0, G_OPTION_ARG_NONE, &integer, "Simulate the integer build", NULL },
    { "debug", 0, 0, G_OPTION_ARG_STRING, &debug,
      "The debug library: minimal (default, as the firmware's default build) or full",
      "minimal|full" },
    { "fs", 0, 0, G_OPTION_ARG_FILENAME, &fs,
      "Host folder holding the flash (default: a fresh temporary one)", "DIR" },
    { "fs-size", 0, 0, G_OPTION_ARG_STRING, &fs_size, "Flash size (default 3M)", "BYTES" },
    { "lfs-size", 0, 0, G_OPTION_ARG_STRING, &lfs_size,
      "LFS region, kept in the --fs folder: 0 (none) or a multiple of 4K up to 256K "
      "(default 64K)",
      "BYTES" },
    { "modules", 0, 0, G_OPTION_ARG_STRING, &modules,
      "Firmware modules (default " MW_SIM_DEFAULT_MODULES "; also encoder, crypto)", "LIST" },
    { "wdt-ms", 0, 0, G_OPTION_ARG_STRING, &wdt,
      "Watchdog: simulated CPU time a task may run unfed (default 3200)", "MS" },
    { "vm-ips", 0, 0, G_OPTION_ARG_STRING, &ips,
      "Simulated CPU speed: Lua VM instructions per second at 80 MHz (default 1000000)", "N" },
    { "seed", 0, 0, G_OPTION_ARG_STRING, &seed, "Seed for fault injection (default 1)", "N" },
    { "drop-rate", 0, 0, G_OPTION_ARG_STRING, &drop, "Lose received bytes at this rate (0..1)",
      "RATE" },
    { "corrupt-rate", 0, 0, G_OPTION_ARG_STRING, &corrupt,
      "Flip a bit in received bytes at this rate (0..1)", "RATE" },
    { "silent-after", 0, 0, G_OPTION_ARG_STRING, &silent, "Fall silent after N received bytes",
      "N" },
    { "reset-after", 0, 0, G_OPTION_ARG_STRING, &reset, "Reset once after N received bytes", "N" },
    { "flash-full-after", 0, 0, G_OPTION_ARG_STRING, &flash_full,
      "Report the flash full after N written bytes", "N" },
    { "verbose", 'v', 0, G_OPTION_ARG_NONE, &verbose, "Log resets, faults and GPIO changes", NULL },
    { "version", 'V', 0, G_OPTION_ARG_NONE, &version, "Show the version", NULL },
    { NULL }
  };
  g_autoptr (GOptionContext) context = NULL;
  g_autoptr (GError) error = NULL;
  g_autoptr (MwSim) sim = NULL;
  g_autoptr (GMainLoop) loop = NULL;
  MwSimOptions opts;
  guint64 v;

  setlocale (LC_ALL, "");
  g_set_prgname ("moonwire-sim");
  context = g_option_context_new ("- a simulated NodeMCU board on a pseudo-terminal");
  g_option_context_add_main_entries (context, entries, NULL);
  g_option_context_set_description (
    context,
    "Prints the pty slave path, then serves until interrupted.\n"
    "Exit codes: 0 stopped cleanly, 1 the pty or flash could not be set up, 2 bad options.");
  if (!g_option_context_parse (context, &argc, &argv, &error))
    return bad ("%s", error->message);
  if (version)
    {
      printf ("moonwire-sim %s\n", MW_VERSION);
      return 0;
    }
  if (argc > 1)
    return bad ("unexpected argument '%s'", argv[1]);

  mw_sim_options_init (&opts);
  if (firmware && strcmp (firmware, "3.0") == 0)
    opts.firmware = MW_SIM_FIRMWARE_3_0;
  else if (firmware && strcmp (firmware, "2.2") == 0)
    opts.firmware = MW_SIM_FIRMWARE_2_2;
  else if (firmware)
    return bad ("--firmware must be 3.0 or 2.2, not '%s'", firmware);
  if (debug && (strcmp (debug, "minimal") == 0 || strcmp (debug, "full") == 0))
    opts.full_debug = strcmp (debug, "full") == 0;
  else if (debug)
    return bad ("--debug must be minimal or full, not '%s'", debug);
  if (baud_limit && (strcmp (baud_limit, "on") == 0 || strcmp (baud_limit, "off") == 0))
    opts.baud_limit = strcmp (baud_limit, "on") == 0;
  else if (baud_limit)
    return bad ("--baud-limit must be on or off, not '%s'", baud_limit);
  if (heap)
    {
      if (!parse_size (heap, &v) || v < 1024 || v > 16 * 1024 * 1024)
        return bad ("--heap must be a size from 1K to 16M, not '%s'", heap);
      opts.heap = v;
    }
  if (fs_size)
    {
      if (!parse_size (fs_size, &v) || v < 1024 || v > G_GUINT64_CONSTANT (1) << 32)
        return bad ("--fs-size must be a size from 1K to 4G, not '%s'", fs_size);
      opts.fs_size = v;
    }
  if (lfs_size)
    {
      if (!parse_size (lfs_size, &v) || v % 4096 != 0 || v > MW_SIM_MAX_LFS_SIZE)
        return bad ("--lfs-size must be 0 or a multiple of 4K up to 256K, not '%s'", lfs_size);
      opts.lfs_size = v;
    }
  if (wdt)
    {
      if (!parse_size (wdt, &v) || v == 0 || v > 600000)
        return bad ("--wdt-ms must be from 1 to 600000, not '%s'", wdt);
      opts.wdt_ms = v;
    }
  if (ips)
    {
      if (!parse_size (ips, &v) || v < 1000 || v > 1000000000)
        return bad ("--vm-ips must be from 1000 to 1000000000, not '%s'", ips);
      opts.vm_ips = v;
    }
  if (seed && !parse_size (seed, &opts.seed))
    return bad ("--seed must be a number, not '%s'", seed);
  if (!parse_rate (drop, &opts.drop_rate))
    return bad ("--drop-rate must be a number from 0 to 1, not '%s'", drop);
  if (!parse_rate (corrupt, &opts.corrupt_rate))
    return bad ("--corrupt-rate must be a number from 0 to 1, not '%s'", corrupt);
  if (silent && !parse_size (silent, &opts.silent_after))
    return bad ("--silent-after must be a number, not '%s'", silent);
  if (reset && !parse_size (reset, &opts.reset_after))
    return bad ("--reset-after must be a number, not '%s'", reset);
  if (flash_full && !parse_size (flash_full, &opts.flash_full_after))
    return bad ("--flash-full-after must be a number, not '%s'", flash_full);
  if (modules && !mw_sim_modules_valid (modules, &error))
    return bad ("--modules: %s", error->message);
  opts.modules = modules;
  opts.fs_dir = fs;
  opts.link = link;
  opts.verbose = verbose;
  opts.integer_build = integer;

  sim = mw_sim_new (&opts);
  if (!mw_sim_start (sim, &error))
    {
      g_printerr ("moonwire-sim: %s\n", error->message);
      return 1;
    }
  /* The handlers before the path: whoever reads the path may stop us at once. */
  loop = g_main_loop_new (NULL, FALSE);
  g_unix_signal_add (SIGINT, quit_cb, loop);
  g_unix_signal_add (SIGTERM, quit_cb, loop);
  printf ("%s\n", mw_sim_get_path (sim));
  fflush (stdout);
  g_main_loop_run (loop);
  {
    static StopDeadline deadline;

    deadline.link = link;
    deadline.pty = mw_sim_get_path (sim);
    g_thread_unref (g_thread_new ("stop-deadline", stop_deadline, &deadline));
  }
  mw_sim_stop (sim);
  return 0;
}
