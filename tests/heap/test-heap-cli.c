/* test-heap-cli.c: `moonwire-cli heap --snapshot / --top / --diff` against the simulated
 * board over its pty, whole outputs checked; figures worked out from the object sizes of
 * docs/ram-model.md. */
#include "mw-config.h"

#include <glib/gstdio.h>

#include "mw-heap-snapshot.h"
#include "mw-sim.h"
#include "mw-test-support.h"

static MwSim *sim;
static char *dir;

static void
run (MwTestCliRun *r, const char *const *args)
{
  mw_test_cli_run (r, dir, args);
}

static void
exec_lua (const char *code)
{
  g_auto (MwTestCliRun) r = { 0 };
  const char *args[] = { "exec", "--port", mw_sim_get_path (sim), code, NULL };

  run (&r, args);
  g_assert_cmpint (r.status, ==, 0);
}

/* Every number in `text` (which it frees) as N. */
static char *
numbers_out (char *text)
{
  g_autoptr (GRegex) re = g_regex_new ("[0-9]+(\\.[0-9]+)?", 0, 0, NULL);
  char *out = g_regex_replace_literal (re, text, -1, 0, "N", 0, NULL);

  g_free (text);
  return out;
}

static void
test_snapshot_top_diff (void)
{
  const char *port = mw_sim_get_path (sim);
  g_auto (MwTestCliRun) a = { 0 };
  g_auto (MwTestCliRun) b = { 0 };
  g_auto (MwTestCliRun) top = { 0 };
  g_auto (MwTestCliRun) diff = { 0 };
  g_auto (MwTestCliRun) json = { 0 };
  const char *snap_a[] = {
    "heap", "--port", port, "--snapshot", "-o", "a.json", "--top", "1", NULL
  };
  const char *snap_b[] = {
    "heap", "--port", port, "--snapshot", "-o", "b.json", "--top", "1", NULL
  };
  const char *top_b[] = { "heap", "--top", "2", "hand.json", NULL };
  const char *diff_ab[] = { "heap", "--diff", "a.json", "b.json", NULL };
  const char *diff_json[] = { "heap", "--diff", "--json", "a.json", "b.json", NULL };
  g_auto (GStrv) lines = NULL;
  g_autofree char *summary = NULL;
  g_autofree char *hand = g_build_filename (dir, "hand.json", NULL);

  /* a snapshot written by hand: _G holds config (100 B), which holds list (200 B) and name */
  g_assert_true (g_file_set_contents (
    hand,
    "{\"format\": \"moonwire-heap-snapshot\", \"version\": 1, \"objects\": ["
    "{\"kind\": \"root\", \"key\": \"\", \"path\": \"(roots)\", \"size\": 0},"
    "{\"kind\": \"table\", \"key\": \"a:1\", \"path\": \"_G\", \"size\": 64},"
    "{\"kind\": \"table\", \"key\": \"a:2\", \"path\": \"_G.config\", \"size\": 80},"
    "{\"kind\": \"table\", \"key\": \"a:3\", \"path\": \"_G.config.list\", \"size\": 200},"
    "{\"kind\": \"string\", \"key\": \"s:4:name\", \"path\": \"_G.config.name\", \"size\": 20}"
    "], \"edges\": [[0, 1, \"_G\"], [1, 2, \".config\"], [2, 3, \".list\"], [2, 4, \".name\"]]}",
    -1, NULL));

  exec_lua ("cache={} for i=1,30 do cache[i]=string.rep('c',200)..i end");
  run (&a, snap_a);
  g_assert_cmpint (a.status, ==, 0);
  g_assert_cmpstr (a.err, ==, "");
  /* the summary, every figure but the walk's replaced by N (they follow the simulator's
   * modules), then the largest retainers */
  lines = g_strsplit (a.out, "\n", 6);
  g_assert_cmpuint (g_strv_length (lines), ==, 6);
  lines[5][0] = '\0';
  summary = g_strjoinv ("\n", lines);
  summary = numbers_out (summary);
  g_assert_cmpstr (summary, ==,
                   "N objects, N bytes reached from _G and the registry (float build)\n"
                   "the board: N bytes free, N bytes counted by Lua; +N bytes not reached (the "
                   "VM's own: string table, stacks, buffers)\n"
                   "upvalues: not followed (the firmware's debug library has no getupvalue); what "
                   "only an upvalue holds is not reached\n"
                   "walk: N requests, N bytes received in N s; the walker's peak: N bytes of heap\n"
                   "saved to a.json\n");
  /* 32 array slots (32 + 32 x 12) and strings of 201 and 202 bytes (16 + n + 1):
   * 416 + 9 x 218 + 21 x 219 = 6977 */
  {
    g_autofree char *file = g_build_filename (dir, "a.json", NULL);
    g_autoptr (GError) error = NULL;
    g_autoptr (MwHeapSnapshot) s = mw_heap_snapshot_load (file, &error);
    gboolean found = FALSE;

    g_assert_no_error (error);
    for (guint i = 0; i < mw_heap_snapshot_get_n_objects (s); i++)
      {
        MwHeapObject *o = mw_heap_snapshot_get_object (s, i);

        if (g_strcmp0 (o->path, "_G.cache") == 0)
          {
            g_assert_cmpuint (o->retained, ==, 6977);
            g_assert_cmpuint (o->count, ==, 31);
            found = TRUE;
          }
      }
    g_assert_true (found);
  }
  exec_lua ("for i=31,60 do cache[i]=string.rep('c',200)..i end");
  run (&b, snap_b);
  g_assert_cmpint (b.status, ==, 0);
  run (&top, top_b);
  g_assert_cmpint (top.status, ==, 0);
  g_assert_cmpstr (top.out, ==,
                   "    300 B     3 obj  _G.config  (table)\n"
                   "      200 B     1 obj  _G.config.list  (table)\n");
  run (&diff, diff_ab);
  g_assert_cmpint (diff.status, ==, 0);
  g_assert_cmpstr (diff.out, ==, "grew       +6954 B   +30 obj  _G.cache\n");
  run (&json, diff_json);
  g_assert_cmpint (json.status, ==, 0);
  g_assert_cmpstr (
    json.out, ==,
    "[\n  {\n    \"path\" : \"_G.cache\",\n    \"bytes_a\" : 6977,\n"
    "    \"bytes_b\" : 13931,\n    \"count_a\" : 31,\n    \"count_b\" : 61\n  }\n]\n");
}

static void
test_errors (void)
{
  static const struct
  {
    const char *args[6];
    int status;
    const char *err;
  } cases[] = {
    { { "heap", "--diff", "a.json", NULL },
      4,
      "moonwire-cli heap: --diff takes two snapshot files, A.json B.json\n" },
    { { "heap", "--diff", "a.json", "missing.json", NULL },
      3,
      "moonwire-cli heap: Failed to open file “missing.json”: No such file or directory\n" },
    { { "heap", "--top", "3", "notes.txt", NULL },
      3,
      "moonwire-cli heap: notes.txt: not JSON: <data>:1:3: Parse error: unexpected identifier "
      "`not', expected value\n" },
    { { "heap", "--top", "3", "other.json", NULL },
      3,
      "moonwire-cli heap: other.json: not a Moonwire heap snapshot: no \"format\": "
      "\"moonwire-heap-snapshot\"\n" },
    { { "heap", "--top", "-2", "other.json", NULL },
      4,
      "moonwire-cli heap: --top must be a positive number\n" },
    { { "heap", "--snapshot", "other.json", NULL },
      4,
      "moonwire-cli heap: a snapshot FILE goes with --top alone (use -o to save one)\n" },
  };
  g_autofree char *notes = g_build_filename (dir, "notes.txt", NULL);
  g_autofree char *other = g_build_filename (dir, "other.json", NULL);

  g_assert_true (g_file_set_contents (notes, "not a snapshot", -1, NULL));
  g_assert_true (g_file_set_contents (other, "{\"format\": \"x\"}", -1, NULL));
  for (gsize i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_auto (MwTestCliRun) r = { 0 };

      run (&r, cases[i].args);
      g_assert_cmpint (r.status, ==, cases[i].status);
      g_assert_cmpstr (r.out, ==, "");
      g_assert_cmpstr (r.err, ==, cases[i].err);
    }
}

int
main (int argc, char **argv)
{
  MwSimOptions options;
  g_autoptr (GError) error = NULL;
  int status;

  g_test_init (&argc, &argv, NULL);
  dir = mw_test_tmp_path ("heap-cli");
  g_mkdir_with_parents (dir, 0700);
  mw_sim_options_init (&options);
  options.baud_limit = FALSE;
  sim = mw_sim_new (&options);
  g_assert_true (mw_sim_start (sim, &error));
  g_test_add_func ("/mw/heap/cli/snapshot-top-diff", test_snapshot_top_diff);
  g_test_add_func ("/mw/heap/cli/errors", test_errors);
  status = g_test_run ();
  mw_sim_stop (sim);
  g_object_unref (sim);
  g_free (dir);
  return status;
}
