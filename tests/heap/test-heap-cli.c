/* test-heap-cli.c: `moonwire-cli heap --snapshot / --top / --diff` against the simulated
 * board over its pty, whole outputs checked; figures worked out from the object sizes of
 * docs/ram-model.md. */
#include "mw-config.h"

#include <glib/gstdio.h>

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

/* The summary's timing changes from run to run: "in 0.3 s" becomes "in T s". */
static char *
untimed (const char *out)
{
  g_autoptr (GRegex) re =
    g_regex_new ("received in [0-9.]+ s; the walker's peak: [0-9]+ bytes", 0, 0, NULL);

  return g_regex_replace_literal (re, out, -1, 0, "received in T s; the walker's peak: P bytes", 0,
                                  NULL);
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
  const char *top_b[] = { "heap", "--top", "1", "b.json", NULL };
  const char *diff_ab[] = { "heap", "--diff", "a.json", "b.json", NULL };
  const char *diff_json[] = { "heap", "--diff", "--json", "a.json", "b.json", NULL };
  g_auto (GStrv) lines = NULL;
  g_autofree char *summary = NULL;

  exec_lua ("cache={} for i=1,30 do cache[i]=string.rep('c',200)..i end");
  run (&a, snap_a);
  g_assert_cmpint (a.status, ==, 0);
  g_assert_cmpstr (a.err, ==, "");
  /* 32 array slots (32 + 32 x 12) and strings of 201 and 202 bytes (16 + n + 1):
   * 416 + 9 x 218 + 21 x 219 = 6977 */
  g_assert_true (g_str_has_suffix (a.out, "saved to a.json\n"
                                          "   6977 B    31 obj  _G.cache  (table)\n"));
  lines = g_strsplit (a.out, "\n", -1);
  g_assert_cmpuint (g_strv_length (lines), ==, 7);
  g_assert_true (g_str_has_suffix (lines[0], " bytes reached from _G and the registry (float "
                                             "build)"));
  /* the simulator's debug library is the firmware's minimal one */
  g_assert_cmpstr (lines[2], ==,
                   "upvalues: not followed (the firmware's debug library has no getupvalue); "
                   "what only an upvalue holds is not reached");
  summary = untimed (lines[3]);
  g_assert_true (g_str_has_prefix (summary, "walk: "));
  g_assert_true (g_str_has_suffix (summary, " bytes received in T s; the walker's peak: P bytes "
                                            "of heap"));
  exec_lua ("for i=31,60 do cache[i]=string.rep('c',200)..i end");
  run (&b, snap_b);
  g_assert_cmpint (b.status, ==, 0);
  run (&top, top_b);
  g_assert_cmpint (top.status, ==, 0);
  /* 64 slots: 32 + 64 x 12 + 9 x 218 + 51 x 219 */
  g_assert_cmpstr (top.out, ==, "  13931 B    61 obj  _G.cache  (table)\n");
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
