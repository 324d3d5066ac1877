/* test-cli.c: moonwire-cli's board commands against moonwire-sim over a real pty: output,
 * documented exit codes (src/cli/mw-cli-commands.h) and the messages for bad input. */
#include "mw-config.h"

#include <string.h>
#include <gio/gio.h>
#include <glib/gstdio.h>

#include "mw-sim.h"
#include "mw-test-support.h"

typedef struct
{
  const char *name;
  const char *args; /* split on spaces; @PORT@ and @DIR@ replaced */
  int exit_code;
  const char *out; /* substring of stdout, or NULL */
  const char *err; /* substring of stderr, or NULL */
  const char *input; /* standard input, or NULL */
} CliCase;

/* In order: later cases see what earlier ones did to the board. */
static const CliCase cases[] = {
  { "put", "put --port @PORT@ @DIR@/hello.lua @DIR@/data.bin", 0, "hello.lua: 30 bytes verified",
    NULL },
  { "ls", "ls --port @PORT@", 0, "      30  hello.lua", NULL },
  { "ls-json", "ls --port @PORT@ --json", 0, "{\"name\": \"data.bin\", \"size\": 256}", NULL },
  { "cat", "cat --port @PORT@ hello.lua", 0, "print('hello', 6 * 7)", NULL },
  { "run", "run --port @PORT@ hello.lua", 0, "hello\t42", NULL },
  { "exec", "exec --port @PORT@ print(node.heap()>0)", 0, "true", NULL },
  { "exec-syntax", "exec --port @PORT@ x=", 2, NULL, "unexpected symbol near '<eof>'" },
  /* the user's line numbers, not the wrapper's */
  { "exec-runtime", "exec --port @PORT@ error('boom')", 2, NULL, "stdin:1: boom" },
  { "get", "get --port @PORT@ data.bin -o @DIR@/back.bin", 0, "data.bin -> ", NULL },
  { "info", "info --port @PORT@ --json", 0, "\"number_type\": \"float\"", NULL },
  { "heap", "heap --port @PORT@", 0, NULL, NULL },
  { "mv", "mv --port @PORT@ data.bin moved.bin", 0, NULL, NULL },
  { "mv-exists", "mv --port @PORT@ moved.bin hello.lua", 2, NULL, "the target exists" },
  { "rm", "rm --port @PORT@ moved.bin", 0, NULL, NULL },
  { "rm-missing", "rm --port @PORT@ moved.bin", 2, NULL, "no such file on the board" },
  { "sync", "sync --port @PORT@ @DIR@", 0, "1 uploaded, 1 already the same", NULL },
  { "sync-again", "sync --port @PORT@ @DIR@", 0, "0 uploaded, 2 already the same", NULL },
  /* the pipeline on the way (mw-lua-pipeline.h): compiled on this machine for the board */
  { "put-compile", "put --port @PORT@ --lint --minify --compile @DIR@/hello.lua", 0,
    "hello.lua -> hello.lc: ", NULL },
  { "run-lc", "run --port @PORT@ hello.lc", 0, "hello\t42", NULL },
  { "put-compile-remove-absent",
    "put --port @PORT@ --compile --strip --remove-source --as other.lua @DIR@/hello.lua", 0,
    "-> other.lc: ", NULL },
  { "put-strip-alone", "put --port @PORT@ --strip @DIR@/hello.lua", 4, NULL, "need --compile" },
  { "put-bad-target", "put --port @PORT@ --compile --target double @DIR@/hello.lua", 4, NULL,
    "--target must be float, integer or board" },
  { "format-unconfirmed", "format --port @PORT@", 4, NULL, "--yes" },
  { "name-too-long", "put --port @PORT@ --as a2345678901234567890123456789012 @DIR@/hello.lua", 4,
    NULL, "at most 31" },
  { "name-empty", "rm --port @PORT@ ", 4, NULL, NULL },
  { "no-port", "ls", 4, NULL, "MOONWIRE_PORT" },
  { "no-such-port", "ls --port /dev/ttyUSB-moonwire-none", 5, NULL, "no such port" },
  { "bad-option", "ls --bogus", 4, NULL, "Unknown option" },
  /* piped input: one line at a time, the board's output and prompts back, no echo twice */
  { "repl-piped", "repl --port @PORT@", 0, "42\r\n> hello\t42\r\n> ", NULL,
    "print(6*7)\ndofile('hello.lua')\n" },
};

static char *dir;
static MwSim *sim;

static void
run_case (gconstpointer data)
{
  const CliCase *c = data;
  g_autofree char *a1 = NULL;
  g_autofree char *a2 = NULL;
  g_auto (GStrv) args = NULL;
  g_autoptr (GPtrArray) argv = g_ptr_array_new ();
  g_autofree char *out = NULL;
  g_autofree char *err = NULL;
  g_autoptr (GError) error = NULL;
  int status = 0;
  const char *cli = g_getenv ("MOONWIRE_CLI");
  GRegex *port_re = g_regex_new ("@PORT@", 0, 0, NULL);
  GRegex *dir_re = g_regex_new ("@DIR@", 0, 0, NULL);

  g_assert_nonnull (cli);
  a1 = g_regex_replace_literal (port_re, c->args, -1, 0, mw_sim_get_path (sim), 0, NULL);
  a2 = g_regex_replace_literal (dir_re, a1, -1, 0, dir, 0, NULL);
  g_regex_unref (port_re);
  g_regex_unref (dir_re);
  args = g_strsplit (a2, " ", -1);
  g_ptr_array_add (argv, (char *) cli);
  for (guint i = 0; args[i]; i++)
    g_ptr_array_add (argv, args[i]);
  g_ptr_array_add (argv, NULL);
  {
    /* MOONWIRE_PORT must not leak in from the environment */
    g_autoptr (GSubprocessLauncher) launcher =
      g_subprocess_launcher_new (G_SUBPROCESS_FLAGS_STDIN_PIPE | G_SUBPROCESS_FLAGS_STDOUT_PIPE
                                 | G_SUBPROCESS_FLAGS_STDERR_PIPE);
    g_autoptr (GSubprocess) proc = NULL;

    g_subprocess_launcher_unsetenv (launcher, "MOONWIRE_PORT");
    proc = g_subprocess_launcher_spawnv (launcher, (const char *const *) argv->pdata, &error);
    g_assert_no_error (error);
    g_subprocess_communicate_utf8 (proc, c->input ? c->input : "", NULL, &out, &err, &error);
    status = g_subprocess_get_status (proc);
  }
  g_assert_no_error (error);
  g_test_message ("%s\nstdout: %s\nstderr: %s", a2, out, err);
  g_assert_true (WIFEXITED (status));
  g_assert_cmpint (WEXITSTATUS (status), ==, c->exit_code);
  if (c->out)
    g_assert_nonnull (strstr (out, c->out));
  if (c->err)
    g_assert_nonnull (strstr (err, c->err));
  if (strcmp (c->name, "get") == 0)
    {
      g_autofree char *path = g_build_filename (dir, "back.bin", NULL);
      g_autofree char *back = NULL;
      gsize len = 0;

      g_assert_true (g_file_get_contents (path, &back, &len, NULL));
      g_assert_cmpuint (len, ==, 256);
      for (guint i = 0; i < 256; i++)
        g_assert_cmpuint ((guint8) back[i], ==, i);
      g_unlink (path); /* so that sync sees the folder as before */
    }
  if (strcmp (c->name, "rm") == 0)
    {
      /* sync then finds data.bin missing on the board: one upload */
      g_autofree char *path = g_build_filename (dir, "data.bin", NULL);

      g_assert_true (g_file_test (path, G_FILE_TEST_EXISTS));
    }
}

static char *
run_cli (const char *const *args, int *status)
{
  g_autoptr (GPtrArray) argv = g_ptr_array_new ();
  g_autoptr (GSubprocessLauncher) launcher =
    g_subprocess_launcher_new (G_SUBPROCESS_FLAGS_STDOUT_PIPE | G_SUBPROCESS_FLAGS_STDERR_PIPE);
  g_autoptr (GSubprocess) proc = NULL;
  g_autoptr (GError) error = NULL;
  g_autofree char *err = NULL;
  char *out = NULL;

  g_ptr_array_add (argv, (char *) g_getenv ("MOONWIRE_CLI"));
  for (guint i = 0; args[i] != NULL; i++)
    g_ptr_array_add (argv, (char *) args[i]);
  g_ptr_array_add (argv, NULL);
  g_subprocess_launcher_unsetenv (launcher, "MOONWIRE_PORT");
  proc = g_subprocess_launcher_spawnv (launcher, (const char *const *) argv->pdata, &error);
  g_assert_no_error (error);
  g_subprocess_communicate_utf8 (proc, NULL, NULL, &out, &err, &error);
  g_assert_no_error (error);
  g_test_message ("stdout: %s\nstderr: %s", out, err);
  g_assert_cmpstr (err, ==, "");
  *status = g_subprocess_get_status (proc);
  return out;
}

/* sync goes through a folder in name order (it once sorted the array's pointers instead of the
 * names), uploads what differs and nothing the second time; a dry run only says. */
static void
test_sync_order (void)
{
  static const char *const names[] = { "s5.lua", "s1.lua", "s9.txt", "s3.lua", "s7.bin",
                                       "s2.lua", "s8.lua", "s4.lua", "s6.lua", NULL };
  g_autofree char *folder = g_build_filename (dir, "sync-order", NULL);
  g_autofree char *path = NULL;
  g_autofree char *out = NULL;
  const char *args[] = { "sync", "--port", mw_sim_get_path (sim), folder, NULL };
  const char *dry[] = { "sync", "-n", "--port", mw_sim_get_path (sim), folder, NULL };
  int status = -1;

  g_assert_cmpint (g_mkdir_with_parents (folder, 0700), ==, 0);
  for (guint i = 0; names[i] != NULL; i++)
    {
      g_autofree char *file = g_build_filename (folder, names[i], NULL);
      g_autofree char *text = g_strdup_printf ("print('%s')\n", names[i]);

      g_assert_true (g_file_set_contents (file, text, -1, NULL));
    }
  out = run_cli (args, &status);
  g_assert_true (WIFEXITED (status) && WEXITSTATUS (status) == 0);
  g_assert_cmpstr (out, ==,
                   "upload s1.lua (16 bytes)\n"
                   "upload s2.lua (16 bytes)\n"
                   "upload s3.lua (16 bytes)\n"
                   "upload s4.lua (16 bytes)\n"
                   "upload s5.lua (16 bytes)\n"
                   "upload s6.lua (16 bytes)\n"
                   "upload s7.bin (16 bytes)\n"
                   "upload s8.lua (16 bytes)\n"
                   "upload s9.txt (16 bytes)\n"
                   "9 uploaded, 0 already the same\n");
  g_free (out);
  out = run_cli (args, &status);
  g_assert_cmpstr (out, ==, "0 uploaded, 9 already the same\n");
  path = g_build_filename (folder, "s6.lua", NULL);
  g_assert_true (g_file_set_contents (path, "print('s6.lua', 2)\n", -1, NULL));
  g_free (path);
  path = g_build_filename (folder, "s2.lua", NULL);
  g_assert_true (g_file_set_contents (path, "print('S2.LUA')\n", -1, NULL));
  g_free (out);
  out = run_cli (dry, &status);
  g_assert_true (WIFEXITED (status) && WEXITSTATUS (status) == 0);
  g_assert_cmpstr (out, ==,
                   "would upload s2.lua (16 bytes)\n"
                   "would upload s6.lua (19 bytes)\n"
                   "0 uploaded, 7 already the same\n");
  g_free (out);
  out = run_cli (args, &status);
  g_assert_cmpstr (out, ==,
                   "upload s2.lua (16 bytes)\n"
                   "upload s6.lua (19 bytes)\n"
                   "2 uploaded, 7 already the same\n");
}

int
main (int argc, char **argv)
{
  MwSimOptions options;
  g_autoptr (GError) error = NULL;
  guint8 all[256];
  int status;

  g_test_init (&argc, &argv, NULL);
  dir = mw_test_tmp_path ("cli");
  g_mkdir_with_parents (dir, 0700);
  {
    g_autofree char *hello = g_build_filename (dir, "hello.lua", NULL);
    g_autofree char *data = g_build_filename (dir, "data.bin", NULL);

    for (guint i = 0; i < 256; i++)
      all[i] = i;
    g_assert_true (g_file_set_contents (hello, "print('hello', 6 * 7) -- hi!!\n", -1, NULL));
    g_assert_true (g_file_set_contents (data, (const char *) all, 256, NULL));
  }
  mw_sim_options_init (&options);
  options.baud_limit = FALSE;
  sim = mw_sim_new (&options);
  g_assert_true (mw_sim_start (sim, &error));
  for (gsize i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autofree char *path = g_strdup_printf ("/mw/cli/device/%s", cases[i].name);

      g_test_add_data_func (path, &cases[i], run_case);
    }
  g_test_add_func ("/mw/cli/device/sync-order", test_sync_order);
  status = g_test_run ();
  mw_sim_stop (sim);
  g_object_unref (sim);
  g_free (dir);
  return status;
}
