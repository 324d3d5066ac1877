/* mw-pipeline-dialog.h: the upload pipeline of one project folder, remembered across runs. */
#pragma once

#include <gtk/gtk.h>

#include "mw-board.h"

G_BEGIN_DECLS

/* The steps of the pipeline remembered for `folder`, else the defaults from `settings`
 * (Preferences), into `options` (lint, minify, compile, strip, remove_source; the rest is left
 * as it is). */
void mw_pipeline_load (MwBoardUploadOptions *options, GSettings *settings, const char *folder);
/* Remembers the steps of `options` for `folder` (in the user's config folder,
 * moonwire/projects.ini). */
gboolean mw_pipeline_save (const MwBoardUploadOptions *options, const char *folder, GError **error);

#define MW_TYPE_PIPELINE_DIALOG (mw_pipeline_dialog_get_type ())
G_DECLARE_FINAL_TYPE (MwPipelineDialog, mw_pipeline_dialog, MW, PIPELINE_DIALOG, GtkDialog)

/* Edits the pipeline of `folder`; saved when the dialog closes. */
GtkWidget *mw_pipeline_dialog_new (GtkWindow *parent, GSettings *settings, const char *folder);

/* Strip and Remove are only for compiled uploads: sensitive while Compile is on. */
void mw_pipeline_bind_dependencies (GtkSwitch *compile, GtkSwitch *strip, GtkSwitch *remove);

G_END_DECLS
