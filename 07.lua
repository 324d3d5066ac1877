x = not a
and b
