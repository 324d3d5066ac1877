-- W411: a local declared again in the same block (luacheck's "previously defined").
local x = 1
local x = x + 1 --! W411
local y = 2
do
  local z = y
  print(z)
end
print(x)
