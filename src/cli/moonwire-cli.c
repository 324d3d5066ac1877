/* moonwire-cli: every Moonwire operation from the command line, one subcommand per file. */
#include "mw-config.h"

#include <locale.h>
#include <stdio.h>
#include <string.h>

#include "mw-cli-commands.h"
#include "mw-cli-files.h"

typedef struct
{
  const char *name;
  MwCliCommandFunc func;
  const char *summary;
} Command;

static const Command commands[] = {
  { "check", mw_cli_check, "Check Lua files for syntax errors and firmware limits" },
  { "minify", mw_cli_minify, "Shrink Lua files, verified against their bytecode" },
  { "ports", mw_cli_ports, "List serial ports (NodeMCU USB bridges marked)" },
  { "repl", mw_cli_repl, "Interactive Lua prompt on the board" },
  { "info", mw_cli_info, "Firmware version, number type, modules, heap" },
  { "ls", mw_cli_ls, "List the board's files with sizes" },
  { "cat", mw_cli_cat, "Print a board file" },
  { "get", mw_cli_get, "Download board files" },
  { "put", mw_cli_put, "Upload files, verified on the board" },
  { "rm", mw_cli_rm, "Remove board files" },
  { "mv", mw_cli_mv, "Rename a board file" },
  { "run", mw_cli_run, "Run a board file (dofile) with its output" },
  { "exec", mw_cli_exec, "Run a Lua chunk on the board" },
  { "heap", mw_cli_heap, "Free heap, once or watched" },
  { "sync", mw_cli_sync, "Upload the files of a folder that differ on the board" },
  { "reset", mw_cli_reset, "Restart the board" },
  { "format", mw_cli_format, "Erase the board's file system (needs --yes)" },
  { "compile", mw_cli_compile, "Compile Lua files to NodeMCU bytecode (.lc); --list lists it" },
  { "lcinfo", mw_cli_lcinfo, "Describe NodeMCU/Lua 5.1 bytecode files" },
  { "ram", mw_cli_ram, "Estimate the heap that loading files costs on the board" },
  { "lint", mw_cli_lint, "Lint Lua files for RAM waste and NodeMCU hazards" },
  { "lfs", mw_cli_lfs, "Lua Flash Store: build, info, flash to the board" },
};

static void
print_usage (FILE *out)
{
  fprintf (out, "Usage: moonwire-cli COMMAND [OPTIONS...] [ARGS...]\n"
                "\n"
                "Moonwire: tools for NodeMCU boards (ESP8266, Lua 5.1 firmware).\n"
                "\n"
                "Commands:\n");
  for (gsize i = 0; i < G_N_ELEMENTS (commands); i++)
    fprintf (out, "  %-10s %s\n", commands[i].name, commands[i].summary);
  fprintf (out,
           "\n"
           "Options:\n"
           "  -h, --help     Show this help (COMMAND --help: that command's help)\n"
           "  -V, --version  Show the version\n"
           "\n"
           "Exit codes: 0 success, 1 findings (warnings), 2 errors in the input or on the\n"
           "board, 3 input/output error, 4 bad options, 5 no such port, port busy, no answer,\n"
           "or the board reset or hung up, 130 cancelled with Ctrl-C.\n");
}

gboolean
mw_cli_parse_options (GOptionContext *context, int *argc, char ***argv)
{
  g_autoptr (GError) error = NULL;

  if (!g_option_context_parse (context, argc, argv, &error))
    {
      g_printerr ("moonwire-cli: %s\n", error->message);
      return FALSE;
    }
  return TRUE;
}

int
main (int argc, char **argv)
{
  const char *name;

  setlocale (LC_ALL, "");
  g_set_prgname ("moonwire-cli");

  if (argc < 2)
    {
      print_usage (stderr);
      return MW_EXIT_USAGE;
    }
  name = argv[1];
  if (strcmp (name, "-h") == 0 || strcmp (name, "--help") == 0 || strcmp (name, "help") == 0)
    {
      print_usage (stdout);
      return MW_EXIT_OK;
    }
  if (strcmp (name, "-V") == 0 || strcmp (name, "--version") == 0)
    {
      printf ("moonwire-cli %s\n", MW_VERSION);
      return MW_EXIT_OK;
    }
  for (gsize i = 0; i < G_N_ELEMENTS (commands); i++)
    if (strcmp (commands[i].name, name) == 0)
      {
        g_autofree char *prog = g_strdup_printf ("moonwire-cli %s", name);
        int status;

        argv[1] = prog;
        status = commands[i].func (argc - 1, argv + 1);
        /* a full disk or a closed pipe is an input/output error, not a success */
        if (!mw_cli_flush_stdout (name))
          status = MAX (status, MW_EXIT_IO);
        return status;
      }
  g_printerr ("moonwire-cli: unknown command '%s' (see moonwire-cli --help)\n", name);
  return MW_EXIT_USAGE;
}
