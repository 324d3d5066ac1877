function t.a.b:m()
end
