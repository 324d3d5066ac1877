-- Inline directives: luacheck's and moonwire's.
local unused1 = 1 -- luacheck: ignore
local unused2 = 2 -- luacheck: ignore 211
local unused3 = 3 -- luacheck: ignore 212 --! W211
local unused4 = 4 -- moonwire: ignore W211
local function f(a) -- luacheck: ignore 212/a
  local unused5 --! W211
end
local function g()
  -- luacheck: ignore
  local unused6
end
local unused7 --! W211
print(f, g)
local function h()
  -- luacheck: read globals scoped_read
  return scoped_read
end
print(h, scoped_read) --! W113
local tmp_a, tmp_b = 1, 2 -- luacheck: ignore 211/tmp_.*
local tmp_c = 3 --! W211
-- luacheck: push ignore 211
local pushed1 = 1
-- luacheck: push
-- luacheck: ignore 212
local function pushed_f(arg1) end
-- luacheck: pop
local function popped_f(arg2) end --! W212
-- luacheck: pop
local popped2 = 2 --! W211
print(pushed_f, popped_f)
-- options in long comments too (luacheck 1.1 reads only short ones)
local function long_comments()
  --[==[
    luacheck: push ignore 211
  ]==]
  local hidden
  --[[ luacheck: pop ]]
  local shown --! W211
end
-- irsend-style: a switch for the rest of the function, one beside code for its line
local function send_code(pin, code) -- luacheck: no unused
  local bits = 0 --! W211
end
local function blink(pin, times) --! W212 W212
  -- luacheck: no unused args
  return function(level) end
end
print(long_comments, send_code, blink)
