-- W801: tmr.delay() busy-waits and blocks WiFi and the watchdog. (docs/firmware.md sections 2 and 5)
tmr.delay(1000) --! W801
local t = tmr.create()
t:alarm(1000, tmr.ALARM_SINGLE, function() print("later") end)
local delay = tmr.now()
print(delay)
