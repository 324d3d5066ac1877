/* test-cli-names.c: hostile and unusual input to moonwire-cli's board commands against
 * moonwire-sim over a real pty: board names that look like host paths (`get` keeps them in
 * its folder or refuses), every name the board accepts (31 bytes, UTF-8) through put, mv,
 * cat, get, run and rm, `exec` code sent unchanged (empty lines, control bytes, `...`, long
 * lines, Lua's own line numbers), and the exit codes and messages of bad ports and rates.
 * Whole outputs are compared; where a figure varies (an upload's speed) a regular
 * expression says what it looks like. */
#include "mw-config.h"

#include <string.h>
#include <gio/gio.h>
#include <glib/gstdio.h>

#include "mw-sim.h"
#include "mw-test-support.h"

/* 15 and 31 bytes of ASCII, 30 bytes of UTF-8 ("ü" is two) */
#define NAME15A "a23456789012345"
#define NAME15B "b23456789012345"
#define NAME_UTF8 "üüüüüüüüüüüüüüü"
#define NAME_UTF8_31 "üüüüüüüüüüüüüüüx"

typedef struct
{
  const char *name;
  const char *args[10]; /* @PORT@ is replaced */
  int exit_code;
  const char *out; /* exact, or a regular expression when it starts with '^' */
  const char *err; /* exact */
} NameCase;

/* In order: later cases see what earlier ones did to the board. */
static const NameCase cases[] = {
  { "put-climbing",
    { "put", "--port", "@PORT@", "--as", "../../x", "a.lua" },
    0,
    "^a\\.lua -> \\.\\./\\.\\./x: 9 bytes verified in [0-9.]+ s \\([0-9]+ B/s\\)\n$",
    "" },
  /* was: written to dl/sub/../../x, out of the folder */
  { "get-climbing",
    { "get", "--port", "@PORT@", "-o", "dl/sub", "../../x" },
    3,
    "",
    "moonwire-cli get: board name '../../x' is not a safe local file name (it climbs out with "
    "'..'); give -o FILE to save it under another name\n" },
  { "get-climbing-named",
    { "get", "--port", "@PORT@", "-o", "named.lua", "../../x" },
    0,
    "../../x -> named.lua (9 bytes)\n",
    "" },
  { "put-absolute",
    { "put", "--port", "@PORT@", "--as", "/tmp/mw-absolute", "a.lua" },
    0,
    "^a\\.lua -> /tmp/mw-absolute: 9 bytes verified in [0-9.]+ s \\([0-9]+ B/s\\)\n$",
    "" },
  { "get-absolute",
    { "get", "--port", "@PORT@", "/tmp/mw-absolute" },
    3,
    "",
    "moonwire-cli get: board name '/tmp/mw-absolute' is not a safe local file name (it is an "
    "absolute path); give -o FILE to save it under another name\n" },
  { "put-folder",
    { "put", "--port", "@PORT@", "--as", "lib/u.lua", "a.lua" },
    0,
    "^a\\.lua -> lib/u\\.lua: 9 bytes verified in [0-9.]+ s \\([0-9]+ B/s\\)\n$",
    "" },
  { "get-folder",
    { "get", "--port", "@PORT@", "-o", "dl", "lib/u.lua" },
    0,
    "lib/u.lua -> dl/lib/u.lua (9 bytes)\n",
    "" },
  { "put-15",
    { "put", "--port", "@PORT@", "--as", NAME15A, "a.lua" },
    0,
    "^a\\.lua -> " NAME15A ": 9 bytes verified in [0-9.]+ s \\([0-9]+ B/s\\)\n$",
    "" },
  /* was: "line 1 is 269 bytes long" */
  { "mv-15-15", { "mv", "--port", "@PORT@", NAME15A, NAME15B }, 0, "", "" },
  { "cat-15", { "cat", "--port", "@PORT@", NAME15B }, 0, "print(1)\n", "" },
  { "put-utf8",
    { "put", "--port", "@PORT@", "--as", NAME_UTF8, "a.lua" },
    0,
    "^a\\.lua -> " NAME_UTF8 ": 9 bytes verified in [0-9.]+ s \\([0-9]+ B/s\\)\n$",
    "" },
  /* was: "line is 262 bytes long" for each of these */
  { "cat-utf8", { "cat", "--port", "@PORT@", NAME_UTF8 }, 0, "print(1)\n", "" },
  { "get-utf8",
    { "get", "--port", "@PORT@", NAME_UTF8 },
    0,
    NAME_UTF8 " -> " NAME_UTF8 " (9 bytes)\n",
    "" },
  { "run-utf8", { "run", "--port", "@PORT@", NAME_UTF8 }, 0, "1\r\n", "" },
  { "mv-utf8-31", { "mv", "--port", "@PORT@", NAME_UTF8, NAME_UTF8_31 }, 0, "", "" },
  { "rm-utf8-31", { "rm", "--port", "@PORT@", NAME_UTF8_31 }, 0, "", "" },
  { "rm-utf8-gone",
    { "rm", "--port", "@PORT@", NAME_UTF8_31 },
    2,
    "",
    "moonwire-cli rm: " NAME_UTF8_31 ": no such file on the board\n" },
  /* A line break is a byte like any other in a board name (the board takes it): every command
   * manages it, output shows it escaped (one line per file in `ls`), and `get` uses it as a
   * local name only when -o names the file (was: "file name with a line break", exit 4, for
   * each command, so a file a script made could not even be removed) */
  { "put-line-break",
    { "put", "--port", "@PORT@", "--as", "l\nb", "a.lua" },
    0,
    "^a\\.lua -> l\\\\nb: 9 bytes verified in [0-9.]+ s \\([0-9]+ B/s\\)\n$",
    "" },
  { "ls-line-break",
    { "ls", "--port", "@PORT@" },
    0,
    "^( +[0-9]+  [^\n]+\n)*       9  l\\\\nb\n( +[0-9]+  [^\n]+\n)*[0-9]+ files; [0-9]+ of "
    "[0-9]+ bytes free\n$",
    "" },
  { "cat-line-break", { "cat", "--port", "@PORT@", "l\nb" }, 0, "print(1)\n", "" },
  { "get-line-break",
    { "get", "--port", "@PORT@", "l\nb" },
    3,
    "",
    "moonwire-cli get: board name 'l\\nb' is not a safe local file name (it holds control "
    "characters); give -o FILE to save it under another name\n" },
  { "get-line-break-named",
    { "get", "--port", "@PORT@", "-o", "lb.lua", "l\nb" },
    0,
    "l\\nb -> lb.lua (9 bytes)\n",
    "" },
  { "mv-line-break", { "mv", "--port", "@PORT@", "l\nb", "c\rr" }, 0, "", "" },
  { "run-line-break", { "run", "--port", "@PORT@", "c\rr" }, 0, "1\r\n", "" },
  { "rm-line-break", { "rm", "--port", "@PORT@", "c\rr" }, 0, "", "" },
  { "cat-line-break-gone",
    { "cat", "--port", "@PORT@", "c\rr" },
    2,
    "",
    "moonwire-cli cat: c\\rr: no such file on the board\n" },
  /* our message, without the wrapper's "stdin:1:" */
  { "run-missing",
    { "run", "--port", "@PORT@", "nope.lua" },
    2,
    "",
    "moonwire-cli run: no such file on the board: nope.lua\n" },
  /* exec: the chunk as written. Lua 5.1 prints 4 (the empty line was dropped: 3). */
  { "exec-empty-line", { "exec", "--port", "@PORT@", "x=[[a\n\nb]] print(#x)" }, 0, "4\r\n", "" },
  /* the error's line is the user's (was stdin:2) */
  { "exec-error-line",
    { "exec", "--port", "@PORT@", "x=1\n\nerror('e')" },
    2,
    "",
    "moonwire-cli exec: stdin:3: e\n" },
  /* a main chunk is a vararg function (was: "stdin:2: cannot use '...' outside a vararg") */
  { "exec-vararg", { "exec", "--port", "@PORT@", "print(select('#',...))" }, 0, "0\r\n", "" },
  /* BS, DEL and other control bytes in a string reach Lua unchanged (were: garbled, exit 5) */
  { "exec-control-bytes",
    { "exec", "--port", "@PORT@", "print('a\bb\177c\001d')" },
    0,
    "a\bb\177c\001d\r\n",
    "" },
  /* lines longer than the board's 255-byte line reader */
  { "exec-long-line",
    { "exec", "--port", "@PORT@",
      "local s='0123456789012345678901234567890123456789012345678901234567890123456789"
      "0123456789012345678901234567890123456789012345678901234567890123456789"
      "0123456789012345678901234567890123456789012345678901234567890123456789"
      "0123456789012345678901234567890123456789012345678901234567890123456789' print(#s)" },
    0,
    "280\r\n",
    "" },
  { "exec-syntax",
    { "exec", "--port", "@PORT@", "x=\n\n" },
    2,
    "",
    "moonwire-cli exec: stdin:3: unexpected symbol near '<eof>'\n" },
  /* a rate the port refuses is a bad option (was 5, like a missing port) */
  { "baud-1",
    { "ls", "--port", "@PORT@", "--baud", "1" },
    4,
    "",
    "moonwire-cli ls: @PORT@: 1 baud is not a standard rate (use a serial port name for "
    "others)\n" },
  /* a reset inside the reply (the watchdog) ends the command at once (was: the whole
   * timeout for exec, forever for run) */
  { "exec-watchdog-reset",
    { "exec", "--port", "@PORT@", "--timeout", "30000", "while true do end" },
    5,
    "^\r\nSoft WDT reset\r\n",
    "moonwire-cli exec: the board restarted (a watchdog reset or a crash) while the command "
    "ran\n" },
  { "put-loop",
    { "put", "--port", "@PORT@", "loop.lua" },
    0,
    "^loop\\.lua -> loop\\.lua: 18 bytes verified in [0-9.]+ s \\([0-9]+ B/s\\)\n$",
    "" },
  { "run-watchdog-reset",
    { "run", "--port", "@PORT@", "loop.lua" },
    5,
    "^\r\nSoft WDT reset\r\n",
    "moonwire-cli run: the board restarted (a watchdog reset or a crash) while the command "
    "ran\n" },
  /* a regular file is not "no such port" */
  { "port-regular-file",
    { "ls", "--port", "a.lua" },
    5,
    "",
    "moonwire-cli ls: a.lua: not a serial port (it is a regular file)\n" },
};

static char *work;
static MwSim *sim;

static char *
replace_port (const char *text)
{
  g_autoptr (GRegex) re = g_regex_new ("@PORT@", 0, 0, NULL);

  return g_regex_replace_literal (re, text, -1, 0, mw_sim_get_path (sim), 0, NULL);
}

static void
run_case (gconstpointer data)
{
  const NameCase *c = data;
  g_autoptr (GPtrArray) argv = g_ptr_array_new_with_free_func (g_free);
  g_autoptr (GSubprocessLauncher) launcher = NULL;
  g_autoptr (GSubprocess) proc = NULL;
  g_autoptr (GError) error = NULL;
  g_autoptr (GBytes) out_bytes = NULL;
  g_autoptr (GBytes) err_bytes = NULL;
  g_autofree char *out = NULL, *err = NULL, *expected_err = NULL;

  g_ptr_array_add (argv, g_strdup (g_getenv ("MOONWIRE_CLI")));
  for (guint i = 0; c->args[i]; i++)
    g_ptr_array_add (argv, replace_port (c->args[i]));
  g_ptr_array_add (argv, NULL);
  launcher =
    g_subprocess_launcher_new (G_SUBPROCESS_FLAGS_STDOUT_PIPE | G_SUBPROCESS_FLAGS_STDERR_PIPE);
  g_subprocess_launcher_unsetenv (launcher, "MOONWIRE_PORT");
  g_subprocess_launcher_set_cwd (launcher, work);
  proc = g_subprocess_launcher_spawnv (launcher, (const char *const *) argv->pdata, &error);
  g_assert_no_error (error);
  g_subprocess_communicate (proc, NULL, NULL, &out_bytes, &err_bytes, &error);
  g_assert_no_error (error);
  out = g_strndup (g_bytes_get_size (out_bytes) ? g_bytes_get_data (out_bytes, NULL) : "",
                   g_bytes_get_size (out_bytes));
  err = g_strndup (g_bytes_get_size (err_bytes) ? g_bytes_get_data (err_bytes, NULL) : "",
                   g_bytes_get_size (err_bytes));
  {
    /* The log is UTF-8 (TAP): the boot loader's noise in stdout is shown as escapes. */
    g_autofree char *out_text = g_strescape (out, "\n");
    g_autofree char *err_text = g_strescape (err, "\n");

    g_test_message ("%s\nstdout: %s\nstderr: %s", c->name, out_text, err_text);
  }
  g_assert_true (g_subprocess_get_if_exited (proc));
  g_assert_cmpint (g_subprocess_get_exit_status (proc), ==, c->exit_code);
  if (c->out[0] == '^')
    g_assert_true (g_regex_match_simple (c->out, out, G_REGEX_RAW, 0));
  else
    g_assert_cmpstr (out, ==, c->out);
  expected_err = replace_port (c->err);
  g_assert_cmpstr (err, ==, expected_err);

  if (strcmp (c->name, "get-climbing") == 0)
    {
      /* nothing at work/dl/sub/../../x, nor the folder made */
      g_autofree char *escaped = g_build_filename (work, "x", NULL);

      g_assert_false (g_file_test (escaped, G_FILE_TEST_EXISTS));
    }
  if (strcmp (c->name, "get-absolute") == 0)
    g_assert_false (g_file_test ("/tmp/mw-absolute", G_FILE_TEST_EXISTS));
  if (g_str_has_prefix (c->name, "get-") && c->exit_code == 0)
    {
      const char *dest = strstr (out, " -> ") + 4;
      g_autofree char *rel = g_strndup (dest, strstr (dest, " (") - dest);
      g_autofree char *path = g_build_filename (work, rel, NULL);
      g_autofree char *back = NULL;

      g_assert_true (g_file_get_contents (path, &back, NULL, NULL));
      g_assert_cmpstr (back, ==, "print(1)\n");
    }
}

static gint stop_garbage;

static gpointer
send_garbage (gpointer data)
{
  g_autoptr (GSocket) listener = data;
  g_autoptr (GSocket) peer = g_socket_accept (listener, NULL, NULL);
  g_autoptr (GRand) rand = g_rand_new_with_seed (7);
  guint8 buf[200];

  while (peer != NULL && !g_atomic_int_get (&stop_garbage))
    {
      for (gsize i = 0; i < sizeof buf; i++)
        buf[i] = g_rand_int_range (rand, 0, 256);
      if (g_socket_send (peer, (const char *) buf, sizeof buf, NULL, NULL) < 0)
        break;
      g_usleep (20 * 1000);
    }
  return NULL;
}

/* A TCP peer that sends nothing but garbage: the sync gives up at --timeout (was: every burst
 * read as ROM noise restarted a 5 s wait, 5 to 20 s in all). */
static void
test_tcp_garbage (void)
{
  g_autoptr (GSocket) listener =
    g_socket_new (G_SOCKET_FAMILY_IPV4, G_SOCKET_TYPE_STREAM, G_SOCKET_PROTOCOL_TCP, NULL);
  g_autoptr (GInetAddress) loopback = g_inet_address_new_loopback (G_SOCKET_FAMILY_IPV4);
  g_autoptr (GSocketAddress) any = g_inet_socket_address_new (loopback, 0);
  g_autoptr (GSocketAddress) bound = NULL;
  g_autofree char *port = NULL;
  g_autofree char *err = NULL;
  g_autofree char *expected = NULL;
  GThread *thread;
  gint64 start;
  double seconds;
  int status;

  g_assert_true (g_socket_bind (listener, any, TRUE, NULL));
  g_assert_true (g_socket_listen (listener, NULL));
  bound = g_socket_get_local_address (listener, NULL);
  port = g_strdup_printf ("tcp://127.0.0.1:%u",
                          g_inet_socket_address_get_port (G_INET_SOCKET_ADDRESS (bound)));
  thread = g_thread_new ("garbage", send_garbage, g_object_ref (listener));
  start = g_get_monotonic_time ();
  {
    const char *args[] = { "ls", "--port", port, "--timeout", "2000", NULL };

    status = mw_test_run_cli (args, work, NULL, &err);
  }
  seconds = (g_get_monotonic_time () - start) / 1e6;
  g_atomic_int_set (&stop_garbage, 1);
  g_thread_join (thread);
  expected = g_strdup_printf ("moonwire-cli ls: %s: no answer from the board at 115200 baud (is "
                              "the baud rate right? is the board in a boot loop? is another "
                              "program using the port?)\n",
                              port);
  g_test_message ("%.2f s: %s", seconds, err);
  g_assert_cmpint (status, ==, 5);
  g_assert_cmpstr (err, ==, expected);
  /* 2 s, with room for a loaded machine */
  g_assert_cmpfloat (seconds, <, 4.5);
}

/* put --text honours --timeout (issue 18): a board that falls silent in the middle of the
 * text protocol's writes (in the middle of a line: no echo) ends the command one --timeout
 * (500 ms) after its last answer, not after the default 5000 ms. */
static void
test_put_text_timeout (void)
{
  MwSimOptions options;
  g_autoptr (MwSim) silent = NULL;
  g_autoptr (GError) error = NULL;
  g_autofree char *out = NULL, *err = NULL, *data = g_malloc (3000);
  g_autofree char *file = g_build_filename (work, "t.bin", NULL);
  gint64 start;
  double seconds;
  int status;

  for (int i = 0; i < 3000; i++)
    data[i] = (char) (i * 7);
  g_assert_true (g_file_set_contents (file, data, 3000, NULL));
  mw_sim_options_init (&options);
  options.baud_limit = FALSE;
  options.silent_after = 2500; /* bytes received: a few of the writes */
  silent = mw_sim_new (&options);
  g_assert_true (mw_sim_start (silent, &error));
  start = g_get_monotonic_time ();
  {
    const char *args[] = { "put",    "--port",    mw_sim_get_path (silent),
                           "--text", "--timeout", "500",
                           "t.bin",  NULL };

    status = mw_test_run_cli (args, work, &out, &err);
  }
  seconds = (g_get_monotonic_time () - start) / 1e6;
  g_test_message ("%.2f s: %s", seconds, err);
  g_assert_cmpint (status, ==, 5);
  g_assert_cmpstr (out, ==, "");
  g_assert_cmpstr (err, ==,
                   "moonwire-cli put: no answer from the board within 500 ms (is the "
                   "baud rate right? is it in a boot loop? is another program using the "
                   "port?)\n");
  /* about 1 s; the default timeout alone would be 5 */
  g_assert_cmpfloat (seconds, <, 4.5);
  mw_sim_stop (silent);
}

int
main (int argc, char **argv)
{
  MwSimOptions options;
  g_autoptr (GError) error = NULL;
  g_autofree char *fs = NULL;
  int status;

  g_test_init (&argc, &argv, NULL);
  work = mw_test_tmp_path ("work");
  fs = mw_test_tmp_path ("flash");
  g_mkdir_with_parents (work, 0700);
  g_mkdir_with_parents (fs, 0700);
  {
    g_autofree char *a = g_build_filename (work, "a.lua", NULL);

    g_autofree char *sub = g_build_filename (work, "dl", "sub", NULL);

    g_autofree char *loop = g_build_filename (work, "loop.lua", NULL);

    g_assert_true (g_file_set_contents (a, "print(1)\n", -1, NULL));
    g_assert_true (g_file_set_contents (loop, "while true do end\n", -1, NULL));
    g_mkdir_with_parents (sub, 0700);
  }
  mw_sim_options_init (&options);
  options.baud_limit = FALSE;
  options.fs_dir = fs;
  sim = mw_sim_new (&options);
  g_assert_true (mw_sim_start (sim, &error));
  for (gsize i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autofree char *path = g_strdup_printf ("/mw/cli/names/%s", cases[i].name);

      g_test_add_data_func (path, &cases[i], run_case);
    }
  g_test_add_func ("/mw/cli/names/tcp-garbage", test_tcp_garbage);
  g_test_add_func ("/mw/cli/names/put-text-timeout", test_put_text_timeout);
  status = g_test_run ();
  mw_sim_stop (sim);
  g_object_unref (sim);
  g_free (work);
  return status;
}
