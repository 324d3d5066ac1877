/* test-sandbox.c: what a script on the simulated board can reach (docs/firmware.md section 10,
 * issue 18): no host library loading, the firmware's minimal debug library, userdata that
 * cannot be forged, and Lua panics that reset the board instead of ending the simulator. */
#include <string.h>

#include "mw-sim-test.h"

typedef struct
{
  const char *name;
  const char *line;
  const char *want;
} SandboxCase;

static const SandboxCase cases[] = {
  /* app/lua/loadlib.c with luaconf.h LUA_PATH_DEFAULT "?.lc;?.lua": the sim's package has
   * no loadlib and no cpath, and only the preload and flash loaders */
  { "package", "print(package.loadlib, package.cpath, #package.loaders, package.path)",
    "nil\tnil\t2\t?.lc;?.lua" },
  /* issue 18 item 1: a shared library written to the flash cannot be loaded */
  { "loadlib-attack",
    "file.putcontents('evil.so', '\\127ELF') print(pcall(function() "
    "return package.loadlib('/proc/self/fd/0', 'luaopen_x') end))",
    "false\tstdin:1: attempt to call field 'loadlib' (a nil value)" },
  { "require-searches-flash-only", "print(pcall(require, 'evil'))",
    "false\tmodule 'evil' not found:\n\tno field package.preload['evil']\n"
    "\tno file 'evil.lc'\n\tno file 'evil.lua'" },
  /* app/include/user_config.h LUA_USE_BUILTIN_DEBUG_MINIMAL, app/lua/ldblib.c: getregistry
   * and traceback; app/lua/lbaselib.c has no newproxy */
  { "debug-minimal",
    "n=0 for k in pairs(debug) do n=n+1 end print(n, type(debug.getregistry), "
    "type(debug.traceback), debug.setmetatable, debug.sethook, debug.getfenv, newproxy)",
    "2\tfunction\tfunction\tnil\tnil\tnil\tnil" },
  { "loaded-debug", "print(package.loaded.debug == debug, package.loaded.debug.sethook)",
    "true\tnil" },
  /* issue 18 item 2: a userdata of another kind under the file object's methods */
  { "forged-file",
    "f=file.open('a.txt','w') w=getmetatable(f).__index.write f:close() "
    "print(pcall(w, tmr.create(), 'x'))",
    "false\tbad argument #1 to '?' (file.obj expected, got userdata)" },
  { "forged-timer",
    "f=file.open('b.txt','w') print(pcall(getmetatable(tmr.create()).__index.start, f)) "
    "f:close()",
    "false\tbad argument #1 to '?' (tmr.timer expected, got userdata)" },
  /* issue 18 item 10: sjson nests 20 tables deep (app/modules/sjson.c DEFAULT_DEPTH) */
  { "sjson-12-levels", "t={} c=t for i=1,11 do c.a={} c=c.a end print(sjson.encode(t))",
    /* eleven {"a": around the innermost {} */
    "{\"a\":{\"a\":{\"a\":{\"a\":{\"a\":{\"a\":{\"a\":{\"a\":{\"a\":{\"a\":{\"a\":{}"
    "}}}}}}}}}}}" },
  { "sjson-too-deep", "t={} c=t for i=1,30 do c[1]={} c=c[1] end print(pcall(sjson.encode, t))",
    "false\tencoder stack overflow" },
  { "sjson-cycle", "t={} t.t=t print(pcall(sjson.encode, t))", "false\tencoder stack overflow" },
  { "sjson-alive", "print(sjson.encode({1,2}))", "[1,2]" },
  /* no host detail shows: objects at ESP8266 DRAM addresses, each its own, and NaN as the
   * firmware's newlib prints it */
  { "board-addresses",
    "a,b={},{} print(tostring(a):match('^table: 0x3ff[ef]%x%x%x%x$') ~= nil, "
    "tostring(print):match('^function: 0x3ff[ef]%x%x%x%x$') ~= nil, "
    "tostring(a) ~= tostring(b), tostring(a) == tostring(a), tostring(0/0))",
    "true\ttrue\ttrue\ttrue\tnan" },
};

static void
test_case (gconstpointer data)
{
  const SandboxCase *c = data;
  MwSimOptions opts;
  g_autoptr (MwSimTestBoard) board = NULL;
  g_autofree char *out = NULL;
  g_autofree char *want = NULL;

  mw_sim_test_options (&opts);
  board = mw_sim_test_board_new (&opts, NULL);
  out = mw_sim_test_run (board, c->line);
  /* print's "\n" arrives as "\r\n" */
  {
    g_auto (GStrv) parts = g_strsplit (c->want, "\n", -1);
    want = g_strjoinv ("\r\n", parts);
  }
  g_assert_cmpstr (out, ==, want);
}

/* issue 18 item 9: a Lua error outside any protected call (here: a timer fires when the heap
 * is full and the emergency GC is off, so even calling its callback fails) is a panic: the
 * firmware's text (app/lua/lauxlib.c panic), a reset, and a board that goes on serving */
static void
test_panic (void)
{
  MwSimOptions opts;
  g_autoptr (MwSimTestBoard) board = NULL;
  g_autofree char *out = NULL, *after = NULL;
  g_autoptr (GString) got = NULL;

  mw_sim_test_options (&opts);
  board = mw_sim_test_board_new (&opts, NULL);
  out = mw_sim_test_run (board, "node.egc.setmode(node.egc.NOT_ACTIVE) t={} "
                                "tmr.create():alarm(20, tmr.ALARM_AUTO, function() end) "
                                "pcall(function() while true do t[#t+1]={} end end)");
  g_assert_cmpstr (out, ==, "");
  got = mw_sim_test_expect (board, "cannot open init.lua: \r\n> ", -1, 5000);
  g_assert_nonnull (got);
  g_assert_true (g_str_has_prefix (
    got->str, "PANIC: unprotected error in call to Lua API (not enough memory)\r\n"));
  after = mw_sim_test_run (board, "print(node.bootreason())");
  g_assert_cmpstr (after, ==, "4\t1");
}

/* found by the simulator's fuzzer: a board stopped while tasks it posted (a pipe reader that
 * keeps reposting itself, a deep-sleep wake-up) are still queued must drop them with its state
 * (ASan: heap-use-after-free in posted_task_cb) */
static void
test_stop_with_tasks_pending (void)
{
  MwSimOptions opts;
  g_autoptr (MwSimTestBoard) board = NULL;
  g_autofree char *out = NULL;

  mw_sim_test_options (&opts);
  board = mw_sim_test_board_new (&opts, NULL);
  out = mw_sim_test_run (board, "p=pipe.create(function(p) p:read() p:write('x') return true end) "
                                "p:write('y') node.dsleep(60000000)");
  g_assert_cmpstr (out, ==, "");
  mw_sim_stop (board->sim);
}

/* issue 18: a pattern of 200,000 optional items made Lua 5.1's matcher recurse once per item on
 * the host's C stack (SIGSEGV) in find, match, gmatch and gsub alike. The board bounds it as
 * the firmware's Lua 5.3 string library does (docs/firmware.md section 10): "pattern too complex",
 * and it goes on serving; ordinary patterns are untouched. */
static void
test_pattern_depth (void)
{
  MwSimOptions opts;
  g_autoptr (MwSimTestBoard) board = NULL;
  g_autofree char *setup = NULL, *find = NULL, *match = NULL, *gmatch = NULL, *gsub = NULL;
  g_autofree char *edge = NULL, *over = NULL, *normal = NULL;

  mw_sim_test_options (&opts);
  opts.heap = 16 * 1024 * 1024; /* room for a 400 KB pattern */
  board = mw_sim_test_board_new (&opts, NULL);
  setup = mw_sim_test_run (board, "p=('a?'):rep(200000) s=('a'):rep(200000) print(#p)");
  g_assert_cmpstr (setup, ==, "400000");
  find = mw_sim_test_run (board, "print(pcall(string.find, s, p))");
  g_assert_cmpstr (find, ==, "false\tpattern too complex");
  match = mw_sim_test_run (board, "print(pcall(function() return s:match(p) end))");
  g_assert_cmpstr (match, ==, "false\tpattern too complex");
  gmatch = mw_sim_test_run (board, "print(pcall(function() for w in s:gmatch(p) do end end))");
  g_assert_cmpstr (gmatch, ==, "false\tpattern too complex");
  gsub = mw_sim_test_run (board, "print(pcall(string.gsub, s, p, 'b'))");
  g_assert_cmpstr (gsub, ==, "false\tpattern too complex");
  /* the first call and 199 nested ones run (the firmware's limit of 200 calls), one more does
   * not; a plain find has no pattern */
  edge = mw_sim_test_run (board, "print(#s:match(('a?'):rep(199)), s:find(p, 1, true))");
  g_assert_cmpstr (edge, ==, "199\tnil");
  over = mw_sim_test_run (board, "print(pcall(string.match, s, ('a?'):rep(200)))");
  g_assert_cmpstr (over, ==, "false\tpattern too complex");
  normal = mw_sim_test_run (board, "print(('a,b,,c'):gsub(',', ';')) "
                                   "print(('key=va=lue'):match('^(%w+)=(.-)$'))");
  g_assert_cmpstr (normal, ==, "a;b;;c\t3\r\nkey\tva=lue");
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autofree char *path = g_strdup_printf ("/mw/sim/sandbox/%s", cases[i].name);
      g_test_add_data_func (path, &cases[i], test_case);
    }
  g_test_add_func ("/mw/sim/sandbox/panic", test_panic);
  g_test_add_func ("/mw/sim/sandbox/pattern-depth", test_pattern_depth);
  g_test_add_func ("/mw/sim/sandbox/stop-with-tasks-pending", test_stop_with_tasks_pending);
  return g_test_run ();
}
