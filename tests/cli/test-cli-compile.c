/* test-cli-compile.c: `moonwire-cli compile`, `compile --list`, `lcinfo` and `ram`, run as a
 * user runs them, on files in a temporary directory. */
#include <string.h>
#include <sys/wait.h>

#include <glib/gstdio.h>

#include "mw-test-support.h"

static gsize
file_size (const char *path)
{
  g_autofree char *data = NULL;
  gsize len = 0;

  g_assert_true (g_file_get_contents (path, &data, &len, NULL));
  return len;
}

/* docs/firmware.md section 4: 190 bytes, 176 with -s, for x.lua. */
static const char example[] = "print(\"hi\") local a=1 function f(x) return x+a end";

static void
test_compile_example (void)
{
  g_autofree char *src = mw_test_write_tmp ("x.lua", example, -1);
  g_autofree char *dir = g_path_get_dirname (src);
  g_autofree char *lc = g_build_filename (dir, "x.lc", NULL);
  g_autofree char *stripped = g_build_filename (dir, "x-s.lc", NULL);
  g_auto (MwTestCliRun) r = { 0 }, s = { 0 };

  mw_test_cli_run (&r, dir, (const char *[]){ "compile", "x.lua", NULL });
  g_assert_cmpint (r.status, ==, 0);
  g_assert_cmpstr (r.out, ==, "x.lua -> x.lc (190 bytes)\n");
  g_assert_cmpuint (file_size (lc), ==, 190);
  mw_test_cli_run (&s, dir, (const char *[]){ "compile", "-s", "-o", "x-s.lc", "x.lua", NULL });
  g_assert_cmpint (s.status, ==, 0);
  g_assert_cmpuint (file_size (stripped), ==, 176);
}

static void
test_compile_errors (void)
{
  g_autofree char *frac = mw_test_write_tmp ("frac.lua", "local a = 1\n\nreturn a / 4 + 0.5\n", -1);
  g_autofree char *bad = mw_test_write_tmp ("bad.lua", "x = = 1\n", -1);
  g_autofree char *locals = NULL;
  g_autofree char *expect_frac = g_strdup_printf ("%s:3: malformed number near '0.5'\n", frac);
  g_autofree char *expect_bad = g_strdup_printf ("%s:1: unexpected symbol near '='\n", bad);
  g_autofree char *expect_locals = NULL;
  g_autofree char *fold = mw_test_write_tmp ("fold.lua", "return 7/2\n", -1);
  g_autofree char *fold_dir = g_path_get_dirname (fold);
  g_autoptr (GString) many = g_string_new (NULL);
  g_auto (MwTestCliRun) integer = { 0 }, flt = { 0 }, syntax = { 0 }, missing = { 0 },
                        usage = { 0 }, target = { 0 }, two = { 0 }, limit = { 0 }, folded = { 0 };

  /* the firmware's 50 locals (desktop Lua allows 200), in luac.cross's words; it counts the
   * 51st once it has read the token after its name: the end of the file, on line 52 */
  for (int i = 1; i <= 51; i++)
    g_string_append_printf (many, "local v%d\n", i);
  locals = mw_test_write_tmp ("locals.lua", many->str, -1);
  expect_locals =
    g_strdup_printf ("%s:52: main function has more than 50 local variables\n", locals);
  mw_test_cli_run (&limit, NULL, (const char *[]){ "compile", locals, NULL });
  g_assert_cmpint (limit.status, ==, 2);
  g_assert_cmpstr (limit.err, ==, expect_locals);
  /* integer division folds as on the board: 7/2 is 3 */
  mw_test_cli_run (
    &folded, fold_dir,
    (const char *[]){ "compile", "--target", "integer", "--list", "fold.lua", NULL });
  g_assert_cmpint (folded.status, ==, 0);
  g_assert_cmpstr (folded.out, ==,
                   "\nmain <fold.lua:0,0> (3 instructions, 12 bytes at #1)\n"
                   "0+ params, 2 slots, 0 upvalues, 0 locals, 1 constant, 0 functions\n"
                   "\t1\t[1]\tLOADK    \t0 -1\t; 3\n"
                   "\t2\t[1]\tRETURN   \t0 2\n"
                   "\t3\t[1]\tRETURN   \t0 1\n");

  mw_test_cli_run (&integer, NULL,
                   (const char *[]){ "compile", "--target", "integer", frac, NULL });
  g_assert_cmpint (integer.status, ==, 2);
  g_assert_cmpstr (integer.err, ==, expect_frac);
  mw_test_cli_run (&flt, NULL, (const char *[]){ "compile", "--target", "float", frac, NULL });
  g_assert_cmpint (flt.status, ==, 0);
  mw_test_cli_run (&syntax, NULL, (const char *[]){ "compile", bad, NULL });
  g_assert_cmpint (syntax.status, ==, 2);
  g_assert_cmpstr (syntax.err, ==, expect_bad);
  mw_test_cli_run (&missing, NULL, (const char *[]){ "compile", "/nonexistent/y.lua", NULL });
  g_assert_cmpint (missing.status, ==, 3);
  mw_test_cli_run (&usage, NULL, (const char *[]){ "compile", NULL });
  g_assert_cmpint (usage.status, ==, 4);
  mw_test_cli_run (&target, NULL, (const char *[]){ "compile", "--target", "double", frac, NULL });
  g_assert_cmpint (target.status, ==, 4);
  mw_test_cli_run (&two, NULL, (const char *[]){ "compile", "-o", "out.lc", frac, bad, NULL });
  g_assert_cmpint (two.status, ==, 4);
}

static void
test_compile_list (void)
{
  g_autofree char *src = mw_test_write_tmp ("l.lua", "local t = {}\nt.x = 'v'\nreturn t\n", -1);
  g_autofree char *dir = g_path_get_dirname (src);
  g_auto (MwTestCliRun) from_source = { 0 }, compiled = { 0 }, from_lc = { 0 };

  mw_test_cli_run (&from_source, dir, (const char *[]){ "compile", "--list", "l.lua", NULL });
  g_assert_cmpint (from_source.status, ==, 0);
  g_assert_nonnull (strstr (from_source.out, "main <l.lua:0,0> (4 instructions, 16 bytes"));
  g_assert_nonnull (strstr (from_source.out, "\t2\t[2]\tSETTABLE \t0 -1 -2\t; \"x\" \"v\"\n"));
  /* the listing of the written .lc is the same */
  mw_test_cli_run (&compiled, dir, (const char *[]){ "compile", "l.lua", NULL });
  g_assert_cmpint (compiled.status, ==, 0);
  mw_test_cli_run (&from_lc, dir, (const char *[]){ "compile", "--list", "l.lc", NULL });
  g_assert_cmpint (from_lc.status, ==, 0);
  g_assert_cmpstr (from_lc.out, ==, from_source.out);
}

/* What lcinfo and ram say of `example`, compiled (docs/ram-model.md works the figures out) */
#define EXAMPLE_INFO_TAIL \
  "source:     @x.lua\n" \
  "debug info: line numbers, no local or upvalue names (the firmware's default)\n" \
  "contents:   2 functions, 12 instructions, 4 constants (3 strings, 1 number)\n" \
  "      #  lines        instr  const  upval param  locals lineinfo\n" \
  "      1  main             8      4      0    0+       0        2\n" \
  "      2  1-1              4      0      1    1        0        2\n"
#define EXAMPLE_RAM \
  "x.lua: 350 bytes of heap when loaded (float firmware)\n" \
  "  functions 244, strings 82, line info 4, debug names 0, main closure 20\n" \
  "  compile -s would save 8 bytes; minifying 0 bytes\n" \
  "  from LFS: 20 bytes (its closure; code and constant strings stay in flash), 330 less than " \
  "from SPIFFS\n" \
  "      #  lines        instr  const   proto strings   debug   total\n" \
  "      1  main             8      4     156      82       2     240\n" \
  "      2  1-1              4      0      88       0       2      90\n"

static void
test_lcinfo (void)
{
  g_autofree char *src = mw_test_write_tmp ("x.lua", example, -1);
  g_autofree char *dir = g_path_get_dirname (src);
  g_autofree char *bad = mw_test_write_tmp ("bad.lc", "\033Lua\x51\0\1\4\4\4\x08\0\7\0\0\0@x", 18);
  g_auto (MwTestCliRun) c = { 0 }, ci = { 0 }, info = { 0 }, infoi = { 0 }, broken = { 0 };

  mw_test_cli_run (&c, dir, (const char *[]){ "compile", "-o", "f.lc", "x.lua", NULL });
  g_assert_cmpint (c.status, ==, 0);
  mw_test_cli_run (&info, dir, (const char *[]){ "lcinfo", "f.lc", NULL });
  g_assert_cmpint (info.status, ==, 0);
  g_assert_cmpstr (
    info.out, ==,
    "f.lc: NodeMCU float bytecode, 190 bytes\n"
    "header:     1b4c7561 51 00 01 04 04 04 08 00\n"
    "loads on:   float firmware only (an integer firmware rejects it)\n" EXAMPLE_INFO_TAIL);
  mw_test_cli_run (
    &ci, dir, (const char *[]){ "compile", "--target", "integer", "-o", "i.lc", "x.lua", NULL });
  g_assert_cmpint (ci.status, ==, 0);
  mw_test_cli_run (&infoi, dir, (const char *[]){ "lcinfo", "i.lc", NULL });
  g_assert_cmpint (infoi.status, ==, 0);
  g_assert_cmpstr (infoi.out, ==,
                   "i.lc: NodeMCU integer bytecode, 186 bytes\n"
                   "header:     1b4c7561 51 00 01 04 04 04 04 01\n"
                   "loads on:   integer and float firmware\n" EXAMPLE_INFO_TAIL);
  mw_test_cli_run (&broken, NULL, (const char *[]){ "lcinfo", bad, NULL });
  g_assert_cmpint (broken.status, ==, 2);
  {
    g_autofree char *want = g_strdup_printf ("%s: offset 12: a source name of 7 bytes is longer "
                                             "than the rest of the chunk (2)\n",
                                             bad);

    g_assert_cmpstr (broken.out, ==, "");
    g_assert_cmpstr (broken.err, ==, want);
  }
}

/* A commented, spread-out file: the minified one keeps less line info. Measured, so the
 * figure is the difference between the two files' estimates. */
static void
test_ram_minify (void)
{
  g_autofree char *spread = mw_test_write_tmp ("spread.lua",
                                               "-- a counter\n\nlocal count = 0\n\n\n"
                                               "local function bump (step)\n  -- add\n"
                                               "  count = count + step\n\n  return count\nend\n\n"
                                               "return bump\n",
                                               -1);
  g_autofree char *dir = g_path_get_dirname (spread);
  g_auto (MwTestCliRun) r = { 0 }, m = { 0 }, rm = { 0 };
  g_autofree char *min_dir = g_build_filename (dir, "min", NULL);
  g_autofree char *expect = NULL;
  guint64 before, after;

  mw_test_cli_run (&r, dir, (const char *[]){ "ram", "spread.lua", NULL });
  g_assert_cmpint (r.status, ==, 0);
  /* the same file name, so that the source name costs the same */
  g_assert_cmpint (g_mkdir_with_parents (min_dir, 0700), ==, 0);
  mw_test_cli_run (&m, dir,
                   (const char *[]){ "minify", "-o", "min/spread.lua", "spread.lua", NULL });
  g_assert_cmpint (m.status, ==, 0);
  mw_test_cli_run (&rm, min_dir, (const char *[]){ "ram", "spread.lua", NULL });
  g_assert_cmpint (rm.status, ==, 0);
  before = g_ascii_strtoull (strchr (r.out, ' ') + 1, NULL, 10);
  after = g_ascii_strtoull (strchr (rm.out, ' ') + 1, NULL, 10);
  g_assert_cmpuint (after, <, before);
  expect = g_strdup_printf ("; minifying %" G_GUINT64_FORMAT " bytes\n", before - after);
  g_assert_nonnull (strstr (r.out, expect));
}

static void
test_ram (void)
{
  g_autofree char *src = mw_test_write_tmp ("x.lua", example, -1);
  g_autofree char *dir = g_path_get_dirname (src);
  g_auto (MwTestCliRun) text = { 0 }, json = { 0 }, c = { 0 }, lc = { 0 }, cf = { 0 },
                        wrong = { 0 }, two = { 0 };

  /* docs/ram-model.md works this example through: 350 bytes, 8 saved by -s */
  mw_test_cli_run (&text, dir, (const char *[]){ "ram", "x.lua", NULL });
  g_assert_cmpint (text.status, ==, 0);
  g_assert_cmpstr (text.out, ==, EXAMPLE_RAM);
  mw_test_cli_run (&json, dir, (const char *[]){ "ram", "--json", "x.lua", NULL });
  g_assert_cmpint (json.status, ==, 0);
  g_assert_true (g_str_has_prefix (json.out, "[{\"file\":\"x.lua\",\"target\":\"float\","
                                             "\"total\":350,"));
  /* an integer .lc: 4-byte numbers, the rest as the source (the firmware strips names from both) */
  mw_test_cli_run (
    &c, dir, (const char *[]){ "compile", "--target", "integer", "-o", "r.lc", "x.lua", NULL });
  mw_test_cli_run (&lc, dir, (const char *[]){ "ram", "r.lc", NULL });
  g_assert_cmpint (lc.status, ==, 0);
  g_assert_cmpstr (lc.out, ==,
                   "r.lc: 334 bytes of heap when loaded (integer firmware)\n"
                   "  functions 228, strings 82, line info 4, debug names 0, main closure 20\n"
                   "  compile -s would save 8 bytes; minifying about 0 bytes\n"
                   "  from LFS: 20 bytes (its closure; code and constant strings stay in flash), "
                   "314 less than from SPIFFS\n"
                   "      #  lines        instr  const   proto strings   debug   total\n"
                   "      1  main             8      4     140      82       2     224\n"
                   "      2  1-1              4      0      88       0       2      90\n");
  mw_test_cli_run (&two, dir, (const char *[]){ "ram", "x.lua", "x.lua", NULL });
  g_assert_cmpint (two.status, ==, 0);
  g_assert_cmpstr (two.out, ==, EXAMPLE_RAM "\n" EXAMPLE_RAM "\nall 2 files: 700 bytes at most\n");
  mw_test_cli_run (&cf, dir, (const char *[]){ "compile", "-o", "fl.lc", "x.lua", NULL });
  mw_test_cli_run (&wrong, dir, (const char *[]){ "ram", "--target", "integer", "fl.lc", NULL });
  g_assert_cmpint (wrong.status, ==, 2);
}

/* --json escapes a name with a quote, a backslash and a control character, and turns bytes
 * that are not UTF-8 into U+FFFD: the output stays valid JSON in UTF-8 (json-glib escapes). */
static void
test_ram_json_names (void)
{
  g_autofree char *src = mw_test_write_tmp ("q\"b\\\x01\xff.lua", "return 1\n", -1);
  g_autofree char *dir = g_path_get_dirname (src);
  g_autofree char *base = g_path_get_basename (src);
  g_auto (MwTestCliRun) json = { 0 };

  mw_test_cli_run (&json, dir, (const char *[]){ "ram", "--json", base, NULL });
  g_assert_cmpint (json.status, ==, 0);
  g_assert_true (g_utf8_validate (json.out, -1, NULL));
  g_assert_true (
    g_str_has_prefix (json.out, "[{\"file\":\"q\\\"b\\\\\\u0001\xef\xbf\xbd.lua\",\"target\":"));
}

/* The local commands of files say the same when given none (mw_cli_have_files). */
static void
test_no_files (void)
{
  static const struct
  {
    const char *args[4];
    const char *err;
  } cases[] = {
    { { "compile", "--target", "integer" }, "moonwire-cli compile: no files given\n" },
    { { "ram", "--json" }, "moonwire-cli ram: no files given\n" },
    { { "lint", "-q" }, "moonwire-cli lint: no files given\n" },
    { { "lfs", "build", "--target", "float" }, "moonwire-cli lfs build: no files given\n" },
    { { "lfs", "info", "--json" }, "moonwire-cli lfs info: no image given\n" },
  };
  g_autofree char *dir = g_dir_make_tmp ("mw-no-files-XXXXXX", NULL);

  for (gsize i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_auto (MwTestCliRun) run = { 0 };
      const char *args[5] = { NULL };

      memcpy (args, cases[i].args, sizeof cases[i].args);
      mw_test_cli_run (&run, dir, args);
      g_assert_cmpint (run.status, ==, 4);
      g_assert_cmpstr (run.out, ==, "");
      g_assert_cmpstr (run.err, ==, cases[i].err);
    }
  g_rmdir (dir);
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/mw/cli/compile/example", test_compile_example);
  g_test_add_func ("/mw/cli/compile/errors", test_compile_errors);
  g_test_add_func ("/mw/cli/compile/list", test_compile_list);
  g_test_add_func ("/mw/cli/lcinfo", test_lcinfo);
  g_test_add_func ("/mw/cli/ram", test_ram);
  g_test_add_func ("/mw/cli/no-files", test_no_files);
  g_test_add_func ("/mw/cli/ram-json-names", test_ram_json_names);
  g_test_add_func ("/mw/cli/ram-minify", test_ram_minify);
  return g_test_run ();
}
