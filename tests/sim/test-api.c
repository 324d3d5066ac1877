/* test-api.c: the simulator's module functions are exactly those docs/sim.md's table marks
 * present, so the table (checked against the 3.0 release's app/modules sources and its default
 * build configuration when it was written) cannot drift from the code. */
#include <string.h>

#include "mw-sim-test.h"

/* The names in the first column of the table's rows whose status is not "absent". */
static GHashTable *
documented (void)
{
  const char *data = g_getenv ("MOONWIRE_TEST_DATA");
  g_autofree char *path = NULL, *text = NULL;
  g_auto (GStrv) lines = NULL;
  GHashTable *names = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  gboolean in_table = FALSE;

  g_assert_nonnull (data);
  path = g_build_filename (data, "..", "docs", "sim.md", NULL);
  g_assert_true (g_file_get_contents (path, &text, NULL, NULL));
  lines = g_strsplit (text, "\n", -1);
  for (guint i = 0; lines[i]; i++)
    {
      g_auto (GStrv) cols = NULL;
      g_auto (GStrv) ticks = NULL;

      if (g_str_has_prefix (lines[i], "## "))
        in_table = g_str_equal (lines[i], "## API of the 3.0 modules");
      if (!in_table || !g_str_has_prefix (lines[i], "| `"))
        continue;
      cols = g_strsplit (lines[i], "|", -1);
      g_assert_cmpuint (g_strv_length (cols), >=, 4);
      g_strstrip (cols[2]);
      if (g_str_equal (cols[2], "absent"))
        continue;
      g_assert_true (g_str_equal (cols[2], "yes") || g_str_equal (cols[2], "stub"));
      ticks = g_strsplit (cols[1], "`", -1);
      for (guint j = 1; ticks[j]; j += 2)
        g_hash_table_add (names, g_strdup (ticks[j]));
    }
  return names;
}

static void
test_table (void)
{
  MwSimOptions opts;
  g_autoptr (MwSimTestBoard) board = NULL;
  g_autoptr (GHashTable) want = documented ();
  g_autoptr (GHashTable) have = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  g_autofree char *out = NULL;
  g_auto (GStrv) names = NULL;
  GHashTableIter it;
  gpointer name;
  static const char *const setup[] = {
    "function dump(p,t,s) local ks={} for k in pairs(t) do ks[#ks+1]=k end table.sort(ks)",
    "for _,k in ipairs(ks) do local v=t[k] if type(v)=='table' and not s[v] then "
    "s[v]=1 dump(p..k..'.',v,s)",
    "elseif type(v)=='function' then r[#r+1]=p..k end end end",
  };

  mw_sim_test_options (&opts);
  opts.modules = "bit,crypto,encoder,file,gpio,node,sjson,tmr,uart,wifi";
  board = mw_sim_test_board_new (&opts, NULL);
  /* one function over three lines (each under the 255-character limit) */
  for (guint i = 0; i < G_N_ELEMENTS (setup); i++)
    {
      g_autofree char *line = g_strconcat (setup[i], "\r\n", NULL);
      g_autoptr (GString) got = NULL;

      mw_sim_test_send (board, line, -1);
      got =
        mw_sim_test_expect (board, i + 1 < G_N_ELEMENTS (setup) ? "\r\n>> " : "\r\n> ", -1, 5000);
      g_assert_nonnull (got);
    }
  out = mw_sim_test_run (board, "r={} for _,m in ipairs({'node','file','tmr','uart','gpio','bit',"
                                "'sjson','encoder','crypto','wifi','pipe'}) do "
                                "dump(m..'.',_G[m],{}) end print(table.concat(r,' '))");
  names = g_strsplit (out, " ", -1);
  for (guint i = 0; names[i]; i++)
    g_hash_table_add (have, g_strdup (names[i]));

  g_hash_table_iter_init (&it, want);
  while (g_hash_table_iter_next (&it, &name, NULL))
    if (!g_hash_table_contains (have, name))
      g_test_fail_printf ("docs/sim.md lists %s, the simulator has no such function",
                          (char *) name);
  g_hash_table_iter_init (&it, have);
  while (g_hash_table_iter_next (&it, &name, NULL))
    if (!g_hash_table_contains (want, name))
      g_test_fail_printf ("the simulator has %s, docs/sim.md does not list it", (char *) name);
  g_assert_cmpuint (g_hash_table_size (have), ==, g_hash_table_size (want));
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/mw/sim/api/table", test_table);
  return g_test_run ();
}
