/* bench-compile: compile many Lua files to NodeMCU float bytecode (.lc bytes, as
 * `moonwire-cli compile` writes them) in one process, with Moonwire's code generator and,
 * side by side, with the host's liblua5.1 re-encoded for the firmware (the path compile took
 * before); prints MB/s of source for both. Files over the firmware's limits, which compile
 * refuses, are left out of both. */
#include <stdio.h>
#include <string.h>
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

typedef struct
{
  char *name;
  char *data;
  gsize len;
} Input;

/* liblua5.1 compiles (as luaL_loadfile: a first "#" line blanked), MwLuaChunk re-encodes */
static GBytes *
compile_liblua (const Input *in)
{
  g_autofree char *chunkname = g_strconcat ("@", in->name, NULL);
  g_autoptr (MwLuaChunk) chunk = NULL;
  const char *src = in->data;
  gsize len = in->len;

  if (len > 0 && src[0] == '#')
    {
      const char *nl = memchr (src, '\n', len);
      len = nl != NULL ? len - (nl - src) : 0;
      src = nl != NULL ? nl : "";
    }
  chunk = mw_lua_chunk_new_from_source (chunkname, src, len, NULL);
  if (chunk == NULL)
    return NULL;
  return mw_lua_chunk_dump_stripped (chunk, &mw_lua_chunk_format_nodemcu_float, MW_LUA_STRIP_NAMES,
                                     NULL);
}

static GBytes *
compile_codegen (const Input *in)
{
  return mw_lua_compiler_compile_to_bytes (in->name, in->data, in->len, MW_LUA_TARGET_FLOAT,
                                           MW_LUA_STRIP_NAMES, NULL);
}

typedef struct
{
  gint64 wall, cpu;
  gsize out;
} Timing;

static Timing
run (GArray *inputs, GBytes *(*compile) (const Input *), int rounds)
{
  Timing best = { G_MAXINT64, G_MAXINT64, 0 };

  for (int r = 0; r < rounds; r++)
    {
      gint64 start = g_get_monotonic_time ();
      gint64 cpu_start = cpu_time_us ();
      gsize out = 0;

      for (guint i = 0; i < inputs->len; i++)
        {
          g_autoptr (GBytes) lc = compile (&g_array_index (inputs, Input, i));
          out += g_bytes_get_size (lc);
        }
      best.wall = MIN (best.wall, g_get_monotonic_time () - start);
      best.cpu = MIN (best.cpu, cpu_time_us () - cpu_start);
      best.out = out;
    }
  return best;
}

int
main (int argc, char **argv)
{
  g_autoptr (GArray) inputs = g_array_new (FALSE, FALSE, sizeof (Input));
  gsize total = 0;
  guint refused = 0, identical = 0;
  int rounds = 10;
  Timing ours, theirs;

  if (argc < 2)
    {
      fprintf (stderr, "usage: bench-compile FILE...\n");
      return 2;
    }
  for (int i = 1; i < argc; i++)
    {
      Input in = { argv[i], NULL, 0 };
      g_autoptr (GBytes) a = NULL;
      g_autoptr (GBytes) b = NULL;

      if (!g_file_get_contents (argv[i], &in.data, &in.len, NULL))
        continue;
      a = compile_codegen (&in);
      b = compile_liblua (&in);
      if (b == NULL)
        {
          fprintf (stderr, "bench-compile: %s does not compile\n", argv[i]);
          return 1;
        }
      if (a == NULL)
        {
          refused++; /* over the firmware's limits */
          g_free (in.data);
          continue;
        }
      identical += g_bytes_equal (a, b);
      g_array_append_val (inputs, in);
      total += in.len;
    }
  ours = run (inputs, compile_codegen, rounds);
  theirs = run (inputs, compile_liblua, rounds);
  printf ("files: %u (%u over the firmware's limits left out)\nsource bytes: %" G_GSIZE_FORMAT
          "\n.lc bytes: %" G_GSIZE_FORMAT " (code generator), %" G_GSIZE_FORMAT
          " (liblua5.1); %u files byte-identical\n",
          inputs->len, refused, total, ours.out, theirs.out, identical);
  printf ("%-28s %10s %10s %10s %12s\n", "best of 10", "wall ms", "CPU ms", "MB/s", "MB/s of CPU");
  printf ("%-28s %10.1f %10.1f %10.1f %12.1f\n", "moonwire code generator", ours.wall / 1000.0,
          ours.cpu / 1000.0, total / (double) ours.wall, total / (double) ours.cpu);
  printf ("%-28s %10.1f %10.1f %10.1f %12.1f\n", "liblua5.1 + re-encoding", theirs.wall / 1000.0,
          theirs.cpu / 1000.0, total / (double) theirs.wall, total / (double) theirs.cpu);
  printf ("target: >= 80 MB/s for the code generator; %.2fx the liblua5.1 path's speed in CPU "
          "time (wall time varies with the machine's load)\n",
          (double) theirs.cpu / ours.cpu);
  for (guint i = 0; i < inputs->len; i++)
    g_free (g_array_index (inputs, Input, i).data);
  return 0;
}
