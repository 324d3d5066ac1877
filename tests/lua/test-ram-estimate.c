/* test-ram-estimate.c: the heap estimate for loading a chunk (docs/ram-model.md).
 *
 * The docs/firmware.md section 4 example worked out by hand with the section 3 sizes; and the
 * model's accounting against the host's own liblua5.1, which reports exactly what loading
 * costs (collectgarbage("count")), with the host's 64-bit object sizes plugged in.
 */
#include <string.h>

#include <lauxlib.h>
#include <lua.h>
#include <lualib.h>

#include "mw-lua-compiler.h"
#include "mw-lua-ram-estimate.h"
#include "mw-test-support.h"

static const char example[] = "print(\"hi\") local a=1 function f(x) return x+a end";

static MwLuaChunk *
compile (const char *source, MwLuaNumberType target, MwLuaStripLevel strip)
{
  g_autoptr (GError) error = NULL;
  MwLuaChunk *chunk =
    mw_lua_compiler_compile ("x.lua", source, strlen (source), target, strip, &error);
  g_assert_no_error (error);
  return chunk;
}

static void
test_example (void)
{
  g_autoptr (MwLuaChunk) chunk = compile (example, MW_LUA_TARGET_FLOAT, MW_LUA_STRIP_NAMES);
  g_autoptr (MwLuaRamEstimate) e = mw_lua_ram_estimate_new (chunk, MW_LUA_TARGET_FLOAT);
  const MwLuaRamFunction *main, *f;

  g_assert_cmpuint (e->functions->len, ==, 2);
  main = &g_array_index (e->functions, MwLuaRamFunction, 0);
  f = &g_array_index (e->functions, MwLuaRamFunction, 1);
  /* main: Proto 72 + 8 instructions * 4 + 4 constants * 12 + 1 nested pointer * 4 */
  g_assert_cmpuint (main->proto, ==, 72 + 32 + 48 + 4);
  /* "@x.lua", "print", "hi", "f": 16 + length + 1 each */
  g_assert_cmpuint (main->strings, ==, 23 + 22 + 19 + 18);
  /* one group of 8 on line 1: count byte and NUL */
  g_assert_cmpuint (main->lineinfo, ==, 2);
  g_assert_cmpuint (main->names, ==, 0);
  g_assert_cmpuint (main->total, ==, 156 + 82 + 2);
  /* f: Proto 72 + 4 instructions; its closure: 20 + (4 + 24) for its upvalue a */
  g_assert_cmpuint (f->proto, ==, 72 + 16);
  g_assert_cmpuint (f->total, ==, 88 + 2);
  g_assert_cmpuint (f->closure, ==, 48);
  /* and the main closure lua_load returns */
  g_assert_cmpuint (e->main_closure, ==, 20);
  g_assert_cmpuint (e->total, ==, 240 + 90 + 20);
  /* -s drops 4 bytes of line info, and "@x.lua" (23) for the loader's "=?" (19) */
  g_assert_cmpuint (e->strip_saves, ==, 4 + 23 - 19);
}

static void
test_names_and_integer (void)
{
  static const char src[] = "local alpha = 1\nlocal beta = alpha\nreturn beta";
  g_autoptr (MwLuaChunk) full = compile (src, MW_LUA_TARGET_INTEGER, MW_LUA_STRIP_NONE);
  g_autoptr (MwLuaChunk) named = compile (src, MW_LUA_TARGET_INTEGER, MW_LUA_STRIP_NAMES);
  g_autoptr (MwLuaRamEstimate) a = mw_lua_ram_estimate_new (full, MW_LUA_TARGET_INTEGER);
  g_autoptr (MwLuaRamEstimate) b = mw_lua_ram_estimate_new (named, MW_LUA_TARGET_INTEGER);
  g_autoptr (MwLuaRamEstimate) c = mw_lua_ram_estimate_new (named, MW_LUA_TARGET_FLOAT);

  /* two LocVars (12 each) and their names "alpha" (22) and "beta" (21) */
  g_assert_cmpuint (a->names, ==, 24);
  g_assert_cmpuint (a->total - b->total, ==, 24 + 22 + 21);
  /* one number constant: a TValue of 8 bytes in the integer build, 12 in the float one */
  g_assert_cmpuint (c->total - b->total, ==, 4);
}

static void
test_minify_saves (void)
{
  g_autoptr (GString) src = g_string_new (NULL);
  g_autoptr (MwLuaChunk) chunk = NULL;
  g_autoptr (MwLuaRamEstimate) e = NULL;

  /* 20 statements on lines 1, 3, ..., 39 (the final RETURN too on 39): a count for line 1,
   * a delta and a count for each of the 19 others, and the NUL; on one line they would pack
   * into one group: 2 bytes */
  for (int i = 0; i < 20; i++)
    g_string_append_printf (src, "x%d = 1\n\n", i);
  chunk = compile (src->str, MW_LUA_TARGET_FLOAT, MW_LUA_STRIP_NAMES);
  e = mw_lua_ram_estimate_new (chunk, MW_LUA_TARGET_FLOAT);
  g_assert_cmpuint (e->lineinfo, ==, 1 + 19 * 2 + 1);
  g_assert_cmpuint (e->minify_saves, ==, e->lineinfo - 2);
}

/* x86-64 sizes of Lua 5.1's objects (lobject.h: 16-byte TValue, 24-byte TString header,
 * 120-byte Proto, LClosure 40 + 8 per upvalue, 16-byte LocVar, 8-byte pointers). */
static const MwLuaRamModel host64 = {
  .number_type = MW_LUA_TARGET_FLOAT,
  .tvalue = 16,
  .tstring_header = 24,
  .table_header = 56,
  .hash_node = 40,
  .lua_closure = 40,
  .c_closure = 40,
  .upval = 40,
  .proto = 120,
  .locvar = 16,
  .lua_state = 184,
  .call_info = 40,
  .instruction = 4,
  .pointer = 8,
};

/* What loading costs in the host's liblua5.1, from its own count, in a state without
 * libraries (a board's libraries live in flash, their names are no interned strings). The
 * string table is grown once beforehand so that its resizing does not blur the figure; each
 * measurement starts from a full collection, which frees the previous chunk. */
static gsize
measure_host_load (lua_State *L, const guint8 *bytes, gsize len)
{
  gsize before, after;

  lua_settop (L, 0);
  lua_gc (L, LUA_GCCOLLECT, 0);
  lua_gc (L, LUA_GCSTOP, 0);
  before = (gsize) lua_gc (L, LUA_GCCOUNT, 0) * 1024 + lua_gc (L, LUA_GCCOUNTB, 0);
  g_assert_cmpint (luaL_loadbuffer (L, (const char *) bytes, len, "=measured"), ==, 0);
  after = (gsize) lua_gc (L, LUA_GCCOUNT, 0) * 1024 + lua_gc (L, LUA_GCCOUNTB, 0);
  return after - before;
}

static void
test_host_calibration (void)
{
  g_autoptr (GPtrArray) files = mw_test_corpus_files ();
  lua_State *L = luaL_newstate ();
  guint checked = 0;

  g_assert_cmpint (luaL_dostring (L, "local t = {} for i = 1, 40000 do t[i] = 's' .. i end "
                                     "keep = t"),
                   ==, 0);

  for (guint i = 0; i < files->len; i += 3)
    {
      g_autofree char *source = NULL;
      g_autoptr (MwLuaChunk) chunk = NULL;
      g_autoptr (MwLuaChunk) stripped = NULL;
      g_autoptr (GBytes) host = NULL;
      g_autoptr (MwLuaRamEstimate) e = NULL;
      gsize len, measured;

      g_assert_true (g_file_get_contents (files->pdata[i], &source, &len, NULL));
      chunk = mw_lua_compiler_compile (files->pdata[i], source, len, MW_LUA_TARGET_FLOAT,
                                       MW_LUA_STRIP_ALL, NULL);
      if (chunk == NULL)
        continue;
      /* stripped: the host keeps line info as 4-byte ints, not packed, which the model
       * (for the board) does not describe */
      host = mw_lua_chunk_dump (chunk, mw_lua_chunk_format_host (), NULL);
      measured = measure_host_load (L, g_bytes_get_data (host, NULL), g_bytes_get_size (host));
      e = mw_lua_ram_estimate_new_for_model (chunk, &host64);
      if (e->total != measured)
        g_error ("%s: estimated %" G_GSIZE_FORMAT ", liblua5.1 counts %" G_GSIZE_FORMAT,
                 (char *) files->pdata[i], e->total, measured);
      checked++;
    }
  lua_close (L);
  g_test_message ("%u corpus files: estimate equals liblua5.1's count", checked);
  g_assert_cmpuint (checked, >=, 50);
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/mw/lua/ram-estimate/example", test_example);
  g_test_add_func ("/mw/lua/ram-estimate/names-and-integer", test_names_and_integer);
  g_test_add_func ("/mw/lua/ram-estimate/minify-saves", test_minify_saves);
  g_test_add_func ("/mw/lua/ram-estimate/host-calibration", test_host_calibration);
  return g_test_run ();
}
