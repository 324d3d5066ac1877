-- W806: init.lua starts the application at once: a failure is a reboot loop.
print("booting")
dofile("application.lua") --! W806
