-- W802: more than one :send() in one callback.
local function reply(sck)
  sck:send("HTTP/1.0 200 OK\r\n\r\n")
  sck:send("<html>") --! W802
  sck:send("</html>") --! W802
end
local function stream(sck)
  sck:on("sent", function(s) s:close() end)
  sck:send("one piece")
end
local c = net.createConnection(net.TCP, 0)
c:send("a")
c:send("b")
print(reply, stream)
