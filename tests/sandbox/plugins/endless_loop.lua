-- expect-exit: 4
-- expect-stderr: instruction budget
-- An endless loop must end at the instruction budget.
return {api = 1, name = "endless_loop", version = "1", kind = "aggregate", description = "hostile",
  aggregate = function(children) while true do end end}
