/* mw-cli-commands.h: the subcommands of moonwire-cli, one file each (mw-cli-<name>.c).
 *
 * Each takes the arguments after its name (argv[0] is "moonwire-cli NAME") and returns the
 * process exit code. Exit codes shared by all commands are below; a command documents any
 * others in its --help.
 */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

enum
{
  MW_EXIT_OK = 0,
  MW_EXIT_FINDINGS = 1, /* the command ran and found something (lint warnings) */
  MW_EXIT_ERROR = 2, /* the input is wrong (syntax errors, hard limits, a device error) */
  MW_EXIT_IO = 3, /* a file could not be read or written */
  MW_EXIT_USAGE = 4, /* bad options or arguments */
  MW_EXIT_CONNECTION = 5, /* no such port, port busy, no answer, the board reset or hung up */
  MW_EXIT_CANCELLED = 130, /* Ctrl-C: cancelled cleanly, the board left at its prompt */
};

typedef int (*MwCliCommandFunc) (int argc, char **argv);

int mw_cli_check (int argc, char **argv);
int mw_cli_minify (int argc, char **argv);
int mw_cli_ports (int argc, char **argv);
int mw_cli_repl (int argc, char **argv);
int mw_cli_info (int argc, char **argv);
int mw_cli_ls (int argc, char **argv);
int mw_cli_cat (int argc, char **argv);
int mw_cli_get (int argc, char **argv);
int mw_cli_put (int argc, char **argv);
int mw_cli_rm (int argc, char **argv);
int mw_cli_mv (int argc, char **argv);
int mw_cli_run (int argc, char **argv);
int mw_cli_exec (int argc, char **argv);
int mw_cli_heap (int argc, char **argv);
int mw_cli_sync (int argc, char **argv);
int mw_cli_reset (int argc, char **argv);
int mw_cli_format (int argc, char **argv);
int mw_cli_compile (int argc, char **argv);
int mw_cli_lcinfo (int argc, char **argv);
int mw_cli_ram (int argc, char **argv);
int mw_cli_lint (int argc, char **argv);
int mw_cli_lfs (int argc, char **argv);

/* A command of the board module by name (loaded on first use), or NULL with the reason
 * printed (moonwire-cli.c). */
MwCliCommandFunc mw_cli_board_command (const char *name);

/* Parses a command's options; prints the error and returns FALSE on bad usage. */
gboolean mw_cli_parse_options (GOptionContext *context, int *argc, char ***argv);

/* After parsing, for a command of files: FALSE, with "moonwire-cli COMMAND: no WHAT given"
 * printed, when argv holds none. */
gboolean mw_cli_have_files (int argc, const char *command, const char *what);

G_END_DECLS
