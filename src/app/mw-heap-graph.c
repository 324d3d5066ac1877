/* mw-heap-graph.c: the live heap graph.
 *
 * Modelled on sysprof's line visualizer: the samples live in an MwHeapLog (the board's, in
 * core); a change only schedules one pending source (however many samples arrive before it
 * runs), which builds an immutable MwHeapPointCache decimated to the widget's width and queues
 * a draw; drawing reads only the cache. Hours of samples thus cost a few hundred columns per
 * frame. The figures (current, lowest, highest, leak slope) are the log's: the leak figure is
 * the one analysis moonwire-cli heap reports too.
 */
#include "mw-config.h"

#include "mw-heap-graph.h"

#include <math.h>
#include <stdlib.h>
#include <stdio.h>
#include <string.h>

#define UPDATE_DELAY_MS 100

struct _MwHeapGraph
{
  GtkBox parent_instance;

  GtkToggleButton *pause_button;
  GtkComboBoxText *span_combo;
  GtkLabel *current_label;
  GtkLabel *range_label;
  GtkLabel *slope_label;
  GtkDrawingArea *area;
  GtkAdjustment *interval_adjustment;

  MwHeapLog *log;
  MwHeapPointCache *cache;
  guint update_source;
  guint rebuild_count;
  gboolean paused;
  gint64 paused_at;
};

G_DEFINE_TYPE (MwHeapGraph, mw_heap_graph, GTK_TYPE_BOX)
G_DEFINE_QUARK (mw - heap - graph - error - quark, mw_heap_graph_error)

enum
{
  PROP_0,
  PROP_INTERVAL,
  PROP_PAUSED,
  N_PROPS
};
static GParamSpec *properties[N_PROPS];

static gint64
span_us (MwHeapGraph *self)
{
  const char *id = gtk_combo_box_get_active_id (GTK_COMBO_BOX (self->span_combo));
  gint64 seconds = id != NULL ? g_ascii_strtoll (id, NULL, 10) : 600;

  return seconds * G_USEC_PER_SEC;
}

static gint
compare_int64 (gconstpointer a, gconstpointer b)
{
  gint64 x = *(const gint64 *) a, y = *(const gint64 *) b;
  return x < y ? -1 : x > y;
}

/* The pause after which the line breaks: as the leak analysis breaks its run (mw-heap-log.h),
 * MW_HEAP_LEAK_GAP_FACTOR times the median interval between samples. */
static gint64
gap_threshold (const MwHeapSample *s, guint n)
{
  g_autofree gint64 *steps = NULL;
  guint m = n > 1 ? MIN (n - 1, 512) : 0;

  if (m == 0)
    return 0;
  steps = g_new (gint64, m);
  for (guint i = 0; i < m; i++)
    steps[i] = s[n - m + i].time_us - s[n - m + i - 1].time_us;
  qsort (steps, m, sizeof *steps, compare_int64);
  return MAX (steps[m / 2], 1) * MW_HEAP_LEAK_GAP_FACTOR;
}

static MwHeapPointCache *
build_cache (MwHeapGraph *self, guint width)
{
  guint n, n_events;
  const MwHeapSample *s = mw_heap_log_get_samples (self->log, &n);
  const MwHeapEvent *events = mw_heap_log_get_events (self->log, &n_events);
  g_autoptr (GArray) resets = g_array_new (FALSE, FALSE, sizeof (gint64));
  gint64 end, begin, span = span_us (self);

  if (n == 0)
    return mw_heap_point_cache_new (NULL, 0, 0, 1, MAX (width, 1));
  end = self->paused ? self->paused_at : s[n - 1].time_us;
  /* The chosen span at most: a young graph fills the width from its first sample (ten
   * seconds at least) instead of hugging the right edge of an empty ten minutes. */
  begin = span > 0 ? MAX (end - span, s[0].time_us) : s[0].time_us;
  if (end - begin < 10 * G_USEC_PER_SEC)
    begin = end - 10 * G_USEC_PER_SEC;
  for (guint i = 0; i < n_events; i++)
    if (mw_heap_event_kind_is_break (events[i].kind))
      g_array_append_val (resets, events[i].time_us);
  g_array_sort (resets, compare_int64);
  self->rebuild_count++;
  return mw_heap_point_cache_new_with_breaks (s, n, (const gint64 *) (gpointer) resets->data,
                                              resets->len, gap_threshold (s, n), begin, end,
                                              MAX (width, 1));
}

gdouble
mw_heap_graph_nice_step (gdouble range, guint ticks)
{
  gdouble raw, mag, f;

  g_return_val_if_fail (ticks > 0, 1);
  raw = MAX (range, 1e-9) / ticks;
  mag = pow (10, floor (log10 (raw)));
  f = raw / mag;
  /* 1, 2, 5 times a power of ten: the step a reader can add up in their head. */
  return (f <= 1 ? 1 : f <= 2 ? 2 : f <= 5 ? 5 : 10) * mag;
}

gdouble
mw_heap_graph_nice_time_step (gdouble seconds, guint ticks)
{
  static const gdouble steps[] = { 1,   2,   5,    10,   15,   30,    60,    120,   300,
                                   600, 900, 1800, 3600, 7200, 10800, 21600, 43200, 86400 };
  gdouble raw = MAX (seconds, 1) / MAX (ticks, 1);

  for (guint i = 0; i < G_N_ELEMENTS (steps); i++)
    if (steps[i] >= raw)
      return steps[i];
  return steps[G_N_ELEMENTS (steps) - 1];
}

static gdouble
next_nice_step (gdouble step)
{
  gdouble mag = pow (10, floor (log10 (step) + 1e-9));
  gdouble f = step / mag;

  return (f < 1.5 ? 2 : f < 3.5 ? 5 : 10) * mag;
}

void
mw_heap_graph_value_axis (guint32 lo, guint32 hi, gdouble height, gdouble label_height,
                          MwHeapAxis *axis)
{
  gdouble span = MAX ((gdouble) hi - (gdouble) lo, 1024);
  /* a label and as much air again between two ticks; no more than 4 steps on a tall graph */
  guint want = CLAMP ((guint) (height / MAX (2 * label_height, 1)), 1, 4);
  gdouble step = mw_heap_graph_nice_step (span * 1.3 / 1024.0, want);

  g_return_if_fail (axis != NULL);
  for (;;)
    {
      /* air above and below the line, the ends on ticks */
      axis->step = step * 1024.0;
      axis->bottom = floor (MAX ((gdouble) lo - span * 0.15, 0) / axis->step) * axis->step;
      axis->top = ceil (((gdouble) hi + span * 0.15) / axis->step) * axis->step;
      axis->top = MAX (axis->top, axis->bottom + axis->step);
      /* Rounding the ends out may add steps: fewer, wider ones until the labels have room. */
      if ((axis->top - axis->bottom) / axis->step <= 1.5
          || height * axis->step / (axis->top - axis->bottom) >= 1.5 * label_height)
        return;
      step = next_nice_step (step);
    }
}

static void
format_bytes (char *buf, gsize size, guint32 bytes)
{
  g_snprintf (buf, size, "%u B", bytes);
}

static void
update_labels (MwHeapGraph *self)
{
  MwHeapStats stats;
  char a[32];
  g_autofree char *text = NULL;

  if (!mw_heap_graph_get_stats (self, &stats))
    {
      gtk_label_set_text (self->current_label, "No samples yet");
      gtk_label_set_text (self->range_label, "");
      gtk_label_set_text (self->slope_label, "");
      return;
    }
  /* Short, so they stay whole in a narrow window; the tooltips say what they are. */
  format_bytes (a, sizeof a, stats.current);
  gtk_label_set_text (self->current_label, a);

  text = g_strdup_printf ("%u–%u B", stats.min, stats.max);
  gtk_label_set_text (self->range_label, text);
  g_clear_pointer (&text, g_free);

  if (stats.slope_per_min == 0.0)
    text = g_strdup ("trend –");
  else
    text =
      g_strdup_printf ("trend %+.1f B/min%s", stats.slope_per_min,
                       stats.slope_per_min < -MW_HEAP_LEAK_SUSPECT_B_PER_MIN ? " (leaking?)" : "");
  gtk_label_set_text (self->slope_label, text);
}

static gboolean
update_cb (gpointer user_data)
{
  MwHeapGraph *self = user_data;
  gint width = gtk_widget_get_allocated_width (GTK_WIDGET (self->area));

  self->update_source = 0;
  g_clear_pointer (&self->cache, mw_heap_point_cache_unref);
  self->cache = build_cache (self, MAX (width, 1));
  update_labels (self);
  gtk_widget_queue_draw (GTK_WIDGET (self->area));
  return G_SOURCE_REMOVE;
}

static void
queue_update (MwHeapGraph *self)
{
  /* One pending source coalesces every change that comes before it runs. */
  if (self->update_source != 0)
    return;
  self->update_source = g_timeout_add (UPDATE_DELAY_MS, update_cb, self);
  g_source_set_name_by_id (self->update_source, "[moonwire] heap graph update");
}

/* Light text means a dark background (the view's base colour behind the graph). */
static gboolean
is_dark (GtkStyleContext *context)
{
  GdkRGBA fg;

  gtk_style_context_get_color (context, gtk_style_context_get_state (context), &fg);
  return 0.299 * fg.red + 0.587 * fg.green + 0.114 * fg.blue > 0.5;
}

void
mw_heap_graph_get_marker_color (MwHeapGraph *self, MwHeapEventKind kind, GdkRGBA *color)
{
  /* GNOME's palette, a darker shade on a light background and a lighter one on a dark
   * background: marker labels read at 4.5:1 or better on either (WCAG's ratio for text). */
  static const char *const light[] = { "#1a5fb4", "#1e7a3c", "#813d9c", "#5e5c64", "#b5500a" };
  static const char *const dark[] = { "#99c1f1", "#57e389", "#dc8add", "#c0bfbc", "#ffa348" };
  const char *const *palette;
  guint index;

  g_return_if_fail (MW_IS_HEAP_GRAPH (self));
  g_return_if_fail (color != NULL);
  palette = is_dark (gtk_widget_get_style_context (GTK_WIDGET (self->area))) ? dark : light;
  switch (kind)
    {
      case MW_HEAP_EVENT_UPLOAD:
        index = 0;
        break;
      case MW_HEAP_EVENT_RUN:
        index = 1;
        break;
      case MW_HEAP_EVENT_SNAPSHOT:
        index = 2;
        break;
      case MW_HEAP_EVENT_CONNECT:
      case MW_HEAP_EVENT_DISCONNECT:
        index = 3; /* grey: the session, not the program */
        break;
      case MW_HEAP_EVENT_RESET:
      default:
        index = 4;
        break;
    }
  gdk_rgba_parse (color, palette[index]);
}

static void
draw_graph (MwHeapGraph *self, cairo_t *cr, GtkStyleContext *context, MwHeapPointCache *cache,
            gint width, gint height)
{
  const MwHeapColumn *cols;
  guint n_cols;
  guint32 lo, hi;
  GdkRGBA fg, line;
  gdouble top, range, plot_h;
  PangoLayout *layout;
  PangoRectangle logical;
  gdouble label_h, pad_top = 8, pad_bottom, pad_left = 64;
  gdouble plot_w = MAX (width - pad_left - 8, 1);
  gint64 begin, end;
  const MwHeapEvent *events;
  guint n_events;

  gtk_style_context_get_color (context, gtk_style_context_get_state (context), &fg);
  /* On a dark background the selection blue is too dark for a line. */
  if (is_dark (context))
    gdk_rgba_parse (&line, "#62a0ea");
  else if (!gtk_style_context_lookup_color (context, "theme_selected_bg_color", &line))
    gdk_rgba_parse (&line, "#3584e4");
  layout = gtk_widget_create_pango_layout (GTK_WIDGET (self->area), "0 KiB");
  /* The time axis's labels below the plot, as tall as the font makes them */
  pango_layout_get_pixel_extents (layout, NULL, &logical);
  label_h = logical.height;
  pad_bottom = label_h + 3;

  cols = mw_heap_point_cache_get_columns (cache, &n_cols);
  begin = mw_heap_point_cache_get_begin (cache);
  end = mw_heap_point_cache_get_end (cache);
  plot_h = MAX (height - pad_top - pad_bottom, 1);

  if (!mw_heap_point_cache_get_range (cache, &lo, &hi))
    {
      pango_layout_set_text (layout, "Connect to a board to see its free heap over time", -1);
      cairo_set_source_rgba (cr, fg.red, fg.green, fg.blue, 0.55);
      cairo_move_to (cr, pad_left, height / 2.0 - 8);
      pango_cairo_show_layout (cr, layout);
      g_object_unref (layout);
      return;
    }

  /* The axis in KiB (1024 bytes, as it is labelled), at nice steps, with air above and
   * below the line, and fewer ticks where the graph is low. */
  {
    MwHeapAxis axis;
    gdouble step, bottom;

    mw_heap_graph_value_axis (lo, hi, plot_h, label_h, &axis);
    step = axis.step;
    bottom = axis.bottom;
    top = axis.top;
    range = top - bottom;
    cairo_set_line_width (cr, 1);
    for (gdouble value = bottom; value <= top + step / 2; value += step)
      {
        gdouble y = pad_top + (top - value) / range * plot_h;
        char buf[32];

        cairo_set_source_rgba (cr, fg.red, fg.green, fg.blue, 0.12);
        cairo_move_to (cr, pad_left, floor (y) + 0.5);
        cairo_line_to (cr, pad_left + plot_w, floor (y) + 0.5);
        cairo_stroke (cr);
        if (step >= 1024)
          g_snprintf (buf, sizeof buf, "%.0f KiB", value / 1024.0);
        else
          g_snprintf (buf, sizeof buf, "%.1f KiB", value / 1024.0);
        pango_layout_set_text (layout, buf, -1);
        cairo_set_source_rgba (cr, fg.red, fg.green, fg.blue, 0.7);
        cairo_move_to (cr, 4, CLAMP (y - label_h / 2, 0, height - label_h));
        pango_cairo_show_layout (cr, layout);
      }
  }

  /* The time axis: ticks at nice steps back from the newest sample. */
  {
    gdouble seconds = (end - begin) / 1e6;
    gdouble step = mw_heap_graph_nice_time_step (seconds, MAX (plot_w / 110, 1));

    for (gdouble ago = 0; ago <= seconds + 1e-6; ago += step)
      {
        gdouble x = pad_left + (1 - ago / seconds) * plot_w;
        char buf[32];
        PangoRectangle ink;

        if (ago == 0)
          g_snprintf (buf, sizeof buf, "now");
        else if (step >= 3600)
          g_snprintf (buf, sizeof buf, "−%.0f h", ago / 3600);
        else if (step >= 60)
          g_snprintf (buf, sizeof buf, "−%.0f min", ago / 60);
        else
          g_snprintf (buf, sizeof buf, "−%.0f s", ago);
        cairo_set_source_rgba (cr, fg.red, fg.green, fg.blue, 0.12);
        cairo_move_to (cr, floor (x) + 0.5, pad_top + plot_h);
        cairo_line_to (cr, floor (x) + 0.5, pad_top + plot_h + 4);
        cairo_stroke (cr);
        pango_layout_set_text (layout, buf, -1);
        pango_layout_get_pixel_extents (layout, NULL, &ink);
        cairo_set_source_rgba (cr, fg.red, fg.green, fg.blue, 0.7);
        cairo_move_to (cr, CLAMP (x - ink.width / 2.0, pad_left, width - ink.width - 4),
                       height - pad_bottom + 2);
        pango_cairo_show_layout (cr, layout);
      }
  }

#define X(frac) (pad_left + (frac) *plot_w)
#define Y(v) (pad_top + (top - (gdouble) (v)) / range * plot_h)

  /* Markers under the line; markers closer than a label's width share one label, and a label
   * never runs past the right edge (hover the graph for every event's details). */
  n_events = 0;
  events = mw_heap_log_get_events (self->log, &n_events);
  {
    gdouble label_end = -G_MAXDOUBLE;

    for (guint i = 0; i < n_events; i++)
      {
        const MwHeapEvent *m = &events[i];
        GdkRGBA c;
        gdouble x;
        guint together = 1;

        if (m->time_us < begin || m->time_us > end)
          continue;
        x = floor (X ((gdouble) (m->time_us - begin) / (end - begin))) + 0.5;
        mw_heap_graph_get_marker_color (self, m->kind, &c);
        cairo_set_source_rgba (cr, c.red, c.green, c.blue, 0.8);
        cairo_set_dash (cr, (double[]){ 3, 3 }, 2, 0);
        cairo_move_to (cr, x, pad_top);
        cairo_line_to (cr, x, pad_top + plot_h);
        cairo_stroke (cr);
        cairo_set_dash (cr, NULL, 0, 0);
        if (x < label_end)
          continue;
        /* the markers this label stands for */
        while (i + together < n_events && events[i + together].time_us <= end
               && X ((gdouble) (events[i + together].time_us - begin) / (end - begin)) - x < 60)
          together++;
        {
          g_autofree char *text =
            together > 1
              ? g_strdup_printf ("%u events", together)
              : g_strdup (m->label != NULL ? m->label : mw_heap_event_kind_to_string (m->kind));
          PangoRectangle ink;
          gdouble tx;

          pango_layout_set_text (layout, text, -1);
          pango_layout_get_pixel_extents (layout, NULL, &ink);
          tx = x + 3 + ink.width > width - 2 ? x - 3 - ink.width : x + 3;
          cairo_set_source_rgba (cr, c.red, c.green, c.blue, 1);
          cairo_move_to (cr, tx, pad_top);
          pango_cairo_show_layout (cr, layout);
          label_end = MAX (x, tx) + ink.width + 6;
        }
      }
  }

  /* The filled area under the line, then min/max spikes, then the line itself; each part
   * between breaks (a reset, a pause in the samples) on its own: no line is drawn across. */
  for (guint start = 0; start < n_cols;)
    {
      guint stop = start + 1;

      while (stop < n_cols && !cols[stop].break_before)
        stop++;
      cairo_move_to (cr, X (cols[start].x), pad_top + plot_h);
      for (guint i = start; i < stop; i++)
        cairo_line_to (cr, X (cols[i].x), Y (cols[i].last));
      cairo_line_to (cr, X (cols[stop - 1].x), pad_top + plot_h);
      cairo_close_path (cr);
      start = stop;
    }
  cairo_set_source_rgba (cr, line.red, line.green, line.blue, 0.18);
  cairo_fill (cr);

  cairo_set_line_width (cr, 1);
  cairo_set_source_rgba (cr, line.red, line.green, line.blue, 0.5);
  for (guint i = 0; i < n_cols; i++)
    if (cols[i].min != cols[i].max)
      {
        cairo_move_to (cr, floor (X (cols[i].x)) + 0.5, Y (cols[i].min));
        cairo_line_to (cr, floor (X (cols[i].x)) + 0.5, Y (cols[i].max));
      }
  cairo_stroke (cr);

  cairo_set_line_width (cr, 2);
  cairo_set_line_join (cr, CAIRO_LINE_JOIN_ROUND);
  cairo_set_line_cap (cr, CAIRO_LINE_CAP_ROUND);
  cairo_set_source_rgba (cr, line.red, line.green, line.blue, 1);
  for (guint i = 0; i < n_cols; i++)
    {
      if (i == 0 || cols[i].break_before)
        {
          cairo_move_to (cr, X (cols[i].x), Y (cols[i].last));
          cairo_rel_line_to (cr, 0, 0); /* a lone sample still shows (round cap) */
        }
      else
        cairo_line_to (cr, X (cols[i].x), Y (cols[i].last));
    }
  cairo_stroke (cr);
#undef X
#undef Y
  g_object_unref (layout);
}

static gboolean
area_draw_cb (MwHeapGraph *self, cairo_t *cr, GtkWidget *area)
{
  gint width = gtk_widget_get_allocated_width (area);
  gint height = gtk_widget_get_allocated_height (area);
  GtkStyleContext *context = gtk_widget_get_style_context (area);

  gtk_render_background (context, cr, 0, 0, width, height);
  if (self->cache == NULL || mw_heap_point_cache_get_width (self->cache) != (guint) width)
    {
      /* A resize: rebuild for the new width at once rather than draw a stretched frame. */
      g_clear_pointer (&self->cache, mw_heap_point_cache_unref);
      self->cache = build_cache (self, MAX (width, 1));
    }
  draw_graph (self, cr, context, self->cache, width, height);
  return GDK_EVENT_PROPAGATE;
}

/* Hovering a marker (or a shared label) lists its events with their times. */
static gboolean
area_query_tooltip_cb (MwHeapGraph *self, gint x, gint y, gboolean keyboard, GtkTooltip *tooltip)
{
  const gdouble pad_left = 64;
  gint width = gtk_widget_get_allocated_width (GTK_WIDGET (self->area));
  gdouble plot_w = MAX (width - pad_left - 8, 1);
  guint n_events;
  const MwHeapEvent *events = mw_heap_log_get_events (self->log, &n_events);
  g_autoptr (GString) text = g_string_new (NULL);
  gint64 begin, end;

  if (self->cache == NULL || keyboard)
    return FALSE;
  begin = mw_heap_point_cache_get_begin (self->cache);
  end = mw_heap_point_cache_get_end (self->cache);
  for (guint i = 0; i < n_events; i++)
    {
      gdouble ex;

      if (events[i].time_us < begin || events[i].time_us > end)
        continue;
      ex = pad_left + (gdouble) (events[i].time_us - begin) / (end - begin) * plot_w;
      if (fabs (ex - x) <= 6 || (x >= ex && x - ex < 60 && y < 24))
        {
          g_autoptr (GDateTime) when =
            g_date_time_new_from_unix_local (events[i].time_us / G_USEC_PER_SEC);
          g_autofree char *hms = g_date_time_format (when, "%H:%M:%S");

          g_string_append_printf (text, "%s%s %s%s%s", text->len > 0 ? "\n" : "", hms,
                                  mw_heap_event_kind_to_string (events[i].kind),
                                  events[i].label ? " " : "",
                                  events[i].label ? events[i].label : "");
        }
    }
  if (text->len == 0)
    return FALSE;
  gtk_tooltip_set_text (tooltip, text->str);
  return TRUE;
}

static void
pause_toggled_cb (MwHeapGraph *self)
{
  gboolean paused = gtk_toggle_button_get_active (self->pause_button);

  if (paused == self->paused)
    return;
  self->paused = paused;
  {
    guint n;
    const MwHeapSample *samples = mw_heap_log_get_samples (self->log, &n);

    if (paused && n > 0)
      self->paused_at = samples[n - 1].time_us;
  }
  queue_update (self);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_PAUSED]);
}

static void
export_response_cb (GtkNativeDialog *dialog, gint response, MwHeapGraph *self)
{
  gboolean png = GPOINTER_TO_INT (g_object_get_data (G_OBJECT (dialog), "mw-png"));
  g_autoptr (GError) error = NULL;
  g_autoptr (GFile) file = NULL;

  if (response == GTK_RESPONSE_ACCEPT)
    {
      file = gtk_file_chooser_get_file (GTK_FILE_CHOOSER (dialog));
      if (png)
        {
          g_autofree char *path = g_file_get_path (file);
          gint w = MAX (gtk_widget_get_allocated_width (GTK_WIDGET (self->area)), 640);
          gint h = MAX (gtk_widget_get_allocated_height (GTK_WIDGET (self->area)), 240);
          mw_heap_graph_export_png (self, path, w, h, &error);
        }
      else
        mw_heap_graph_export_csv (self, file, &error);
      if (error != NULL)
        {
          GtkWidget *msg = gtk_message_dialog_new (
            GTK_WINDOW (gtk_widget_get_toplevel (GTK_WIDGET (self))),
            GTK_DIALOG_MODAL | GTK_DIALOG_DESTROY_WITH_PARENT, GTK_MESSAGE_ERROR, GTK_BUTTONS_CLOSE,
            "Could not export the heap graph");
          gtk_message_dialog_format_secondary_text (GTK_MESSAGE_DIALOG (msg), "%s", error->message);
          g_signal_connect (msg, "response", G_CALLBACK (gtk_widget_destroy), NULL);
          gtk_window_present (GTK_WINDOW (msg));
        }
    }
  g_object_unref (dialog);
}

static void
export_dialog (MwHeapGraph *self, gboolean png)
{
  GtkWidget *toplevel = gtk_widget_get_toplevel (GTK_WIDGET (self));
  GtkFileChooserNative *dialog =
    gtk_file_chooser_native_new (png ? "Export Heap Graph as PNG" : "Export Heap Samples as CSV",
                                 GTK_IS_WINDOW (toplevel) ? GTK_WINDOW (toplevel) : NULL,
                                 GTK_FILE_CHOOSER_ACTION_SAVE, "_Export", "_Cancel");

  gtk_file_chooser_set_do_overwrite_confirmation (GTK_FILE_CHOOSER (dialog), TRUE);
  gtk_file_chooser_set_current_name (GTK_FILE_CHOOSER (dialog), png ? "heap.png" : "heap.csv");
  g_object_set_data (G_OBJECT (dialog), "mw-png", GINT_TO_POINTER (png));
  g_signal_connect_object (dialog, "response", G_CALLBACK (export_response_cb), self, 0);
  gtk_native_dialog_show (GTK_NATIVE_DIALOG (dialog));
}

static void
export_csv_clicked_cb (MwHeapGraph *self)
{
  export_dialog (self, FALSE);
}

static void
export_png_clicked_cb (MwHeapGraph *self)
{
  export_dialog (self, TRUE);
}

static void
mw_heap_graph_get_property (GObject *object, guint prop_id, GValue *value, GParamSpec *pspec)
{
  MwHeapGraph *self = MW_HEAP_GRAPH (object);

  switch (prop_id)
    {
      case PROP_INTERVAL:
        g_value_set_uint (value, (guint) gtk_adjustment_get_value (self->interval_adjustment));
        break;
      case PROP_PAUSED:
        g_value_set_boolean (value, self->paused);
        break;
      default:
        G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
mw_heap_graph_set_property (GObject *object, guint prop_id, const GValue *value, GParamSpec *pspec)
{
  MwHeapGraph *self = MW_HEAP_GRAPH (object);

  switch (prop_id)
    {
      case PROP_INTERVAL:
        gtk_adjustment_set_value (self->interval_adjustment, g_value_get_uint (value));
        break;
      case PROP_PAUSED:
        gtk_toggle_button_set_active (self->pause_button, g_value_get_boolean (value));
        break;
      default:
        G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
interval_changed_cb (MwHeapGraph *self)
{
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_INTERVAL]);
}

static void
mw_heap_graph_dispose (GObject *object)
{
  MwHeapGraph *self = MW_HEAP_GRAPH (object);

  g_clear_handle_id (&self->update_source, g_source_remove);
  if (self->log != NULL)
    g_signal_handlers_disconnect_by_data (self->log, self);
  g_clear_object (&self->log);
  G_OBJECT_CLASS (mw_heap_graph_parent_class)->dispose (object);
}

static void
mw_heap_graph_finalize (GObject *object)
{
  MwHeapGraph *self = MW_HEAP_GRAPH (object);

  g_clear_pointer (&self->cache, mw_heap_point_cache_unref);
  G_OBJECT_CLASS (mw_heap_graph_parent_class)->finalize (object);
}

static void
mw_heap_graph_class_init (MwHeapGraphClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->get_property = mw_heap_graph_get_property;
  object_class->set_property = mw_heap_graph_set_property;
  object_class->dispose = mw_heap_graph_dispose;
  object_class->finalize = mw_heap_graph_finalize;

  properties[PROP_INTERVAL] =
    g_param_spec_uint ("interval", "Interval", "Seconds between heap samples", 1, 3600, 2,
                       G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  properties[PROP_PAUSED] =
    g_param_spec_boolean ("paused", "Paused", "Whether the view is frozen", FALSE,
                          G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  g_object_class_install_properties (object_class, N_PROPS, properties);

  gtk_widget_class_set_template_from_resource (widget_class,
                                               "/org/moonwire/Moonwire/ui/mw-heap-graph.ui");
  gtk_widget_class_bind_template_child (widget_class, MwHeapGraph, pause_button);
  gtk_widget_class_bind_template_child (widget_class, MwHeapGraph, span_combo);
  gtk_widget_class_bind_template_child (widget_class, MwHeapGraph, current_label);
  gtk_widget_class_bind_template_child (widget_class, MwHeapGraph, range_label);
  gtk_widget_class_bind_template_child (widget_class, MwHeapGraph, slope_label);
  gtk_widget_class_bind_template_child (widget_class, MwHeapGraph, area);
  gtk_widget_class_bind_template_child (widget_class, MwHeapGraph, interval_adjustment);
  gtk_widget_class_bind_template_callback (widget_class, export_csv_clicked_cb);
  gtk_widget_class_bind_template_callback (widget_class, export_png_clicked_cb);
}

static void
mw_heap_graph_init (MwHeapGraph *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));
  {
    g_autoptr (MwHeapLog) log = mw_heap_log_new (0);

    mw_heap_graph_set_log (self, log);
  }

  g_signal_connect_object (self->area, "draw", G_CALLBACK (area_draw_cb), self, G_CONNECT_SWAPPED);
  gtk_widget_set_has_tooltip (GTK_WIDGET (self->area), TRUE);
  g_signal_connect_object (self->area, "query-tooltip", G_CALLBACK (area_query_tooltip_cb), self,
                           G_CONNECT_SWAPPED);
  g_signal_connect_object (self->pause_button, "toggled", G_CALLBACK (pause_toggled_cb), self,
                           G_CONNECT_SWAPPED);
  g_signal_connect_object (self->span_combo, "changed", G_CALLBACK (queue_update), self,
                           G_CONNECT_SWAPPED);
  g_signal_connect_object (self->interval_adjustment, "value-changed",
                           G_CALLBACK (interval_changed_cb), self, G_CONNECT_SWAPPED);
  update_labels (self);
}

GtkWidget *
mw_heap_graph_new (void)
{
  return g_object_new (MW_TYPE_HEAP_GRAPH, NULL);
}

static void
log_changed_cb (MwHeapGraph *self)
{
  if (!self->paused)
    queue_update (self);
}

void
mw_heap_graph_set_log (MwHeapGraph *self, MwHeapLog *log)
{
  g_return_if_fail (MW_IS_HEAP_GRAPH (self));
  g_return_if_fail (MW_IS_HEAP_LOG (log));
  if (self->log == log)
    return;
  if (self->log != NULL)
    g_signal_handlers_disconnect_by_data (self->log, self);
  g_set_object (&self->log, log);
  g_signal_connect_swapped (log, "changed", G_CALLBACK (log_changed_cb), self);
  queue_update (self);
}

MwHeapLog *
mw_heap_graph_get_log (MwHeapGraph *self)
{
  g_return_val_if_fail (MW_IS_HEAP_GRAPH (self), NULL);
  return self->log;
}

void
mw_heap_graph_add_sample (MwHeapGraph *self, gint64 time_us, guint32 heap)
{
  g_return_if_fail (MW_IS_HEAP_GRAPH (self));
  mw_heap_log_add_sample (self->log, time_us, heap);
}

void
mw_heap_graph_add_marker (MwHeapGraph *self, gint64 time_us, MwHeapEventKind kind,
                          const char *label)
{
  g_return_if_fail (MW_IS_HEAP_GRAPH (self));
  mw_heap_log_add_event (self->log, time_us, kind, label);
}

void
mw_heap_graph_clear (MwHeapGraph *self)
{
  g_return_if_fail (MW_IS_HEAP_GRAPH (self));
  mw_heap_log_clear (self->log);
}

gboolean
mw_heap_graph_get_stats (MwHeapGraph *self, MwHeapStats *stats)
{
  guint n;
  const MwHeapSample *samples;
  MwHeapLeak leak;

  g_return_val_if_fail (MW_IS_HEAP_GRAPH (self), FALSE);
  g_return_val_if_fail (stats != NULL, FALSE);

  samples = mw_heap_log_get_samples (self->log, &n);
  memset (stats, 0, sizeof *stats);
  if (n == 0)
    return FALSE;
  stats->n_samples = n;
  stats->current = samples[n - 1].heap;
  mw_heap_log_get_range (self->log, &stats->min, &stats->max);
  if (mw_heap_log_get_leak (self->log, &leak))
    stats->slope_per_min = leak.bytes_per_min;
  return TRUE;
}

MwHeapPointCache *
mw_heap_graph_dup_cache (MwHeapGraph *self)
{
  g_return_val_if_fail (MW_IS_HEAP_GRAPH (self), NULL);
  if (self->update_source != 0 || self->cache == NULL)
    {
      g_clear_handle_id (&self->update_source, g_source_remove);
      update_cb (self);
    }
  return mw_heap_point_cache_ref (self->cache);
}

guint
mw_heap_graph_get_rebuild_count (MwHeapGraph *self)
{
  g_return_val_if_fail (MW_IS_HEAP_GRAPH (self), 0);
  return self->rebuild_count;
}

gboolean
mw_heap_graph_export_csv (MwHeapGraph *self, GFile *file, GError **error)
{
  g_autoptr (GString) csv = NULL;
  guint m = 0, n, n_events;
  const MwHeapSample *samples;
  const MwHeapEvent *events;

  g_return_val_if_fail (MW_IS_HEAP_GRAPH (self), FALSE);
  g_return_val_if_fail (G_IS_FILE (file), FALSE);
  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);

  samples = mw_heap_log_get_samples (self->log, &n);
  events = mw_heap_log_get_events (self->log, &n_events);
  if (n == 0)
    {
      g_set_error (error, MW_HEAP_GRAPH_ERROR, MW_HEAP_GRAPH_ERROR_EMPTY, "No heap samples yet");
      return FALSE;
    }
  /* One row per sample; markers interleaved in time order, with an empty heap column. */
  csv = g_string_new ("time_ms,heap_bytes,event\n");
  for (guint i = 0; i <= n; i++)
    {
      const MwHeapSample *s = i < n ? &samples[i] : NULL;

      for (; m < n_events; m++)
        {
          const MwHeapEvent *mk = &events[m];
          g_autofree char *label = NULL;

          if (s != NULL && mk->time_us > s->time_us)
            break;
          /* the kind, then its label where it says more (a file, a port) */
          label = g_strdup (mk->label != NULL ? mk->label : "");
          g_strdelimit (label, ",\"\n\r", ' ');
          g_string_append_printf (csv, "%" G_GINT64_FORMAT ",,%s%s%s\n", mk->time_us / 1000,
                                  mw_heap_event_kind_to_string (mk->kind), *label ? " " : "",
                                  label);
        }
      if (s != NULL)
        g_string_append_printf (csv, "%" G_GINT64_FORMAT ",%u,\n", s->time_us / 1000, s->heap);
    }
  return g_file_replace_contents (file, csv->str, csv->len, NULL, FALSE,
                                  G_FILE_CREATE_REPLACE_DESTINATION, NULL, NULL, error);
}

gboolean
mw_heap_graph_export_png (MwHeapGraph *self, const char *path, guint width, guint height,
                          GError **error)
{
  cairo_surface_t *surface;
  cairo_t *cr;
  cairo_status_t status;
  g_autoptr (MwHeapPointCache) cache = NULL;
  GtkStyleContext *context;
  guint n;

  g_return_val_if_fail (MW_IS_HEAP_GRAPH (self), FALSE);
  g_return_val_if_fail (path != NULL, FALSE);
  g_return_val_if_fail (width > 0 && height > 0, FALSE);

  mw_heap_log_get_samples (self->log, &n);
  if (n == 0)
    {
      g_set_error (error, MW_HEAP_GRAPH_ERROR, MW_HEAP_GRAPH_ERROR_EMPTY, "No heap samples yet");
      return FALSE;
    }
  cache = build_cache (self, width);
  context = gtk_widget_get_style_context (GTK_WIDGET (self->area));
  surface = cairo_image_surface_create (CAIRO_FORMAT_ARGB32, width, height);
  cr = cairo_create (surface);
  gtk_render_background (context, cr, 0, 0, width, height);
  draw_graph (self, cr, context, cache, width, height);
  cairo_destroy (cr);
  status = cairo_surface_write_to_png (surface, path);
  cairo_surface_destroy (surface);
  if (status != CAIRO_STATUS_SUCCESS)
    {
      g_set_error (error, MW_HEAP_GRAPH_ERROR, MW_HEAP_GRAPH_ERROR_DRAW, "Could not write %s: %s",
                   path, cairo_status_to_string (status));
      return FALSE;
    }
  return TRUE;
}
