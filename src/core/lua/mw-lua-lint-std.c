/* mw-lua-lint-std.c: the globals a chunk may use without setting them.
 *
 * Lua 5.1's standard library, luacheck's "min" set (what every Lua 5.1 build has), and the
 * NodeMCU 3.0 firmware's C modules as its documentation lists them (nodemcu.readthedocs.io,
 * release branch). The firmware has no `io` and no `os` library. Field lists are given for
 * the modules whose API every program uses; other modules accept any field.
 */
#include "mw-lua-lint-private.h"

#include <string.h>

/* luacheck's "min": in every Lua 5.1 implementation */
static const char *const std_min[] = {
  "_G",           "_VERSION",     "assert",   "collectgarbage", "dofile", "error",
  "getmetatable", "ipairs",       "load",     "loadfile",       "next",   "pairs",
  "pcall",        "print",        "rawequal", "rawget",         "rawset", "require",
  "select",       "setmetatable", "tonumber", "tostring",       "type",   "xpcall",
  "coroutine",    "math",         "package",  "string",         "table",  NULL
};

/* the rest of Lua 5.1's base library and libraries, LUA_COMPAT_* included, and the
 * standalone interpreter's `arg` (luacheck's lua51 has it; the firmware has no `arg`) */
static const char *const std_lua51_extra[] = { "gcinfo",   "getfenv", "loadstring", "module",
                                               "newproxy", "setfenv", "unpack",     "debug",
                                               "io",       "os",      "arg",        NULL };

/* NodeMCU 3.0 C modules (docs: "C Modules") */
static const char *const std_nodemcu_modules[] = {
  "adc",       "ads1115",     "adxl345", "am2320",   "apa102",  "bit",           "bloom",
  "bme280",    "bme280_math", "bme680",  "bmp085",   "cjson",   "coap",          "color_utils",
  "cron",      "crypto",      "dcc",     "dht",      "encoder", "enduser_setup", "file",
  "gdbstub",   "gpio",        "hdc1080", "hmc5883l", "http",    "hx711",         "i2c",
  "l3g4200d",  "mcp4725",     "mdns",    "mqtt",     "net",     "node",          "ow",
  "pcm",       "perf",        "pipe",    "pixbuf",   "pwm",     "pwm2",          "rfswitch",
  "rotary",    "rtcfifo",     "rtcmem",  "rtctime",  "si7021",  "sigma_delta",   "sjson",
  "sntp",      "softuart",    "somfy",   "spi",      "struct",  "switec",        "tcs34725",
  "tls",       "tm1829",      "tmr",     "tsl2561",  "u8g2",    "uart",          "ucg",
  "websocket", "wiegand",     "wifi",    "wps",      "ws2801",  "ws2812",        "ws2812_effects",
  "xpt2046",   NULL
};

/* the firmware's Lua 5.1 keeps these from the standard library (no io, no os) */
static const char *const std_nodemcu_lua[] = { "gcinfo", "getfenv",  "loadstring",
                                               "module", "newproxy", "setfenv",
                                               "unpack", "debug",    NULL };

typedef struct
{
  const char *module;
  const char *const *fields;
} ModuleFields;

static const char *const fields_tmr[] = { "ALARM_AUTO", "ALARM_SEMI",  "ALARM_SINGLE", "ccount",
                                          "create",     "delay",       "now",          "resume_all",
                                          "softwd",     "suspend_all", "time",         "wdclr",
                                          NULL };
static const char *const fields_gpio[] = { "FLOAT",     "HIGH",   "INPUT",  "INT",   "LOW",
                                           "OPENDRAIN", "OUTPUT", "PULLUP", "mode",  "pulse",
                                           "read",      "serout", "trig",   "write", NULL };
static const char *const fields_bit[] = { "arshift", "band",   "bclear", "bit",     "bnot",
                                          "bor",     "bset",   "bxor",   "isclear", "isset",
                                          "lshift",  "rshift", NULL };
static const char *const fields_file[] = {
  "chdir",  "close", "exists", "flush", "format",      "fscfg", "fsinfo",   "getcontents",
  "list",   "mount", "on",     "open",  "putcontents", "read",  "readline", "remove",
  "rename", "seek",  "stat",   "write", "writeline",   NULL
};
static const char *const fields_net[] = { "TCP",
                                          "UDP",
                                          "cert",
                                          "createConnection",
                                          "createServer",
                                          "createUDPSocket",
                                          "dns",
                                          "ifinfo",
                                          "multicastJoin",
                                          "multicastLeave",
                                          NULL };
static const char *const fields_node[] = { "CPU160MHZ",
                                           "CPU80MHZ",
                                           "LFS",
                                           "bootreason",
                                           "chipid",
                                           "compile",
                                           "dsleep",
                                           "dsleepMax",
                                           "dsleepsetoption",
                                           "egc",
                                           "flashid",
                                           "flashindex",
                                           "flashreload",
                                           "flashsize",
                                           "getcpufreq",
                                           "getpartitiontable",
                                           "heap",
                                           "info",
                                           "input",
                                           "key",
                                           "led",
                                           "osprint",
                                           "output",
                                           "random",
                                           "readrcr",
                                           "readvdd33",
                                           "restart",
                                           "restore",
                                           "setcpufreq",
                                           "setonerror",
                                           "setpartitiontable",
                                           "sleep",
                                           "startup",
                                           "startupcommand",
                                           "stripdebug",
                                           "task",
                                           "uptime",
                                           "writercr",
                                           NULL };

static const ModuleFields module_fields[] = {
  { "bit", fields_bit }, { "file", fields_file }, { "gpio", fields_gpio },
  { "net", fields_net }, { "node", fields_node }, { "tmr", fields_tmr },
};

static gboolean
in_list (const char *const *list, const char *name)
{
  for (; *list; list++)
    if (strcmp (*list, name) == 0)
      return TRUE;
  return FALSE;
}

gboolean
mw_lua_lint_std_is_module (guint std_sets, const char *name)
{
  return (std_sets & MW_LUA_LINT_SET_NODEMCU) && in_list (std_nodemcu_modules, name);
}

gboolean
mw_lua_lint_std_has (guint std_sets, const char *name)
{
  if (in_list (std_min, name))
    return TRUE;
  if ((std_sets & MW_LUA_LINT_SET_LUA51) && in_list (std_lua51_extra, name))
    return TRUE;
  return (std_sets & MW_LUA_LINT_SET_NODEMCU)
         && (in_list (std_nodemcu_lua, name) || in_list (std_nodemcu_modules, name));
}

gboolean
mw_lua_lint_std_has_field (guint std_sets, const char *module, const char *field)
{
  if (!(std_sets & MW_LUA_LINT_SET_NODEMCU))
    return TRUE;
  for (gsize i = 0; i < G_N_ELEMENTS (module_fields); i++)
    if (strcmp (module_fields[i].module, module) == 0)
      return in_list (module_fields[i].fields, field);
  return TRUE;
}
