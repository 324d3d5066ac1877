-- W211: an unused local variable or function (a leading `_` exempts).
local unused = 1 --! W211
local _ignored = 2
local used = 3
print(used)
local function helper() end --! W211
local set_only = 1 --! W231
set_only = 2
-- a forward declaration set once to a function and never read: an unused function, at the
-- assignment (as luacheck reports it)
local forward
forward = function() end --! W211
