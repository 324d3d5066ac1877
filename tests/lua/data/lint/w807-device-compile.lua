-- W807: node.compile() parses the whole file in the board's RAM (docs/firmware.md sections 2 and 5).
node.compile("app.lua") --! W807
if file.exists("app.lc") then dofile("app.lc") end
-- only calls are reported, not a reference to the function
local compile = node.compile
print(compile)
