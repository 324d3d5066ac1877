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
  g_assert_cmpstr (bad.err, ==,
                   "moonwire-cli: unknown command 'no-such-command' (see moonwire-cli --help)\n");
}

/* A board command's help lists each connection option once, under its own name (GLib renamed
 * a second copy of the group --device-port and so on). */
static void
test_board_command_help (void)
{
  g_auto (MwTestCliRun) r = { 0 };

  mw_test_cli_run (&r, NULL, (const char *[]){ "ls", "--help", NULL });
  g_assert_cmpint (r.status, ==, 0);
  g_assert_cmpstr (r.out, ==,
                   "Usage:\n"
                   "  moonwire-cli ls [OPTION\u2026]\n"
                   "\n"
                   "Lists the board's files with their sizes.\n"
                   "\n"
                   "Help Options:\n"
                   "  -h, --help           Show help options\n"
                   "\n"
                   "Application Options:\n"
                   "  -p, --port=PORT      Serial port, pty or tcp://host:port (default: "
                   "$MOONWIRE_PORT)\n"
                   "  -b, --baud=BAUD      Baud rate (default 115200)\n"
                   "  -t, --timeout=MS     Milliseconds to wait for each answer (default 5000)\n"
                   "  --json               Print results as JSON\n"
                   "  --reset              Reset the board (RTS pulse) on connecting\n"
                   "\n");
}

static void
test_check_valid (void)
{
  g_autofree char *path =
    mw_test_write_tmp ("ok.lua", "#!/usr/bin/lua\nlocal x = 1\nprint(x)\n", -1);
  g_auto (MwTestCliRun) r = { 0 };

  mw_test_cli_run (&r, NULL, (const char *[]){ "check", path, NULL });
  g_assert_cmpint (r.status, ==, 0);
  {
    g_autofree char *want = g_strdup_printf ("%s: ok\n", path);

    g_assert_cmpstr (r.out, ==, want);
  }
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

/* n lines `local vN = N` */
static void
append_locals (GString *src, int n)
{
  for (int i = 0; i < n; i++)
    g_string_append_printf (src, "local v%d = %d\n", i, i);
}

static void
test_check_firmware_limit (void)
{
  g_autoptr (GString) src = g_string_new (NULL);
  g_autoptr (GString) next = g_string_new (NULL);
  g_autoptr (GString) later = g_string_new (NULL);
  g_autofree char *path = NULL, *path_next = NULL, *path_later = NULL;
  g_autofree char *want = NULL, *want_next = NULL, *want_later = NULL;
  g_auto (MwTestCliRun) r = { 0 }, desktop = { 0 }, rn = { 0 }, rl = { 0 };

  /* 51 locals: desktop Lua accepts, the firmware (LUAI_MAXVARS 50) does not; it raises the
   * error where its parser stands, on the token after the 51st name: past the last line */
  for (int i = 0; i < 51; i++)
    g_string_append_printf (src, "local v%d\n", i);
  path = mw_test_write_tmp ("limit.lua", src->str, src->len);
  mw_test_cli_run (&r, NULL, (const char *[]){ "check", path, NULL });
  g_assert_cmpint (r.status, ==, 2);
  want = g_strdup_printf ("%s:52: main function has more than 50 local variables (the NodeMCU "
                          "firmware refuses it)\n",
                          path);
  g_assert_cmpstr (r.err, ==, want);
  g_assert_cmpstr (r.out, ==, "");
  mw_test_cli_run (&desktop, NULL, (const char *[]){ "check", "--lua51", path, NULL });
  g_assert_cmpint (desktop.status, ==, 0);

  /* the 51st name ends its line, the next token is two lines down (luac.cross: line 53) */
  append_locals (next, 50);
  g_string_append (next, "local z\n\nx = 1\n");
  path_next = mw_test_write_tmp ("limit-next.lua", next->str, next->len);
  mw_test_cli_run (&rn, NULL, (const char *[]){ "check", path_next, NULL });
  want_next = g_strdup_printf ("%s:53: main function has more than 50 local variables (the "
                               "NodeMCU firmware refuses it)\n",
                               path_next);
  g_assert_cmpstr (rn.err, ==, want_next);

  /* a later syntax error: the firmware stops at the first error */
  append_locals (later, 51);
  g_string_append (later, "x = = 1\n");
  path_later = mw_test_write_tmp ("limit-later.lua", later->str, later->len);
  mw_test_cli_run (&rl, NULL, (const char *[]){ "check", path_later, NULL });
  want_later = g_strdup_printf ("%s:51: main function has more than 50 local variables (the "
                                "NodeMCU firmware refuses it)\n",
                                path_later);
  g_assert_cmpint (rl.status, ==, 2);
  g_assert_cmpstr (rl.err, ==, want_later);
}

/* Limits of Lua's code generator, which both desktop Lua and the firmware have: luac5.1 is the
 * oracle for the verdict and the message (`luac5.1: MSG` or `luac5.1: file:line: MSG`). */
typedef struct
{
  const char *name;
  const char *head, *body, *tail; /* the source: head, `count` bodies, tail */
  int count;
} LimitCase;

static const LimitCase limit_cases[] = {
  /* a jump over more than 131,071 instructions */
  { "control.lua", "while x do\n", "y()\n", "end\n", 140000 },
  /* more than 262,143 constants in one function */
  { "constants.lua", "local t = {\n", "'k' .. 1,\n", "}\n", 0 },
  /* more than 32,767 local declarations in one function, never more than one active */
  { "declarations.lua", "", "do local a end\n", "", 32768 },
  /* more than 250 registers */
  { "registers.lua", "f(", "1, ", "1)\n", 300 },
  /* within every limit: ok */
  { "fine.lua", "#!/usr/bin/lua\nwhile x do\n", "y()\n", "end\n", 1000 },
};

static void
test_check_codegen_limits (void)
{
  for (gsize i = 0; i < G_N_ELEMENTS (limit_cases); i++)
    {
      const LimitCase *c = &limit_cases[i];
      g_autoptr (GString) src = g_string_new (c->head);
      g_autofree char *path = NULL, *luac_out = NULL, *luac_err = NULL, *want = NULL;
      g_auto (MwTestCliRun) r = { 0 }, desktop = { 0 };
      const char *luac_args[3] = { "-p", NULL, NULL };
      int luac_status;

      if (c->count == 0) /* distinct constants */
        for (int k = 0; k < 262200; k++)
          g_string_append_printf (src, "%d,\n", k);
      for (int k = 0; k < c->count; k++)
        g_string_append (src, c->body);
      g_string_append (src, c->tail);
      path = mw_test_write_tmp (c->name, src->str, src->len);
      luac_args[1] = path;
      luac_status = mw_test_luac (luac_args, &luac_out, &luac_err);
      mw_test_cli_run (&r, NULL, (const char *[]){ "check", path, NULL });
      /* desktop Lua has these limits too (once, on the small file) */
      if (src->len < 4096)
        mw_test_cli_run (&desktop, NULL, (const char *[]){ "check", "--lua51", path, NULL });
      if (g_spawn_check_wait_status (luac_status, NULL))
        {
          g_autofree char *ok = g_strdup_printf ("%s: ok\n", path);
          g_assert_cmpint (r.status, ==, 0);
          g_assert_cmpstr (r.out, ==, ok);
          g_assert_cmpstr (r.err, ==, "");
          continue;
        }
      /* luac5.1 prints `luac5.1: ` then Lua's message; ours names the file when Lua's does not */
      g_assert_true (g_str_has_prefix (luac_err, "luac5.1: "));
      want = g_str_has_prefix (luac_err + 9, path) ? g_strdup (luac_err + 9)
                                                   : g_strdup_printf ("%s: %s", path, luac_err + 9);
      g_test_message ("%s: %s", c->name, luac_err + 9);
      g_assert_cmpint (r.status, ==, 2);
      g_assert_cmpstr (r.err, ==, want);
      g_assert_cmpstr (r.out, ==, "");
      if (src->len < 4096)
        {
          g_assert_cmpint (desktop.status, ==, 2);
          g_assert_cmpstr (desktop.err, ==, want);
        }
    }
}

static void
test_check_io (void)
{
  g_autofree char *lc = mw_test_write_tmp ("x.lc", "\033Lua\x51", 5);
  g_auto (MwTestCliRun) missing = { 0 }, binary = { 0 }, noargs = { 0 }, badopt = { 0 };

  mw_test_cli_run (&missing, NULL, (const char *[]){ "check", "/nonexistent/x.lua", NULL });
  g_assert_cmpint (missing.status, ==, 3);
  g_assert_cmpstr (
    missing.err, ==,
    "moonwire-cli check: cannot open /nonexistent/x.lua: No such file or directory\n");
  mw_test_cli_run (&binary, NULL, (const char *[]){ "check", lc, NULL });
  g_assert_cmpint (binary.status, ==, 2);
  {
    g_autofree char *want = g_strdup_printf ("%s: a precompiled chunk, not Lua source\n", lc);

    g_assert_cmpstr (binary.err, ==, want);
  }
  mw_test_cli_run (&noargs, NULL, (const char *[]){ "check", NULL });
  g_assert_cmpint (noargs.status, ==, 4);
  g_assert_cmpstr (noargs.err, ==, "moonwire-cli check: no files given\n");
  mw_test_cli_run (&badopt, NULL, (const char *[]){ "check", "--no-such-option", NULL });
  g_assert_cmpint (badopt.status, ==, 4);
  g_assert_cmpstr (badopt.err, ==, "moonwire-cli check: Unknown option --no-such-option\n");
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/mw/cli/help-version", test_help_version);
  g_test_add_func ("/mw/cli/board-command-help", test_board_command_help);
  g_test_add_func ("/mw/cli/check/valid", test_check_valid);
  g_test_add_func ("/mw/cli/check/syntax-error", test_check_syntax_error);
  g_test_add_func ("/mw/cli/check/firmware-limit", test_check_firmware_limit);
  g_test_add_func ("/mw/cli/check/codegen-limits", test_check_codegen_limits);
  g_test_add_func ("/mw/cli/check/io", test_check_io);
  return g_test_run ();
}
