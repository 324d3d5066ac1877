-- W213: an unused loop variable.
for i = 1, 3 do --! W213
  print("x")
end
for k, v in pairs({}) do --! W213
  print(v)
end
for _, v in ipairs({}) do print(v) end
