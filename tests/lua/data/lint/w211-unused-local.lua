-- W211: an unused local variable or function (a leading `_` exempts).
local unused = 1 --! W211
local _ignored = 2
local used = 3
print(used)
local function helper() end --! W211
local set_only = 1 --! W231
set_only = 2
