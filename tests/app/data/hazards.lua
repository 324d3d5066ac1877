-- Hazards the linter knows: a global kept for ever, a busy wait in a timer.
counter = 0
local t = tmr.create()
t:alarm(1000, tmr.ALARM_AUTO, function ()
  counter = counter + 1
  tmr.delay(5000)
end)
