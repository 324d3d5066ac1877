-- W804: a string grown by concatenation in a loop.
local s = ""
for i = 1, 10 do
  s = s .. i --! W804
end
local parts = {}
for i = 1, 10 do
  parts[#parts + 1] = tostring(i)
end
local joined = table.concat(parts)
local once = s .. joined
print(once)
