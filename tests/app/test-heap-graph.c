/* test-heap-graph.c: the heap graph's point cache, figures, coalesced redraws and exports. */
#include "mw-config.h"

#include "mw-heap-graph.h"
#include "mw-test-app.h"
#include "mw-test-support.h"

#include <math.h>
#include <string.h>

#define T0 (1700000000LL * G_USEC_PER_SEC)

/* Decimation keeps every column's extremes: a one-sample dip must survive. */
static const struct
{
  guint n_samples;
  guint interval_s;
  guint columns;
  guint dip_at; /* index of a sample 5000 B lower than its neighbours */
} decimation_cases[] = {
  { 10, 1, 800, 5 }, /* sparse: one sample per column */
  { 3600, 1, 800, 1234 }, /* an hour at 1 s */
  { 8 * 3600, 1, 400, 20000 }, /* eight hours */
  { 100, 2, 1, 50 }, /* everything in one column */
};

static void
test_decimation (void)
{
  for (guint c = 0; c < G_N_ELEMENTS (decimation_cases); c++)
    {
      guint n = decimation_cases[c].n_samples;
      g_autofree MwHeapSample *samples = g_new (MwHeapSample, n);
      g_autoptr (MwHeapPointCache) cache = NULL;
      const MwHeapColumn *cols;
      guint n_cols, total = 0;
      guint32 lo, hi;
      gboolean dip_seen = FALSE;

      for (guint i = 0; i < n; i++)
        {
          samples[i].time_us = T0 + (gint64) i * decimation_cases[c].interval_s * G_USEC_PER_SEC;
          samples[i].heap = 40000 + (i % 7) * 10 - (i == decimation_cases[c].dip_at ? 5000 : 0);
        }
      cache = mw_heap_point_cache_new (samples, n, samples[0].time_us, samples[n - 1].time_us,
                                       decimation_cases[c].columns);
      cols = mw_heap_point_cache_get_columns (cache, &n_cols);
      g_assert_cmpuint (n_cols, <=, decimation_cases[c].columns);
      g_assert_cmpuint (n_cols, <=, n);
      for (guint i = 0; i < n_cols; i++)
        {
          total += cols[i].n_samples;
          g_assert_cmpuint (cols[i].min, <=, cols[i].last);
          g_assert_cmpuint (cols[i].last, <=, cols[i].max);
          g_assert_cmpfloat (cols[i].x, >=, 0.0);
          g_assert_cmpfloat (cols[i].x, <=, 1.0);
          if (i > 0)
            g_assert_cmpfloat (cols[i].x, >, cols[i - 1].x);
          dip_seen |= cols[i].min == 35000 + (decimation_cases[c].dip_at % 7) * 10;
        }
      g_assert_cmpuint (total, ==, n);
      g_assert_true (dip_seen);
      g_assert_true (mw_heap_point_cache_get_range (cache, &lo, &hi));
      g_assert_cmpuint (lo, ==, 35000 + (decimation_cases[c].dip_at % 7) * 10);
      g_assert_cmpuint (hi, ==, 40060);
    }
}

/* A window of time picks its samples only. */
static void
test_window (void)
{
  MwHeapSample samples[100];
  g_autoptr (MwHeapPointCache) cache = NULL;
  guint n_cols, total = 0;
  const MwHeapColumn *cols;

  for (guint i = 0; i < 100; i++)
    samples[i] = (MwHeapSample){ T0 + i * G_USEC_PER_SEC, 1000 + i };
  cache =
    mw_heap_point_cache_new (samples, 100, T0 + 10 * G_USEC_PER_SEC, T0 + 19 * G_USEC_PER_SEC, 50);
  cols = mw_heap_point_cache_get_columns (cache, &n_cols);
  for (guint i = 0; i < n_cols; i++)
    total += cols[i].n_samples;
  g_assert_cmpuint (total, ==, 10);
  g_assert_cmpuint (cols[0].min, ==, 1010);
  g_assert_cmpuint (cols[n_cols - 1].last, ==, 1019);
}

/* An hour of samples losing 12 B a minute, with noise: the slope comes out near -12. */
static void
test_stats_and_coalescing (void)
{
  GtkWidget *window = gtk_window_new (GTK_WINDOW_TOPLEVEL);
  GtkWidget *graph = mw_heap_graph_new ();
  MwHeapStats stats;
  guint rebuilds;
  g_autoptr (MwHeapPointCache) cache = NULL;

  gtk_window_set_default_size (GTK_WINDOW (window), 800, 300);
  gtk_container_add (GTK_CONTAINER (window), graph);
  gtk_widget_show (window);
  mw_test_spin (50);

  g_assert_false (mw_heap_graph_get_stats (MW_HEAP_GRAPH (graph), &stats));
  rebuilds = mw_heap_graph_get_rebuild_count (MW_HEAP_GRAPH (graph));
  for (guint i = 0; i < 3600; i++)
    mw_heap_graph_add_sample (MW_HEAP_GRAPH (graph), T0 + i * G_USEC_PER_SEC,
                              40000 - (guint) (i * 12 / 60.0) + (i % 2 ? 30 : -30));
  /* 3600 samples, not one frame yet: nothing rebuilt; one pending source for all of them. */
  g_assert_cmpuint (mw_heap_graph_get_rebuild_count (MW_HEAP_GRAPH (graph)), ==, rebuilds);
  mw_test_spin (300);
  g_assert_cmpuint (mw_heap_graph_get_rebuild_count (MW_HEAP_GRAPH (graph)), <=, rebuilds + 2);

  g_assert_true (mw_heap_graph_get_stats (MW_HEAP_GRAPH (graph), &stats));
  g_assert_cmpuint (stats.n_samples, ==, 3600);
  g_assert_cmpuint (stats.max, ==, 40030);
  g_assert_cmpuint (stats.min, ==, 40000 - 719 - 30); /* i = 3598: floor (3598 * 12 / 60) */
  g_assert_cmpfloat (fabs (stats.slope_per_min + 12.0), <, 0.1);

  /* Out-of-order samples are dropped. */
  mw_heap_graph_add_sample (MW_HEAP_GRAPH (graph), T0, 1);
  g_assert_true (mw_heap_graph_get_stats (MW_HEAP_GRAPH (graph), &stats));
  g_assert_cmpuint (stats.n_samples, ==, 3600);

  /* The drawing cache holds at most one column per pixel. */
  cache = mw_heap_graph_dup_cache (MW_HEAP_GRAPH (graph));
  {
    guint n_cols;
    mw_heap_point_cache_get_columns (cache, &n_cols);
    g_assert_cmpuint (n_cols, <=, (guint) gtk_widget_get_allocated_width (graph));
    g_assert_cmpuint (n_cols, >, 0);
  }
  gtk_widget_destroy (window);
}

static void
test_export (void)
{
  GtkWidget *window = gtk_window_new (GTK_WINDOW_TOPLEVEL);
  GtkWidget *graph = mw_heap_graph_new ();
  g_autofree char *csv_path = mw_test_tmp_path ("heap.csv");
  g_autofree char *png_path = mw_test_tmp_path ("heap.png");
  g_autoptr (GFile) csv_file = g_file_new_for_path (csv_path);
  g_autoptr (GError) error = NULL;
  g_autofree char *csv = NULL;
  cairo_surface_t *png;

  gtk_container_add (GTK_CONTAINER (window), graph);
  gtk_widget_show (window);

  /* Nothing to export yet: a clear error, no file. */
  g_assert_false (mw_heap_graph_export_csv (MW_HEAP_GRAPH (graph), csv_file, &error));
  g_assert_error (error, MW_HEAP_GRAPH_ERROR, MW_HEAP_GRAPH_ERROR_EMPTY);
  g_clear_error (&error);
  g_assert_false (g_file_test (csv_path, G_FILE_TEST_EXISTS));

  /* every kind of event once, each a row of its own in time order: the kind, then its label */
  mw_heap_graph_add_marker (MW_HEAP_GRAPH (graph), T0 - 500000, MW_HEAP_EVENT_CONNECT,
                            "/dev/ttyUSB0");
  for (guint i = 0; i < 10; i++)
    mw_heap_graph_add_sample (MW_HEAP_GRAPH (graph), T0 + i * G_USEC_PER_SEC, 43000 + i);
  mw_heap_graph_add_marker (MW_HEAP_GRAPH (graph), T0 + 2500000, MW_HEAP_EVENT_SNAPSHOT, NULL);
  mw_heap_graph_add_marker (MW_HEAP_GRAPH (graph), T0 + 3500000, MW_HEAP_EVENT_RUN, "main.lua");
  mw_heap_graph_add_marker (MW_HEAP_GRAPH (graph), T0 + 4500000, MW_HEAP_EVENT_UPLOAD, "init.lua");
  mw_heap_graph_add_marker (MW_HEAP_GRAPH (graph), T0 + 8 * G_USEC_PER_SEC, MW_HEAP_EVENT_RESET,
                            NULL);
  mw_heap_graph_add_marker (MW_HEAP_GRAPH (graph), T0 + 9500000, MW_HEAP_EVENT_DISCONNECT, NULL);

  g_assert_true (mw_heap_graph_export_csv (MW_HEAP_GRAPH (graph), csv_file, &error));
  g_assert_no_error (error);
  g_assert_true (g_file_get_contents (csv_path, &csv, NULL, NULL));
  g_assert_cmpstr (csv, ==,
                   "time_ms,heap_bytes,event\n"
                   "1699999999500,,connect /dev/ttyUSB0\n"
                   "1700000000000,43000,\n"
                   "1700000001000,43001,\n"
                   "1700000002000,43002,\n"
                   "1700000002500,,snapshot\n"
                   "1700000003000,43003,\n"
                   "1700000003500,,run main.lua\n"
                   "1700000004000,43004,\n"
                   "1700000004500,,upload init.lua\n"
                   "1700000005000,43005,\n"
                   "1700000006000,43006,\n"
                   "1700000007000,43007,\n"
                   "1700000008000,,reset\n"
                   "1700000008000,43008,\n"
                   "1700000009000,43009,\n"
                   "1700000009500,,disconnect\n");

  g_assert_true (mw_heap_graph_export_png (MW_HEAP_GRAPH (graph), png_path, 640, 240, &error));
  g_assert_no_error (error);
  png = cairo_image_surface_create_from_png (png_path);
  g_assert_cmpint (cairo_surface_status (png), ==, CAIRO_STATUS_SUCCESS);
  g_assert_cmpint (cairo_image_surface_get_width (png), ==, 640);
  g_assert_cmpint (cairo_image_surface_get_height (png), ==, 240);
  cairo_surface_destroy (png);

  g_assert_false (
    mw_heap_graph_export_png (MW_HEAP_GRAPH (graph), "/nonexistent/dir/x.png", 64, 64, &error));
  g_assert_error (error, MW_HEAP_GRAPH_ERROR, MW_HEAP_GRAPH_ERROR_DRAW);
  gtk_widget_destroy (window);
}

/* Axis steps a reader can add up: 1, 2 or 5 times a power of ten; time in usual units. */
static void
test_nice_steps (void)
{
  static const struct
  {
    gdouble range;
    guint ticks;
    gdouble step;
  } heap[] = {
    { 13.3, 4, 5 }, { 40, 4, 10 }, { 1, 4, 0.5 }, { 7, 4, 2 }, { 44, 5, 10 }, { 0.9, 3, 0.5 },
  };
  static const struct
  {
    gdouble seconds;
    guint ticks;
    gdouble step;
  } time[] = {
    { 10, 5, 2 },     { 60, 4, 15 },      { 600, 5, 120 }, { 600, 8, 120 },
    { 3600, 6, 600 }, { 21600, 6, 3600 }, { 3, 10, 1 },
  };

  for (guint i = 0; i < G_N_ELEMENTS (heap); i++)
    g_assert_cmpfloat_with_epsilon (mw_heap_graph_nice_step (heap[i].range, heap[i].ticks),
                                    heap[i].step, 1e-9);
  for (guint i = 0; i < G_N_ELEMENTS (time); i++)
    g_assert_cmpfloat (mw_heap_graph_nice_time_step (time[i].seconds, time[i].ticks), ==,
                       time[i].step);
}

/* The free-heap axis on plots from tall to low (a 1024x600 screen leaves the graph about 150
 * px): ends on ticks around the samples, fewer ticks as the plot gets lower, never closer than
 * 1.5 labels. Expected values worked out by hand from the rule in mw-heap-graph.h. */
static void
test_value_axis (void)
{
  static const struct
  {
    guint32 lo, hi;
    gdouble height, label;
    gdouble bottom, top, step;
  } cases[] = {
    /* a leak from 43688 to 17536 bytes: span 26152, 1.3 spans = 33.2 KiB */
    { 17536, 43688, 300, 17, 10240, 51200, 10240 }, /* 4 wanted: 8.3 -> 10 KiB, 10..50 */
    { 17536, 43688, 150, 17, 10240, 51200, 10240 }, /* 4 wanted, 37.5 px apart */
    { 17536, 43688, 80, 17, 0, 61440, 20480 }, /* 2 wanted: 16.6 -> 20 KiB, 26.7 px */
    { 17536, 43688, 70, 17, 0, 51200, 51200 }, /* 20 KiB would be 23.3 px: 50 KiB */
    { 17536, 43688, 50, 17, 0, 51200, 51200 }, /* 1 wanted: 33.2 -> 50 KiB */
    /* nearly flat: the span counts as 1 KiB */
    { 40000, 41000, 100, 17, 38912, 41984, 1024 }, /* 2 wanted: 0.65 -> 1 KiB, 33.3 px */
    { 40000, 40000, 30, 17, 38912, 40960, 2048 }, /* 1 wanted: 1.3 -> 2 KiB, one step */
  };

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      MwHeapAxis axis;

      mw_heap_graph_value_axis (cases[i].lo, cases[i].hi, cases[i].height, cases[i].label, &axis);
      g_test_message ("case %u: %g..%g by %g", i, axis.bottom, axis.top, axis.step);
      g_assert_cmpfloat (axis.bottom, ==, cases[i].bottom);
      g_assert_cmpfloat (axis.top, ==, cases[i].top);
      g_assert_cmpfloat (axis.step, ==, cases[i].step);
    }

  /* Every plot height and label size: the samples inside, whole steps of 1, 2 or 5 times a
   * power of ten KiB, and labels apart. */
  for (gdouble height = 20; height <= 400; height += 7)
    for (gdouble label = 12; label <= 22; label += 5)
      for (guint32 lo = 2000; lo < 44000; lo += 6000)
        for (guint32 hi = lo; hi < 45000; hi += 3500)
          {
            MwHeapAxis axis;
            gdouble steps, kib, f;

            mw_heap_graph_value_axis (lo, hi, height, label, &axis);
            steps = (axis.top - axis.bottom) / axis.step;
            kib = axis.step / 1024;
            f = kib / pow (10, floor (log10 (kib) + 1e-9));
            g_assert_cmpfloat (axis.bottom, >=, 0);
            g_assert_cmpfloat (axis.bottom, <=, lo);
            g_assert_cmpfloat (axis.top, >=, hi);
            g_assert_cmpfloat_with_epsilon (steps, round (steps), 1e-9);
            g_assert_cmpfloat (steps, >=, 1);
            g_assert_true (fabs (f - 1) < 1e-9 || fabs (f - 2) < 1e-9 || fabs (f - 5) < 1e-9);
            if (steps > 1)
              g_assert_cmpfloat (height / steps, >=, 1.5 * label);
          }
}

/* The line breaks at a reset and at a pause in the samples, nowhere else. */
static void
test_breaks (void)
{
  MwHeapSample samples[12];
  const gint64 resets[] = { T0 + 4500000 };
  g_autoptr (MwHeapPointCache) cache = NULL;
  const MwHeapColumn *cols;
  guint n_cols;

  /* every second from 0 to 9 s, then 20 and 21 s */
  for (guint i = 0; i < 12; i++)
    {
      samples[i].time_us = T0 + (i < 10 ? i : i + 10) * G_USEC_PER_SEC;
      samples[i].heap = 40000 - i * 100;
    }
  cache = mw_heap_point_cache_new_with_breaks (samples, 12, resets, 1, 3 * G_USEC_PER_SEC, T0,
                                               T0 + 21 * G_USEC_PER_SEC, 1000);
  cols = mw_heap_point_cache_get_columns (cache, &n_cols);
  g_assert_cmpuint (n_cols, ==, 12);
  for (guint i = 0; i < n_cols; i++)
    g_assert_cmpint (cols[i].break_before, ==, i == 5 || i == 10);
}

/* The figure shown is the board's one leak analysis: for a scripted leak of 20 KiB a minute
 * (with the saw-tooth of garbage collection over it) the trend shown is within 10% of it, and
 * once the board restarts and its heap holds, it says no more "leaking?". */
static void
test_scripted_leak (void)
{
  MwHeapGraph *graph = MW_HEAP_GRAPH (g_object_ref_sink (mw_heap_graph_new ()));
  const gdouble rate = -20480; /* B/min */
  MwHeapStats stats;
  gint64 t = T0;

  /* a minute and a half of leak, a sample every 2 s: from 42000 B down to about 11000 B */
  for (guint i = 0; i < 45; i++, t += 2 * G_USEC_PER_SEC)
    mw_heap_graph_add_sample (graph, t,
                              (guint32) (42000 + rate * (i * 2) / 60.0 + (i % 5) * 150 - 300));
  g_assert_true (mw_heap_graph_get_stats (graph, &stats));
  g_test_message ("trend %.1f B/min for %.1f", stats.slope_per_min, rate);
  g_assert_cmpfloat (fabs (stats.slope_per_min - rate), <=, fabs (rate) * 0.10);
  mw_test_spin (200);
  {
    GtkLabel *slope = GTK_LABEL (
      gtk_widget_get_template_child (GTK_WIDGET (graph), MW_TYPE_HEAP_GRAPH, "slope_label"));
    g_autofree char *expected =
      g_strdup_printf ("trend %+.1f B/min (leaking?)", stats.slope_per_min);
    g_assert_cmpstr (gtk_label_get_text (slope), ==, expected);
  }

  /* a reset, then the heap holds at 43000 for a minute */
  mw_heap_graph_add_marker (graph, t, MW_HEAP_EVENT_RESET, "reset");
  for (guint i = 0; i < 30; i++)
    mw_heap_graph_add_sample (graph, t += 2 * G_USEC_PER_SEC, 43000);
  g_assert_true (mw_heap_graph_get_stats (graph, &stats));
  g_assert_cmpfloat (stats.slope_per_min, ==, 0);
  mw_test_spin (200);
  {
    GtkLabel *slope = GTK_LABEL (
      gtk_widget_get_template_child (GTK_WIDGET (graph), MW_TYPE_HEAP_GRAPH, "slope_label"));
    g_assert_null (strstr (gtk_label_get_text (slope), "leaking"));
  }
  g_object_unref (graph);
}

int
main (int argc, char *argv[])
{
  mw_test_app_init (&argc, &argv);
  g_test_add_func ("/mw/app/heap-graph/decimation", test_decimation);
  g_test_add_func ("/mw/app/heap-graph/window", test_window);
  g_test_add_func ("/mw/app/heap-graph/stats-and-coalescing", test_stats_and_coalescing);
  g_test_add_func ("/mw/app/heap-graph/export", test_export);
  g_test_add_func ("/mw/app/heap-graph/nice-steps", test_nice_steps);
  g_test_add_func ("/mw/app/heap-graph/value-axis", test_value_axis);
  g_test_add_func ("/mw/app/heap-graph/breaks", test_breaks);
  g_test_add_func ("/mw/app/heap-graph/scripted-leak", test_scripted_leak);
  return g_test_run ();
}
