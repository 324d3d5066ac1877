/* mw-pipeline-dialog.h: the upload pipeline of one project folder, remembered across runs. */
#pragma once

#include <gtk/gtk.h>

G_BEGIN_DECLS

/* The steps of the upload pipeline. */
typedef struct
{
  gboolean lint;
  gboolean minify;
  gboolean compile;
  gboolean strip;
  gboolean remove_source;
} MwPipeline;

/* The pipeline remembered for `folder`, else the defaults from `settings` (Preferences). */
void mw_pipeline_load (MwPipeline *pipeline, GSettings *settings, const char *folder);
/* Remembers `pipeline` for `folder` (in the user's config folder, moonwire/projects.ini). */
gboolean mw_pipeline_save (const MwPipeline *pipeline, const char *folder, GError **error);

#define MW_TYPE_PIPELINE_DIALOG (mw_pipeline_dialog_get_type ())
G_DECLARE_FINAL_TYPE (MwPipelineDialog, mw_pipeline_dialog, MW, PIPELINE_DIALOG, GtkDialog)

/* Edits the pipeline of `folder`; saved when the dialog closes. */
GtkWidget *mw_pipeline_dialog_new (GtkWindow *parent, GSettings *settings, const char *folder);

/* Strip and Remove are only for compiled uploads: sensitive while Compile is on. */
void mw_pipeline_bind_dependencies (GtkSwitch *compile, GtkSwitch *strip, GtkSwitch *remove);

G_END_DECLS
