/* moonwire-cli: every Moonwire operation from the command line, one subcommand per file.
 *
 * Local commands are linked in; board commands (func NULL here) come from the board module,
 * opened only when one of them runs (mw-cli-module.h), so that a local command starts
 * without loading GIO, GObject and libserialport. */
#include "mw-config.h"

#include <dlfcn.h>
#include <locale.h>
#include <stdio.h>
#include <string.h>

#include "mw-cli-files.h"
#include "mw-cli-module.h"

typedef struct
{
  const char *name;
  MwCliCommandFunc func; /* NULL: in the board module */
  const char *summary;
} Command;

static const Command commands[] = {
  { "check", mw_cli_check, "Check Lua files for syntax errors and firmware limits" },
  { "minify", mw_cli_minify, "Shrink Lua files, verified against their bytecode" },
  { "ports", NULL, "List serial ports (NodeMCU USB bridges marked)" },
  { "repl", NULL, "Interactive Lua prompt on the board" },
  { "info", NULL, "Firmware version, number type, modules, heap" },
  { "ls", NULL, "List the board's files with sizes" },
  { "cat", NULL, "Print a board file" },
  { "get", NULL, "Download board files" },
  { "put", NULL, "Upload files, verified on the board" },
  { "rm", NULL, "Remove board files" },
  { "mv", NULL, "Rename a board file" },
  { "run", NULL, "Run a board file (dofile) with its output" },
  { "exec", NULL, "Run a Lua chunk on the board" },
  { "heap", NULL, "Free heap, once or watched" },
  { "sync", NULL, "Upload the files of a folder that differ on the board" },
  { "reset", NULL, "Restart the board" },
  { "format", NULL, "Erase the board's file system (needs --yes)" },
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

MwCliCommandFunc
mw_cli_board_command (const char *name)
{
  g_autofree char *exe = g_file_read_link ("/proc/self/exe", NULL);
  g_autofree char *dir = exe != NULL ? g_path_get_dirname (exe) : NULL;
  g_autofree char *path = NULL;
  const MwCliModuleCommand *table;
  void *module;

  if (dir != NULL)
    path = g_build_filename (dir, MW_CLI_MODULE_NAME, NULL);
  if (path == NULL || !g_file_test (path, G_FILE_TEST_EXISTS))
    {
      g_free (path);
      path = g_build_filename (MW_CLI_MODULE_DIR, MW_CLI_MODULE_NAME, NULL);
    }
  /* never closed: the command runs from it until the process exits */
  module = dlopen (path, RTLD_NOW | RTLD_LOCAL);
  if (module == NULL)
    {
      g_printerr ("moonwire-cli: cannot load the board commands: %s\n", dlerror ());
      return NULL;
    }
  table = dlsym (module, MW_CLI_MODULE_COMMANDS);
  for (; table != NULL && table->name != NULL; table++)
    if (strcmp (table->name, name) == 0)
      return table->func;
  g_printerr ("moonwire-cli: %s has no command '%s'\n", path, name);
  return NULL;
}

int
main (int argc, char **argv)
{
  const char *name;

  /* the character set only (GLib converts messages to it): no translations to load, and
   * numbers keep the C locale's decimal point */
  setlocale (LC_CTYPE, "");
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
        MwCliCommandFunc func = commands[i].func ? commands[i].func : mw_cli_board_command (name);
        int status;

        if (func == NULL)
          return MW_EXIT_USAGE;
        argv[1] = prog;
        status = func (argc - 1, argv + 1);
        /* a full disk or a closed pipe is an input/output error, not a success */
        if (!mw_cli_flush_stdout (name))
          status = MAX (status, MW_EXIT_IO);
        return status;
      }
  g_printerr ("moonwire-cli: unknown command '%s' (see moonwire-cli --help)\n", name);
  return MW_EXIT_USAGE;
}
