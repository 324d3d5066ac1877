/* test-cli-signals.c: `moonwire-cli put` stopped mid-transfer by SIGINT, SIGTERM or SIGHUP
 * (Ctrl-C, kill or a closing terminal) against moonwire-sim at the real line rate: each ends
 * the upload cleanly (exit 130), the board is back at its prompt at once (not left in raw
 * upload mode, where it would swallow the next command) and the old file is intact. */
#include "mw-config.h"

#include <signal.h>
#include <string.h>
#include <gio/gio.h>
#include <glib/gstdio.h>

#include "mw-sim.h"
#include "mw-test-support.h"

static MwSim *sim;
static char *work;

typedef struct
{
  int status;
  char *out;
  char *err;
} Run;

static void
run_clear (Run *run)
{
  g_free (run->out);
  g_free (run->err);
}

/* Runs moonwire-cli; with `sig`, sends it `delay_ms` after the start. */
static void
run_cli (Run *run, int sig, guint delay_ms, const char *const *args)
{
  g_autoptr (GPtrArray) argv = g_ptr_array_new ();
  g_autoptr (GSubprocessLauncher) launcher = NULL;
  g_autoptr (GSubprocess) proc = NULL;
  g_autoptr (GError) error = NULL;

  g_ptr_array_add (argv, (char *) g_getenv ("MOONWIRE_CLI"));
  g_ptr_array_add (argv, (char *) args[0]);
  g_ptr_array_add (argv, "--port");
  g_ptr_array_add (argv, (char *) mw_sim_get_path (sim));
  for (guint i = 1; args[i]; i++)
    g_ptr_array_add (argv, (char *) args[i]);
  g_ptr_array_add (argv, NULL);
  launcher =
    g_subprocess_launcher_new (G_SUBPROCESS_FLAGS_STDOUT_PIPE | G_SUBPROCESS_FLAGS_STDERR_PIPE);
  g_subprocess_launcher_set_cwd (launcher, work);
  proc = g_subprocess_launcher_spawnv (launcher, (const char *const *) argv->pdata, &error);
  g_assert_no_error (error);
  if (sig != 0)
    {
      g_usleep (delay_ms * 1000);
      g_subprocess_send_signal (proc, sig);
    }
  g_subprocess_communicate_utf8 (proc, NULL, NULL, &run->out, &run->err, &error);
  g_assert_no_error (error);
  g_test_message ("stdout: %s\nstderr: %s", run->out, run->err);
  /* was: killed by the signal, the board left in raw mode */
  g_assert_true (g_subprocess_get_if_exited (proc));
  run->status = g_subprocess_get_exit_status (proc);
}

static void
test_signal (gconstpointer data)
{
  int sig = GPOINTER_TO_INT (data);
  const char *put[] = { "put", "--as", "keep.bin", "big.bin", NULL };
  const char *cat[] = { "cat", "keep.bin", NULL };
  const char *exec[] = { "exec", "print(6*7)", NULL };
  Run run = { 0 };

  /* 20 KB take ~2 s at 115200 baud: the signal comes mid-transfer */
  run_cli (&run, sig, 700, put);
  g_assert_cmpint (run.status, ==, 130);
  g_assert_cmpstr (run.out, ==, "");
  g_assert_cmpstr (run.err, ==,
                   "moonwire-cli put: cancelled; the file on the board was not replaced\n");
  run_clear (&run);

  run_cli (&run, 0, 0, exec);
  g_assert_cmpint (run.status, ==, 0);
  g_assert_cmpstr (run.out, ==, "42\r\n");
  g_assert_cmpstr (run.err, ==, "");
  run_clear (&run);

  run_cli (&run, 0, 0, cat);
  g_assert_cmpint (run.status, ==, 0);
  g_assert_cmpstr (run.out, ==, "the old file\n");
  run_clear (&run);
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
    g_autofree char *big = g_build_filename (work, "big.bin", NULL);
    g_autofree char *old = g_build_filename (work, "old.txt", NULL);
    g_autofree char *zeros = g_malloc0 (20480);

    g_assert_true (g_file_set_contents (big, zeros, 20480, NULL));
    g_assert_true (g_file_set_contents (old, "the old file\n", -1, NULL));
  }
  mw_sim_options_init (&options); /* paced at 115200 baud, as a board */
  options.fs_dir = fs;
  sim = mw_sim_new (&options);
  g_assert_true (mw_sim_start (sim, &error));
  {
    const char *put_old[] = { "put", "--as", "keep.bin", "old.txt", NULL };
    Run run = { 0 };

    run_cli (&run, 0, 0, put_old);
    g_assert_cmpint (run.status, ==, 0);
    run_clear (&run);
  }
  g_test_add_data_func ("/mw/cli/signals/sigint", GINT_TO_POINTER (SIGINT), test_signal);
  g_test_add_data_func ("/mw/cli/signals/sigterm", GINT_TO_POINTER (SIGTERM), test_signal);
  g_test_add_data_func ("/mw/cli/signals/sighup", GINT_TO_POINTER (SIGHUP), test_signal);
  status = g_test_run ();
  mw_sim_stop (sim);
  g_object_unref (sim);
  g_free (work);
  return status;
}
