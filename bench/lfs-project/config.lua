-- A settings store: defaults, validation, kept as JSON in a SPIFFS file.
local M = {}
local FILE = "settings.json"
local defaults = {
  ssid = "greenhouse", password = "", interval = 60, threshold_low = 12,
  threshold_high = 30, unit = "C", name = "sensor-1", report_url = "http://example.org/report",
}
local rules = {
  interval = function(v) return type(v) == "number" and v >= 5 and v <= 3600 end,
  threshold_low = function(v) return type(v) == "number" end,
  threshold_high = function(v) return type(v) == "number" end,
  unit = function(v) return v == "C" or v == "F" end,
  ssid = function(v) return type(v) == "string" and #v > 0 and #v <= 32 end,
}
local values = {}

function M.get(key)
  if values[key] ~= nil then return values[key] end
  return defaults[key]
end

function M.set(key, value)
  if defaults[key] == nil then return false, "unknown setting " .. key end
  local rule = rules[key]
  if rule and not rule(value) then return false, "bad value for " .. key end
  values[key] = value
  return true
end

function M.load()
  if not (file and sjson) then return false end
  local text = file.getcontents and file.getcontents(FILE)
  if not text then return false end
  local ok, t = pcall(sjson.decode, text)
  if not ok or type(t) ~= "table" then return false end
  for k, v in pairs(t) do M.set(k, v) end
  return true
end

function M.save()
  if not (file and sjson) then return false end
  return file.putcontents(FILE, sjson.encode(values))
end

return M
