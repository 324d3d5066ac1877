/* mw-pipeline-dialog.c: the upload pipeline of one project folder.
 *
 * Preferences hold the defaults; a folder's own choice lives in a key file (one group per
 * folder path) so that a project keeps its pipeline whatever the defaults become.
 */
#include "mw-config.h"

#include "mw-pipeline-dialog.h"

#include <errno.h>

struct _MwPipelineDialog
{
  GtkDialog parent_instance;

  GtkLabel *folder_label;
  GtkSwitch *lint_switch;
  GtkSwitch *minify_switch;
  GtkSwitch *compile_switch;
  GtkSwitch *strip_switch;
  GtkSwitch *remove_switch;

  char *folder;
};

G_DEFINE_TYPE (MwPipelineDialog, mw_pipeline_dialog, GTK_TYPE_DIALOG)

static const struct
{
  const char *key; /* in the key file and, with "pipeline-", in the schema */
  gsize offset;
} steps[] = {
  { "lint", G_STRUCT_OFFSET (MwBoardUploadOptions, pipeline.lint) },
  { "minify", G_STRUCT_OFFSET (MwBoardUploadOptions, pipeline.minify) },
  { "compile", G_STRUCT_OFFSET (MwBoardUploadOptions, pipeline.compile) },
  { "strip", G_STRUCT_OFFSET (MwBoardUploadOptions, pipeline.strip) },
  { "remove-source", G_STRUCT_OFFSET (MwBoardUploadOptions, remove_source) },
};

static char *
projects_path (void)
{
  return g_build_filename (g_get_user_config_dir (), "moonwire", "projects.ini", NULL);
}

void
mw_pipeline_load (MwBoardUploadOptions *pipeline, GSettings *settings, const char *folder)
{
  g_autoptr (GKeyFile) keys = g_key_file_new ();
  g_autofree char *path = projects_path ();
  gboolean have = folder != NULL && g_key_file_load_from_file (keys, path, G_KEY_FILE_NONE, NULL)
                  && g_key_file_has_group (keys, folder);

  g_return_if_fail (pipeline != NULL);
  g_return_if_fail (G_IS_SETTINGS (settings));

  for (guint i = 0; i < G_N_ELEMENTS (steps); i++)
    {
      gboolean *value = G_STRUCT_MEMBER_P (pipeline, steps[i].offset);
      g_autofree char *key = g_strconcat ("pipeline-", steps[i].key, NULL);
      g_autoptr (GError) error = NULL;

      *value = g_settings_get_boolean (settings, key);
      if (have)
        {
          gboolean v = g_key_file_get_boolean (keys, folder, steps[i].key, &error);
          if (error == NULL)
            *value = v;
        }
    }
}

gboolean
mw_pipeline_save (const MwBoardUploadOptions *pipeline, const char *folder, GError **error)
{
  g_autoptr (GKeyFile) keys = g_key_file_new ();
  g_autofree char *path = projects_path ();
  g_autofree char *dir = g_path_get_dirname (path);

  g_return_val_if_fail (pipeline != NULL, FALSE);
  g_return_val_if_fail (folder != NULL, FALSE);

  g_key_file_load_from_file (keys, path, G_KEY_FILE_KEEP_COMMENTS, NULL);
  for (guint i = 0; i < G_N_ELEMENTS (steps); i++)
    g_key_file_set_boolean (keys, folder, steps[i].key,
                            G_STRUCT_MEMBER (gboolean, pipeline, steps[i].offset));
  if (g_mkdir_with_parents (dir, 0700) != 0)
    {
      g_set_error (error, G_FILE_ERROR, g_file_error_from_errno (errno), "Could not create %s: %s",
                   dir, g_strerror (errno));
      return FALSE;
    }
  return g_key_file_save_to_file (keys, path, error);
}

static GtkSwitch *
step_switch (MwPipelineDialog *self, guint i)
{
  GtkSwitch *switches[] = { self->lint_switch, self->minify_switch, self->compile_switch,
                            self->strip_switch, self->remove_switch };
  return switches[i];
}

static void
response_cb (MwPipelineDialog *self)
{
  MwBoardUploadOptions pipeline = { 0 };
  g_autoptr (GError) error = NULL;

  for (guint i = 0; i < G_N_ELEMENTS (steps); i++)
    G_STRUCT_MEMBER (gboolean, &pipeline, steps[i].offset) =
      gtk_switch_get_active (step_switch (self, i));
  if (!mw_pipeline_save (&pipeline, self->folder, &error))
    g_warning ("Could not remember the pipeline of %s: %s", self->folder, error->message);
  gtk_widget_destroy (GTK_WIDGET (self));
}

static void
mw_pipeline_dialog_finalize (GObject *object)
{
  g_free (MW_PIPELINE_DIALOG (object)->folder);
  G_OBJECT_CLASS (mw_pipeline_dialog_parent_class)->finalize (object);
}

static void
mw_pipeline_dialog_class_init (MwPipelineDialogClass *klass)
{
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  G_OBJECT_CLASS (klass)->finalize = mw_pipeline_dialog_finalize;
  gtk_widget_class_set_template_from_resource (widget_class,
                                               "/org/moonwire/Moonwire/ui/mw-pipeline-dialog.ui");
  gtk_widget_class_bind_template_child (widget_class, MwPipelineDialog, folder_label);
  gtk_widget_class_bind_template_child (widget_class, MwPipelineDialog, lint_switch);
  gtk_widget_class_bind_template_child (widget_class, MwPipelineDialog, minify_switch);
  gtk_widget_class_bind_template_child (widget_class, MwPipelineDialog, compile_switch);
  gtk_widget_class_bind_template_child (widget_class, MwPipelineDialog, strip_switch);
  gtk_widget_class_bind_template_child (widget_class, MwPipelineDialog, remove_switch);
}

void
mw_pipeline_bind_dependencies (GtkSwitch *compile, GtkSwitch *strip, GtkSwitch *remove)
{
  /* Stripping and removing the source are steps of compiling: off with it. */
  g_object_bind_property (compile, "active", strip, "sensitive", G_BINDING_SYNC_CREATE);
  g_object_bind_property (compile, "active", remove, "sensitive", G_BINDING_SYNC_CREATE);
}

static void
mw_pipeline_dialog_init (MwPipelineDialog *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));
  gtk_dialog_add_button (GTK_DIALOG (self), "_Close", GTK_RESPONSE_CLOSE);
  mw_pipeline_bind_dependencies (self->compile_switch, self->strip_switch, self->remove_switch);
  g_signal_connect (self, "response", G_CALLBACK (response_cb), NULL);
}

GtkWidget *
mw_pipeline_dialog_new (GtkWindow *parent, GSettings *settings, const char *folder)
{
  MwPipelineDialog *self;
  MwBoardUploadOptions pipeline = { 0 };
  g_autofree char *text = NULL;

  g_return_val_if_fail (G_IS_SETTINGS (settings), NULL);
  g_return_val_if_fail (folder != NULL, NULL);

  self = g_object_new (MW_TYPE_PIPELINE_DIALOG, "transient-for", parent, NULL);
  self->folder = g_strdup (folder);
  text = g_strdup_printf ("For the files in %s (Preferences hold the defaults for other "
                          "folders)",
                          folder);
  gtk_label_set_text (self->folder_label, text);
  mw_pipeline_load (&pipeline, settings, folder);
  for (guint i = 0; i < G_N_ELEMENTS (steps); i++)
    gtk_switch_set_active (step_switch (self, i),
                           G_STRUCT_MEMBER (gboolean, &pipeline, steps[i].offset));
  return GTK_WIDGET (self);
}
