/* mw-application.h: Moonwire's GtkApplication: app.* actions, the app menu, settings. */
#pragma once

#include <gtk/gtk.h>

G_BEGIN_DECLS

#define MW_APPLICATION_ID "org.moonwire.Moonwire"

#define MW_TYPE_APPLICATION (mw_application_get_type ())
G_DECLARE_FINAL_TYPE (MwApplication, mw_application, MW, APPLICATION, GtkApplication)

MwApplication *mw_application_new (void);
/* The app's settings (org.moonwire.Moonwire), shared by every window. */
GSettings *mw_application_get_settings (MwApplication *self);
/* Shows the keyboard shortcuts window over `parent`. */
void mw_application_show_shortcuts (MwApplication *self, GtkWindow *parent);
/* Settings from the installed schema, or from the build tree when running uninstalled. */
GSettings *mw_settings_new (void);

G_END_DECLS
