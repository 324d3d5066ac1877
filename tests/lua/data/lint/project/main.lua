-- Cross-file: `settings` is cleared in cleanup.lua, `state` nowhere; sensor.lua is volatile.
settings = { debug = true }
state = 1 --! W111
local sensor = require("sensor")
local util = require("util") --! W114
print(sensor, util, settings, state, helper_from_util)
