local a,b,c
local function f() return function() return a, c end end