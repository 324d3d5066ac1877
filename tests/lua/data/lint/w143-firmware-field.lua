-- W143: a field the firmware module does not have (a typo, or an API from another release).
print(tmr.now(), tmr.nowz()) --! W143
print(gpio.OUTPUT, gpio.OUTPT) --! W143
print(wifi.anything, node.heap(), file.open, net.createServer)
-- bit's ROTable (app/modules/bit.c) has set and clear, not bset and bclear
print(bit.set(0, 1), bit.clear(15, 0))
print(bit.bset, bit.bclear) --! W143 W143
