for k, v in
  next, t do
  g = k
end
