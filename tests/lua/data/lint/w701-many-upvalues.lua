-- W701: a closure capturing at least 5 upvalues (docs/firmware.md section 3: 20 + 28 per upvalue).
local a, b, c, d, e = 1, 2, 3, 4, 5
local function five() --! W701
  return a + b + c + d + e
end
local function four()
  return a + b + c + d
end
print(five, four)
