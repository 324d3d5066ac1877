-- Blink the LED on GPIO2 (pin 4) and report the free heap.
local led = 4
gpio.mode(led, gpio.OUTPUT)
local count = 0
local blink = tmr.create()
blink:alarm(500, tmr.ALARM_AUTO, function ()
  count = count + 1
  gpio.write(led, count % 2)
  if count % 10 == 0 then
    print("heap", node.heap())
  end
end)
