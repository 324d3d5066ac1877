-- W412: an argument declared again as a local of the function's body.
local function f(a, b) --! W212
  local a = b + 1 --! W412
  return a
end
return f
