-- A small web server: routes, static pages, a JSON status page.
local M = {}
local routes = {}
local pages = {
  ["/"] = "<html><head><title>Greenhouse</title></head><body><h1>Greenhouse</h1>"
    .. "<p><a href='/status'>Status</a> | <a href='/config'>Settings</a></p></body></html>",
  ["/404"] = "<html><body><h1>Not found</h1><p>No such page on this board.</p></body></html>",
}

local function status_line(code)
  if code == 200 then return "HTTP/1.1 200 OK\r\n" end
  if code == 404 then return "HTTP/1.1 404 Not Found\r\n" end
  return "HTTP/1.1 500 Internal Server Error\r\n"
end

local function header(code, ctype, length)
  return status_line(code) .. "Content-Type: " .. ctype .. "\r\nContent-Length: "
    .. length .. "\r\nConnection: close\r\n\r\n"
end

function M.route(path, handler)
  routes[path] = handler
end

function M.parse(request)
  local method, path = request:match("^(%u+)%s+(%S+)")
  if not method then return nil end
  local query = {}
  local p, q = path:match("^([^?]*)%??(.*)$")
  for k, v in q:gmatch("([^&=]+)=([^&]*)") do query[k] = v end
  return method, p, query
end

function M.respond(request)
  local method, path, query = M.parse(request)
  if not method then return header(500, "text/plain", 0) end
  local handler = routes[path]
  if handler then
    local body, ctype = handler(method, query)
    return header(200, ctype or "text/html", #body) .. body
  end
  local page = pages[path] or pages["/404"]
  return header(pages[path] and 200 or 404, "text/html", #page) .. page
end

function M.start(port)
  if not net then return nil, "no net module in this firmware" end
  local srv = net.createServer(net.TCP, 30)
  srv:listen(port or 80, function(conn)
    conn:on("receive", function(c, request) c:send(M.respond(request)) end)
    conn:on("sent", function(c) c:close() end)
  end)
  return srv
end

return M
