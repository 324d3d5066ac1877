local function f()
end
