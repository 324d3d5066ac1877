/* mw-cli-lcinfo.c: `moonwire-cli lcinfo FILE.lc`: what a bytecode file is and holds. */
#include "mw-config.h"

#include <stdio.h>

#include "mw-cli-commands.h"
#include "mw-cli-files.h"
#include "mw-lua-chunk.h"

typedef struct
{
  guint functions, instructions, constants, strings, numbers, lines, locals, upvalue_names;
} Totals;

static void
count (const MwLuaProto *f, Totals *t)
{
  t->functions++;
  t->instructions += f->n_code;
  t->constants += f->n_constants;
  for (guint k = 0; k < f->n_constants; k++)
    {
      t->strings += f->constants[k].type == MW_LUA_CONSTANT_STRING;
      t->numbers += f->constants[k].type == MW_LUA_CONSTANT_NUMBER;
    }
  t->lines += f->n_lineinfo;
  t->locals += f->n_locvars;
  t->upvalue_names += f->n_upvalues;
  for (guint p = 0; p < f->n_protos; p++)
    count (f->protos[p], t);
}

static void
print_functions (const MwLuaProto *f, guint *index)
{
  g_autofree char *where = f->linedefined == 0
                             ? g_strdup ("main")
                             : g_strdup_printf ("%d-%d", f->linedefined, f->lastlinedefined);

  printf ("  %5u  %-11s %6u %6u %6u %4u%s %7u %8" G_GSIZE_FORMAT "\n", ++*index, where, f->n_code,
          f->n_constants, f->nups, f->numparams, f->is_vararg ? "+" : " ", f->n_locvars,
          mw_lua_proto_packed_lineinfo_size (f));
  for (guint p = 0; p < f->n_protos; p++)
    print_functions (f->protos[p], index);
}

int
mw_cli_lcinfo (int argc, char **argv)
{
  g_autoptr (GOptionContext) context = g_option_context_new ("FILE.lc...");
  int status = MW_EXIT_OK;

  g_option_context_set_summary (context,
                                "Describes Lua 5.1 bytecode files: header, target firmware, "
                                "debug info,\nfunctions and sizes.\n\n"
                                "Exit status: 0 success, 2 a file is not valid bytecode, "
                                "3 a file could not be\nread, 4 bad options.");
  if (!mw_cli_parse_options (context, &argc, &argv))
    return MW_EXIT_USAGE;
  if (!mw_cli_have_files (argc, "lcinfo", "files"))
    return MW_EXIT_USAGE;
  for (int i = 1; i < argc; i++)
    {
      g_autoptr (GError) error = NULL;
      g_autofree char *data = NULL;
      g_autofree char *kind = NULL;
      g_autoptr (MwLuaChunk) chunk = NULL;
      const MwLuaChunkFormat *fmt;
      const MwLuaProto *main;
      const char *loads;
      const char *debug;
      Totals t = { 0 };
      guint index = 0;
      gsize len = 0;

      if (!mw_cli_read_file (argv[i], MW_CLI_MAX_SOURCE, "bytecode", &data, &len, &error))
        {
          g_printerr ("moonwire-cli lcinfo: %s\n", error->message);
          status = MAX (status, MW_EXIT_IO);
          continue;
        }
      chunk = mw_lua_chunk_new_from_bytes ((const guint8 *) data, len, &error);
      if (chunk == NULL)
        {
          g_printerr ("%s: %s\n", argv[i], error->message);
          status = MAX (status, MW_EXIT_ERROR);
          continue;
        }
      fmt = mw_lua_chunk_get_format (chunk);
      main = mw_lua_chunk_get_main (chunk);
      count (main, &t);
      kind = mw_lua_chunk_format_describe (fmt);
      if (mw_lua_chunk_format_equal (fmt, &mw_lua_chunk_format_nodemcu_float))
        loads = "float firmware only (an integer firmware rejects it)";
      else if (mw_lua_chunk_format_equal (fmt, &mw_lua_chunk_format_nodemcu_integer))
        loads = "integer and float firmware";
      else
        loads = "not on a NodeMCU board (compile the source with moonwire-cli compile)";
      if (t.lines == 0 && main->source.data == NULL)
        debug = "none (stripped, as compile -s and node.compile)";
      else if (t.locals == 0 && t.upvalue_names == 0)
        debug = "line numbers, no local or upvalue names (the firmware's default)";
      else
        debug = "line numbers, local and upvalue names (full)";

      if (i > 1)
        printf ("\n");
      printf ("%s: %s bytecode, %" G_GSIZE_FORMAT " bytes\n", argv[i], kind, len);
      printf ("header:     ");
      for (int b = 0; b < 12; b++)
        printf ("%02x%s", (guchar) data[b], b == 3 || (b >= 4 && b < 11) ? " " : "");
      printf ("\n");
      printf ("loads on:   %s\n", loads);
      {
        /* the source name is the file's bytes: shown escaped */
        g_autofree char *source =
          main->source.data != NULL ? mw_cli_printable_name (main->source.data) : NULL;

        printf ("source:     %s\n", source != NULL ? source : "(stripped)");
      }
      printf ("debug info: %s\n", debug);
      printf ("contents:   %u function%s, %u instruction%s, %u constant%s (%u string%s, "
              "%u number%s)\n",
              t.functions, t.functions == 1 ? "" : "s", t.instructions,
              t.instructions == 1 ? "" : "s", t.constants, t.constants == 1 ? "" : "s", t.strings,
              t.strings == 1 ? "" : "s", t.numbers, t.numbers == 1 ? "" : "s");
      printf ("  %5s  %-11s %6s %6s %6s %5s %7s %8s\n", "#", "lines", "instr", "const", "upval",
              "param", "locals", "lineinfo");
      print_functions (main, &index);
    }
  return status;
}
