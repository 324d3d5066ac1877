local a = f
(g)()