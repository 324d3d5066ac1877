/* mw-application.h: Moonwire's GtkApplication: app.* actions, the app menu, settings. */
#pragma once

#include <gtk/gtk.h>

#include "mw-snippet-store.h"

G_BEGIN_DECLS

#define MW_APPLICATION_ID "org.moonwire.Moonwire"

#define MW_TYPE_APPLICATION (mw_application_get_type ())
G_DECLARE_FINAL_TYPE (MwApplication, mw_application, MW, APPLICATION, GtkApplication)

MwApplication *mw_application_new (void);
/* The app's settings (org.moonwire.Moonwire), shared by every window. */
GSettings *mw_application_get_settings (MwApplication *self);
/* The user's snippets, shared by every window; loaded at the first call, which alone gets an
 * error when the file could not be read (the defaults are shown then). */
MwSnippetStore *mw_application_get_snippets (MwApplication *self, GError **error);
/* Shows the keyboard shortcuts window over `parent`. */
void mw_application_show_shortcuts (MwApplication *self, GtkWindow *parent);
/* The style scheme editors show for the "style-scheme" key: its default, Classic, follows the
 * dark style (Moonwire Dark, resources/moonwire-dark.xml); any other scheme is as chosen. */
#define MW_STYLE_SCHEME_DEFAULT "classic"
const char *mw_style_scheme_resolve (const char *id, gboolean prefer_dark);
/* Settings from the installed schema, or from the build tree when running uninstalled. */
GSettings *mw_settings_new (void);

G_END_DECLS
