-- W112: a field of a global that no file sets, set (luacheck's "mutating non-standard global").
cfg.ssid = "home" --! W112
cfg.wifi.pass = "x" --! W112
function handlers.on_boot() end --! W112
function handlers:on_wifi() end --! W112
local t = {}
t.x = 1
string.custom = 1
settings = {} --! W111
settings.mode = 1
print(cfg.ssid, t) --! W113
