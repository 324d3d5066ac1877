/* test-cli.c: the moonwire-sim program: bad options exit 2 with a clear message; a good run
 * prints the pty path, makes --link, answers on the pty and stops cleanly on SIGTERM/SIGINT. */
#include <fcntl.h>
#include <glib/gstdio.h>
#include <signal.h>
#include <string.h>
#include <sys/wait.h>
#include <termios.h>
#include <unistd.h>

#include "mw-sim-test.h"

static const char *
sim_program (void)
{
  const char *p = g_getenv ("MOONWIRE_SIM");

  g_assert_nonnull (p);
  return p;
}

typedef struct
{
  const char *name;
  const char *args[4];
  const char *message; /* part of what stderr must say */
} BadCase;

static const BadCase bad_cases[] = {
  { "firmware", { "--firmware", "1.5" }, "--firmware must be 3.0 or 2.2" },
  { "baud-limit", { "--baud-limit", "maybe" }, "--baud-limit must be on or off" },
  { "debug", { "--debug", "some" }, "--debug must be minimal or full, not 'some'" },
  { "heap", { "--heap", "12" }, "--heap must be a size" },
  { "heap-junk", { "--heap", "lots" }, "--heap must be a size" },
  { "fs-size", { "--fs-size", "-1" }, "--fs-size must be a size" },
  { "lfs-size", { "--lfs-size", "5000" }, "--lfs-size must be 0 or a multiple of 4K up to 256K" },
  { "lfs-size-big",
    { "--lfs-size", "512K" },
    "--lfs-size must be 0 or a multiple of 4K up to 256K" },
  { "modules", { "--modules", "file,net" }, "unknown module 'net'" },
  { "drop-rate", { "--drop-rate", "2" }, "--drop-rate must be a number from 0 to 1" },
  { "drop-rate-nan", { "--drop-rate=nan" }, "--drop-rate must be a number from 0 to 1, not 'nan'" },
  { "corrupt-rate-nan",
    { "--corrupt-rate", "NaN" },
    "--corrupt-rate must be a number from 0 to 1, not 'NaN'" },
  { "modules-empty", { "--modules=" }, "--modules: the list is empty (known: " },
  { "seed", { "--seed", "x" }, "--seed must be a number" },
  { "unknown", { "--frobnicate" }, "Unknown option --frobnicate" },
  { "argument", { "extra" }, "unexpected argument 'extra'" },
};

static void
test_bad_option (gconstpointer data)
{
  const BadCase *c = data;
  g_autoptr (GPtrArray) argv = g_ptr_array_new ();
  g_autofree char *out = NULL, *err = NULL;
  int status;

  g_ptr_array_add (argv, (char *) sim_program ());
  for (guint i = 0; c->args[i]; i++)
    g_ptr_array_add (argv, (char *) c->args[i]);
  g_ptr_array_add (argv, NULL);
  g_assert_true (
    g_spawn_sync (NULL, (char **) argv->pdata, NULL, 0, NULL, NULL, &out, &err, &status, NULL));
  g_assert_true (WIFEXITED (status));
  g_assert_cmpint (WEXITSTATUS (status), ==, 2);
  g_assert_nonnull (strstr (err, c->message));
  g_assert_true (g_str_has_prefix (err, "moonwire-sim: "));
  g_assert_cmpstr (out, ==, "");
}

static void
run_and_stop (int sig, gboolean stuck)
{
  g_autofree char *dir = g_dir_make_tmp ("mw-sim-cli-XXXXXX", NULL);
  g_autofree char *link = g_build_filename (dir, "ttyNODEMCU", NULL);
  const char *argv[] = {
    sim_program (), "--baud-limit=off", "--link", link, "--firmware", "2.2", "--fs", dir, NULL
  };
  g_autoptr (GError) error = NULL;
  GPid pid;
  int out_fd, status;
  char path[256] = { 0 };
  gsize len = 0;

  g_assert_true (g_spawn_async_with_pipes (NULL, (char **) argv, NULL, G_SPAWN_DO_NOT_REAP_CHILD,
                                           NULL, NULL, &pid, NULL, &out_fd, NULL, &error));
  while (len < sizeof path - 1)
    {
      gssize r = read (out_fd, path + len, 1);
      if (r <= 0 || path[len] == '\n')
        break;
      len++;
    }
  path[len] = '\0';
  g_assert_true (g_str_has_prefix (path, "/dev/pts/"));
  {
    g_autofree char *target = g_file_read_link (link, NULL);
    g_assert_cmpstr (target, ==, path);
  }
  {
    /* the link works as a port name */
    g_autoptr (MwSimTestBoard) board = g_new0 (MwSimTestBoard, 1);
    int fd = open (link, O_RDWR | O_NOCTTY | O_NONBLOCK);
    struct termios tio;
    g_autofree char *out = NULL;

    g_assert_cmpint (fd, >=, 0);
    tcgetattr (fd, &tio);
    cfmakeraw (&tio);
    cfsetspeed (&tio, B115200);
    tcsetattr (fd, TCSANOW, &tio);
    board->fd = fd;
    board->seen = g_string_new (NULL);
    board->sim = mw_sim_new (NULL); /* unused: the board is the other process */
    {
      g_autoptr (GString) boot =
        mw_sim_test_expect (board, "lua: cannot open init.lua\r\n> ", -1, 5000);
      g_assert_nonnull (boot);
    }
    out = mw_sim_test_run (board, "print(node.info())");
    g_assert_true (g_str_has_prefix (out, "2\t2\t0\t"));
    /* issue 18 item 13: a board stuck inside a C function (a pattern that backtracks for
     * hours, where no VM instruction runs to check anything) */
    if (stuck)
      {
        mw_sim_test_send (board, "print(('a'):rep(40):find(('a*'):rep(40)..'b'))\r\n", -1);
        g_usleep (200 * 1000);
      }
  }
  {
    gint64 start = g_get_monotonic_time ();

    kill (pid, sig);
    g_assert_cmpint (waitpid (pid, &status, 0), ==, pid);
    /* stopped at once, or 2 s after the stop request when the board is stuck */
    g_assert_cmpint (g_get_monotonic_time () - start, <, 3 * G_USEC_PER_SEC);
  }
  g_assert_true (WIFEXITED (status));
  g_assert_cmpint (WEXITSTATUS (status), ==, 0);
  g_assert_false (g_file_test (link, G_FILE_TEST_IS_SYMLINK));
  close (out_fd);
  g_spawn_close_pid (pid);
  g_rmdir (dir);
}

static void
test_sigterm (void)
{
  run_and_stop (SIGTERM, FALSE);
}

static void
test_sigint (void)
{
  run_and_stop (SIGINT, FALSE);
}

static void
test_sigterm_stuck (void)
{
  run_and_stop (SIGTERM, TRUE);
}

/* Reads the pty path moonwire-sim prints first. */
static void
read_path_line (int fd, char *path, gsize size)
{
  gsize len = 0;

  while (len < size - 1)
    {
      gssize r = read (fd, path + len, 1);
      if (r <= 0 || path[len] == '\n')
        break;
      len++;
    }
  path[len] = '\0';
}

/* --link never deletes what it did not make: a file or a folder at PATH is refused before
 * anything is touched (it was unlinked at start, and again at exit). */
static void
test_link_refuses (void)
{
  g_autofree char *dir = g_dir_make_tmp ("mw-sim-cli-XXXXXX", NULL);
  g_autofree char *file = g_build_filename (dir, "precious.txt", NULL);
  g_autofree char *folder = g_build_filename (dir, "folder", NULL);
  const char *targets[] = { file, folder };

  g_assert_true (g_file_set_contents (file, "my notes\n", -1, NULL));
  g_assert_cmpint (g_mkdir (folder, 0700), ==, 0);
  for (guint i = 0; i < G_N_ELEMENTS (targets); i++)
    {
      const char *argv[] = { sim_program (), "--baud-limit=off", "--link", targets[i], NULL };
      g_autofree char *out = NULL, *err = NULL, *expected = NULL;
      int status;

      g_assert_true (
        g_spawn_sync (NULL, (char **) argv, NULL, 0, NULL, NULL, &out, &err, &status, NULL));
      expected = g_strdup_printf ("moonwire-sim: cannot link %s: something else is there (only "
                                  "a link to a pty, from an earlier run, is replaced)\n",
                                  targets[i]);
      g_assert_true (WIFEXITED (status));
      g_assert_cmpint (WEXITSTATUS (status), ==, 1);
      g_assert_cmpstr (out, ==, "");
      g_assert_cmpstr (err, ==, expected);
    }
  {
    g_autofree char *kept = NULL;

    g_assert_true (g_file_get_contents (file, &kept, NULL, NULL));
    g_assert_cmpstr (kept, ==, "my notes\n");
    g_assert_true (g_file_test (folder, G_FILE_TEST_IS_DIR));
  }
  g_unlink (file);
  g_rmdir (folder);
  g_rmdir (dir);
}

/* A stale link to a pty (an earlier run killed hard) is replaced; a file put where our link
 * was while the simulator ran is left alone at exit. */
static void
test_link_stale_and_replaced (void)
{
  g_autofree char *dir = g_dir_make_tmp ("mw-sim-cli-XXXXXX", NULL);
  g_autofree char *link = g_build_filename (dir, "ttyNODEMCU", NULL);
  const char *argv[] = { sim_program (), "--baud-limit=off", "--link", link, NULL };
  g_autoptr (GError) error = NULL;
  g_autofree char *kept = NULL;
  GPid pid;
  int out_fd, status;
  char path[256];

  g_assert_cmpint (symlink ("/dev/pts/999999", link), ==, 0);
  g_assert_true (g_spawn_async_with_pipes (NULL, (char **) argv, NULL, G_SPAWN_DO_NOT_REAP_CHILD,
                                           NULL, NULL, &pid, NULL, &out_fd, NULL, &error));
  g_assert_no_error (error);
  read_path_line (out_fd, path, sizeof path);
  {
    g_autofree char *target = g_file_read_link (link, NULL);
    g_assert_cmpstr (target, ==, path);
  }
  g_assert_cmpint (g_unlink (link), ==, 0);
  g_assert_true (g_file_set_contents (link, "not the simulator's\n", -1, NULL));
  kill (pid, SIGTERM);
  g_assert_cmpint (waitpid (pid, &status, 0), ==, pid);
  g_assert_true (WIFEXITED (status));
  g_assert_cmpint (WEXITSTATUS (status), ==, 0);
  g_assert_true (g_file_get_contents (link, &kept, NULL, NULL));
  g_assert_cmpstr (kept, ==, "not the simulator's\n");
  close (out_fd);
  g_spawn_close_pid (pid);
  g_unlink (link);
  g_rmdir (dir);
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  for (guint i = 0; i < G_N_ELEMENTS (bad_cases); i++)
    {
      g_autofree char *path = g_strdup_printf ("/mw/sim/cli/bad-option/%s", bad_cases[i].name);
      g_test_add_data_func (path, &bad_cases[i], test_bad_option);
    }
  g_test_add_func ("/mw/sim/cli/sigterm", test_sigterm);
  g_test_add_func ("/mw/sim/cli/sigint", test_sigint);
  g_test_add_func ("/mw/sim/cli/sigterm-stuck-in-c", test_sigterm_stuck);
  g_test_add_func ("/mw/sim/cli/link-refuses", test_link_refuses);
  g_test_add_func ("/mw/sim/cli/link-stale-and-replaced", test_link_stale_and_replaced);
  return g_test_run ();
}
