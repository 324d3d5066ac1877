/* mw-problems-view.h: the Problems list: findings of every open file, click to jump, right
 * click to copy a finding or go to it. */
#pragma once

#include <gtk/gtk.h>

G_BEGIN_DECLS

#define MW_TYPE_PROBLEMS_VIEW (mw_problems_view_get_type ())
G_DECLARE_FINAL_TYPE (MwProblemsView, mw_problems_view, MW, PROBLEMS_VIEW, GtkBox)

GtkWidget *mw_problems_view_new (void);
/* Replaces the findings of one file (key: its path or tab name) with `diagnostics`
 * (MwLuaDiagnostic*; NULL or empty removes the file). */
void mw_problems_view_set_file (MwProblemsView *self, const char *key, const char *display_name,
                                GPtrArray *diagnostics);
guint mw_problems_view_get_count (MwProblemsView *self);
/* Activates the n-th row as a click would: emits "activate-location" (key, line, column). */
gboolean mw_problems_view_activate (MwProblemsView *self, guint n);
/* The rows as the list shows them, one a line: location, code, message and bytes (empty when
 * the finding has no figure), tab-separated. */
char *mw_problems_view_dup_text (MwProblemsView *self);
/* Selects the n-th row, as a right click on it does, and returns the menu the click opens
 * (Copy Message, Go to Line; owned by the view), or NULL without such a row. */
GtkWidget *mw_problems_view_get_row_menu (MwProblemsView *self, guint n);

G_END_DECLS
