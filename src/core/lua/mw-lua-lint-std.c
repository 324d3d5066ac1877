/* mw-lua-lint-std.c: the globals a chunk may use without setting them.
 *
 * Lua 5.1's standard library, luacheck's "min" set (what every Lua 5.1 build has), and the
 * NodeMCU 3.0 firmware's C modules as its documentation lists them (nodemcu.readthedocs.io,
 * release branch). The firmware has no `io` and no `os` library. Field lists are given for
 * the modules whose API every program uses; other modules accept any field. The same tables
 * are the editor's API completion and hover docs (mw-lua-api.h).
 */
#include "mw-lua-lint-private.h"
#include "mw-lua-api.h"

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

/* The fields of the modules every program uses, with what the editor shows for each: the
 * parameters as the firmware's documentation writes them and a one-line summary in our words.
 * Names follow each module's ROTable in the firmware (app/modules/tmr.c, gpio.c, bit.c, file.c,
 * net.c, node.c); the completion and hover docs of the editor read this same table
 * (mw-lua-api.h). `params` is NULL for constants and tables. */
static const MwLuaApiField fields_tmr[] = {
  { "ALARM_AUTO", NULL, "Timer mode: the alarm repeats until stopped." },
  { "ALARM_SEMI", NULL, "Timer mode: the alarm fires once and can be restarted with start()." },
  { "ALARM_SINGLE", NULL, "Timer mode: the alarm fires once, then the timer is unregistered." },
  { "ccount", "()", "The CPU's cycle counter (32 bits, rolls over)." },
  { "create", "()", "A new timer object (register, alarm, start, stop, unregister)." },
  { "delay", "(us)", "Busy-waits for `us` microseconds: avoid, it blocks everything else." },
  { "now", "()", "The system counter in microseconds (31 bits, wraps around)." },
  { "resume_all", "()", "Resumes every suspended timer." },
  { "softwd", "(timeout_s)",
    "Arms (or with -1 disarms) a software watchdog that restarts the chip." },
  { "suspend_all", "()", "Suspends every running timer." },
  { "time", "()", "The uptime in seconds (31 bits, wraps around)." },
  { "wdclr", "()", "Feeds the system watchdog during a long task." },
};
static const MwLuaApiField fields_gpio[] = {
  { "FLOAT", NULL, "Pull-up setting: no internal pull-up." },
  { "HIGH", NULL, "Pin level high (1)." },
  { "INPUT", NULL, "Pin mode: digital input." },
  { "INT", NULL, "Pin mode: input with an interrupt (gpio.trig)." },
  { "LOW", NULL, "Pin level low (0)." },
  { "OPENDRAIN", NULL, "Pin mode: open-drain output." },
  { "OUTPUT", NULL, "Pin mode: push-pull output." },
  { "PULLUP", NULL, "Pull-up setting: the internal weak pull-up on." },
  { "mode", "(pin, mode [, pullup])",
    "Sets a pin's direction (INPUT, OUTPUT, OPENDRAIN, INT) and pull-up." },
  { "pulse", NULL, "Pulse trains with accurate timing (gpio.pulse.build)." },
  { "read", "(pin)", "The pin's level, 0 or 1." },
  { "serout", "(pin, start_level, delay_times [, cycle_num [, callback]])",
    "Toggles a pin after each delay of a list of microsecond delays." },
  { "trig", "(pin [, type [, callback]])",
    "Sets or clears the callback run on a pin's interrupt (up, down, both, low, high)." },
  { "write", "(pin, level)", "Sets an output pin to gpio.HIGH or gpio.LOW." },
};
static const MwLuaApiField fields_bit[] = {
  { "arshift", "(value, shift)", "Arithmetic right shift (value >> shift, sign kept)." },
  { "band", "(val1, val2 [, ... valn])", "Bitwise AND of its arguments." },
  { "bit", "(position)", "A number with only bit `position` set (1 << position)." },
  { "bnot", "(value)", "Bitwise NOT." },
  { "bor", "(val1, val2 [, ... valn])", "Bitwise OR of its arguments." },
  { "bxor", "(val1, val2 [, ... valn])", "Bitwise XOR of its arguments." },
  { "clear", "(value, pos1 [, ... posn])", "`value` with the given bits cleared." },
  { "isclear", "(value, position)", "Whether bit `position` of `value` is 0." },
  { "isset", "(value, position)", "Whether bit `position` of `value` is 1." },
  { "lshift", "(value, shift)", "Left shift (value << shift)." },
  { "rshift", "(value, shift)", "Logical right shift ((unsigned) value >> shift)." },
  { "set", "(value, pos1 [, ... posn])", "`value` with the given bits set." },
};
static const MwLuaApiField fields_file[] = {
  { "chdir", "(dir)", "Changes the current drive and directory (\"/FLASH\", \"/SD0\")." },
  { "close", "()", "Closes the open file of the basic model." },
  { "exists", "(filename)", "Whether the file exists." },
  { "flush", "()", "Writes pending data of the open file to flash." },
  { "format", "()", "Erases the whole file system and makes a new one (takes seconds)." },
  { "fscfg", "()", "The flash address and size of the file system area, in bytes." },
  { "fsinfo", "()", "Remaining, used and total bytes of the file system." },
  { "getcontents", "(filename)", "The whole contents of a file, or nil." },
  { "list", "([pattern])", "A table of file names to sizes, optionally matching a Lua pattern." },
  { "mount", "(ldrv [, pin])", "Mounts a FAT volume on an SD card." },
  { "on", "(event [, function()])",
    "Registers a callback (\"rtc\": the time stamp of new files)." },
  { "open", "(filename, mode)",
    "Opens a file (\"r\", \"w\", \"a\", \"r+\", \"w+\", \"a+\"): a file object, or nil." },
  { "putcontents", "(filename, contents)", "Writes a whole file at once; true on success." },
  { "read", "([n_or_char])",
    "Reads up to n bytes, or up to a given end character, from the open file." },
  { "readline", "()", "The next line of the open file, '\\n' included, or nil at the end." },
  { "remove", "(filename)", "Deletes a file, which must not be open." },
  { "rename", "(oldname, newname)", "Renames a file (closing it if it is open)." },
  { "seek", "([whence [, offset]])",
    "Sets or gets the position in the open file (\"set\", \"cur\", \"end\")." },
  { "stat", "(filename)", "A table with a file's size, name, time and attributes." },
  { "write", "(string)", "Writes a string to the open file." },
  { "writeline", "(string)", "Writes a string and '\\n' to the open file." },
};
static const MwLuaApiField fields_net[] = {
  { "TCP", NULL, "Socket type constant: TCP." },
  { "UDP", NULL, "Socket type constant: UDP." },
  { "cert", NULL, "TLS certificate verification (tls module)." },
  { "createConnection", "()", "A new TCP client socket (connect, send, on)." },
  { "createServer", "(timeout)",
    "A TCP server; idle clients are dropped after `timeout` seconds." },
  { "createUDPSocket", "()", "A new UDP socket (listen, send, on)." },
  { "dns", NULL, "DNS helpers: resolve, getdnsserver, setdnsserver." },
  { "ifinfo", "(if_index)", "Addresses of a network interface (0: station, 1: access point)." },
  { "multicastJoin", "(if_ip, multicast_ip)", "Joins a multicast group." },
  { "multicastLeave", "(if_ip, multicast_ip)", "Leaves a multicast group." },
};
static const MwLuaApiField fields_node[] = {
  { "CPU160MHZ", NULL, "CPU frequency constant for node.setcpufreq: 160 MHz." },
  { "CPU80MHZ", NULL, "CPU frequency constant for node.setcpufreq: 80 MHz." },
  { "LFS", NULL, "The Lua Flash Store: node.LFS.get, list, reload." },
  { "bootreason", "()", "The raw and extended reason of the last reset." },
  { "chipid", "()", "The ESP chip's id." },
  { "compile", "(\"file.lua\")", "Compiles a file on the board into file.lc." },
  { "dsleep", "(us, option, instant)",
    "Deep sleep for `us` microseconds (GPIO16 must be wired to RST)." },
  { "dsleepMax", "()", "The longest deep sleep possible now, in microseconds." },
  { "dsleepsetoption", "(option)",
    "Sets what the radio does at the next wake-up from deep sleep." },
  { "egc", NULL, "The emergency garbage collector: setmode, meminfo." },
  { "flashid", "()", "The flash chip's id." },
  { "flashindex", "(modulename)", "Deprecated: node.LFS.get." },
  { "flashreload", "(imageName)", "Deprecated: node.LFS.reload." },
  { "flashsize", "()", "The flash chip's size in bytes." },
  { "getcpufreq", "()", "The CPU frequency in MHz." },
  { "getpartitiontable", "()", "The LFS and SPIFFS partition addresses and sizes." },
  { "heap", "()", "The free heap in bytes (fragmentation may prevent allocating it all)." },
  { "info", "([group])",
    "Hardware, version or build facts (\"hw\", \"sw_version\", \"build_config\", \"lfs\")." },
  { "input", "(str)", "Feeds a string to the Lua interpreter as if typed." },
  { "key", "(type, function())", "Callback for the button of old development boards." },
  { "led", "(low, high)", "Sets the on and off times of the LED of old development boards." },
  { "osprint", "(enabled)", "Whether the SDK's debug output is printed." },
  { "output", "(function(pipe), serial_debug)",
    "Redirects the interpreter's output to a function (nil: back to serial)." },
  { "random", "([m [, n]])", "A hardware random number, like math.random." },
  { "readrcr", "(address)", "Reads a block of the RTC's user memory (development builds)." },
  { "readvdd33", "()", "Moved to adc.readvdd33." },
  { "restart", "()", "Restarts the chip." },
  { "restore", "()", "Restores the SDK's system settings to their defaults." },
  { "setcpufreq", "(speed)", "Sets the CPU frequency (node.CPU80MHZ or node.CPU160MHZ)." },
  { "setonerror", "(function)", "Runs a function instead of restarting on an unhandled error." },
  { "setpartitiontable", "(partition_info)", "Changes the LFS and SPIFFS partitions (restarts)." },
  { "sleep", "({wake_pin [, int_type, resume_cb, preserve_mode]})",
    "Light sleep until a pin wakes the chip." },
  { "startup", "([{table}])", "Gets or sets the startup options (banner, frequency, command)." },
  { "startupcommand", "(string)", "Deprecated: node.startup({command = ...})." },
  { "stripdebug", "([level [, function]])",
    "How much debug information node.compile keeps (1-3)." },
  { "task", NULL, "Task posting: node.task.post." },
  { "uptime", "()", "Microseconds since boot (64 bits)." },
  { "writercr", "(address, data)",
    "Writes a block of the RTC's user memory (development builds)." },
};

typedef struct
{
  const char *module;
  const MwLuaApiField *fields;
  gsize n_fields;
} ModuleFields;

#define MODULE(name) \
  { \
#name, fields_##name, G_N_ELEMENTS(fields_##name) \
  }
static const ModuleFields module_fields[] = {
  MODULE (bit), MODULE (file), MODULE (gpio), MODULE (net), MODULE (node), MODULE (tmr),
};
#undef MODULE

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

static const ModuleFields *
find_module (const char *module)
{
  for (gsize i = 0; i < G_N_ELEMENTS (module_fields); i++)
    if (strcmp (module_fields[i].module, module) == 0)
      return &module_fields[i];
  return NULL;
}

gboolean
mw_lua_lint_std_has_field (guint std_sets, const char *module, const char *field)
{
  const ModuleFields *known;

  if (!(std_sets & MW_LUA_LINT_SET_NODEMCU))
    return TRUE;
  known = find_module (module);
  if (known == NULL)
    return TRUE;
  return mw_lua_api_lookup (module, field) != NULL;
}

const char *const *
mw_lua_api_modules (void)
{
  return std_nodemcu_modules;
}

const MwLuaApiField *
mw_lua_api_fields (const char *module, gsize *n_fields)
{
  const ModuleFields *known;

  g_return_val_if_fail (module != NULL, NULL);
  g_return_val_if_fail (n_fields != NULL, NULL);
  known = find_module (module);
  *n_fields = known != NULL ? known->n_fields : 0;
  return known != NULL ? known->fields : NULL;
}

const MwLuaApiField *
mw_lua_api_lookup (const char *module, const char *field)
{
  const ModuleFields *known;

  g_return_val_if_fail (module != NULL && field != NULL, NULL);
  known = find_module (module);
  for (gsize i = 0; known != NULL && i < known->n_fields; i++)
    if (strcmp (known->fields[i].name, field) == 0)
      return &known->fields[i];
  return NULL;
}
