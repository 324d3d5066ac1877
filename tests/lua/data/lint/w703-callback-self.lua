-- W703: a callback that captures the object it is registered on (the registry leak).
local srv = net.createServer(net.TCP, 30)
srv:listen(80, function(conn)
  conn:on("receive", function(sck, data) --! W703
    conn:send(data)
    print(sck)
  end)
  conn:on("sent", function(sck) sck:close() end)
end)
local sock = net.createConnection(net.TCP, 0)
sock:on("connection", function(s) s:send("hi") end)
