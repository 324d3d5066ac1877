-- W143: a field the firmware module does not have (a typo, or an API from another release).
print(tmr.now(), tmr.nowz()) --! W143
print(gpio.OUTPUT, gpio.OUTPT) --! W143
print(wifi.anything) --! W143
print(node.heap(), file.open, net.createServer, u8g2.anything)
-- bit's ROTable (app/modules/bit.c) has set and clear, not bset and bclear
print(bit.set(0, 1), bit.clear(15, 0))
print(bit.bset, bit.bclear) --! W143 W143
-- 3.0 moved node.readvdd33 to adc and dropped node.key, node.led (app/modules/node.c)
print(node.readvdd33(), adc.readvdd33()) --! W143
node.key("long", print) --! W143
-- 3.0's crypto leaves hex and Base64 to the encoder module (app/modules/crypto.c)
print(crypto.toHex(crypto.hash("sha1", "x")), encoder.toHex("x")) --! W143
-- sub-tables have their own field lists
wifi.sta.config({ ssid = "x", pwd = "y" })
wifi.sta.confg({ ssid = "x", pwd = "y" }) --! W143
print(wifi.eventmon.reason.AUTH_FAIL, wifi.ap.dhcp.start(), node.egc.setmode(node.egc.ALWAYS))
print(wifi.eventmon.reason.WRONG_PASSWORD) --! W143
-- modules a typical project uses
uart.setup(0, 115200, 8, uart.PARITY_NONE, uart.STOPBITS_1, 1)
print(sjson.decode("[1]"), i2c.SLOW, spi.MASTER, pwm.setduty, mqtt.Client, http.get, sntp.sync)
print(rtctime.get(), ow.crc8, dht.read11, ws2812.write, crypto.hash, encoder.toHex, struct.pack)
print(enduser_setup.start, mdns.register, rtcmem.read32, softuart.setup, pipe.create)
print(pixbuf.newBuffer, uart.write, sjson.decodee) --! W143
-- sjson.md describes sjson.NULL; 3.0's ROTable (app/modules/sjson.c) has no such entry
print(sjson.NULL) --! W143
-- node.LFS answers any other name with the LFS module of that name (app/modules/node.c)
print(node.LFS.get("httpd"), node.LFS.httpd, node.LFS.config.lfs_size, node.LFS.time)
-- a field of a field that is no table of the module, or of a local: not checked
local w = wifi
print(w.sta.confg, node.heap.x)
