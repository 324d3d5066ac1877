for k in pairs(t) do
  g = k
end
