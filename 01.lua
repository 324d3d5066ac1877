local s
s:send(("x"):format(
  ))
