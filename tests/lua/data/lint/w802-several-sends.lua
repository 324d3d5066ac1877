-- W802: more than one :send() in one run of a callback, or one in a loop. (docs/firmware.md sections 2 and 5)
local function reply(sck)
  sck:send("HTTP/1.0 200 OK\r\n\r\n")
  sck:send("<html>") --! W802
  sck:send("</html>") --! W802
end
local function stream(sck)
  sck:on("sent", function(s) s:close() end)
  sck:send("one piece")
end
local function either(sck, ok)
  if ok then
    sck:send("yes")
  elseif ok == nil then
    sck:send("maybe")
  else
    sck:send("no")
  end
end
local function after_if(sck, ok)
  if ok then sck:send("header") end
  sck:send("body") --! W802
end
local function chunks(sck, parts)
  for _, p in ipairs(parts) do
    sck:send(p) --! W802
  end
end
local c = net.createConnection(net.TCP, 0)
c:send("a")
c:send("b")
print(reply, stream, either, after_if, chunks)
