-- W112: a global set inside a function (a missing `local`?).
-- moonwire: ignore W111
-- luacheck: globals shared
local function f()
  total = 1 --! W112
  shared = 2
  counter = counter + 1
  local x = 1
  x = x + 1
  return x
end
top = 1
counter = 0
f()
