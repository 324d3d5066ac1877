-- W702: a closure created inside a loop: a new closure on every iteration.
local list = {}
for i = 1, 3 do
  list[i] = function() return i end --! W702
end
local n = 0
while n < 3 do
  n = n + 1
  table.insert(list, function() return n end) --! W702
end
repeat
  local g = function() return list end --! W702
until g ~= nil
for _, f in ipairs((function() return list end)()) do print(f) end
local function make() return function() end end
print(make)
