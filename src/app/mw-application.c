/* mw-application.c: Moonwire's GtkApplication.
 *
 * Owns the settings and the app.* actions (preferences, shortcuts, about, quit). The app menu
 * (gtk/menus.ui) and the shortcuts window (gtk/help-overlay.ui) are loaded by GtkApplication
 * from the resource base path; the dark style follows the prefer-dark setting.
 */
#include "mw-config.h"

#include "mw-application.h"
#include "mw-preferences-dialog.h"
#include "mw-snippet-store.h"
#include "mw-window.h"

#include <errno.h>
#include <gtksourceview/gtksource.h>

struct _MwApplication
{
  GtkApplication parent_instance;
  GSettings *settings;
  GtkCssProvider *font_css;
  GtkWidget *shortcuts;
  MwSnippetStore *snippets; /* made when the first window asks */
};

G_DEFINE_TYPE (MwApplication, mw_application, GTK_TYPE_APPLICATION)

#define DEFAULT_DARK_SCHEME "moonwire-dark" /* resources/moonwire-dark.xml */
#define FALLBACK_DARK_SCHEME "oblivion" /* its parent, should the cache be unwritable */

const char *
mw_style_scheme_resolve (const char *id, gboolean prefer_dark)
{
  GtkSourceStyleSchemeManager *manager = gtk_source_style_scheme_manager_get_default ();

  g_return_val_if_fail (id != NULL, NULL);
  if (!prefer_dark || !g_str_equal (id, MW_STYLE_SCHEME_DEFAULT))
    return id;
  return gtk_source_style_scheme_manager_get_scheme (manager, DEFAULT_DARK_SCHEME) != NULL
           ? DEFAULT_DARK_SCHEME
           : FALLBACK_DARK_SCHEME;
}

/* GtkSourceView 4 reads style schemes from folders only: Moonwire's own goes from its resources
 * to the user's cache folder, which joins the search path. */
static void
install_style_schemes (void)
{
  g_autoptr (GBytes) bytes =
    g_resources_lookup_data ("/org/moonwire/Moonwire/styles/" DEFAULT_DARK_SCHEME ".xml", 0, NULL);
  g_autofree char *dir = g_build_filename (g_get_user_cache_dir (), "moonwire", "styles", NULL);
  g_autofree char *path = g_build_filename (dir, DEFAULT_DARK_SCHEME ".xml", NULL);
  g_autoptr (GError) error = NULL;

  g_assert (bytes != NULL);
  if (g_mkdir_with_parents (dir, 0755) != 0
      || !g_file_set_contents (path, g_bytes_get_data (bytes, NULL), g_bytes_get_size (bytes),
                               &error))
    {
      g_warning ("the dark style's editor scheme stays Oblivion: %s",
                 error != NULL ? error->message : g_strerror (errno));
      return;
    }
  gtk_source_style_scheme_manager_append_search_path (
    gtk_source_style_scheme_manager_get_default (), dir);
}

GSettings *
mw_settings_new (void)
{
  GSettingsSchemaSource *source = g_settings_schema_source_get_default ();
  g_autoptr (GSettingsSchema) schema = NULL;

  if (source != NULL)
    schema = g_settings_schema_source_lookup (source, MW_APPLICATION_ID, TRUE);
  if (schema == NULL)
    {
      /* Running from the build tree (scripts/run): the schema is compiled there. */
      g_autoptr (GError) error = NULL;
      g_autoptr (GSettingsSchemaSource) built = g_settings_schema_source_new_from_directory (
        MW_SCHEMA_DIR_UNINSTALLED, source, FALSE, &error);
      if (built == NULL)
        g_error ("Moonwire's settings schema %s is not installed: %s", MW_APPLICATION_ID,
                 error->message);
      schema = g_settings_schema_source_lookup (built, MW_APPLICATION_ID, FALSE);
      if (schema == NULL)
        g_error ("Moonwire's settings schema %s is not installed", MW_APPLICATION_ID);
    }
  return g_settings_new_full (schema, NULL, NULL);
}

static void
mw_application_quit (GSimpleAction *action, GVariant *param, gpointer user_data)
{
  MwApplication *self = user_data;
  g_autoptr (GList) windows = g_list_copy (gtk_application_get_windows (GTK_APPLICATION (self)));

  /* Each window asks about its unsaved documents; the app exits when the last one closes. */
  for (GList *l = windows; l != NULL; l = l->next)
    {
      if (MW_IS_WINDOW (l->data))
        mw_window_request_close (MW_WINDOW (l->data));
      else
        gtk_widget_destroy (GTK_WIDGET (l->data));
    }
}

static void
mw_application_preferences (GSimpleAction *action, GVariant *param, gpointer user_data)
{
  MwApplication *self = user_data;
  GtkWindow *parent = gtk_application_get_active_window (GTK_APPLICATION (self));
  GtkWidget *dialog = mw_preferences_dialog_new (parent, self->settings);

  gtk_window_present (GTK_WINDOW (dialog));
}

static void
mw_application_about (GSimpleAction *action, GVariant *param, gpointer user_data)
{
  MwApplication *self = user_data;
  static const char *authors[] = { "The Moonwire developers", NULL };
  GtkWindow *parent = gtk_application_get_active_window (GTK_APPLICATION (self));

  gtk_show_about_dialog (parent, "program-name", "Moonwire", "logo-icon-name", MW_APPLICATION_ID,
                         "version", MW_VERSION, "comments",
                         "An IDE for NodeMCU boards: editor, REPL console, "
                         "device files and a live heap graph",
                         "license-type", GTK_LICENSE_GPL_3_0, "authors", authors, "website",
                         "https://moonwire.org", NULL);
}

static const GActionEntry app_entries[] = {
  { "preferences", mw_application_preferences },
  { "about", mw_application_about },
  { "quit", mw_application_quit },
};

/* Every main action's accelerator; the shortcuts window lists the same. */
static const struct
{
  const char *action;
  const char *accels[3];
} app_accels[] = {
  { "app.quit", { "<Primary>q", NULL } },
  { "app.preferences", { "<Primary>comma", NULL } },
  { "win.show-help-overlay", { "<Primary>question", "<Primary>F1", NULL } },
  { "win.new", { "<Primary>n", NULL } },
  { "win.open", { "<Primary>o", NULL } },
  { "win.save", { "<Primary>s", NULL } },
  { "win.save-as", { "<Primary><Shift>s", NULL } },
  { "win.close-tab", { "<Primary>w", NULL } },
  { "win.find", { "<Primary>f", NULL } },
  { "win.replace", { "<Primary>h", NULL } },
  { "win.connect", { "<Primary>k", NULL } },
  { "win.disconnect", { "<Primary><Shift>k", NULL } },
  { "win.reset", { "<Primary><Shift>r", NULL } },
  { "win.upload", { "<Primary>u", "F6", NULL } },
  { "win.compile-upload", { "<Primary><Shift>u", NULL } },
  { "win.run", { "<Primary>r", "F5", NULL } },
  { "win.send-selection", { "<Primary>Return", NULL } },
  { "win.clear-console", { "<Primary>l", NULL } },
  { "win.focus-console", { "<Primary>grave", NULL } },
};

/* The editor font: GTK 3 styles fonts through CSS, the setting is a Pango description. One
 * provider for the whole app, so every editor and console follows a change at once. */
static void
font_changed_cb (MwApplication *self)
{
  g_autofree char *font = g_settings_get_string (self->settings, "editor-font");
  PangoFontDescription *desc = pango_font_description_from_string (font);
  g_autoptr (GString) css = g_string_new (".mw-editor-view, .mw-console-view { ");
  const char *family = pango_font_description_get_family (desc);
  gint size = pango_font_description_get_size (desc);

  g_string_append_printf (css, "font-family: \"%s\";", family != NULL ? family : "Monospace");
  if (size > 0)
    g_string_append_printf (css, " font-size: %dpt;", size / PANGO_SCALE);
  g_string_append (css, " }");
  gtk_css_provider_load_from_data (self->font_css, css->str, -1, NULL);
  pango_font_description_free (desc);
}

static void
mw_application_startup (GApplication *app)
{
  MwApplication *self = MW_APPLICATION (app);
  g_autoptr (GtkCssProvider) css = gtk_css_provider_new ();

  G_APPLICATION_CLASS (mw_application_parent_class)->startup (app);

  gtk_source_init ();
  install_style_schemes ();
  g_action_map_add_action_entries (G_ACTION_MAP (self), app_entries, G_N_ELEMENTS (app_entries),
                                   self);
  for (guint i = 0; i < G_N_ELEMENTS (app_accels); i++)
    gtk_application_set_accels_for_action (GTK_APPLICATION (self), app_accels[i].action,
                                           app_accels[i].accels);

  gtk_css_provider_load_from_resource (css, "/org/moonwire/Moonwire/style.css");
  gtk_style_context_add_provider_for_screen (gdk_screen_get_default (), GTK_STYLE_PROVIDER (css),
                                             GTK_STYLE_PROVIDER_PRIORITY_APPLICATION);

  self->font_css = gtk_css_provider_new ();
  gtk_style_context_add_provider_for_screen (gdk_screen_get_default (),
                                             GTK_STYLE_PROVIDER (self->font_css),
                                             GTK_STYLE_PROVIDER_PRIORITY_APPLICATION + 1);
  g_signal_connect_object (self->settings, "changed::editor-font", G_CALLBACK (font_changed_cb),
                           self, G_CONNECT_SWAPPED);
  font_changed_cb (self);

  g_settings_bind (self->settings, "prefer-dark", gtk_settings_get_default (),
                   "gtk-application-prefer-dark-theme", G_SETTINGS_BIND_GET);
}

static void
mw_application_activate (GApplication *app)
{
  GtkWindow *window = gtk_application_get_active_window (GTK_APPLICATION (app));

  if (window == NULL)
    {
      window = GTK_WINDOW (mw_window_new (MW_APPLICATION (app)));
      mw_window_restore_session (MW_WINDOW (window));
    }
  gtk_window_present (window);
}

static void
mw_application_open (GApplication *app, GFile **files, gint n_files, const char *hint)
{
  MwWindow *window;

  mw_application_activate (app);
  window = MW_WINDOW (gtk_application_get_active_window (GTK_APPLICATION (app)));
  for (gint i = 0; i < n_files; i++)
    mw_window_open_file (window, files[i]);
}

static void
mw_application_shutdown (GApplication *app)
{
  G_APPLICATION_CLASS (mw_application_parent_class)->shutdown (app);
  gtk_source_finalize ();
}

static void
mw_application_finalize (GObject *object)
{
  MwApplication *self = MW_APPLICATION (object);

  g_clear_object (&self->settings);
  g_clear_object (&self->font_css);
  g_clear_object (&self->shortcuts);
  g_clear_object (&self->snippets);
  G_OBJECT_CLASS (mw_application_parent_class)->finalize (object);
}

static void
mw_application_class_init (MwApplicationClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GApplicationClass *app_class = G_APPLICATION_CLASS (klass);

  object_class->finalize = mw_application_finalize;
  app_class->startup = mw_application_startup;
  app_class->activate = mw_application_activate;
  app_class->open = mw_application_open;
  app_class->shutdown = mw_application_shutdown;
}

static void
mw_application_init (MwApplication *self)
{
  self->settings = mw_settings_new ();
}

MwApplication *
mw_application_new (void)
{
  return g_object_new (MW_TYPE_APPLICATION, "application-id", MW_APPLICATION_ID, "flags",
                       G_APPLICATION_HANDLES_OPEN | G_APPLICATION_NON_UNIQUE, "resource-base-path",
                       "/org/moonwire/Moonwire", NULL);
}

GSettings *
mw_application_get_settings (MwApplication *self)
{
  g_return_val_if_fail (MW_IS_APPLICATION (self), NULL);
  return self->settings;
}

void
mw_application_show_shortcuts (MwApplication *self, GtkWindow *parent)
{
  g_return_if_fail (MW_IS_APPLICATION (self));
  g_return_if_fail (parent == NULL || GTK_IS_WINDOW (parent));

  /* One shortcuts window for the app's life, hidden when closed and never destroyed: GTK 3.24
   * crashes on the next theme change (e.g. the dark style) after a GtkShortcutsWindow is
   * destroyed. That is also why it is not GtkApplicationWindow's automatic help overlay. */
  if (self->shortcuts == NULL)
    {
      g_autoptr (GtkBuilder) builder =
        gtk_builder_new_from_resource ("/org/moonwire/Moonwire/ui/mw-shortcuts-window.ui");

      self->shortcuts =
        g_object_ref (GTK_WIDGET (gtk_builder_get_object (builder, "help_overlay")));
      g_signal_connect (self->shortcuts, "delete-event", G_CALLBACK (gtk_widget_hide_on_delete),
                        NULL);
    }
  gtk_window_set_transient_for (GTK_WINDOW (self->shortcuts), parent);
  gtk_window_present (GTK_WINDOW (self->shortcuts));
}

MwSnippetStore *
mw_application_get_snippets (MwApplication *self, GError **error)
{
  g_return_val_if_fail (MW_IS_APPLICATION (self), NULL);

  /* Loaded once, so every window shows the same list; only the first caller hears of a file
   * that could not be read. */
  if (self->snippets == NULL)
    {
      g_autofree char *path = mw_snippet_store_default_path ();

      self->snippets = mw_snippet_store_new (path, error);
    }
  return self->snippets;
}
