-- not init.lua: starting another file at once is fine
dofile("application.lua")
