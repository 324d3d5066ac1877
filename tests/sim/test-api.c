/* test-api.c: the simulator's module functions are exactly those docs/sim.md's table marks
 * present, so the table (checked against the 3.0 release's app/modules sources and its default
 * build configuration when it was written) cannot drift from the code; and the names of its
 * modules are exactly those of the linter's and editor's API table (mw-lua-api.h). */
#include <string.h>

#include "mw-lua-api.h"
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

/* A simulated board with the modules both tests read, once it has taken `setup`: the lines of
 * one Lua function, each under the 255-character limit, sent one by one. */
static MwSimTestBoard *
board_with_function (const char *const *setup, guint n_lines)
{
  MwSimOptions opts;
  MwSimTestBoard *board;

  mw_sim_test_options (&opts);
  opts.modules = "bit,crypto,encoder,file,gpio,node,sjson,tmr,uart,wifi";
  board = mw_sim_test_board_new (&opts, NULL);
  for (guint i = 0; i < n_lines; i++)
    {
      g_autofree char *line = g_strconcat (setup[i], "\r\n", NULL);
      g_autoptr (GString) got = NULL;

      mw_sim_test_send (board, line, -1);
      got = mw_sim_test_expect (board, i + 1 < n_lines ? "\r\n>> " : "\r\n> ", -1, 5000);
      g_assert_nonnull (got);
    }
  return board;
}

static void
test_table (void)
{
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

  /* one function over three lines */
  board = board_with_function (setup, G_N_ELEMENTS (setup));
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

/* The names of the API table (mw-lua-api.h: the linter's field lists and the editor's
 * completion) that the simulator's tables do not list, each for a reason: mostly the build
 * options its default build does not have (docs/firmware.md section 12), as in docs/sim.md's
 * "absent" rows; sorted by name as the comparison lists them. */
static const char *const table_only[] = {
  /* FATFS builds */
  "file.chdir", "file.mount",
  /* the gpio_pulse module (gpio.pulse) */
  "gpio.pulse", "gpio.pulse.build",
  /* PMSLEEP_ENABLE (app/include/pm/pmSleep.h PMSLEEP_INT_MAP) */
  "node.INT_BOTH", "node.INT_DOWN", "node.INT_HIGH", "node.INT_LOW", "node.INT_UP",
  /* answered by node.LFS's __index function, which pairs() does not list */
  "node.LFS.config", "node.LFS.time",
  /* DEVELOPMENT_TOOLS */
  "node.osprint", "node.readrcr",
  /* PLATFORM_STARTUP_COUNT */
  "node.startupcounts",
  /* DEVELOPMENT_TOOLS */
  "node.writercr",
  /* TIMER_SUSPEND_ENABLE */
  "tmr.resume_all", "tmr.suspend_all",
  /* the wifi_monitor module (wifi.monitor) */
  "wifi.monitor", "wifi.monitor.channel", "wifi.monitor.start", "wifi.monitor.stop",
  /* WIFI_SMART_ENABLE */
  "wifi.startsmart", "wifi.stopsmart", NULL
};

static int
cmp_names (gconstpointer a, gconstpointer b)
{
  return strcmp (*(const char *const *) a, *(const char *const *) b);
}

/* Adds "path.field" for every field of the API table `path` and of its sub-tables. */
static void
add_table_names (GHashTable *names, const char *path)
{
  gsize n = 0;
  const MwLuaApiField *fields = mw_lua_api_fields (path, &n);

  for (gsize i = 0; i < n; i++)
    {
      g_autofree char *full = g_strconcat (path, ".", fields[i].name, NULL);

      if (fields[i].params == NULL)
        add_table_names (names, full);
      g_hash_table_add (names, g_steal_pointer (&full));
    }
}

/* For every module the simulator implements, its names (functions, constants, sub-tables
 * and theirs) are exactly the API table's, less the listed exceptions: the simulator and
 * the linter's and editor's table cannot drift apart. */
static void
test_lint_table (void)
{
  static const char *const modules[] = { "bit",  "crypto", "encoder", "file", "gpio", "node",
                                         "pipe", "sjson",  "tmr",     "uart", "wifi", NULL };
  static const char *const setup[] = {
    "function keys(p,t) local ks={} for k in pairs(t) do ks[#ks+1]=k end table.sort(ks)",
    "for _,k in ipairs(ks) do r[#r+1]=p..k if type(t[k])=='table' then "
    "keys(p..k..'.',t[k]) end end end",
  };
  g_autoptr (MwSimTestBoard) board = NULL;
  g_autoptr (GHashTable) sim = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  g_autoptr (GHashTable) table = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  g_autoptr (GPtrArray) only_sim = g_ptr_array_new ();
  g_autoptr (GPtrArray) only_table = g_ptr_array_new ();
  g_autofree char *only_sim_text = NULL;
  g_autofree char *only_table_text = NULL;
  g_autofree char *expected = NULL;
  GHashTableIter it;
  gpointer name;

  board = board_with_function (setup, G_N_ELEMENTS (setup));
  for (guint m = 0; modules[m] != NULL; m++)
    {
      g_autofree char *line =
        g_strdup_printf ("r={} keys('%s.',%s) print(table.concat(r,' '))", modules[m], modules[m]);
      g_autofree char *out = mw_sim_test_run (board, line);
      g_auto (GStrv) names = g_strsplit (out, " ", -1);

      g_assert_cmpstr (out, !=, "");
      for (guint i = 0; names[i] != NULL; i++)
        g_hash_table_add (sim, g_strdup (names[i]));
      add_table_names (table, modules[m]);
    }

  g_hash_table_iter_init (&it, sim);
  while (g_hash_table_iter_next (&it, &name, NULL))
    if (!g_hash_table_contains (table, name))
      g_ptr_array_add (only_sim, name);
  g_hash_table_iter_init (&it, table);
  while (g_hash_table_iter_next (&it, &name, NULL))
    if (!g_hash_table_contains (sim, name))
      g_ptr_array_add (only_table, name);
  g_ptr_array_sort (only_sim, cmp_names);
  g_ptr_array_sort (only_table, cmp_names);
  g_ptr_array_add (only_sim, NULL);
  g_ptr_array_add (only_table, NULL);
  only_sim_text = g_strjoinv (" ", (char **) only_sim->pdata);
  only_table_text = g_strjoinv (" ", (char **) only_table->pdata);
  expected = g_strjoinv (" ", (char **) table_only);
  g_assert_cmpstr (only_sim_text, ==, "");
  g_assert_cmpstr (only_table_text, ==, expected);
  /* the objects' methods: what each object's metatable offers through __index */
  {
    static const struct
    {
      const char *constructor, *make;
    } objects[] = {
      { "crypto.new_hash", "crypto.new_hash('md5')" },
      { "crypto.new_hmac", "crypto.new_hmac('md5', 'k')" },
      { "file.open", "file.open('api-methods', 'w')" },
      { "pipe.create", "pipe.create()" },
      { "sjson.decoder", "sjson.decoder()" },
      { "sjson.encoder", "sjson.encoder({})" },
      { "tmr.create", "tmr.create()" },
    };
    g_autoptr (GString) got = g_string_new (NULL);
    g_autoptr (GString) want = g_string_new (NULL);

    for (guint i = 0; i < G_N_ELEMENTS (objects); i++)
      {
        g_autofree char *line = g_strdup_printf (
          "r={} keys('', getmetatable(%s).__index) print(table.concat(r,' '))", objects[i].make);
        g_autofree char *out = mw_sim_test_run (board, line);
        gsize n = 0;
        const MwLuaApiField *methods = mw_lua_api_methods (objects[i].constructor, &n);

        g_string_append_printf (got, "%s: %s\n", objects[i].constructor, out);
        g_string_append_printf (want, "%s:", objects[i].constructor);
        for (gsize j = 0; j < n; j++)
          /* a timer's suspend and resume are TIMER_SUSPEND_ENABLE's */
          if (!(g_str_equal (objects[i].constructor, "tmr.create")
                && (g_str_equal (methods[j].name, "suspend")
                    || g_str_equal (methods[j].name, "resume"))))
            g_string_append_printf (want, " %s", methods[j].name);
        g_string_append (want, "\n");
      }
    g_assert_cmpstr (got->str, ==, want->str);
  }
  /* the names node.LFS's __index answers are there, out of pairs()' sight */
  {
    g_autofree char *out =
      mw_sim_test_run (board, "print(type(node.LFS.config), type(getmetatable(node.LFS).__index))");
    g_assert_cmpstr (out, ==, "table\tfunction");
  }
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/mw/sim/api/table", test_table);
  g_test_add_func ("/mw/sim/api/lint-table", test_lint_table);
  return g_test_run ();
}
