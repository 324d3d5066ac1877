/* mw-sim-wifi.c: the firmware's `wifi` module (app/modules/wifi.c, wifi_eventmon.c) as a
 * station that is plausibly not connected: every function of the 3.0 default build exists;
 * configuration calls succeed, the station stays idle with no address, scans find nothing
 * and event callbacks are kept but never called (docs/sim.md lists each function). */
#include "mw-sim-private.h"

static int
l_getmode (lua_State *L)
{
  lua_pushinteger (L, mw_sim_vm_get (L)->wifi_mode);
  return 1;
}

static int
l_setmode (lua_State *L)
{
  int mode = luaL_checkinteger (L, 1);

  luaL_argcheck (L, mode >= 0 && mode <= 3, 1, "wrong arg type");
  mw_sim_vm_get (L)->wifi_mode = mode;
  lua_pushinteger (L, mode);
  return 1;
}

static int
l_zero (lua_State *L)
{
  lua_pushinteger (L, 0);
  return 1;
}
static int
l_one (lua_State *L)
{
  lua_pushinteger (L, 1);
  return 1;
}
static int
l_modem_sleep (lua_State *L)
{
  lua_pushinteger (L, 2);
  return 1;
}
static int
l_phymode (lua_State *L)
{
  lua_pushinteger (L, 3); /* PHYMODE_N */
  return 1;
}
static int
l_echo_int (lua_State *L)
{
  lua_pushinteger (L, luaL_checkinteger (L, 1));
  return 1;
}
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
l_empty_table (lua_State *L)
{
  lua_newtable (L);
  return 1;
}

static int
l_getcountry (lua_State *L)
{
  lua_newtable (L);
  lua_pushliteral (L, "CN");
  lua_setfield (L, -2, "country");
  lua_pushinteger (L, 1);
  lua_setfield (L, -2, "start_ch");
  lua_pushinteger (L, 13);
  lua_setfield (L, -2, "end_ch");
  lua_pushinteger (L, 0);
  lua_setfield (L, -2, "policy");
  return 1;
}

static void
push_mac (lua_State *L, guint8 first)
{
  guint32 id = mw_sim_vm_get (L)->chip_id;
  char mac[18];

  g_snprintf (mac, sizeof mac, "%02x:cf:7f:%02x:%02x:%02x", first, (id >> 16) & 0xff,
              (id >> 8) & 0xff, id & 0xff);
  lua_pushstring (L, mac);
}

static int
l_sta_getmac (lua_State *L)
{
  push_mac (L, 0x5c);
  return 1;
}
static int
l_ap_getmac (lua_State *L)
{
  push_mac (L, 0x5e);
  return 1;
}

static int
l_gethostname (lua_State *L)
{
  lua_pushfstring (L, "NODE-%X", mw_sim_vm_get (L)->chip_id);
  return 1;
}

static int
l_getapinfo (lua_State *L)
{
  lua_newtable (L);
  lua_pushinteger (L, 0);
  lua_setfield (L, -2, "qty");
  return 1;
}

static const luaL_Reg wifi_funcs[] = {
  { "setmode", l_setmode },
  { "getmode", l_getmode },
  { "getdefaultmode", l_getmode },
  { "getchannel", l_one },
  { "getcountry", l_getcountry },
  { "setcountry", l_true },
  { "setphymode", l_echo_int },
  { "getphymode", l_phymode },
  { "setmaxtxpower", l_none },
  { "suspend", l_none },
  { "resume", l_none },
  { "nullmodesleep", l_true },
  { "sleeptype", l_modem_sleep },
  { NULL, NULL },
};

static const luaL_Reg sta_funcs[] = {
  { "autoconnect", l_none },
  { "changeap", l_true },
  { "clearconfig", l_true },
  { "config", l_true },
  { "connect", l_none },
  { "disconnect", l_none },
  { "getap", l_none },
  { "getapindex", l_one },
  { "getapinfo", l_getapinfo },
  { "getbroadcast", l_nil },
  { "getconfig", l_nil },
  { "getdefaultconfig", l_nil },
  { "gethostname", l_gethostname },
  { "getip", l_nil },
  { "getmac", l_sta_getmac },
  { "getrssi", l_nil },
  { "setaplimit", l_true },
  { "sethostname", l_true },
  { "setip", l_true },
  { "setmac", l_true },
  { "sleeptype", l_modem_sleep },
  { "status", l_zero },
  { NULL, NULL },
};

static const luaL_Reg ap_funcs[] = {
  { "config", l_true },
  { "deauth", l_none },
  { "getip", l_nil },
  { "setip", l_true },
  { "getbroadcast", l_nil },
  { "getmac", l_ap_getmac },
  { "setmac", l_true },
  { "getclient", l_empty_table },
  { "getconfig", l_nil },
  { "getdefaultconfig", l_nil },
  { NULL, NULL },
};

static const luaL_Reg dhcp_funcs[] = {
  { "config", l_true },
  { "start", l_true },
  { "stop", l_true },
  { NULL, NULL },
};

static const luaL_Reg eventmon_funcs[] = {
  { "register", l_none },
  { "unregister", l_none },
  { NULL, NULL },
};

typedef struct
{
  const char *name;
  int value;
} Constant;

static void
set_constants (lua_State *L, const Constant *c, gsize n)
{
  for (gsize i = 0; i < n; i++)
    {
      lua_pushinteger (L, c[i].value);
      lua_setfield (L, -2, c[i].name);
    }
}

static void
new_table (lua_State *L, const luaL_Reg *funcs)
{
  lua_newtable (L);
  for (const luaL_Reg *r = funcs; r->name; r++)
    {
      lua_pushcfunction (L, r->func);
      lua_setfield (L, -2, r->name);
    }
}

int
mw_sim_open_wifi (lua_State *L)
{
  /* app/modules/wifi.c and the SDK's user_interface.h (the ROTable has no WEP: AUTH_WEP's
   * entry is commented out) */
  static const Constant constants[] = {
    { "NULLMODE", 0 },     { "STATION", 1 },        { "SOFTAP", 2 },    { "STATIONAP", 3 },
    { "PHYMODE_B", 1 },    { "PHYMODE_G", 2 },      { "PHYMODE_N", 3 }, { "NONE_SLEEP", 0 },
    { "LIGHT_SLEEP", 1 },  { "MODEM_SLEEP", 2 },    { "OPEN", 0 },      { "WPA_PSK", 2 },
    { "WPA2_PSK", 3 },     { "WPA_WPA2_PSK", 4 },   { "STA_IDLE", 0 },  { "STA_CONNECTING", 1 },
    { "STA_WRONGPWD", 2 }, { "STA_APNOTFOUND", 3 }, { "STA_FAIL", 4 },  { "STA_GOTIP", 5 },
    { "COUNTRY_AUTO", 0 }, { "COUNTRY_MANUAL", 1 },
  };
  /* app/modules/wifi_eventmon.c: the SDK's event numbers */
  static const Constant events[] = {
    { "STA_CONNECTED", 0 },      { "STA_DISCONNECTED", 1 },  { "STA_AUTHMODE_CHANGE", 2 },
    { "STA_GOT_IP", 3 },         { "STA_DHCP_TIMEOUT", 4 },  { "AP_STACONNECTED", 5 },
    { "AP_STADISCONNECTED", 6 }, { "AP_PROBEREQRECVED", 7 }, { "WIFI_MODE_CHANGED", 8 },
    { "EVENT_MAX", 9 },
  };
  /* the SDK's disconnect reasons: 802.11 codes, and Espressif's from 200 */
  static const Constant reasons[] = {
    { "UNSPECIFIED", 1 },
    { "AUTH_EXPIRE", 2 },
    { "AUTH_LEAVE", 3 },
    { "ASSOC_EXPIRE", 4 },
    { "ASSOC_TOOMANY", 5 },
    { "NOT_AUTHED", 6 },
    { "NOT_ASSOCED", 7 },
    { "ASSOC_LEAVE", 8 },
    { "ASSOC_NOT_AUTHED", 9 },
    { "DISASSOC_PWRCAP_BAD", 10 },
    { "DISASSOC_SUPCHAN_BAD", 11 },
    { "IE_INVALID", 13 },
    { "MIC_FAILURE", 14 },
    { "4WAY_HANDSHAKE_TIMEOUT", 15 },
    { "GROUP_KEY_UPDATE_TIMEOUT", 16 },
    { "IE_IN_4WAY_DIFFERS", 17 },
    { "GROUP_CIPHER_INVALID", 18 },
    { "PAIRWISE_CIPHER_INVALID", 19 },
    { "AKMP_INVALID", 20 },
    { "UNSUPP_RSN_IE_VERSION", 21 },
    { "INVALID_RSN_IE_CAP", 22 },
    { "802_1X_AUTH_FAILED", 23 },
    { "CIPHER_SUITE_REJECTED", 24 },
    { "BEACON_TIMEOUT", 200 },
    { "NO_AP_FOUND", 201 },
    { "AUTH_FAIL", 202 },
    { "ASSOC_FAIL", 203 },
    { "HANDSHAKE_TIMEOUT", 204 },
  };

  mw_sim_vm_get (L)->wifi_mode = 1;
  mw_sim_register (L, "wifi", wifi_funcs);
  set_constants (L, constants, G_N_ELEMENTS (constants));
  new_table (L, sta_funcs);
  lua_setfield (L, -2, "sta");
  new_table (L, ap_funcs);
  new_table (L, dhcp_funcs);
  lua_setfield (L, -2, "dhcp");
  lua_setfield (L, -2, "ap");
  new_table (L, eventmon_funcs);
  set_constants (L, events, G_N_ELEMENTS (events));
  lua_newtable (L);
  set_constants (L, reasons, G_N_ELEMENTS (reasons));
  lua_setfield (L, -2, "reason");
  lua_setfield (L, -2, "eventmon");
  lua_pop (L, 1);
  return 0;
}
