/* bench-parse: lex, parse and resolve many Lua files in one process; prints MB/s. */
#include <stdio.h>

#include "mw-lua-tree.h"

int
main (int argc, char **argv)
{
  g_autoptr (GPtrArray) data = g_ptr_array_new_with_free_func (g_free);
  g_autoptr (GArray) lens = g_array_new (FALSE, FALSE, sizeof (gsize));
  gsize total = 0;
  int rounds = 5;
  gint64 best = G_MAXINT64;

  if (argc < 2)
    {
      fprintf (stderr, "usage: bench-parse FILE...\n");
      return 2;
    }
  for (int i = 1; i < argc; i++)
    {
      char *d;
      gsize len;
      if (!g_file_get_contents (argv[i], &d, &len, NULL))
        continue;
      g_ptr_array_add (data, d);
      g_array_append_val (lens, len);
      total += len;
    }
  for (int r = 0; r < rounds; r++)
    {
      gint64 start = g_get_monotonic_time ();
      for (guint i = 0; i < data->len; i++)
        {
          MwLuaTree *tree = mw_lua_tree_parse (
            "bench", data->pdata[i], g_array_index (lens, gsize, i), MW_LUA_PARSE_SKIP_SHEBANG);
          mw_lua_tree_unref (tree);
        }
      best = MIN (best, g_get_monotonic_time () - start);
    }
  printf ("files: %u\nbytes: %" G_GSIZE_FORMAT "\nbest of %d: %.1f ms\nthroughput: %.1f MB/s\n",
          data->len, total, rounds, best / 1000.0, total / (double) best);
  return 0;
}
