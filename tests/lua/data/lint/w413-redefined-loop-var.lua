-- W413: a loop variable declared again in the loop's body.
for i = 1, 3 do --! W213
  local i = 0 --! W413
  print(i)
end
for k, v in pairs({}) do
  local v = v or k --! W413
  print(v)
end
