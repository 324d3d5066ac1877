/* test-cli-check.c: `moonwire-cli`, `--help`, `--version` and `check`, run as a user runs them. */
#include <string.h>
#include <sys/wait.h>

#include "mw-test-support.h"

static void
test_help_version (void)
{
  g_auto (MwTestCliRun) help = { 0 }, version = { 0 }, none = { 0 }, bad = { 0 };

  mw_test_cli_run (&help, NULL, (const char *[]){ "--help", NULL });
  g_assert_cmpint (help.status, ==, 0);
  g_assert_nonnull (strstr (help.out, "check"));
  mw_test_cli_run (&version, NULL, (const char *[]){ "--version", NULL });
  g_assert_cmpint (version.status, ==, 0);
  g_assert_true (g_str_has_prefix (version.out, "moonwire-cli "));
  mw_test_cli_run (&none, NULL, (const char *[]){ NULL });
  g_assert_cmpint (none.status, ==, 4);
  mw_test_cli_run (&bad, NULL, (const char *[]){ "no-such-command", NULL });
  g_assert_cmpint (bad.status, ==, 4);
  g_assert_nonnull (strstr (bad.err, "unknown command 'no-such-command'"));
}

static void
test_check_valid (void)
{
  g_autofree char *path =
    mw_test_write_tmp ("ok.lua", "#!/usr/bin/lua\nlocal x = 1\nprint(x)\n", -1);
  g_auto (MwTestCliRun) r = { 0 };

  mw_test_cli_run (&r, NULL, (const char *[]){ "check", path, NULL });
  g_assert_cmpint (r.status, ==, 0);
  g_assert_nonnull (strstr (r.out, ": ok"));
}

static void
test_check_syntax_error (void)
{
  g_autofree char *path = mw_test_write_tmp ("bad.lua", "function f()\n  x = 1\n", -1);
  g_autofree char *expect =
    g_strdup_printf ("%s:3: 'end' expected (to close 'function' at line 1) near '<eof>'\n", path);
  g_auto (MwTestCliRun) r = { 0 };

  mw_test_cli_run (&r, NULL, (const char *[]){ "check", path, NULL });
  g_assert_cmpint (r.status, ==, 2);
  g_assert_cmpstr (r.err, ==, expect);
}

static void
test_check_firmware_limit (void)
{
  g_autoptr (GString) src = g_string_new (NULL);
  g_autofree char *path = NULL;
  g_auto (MwTestCliRun) r = { 0 }, desktop = { 0 };

  /* 51 locals: desktop Lua accepts, the firmware (LUAI_MAXVARS 50) does not */
  for (int i = 0; i < 51; i++)
    g_string_append_printf (src, "local v%d\n", i);
  path = mw_test_write_tmp ("limit.lua", src->str, src->len);
  mw_test_cli_run (&r, NULL, (const char *[]){ "check", path, NULL });
  g_assert_cmpint (r.status, ==, 2);
  g_assert_nonnull (strstr (r.err, ":51: main function has more than 50 local variables"));
  mw_test_cli_run (&desktop, NULL, (const char *[]){ "check", "--lua51", path, NULL });
  g_assert_cmpint (desktop.status, ==, 0);
}

static void
test_check_io (void)
{
  g_autofree char *lc = mw_test_write_tmp ("x.lc", "\033Lua\x51", 5);
  g_auto (MwTestCliRun) missing = { 0 }, binary = { 0 }, noargs = { 0 }, badopt = { 0 };

  mw_test_cli_run (&missing, NULL, (const char *[]){ "check", "/nonexistent/x.lua", NULL });
  g_assert_cmpint (missing.status, ==, 3);
  g_assert_nonnull (strstr (missing.err, "/nonexistent/x.lua"));
  mw_test_cli_run (&binary, NULL, (const char *[]){ "check", lc, NULL });
  g_assert_cmpint (binary.status, ==, 2);
  g_assert_nonnull (strstr (binary.err, "precompiled"));
  mw_test_cli_run (&noargs, NULL, (const char *[]){ "check", NULL });
  g_assert_cmpint (noargs.status, ==, 4);
  mw_test_cli_run (&badopt, NULL, (const char *[]){ "check", "--no-such-option", NULL });
  g_assert_cmpint (badopt.status, ==, 4);
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/mw/cli/help-version", test_help_version);
  g_test_add_func ("/mw/cli/check/valid", test_check_valid);
  g_test_add_func ("/mw/cli/check/syntax-error", test_check_syntax_error);
  g_test_add_func ("/mw/cli/check/firmware-limit", test_check_firmware_limit);
  g_test_add_func ("/mw/cli/check/io", test_check_io);
  return g_test_run ();
}
