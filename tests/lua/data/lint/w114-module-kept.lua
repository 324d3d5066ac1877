-- W114: a required module stays in package.loaded (and its global) until restart. (docs/firmware.md section 5)
local a = require("sensor") --! W114
local b = require("volatile_one")
package.loaded["volatile_one"] = nil
local c = require "other" --! W114
local d = require("dotted.mod")
package.loaded.dotted = nil
package.loaded["dotted.mod"] = nil
print(a, b, c, d)
