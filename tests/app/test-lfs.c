/* test-lfs.c: Flash to LFS in the window against the simulated NodeMCU (the simulator library on
 * a real pty, paced at 115200 baud): a project folder's .lua files built into an image, loaded,
 * the restart followed, the result in the info bar and the Board tab's LFS rows,
 * checked against what the board itself says (node.info('lfs'), node.LFS). */
#include "mw-config.h"

#include "mw-test-app.h"
#include "mw-test-support.h"
#include "mw-sim.h"
#include "mw-window.h"

#include <glib/gstdio.h>
#include <stdio.h>
#include <string.h>

static MwApplication *app;

static const char greet_lua[] = "local M = {}\n"
                                "function M.hello(n) return 'hello ' .. n end\n"
                                "return M\n";
static const char counter_lua[] = "local n = 0\n"
                                  "return function() n = n + 1 return n end\n";

static gboolean
connected (gpointer data)
{
  return mw_board_is_connected (mw_window_get_board (data));
}

static gboolean
op_over (gpointer data)
{
  return !g_action_group_get_action_enabled (G_ACTION_GROUP (data), "cancel");
}

static GtkLabel *
panel_label (MwWindow *window, const char *name)
{
  return GTK_LABEL (gtk_widget_get_template_child (GTK_WIDGET (mw_window_get_board_panel (window)),
                                                   MW_TYPE_BOARD_PANEL, name));
}

typedef struct
{
  MwWindow *window;
  const char *name;
  const char *text;
} LabelWait;

static gboolean
label_is (gpointer data)
{
  LabelWait *wait = data;
  return g_strcmp0 (gtk_label_get_text (panel_label (wait->window, wait->name)), wait->text) == 0;
}

static MwWindow *
connect_window (void)
{
  MwWindow *window = mw_window_new (app);

  gtk_window_resize (GTK_WINDOW (window), 1024, 600);
  gtk_widget_show (GTK_WIDGET (window));
  g_action_group_activate_action (G_ACTION_GROUP (window), "connect", NULL);
  if (!mw_test_wait_until (connected, window, 20000))
    g_error ("no connection: %s", mw_window_get_message (window));
  return window;
}

static void
write_file (const char *dir, const char *name, const char *contents)
{
  g_autofree char *path = g_build_filename (dir, name, NULL);
  g_autofree char *parent = g_path_get_dirname (path);

  g_assert_cmpint (g_mkdir_with_parents (parent, 0700), ==, 0);
  g_assert_true (g_file_set_contents (path, contents, -1, NULL));
}

static void
remove_tree (const char *dir)
{
  g_autofree char *cmd = g_strdup_printf ("rm -rf '%s'", dir);
  g_assert_cmpint (system (cmd), ==, 0);
}

/* Flash a folder of two modules (one in a subfolder): the progress bar while it runs, then
 * the info bar's whole message with the flash the board reports used, the Board tab's LFS rows,
 * and the modules running on the board. (How the console shows the restart depends on when
 * the firmware's text falls between Moonwire's own commands: not asserted here.) */
static void
test_flash_folder (void)
{
  MwWindow *window = connect_window ();
  g_autofree char *dir = g_dir_make_tmp ("mw-lfs-XXXXXX", NULL);
  g_autoptr (GFile) folder = g_file_new_for_path (dir);
  g_autofree char *used = NULL;
  g_autofree char *want_used = NULL;
  g_autofree char *want_msg = NULL;
  g_autofree char *hello = NULL;
  g_autofree char *heap_now = NULL;
  const char *msg;
  gint64 before = -1, after = -1;
  guint64 used_bytes;

  /* an empty store: the simulated board's default region (a common cloud-build size) */
  {
    LabelWait wait = { window, "lfs_label", "0 of 65536 bytes used" };
    LabelWait none = { window, "lfs_modules_label", "none" };

    g_assert_cmpuint (MW_SIM_DEFAULT_LFS_SIZE, ==, 65536);
    g_assert_true (mw_test_wait_until (label_is, &wait, 10000));
    g_assert_true (mw_test_wait_until (label_is, &none, 10000));
  }

  write_file (dir, "greet.lua", greet_lua);
  write_file (dir, "lib/counter.lua", counter_lua);
  write_file (dir, "notes.txt", "not Lua: left out\n");
  mw_window_flash_lfs (window, folder);
  g_assert_true (g_action_group_get_action_enabled (G_ACTION_GROUP (window), "cancel"));
  g_assert_false (g_action_group_get_action_enabled (G_ACTION_GROUP (window), "flash-lfs"));
  g_assert_true (mw_test_wait_until (op_over, window, 60000));

  /* what the board itself says it holds */
  used = mw_test_window_exec (window, "print(node.info('lfs').lfs_used)");
  used_bytes = g_ascii_strtoull (used, NULL, 10);
  g_assert_cmpuint (used_bytes, >, 0);
  msg = mw_window_get_message (window);
  g_assert_nonnull (msg);
  g_assert_cmpint (sscanf (msg,
                           "Flashed 2 modules to LFS: %*u of 65536 bytes used; free heap "
                           "%" G_GINT64_FORMAT " bytes before, %" G_GINT64_FORMAT " after",
                           &before, &after),
                   ==, 2);
  want_msg = g_strdup_printf ("Flashed 2 modules to LFS: %" G_GUINT64_FORMAT
                              " of 65536 bytes used; free heap %" G_GINT64_FORMAT
                              " bytes before, %" G_GINT64_FORMAT " after",
                              used_bytes, before, after);
  g_assert_cmpstr (msg, ==, want_msg);
  /* the heap at the prompt after the restart: the board's own figure now, give or take what
   * the window's own commands since (the file list) left on the heap */
  heap_now = mw_test_window_exec (window, "print(node.heap())");
  g_assert_cmpint (ABS (g_ascii_strtoll (heap_now, NULL, 10) - after), <=, 2048);

  want_used = g_strdup_printf ("%" G_GUINT64_FORMAT " of 65536 bytes used", used_bytes);
  g_assert_cmpstr (gtk_label_get_text (panel_label (window, "lfs_label")), ==, want_used);
  g_assert_cmpstr (gtk_label_get_text (panel_label (window, "lfs_modules_label")), ==,
                   "counter, greet");

  hello =
    mw_test_window_exec (window, "print(node.LFS.greet().hello('lfs'), node.LFS.counter()())");
  g_assert_cmpstr (hello, ==, "hello lfs\t1\r\n");

  gtk_widget_destroy (GTK_WIDGET (window));
  remove_tree (dir);
}

/* A file that does not compile: the firmware's message with its file and line, nothing sent,
 * the store as it was. */
static void
test_syntax_error (void)
{
  MwWindow *window = connect_window ();
  g_autofree char *dir = g_dir_make_tmp ("mw-lfs-XXXXXX", NULL);
  g_autoptr (GFile) folder = g_file_new_for_path (dir);
  g_autofree char *listed = NULL;
  LabelWait wait = { window, "lfs_label", "0 of 65536 bytes used" };

  g_assert_true (mw_test_wait_until (label_is, &wait, 10000));
  write_file (dir, "good.lua", greet_lua);
  write_file (dir, "bad.lua", "local x = \nreturn x\n");
  mw_window_flash_lfs (window, folder);
  g_assert_true (mw_test_wait_until (op_over, window, 20000));
  g_assert_cmpstr (mw_window_get_message (window), ==,
                   "Not flashed to LFS: bad.lua:2: unexpected symbol near 'return'");
  listed = mw_test_window_exec (window, "print(file.exists('lfs.img'), node.LFS.list())");
  g_assert_cmpstr (listed, ==, "false\tnil\r\n");
  g_assert_cmpstr (gtk_label_get_text (panel_label (window, "lfs_label")), ==,
                   "0 of 65536 bytes used");

  gtk_widget_destroy (GTK_WIDGET (window));
  remove_tree (dir);
}

int
main (int argc, char *argv[])
{
  int status;

  mw_test_app_init (&argc, &argv);
  app = mw_test_app_new ();
  g_test_add_func ("/mw/app/lfs/flash-folder", test_flash_folder);
  g_test_add_func ("/mw/app/lfs/syntax-error", test_syntax_error);
  status = g_test_run ();
  g_object_unref (app);
  return status;
}
