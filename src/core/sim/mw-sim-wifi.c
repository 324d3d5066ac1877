/* mw-sim-wifi.c: the firmware's `wifi` module as a station that is plausibly not connected:
 * configuration calls succeed, the station stays idle and has no address. */
#include "mw-sim-private.h"

static int
l_getmode (lua_State *L)
{
  lua_getglobal (L, "wifi");
  lua_getfield (L, -1, "__mode");
  return 1;
}

static int
l_setmode (lua_State *L)
{
  int mode = luaL_checkinteger (L, 1);

  luaL_argcheck (L, mode >= 0 && mode <= 3, 1, "wrong arg type");
  lua_getglobal (L, "wifi");
  lua_pushinteger (L, mode);
  lua_setfield (L, -2, "__mode");
  lua_pushinteger (L, mode);
  return 1;
}

static int
l_status (lua_State *L)
{
  lua_pushinteger (L, 0);
  return 1;
} /* STA_IDLE */
static int
l_nil (lua_State *L)
{
  lua_pushnil (L);
  return 1;
}
static int
l_true (lua_State *L)
{
  lua_pushboolean (L, TRUE);
  return 1;
}
static int
l_none (lua_State *L)
{
  return 0;
}

static int
l_getmac (lua_State *L)
{
  guint32 id = mw_sim_vm_get (L)->chip_id;

  {
    char mac[18];
    g_snprintf (mac, sizeof mac, "5c:cf:7f:%02x:%02x:%02x", (id >> 16) & 0xff, (id >> 8) & 0xff,
                id & 0xff);
    lua_pushstring (L, mac);
  }
  return 1;
}

static const luaL_Reg wifi_funcs[] = { { "getmode", l_getmode },
                                       { "setmode", l_setmode },
                                       { NULL, NULL } };

static const luaL_Reg sta_funcs[] = { { "status", l_status },    { "getip", l_nil },
                                      { "config", l_true },      { "connect", l_none },
                                      { "disconnect", l_none },  { "getmac", l_getmac },
                                      { "autoconnect", l_none }, { NULL, NULL } };

int
mw_sim_open_wifi (lua_State *L)
{
  static const struct
  {
    const char *name;
    int value;
  } constants[] = {
    { "NULLMODE", 0 }, { "STATION", 1 },        { "SOFTAP", 2 },       { "STATIONAP", 3 },
    { "STA_IDLE", 0 }, { "STA_CONNECTING", 1 }, { "STA_WRONGPWD", 2 }, { "STA_APNOTFOUND", 3 },
    { "STA_FAIL", 4 }, { "STA_GOTIP", 5 },      { "__mode", 1 },
  };

  mw_sim_register (L, "wifi", wifi_funcs);
  for (guint i = 0; i < G_N_ELEMENTS (constants); i++)
    {
      lua_pushinteger (L, constants[i].value);
      lua_setfield (L, -2, constants[i].name);
    }
  lua_newtable (L);
  for (const luaL_Reg *r = sta_funcs; r->name; r++)
    {
      lua_pushcfunction (L, r->func);
      lua_setfield (L, -2, r->name);
    }
  lua_setfield (L, -2, "sta");
  lua_pop (L, 1);
  return 0;
}
