-- W432: a local of a nested function shadowing an argument of the enclosing one.
local function outer(conn) --! W212
  return function()
    local conn = 1 --! W432
    return conn
  end
end
return outer
