/* test-vm.c: the simulated board's VM against a scripted host clock: how a task's simulated
 * time is spent in host time (docs/sim.md "The simulated CPU clock").
 *
 * With the line rate on, the board thread sleeps after each task until the host clock reaches
 * the task's simulated end, in slices of at most 10 ms. The soak test (tests/app/test-soak.c)
 * once caught the board thread asleep for 2^64 - 1 microseconds: the clock was read once to
 * decide to sleep, then again to measure the sleep, and a loaded host crossed the task's end in
 * between, so the length came out negative and went to g_usleep() as an unsigned number. The
 * board never read, ran or printed anything again. */
#include "mw-config.h"

#include "mw-sim-private.h"

/* The host clock, in microseconds: each read returns the time, then moves it on by the next
 * scripted step (a host that lost the CPU between two reads); a sleep moves it on too. */
static gint64 host_time;
static GArray *steps; /* gint64 */
static GArray *sleeps; /* gulong, each sleep the board thread asked for */

static gint64
script_now (void)
{
  gint64 now = host_time;

  if (steps->len > 0)
    {
      host_time += g_array_index (steps, gint64, 0);
      g_array_remove_index (steps, 0);
    }
  return now;
}

static void
script_sleep (gulong us)
{
  g_array_append_val (sleeps, us);
  host_time += MIN (us, G_USEC_PER_SEC);
}

static void
task_done (gpointer data)
{
}

/* A task of exactly `data` simulated microseconds (a C function runs no VM instruction). */
static int
busy_task (lua_State *L)
{
  MwSimVm *vm = mw_sim_vm_get (L);

  mw_sim_vm_delay (vm, GPOINTER_TO_INT (lua_touserdata (L, lua_upvalueindex (1))));
  return 0;
}

typedef struct
{
  const char *name;
  gint64 task_us;
  gint64 steps[3]; /* after the task's first clock read, then after the next two */
  gulong want[3]; /* the sleeps asked for, 0-terminated */
} PaceCase;

static const PaceCase pace_cases[] = {
  /* the host kept up: one sleep to the task's end */
  { "ahead", 5000, { 0, 0, 0 }, { 5000, 0 } },
  /* longer than a slice: 10 ms, then the rest */
  { "slices", 25000, { 0, 0, 0 }, { 10000, 10000, 5000 } },
  /* the host was slower than the board: no sleep at all */
  { "behind", 5000, { 6000, 0, 0 }, { 0 } },
  /* the soak's stall: 1 us before the end when checked, 1 us past it a moment later */
  { "crossing", 5000, { 4999, 2, 0 }, { 1, 0 } },
  /* exactly at the end when checked */
  { "at-end", 5000, { 5000, 0, 0 }, { 0 } },
};

static void
test_pace (void)
{
  MwSimOptions options;
  g_autoptr (MwSimFlash) flash = NULL;
  g_autoptr (GString) tx = g_string_new (NULL);
  MwSimVm *vm = mw_sim_vm_new ();

  /* the board MwSim runs, paced (baud_limit), on the test's clock */
  mw_sim_options_init (&options);
  flash = mw_sim_flash_new (NULL, options.fs_size, NULL);
  g_assert_nonnull (flash);
  mw_sim_vm_configure (vm, &options);
  g_assert_true (vm->realtime);
  vm->flash = flash;
  vm->context = g_main_context_default ();
  vm->tx = tx;
  vm->task_done = task_done;
  vm->host_now = script_now;
  vm->host_sleep = script_sleep;
  steps = g_array_new (FALSE, FALSE, sizeof (gint64));
  sleeps = g_array_new (FALSE, FALSE, sizeof (gulong));
  host_time = 1000 * G_USEC_PER_SEC;
  mw_sim_vm_boot (vm, NULL);
  g_assert_true (g_str_has_suffix (tx->str, "cannot open init.lua: \r\n> "));

  for (guint i = 0; i < G_N_ELEMENTS (pace_cases); i++)
    {
      const PaceCase *c = &pace_cases[i];
      guint n_want = 0;

      g_array_set_size (steps, 0);
      g_array_append_vals (steps, c->steps, G_N_ELEMENTS (c->steps));
      g_array_set_size (sleeps, 0);
      lua_pushlightuserdata (vm->L, GINT_TO_POINTER ((int) c->task_us));
      lua_pushcclosure (vm->L, busy_task, 1);
      mw_sim_vm_callback (vm, 0);
      g_assert_cmpint (vm->last_task_us, ==, c->task_us);
      while (n_want < G_N_ELEMENTS (c->want) && c->want[n_want] != 0)
        n_want++;
      for (guint k = 0; k < sleeps->len; k++)
        g_test_message ("%s: sleep %lu us", c->name, g_array_index (sleeps, gulong, k));
      g_assert_cmpuint (sleeps->len, ==, n_want);
      for (guint k = 0; k < n_want; k++)
        g_assert_cmpuint (g_array_index (sleeps, gulong, k), ==, c->want[k]);
    }

  mw_sim_vm_free (vm);
  g_clear_pointer (&steps, g_array_unref);
  g_clear_pointer (&sleeps, g_array_unref);
}

int
main (int argc, char *argv[])
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/mw/sim/vm/pace", test_pace);
  return g_test_run ();
}
