-- W113: a global read, never set, and not a standard or firmware global.
print(undefined_name) --! W113
print(string.format("%d", 1), tmr.now(), wifi.sta, node.heap(), bit.band(1, 3))
local io_ok = io --! W113
known = 1 -- moonwire: ignore W111
print(known)
-- luacheck: read globals extern_thing
print(extern_thing, io_ok)
-- 3.0 has no cjson (sjson replaced it) and names gpio_pulse's module gpiopulse
print(cjson.encode({})) --! W113
print(gpiopulse.build, gpio.pulse.build)
