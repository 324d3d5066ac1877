-- W511: unreachable code after return or break.
local function f(x)
  do return x end
  print("never") --! W511
end
local function g(x)
  if x then return 1 else return 2 end
  print("never") --! W511
end
local function h(x)
  if x then return 1 end
  print("reached")
end
for i = 1, 2 do
  if i then break end
  print(i)
end
while true do
  do break end
  print("never") --! W511
end
print(f, g, h)
local function loop_forever()
  while true do
    print("tick")
  end
  print("never") --! W511
end
local function loop_until_break()
  repeat
    if loop_forever then break end
  until false
  print("reached")
end
print(loop_forever, loop_until_break)
