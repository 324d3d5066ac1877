-- W805: the static timer API, removed in 2019. (docs/firmware.md section 2)
tmr.alarm(0, 1000, tmr.ALARM_AUTO, function() end) --! W805
tmr.register(1, 500, tmr.ALARM_SINGLE, function() end) --! W805
tmr.start(1) --! W805
tmr.stop(0) --! W805
local t = tmr.create()
t:register(500, tmr.ALARM_SINGLE, function() end)
t:start()
t:stop()
