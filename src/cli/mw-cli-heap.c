/* mw-cli-heap.c: `moonwire-cli heap [--watch] [--interval MS] [--csv]`. */
#include "mw-config.h"

#include <stdio.h>

#include "mw-cli-commands.h"
#include "mw-cli-device.h"
#include "mw-cli-heap-snapshot.h"

typedef struct
{
  gboolean csv;
  gboolean json;
  gint64 start;
} Watch;

static void
on_sample (MwBoard *board, gint64 time_us, guint heap, gpointer user_data)
{
  Watch *w = user_data;
  double t = (time_us - w->start) / 1e6;

  if (w->csv)
    printf ("%.3f,%u\n", t, heap);
  else if (w->json)
    {
      g_autoptr (JsonBuilder) b = json_builder_new ();

      json_builder_begin_object (b);
      mw_cli_json_member_double (b, "time", t);
      mw_cli_json_member_int (b, "heap", heap);
      json_builder_end_object (b);
      mw_cli_json_print (b, NULL);
    }
  else
    printf ("%8.1f s  %6u bytes free\n", t, heap);
  fflush (stdout);
}

int
mw_cli_heap (int argc, char **argv)
{
  MwCliDeviceOptions options = { 0 };
  MwCliHeapSnapshotOptions snapshot = { 0 };
  gboolean watch = FALSE;
  gboolean csv = FALSE;
  int interval = 1000;
  const GOptionEntry entries[] = {
    { "watch", 'w', 0, G_OPTION_ARG_NONE, &watch, "Sample until Ctrl-C", NULL },
    { "interval", 'i', 0, G_OPTION_ARG_INT, &interval, "Milliseconds between samples (1000)",
      "MS" },
    { "csv", 0, 0, G_OPTION_ARG_NONE, &csv, "Print seconds,bytes lines", NULL },
    { NULL }
  };
  g_autoptr (GOptionContext) context = g_option_context_new (NULL);
  g_autoptr (MwCliConnection) conn = NULL;
  int status = MW_EXIT_OK;

  g_option_context_set_summary (context,
                                "Prints the board's free heap (node.heap()). With "
                                "--watch, samples at the board's prompt between other "
                                "commands and ends with a leak estimate. --snapshot, --top and "
                                "--diff: what holds the heap, and what grew.");
  mw_cli_device_add_options (context, &options);
  g_option_context_add_main_entries (context, entries, NULL);
  mw_cli_heap_snapshot_add_options (context, &snapshot);
  if (!mw_cli_parse_options (context, &argc, &argv))
    return MW_EXIT_USAGE;
  if (mw_cli_heap_snapshot_wanted (&snapshot))
    {
      status = mw_cli_heap_snapshot_run (&snapshot, &options, argc, argv);
      mw_cli_heap_snapshot_options_clear (&snapshot);
      goto out;
    }
  if (interval < 50)
    {
      g_printerr ("moonwire-cli heap: --interval must be at least 50 ms\n");
      status = MW_EXIT_USAGE;
      goto out;
    }
  if ((conn = mw_cli_connect ("heap", &options, &status)) == NULL)
    goto out;
  if (!watch)
    {
      g_autoptr (GAsyncResult) result = NULL;
      g_autoptr (GError) error = NULL;
      gint64 heap;

      mw_device_heap_async (conn->device, conn->cancellable, mw_cli_store_result, &result);
      heap = mw_device_heap_finish (conn->device, mw_cli_wait (conn, &result), &error);
      if (error != NULL)
        status = mw_cli_report_error ("heap", error);
      else if (options.json)
        {
          g_autoptr (JsonBuilder) b = json_builder_new ();

          json_builder_begin_object (b);
          mw_cli_json_member_int (b, "heap", heap);
          json_builder_end_object (b);
          mw_cli_json_print (b, NULL);
        }
      else
        printf ("%" G_GINT64_FORMAT "\n", heap);
    }
  else
    {
      Watch w = { csv, options.json, g_get_real_time () };
      MwHeapLeak leak;

      if (csv)
        printf ("seconds,heap\n");
      g_signal_connect (conn->board, "heap-sample", G_CALLBACK (on_sample), &w);
      mw_board_set_heap_interval (conn->board, interval);
      while (!g_cancellable_is_cancelled (conn->cancellable) && mw_board_is_connected (conn->board))
        g_main_context_iteration (conn->context, TRUE);
      mw_board_set_heap_interval (conn->board, 0);
      g_signal_handlers_disconnect_by_data (conn->board, &w);
      /* the same analysis as the app's heap graph (mw-heap-log.h) */
      if (mw_heap_log_get_leak (mw_board_get_heap_log (conn->board), &leak))
        g_printerr ("heap trend: %+.1f B/min over the last %.0f s (%u samples)%s\n",
                    leak.bytes_per_min, leak.seconds, leak.n_samples,
                    mw_heap_leak_is_suspect (&leak) ? " (a leak?)" : "");
    }
out:
  mw_cli_device_options_clear (&options);
  return status;
}
