-- W212: an unused argument.
local function f(a, b, _c) --! W212
  return b
end
local obj = {}
function obj:method(x) return x end
print(f, obj)
local function va(a, ...) --! W212
  return a
end
local function va2(...) return select("#", ...) end
local function va3(...) return arg end
local function va4(...) local inner = function(...) return ... end return inner end --! W212
print(va, va2, va3, va4)
