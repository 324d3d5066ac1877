-- W212: an unused argument.
local function f(a, b, _c) --! W212
  return b
end
local obj = {}
function obj:method(x) return x end
print(f, obj)
