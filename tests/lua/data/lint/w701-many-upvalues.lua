-- W701: a closure capturing at least 5 upvalues (docs/firmware.md section 3: 20 + 28 per upvalue).
local a, b, c, d, e = 1, 2, 3, 4, 5
local function five() --! W701
  return a + b + c + d + e
end
local function four()
  return a + b + c + d
end
print(five, four)
-- one finding per closure chain: the nested closure captures only what its outer one does
local function outer() --! W701
  return function()
    return a + b + c + d + e
  end
end
-- a nested closure that captures more is a chain of its own
local function outer2() --! W701
  local f = 6
  return function() --! W701
    return a + b + c + d + e + f
  end
end
print(outer, outer2)
