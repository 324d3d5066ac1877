/* mw-cli-pipeline.c: the pipeline options of `put` and `sync` (see mw-lua-pipeline.h). */
#include "mw-config.h"

#include "mw-cli-pipeline.h"

void
mw_cli_pipeline_add_options (GOptionContext *context, MwBoardUploadOptions *options, char **target)
{
  const GOptionEntry entries[] = {
    { "lint", 0, 0, G_OPTION_ARG_NONE, &options->pipeline.lint,
      "Refuse .lua files with lint errors (syntax, firmware limits)", NULL },
    { "minify", 0, 0, G_OPTION_ARG_NONE, &options->pipeline.minify,
      "Minify .lua files (verified; lines kept for the board's messages)", NULL },
    { "compile", 0, 0, G_OPTION_ARG_NONE, &options->pipeline.compile,
      "Compile .lua files to NodeMCU bytecode on this machine and upload x.lc", NULL },
    { "strip", 0, 0, G_OPTION_ARG_NONE, &options->pipeline.strip,
      "With --compile: drop all debug info (smaller, errors read ?:0:)", NULL },
    { "remove-source", 0, 0, G_OPTION_ARG_NONE, &options->remove_source,
      "With --compile: remove x.lua from the board once x.lc is verified", NULL },
    { "target", 0, 0, G_OPTION_ARG_STRING, target,
      "With --compile: float, integer or board (ask the board; the default)", "TYPE" },
    { NULL }
  };

  g_option_context_add_main_entries (context, entries, NULL);
}

gboolean
mw_cli_pipeline_check (MwBoardUploadOptions *options, const char *target,
                       MwCliDeviceOptions *device, GError **error)
{
  if (target != NULL && g_strcmp0 (target, "board") != 0 && g_strcmp0 (target, "float") != 0
      && g_strcmp0 (target, "integer") != 0)
    {
      g_set_error (error, G_OPTION_ERROR, G_OPTION_ERROR_BAD_VALUE,
                   "--target must be float, integer or board, not '%s'", target);
      return FALSE;
    }
  if ((options->pipeline.strip || options->remove_source || target) && !options->pipeline.compile)
    {
      g_set_error_literal (error, G_OPTION_ERROR, G_OPTION_ERROR_BAD_VALUE,
                           "--strip, --remove-source and --target need --compile");
      return FALSE;
    }
  options->pipeline.number_type = g_strcmp0 (target, "integer") == 0 ? MW_LUA_TARGET_INTEGER
                                                                     : MW_LUA_TARGET_FLOAT;
  /* the bytecode must match the firmware's number type: an integer build rejects float
   * bytecode (docs/firmware.md section 4) */
  options->detect_number_type = options->pipeline.compile
                                && (target == NULL || g_strcmp0 (target, "board") == 0);
  device->probe = options->detect_number_type;
  return TRUE;
}
