/* test-cli-lfs.c: `moonwire-cli lfs flash` end to end against the simulator over a real pty:
 * the image built for the board, uploaded, loaded with node.LFS.reload(), the restart
 * followed, the modules checked; then the modules run on the board. Boards with an integer
 * build and without an LFS region. */
#include "mw-config.h"

#include <string.h>

#include <glib/gstdio.h>

#include "mw-lua-lfs-image.h"
#include "mw-sim.h"
#include "mw-test-support.h"

#define BUILD_TIME "1700000000"

static const char greet_lua[] = "local M = {}\n"
                                "function M.hello(n) return 'hello ' .. n end\n"
                                "return M\n";
static const char counter_lua[] = "local n = 0\n"
                                  "return function() n = n + 1 return n end\n";

static char *dir;

static MwSim *
sim_start (gsize lfs_size, gboolean integer)
{
  MwSimOptions options;
  g_autoptr (GError) error = NULL;
  MwSim *sim;

  mw_sim_options_init (&options);
  options.baud_limit = FALSE;
  options.lfs_size = lfs_size;
  options.integer_build = integer;
  sim = mw_sim_new (&options);
  g_assert_true (mw_sim_start (sim, &error));
  return sim;
}

/* The image the CLI builds for these files: its flash size and compressed size. */
static void
expected_sizes (MwLuaNumberType target, gsize *flash, gsize *file)
{
  const char *names[] = { "greet.lua", "lib/counter.lua" };
  GBytes *sources[] = { g_bytes_new_static (greet_lua, strlen (greet_lua)),
                        g_bytes_new_static (counter_lua, strlen (counter_lua)) };
  g_autoptr (GError) error = NULL;
  g_autoptr (MwLuaLfsImage) image = NULL;
  g_autoptr (GBytes) gz = NULL;

  image = mw_lua_lfs_image_new_from_sources (names, sources, 2, target,
                                             g_ascii_strtoll (BUILD_TIME, NULL, 10), 0, &error);
  g_assert_no_error (error);
  gz = mw_lua_lfs_image_compress (image);
  *flash = mw_lua_lfs_image_get_flash_size (image);
  *file = g_bytes_get_size (gz);
  g_bytes_unref (sources[0]);
  g_bytes_unref (sources[1]);
}

/* The whole transcript but the heap figures, which come last: "free heap: A bytes before, B
 * after", each a plausible free heap of the default 44 KB board. */
static void
assert_flash_output (const char *out, const char *want_head)
{
  const char *heap;
  gint64 before, after;
  char *end;

  g_assert_true (g_str_has_prefix (out, want_head));
  heap = out + strlen (want_head);
  g_assert_true (g_str_has_prefix (heap, "free heap: "));
  before = g_ascii_strtoll (heap + strlen ("free heap: "), &end, 10);
  g_assert_true (g_str_has_prefix (end, " bytes before, "));
  after = g_ascii_strtoll (end + strlen (" bytes before, "), &end, 10);
  g_assert_cmpstr (end, ==, " after\n");
  g_assert_cmpint (before, >, 40000);
  g_assert_cmpint (before, <=, 45056);
  g_assert_cmpint (after, >, 40000);
  g_assert_cmpint (after, <=, 45056);
}

static void
test_flash_files (void)
{
  g_autoptr (MwSim) sim = sim_start (0x10000, FALSE);
  const char *port = mw_sim_get_path (sim);
  g_auto (MwTestCliRun) flash = { 0 }, run = { 0 }, again = { 0 }, info = { 0 };
  g_autofree char *want = NULL;
  gsize flash_size, file_size;

  expected_sizes (MW_LUA_TARGET_FLOAT, &flash_size, &file_size);
  mw_test_cli_run (
    &flash, dir,
    (const char *[]){ "lfs", "flash", "--port", port, "greet.lua", "lib/counter.lua", NULL });
  g_assert_cmpstr (flash.err, ==, "");
  g_assert_cmpint (flash.status, ==, 0);
  want = g_strdup_printf ("LFS region 65536 bytes, image %" G_GSIZE_FORMAT
                          " bytes (2 modules, float)\n"
                          "uploaded lfs.img: %" G_GSIZE_FORMAT " bytes verified\n"
                          "node.LFS.reload: restarted; node.LFS.list(): counter, greet\n"
                          "LFS used %" G_GSIZE_FORMAT " of 65536 bytes\n",
                          flash_size, file_size, flash_size);
  assert_flash_output (flash.out, want);

  /* the modules run from LFS */
  mw_test_cli_run (
    &run, NULL,
    (const char *[]){ "exec", "--port", port,
                      "local c = node.LFS.counter() c() print(node.LFS.greet().hello('lfs'), c())",
                      NULL });
  g_assert_cmpint (run.status, ==, 0);
  g_assert_cmpstr (run.out, ==, "hello lfs\t2\r\n");
  mw_test_cli_run (&info, NULL,
                   (const char *[]){ "exec", "--port", port, "print(node.LFS.time)", NULL });
  g_assert_cmpstr (info.out, ==, BUILD_TIME "\r\n");

  /* an image built beforehand goes as it is */
  mw_test_cli_run (&again, dir,
                   (const char *[]){ "lfs", "flash", "--port", port, "prebuilt.img", NULL });
  g_assert_cmpint (again.status, ==, 0);
  g_assert_true (g_str_has_prefix (again.out, "LFS region 65536 bytes, image "));
  g_assert_nonnull (strstr (again.out, "node.LFS.list(): greet\n"));
  mw_sim_stop (sim);
}

static void
test_flash_integer (void)
{
  g_autoptr (MwSim) sim = sim_start (0x8000, TRUE);
  const char *port = mw_sim_get_path (sim);
  g_auto (MwTestCliRun) flash = { 0 }, wrong = { 0 };
  g_autofree char *want = NULL;
  gsize flash_size, file_size;

  expected_sizes (MW_LUA_TARGET_INTEGER, &flash_size, &file_size);
  mw_test_cli_run (
    &flash, dir,
    (const char *[]){ "lfs", "flash", "--port", port, "greet.lua", "lib/counter.lua", NULL });
  g_assert_cmpint (flash.status, ==, 0);
  want = g_strdup_printf ("LFS region 32768 bytes, image %" G_GSIZE_FORMAT
                          " bytes (2 modules, integer)\n"
                          "uploaded lfs.img: %" G_GSIZE_FORMAT " bytes verified\n"
                          "node.LFS.reload: restarted; node.LFS.list(): counter, greet\n"
                          "LFS used %" G_GSIZE_FORMAT " of 32768 bytes\n",
                          flash_size, file_size, flash_size);
  assert_flash_output (flash.out, want);
  /* a float image refused before anything is uploaded */
  mw_test_cli_run (&wrong, dir,
                   (const char *[]){ "lfs", "flash", "--port", port, "prebuilt.img", NULL });
  g_assert_cmpint (wrong.status, ==, 2);
  g_assert_cmpstr (wrong.err, ==,
                   "moonwire-cli lfs flash: the image is for the float firmware, the board runs "
                   "the integer one (the firmware would say \"Incorrect LFS build type\")\n");
  mw_sim_stop (sim);
}

static void
test_no_region (void)
{
  g_autoptr (MwSim) sim = sim_start (0, FALSE);
  g_auto (MwTestCliRun) flash = { 0 };

  mw_test_cli_run (
    &flash, dir,
    (const char *[]){ "lfs", "flash", "--port", mw_sim_get_path (sim), "greet.lua", NULL });
  g_assert_cmpint (flash.status, ==, 2);
  g_assert_cmpstr (flash.out, ==, "");
  g_assert_cmpstr (flash.err, ==,
                   "moonwire-cli lfs flash: this firmware has no LFS region "
                   "(node.info('lfs').lfs_size is 0): build the firmware with an LFS size (the "
                   "cloud builder's LFS option, or LUA_FLASH_STORE in app/include/user_config.h), "
                   "or give it one with node.setpartitiontable{lfs_size = 0x10000} (firmware "
                   "3.0)\n");
  mw_sim_stop (sim);
}

int
main (int argc, char **argv)
{
  g_autofree char *lib = NULL;
  g_auto (MwTestCliRun) build = { 0 };

  g_test_init (&argc, &argv, NULL);
  g_setenv ("SOURCE_DATE_EPOCH", BUILD_TIME, TRUE);
  g_unsetenv ("MOONWIRE_PORT");
  dir = mw_test_tmp_path ("lfs");
  lib = g_build_filename (dir, "lib", NULL);
  g_assert_cmpint (g_mkdir_with_parents (lib, 0700), ==, 0);
  g_free (mw_test_write_tmp ("lfs/greet.lua", greet_lua, -1));
  g_free (mw_test_write_tmp ("lfs/lib/counter.lua", counter_lua, -1));
  mw_test_cli_run (&build, dir,
                   (const char *[]){ "lfs", "build", "-o", "prebuilt.img", "greet.lua", NULL });
  g_assert_cmpint (build.status, ==, 0);
  g_test_add_func ("/mw/cli/lfs/flash-files", test_flash_files);
  g_test_add_func ("/mw/cli/lfs/flash-integer", test_flash_integer);
  g_test_add_func ("/mw/cli/lfs/no-region", test_no_region);
  return g_test_run ();
}
