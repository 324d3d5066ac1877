/* test-heap-walker.c: the board-side walker (valid Lua 5.1, short lines), the host side fed
 * with scripted replies, and snapshots of the simulated board with known answers. */
#include "mw-config.h"

#include <glib/gstdio.h>
#include <lauxlib.h>
#include <lua.h>
#include <stdlib.h>
#include <string.h>

#include "mw-device.h"
#include "mw-heap-walker.h"
#include "mw-lua-compiler.h"
#include "mw-lua-lfs-image.h"
#include "mw-test-board.h"

static void
test_walker_compiles (void)
{
  const char *code = mw_heap_walker_install_code ();
  g_auto (GStrv) lines = g_strsplit (code, "\n", -1);
  lua_State *L = luaL_newstate ();

  g_assert_cmpint (luaL_loadbuffer (L, code, strlen (code), "=walker"), ==, 0);
  g_assert_cmpint (luaL_loadbuffer (L, mw_heap_walker_remove_code (),
                                    strlen (mw_heap_walker_remove_code ()), "=remove"),
                   ==, 0);
  lua_close (L);
  for (guint i = 0; lines[i] != NULL; i++)
    g_assert_cmpuint (strlen (lines[i]), <=, 250);
}

static MwHeapSnapshot *
take (MwTestBoard *board)
{
  g_autoptr (MwDevice) device = mw_device_new (board->repl);
  g_autoptr (GAsyncResult) result = NULL;
  g_autoptr (GError) error = NULL;
  MwHeapSnapshot *s;

  mw_heap_snapshot_take_async (device, NULL, NULL, NULL, mw_test_store_result, &result);
  s = mw_heap_snapshot_take_finish (device, mw_test_board_wait (board, &result), &error);
  g_assert_no_error (error);
  g_assert_nonnull (s);
  /* the walker leaves nothing behind */
  {
    g_autofree char *left = mw_test_board_exec (board, "uart.write(0,tostring(_mwh),"
                                                       "tostring(file.exists('_mwh.lc')))");

    g_assert_cmpstr (left, ==, "nilfalse");
  }
  return s;
}

static MwHeapObject *
find_path (MwHeapSnapshot *s, const char *path)
{
  for (guint i = 0; i < mw_heap_snapshot_get_n_objects (s); i++)
    {
      MwHeapObject *o = mw_heap_snapshot_get_object (s, i);

      if (g_strcmp0 (o->path, path) == 0)
        return o;
    }
  g_error ("no object at %s", path);
  return NULL;
}

/* The object the edge `name` leads to from the object at `path`. */
static MwHeapObject *
edge_target (MwHeapSnapshot *s, const char *path, const char *name)
{
  for (guint i = 0; i < s->edges->len; i++)
    {
      MwHeapEdge *e = &g_array_index (s->edges, MwHeapEdge, i);

      if (g_strcmp0 (mw_heap_snapshot_get_object (s, e->from)->path, path) == 0
          && g_strcmp0 (e->name, name) == 0)
        return mw_heap_snapshot_get_object (s, e->to);
    }
  g_error ("no edge %s from %s", name, path);
  return NULL;
}

static gboolean
has_path (MwHeapSnapshot *s, const char *path)
{
  for (guint i = 0; i < mw_heap_snapshot_get_n_objects (s); i++)
    if (g_strcmp0 (mw_heap_snapshot_get_object (s, i)->path, path) == 0)
      return TRUE;
  return FALSE;
}

/* What `code` costs in the simulator's heap model: counted bytes after less before, with a
 * full collection on both sides. */
static gint64
model_cost (MwTestBoard *board, const char *code)
{
  g_autofree char *full =
    g_strdup_printf ("collectgarbage() local a=collectgarbage('count')*1024 %s collectgarbage() "
                     "uart.write(0,tostring(collectgarbage('count')*1024-a))",
                     code);
  g_autofree char *out = mw_test_board_exec (board, full);

  return g_ascii_strtoll (out, NULL, 10);
}

static void
assert_within_10 (gint64 got, gint64 model, const char *what)
{
  g_test_message ("%s: snapshot %" G_GINT64_FORMAT " B, simulator %" G_GINT64_FORMAT " B", what,
                  got, model);
  g_assert_cmpint (got * 10, >=, model * 9);
  g_assert_cmpint (got * 10, <=, model * 11);
}

static MwTestBoard *
board_with_heap (gsize heap)
{
  MwSimOptions options;

  mw_sim_options_init (&options);
  options.baud_limit = FALSE;
  options.heap = heap;
  return mw_test_board_new (&options);
}

/* Known answers: each structure's retained size worked out from the ESP8266 object sizes
 * (docs/ram-model.md), and against the simulator's own count where its model is exact. */
static void
test_known_answers (void)
{
  g_autoptr (MwTestBoard) board = mw_test_board_new (NULL);
  g_autoptr (MwHeapSnapshot) s = NULL;
  gint64 module, strings;
  MwHeapObject *o;

  /* the globals exist first, so their keys and _G's slots are not part of the cost */
  g_free (mw_test_board_exec (board, "big=false f=false t=false package.loaded.mymod=false"));
  /* and the string table has room for 100 more strings: its growth is the VM's, not big's */
  g_free (mw_test_board_exec (board, "local t={} for i=1,100 do t[i]=string.rep('y',27)..i end"));
  strings = model_cost (board, "big={} for i=1,100 do big[i]=string.rep('x',27)"
                               "..string.format('%03d',i) end");
  g_free (mw_test_board_exec (board, "do local buf=string.rep('u',2000) "
                                     "f=function() return #buf end end"));
  /* the module compiled here with -s, as one saves RAM: no line info, which the simulator
   * keeps unpacked on its host (docs/sim.md) */
  {
    static const char mymod[] = "local M={} local n=0 function M.inc() n=n+1 return n end "
                                "function M.get() return n end M.name=\"mymod\" return M";
    g_autoptr (GError) error = NULL;
    g_autoptr (GBytes) lc = mw_lua_compiler_compile_to_bytes (
      "mymod.lua", mymod, sizeof mymod - 1, MW_LUA_TARGET_FLOAT, MW_LUA_STRIP_ALL, &error);
    g_autofree char *path = g_build_filename (mw_sim_get_fs_dir (board->sim), "mymod.lc", NULL);

    g_assert_no_error (error);
    g_assert_true (
      g_file_set_contents (path, g_bytes_get_data (lc, NULL), g_bytes_get_size (lc), NULL));
  }
  module = model_cost (board, "require('mymod')");
  g_free (mw_test_board_exec (board,
                              "t=tmr.create() local fh=file.open('x.txt','w') "
                              "t:register(100000,tmr.ALARM_SINGLE,function() return fh end)"));
  s = take (board);

  /* a table grown one index at a time has 128 array slots for 100 entries (ltable.c rehash):
   * 32 + 128 x 12, and 100 strings of 30 bytes, 16 + 30 + 1 each */
  o = find_path (s, "_G.big");
  g_assert_cmpuint (o->kind, ==, MW_HEAP_KIND_TABLE);
  g_assert_cmpuint (o->count, ==, 101);
  g_assert_cmpuint (o->retained, ==, 32 + 128 * 12 + 100 * 47);
  assert_within_10 (o->retained, strings, "100 strings of 30 bytes");
  /* the closure (20 + 4 + an UpVal of 24) and its prototype: 72 + 4 instructions x 4 + 3
   * bytes of line info + one upvalue-name pointer. The 3.0 firmware's debug library has no
   * getupvalue (docs/firmware.md section 11), nor has the simulator's: the 2000-byte string
   * only the upvalue holds is not reached, and the snapshot says so */
  o = find_path (s, "_G.f");
  g_assert_cmpuint (o->kind, ==, MW_HEAP_KIND_FUNCTION);
  g_assert_cmpuint (o->count, ==, 2);
  g_assert_cmpuint (o->retained, ==, 48 + 95);
  g_assert_cmpuint (find_path (s, "_G.f proto")->self_size, ==, 95);
  g_assert_false (has_path (s, "_G.f upvalue 'buf'"));
  g_assert_false (s->upvalues);
  /* a module kept by require: within 10% of what loading it cost the simulator */
  o = find_path (s, "package.loaded.mymod");
  g_assert_cmpuint (o->kind, ==, MW_HEAP_KIND_TABLE);
  assert_within_10 (o->retained, module, "a module in package.loaded");
  /* stripped: no source name, and line 0 */
  o = find_path (s, "package.loaded.mymod.inc");
  g_assert_cmpuint (o->kind, ==, MW_HEAP_KIND_FUNCTION);
  /* the timer's callback is held by the registry (tmr.c keeps it by reference), the timer by
   * its global; the file object the callback holds is behind an upvalue */
  o = find_path (s, "_G.t");
  g_assert_cmpuint (o->kind, ==, MW_HEAP_KIND_USERDATA);
  g_assert_cmpstr (o->detail, ==, "tmr.timer");
  {
    guint callbacks = 0;

    for (guint i = 0; i < mw_heap_snapshot_get_n_objects (s); i++)
      {
        MwHeapObject *u = mw_heap_snapshot_get_object (s, i);

        if (!g_str_has_prefix (u->path, "timer callback #") || strchr (u->path + 16, ' ') != NULL)
          continue;
        if (u->kind == MW_HEAP_KIND_FUNCTION && g_strcmp0 (u->source, "stdin") == 0)
          callbacks++;
        g_assert_false (u->kind == MW_HEAP_KIND_USERDATA && g_strcmp0 (u->detail, "file.obj") == 0);
      }
    g_assert_cmpuint (callbacks, ==, 1);
  }
  g_assert_cmpuint (s->vanished, ==, 0);
}

/* Userdata payloads: a Udata header of 24 bytes and what the firmware's module allocates,
 * by metatable name (docs/firmware.md section 11: tmr_t 36 bytes, file_fd_ud 4), checked
 * against what making each cost the simulator. */
static void
test_userdata_payloads (void)
{
  g_autoptr (MwTestBoard) board = mw_test_board_new (NULL);
  g_autoptr (MwHeapSnapshot) s = NULL;
  gint64 timer, file;
  MwHeapObject *o;

  /* the globals and the file module's own registry entry for the last file opened exist
   * first (an open file keeps it) */
  g_free (mw_test_board_exec (board, "t=false fh=false fa=file.open('a.txt','w')"));
  timer = model_cost (board, "t=tmr.create()");
  file = model_cost (board, "fh=file.open('b.txt','w')");
  s = take (board);
  o = find_path (s, "_G.t");
  g_assert_cmpstr (o->detail, ==, "tmr.timer");
  g_assert_cmpuint (o->self_size, ==, 24 + 36);
  g_assert_cmpint (timer, ==, 24 + 36);
  o = find_path (s, "_G.fh");
  g_assert_cmpstr (o->detail, ==, "file.obj");
  g_assert_cmpuint (o->self_size, ==, 24 + 4);
  g_assert_cmpint (file, ==, 24 + 4);
}

/* Timer callbacks are named as such (the registry holds a timer's callback and the timer by
 * reference, the callback's first): one held by a global timer, one by a timer nothing else
 * holds. The references are asked from the board's registry. */
static void
test_timer_callbacks (void)
{
  g_autoptr (MwTestBoard) board = mw_test_board_new (NULL);
  g_autoptr (MwHeapSnapshot) s = NULL;
  g_autofree char *refs = NULL;
  g_autofree char *first = NULL;
  g_autofree char *second = NULL;
  g_auto (GStrv) r = NULL;
  MwHeapObject *o;

  g_free (mw_test_board_exec (board, "blink=tmr.create() do local buf=string.rep('b',100) "
                                     "blink:alarm(100000,tmr.ALARM_AUTO,function() return buf end) "
                                     "end"));
  g_free (mw_test_board_exec (board, "tmr.create():alarm(200000,tmr.ALARM_SINGLE,"
                                     "function() print(1) end)"));
  /* the registry's references of the two timers, in the order they were made */
  refs = mw_test_board_exec (board, "local a,b,m for k,v in pairs(debug.getregistry()) do "
                                    "m=type(v)=='userdata' and getmetatable(v) "
                                    "if v==blink then a=k elseif m==getmetatable(blink) "
                                    "then b=k end end uart.write(0,a..' '..b)");
  r = g_strsplit (refs, " ", 2);
  g_assert_cmpuint (g_strv_length (r), ==, 2);
  first = g_strdup_printf ("timer callback #%d", atoi (r[0]) - 1);
  second = g_strdup_printf ("timer callback #%d", atoi (r[1]) - 1);
  s = take (board);
  o = find_path (s, first);
  g_assert_cmpuint (o->kind, ==, MW_HEAP_KIND_FUNCTION);
  g_assert_cmpstr (o->source, ==, "stdin");
  /* what it holds is named under it: its code */
  {
    g_autofree char *proto = g_strconcat (first, " proto", NULL);
    g_autofree char *old = g_strdup_printf ("registry[%d]", atoi (r[0]) - 1);

    g_assert_cmpuint (find_path (s, proto)->kind, ==, MW_HEAP_KIND_PROTO);
    g_assert_false (has_path (s, old));
  }
  o = find_path (s, second);
  g_assert_cmpuint (o->kind, ==, MW_HEAP_KIND_FUNCTION);
}

/* A scripted leak: the comparison names the leaking path first, with its growth. */
static void
test_leak_diff (void)
{
  g_autoptr (MwTestBoard) board = mw_test_board_new (NULL);
  g_autoptr (MwHeapSnapshot) a = NULL;
  g_autoptr (MwHeapSnapshot) b = NULL;
  g_autoptr (GPtrArray) diff = NULL;
  MwHeapDiffEntry *e;

  g_free (mw_test_board_exec (board, "leak={} keep={1,2,3}"));
  a = take (board);
  g_free (mw_test_board_exec (board, "for i=1,20 do leak[#leak+1]={i,string.format('entry%03d',i)} "
                                     "end"));
  b = take (board);
  diff = mw_heap_snapshot_diff (a, b);
  g_assert_cmpuint (diff->len, >=, 1);
  e = diff->pdata[0];
  g_assert_cmpstr (e->path, ==, "_G.leak");
  /* 32 array slots for 20 entries (+32 x 12), each a table of two slots (32 + 2 x 12) and a
   * string of 8 bytes (16 + 9) */
  g_assert_cmpint (e->bytes_b - e->bytes_a, ==, 32 * 12 + 20 * (56 + 25));
  g_assert_cmpint (e->count_b - e->count_a, ==, 40);
}

/* Cycles, metatables with __index and __mode, a huge array and a coroutine. */
static void
test_hard_shapes (void)
{
  g_autoptr (MwTestBoard) board = board_with_heap (200000);
  g_autoptr (MwHeapSnapshot) s = NULL;
  MwHeapObject *o;

  g_free (mw_test_board_exec (board, "cyc={} cyc.self=cyc cyc.child={parent=cyc}"));
  g_free (mw_test_board_exec (board, "weak=setmetatable({},{__mode='k',__index=function() end}) "
                                     "weak[{}]=1"));
  g_free (mw_test_board_exec (board, "huge={} for i=1,5000 do huge[i]=i end"));
  g_free (mw_test_board_exec (board, "co=coroutine.create(function() coroutine.yield() end) "
                                     "coroutine.resume(co)"));
  s = take (board);
  /* two tables and the key strings "self", "child" and "parent", each once */
  g_assert_cmpuint (find_path (s, "_G.cyc")->count, ==, 5);
  g_assert_false (has_path (s, "_G.cyc.self"));
  g_assert_false (has_path (s, "_G.cyc.child.parent"));
  g_assert_cmpuint (find_path (s, "_G.weak metatable")->kind, ==, MW_HEAP_KIND_TABLE);
  g_assert_cmpuint (find_path (s, "_G.weak metatable.__index")->kind, ==, MW_HEAP_KIND_FUNCTION);
  /* a weak key that nothing else holds is gone after the walker's collections */
  g_assert_false (has_path (s, "_G.weak key #1"));
  o = find_path (s, "_G.huge");
  g_assert_cmpuint (o->retained, ==, 32 + 8192 * 12);
  o = find_path (s, "_G.co");
  g_assert_cmpuint (o->kind, ==, MW_HEAP_KIND_THREAD);
  g_assert_cmpuint (o->self_size, ==, 112 + 45 * 12 + 8 * 24);
}

/* The firmware's minimal debug library (the simulator's too) has no getupvalue: the result
 * says so, and nothing behind an upvalue is guessed. */
static void
test_minimal_debug (void)
{
  g_autoptr (MwTestBoard) board = mw_test_board_new (NULL);
  g_autoptr (MwHeapSnapshot) s = NULL;

  g_free (mw_test_board_exec (board, "do local secret=string.rep('s',500) "
                                     "g=function() return secret end end"));
  s = take (board);
  g_assert_false (s->upvalues);
  g_assert_cmpuint (find_path (s, "_G.g")->count, ==, 2); /* closure and proto only */
  g_assert_false (has_path (s, "_G.g upvalue 'secret'"));
}

/* A firmware built with the full debug library (without LUA_USE_BUILTIN_DEBUG_MINIMAL), code
 * compiled keeping its upvalue names (node.stripdebug(1)): the walker follows upvalues, and
 * what only an upvalue holds is retained by its closure (docs/firmware.md section 11). */
static void
test_full_debug (void)
{
  MwSimOptions options;
  g_autoptr (MwTestBoard) board = NULL;
  g_autoptr (MwHeapSnapshot) s = NULL;
  g_autofree char *ref = NULL;
  g_autofree char *cb = NULL;
  MwHeapObject *o;

  mw_sim_options_init (&options);
  options.baud_limit = FALSE;
  options.full_debug = TRUE;
  board = mw_test_board_new (&options);
  g_free (mw_test_board_exec (board, "node.stripdebug(1) f=false tm=false"));
  g_free (mw_test_board_exec (board, "do local buf=string.rep('u',2000) "
                                     "f=function() return #buf end end"));
  g_free (mw_test_board_exec (board, "tm=tmr.create() do local sck=string.rep('s',300) "
                                     "tm:alarm(100000,tmr.ALARM_AUTO,function() return sck end) "
                                     "end"));
  ref = mw_test_board_exec (board, "for k,v in pairs(debug.getregistry()) do "
                                   "if v==tm then uart.write(0,tostring(k-1)) end end");
  s = take (board);
  g_assert_true (s->upvalues);
  /* the closure (48), its prototype (95, as in known-answers) and the string (16 + 2000 + 1)
   * that only its upvalue holds */
  o = find_path (s, "_G.f");
  g_assert_cmpuint (o->count, ==, 3);
  g_assert_cmpuint (o->retained, ==, 48 + 95 + 2017);
  o = find_path (s, "_G.f upvalue 'buf'");
  g_assert_cmpuint (o->kind, ==, MW_HEAP_KIND_STRING);
  g_assert_cmpuint (o->self_size, ==, 2017);
  /* the timer's callback, and what it captured, under its name */
  cb = g_strdup_printf ("timer callback #%s upvalue 'sck'", ref);
  o = find_path (s, cb);
  g_assert_cmpuint (o->kind, ==, MW_HEAP_KIND_STRING);
  g_assert_cmpuint (o->retained, ==, 16 + 300 + 1);
}

/* Code compiled at the firmware's default strip level has no upvalue names, and the full
 * debug library's getupvalue finds nothing in it (app/lua/lapi.c aux_upvalue). */
static void
test_full_debug_stripped (void)
{
  MwSimOptions options;
  g_autoptr (MwTestBoard) board = NULL;
  g_autofree char *out = NULL;

  mw_sim_options_init (&options);
  options.baud_limit = FALSE;
  options.full_debug = TRUE;
  board = mw_test_board_new (&options);
  out = mw_test_board_exec (board, "local buf='x' local function g() return buf end "
                                   "uart.write(0,tostring(node.stripdebug()),' ',"
                                   "tostring((debug.getupvalue(g,1))),' ',"
                                   "tostring((debug.getupvalue(print,1))),' ',type(debug.getinfo),"
                                   "' ',type(debug.sethook),' ',type(debug.debug))");
  g_assert_cmpstr (out, ==, "2 nil nil function nil nil");
}

/* Removes a flash folder (files only, as SPIFFS is flat). */
static void
remove_folder (const char *dir)
{
  g_autoptr (GDir) d = g_dir_open (dir, 0, NULL);
  const char *name;

  g_assert_nonnull (d);
  while ((name = g_dir_read_name (d)) != NULL)
    {
      g_autofree char *path = g_build_filename (dir, name, NULL);

      g_assert_cmpint (g_unlink (path), ==, 0);
    }
  g_assert_cmpint (g_rmdir (dir), ==, 0);
}

/* Functions in the Lua Flash Store and strings of its read-only string table cost no heap
 * (docs/firmware.md sections 9 and 11): a module run from the flash store shows its
 * table and closures, its code and strings at 0 bytes; a string made at run time that equals
 * one of the image's is the flash one. Checked against what each cost the simulator, which
 * loads the image into mapped flash. */
static void
test_lfs (void)
{
  static const char lfsmod[] = "local M={}\n"
                               "function M.greet(n) return 'hello from flash, '..n end\n"
                               "M.tag='a string constant kept in the flash store'\n"
                               "return M\n";
  const char *names[] = { "lfsmod.lua" };
  g_autoptr (GBytes) source = g_bytes_new_static (lfsmod, sizeof lfsmod - 1);
  g_autoptr (GError) error = NULL;
  g_autoptr (MwLuaLfsImage) image = NULL;
  g_autoptr (GBytes) gz = NULL;
  g_autofree char *dir = g_dir_make_tmp ("mw-heap-lfs-XXXXXX", &error);
  g_autofree char *img = NULL;
  g_autoptr (MwHeapSnapshot) s = NULL;
  MwSimOptions options;
  gint64 module, same, other;
  MwHeapObject *o;

  g_assert_no_error (error);
  image = mw_lua_lfs_image_new_from_sources (names, &source, 1, MW_LUA_TARGET_FLOAT, 1700000000, 0,
                                             &error);
  g_assert_no_error (error);
  gz = mw_lua_lfs_image_compress (image);
  img = g_build_filename (dir, "lfs.img", NULL);
  g_assert_true (
    g_file_set_contents (img, g_bytes_get_data (gz, NULL), g_bytes_get_size (gz), NULL));
  mw_sim_options_init (&options);
  options.baud_limit = FALSE;
  options.fs_dir = dir;
  {
    /* the reload restarts the board: a new connection to the board it left */
    g_autoptr (MwTestBoard) first = mw_test_board_new (&options);
    g_autoptr (GAsyncResult) result = NULL;

    mw_repl_execute_async (first->repl, "node.LFS.reload('lfs.img')", 10000, NULL, NULL, NULL,
                           mw_test_store_result, &result);
    g_bytes_unref (mw_repl_execute_finish (first->repl, mw_test_board_wait (first, &result), NULL));
  }
  {
    g_autoptr (MwTestBoard) board = mw_test_board_new (&options);
    g_autofree char *list = mw_test_board_exec (board, "uart.write(0,node.LFS.list()[1])");

    g_assert_cmpstr (list, ==, "lfsmod");
    g_free (mw_test_board_exec (board, "lfsmod=false x=false y=false"));
    module = model_cost (board, "lfsmod=node.LFS.get('lfsmod')()");
    same = model_cost (board, "x=('hello from ')..string.lower('FLASH, ')");
    other = model_cost (board, "y=('a string made at run time, ')..string.lower('IN RAM')");
    s = take (board);
  }
  /* the module's table (32, two hash nodes of 32) and its function's closure (20); its code
   * and the strings "greet", "tag" and the tag's value are in flash */
  o = find_path (s, "_G.lfsmod");
  g_assert_cmpuint (o->self_size, ==, 32 + 2 * 32);
  g_assert_cmpuint (o->retained, ==, 32 + 2 * 32 + 20);
  assert_within_10 (o->retained, module, "a module loaded from flash");
  o = find_path (s, "_G.lfsmod.greet");
  g_assert_cmpuint (o->self_size, ==, 20);
  /* its code, reached first through the simulator's own reference to the flash store's index
   * function (whose nested functions are the modules') */
  o = edge_target (s, "_G.lfsmod.greet", " proto");
  g_assert_cmpuint (o->kind, ==, MW_HEAP_KIND_PROTO);
  g_assert_true (o->flash);
  g_assert_cmpuint (o->self_size, ==, 0);
  o = find_path (s, "_G.lfsmod.tag");
  g_assert_true (o->flash);
  g_assert_cmpuint (o->self_size, ==, 0);
  /* a string equal to one of the image's costs nothing, another its RAM size */
  g_assert_cmpint (same, ==, 0);
  o = find_path (s, "_G.x");
  g_assert_true (o->flash);
  g_assert_cmpuint (o->self_size, ==, 0);
  o = find_path (s, "_G.y");
  g_assert_false (o->flash);
  g_assert_cmpuint (o->self_size, ==, 16 + 33 + 1);
  g_assert_cmpint (other, ==, 16 + 33 + 1);
  remove_folder (dir);
}

/* The integer build: the walker is compiled for it, and sizes are the integer model's. */
static void
test_integer_build (void)
{
  MwSimOptions options;
  g_autoptr (MwTestBoard) board = NULL;
  g_autoptr (MwHeapSnapshot) s = NULL;
  MwHeapObject *o;

  mw_sim_options_init (&options);
  options.baud_limit = FALSE;
  options.integer_build = TRUE;
  board = mw_test_board_new (&options);
  g_free (mw_test_board_exec (board, "big=false"));
  g_free (mw_test_board_exec (board, "big={} for i=1,100 do big[i]=string.rep('x',27)"
                                     "..string.format('%03d',i) end big.n=100"));
  s = take (board);
  g_assert_cmpuint (s->number_type, ==, MW_LUA_TARGET_INTEGER);
  /* 128 array slots of 8 bytes, one hash node of 20 (docs/ram-model.md), the key "n" */
  o = find_path (s, "_G.big");
  g_assert_cmpuint (o->count, ==, 102);
  g_assert_cmpuint (o->retained, ==, 32 + 128 * 8 + 20 + 100 * 47 + (16 + 1 + 1));
}

/* A nearly full heap: the walk completes and its own peak stays under its stated bound.
 * docs/heap-explorer.md states the bound and the free heap the simulator needs today. */
static void
test_low_memory (void)
{
  g_autoptr (MwTestBoard) board = mw_test_board_new (NULL);
  g_autoptr (MwHeapSnapshot) s = NULL;
  g_autofree char *free_heap = NULL;

  g_free (mw_test_board_exec (board, "big={} for i=1,100 do big[i]=string.rep('x',20)..i end"));
  free_heap = mw_test_board_exec (board, "fill={} collectgarbage() local n=0 "
                                         "while node.heap()>8192 do n=n+1 "
                                         "fill[n]=string.rep('f',20)..n end collectgarbage() "
                                         "uart.write(0,tostring(node.heap()))");
  s = take (board);
  g_test_message ("free %s: %u objects, %zu bytes, walker peak %" G_GINT64_FORMAT
                  " B, %u requests, %u bytes received",
                  free_heap, mw_heap_snapshot_get_n_objects (s), mw_heap_snapshot_get_total (s),
                  s->walker_peak, s->requests, s->bytes_received);
  g_assert_cmpint (s->walker_peak, >, 0);
  g_assert_cmpint (s->walker_peak, <=, MW_HEAP_WALK_PEAK_BOUND);
  g_assert_cmpuint (find_path (s, "_G.big")->count, ==, 101);
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/mw/heap/walker/compiles", test_walker_compiles);
  g_test_add_func ("/mw/heap/walker/known-answers", test_known_answers);
  g_test_add_func ("/mw/heap/walker/userdata-payloads", test_userdata_payloads);
  g_test_add_func ("/mw/heap/walker/timer-callbacks", test_timer_callbacks);
  g_test_add_func ("/mw/heap/walker/leak-diff", test_leak_diff);
  g_test_add_func ("/mw/heap/walker/hard-shapes", test_hard_shapes);
  g_test_add_func ("/mw/heap/walker/minimal-debug", test_minimal_debug);
  g_test_add_func ("/mw/heap/walker/full-debug", test_full_debug);
  g_test_add_func ("/mw/heap/walker/full-debug-stripped", test_full_debug_stripped);
  g_test_add_func ("/mw/heap/walker/low-memory", test_low_memory);
  g_test_add_func ("/mw/heap/walker/lfs", test_lfs);
  g_test_add_func ("/mw/heap/walker/integer-build", test_integer_build);
  return g_test_run ();
}
