/* test-heap.c: the board's heap (docs/firmware.md section 3): about 44 KB free at the prompt,
 * objects charged at their ESP8266 cost, `not enough memory` on exhaustion with a REPL that
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

/* §3: free heap at the prompt after boot: about 44 KB (reports of 43864 and 44576) */
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
  const char *setup; /* run once before measuring */
  const char *alloc; /* allocates `count` objects kept in global t */
  guint count;
  guint esp_each; /* the ESP8266 cost of one, from mw-lua-ram.h */
} CostCase;

/* §3 measured: {} 32 B, {1,2,3} 68 B, {a=1} 64 B, a closure with 2 upvalues 76 B */
static const CostCase cost_cases[] = {
  { "empty-table", "t={} for i=1,200 do t[i]=false end", "for i=1,200 do t[i]={} end", 200, 32 },
  { "array-table", "t={} for i=1,200 do t[i]=false end", "for i=1,200 do t[i]={1,2,3} end", 200,
    68 },
  { "hash-table", "t={} for i=1,200 do t[i]=false end", "for i=1,200 do t[i]={a=1} end", 200, 64 },
  { "closure-2",
    "t={} for i=1,200 do t[i]=false end "
    "function mk() local a,b=1,2 return function() return a+b end end",
    "for i=1,200 do t[i]=mk() end", 200, 76 },
};

static void
test_cost (gconstpointer data)
{
  const CostCase *c = data;
  g_autoptr (MwSimTestBoard) board = board_new (0);
  g_autofree char *setup = mw_sim_test_run (board, c->setup);
  gint64 before = mw_sim_test_run_int (board, "node.heap()");
  g_autofree char *alloc = mw_sim_test_run (board, c->alloc);
  gint64 after = mw_sim_test_run_int (board, "node.heap()");
  double each = (double) (before - after) / c->count;

  g_assert_cmpstr (setup, ==, "");
  g_assert_cmpstr (alloc, ==, "");
  g_test_message ("%s: %.1f B each on the simulated heap, %u B on the ESP8266", c->name, each,
                  c->esp_each);
  /* "about the ESP8266 cost": within 25% */
  g_assert_cmpfloat (each, >=, c->esp_each * 0.75);
  g_assert_cmpfloat (each, <=, c->esp_each * 1.25);
}

/* collectgarbage("count") counts board bytes too: with node.heap() it adds up to the cap */
static void
test_count (void)
{
  g_autoptr (MwSimTestBoard) board = board_new (0);
  g_autofree char *out = mw_sim_test_run (
    board, "collectgarbage() a = collectgarbage('count')*1024 + node.heap() "
           "t = {} for i=1,100 do t[i] = {i} end "
           "b = collectgarbage('count')*1024 + node.heap() print(math.abs(a - b) < 64, "
           "collectgarbage('collect'))");

  g_assert_cmpstr (out, ==, "true\t0");
}

/* the allocator's charge, against the model (linear fit, float and integer builds) */
static void
test_charge_model (void)
{
  MwSimHeap heap;
  const MwLuaRamModel *m = mw_lua_ram_model_get (MW_LUA_TARGET_FLOAT);

  mw_sim_heap_init (&heap, MW_LUA_TARGET_FLOAT);
  /* a host Table is 64 bytes: charged about table_header */
  g_assert_cmpuint (mw_sim_heap_cost (&heap, 64), >=, m->table_header);
  g_assert_cmpuint (mw_sim_heap_cost (&heap, 64), <=, m->table_header * 5 / 4);
  /* 200 host TValues (3200 B) cost about 200 board TValues */
  g_assert_cmpuint (mw_sim_heap_cost (&heap, 3200), >=, 200 * m->tvalue * 95 / 100);
  g_assert_cmpuint (mw_sim_heap_cost (&heap, 3200), <=, 200 * m->tvalue * 105 / 100);
  g_assert_cmpuint (mw_sim_heap_cost (&heap, 0), ==, 0);
  mw_sim_heap_init (&heap, MW_LUA_TARGET_INTEGER);
  g_assert_cmpuint (mw_sim_heap_cost (&heap, 160), <, 100); /* 10 TValues: 80 B */
}

/* §3: exhaustion raises "not enough memory"; the REPL survives and the heap comes back */
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
