-- W703: a callback that captures the object it is registered on (the registry leak). (docs/firmware.md sections 2 and 5)
local srv = net.createServer(net.TCP, 30)
srv:listen(80, function(conn)
  conn:on("receive", function(sck, data) --! W703
    conn:send(data)
    print(sck)
  end)
  conn:on("sent", function(sck) sck:close() end)
  local function on_disconnect(sck)
    print(sck, conn)
  end
  conn:on("disconnection", on_disconnect) --! W703
  local on_reconnect = function(sck) print(sck) end
  conn:on("reconnection", on_reconnect)
end)
local sock = net.createConnection(net.TCP, 0)
sock:on("connection", function(s) s:send("hi") end)
local other = net.createConnection(net.TCP, 0)
sock:on("receive", function(s) print(s, other) end)
other:on("receive", function(s) print(s, sock) end)
-- the documented fix: the disconnection callback sets the captured socket to nil
local function session(socket)
  local function on_disconnect(_)
    socket = nil
  end
  socket:on("disconnection", on_disconnect)
  socket:on("receive", function(_, line) socket:send(line) end)
end
local peer = net.createConnection(net.TCP, 0)
peer:on("disconnection", function() peer, other = nil, nil end)
print(session)
