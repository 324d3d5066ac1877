/* test-cli-check.c: `moonwire-cli`, `--help`, `--version` and `check`, run as a user runs them. */
#include <string.h>
#include <sys/wait.h>

#include "mw-test-support.h"

typedef struct {
  int status;
  char *out;
  char *err;
} Run;

static void
run_clear (Run *r)
{
  g_free (r->out);
  g_free (r->err);
}

G_DEFINE_AUTO_CLEANUP_CLEAR_FUNC (Run, run_clear)

static void
run_cli (Run *r, const char *const *args)
{
  g_autoptr (GPtrArray) argv = g_ptr_array_new ();
  g_autoptr (GError) error = NULL;
  int wait_status;

  g_ptr_array_add (argv, (gpointer) g_getenv ("MOONWIRE_CLI"));
  for (; *args; args++)
    g_ptr_array_add (argv, (gpointer) *args);
  g_ptr_array_add (argv, NULL);
  g_assert_true (g_spawn_sync (NULL, (char **) argv->pdata, NULL, G_SPAWN_DEFAULT, NULL, NULL,
                               &r->out, &r->err, &wait_status, &error));
  g_assert_true (WIFEXITED (wait_status));
  r->status = WEXITSTATUS (wait_status);
}

static char *
write_tmp (const char *name, const char *content, gssize len)
{
  char *path = mw_test_tmp_path (name);
  g_assert_true (g_file_set_contents (path, content, len, NULL));
  return path;
}

static void
test_help_version (void)
{
  g_auto (Run) help = { 0 }, version = { 0 }, none = { 0 }, bad = { 0 };

  run_cli (&help, (const char *[]) { "--help", NULL });
  g_assert_cmpint (help.status, ==, 0);
  g_assert_nonnull (strstr (help.out, "check"));
  run_cli (&version, (const char *[]) { "--version", NULL });
  g_assert_cmpint (version.status, ==, 0);
  g_assert_true (g_str_has_prefix (version.out, "moonwire-cli "));
  run_cli (&none, (const char *[]) { NULL });
  g_assert_cmpint (none.status, ==, 4);
  run_cli (&bad, (const char *[]) { "no-such-command", NULL });
  g_assert_cmpint (bad.status, ==, 4);
  g_assert_nonnull (strstr (bad.err, "unknown command 'no-such-command'"));
}

static void
test_check_valid (void)
{
  g_autofree char *path = write_tmp ("ok.lua", "#!/usr/bin/lua\nlocal x = 1\nprint(x)\n", -1);
  g_auto (Run) r = { 0 };

  run_cli (&r, (const char *[]) { "check", path, NULL });
  g_assert_cmpint (r.status, ==, 0);
  g_assert_nonnull (strstr (r.out, ": ok"));
}

static void
test_check_syntax_error (void)
{
  g_autofree char *path = write_tmp ("bad.lua", "function f()\n  x = 1\n", -1);
  g_autofree char *expect = g_strdup_printf (
      "%s:3: 'end' expected (to close 'function' at line 1) near '<eof>'\n", path);
  g_auto (Run) r = { 0 };

  run_cli (&r, (const char *[]) { "check", path, NULL });
  g_assert_cmpint (r.status, ==, 2);
  g_assert_cmpstr (r.err, ==, expect);
}

static void
test_check_firmware_limit (void)
{
  g_autoptr (GString) src = g_string_new (NULL);
  g_autofree char *path = NULL;
  g_auto (Run) r = { 0 }, desktop = { 0 };

  /* 51 locals: desktop Lua accepts, the firmware (LUAI_MAXVARS 50) does not */
  for (int i = 0; i < 51; i++)
    g_string_append_printf (src, "local v%d\n", i);
  path = write_tmp ("limit.lua", src->str, src->len);
  run_cli (&r, (const char *[]) { "check", path, NULL });
  g_assert_cmpint (r.status, ==, 2);
  g_assert_nonnull (strstr (r.err, ":51: main function has more than 50 local variables"));
  run_cli (&desktop, (const char *[]) { "check", "--lua51", path, NULL });
  g_assert_cmpint (desktop.status, ==, 0);
}

static void
test_check_io (void)
{
  g_autofree char *lc = write_tmp ("x.lc", "\033Lua\x51", 5);
  g_auto (Run) missing = { 0 }, binary = { 0 }, noargs = { 0 }, badopt = { 0 };

  run_cli (&missing, (const char *[]) { "check", "/nonexistent/x.lua", NULL });
  g_assert_cmpint (missing.status, ==, 3);
  g_assert_nonnull (strstr (missing.err, "/nonexistent/x.lua"));
  run_cli (&binary, (const char *[]) { "check", lc, NULL });
  g_assert_cmpint (binary.status, ==, 2);
  g_assert_nonnull (strstr (binary.err, "precompiled"));
  run_cli (&noargs, (const char *[]) { "check", NULL });
  g_assert_cmpint (noargs.status, ==, 4);
  run_cli (&badopt, (const char *[]) { "check", "--no-such-option", NULL });
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
