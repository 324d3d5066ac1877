/* mw-sim-gpio.c: the firmware's `gpio` module: levels are kept per pin and, with --verbose,
 * logged when they change. */
#include "mw-sim-private.h"

static int
check_pin (lua_State *L)
{
  int pin = luaL_checkinteger (L, 1);

  luaL_argcheck (L, pin >= 0 && pin < MW_SIM_GPIO_PINS, 1, "wrong pin num.");
  return pin;
}

static int
l_mode (lua_State *L)
{
  int pin = check_pin (L);
  int mode = luaL_checkinteger (L, 2);

  luaL_argcheck (L, mode >= 0 && mode <= 3, 2, "wrong arg type");
  mw_sim_vm_get (L)->gpio_mode[pin] = mode;
  return 0;
}

static int
l_read (lua_State *L)
{
  lua_pushinteger (L, mw_sim_vm_get (L)->gpio_level[check_pin (L)]);
  return 1;
}

static int
l_write (lua_State *L)
{
  MwSimVm *vm = mw_sim_vm_get (L);
  int pin = check_pin (L);
  int level = luaL_checkinteger (L, 2);

  luaL_argcheck (L, level == 0 || level == 1, 2, "wrong level type");
  if (vm->verbose && vm->gpio_level[pin] != level)
    g_message ("moonwire-sim: gpio %d: %d -> %d", pin, vm->gpio_level[pin], level);
  vm->gpio_level[pin] = level;
  return 0;
}

static int
l_trig (lua_State *L)
{
  check_pin (L);
  return 0;
}

/* gpio.serout(pin, start_level, delays[, repeats[, callback]]) (app/modules/gpio.c): the
 * pulses take no simulated time; the pin ends at the level the sequence leaves it at and the
 * callback, if any, runs as a task */
static int
l_serout (lua_State *L)
{
  MwSimVm *vm = mw_sim_vm_get (L);
  int pin = check_pin (L);
  int level = luaL_checkinteger (L, 2);
  int repeats = MAX (luaL_optint (L, 4, 1), 1);
  size_t n = lua_istable (L, 3) ? lua_objlen (L, 3) : 0;

  luaL_argcheck (L, level == 0 || level == 1, 2, "Wrong level type");
  luaL_argcheck (L, lua_istable (L, 3) && n < 4096, 3, "Invalid delay_times");
  /* the pin starts at `level` and toggles after each delay */
  vm->gpio_level[pin] = (guint8) (level ^ ((n * (size_t) repeats) & 1));
  if (lua_isfunction (L, 5))
    {
      lua_pushvalue (L, 5);
      mw_sim_vm_post (vm, 1, pin);
    }
  return 0;
}

static const luaL_Reg gpio_funcs[] = { { "mode", l_mode }, { "serout", l_serout },
                                       { "read", l_read }, { "write", l_write },
                                       { "trig", l_trig }, { NULL, NULL } };

int
mw_sim_open_gpio (lua_State *L)
{
  static const struct
  {
    const char *name;
    int value;
  } constants[] = {
    { "INPUT", 0 }, { "OUTPUT", 1 }, { "INT", 2 },   { "OPENDRAIN", 3 },
    { "LOW", 0 },   { "HIGH", 1 },   { "FLOAT", 0 }, { "PULLUP", 1 },
  };

  mw_sim_register (L, "gpio", gpio_funcs);
  for (guint i = 0; i < G_N_ELEMENTS (constants); i++)
    {
      lua_pushinteger (L, constants[i].value);
      lua_setfield (L, -2, constants[i].name);
    }
  lua_pop (L, 1);
  return 0;
}
