/* test-gutter-marks.c: the editor's marks column at GDK_SCALE=2: a lint mark is drawn at its
 * full size (the icon theme's icon for the line height at scale 2), not at half of it.
 *
 * Oracle: GtkIconTheme's own rendering of the same icon at the same size and scale.
 */
#include "mw-config.h"

#include "mw-test-app.h"
#include "mw-window.h"

static MwApplication *app;

static gboolean
has_mark (gpointer data)
{
  g_autofree char *tooltip = mw_editor_dup_mark_tooltip (data, 1);
  return tooltip != NULL;
}

/* The extent (device pixels) of what is painted: pixels with some opacity. */
static void
painted_extent (cairo_surface_t *surface, gint *width, gint *height)
{
  gint w = cairo_image_surface_get_width (surface);
  gint h = cairo_image_surface_get_height (surface);
  gint stride = cairo_image_surface_get_stride (surface);
  const guchar *data;
  gint x0 = w, y0 = h, x1 = -1, y1 = -1;

  cairo_surface_flush (surface);
  data = cairo_image_surface_get_data (surface);
  for (gint y = 0; y < h; y++)
    for (gint x = 0; x < w; x++)
      if (((const guint32 *) (data + y * stride))[x] >> 24 > 0x40)
        {
          x0 = MIN (x0, x), x1 = MAX (x1, x);
          y0 = MIN (y0, y), y1 = MAX (y1, y);
        }
  *width = x1 >= x0 ? x1 - x0 + 1 : 0;
  *height = y1 >= y0 ? y1 - y0 + 1 : 0;
}

static void
test_mark_size_at_scale_2 (void)
{
  MwWindow *window = mw_window_new (app);
  MwEditor *editor;
  MwGutterMarks *marks;
  GtkSourceView *view;
  cairo_surface_t *surface;
  cairo_surface_t *canvas;
  cairo_t *cr;
  double sx = 0, sy = 0;
  gint size, scale;
  gint drawn_w, drawn_h, icon_w, icon_h;

  gtk_window_set_default_size (GTK_WINDOW (window), 800, 500);
  gtk_widget_show (GTK_WIDGET (window));
  editor = mw_window_new_document (window);
  view = mw_editor_get_view (editor);
  scale = gtk_widget_get_scale_factor (GTK_WIDGET (view));
  g_assert_cmpint (scale, ==, 2);
  /* a syntax error on line 1 */
  gtk_text_buffer_set_text (GTK_TEXT_BUFFER (mw_editor_get_document (editor)), "x = = 1\n", -1);
  mw_editor_queue_check (editor, 0);
  g_assert_true (mw_test_wait_until (has_mark, editor, 10000));
  mw_test_spin (100);

  marks = mw_editor_get_gutter_marks (editor);
  size = gtk_source_gutter_renderer_get_size (GTK_SOURCE_GUTTER_RENDERER (marks));
  g_assert_null (mw_gutter_marks_render_line (marks, 1));
  surface = mw_gutter_marks_render_line (marks, 0);
  g_assert_nonnull (surface);
  cairo_surface_get_device_scale (surface, &sx, &sy);
  g_assert_cmpfloat (sx, ==, 2);
  g_assert_cmpfloat (sy, ==, 2);
  /* a menu-sized icon (16 logical pixels), in twice as many device pixels */
  g_assert_cmpint (cairo_image_surface_get_width (surface), ==, 32);
  g_assert_cmpint (cairo_image_surface_get_height (surface), ==, 32);
  g_assert_cmpint (size, >=, 16);
  cairo_surface_destroy (surface);

  /* What the column paints into a size x size cell at scale 2, against the theme's icon. */
  canvas = cairo_image_surface_create (CAIRO_FORMAT_ARGB32, size * 2, size * 2);
  cairo_surface_set_device_scale (canvas, 2, 2);
  cr = cairo_create (canvas);
  {
    GtkTextIter start, end;
    GdkRectangle cell = { 0, 0, size, size };

    gtk_text_buffer_get_start_iter (GTK_TEXT_BUFFER (mw_editor_get_document (editor)), &start);
    end = start;
    gtk_text_iter_forward_to_line_end (&end);
    gtk_source_gutter_renderer_draw (GTK_SOURCE_GUTTER_RENDERER (marks), cr, &cell, &cell, &start,
                                     &end, 0);
  }
  cairo_destroy (cr);
  painted_extent (canvas, &drawn_w, &drawn_h);
  cairo_surface_destroy (canvas);
  {
    g_autoptr (GdkPixbuf) icon =
      gtk_icon_theme_load_icon_for_scale (gtk_icon_theme_get_default (), "dialog-error-symbolic",
                                          size, 2, GTK_ICON_LOOKUP_FORCE_SIZE, NULL);
    cairo_surface_t *icon_surface;

    g_assert_nonnull (icon);
    icon_surface = gdk_cairo_surface_create_from_pixbuf (icon, 2, NULL);
    painted_extent (icon_surface, &icon_w, &icon_h);
    cairo_surface_destroy (icon_surface);
  }
  g_test_message ("line height %d px: icon %dx%d device px, drawn %dx%d", size, icon_w, icon_h,
                  drawn_w, drawn_h);
  /* well over the 16 device pixels of a half-size icon */
  g_assert_cmpint (icon_w, >, 20);
  g_assert_cmpint (drawn_w, ==, icon_w);
  g_assert_cmpint (drawn_h, ==, icon_h);

  gtk_text_buffer_set_modified (GTK_TEXT_BUFFER (mw_editor_get_document (editor)), FALSE);
  gtk_widget_destroy (GTK_WIDGET (window));
  mw_test_spin (20);
}

int
main (int argc, char *argv[])
{
  int status;

  /* before GDK opens the display: the scale of a HiDPI screen */
  g_setenv ("GDK_SCALE", "2", TRUE);
  mw_test_app_init (&argc, &argv);
  app = mw_test_app_new ();
  g_test_add_func ("/mw/app/gutter-marks/size-at-scale-2", test_mark_size_at_scale_2);
  status = g_test_run ();
  g_object_unref (app);
  return status;
}
