-- A DS18B20 temperature sensor driver on a 1-Wire bus, with a moving average.
local M = {}
local CONVERT_T, READ_SCRATCHPAD, SKIP_ROM = 0x44, 0xBE, 0xCC
local history, size, next = {}, 8, 1

local function crc8(data)
  local crc = 0
  for i = 1, #data do
    local byte = data:byte(i)
    for _ = 1, 8 do
      local mix = bit.band(bit.bxor(crc, byte), 1)
      crc = bit.rshift(crc, 1)
      if mix == 1 then crc = bit.bxor(crc, 0x8C) end
      byte = bit.rshift(byte, 1)
    end
  end
  return crc
end

function M.decode(scratchpad)
  if #scratchpad < 9 then return nil, "short read" end
  if crc8(scratchpad:sub(1, 8)) ~= scratchpad:byte(9) then return nil, "crc mismatch" end
  local raw = scratchpad:byte(1) + scratchpad:byte(2) * 256
  if raw >= 32768 then raw = raw - 65536 end
  return raw * 625 / 10000
end

function M.read(pin, callback)
  if not ow then return callback(nil, "no ow module") end
  ow.setup(pin)
  ow.reset(pin); ow.write(pin, SKIP_ROM, 1); ow.write(pin, CONVERT_T, 1)
  tmr.create():alarm(750, tmr.ALARM_SINGLE, function()
    ow.reset(pin); ow.write(pin, SKIP_ROM, 1); ow.write(pin, READ_SCRATCHPAD, 1)
    callback(M.decode(ow.read_bytes(pin, 9)))
  end)
end

function M.record(t)
  history[next] = t
  next = next % size + 1
end

function M.average()
  local sum, n = 0, 0
  for _, t in pairs(history) do sum, n = sum + t, n + 1 end
  if n == 0 then return nil end
  return sum / n
end

return M
