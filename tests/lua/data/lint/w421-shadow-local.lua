-- W421: a local shadowing a local of an enclosing block of the same function.
local count = 0
if count then
  local count = 1 --! W421
  print(count)
end
print(count)
