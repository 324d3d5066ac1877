/* mw-gutter-marks.c: the gutter's line marks at the screen's scale (see mw-gutter-marks.h).
 * The marks and their attributes (icon, tooltip) are GtkSourceView's; only the drawing is ours.
 */
#include "mw-config.h"

#include "mw-gutter-marks.h"

struct _MwGutterMarks
{
  GtkSourceGutterRenderer parent_instance;
};

G_DEFINE_TYPE (MwGutterMarks, mw_gutter_marks, GTK_SOURCE_TYPE_GUTTER_RENDERER)

/* The icons' size in logical pixels: the menu icon size, the size the icon themes draw them for.
 */
static gint
icon_size (void)
{
  gint size = 16;

  gtk_icon_size_lookup (GTK_ICON_SIZE_MENU, &size, NULL);
  return size;
}

/* The column's width: the icon, or a line's height (as GtkSourceView's own marks take it) if
 * that is more. */
static gint
column_width (GtkWidget *view)
{
  g_autoptr (PangoLayout) layout = gtk_widget_create_pango_layout (view, "QWERTY");
  gint height = 12;

  pango_layout_get_pixel_size (layout, NULL, &height);
  return MAX (height - 2, icon_size ());
}

/* The marks on `line` that the view has attributes for, highest priority first. */
static GSList *
marks_at_line (GtkSourceView *view, gint line)
{
  GtkSourceBuffer *buffer = GTK_SOURCE_BUFFER (gtk_text_view_get_buffer (GTK_TEXT_VIEW (view)));
  GSList *marks = gtk_source_buffer_get_source_marks_at_line (buffer, line, NULL);
  GSList *kept = NULL;

  for (GSList *l = marks; l != NULL; l = l->next)
    {
      gint priority = 0;
      GSList *at;

      if (gtk_source_view_get_mark_attributes (view, gtk_source_mark_get_category (l->data),
                                               &priority)
          == NULL)
        continue;
      g_object_set_data (l->data, "mw-priority", GINT_TO_POINTER (priority));
      /* insertion sort: a line has a handful of marks */
      for (at = kept; at != NULL; at = at->next)
        if (GPOINTER_TO_INT (g_object_get_data (at->data, "mw-priority")) < priority)
          break;
      kept = g_slist_insert_before (kept, at, l->data);
    }
  g_slist_free (marks);
  return kept;
}

cairo_surface_t *
mw_gutter_marks_render_line (MwGutterMarks *self, gint line)
{
  GtkTextView *view;
  GSList *marks;
  GtkSourceMarkAttributes *attrs;
  const GdkPixbuf *pixbuf;
  gint scale;

  g_return_val_if_fail (MW_IS_GUTTER_MARKS (self), NULL);
  view = gtk_source_gutter_renderer_get_view (GTK_SOURCE_GUTTER_RENDERER (self));
  if (view == NULL || (marks = marks_at_line (GTK_SOURCE_VIEW (view), line)) == NULL)
    return NULL;
  attrs = gtk_source_view_get_mark_attributes (GTK_SOURCE_VIEW (view),
                                               gtk_source_mark_get_category (marks->data), NULL);
  g_slist_free (marks);
  /* The attributes load the icon for the widget's scale: size x scale device pixels. */
  pixbuf = gtk_source_mark_attributes_render_icon (attrs, GTK_WIDGET (view), icon_size ());
  if (pixbuf == NULL)
    return NULL;
  scale = gtk_widget_get_scale_factor (GTK_WIDGET (view));
  return gdk_cairo_surface_create_from_pixbuf (pixbuf, scale, NULL);
}

static void
mw_gutter_marks_draw (GtkSourceGutterRenderer *renderer, cairo_t *cr, GdkRectangle *background,
                      GdkRectangle *cell, GtkTextIter *start, GtkTextIter *end,
                      GtkSourceGutterRendererState state)
{
  cairo_surface_t *surface;
  double sx = 1, sy = 1;
  gint width, height;

  GTK_SOURCE_GUTTER_RENDERER_CLASS (mw_gutter_marks_parent_class)
    ->draw (renderer, cr, background, cell, start, end, state);
  surface =
    mw_gutter_marks_render_line (MW_GUTTER_MARKS (renderer), gtk_text_iter_get_line (start));
  if (surface == NULL)
    return;
  cairo_surface_get_device_scale (surface, &sx, &sy);
  width = cairo_image_surface_get_width (surface) / sx;
  height = cairo_image_surface_get_height (surface) / sy;
  cairo_set_source_surface (cr, surface, cell->x + (cell->width - width) / 2,
                            cell->y + (cell->height - height) / 2);
  cairo_paint (cr);
  cairo_surface_destroy (surface);
}

static gboolean
mw_gutter_marks_query_tooltip (GtkSourceGutterRenderer *renderer, GtkTextIter *iter,
                               GdkRectangle *area, gint x, gint y, GtkTooltip *tooltip)
{
  GtkSourceView *view = GTK_SOURCE_VIEW (gtk_source_gutter_renderer_get_view (renderer));
  GSList *marks = marks_at_line (view, gtk_text_iter_get_line (iter));
  g_autoptr (GString) text = g_string_new (NULL);

  for (GSList *l = marks; l != NULL; l = l->next)
    {
      GtkSourceMarkAttributes *attrs =
        gtk_source_view_get_mark_attributes (view, gtk_source_mark_get_category (l->data), NULL);
      g_autofree char *line = gtk_source_mark_attributes_get_tooltip_text (attrs, l->data);

      if (line == NULL)
        continue;
      if (text->len > 0)
        g_string_append_c (text, '\n');
      g_string_append (text, line);
    }
  g_slist_free (marks);
  if (text->len == 0)
    return FALSE;
  gtk_tooltip_set_text (tooltip, text->str);
  return TRUE;
}

static void
mw_gutter_marks_change_view (GtkSourceGutterRenderer *renderer, GtkTextView *old_view)
{
  GtkTextView *view = gtk_source_gutter_renderer_get_view (renderer);

  if (view != NULL)
    gtk_source_gutter_renderer_set_size (renderer, column_width (GTK_WIDGET (view)));
  if (GTK_SOURCE_GUTTER_RENDERER_CLASS (mw_gutter_marks_parent_class)->change_view != NULL)
    GTK_SOURCE_GUTTER_RENDERER_CLASS (mw_gutter_marks_parent_class)
      ->change_view (renderer, old_view);
}

static void
mw_gutter_marks_class_init (MwGutterMarksClass *klass)
{
  GtkSourceGutterRendererClass *renderer_class = GTK_SOURCE_GUTTER_RENDERER_CLASS (klass);

  renderer_class->draw = mw_gutter_marks_draw;
  renderer_class->query_tooltip = mw_gutter_marks_query_tooltip;
  renderer_class->change_view = mw_gutter_marks_change_view;
}

static void
mw_gutter_marks_init (MwGutterMarks *self)
{
}

GtkSourceGutterRenderer *
mw_gutter_marks_new (void)
{
  return g_object_new (MW_TYPE_GUTTER_MARKS, NULL);
}
