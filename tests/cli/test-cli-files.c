/* test-cli-files.c: how moonwire-cli's local commands treat what is at their inputs and
 * outputs (src/cli/mw-cli-files.h): a FIFO, a symlink or a hard link at -o / --in-place is
 * written through and survives, endless inputs (/dev/zero, /dev/urandom) end in a clear
 * error at a size limit, a failed write to standard output is exit code 3, and `lint DIR`
 * follows no symlinked folder (two links to "." once made the walk exponential). */
#include "mw-config.h"

#include <errno.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include <gio/gio.h>
#include <glib/gstdio.h>

#include "mw-test-support.h"

static const char source[] = "local a = 1\nprint(a)\n";
static const char minified[] = "local a=1 print(a)";

/* Runs moonwire-cli in `cwd` with its standard output to `stdout_path` (NULL: a pipe, read
 * into *out). */
static int
run_cli (const char *cwd, const char *stdout_path, char **out, char **err, const char *const *args)
{
  g_autoptr (GSubprocessLauncher) launcher = NULL;
  g_autoptr (GSubprocess) proc = NULL;
  g_autoptr (GPtrArray) argv = g_ptr_array_new ();
  g_autoptr (GError) error = NULL;
  GSubprocessFlags flags = G_SUBPROCESS_FLAGS_STDERR_PIPE;

  if (stdout_path == NULL)
    flags |= G_SUBPROCESS_FLAGS_STDOUT_PIPE;
  launcher = g_subprocess_launcher_new (flags);
  if (stdout_path != NULL)
    g_subprocess_launcher_set_stdout_file_path (launcher, stdout_path);
  g_subprocess_launcher_set_cwd (launcher, cwd);
  g_ptr_array_add (argv, (char *) g_getenv ("MOONWIRE_CLI"));
  for (; *args; args++)
    g_ptr_array_add (argv, (char *) *args);
  g_ptr_array_add (argv, NULL);
  proc = g_subprocess_launcher_spawnv (launcher, (const char *const *) argv->pdata, &error);
  g_assert_no_error (error);
  g_subprocess_communicate_utf8 (proc, NULL, NULL, out, err, &error);
  g_assert_no_error (error);
  g_assert_true (g_subprocess_get_if_exited (proc));
  return g_subprocess_get_exit_status (proc);
}

static char *
make_dir (void)
{
  g_autofree char *base = mw_test_tmp_path ("files");
  char *dir;

  g_mkdir_with_parents (base, 0700);
  dir = g_build_filename (base, "XXXXXX", NULL);
  g_assert_nonnull (g_mkdtemp (dir));
  return dir;
}

static char *
read_back (const char *dir, const char *name)
{
  g_autofree char *path = g_build_filename (dir, name, NULL);
  char *text = NULL;

  g_assert_true (g_file_get_contents (path, &text, NULL, NULL));
  return text;
}

static void
write_in (const char *dir, const char *name, const char *text)
{
  g_autofree char *path = g_build_filename (dir, name, NULL);

  g_assert_true (g_file_set_contents (path, text, -1, NULL));
}

static gpointer
drain_fifo (gpointer data)
{
  char *text = NULL;

  g_assert_true (g_file_get_contents (data, &text, NULL, NULL));
  return text;
}

/* -o FIFO: the reader gets the result; the FIFO stays a FIFO (it was replaced by a file). */
static void
test_output_fifo (void)
{
  g_autofree char *dir = make_dir ();
  g_autofree char *fifo = g_build_filename (dir, "pipe", NULL);
  g_autofree char *out = NULL, *err = NULL, *got = NULL;
  const char *args[] = { "minify", "-q", "-o", "pipe", "m.lua", NULL };
  GThread *reader;
  GStatBuf st;

  write_in (dir, "m.lua", source);
  g_assert_cmpint (mkfifo (fifo, 0600), ==, 0);
  reader = g_thread_new ("fifo", drain_fifo, fifo);
  g_assert_cmpint (run_cli (dir, NULL, &out, &err, args), ==, 0);
  got = g_thread_join (reader);
  g_assert_cmpstr (got, ==, minified);
  g_assert_cmpstr (out, ==, "");
  g_assert_cmpstr (err, ==, "");
  g_assert_cmpint (g_lstat (fifo, &st), ==, 0);
  g_assert_true (S_ISFIFO (st.st_mode));
}

/* -o LINK where LINK -> /proc/self/fd/1 (what /dev/stdout is): the bytes go to standard
 * output and the link stays. */
static void
test_output_stdout_link (void)
{
  g_autofree char *dir = make_dir ();
  g_autofree char *link = g_build_filename (dir, "stdout", NULL);
  g_autofree char *out = NULL, *err = NULL, *target = NULL;
  const char *args[] = { "minify", "-q", "-o", "stdout", "m.lua", NULL };

  write_in (dir, "m.lua", source);
  g_assert_cmpint (symlink ("/proc/self/fd/1", link), ==, 0);
  g_assert_cmpint (run_cli (dir, NULL, &out, &err, args), ==, 0);
  g_assert_cmpstr (out, ==, minified);
  g_assert_cmpstr (err, ==, "");
  target = g_file_read_link (link, NULL);
  g_assert_cmpstr (target, ==, "/proc/self/fd/1");
}

/* --in-place on a symlink replaces the file it names, not the link; on one of two hard links
 * both names keep one file. An existing file keeps its mode. */
static void
test_in_place_links (void)
{
  g_autofree char *dir = make_dir ();
  g_autofree char *real = g_build_filename (dir, "real.lua", NULL);
  g_autofree char *sym = g_build_filename (dir, "link.lua", NULL);
  g_autofree char *first = g_build_filename (dir, "first.lua", NULL);
  g_autofree char *second = g_build_filename (dir, "second.lua", NULL);
  const char *args_link[] = { "minify", "-q", "--in-place", "link.lua", NULL };
  const char *args_hard[] = { "minify", "-q", "--in-place", "second.lua", NULL };
  g_autofree char *out = NULL, *err = NULL, *target = NULL;
  g_autofree char *a = NULL, *b = NULL, *c = NULL;
  GStatBuf st1, st2;

  write_in (dir, "real.lua", source);
  g_assert_cmpint (g_chmod (real, 0750), ==, 0);
  g_assert_cmpint (symlink ("real.lua", sym), ==, 0);
  g_assert_cmpint (run_cli (dir, NULL, &out, &err, args_link), ==, 0);
  g_assert_cmpstr (err, ==, "");
  target = g_file_read_link (sym, NULL);
  g_assert_cmpstr (target, ==, "real.lua");
  a = read_back (dir, "real.lua");
  g_assert_cmpstr (a, ==, minified);
  g_assert_cmpint (g_stat (real, &st1), ==, 0);
  g_assert_cmpint (st1.st_mode & 07777, ==, 0750);

  write_in (dir, "first.lua", source);
  g_assert_cmpint (link (first, second), ==, 0);
  g_clear_pointer (&err, g_free);
  g_clear_pointer (&out, g_free);
  g_assert_cmpint (run_cli (dir, NULL, &out, &err, args_hard), ==, 0);
  g_assert_cmpstr (err, ==, "");
  g_assert_cmpint (g_stat (first, &st1), ==, 0);
  g_assert_cmpint (g_stat (second, &st2), ==, 0);
  g_assert_cmpuint (st1.st_ino, ==, st2.st_ino);
  g_assert_cmpuint (st1.st_nlink, ==, 2);
  b = read_back (dir, "first.lua");
  c = read_back (dir, "second.lua");
  g_assert_cmpstr (b, ==, minified);
  g_assert_cmpstr (c, ==, minified);
}

/* A full disk behind standard output is exit code 3 with the reason, not a silent 0. */
static void
test_stdout_full (void)
{
  static const struct
  {
    const char *args[6];
    const char *err;
  } cases[] = {
    { { "minify", "-q", "m.lua", NULL },
      "moonwire-cli minify: cannot write to standard output: No space left on device\n" },
    { { "compile", "--list", "m.lua", NULL },
      "moonwire-cli compile: cannot write to standard output: No space left on device\n" },
    { { "lint", "--formatter", "plain", "g.lua", NULL },
      "moonwire-cli lint: cannot write to standard output: No space left on device\n" },
  };
  g_autofree char *dir = make_dir ();

  write_in (dir, "m.lua", source);
  write_in (dir, "g.lua", "x = 1\n");
  for (gsize i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autofree char *err = NULL;

      g_assert_cmpint (run_cli (dir, "/dev/full", NULL, &err, cases[i].args), ==, 3);
      g_assert_cmpstr (err, ==, cases[i].err);
    }
}

/* Endless and oversized inputs: every local command stops at its limit with a clear error
 * (exit 3) instead of reading gigabytes. */
static void
test_input_limits (void)
{
  static const struct
  {
    const char *command;
    const char *path;
    const char *what;
    const char *out;
  } cases[] = {
    { "check", "/dev/zero", "Lua source", "" },
    { "minify", "/dev/zero", "Lua source", "" },
    { "ram", "/dev/urandom", "Lua source", "" },
    { "compile", "/dev/zero", "Lua source", "" },
    { "lint", "/dev/urandom", "Lua source", "Total: 0 warnings / 0 errors in 0 files\n" },
    { "lcinfo", "/dev/zero", "bytecode", "" },
  };
  g_autofree char *dir = make_dir ();

  for (gsize i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      const char *args[] = { cases[i].command, cases[i].path, NULL };
      g_autofree char *out = NULL, *err = NULL, *expected = NULL;

      expected = g_strdup_printf ("moonwire-cli %s: %s: more than the 4 MB limit for %s; "
                                  "stopped reading\n",
                                  cases[i].command, cases[i].path, cases[i].what);
      g_assert_cmpint (run_cli (dir, NULL, &out, &err, args), ==, 3);
      g_assert_cmpstr (err, ==, expected);
      g_assert_cmpstr (out, ==, cases[i].out);
    }
  {
    /* a regular file says its size: refused before reading */
    g_autofree char *big = g_build_filename (dir, "big.lua", NULL);
    FILE *f = fopen (big, "w");
    const char *args[] = { "minify", "big.lua", NULL };
    g_autofree char *out = NULL, *err = NULL;

    g_assert_nonnull (f);
    g_assert_cmpint (ftruncate (fileno (f), 5 * 1024 * 1024), ==, 0);
    fclose (f);
    g_assert_cmpint (run_cli (dir, NULL, &out, &err, args), ==, 3);
    g_assert_cmpstr (err, ==,
                     "moonwire-cli minify: big.lua: 5242880 bytes, larger than the 4 MB limit "
                     "for Lua source\n");
  }
}

/* lint DIR with two links to ".", one to "..", one out of the tree: each real file once. */
static void
test_lint_dir_links (void)
{
  g_autofree char *dir = make_dir ();
  g_autofree char *tree = g_build_filename (dir, "t", NULL);
  g_autofree char *sub = g_build_filename (tree, "sub", NULL);
  g_autofree char *outside = g_build_filename (dir, "outside", NULL);
  g_autofree char *path = NULL;
  g_autofree char *out = NULL, *err = NULL;
  const char *args[] = { "lint", "--formatter", "plain", "t", NULL };

  g_assert_cmpint (g_mkdir_with_parents (sub, 0700), ==, 0);
  g_assert_cmpint (g_mkdir_with_parents (outside, 0700), ==, 0);
  write_in (tree, "a.lua", "x = 1\n");
  write_in (sub, "b.lua", "y = 2\n");
  write_in (outside, "c.lua", "z = 3\n");
  path = g_build_filename (tree, "loop1", NULL);
  g_assert_cmpint (symlink (".", path), ==, 0);
  g_free (path);
  path = g_build_filename (tree, "loop2", NULL);
  g_assert_cmpint (symlink (".", path), ==, 0);
  g_free (path);
  path = g_build_filename (sub, "up", NULL);
  g_assert_cmpint (symlink ("..", path), ==, 0);
  g_free (path);
  path = g_build_filename (tree, "out", NULL);
  g_assert_cmpint (symlink ("../outside", path), ==, 0);
  g_free (path);
  path = g_build_filename (tree, "c.lua", NULL);
  g_assert_cmpint (symlink ("../outside/c.lua", path), ==, 0);

  g_assert_cmpint (run_cli (dir, NULL, &out, &err, args), ==, 1);
  g_assert_cmpstr (out, ==,
                   "t/a.lua:1:1: (W111) global 'x' is set and never set back to nil: it holds 50 "
                   "bytes until restart\n"
                   "t/c.lua:1:1: (W111) global 'z' is set and never set back to nil: it holds 50 "
                   "bytes until restart\n"
                   "t/sub/b.lua:1:1: (W111) global 'y' is set and never set back to nil: it "
                   "holds 50 bytes until restart\n");
  g_assert_cmpstr (err, ==, "");
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/mw/cli/files/output-fifo", test_output_fifo);
  g_test_add_func ("/mw/cli/files/output-stdout-link", test_output_stdout_link);
  g_test_add_func ("/mw/cli/files/in-place-links", test_in_place_links);
  g_test_add_func ("/mw/cli/files/stdout-full", test_stdout_full);
  g_test_add_func ("/mw/cli/files/input-limits", test_input_limits);
  g_test_add_func ("/mw/cli/files/lint-dir-links", test_lint_dir_links);
  return g_test_run ();
}
