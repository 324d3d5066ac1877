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
local page = { body = "" }
local n = 0
while n < 3 do
  n = n + 1
  page.body = page.body .. "<p>" .. n .. "</p>" --! W804
  s = "<li>" .. s --! W804
  local line = "item " .. n
  print(line)
end
print(once, page)
