-- W111: a global set inside a function (a missing `local`?), luacheck's "setting non-standard
-- global"; the first set of a global also says what it holds (one finding per token).
-- luacheck: globals shared
local function f()
  total = 1 --! W111
  shared = 2 --! W111
  counter = counter + 1 --! W111
  total = 2 --! W111
  local x = 1
  x = x + 1
  return x
end
top = 1 --! W111
counter = 0
f()
