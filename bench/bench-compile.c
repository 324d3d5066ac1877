/* bench-compile: compile many Lua files to NodeMCU float bytecode (.lc bytes, as
 * `moonwire-cli compile` writes them) in one process; prints MB/s of source. */
#include <stdio.h>
#include <time.h>

#include "mw-lua-compiler.h"

/* CPU time of this process: the machine may be shared, and wall time then varies. */
static gint64
cpu_time_us (void)
{
  struct timespec ts;
  clock_gettime (CLOCK_PROCESS_CPUTIME_ID, &ts);
  return (gint64) ts.tv_sec * 1000000 + ts.tv_nsec / 1000;
}

int
main (int argc, char **argv)
{
  g_autoptr (GPtrArray) data = g_ptr_array_new_with_free_func (g_free);
  g_autoptr (GPtrArray) names = g_ptr_array_new ();
  g_autoptr (GArray) lens = g_array_new (FALSE, FALSE, sizeof (gsize));
  gsize total = 0, out = 0;
  int rounds = 10;
  gint64 best = G_MAXINT64;
  gint64 best_cpu = G_MAXINT64;

  if (argc < 2)
    {
      fprintf (stderr, "usage: bench-compile FILE...\n");
      return 2;
    }
  for (int i = 1; i < argc; i++)
    {
      char *d;
      gsize len;
      if (!g_file_get_contents (argv[i], &d, &len, NULL))
        continue;
      g_ptr_array_add (data, d);
      g_ptr_array_add (names, argv[i]);
      g_array_append_val (lens, len);
      total += len;
    }
  for (int r = 0; r < rounds; r++)
    {
      gint64 start = g_get_monotonic_time ();
      gint64 cpu_start = cpu_time_us ();
      out = 0;
      for (guint i = 0; i < data->len; i++)
        {
          g_autoptr (GBytes) lc = NULL;
          lc = mw_lua_compiler_compile_to_bytes (names->pdata[i], data->pdata[i],
                                                 g_array_index (lens, gsize, i),
                                                 MW_LUA_TARGET_FLOAT, MW_LUA_STRIP_NAMES, NULL);
          if (lc == NULL)
            {
              fprintf (stderr, "bench-compile: %s does not compile\n", (char *) names->pdata[i]);
              return 1;
            }
          out += g_bytes_get_size (lc);
        }
      best = MIN (best, g_get_monotonic_time () - start);
      best_cpu = MIN (best_cpu, cpu_time_us () - cpu_start);
    }
  printf ("files: %u\nsource bytes: %" G_GSIZE_FORMAT "\n.lc bytes: %" G_GSIZE_FORMAT
          "\nbest of %d: %.1f ms (CPU %.1f ms)\nthroughput: %.1f MB/s (target: >= 40; "
          "%.1f MB/s of CPU time)\n",
          data->len, total, out, rounds, best / 1000.0, best_cpu / 1000.0, total / (double) best,
          total / (double) best_cpu);
  return 0;
}
