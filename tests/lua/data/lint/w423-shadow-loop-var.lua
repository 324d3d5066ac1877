-- W423: a local shadowing a loop variable in an inner block.
for i = 1, 3 do
  do
    local i = i * 2 --! W423
    print(i)
  end
end
