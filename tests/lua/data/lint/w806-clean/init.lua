-- a safe init.lua: 3 s to abort with t:stop() from the REPL before the application starts
print("booting")
local t = tmr.create()
t:alarm(3000, tmr.ALARM_SINGLE, function() dofile("application.lua") end)
