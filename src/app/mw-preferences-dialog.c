/* mw-preferences-dialog.c: the Preferences dialog.
 *
 * Every widget is bound to its key with g_settings_bind, so a change applies at once (and to
 * every window that binds the same key); there is no Apply button to forget.
 */
#include "mw-config.h"

#include "mw-preferences-dialog.h"

#include "mw-application.h"
#include "mw-pipeline-dialog.h"

#include <gtksourceview/gtksource.h>

struct _MwPreferencesDialog
{
  GtkDialog parent_instance;

  GtkEntry *default_port_entry;
  GtkComboBoxText *baud_combo;
  GtkSpinButton *heap_interval_spin;
  GtkSwitch *lint_switch;
  GtkSwitch *minify_switch;
  GtkSwitch *compile_switch;
  GtkSwitch *strip_switch;
  GtkSwitch *remove_switch;
  GtkComboBoxText *number_type_combo;
  GtkSpinButton *upvalue_spin;
  GtkFontButton *font_button;
  GtkWidget *scheme_button;
  GtkSwitch *dark_switch;
  GtkScrolledWindow *scroller;

  GSettings *settings;
};

G_DEFINE_TYPE (MwPreferencesDialog, mw_preferences_dialog, GTK_TYPE_DIALOG)

/* The baud key is a number; the combo's active-id is its decimal text. */
static gboolean
baud_get_mapping (GValue *value, GVariant *variant, gpointer user_data)
{
  g_value_take_string (value, g_strdup_printf ("%u", g_variant_get_uint32 (variant)));
  return TRUE;
}

static GVariant *
baud_set_mapping (const GValue *value, const GVariantType *type, gpointer user_data)
{
  const char *id = g_value_get_string (value);
  return id != NULL ? g_variant_new_uint32 ((guint32) g_ascii_strtoull (id, NULL, 10)) : NULL;
}

/* The button names the scheme editors show (mw_style_scheme_resolve): with the dark style and
 * the default scheme, Moonwire Dark, not Classic. Choosing that scheme keeps the default. */
static gboolean
scheme_get_mapping (GValue *value, GVariant *variant, gpointer user_data)
{
  GtkSourceStyleSchemeManager *manager = gtk_source_style_scheme_manager_get_default ();
  gboolean dark = g_settings_get_boolean (G_SETTINGS (user_data), "prefer-dark");
  GtkSourceStyleScheme *scheme = gtk_source_style_scheme_manager_get_scheme (
    manager, mw_style_scheme_resolve (g_variant_get_string (variant, NULL), dark));

  if (scheme == NULL)
    scheme = gtk_source_style_scheme_manager_get_scheme (
      manager, mw_style_scheme_resolve (MW_STYLE_SCHEME_DEFAULT, dark));
  g_value_set_object (value, scheme);
  return TRUE;
}

static GVariant *
scheme_set_mapping (const GValue *value, const GVariantType *type, gpointer user_data)
{
  GtkSourceStyleScheme *scheme = g_value_get_object (value);
  gboolean dark = g_settings_get_boolean (G_SETTINGS (user_data), "prefer-dark");
  const char *id;

  if (scheme == NULL)
    return NULL;
  id = gtk_source_style_scheme_get_id (scheme);
  if (g_str_equal (id, mw_style_scheme_resolve (MW_STYLE_SCHEME_DEFAULT, dark)))
    id = MW_STYLE_SCHEME_DEFAULT;
  return g_variant_new_string (id);
}

/* The dark style switched: the default scheme's name changes with it. */
static void
prefer_dark_changed_cb (GSettings *settings, const char *key, MwPreferencesDialog *self)
{
  g_auto (GValue) value = G_VALUE_INIT;
  g_autoptr (GVariant) id = g_settings_get_value (settings, "style-scheme");

  g_value_init (&value, GTK_SOURCE_TYPE_STYLE_SCHEME);
  scheme_get_mapping (&value, id, settings);
  gtk_source_style_scheme_chooser_set_style_scheme (
    GTK_SOURCE_STYLE_SCHEME_CHOOSER (self->scheme_button), g_value_get_object (&value));
}

static void
mw_preferences_dialog_finalize (GObject *object)
{
  MwPreferencesDialog *self = MW_PREFERENCES_DIALOG (object);

  g_clear_object (&self->settings);
  G_OBJECT_CLASS (mw_preferences_dialog_parent_class)->finalize (object);
}

static void
mw_preferences_dialog_class_init (MwPreferencesDialogClass *klass)
{
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  G_OBJECT_CLASS (klass)->finalize = mw_preferences_dialog_finalize;

  g_type_ensure (GTK_SOURCE_TYPE_STYLE_SCHEME_CHOOSER_BUTTON);
  gtk_widget_class_set_template_from_resource (
    widget_class, "/org/moonwire/Moonwire/ui/mw-preferences-dialog.ui");
#define BIND(name) gtk_widget_class_bind_template_child (widget_class, MwPreferencesDialog, name)
  BIND (default_port_entry);
  BIND (baud_combo);
  BIND (heap_interval_spin);
  BIND (lint_switch);
  BIND (minify_switch);
  BIND (compile_switch);
  BIND (strip_switch);
  BIND (remove_switch);
  BIND (number_type_combo);
  BIND (upvalue_spin);
  BIND (font_button);
  BIND (scheme_button);
  BIND (dark_switch);
  BIND (scroller);
#undef BIND
}

static void
mw_preferences_dialog_init (MwPreferencesDialog *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));
}

/* The settings are taller than a 600 px screen: past the screen's height they scroll. */
static void
fit_screen (MwPreferencesDialog *self, GtkWindow *parent)
{
  GdkDisplay *display = gtk_widget_get_display (GTK_WIDGET (self));
  GdkWindow *window = parent != NULL ? gtk_widget_get_window (GTK_WIDGET (parent)) : NULL;
  GdkMonitor *monitor = window != NULL ? gdk_display_get_monitor_at_window (display, window)
                                       : gdk_display_get_primary_monitor (display);
  GdkRectangle area;

  if (monitor == NULL)
    return;
  gdk_monitor_get_workarea (monitor, &area);
  /* what the header bar and the window's frame take */
  gtk_scrolled_window_set_max_content_height (self->scroller, MAX (area.height - 120, 200));
}

GtkWidget *
mw_preferences_dialog_new (GtkWindow *parent, GSettings *settings)
{
  MwPreferencesDialog *self;

  g_return_val_if_fail (G_IS_SETTINGS (settings), NULL);

  self = g_object_new (MW_TYPE_PREFERENCES_DIALOG, "transient-for", parent, NULL);
  self->settings = g_object_ref (settings);
  fit_screen (self, parent);
  g_settings_bind (settings, "default-port", self->default_port_entry, "text",
                   G_SETTINGS_BIND_DEFAULT);
  g_settings_bind_with_mapping (settings, "baud", self->baud_combo, "active-id",
                                G_SETTINGS_BIND_DEFAULT, baud_get_mapping, baud_set_mapping, NULL,
                                NULL);
  g_settings_bind (settings, "heap-interval", self->heap_interval_spin, "value",
                   G_SETTINGS_BIND_DEFAULT);
  g_settings_bind (settings, "pipeline-lint", self->lint_switch, "active", G_SETTINGS_BIND_DEFAULT);
  g_settings_bind (settings, "pipeline-minify", self->minify_switch, "active",
                   G_SETTINGS_BIND_DEFAULT);
  g_settings_bind (settings, "pipeline-compile", self->compile_switch, "active",
                   G_SETTINGS_BIND_DEFAULT);
  g_settings_bind (settings, "pipeline-strip", self->strip_switch, "active",
                   G_SETTINGS_BIND_DEFAULT);
  g_settings_bind (settings, "pipeline-remove-source", self->remove_switch, "active",
                   G_SETTINGS_BIND_DEFAULT);
  mw_pipeline_bind_dependencies (self->compile_switch, self->strip_switch, self->remove_switch);
  g_settings_bind (settings, "number-type", self->number_type_combo, "active-id",
                   G_SETTINGS_BIND_DEFAULT);
  g_settings_bind (settings, "upvalue-threshold", self->upvalue_spin, "value",
                   G_SETTINGS_BIND_DEFAULT);
  g_settings_bind (settings, "editor-font", self->font_button, "font", G_SETTINGS_BIND_DEFAULT);
  g_settings_bind_with_mapping (settings, "style-scheme", self->scheme_button, "style-scheme",
                                G_SETTINGS_BIND_DEFAULT, scheme_get_mapping, scheme_set_mapping,
                                g_object_ref (settings), g_object_unref);
  g_signal_connect_object (settings, "changed::prefer-dark", G_CALLBACK (prefer_dark_changed_cb),
                           self, 0);
  g_settings_bind (settings, "prefer-dark", self->dark_switch, "active", G_SETTINGS_BIND_DEFAULT);
  return GTK_WIDGET (self);
}
