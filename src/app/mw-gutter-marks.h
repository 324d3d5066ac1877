/* mw-gutter-marks.h: the editor's gutter column of line marks (lint findings, a run's error),
 * drawn at the screen's scale: GtkSourceView 4's own marks renderer shrinks the icons to half
 * their size at GDK_SCALE=2 (it fits the scaled pixbuf into the unscaled cell). */
#pragma once

#include <gtksourceview/gtksource.h>

G_BEGIN_DECLS

#define MW_TYPE_GUTTER_MARKS (mw_gutter_marks_get_type ())
G_DECLARE_FINAL_TYPE (MwGutterMarks, mw_gutter_marks, MW, GUTTER_MARKS, GtkSourceGutterRenderer)

GtkSourceGutterRenderer *mw_gutter_marks_new (void);
/* The icon of the first-priority mark on a 0-based line, as drawn: an image surface with the
 * widget's scale as its device scale; NULL when the line has no mark. */
cairo_surface_t *mw_gutter_marks_render_line (MwGutterMarks *self, gint line);

G_END_DECLS
