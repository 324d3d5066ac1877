/* mw-cli-module.c: the board commands' table, exported by the moonwire-cli-board module
 * (mw-cli-module.h says why they are a module). */
#include "mw-cli-module.h"

#include "mw-cli-lfs.h"

/* looked up by name with dlsym() */
extern const MwCliModuleCommand mw_cli_module_commands[];

const MwCliModuleCommand mw_cli_module_commands[] = {
  { "ports", mw_cli_ports },
  { "repl", mw_cli_repl },
  { "info", mw_cli_info },
  { "ls", mw_cli_ls },
  { "cat", mw_cli_cat },
  { "get", mw_cli_get },
  { "put", mw_cli_put },
  { "rm", mw_cli_rm },
  { "mv", mw_cli_mv },
  { "run", mw_cli_run },
  { "exec", mw_cli_exec },
  { "heap", mw_cli_heap },
  { "sync", mw_cli_sync },
  { "reset", mw_cli_reset },
  { "format", mw_cli_format },
  { "lfs-flash", mw_cli_lfs_flash },
  { NULL, NULL },
};
