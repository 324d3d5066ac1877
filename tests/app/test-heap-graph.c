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
  g_auto (GStrv) lines = NULL;
  cairo_surface_t *png;

  gtk_container_add (GTK_CONTAINER (window), graph);
  gtk_widget_show (window);

  /* Nothing to export yet: a clear error, no file. */
  g_assert_false (mw_heap_graph_export_csv (MW_HEAP_GRAPH (graph), csv_file, &error));
  g_assert_error (error, MW_HEAP_GRAPH_ERROR, MW_HEAP_GRAPH_ERROR_EMPTY);
  g_clear_error (&error);
  g_assert_false (g_file_test (csv_path, G_FILE_TEST_EXISTS));

  for (guint i = 0; i < 10; i++)
    mw_heap_graph_add_sample (MW_HEAP_GRAPH (graph), T0 + i * G_USEC_PER_SEC, 43000 + i);
  mw_heap_graph_add_marker (MW_HEAP_GRAPH (graph), T0 + 4500000, MW_HEAP_EVENT_UPLOAD, "init.lua");
  mw_heap_graph_add_marker (MW_HEAP_GRAPH (graph), T0 + 8 * G_USEC_PER_SEC, MW_HEAP_EVENT_RESET,
                            NULL);

  g_assert_true (mw_heap_graph_export_csv (MW_HEAP_GRAPH (graph), csv_file, &error));
  g_assert_no_error (error);
  g_assert_true (g_file_get_contents (csv_path, &csv, NULL, NULL));
  lines = g_strsplit (csv, "\n", -1);
  g_assert_cmpuint (g_strv_length (lines), ==, 1 + 10 + 2 + 1);
  g_assert_cmpstr (lines[0], ==, "time_ms,heap_bytes,event");
  g_assert_cmpstr (lines[1], ==, "1700000000000,43000,");
  g_assert_cmpstr (lines[6], ==, "1700000004500,,upload init.lua");
  g_assert_cmpstr (lines[10], ==, "1700000008000,,reset ");
  g_assert_cmpstr (lines[12], ==, "1700000009000,43009,");

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

int
main (int argc, char *argv[])
{
  mw_test_app_init (&argc, &argv);
  g_test_add_func ("/mw/app/heap-graph/decimation", test_decimation);
  g_test_add_func ("/mw/app/heap-graph/window", test_window);
  g_test_add_func ("/mw/app/heap-graph/stats-and-coalescing", test_stats_and_coalescing);
  g_test_add_func ("/mw/app/heap-graph/export", test_export);
  return g_test_run ();
}
