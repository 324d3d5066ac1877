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
  /* The whole of stdout and of stderr (NULL: nothing). Literal text but for @PORT@ and @DIR@,
   * @N@ (a whole number: a rate, a live heap figure) and @S@ (seconds, two decimals). */
  const char *out;
  const char *err;
  const char *input; /* standard input, or NULL */
} CliCase;

/* In order: later cases see what earlier ones did to the board. `run` and `exec` pass the board's
 * console output on as it came, with its CR LF line ends (docs/firmware.md section 1). */
static const CliCase cases[] = {
  { "put", "put --port @PORT@ @DIR@/hello.lua @DIR@/data.bin @DIR@/one.txt", 0,
    "@DIR@/hello.lua -> hello.lua: 30 bytes verified in @S@ s (@N@ B/s)\n"
    "@DIR@/data.bin -> data.bin: 256 bytes verified in @S@ s (@N@ B/s)\n"
    "@DIR@/one.txt -> one.txt: 1 byte verified in @S@ s (@N@ B/s)\n",
    NULL },
  { "ls", "ls --port @PORT@", 0,
    "     256  data.bin\n      30  hello.lua\n       1  one.txt\n3 files; @N@ of @N@ bytes free\n",
    NULL },
  { "rm-one", "rm --port @PORT@ one.txt", 0, NULL, NULL },
  { "ls-json", "ls --port @PORT@ --json", 0,
    "{\"files\": [{\"name\": \"data.bin\", \"size\": 256}, {\"name\": \"hello.lua\", \"size\": "
    "30}], "
    "\"remaining\": @N@, \"used\": @N@, \"total\": @N@}\n",
    NULL },
  { "cat", "cat --port @PORT@ hello.lua", 0, "print('hello', 6 * 7) -- hi!!\n", NULL },
  { "run", "run --port @PORT@ hello.lua", 0, "hello\t42\r\n", NULL },
  { "exec", "exec --port @PORT@ print(node.heap()>0)", 0, "true\r\n", NULL },
  { "exec-syntax", "exec --port @PORT@ x=", 2, NULL,
    "moonwire-cli exec: stdin:1: unexpected symbol near '<eof>'\n" },
  /* the user's line numbers, not the wrapper's */
  { "exec-runtime", "exec --port @PORT@ error('boom')", 2, NULL,
    "moonwire-cli exec: stdin:1: boom\n" },
  { "get", "get --port @PORT@ data.bin -o @DIR@/back.bin", 0,
    "data.bin -> @DIR@/back.bin (256 bytes)\n", NULL },
  { "info", "info --port @PORT@ --json", 0,
    "{\"version\": \"3.0.0\", \"major\": 3, \"number_type\": \"float\", "
    "\"modules\": \"bit,file,gpio,node,sjson,tmr,uart,wifi\", \"chip_id\": 10597058, "
    "\"flash_id\": 1458400, \"flash_size\": 4096, \"heap\": @N@}\n",
    NULL },
  { "heap", "heap --port @PORT@", 0, "@N@\n", NULL },
  { "mv", "mv --port @PORT@ data.bin moved.bin", 0, NULL, NULL },
  { "mv-exists", "mv --port @PORT@ moved.bin hello.lua", 2, NULL,
    "moonwire-cli mv: hello.lua: the target exists; cannot rename moved.bin over it\n" },
  { "rm", "rm --port @PORT@ moved.bin", 0, NULL, NULL },
  { "rm-missing", "rm --port @PORT@ moved.bin", 2, NULL,
    "moonwire-cli rm: moved.bin: no such file on the board\n" },
  { "sync", "sync --port @PORT@ @DIR@", 0,
    "upload data.bin (256 bytes)\nupload one.txt (1 byte)\n2 uploaded, 1 already the same\n",
    NULL },
  { "sync-again", "sync --port @PORT@ @DIR@", 0, "0 uploaded, 3 already the same\n", NULL },
  /* the pipeline on the way (mw-lua-pipeline.h): compiled on this machine for the board */
  { "put-compile", "put --port @PORT@ --lint --minify --compile @DIR@/hello.lua", 0,
    "@DIR@/hello.lua -> hello.lc: 118 bytes verified in @S@ s (@N@ B/s)\n", NULL },
  { "run-lc", "run --port @PORT@ hello.lc", 0, "hello\t42\r\n", NULL },
  { "put-compile-remove-absent",
    "put --port @PORT@ --compile --strip --remove-source --as other.lua @DIR@/hello.lua", 0,
    "@DIR@/hello.lua -> other.lc: 104 bytes verified in @S@ s (@N@ B/s)\n", NULL },
  { "put-strip-alone", "put --port @PORT@ --strip @DIR@/hello.lua", 4, NULL,
    "moonwire-cli put: --strip, --remove-source and --target need --compile\n" },
  { "put-bad-target", "put --port @PORT@ --compile --target double @DIR@/hello.lua", 4, NULL,
    "moonwire-cli put: --target must be float, integer or board, not 'double'\n" },
  { "format-unconfirmed", "format --port @PORT@", 4, NULL,
    "moonwire-cli format: this erases every file on the board; run again with --yes to "
    "confirm\n" },
  { "name-too-long", "put --port @PORT@ --as a2345678901234567890123456789012 @DIR@/hello.lua", 4,
    NULL,
    "moonwire-cli put: 'a2345678901234567890123456789012': name is 32 bytes long; the board's "
    "file system allows at most 31\n" },
  { "name-empty", "rm --port @PORT@ ", 4, NULL, "moonwire-cli rm: empty file name\n" },
  { "no-port", "ls", 4, NULL,
    "moonwire-cli ls: no port given: use --port PORT or set MOONWIRE_PORT (moonwire-cli ports "
    "lists them)\n" },
  { "no-such-port", "ls --port /dev/ttyUSB-moonwire-none", 5, NULL,
    "moonwire-cli ls: /dev/ttyUSB-moonwire-none: no such port\n" },
  { "bad-option", "ls --bogus", 4, NULL, "moonwire-cli ls: Unknown option --bogus\n" },
  { "bad-option-lfs", "lfs build --bogus", 4, NULL,
    "moonwire-cli lfs build: Unknown option --bogus\n" },
  /* piped input: one line at a time, the board's output and prompts back, no echo twice */
  { "repl-piped", "repl --port @PORT@", 0, "42\r\n> hello\t42\r\n> ", NULL,
    "print(6*7)\ndofile('hello.lua')\n" },
};

static char *dir;
static MwSim *sim;

/* `text` is the whole of `expected` (see CliCase), a NULL `expected` being "" */
static void
assert_whole (const char *text, const char *expected)
{
  g_autofree char *quoted = g_regex_escape_string (expected != NULL ? expected : "", -1);
  g_autofree char *dir_quoted = g_regex_escape_string (dir, -1);
  g_autofree char *port_quoted = g_regex_escape_string (mw_sim_get_path (sim), -1);
  g_auto (GStrv) parts = NULL;
  g_autofree char *joined = NULL;
  g_autofree char *pattern = NULL;
  static const char *const holes[][2] = { { "@N@", "[0-9]+" }, { "@S@", "[0-9]+\\.[0-9]{2}" } };

  /* the placeholders pass through g_regex_escape_string untouched */
  joined = g_strdup (quoted);
  for (guint i = 0; i < G_N_ELEMENTS (holes); i++)
    {
      parts = g_strsplit (joined, holes[i][0], -1);
      g_free (joined);
      joined = g_strjoinv (holes[i][1], parts);
      g_clear_pointer (&parts, g_strfreev);
    }
  parts = g_strsplit (joined, "@DIR@", -1);
  g_free (joined);
  joined = g_strjoinv (dir_quoted, parts);
  g_clear_pointer (&parts, g_strfreev);
  parts = g_strsplit (joined, "@PORT@", -1);
  g_free (joined);
  joined = g_strjoinv (port_quoted, parts);
  pattern = g_strconcat ("\\A", joined, "\\z", NULL);
  if (!g_regex_match_simple (pattern, text, G_REGEX_DOTALL, 0))
    g_error ("output differs:\n%s\nexpected (as a pattern):\n%s", text,
             expected != NULL ? expected : "");
}

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
  assert_whole (out, c->out);
  assert_whole (err, c->err);
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

/* `sync`'s whole transcript on a fresh board: the files in name order whatever order the folder
 * lists them in (it once sorted the array's pointers), a dry run that writes nothing, the
 * uploads, then nothing left to do. */
static void
test_sync_transcript (void)
{
  static const char *const created[] = { "m.lua",    "zz.txt", "b",    "a.bin",
                                         "init.lua", "Z.lua",  "k.lc", "c.txt" };
  g_autofree char *folder = g_mkdtemp (mw_test_tmp_path ("cli-sync-XXXXXX"));
  MwSimOptions options;
  g_autoptr (MwSim) board = NULL;
  g_autoptr (GError) error = NULL;
  g_auto (MwTestCliRun) dry = { 0 }, first = { 0 }, again = { 0 };

  g_assert_nonnull (folder);
  for (guint i = 0; i < G_N_ELEMENTS (created); i++)
    {
      g_autofree char *path = g_build_filename (folder, created[i], NULL);

      /* each file's size is its place in the folder's creation order, plus one */
      g_assert_true (g_file_set_contents (path, "12345678", i + 1, NULL));
    }
  mw_sim_options_init (&options);
  options.baud_limit = FALSE;
  board = mw_sim_new (&options);
  g_assert_true (mw_sim_start (board, &error));
  g_assert_no_error (error);
  mw_test_cli_run (
    &dry, NULL,
    (const char *[]){ "sync", "--port", mw_sim_get_path (board), "--dry-run", folder, NULL });
  g_assert_cmpstr (dry.err, ==, "");
  g_assert_cmpstr (dry.out, ==,
                   "would upload Z.lua (6 bytes)\n"
                   "would upload a.bin (4 bytes)\n"
                   "would upload b (3 bytes)\n"
                   "would upload c.txt (8 bytes)\n"
                   "would upload init.lua (5 bytes)\n"
                   "would upload k.lc (7 bytes)\n"
                   "would upload m.lua (1 byte)\n"
                   "would upload zz.txt (2 bytes)\n"
                   "0 uploaded, 0 already the same\n");
  g_assert_cmpint (dry.status, ==, 0);
  mw_test_cli_run (&first, NULL,
                   (const char *[]){ "sync", "--port", mw_sim_get_path (board), folder, NULL });
  g_assert_cmpstr (first.err, ==, "");
  g_assert_cmpstr (first.out, ==,
                   "upload Z.lua (6 bytes)\n"
                   "upload a.bin (4 bytes)\n"
                   "upload b (3 bytes)\n"
                   "upload c.txt (8 bytes)\n"
                   "upload init.lua (5 bytes)\n"
                   "upload k.lc (7 bytes)\n"
                   "upload m.lua (1 byte)\n"
                   "upload zz.txt (2 bytes)\n"
                   "8 uploaded, 0 already the same\n");
  g_assert_cmpint (first.status, ==, 0);
  mw_test_cli_run (&again, NULL,
                   (const char *[]){ "sync", "--port", mw_sim_get_path (board), folder, NULL });
  g_assert_cmpstr (again.err, ==, "");
  g_assert_cmpstr (again.out, ==, "0 uploaded, 8 already the same\n");
  g_assert_cmpint (again.status, ==, 0);
  mw_sim_stop (board);
}

/* A board that restarts during `put`: the next command, run at once, works. The upload's bytes
 * still on their way when the board restarted once reached the fresh prompt, where the board
 * echoed them and the next command read that binary echo as a second restart. */
static void
test_command_after_reset (void)
{
  g_autofree char *folder = g_mkdtemp (mw_test_tmp_path ("cli-after-reset-XXXXXX"));
  g_autofree char *big = g_build_filename (folder, "big.bin", NULL);
  g_autofree guint8 *data = g_malloc (30000);
  GRand *rand = g_rand_new_with_seed (5);

  for (gsize i = 0; i < 30000; i++)
    data[i] = g_rand_int_range (rand, 0, 256);
  g_rand_free (rand);
  g_assert_true (g_file_set_contents (big, (const char *) data, 30000, NULL));
  for (guint round = 0; round < 3; round++)
    {
      MwSimOptions options;
      g_autoptr (MwSim) board = NULL;
      g_autoptr (GError) error = NULL;
      g_auto (MwTestCliRun) put = { 0 }, ls = { 0 };
      g_autofree char *want_put = NULL;

      mw_sim_options_init (&options);
      options.reset_after = 4000 + 1500 * round; /* once, with the line at its rate */
      board = mw_sim_new (&options);
      g_assert_true (mw_sim_start (board, &error));
      g_assert_no_error (error);
      mw_test_cli_run (&put, NULL,
                       (const char *[]){ "put", "--port", mw_sim_get_path (board), big, NULL });
      g_assert_cmpint (put.status, ==, 5);
      g_assert_cmpstr (put.out, ==, "");
      want_put = g_strdup_printf ("moonwire-cli put: big.bin: the board restarted during the "
                                  "upload; the file on the board was not replaced\n");
      g_assert_cmpstr (put.err, ==, want_put);
      mw_test_cli_run (&ls, NULL,
                       (const char *[]){ "ls", "--port", mw_sim_get_path (board), NULL });
      g_assert_cmpstr (ls.err, ==, "");
      /* the temporary file, if the restart came after it was opened; never the real one */
      if (!g_regex_match_simple ("\\A( +[0-9]+  ~mwupload\\.tmp\n1 file|0 files); "
                                 "[0-9]+ of [0-9]+ bytes free\n\\z",
                                 ls.out, 0, 0))
        g_error ("ls printed:\n%s", ls.out);
      g_assert_cmpint (ls.status, ==, 0);
      mw_sim_stop (board);
    }
}

/* Runs moonwire-cli with `args` against `board` and returns its stdout; the run must succeed
 * without a word on stderr. */
static char *
cli_out (MwSim *board, const char *cwd, const char *const *args)
{
  g_autoptr (GPtrArray) argv = g_ptr_array_new ();
  g_auto (MwTestCliRun) run = { 0 };

  for (guint i = 0; args[i] != NULL; i++)
    g_ptr_array_add (argv, (char *) args[i]);
  g_ptr_array_add (argv, "--port");
  g_ptr_array_add (argv, (char *) mw_sim_get_path (board));
  g_ptr_array_add (argv, NULL);
  mw_test_cli_run (&run, cwd, (const char *const *) argv->pdata);
  g_assert_cmpstr (run.err, ==, "");
  g_assert_cmpint (run.status, ==, 0);
  return g_steal_pointer (&run.out);
}

/* The --json output, whole, as scripts read it: names escaped, members in order, figures
 * the board gives elsewhere; timings and the live heap matched by pattern. */
static void
test_json_output (void)
{
  g_autofree char *folder = g_mkdtemp (mw_test_tmp_path ("cli-json-XXXXXX"));
  g_autofree char *quoted = g_build_filename (folder, "q\"b\\x.lua", NULL);
  g_autofree char *hello = g_build_filename (folder, "hello.lua", NULL);
  MwSimOptions options;
  g_autoptr (MwSim) board = NULL;
  g_autoptr (GError) error = NULL;
  g_autofree char *put = NULL, *ls = NULL, *info = NULL, *heap = NULL, *fs = NULL, *ids = NULL;
  g_autofree char *want_ls = NULL, *want_info = NULL;
  g_auto (GStrv) fs_fields = NULL;
  g_auto (GStrv) id_fields = NULL;
  static const char put_pattern[] =
    "^\\[\\{\"name\": \"hello\\.lua\", \"bytes\": 30, \"seconds\": [0-9]+\\.[0-9]{3}, "
    "\"bytes_per_second\": [0-9]+, \"baud\": 115200, \"fast\": false, \"text\": false, "
    "\"retries\": 0, \"recoveries\": 0\\}, "
    "\\{\"name\": \"q\\\\\"b\\\\\\\\x\\.lua\", \"bytes\": 30, \"seconds\": [0-9]+\\.[0-9]{3}, "
    "\"bytes_per_second\": [0-9]+, \"baud\": 115200, \"fast\": false, \"text\": false, "
    "\"retries\": 0, \"recoveries\": 0\\}\\]\n$";
  g_autoptr (GRegex) heap_re =
    g_regex_new ("^\\{\"heap\": ([0-9]+)\\}\n$", G_REGEX_DOLLAR_ENDONLY, 0, NULL);
  g_autoptr (GRegex) info_heap_re =
    g_regex_new ("\"heap\": ([0-9]+)\\}\n$", G_REGEX_DOLLAR_ENDONLY, 0, NULL);
  g_autoptr (GMatchInfo) match = NULL;
  g_autofree char *live = NULL;
  g_autofree char *sampled = NULL;

  g_assert_nonnull (folder);
  g_assert_true (g_file_set_contents (hello, "print('hello', 6 * 7) -- hi!!\n", -1, NULL));
  g_assert_true (g_file_set_contents (quoted, "print('hello', 6 * 7) -- hi!!\n", -1, NULL));
  mw_sim_options_init (&options);
  options.baud_limit = FALSE;
  board = mw_sim_new (&options);
  g_assert_true (mw_sim_start (board, &error));
  g_assert_no_error (error);

  put = cli_out (board, NULL, (const char *[]){ "put", "--json", hello, quoted, NULL });
  g_test_message ("put: %s", put);
  g_assert_true (g_regex_match_simple (put_pattern, put, G_REGEX_DOLLAR_ENDONLY, 0));

  /* the board's own figures, asked another way */
  fs = cli_out (board, NULL, (const char *[]){ "exec", "print(file.fsinfo())", NULL });
  fs_fields = g_strsplit_set (g_strstrip (fs), "\t", -1);
  g_assert_cmpuint (g_strv_length (fs_fields), ==, 3);
  ls = cli_out (board, NULL, (const char *[]){ "ls", "--json", NULL });
  want_ls = g_strdup_printf ("{\"files\": [{\"name\": \"hello.lua\", \"size\": 30}, "
                             "{\"name\": \"q\\\"b\\\\x.lua\", \"size\": 30}], \"remaining\": %s, "
                             "\"used\": %s, \"total\": %s}\n",
                             fs_fields[0], fs_fields[1], fs_fields[2]);
  g_assert_cmpstr (ls, ==, want_ls);

  ids = cli_out (
    board, NULL,
    (const char *[]){ "exec", "local h=node.info('hw') print(h.chip_id, h.flash_id, h.flash_size)",
                      NULL });
  id_fields = g_strsplit_set (g_strstrip (ids), "\t", -1);
  g_assert_cmpuint (g_strv_length (id_fields), ==, 3);
  info = cli_out (board, NULL, (const char *[]){ "info", "--json", NULL });
  /* the free heap is live: taken from the output, checked for sense */
  g_assert_true (g_regex_match (info_heap_re, info, 0, &match));
  live = g_match_info_fetch (match, 1);
  g_clear_pointer (&match, g_match_info_free);
  want_info =
    g_strdup_printf ("{\"version\": \"3.0.0\", \"major\": 3, \"number_type\": \"float\", "
                     "\"modules\": \"" MW_SIM_DEFAULT_MODULES "\", \"chip_id\": %s, "
                     "\"flash_id\": %s, \"flash_size\": %s, \"heap\": %" G_GINT64_FORMAT "}\n",
                     id_fields[0], id_fields[1], id_fields[2], g_ascii_strtoll (live, NULL, 10));
  g_assert_cmpstr (info, ==, want_info);
  g_assert_cmpint (g_ascii_strtoll (live, NULL, 10), >, 30000);

  heap = cli_out (board, NULL, (const char *[]){ "heap", "--json", NULL });
  g_assert_true (g_regex_match (heap_re, heap, 0, &match));
  sampled = g_match_info_fetch (match, 1);
  g_assert_cmpint (g_ascii_strtoll (sampled, NULL, 10), >, 30000);
  mw_sim_stop (board);
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
    g_autofree char *one = g_build_filename (dir, "one.txt", NULL);

    for (guint i = 0; i < 256; i++)
      all[i] = i;
    g_assert_true (g_file_set_contents (hello, "print('hello', 6 * 7) -- hi!!\n", -1, NULL));
    g_assert_true (g_file_set_contents (data, (const char *) all, 256, NULL));
    g_assert_true (g_file_set_contents (one, "1", 1, NULL));
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
  g_test_add_func ("/mw/cli/device/sync-transcript", test_sync_transcript);
  g_test_add_func ("/mw/cli/device/json-output", test_json_output);
  g_test_add_func ("/mw/cli/device/command-after-reset", test_command_after_reset);
  status = g_test_run ();
  mw_sim_stop (sim);
  g_object_unref (sim);
  g_free (dir);
  return status;
}
