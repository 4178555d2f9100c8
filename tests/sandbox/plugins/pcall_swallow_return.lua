-- expect-exit: 4
-- expect-stderr: instruction budget
-- Even when the plugin swallows the budget error and returns a good value, the overrun is
-- reported: the answer would depend on where the budget happened to run out.
return {api = 1, name = "pcall_swallow_return", version = "1", kind = "aggregate", description = "hostile",
  aggregate = function(children)
    pcall(function() while true do end end)
    return 0.5
  end}
