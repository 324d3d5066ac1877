#!/usr/bin/env lua
--[==[ Regressions from the minifier issue, in one file: each line is something a
minifier got wrong (luamin, LuaSrcDiet) or a corner of Lua 5.1's lexer. ]] ]==]
local results = {}
local function push(...) results[#results + 1] = select("#", ...) .. ":" .. table.concat({...}, ",") end
push((f()))                       -- return (f()) truncates to one value
push(#{(f())})                    -- {(f())} too
local function v(...) return (...) end
push(v(1, 2))                     -- (...) too
push(string.format("%.17g", a + (b - c)))  -- a+(b-c) is not a+b-c in floating point
push(string.format("%.17g", a * (b / c)))
push(string.format("%.17g", p + (q - r)))
local z = b;
(f or g)()                        -- the ; keeps this from being a call of b
push(1. .. x, 2 .. x)             -- numeral then ..
push(b - -b)                      -- not a comment
push([=[ [[ ]=], #[==[
]]]==])                           -- nested long brackets
push(string.format("%.17g", 0x5AF3107A4001), 0x10, 0.50)   -- not 1e14
push(#"€‚ƒ„…†‡ˆ‰Š‹Œ‘’“”•–—˜™š›œŸ ¡¢£¤¥¦§¨©ª«¬­®¯°±²³´µ¶·¸¹º»¼½¾¿ÀÁÂÃÄÅÆÇÈÉÊËÌÍÎÏĞÑÒÓÔÕÖ×ØÙÚÛÜİŞßàáâãäåæçèéêëìíîïğñòóôõö÷øùúûüışÿ", tostring("\128\255" == "€ÿ"))
push("\65\066", 'it\'s', "tab\there", z)
return table.concat(results, ";")
