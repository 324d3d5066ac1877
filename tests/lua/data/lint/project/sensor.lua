-- a volatile module: it removes itself from package.loaded
local M = {}
function M.read() return 1 end
package.loaded[...] = nil
return M
