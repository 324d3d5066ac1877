/* test-cli-lint.c: `moonwire-cli lint`, run as editors and CI run it: formats, exit codes
 * (luacheck's: 0 clean, 1 warnings, 2 errors, 3 I/O error, 4 bad options) and .luacheckrc. */
#include <glib/gstdio.h>
#include <string.h>

#include "mw-test-support.h"

typedef struct
{
  const char *name;
  const char *content; /* NULL: the file does not exist */
  const char *option; /* one extra option, or NULL */
  int status;
} ExitCase;

static const ExitCase exit_cases[] = {
  { "clean.lua", "local x = 1\nprint(x)\n", NULL, 0 },
  { "warn.lua", "local unused = 1\n", NULL, 1 },
  { "syntax.lua", "local x = = 1\n", NULL, 2 },
  { "missing.lua", NULL, NULL, 3 },
  { "clean2.lua", "print(1)\n", "--formatter=xml", 4 },
  { "clean3.lua", "print(1)\n", "--std=lua99", 4 },
  { "clean4.lua", "print(1)\n", "--max-upvalues=99", 4 },
  { "clean5.lua", "print(1)\n", "--no-such-option", 4 },
  { "warn2.lua", "local unused = 1\n", "--ignore=W211", 0 },
  { "warn3.lua", "print(io)\n", "--std=lua51", 0 },
  { "warn4.lua", "print(io)\n", NULL, 1 },
  { "warn5.lua", "print(app)\n", "--globals=app,other", 0 },
};

static void
test_exit_codes (void)
{
  for (gsize i = 0; i < G_N_ELEMENTS (exit_cases); i++)
    {
      const ExitCase *c = &exit_cases[i];
      g_autofree char *path = c->content ? mw_test_write_tmp (c->name, c->content, -1)
                                         : mw_test_tmp_path (c->name);
      g_auto (MwTestCliRun) r = { 0 };
      const char *args[] = { "lint", "--no-config", c->option ? c->option : path,
                             c->option ? path : NULL, NULL };

      mw_test_cli_run (&r, NULL, args);
      if (r.status != c->status)
        g_error ("%s %s: exit %d, expected %d\n%s%s", c->name, c->option ? c->option : "", r.status,
                 c->status, r.out, r.err);
    }
}

static void
test_no_files (void)
{
  g_auto (MwTestCliRun) r = { 0 }, codes = { 0 };

  mw_test_cli_run (&r, NULL, (const char *[]){ "lint", NULL });
  g_assert_cmpint (r.status, ==, 4);
  g_assert_cmpstr (r.out, ==, "");
  g_assert_cmpstr (r.err, ==, "moonwire-cli lint: no files given\n");
  mw_test_cli_run (&codes, NULL, (const char *[]){ "lint", "--list-codes", NULL });
  g_assert_cmpint (codes.status, ==, 0);
  g_assert_cmpstr (codes.err, ==, "");
  {
    g_auto (GStrv) lines = g_strsplit (codes.out, "\n", -1);
    guint n = g_strv_length (lines);

    /* one code a line, in order, the last line ended */
    g_assert_cmpuint (n, >, 2);
    g_assert_cmpstr (lines[0], ==, "E001  syntax error");
    g_assert_cmpstr (lines[n - 1], ==, "");
    for (guint i = 0; i + 1 < n; i++)
      {
        g_assert_true (g_regex_match_simple ("^[EW][0-9]{3}  [^ ].*$", lines[i], 0, 0));
        if (i > 0)
          g_assert_cmpint (strncmp (lines[i - 1], lines[i], 4), <, 0);
      }
    g_assert_true (
      g_strv_contains ((const char *const *) lines, "W806  init.lua without a delay window"));
  }
}

/* the formats editors parse: exact lines */
static void
test_formats (void)
{
  g_autofree char *path =
    mw_test_write_tmp ("fmt.lua", "local unused = 1\nconfig = {}\nlocal x = = 2\n", -1);
  g_autofree char *good = mw_test_write_tmp ("fmt2.lua", "local unused = 1\nconfig = {}\n", -1);
  g_auto (MwTestCliRun) plain = { 0 }, vs = { 0 }, json = { 0 }, def = { 0 }, syntax = { 0 };
  g_autofree char *want_plain = g_strdup_printf (
    "%s:1:7: (W211) unused variable 'unused'\n"
    "%s:2:1: (W111) global 'config' is set and never set back to nil: it holds 87 bytes "
    "until restart\n",
    good, good);
  g_autofree char *want_vs = g_strdup_printf (
    "%s(1,7) : warning W211: unused variable 'unused'\n"
    "%s(2,1) : warning W111: global 'config' is set and never set back to nil: it holds 87 bytes "
    "until restart\n",
    good, good);
  g_autofree char *want_json = g_strdup_printf (
    "[\n"
    " {\"file\": \"%s\", \"line\": 1, \"column\": 7, \"end_line\": 1, \"end_column\": 13, "
    "\"severity\": \"warning\", \"code\": \"W211\", \"message\": \"unused variable 'unused'\", "
    "\"bytes\": null},\n"
    " {\"file\": \"%s\", \"line\": 2, \"column\": 1, \"end_line\": 2, \"end_column\": 7, "
    "\"severity\": \"warning\", \"code\": \"W111\", \"message\": \"global 'config' is set and "
    "never set back to nil: it holds 87 bytes until restart\", \"bytes\": 87}\n"
    "]\n",
    good, good);
  g_autofree char *want_def = g_strdup_printf (
    "Checking %-40s 2 warnings\n"
    "\n"
    "    %s:1:7: (W211) unused variable 'unused'\n"
    "    %s:2:1: (W111) global 'config' is set and never set back to nil: it holds 87 bytes "
    "until restart\n"
    "\n"
    "Total: 2 warnings / 0 errors in 1 file\n",
    good, good, good);
  g_autofree char *want_syntax =
    g_strdup_printf ("%s:3:11: (E001) unexpected symbol near '='\n", path);

  mw_test_cli_run (&plain, NULL,
                   (const char *[]){ "lint", "--no-config", "--formatter", "plain", good, NULL });
  g_assert_cmpint (plain.status, ==, 1);
  g_assert_cmpstr (plain.out, ==, want_plain);

  mw_test_cli_run (
    &vs, NULL, (const char *[]){ "lint", "--no-config", "--formatter=visual_studio", good, NULL });
  g_assert_cmpint (vs.status, ==, 1);
  g_assert_cmpstr (vs.out, ==, want_vs);

  mw_test_cli_run (&json, NULL,
                   (const char *[]){ "lint", "--no-config", "--formatter=json", good, NULL });
  g_assert_cmpint (json.status, ==, 1);
  g_assert_cmpstr (json.out, ==, want_json);

  mw_test_cli_run (&def, NULL, (const char *[]){ "lint", "--no-config", good, NULL });
  g_assert_cmpint (def.status, ==, 1);
  g_assert_cmpstr (def.out, ==, want_def);

  /* a syntax error: Lua's message, and no other finding from a file that does not load */
  mw_test_cli_run (&syntax, NULL,
                   (const char *[]){ "lint", "--no-config", "--formatter=plain", path, NULL });
  g_assert_cmpint (syntax.status, ==, 2);
  g_assert_cmpstr (syntax.out, ==, want_syntax);
}

/* a directory is linted as one project: cross-file rules see every file */
static void
test_directory (void)
{
  g_autofree char *dir = mw_test_data_path ("lua/data/lint/project");
  g_auto (MwTestCliRun) r = { 0 };
  g_autofree char *want = g_strdup_printf (
    "%s/main.lua:3:1: (W111) global 'state' is set and never set back to nil: it holds 54 bytes "
    "until restart\n"
    "%s/main.lua:5:22: (W114) module 'util' stays in package.loaded (and in its global) until "
    "restart, with about 99 bytes of functions: clear package.loaded[\"util\"] when done, or make "
    "it volatile\n"
    "%s/util.lua:2:1: (W111) global 'helper_from_util' is set and never set back to nil: it "
    "holds 65 bytes until restart\n",
    dir, dir, dir);

  mw_test_cli_run (&r, NULL,
                   (const char *[]){ "lint", "--no-config", "--formatter=plain", dir, NULL });
  g_assert_cmpint (r.status, ==, 1);
  g_assert_cmpstr (r.out, ==, want);
}

/* hidden folders (.git, editor state) are not searched */
static void
test_hidden_dir (void)
{
  g_autofree char *root = mw_test_tmp_path ("tree");
  g_autofree char *hidden = g_build_filename (root, ".cache", NULL);
  g_autofree char *bad = g_build_filename (hidden, "bad.lua", NULL);
  g_autofree char *good = g_build_filename (root, "good.lua", NULL);
  g_auto (MwTestCliRun) r = { 0 };
  g_autofree char *want = g_strdup_printf ("Checking %-40s OK\n"
                                           "Total: 0 warnings / 0 errors in 1 file\n",
                                           good);

  g_assert_cmpint (g_mkdir_with_parents (hidden, 0700), ==, 0);
  g_assert_true (g_file_set_contents (bad, "local unused = 1\n", -1, NULL));
  g_assert_true (g_file_set_contents (good, "local x = 1\nprint(x)\n", -1, NULL));
  mw_test_cli_run (&r, NULL, (const char *[]){ "lint", "--no-config", root, NULL });
  g_assert_cmpint (r.status, ==, 0);
  g_assert_cmpstr (r.out, ==, want);
  g_remove (bad);
  g_remove (good);
  g_rmdir (hidden);
  g_rmdir (root);
}

/* .luacheckrc in the current directory is read; --no-config and --config override */
static void
test_luacheckrc (void)
{
  g_autofree char *file = mw_test_write_tmp ("rc.lua", "local unused = 1\nprint(app)\n", -1);
  g_autofree char *dir = g_path_get_dirname (file);
  g_autofree char *rc = g_build_filename (dir, ".luacheckrc", NULL);
  g_autofree char *evil = mw_test_write_tmp ("evil.luacheckrc", "os.exit(0)\n", -1);
  g_auto (MwTestCliRun) with = { 0 }, without = { 0 }, bad = { 0 };

  g_assert_true (g_file_set_contents (rc,
                                      "print('junk')\nignore = {'211'}\n"
                                      "read_globals = {'app'}\n",
                                      -1, NULL));
  mw_test_cli_run (&with, dir, (const char *[]){ "lint", "rc.lua", NULL });
  g_assert_cmpint (with.status, ==, 0);
  /* the config's print() does not end up in the output */
  g_assert_cmpstr (with.out, ==,
                   "Checking rc.lua                                   OK\n"
                   "Total: 0 warnings / 0 errors in 1 file\n");
  mw_test_cli_run (&without, dir,
                   (const char *[]){ "lint", "--no-config", "--formatter=plain", "rc.lua", NULL });
  g_assert_cmpint (without.status, ==, 1);
  g_assert_cmpstr (without.out, ==,
                   "rc.lua:1:7: (W211) unused variable 'unused'\n"
                   "rc.lua:2:7: (W113) global 'app' is read but never set, and is not a standard "
                   "or firmware global: a typo?\n");
  mw_test_cli_run (&bad, dir, (const char *[]){ "lint", "--config", evil, "rc.lua", NULL });
  g_assert_cmpint (bad.status, ==, 4);
  g_assert_cmpstr (bad.out, ==, "");
  {
    g_autofree char *want_bad = g_strdup_printf (
      "moonwire-cli lint: bad config %s:1: attempt to index global 'os' (a nil value)\n", evil);

    g_assert_cmpstr (bad.err, ==, want_bad);
  }
  g_remove (rc);
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/mw/cli/lint/exit-codes", test_exit_codes);
  g_test_add_func ("/mw/cli/lint/no-files", test_no_files);
  g_test_add_func ("/mw/cli/lint/formats", test_formats);
  g_test_add_func ("/mw/cli/lint/directory", test_directory);
  g_test_add_func ("/mw/cli/lint/hidden-dir", test_hidden_dir);
  g_test_add_func ("/mw/cli/lint/luacheckrc", test_luacheckrc);
  return g_test_run ();
}
