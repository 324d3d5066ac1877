/* mw-cli-pipeline.c: the pipeline options of `put` and `sync` (see mw-lua-pipeline.h). */
#include "mw-config.h"

#include "mw-cli-pipeline.h"

void
mw_cli_pipeline_add_options (GOptionContext *context, MwCliPipelineOptions *options)
{
  const GOptionEntry entries[] = {
    { "lint", 0, 0, G_OPTION_ARG_NONE, &options->lint,
      "Refuse .lua files with lint errors (syntax, firmware limits)", NULL },
    { "minify", 0, 0, G_OPTION_ARG_NONE, &options->minify,
      "Minify .lua files (verified; lines kept for the board's messages)", NULL },
    { "compile", 0, 0, G_OPTION_ARG_NONE, &options->compile,
      "Compile .lua files to NodeMCU bytecode on this machine and upload x.lc", NULL },
    { "strip", 0, 0, G_OPTION_ARG_NONE, &options->strip,
      "With --compile: drop all debug info (smaller, errors read ?:0:)", NULL },
    { "remove-source", 0, 0, G_OPTION_ARG_NONE, &options->remove_source,
      "With --compile: remove x.lua from the board once x.lc is verified", NULL },
    { "target", 0, 0, G_OPTION_ARG_STRING, &options->target,
      "With --compile: float, integer or board (ask the board; the default)", "TYPE" },
    { NULL }
  };

  g_option_context_add_main_entries (context, entries, NULL);
}

void
mw_cli_pipeline_options_clear (MwCliPipelineOptions *options)
{
  g_clear_pointer (&options->target, g_free);
}

gboolean
mw_cli_pipeline_check (MwCliPipelineOptions *options, GError **error)
{
  if (options->target != NULL && g_strcmp0 (options->target, "board") != 0
      && g_strcmp0 (options->target, "float") != 0 && g_strcmp0 (options->target, "integer") != 0)
    {
      g_set_error (error, G_OPTION_ERROR, G_OPTION_ERROR_BAD_VALUE,
                   "--target must be float, integer or board, not '%s'", options->target);
      return FALSE;
    }
  if ((options->strip || options->remove_source || options->target) && !options->compile)
    {
      g_set_error_literal (error, G_OPTION_ERROR, G_OPTION_ERROR_BAD_VALUE,
                           "--strip, --remove-source and --target need --compile");
      return FALSE;
    }
  return TRUE;
}

gboolean
mw_cli_pipeline_resolve (MwCliPipelineOptions *options, MwCliConnection *conn,
                         MwLuaPipelineOptions *out, GError **error)
{
  *out = (MwLuaPipelineOptions){
    .lint = options->lint,
    .minify = options->minify,
    .compile = options->compile,
    .strip = options->strip,
    .number_type = MW_LUA_TARGET_FLOAT,
  };
  if (!options->compile)
    return TRUE;
  if (g_strcmp0 (options->target, "integer") == 0)
    out->number_type = MW_LUA_TARGET_INTEGER;
  else if (options->target == NULL || g_strcmp0 (options->target, "board") == 0)
    {
      /* the bytecode must match the firmware's number type: an integer build rejects float
       * bytecode (docs/firmware.md section 4) */
      g_autoptr (GAsyncResult) result = NULL;
      g_autoptr (MwBoardInfo) info = NULL;

      mw_device_probe_async (conn->device, conn->cancellable, mw_cli_store_result, &result);
      info = mw_device_probe_finish (conn->device, mw_cli_wait (conn, &result), error);
      if (info == NULL)
        return FALSE;
      if (info->number_type_known && info->number_type == MW_LUA_TARGET_INTEGER)
        out->number_type = MW_LUA_TARGET_INTEGER;
    }
  return TRUE;
}
