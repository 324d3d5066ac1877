-- W806: init.lua starts the application at once: a failure is a reboot loop. (docs/firmware.md section 5)
print("booting")
dofile("application.lua") --! W806
