-- A call missing its closing parenthesis: Lua reports it on the line of `end`.
local t = tmr.create()
t:alarm(1000, tmr.ALARM_AUTO, function ()
  print("heap", node.heap()
end)
