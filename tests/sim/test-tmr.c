/* test-tmr.c: the `tmr` module (docs/firmware.md section 2) and the watchdog (sections 3 and 5):
 * timers fire only between REPL tasks; a task past the limit resets the board. */
#include <string.h>

#include "mw-sim-test.h"

static MwSimTestBoard *
board_new (MwSimFirmware firmware)
{
  MwSimOptions opts;

  mw_sim_test_options (&opts);
  opts.firmware = firmware;
  return mw_sim_test_board_new (&opts, NULL);
}

typedef struct
{
  const char *name;
  const char *line;
  const char *want;
} TmrCase;

static const TmrCase api_cases[] = {
  /* docs/firmware.md section 2: the static tmr.alarm(id, ...) API was removed in 2019 */
  { "no-static-alarm", "print(tmr.alarm, tmr.register, tmr.start)", "nil\tnil\tnil" },
  { "modes", "print(tmr.ALARM_SINGLE, tmr.ALARM_AUTO, tmr.ALARM_SEMI)", "0\t1\t2" },
  { "state",
    "t=tmr.create() print(t:state()) t:register(100,0,function() end) "
    "print(t:state()) t:start() print(t:state()) t:stop() print(t:state()) t:unregister() "
    "print(t:state())",
    "nil\r\nfalse\t0\r\ntrue\t0\r\nfalse\t0\r\nnil" },
  { "bad-interval", "print(pcall(tmr.create().register, tmr.create(), 0, 0, print))",
    "false\tbad argument #2 to '?' (wrong arg range)" },
  { "bad-mode", "print(pcall(tmr.create().register, tmr.create(), 10, 3, print))",
    "false\tbad argument #3 to '?' (Invalid mode)" },
  { "start-unregistered", "print(pcall(tmr.create().start, tmr.create()))",
    "false\ttimer not registered" },
  { "now-time", "a=tmr.now() tmr.delay(2000) b=tmr.now() print(b-a>=2000, tmr.time()>=0)",
    "true\ttrue" },
};

static void
test_api (void)
{
  g_autoptr (MwSimTestBoard) board = board_new (MW_SIM_FIRMWARE_3_0);

  for (guint i = 0; i < G_N_ELEMENTS (api_cases); i++)
    {
      g_autofree char *out = mw_sim_test_run (board, api_cases[i].line);
      if (!g_str_equal (out, api_cases[i].want))
        {
          g_test_message ("%s: got \"%s\", want \"%s\"", api_cases[i].name, out, api_cases[i].want);
          g_test_fail ();
        }
    }
}

/* A timer due while a task runs fires after the task and its prompt, never inside it. */
static void
test_between_tasks (void)
{
  g_autoptr (MwSimTestBoard) board = board_new (MW_SIM_FIRMWARE_3_0);
  static const char line[] = "t=tmr.create() t:alarm(5, tmr.ALARM_SINGLE, function() "
                             "print('T') end) tmr.delay(100000) print('after')\r\n";
  g_autoptr (GString) got = NULL;
  g_autoptr (GString) want = g_string_new_len (line, sizeof line - 1);

  g_string_append (want, "after\r\n> T\r\n");
  mw_sim_test_send (board, line, -1);
  got = mw_sim_test_read_n (board, want->len, 3000);
  mw_sim_test_assert_bytes ("timer after the task", got->str, got->len, want->str, want->len);
}

static void
test_auto_and_semi (void)
{
  g_autoptr (MwSimTestBoard) board = board_new (MW_SIM_FIRMWARE_3_0);
  g_autofree char *out =
    mw_sim_test_run (board, "n=0 t=tmr.create() t:alarm(5, tmr.ALARM_AUTO, function(tt) n=n+1 "
                            "if n==3 then tt:unregister() print('auto', n) end end)");
  g_autoptr (GString) got = mw_sim_test_expect (board, "auto\t3\r\n", -1, 3000);
  g_autofree char *semi = NULL;
  g_autoptr (GString) got2 = NULL;

  g_assert_cmpstr (out, ==, "");
  g_assert_nonnull (got);
  /* ALARM_SEMI fires once per start() */
  semi = mw_sim_test_run (board, "m=0 s=tmr.create() s:alarm(5, tmr.ALARM_SEMI, function(tt) "
                                 "m=m+1 if m<2 then tt:start() else print('semi', m) end end)");
  got2 = mw_sim_test_expect (board, "semi\t2\r\n", -1, 3000);
  g_assert_nonnull (got2);
  {
    g_autoptr (GString) extra = mw_sim_test_drain (board, 60);
    g_assert_cmpuint (extra->len, ==, 0);
  }
}

/* docs/firmware.md section 1, docs/sim.md "The simulated CPU clock": a task that runs past the
 * watchdog's 3.2 s of simulated CPU time (VM instructions at 1 us each at 80 MHz) resets the board
 * (banner again) */
typedef struct
{
  const char *name;
  const char *line;
} WdtCase;

static const WdtCase wdt_cases[] = {
  { "loop", "while true do end" },
  /* 3e6 iterations of 4 instructions: 12 s on an 80 MHz ESP8266 */
  { "sum", "x=0 for i=1,3e6 do x=x+i end print('survived')" },
  /* tmr.delay feeds the watchdog after each second, but not the loop before it */
  { "loop-then-delay", "for i=1,2500000 do end tmr.delay(1000000) print('survived')" },
  /* a pcall in Lua cannot swallow the reset */
  { "pcall", "for i=1,1e9 do pcall(function() while true do end end) end print('survived')" },
};

static void
test_watchdog (gconstpointer data)
{
  const WdtCase *c = data;
  g_autoptr (MwSimTestBoard) board = board_new (MW_SIM_FIRMWARE_3_0);
  g_autofree char *line = g_strconcat (c->line, "\r\n", NULL);
  g_autoptr (GString) got = NULL;
  gint64 start = g_get_monotonic_time ();

  mw_sim_test_send (board, line, -1);
  got = mw_sim_test_expect (board, "cannot open init.lua: \r\n> ", -1, 5000);
  g_assert_nonnull (got);
  g_assert_cmpint (g_get_monotonic_time () - start, <, 5000000);
  g_assert_nonnull (strstr (got->str, "\r\nSoft WDT reset\r\n"));
  /* docs/firmware.md section 1: the ROM boot loader's line at 74880 baud arrives as garbage before
   * the banner */
  {
    const char *banner = strstr (got->str, "\r\nNodeMCU 3.0.0.0 built ");
    gsize high = 0;

    for (const char *p = strstr (got->str, "Soft WDT reset"); p && p < banner; p++)
      high += (guint8) *p >= 0x80;
    g_assert_cmpuint (high, >=, 40);
  }
  g_assert_nonnull (strstr (got->str, "\r\nNodeMCU 3.0.0.0 built "));
  g_assert_null (strstr (got->str, "\r\nsurvived\r\n"));
  {
    g_autofree char *out = mw_sim_test_run (board, "print('back')");
    g_assert_cmpstr (out, ==, "back");
  }
}

/* an error in a callback. 3.0 (app/lua/lnodemcu.c luaL_pcallx, app/modules/node.c
 * default_onerror): the traceback goes to the registry's "onerror" in a task of its own,
 * printed without "Lua error: ", and the board restarts 2 s later, running meanwhile.
 * 2.x panics and restarts at once. */
static void
test_callback_error (gconstpointer data)
{
  MwSimFirmware fw = GPOINTER_TO_INT (data);
  g_autoptr (MwSimTestBoard) board = board_new (fw);
  g_autofree char *out = mw_sim_test_run (board, "tmr.create():alarm(5, 0, function() "
                                                 "error('cb failed') end)");
  g_autoptr (GString) got = NULL;

  g_assert_cmpstr (out, ==, "");
  if (fw == MW_SIM_FIRMWARE_3_0)
    {
      g_autofree char *alive = NULL;
      gint64 t0 = g_get_monotonic_time ();

      static const char want[] = "stdin:1: cb failed\r\nstack traceback:\r\n"
                                 "\t[C]: in function 'error'\r\n"
                                 "\tstdin:1: in function <stdin:1>\r\n";

      got = mw_sim_test_expect (board, "in function <stdin:1>\r\n", -1, 3000);
      g_assert_nonnull (got);
      mw_sim_test_assert_bytes ("onerror", got->str, got->len, want, strlen (want));
      /* the board still runs */
      alive = mw_sim_test_run (board, "print('alive')");
      g_assert_cmpstr (alive, ==, "alive");
      g_string_free (g_steal_pointer (&got), TRUE);
      got = mw_sim_test_expect (board, "\r\nNodeMCU 3.0.0.0 built", -1, 4000);
      g_assert_nonnull (got);
      g_assert_cmpint (g_get_monotonic_time () - t0, >=, 1900 * 1000);
      g_assert_cmpint (g_get_monotonic_time () - t0, <, 3000 * 1000);
    }
  else
    {
      got = mw_sim_test_expect (board, "init.lua", -1, 3000);
      g_assert_nonnull (got);
      g_assert_true (g_str_has_prefix (got->str, "PANIC: unprotected error in call to Lua API "
                                                 "(stdin:1: cb failed)\r\n"));
      g_assert_nonnull (strstr (got->str, "\r\nNodeMCU "));
    }
}

typedef struct
{
  const char *name;
  const char *line;
  const char *want;
} ClockCase;

/* docs/sim.md "The simulated CPU clock": the simulated CPU clock. app/modules/tmr.c: tmr.delay() is
 * a busy wait fed after every 1 s slice and needs a positive argument; tmr.wdclr() feeds the
 * watchdog. tmr.now() advances by the VM's instructions (1 us each at 80 MHz, half that at
 * 160 MHz), read every 100 instructions. */
static const ClockCase clock_cases[] = {
  { "delay-survives", "tmr.delay(1000000) print('survived')", "survived" },
  { "long-delay-survives", "tmr.delay(5000000) print('survived')", "survived" },
  { "delay-time", "t0=tmr.now() tmr.delay(250000) print(tmr.now()-t0)", "250000" },
  { "delay-zero", "print(pcall(tmr.delay, 0))", "false\tbad argument #1 to '?' (wrong arg range)" },
  { "wdclr", "for j=1,5 do for i=1,1e6 do end tmr.wdclr() end print('fed')", "fed" },
  { "busy-now",
    "t0=tmr.now() for i=1,100000 do end d=tmr.now()-t0 print(d >= 99900 and d <= 100200)", "true" },
  { "busy-now-160",
    "node.setcpufreq(node.CPU160MHZ) t0=tmr.now() for i=1,100000 do end d=tmr.now()-t0 "
    "print(node.getcpufreq(), d >= 49900 and d <= 50200)",
    "160\ttrue" },
  { "ccount", "c0=tmr.ccount() tmr.delay(1000) print(tmr.ccount()-c0)", "80000" },
};

static void
test_clock (gconstpointer data)
{
  const ClockCase *c = data;
  g_autoptr (MwSimTestBoard) board = board_new (MW_SIM_FIRMWARE_3_0);
  g_autofree char *out = mw_sim_test_run (board, c->line);

  g_assert_cmpstr (out, ==, c->want);
}

/* app/modules/tmr.c tmr.softwd(s): counted down once a second, a restart below zero */
static void
test_softwd (void)
{
  g_autoptr (MwSimTestBoard) board = board_new (MW_SIM_FIRMWARE_3_0);
  g_autofree char *out = mw_sim_test_run (board, "tmr.softwd(1)");
  gint64 start = g_get_monotonic_time ();
  g_autoptr (GString) got = mw_sim_test_expect (board, "\r\nNodeMCU 3.0.0.0 built", -1, 4000);

  g_assert_cmpstr (out, ==, "");
  g_assert_nonnull (got);
  g_assert_cmpint (g_get_monotonic_time () - start, >=, 1500000);
  g_assert_null (strstr (got->str, "Soft WDT"));
}

/* node.setonerror(fn) replaces the handler: no restart (app/modules/node.c) */
static void
test_setonerror (void)
{
  g_autoptr (MwSimTestBoard) board = board_new (MW_SIM_FIRMWARE_3_0);
  g_autofree char *out = mw_sim_test_run (board,
                                          "node.setonerror(function(s) print('handled: '..#s) end) "
                                          "tmr.create():alarm(5, 0, function() error('x') end)");
  g_autoptr (GString) got = mw_sim_test_expect (board, "\r\n", -1, 3000);
  g_autoptr (GString) rest = NULL;

  g_assert_cmpstr (out, ==, "");
  g_assert_nonnull (got);
  /* "stdin:1: x\nstack traceback:\n\t[C]: in function 'error'\n\tstdin:1: in function <stdin:1>" */
  mw_sim_test_assert_bytes ("handler", got->str, got->len, "handled: 85\r\n", 13);
  rest = mw_sim_test_drain (board, 2500);
  mw_sim_test_assert_bytes ("no restart", rest->str, rest->len, "", 0);
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/mw/sim/tmr/api", test_api);
  g_test_add_func ("/mw/sim/tmr/setonerror", test_setonerror);
  g_test_add_func ("/mw/sim/tmr/softwd", test_softwd);
  for (guint i = 0; i < G_N_ELEMENTS (clock_cases); i++)
    {
      g_autofree char *path = g_strdup_printf ("/mw/sim/tmr/clock/%s", clock_cases[i].name);
      g_test_add_data_func (path, &clock_cases[i], test_clock);
    }
  g_test_add_func ("/mw/sim/tmr/between-tasks", test_between_tasks);
  g_test_add_func ("/mw/sim/tmr/auto-and-semi", test_auto_and_semi);
  for (guint i = 0; i < G_N_ELEMENTS (wdt_cases); i++)
    {
      g_autofree char *path = g_strdup_printf ("/mw/sim/tmr/watchdog/%s", wdt_cases[i].name);
      g_test_add_data_func (path, &wdt_cases[i], test_watchdog);
    }
  g_test_add_data_func ("/mw/sim/tmr/callback-error-3.0", GINT_TO_POINTER (MW_SIM_FIRMWARE_3_0),
                        test_callback_error);
  g_test_add_data_func ("/mw/sim/tmr/callback-error-2.2", GINT_TO_POINTER (MW_SIM_FIRMWARE_2_2),
                        test_callback_error);
  return g_test_run ();
}
