/* mw-cli-module.h: the board commands of moonwire-cli, in a module loaded on first use.
 *
 * Local commands (check, lint, minify, compile, ram, lcinfo) need GLib and Lua only; the board
 * commands also need GIO, GObject and libserialport, whose loading and initialization cost
 * more than a local command's whole run. So moonwire-cli links only what local commands use,
 * and the board commands live in the moonwire-cli-board module (mw-cli-module.c), which
 * moonwire-cli opens when one of them is run: next to the executable first (the build tree),
 * else in MW_CLI_MODULE_DIR.
 */
#pragma once

#include "mw-cli-commands.h"

G_BEGIN_DECLS

#define MW_CLI_MODULE_NAME "moonwire-cli-board.so"

typedef struct
{
  const char *name;
  MwCliCommandFunc func;
} MwCliModuleCommand;

/* The module's commands, NULL-terminated (exported by the module under this name). */
#define MW_CLI_MODULE_COMMANDS "mw_cli_module_commands"

G_END_DECLS
