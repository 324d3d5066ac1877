-- W433: a local of a nested function shadowing a loop variable around it.
for pin = 1, 3 do
  gpio.trig(pin, "up", function(level) --! W702
    local pin = level --! W433
    print(pin)
  end)
end
