-- expect-exit: 4
-- expect-stderr: instruction budget
-- Catching the budget error with pcall must not buy more time.
return {api = 1, name = "pcall_swallow", version = "1", kind = "aggregate", description = "hostile",
  aggregate = function(children)
    for i = 1, 1000 do pcall(function() while true do end end) end
    return 0.5
  end}
