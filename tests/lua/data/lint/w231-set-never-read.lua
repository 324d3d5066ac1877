-- W231: a local variable that is assigned but never read.
local result --! W231
result = 42
local err --! W231
local ok = pcall(print)
if not ok then err = "failed" end
local read_later
read_later = 1
print(read_later, ok)
