-- sets a global that main.lua reads: not undefined there
helper_from_util = 1 --! W111
return { twice = function(x) return 2 * x end }
