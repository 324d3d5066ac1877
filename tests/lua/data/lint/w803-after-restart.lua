-- W803: code after node.restart() still runs until the task returns. (docs/firmware.md section 5)
local function reboot()
  node.restart()
  print("still runs") --! W803
end
local function clean()
  print("bye")
  node.restart()
end
print(reboot, clean)
