/* mw-lua-pipeline.h: a file's way to the board: lint, minify, compile, strip.
 *
 * One implementation for every front end: `moonwire-cli put/sync` and the desktop app's
 * Upload and Compile & Upload. Only `.lua` files are transformed; anything else goes to the
 * board as it is. Each step that fails stops the file with an error saying why; nothing is
 * returned half-done.
 */
#pragma once

#include <glib.h>

#include "mw-lua-linter.h"
#include "mw-lua-ram.h"

G_BEGIN_DECLS

#define MW_LUA_PIPELINE_ERROR (mw_lua_pipeline_error_quark ())

typedef enum
{
  MW_LUA_PIPELINE_ERROR_LINT = 1, /* the linter found errors (syntax, firmware limits) */
} MwLuaPipelineError;

typedef struct
{
  gboolean lint; /* refuse a file with lint errors (warnings pass) */
  gboolean minify; /* verified minifying, lines kept for the board's messages */
  gboolean compile; /* NodeMCU bytecode for `number_type`: x.lua -> x.lc */
  gboolean strip; /* with compile: drop all debug info (luac.cross -s) */
  MwLuaNumberType number_type; /* the board's build: float or integer */
  const MwLuaLintOptions *lint_options; /* NULL: the defaults */
} MwLuaPipelineOptions;

GQuark mw_lua_pipeline_error_quark (void);

/* Returns what to upload for the file `name` with contents `source`, and in *board_name the
 * name to upload it as (`x.lc` when compiled, else `name`). */
GBytes *mw_lua_pipeline_prepare (const char *name, GBytes *source,
                                 const MwLuaPipelineOptions *options, char **board_name,
                                 GError **error);

/* The board name of a compiled `name`: `x.lua` -> `x.lc` (else `name` + ".lc"). */
char *mw_lua_pipeline_compiled_name (const char *name);

G_END_DECLS
