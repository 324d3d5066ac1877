/* test-cli-minify.c: `moonwire-cli minify`, run as a user runs it (the built binary). */
#include <glib/gstdio.h>
#include <string.h>
#include <sys/wait.h>

#include "mw-test-support.h"

static void
run_minify (MwTestCliRun *r, const char *const *args)
{
  g_autoptr (GPtrArray) argv = g_ptr_array_new ();

  g_ptr_array_add (argv, (gpointer) "minify");
  for (; *args; args++)
    g_ptr_array_add (argv, (gpointer) *args);
  g_ptr_array_add (argv, NULL);
  mw_test_cli_run (r, NULL, (const char *const *) argv->pdata);
}

static char *
read_file (const char *path)
{
  char *text = NULL;
  g_assert_true (g_file_get_contents (path, &text, NULL, NULL));
  return text;
}

static const char source[] = "-- Copyright me\nlocal value = 1\nreturn value + 1\n";

static void
test_stdout (void)
{
  g_autofree char *in = mw_test_write_tmp ("stdout.lua", source, -1);
  g_autofree char *in2 = mw_test_write_tmp ("stdout2.lua", "return 2\n", -1);
  g_auto (MwTestCliRun) one = { 0 }, two = { 0 }, quiet = { 0 };

  run_minify (&one, (const char *[]){ in, NULL });
  g_assert_cmpint (one.status, ==, 0);
  g_assert_cmpstr (one.out, ==, "local a=1 return a+1");
  /* the size report goes to standard error */
  {
    g_autofree char *want = g_strdup_printf ("%s: 49 -> 20 bytes (40.8%%), 1 local renamed, 0 "
                                             "literals shortened, 1 function verified\n",
                                             in);

    g_assert_cmpstr (one.err, ==, want);
  }

  /* several files stay apart, with a total */
  run_minify (&two, (const char *[]){ in, in2, NULL });
  g_assert_cmpint (two.status, ==, 0);
  g_assert_cmpstr (two.out, ==, "local a=1 return a+1\nreturn 2\n");
  {
    g_autofree char *want = g_strdup_printf (
      "%s: 49 -> 20 bytes (40.8%%), 1 local renamed, 0 literals shortened, 1 function verified\n"
      "%s: 9 -> 8 bytes (88.9%%), 0 locals renamed, 0 literals shortened, 1 function verified\n"
      "total: 58 -> 28 bytes (48.3%%)\n",
      in, in2);

    g_assert_cmpstr (two.err, ==, want);
  }

  run_minify (&quiet, (const char *[]){ "-q", in, NULL });
  g_assert_cmpstr (quiet.err, ==, "");
}

static void
test_output_keep_lines (void)
{
  g_autofree char *in = mw_test_write_tmp ("keep.lua", source, -1);
  g_autofree char *out = mw_test_tmp_path ("keep.out.lua");
  g_autofree char *text = NULL;
  g_auto (MwTestCliRun) r = { 0 };

  run_minify (
    &r, (const char *[]){ "--keep-lines", "--keep-comment", "Copyright", "-o", out, in, NULL });
  g_assert_cmpint (r.status, ==, 0);
  g_assert_cmpstr (r.out, ==, "");
  text = read_file (out);
  g_assert_cmpstr (text, ==, "-- Copyright me\nlocal a=1\nreturn a+1\n");
}

static void
test_suffix (void)
{
  g_autofree char *in = mw_test_write_tmp ("suffix.lua", "local other = 0.50\nreturn other\n", -1);
  g_autofree char *min = mw_test_tmp_path ("suffix.min.lua");
  g_autofree char *text = NULL;
  g_auto (MwTestCliRun) r = { 0 };

  run_minify (&r, (const char *[]){ "--suffix", ".min.lua", in, NULL });
  g_assert_cmpint (r.status, ==, 0);
  text = read_file (min);
  g_assert_cmpstr (text, ==, "local a=.5 return a");
}

static void
test_in_place (void)
{
  g_autofree char *in = mw_test_write_tmp ("inplace.lua",
                                           "#!/usr/bin/lua\nlocal other = 0.50\n"
                                           "return other\n",
                                           -1);
  g_autofree char *text = NULL;
  g_auto (MwTestCliRun) r = { 0 };

  /* an executable script stays executable */
  g_assert_cmpint (g_chmod (in, 0755), ==, 0);
  run_minify (&r, (const char *[]){ "--in-place", "--no-literals", in, NULL });
  g_assert_cmpint (r.status, ==, 0);
  text = read_file (in);
  g_assert_cmpstr (text, ==, "#!/usr/bin/lua\nlocal a=0.50 return a");
  g_assert_true (g_file_test (in, G_FILE_TEST_IS_EXECUTABLE));
}

static void
test_syntax_error (void)
{
  g_autofree char *bad = mw_test_write_tmp ("bad.lua", "local = 1\n", -1);
  g_autofree char *good = mw_test_write_tmp ("good.lua", "return 1\n", -1);
  g_autofree char *bad_min = mw_test_tmp_path ("bad.min.lua");
  g_autofree char *good_min = mw_test_tmp_path ("good.min.lua");
  g_auto (MwTestCliRun) r = { 0 };

  /* Lua's message, exit 2, nothing written for that file; the others are still done */
  run_minify (&r, (const char *[]){ "--suffix", ".min.lua", bad, good, NULL });
  g_assert_cmpint (r.status, ==, 2);
  {
    g_autofree char *want = g_strdup_printf (
      "%s:1: '<name>' expected near '='\n"
      "%s: 9 -> 8 bytes (88.9%%), 0 locals renamed, 0 literals shortened, 1 function verified "
      "-> %s\n"
      "total: 9 -> 8 bytes (88.9%%)\n",
      bad, good, good_min);

    g_assert_cmpstr (r.err, ==, want);
  }
  g_assert_false (g_file_test (bad_min, G_FILE_TEST_EXISTS));
  g_assert_true (g_file_test (good_min, G_FILE_TEST_EXISTS));
}

static void
test_usage (void)
{
  g_autofree char *in = mw_test_write_tmp ("usage.lua", source, -1);
  g_autofree char *out = mw_test_tmp_path ("usage.out.lua");
  static const struct
  {
    const char *args[6];
    const char *message;
  } cases[] = {
    { { NULL }, "moonwire-cli minify: no files given\n" },
    { { "-o", "OUT", "IN", "IN", NULL }, "moonwire-cli minify: -o takes one input file\n" },
    { { "--in-place", "--suffix", ".x", "IN", NULL },
      "moonwire-cli minify: -o, --in-place and --suffix exclude each other\n" },
    /* GRegex's own words follow */
    { { "--keep-comment", "(", "IN", NULL }, "moonwire-cli minify: bad --keep-comment pattern: " },
    { { "--suffix", "", "IN", NULL }, "moonwire-cli minify: --suffix must not be empty\n" },
    { { "--no-such-option", "IN", NULL },
      "moonwire-cli minify: Unknown option --no-such-option\n" },
  };

  for (gsize i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_auto (MwTestCliRun) r = { 0 };
      const char *args[6];

      for (gsize a = 0; a < G_N_ELEMENTS (args); a++)
        {
          const char *s = cases[i].args[a];
          args[a] = s != NULL && strcmp (s, "IN") == 0    ? in
                    : s != NULL && strcmp (s, "OUT") == 0 ? out
                                                          : s;
          if (s == NULL)
            break;
        }
      run_minify (&r, args);
      g_assert_cmpint (r.status, ==, 4);
      g_assert_cmpstr (r.out, ==, "");
      if (g_str_has_suffix (cases[i].message, "\n"))
        g_assert_cmpstr (r.err, ==, cases[i].message);
      else
        g_assert_true (g_str_has_prefix (r.err, cases[i].message));
    }
  g_assert_false (g_file_test (out, G_FILE_TEST_EXISTS));
}

static void
test_missing_file (void)
{
  g_auto (MwTestCliRun) r = { 0 };

  run_minify (&r, (const char *[]){ "/nonexistent/x.lua", NULL });
  g_assert_cmpint (r.status, ==, 3);
  g_assert_cmpstr (
    r.err, ==, "moonwire-cli minify: cannot open /nonexistent/x.lua: No such file or directory\n");
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/mw/cli/minify/stdout", test_stdout);
  g_test_add_func ("/mw/cli/minify/output-keep-lines", test_output_keep_lines);
  g_test_add_func ("/mw/cli/minify/suffix", test_suffix);
  g_test_add_func ("/mw/cli/minify/in-place", test_in_place);
  g_test_add_func ("/mw/cli/minify/syntax-error", test_syntax_error);
  g_test_add_func ("/mw/cli/minify/usage", test_usage);
  g_test_add_func ("/mw/cli/minify/missing-file", test_missing_file);
  return g_test_run ();
}
