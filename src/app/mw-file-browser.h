/* mw-file-browser.h: the board's files with sizes and flash usage, and file actions. */
#pragma once

#include <gtk/gtk.h>

G_BEGIN_DECLS

#define MW_TYPE_FILE_BROWSER (mw_file_browser_get_type ())
G_DECLARE_FINAL_TYPE (MwFileBrowser, mw_file_browser, MW, FILE_BROWSER, GtkBox)

GtkWidget *mw_file_browser_new (void);
/* Whether a board is connected: without one the actions are off and the list empty. */
void mw_file_browser_set_connected (MwFileBrowser *self, gboolean connected);
/* Replaces the list: `names` and `sizes` hold n entries. */
void mw_file_browser_set_files (MwFileBrowser *self, const char *const *names, const gint64 *sizes,
                                guint n);
void mw_file_browser_set_fsinfo (MwFileBrowser *self, guint64 remaining, guint64 used,
                                 guint64 total);
guint mw_file_browser_get_n_files (MwFileBrowser *self);
/* The size of `name`, or -1 when it is not listed */
gint64 mw_file_browser_lookup (MwFileBrowser *self, const char *name);
void mw_file_browser_select (MwFileBrowser *self, const char *name);
char *mw_file_browser_dup_selected (MwFileBrowser *self);
/* The menu a right click on the list shows (tests read its items) */
GtkMenu *mw_file_browser_get_context_menu (MwFileBrowser *self);

G_END_DECLS
