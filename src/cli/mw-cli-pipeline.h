/* mw-cli-pipeline.h: the --lint, --minify, --compile, --strip, --remove-source and --target
 * options of `put` and `sync`, parsed into the board's own MwBoardUploadOptions. */
#pragma once

#include "mw-cli-device.h"

G_BEGIN_DECLS

/* Adds the options to `context`: the steps into `options`, --target into `*target`. */
void mw_cli_pipeline_add_options (GOptionContext *context, MwBoardUploadOptions *options,
                                  char **target);
/* Checks the options before the board is touched, and settles the number type: a given one,
 * or (for "board", the default) the probe's, which `device` is then told to ask for. */
gboolean mw_cli_pipeline_check (MwBoardUploadOptions *options, const char *target,
                                MwCliDeviceOptions *device, GError **error);

G_END_DECLS
