/* mw-sim-uart-module.c: the firmware's `uart` module: setup (the new speed applies at once),
 * on("data") in raw and REPL modes, write (raw bytes), getconfig (docs/firmware.md section 1). */
#include "mw-sim-private.h"

static int
l_setup (lua_State *L)
{
  MwSimVm *vm = mw_sim_vm_get (L);
  int id = luaL_checkinteger (L, 1);
  lua_Integer baud = luaL_checkinteger (L, 2);

  luaL_argcheck (L, id == 0 || id == 1, 1, "invalid uart id");
  luaL_argcheck (L, baud > 0 && baud <= 4000000, 2, "invalid baud rate");
  luaL_checkinteger (L, 3);
  luaL_checkinteger (L, 4);
  luaL_checkinteger (L, 5);
  if (id == 0)
    {
      /* what is queued already left the board at the old speed */
      if (!vm->baud_changed)
        vm->tx_old_baud = vm->baud;
      vm->tx_switch_pos = vm->tx->len;
      vm->baud = baud;
      vm->baud_changed = TRUE;
      if (!lua_isnoneornil (L, 6))
        vm->repl.echo = luaL_checkinteger (L, 6) != 0;
    }
  lua_pushinteger (L, baud);
  return 1;
}

static int
l_on (lua_State *L)
{
  MwSimVm *vm = mw_sim_vm_get (L);
  const char *event = luaL_checkstring (L, 1);
  int cb_idx;

  luaL_argcheck (L, g_str_equal (event, "data"), 1, "method not supported");
  if (vm->uart_cb != LUA_NOREF)
    luaL_unref (L, LUA_REGISTRYINDEX, vm->uart_cb);
  vm->uart_cb = LUA_NOREF;
  g_string_truncate (vm->uart_buf, 0);

  /* uart.on("data") or uart.on("data", n) without a function: the REPL takes over again */
  cb_idx = lua_isfunction (L, 2) ? 2 : lua_isfunction (L, 3) ? 3 : 0;
  if (cb_idx == 0)
    {
      /* leaving raw mode from inside its own callback: app/driver/input.c goes on calling
       * the (now NULL) callback for the bytes still queued; mw-sim.c makes that the crash */
      if (vm->in_uart_cb)
        vm->uart_left_raw = TRUE;
      return 0;
    }
  /* app/modules/uart.c l_uart_on: with neither a size nor a terminator, the terminator is
   * NUL (end_char 0, data_len -1) */
  vm->uart_end = 0;
  vm->uart_n = 0;
  if (cb_idx == 3)
    {
      if (lua_type (L, 2) == LUA_TNUMBER)
        {
          lua_Integer n = lua_tointeger (L, 2);
          luaL_argcheck (L, n >= 0 && n <= 255, 2, "wrong arg range");
          vm->uart_n = n;
          vm->uart_end = -1;
        }
      else
        {
          size_t len;
          const char *end = luaL_checklstring (L, 2, &len);
          luaL_argcheck (L, len == 1, 2, "wrong arg range");
          vm->uart_end = (guint8) end[0];
        }
    }
  vm->uart_run_input = !(lua_isnumber (L, cb_idx + 1) && lua_tointeger (L, cb_idx + 1) == 0);
  lua_pushvalue (L, cb_idx);
  vm->uart_cb = luaL_ref (L, LUA_REGISTRYINDEX);
  return 0;
}

static int
l_write (lua_State *L)
{
  MwSimVm *vm = mw_sim_vm_get (L);
  int n = lua_gettop (L);

  luaL_checkinteger (L, 1);
  for (int i = 2; i <= n; i++)
    {
      if (lua_type (L, i) == LUA_TNUMBER)
        {
          lua_Integer b = lua_tointeger (L, i);
          char c;
          luaL_argcheck (L, b >= 0 && b <= 255, i, "wrong arg range");
          c = (char) b;
          mw_sim_vm_write (vm, &c, 1);
        }
      else
        {
          size_t len;
          const char *s = luaL_checklstring (L, i, &len);
          mw_sim_vm_write (vm, s, len);
        }
    }
  return 0;
}

static int
l_getconfig (lua_State *L)
{
  lua_pushinteger (L, mw_sim_vm_get (L)->baud);
  lua_pushinteger (L, 8);
  lua_pushinteger (L, 0);
  lua_pushinteger (L, 1);
  return 4;
}

/* uart.alt(0|1): swaps UART0 to the alternate pins (GPIO13/15); the simulated line stays
 * where it is */
static int
l_alt (lua_State *L)
{
  luaL_checkinteger (L, 1);
  return 0;
}

/* uart.fifodepth([id[, dir]]): bytes waiting in the hardware FIFO (app/modules/uart.c); the
 * simulator moves bytes to the ring at once, so the FIFO is always empty */
static int
l_fifodepth (lua_State *L)
{
  int id = luaL_optinteger (L, 1, 0);
  int dir = luaL_optinteger (L, 2, 0);

  if (id != 0 && id != 1)
    return luaL_argerror (L, 1, "Bad UART id; must be 0 or 1");
  if (dir != 0 && dir != 1)
    return luaL_argerror (L, 2, "Bad direction; must be DIR_RX or DIR_TX");
  lua_pushinteger (L, 0);
  return 1;
}

static const luaL_Reg uart_funcs[] = {
  { "setup", l_setup }, { "alt", l_alt },     { "fifodepth", l_fifodepth },
  { "on", l_on },       { "write", l_write }, { "getconfig", l_getconfig },
  { NULL, NULL }
};

int
mw_sim_open_uart (lua_State *L)
{
  static const struct
  {
    const char *name;
    int value;
  } constants[] = {
    { "STOPBITS_1", 1 },  { "STOPBITS_1_5", 2 }, { "STOPBITS_2", 3 }, { "PARITY_NONE", 0 },
    { "PARITY_EVEN", 1 }, { "PARITY_ODD", 2 },   { "DIR_RX", 0 },     { "DIR_TX", 1 },
  };

  mw_sim_register (L, "uart", uart_funcs);
  for (guint i = 0; i < G_N_ELEMENTS (constants); i++)
    {
      lua_pushinteger (L, constants[i].value);
      lua_setfield (L, -2, constants[i].name);
    }
  lua_pop (L, 1);
  return 0;
}
