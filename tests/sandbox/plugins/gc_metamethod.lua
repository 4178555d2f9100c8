-- expect-exit: 4
-- expect-stderr: __gc metamethods are not allowed
-- A finalizer would run outside any budget.
return {api = 1, name = "gc_metamethod", version = "1", kind = "aggregate", description = "hostile",
  aggregate = function(children)
    setmetatable({}, {__gc = function() while true do end end})
    return 0.5
  end}
