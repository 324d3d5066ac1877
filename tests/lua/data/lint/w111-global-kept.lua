-- W111: a global set and never set back to nil holds RAM until restart. (docs/firmware.md section 5; bytes from section 3)
config = { ssid = "home" } --! W111
counter = 0 --! W111
function handler() end --! W111
counter = 1
cleared = 1
cleared = nil
_G.via_g = "x" --! W111
local t = {}
t.field = 1
print(config, counter, handler, t)
