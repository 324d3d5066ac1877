-- W431: a local that shadows a local of an enclosing function.
local x = 1
local function f()
  local x = 2 --! W431
  return x
end
local function g(y)
  local z = y
  return z
end
local y = 3
print(x, f, g, y)
