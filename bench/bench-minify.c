/* bench-minify: minifies (and verifies) many Lua files in one process; prints the size ratio
 * and MB/s. Any refusal is printed and makes the exit status 1. */
#include <locale.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "mw-lua-minifier.h"

int
main (int argc, char **argv)
{
  g_autoptr (GPtrArray) data = g_ptr_array_new_with_free_func (g_free);
  g_autoptr (GPtrArray) names = g_ptr_array_new ();
  g_autoptr (GArray) lens = g_array_new (FALSE, FALSE, sizeof (gsize));
  MwLuaMinifyOptions options = { 0 };
  gsize total = 0, total_out = 0;
  int rounds = 5, first = 1;
  gint64 best = G_MAXINT64;
  double best_cpu = G_MAXDOUBLE;
  guint failures = 0;

  setlocale (LC_NUMERIC, "C");
  for (; first < argc && argv[first][0] == '-'; first++)
    {
      if (strcmp (argv[first], "--keep-lines") == 0)
        options.keep_lines = TRUE;
      else if (strcmp (argv[first], "--no-literals") == 0)
        options.no_literals = TRUE;
      else if (strcmp (argv[first], "--no-rename") == 0)
        options.no_rename = TRUE;
      else if (strcmp (argv[first], "--once") == 0)
        rounds = 1;
    }
  if (first >= argc)
    {
      fprintf (stderr, "usage: bench-minify [--keep-lines] [--no-literals] [--once] FILE...\n");
      return 2;
    }
  for (int i = first; i < argc; i++)
    {
      char *d;
      gsize len;
      if (!g_file_get_contents (argv[i], &d, &len, NULL))
        continue;
      g_ptr_array_add (data, d);
      g_ptr_array_add (names, argv[i]);
      g_array_append_val (lens, len);
    }
  for (int r = 0; r < rounds; r++)
    {
      gint64 start = g_get_monotonic_time ();
      struct timespec cpu0, cpu1;
      gsize in = 0, out = 0;

      /* the calling thread's CPU time: the critical path when a second core is free for
       * the worker that compiles the inputs */
      clock_gettime (CLOCK_THREAD_CPUTIME_ID, &cpu0);
      for (guint i = 0; i < data->len; i++)
        {
          g_autoptr (GError) error = NULL;
          g_autoptr (GBytes) result = NULL;
          MwLuaMinifyReport report = { 0 };

          result = mw_lua_minify (names->pdata[i], data->pdata[i], g_array_index (lens, gsize, i),
                                  &options, &report, &error);
          if (result == NULL)
            {
              if (r == 0 && error->code != MW_LUA_MINIFY_ERROR_SYNTAX)
                {
                  fprintf (stderr, "REFUSED %s\n", error->message);
                  failures++;
                }
              continue;
            }
          in += report.input_bytes;
          out += report.output_bytes;
        }
      best = MIN (best, g_get_monotonic_time () - start);
      clock_gettime (CLOCK_THREAD_CPUTIME_ID, &cpu1);
      best_cpu =
        MIN (best_cpu, (cpu1.tv_sec - cpu0.tv_sec) * 1e3 + (cpu1.tv_nsec - cpu0.tv_nsec) / 1e6);
      total = in;
      total_out = out;
    }
  printf ("files: %u\nbytes in: %" G_GSIZE_FORMAT "\nbytes out: %" G_GSIZE_FORMAT "\n"
          "ratio: %.4f\nbest of %d: %.1f ms\nthroughput: %.1f MB/s\n"
          "calling thread CPU: %.1f ms (%.1f MB/s with the worker on a free core)\n"
          "refused: %u\n",
          data->len, total, total_out, total ? (double) total_out / total : 0.0, rounds,
          best / 1000.0, total / (double) best, best_cpu, total / (best_cpu * 1000.0), failures);
  return failures > 0 ? 1 : 0;
}
