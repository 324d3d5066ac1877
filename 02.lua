f(a,
b)
