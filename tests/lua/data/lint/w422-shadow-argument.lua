-- W422: a local shadowing an argument in an inner block.
local function f(n)
  while n > 0 do
    local n = n - 1 --! W422
    print(n)
  end
end
return f
