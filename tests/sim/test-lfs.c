/* test-lfs.c: the simulated board's Lua Flash Store (docs/firmware.md section 9): node.LFS.reload
 * with the firmware's error strings, the restart, the region kept across restarts,
 * node.LFS.get/list/time/config, node.info('lfs'), require through an LFS loader, and the heap a
 * module saves loaded from LFS instead of SPIFFS. Images come from the image builder
 * (tests/lua/test-lfs-image.c checks its bytes). */
#include <string.h>
#include <zlib.h>

#include "mw-lua-compiler.h"
#include "mw-lua-lfs-image.h"
#include "mw-lua-ram-estimate.h"
#include "mw-sim-test.h"
#include "mw-test-support.h"

#define BUILD_TIME 1700000000

static const char greet_lua[] = "local M = {}\n"
                                "function M.hello(n) return 'hello ' .. n end\n"
                                "return M\n";
static const char counter_lua[] = "local n = 0\n"
                                  "return function() n = n + 1 return n end\n";

/* A board; `boot` (may be NULL) gets what it printed up to its first prompt. */
static MwSimTestBoard *
board_new_boot (gsize lfs_size, gboolean integer, const char *fs_dir, char **boot)
{
  MwSimOptions opts;

  mw_sim_test_options (&opts);
  opts.lfs_size = lfs_size;
  opts.integer_build = integer;
  opts.fs_dir = fs_dir;
  return mw_sim_test_board_new (&opts, boot);
}

static MwSimTestBoard *
board_new (gsize lfs_size, gboolean integer, const char *fs_dir)
{
  return board_new_boot (lfs_size, integer, fs_dir, NULL);
}

/* Builds an image of (name, source) pairs and writes its file into the board's flash. */
static MwLuaLfsImage *
put_image (MwSimTestBoard *board, const char *file, MwLuaNumberType target,
           const char *const *names, const char *const *sources, guint n)
{
  g_autoptr (GPtrArray) bytes = g_ptr_array_new_with_free_func ((GDestroyNotify) g_bytes_unref);
  g_autoptr (GError) error = NULL;
  g_autoptr (GBytes) gz = NULL;
  g_autofree char *path = g_build_filename (mw_sim_get_fs_dir (board->sim), file, NULL);
  MwLuaLfsImage *image;

  for (guint i = 0; i < n; i++)
    g_ptr_array_add (bytes, g_bytes_new_static (sources[i], strlen (sources[i])));
  image = mw_lua_lfs_image_new_from_sources (names, (GBytes *const *) bytes->pdata, n, target,
                                             BUILD_TIME, 0, &error);
  g_assert_no_error (error);
  gz = mw_lua_lfs_image_compress (image);
  g_assert_true (
    g_file_set_contents (path, g_bytes_get_data (gz, NULL), g_bytes_get_size (gz), NULL));
  return image;
}

static void
assert_run (MwSimTestBoard *board, const char *line, const char *want)
{
  g_autofree char *got = mw_sim_test_run (board, line);
  g_assert_cmpstr (got, ==, want);
}

/* Sends the reload, expects the firmware's text, the watchdog reset and a new prompt. */
static void
reload_and_restart (MwSimTestBoard *board, const char *file)
{
  g_autofree char *line = g_strdup_printf ("node.LFS.reload('%s')\r\n", file);
  g_autoptr (GString) upto = NULL;
  g_autoptr (GString) rest = NULL;

  mw_sim_test_send (board, line, -1);
  upto = mw_sim_test_expect (board, "LFS region updated.  Restarting.", -1, 5000);
  g_assert_nonnull (upto);
  /* the soft watchdog ends the firmware's spin loop (app/lua/lflash.c: while (1) {}) */
  rest = mw_sim_test_expect (board, "Soft WDT reset\r\n", -1, 5000);
  g_assert_nonnull (rest);
  g_assert_cmpstr (rest->str, ==, "\r\nSoft WDT reset\r\n");
  g_string_free (mw_sim_test_expect (board, "\r\n> ", -1, 5000), TRUE);
}

/* A firmware without an LFS region (lfs_size 0 in its build) */
static void
test_no_region (void)
{
  g_autoptr (MwSimTestBoard) board = board_new (0, FALSE, NULL);

  assert_run (board, "print(node.LFS.reload('lfs.img'))", "No LFS partition allocated");
  assert_run (board, "print(node.LFS.get('x'), node.LFS.list(), node.LFS.time)", "nil\tnil\tnil");
  assert_run (board,
              "local c = node.info('lfs') print(c.lfs_mapped, c.lfs_base, c.lfs_size, c.lfs_used)",
              "0\t0\t0\t0");
  assert_run (board, "print(node.getpartitiontable().lfs_size)", "0");
}

static void
test_reload_errors (void)
{
  g_autoptr (MwSimTestBoard) board = board_new (4096, FALSE, NULL);
  const char *names[] = { "greet.lua" };
  const char *sources[] = { greet_lua };
  g_autoptr (MwLuaLfsImage) integer = NULL;
  g_autoptr (MwLuaLfsImage) big = NULL;
  g_autofree char *big_source = NULL;
  g_autofree char *tiny = g_build_filename (mw_sim_get_fs_dir (board->sim), "tiny.img", NULL);
  g_autofree char *bad_crc = g_build_filename (mw_sim_get_fs_dir (board->sim), "crc.img", NULL);
  g_autofree char *data = NULL;
  const char *big_names[] = { "big.lua" };
  const char *big_sources[1];
  gsize len;

  /* app/lua/lflash.c loadLFS and procFirstPass, in their order */
  assert_run (board, "print(node.LFS.reload('none.img'))", "LFS image file not found");
  g_assert_true (g_file_set_contents (tiny, "not an image", -1, NULL));
  assert_run (board, "print(node.LFS.reload('tiny.img'))", "read error on LFS image file");
  integer = put_image (board, "int.img", MW_LUA_TARGET_INTEGER, names, sources, 1);
  assert_run (board, "print(node.LFS.reload('int.img'))", "Incorrect LFS build type");
  big_source = g_strdup_printf ("return '%0*d'", 5000, 7);
  big_sources[0] = big_source;
  big = put_image (board, "big.img", MW_LUA_TARGET_FLOAT, big_names, big_sources, 1);
  g_assert_cmpuint (mw_lua_lfs_image_get_flash_size (big), >, 4096);
  assert_run (board, "print(node.LFS.reload('big.img'))",
              "LFS Image too big for configured LFS region");
  /* the CRC in the gzip trailer (the 8 bytes before the end) */
  g_clear_pointer (&integer, mw_lua_lfs_image_unref);
  integer = put_image (board, "ok.img", MW_LUA_TARGET_FLOAT, names, sources, 1);
  {
    g_autofree char *ok = g_build_filename (mw_sim_get_fs_dir (board->sim), "ok.img", NULL);
    g_assert_true (g_file_get_contents (ok, &data, &len, NULL));
  }
  data[len - 8] ^= 0x01;
  g_assert_true (g_file_set_contents (bad_crc, data, len, NULL));
  assert_run (board, "print(node.LFS.reload('crc.img'))", "checksum error on LFS image file");
  /* nothing was loaded */
  assert_run (board, "print(node.LFS.list(), node.info('lfs').lfs_used)", "nil\t0");
}

/* The firmware inflates with a 16 KB window (lflash.c DICTIONARY_WINDOW): an image file that a
 * desktop gzip (a 32 KB window) compressed, whose second string repeats the first one's start
 * 16 KB and more back, is refused with its message; the same image as Moonwire writes it loads. */
static void
test_reload_window (void)
{
  g_autoptr (MwSimTestBoard) board = board_new (0x10000, FALSE, NULL);
  g_autofree char *path = g_build_filename (mw_sim_get_fs_dir (board->sim), "gzip.img", NULL);
  g_autoptr (GString) numbers = g_string_new (NULL);
  g_autofree char *source = NULL;
  g_autoptr (GBytes) raw = NULL;
  g_autoptr (MwLuaLfsImage) image = NULL;
  const char *names[] = { "far.lua" };
  const char *sources[1];
  z_stream z = { 0 };
  g_autofree guint8 *gz = NULL;
  g_autofree char *want = NULL;
  gsize cap;

  for (guint i = 1; numbers->len < 17000; i++)
    g_string_append_printf (numbers, "%u,", i);
  source = g_strdup_printf ("return '%s', 'again %.300s'", numbers->str, numbers->str);
  sources[0] = source;
  image = put_image (board, "lfs.img", MW_LUA_TARGET_FLOAT, names, sources, 1);
  raw = mw_lua_lfs_image_get_bytes (image);
  g_assert_cmpint (deflateInit2 (&z, 9, Z_DEFLATED, 15 + 16, 8, Z_DEFAULT_STRATEGY), ==, Z_OK);
  cap = deflateBound (&z, g_bytes_get_size (raw));
  gz = g_malloc (cap);
  z.next_in = (Bytef *) g_bytes_get_data (raw, NULL);
  z.avail_in = (uInt) g_bytes_get_size (raw);
  z.next_out = gz;
  z.avail_out = (uInt) cap;
  g_assert_cmpint (deflate (&z, Z_FINISH), ==, Z_STREAM_END);
  deflateEnd (&z);
  g_assert_true (g_file_set_contents (path, (const char *) gz, cap - z.avail_out, NULL));

  assert_run (board, "print(node.LFS.reload('gzip.img'))", "invalid dictionary offset on inflate");
  assert_run (board, "print(node.LFS.list(), node.info('lfs').lfs_used)", "nil\t0");
  reload_and_restart (board, "lfs.img");
  want = g_strdup_printf ("%" G_GSIZE_FORMAT "\tagain 1,2,3,", numbers->len);
  assert_run (board, "local a, b = node.LFS.far() print(#a, b:sub(1, 12))", want);
}

static void
test_reload_and_use (void)
{
  g_autofree char *dir = g_dir_make_tmp ("moonwire-lfs-XXXXXX", NULL);
  g_autoptr (MwSimTestBoard) board = board_new (0x10000, FALSE, dir);
  const char *names[] = { "greet.lua", "lib/counter.lua" };
  const char *sources[] = { greet_lua, counter_lua };
  g_autoptr (MwLuaLfsImage) image =
    put_image (board, "lfs.img", MW_LUA_TARGET_FLOAT, names, sources, 2);
  g_autofree char *used =
    g_strdup_printf ("%" G_GSIZE_FORMAT, mw_lua_lfs_image_get_flash_size (image));
  g_autofree char *config = g_strdup_printf ("%d\t%d\t65536\t%s", 0x40296000, 0x96000, used);
  g_autofree char *boot = NULL;

  reload_and_restart (board, "lfs.img");
  /* node.LFS.list() sorts the names; time is the build time */
  assert_run (board, "print(table.concat(node.LFS.list(), ','))", "counter,greet");
  assert_run (board, "print(node.LFS.time)", "1700000000");
  assert_run (board, "print(node.LFS.get('greet')().hello('board'))", "hello board");
  assert_run (board, "print(node.LFS.greet().hello('index'))", "hello index");
  assert_run (board, "local c = node.LFS.counter() c() print(c())", "2");
  assert_run (board, "print(node.LFS.get('nothere'), node.LFS.get(), type(node.LFS.reload))",
              "nil\tnil\tfunction");
  assert_run (board,
              "local c = node.info('lfs') print(c.lfs_mapped, c.lfs_base, c.lfs_size, c.lfs_used)",
              config);
  assert_run (board,
              "local c = node.LFS.config print(c.lfs_mapped, c.lfs_base, c.lfs_size, c.lfs_used)",
              config);
  assert_run (board, "local p = node.getpartitiontable() print(p.lfs_addr, p.lfs_size)",
              "614400\t65536");
  /* the _init idiom (lua_examples/lfs/_init.lua): an LFS loader in package.loaders */
  assert_run (board,
              "package.loaders[3] = function(m) return node.LFS.get(m) end "
              "print(require('greet').hello('require'))",
              "hello require");

  /* the region survives a restart, and a new board on the same folder */
  mw_sim_test_send (board, "node.restart()\r\n", -1);
  g_string_free (mw_sim_test_expect (board, "\r\n> ", -1, 5000), TRUE);
  g_string_free (mw_sim_test_drain (board, 200), TRUE);
  assert_run (board, "print(table.concat(node.LFS.list(), ','))", "counter,greet");
  g_clear_pointer (&board, mw_sim_test_board_free);
  /* with an image in the region, the boot says nothing of LFS */
  board = board_new_boot (0x10000, FALSE, dir, &boot);
  g_assert_cmpstr (
    boot, ==, MW_SIM_TEST_BANNER_30 ("float", "0x10000", MW_SIM_TEST_MODULES) MW_SIM_TEST_NO_INIT);
  assert_run (board, "print(node.LFS.greet().hello('again'))", "hello again");
  /* an integer firmware ignores a float image, and says why before its banner (lflash.c
   * luaN_init: the image's signature less the absolute bit, then the build's) */
  g_clear_pointer (&board, mw_sim_test_board_free);
  g_clear_pointer (&boot, g_free);
  board = board_new_boot (0x10000, TRUE, dir, &boot);
  g_assert_cmpstr (boot, ==,
                   "Flash sig not correct: 0xfafaa154 vs 0xfafaa152\r\n" MW_SIM_TEST_BANNER_30 (
                     "integer", "0x10000", MW_SIM_TEST_MODULES) MW_SIM_TEST_NO_INIT);
  assert_run (board, "print(node.LFS.list())", "nil");
  g_clear_pointer (&board, mw_sim_test_board_free);
  {
    g_autofree char *cmd = g_strdup_printf ("rm -rf '%s'", dir);
    g_assert_cmpint (system (cmd), ==, 0);
  }
}

/* A module loaded from LFS costs its closure and what it builds; from SPIFFS also its
 * functions, constants and strings: about what `lfs info` predicts (the RAM estimate of the
 * module's chunk, less the closure). */
static void
test_heap_saving (void)
{
  g_autoptr (MwSimTestBoard) board = board_new (0x10000, FALSE, NULL);
  GString *src = g_string_new ("local M = {}\n");
  g_autofree char *source = NULL;
  g_autofree char *path = NULL;
  g_autoptr (MwLuaLfsImage) image = NULL;
  g_autoptr (MwLuaChunk) chunk = NULL;
  g_autoptr (MwLuaRamEstimate) estimate = NULL;
  const char *names[] = { "sensor.lua" };
  const char *sources[1];
  gint64 spiffs, lfs, base, predicted, saved;

  for (int i = 0; i < 30; i++)
    g_string_append_printf (src,
                            "function M.read_%d(x)\n"
                            "  if x > %d then return 'sensor %d above threshold' end\n"
                            "  return 'sensor %d ok: ' .. tostring(x)\n"
                            "end\n",
                            i, i * 3, i, i);
  g_string_append (src, "return M\n");
  source = g_string_free (src, FALSE);
  sources[0] = source;
  image = put_image (board, "lfs.img", MW_LUA_TARGET_FLOAT, names, sources, 1);
  path = g_build_filename (mw_sim_get_fs_dir (board->sim), "sensor.lua", NULL);
  g_assert_true (g_file_set_contents (path, source, -1, NULL));
  reload_and_restart (board, "lfs.img");

  base = mw_sim_test_run_int (board, "(function() collectgarbage() return node.heap() end)()");
  g_free (mw_sim_test_run (board, "S = dofile('sensor.lua') collectgarbage()"));
  spiffs = base - mw_sim_test_run_int (board, "node.heap()");
  g_free (mw_sim_test_run (board, "S = nil collectgarbage()"));
  base = mw_sim_test_run_int (board, "node.heap()");
  g_free (mw_sim_test_run (board, "S = node.LFS.sensor() collectgarbage()"));
  lfs = base - mw_sim_test_run_int (board, "node.heap()");
  g_free (mw_sim_test_run (board, "print(S.read_1(10))"));

  chunk = mw_lua_lfs_image_get_module_chunk (image, 0);
  estimate = mw_lua_ram_estimate_new (chunk, MW_LUA_TARGET_FLOAT);
  predicted = (gint64) estimate->total - (gint64) estimate->main_closure;
  saved = spiffs - lfs;
  g_test_message ("from SPIFFS %" G_GINT64_FORMAT " bytes, from LFS %" G_GINT64_FORMAT
                  ", saved %" G_GINT64_FORMAT ", lfs info predicts %" G_GINT64_FORMAT,
                  spiffs, lfs, saved, predicted);
  g_assert_cmpint (lfs, <, spiffs);
  /* the heap also pays the allocator's 8-byte headers and rounding, which the estimate
   * leaves out: within 25% */
  g_assert_cmpint (saved, >=, predicted * 3 / 4);
  g_assert_cmpint (saved, <=, predicted * 5 / 4);
}

/* Every corpus file the firmware compiles, in images of up to 40 modules of distinct names
 * under 200 KB of flash: each image loads and restarts, node.LFS.list() names its modules
 * and node.LFS.get() gives a function for each (their main functions need modules and
 * globals a board lacks, so they are loaded, not run). */
static void
test_corpus (void)
{
  g_autoptr (GPtrArray) files = mw_test_corpus_files ();
  g_autoptr (MwSimTestBoard) board = board_new (0x40000, FALSE, NULL);
  g_autoptr (GPtrArray) names = g_ptr_array_new ();
  g_autoptr (GPtrArray) sources = g_ptr_array_new_with_free_func ((GDestroyNotify) g_bytes_unref);
  g_autoptr (GHashTable) seen = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  g_autofree char *img = g_build_filename (mw_sim_get_fs_dir (board->sim), "lfs.img", NULL);
  gsize batch_bytes = 0;
  guint loaded = 0, images = 0;

  for (guint i = 0; i <= files->len; i++)
    {
      const char *path = i < files->len ? g_ptr_array_index (files, i) : NULL;
      g_autofree char *data = NULL;
      g_autofree char *name = NULL;
      g_autoptr (MwLuaChunk) chunk = NULL;
      gsize len = 0;

      if (path != NULL)
        {
          g_assert_true (g_file_get_contents (path, &data, &len, NULL));
          chunk = mw_lua_compiler_compile (path, data, len, MW_LUA_TARGET_FLOAT, MW_LUA_STRIP_NAMES,
                                           NULL);
          if (chunk == NULL)
            continue;
          name = mw_lua_lfs_module_name (path);
        }
      if (path == NULL || names->len == 40 || batch_bytes + len > 100000
          || g_hash_table_contains (seen, name))
        {
          g_autoptr (GError) error = NULL;
          g_autoptr (MwLuaLfsImage) image = NULL;
          g_autoptr (GBytes) gz = NULL;
          g_autofree char *count = NULL;
          g_autofree char *want = NULL;

          if (names->len > 0)
            {
              image = mw_lua_lfs_image_new_from_sources (
                (const char *const *) names->pdata, (GBytes *const *) sources->pdata, names->len,
                MW_LUA_TARGET_FLOAT, BUILD_TIME, 0x40000, &error);
              g_assert_no_error (error);
              gz = mw_lua_lfs_image_compress (image);
              g_assert_true (g_file_set_contents (img, g_bytes_get_data (gz, NULL),
                                                  g_bytes_get_size (gz), NULL));
              reload_and_restart (board, "lfs.img");
              count = mw_sim_test_run (
                board, "local n = 0 for _, m in ipairs(node.LFS.list()) do "
                       "if type(node.LFS.get(m)) == 'function' then n = n + 1 end end print(n)");
              want = g_strdup_printf ("%u", names->len);
              g_assert_cmpstr (count, ==, want);
              loaded += names->len;
              images++;
            }
          g_ptr_array_set_size (names, 0);
          g_ptr_array_set_size (sources, 0);
          g_hash_table_remove_all (seen);
          batch_bytes = 0;
        }
      if (path == NULL)
        break;
      g_ptr_array_add (names, (gpointer) path);
      g_ptr_array_add (sources, g_bytes_new_take (g_steal_pointer (&data), len));
      g_hash_table_add (seen, g_steal_pointer (&name));
      batch_bytes += len;
    }
  g_test_message ("%u corpus modules loaded from %u images", loaded, images);
  g_assert_cmpuint (loaded, >, 400);
}

/* Real corpus modules run from LFS as from SPIFFS: each module's file goes into the board's
 * flash and, with the others, into one image; a small driver per module (what a user would
 * call) runs once with the module loaded from its file (dofile) and once from the store
 * (node.LFS.get), and prints the same, byte for byte, without an error. Chunk names are the
 * same both ways ("@inspect.lua"), so error messages and line numbers would compare too. */
static const struct
{
  const char *file;
  const char *driver[4]; /* lines run with the module in the global M */
} corpus_drivers[] = {
  { "inspect.lua",
    { "print(M({1, 2, {a = 'x', b = true}, c = 3.5}))", "print(M('two\\nlines'), M(nil))",
      "print(M({k = {k = {k = {}}}}, {depth = 2}))", NULL } },
  { "basexx.lua",
    { "print(M.to_base64('NodeMCU LFS'), M.from_base64('TW9vbndpcmU='))",
      "print(M.to_hex('abc'), M.from_hex('4C4653'), M.to_base32('hello'))",
      "print(M.to_crockford('moon'), M.to_z85('1234'), M.to_url64('a?>b'))", NULL } },
  { "fifo.lua",
    { "local q = M(1, 2, 3) q:push(4) print(q:pop(), q:peek(), q:length())",
      "local q = M() print(pcall(q.pop, q))", NULL } },
  { "binaryheap.lua",
    { "local h = M.minHeap() for _, v in ipairs({5, 3, 9, 1}) do h:insert(v) end "
      "print(h:pop(), h:pop(), h:peek(), #h.values)",
      "local h = M.maxUnique() h:insert(2, 'b') h:insert(7, 'g') print(h:pop())", NULL } },
  { "mediator.lua",
    { "local m, got = M(), {} m:subscribe({'a', 'b'}, function(x) got[#got + 1] = x end) "
      "m:publish({'a', 'b'}, 'hi') m:publish({'a'}, 'up') "
      "print(#got, got[1], m:getChannel({'a'}):hasChannel('b'))",
      NULL } },
  { "ansicolors.lua",
    { "print(M('%{red}hot%{reset} %{bright blue}cold'), M.noReset('%{green}x'))", NULL } },
};

static void
test_corpus_run (void)
{
  g_autoptr (GPtrArray) files = mw_test_corpus_files ();
  g_autoptr (MwSimTestBoard) board = NULL;
  g_autoptr (MwLuaLfsImage) image = NULL;
  const char *names[G_N_ELEMENTS (corpus_drivers)];
  g_autoptr (GPtrArray) sources = g_ptr_array_new_with_free_func (g_free);
  MwSimOptions opts;
  guint ran = 0;

  /* room to compile the bigger files on the board, as from SPIFFS they must be */
  mw_sim_test_options (&opts);
  opts.heap = 160 * 1024;
  board = mw_sim_test_board_new (&opts, NULL);
  for (guint i = 0; i < G_N_ELEMENTS (corpus_drivers); i++)
    {
      const char *path = NULL;
      g_autofree char *source = NULL;
      g_autofree char *spiffs =
        g_build_filename (mw_sim_get_fs_dir (board->sim), corpus_drivers[i].file, NULL);

      for (guint k = 0; k < files->len && path == NULL; k++)
        {
          g_autofree char *base = g_path_get_basename (g_ptr_array_index (files, k));

          if (g_str_equal (base, corpus_drivers[i].file))
            path = g_ptr_array_index (files, k);
        }
      g_assert_nonnull (path);
      g_assert_true (g_file_get_contents (path, &source, NULL, NULL));
      g_assert_true (g_file_set_contents (spiffs, source, -1, NULL));
      g_ptr_array_add (sources, g_steal_pointer (&source));
      names[i] = corpus_drivers[i].file;
    }
  image = put_image (board, "lfs.img", MW_LUA_TARGET_FLOAT, names,
                     (const char *const *) sources->pdata, G_N_ELEMENTS (corpus_drivers));
  reload_and_restart (board, "lfs.img");

  for (guint i = 0; i < G_N_ELEMENTS (corpus_drivers); i++)
    {
      g_autofree char *module = mw_lua_lfs_module_name (corpus_drivers[i].file);
      g_autofree char *from_file = g_strdup_printf ("M = dofile('%s')", corpus_drivers[i].file);
      g_autofree char *from_lfs = g_strdup_printf ("M = node.LFS.get('%s')()", module);
      g_autoptr (GPtrArray) spiffs_out = g_ptr_array_new_with_free_func (g_free);

      assert_run (board, from_file, "");
      for (guint k = 0; corpus_drivers[i].driver[k] != NULL; k++)
        g_ptr_array_add (spiffs_out, mw_sim_test_run (board, corpus_drivers[i].driver[k]));
      assert_run (board, "M = nil collectgarbage()", "");
      assert_run (board, from_lfs, "");
      for (guint k = 0; corpus_drivers[i].driver[k] != NULL; k++)
        {
          g_autofree char *lfs_out = mw_sim_test_run (board, corpus_drivers[i].driver[k]);
          const char *want = g_ptr_array_index (spiffs_out, k);

          g_test_message ("%s: %s\n  -> %s", module, corpus_drivers[i].driver[k], lfs_out);
          g_assert_cmpstr (lfs_out, ==, want);
          g_assert_false (g_str_has_prefix (lfs_out, "Lua error"));
          g_assert_cmpstr (lfs_out, !=, "");
          ran++;
        }
      assert_run (board, "M = nil collectgarbage()", "");
    }
  g_assert_cmpuint (ran, ==, 12);
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/mw/sim/lfs/no-region", test_no_region);
  g_test_add_func ("/mw/sim/lfs/reload-errors", test_reload_errors);
  g_test_add_func ("/mw/sim/lfs/reload-window", test_reload_window);
  g_test_add_func ("/mw/sim/lfs/reload-and-use", test_reload_and_use);
  g_test_add_func ("/mw/sim/lfs/heap-saving", test_heap_saving);
  g_test_add_func ("/mw/sim/lfs/corpus-run", test_corpus_run);
  g_test_add_func ("/mw/sim/lfs/corpus", test_corpus);
  return g_test_run ();
}
