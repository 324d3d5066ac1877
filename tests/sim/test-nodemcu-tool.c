/* test-nodemcu-tool.c: a real client nobody here wrote, nodemcu-tool 3.2.1 from npm, runs
 * fsinfo, upload and download against a simulated board (line rate on, firmware 3.0, default
 * modules: no encoder, so it transfers in hex) and the files come through intact.
 *
 * scripts/bootstrap installs nodemcu-tool into ${XDG_CACHE_HOME:-~/.cache}/moonwire/
 * nodemcu-tool; MOONWIRE_NODEMCU_TOOL names another nodemcu-tool.js. The test is built only
 * where npm is installed, and there a missing nodemcu-tool is a failure. */
#include <glib/gstdio.h>
#include <string.h>
#include <unistd.h>

#include "mw-sim-test.h"

static char *
tool_path (void)
{
  const char *env = g_getenv ("MOONWIRE_NODEMCU_TOOL");

  if (env && *env)
    return g_strdup (env);
  return g_build_filename (g_get_user_cache_dir (), "moonwire", "nodemcu-tool", "node_modules",
                           "nodemcu-tool", "bin", "nodemcu-tool.js", NULL);
}

/* Runs nodemcu-tool with `args` in `cwd`; returns its standard output. */
static char *
run_tool (const char *port, const char *cwd, const char *const *args)
{
  g_autofree char *tool = tool_path ();
  g_autoptr (GPtrArray) argv = g_ptr_array_new ();
  g_autoptr (GError) error = NULL;
  g_autofree char *err = NULL;
  char *out = NULL;
  int status = 0;

  g_ptr_array_add (argv, "node");
  g_ptr_array_add (argv, tool);
  g_ptr_array_add (argv, "--port");
  g_ptr_array_add (argv, (char *) port);
  g_ptr_array_add (argv, "--baud");
  g_ptr_array_add (argv, "115200");
  for (guint i = 0; args[i]; i++)
    g_ptr_array_add (argv, (char *) args[i]);
  g_ptr_array_add (argv, NULL);
  g_spawn_sync (cwd, (char **) argv->pdata, NULL, G_SPAWN_SEARCH_PATH, NULL, NULL, &out, &err,
                &status, &error);
  g_assert_no_error (error);
  g_test_message ("nodemcu-tool %s:\n%s%s", args[0], out, err);
  g_assert_true (g_spawn_check_wait_status (status, NULL));
  return out;
}

static void
test_fsinfo_upload_download (void)
{
  g_autofree char *tool = tool_path ();
  g_autofree char *work = g_dir_make_tmp ("mw-sim-nmt-XXXXXX", NULL);
  g_autofree char *down = g_build_filename (work, "down", NULL);
  g_autofree char *flash = g_build_filename (work, "flash", NULL);
  g_autofree char *bin_path = g_build_filename (work, "data.bin", NULL);
  g_autofree char *lua_path = g_build_filename (work, "hello.lua", NULL);
  static const char lua_src[] = "-- uploaded by nodemcu-tool\nprint(\"hello \" .. 6 * 7)\n";
  g_autoptr (GRand) rand = g_rand_new_with_seed (3);
  g_autoptr (GByteArray) data = g_byte_array_new ();
  g_autoptr (MwSimTestBoard) board = NULL;
  MwSimOptions opts;

  if (!g_file_test (tool, G_FILE_TEST_IS_REGULAR))
    {
      g_test_fail_printf ("nodemcu-tool not found at %s: run scripts/bootstrap (it installs "
                          "nodemcu-tool@3.2.1 with npm) or set MOONWIRE_NODEMCU_TOOL",
                          tool);
      return;
    }
  /* every byte value, then seeded noise: 3000 bytes */
  for (guint i = 0; i < 256; i++)
    g_byte_array_append (data, (guint8 *) &i, 1);
  while (data->len < 3000)
    {
      guint8 b = (guint8) g_rand_int_range (rand, 0, 256);
      g_byte_array_append (data, &b, 1);
    }
  g_assert_true (g_file_set_contents (bin_path, (char *) data->data, data->len, NULL));
  g_assert_true (g_file_set_contents (lua_path, lua_src, -1, NULL));
  g_assert_cmpint (g_mkdir (down, 0755), ==, 0);

  mw_sim_options_init (&opts); /* the line rate on, as a board */
  opts.fs_dir = flash;
  board = mw_sim_test_board_new (&opts, NULL);
  /* the tool opens the port itself */
  close (board->fd);
  board->fd = -1;

  {
    static const char *const args[] = { "fsinfo", NULL };
    g_autofree char *out = run_tool (mw_sim_get_path (board->sim), work, args);
    g_assert_nonnull (strstr (out, "Version: 3.0.0"));
    /* a 3 MB SPIFFS partition: 384 blocks of 8 KB, (384 - 2) x 31 + 1 = 11843 pages of 251
     * bytes = 2972593 bytes (docs/firmware.md section 7), 2902 KB as the tool rounds */
    g_assert_nonnull (strstr (out, "Total: 2902 KB"));
    g_assert_nonnull (strstr (out, "0 Files"));
  }
  {
    static const char *const args[] = { "upload", "data.bin", "hello.lua", NULL };
    g_autofree char *out = run_tool (mw_sim_get_path (board->sim), work, args);
    g_autofree char *on_flash = NULL;
    g_autofree char *flash_bin = g_build_filename (flash, "data.bin", NULL);
    g_autofree char *flash_lua = g_build_filename (flash, "hello.lua", NULL);
    gsize len;

    g_assert_nonnull (strstr (out, "Transfer-Mode: hex"));
    g_assert_true (g_file_get_contents (flash_bin, &on_flash, &len, NULL));
    g_assert_cmpmem (on_flash, len, data->data, data->len);
    g_clear_pointer (&on_flash, g_free);
    g_assert_true (g_file_get_contents (flash_lua, &on_flash, &len, NULL));
    g_assert_cmpmem (on_flash, len, lua_src, sizeof lua_src - 1);
  }
  {
    static const char *const args[] = { "fsinfo", NULL };
    g_autofree char *out = run_tool (mw_sim_get_path (board->sim), work, args);
    g_assert_nonnull (strstr (out, "data.bin (3000 Bytes)"));
    g_assert_nonnull (strstr (out, "hello.lua (53 Bytes)"));
  }
  {
    static const char *const args[] = { "download", "data.bin", NULL };
    g_autofree char *out = run_tool (mw_sim_get_path (board->sim), down, args);
    g_autofree char *got = NULL;
    g_autofree char *got_path = g_build_filename (down, "data.bin", NULL);
    gsize len;

    g_assert_true (g_file_get_contents (got_path, &got, &len, NULL));
    g_assert_cmpmem (got, len, data->data, data->len);
    g_unlink (got_path);
  }
  /* the uploaded script runs on the board. nodemcu-tool 3.2.1's download ends by sending
   * "undefined" (its close command is looked up under the wrong name), which leaves the REPL
   * waiting for the rest of a statement (">> "), as a board would: "=0" completes it as
   * "undefined =0" */
  mw_sim_test_reopen (board);
  {
    g_autofree char *pending = mw_sim_test_run (board, "=0");
    g_assert_cmpstr (pending, ==, "");
  }
  {
    g_autofree char *out = mw_sim_test_run (board, "dofile('hello.lua')");
    g_assert_cmpstr (out, ==, "hello 42");
  }
  mw_sim_test_board_free (g_steal_pointer (&board));
  g_unlink (bin_path);
  g_unlink (lua_path);
  g_rmdir (down);
  g_rmdir (work);
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/mw/sim/nodemcu-tool/fsinfo-upload-download", test_fsinfo_upload_download);
  return g_test_run ();
}
