/* mw-preferences-dialog.h: the Preferences dialog over the app's GSettings. */
#pragma once

#include <gtk/gtk.h>

G_BEGIN_DECLS

#define MW_TYPE_PREFERENCES_DIALOG (mw_preferences_dialog_get_type ())
G_DECLARE_FINAL_TYPE (MwPreferencesDialog, mw_preferences_dialog, MW, PREFERENCES_DIALOG, GtkDialog)

GtkWidget *mw_preferences_dialog_new (GtkWindow *parent, GSettings *settings);

G_END_DECLS
