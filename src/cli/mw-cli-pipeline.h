/* mw-cli-pipeline.h: the --lint, --minify, --compile, --strip options of `put` and `sync`,
 * resolved against the connected board (its number type) into MwLuaPipelineOptions. */
#pragma once

#include "mw-cli-device.h"
#include "mw-lua-pipeline.h"

G_BEGIN_DECLS

typedef struct
{
  gboolean lint;
  gboolean minify;
  gboolean compile;
  gboolean strip;
  gboolean remove_source;
  char *target; /* "board" (the default), "float" or "integer" */
} MwCliPipelineOptions;

void mw_cli_pipeline_add_options (GOptionContext *context, MwCliPipelineOptions *options);
void mw_cli_pipeline_options_clear (MwCliPipelineOptions *options);
/* Checks the options before the board is touched. */
gboolean mw_cli_pipeline_check (MwCliPipelineOptions *options, GError **error);
/* Fills `out`; asks the board for its number type when compiling for "board". */
gboolean mw_cli_pipeline_resolve (MwCliPipelineOptions *options, MwCliConnection *conn,
                                  MwLuaPipelineOptions *out, GError **error);

G_END_DECLS
