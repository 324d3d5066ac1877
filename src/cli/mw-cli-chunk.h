/* mw-cli-chunk.h: what compile and ram share (mw-cli-compile.c): --target, and a file's chunk
 * (a .lc read as it is, or source compiled for the target at a strip level). */
#pragma once

#include <glib.h>

#include "mw-lua-compiler.h"

G_BEGIN_DECLS

/* The --target option, its value a string for mw_cli_parse_target */
#define MW_CLI_TARGET_OPTION(name) \
  { \
    "target", 0, 0, G_OPTION_ARG_STRING, &(name), \
      "Firmware number type: float (default) or integer", "TYPE" \
  }

/* "float" (also NULL: the default) or "integer"; prints the error and returns FALSE else. */
gboolean mw_cli_parse_target (const char *name, MwLuaNumberType *target);

MwLuaChunk *mw_cli_load_chunk (const char *path, const char *data, gsize len,
                               MwLuaNumberType target, MwLuaStripLevel strip, GError **error);

G_END_DECLS
