/* mw-lua-lint-std.c: the globals a chunk may use without setting them.
 *
 * Lua 5.1's standard library, luacheck's "min" set (what every Lua 5.1 build has), and the
 * NodeMCU 3.0 firmware's C modules as its documentation lists them (nodemcu.readthedocs.io,
 * release branch). The firmware has no `io` and no `os` library. Field lists are given for
 * the modules a typical program uses and their sub-tables (docs/firmware.md section 12 says
 * where each name comes from); other modules accept any field. The same tables are the
 * editor's API completion and hover docs (mw-lua-api.h).
 */
#include "mw-lua-lint-private.h"
#include "mw-lua-api.h"

#include <stdlib.h>
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

/* NodeMCU 3.0 C modules: the Lua names of the NODEMCU_MODULE lines in app/modules (gpio_pulse.c
 * registers "gpiopulse", which gpio.c also offers as gpio.pulse) */
static const char *const std_nodemcu_modules[] = {
  "adc",      "ads1115",  "adxl345",     "am2320",        "apa102",
  "bit",      "bloom",    "bme280",      "bme280_math",   "bme680",
  "bmp085",   "coap",     "color_utils", "cron",          "crypto",
  "dcc",      "dht",      "encoder",     "enduser_setup", "file",
  "gdbstub",  "gpio",     "gpiopulse",   "hdc1080",       "hmc5883l",
  "http",     "hx711",    "i2c",         "l3g4200d",      "mcp4725",
  "mdns",     "mqtt",     "net",         "node",          "ow",
  "pcm",      "perf",     "pipe",        "pixbuf",        "pwm",
  "pwm2",     "rfswitch", "rotary",      "rtcfifo",       "rtcmem",
  "rtctime",  "si7021",   "sigma_delta", "sjson",         "sntp",
  "softuart", "somfy",    "spi",         "struct",        "switec",
  "tcs34725", "tls",      "tm1829",      "tmr",           "tsl2561",
  "u8g2",     "uart",     "ucg",         "websocket",     "wiegand",
  "wifi",     "wps",      "ws2801",      "ws2812",        "ws2812_effects",
  "xpt2046",  NULL
};

/* Modules older firmware had and 3.0 replaced (docs/modules/cjson.md): W113 names the successor */
static const char *const std_nodemcu_replaced[][2] = {
  { "cjson", "sjson" },
};

/* the firmware's Lua 5.1 keeps these from the standard library (no io, no os) */
static const char *const std_nodemcu_lua[] = { "gcinfo", "getfenv",  "loadstring",
                                               "module", "newproxy", "setfenv",
                                               "unpack", "debug",    NULL };

/* The fields of the firmware's modules and of their sub-tables (`wifi.sta`, `node.egc`), with
 * what the editor shows for each: the parameters as the firmware's documentation writes them
 * (docs/modules/<module>.md) and a one-line summary in our words. The names are exactly those
 * of each module's ROTable in the 3.0 firmware (app/modules/<module>.c), every build option
 * included: a name only some builds have says which in its summary (docs/firmware.md section
 * 12). `params` is NULL for constants and tables. Each list is sorted by strcmp(), and so is
 * `api_tables`: the lookups are binary searches. */
static const MwLuaApiField fields_adc[] = {
  { "INIT_ADC", NULL, "Mode for adc.force_init_mode: the ADC reads the A0 pin." },
  { "INIT_VDD33", NULL, "Mode for adc.force_init_mode: the ADC reads the supply voltage." },
  { "force_init_mode", "(mode_value)",
    "Sets the ADC mode in the init data; true when it changed (restart to apply)." },
  { "read", "(channel)", "A sample of the A0 pin (0-1023); the channel is always 0." },
  { "readvdd33", "()", "The supply voltage in mV (with the ADC in INIT_VDD33 mode)." },
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
static const MwLuaApiField fields_crypto[] = {
  { "decrypt", "(algo, key, cipher [, iv])",
    "Decrypts with AES-ECB or AES-CBC; the result keeps the zero padding." },
  { "encrypt", "(algo, key, plain [, iv])",
    "Encrypts with AES-ECB or AES-CBC (\"AES-128-CBC\"), zero-padded to 16 bytes." },
  { "fhash", "(algo, filename)", "The binary digest of a file's contents." },
  { "hash", "(algo, str)", "The binary digest of a string (\"MD5\", \"SHA1\", \"SHA256\"...)." },
  { "hmac", "(algo, str, key)", "The binary HMAC of a string with a key." },
  { "mask", "(message, mask)", "`message` XORed with a repeated mask (websocket framing)." },
  { "new_hash", "(algo)", "A hasher object: update(data), then finalize()." },
  { "new_hmac", "(algo, key)", "An HMAC object: update(data), then finalize()." },
  { "sha1", "(str)", "The binary SHA-1 digest of a string (undocumented; crypto.hash)." },
};
static const MwLuaApiField fields_dht[] = {
  { "ERROR_CHECKSUM", NULL, "Status: the reading arrived with a bad checksum." },
  { "ERROR_TIMEOUT", NULL, "Status: the sensor did not answer." },
  { "OK", NULL, "Status: a good reading." },
  { "read", "(pin)", "Reads a DHT sensor of any kind: status, temp, humi and decimals." },
  { "read11", "(pin)", "Reads a DHT11: status, temp, humi and decimals." },
  { "read12", "(pin)", "Reads a DHT12: status, temp, humi and decimals." },
  { "readxx", "(pin)", "Reads a DHT21, DHT22, DHT33 or DHT44: status, temp, humi, decimals." },
};
static const MwLuaApiField fields_encoder[] = {
  { "fromBase64", "(b64)", "Decodes a Base64 string (raises on bad input)." },
  { "fromHex", "(hexstr)", "Decodes a string of hex digits to bytes (raises on bad input)." },
  { "toBase64", "(binary)", "Encodes bytes as Base64." },
  { "toHex", "(binary)", "Encodes bytes as lowercase hex digits." },
};
static const MwLuaApiField fields_enduser_setup[] = {
  { "manual", "([on_off])",
    "Gets or sets manual mode: the caller sets up the access point itself." },
  { "start", "([AP_SSID,] [onConnected()], [onError(err_num, string)], [onDebug(string)])",
    "Opens the captive portal where a user enters the WiFi credentials." },
  { "stop", "()", "Closes the portal and its web server." },
};
static const MwLuaApiField fields_file[] = {
  { "chdir", "(dir)",
    "Changes the current drive and directory (\"/FLASH\", \"/SD0\"; FATFS builds only)." },
  { "close", "()", "Closes the open file of the basic model." },
  { "exists", "(filename)", "Whether the file exists." },
  { "flush", "()", "Writes pending data of the open file to flash." },
  { "format", "()", "Erases the whole file system and makes a new one (takes seconds)." },
  { "fscfg", "()", "The flash address and size of the file system area, in bytes." },
  { "fsinfo", "()", "Remaining, used and total bytes of the file system." },
  { "getcontents", "(filename)", "The whole contents of a file, or nil." },
  { "list", "([pattern])", "A table of file names to sizes, optionally matching a Lua pattern." },
  { "mount", "(ldrv [, pin])", "Mounts a FAT volume on an SD card (FATFS builds only)." },
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
  { "pulse", NULL, "Pulse trains with accurate timing (gpio.pulse.build; gpio_pulse builds)." },
  { "read", "(pin)", "The pin's level, 0 or 1." },
  { "serout", "(pin, start_level, delay_times [, cycle_num [, callback]])",
    "Toggles a pin after each delay of a list of microsecond delays." },
  { "trig", "(pin [, type [, callback]])",
    "Sets or clears the callback run on a pin's interrupt (up, down, both, low, high)." },
  { "write", "(pin, level)", "Sets an output pin to gpio.HIGH or gpio.LOW." },
};
static const MwLuaApiField fields_gpio_pulse[] = {
  { "build", "(table)", "A pulser object from a table of steps (start, stop, adjust, cancel)." },
};
static const MwLuaApiField fields_http[] = {
  { "ERROR", NULL, "The code passed to a callback when the request failed." },
  { "OK", NULL, "0: the request succeeded." },
  { "delete", "(url, headers, body, callback)", "Sends an HTTP DELETE request." },
  { "get", "(url, headers, callback)",
    "Sends an HTTP GET request; the callback gets code, body and headers." },
  { "post", "(url, headers, body, callback)", "Sends an HTTP POST request with a body." },
  { "put", "(url, headers, body, callback)", "Sends an HTTP PUT request with a body." },
  { "request", "(url, method, headers, body, callback)",
    "Sends a request with any method (\"HEAD\", \"PATCH\"...)." },
};
static const MwLuaApiField fields_i2c[] = {
  { "FAST", NULL, "Bus speed: 400 kHz." },
  { "FASTPLUS", NULL, "Bus speed: 1 MHz (with the CPU at 160 MHz)." },
  { "RECEIVER", NULL, "Direction for i2c.address: read from the device." },
  { "SLOW", NULL, "Bus speed: 100 kHz." },
  { "TRANSMITTER", NULL, "Direction for i2c.address: write to the device." },
  { "address", "(id, device_addr, direction)",
    "Sends a device's address and direction; true when it acknowledged." },
  { "read", "(id, len)", "Reads `len` bytes from the bus as a string." },
  { "setup", "(id, pinSDA, pinSCL, speed)", "Sets up a bus on two pins; the speed it got." },
  { "start", "(id)", "Sends a start condition." },
  { "stop", "(id)", "Sends a stop condition." },
  { "write", "(id, data1[, data2[, ..., datan]])",
    "Writes numbers, strings or tables of bytes; the number of bytes acknowledged." },
};
static const MwLuaApiField fields_mdns[] = {
  { "close", "()", "Stops answering mDNS queries." },
  { "register", "(hostname [, attributes])",
    "Answers mDNS queries for `hostname`.local, with a service's attributes." },
};
static const MwLuaApiField fields_mqtt[] = {
  { "CONNACK_ACCEPTED", NULL, "Connect result: the broker accepted the client." },
  { "CONNACK_REFUSED_BAD_USER_OR_PASS", NULL, "Connect result: wrong user name or password." },
  { "CONNACK_REFUSED_ID_REJECTED", NULL, "Connect result: the broker refused the client id." },
  { "CONNACK_REFUSED_NOT_AUTHORIZED", NULL, "Connect result: the client is not authorized." },
  { "CONNACK_REFUSED_PROTOCOL_VER", NULL,
    "Connect result: the broker refused the protocol version." },
  { "CONNACK_REFUSED_SERVER_UNAVAILABLE", NULL, "Connect result: the broker is unavailable." },
  { "CONN_FAIL_DNS", NULL, "Connect failure: the broker's name did not resolve." },
  { "CONN_FAIL_NOT_A_CONNACK_MSG", NULL,
    "Connect failure: the broker answered with something other than CONNACK." },
  { "CONN_FAIL_SERVER_NOT_FOUND", NULL, "Connect failure: no broker at that address." },
  { "CONN_FAIL_TIMEOUT_RECEIVING", NULL, "Connect failure: no CONNACK in time." },
  { "CONN_FAIL_TIMEOUT_SENDING", NULL, "Connect failure: the CONNECT could not be sent in time." },
  { "Client", "(clientid, keepalive[, username, password, cleansession, max_message_length])",
    "A new MQTT client (connect, publish, subscribe, on, lwt, close)." },
};
static const MwLuaApiField fields_net[] = {
  { "TCP", NULL, "Socket type constant: TCP." },
  { "UDP", NULL, "Socket type constant: UDP." },
  { "cert", NULL, "TLS certificate verification (net.cert.verify; TLS builds)." },
  { "createConnection", "()", "A new TCP client socket (connect, send, on)." },
  { "createServer", "(timeout)",
    "A TCP server; idle clients are dropped after `timeout` seconds." },
  { "createUDPSocket", "()", "A new UDP socket (listen, send, on)." },
  { "dns", NULL, "DNS helpers: resolve, getdnsserver, setdnsserver." },
  { "ifinfo", "(if_index)", "Addresses of a network interface (0: station, 1: access point)." },
  { "multicastJoin", "(if_ip, multicast_ip)", "Joins a multicast group." },
  { "multicastLeave", "(if_ip, multicast_ip)", "Leaves a multicast group." },
  { "ping", "(domain, [count], callback_received, [callback_sent])",
    "Pings a host `count` times, with a callback per reply." },
};
static const MwLuaApiField fields_net_dns[] = {
  { "getdnsserver", "(dns_index)", "The address of DNS server 0 or 1." },
  { "resolve", "(host, function(sk, ip))", "Looks a host name up; the callback gets its IP." },
  { "setdnsserver", "(dns_ip_addr, dns_index)", "Sets DNS server 0 or 1." },
};
static const MwLuaApiField fields_node[] = {
  { "CPU160MHZ", NULL, "CPU frequency constant for node.setcpufreq: 160 MHz." },
  { "CPU80MHZ", NULL, "CPU frequency constant for node.setcpufreq: 80 MHz." },
  { "INT_BOTH", NULL, "Wake-up on either edge, for node.sleep (PMSLEEP_ENABLE builds)." },
  { "INT_DOWN", NULL, "Wake-up on a falling edge, for node.sleep (PMSLEEP_ENABLE builds)." },
  { "INT_HIGH", NULL, "Wake-up on a high level, for node.sleep (PMSLEEP_ENABLE builds)." },
  { "INT_LOW", NULL, "Wake-up on a low level, for node.sleep (PMSLEEP_ENABLE builds)." },
  { "INT_UP", NULL, "Wake-up on a rising edge, for node.sleep (PMSLEEP_ENABLE builds)." },
  { "LFS", NULL, "The Lua Flash Store: node.LFS.get, list, reload." },
  { "bootreason", "()", "The raw and extended reason of the last reset." },
  { "chipid", "()", "The ESP chip's id." },
  { "compile", "(\"file.lua\")", "Compiles a file on the board into file.lc." },
  { "dsleep", "(us, option, instant)",
    "Deep sleep for `us` microseconds (GPIO16 must be wired to RST)." },
  { "dsleepMax", "()", "The longest deep sleep possible now, in microseconds." },
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
  { "osprint", "(enabled)",
    "Whether the SDK's debug output is printed (DEVELOPMENT_TOOLS builds)." },
  { "output", "(function(pipe), serial_debug)",
    "Redirects the interpreter's output to a function (nil: back to serial)." },
  { "random", "([l, u])", "A hardware random number, like math.random." },
  { "readrcr", "(address)", "Reads a block of the RTC's user memory (DEVELOPMENT_TOOLS builds)." },
  { "restart", "()", "Restarts the chip." },
  { "restore", "()", "Restores the SDK's system settings to their defaults." },
  { "setcpufreq", "(speed)", "Sets the CPU frequency (node.CPU80MHZ or node.CPU160MHZ)." },
  { "setonerror", "(function)", "Runs a function instead of restarting on an unhandled error." },
  { "setpartitiontable", "(partition_info)", "Changes the LFS and SPIFFS partitions (restarts)." },
  { "sleep", "({wake_pin [, duration, int_type, resume_cb, preserve_mode]})",
    "Light sleep until a pin wakes the chip (raises unless built with PMSLEEP_ENABLE)." },
  { "startup", "([{table}])", "Gets or sets the startup options (banner, frequency, command)." },
  { "startupcommand", "(string)", "Deprecated: node.startup({command = ...})." },
  { "startupcounts", "([marker])",
    "CPU cycle counts of the boot's stages (PLATFORM_STARTUP_COUNT builds)." },
  { "stripdebug", "([level [, function]])",
    "How much debug information node.compile keeps (1-3)." },
  { "task", NULL, "Task posting: node.task.post." },
  { "writercr", "(address, data)",
    "Writes a block of the RTC's user memory (DEVELOPMENT_TOOLS builds)." },
};
/* node.LFS's ROTable has get, list and reload; its metatable's __index (node_lfs_func) answers
 * config, time and, for any other name, the LFS module of that name: an open table. */
static const MwLuaApiField fields_node_LFS[] = {
  { "config", NULL, "The LFS region's base, mapping, size and use (as node.info(\"lfs\"))." },
  { "get", "(modulename)", "A module's function from the Lua Flash Store, or nil." },
  { "list", "()", "The names of the modules in the Lua Flash Store." },
  { "reload", "(imageName)", "Loads an LFS image file into flash, then restarts." },
  { "time", NULL, "The Unix time the LFS image was built." },
};
static const MwLuaApiField fields_node_egc[] = {
  { "ALWAYS", NULL, "Mode: a full collection before every allocation (slow, for tests)." },
  { "NOT_ACTIVE", NULL, "Mode: no emergency collection." },
  { "ON_ALLOC_FAILURE", NULL, "Mode: collect when an allocation fails (the default)." },
  { "ON_MEM_LIMIT", NULL, "Mode: collect when Lua's memory would pass a limit." },
  { "meminfo", "()", "Lua's memory in use and its peak, as the collector counts them." },
  { "setmode", "(mode, [param])", "Sets when the emergency garbage collector runs." },
};
static const MwLuaApiField fields_node_task[] = {
  { "HIGH_PRIORITY", NULL, "Task priority: high (2)." },
  { "LOW_PRIORITY", NULL, "Task priority: low (0)." },
  { "MEDIUM_PRIORITY", NULL, "Task priority: medium (1, the default)." },
  { "post", "([task_priority], function)", "Runs a function as a separate task, later." },
};
static const MwLuaApiField fields_ow[] = {
  { "check_crc16", "(buf, inverted_crc0, inverted_crc1[, crc])",
    "Whether the two inverted CRC-16 bytes a device sent match `buf`." },
  { "crc16", "(buf[, crc])", "The Dallas CRC-16 of a string." },
  { "crc8", "(buf)", "The Dallas CRC-8 of a string (a ROM code's last byte)." },
  { "depower", "(pin)", "Stops driving the bus after a write with power on." },
  { "read", "(pin)", "Reads one byte." },
  { "read_bytes", "(pin, size)", "Reads `size` bytes as a string." },
  { "reset", "(pin)", "Resets the bus; 1 when a device answered with a presence pulse." },
  { "reset_search", "(pin)", "Starts a new device search from the beginning." },
  { "search", "(pin, [alarm_search])", "The next device's 8-byte ROM code, or nil at the end." },
  { "select", "(pin, rom)", "Addresses one device by its ROM code (after a reset)." },
  { "set_timings",
    "(reset_tx, reset_wait, reset_rx, w1_low, w1_high, w0_low, w0_high, "
    "r_low, r_wait, r_delay)",
    "Tunes the bus timings in microseconds (nil keeps one)." },
  { "setup", "(pin)", "Makes a pin a 1-Wire bus." },
  { "skip", "(pin)", "Addresses every device at once (after a reset)." },
  { "target_search", "(pin, family_code)", "Makes the next search look for one family only." },
  { "write", "(pin, v, power)", "Writes one byte; power 1 keeps the bus driven high after." },
  { "write_bytes", "(pin, buf, power)", "Writes a string of bytes." },
};
static const MwLuaApiField fields_pipe[] = {
  { "create", "([CB_function], [task_priority])",
    "A new pipe: a FIFO of strings; the function reads it as a task." },
};
static const MwLuaApiField fields_pixbuf[] = {
  { "FADE_IN", NULL, "Direction for buffer:fade: brighter." },
  { "FADE_OUT", NULL, "Direction for buffer:fade: darker." },
  { "SHIFT_CIRCULAR", NULL, "Mode for buffer:shift: pixels shifted out come back in." },
  { "SHIFT_LOGICAL", NULL, "Mode for buffer:shift: pixels shifted in are zero." },
  { "newBuffer", "(numberOfLeds, numberOfChannels)",
    "A pixel buffer of `numberOfLeds` pixels of 3 or 4 channels each." },
};
static const MwLuaApiField fields_pwm[] = {
  { "close", "(pin)", "Stops PWM on a pin and frees it." },
  { "getclock", "(pin)", "The PWM frequency of a pin, in Hz." },
  { "getduty", "(pin)", "The duty cycle of a pin (0-1023)." },
  { "setclock", "(pin, clock)", "Sets the PWM frequency (1-1000 Hz, shared by all pins)." },
  { "setduty", "(pin, duty)", "Sets a pin's duty cycle (0-1023)." },
  { "setup", "(pin, clock, duty)", "Sets a pin up for PWM with a frequency and duty cycle." },
  { "start", "(pin)", "Starts the PWM output on a pin." },
  { "stop", "(pin)", "Pauses the PWM output on a pin." },
};
static const MwLuaApiField fields_rtcmem[] = {
  { "read32", "(idx [, num])", "Reads 32-bit words from the RTC's user memory (kept in sleep)." },
  { "write32", "(idx, val [, val2, ...])", "Writes 32-bit words to the RTC's user memory." },
};
static const MwLuaApiField fields_rtctime[] = {
  { "adjust_delta", "(microseconds)", "Tells how far the clock would move for a correction." },
  { "dsleep", "(microseconds [, option])", "Deep sleep that keeps the RTC time across it." },
  { "dsleep_aligned", "(aligned_us, minsleep_us [, option])",
    "Deep sleep until the next multiple of `aligned_us`, keeping the time." },
  { "epoch2cal", "(timestamp)", "A Unix time as a table (year, mon, day, hour, min, sec...)." },
  { "get", "()", "The time: seconds, microseconds and clock rate since the epoch." },
  { "set", "([seconds], [microseconds], [rate])", "Sets the time (seconds since the epoch)." },
};
static const MwLuaApiField fields_sjson[] = {
  { "decode", "(str[, opts])", "Parses a JSON string into a Lua value (raises on bad JSON)." },
  { "decoder", "([opts])", "A streaming decoder: write(piece) the text, then result()." },
  { "encode", "(table [, opts])", "A table as a JSON string." },
  { "encoder", "(table [, opts])", "A streaming encoder: read(size) returns the JSON in pieces." },
};
static const MwLuaApiField fields_sntp[] = {
  { "getoffset", "()", "The leap-second offset in use (with rtctime)." },
  { "setoffset", "([offset])", "Sets the leap-second offset (with rtctime)." },
  { "sync", "([server_ip], [callback], [errcallback], [autorepeat])",
    "Gets the time from NTP servers and sets the RTC clock." },
};
static const MwLuaApiField fields_softuart[] = {
  { "setup", "(baudrate, txPin, rxPin)",
    "A software serial port on GPIO pins (write, on); nil for an unused direction." },
};
static const MwLuaApiField fields_spi[] = {
  { "CPHA_HIGH", NULL, "Clock phase: data sampled on the second edge." },
  { "CPHA_LOW", NULL, "Clock phase: data sampled on the first edge." },
  { "CPOL_HIGH", NULL, "Clock polarity: idle high." },
  { "CPOL_LOW", NULL, "Clock polarity: idle low." },
  { "DATABITS_8", NULL, "8 bits per data item." },
  { "FULLDUPLEX", NULL, "Duplex mode: send and receive at once." },
  { "HALFDUPLEX", NULL, "Duplex mode: send, then receive (the default)." },
  { "MASTER", NULL, "Mode: the ESP drives the clock." },
  { "SLAVE", NULL, "Mode: slave (not supported)." },
  { "get_miso", "(id, offset, bitlen, num)", "Reads items from the receive buffer." },
  { "recv", "(id, size[, default_data])", "Receives `size` bytes while sending a filler." },
  { "send", "(id, data1[, data2[, ..., datan]])",
    "Sends data; in full duplex, also what came back." },
  { "set_clock_div", "(id, clock_div)", "Sets the clock divider (80 MHz / clock_div)." },
  { "set_mosi", "(id, offset, bitlen, data1[, data2[, ..., datan]])",
    "Puts items into the send buffer." },
  { "setup", "(id, mode, cpol, cpha, databits, clock_div[, duplex_mode])",
    "Sets the bus up: mode, clock polarity and phase, item size, speed." },
  { "transaction",
    "(id, cmd_bitlen, cmd_data, addr_bitlen, addr_data, mosi_bitlen, "
    "dummy_bitlen, miso_bitlen)",
    "One transfer of command, address, data out, dummy bits and data in." },
};
static const MwLuaApiField fields_struct[] = {
  { "pack", "(fmt, d1, d2, ...)", "Packs values into a binary string by a format." },
  { "size", "(fmt)", "The size of a format's packed string." },
  { "unpack", "(fmt, s[, offset])",
    "The values of a binary string by a format, and the position after them." },
};
static const MwLuaApiField fields_tls[] = {
  { "cert", NULL, "Certificates: tls.cert.verify, tls.cert.auth." },
  { "createConnection", "()", "A new TLS client socket (connect, send, on)." },
  { "setDebug", "(level)", "The mbed TLS debug output level (MBEDTLS_DEBUG_C builds)." },
};
static const MwLuaApiField fields_tls_cert[] = {
  { "auth", "(enable)", "Sets or turns off the client certificate sent to TLS servers." },
  { "verify", "(enable)", "Turns the check of TLS servers' certificates on or off." },
};
static const MwLuaApiField fields_tmr[] = {
  { "ALARM_AUTO", NULL, "Timer mode: the alarm repeats until stopped." },
  { "ALARM_SEMI", NULL, "Timer mode: the alarm fires once and can be restarted with start()." },
  { "ALARM_SINGLE", NULL, "Timer mode: the alarm fires once, then the timer is unregistered." },
  { "ccount", "()", "The CPU's cycle counter (32 bits, rolls over)." },
  { "create", "()", "A new timer object (register, alarm, start, stop, unregister)." },
  { "delay", "(us)", "Busy-waits for `us` microseconds: avoid, it blocks everything else." },
  { "now", "()", "The system counter in microseconds (31 bits, wraps around)." },
  { "resume_all", "()", "Resumes every suspended timer (TIMER_SUSPEND_ENABLE builds)." },
  { "softwd", "(timeout_s)",
    "Arms (or with -1 disarms) a software watchdog that restarts the chip." },
  { "suspend_all", "()", "Suspends every running timer (TIMER_SUSPEND_ENABLE builds)." },
  { "time", "()", "The uptime in seconds (31 bits, wraps around)." },
  { "wdclr", "()", "Feeds the system watchdog during a long task." },
};
static const MwLuaApiField fields_uart[] = {
  { "DIR_RX", NULL, "Direction for uart.fifodepth: the receive FIFO." },
  { "DIR_TX", NULL, "Direction for uart.fifodepth: the transmit FIFO." },
  { "PARITY_EVEN", NULL, "Parity: even." },
  { "PARITY_NONE", NULL, "Parity: none." },
  { "PARITY_ODD", NULL, "Parity: odd." },
  { "STOPBITS_1", NULL, "One stop bit." },
  { "STOPBITS_1_5", NULL, "One and a half stop bits." },
  { "STOPBITS_2", NULL, "Two stop bits." },
  { "alt", "(on)", "Moves UART 0 to the alternate pins GPIO13/GPIO15 (1) or back (0)." },
  { "fifodepth", "(id, dir)", "How many bytes wait in a UART's receive or transmit FIFO." },
  { "getconfig", "(id)", "A UART's baud rate, data bits, parity and stop bits." },
  { "on", "(method, [number/end_char], [function], [run_input])",
    "Calls a function on received data (\"data\": by count or end character)." },
  { "setup", "(id, baud, databits, parity, stopbits[, echo])",
    "Sets a UART's speed and frame format; the baud rate set." },
  { "write", "(id, data1 [, data2, ...])", "Writes strings or byte values to a UART." },
};
static const MwLuaApiField fields_wifi[] = {
  { "COUNTRY_AUTO", NULL, "Country policy: follow the access point's country." },
  { "COUNTRY_MANUAL", NULL, "Country policy: keep the country set." },
  { "LIGHT_SLEEP", NULL, "Sleep type: light sleep." },
  { "MODEM_SLEEP", NULL, "Sleep type: modem sleep (the default)." },
  { "NONE_SLEEP", NULL, "Sleep type: no power saving." },
  { "NULLMODE", NULL, "WiFi mode: radio off." },
  { "OPEN", NULL, "Authentication: open network." },
  { "PHYMODE_B", NULL, "PHY mode: 802.11b." },
  { "PHYMODE_G", NULL, "PHY mode: 802.11g." },
  { "PHYMODE_N", NULL, "PHY mode: 802.11n." },
  { "SOFTAP", NULL, "WiFi mode: access point." },
  { "STATION", NULL, "WiFi mode: station (client of an access point)." },
  { "STATIONAP", NULL, "WiFi mode: station and access point at once." },
  { "STA_APNOTFOUND", NULL, "Station status: the access point was not found." },
  { "STA_CONNECTING", NULL, "Station status: connecting." },
  { "STA_FAIL", NULL, "Station status: the connection failed." },
  { "STA_GOTIP", NULL, "Station status: connected, with an IP address." },
  { "STA_IDLE", NULL, "Station status: idle." },
  { "STA_WRONGPWD", NULL, "Station status: wrong password." },
  { "WPA2_PSK", NULL, "Authentication: WPA2-PSK." },
  { "WPA_PSK", NULL, "Authentication: WPA-PSK." },
  { "WPA_WPA2_PSK", NULL, "Authentication: WPA or WPA2 PSK." },
  { "ap", NULL, "The access point interface: wifi.ap.config, getip, dhcp..." },
  { "eventmon", NULL, "WiFi event callbacks: wifi.eventmon.register." },
  { "getchannel", "()", "The current WiFi channel." },
  { "getcountry", "()", "The country settings as a table." },
  { "getdefaultmode", "()", "The WiFi mode saved in flash." },
  { "getmode", "()", "The WiFi mode (wifi.STATION, SOFTAP, STATIONAP, NULLMODE)." },
  { "getphymode", "()", "The PHY mode (wifi.PHYMODE_B, G or N)." },
  { "monitor", NULL, "Raw frame capture: wifi.monitor.start (wifi_monitor builds)." },
  { "nullmodesleep", "([enable])", "Whether the radio sleeps in NULLMODE." },
  { "resume", "([resume_cb])", "Wakes the radio from wifi.suspend early (PMSLEEP_ENABLE builds)." },
  { "setcountry", "(country_info)", "Sets the country: its channels and policy." },
  { "setmaxtxpower", "(max_tpw)", "Limits the transmit power (units of 0.25 dBm)." },
  { "setmode", "(mode[, save])",
    "Sets station, access point, both or none; saved to flash unless told not to." },
  { "setphymode", "(mode)", "Sets the PHY mode (wifi.PHYMODE_B, G or N)." },
  { "sleeptype", "(type_wanted)", "Sets or gets the power saving type (NONE, LIGHT, MODEM)." },
  { "sta", NULL, "The station interface: wifi.sta.config, connect, getip..." },
  { "startsmart", "(type, callback)", "Starts SmartConfig (WIFI_SMART_ENABLE builds)." },
  { "stopsmart", "()", "Stops SmartConfig (WIFI_SMART_ENABLE builds)." },
  { "suspend", "({duration[, suspend_cb, resume_cb, preserve_mode]})",
    "Suspends the radio to save power (raises unless built with PMSLEEP_ENABLE)." },
};
static const MwLuaApiField fields_wifi_ap[] = {
  { "config", "(cfg)", "Sets the access point up: ssid, pwd, auth, channel, hidden..." },
  { "deauth", "([MAC])", "Disconnects one client, or all of them." },
  { "dhcp", NULL, "The access point's DHCP server: config, start, stop." },
  { "getbroadcast", "()", "The access point's broadcast address." },
  { "getclient", "()", "A table of connected clients' MAC and IP addresses." },
  { "getconfig", "(return_table)", "The access point's current settings." },
  { "getdefaultconfig", "(return_table)", "The access point settings saved in flash." },
  { "getip", "()", "The access point's IP address, netmask and gateway." },
  { "getmac", "()", "The access point's MAC address." },
  { "setip", "(cfg)", "Sets the access point's IP address, netmask and gateway." },
  { "setmac", "(mac)", "Sets the access point's MAC address." },
};
static const MwLuaApiField fields_wifi_ap_dhcp[] = {
  { "config", "(dhcp_config)", "Sets the first address the DHCP server hands out." },
  { "start", "()", "Starts the DHCP server." },
  { "stop", "()", "Stops the DHCP server." },
};
static const MwLuaApiField fields_wifi_eventmon[] = {
  { "AP_PROBEREQRECVED", NULL, "Event: the access point received a probe request." },
  { "AP_STACONNECTED", NULL, "Event: a client joined the access point." },
  { "AP_STADISCONNECTED", NULL, "Event: a client left the access point." },
  { "EVENT_MAX", NULL, "One past the last event number." },
  { "STA_AUTHMODE_CHANGE", NULL, "Event: the access point's authentication mode changed." },
  { "STA_CONNECTED", NULL, "Event: the station joined an access point." },
  { "STA_DHCP_TIMEOUT", NULL, "Event: the station got no address by DHCP." },
  { "STA_DISCONNECTED", NULL, "Event: the station lost or failed its connection." },
  { "STA_GOT_IP", NULL, "Event: the station got its IP address." },
  { "WIFI_MODE_CHANGED", NULL, "Event: the WiFi mode changed." },
  { "reason", NULL, "The disconnect reason codes (wifi.eventmon.reason.AUTH_FAIL...)." },
  { "register", "(Event[, function(T)])", "Calls a function with a table on a WiFi event." },
  { "unregister", "(Event)", "Removes the callback of a WiFi event." },
};
static const MwLuaApiField fields_wifi_eventmon_reason[] = {
  { "4WAY_HANDSHAKE_TIMEOUT", NULL, "Disconnect reason 15: the 4-way handshake timed out." },
  { "802_1X_AUTH_FAILED", NULL, "Disconnect reason 23: 802.1X authentication failed." },
  { "AKMP_INVALID", NULL, "Disconnect reason 20: invalid key management." },
  { "ASSOC_EXPIRE", NULL, "Disconnect reason 4: association expired (inactivity)." },
  { "ASSOC_FAIL", NULL, "Disconnect reason 203: association failed." },
  { "ASSOC_LEAVE", NULL, "Disconnect reason 8: the station left." },
  { "ASSOC_NOT_AUTHED", NULL, "Disconnect reason 9: association before authentication." },
  { "ASSOC_TOOMANY", NULL, "Disconnect reason 5: the access point has too many clients." },
  { "AUTH_EXPIRE", NULL, "Disconnect reason 2: authentication expired." },
  { "AUTH_FAIL", NULL, "Disconnect reason 202: authentication failed (often the password)." },
  { "AUTH_LEAVE", NULL, "Disconnect reason 3: deauthenticated as the station left." },
  { "BEACON_TIMEOUT", NULL, "Disconnect reason 200: the access point's beacons stopped." },
  { "CIPHER_SUITE_REJECTED", NULL, "Disconnect reason 24: cipher suite rejected." },
  { "DISASSOC_PWRCAP_BAD", NULL, "Disconnect reason 10: power capability not acceptable." },
  { "DISASSOC_SUPCHAN_BAD", NULL, "Disconnect reason 11: supported channels not acceptable." },
  { "GROUP_CIPHER_INVALID", NULL, "Disconnect reason 18: invalid group cipher." },
  { "GROUP_KEY_UPDATE_TIMEOUT", NULL, "Disconnect reason 16: the group key update timed out." },
  { "HANDSHAKE_TIMEOUT", NULL, "Disconnect reason 204: the handshake timed out." },
  { "IE_INVALID", NULL, "Disconnect reason 13: invalid information element." },
  { "IE_IN_4WAY_DIFFERS", NULL, "Disconnect reason 17: handshake element mismatch." },
  { "INVALID_RSN_IE_CAP", NULL, "Disconnect reason 22: invalid RSN capabilities." },
  { "MIC_FAILURE", NULL, "Disconnect reason 14: message integrity check failed." },
  { "NOT_ASSOCED", NULL, "Disconnect reason 7: frame from a station not associated." },
  { "NOT_AUTHED", NULL, "Disconnect reason 6: frame from a station not authenticated." },
  { "NO_AP_FOUND", NULL, "Disconnect reason 201: no access point with that SSID." },
  { "PAIRWISE_CIPHER_INVALID", NULL, "Disconnect reason 19: invalid pairwise cipher." },
  { "UNSPECIFIED", NULL, "Disconnect reason 1: unspecified." },
  { "UNSUPP_RSN_IE_VERSION", NULL, "Disconnect reason 21: unsupported RSN version." },
};
static const MwLuaApiField fields_wifi_monitor[] = {
  { "channel", "(channel)", "Sets the channel the monitor listens on." },
  { "start", "([filter parameters,] mgmt_frame_callback)",
    "Captures management frames, with an optional byte filter." },
  { "stop", "()", "Stops capturing frames." },
};
static const MwLuaApiField fields_wifi_sta[] = {
  { "autoconnect", "(auto)", "Whether the station connects by itself at boot." },
  { "changeap", "(ap_index)", "Connects to another of the saved access points." },
  { "clearconfig", "()", "Forgets the station's saved settings." },
  { "config", "(station_config)", "Sets the network to join: ssid, pwd, auto, callbacks..." },
  { "connect", "([connected_cb])", "Connects to the configured access point." },
  { "disconnect", "([disconnected_cb])", "Disconnects from the access point." },
  { "getap", "([[cfg], format,] callback(table))", "Scans for access points." },
  { "getapindex", "()", "The index of the saved access point in use." },
  { "getapinfo", "()", "The saved access points' settings." },
  { "getbroadcast", "()", "The station's broadcast address, or nil." },
  { "getconfig", "()", "The station's current settings." },
  { "getdefaultconfig", "(return_table)", "The station settings saved in flash." },
  { "gethostname", "()", "The station's DHCP host name." },
  { "getip", "()", "The station's IP address, netmask and gateway, or nil." },
  { "getmac", "()", "The station's MAC address." },
  { "getrssi", "()", "The signal strength of the access point in dBm, or nil." },
  { "setaplimit", "(qty)", "How many access points to save (1-5)." },
  { "sethostname", "(hostname)", "Sets the station's DHCP host name." },
  { "setip", "(cfg)", "Sets a static IP address, netmask and gateway." },
  { "setmac", "(mac)", "Sets the station's MAC address." },
  { "sleeptype", "(type_wanted)", "Sets or gets the power saving type (NONE, LIGHT, MODEM)." },
  { "status", "()", "The connection status (wifi.STA_IDLE ... wifi.STA_GOTIP)." },
};
static const MwLuaApiField fields_ws2812[] = {
  { "FADE_IN", NULL, "Direction for buffer:fade: brighter (pixbuf builds)." },
  { "FADE_OUT", NULL, "Direction for buffer:fade: darker (pixbuf builds)." },
  { "MODE_DUAL", NULL, "Mode: two strips, on UART 1 and UART 0." },
  { "MODE_SINGLE", NULL, "Mode: one strip, on UART 1 (GPIO2)." },
  { "SHIFT_CIRCULAR", NULL, "Mode for buffer:shift: pixels come back in (pixbuf builds)." },
  { "SHIFT_LOGICAL", NULL, "Mode for buffer:shift: zeros come in (pixbuf builds)." },
  { "init", "([mode])", "Sets the UART(s) up to drive WS2812 strips." },
  { "newBuffer", "(numberOfLeds, numberOfChannels)",
    "A pixel buffer, as pixbuf.newBuffer (pixbuf builds)." },
  { "write", "(data1, [data2])", "Sends strings or buffers of pixels to the strip(s)." },
};

typedef struct
{
  const char *module;
  const MwLuaApiField *fields;
  gsize n_fields;
  gboolean open; /* any other name is valid too (an __index function answers it) */
} ModuleFields;

/* clang-format off */
#define TABLE(name, fields) { name, fields, G_N_ELEMENTS (fields), FALSE }
#define OPEN_TABLE(name, fields) { name, fields, G_N_ELEMENTS (fields), TRUE }
/* clang-format on */
static const ModuleFields api_tables[] = {
  TABLE ("adc", fields_adc),
  TABLE ("bit", fields_bit),
  TABLE ("crypto", fields_crypto),
  TABLE ("dht", fields_dht),
  TABLE ("encoder", fields_encoder),
  TABLE ("enduser_setup", fields_enduser_setup),
  TABLE ("file", fields_file),
  TABLE ("gpio", fields_gpio),
  TABLE ("gpio.pulse", fields_gpio_pulse),
  TABLE ("gpiopulse", fields_gpio_pulse), /* the same ROTable */
  TABLE ("http", fields_http),
  TABLE ("i2c", fields_i2c),
  TABLE ("mdns", fields_mdns),
  TABLE ("mqtt", fields_mqtt),
  TABLE ("net", fields_net),
  TABLE ("net.cert", fields_tls_cert) /* the same ROTable */,
  TABLE ("net.dns", fields_net_dns),
  TABLE ("node", fields_node),
  OPEN_TABLE ("node.LFS", fields_node_LFS),
  TABLE ("node.egc", fields_node_egc),
  TABLE ("node.task", fields_node_task),
  TABLE ("ow", fields_ow),
  TABLE ("pipe", fields_pipe),
  TABLE ("pixbuf", fields_pixbuf),
  TABLE ("pwm", fields_pwm),
  TABLE ("rtcmem", fields_rtcmem),
  TABLE ("rtctime", fields_rtctime),
  TABLE ("sjson", fields_sjson),
  TABLE ("sntp", fields_sntp),
  TABLE ("softuart", fields_softuart),
  TABLE ("spi", fields_spi),
  TABLE ("struct", fields_struct),
  TABLE ("tls", fields_tls),
  TABLE ("tls.cert", fields_tls_cert),
  TABLE ("tmr", fields_tmr),
  TABLE ("uart", fields_uart),
  TABLE ("wifi", fields_wifi),
  TABLE ("wifi.ap", fields_wifi_ap),
  TABLE ("wifi.ap.dhcp", fields_wifi_ap_dhcp),
  TABLE ("wifi.eventmon", fields_wifi_eventmon),
  TABLE ("wifi.eventmon.reason", fields_wifi_eventmon_reason),
  TABLE ("wifi.monitor", fields_wifi_monitor),
  TABLE ("wifi.sta", fields_wifi_sta),
  TABLE ("ws2812", fields_ws2812),
};
#undef TABLE
#undef OPEN_TABLE

/* Names a 3.0 program may still use from older firmware, where the firmware's own source says
 * what replaces them (app/modules/node.c's comments on readvdd33 and dsleepsetoption,
 * app/modules/crypto.c's on hex digests): the linter's W143 names the replacement. Sorted. */
static const struct
{
  const char *module, *field, *hint;
} api_moved[] = {
  { "crypto", "toBase64", "encoder.toBase64()" },
  { "crypto", "toHex", "encoder.toHex()" },
  { "node", "dsleepsetoption", "the option argument of node.dsleep(us, option)" },
  { "node", "readvdd33", "adc.readvdd33()" },
};

/* The methods of the objects some functions return (`local t = tmr.create()` then `t:alarm`):
 * the entries of each object's method ROTable (the one its metatable's __index names), with
 * the parameters of the "Syntax" lines in docs/modules/<module>.md. Sorted by strcmp(). */
static const MwLuaApiField methods_crypto_hash[] = {
  { "finalize", "()", "The binary digest of everything added so far." },
  { "update", "(str)", "Adds a string to the digest." },
};
static const MwLuaApiField methods_file_obj[] = {
  { "close", "()", "Closes the file." },
  { "flush", "()", "Writes pending data of the file to flash." },
  { "read", "([n_or_char])", "Reads up to n bytes, or up to a given end character." },
  { "readline", "()", "The next line, '\\n' included, or nil at the end." },
  { "seek", "([whence [, offset]])", "Sets or gets the position (\"set\", \"cur\", \"end\")." },
  { "write", "(string)", "Writes a string; nil when the file system is full." },
  { "writeline", "(string)", "Writes a string and '\\n'." },
};
static const MwLuaApiField methods_mqtt_client[] = {
  { "close", "()", "Disconnects from the broker." },
  { "connect", "(host[, port[, secure]][, function(client)[, function(client, reason)]])",
    "Connects to a broker; one callback on success, one on failure." },
  { "lwt", "(topic, message[, qos[, retain]])",
    "Sets the last will the broker publishes if the client drops (before connect)." },
  { "on", "(event, function(client[, topic[, message]]))",
    "Registers a callback: \"connect\", \"message\", \"offline\", \"overflow\"." },
  { "publish", "(topic, payload, qos, retain[, function(client)])",
    "Publishes a message; the callback runs once the broker has it." },
  { "subscribe", "(topic, qos[, function(client)])",
    "Subscribes to a topic (or a table of topics to QoS)." },
  { "unsubscribe", "(topic[, function(client)])",
    "Unsubscribes from a topic (or a table of topics)." },
};
static const MwLuaApiField methods_net_tcpserver[] = {
  { "close", "()", "Stops the server." },
  { "getaddr", "()", "The local port and IP address the server listens on." },
  { "listen", "([port],[ip],function(net.socket))",
    "Listens on a port; the function gets each client's socket." },
};
static const MwLuaApiField methods_net_tcpsocket[] = {
  { "close", "()", "Closes the connection." },
  { "connect", "(port, ip|domain)", "Connects to a host and port." },
  { "dns", "(domain, function(net.socket, ip))", "Looks a host name up." },
  { "getaddr", "()", "The local port and IP address." },
  { "getpeer", "()", "The remote port and IP address." },
  { "hold", "()", "Stops receiving (flow control) until unhold." },
  { "on", "(event, function())",
    "Registers a callback: \"connection\", \"reconnection\", \"disconnection\", \"receive\", "
    "\"sent\"." },
  { "send", "(string[, function(sent)])",
    "Queues data to send; send the next piece from the \"sent\" callback." },
  { "ttl", "([ttl])", "Gets or sets the IP time to live." },
  { "unhold", "()", "Starts receiving again after hold." },
};
static const MwLuaApiField methods_net_udpsocket[] = {
  { "close", "()", "Closes the socket." },
  { "dns", "(domain, function(net.socket, ip))", "Looks a host name up." },
  { "getaddr", "()", "The local port and IP address." },
  { "listen", "([port],[ip])", "Binds the socket to a local port." },
  { "on", "(event, function())", "Registers a callback: \"receive\", \"sent\", \"dns\"." },
  { "send", "(port, ip, data)", "Sends a datagram." },
  { "ttl", "([ttl])", "Gets or sets the IP time to live." },
};
/* pipe.c's method table has no write: its __index function answers it from the pipe itself */
static const MwLuaApiField methods_gpio_pulser[] = {
  { "adjust", "(offset)", "Shifts the running pulse train by `offset` microseconds." },
  { "cancel", "()", "Stops the pulse train at once." },
  { "getstate", "()", "The current step, the microseconds to the next and the offset." },
  { "start", "([adjust, ] callback)", "Runs the pulse train; the callback runs at its end." },
  { "stop", "([position ,] callback)", "Stops the pulse train at a given step." },
  { "update", "(entrynum, entrytable)", "Changes one step of the pulse train." },
};
static const MwLuaApiField methods_pipe[] = {
  { "nrec", "()", "How many records the pipe holds." },
  { "read", "([size/end_char])", "Takes up to `size` bytes, or up to an end character." },
  { "reader", "([size/end_char])", "An iterator over the pipe's contents, for a `for` loop." },
  { "unread", "(s)", "Puts a string back at the front of the pipe." },
  { "write", "(s)", "Adds strings to the end of the pipe." },
};
static const MwLuaApiField methods_pixbuf_buffer[] = {
  { "channels", "()", "How many channels each pixel has (3 or 4)." },
  { "dump", "()", "The buffer's bytes as a string." },
  { "fade", "(value [, direction])", "Divides (or multiplies) every value, for fading." },
  { "fadeI", "(value [, direction])", "As fade, with the first channel as intensity (APA102)." },
  { "fill", "(color)", "Sets every pixel to one color." },
  { "get", "(index)", "A pixel's channel values, in the strip's order." },
  { "map", "(f, [buffer1], [start1], [end1], [buffer2, [start2]])",
    "Sets pixels from a function of other buffers' pixels." },
  { "mix", "(factor1, buffer1, ...)", "Sets the buffer to a weighted sum of buffers." },
  { "mix4I5", "(factor1, buffer1, ...)",
    "As mix, with the first channel as a 5-bit intensity (APA102)." },
  { "power", "()", "The sum of all values: a measure of the strip's current." },
  { "powerI", "()", "As power, with the first channel as intensity (APA102)." },
  { "replace", "(source[, offset])", "Copies a buffer or string into this one at an offset." },
  { "set", "(index, color)", "Sets one pixel (a table, numbers or a string)." },
  { "shift", "(value [, mode[, i[, j]]])", "Moves pixels by `value` places, logically or around." },
  { "size", "()", "The number of pixels." },
  { "sub", "(i[, j])", "A new buffer with a slice of this one's pixels." },
};
static const MwLuaApiField methods_sjson_decoder[] = {
  { "result", "()", "The decoded value, once the whole text has been written." },
  { "write", "(string)", "Feeds the next piece of JSON text; the value once complete." },
};
static const MwLuaApiField methods_sjson_encoder[] = {
  { "read", "([size])",
    "The next piece of the JSON text (1024 bytes by default), nil at the end." },
};
static const MwLuaApiField methods_softuart_port[] = {
  { "on", "(event, trigger, function(data))",
    "Calls a function on received data (\"data\": by count or end character)." },
  { "write", "(data)", "Sends strings or byte values." },
};
static const MwLuaApiField methods_tls_socket[] = {
  { "close", "()", "Closes the connection." },
  { "connect", "(port, ip|domain)", "Connects to a host and port over TLS." },
  { "getpeer", "()", "The remote port and IP address." },
  { "hold", "()", "Stops receiving (flow control) until unhold." },
  { "on", "(event, function())",
    "Registers a callback: \"connection\", \"reconnection\", \"disconnection\", \"receive\", "
    "\"sent\"." },
  { "send", "(string)", "Queues data to send; send the next piece from the \"sent\" callback." },
  { "unhold", "()", "Starts receiving again after hold." },
};
static const MwLuaApiField methods_tmr_timer[] = {
  { "alarm", "(interval_ms, mode, func())",
    "Registers the callback and starts the timer at once." },
  { "interval", "(interval_ms)", "Changes the interval of a registered timer." },
  { "register", "(interval_ms, mode, func())",
    "Sets interval, mode and callback, without starting." },
  { "resume", "()", "Resumes a suspended timer (TIMER_SUSPEND_ENABLE builds)." },
  { "start", "([restart])", "Starts a registered timer; true restarts a running one." },
  { "state", "()", "Whether the timer runs, and its mode; nil if not registered." },
  { "stop", "()", "Stops the timer; it stays registered." },
  { "suspend", "()", "Suspends the timer (TIMER_SUSPEND_ENABLE builds)." },
  { "unregister", "()", "Stops the timer and frees its callback." },
};

/* Which function returns which object, sorted by the function's path */
typedef struct
{
  const char *constructor;
  const MwLuaApiField *methods;
  gsize n_methods;
} ObjectMethods;

static const ObjectMethods api_objects[] = {
  { "crypto.new_hash", methods_crypto_hash, G_N_ELEMENTS (methods_crypto_hash) },
  { "crypto.new_hmac", methods_crypto_hash, G_N_ELEMENTS (methods_crypto_hash) },
  { "file.open", methods_file_obj, G_N_ELEMENTS (methods_file_obj) },
  { "gpio.pulse.build", methods_gpio_pulser, G_N_ELEMENTS (methods_gpio_pulser) },
  { "gpiopulse.build", methods_gpio_pulser, G_N_ELEMENTS (methods_gpio_pulser) },
  { "mqtt.Client", methods_mqtt_client, G_N_ELEMENTS (methods_mqtt_client) },
  { "net.createConnection", methods_net_tcpsocket, G_N_ELEMENTS (methods_net_tcpsocket) },
  { "net.createServer", methods_net_tcpserver, G_N_ELEMENTS (methods_net_tcpserver) },
  { "net.createUDPSocket", methods_net_udpsocket, G_N_ELEMENTS (methods_net_udpsocket) },
  { "pipe.create", methods_pipe, G_N_ELEMENTS (methods_pipe) },
  { "pixbuf.newBuffer", methods_pixbuf_buffer, G_N_ELEMENTS (methods_pixbuf_buffer) },
  { "sjson.decoder", methods_sjson_decoder, G_N_ELEMENTS (methods_sjson_decoder) },
  { "sjson.encoder", methods_sjson_encoder, G_N_ELEMENTS (methods_sjson_encoder) },
  { "softuart.setup", methods_softuart_port, G_N_ELEMENTS (methods_softuart_port) },
  { "tls.createConnection", methods_tls_socket, G_N_ELEMENTS (methods_tls_socket) },
  { "tmr.create", methods_tmr_timer, G_N_ELEMENTS (methods_tmr_timer) },
  { "ws2812.newBuffer", methods_pixbuf_buffer, G_N_ELEMENTS (methods_pixbuf_buffer) },
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

static int
table_cmp (const void *key, const void *item)
{
  return strcmp (key, ((const ModuleFields *) item)->module);
}

static int
field_cmp (const void *key, const void *item)
{
  return strcmp (key, ((const MwLuaApiField *) item)->name);
}

static const ModuleFields *
find_table (const char *module)
{
  return bsearch (module, api_tables, G_N_ELEMENTS (api_tables), sizeof api_tables[0], table_cmp);
}

gboolean
mw_lua_lint_std_has_field (guint std_sets, const char *module, const char *field)
{
  const ModuleFields *known;

  if (!(std_sets & MW_LUA_LINT_SET_NODEMCU))
    return TRUE;
  known = find_table (module);
  return known == NULL || known->open || mw_lua_api_lookup (module, field) != NULL;
}

const char *
mw_lua_lint_std_moved (const char *module, const char *field)
{
  for (gsize i = 0; i < G_N_ELEMENTS (api_moved); i++)
    if (strcmp (api_moved[i].module, module) == 0 && strcmp (api_moved[i].field, field) == 0)
      return api_moved[i].hint;
  return NULL;
}

const char *
mw_lua_lint_std_replaced (const char *name)
{
  for (gsize i = 0; i < G_N_ELEMENTS (std_nodemcu_replaced); i++)
    if (strcmp (std_nodemcu_replaced[i][0], name) == 0)
      return std_nodemcu_replaced[i][1];
  return NULL;
}

const char *const *
mw_lua_api_modules (void)
{
  return std_nodemcu_modules;
}

const char *const *
mw_lua_api_tables (void)
{
  static gsize done;
  static const char *names[G_N_ELEMENTS (api_tables) + 1];

  if (g_once_init_enter (&done))
    {
      for (gsize i = 0; i < G_N_ELEMENTS (api_tables); i++)
        names[i] = api_tables[i].module;
      g_once_init_leave (&done, 1);
    }
  return names;
}

const MwLuaApiField *
mw_lua_api_fields (const char *module, gsize *n_fields)
{
  const ModuleFields *known;

  g_return_val_if_fail (module != NULL, NULL);
  g_return_val_if_fail (n_fields != NULL, NULL);
  known = find_table (module);
  *n_fields = known != NULL ? known->n_fields : 0;
  return known != NULL ? known->fields : NULL;
}

const MwLuaApiField *
mw_lua_api_lookup (const char *module, const char *field)
{
  const ModuleFields *known;

  g_return_val_if_fail (module != NULL && field != NULL, NULL);
  known = find_table (module);
  if (known == NULL)
    return NULL;
  return bsearch (field, known->fields, known->n_fields, sizeof known->fields[0], field_cmp);
}

static int
object_cmp (const void *key, const void *item)
{
  return strcmp (key, ((const ObjectMethods *) item)->constructor);
}

const char *const *
mw_lua_api_constructors (void)
{
  static gsize done;
  static const char *names[G_N_ELEMENTS (api_objects) + 1];

  if (g_once_init_enter (&done))
    {
      for (gsize i = 0; i < G_N_ELEMENTS (api_objects); i++)
        names[i] = api_objects[i].constructor;
      g_once_init_leave (&done, 1);
    }
  return names;
}

const MwLuaApiField *
mw_lua_api_methods (const char *constructor, gsize *n_methods)
{
  const ObjectMethods *known;

  g_return_val_if_fail (constructor != NULL, NULL);
  g_return_val_if_fail (n_methods != NULL, NULL);
  known = bsearch (constructor, api_objects, G_N_ELEMENTS (api_objects), sizeof api_objects[0],
                   object_cmp);
  *n_methods = known != NULL ? known->n_methods : 0;
  return known != NULL ? known->methods : NULL;
}

const MwLuaApiField *
mw_lua_api_method_lookup (const char *constructor, const char *method)
{
  gsize n = 0;
  const MwLuaApiField *methods;

  g_return_val_if_fail (constructor != NULL && method != NULL, NULL);
  methods = mw_lua_api_methods (constructor, &n);
  if (methods == NULL)
    return NULL;
  return bsearch (method, methods, n, sizeof methods[0], field_cmp);
}
