for i = 1, 2 do
  f(i)
end
