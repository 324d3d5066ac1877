/* mw-sim-tmr.c: the firmware's `tmr` module: the object API, now, time, delay (docs/firmware.md
 * section 2). The static tmr.alarm() API is gone since 2019 and absent here. Timers are
 * sources on the board's main context, so they fire only between REPL tasks. */
#include "mw-sim-private.h"

/* the firmware's metatable name (app/modules/tmr.c luaL_rometatable) and the size of its
 * tmr_t: an os_timer_t of five words, two refs, the interval and the mode byte, padded
 * (docs/firmware.md section 11) */
#define TMR_MT "tmr.timer"
#define MW_SIM_TIMER_PAYLOAD 36
#define MAX_INTERVAL 6870947 /* ms: the SDK's limit */

enum
{
  ALARM_SINGLE,
  ALARM_AUTO,
  ALARM_SEMI
};

typedef struct
{
  MwSimVm *vm;
  GSource *source;
  guint interval;
  int mode;
  int cb; /* registry ref, LUA_NOREF when unregistered */
  int self; /* keeps a registered timer alive, as the firmware does */
} MwSimTimer;

static void
timer_stop (MwSimTimer *t)
{
  if (t->source)
    {
      g_source_destroy (t->source);
      g_source_unref (t->source);
      t->source = NULL;
    }
}

static void
timer_unregister (lua_State *L, MwSimTimer *t)
{
  timer_stop (t);
  if (t->cb != LUA_NOREF)
    {
      luaL_unref (L, LUA_REGISTRYINDEX, t->cb);
      luaL_unref (L, LUA_REGISTRYINDEX, t->self);
      t->cb = t->self = LUA_NOREF;
      g_ptr_array_remove (t->vm->timers, t);
    }
}

void
mw_sim_tmr_shutdown (MwSimVm *vm)
{
  for (guint i = 0; i < vm->timers->len; i++)
    timer_stop (g_ptr_array_index (vm->timers, i));
  g_ptr_array_set_size (vm->timers, 0);
}

static gboolean
timer_fire (gpointer data)
{
  MwSimTimer *t = data;
  MwSimVm *vm = t->vm;
  lua_State *L = vm->L;
  GSource *me = g_main_current_source ();
  gboolean keep;

  lua_rawgeti (L, LUA_REGISTRYINDEX, t->cb);
  lua_rawgeti (L, LUA_REGISTRYINDEX, t->self);
  if (t->mode == ALARM_SINGLE)
    timer_unregister (L, t);
  else if (t->mode == ALARM_SEMI)
    timer_stop (t);
  mw_sim_vm_callback (vm, 1);
  /* t may be collected from here on if it was unregistered */
  keep = FALSE;
  for (guint i = 0; i < vm->timers->len; i++)
    if (g_ptr_array_index (vm->timers, i) == t)
      keep = t->source == me;
  vm->task_done (vm->task_done_data);
  return keep;
}

static void
timer_start (MwSimTimer *t)
{
  timer_stop (t);
  t->source = g_timeout_source_new (t->interval);
  g_source_set_callback (t->source, timer_fire, t, NULL);
  g_source_attach (t->source, t->vm->context);
}

static const char timer_type[] = "timer";

static MwSimTimer *
check_timer (lua_State *L)
{
  /* the firmware's metatable name (app/modules/tmr.c) in a wrong argument's error */
  return mw_sim_check_udata (L, 1, timer_type, "tmr.timer");
}

static int
t_register (lua_State *L)
{
  MwSimTimer *t = check_timer (L);
  lua_Integer ms = luaL_checkinteger (L, 2);
  int mode = luaL_checkinteger (L, 3);

  luaL_argcheck (L, ms > 0 && ms <= MAX_INTERVAL, 2, "wrong arg range");
  /* app/modules/tmr.c tmr_register */
  luaL_argcheck (L, mode >= ALARM_SINGLE && mode <= ALARM_SEMI, 3, "Invalid mode");
  luaL_argcheck (L, lua_isfunction (L, 4), 4, "Must be function");
  timer_unregister (L, t);
  t->interval = ms;
  t->mode = mode;
  lua_pushvalue (L, 4);
  t->cb = luaL_ref (L, LUA_REGISTRYINDEX);
  lua_pushvalue (L, 1);
  t->self = luaL_ref (L, LUA_REGISTRYINDEX);
  g_ptr_array_add (t->vm->timers, t);
  return 0;
}

static int
t_start (lua_State *L)
{
  MwSimTimer *t = check_timer (L);

  if (t->cb == LUA_NOREF)
    return luaL_error (L, "timer not registered");
  if (t->source == NULL)
    timer_start (t);
  lua_pushboolean (L, TRUE);
  return 1;
}

static int
t_alarm (lua_State *L)
{
  t_register (L);
  return t_start (L);
}

static int
t_stop (lua_State *L)
{
  MwSimTimer *t = check_timer (L);
  gboolean was = t->source != NULL;

  timer_stop (t);
  lua_pushboolean (L, was);
  return 1;
}

static int
t_unregister (lua_State *L)
{
  timer_unregister (L, check_timer (L));
  return 0;
}

static int
t_interval (lua_State *L)
{
  MwSimTimer *t = check_timer (L);
  lua_Integer ms = luaL_checkinteger (L, 2);

  luaL_argcheck (L, ms > 0 && ms <= MAX_INTERVAL, 2, "wrong arg range");
  t->interval = ms;
  if (t->source)
    timer_start (t);
  return 0;
}

static int
t_state (lua_State *L)
{
  MwSimTimer *t = check_timer (L);

  if (t->cb == LUA_NOREF)
    {
      lua_pushnil (L);
      return 1;
    }
  lua_pushboolean (L, t->source != NULL);
  lua_pushinteger (L, t->mode);
  return 2;
}

static int
t_gc (lua_State *L)
{
  MwSimTimer *t = check_timer (L);

  timer_stop (t);
  g_ptr_array_remove (t->vm->timers, t);
  return 0;
}

static int
l_create (lua_State *L)
{
  MwSimTimer *t = mw_sim_new_udata (L, sizeof *t, MW_SIM_TIMER_PAYLOAD, timer_type, TMR_MT);

  *t = (MwSimTimer){ .vm = mw_sim_vm_get (L), .cb = LUA_NOREF, .self = LUA_NOREF };
  return 1;
}

static int
l_now (lua_State *L)
{
  gint64 us = mw_sim_vm_now_us (mw_sim_vm_get (L));

  /* the system timer is 32-bit and tmr.now() wraps at 2^31 */
  lua_pushinteger (L, (lua_Integer) (us & 0x7fffffff));
  return 1;
}

static int
l_time (lua_State *L)
{
  gint64 us = mw_sim_vm_now_us (mw_sim_vm_get (L));

  lua_pushinteger (L, (lua_Integer) (us / G_USEC_PER_SEC));
  return 1;
}

/* app/modules/tmr.c tmr_delay(): a busy wait; the argument must be positive, and the
 * watchdog is fed after every second of it. It costs simulated time, not host time. */
static int
l_delay (lua_State *L)
{
  lua_Integer us = luaL_checkinteger (L, 1);

  luaL_argcheck (L, us > 0, 1, "wrong arg range");
  mw_sim_vm_delay (mw_sim_vm_get (L), us);
  return 0;
}

/* tmr.wdclr(): feeds the watchdog */
static int
l_wdclr (lua_State *L)
{
  mw_sim_vm_feed_wdt (mw_sim_vm_get (L));
  return 0;
}

/* tmr.ccount(): the CPU's cycle counter, 32 bits */
static int
l_ccount (lua_State *L)
{
  MwSimVm *vm = mw_sim_vm_get (L);

  lua_pushinteger (L, (lua_Integer) (guint32) (mw_sim_vm_now_us (vm) * vm->cpu_mhz));
  return 1;
}

static gboolean
softwd_cb (gpointer data)
{
  MwSimVm *vm = data;

  /* app/modules/tmr.c rtc_callback(): once a second; below zero the system restarts */
  if (vm->softwd >= 0 && --vm->softwd < 0)
    {
      g_clear_pointer (&vm->softwd_source, g_source_unref);
      vm->restart_pending = TRUE;
      vm->task_done (vm->task_done_data);
      return G_SOURCE_REMOVE;
    }
  return G_SOURCE_CONTINUE;
}

/* tmr.softwd(s): restart unless re-armed or disabled (negative) within s seconds */
static int
l_softwd (lua_State *L)
{
  MwSimVm *vm = mw_sim_vm_get (L);

  vm->softwd = luaL_checkinteger (L, 1);
  if (vm->softwd >= 0 && vm->softwd_source == NULL)
    {
      vm->softwd_source = g_timeout_source_new (1000);
      g_source_set_callback (vm->softwd_source, softwd_cb, vm, NULL);
      g_source_attach (vm->softwd_source, vm->context);
    }
  return 0;
}

static const luaL_Reg timer_methods[] = {
  { "register", t_register },     { "alarm", t_alarm },
  { "start", t_start },           { "stop", t_stop },
  { "unregister", t_unregister }, { "interval", t_interval },
  { "state", t_state },           { NULL, NULL }
};

static const luaL_Reg tmr_funcs[] = { { "create", l_create }, { "now", l_now },
                                      { "time", l_time },     { "delay", l_delay },
                                      { "wdclr", l_wdclr },   { "softwd", l_softwd },
                                      { "ccount", l_ccount }, { NULL, NULL } };

int
mw_sim_open_tmr (lua_State *L)
{
  luaL_newmetatable (L, TMR_MT);
  lua_newtable (L);
  for (const luaL_Reg *r = timer_methods; r->name; r++)
    {
      lua_pushcfunction (L, r->func);
      lua_setfield (L, -2, r->name);
    }
  lua_setfield (L, -2, "__index");
  lua_pushcfunction (L, t_gc);
  lua_setfield (L, -2, "__gc");
  lua_pop (L, 1);

  mw_sim_register (L, "tmr", tmr_funcs);
  lua_pushinteger (L, ALARM_SINGLE);
  lua_setfield (L, -2, "ALARM_SINGLE");
  lua_pushinteger (L, ALARM_AUTO);
  lua_setfield (L, -2, "ALARM_AUTO");
  lua_pushinteger (L, ALARM_SEMI);
  lua_setfield (L, -2, "ALARM_SEMI");
  lua_pop (L, 1);
  return 0;
}
