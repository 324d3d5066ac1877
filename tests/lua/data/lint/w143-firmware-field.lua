-- W143: a field the firmware module does not have (a typo, or an API from another release).
print(tmr.now(), tmr.nowz()) --! W143
print(gpio.OUTPUT, gpio.OUTPT) --! W143
print(wifi.anything, node.heap(), file.open, net.createServer)
