/* bench-app.c: the desktop app's figures (bench/app.sh runs it under a virtual display).
 *
 * - time from process start to the first frame of the main window (MW_BENCH_T0_NS: the wall
 *   clock in ns when the script started the program);
 * - time to connect to the simulated board and resident memory after that;
 * - resident memory after the first frame and after an hour of heap samples, fed at the
 *   sampler's pace but fast-forwarded (one sample per main-loop turn, timestamps 2 s apart);
 * - console throughput under a 1 MB/s flood for 5 s, with the longest main-loop stall seen by
 *   a 5 ms probe and the longest single console batch (MW_BENCH_GAPS=1 lists the long gaps).
 */
#include "mw-config.h"

#include "mw-window.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

static gint64 first_frame_ns = -1;
static gint64 frame_start_us;
static gint64 longest_frame_us;

static void
frame_begin_cb (GdkFrameClock *clock, gpointer user_data)
{
  frame_start_us = g_get_monotonic_time ();
}

static void
frame_end_cb (GdkFrameClock *clock, gpointer user_data)
{
  if (frame_start_us != 0)
    longest_frame_us = MAX (longest_frame_us, g_get_monotonic_time () - frame_start_us);
  frame_start_us = 0;
}

static gint64
rss_kb (void)
{
  g_autofree char *statm = NULL;
  long pages = 0, resident = 0;

  if (!g_file_get_contents ("/proc/self/statm", &statm, NULL, NULL)
      || sscanf (statm, "%ld %ld", &pages, &resident) != 2)
    return -1;
  return resident * (sysconf (_SC_PAGESIZE) / 1024);
}

static void
after_paint_cb (GdkFrameClock *clock, gpointer user_data)
{
  if (first_frame_ns < 0)
    first_frame_ns = g_get_real_time () * 1000;
}

static void
spin (guint ms)
{
  gint64 end = g_get_monotonic_time () + ms * 1000;

  while (g_get_monotonic_time () < end)
    g_main_context_iteration (NULL, FALSE) || (g_usleep (500), TRUE);
}

typedef struct
{
  gint64 last;
  gint64 last_cpu;
  gint64 max_gap;
  gint64 max_gap_cpu; /* CPU time this thread used during the longest gap */
  gint64 max_busy; /* the longest gap counting only this thread's CPU time */
} Probe;

static gint64
thread_cpu_us (void)
{
  struct timespec ts;

  clock_gettime (CLOCK_THREAD_CPUTIME_ID, &ts);
  return ts.tv_sec * G_USEC_PER_SEC + ts.tv_nsec / 1000;
}

/* A stall is the main loop not coming back; on a loaded machine part of a gap is only the
 * process waiting for a CPU, so the CPU time spent in the gap is kept beside it. */
static gboolean
probe_cb (gpointer data)
{
  Probe *probe = data;
  gint64 now = g_get_monotonic_time ();
  gint64 cpu = thread_cpu_us ();

  if (probe->last != 0)
    {
      /* MW_BENCH_GAPS=1: each gap over 30 ms on stderr, in CLOCK_MONOTONIC seconds, to find
       * it in `perf record -k CLOCK_MONOTONIC` samples (perf script --time A,B). */
      if (now - probe->last > 30000 && g_getenv ("MW_BENCH_GAPS") != NULL)
        fprintf (stderr, "gap %.6f .. %.6f s (%.1f ms)\n", probe->last / 1e6, now / 1e6,
                 (now - probe->last) / 1e3);
      if (now - probe->last > probe->max_gap)
        {
          probe->max_gap = now - probe->last;
          probe->max_gap_cpu = cpu - probe->last_cpu;
        }
      probe->max_busy = MAX (probe->max_busy, cpu - probe->last_cpu);
    }
  probe->last = now;
  probe->last_cpu = cpu;
  return G_SOURCE_CONTINUE;
}

typedef struct
{
  MwConsole *console;
  char *chunk;
  gsize chunk_len;
  gsize sent;
  gsize target;
  gint64 start;
} Flood;

static gboolean
flood_cb (gpointer data)
{
  Flood *flood = data;
  gsize due = (g_get_monotonic_time () - flood->start); /* 1 MB/s: one byte per us */

  /* Whatever 1 MB/s owes by now, in ~10 KB reads as a serial source would hand them over. */
  while (flood->sent + flood->chunk_len <= MIN (due, flood->target))
    {
      mw_console_append (flood->console, flood->chunk, flood->chunk_len);
      flood->sent += flood->chunk_len;
    }
  return flood->sent + flood->chunk_len <= flood->target ? G_SOURCE_CONTINUE : G_SOURCE_REMOVE;
}

int
main (int argc, char *argv[])
{
  const char *t0 = g_getenv ("MW_BENCH_T0_NS");
  g_autoptr (MwApplication) app = NULL;
  g_autoptr (GError) error = NULL;
  MwWindow *window;
  MwHeapGraph *graph;
  MwConsole *console;
  gint64 start_us, rss_first, rss_hour;
  Probe probe = { 0, 0 };
  Flood flood = { 0 };
  gint64 flood_start, flood_us;
  guint probe_id;

  gtk_init (&argc, &argv);
  app = mw_application_new ();
  if (!g_application_register (G_APPLICATION (app), NULL, &error))
    g_error ("%s", error->message);
  window = mw_window_new (app);
  gtk_widget_realize (GTK_WIDGET (window));
  g_signal_connect (gtk_widget_get_frame_clock (GTK_WIDGET (window)), "after-paint",
                    G_CALLBACK (after_paint_cb), NULL);
  gtk_widget_show (GTK_WIDGET (window));
  while (first_frame_ns < 0)
    g_main_context_iteration (NULL, TRUE);
  if (t0 != NULL)
    printf ("time to first frame:          %.0f ms\n",
            (first_frame_ns - g_ascii_strtoll (t0, NULL, 10)) / 1e6);
  spin (300);
  rss_first = rss_kb ();
  printf ("RSS after the first frame:    %.1f MB\n", rss_first / 1024.0);
  /* Connect to the simulated board, as a user's first click would. */
  start_us = g_get_monotonic_time ();
  g_action_group_activate_action (G_ACTION_GROUP (window), "connect", NULL);
  while (!mw_board_is_connected (mw_window_get_board (window))
         && g_get_monotonic_time () - start_us < 30 * G_USEC_PER_SEC)
    g_main_context_iteration (NULL, TRUE);
  if (!mw_board_is_connected (mw_window_get_board (window)))
    g_error ("could not connect to the simulated board: %s", mw_window_get_message (window));
  /* The simulator's thread and the sampler's first beat settle. */
  spin (1500);
  printf ("connect to Simulated NodeMCU: %.0f ms\n",
          (g_get_monotonic_time () - start_us) / 1e3 - 1500);
  printf ("RSS after connecting:         %.1f MB (simulator included)\n", rss_kb () / 1024.0);
  /* The rest measures the app alone: no sampler racing the fast-forwarded samples. */
  g_action_group_activate_action (G_ACTION_GROUP (window), "disconnect", NULL);
  spin (200);
  rss_first = rss_kb ();

  /* An hour of samples at the default 2 s interval, with the graph on screen. */
  graph = mw_window_get_heap_graph (window);
  g_action_group_activate_action (G_ACTION_GROUP (window), "show-heap", NULL);
  start_us = g_get_monotonic_time ();
  for (guint i = 0; i < 1800; i++)
    {
      mw_heap_graph_add_sample (graph, (gint64) i * 2 * G_USEC_PER_SEC,
                                43000 - i / 3 + (i * 7919) % 400);
      if (i % 30 == 0)
        mw_heap_graph_add_marker (graph, (gint64) i * 2 * G_USEC_PER_SEC, MW_HEAP_EVENT_RUN, NULL);
      g_main_context_iteration (NULL, FALSE);
    }
  spin (300);
  rss_hour = rss_kb ();
  printf ("RSS after 1 h of heap samples: %.1f MB (+%.0f KB; fed in %.0f ms, %u cache "
          "rebuilds)\n",
          rss_hour / 1024.0, (double) (rss_hour - rss_first),
          (g_get_monotonic_time () - start_us) / 1e3, mw_heap_graph_get_rebuild_count (graph));

  /* Console flood: 1 MB/s for 5 s of REPL-like lines, errors among them. */
  console = mw_window_get_console (window);
  g_action_group_activate_action (G_ACTION_GROUP (window), "focus-console", NULL);
  {
    GString *chunk = g_string_new (NULL);
    guint n = 0;

    while (chunk->len < 10000)
      {
        if (n % 50 == 49)
          g_string_append (chunk, "Lua error: \tinit.lua:12: attempt to index a nil value\r\n");
        else
          g_string_append_printf (chunk, "heap %u tick %u sensor=%.3f\r\n", 40000 + n, n,
                                  n * 0.125);
        n++;
      }
    flood.chunk_len = chunk->len;
    flood.chunk = g_string_free (chunk, FALSE);
  }
  flood.console = console;
  flood.target = 5 * 1000 * 1000;
  probe_id = g_timeout_add (5, probe_cb, &probe);
  g_signal_connect (gtk_widget_get_frame_clock (GTK_WIDGET (window)), "layout",
                    G_CALLBACK (frame_begin_cb), NULL);
  g_signal_connect (gtk_widget_get_frame_clock (GTK_WIDGET (window)), "after-paint",
                    G_CALLBACK (frame_end_cb), NULL);
  flood_start = g_get_monotonic_time ();
  flood.start = flood_start;
  g_timeout_add (10, flood_cb, &flood);
  while (flood.sent + flood.chunk_len <= flood.target)
    g_main_context_iteration (NULL, TRUE);
  /* Let the console show what is queued at its own pace; the probe keeps watching. */
  while (mw_console_get_pending_bytes (console) > 0)
    g_main_context_iteration (NULL, TRUE);
  flood_us = g_get_monotonic_time () - flood_start;
  g_source_remove (probe_id);
  printf ("console flood at 1 MB/s:      %.2f MB shown in %.2f s = %.2f MB/s\n", flood.sent / 1e6,
          flood_us / 1e6, flood.sent / (double) flood_us);
  printf ("longest main-loop stall:      %.1f ms wall, of which %.1f ms on the CPU "
          "(target < 50 ms)\n",
          probe.max_gap / 1e3, probe.max_gap_cpu / 1e3);
  printf ("longest main-loop turn on CPU: %.1f ms\n", probe.max_busy / 1e3);
  printf ("longest frame (layout+paint): %.1f ms\n", longest_frame_us / 1e3);
  printf ("longest console batch:        %.1f ms\n", mw_console_get_max_flush_us (console) / 1e3);
  printf ("console lines kept:           %u (scrollback bound)\n",
          mw_console_get_line_count (console));
  g_free (flood.chunk);
  gtk_widget_destroy (GTK_WIDGET (window));
  return 0;
}
