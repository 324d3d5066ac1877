/* test-heap.c: the board's heap (docs/firmware.md sections 3 and 6): about 44 KB free at the
 * prompt, objects charged at their ESP8266 cost, `not enough memory` on exhaustion with a REPL that
 * survives. */
#include <string.h>

#include "mw-lua-ram.h"
#include "mw-sim-heap.h"
#include "mw-sim-test.h"

static MwSimTestBoard *
board_new (gsize heap)
{
  MwSimOptions opts;

  mw_sim_test_options (&opts);
  if (heap)
    opts.heap = heap;
  return mw_sim_test_board_new (&opts, NULL);
}

/* docs/firmware.md section 3: free heap at the prompt after boot: about 44 KB (reports of 43864 and
 * 44576) */
static void
test_boot_free (void)
{
  g_autoptr (MwSimTestBoard) board = board_new (0);
  gint64 free_heap = mw_sim_test_run_int (board, "node.heap()");

  g_assert_cmpint (free_heap, >=, 43000);
  g_assert_cmpint (free_heap, <=, 45100);
}

static void
test_option (void)
{
  g_autoptr (MwSimTestBoard) board = board_new (20000);
  gint64 free_heap = mw_sim_test_run_int (board, "node.heap()");

  g_assert_cmpint (free_heap, >=, 19500);
  g_assert_cmpint (free_heap, <=, 20000);
}

typedef struct
{
  const char *name;
  gboolean integer;
  const char *alloc; /* allocates 20 objects into t[1..20] */
  guint lua_each; /* the ESP8266 size of one (docs/firmware.md section 3, app/lua/lobject.h) */
} CostCase;

/* What collectgarbage("count") grows by per object, exactly: the firmware's object layouts
 * (app/lua/lobject.h: Table 32, TValue 12 or 8, Node 32 or 20, LClosure 20 + 4 per upvalue,
 * UpVal 24 or 20, TString 16 + length + 1) */
static const CostCase cost_cases[] = {
  { "empty-table", FALSE, "for i=1,20 do t[i]={} end", 32 },
  { "array-table", FALSE, "for i=1,20 do t[i]={1,2,3} end", 32 + 3 * 12 },
  { "hash-table", FALSE, "for i=1,20 do t[i]={a=1} end", 32 + 32 },
  { "closure-2", FALSE, "for i=1,20 do t[i]=mk() end", 20 + 2 * 4 + 2 * 24 },
  { "string-1000", FALSE, "for i=1,20 do t[i]=string.char(64+i):rep(1000) end", 16 + 1000 + 1 },
  { "string-5", FALSE, "for i=1,20 do t[i]=('%05d'):format(i) end", 16 + 5 + 1 },
  { "int-array-table", TRUE, "for i=1,20 do t[i]={1,2,3} end", 32 + 3 * 8 },
  { "int-hash-table", TRUE, "for i=1,20 do t[i]={a=1} end", 32 + 20 },
  { "int-closure-2", TRUE, "for i=1,20 do t[i]=mk() end", 20 + 2 * 4 + 2 * 20 },
  { "int-string-1000", TRUE, "for i=1,20 do t[i]=string.char(64+i):rep(1000) end", 16 + 1000 + 1 },
};

static void
test_cost (gconstpointer data)
{
  const CostCase *c = data;
  MwSimOptions opts;
  g_autoptr (MwSimTestBoard) board = NULL;
  g_autofree char *setup = NULL, *out = NULL, *want = NULL;
  g_autofree char *line = NULL;

  mw_sim_test_options (&opts);
  opts.integer_build = c->integer;
  board = mw_sim_test_board_new (&opts, NULL);
  setup = mw_sim_test_run (board,
                           "t={} for i=1,20 do t[i]=false end "
                           "function mk() local a,b=1,2 return function() return a+b end end "
                           "f=mk() f=nil");
  g_assert_cmpstr (setup, ==, "");
  /* the same line twice: the first grows the VM's own tables (globals, string table) */
  line = g_strdup_printf ("for i=1,20 do t[i]=false end collectgarbage() "
                          "a=collectgarbage('count')*1024 %s "
                          "collectgarbage() print((collectgarbage('count')*1024-a)/20)",
                          c->alloc);
  g_free (mw_sim_test_run (board, line));
  out = mw_sim_test_run (board, line);
  want = g_strdup_printf ("%u", c->lua_each);
  g_assert_cmpstr (out, ==, want);
}

/* node.heap() is the SDK allocator's free heap: each block rounded up to 8 bytes plus an
 * 8-byte header, so twenty 1000-byte strings (1017 B each to Lua) take 20 x 1032 B */
static void
test_heap_blocks (void)
{
  g_autoptr (MwSimTestBoard) board = board_new (0);
  static const char line[] =
    "for i=1,20 do t[i]=false end h=node.heap() "
    "for i=1,20 do t[i]=string.char(64+i):rep(1000) end print(h-node.heap())";
  g_autofree char *setup = mw_sim_test_run (board, "t={} for i=1,20 do t[i]=false end h=0");
  g_autofree char *first = mw_sim_test_run (board, line); /* grows the VM's own tables */
  g_autofree char *out = mw_sim_test_run (board, line);

  g_assert_cmpstr (setup, ==, "");
  g_assert_cmpstr (out, ==, "20640");
}

/* docs/firmware.md sections 3 and 6: with about 44 KB free a board holds at most 43 one-KB strings
 * (1032 B each to the allocator: 44736 / 1032 = 43.3), fewer with the table's array and the peak of
 * building one (the concatenation buffer, the pieces), not the 52 that a flat host-to-board ratio
 * let through */
static void
test_kilobyte_strings (void)
{
  g_autoptr (MwSimTestBoard) board = board_new (0);
  g_autofree char *out =
    mw_sim_test_run (board, "t={} n=0 ok=pcall(function() for i=1,60 do "
                            "t[i]=('%04d'):format(i)..string.rep('x',996) n=i end end) "
                            "print(ok, n >= 40 and n <= 43, node.heap() < 2 * 1032)");

  g_assert_cmpstr (out, ==, "false\ttrue\ttrue");
}

/* docs/firmware.md section 6: garbage never blocks an allocation in the boot mode ALWAYS
 * (app/lua/lua.c lua_setegcmode (L, EGC_ALWAYS, 4096); app/lua/lauxlib.c l_alloc collects before
 * every allocation) */
static void
test_egc_always (void)
{
  g_autoptr (MwSimTestBoard) board = board_new (0);
  g_autofree char *out =
    mw_sim_test_run (board, "a=string.rep('a',15000) a=nil b=string.rep('b',15000) b=nil "
                            "c=string.rep('c',15000) print(#c)");

  g_assert_cmpstr (out, ==, "15000");
}

typedef struct
{
  const char *name;
  const char *mode;
  const char *want;
} EgcCase;

/* docs/firmware.md section 6: with the collector stopped, only the emergency collection can free
 * garbage: modes ALWAYS and ON_ALLOC_FAILURE find the room, NOT_ACTIVE fails with Lua's memory
 * error */
static const EgcCase egc_cases[] = {
  { "always", "node.egc.ALWAYS", "15000" },
  { "on-alloc-failure", "node.egc.ON_ALLOC_FAILURE", "15000" },
  { "not-active", "node.egc.NOT_ACTIVE", "Lua error: \tnot enough memory" },
};

static void
test_egc_mode (gconstpointer data)
{
  const EgcCase *c = data;
  g_autoptr (MwSimTestBoard) board = board_new (0);
  g_autofree char *line = g_strdup_printf ("node.egc.setmode(%s) collectgarbage('stop')", c->mode);
  g_autofree char *setup = mw_sim_test_run (board, line);
  g_autofree char *out =
    mw_sim_test_run (board, "a=string.rep('a',15000) a=nil b=string.rep('b',15000) b=nil "
                            "c=string.rep('c',15000) print(#c)");
  g_autofree char *after = NULL;

  g_assert_cmpstr (setup, ==, "");
  g_assert_cmpstr (out, ==, c->want);
  after = mw_sim_test_run (board, "c=nil collectgarbage() print('alive')");
  g_assert_cmpstr (after, ==, "alive");
}

/* docs/firmware.md section 6: ON_MEM_LIMIT with a positive limit caps Lua's own bytes; meminfo
 * reports Lua's count (app/modules/node.c node_egc_setmode, node_egc_meminfo) */
static void
test_egc_mem_limit (void)
{
  g_autoptr (MwSimTestBoard) board = board_new (0);
  g_autofree char *setup = mw_sim_test_run (board,
                                            "collectgarbage() base=collectgarbage('count')*1024 "
                                            "node.egc.setmode(node.egc.ON_MEM_LIMIT, base+10000)");
  g_autofree char *small = mw_sim_test_run (board, "s=string.rep('x',6000) print(#s) s=nil");
  g_autofree char *big = mw_sim_test_run (board, "s=string.rep('y',12000) print(#s)");
  g_autofree char *info =
    mw_sim_test_run (board, "s=nil collectgarbage() a,b=node.egc.meminfo() "
                            "print(a==collectgarbage('count')*1024, b<=a, math.type==nil)");
  g_autofree char *bad = mw_sim_test_run (board, "node.egc.setmode(node.egc.ON_MEM_LIMIT)");
  g_autofree char *bad2 = mw_sim_test_run (board, "node.egc.setmode(8)");

  g_assert_cmpstr (setup, ==, "");
  g_assert_cmpstr (small, ==, "6000");
  g_assert_cmpstr (big, ==, "Lua error: \tnot enough memory");
  g_assert_cmpstr (info, ==, "true\ttrue\ttrue");
  g_assert_cmpstr (bad, ==,
                   "Lua error: \tstdin:1: bad argument #1 to 'setmode' (limit must be non-zero)\r\n"
                   "stack traceback:\r\n\t[C]: in function 'setmode'\r\n\tstdin:1: in main chunk"
                   "\r\n\t[C]: ?\r\n\t[C]: ?");
  g_assert_cmpstr (bad2, ==,
                   "Lua error: \tstdin:1: bad argument #1 to 'setmode' (invalid mode)\r\n"
                   "stack traceback:\r\n\t[C]: in function 'setmode'\r\n\tstdin:1: in main chunk"
                   "\r\n\t[C]: ?\r\n\t[C]: ?");
}

/* collectgarbage("count") is Lua's count: node.heap() also pays the allocator's overhead */
static void
test_count (void)
{
  g_autoptr (MwSimTestBoard) board = board_new (0);
  static const char line[] =
    "for i=1,100 do t[i]=false end collectgarbage() a=collectgarbage('count')*1024 "
    "h=node.heap() for i=1,100 do t[i]={} end collectgarbage() "
    "print(collectgarbage('count')*1024-a, h-node.heap(), collectgarbage('collect'))";
  g_autofree char *setup = mw_sim_test_run (board, "t={} a=0 h=0");
  g_autofree char *first = mw_sim_test_run (board, line);
  g_autofree char *out = mw_sim_test_run (board, line);

  /* a table: 32 bytes to Lua, a 40-byte block to the allocator */
  g_assert_cmpstr (out, ==, "3200\t4000\t0");
}

/* the charges, against the model */
static void
test_charge_model (void)
{
  const MwLuaRamModel *f = mw_lua_ram_model_get (MW_LUA_TARGET_FLOAT);
  const MwLuaRamModel *i = mw_lua_ram_model_get (MW_LUA_TARGET_INTEGER);

  g_assert_cmpuint (mw_sim_heap_block_cost (0), ==, 0);
  g_assert_cmpuint (mw_sim_heap_block_cost (1017), ==, 1032);
  g_assert_cmpuint (mw_sim_heap_block_cost (32), ==, 40);
  g_assert_cmpuint (mw_sim_heap_lua_cost (f, MW_SIM_HEAP_VALUES, 160, NULL), ==, 120);
  g_assert_cmpuint (mw_sim_heap_lua_cost (i, MW_SIM_HEAP_VALUES, 160, NULL), ==, 80);
  g_assert_cmpuint (mw_sim_heap_lua_cost (f, MW_SIM_HEAP_HASH, 160, NULL), ==, 128);
  g_assert_cmpuint (mw_sim_heap_lua_cost (i, MW_SIM_HEAP_HASH, 160, NULL), ==, 80);
  g_assert_cmpuint (mw_sim_heap_lua_cost (f, MW_SIM_HEAP_BYTES, 33, NULL), ==, 33);
}

/* docs/firmware.md section 6: exhaustion raises "not enough memory"; the REPL survives and the heap
 * comes back */
static void
test_exhaustion (gconstpointer data)
{
  MwSimOptions opts;
  g_autoptr (MwSimTestBoard) board = NULL;
  g_autofree char *out = NULL, *again = NULL;
  const char *want;

  mw_sim_test_options (&opts);
  opts.firmware = GPOINTER_TO_INT (data);
  board = mw_sim_test_board_new (&opts, NULL);
  out = mw_sim_test_run (board, "t={} for i=1,100000 do t[i]={i} end");
  want = opts.firmware == MW_SIM_FIRMWARE_3_0 ? "Lua error: \tnot enough memory"
                                              : "not enough memory";
  g_assert_cmpstr (out, ==, want);
  /* t holds what was allocated before the failure: release it */
  again = mw_sim_test_run (board, "t=nil print(1+1)");
  g_assert_cmpstr (again, ==, "2");
  g_assert_cmpint (mw_sim_test_run_int (board, "node.heap()"), >, 43000);

  /* a string too big for the heap */
  g_clear_pointer (&out, g_free);
  out = mw_sim_test_run (board, "s=string.rep('x', 60000)");
  g_assert_cmpstr (out, ==, want);
  g_clear_pointer (&out, g_free);
  out = mw_sim_test_run (board, "print('alive')");
  g_assert_cmpstr (out, ==, "alive");
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/mw/sim/heap/boot-free", test_boot_free);
  g_test_add_func ("/mw/sim/heap/option", test_option);
  g_test_add_func ("/mw/sim/heap/charge-model", test_charge_model);
  g_test_add_func ("/mw/sim/heap/collectgarbage-count", test_count);
  g_test_add_func ("/mw/sim/heap/blocks", test_heap_blocks);
  g_test_add_func ("/mw/sim/heap/kilobyte-strings", test_kilobyte_strings);
  g_test_add_func ("/mw/sim/heap/egc-always", test_egc_always);
  g_test_add_func ("/mw/sim/heap/egc-mem-limit", test_egc_mem_limit);
  for (guint i = 0; i < G_N_ELEMENTS (egc_cases); i++)
    {
      g_autofree char *path = g_strdup_printf ("/mw/sim/heap/egc/%s", egc_cases[i].name);
      g_test_add_data_func (path, &egc_cases[i], test_egc_mode);
    }
  for (guint i = 0; i < G_N_ELEMENTS (cost_cases); i++)
    {
      g_autofree char *path = g_strdup_printf ("/mw/sim/heap/cost/%s", cost_cases[i].name);
      g_test_add_data_func (path, &cost_cases[i], test_cost);
    }
  g_test_add_data_func ("/mw/sim/heap/exhaustion-3.0", GINT_TO_POINTER (MW_SIM_FIRMWARE_3_0),
                        test_exhaustion);
  g_test_add_data_func ("/mw/sim/heap/exhaustion-2.2", GINT_TO_POINTER (MW_SIM_FIRMWARE_2_2),
                        test_exhaustion);
  return g_test_run ();
}
